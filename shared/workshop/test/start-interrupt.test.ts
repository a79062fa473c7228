/**
 * Ctrl-C while `npm start` is still starting: everything it started stops, serverless-offline included
 * (it runs in a process group of its own, which a terminal's Ctrl-C does not reach), and the API's build
 * folder (03-lambda-check/.esbuild/offline-*) is removed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../env';
import { freePort } from '../process/ports';

const BUILD_DIR = path.join(REPO_ROOT, '03-lambda-check', '.esbuild');
const NAMES = ['SITE_PORT', 'S3_PORT', 'API_PORT', 'LAMBDA_PORT', 'LOGS_PORT'];

/** The process group of `pid`, from /proc; undefined once it is gone (or a zombie, dead but not reaped). */
function groupOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : Number(fields[2]);
  } catch {
    return undefined;
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  return check();
}

/** The processes of group `pgid`, from /proc. */
function processesOf(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => groupOf(pid) === pgid);
}

it('stops everything it started and removes the build folder on Ctrl-C while starting', async () => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOCAL_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'start-int-')),
  };
  for (const name of NAMES) env[name] = String(await freePort());
  const npm = spawn('npm', ['start'], { cwd: REPO_ROOT, env, detached: true, stdio: 'ignore' });
  const pgid = npm.pid as number;
  const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
  // Wait until serverless-offline is building: its folder is named after the process that started it.
  let folder: string | undefined;
  let serverGroup: number | undefined;
  const deadline = Date.now() + 60_000;
  while (!folder && Date.now() < deadline) {
    const ours = new Set(processesOf(pgid));
    folder = (existsSync(BUILD_DIR) ? readdirSync(BUILD_DIR) : []).find((name) =>
      ours.has(Number(/^offline-(\d+)-/.exec(name)?.[1])),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    expect(folder).toBeDefined();
    // serverless-offline's own group: the one process that runs `serverless offline start` for us.
    serverGroup = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .find((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`--lambdaPort\0${env.LAMBDA_PORT}`);
        } catch {
          return false;
        }
      });
    expect(serverGroup).toBeDefined();
    process.kill(-pgid, 'SIGINT');
    await exited;
    expect(await until(() => processesOf(pgid).length === 0, 5000)).toBe(true);
    if (serverGroup !== undefined) {
      const server = serverGroup;
      expect(await until(() => groupOf(server) === undefined, 5000)).toBe(true);
    }
    expect(existsSync(path.join(BUILD_DIR, folder as string))).toBe(false);
  } finally {
    for (const group of [pgid, serverGroup]) {
      if (group === undefined) continue;
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(env.LOCAL_DATA_DIR as string, { recursive: true, force: true });
  }
}, 90_000);
