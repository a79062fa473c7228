/**
 * What the run needs to know about the deployed chapter 03 API: its URL, from the CloudFormation stack's
 * CheckUrl output, and the keys its function verifies with, from SSM Parameter Store.
 * Every failure is a DeployedApiError whose message says what to do.
 */
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clientOptions, explainAwsError } from '../../shared/src/aws';
import { parameterNames, region, SERVICES, SITE_ORIGIN, stackName } from '../../shared/src/config';

type Env = Readonly<Record<string, string | undefined>>;

export class DeployedApiError extends Error {
  override readonly name = 'DeployedApiError';
}

/** The output chapter 03's serverless.yml declares: the full URL of POST /check. */
export const CHECK_URL_OUTPUT = 'CheckUrl';

const OFFLINE_INSTEAD = 'To test without AWS: npm run chapter:4 -- --offline';

function isMissingStack(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'ValidationError' && /does not exist/i.test(e.message ?? '');
}

/** The output chapter 02's serverless.yml declares: the site's CloudFront URL. */
export const SITE_URL_OUTPUT = 'SiteUrl';

/** The check URL of a described stack, or why it cannot be used. */
export function checkUrlOf(stack: Stack, name: string): string {
  const status = stack.StackStatus ?? 'UNKNOWN';
  if (status.endsWith('_IN_PROGRESS')) {
    throw new DeployedApiError(
      `The stack ${name} is busy (${status}): wait until the deploy or removal finishes, then run this again.`,
    );
  }
  if (status === 'ROLLBACK_COMPLETE' || status.endsWith('_FAILED') || status === 'DELETE_COMPLETE') {
    throw new DeployedApiError(
      `The stack ${name} is in state ${status}: its deploy failed. Its events in the CloudFormation console say why; fix that and deploy again: npm run chapter:3`,
    );
  }
  const url = stack.Outputs?.find((output) => output.OutputKey === CHECK_URL_OUTPUT)?.OutputValue;
  if (!url || !/^https:\/\/\S+$/.test(url)) {
    throw new DeployedApiError(
      `The stack ${name} has no ${CHECK_URL_OUTPUT} output: it was not deployed from this workshop's 03-lambda-check/serverless.yml. Deploy chapter 03 again, or pass the endpoint: npm run chapter:4 -- --url <check URL>`,
    );
  }
  return url;
}

/** The deployed check URL, read from the chapter 03 stack's outputs. */
export async function deployedCheckUrl(
  env: Env = process.env,
  client = new CloudFormationClient(clientOptions(env)),
): Promise<string> {
  const name = stackName(SERVICES.api, env);
  let stack: Stack | undefined;
  try {
    const answer = await client.send(new DescribeStacksCommand({ StackName: name }));
    stack = answer.Stacks?.[0];
  } catch (error) {
    if (isMissingStack(error)) {
      throw new DeployedApiError(
        `The chapter 03 stack ${name} is not deployed in ${region(env)}. Deploy it first: npm run chapter:3 (03-lambda-check/README.md), or check AWS_REGION and STAGE.\n${OFFLINE_INSTEAD}`,
      );
    }
    throw new DeployedApiError(`${explainAwsError(error)}`);
  }
  if (!stack) {
    throw new DeployedApiError(`CloudFormation described no stack named ${name} in ${region(env)}.`);
  }
  return checkUrlOf(stack, name);
}

export interface SiteOrigin {
  readonly origin: string;
  readonly source: string;
}

/**
 * The one origin the deployed API lets browsers call it from, found as `npm run chapter:3` found it at
 * deploy time: SITE_ORIGIN if set, else the origin of chapter 02's SiteUrl, else shared/settings.json's.
 */
export async function deployedSiteOrigin(
  env: Env = process.env,
  client = new CloudFormationClient(clientOptions(env)),
): Promise<SiteOrigin> {
  if (env.SITE_ORIGIN) return { origin: env.SITE_ORIGIN, source: 'SITE_ORIGIN' };
  const name = stackName(SERVICES.cdn, env);
  try {
    const answer = await client.send(new DescribeStacksCommand({ StackName: name }));
    const url = answer.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === SITE_URL_OUTPUT)?.OutputValue;
    if (url) return { origin: new URL(url).origin, source: `the ${SITE_URL_OUTPUT} of ${name}` };
  } catch (error) {
    if (!isMissingStack(error)) throw new DeployedApiError(explainAwsError(error));
  }
  return { origin: SITE_ORIGIN, source: `shared/settings.json (${name} is not deployed)` };
}

export interface DeployedKeys {
  readonly signatureKey: string;
  readonly signingKeys: string;
  /** Where they came from, for the report. */
  readonly source: string;
}

/**
 * The keys the deployed function verifies with: the two SSM parameters it reads itself. When they cannot be
 * read (no ssm:GetParameters for you), SIGNATURE_KEY and SIGNING_KEYS from the environment or .env: the
 * values chapter 03 stored there.
 */
export async function deployedKeys(
  env: Env = process.env,
  client = new SSMClient(clientOptions(env)),
): Promise<DeployedKeys> {
  const names = parameterNames(env);
  let values: Map<string | undefined, string | undefined>;
  try {
    const answer = await client.send(
      new GetParametersCommand({ Names: [names.legacyKey, names.signingKeys], WithDecryption: true }),
    );
    values = new Map((answer.Parameters ?? []).map((p) => [p.Name, p.Value]));
  } catch (error) {
    if (env.SIGNATURE_KEY && env.SIGNING_KEYS) {
      return {
        signatureKey: env.SIGNATURE_KEY,
        signingKeys: env.SIGNING_KEYS,
        source: `SIGNATURE_KEY and SIGNING_KEYS (SSM could not be read: ${(error as Error).name})`,
      };
    }
    throw new DeployedApiError(
      `Could not read the keys from SSM Parameter Store: ${explainAwsError(error)}\nOr put SIGNATURE_KEY and SIGNING_KEYS (the values you stored in chapter 03) in .env.`,
    );
  }
  const signatureKey = values.get(names.legacyKey);
  const signingKeys = values.get(names.signingKeys);
  if (!signatureKey || !signingKeys) {
    const missing = [names.legacyKey, names.signingKeys].filter((n) => !values.get(n));
    throw new DeployedApiError(
      `SSM parameter(s) ${missing.join(' and ')} not found in ${region(env)}: the deployed function cannot verify anything yet (it answers 503). npm run chapter:3 creates them from SIGNATURE_KEY and SIGNING_KEYS in .env.`,
    );
  }
  return { signatureKey, signingKeys, source: `SSM parameters ${names.legacyKey} and ${names.signingKeys}` };
}
