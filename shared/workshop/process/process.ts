/**
 * Only for shared/workshop/packaging/, until it runs serverless with process.execPath like everything
 * else (its owner is moving it): nothing new should use a `.bin` shim. See children.ts and entries.ts.
 */
import path from 'node:path';
import { REPO_ROOT } from '../env';

/** A binary of node_modules/.bin. */
export function localBin(name: string): string {
  return path.join(REPO_ROOT, 'node_modules', '.bin', name);
}
