/**
 * `npm start` as a learner runs it, for the tests that stop it in every way: on free ports of 127.0.0.1
 * and a data folder of its own, its output kept. Nothing here reads /proc or uses process groups: a run
 * is known by its folders (each named after the process that owns it) and its ports, and its end by its
 * output pipes closing, which happens once every process holding them (npm, its shell, the command) has
 * ended.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../env';
import { npmCli } from '../process/entries';
import { ownerOf } from '../process/owned-folders';
import { freePort, isListening } from '../process/ports';

export const PORT_NAMES = ['SITE_PORT', 'S3_PORT', 'API_PORT', 'LAMBDA_PORT', 'LOGS_PORT'] as const;
export type PortNames = (typeof PORT_NAMES)[number];
export const READY = 'Ctrl-C stops everything.';
export const BUILD_ROOT = path.join(REPO_ROOT, '03-lambda-check', '.esbuild');

/** The genuine signature npm start prints, on the line after the one that introduces it ('' if none). */
export function genuineSignature(output: string): string {
  const lines = output.split('\n');
  return lines[lines.findIndex((line) => line.includes("as the article's bills carry")) + 1]?.trim() ?? '';
}

/** Five distinct free ports, one per variable. */
export async function freePorts(): Promise<Record<PortNames, number>> {
  const ports: Partial<Record<PortNames, number>> = {};
  const taken = new Set<number>();
  for (const name of PORT_NAMES) {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    ports[name] = port;
  }
  return ports as Record<PortNames, number>;
}

export const newDataDir = () => mkdtempSync(path.join(tmpdir(), 'npm-start-'));

export async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

export interface NpmStart {
  readonly npm: ChildProcess;
  readonly ports: Record<PortNames, number>;
  readonly dataDir: string;
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  /** Resolves once every process holding npm's output (npm, its shell, the command) has ended. */
  readonly allEnded: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once a printed line contains `text`; rejects if everything ends before. */
  printed(text: string, ms?: number): Promise<void>;
}

export function startNpmStart(ports: Record<PortNames, number>, dataDir: string): NpmStart {
  // npm's JavaScript entry run by this Node.js: `npm` on PATH is a .cmd shim on Windows, which spawn cannot start.
  const npm = spawn(process.execPath, [npmCli(), 'start'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...Object.fromEntries(PORT_NAMES.map((name) => [name, String(ports[name])])),
      LOCAL_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  npm.stdout.on('data', (chunk) => {
    text += chunk;
  });
  npm.stderr.on('data', (chunk) => {
    text += chunk;
  });
  let ended = false;
  const allEnded = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    npm.once('error', (error) => {
      text += `${error.message}\n`;
    });
    // 'close', not 'exit': the pipes close once the last process holding them has ended.
    npm.once('close', (code, signal) => {
      ended = true;
      resolve({ code, signal });
    });
  });
  return {
    npm,
    ports,
    dataDir,
    output: () => text,
    allEnded,
    async printed(wanted, ms = 120_000) {
      if (!(await until(() => text.includes(wanted) || ended, ms)) || !text.includes(wanted)) {
        throw new Error(`npm start did not print "${wanted}":\n${text}`);
      }
    },
  };
}

/**
 * Ctrl-C as a terminal sends it, to every process of the foreground job, of which npm and the command
 * are the ones that act: npm's shell waits for its command rather than die of it (sh, like bash, leaves a
 * SIGINT to the command it runs), so a SIGINT to npm alone would stop nothing.
 */
export function ctrlC(run: NpmStart, pid: number): void {
  run.npm.kill('SIGINT');
  process.kill(pid, 'SIGINT');
}

/** The pids owning the folders of `parent` named `<prefix>-<pid>-<random>`. */
export function ownersIn(parent: string, prefix: string): number[] {
  if (!existsSync(parent)) return [];
  return readdirSync(parent)
    .map((name) => ownerOf(name, prefix))
    .filter((pid): pid is number => pid !== undefined);
}

/** The pid of the command npm start runs: it owns the temp folder of the API's server, in its data folder. */
export function commandPid(dataDir: string): number | undefined {
  return ownersIn(path.join(dataDir, 'tmp'), 'child')[0];
}

/** What of a run is left: its ports listening, its children's temp folders, its API build folder. */
export async function leftOf(run: NpmStart, pid: number) {
  const listening: string[] = [];
  for (const name of PORT_NAMES) if (await isListening(run.ports[name])) listening.push(name);
  return {
    listening,
    tempFolders: ownersIn(path.join(run.dataDir, 'tmp'), 'child').length,
    buildFolders: ownersIn(BUILD_ROOT, 'offline').filter((owner) => owner === pid).length,
  };
}

export const NOTHING_LEFT = { listening: [], tempFolders: 0, buildFolders: 0 };
