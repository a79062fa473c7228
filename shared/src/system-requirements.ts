/**
 * System programs that some test suites drive for real. `npm test` checks them first
 * (shared/scripts/check-system.ts) and says how to install what is missing; under CI=true a missing one fails.
 */

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface SystemRequirement {
  readonly name: string;
  readonly usedFor: string;
  readonly install: string;
  readonly isPresent: () => boolean;
}

function runs(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export const REQUIREMENTS = {
  python3: {
    name: 'python3',
    usedFor: "checking the legacy codec against the article's Python original",
    install: 'sudo apt-get install -y python3',
    isPresent: () => runs('python3', ['--version']),
  },
  chromium: {
    name: 'chromium (/usr/bin/chromium)',
    usedFor: 'the browser tests of the site',
    install: 'sudo apt-get install -y chromium',
    isPresent: () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
  },
  awscli: {
    name: 'AWS CLI v2 (/usr/bin/aws)',
    usedFor: 'checking the local CloudWatch Logs endpoint with a real AWS client',
    install: 'sudo apt-get install -y awscli',
    isPresent: () => existsSync('/usr/bin/aws'),
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
