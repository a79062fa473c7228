/**
 * Child processes and ports, for the offline stand-ins, the orchestrator and the tests:
 * everything binds 127.0.0.1, and everything started is stopped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { type AddressInfo, createServer, Socket } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { LOOPBACK } from '../../src/config';
import { REPO_ROOT } from '../env';

export { LOOPBACK };

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function isListening(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (listening: boolean) => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(1000);
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

export async function waitForPort(port: number, timeoutMs = 20_000, host = LOOPBACK): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isListening(port, host)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Nothing answered on ${host}:${port} within ${timeoutMs / 1000} s.`);
}

/** The npm command this process runs under, to repeat in a message (npm sets npm_lifecycle_event). */
function runningCommand(): string {
  const script = process.env.npm_lifecycle_event;
  if (!script || script === 'start') return 'npm start';
  return `npm run ${script} -- <the same options>`;
}

/** Ports that go together: the API's HTTP port and serverless-offline's Lambda endpoint are taken together. */
const PORT_PAIRS: Readonly<Record<string, string>> = { API_PORT: 'LAMBDA_PORT', LAMBDA_PORT: 'API_PORT' };

/** `API_PORT=<port> LAMBDA_PORT=<port>`: what to set to move off a taken port (and the one that goes with it). */
export function portChoice(variable: string): string {
  const pair = PORT_PAIRS[variable];
  return pair
    ? `${[variable, pair]
        .sort()
        .map((name) => `${name}=<port>`)
        .join(' ')}`
    : `${variable}=<port>`;
}

/** Throws a clear error naming the variable to change when a port is taken. */
export async function assertPortFree(port: number, variable: string): Promise<void> {
  if (await isListening(port)) {
    throw new Error(
      `Port ${port} is already in use (${variable}). Stop what uses it, or choose ${PORT_PAIRS[variable] ? 'others' : 'another'}: ${portChoice(variable)} ${runningCommand()}`,
    );
  }
}

/**
 * `use(baseUrl)` with an HTTP server on 127.0.0.1 at a free port, closed afterwards whatever `use` did
 * (the exercise checks' stand-ins of the API).
 */
export async function withLocalHttpServer<T>(
  listener: RequestListener,
  use: (baseUrl: string) => Promise<T>,
): Promise<T> {
  const server = createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await use(`http://${LOOPBACK}:${port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

export interface Service {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process and its group are gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args?: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Called for each line the process prints (stdout and stderr). */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Resolve start() once this port answers, or once a printed line matches this pattern. */
  readonly readyWhen?: { port: number } | { line: RegExp };
  readonly readyTimeoutMs?: number;
}

/** A binary of node_modules/.bin, so nothing needs a global install. */
export function localBin(name: string): string {
  return path.join(REPO_ROOT, 'node_modules', '.bin', name);
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** SIGKILL every service started and still running, with its process group (for exit hooks: synchronous). */
export function killLiveServices(): void {
  for (const running of liveChildren) {
    try {
      process.kill(-(running.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Start a long-running child in its own process group (so stop() also ends its children), and wait until
 * it is ready. If it exits before, the error carries its last lines of output.
 */
export async function startService(options: StartOptions): Promise<Service> {
  const child = spawn(options.command, options.args ?? [], {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // Its own process group does not get a terminal's Ctrl-C: if this process exits without stop()
  // (a signal while starting, a crash), the group is killed on the way out.
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', killLiveServices);
  }
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
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const service: Service = {
    name: options.name,
    child,
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const group = -(child.pid as number);
      try {
        process.kill(group, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(group, 'SIGKILL');
        } catch {
          // already gone
        }
      }, graceMs);
      await exited;
      clearTimeout(timer);
      // The group may outlive its leader for a moment: make sure none of it is left.
      try {
        process.kill(group, 'SIGKILL');
      } catch {
        // none left
      }
    },
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

// ---------------------------------------------------------------- stopping a long-running command

/** The parent of `pid` and when it started, from /proc (Linux); undefined elsewhere or once it is gone. */
function statOf(pid: number): { parent: number; started: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (command) state ppid ... starttime ...": the command may hold spaces and parentheses, so the
    // fields are counted after the last ")". starttime is field 22, the 20th after the command.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const parent = Number(fields[1]);
    return Number.isInteger(parent) ? { parent, started: fields[19] ?? '' } : undefined;
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/**
 * The processes this one depends on: the direct parent, and under npm every process up to npm itself.
 * `npm start` runs `sh -c "tsx ..."`, tsx runs node: a SIGTERM to npm ends npm but reaches neither tsx nor
 * this process, so this process watches them go instead. Each is known by its pid and start time, so a
 * reused pid is not taken for it.
 */
export function watchedAncestors(env: NodeJS.ProcessEnv = process.env): { pid: number; started: string }[] {
  const chain: { pid: number; started: string }[] = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 8 && pid > 1; depth++) {
    const stat = statOf(pid);
    if (!stat) break;
    chain.push({ pid, started: stat.started });
    if (!env.npm_lifecycle_event || /(^|[/ ])npm(-cli\.js)?( |$)/.test(commandOf(pid))) break;
    pid = stat.parent;
  }
  return chain.length > 0 ? chain : [{ pid: process.ppid, started: '' }];
}

function isGone({ pid, started }: { pid: number; started: string }): boolean {
  if (started === '') return process.ppid !== pid; // no /proc: only the direct parent can be watched
  return statOf(pid)?.started !== started;
}

export interface StopRequestOptions {
  /** How often to look at the processes above this one (ms). */
  readonly pollMs?: number;
}

/**
 * Call `stop` once, when this long-running command should end: Ctrl-C (SIGINT), SIGTERM (an editor's stop
 * button, `timeout`, a process manager), SIGHUP (the terminal closed), or the npm (or shell) that started
 * it gone. A terminal's Ctrl-C reaches the whole process group and tsx passes it on once more: a second
 * signal within a second is that echo and is ignored; one after it forces the exit (exit hooks still run,
 * so children are killed and build folders removed). Returns a function that removes the handlers.
 */
export function onStopRequest(
  stop: (reason: string) => unknown,
  options: StopRequestOptions = {},
): () => void {
  let since = 0;
  const request = (reason: string) => {
    if (since) {
      if (Date.now() - since < 1000) return;
      process.stderr.write('Forced exit.\n');
      process.exit(130);
    }
    since = Date.now();
    void Promise.resolve()
      .then(() => stop(reason))
      .catch((error: Error) => {
        process.stderr.write(`Could not stop cleanly: ${error.message}\n`);
        process.exit(1);
      });
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const handlers = signals.map((signal) => {
    const handler = () => request(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const watched = watchedAncestors();
  const timer = setInterval(() => {
    if (watched.some(isGone)) {
      clearInterval(timer);
      request('the command that started it has ended');
    }
  }, options.pollMs ?? 500);
  timer.unref();
  return () => {
    clearInterval(timer);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
