/** The cache behind packageChapter, in-process: one build per key, a dead owner's lock taken over, a live one waited for. */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cachedFolder, hashOf } from '../packaging/package-cache';
import { tempDir } from '../test-support/temp';

let work: ReturnType<typeof tempDir>;
beforeEach(() => {
  work = tempDir('package-cache');
});
afterEach(() => work.remove());

/** A pid no process has: above every system's pid limit (Linux's largest is 2^22). */
const DEAD_PID = 2 ** 30;

describe('hashOf', () => {
  it('tells apart parts that only a boundary separates', () => {
    expect(hashOf([['a', 'bc']])).not.toBe(hashOf([['ab', 'c']]));
    expect(
      hashOf([
        ['a', 'b'],
        ['c', ''],
      ]),
    ).not.toBe(hashOf([['a', 'bc']]));
    expect(hashOf([['a', Buffer.from('x')]])).toBe(hashOf([['a', 'x']]));
  });
});

describe('cachedFolder', () => {
  it('builds once for callers asking at the same time, and never again', async () => {
    let builds = 0;
    const build = async (into: string) => {
      builds++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      writeFileSync(path.join(into, 'out.txt'), 'built');
    };
    const dirs = await Promise.all([1, 2, 3].map(() => cachedFolder(work.path, 'key', build)));
    expect(new Set(dirs)).toEqual(new Set([path.join(work.path, 'key')]));
    expect(await cachedFolder(work.path, 'key', build)).toBe(dirs[0]);
    expect(builds).toBe(1);
    expect(readFileSync(path.join(dirs[0] as string, 'out.txt'), 'utf8')).toBe('built');
    // Nothing left but the entry: no lock, no partial folder.
    expect(readdirSync(work.path)).toEqual(['key']);
  });

  it('leaves nothing under the key when the build fails, so the next caller builds again', async () => {
    await expect(
      cachedFolder(work.path, 'key', async (into) => {
        writeFileSync(path.join(into, 'half.txt'), 'half');
        throw new Error('serverless failed');
      }),
    ).rejects.toThrow('serverless failed');
    expect(readdirSync(work.path)).toEqual([]);
    const dir = await cachedFolder(work.path, 'key', async (into) =>
      writeFileSync(path.join(into, 'ok'), ''),
    );
    expect(existsSync(path.join(dir, 'ok'))).toBe(true);
  });

  it('takes over the lock of an owner that died, instead of waiting for ever', async () => {
    const lock = path.join(work.path, 'key.lock');
    mkdirSync(lock);
    expect(() => process.kill(DEAD_PID, 0)).toThrow();
    writeFileSync(path.join(lock, 'pid'), String(DEAD_PID));
    const dir = await cachedFolder(work.path, 'key', async (into) =>
      writeFileSync(path.join(into, 'ok'), ''),
    );
    expect(existsSync(path.join(dir, 'ok'))).toBe(true);
  });

  it('waits for a live owner and uses what it made, building nothing itself', async () => {
    const lock = path.join(work.path, 'key.lock');
    mkdirSync(lock);
    // This process is alive: the lock is another caller's build in progress.
    writeFileSync(path.join(lock, 'pid'), String(process.pid));
    let built = false;
    const waiting = cachedFolder(work.path, 'key', async () => {
      built = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 250));
    mkdirSync(path.join(work.path, 'key'));
    writeFileSync(path.join(work.path, 'key', 'theirs'), '');
    rmSync(lock, { recursive: true });
    const dir = await waiting;
    expect(existsSync(path.join(dir, 'theirs'))).toBe(true);
    expect(built).toBe(false);
  });
});
