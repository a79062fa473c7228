/**
 * The local endpoint's store, as an attacker and a crash would treat it: a torn write-ahead log, a file
 * that is not a database, a second endpoint on the same folder, a folder that is a file, an old journal,
 * operations that must not leave anything behind, big streams, the size bound, and PutLogEvents' partial
 * acceptance.
 */
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalLogs } from '../stand-ins/logs/server';
import {
  AwsError,
  DATABASE_FILE,
  type EventRow,
  LogStore,
  OLD_JOURNAL_FILE,
  StoreBusyError,
} from '../stand-ins/logs/store';

const GROUP = '/aws/lambda/cinq-euros-api-dev-check';
const DAY = 86_400_000;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'logs-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const messages = (store: LogStore) => store.messages(GROUP);

function fresh(): LogStore {
  const store = new LogStore(dir, { fsync: false });
  store.createLogGroup(GROUP);
  store.createLogStream(GROUP, 'a');
  store.createLogStream(GROUP, 'b');
  return store;
}

function allRows(store: LogStore, streamId?: number): EventRow[] {
  const rows: EventRow[] = [];
  const iterator = store.groupEvents(store.group(GROUP).id, 0, -1, Number.MAX_SAFE_INTEGER);
  for (let next = iterator.next(); !next.done; next = iterator.next()) {
    if (streamId === undefined || next.value.stream_id === streamId) rows.push(next.value);
  }
  return rows;
}

describe('the store on start', () => {
  it('keeps everything across a close, and reads no history to start', () => {
    const store = fresh();
    store.putLogEvents(GROUP, 'a', [{ timestamp: Date.now(), message: 'kept' }]);
    store.close();
    const again = new LogStore(dir, { fsync: false });
    expect(again.recovery).toEqual([]);
    expect(messages(again)).toEqual(['kept']);
    expect(again.storedBytes()).toBe(4 + 26);
    again.close();
  });

  it('ignores the torn end of a write-ahead log (a write cut short by a kill) and keeps the rest', () => {
    const store = fresh();
    store.putLogEvents(GROUP, 'a', [{ timestamp: Date.now(), message: 'kept' }]);
    store.close();
    // What a kill in the middle of a write leaves: bytes that are no valid WAL frame.
    appendFileSync(
      path.join(dir, `${DATABASE_FILE}-wal`),
      Buffer.from('{"op":"put","group":"/aws/lambda/cinq'),
    );
    const again = new LogStore(dir, { fsync: false });
    again.putLogEvents(GROUP, 'a', [{ timestamp: Date.now(), message: 'after' }]);
    again.close();
    const third = new LogStore(dir, { fsync: false });
    expect(messages(third)).toEqual(['kept', 'after']);
    third.close();
  });

  it('sets aside a file that is not a database, says so, and starts empty', () => {
    writeFileSync(path.join(dir, DATABASE_FILE), 'not a database at all, '.repeat(200));
    const store = new LogStore(dir, { fsync: false });
    expect(store.recovery).toEqual([expect.stringMatching(/could not read .*set it aside as .*unreadable/)]);
    expect(store.groupCount()).toBe(0);
    store.createLogGroup(GROUP);
    store.close();
    expect(readdirSync(dir).filter((name) => name.includes('unreadable'))).toHaveLength(1);
  });

  it('leaves an old journal where it is and says it is no longer read (a UTF-8 BOM in it changes nothing)', () => {
    writeFileSync(
      path.join(dir, OLD_JOURNAL_FILE),
      `\uFEFF${JSON.stringify({ op: 'createGroup', name: GROUP, at: 1 })}\n`,
    );
    const store = new LogStore(dir, { fsync: false });
    expect(store.recovery).toEqual([expect.stringMatching(/journal\.ndjson.*not read any more/)]);
    store.createLogGroup(GROUP);
    store.close();
    expect(existsSync(path.join(dir, OLD_JOURNAL_FILE))).toBe(true);
  });

  it('refuses a data folder that is a file, saying what to do (not a raw EEXIST)', async () => {
    const file = path.join(dir, 'logs');
    writeFileSync(file, 'a file');
    expect(() => new LogStore(file)).toThrow(/is a file, not a folder.*--data-dir/);
    expect(() => new LogStore(path.join(file, 'below'))).toThrow(/is a file, not a folder/);
    await expect(startLocalLogs({ port: 0, dataDir: file })).rejects.toThrow(/is a file, not a folder/);
  });
});

