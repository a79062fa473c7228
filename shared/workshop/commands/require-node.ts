/**
 * Imported first by every command (imports run in order), before any module that an older Node.js might
 * not load: on one, the command stops with what to install. Then Node's compile cache, for the command and
 * every process it starts.
 */
import { nodeVersionProblem } from '../node-version';
import { useCompileCache } from '../process/compile-cache';

const problem = nodeVersionProblem();
if (problem !== undefined) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
useCompileCache();
