/**
 * The log group's ARN, which StartLiveTail wants: from DescribeLogGroups, or, where that call is not
 * allowed (the workshop's deployer policy grants only the calls on its own groups), built from the account
 * id; then the first FilterLogEvents tells whether the group exists.
 */
import { type CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';

export class NoSuchGroup extends Error {}

/** The ARN, or undefined when DescribeLogGroups is denied. Throws NoSuchGroup. */
export async function describeGroupArn(
  call: <T>(what: string, send: (signal: AbortSignal) => Promise<T>) => Promise<T>,
  client: CloudWatchLogsClient,
  name: string,
): Promise<string | undefined> {
  let nextToken: string | undefined;
  try {
    do {
      const page = await call('DescribeLogGroups', (abortSignal) =>
        client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, nextToken }), { abortSignal }),
      );
      const group = page.logGroups?.find((g) => g.logGroupName === name);
      if (group) return group.logGroupArn ?? group.arn?.replace(/:\*$/, '');
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    if ((error as Error).name === 'AccessDeniedException') return undefined;
    throw error;
  }
  throw new NoSuchGroup(name);
}

/** arn:<partition>:logs:<region>:<account>:log-group:<name> */
export function groupArn(region: string, account: string, name: string): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:logs:${region}:${account}:log-group:${name}`;
}
