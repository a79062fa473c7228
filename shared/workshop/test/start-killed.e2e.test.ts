/**
 * `npm start` killed outright (SIGKILL: nothing of it runs any more, no exit hook, no handler), first
 * the command it runs, then npm itself: nothing of the run is left, neither a port listening nor a temp
 * or build folder, and the next npm start starts on the same ports. The API's server learns its parent
 * is gone from its channel closing; the command learns npm is gone by watching it (process/stop.ts).
 */
import { rmSync } from 'node:fs';
import {
  commandPid,
  freePorts,
  leftOf,
  NOTHING_LEFT,
  type NpmStart,
  newDataDir,
  READY,
  startNpmStart,
  until,
} from '../test-support/npm-start';

const dataDir = newDataDir();
const runs: NpmStart[] = [];
afterAll(() => {
  for (const run of runs) run.npm.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function started(ports: Awaited<ReturnType<typeof freePorts>>) {
  const run = startNpmStart(ports, dataDir);
  runs.push(run);
  await run.printed(READY);
  const pid = commandPid(dataDir);
  expect(pid).toBeDefined();
  expect(await leftOf(run, pid as number)).toEqual({
    listening: ['SITE_PORT', 'S3_PORT', 'API_PORT', 'LAMBDA_PORT', 'LOGS_PORT'],
    tempFolders: 1,
    buildFolders: 1,
  });
  return { run, pid: pid as number };
}

it('leaves nothing behind when its command, then npm, is killed outright, and starts again', async () => {
  const ports = await freePorts();
  const first = await started(ports);
  process.kill(first.pid, 'SIGKILL');
  await first.run.allEnded;
  let left = await leftOf(first.run, first.pid);
  await until(async () => {
    left = await leftOf(first.run, first.pid);
    return left.listening.length + left.tempFolders + left.buildFolders === 0;
  }, 20_000);
  expect(left).toEqual(NOTHING_LEFT);

  const second = await started(ports);
  second.run.npm.kill('SIGKILL');
  await second.run.allEnded;
  left = await leftOf(second.run, second.pid);
  await until(async () => {
    left = await leftOf(second.run, second.pid);
    return left.listening.length + left.tempFolders + left.buildFolders === 0;
  }, 20_000);
  expect(left).toEqual(NOTHING_LEFT);
  expect(second.run.output()).toContain('the command that started it has ended: stopping');
}, 300_000);
