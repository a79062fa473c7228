/**
 * What the workshop runs, as JavaScript entries for `process.execPath`: a `.bin` shim is a shell script on
 * POSIX and a `.cmd` on Windows, and a shell in between would keep a child running after its parent is gone.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../env';

/** osls (installed as `serverless`): its own JavaScript entry, not node_modules/.bin/serverless. */
export const SERVERLESS_ENTRY = path.join(REPO_ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');

/**
 * tsx's loader as a file URL: `--import` takes a URL or a specifier resolved from the child's cwd, and a
 * Windows path (C:\...) reads as a URL scheme; a URL works from any cwd.
 */
export const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

/** Node's arguments to run `entry` (a .ts file through tsx's loader) with `args`. */
export function nodeArgs(entry: string, args: readonly string[] = []): string[] {
  return [...(/\.[cm]?ts$/.test(entry) ? ['--import', TSX_LOADER] : []), entry, ...args];
}
