/**
 * Node's compile cache for the workshop and everything it starts: osls and serverless-offline load thousands
 * of modules at every start, and with the cache their compiled code is read back from disk instead of being
 * compiled again. Children inherit it through NODE_COMPILE_CACHE; one you set yourself is kept. The cache is
 * keyed by each file's content, so a changed file is compiled afresh.
 */
import { enableCompileCache } from 'node:module';
import path from 'node:path';

export const COMPILE_CACHE_DIR = path.resolve(__dirname, '..', '..', '..', '.local', 'compile-cache');

export function useCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  env.NODE_COMPILE_CACHE ||= COMPILE_CACHE_DIR;
  enableCompileCache(env.NODE_COMPILE_CACHE);
}
