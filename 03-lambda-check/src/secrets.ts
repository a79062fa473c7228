/**
 * The function's secrets. Offline and in tests they are in the environment (SIGNATURE_KEY, SIGNING_KEYS).
 * Deployed, the environment only names two SSM SecureString parameters: they are read once per cold start
 * (one GetParameters call) and kept in memory. The SDK ships with the Lambda runtime, so it is not bundled,
 * and it is imported only here, on the first request, so a warm request never pays for it.
 */
import type { GetParametersCommandOutput } from '@aws-sdk/client-ssm';
import { type Keyring, parseKeyring } from '../../shared/src/index';
import type { Secrets } from './verify-signature';

type Env = Readonly<Record<string, string | undefined>>;

/** A configuration problem: the service cannot answer until someone fixes it (503, never a crash). */
export class NotConfiguredError extends Error {
  override readonly name = 'NotConfiguredError';
}

/** After a failed load, wait this long before asking SSM again, so a misconfigured stage cannot hammer it. */
export const RETRY_AFTER_MS = 30_000;

let cached: Secrets | undefined;
let lastFailure: { at: number; error: NotConfiguredError } | undefined;
let loading: Promise<Secrets> | undefined;

function keyringFrom(text: string, source: string): Keyring {
  try {
    return parseKeyring(text, source);
  } catch (error) {
    throw new NotConfiguredError(`${source} is not a valid keyring: ${(error as Error).message}`);
  }
}

async function fromParameterStore(legacyName: string, keysName: string, env: Env): Promise<Secrets> {
  const { SSMClient, GetParametersCommand } = await import('@aws-sdk/client-ssm');
  const client = new SSMClient({ region: env.AWS_REGION });
  let answer: GetParametersCommandOutput;
  try {
    answer = await client.send(
      new GetParametersCommand({ Names: [legacyName, keysName], WithDecryption: true }),
    );
  } catch (error) {
    const e = error as { name?: string; message?: string };
    throw new NotConfiguredError(`SSM GetParameters failed: ${e.name ?? 'Error'}: ${e.message ?? ''}`);
  }
  const values = new Map((answer.Parameters ?? []).map((p) => [p.Name, p.Value]));
  const missing = [legacyName, keysName].filter((name) => !values.get(name));
  if (missing.length > 0) {
    throw new NotConfiguredError(
      `SSM parameter(s) not found: ${missing.join(', ')}. Create them as SecureString (npm run chapter:3 says how).`,
    );
  }
  return {
    legacyKey: values.get(legacyName) as string,
    keyring: keyringFrom(values.get(keysName) as string, keysName),
  };
}

function onThisMachine(url: string | undefined): boolean {
  try {
    return url !== undefined && ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

async function load(env: Env): Promise<Secrets> {
  if (env.SIGNATURE_KEY && env.SIGNING_KEYS) {
    return { legacyKey: env.SIGNATURE_KEY, keyring: keyringFrom(env.SIGNING_KEYS, 'SIGNING_KEYS') };
  }
  const legacyName = env.SIGNATURE_KEY_PARAMETER;
  const keysName = env.SIGNING_KEYS_PARAMETER;
  // Offline there is no Parameter Store to fall back on, unless a stand-in on this machine plays it
  // (AWS_ENDPOINT_URL_SSM, as chapter 05's demo does): never AWS's. Else the environment holds both keys.
  if ((env.IS_OFFLINE && !onThisMachine(env.AWS_ENDPOINT_URL_SSM)) || !legacyName || !keysName) {
    const unset = ['SIGNATURE_KEY', 'SIGNING_KEYS'].filter((name) => !env[name]);
    throw new NotConfiguredError(`${unset.join(' and ')} not set, and no SSM parameter to read instead.`);
  }
  return fromParameterStore(legacyName, keysName, env);
}

/** The secrets, loaded at most once per cold start (and retried after RETRY_AFTER_MS when that failed). */
export function secrets(env: Env = process.env, now = Date.now()): Promise<Secrets> {
  if (cached) return Promise.resolve(cached);
  if (lastFailure && now - lastFailure.at < RETRY_AFTER_MS) return Promise.reject(lastFailure.error);
  loading ??= load(env).then(
    (loaded) => {
      cached = loaded;
      lastFailure = undefined;
      loading = undefined;
      return loaded;
    },
    (error: unknown) => {
      const failure =
        error instanceof NotConfiguredError ? error : new NotConfiguredError(`${(error as Error)?.message}`);
      lastFailure = { at: Date.now(), error: failure };
      loading = undefined;
      throw failure;
    },
  );
  return loading;
}

/** Forget the cached secrets (tests; a new "cold start"). */
export function resetSecrets(): void {
  cached = undefined;
  lastFailure = undefined;
  loading = undefined;
}
