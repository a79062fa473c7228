/** Long-running children (serverless-offline, a logs endpoint, a tail), started and awaited until ready. */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type Child, startChild } from './children';
import { waitForPort } from './ports';

export interface Service {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with its exit code once it has ended. */
  readonly exited: Promise<number | null>;
  /** Its channel closed (it stops as on SIGTERM), then killed after `graceMs`; resolves once it has ended. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  readonly name: string;
  /** A JavaScript or TypeScript file, run by this process's node. */
  readonly entry: string;
  readonly args?: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Folders to remove once it has ended, besides its temp folder. */
  readonly cleanup?: readonly string[];
  /** Called for each line the process prints (stdout and stderr). */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Resolve start() once this port answers, or once a printed line matches this pattern. */
  readonly readyWhen?: { port: number } | { line: RegExp };
  readonly readyTimeoutMs?: number;
}

/** Start a long-running child and wait until it is ready. If it ends before, the error carries its last lines. */
export async function startService(options: StartOptions): Promise<Service> {
  const started: Child = startChild({
    entry: options.entry,
    args: options.args,
    cwd: options.cwd,
    env: options.env,
    cleanup: options.cleanup,
  });
  const child = started.process;
  const tail: string[] = [];
  let readyByLine: (() => void) | undefined;
  const lineReady = new Promise<void>((resolve) => {
    readyByLine = resolve;
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    const source = child[stream];
    if (!source) continue;
    createInterface({ input: source }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      options.onLine?.(line, stream);
      const ready = options.readyWhen;
      if (ready && 'line' in ready && ready.line.test(line)) readyByLine?.();
    });
  }
  const exited = started.exited.then(({ code, error }) => {
    if (error) tail.push(error.message);
    return code;
  });
  const service: Service = {
    name: options.name,
    child,
    exited,
    stop: (graceMs) => started.stop(graceMs),
  };
  const ready = options.readyWhen;
  if (!ready) return service;
  const readiness = 'port' in ready ? waitForPort(ready.port, options.readyTimeoutMs) : lineReady;
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const failure = new Promise<never>((_, reject) => {
    exited.then((code) =>
      reject(new Error(`${options.name} exited (code ${code}) before it was ready:\n${tail.join('\n')}`)),
    );
    timer = setTimeout(
      () =>
        reject(new Error(`${options.name} was not ready within ${timeoutMs / 1000} s:\n${tail.join('\n')}`)),
      timeoutMs,
    );
  });
  failure.catch(() => undefined); // settles after the race too, when the service later exits
  try {
    await Promise.race([readiness, failure]);
  } catch (error) {
    await service.stop(1000);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return service;
}
