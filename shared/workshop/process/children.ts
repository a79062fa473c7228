/**
 * The one way the workshop starts a process: `process.execPath` on a JavaScript (or TypeScript) entry,
 * no shell and no `.bin` shim in between, with the guard preloaded and an IPC channel whose closing tells
 * the child its parent is gone (guard.cjs). Each child gets a temp folder of its own (TMPDIR, TEMP, TMP),
 * removed when it ends: serverless-esbuild writes its zip folders to os.tmpdir(). Every child still
 * running when this process exits is killed on the way out, whatever the exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { LOCAL_DATA_PATH, REPO_ROOT } from '../env';
import { nodeArgs } from './entries';
import { makeOwnedFolder, sweepOrphans } from './owned-folders';

export const GUARD = path.join(__dirname, 'guard.cjs');
/** Where children's temp folders go: `child-<owner pid>-<random>`. */
export const TEMP_ROOT = path.join(LOCAL_DATA_PATH, 'tmp');
const TEMP_PREFIX = 'child';

type Stdio = 'pipe' | 'inherit' | 'ignore';

export interface ChildOptions {
  /** A .js, .cjs, .mjs or .ts file. */
  readonly entry: string;
  readonly args?: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** stdin, stdout, stderr (default: ignore, pipe, pipe). */
  readonly stdio?: readonly [Stdio, Stdio, Stdio];
  /** Folders to remove once the child has ended, besides its temp folder (e.g. its build folder). */
  readonly cleanup?: readonly string[];
}

export interface Child {
  readonly process: ChildProcess;
  /** Its temp folder, removed when it ends. */
  readonly tempDir: string;
  /** Resolves once it has ended (code null: killed by a signal, or could not start). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>;
  /** Close its channel (it stops as on SIGTERM), then kill it after `graceMs`; resolves once it has ended. */
  stop(graceMs?: number): Promise<void>;
}

interface Running {
  readonly child: ChildProcess;
  readonly folders: readonly string[];
}

const running = new Set<Running>();
let exitHookInstalled = false;
let swept = false;

function remove(folders: readonly string[]): void {
  for (const folder of folders) {
    try {
      rmSync(folder, { recursive: true, force: true });
    } catch {
      // still in use (Windows): the next start sweeps it
    }
  }
}

/** Kill every child still running and remove its folders; synchronous, for the exit hook. */
export function killRunningChildren(): void {
  for (const entry of running) {
    // By pid (ChildProcess.kill), never by group: a group is a POSIX notion, and not a tree.
    entry.child.kill('SIGKILL');
    remove(entry.folders);
  }
  running.clear();
}

function hasEnded(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export function startChild(options: ChildOptions): Child {
  if (!swept) {
    swept = true;
    sweepOrphans(TEMP_ROOT, TEMP_PREFIX);
  }
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', killRunningChildren);
  }
  const tempDir = makeOwnedFolder(TEMP_ROOT, TEMP_PREFIX);
  const folders = [tempDir, ...(options.cleanup ?? [])];
  const [stdin, stdout, stderr] = options.stdio ?? ['ignore', 'pipe', 'pipe'];
  const child = spawn(process.execPath, ['--require', GUARD, ...nodeArgs(options.entry, options.args)], {
    cwd: options.cwd ?? REPO_ROOT,
    env: {
      ...(options.env ?? process.env),
      TMPDIR: tempDir,
      TEMP: tempDir,
      TMP: tempDir,
      WORKSHOP_CHILD_CLEANUP: JSON.stringify(folders),
    },
    stdio: [stdin, stdout, stderr, 'ipc'],
  });
  const entry: Running = { child, folders };
  running.add(entry);
  // The channel is the child's to watch: it must not keep this process alive.
  child.channel?.unref();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      const ended = (result: { code: number | null; signal: NodeJS.Signals | null; error?: Error }) => {
        running.delete(entry);
        remove(folders);
        resolve(result);
      };
      child.once('exit', (code, signal) => ended({ code, signal }));
      child.once('error', (error) => {
        // Could not start, or could not be signalled: only the first counts if it never ran.
        if (child.pid === undefined || hasEnded(child)) ended({ code: null, signal: null, error });
      });
    },
  );
  return {
    process: child,
    tempDir,
    exited,
    async stop(graceMs = 5000) {
      if (hasEnded(child) || child.pid === undefined) {
        await exited;
        return;
      }
      if (child.connected) child.disconnect();
      else child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
