/**
 * A folder per content hash, made once even when parallel jest workers (or a test and npm start) ask for it
 * at the same time: the first takes a lock, builds in a temporary folder and renames it into place; the
 * others wait for the rename. A rename is atomic, so nobody ever reads a half-written entry.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** sha256 of named parts, each part told apart from the next (no two lists of parts hash alike). */
export function hashOf(parts: Iterable<readonly [string, string | Buffer]>): string {
  const hash = createHash('sha256');
  for (const [name, value] of parts) {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    hash.update(`${name}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

/** Every file under `dir` (recursively), as [path relative to `base` with / separators, contents]. */
export function filesOf(dir: string, base: string): [string, Buffer][] {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile())
    return [[path.relative(base, dir).split(path.sep).join('/'), readFileSync(dir)]];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => filesOf(path.join(dir, name), base));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock whose owner died (a killed worker) must not block everyone after it. */
function isStale(lock: string): boolean {
  try {
    const pid = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
    return !isAlive(pid);
  } catch {
    // No pid yet: its owner is between mkdir and write, unless that was long ago.
    try {
      return Date.now() - statSync(lock).mtimeMs > 10_000;
    } catch {
      return false;
    }
  }
}

/** The same process asking twice for one entry waits for the first build instead of locking itself out. */
const building = new Map<string, Promise<string>>();

/**
 * The folder `<root>/<key>`, built by `build(into)` if it does not exist yet. `build` writes into the folder
 * it is given, which becomes the entry only once it returns.
 */
export function cachedFolder(
  root: string,
  key: string,
  build: (into: string) => Promise<void>,
): Promise<string> {
  const entry = path.join(root, key);
  const inFlight = building.get(entry);
  if (inFlight) return inFlight;
  const made = makeOnce(root, entry, build).finally(() => building.delete(entry));
  building.set(entry, made);
  return made;
}

async function makeOnce(
  root: string,
  entry: string,
  build: (into: string) => Promise<void>,
): Promise<string> {
  const lock = `${entry}.lock`;
  mkdirSync(root, { recursive: true });
  for (;;) {
    if (existsSync(entry)) return entry;
    try {
      mkdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(lock)) rmSync(lock, { recursive: true, force: true });
      else await sleep(100);
      continue;
    }
    try {
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      // Made while we waited for the lock: the previous owner renamed it just before letting go.
      if (existsSync(entry)) return entry;
      const partial = `${entry}.partial-${process.pid}`;
      rmSync(partial, { recursive: true, force: true });
      mkdirSync(partial);
      try {
        await build(partial);
        renameSync(partial, entry);
      } finally {
        rmSync(partial, { recursive: true, force: true });
      }
      return entry;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
