/**
 * npm run vectors: regenerate shared/reference/vectors.json from the article's Python codec
 * (shared/reference/make_vectors.py). Python is found as each platform names it (`py -3` on Windows), and the
 * file is replaced only by a complete, valid result: a failed run leaves the old vectors in place.
 */
import './require-node';
import { execFileSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../env';
import { howToInstall, REQUIREMENTS } from '../system-requirements';
import { findPython } from '../tools';
import { type Fail, failWith, parseCommandLine, say } from './cli';

const USAGE =
  'Usage: npm run vectors   regenerate shared/reference/vectors.json with the Python reference codec';
const fail: Fail = failWith('vectors');

const REFERENCE = path.join(REPO_ROOT, 'shared', 'reference');
const VECTORS = path.join(REFERENCE, 'vectors.json');

function main(): void {
  parseCommandLine('vectors', USAGE, { options: {} });
  const python = findPython();
  if (!python) fail(`no Python 3 found: ${howToInstall(REQUIREMENTS.python3)}.`, 1);
  let output: string;
  try {
    output = execFileSync(python.command, [...python.args, path.join(REFERENCE, 'make_vectors.py')], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  } catch (error) {
    fail(
      `make_vectors.py failed (${(error as Error).message.split('\n')[0]}); vectors.json is unchanged.`,
      1,
    );
  }
  let cases: unknown;
  try {
    cases = JSON.parse(output);
  } catch {
    fail('make_vectors.py printed something that is not JSON; vectors.json is unchanged.', 1);
  }
  const count = Object.values(cases as Record<string, unknown[]>).reduce(
    (sum, list) => sum + (Array.isArray(list) ? list.length : 0),
    0,
  );
  if (count === 0) fail('make_vectors.py printed no vectors; vectors.json is unchanged.', 1);
  const partial = `${VECTORS}.${process.pid}.tmp`;
  writeFileSync(partial, output);
  renameSync(partial, VECTORS);
  say(
    `Wrote ${path.relative(REPO_ROOT, VECTORS)}: ${count} vectors, from ${python.command} ${python.args.join(' ')}`.trimEnd(),
  );
}

main();
