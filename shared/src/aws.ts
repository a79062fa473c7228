/**
 * What every AWS client of the workshop shares. The SDK itself honours AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE> (e.g. AWS_ENDPOINT_URL_S3), so the same code talks to AWS or to a local stand-in.
 */
import { region } from './config';

export interface ClientOptions {
  region: string;
}

export function clientOptions(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ClientOptions {
  return { region: region(env) };
}

/** Whether a client of `service` is pointed at a local endpoint rather than AWS. */
export function endpointFor(
  service: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  return (
    env[`AWS_ENDPOINT_URL_${service.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`] ||
    env.AWS_ENDPOINT_URL ||
    undefined
  );
}

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
