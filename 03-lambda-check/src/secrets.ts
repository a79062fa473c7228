/**
 * The function's secrets, one per scheme. Offline and in tests they are in the environment (SIGNATURE_KEY,
 * SIGNING_KEYS). Deployed, the environment only names two SSM SecureString parameters: they are read once per
 * cold start (one GetParameters call) and kept in memory. The SDK ships with the Lambda runtime, so it is not bundled,
 * and it is imported only here, on the first request, so a warm request never pays for it.
 */
import type { GetParametersCommandOutput } from '@aws-sdk/client-ssm';
import { clientOptions } from '../../shared/src/client-options';
import { type Keyring, parseKeyring } from '../../shared/src/index';
import type { Scheme, Secrets } from './verify-signature';

type Env = Readonly<Record<string, string | undefined>>;

/** A configuration problem: the service cannot answer until someone fixes it (503, never a crash). */
export class NotConfiguredError extends Error {
  override readonly name = 'NotConfiguredError';
}

/** After a failed load, wait this long before asking SSM again, so a misconfigured stage cannot hammer it. */
export const RETRY_AFTER_MS = 30_000;

let cached: { secrets: Secrets; at: number } | undefined;
let lastFailure: { at: number; error: NotConfiguredError } | undefined;
let loading: Promise<Secrets> | undefined;

/** What each scheme needs, as the environment names it offline and, deployed, the name of its SSM parameter. */
const NEEDS = {
  legacy: { variable: 'SIGNATURE_KEY', parameter: 'SIGNATURE_KEY_PARAMETER', what: 'legacy signatures' },
  token: { variable: 'SIGNING_KEYS', parameter: 'SIGNING_KEYS_PARAMETER', what: 'tokens' },
} as const;
const SCHEMES = Object.keys(NEEDS) as Scheme[];

/** One GetParameters call for the named parameters; a missing one is simply absent from the map. */
async function fromParameterStore(names: readonly string[], env: Env): Promise<Map<string, string>> {
  const { SSMClient, GetParametersCommand } = await import('@aws-sdk/client-ssm');
  const client = new SSMClient(clientOptions(env));
  let answer: GetParametersCommandOutput;
  try {
    answer = await client.send(new GetParametersCommand({ Names: [...names], WithDecryption: true }));
  } catch (error) {
    const e = error as { name?: string; message?: string };
    throw new NotConfiguredError(`SSM GetParameters failed: ${e.name ?? 'Error'}: ${e.message ?? ''}`);
  }
  return new Map((answer.Parameters ?? []).map((p) => [p.Name ?? '', p.Value ?? '']));
}

function onThisMachine(url: string | undefined): boolean {
  try {
    return url !== undefined && ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * Each scheme's key, from the environment, else (deployed) from its SSM parameter. A missing key is not an
 * error of the whole service: that scheme's signatures get a 503 that names what to configure, and the other
 * scheme keeps working (a learner who follows the article has only SIGNATURE_KEY).
 */
async function load(env: Env): Promise<Secrets> {
  // Offline there is no Parameter Store to fall back on, unless a stand-in on this machine plays it
  // (AWS_ENDPOINT_URL_SSM, as chapter 05's demo does): never AWS's. Else the environment holds the keys.
  const ssm = !env.IS_OFFLINE || onThisMachine(env.AWS_ENDPOINT_URL_SSM);
  const wanted = SCHEMES.filter((scheme) => !env[NEEDS[scheme].variable])
    .map((scheme) => env[NEEDS[scheme].parameter])
    .filter((name): name is string => ssm && Boolean(name));
  const stored = wanted.length > 0 ? await fromParameterStore(wanted, env) : new Map<string, string>();
  const missing: Partial<Record<Scheme, string>> = {};
  const found = (scheme: Scheme): string | undefined => {
    const { variable, parameter, what } = NEEDS[scheme];
    const name = env[parameter];
    const value = env[variable] || (ssm && name ? stored.get(name) : undefined);
    if (!value) {
      missing[scheme] =
        ssm && name
          ? `SSM parameter not found: ${name}. Create it as a SecureString (npm run chapter:3 says how); until then ${what} get 503.`
          : `${variable} is not set, and no SSM parameter to read instead: set it, or ${what} get 503.`;
    }
    return value;
  };
  const legacyKey = found('legacy');
  const keyringText = found('token');
  let keyring: Keyring | undefined;
  if (keyringText) {
    const source = env.SIGNING_KEYS ? 'SIGNING_KEYS' : (env.SIGNING_KEYS_PARAMETER as string);
    try {
      keyring = parseKeyring(keyringText, source);
    } catch (error) {
      missing.token = `${source} is not a valid keyring: ${(error as Error).message}`;
    }
  }
  return { legacyKey, keyring, missing };
}

/**
 * The secrets, loaded at most once per cold start. When that failed, or left a scheme without its key, they
 * are loaded again after RETRY_AFTER_MS, so a key created meanwhile is picked up without a redeploy, and a
 * misconfigured stage cannot hammer SSM.
 */
export function secrets(env: Env = process.env, now = Date.now()): Promise<Secrets> {
  if (cached) {
    const complete = Object.keys(cached.secrets.missing).length === 0;
    if (complete || now - cached.at < RETRY_AFTER_MS) return Promise.resolve(cached.secrets);
  }
  if (lastFailure && now - lastFailure.at < RETRY_AFTER_MS) return Promise.reject(lastFailure.error);
  loading ??= load(env).then(
    (loaded) => {
      cached = { secrets: loaded, at: now };
      lastFailure = undefined;
      loading = undefined;
      return loaded;
    },
    (error: unknown) => {
      const failure =
        error instanceof NotConfiguredError ? error : new NotConfiguredError(`${(error as Error)?.message}`);
      lastFailure = { at: now, error: failure };
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
