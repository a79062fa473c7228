/**
 * The shipper for chapter 03's check function, configured from its serverless.yml (memory size, timeout)
 * and the workshop's settings (function name, LOGS_PORT). Used by `npm run chapter:3 -- --offline`,
 * `npm run demo:logs` and `npm start`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import settings from '../../shared/settings.json';
import { checkFunctionName, port } from '../../shared/src/config';
import { REPO_ROOT } from '../../shared/src/env';
import { isListening } from '../../shared/src/process';
import { localLogsEndpoint } from '../src/client';
import { createLambdaLogShipper, type LambdaLogShipper } from './lambda-log-shipper';
import { memoryGrowthOfPortOwner } from './process-memory';

/** osls's defaults when serverless.yml sets none. */
const DEFAULT_MEMORY_MB = 1024;
const DEFAULT_TIMEOUT_S = 6;

/** memorySize and timeout of the check function, as 03-lambda-check/serverless.yml sets them. */
export function checkFunctionSettings(file = path.join(REPO_ROOT, '03-lambda-check', 'serverless.yml')): {
  memorySizeMb: number;
  timeoutSeconds: number;
} {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // no chapter 03 here: osls defaults
  }
  const memory = /^\s+memorySize:\s*(\d+)\s*$/m.exec(text);
  const timeout = /^\s+timeout:\s*(\d+)\s*$/m.exec(text);
  return {
    memorySizeMb: memory ? Number(memory[1]) : DEFAULT_MEMORY_MB,
    timeoutSeconds: timeout ? Number(timeout[1]) : DEFAULT_TIMEOUT_S,
  };
}

export interface CheckLogShipperOptions {
  /** The local CloudWatch Logs endpoint (default: 127.0.0.1:LOGS_PORT). */
  readonly endpoint?: string;
  /** The API port serverless-offline listens on: its process's growth becomes "Max Memory Used". */
  readonly apiPort?: number;
  readonly onError?: (error: Error) => void;
}

/** A shipper of the check function's offline output into /aws/lambda/<check function name>. */
export function createCheckLogShipper(options: CheckLogShipperOptions = {}): LambdaLogShipper {
  return createLambdaLogShipper({
    endpoint: options.endpoint ?? localLogsEndpoint(),
    functionName: checkFunctionName(),
    functionKey: settings.checkFunction,
    ...checkFunctionSettings(),
    ...(options.apiPort ? { maxMemoryUsedMb: memoryGrowthOfPortOwner(options.apiPort) } : {}),
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
