/**
 * The processes a command started by npm depends on. npm runs a script through a shell (`sh -c`, which
 * here stays as the command's parent rather than exec it; cmd.exe on Windows): npm killed outright then
 * leaves the shell, and the command's parent is still there. So under npm the command also watches the
 * processes above its parent, up to npm itself, found once with `ps` (POSIX; not /proc) as this module
 * loads, at the command's start, so that npm gone a moment later is not missed; their end is then seen
 * with process.kill(pid, 0), which costs nothing.
 */
import { execFileSync } from 'node:child_process';

/** Whether a `ps` args column is npm (its CLI script, or the `npm` launcher). */
export function isNpm(args: string): boolean {
  return /(^|[/\\\s])npm(-cli\.js)?(\s|$)/.test(args);
}

/** `<ppid> <args>`, as `ps -o ppid=,args= -p <pid>` prints it; undefined for anything else. */
export function parsePsLine(line: string): { parent: number; args: string } | undefined {
  const match = /^\s*(\d+)\s+(.*)$/.exec(line.trim());
  return match ? { parent: Number(match[1]), args: match[2] as string } : undefined;
}

function psOf(pid: number): { parent: number; args: string } | undefined {
  try {
    const out = execFileSync('ps', ['-o', 'ppid=,args=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    });
    return parsePsLine(out);
  } catch {
    return undefined;
  }
}

export interface Ancestors {
  /** This process's parent first, then those above it to watch. */
  readonly pids: readonly number[];
  /** Started by npm, which is gone already: the parent (npm's shell) was orphaned before npm was found. */
  readonly npmGone: boolean;
}

/**
 * The pids to watch above this process: its parent, and under npm (npm_lifecycle_event set) every one
 * above it up to npm. Just the parent where ps is missing (Windows) or the chain has no npm in it.
 */
export function watchedAncestors(
  env: NodeJS.ProcessEnv = process.env,
  lookUp: (pid: number) => { parent: number; args: string } | undefined = psOf,
  parent: number = process.ppid,
): Ancestors {
  const alone = { pids: [parent], npmGone: false };
  if (!env.npm_lifecycle_event || process.platform === 'win32') return alone;
  const chain: number[] = [];
  let pid = parent;
  for (let depth = 0; depth < 4; depth++) {
    const found = lookUp(pid);
    if (!found) return alone;
    chain.push(pid);
    if (isNpm(found.args)) return { pids: chain, npmGone: false };
    // The shell npm ran it through, already adopted by init: npm has ended before it could be watched.
    if (depth === 0 && found.parent <= 1) return { pids: chain, npmGone: true };
    pid = found.parent;
  }
  return alone;
}

/** As this module loads: the command's parent and the processes above it, while they are still there. */
export const STARTED_UNDER: Ancestors = watchedAncestors();
