/** `npm run verify -- 5 --aws`: the Lambda's log group in the learner's account, and recent events in it. */
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { clientOptions, explainAwsError } from '../../src/aws';
import { checkLogGroupName, region } from '../../src/config';
import { type Chapter, check, Problem } from './steps';

export const verifyAws: Chapter = {
  title: "Chapter 05, the Lambda's CloudWatch logs (your AWS account)",
  steps: [
    {
      title: `the log group ${checkLogGroupName()} exists`,
      async run() {
        const name = checkLogGroupName();
        const client = new CloudWatchLogsClient(clientOptions());
        const answer = await client
          .send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }))
          .catch((error: unknown) => {
            throw new Problem(
              explainAwsError(error, { offlineHint: false }),
              'set up credentials, then run this again',
            );
          });
        const group = answer.logGroups?.find((g) => g.logGroupName === name);
        check(
          group,
          `no log group ${name} in ${region()}`,
          'deploy chapter 03 (npm run chapter:3); it creates the group',
        );
        return `kept ${group.retentionInDays ?? 'forever'} days`;
      },
    },
    {
      title: 'it holds events of the last 24 hours',
      async run() {
        const answer = await new CloudWatchLogsClient(clientOptions()).send(
          new FilterLogEventsCommand({
            logGroupName: checkLogGroupName(),
            startTime: Date.now() - 86_400_000,
            limit: 50,
          }),
        );
        const count = answer.events?.length ?? 0;
        check(
          count > 0,
          'no event in the last 24 hours',
          'send a request (npm run chapter:4), then tail: npm run chapter:5',
        );
        return `${count}${answer.nextToken ? '+' : ''} events`;
      },
    },
  ],
};
