/**
 * The processes a command started by npm depends on. npm runs a script through a shell (`sh -c`, which
 * here stays as the command's parent rather than exec it; cmd.exe on Windows): npm killed outright then
 * leaves the shell, and the command's parent is still there. So under npm the command also watches the
 * processes above its parent, up to npm itself, found once at start-up with `ps` (POSIX; not /proc);
 * their end is then seen with process.kill(pid, 0), which costs nothing.
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

/**
 * The pids to watch above this process: its parent, and under npm (npm_lifecycle_event set) every one
 * above it up to npm. Just the parent where ps is missing (Windows) or the chain has no npm in it.
 */
export function watchedAncestors(
  env: NodeJS.ProcessEnv = process.env,
  lookUp: (pid: number) => { parent: number; args: string } | undefined = psOf,
): number[] {
  const parent = process.ppid;
  if (!env.npm_lifecycle_event || process.platform === 'win32') return [parent];
  const chain: number[] = [];
  let pid = parent;
  for (let depth = 0; depth < 4 && pid > 1; depth++) {
    const found = lookUp(pid);
    if (!found) break;
    chain.push(pid);
    if (isNpm(found.args)) return chain;
    pid = found.parent;
  }
  return [parent];
}
