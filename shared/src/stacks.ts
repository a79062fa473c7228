/**
 * What the chapters ask AWS about the deployed workshop: who am I (are there credentials at all), and a
 * deployed stack's outputs. Apart from aws.ts, so that the Lambda's bundle (which imports aws.ts) never
 * loads the CloudFormation and STS clients.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { clientOptions, explainAwsError } from './aws';

type Env = Readonly<Record<string, string | undefined>>;

export class AwsSetupError extends Error {
  override readonly name = 'AwsSetupError';
}

/** The account id of the credentials in use (STS GetCallerIdentity needs no permission); the SDK's error if none. */
export async function accountId(config: STSClientConfig = clientOptions()): Promise<string> {
  const sts = new STSClient(config);
  try {
    const { Account } = await sts.send(new GetCallerIdentityCommand({}));
    if (!Account) throw new Error('STS answered without an account id');
    return Account;
  } finally {
    sts.destroy();
  }
}

/** The account the credentials belong to; an AwsSetupError that says what to do when there are none. */
export async function callerAccount(env: Env = process.env): Promise<string> {
  try {
    return await accountId(clientOptions(env));
  } catch (error) {
    throw new AwsSetupError(explainAwsError(error));
  }
}

/** A deployed stack's outputs by key, or undefined when the stack does not exist. */
export async function stackOutputs(
  stackName: string,
  env: Env = process.env,
): Promise<Record<string, string> | undefined> {
  const cloudFormation = new CloudFormationClient(clientOptions(env));
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs: Record<string, string> = {};
    for (const output of Stacks?.[0]?.Outputs ?? []) {
      if (output.OutputKey && output.OutputValue) outputs[output.OutputKey] = output.OutputValue;
    }
    return outputs;
  } catch (error) {
    const message = (error as Error).message ?? '';
    if ((error as Error).name === 'ValidationError' && /does not exist/.test(message)) return undefined;
    throw new AwsSetupError(explainAwsError(error));
  } finally {
    cloudFormation.destroy();
  }
}