describe('one endpoint per data folder', () => {
  it('refuses a second store on the same folder and names the first', () => {
    const first = new LogStore(dir, { fsync: false, owner: 'port 4599' });
    first.createLogGroup(GROUP);
    expect(() => new LogStore(dir, { fsync: false })).toThrow(StoreBusyError);
    expect(() => new LogStore(dir, { fsync: false })).toThrow(
      new RegExp(`already uses .*pid ${process.pid} \\(port 4599\\).*--data-dir`),
    );
    first.close();
    const second = new LogStore(dir, { fsync: false });
    expect(second.groupCount()).toBe(1);
    second.close();
  });

  it('opens a folder whose holder was killed with SIGKILL', async () => {
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const { DatabaseSync } = require('node:sqlite');
         const db = new DatabaseSync(${JSON.stringify(path.join(dir, DATABASE_FILE))});
         db.exec('PRAGMA locking_mode = EXCLUSIVE'); db.exec('PRAGMA journal_mode = WAL');
         db.exec('BEGIN IMMEDIATE'); db.exec('CREATE TABLE held (x)'); db.exec('COMMIT');
         console.log('holding'); setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    expect(() => new LogStore(dir, { fsync: false })).toThrow(StoreBusyError);
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    const store = new LogStore(dir, { fsync: false });
    store.createLogGroup(GROUP);
    store.close();
  });
});

describe('changes', () => {
  it('leaves nothing behind of an operation it refuses', () => {
    const store = fresh();
    expect(() => store.createLogGroup(GROUP)).toThrow(AwsError);
    expect(() => store.createLogStream('/nope', 'x')).toThrow(AwsError);
    expect(() => store.deleteLogStream(GROUP, 'nope')).toThrow(AwsError);
    expect(() => store.putLogEvents(GROUP, 'a', [{ timestamp: 1, message: '' }])).toThrow(AwsError);
    expect(() => store.setRetention(GROUP, 2)).toThrow(AwsError);
    store.close();
    const again = new LogStore(dir, { fsync: false });
    expect(again.groups().map((g) => g.name)).toEqual([GROUP]);
    expect(again.streams(again.group(GROUP).id).map((s) => s.name)).toEqual(['a', 'b']);
    expect(messages(again)).toEqual([]);
    expect(again.group(GROUP).retentionInDays).toBeUndefined();
    again.close();
  });

  it('answers durable() only once the changes are committed, and tells live readers after that', async () => {
    const store = fresh();
    const seen: string[] = [];
    store.on('ingested', (batch) => seen.push(...batch.events.map((e) => e.message)));
    store.putLogEvents(GROUP, 'a', [{ timestamp: Date.now(), message: 'one' }]);
    expect(seen).toEqual([]);
    await store.durable();
    expect(seen).toEqual(['one']);
    store.close();
  });
});

describe('big streams', () => {
  it('deletes a stream beside 140,000 events of another, and restarts', () => {
    const store = fresh();
    const now = Date.now();
    for (let batch = 0; batch < 14; batch++) {
      const events = Array.from({ length: 10_000 }, (_, i) => ({
        timestamp: now - DAY + batch * 10_000 + i,
        message: `b${i}`,
      }));
      store.putLogEvents(GROUP, 'b', events, now);
    }
    store.putLogEvents(GROUP, 'a', [{ timestamp: now, message: 'in a' }], now);
    store.deleteLogStream(GROUP, 'a');
    expect(allRows(store)).toHaveLength(140_000);
    store.close();
    const again = new LogStore(dir, { fsync: false });
    expect(again.recovery).toEqual([]);
    expect(() => again.stream(GROUP, 'a')).toThrow(AwsError);
    expect(allRows(again)).toHaveLength(140_000);
    expect(again.group(GROUP).storedBytes).toBe(again.stream(GROUP, 'b').storedBytes);
    again.close();
  });

  it('keeps every event in time order whatever order the batches come in', () => {
    const store = new LogStore(undefined);
    store.createLogGroup(GROUP);
    store.createLogStream(GROUP, 'a');
    store.createLogStream(GROUP, 'b');
    const now = Date.now();
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let total = 0;
    for (let batch = 0; batch < 200; batch++) {
      const start = now - Math.floor(random() * 3_600_000);
      let at = start;
      const events = Array.from({ length: 1 + Math.floor(random() * 20) }, (_, i) => {
        at += Math.floor(random() * 3);
        return { timestamp: at, message: `${batch}-${i}` };
      });
      total += events.length;
      store.putLogEvents(GROUP, random() < 0.5 ? 'a' : 'b', events, now);
    }
    const sorted = (rows: readonly EventRow[]) =>
      [...rows].sort((x, y) => x.timestamp - y.timestamp || x.seq - y.seq);
    const rows = allRows(store);
    expect(rows).toHaveLength(total);
    expect(rows).toEqual(sorted(rows));
    const a = store.stream(GROUP, 'a');
    const inA = store.streamEvents(a.id, 0, Number.MAX_SAFE_INTEGER, 0, total);
    expect(inA).toEqual(sorted(inA));
    expect(inA).toHaveLength(a.eventCount);
  });
});

