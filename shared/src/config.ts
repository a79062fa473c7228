/**
 * The names, region, stage and ports every chapter uses. Their defaults live once, in
 * shared/settings.json (which the serverless.yml files read too); the environment overrides them.
 */
import settings from '../settings.json';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The workshop's settings as shared/settings.json holds them. Everything in TypeScript reads them here,
 * never from the file: the functions below add what the environment overrides.
 */
export const config: Readonly<typeof settings> = settings;

/** Every local server binds this address, and every local URL names it. */
export const LOOPBACK = '127.0.0.1';

// The workshop pins its AWS SDK (package-lock.json): the SDK's notice that its releases after January 2027
// need Node.js >= 22 is not about this run, and printed first it pushed our own messages (what to do about
// missing credentials, for one) down the screen. Every script loads this module before making a client.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const SERVICE = settings.service;
export const RUNTIME = settings.runtime;
/** The Node.js major the Lambda runs (24 for nodejs24.x): esbuild's target and the CI's second Node. */
export const RUNTIME_NODE_MAJOR = Number(/^nodejs(\d+)\.x$/.exec(RUNTIME)?.[1]);
if (!Number.isInteger(RUNTIME_NODE_MAJOR)) {
  throw new Error(`shared/settings.json: runtime "${RUNTIME}" is not a Node.js runtime (nodejsNN.x).`);
}
/** esbuild's name for that runtime, as serverless-esbuild derives it from provider.runtime. */
export const ESBUILD_TARGET = `node${RUNTIME_NODE_MAJOR}`;

export function region(env: Env = process.env): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || settings.region;
}

export function stage(env: Env = process.env): string {
  const value = env.STAGE || settings.stage;
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(value)) {
    throw new RangeError(
      `STAGE="${value}" is not a valid stage: use lowercase letters, digits and "-" (e.g. dev).`,
    );
  }
  return value;
}

export type PortName = keyof typeof settings.ports;

/** A local port: `env[name]` if set, else the workshop's default. */
export function port(name: PortName, env: Env = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return settings.ports[name];
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new RangeError(`${name}="${raw}" is not a port: use a whole number from 1 to 65535.`);
  }
  return value;
}

/** CloudFormation stack name of a chapter, as osls names it: `<service>-<stage>`. */
export function stackName(chapterService: string, env: Env = process.env): string {
  return `${chapterService}-${stage(env)}`;
}

/** SSM parameter names of the secrets: one tree per stage. */
export function parameterNames(env: Env = process.env): { legacyKey: string; signingKeys: string } {
  const root = `/${SERVICE}/${stage(env)}`;
  return { legacyKey: `${root}/signature-key`, signingKeys: `${root}/signing-keys` };
}

export const LOCAL_DATA_DIR = settings.localDataDir;
export const SITE_ORIGIN = settings.siteOrigin;

/** The osls service (and so CloudFormation stack prefix) of each chapter that deploys something. */
export const SERVICES = settings.services;

/** The check Lambda's name as osls names it, `<service>-<stage>-<function>`, and its log group. */
export function checkFunctionName(env: Env = process.env): string {
  return `${SERVICES.api}-${stage(env)}-${settings.checkFunction}`;
}

export function checkLogGroupName(env: Env = process.env): string {
  return `/aws/lambda/${checkFunctionName(env)}`;
}
