/**
 * Ctrl-C while `npm start` is still starting (SIGINT to npm and to the command, as a terminal sends it): everything
 * it started stops, serverless-offline included, and the API's build folder
 * (03-lambda-check/.esbuild/offline-*) and its server's temp folder are removed. The run is known by its
 * folders and ports (test-support/npm-start.ts), not by /proc or a process group.
 */
import { rmSync } from 'node:fs';
import { isListening } from '../process/ports';
import {
  commandPid,
  ctrlC,
  freePorts,
  leftOf,
  NOTHING_LEFT,
  newDataDir,
  startNpmStart,
  until,
} from '../test-support/npm-start';

it('stops everything it started and removes its folders on Ctrl-C while starting', async () => {
  const dataDir = newDataDir();
  const run = startNpmStart(await freePorts(), dataDir);
  try {
    // serverless-offline is up (its Lambda endpoint answers) before the site is built and uploaded.
    expect(await until(() => isListening(run.ports.LAMBDA_PORT), 90_000)).toBe(true);
    const pid = commandPid(dataDir) as number;
    expect(pid).toBeDefined();
    ctrlC(run, pid);
    await run.allEnded;
    let left = await leftOf(run, pid);
    await until(async () => {
      left = await leftOf(run, pid);
      return left.listening.length + left.tempFolders + left.buildFolders === 0;
    }, 10_000);
    expect(left).toEqual(NOTHING_LEFT);
  } finally {
    run.npm.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);
