/**
 * What the workshop runs, as JavaScript entries for `process.execPath`: a `.bin` shim is a shell script on
 * POSIX and a `.cmd` on Windows, and a shell in between would keep a child running after its parent is gone.
 */
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
