/**
 * The shipper for chapter 03's check function, configured from its serverless.yml (memory size, timeout)
 * and the workshop's settings (function name, LOGS_PORT). Used by `npm run chapter:3 -- --offline`,
 * `npm run demo:logs` and `npm start`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { localLogsEndpoint } from '../../../../05-logs/src/client';
import { checkFunctionName, port, config as settings } from '../../../src/config';
import { REPO_ROOT } from '../../env';
import { readServerlessYml } from '../../packaging/serverless-yml';
import { isListening } from '../../process/ports';
import { createLambdaLogShipper, type LambdaLogShipper } from './lambda-log-shipper';
import { memoryGrowthOf } from './process-memory';

/** osls's defaults when serverless.yml sets none. */
const DEFAULT_MEMORY_MB = 1024;
const DEFAULT_TIMEOUT_S = 6;

/** A number setting, literal or `${file(<json>):key}` (as serverless.yml reads shared/config.json). */
function numberSetting(value: unknown, where: string, file: string): number | undefined {
  if (value === undefined) return undefined;
  let resolved = value;
  const fromFile = typeof value === 'string' ? /^\$\{file\(([^)]+)\):([\w.]+)\}$/.exec(value) : null;
  if (fromFile) {
    const json = JSON.parse(readFileSync(path.resolve(path.dirname(file), fromFile[1] as string), 'utf8'));
    resolved = (fromFile[2] as string)
      .split('.')
      .reduce((v, key) => (v as Record<string, unknown>)?.[key], json);
  }
  const number = typeof resolved === 'string' ? Number(resolved) : resolved;
  if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0) {
    throw new Error(
      `${path.relative(REPO_ROOT, file)}: ${where} is ${JSON.stringify(value)}, not a number of the offline logs can use.`,
    );
  }
  return number;
}

/**
 * memorySize and timeout of the check function, read from 03-lambda-check/serverless.yml, where they are
 * written: the function's own setting, else the provider's, else osls's default.
 */
export function checkFunctionSettings(file = path.join(REPO_ROOT, '03-lambda-check', 'serverless.yml')): {
  memorySizeMb: number;
  timeoutSeconds: number;
} {
  const config = readServerlessYml(file) as {
    provider?: Record<string, unknown>;
    functions?: Record<string, Record<string, unknown> | undefined>;
  };
  const fn = config.functions?.[settings.checkFunction] ?? {};
  const provider = config.provider ?? {};
  const pick = (key: string) =>
    numberSetting(fn[key], `functions.${settings.checkFunction}.${key}`, file) ??
    numberSetting(provider[key], `provider.${key}`, file);
  return {
    memorySizeMb: pick('memorySize') ?? DEFAULT_MEMORY_MB,
    timeoutSeconds: pick('timeout') ?? DEFAULT_TIMEOUT_S,
  };
}

export interface CheckLogShipperOptions {
  /** The local CloudWatch Logs endpoint (default: 127.0.0.1:LOGS_PORT). */
  readonly endpoint?: string;
  /** The pid of the serverless-offline process (once started): its growth becomes "Max Memory Used". */
  readonly apiPid?: () => number | undefined;
  readonly onError?: (error: Error) => void;
}

/** A shipper of the check function's offline output into /aws/lambda/<check function name>. */
export function createCheckLogShipper(options: CheckLogShipperOptions = {}): LambdaLogShipper {
  return createLambdaLogShipper({
    endpoint: options.endpoint ?? localLogsEndpoint(),
    functionName: checkFunctionName(),
    functionKey: settings.checkFunction,
    ...checkFunctionSettings(),
    ...(options.apiPid ? { maxMemoryUsedMb: memoryGrowthOf(options.apiPid) } : {}),
    onError: options.onError,
  });
}

/** The shipper if the local endpoint listens on LOGS_PORT, else undefined (offline runs work without it). */
export async function shipCheckLogsIfListening(
  options: Omit<CheckLogShipperOptions, 'endpoint'> = {},
): Promise<LambdaLogShipper | undefined> {
  if (!(await isListening(port('LOGS_PORT')))) return undefined;
  return createCheckLogShipper({ ...options, endpoint: localLogsEndpoint() });
}
