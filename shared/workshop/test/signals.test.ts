/**
 * A long-running command stops, with every process it started, on SIGTERM and SIGHUP as on Ctrl-C, and
 * when npm is killed outright, even though the signal reaches only npm (an editor's stop button,
 * `timeout`, a process manager): npm passes SIGTERM to its shell but not SIGHUP, and SIGKILL to no one,
 * so the command notices npm is gone. Tried on `npm run logs:local`, which uses the same stop handler
 * (process/stop.ts) as npm start and the chapters' --offline servers. Every process of the run holds
 * npm's output pipes: they close once the last of them has ended.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../env';
import { freePort, isListening, waitForPort } from '../process/ports';
import { until } from '../test-support/npm-start';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function newDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'signals-'));
  dirs.push(dir);
  return dir;
}

it.each(['SIGTERM', 'SIGHUP', 'SIGKILL'] as const)(
  '%s to npm stops the server and leaves no process behind',
  async (signal) => {
    const port = await freePort();
    const npm = spawn('npm', ['run', 'logs:local', '--', '--port', String(port), '--data-dir', newDir()], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOGS_FSYNC: '0' },
    });
    npm.once('error', () => undefined);
    let ended = false;
    npm.once('close', () => {
      ended = true;
    });
    try {
      await waitForPort(port, 30_000);
      npm.kill(signal);
      expect(await until(async () => !(await isListening(port)), 10_000)).toBe(true);
      expect(await until(() => ended, 10_000)).toBe(true);
    } finally {
      npm.kill('SIGKILL');
    }
  },
  60_000,
);

it('keeps running when only the shell that started npm goes away (npm is still there)', async () => {
  const port = await freePort();
  // The shell starts npm in the background, its output on the shell's, and exits at once: npm is
  // adopted, and runs on.
  const shell = spawn(
    'bash',
    ['-c', `npm run logs:local -- --port ${port} --data-dir ${newDir()} 2>&1 & echo "npm $!"`],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, LOGS_FSYNC: '0' } },
  );
  shell.once('error', () => undefined);
  let text = '';
  shell.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  let ended = false;
  shell.stdout?.once('close', () => {
    ended = true;
  });
  const npmPid = () => Number(/^npm (\d+)$/m.exec(text)?.[1]);
  try {
    await waitForPort(port, 30_000);
    expect(await until(() => shell.exitCode !== null, 10_000)).toBe(true);
    // Several looks at its parent and at npm later (stop.ts polls every 500 ms), it still serves.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await isListening(port)).toBe(true);
    process.kill(npmPid(), 'SIGTERM');
    expect(await until(async () => !(await isListening(port)), 10_000)).toBe(true);
    expect(await until(() => ended, 10_000)).toBe(true);
  } finally {
    if (npmPid()) {
      try {
        process.kill(npmPid(), 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}, 60_000);