describe('the size bound', () => {
  it('expires the oldest events first, keeps the newest, and stays under the bound across a restart', () => {
    const maxBytes = 200_000;
    const store = new LogStore(dir, { fsync: false, maxBytes });
    store.createLogGroup(GROUP);
    store.createLogStream(GROUP, 'a');
    const now = Date.now();
    for (let batch = 0; batch < 100; batch++) {
      const events = Array.from({ length: 10 }, (_, i) => ({
        timestamp: now - 100_000 + batch * 100 + i,
        message: `${batch}-${i} ${'x'.repeat(974)}`,
      }));
      store.putLogEvents(GROUP, 'a', events, now);
      expect(store.storedBytes()).toBeLessThanOrEqual(maxBytes);
    }
    const kept = messages(store).map((m) => m.split(' ')[0]);
    expect(kept.length).toBeGreaterThan(100);
    expect(kept.length).toBeLessThan(200);
    expect(kept[kept.length - 1]).toBe('99-9');
    // What is left is the newest, in one piece: nothing newer was expired before something older.
    const first = kept[0] as string;
    const [b, i] = first.split('-').map(Number) as [number, number];
    expect(kept.length).toBe((99 - b) * 10 + (10 - i));
    expect(store.group(GROUP).storedBytes).toBe(store.storedBytes());
    expect(store.stream(GROUP, 'a').eventCount).toBe(kept.length);
    store.close();
    const again = new LogStore(dir, { fsync: false, maxBytes });
    expect(again.storedBytes()).toBeLessThanOrEqual(maxBytes);
    expect(messages(again)).toHaveLength(kept.length);
    again.close();
    expect(statSync(path.join(dir, DATABASE_FILE)).size).toBeLessThan(20 * maxBytes);
  });

  it('reads LOGS_MAX_MB, and refuses one that is not a size', () => {
    expect(new LogStore(undefined, {}).maxBytes).toBe(1024 * 1024 * 1024);
    const saved = process.env.LOGS_MAX_MB;
    try {
      process.env.LOGS_MAX_MB = '2';
      expect(new LogStore(undefined).maxBytes).toBe(2 * 1024 * 1024);
      process.env.LOGS_MAX_MB = 'lots';
      expect(() => new LogStore(undefined)).toThrow(/LOGS_MAX_MB=lots is not a size in MB/);
    } finally {
      if (saved === undefined) delete process.env.LOGS_MAX_MB;
      else process.env.LOGS_MAX_MB = saved;
    }
  });
});

describe('PutLogEvents: partial acceptance, as AWS documents it', () => {
  const now = Date.UTC(2026, 11, 1, 12);

  it('stores the valid events and gives the exclusive end of the too old ones', () => {
    const store = fresh();
    const result = store.putLogEvents(
      GROUP,
      'a',
      [
        { timestamp: now - 15 * DAY, message: 'fifteen days old' },
        { timestamp: now - 1000, message: 'valid' },
        { timestamp: now, message: 'valid too' },
      ],
      now,
    );
    expect(result).toEqual({ accepted: 2, rejectedLogEventsInfo: { tooOldLogEventEndIndex: 1 } });
    expect(messages(store)).toEqual(['valid', 'valid too']);
    store.close();
  });

  it('gives the first too new one, and the end of those before the retention period', () => {
    const store = fresh();
    store.setRetention(GROUP, 3);
    const result = store.putLogEvents(
      GROUP,
      'a',
      [
        { timestamp: now - 20 * DAY, message: 'too old' },
        { timestamp: now - 5 * DAY, message: 'expired' },
        { timestamp: now, message: 'valid' },
        { timestamp: now + 3 * 3_600_000, message: 'too new' },
      ],
      now,
    );
    expect(result).toEqual({
      accepted: 1,
      rejectedLogEventsInfo: {
        tooOldLogEventEndIndex: 1,
        expiredLogEventEndIndex: 2,
        tooNewLogEventStartIndex: 3,
      },
    });
    expect(messages(store)).toEqual(['valid']);
    store.close();
  });

  it('stores nothing when every event is rejected', () => {
    const store = fresh();
    expect(store.putLogEvents(GROUP, 'a', [{ timestamp: now + DAY, message: 'future' }], now)).toEqual({
      accepted: 0,
      rejectedLogEventsInfo: { tooNewLogEventStartIndex: 0 },
    });
    expect(messages(store)).toEqual([]);
    store.close();
  });
});
