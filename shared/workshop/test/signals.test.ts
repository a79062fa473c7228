/**
 * A long-running command stops, with every process it started, on SIGTERM and SIGHUP as on Ctrl-C, even
 * when the signal reaches only npm (an editor's stop button, `timeout`, a process manager): npm's shell
 * does not pass it on to tsx, so the command notices npm is gone. Tried on `npm run logs:local`, which
 * uses the same helper (onStopRequest) as npm start and the chapters' --offline servers.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../env';
import { freePort, isListening, waitForPort } from '../process/ports';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

it.each([
  ['SIGTERM', 'npm'],
  ['SIGHUP', 'npm'],
  ['SIGTERM', 'group'],
] as const)(
  '%s to the %s stops the servers and leaves no process behind',
  async (signal, target) => {
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'signals-'));
    dirs.push(dir);
    // Its own process group, as a terminal gives a command.
    const npm = spawn('npm', ['run', 'logs:local', '--', '--port', String(port), '--data-dir', dir], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, LOGS_FSYNC: '0' },
    });
    const pgid = npm.pid as number;
    try {
      await waitForPort(port, 30_000);
      process.kill(target === 'npm' ? pgid : -pgid, signal);
      expect(await until(async () => !(await isListening(port)), 10_000)).toBe(true);
      expect(await until(() => !groupAlive(pgid), 10_000)).toBe(true);
    } finally {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    }
  },
  60_000,
);

it('keeps running when only the shell that started npm goes away (npm is still there)', async () => {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'signals-'));
  dirs.push(dir);
  // The shell starts npm in the background and exits at once: npm is adopted, and runs on.
  const shell = spawn(
    'bash',
    ['-c', `npm run logs:local -- --port ${port} --data-dir ${dir} > /dev/null 2>&1 & echo $!`],
    {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, LOGS_FSYNC: '0' },
    },
  );
  const pgid = shell.pid as number;
  let npmPid = 0;
  shell.stdout?.on('data', (chunk: Buffer) => {
    npmPid = Number(String(chunk).trim());
  });
  try {
    await waitForPort(port, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await isListening(port)).toBe(true);
    process.kill(npmPid, 'SIGTERM');
    expect(await until(async () => !(await isListening(port)), 10_000)).toBe(true);
    expect(await until(() => !groupAlive(pgid), 10_000)).toBe(true);
  } finally {
    if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
  }
}, 60_000);
