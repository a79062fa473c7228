/**
 * What the chapter scripts ask AWS: who am I (are there credentials at all), what a deployed stack's
 * outputs are, and `serverless deploy|remove` run for a chapter folder.
 */
import { spawn } from 'node:child_process';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { clientOptions, explainAwsError } from './aws';
import { localBin } from './process';

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

/** `serverless <args>` in a chapter folder, its output shown as it comes; rejects on a non-zero exit. */
export function runServerless(
  chapterDir: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(localBin('serverless'), [...args], { cwd: chapterDir, stdio: 'inherit', env });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new AwsSetupError(`serverless ${args.join(' ')} failed (exit ${code}): see its output above.`),
          ),
    );
  });
}
