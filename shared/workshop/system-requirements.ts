/**
 * System programs that some test suites drive for real. `npm test` checks them first
 * (shared/workshop/commands/check-system.ts) and says how to install what is missing; under CI=true a missing one fails.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { RUNTIME, RUNTIME_NODE_MAJOR } from '../src/config';
import { REPO_ROOT } from './env';
import { findAwsCliV2, findChromium, findPython } from './tools';

/** How to install a program with each platform's package manager: apt (Debian, Ubuntu), Homebrew, winget. */
export interface PerPlatform {
  readonly linux: string;
  readonly darwin: string;
  readonly win32: string;
}

export interface SystemRequirement {
  readonly name: string;
  readonly usedFor: string;
  readonly install: PerPlatform;
  readonly isPresent: () => boolean;
}

/** The install command for this platform (another Unix is told Linux's). */
export function howToInstall(requirement: SystemRequirement, platform = process.platform): string {
  return platform === 'darwin' || platform === 'win32'
    ? requirement.install[platform]
    : requirement.install.linux;
}

const everywhere = (text: string): PerPlatform => ({ linux: text, darwin: text, win32: text });

/**
 * Where the Node.js of the Lambda runtime is looked for: the Node.js running this when it is that major, then
 * $RUNTIME_NODE, then the folder `npm test` installs it in (a separate folder: as a devDependency its `node`
 * would shadow yours in every npm script), then a per-user cache that several clones on one machine can share.
 */
export const RUNTIME_NODE_DIR = '.local/runtime-node';
const RUNTIME_NODE_PACKAGE_JSON = { private: true, allowScripts: { node: true } };
export function runtimeNode(
  env: NodeJS.ProcessEnv = process.env,
  running: { version: string; execPath: string } = process,
): string | undefined {
  if (running.version.startsWith(`v${RUNTIME_NODE_MAJOR}.`)) return running.execPath;
  const candidates = [
    env.RUNTIME_NODE,
    path.join(REPO_ROOT, RUNTIME_NODE_DIR, 'node_modules', '.bin', 'node'),
    path.join(homedir(), '.cache', 'cinq-euros-pour-rien', 'runtime-node', 'node_modules', '.bin', 'node'),
  ];
  for (const candidate of candidates) {
    if (!candidate || !existsSync(candidate)) continue;
    try {
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
      if (version.startsWith(`v${RUNTIME_NODE_MAJOR}.`)) return candidate;
    } catch {
      // Not a working node: try the next one.
    }
  }
  return undefined;
}

/**
 * When this Node.js is not the Lambda's major and none is found, install that major from npm into
 * RUNTIME_NODE_DIR, with the npm that runs this script (`npm test` sets npm_execpath). Says what it does;
 * returns whether the runtime's Node.js is there afterwards.
 */
export function installRuntimeNode(env: NodeJS.ProcessEnv = process.env): boolean {
  if (runtimeNode(env) !== undefined) return true;
  const npmCli = env.npm_execpath;
  if (!npmCli || !/\.c?js$/.test(npmCli)) return false;
  process.stdout.write(
    `Installing Node.js ${RUNTIME_NODE_MAJOR} into ${RUNTIME_NODE_DIR}: the function's tests run on the major Lambda's ${RUNTIME} runs, and this is Node.js ${process.versions.node}.\n`,
  );
  // The folder's own package.json approves node's one install script (it fetches the platform's binary):
  // npm 11 runs no dependency's script that package.json's allowScripts does not list.
  const folder = path.join(REPO_ROOT, RUNTIME_NODE_DIR);
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'package.json'), `${JSON.stringify(RUNTIME_NODE_PACKAGE_JSON, null, 2)}\n`);
  const install = spawnSync(
    process.execPath,
    [
      npmCli,
      'install',
      '--prefix',
      folder,
      '--no-audit',
      '--no-fund',
      '--no-save',
      `node@${RUNTIME_NODE_MAJOR}`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 },
  );
  cache.delete('runtimeNode');
  return install.status === 0 && runtimeNode(env) !== undefined;
}

export const REQUIREMENTS = {
  python3: {
    name: 'Python 3',
    usedFor: "checking the legacy codec against the article's Python original",
    install: {
      linux: 'sudo apt-get install -y python3 (PYTHON names another)',
      darwin: 'brew install python (PYTHON names another)',
      win32: 'winget install Python.Python.3.13 (PYTHON names another)',
    },
    isPresent: () => findPython() !== undefined,
  },
  chromium: {
    name: 'Chromium, Chrome or Edge',
    usedFor: 'the browser tests of the site',
    install: {
      linux: 'sudo apt-get install -y chromium (CHROMIUM_PATH names another browser)',
      darwin: 'brew install --cask google-chrome (CHROMIUM_PATH names another browser)',
      win32:
        'winget install Google.Chrome (Edge, which Windows has, is found too; CHROMIUM_PATH names another)',
    },
    isPresent: () => findChromium() !== undefined,
  },
  awscli: {
    name: 'AWS CLI v2',
    usedFor: 'checking the local CloudWatch Logs endpoint with a real AWS client',
    install: {
      linux: "sudo apt-get install -y awscli (or AWS's installer; AWS_CLI names another aws)",
      darwin: 'brew install awscli (AWS_CLI names another aws)',
      win32: 'winget install Amazon.AWSCLI (AWS_CLI names another aws)',
    },
    isPresent: () => findAwsCliV2() !== undefined,
  },
  runtimeNode: {
    name: `Node.js ${RUNTIME_NODE_MAJOR} (what Lambda's ${RUNTIME} runs), in ${RUNTIME_NODE_DIR}`,
    usedFor: "the function's tests and its packaged zip, run on the Node.js major Lambda runs",
    install: everywhere(
      `npm test installs it by itself; by hand: npm i --prefix ${RUNTIME_NODE_DIR} --no-audit --no-fund node@${RUNTIME_NODE_MAJOR}`,
    ),
    isPresent: () => runtimeNode() !== undefined,
  },
} satisfies Record<string, SystemRequirement>;

export type RequirementName = keyof typeof REQUIREMENTS;

const cache = new Map<RequirementName, boolean>();
export function hasSystem(name: RequirementName): boolean {
  let present = cache.get(name);
  if (present === undefined) {
    present = REQUIREMENTS[name].isPresent();
    cache.set(name, present);
  }
  return present;
}
