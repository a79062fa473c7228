/**
 * What the workshop runs, as JavaScript entries for `process.execPath`: a `.bin` shim is a shell script on
 * POSIX and a `.cmd` on Windows, and a shell in between would keep a child running after its parent is gone.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../env';

/** osls (installed as `serverless`): its own JavaScript entry, not node_modules/.bin/serverless. */
export const SERVERLESS_ENTRY = path.join(REPO_ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');

/**
 * tsx's CommonJS hook, by absolute path (a `--require` path works from any cwd, on Windows too). The
 * workshop is CommonJS, so the hook alone compiles everything it loads; `--import tsx` would also start
 * tsx's ES module loader thread, which costs every process about 0.2 s of CPU at start.
 */
export const TSX_HOOK = require.resolve('tsx/cjs');

/** Node's arguments to run `entry` (a .ts file through tsx's hook) with `args`. */
export function nodeArgs(entry: string, args: readonly string[] = []): string[] {
  return [...(/\.[cm]?ts$/.test(entry) ? ['--require', TSX_HOOK] : []), entry, ...args];
}

/**
 * Where npm's own JavaScript entry may be: the npm running this (npm sets npm_execpath), then the one each
 * platform's Node.js installer puts beside node. Pure, so that every platform's branch is tested on one.
 */
export function npmCliCandidates(
  env: NodeJS.ProcessEnv = process.env,
  execPath: string = process.execPath,
  platform: NodeJS.Platform = process.platform,
): string[] {
  const running = env.npm_execpath && /\.c?js$/.test(env.npm_execpath) ? [env.npm_execpath] : [];
  if (platform === 'win32') {
    return [
      ...running,
      path.win32.join(path.win32.dirname(execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    ];
  }
  const bin = path.posix.dirname(execPath);
  return [...running, path.posix.join(bin, '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js')];
}

/** npm's JavaScript entry, to run npm as `process.execPath npm-cli.js ...` (npm itself is a shim on PATH). */
export function npmCli(env: NodeJS.ProcessEnv = process.env, execPath: string = process.execPath): string {
  const candidates = npmCliCandidates(env, execPath);
  const found = candidates.find((file) => existsSync(file));
  if (found === undefined) {
    throw new Error(
      `npm's npm-cli.js was not found (looked at ${candidates.join(', ')}): run this through npm (npm run ...).`,
    );
  }
  return found;
}
