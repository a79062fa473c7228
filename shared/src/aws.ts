/**
 * What every AWS client of the workshop shares. The SDK itself honours AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE> (e.g. AWS_ENDPOINT_URL_S3), so the same code talks to AWS or to a local stand-in.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { clientOptions } from './client-options';

type Env = Readonly<Record<string, string | undefined>>;

// Apart, without the SDK: the Lambda bundle imports them and must load no SDK client before its first request.
export { type ClientOptions, clientOptions, endpointFor } from './client-options';

const CREDENTIALS_HELP = `Set up AWS credentials first (no AdministratorAccess user needed):
  - with IAM Identity Center (SSO): aws configure sso, then export AWS_PROFILE=<profile> and aws sso login
  - or with an access key of a least-privilege user: aws configure
See the top README, "AWS credentials".`;
const OFFLINE_HINT = '\nTo work without an AWS account, add -- --offline to the command.';

/** A message a learner can act on, for the errors the SDK throws when credentials or access are missing. */
export function explainAwsError(error: unknown, options: { offlineHint?: boolean } = {}): string {
  const hint = options.offlineHint === false ? '' : OFFLINE_HINT;
  const e = error as { name?: string; message?: string; Code?: string };
  const name = e?.name ?? e?.Code ?? 'Error';
  switch (name) {
    case 'CredentialsProviderError':
    case 'CredentialsError':
      return `No AWS credentials were found.\n${CREDENTIALS_HELP}${hint}`;
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'TokenRefreshRequired':
      return `Your AWS credentials have expired: sign in again (aws sso login, or a fresh access key).\n${CREDENTIALS_HELP}${hint}`;
    case 'InvalidClientTokenId':
    case 'UnrecognizedClientException':
    case 'InvalidAccessKeyId':
    case 'SignatureDoesNotMatch':
      return `AWS does not recognise these credentials (${name}): check the access key or profile.\n${CREDENTIALS_HELP}${hint}`;
    case 'AccessDenied':
    case 'AccessDeniedException':
      return `AWS refused the call (${name}): ${e.message ?? ''}\nThe deploying identity needs the workshop's policy (shared/iam/deployer-policy.json).`;
    default:
      return `${name}: ${e?.message ?? String(error)}`;
  }
}

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
