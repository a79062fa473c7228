/**
 * The Node.js the workshop runs on, named once: package.json's `engines` (Node.js 20 reached its end of life
 * in April 2026; the Lambda runs 24). Every command checks it first, so an older Node.js gets one sentence
 * saying what to install instead of an error from deep inside a tool.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const PACKAGE_JSON = path.resolve(__dirname, '..', '..', 'package.json');

/** The least Node.js major `engines.node` (written `>=N`) accepts. */
export function requiredNodeMajor(packageJson = PACKAGE_JSON): number {
  const range = JSON.parse(readFileSync(packageJson, 'utf8')).engines?.node;
  const major = /^>=\s*(\d+)(\.\d+){0,2}$/.exec(String(range))?.[1];
  if (major === undefined) {
    throw new Error(`${packageJson}: engines.node must read ">=N", not ${JSON.stringify(range)}.`);
  }
  return Number(major);
}

/** What is wrong with this Node.js, in words a learner can act on; undefined when it will do. */
export function nodeVersionProblem(
  version: string = process.version,
  execPath: string = process.execPath,
  required: number = requiredNodeMajor(),
): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (major >= required) return undefined;
  return [
    `This workshop needs Node.js ${required} or newer, and this is Node.js ${version} (${execPath}).`,
    `Install Node.js ${required} from https://nodejs.org (or: nvm install ${required}, fnm install ${required},`,
    `volta install node@${required}), check that \`node --version\` prints v${required} or newer in a new terminal, then run the command again.`,
  ].join('\n');
}
