/**
 * The local endpoint's store, as an attacker and a crash would treat it: torn and damaged journals,
 * operations that must not be journaled, big streams, late batches, and PutLogEvents' partial acceptance.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JOURNAL_FILE, REJECTED_FILE } from '../stand-ins/logs/journal';
import { AwsError, LogStore, type StoredEvent } from '../stand-ins/logs/store';

const GROUP = '/aws/lambda/cinq-euros-api-dev-check';
const DAY = 86_400_000;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'logs-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const journalOf = () => readFileSync(path.join(dir, JOURNAL_FILE), 'utf8');
const messages = (store: LogStore) => store.group(GROUP).events.map((e) => e.message);

function fresh(): LogStore {
  const store = new LogStore(dir, { fsync: false });
  store.createLogGroup(GROUP);
  store.createLogStream(GROUP, 'a');
  store.createLogStream(GROUP, 'b');
  return store;
}

describe('the journal on start', () => {
  it('cuts off a torn last entry, says so, and appends after it cleanly', () => {
    const store = fresh();
    store.putLogEvents(GROUP, 'a', [{ timestamp: Date.now(), message: 'kept' }]);
    store.close();
    appendFileSync(path.join(dir, JOURNAL_FILE), '{"op":"put","group":"/aws/lambda/cinq');
    const again = new LogStore(dir, { fsync: false });
    expect(again.recovery).toEqual([expect.stringMatching(/cut off an unfinished last entry \(37 bytes/)]);
    expect(journalOf().endsWith('\n')).toBe(true);
    again.putLogEvents(GROUP, 'a', [{ timestamp: Date.now(), message: 'after' }]);
    again.close();
    const third = new LogStore(dir, { fsync: false });
    expect(third.recovery).toEqual([]);
    expect(messages(third)).toEqual(['kept', 'after']);
    third.close();
  });

  it('sets aside entries it cannot read or apply, keeps the rest, and starts', () => {
    const store = fresh();
    store.putLogEvents(GROUP, 'a', [{ timestamp: Date.now(), message: 'one' }]);
    store.close();
    appendFileSync(
      path.join(dir, JOURNAL_FILE),
      [
        'not json at all',
        '{"op":"put","group":"/nope","stream":"a","at":1,"seq":99,"events":[[1,"x"]]}',
        '{"op":"explode"}',
        '',
      ].join('\n'),
    );
    const again = new LogStore(dir, { fsync: false });
    again.putLogEvents(GROUP, 'b', [{ timestamp: Date.now(), message: 'two' }]);
    expect(again.recovery).toEqual([
      expect.stringMatching(/set aside 3 journal entries .*line 5.*kept the rest/),
    ]);
    const rejected = readFileSync(path.join(dir, REJECTED_FILE), 'utf8').trim().split('\n');
    expect(rejected.map((line) => JSON.parse(line).line)).toEqual([5, 6, 7]);
    again.close();
    const third = new LogStore(dir, { fsync: false });
    expect(third.recovery).toEqual([]);
    expect(messages(third)).toEqual(['one', 'two']);
    third.close();
  });

  it('never journals an operation it refuses', () => {
    const store = fresh();
    const before = journalOf();
    expect(() => store.createLogGroup(GROUP)).toThrow(AwsError);
    expect(() => store.createLogStream('/nope', 'x')).toThrow(AwsError);
    expect(() => store.deleteLogStream(GROUP, 'nope')).toThrow(AwsError);
    expect(() => store.putLogEvents(GROUP, 'a', [{ timestamp: 1, message: '' }])).toThrow(AwsError);
    expect(() => store.setRetention(GROUP, 2)).toThrow(AwsError);
    expect(journalOf()).toBe(before);
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
    expect(store.group(GROUP).events).toHaveLength(140_000);
    store.close();
    const again = new LogStore(dir, { fsync: false });
    expect(again.recovery).toEqual([]);
    expect(again.group(GROUP).streams.has('a')).toBe(false);
    expect(again.group(GROUP).events).toHaveLength(140_000);
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
    for (let batch = 0; batch < 200; batch++) {
      const start = now - Math.floor(random() * 3_600_000);
      let at = start;
      const events = Array.from({ length: 1 + Math.floor(random() * 20) }, (_, i) => {
        at += Math.floor(random() * 3);
        return { timestamp: at, message: `${batch}-${i}` };
      });
      store.putLogEvents(GROUP, random() < 0.5 ? 'a' : 'b', events, now);
    }
    const sorted = (events: readonly StoredEvent[]) =>
      [...events].sort((x, y) => x.timestamp - y.timestamp || x.seq - y.seq);
    const group = store.group(GROUP);
    expect(group.events).toEqual(sorted(group.events));
    for (const stream of group.streams.values()) expect(stream.events).toEqual(sorted(stream.events));
    expect(group.events.length).toBe(
      (group.streams.get('a')?.events.length ?? 0) + (group.streams.get('b')?.events.length ?? 0),
    );
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

  it('stores nothing and journals nothing when every event is rejected', () => {
    const store = fresh();
    const before = journalOf();
    expect(store.putLogEvents(GROUP, 'a', [{ timestamp: now + DAY, message: 'future' }], now)).toEqual({
      accepted: 0,
      rejectedLogEventsInfo: { tooNewLogEventStartIndex: 0 },
    });
    expect(journalOf()).toBe(before);
    store.close();
  });
});

describe('a journal written by hand', () => {
  it('is read back as written', () => {
    writeFileSync(
      path.join(dir, JOURNAL_FILE),
      `${[
        { op: 'createGroup', name: GROUP, at: 1 },
        { op: 'createStream', group: GROUP, name: 'a', at: 1 },
        { op: 'put', group: GROUP, stream: 'a', at: 2, seq: 0, events: [[2, 'hello']] },
      ]
        .map((entry) => JSON.stringify(entry))
        .join('\n')}\n`,
    );
    const store = new LogStore(dir, { fsync: false });
    expect(store.recovery).toEqual([]);
    expect(messages(store)).toEqual(['hello']);
    store.close();
  });
});
