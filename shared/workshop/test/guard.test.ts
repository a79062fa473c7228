/**
 * The children the workshop starts (process/children.ts and guard.cjs), on tiny node children: stopped
 * through their channel as on SIGTERM, ended by it even without a handler, stopped and cleaned up by
 * themselves when their parent is killed outright; folders of ended owners swept.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startChild } from '../process/children';
import { TSX_HOOK } from '../process/entries';
import { ownedName, ownerOf, sweepOrphans } from '../process/owned-folders';

const CHILDREN = path.join(__dirname, '..', 'test-support', 'children');
const scratch: string[] = [];
const newDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'guard-'));
  scratch.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function lines(child: ChildProcess): { all: Promise<string>; first: (pattern: RegExp) => Promise<string> } {
  let text = '';
  const waiting: [RegExp, (line: string) => void][] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const [pattern, resolve] of waiting) {
      const line = text.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) resolve(line);
    }
  });
  // Closed once every process holding the pipe (the child, and what inherited it) has ended.
  const all = new Promise<string>((resolve) => child.stdout?.once('close', () => resolve(text)));
  return {
    all,
    first: (pattern) =>
      new Promise((resolve, reject) => {
        waiting.push([pattern, resolve]);
        void all.then(() => reject(new Error(`ended before printing ${pattern}: ${text}`)));
      }),
  };
}

it('stop() closes the channel: the child stops as on SIGTERM, in a temp folder of its own, removed after', async () => {
  const folder = newDir();
  const child = startChild({ entry: path.join(CHILDREN, 'graceful.cjs'), cleanup: [folder] });
  const output = lines(child.process);
  expect(await output.first(/^ready /)).toBe(`ready ${child.tempDir}`);
  expect(existsSync(path.join(child.tempDir, 'scratch', 'file'))).toBe(true);
  await child.stop(60_000);
  expect(await output.all).toContain('graceful');
  expect(await child.exited).toEqual({ code: 0, signal: null });
  expect(existsSync(child.tempDir)).toBe(false);
  expect(existsSync(folder)).toBe(false);
});

it('a child with no SIGTERM handler of its own ends when its channel closes', async () => {
  const child = startChild({ entry: path.join(CHILDREN, 'idle.cjs') });
  await lines(child.process).first(/^ready/);
  await child.stop(60_000);
  expect(await child.exited).toEqual({ code: 143, signal: null });
});

it('a child whose parent is killed outright stops as on SIGTERM and removes its folders itself', async () => {
  const dataDir = newDir();
  const folder = newDir();
  const parent = spawn(
    process.execPath,
    ['--require', TSX_HOOK, path.join(CHILDREN, 'parent.ts'), path.join(CHILDREN, 'graceful.cjs'), folder],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOCAL_DATA_DIR: dataDir } },
  );
  parent.once('error', () => undefined);
  const output = lines(parent);
  const [, , tempDir] = (await output.first(/^child /)).split(' ') as [string, string, string];
  await output.first(/^ready /);
  expect(existsSync(tempDir)).toBe(true);
  parent.kill('SIGKILL');
  expect(await output.all).toContain('graceful');
  expect(existsSync(tempDir)).toBe(false);
  expect(existsSync(folder)).toBe(false);
}, 30_000);

it('sweeps the folders whose owner has ended, and only those', () => {
  const parent = newDir();
  const ended = spawnSync(process.execPath, ['-e', '']).pid;
  const orphan = path.join(parent, `child-${ended}-0badcafe`);
  const ours = path.join(parent, ownedName('child'));
  const other = path.join(parent, `offline-${ended}-0badcafe`);
  for (const dir of [orphan, ours, other]) mkdirSync(dir);
  expect(ownerOf(path.basename(ours), 'child')).toBe(process.pid);
  expect(sweepOrphans(parent, 'child')).toEqual([orphan]);
  expect([orphan, ours, other].map(existsSync)).toEqual([false, true, true]);
  expect(sweepOrphans(path.join(parent, 'none'), 'child')).toEqual([]);
});
