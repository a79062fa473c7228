/**
 * What the chapters' `npm run verify -- N --aws` steps share: a deployed stack's outputs, checked and kept
 * for the steps after it, and a POST that reports whatever came back. Reads only; changes nothing.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { clientOptions, explainAwsError } from '../../src/aws';
import { region, stackName } from '../../src/config';
import { check, Problem, type Step, type StepContext } from './steps';

async function outputsOf(service: string, deployCommand: string): Promise<Record<string, string>> {
  const name = stackName(service);
  try {
    const answer = await new CloudFormationClient(clientOptions()).send(
      new DescribeStacksCommand({ StackName: name }),
    );
    const stack = answer.Stacks?.[0];
    check(stack, `no stack ${name}`, deployCommand);
    check(
      /_COMPLETE$/.test(stack.StackStatus ?? '') && !/ROLLBACK|DELETE/.test(stack.StackStatus ?? ''),
      `the stack ${name} is ${stack.StackStatus}`,
      `look at its events in the CloudFormation console (${region()}), fix, then: ${deployCommand}`,
    );
    return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } catch (error) {
    if (error instanceof Problem) throw error;
    if (/does not exist/.test((error as Error).message)) {
      throw new Problem(
        `the stack ${name} is not deployed in ${region()}`,
        `${deployCommand} (or check AWS_REGION and STAGE)`,
      );
    }
    throw new Problem(
      explainAwsError(error, { offlineHint: false }),
      'set up credentials, then run this again',
    );
  }
}

export function stackStep(service: string, deployCommand: string, key: string): Step {
  return {
    title: `the stack ${stackName(service)} is deployed`,
    async run(context: StepContext) {
      const outputs = await outputsOf(service, deployCommand);
      context.state.set(key, outputs);
      return `${Object.keys(outputs).length} outputs`;
    },
  };
}

export const outputs = (context: StepContext, key: string) =>
  context.state.get(key) as Record<string, string>;

export async function postTo(
  url: string,
  body: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', body });
  const text = await response.text();
  try {
    return { status: response.status, json: JSON.parse(text) };
  } catch {
    return { status: response.status, json: { raw: text.slice(0, 200) } };
  }
}
