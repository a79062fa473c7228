/**
 * The data of the local CloudWatch Logs endpoint: log groups, their streams and events, with the rules the
 * real service applies to them, kept in SQLite (node:sqlite, built into Node 24).
 *
 * What "acknowledged" means: every change is checked against the stored state, then written inside a
 * transaction; the changes made in one turn of the event loop share one COMMIT (group commit), and the
 * endpoint answers a change only once durable() says that COMMIT is done. The database runs in WAL mode with
 * synchronous=FULL (each COMMIT flushed to the disk before it returns; LOGS_FSYNC=0: NORMAL, then a kill of
 * the endpoint still loses nothing, a crash of the machine may). A change that fails (disk full, file size
 * limit) is rolled back to its savepoint and answered 503: nothing half written is ever acknowledged, and
 * a write cut short by a kill is a WAL frame SQLite ignores on the next open.
 *
 * Events are read through indexes on (group, time) and (stream, time): a start reads no history, whatever
 * is stored. The store holds at most `maxBytes` of events (AWS's count: message bytes + 26 each; LOGS_MAX_MB,
 * default 1024): past it, the oldest ingested events are expired first, as a retention period would.
 *
 * One endpoint per data folder: the database is opened with an exclusive lock (SQLite's own, which the
 * system releases when its holder dies, even by kill -9), and who holds it is written beside it, so a
 * second endpoint on the same folder refuses to start and names the first one.
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

/** An error in the shape AWS answers: its `__type` and message. */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export interface StoredEvent {
  readonly stream: string;
  readonly timestamp: number;
  readonly message: string;
  readonly ingestionTime: number;
  /** Order of ingestion across the whole store: makes ids unique and sorting stable. */
  readonly seq: number;
}

export interface LogGroup {
  readonly id: number;
  readonly name: string;
  readonly creationTime: number;
  readonly storedBytes: number;
  readonly retentionInDays?: number;
}

export interface LogStream {
  readonly id: number;
  readonly name: string;
  readonly creationTime: number;
  readonly storedBytes: number;
  readonly eventCount: number;
  readonly lastIngestionTime?: number;
  readonly lastEventTimestamp?: number;
}

export interface IngestedBatch {
  readonly group: string;
  readonly events: readonly StoredEvent[];
}

export interface RejectedLogEventsInfo {
  tooNewLogEventStartIndex?: number;
  tooOldLogEventEndIndex?: number;
  expiredLogEventEndIndex?: number;
}

export interface PutResult {
  readonly accepted: number;
  readonly rejectedLogEventsInfo?: RejectedLogEventsInfo;
}

export interface LogStoreOptions {
  /**
   * Flush every acknowledged change to the disk before answering (synchronous=FULL). Default true;
   * LOGS_FSYNC=0 turns it off (synchronous=NORMAL).
   */
  readonly fsync?: boolean;
  /** The most bytes of events kept (AWS's count); past it the oldest are expired. Default LOGS_MAX_MB or 1 GiB. */
  readonly maxBytes?: number;
  /** Who opens the store, written beside it for a second endpoint's message: e.g. "port 4599". */
  readonly owner?: string;
}

export const ACCOUNT_ID = '000000000000';
export const DATABASE_FILE = 'logs.sqlite';
export const OWNER_FILE = 'endpoint.json';
/** The file the endpoint kept its data in before SQLite; an old one is left where it is, and reported. */
export const OLD_JOURNAL_FILE = 'journal.ndjson';
const SCHEMA_VERSION = 1;
const DAY_MS = 24 * 3600_000;
/** Bytes AWS counts per event on top of its message. */
export const EVENT_OVERHEAD_BYTES = 26;
export const MAX_BATCH_BYTES = 1_048_576;
export const MAX_BATCH_EVENTS = 10_000;
/** PutLogEvents rejects events older than this, or newer than now + MAX_FUTURE_MS. */
const MAX_AGE_MS = 14 * DAY_MS;
const MAX_FUTURE_MS = 2 * 3600_000;
const DEFAULT_MAX_MB = 1024;
/** The values PutRetentionPolicy accepts. */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export function eventId(event: Pick<StoredEvent, 'timestamp' | 'seq'>): string {
  return `${String(event.timestamp).padStart(15, '0')}${String(event.seq).padStart(15, '0')}`;
}

export function groupArn(region: string, name: string): string {
  return `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:${name}`;
}

export function fsyncFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return !/^(0|false|no|off)$/i.test(env.LOGS_FSYNC ?? '');
}

/** LOGS_MAX_MB as bytes; a value that is not a positive number is refused with what to write. */
export function maxBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.LOGS_MAX_MB;
  if (text === undefined || text === '') return DEFAULT_MAX_MB * 1024 * 1024;
  const mb = Number(text);
  if (!Number.isFinite(mb) || mb <= 0) {
    throw new Error(`LOGS_MAX_MB=${text} is not a size in MB: write e.g. LOGS_MAX_MB=${DEFAULT_MAX_MB}.`);
  }
  return Math.round(mb * 1024 * 1024);
}

/** The store refused to open because another endpoint holds its folder. */
export class StoreBusyError extends Error {
  override readonly name = 'StoreBusyError';
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS groups (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  creation_time INTEGER NOT NULL,
  retention_days INTEGER,
  stored_bytes INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE IF NOT EXISTS streams (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  creation_time INTEGER NOT NULL,
  last_ingestion_time INTEGER,
  last_event_timestamp INTEGER,
  stored_bytes INTEGER NOT NULL DEFAULT 0,
  event_count INTEGER NOT NULL DEFAULT 0,
  UNIQUE (group_id, name)
) STRICT;
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  group_id INTEGER NOT NULL,
  stream_id INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  ingestion_time INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  message TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS events_by_group_time ON events (group_id, timestamp, seq);
CREATE INDEX IF NOT EXISTS events_by_stream_time ON events (stream_id, timestamp, seq);
`;

interface GroupRow {
  id: number;
  name: string;
  creation_time: number;
  retention_days: number | null;
  stored_bytes: number;
}

interface StreamRow {
  id: number;
  name: string;
  creation_time: number;
  last_ingestion_time: number | null;
  last_event_timestamp: number | null;
  stored_bytes: number;
  event_count: number;
}

export interface EventRow {
  seq: number;
  stream_id: number;
  timestamp: number;
  ingestion_time: number;
  message: string;
}

function groupOf(row: GroupRow): LogGroup {
  return {
    id: row.id,
    name: row.name,
    creationTime: row.creation_time,
    storedBytes: row.stored_bytes,
    ...(row.retention_days === null ? {} : { retentionInDays: row.retention_days }),
  };
}

function streamOf(row: StreamRow): LogStream {
  return {
    id: row.id,
    name: row.name,
    creationTime: row.creation_time,
    storedBytes: row.stored_bytes,
    eventCount: row.event_count,
    ...(row.last_ingestion_time === null ? {} : { lastIngestionTime: row.last_ingestion_time }),
    ...(row.last_event_timestamp === null ? {} : { lastEventTimestamp: row.last_event_timestamp }),
  };
}

const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function isBusy(error: unknown): boolean {
  return /database is locked|SQLITE_BUSY/i.test(String((error as Error)?.message));
}

/** Why the folder `dir` cannot hold the store, in a sentence that says what to do; undefined if it can. */
export function dataFolderProblem(dir: string): string | undefined {
  let current = path.resolve(dir);
  for (;;) {
    if (existsSync(current)) {
      const stat = statSync(current);
      if (stat.isDirectory()) return undefined;
      return `${current} is a file, not a folder: the logs endpoint keeps its data in a folder there. Move the file away, or choose another folder (--data-dir, or LOGS_DIR).`;
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

export class LogStore extends EventEmitter<{ ingested: [IngestedBatch] }> {
  /** What the last start repaired or found, one sentence each: the endpoint prints them. */
  readonly recovery: string[] = [];
  readonly maxBytes: number;
  private db: DatabaseSync | undefined;
  private readonly statements = new Map<string, StatementSync>();
  /** The group commit: open while changes of this turn wait for their COMMIT. */
  private transaction:
    | { waiting: { resolve: () => void; reject: (error: Error) => void }[]; batches: IngestedBatch[] }
    | undefined;
  private totalBytes = 0;
  private savepoints = 0;

  /** A store kept in `dir` (created if needed), or in memory only. */
  constructor(
    readonly dir?: string,
    options: LogStoreOptions = {},
  ) {
    super();
    this.setMaxListeners(0);
    this.maxBytes = options.maxBytes ?? maxBytesFromEnv();
    const fsync = options.fsync ?? fsyncFromEnv();
    if (!dir) {
      this.db = new DatabaseSync(':memory:');
      this.db.exec(SCHEMA);
      this.totalBytes = 0;
      return;
    }
    const problem = dataFolderProblem(dir);
    if (problem) throw new Error(problem);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, DATABASE_FILE);
    this.db = this.openFile(file, fsync);
    try {
      this.db.exec(SCHEMA);
      const version = this.db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as
        | { value: number }
        | undefined;
      if (!version) this.db.prepare("INSERT INTO meta VALUES ('schema', ?)").run(SCHEMA_VERSION);
      else if (version.value > SCHEMA_VERSION) {
        throw new Error(
          `${file} was written by a newer version of the workshop (schema ${version.value}): update this checkout, or choose another folder.`,
        );
      }
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.totalBytes = Number(
      (this.db.prepare('SELECT coalesce(sum(stored_bytes), 0) AS n FROM groups').get() as { n: number }).n,
    );
    this.setOwner(options.owner ?? 'a local logs endpoint');
    if (existsSync(path.join(dir, OLD_JOURNAL_FILE))) {
      this.recovery.push(
        `found ${path.join(dir, OLD_JOURNAL_FILE)}, the journal of an earlier version of this endpoint: it is not read any more (the logs are now in ${DATABASE_FILE}). Delete it when you no longer need its old logs.`,
      );
    }
  }

  /**
   * Open the database, holding SQLite's exclusive lock until close: a second endpoint on the same folder
   * gets SQLITE_BUSY at once, and is told who holds it. A database that SQLite cannot read is set aside
   * (renamed, never deleted) and a new one started, so the endpoint always starts.
   */
  private openFile(file: string, fsync: boolean): DatabaseSync {
    const open = () => {
      const db = new DatabaseSync(file, { timeout: 0 });
      try {
        db.exec('PRAGMA locking_mode = EXCLUSIVE');
        db.exec('PRAGMA journal_mode = WAL');
        db.exec(`PRAGMA synchronous = ${fsync ? 'FULL' : 'NORMAL'}`);
        // Take the lock now (a write transaction), not at the first request.
        db.exec('BEGIN IMMEDIATE');
        db.prepare('SELECT count(*) FROM sqlite_schema').get();
        db.exec('COMMIT');
        return db;
      } catch (error) {
        db.close();
        throw error;
      }
    };
    try {
      return open();
    } catch (error) {
      if (isBusy(error)) throw new StoreBusyError(this.busyMessage());
      if (!/not a database|malformed|corrupt/i.test(String((error as Error).message))) throw error;
      const aside = `${file}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(file, aside);
      for (const suffix of ['-wal', '-shm']) {
        if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
      }
      this.recovery.push(
        `could not read ${file} (${(error as Error).message}): set it aside as ${aside} and started an empty store`,
      );
      return open();
    }
  }

  /** Say who holds the folder, for the message a second endpoint on it gives (only a hint: the lock rules). */
  setOwner(owner: string): void {
    if (!this.dir) return;
    writeFileSync(
      path.join(this.dir, OWNER_FILE),
      `${JSON.stringify({ pid: process.pid, owner, since: new Date().toISOString() })}\n`,
      { mode: 0o600 },
    );
  }

  private busyMessage(): string {
    const dir = this.dir as string;
    let who = 'another local logs endpoint';
    try {
      const owner = JSON.parse(readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as {
        pid?: unknown;
        owner?: unknown;
      };
      if (typeof owner.pid === 'number') who = `the one with pid ${owner.pid} (${String(owner.owner)})`;
    } catch {
      // No owner file yet: the message stays general.
    }
    return `Another local logs endpoint already uses ${dir}: ${who}. Stop it first (Ctrl-C in its terminal), or give this one another folder (--data-dir, or LOGS_DIR).`;
  }

  private get database(): DatabaseSync {
    if (!this.db) throw new Error('the log store is closed');
    return this.db;
  }

  private sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.database.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  close(): void {
    if (!this.db) return;
    if (this.transaction) this.commit();
    this.statements.clear();
    this.db.close();
    this.db = undefined;
  }

  get closed(): boolean {
    return this.db === undefined;
  }

  /**
   * Resolves once every change made so far is committed (and, with fsync, on the disk); answer a change
   * only after it. Rejects (AWS-shaped, 503) when the COMMIT failed: then none of those changes was kept.
   */
  durable(): Promise<void> {
    const transaction = this.transaction;
    if (!transaction) return Promise.resolve();
    return new Promise((resolve, reject) => transaction.waiting.push({ resolve, reject }));
  }

  private commit(): void {
    const transaction = this.transaction;
    if (!transaction) return;
    this.transaction = undefined;
    try {
      this.database.exec('COMMIT');
    } catch (error) {
      try {
        this.database.exec('ROLLBACK');
      } catch {
        // SQLite may have rolled back already.
      }
      this.abandon(transaction, error as Error);
      return;
    }
    for (const waiter of transaction.waiting) waiter.resolve();
    for (const batch of transaction.batches) this.emit('ingested', batch);
  }

  /** A transaction that will not commit: none of its changes is acknowledged, and the totals are re-read. */
  private abandon(transaction: NonNullable<LogStore['transaction']>, error: Error): void {
    if (this.transaction === transaction) this.transaction = undefined;
    this.totalBytes = Number(
      (this.sql('SELECT coalesce(sum(stored_bytes), 0) AS n FROM groups').get() as { n: number }).n,
    );
    const failure = new AwsError(
      'ServiceUnavailableException',
      `The local endpoint could not store this request, and did not: ${error.message}. Free some disk space and send it again.`,
      503,
    );
    for (const waiter of transaction.waiting) waiter.reject(failure);
  }

  /**
   * Run one change: inside the turn's transaction, under its own savepoint, so a change that fails leaves
   * nothing behind and the others of the turn stand.
   */
  private change<T>(run: () => T): T {
    const db = this.database;
    if (!this.transaction) {
      db.exec('BEGIN IMMEDIATE');
      this.transaction = { waiting: [], batches: [] };
      setImmediate(() => this.commit());
    }
    const name = `change${++this.savepoints}`;
    db.exec(`SAVEPOINT ${name}`);
    const bytesBefore = this.totalBytes;
    try {
      const result = run();
      db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.totalBytes = bytesBefore;
      try {
        db.exec(`ROLLBACK TO ${name}`);
        db.exec(`RELEASE ${name}`);
      } catch {
        // The transaction itself may be gone: see below.
      }
      const transaction = this.transaction;
      if (transaction && !db.isTransaction) {
        // SQLite rolled the whole transaction back (it may on a full disk or an I/O error): the other
        // changes of this turn are gone too, and are answered so, never acknowledged.
        this.abandon(transaction, error as Error);
      }
      if (error instanceof AwsError) throw error;
      throw new AwsError(
        'ServiceUnavailableException',
        `The local endpoint could not store this request, and did not: ${(error as Error).message}. Free some disk space and send it again.`,
        503,
      );
    }
  }

  // ------------------------------------------------------------ reads

  group(name: string): LogGroup {
    const row = this.sql('SELECT * FROM groups WHERE name = ?').get(name) as GroupRow | undefined;
    if (!row) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
    return groupOf(row);
  }

  stream(groupName: string, name: string): LogStream {
    const group = this.group(groupName);
    const row = this.sql('SELECT * FROM streams WHERE group_id = ? AND name = ?').get(group.id, name) as
      | StreamRow
      | undefined;
    if (!row) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
    return streamOf(row);
  }

  groupCount(): number {
    return Number((this.sql('SELECT count(*) AS n FROM groups').get() as { n: number }).n);
  }

  /** Groups by name, from the first after `after`, at most `limit`. */
  groups(after = '', limit = Number.MAX_SAFE_INTEGER): LogGroup[] {
    return (
      this.sql('SELECT * FROM groups WHERE name > ? ORDER BY name LIMIT ?').all(
        after,
        limit,
      ) as unknown as GroupRow[]
    ).map(groupOf);
  }

  streams(groupId: number): LogStream[] {
    return (
      this.sql('SELECT * FROM streams WHERE group_id = ? ORDER BY name').all(
        groupId,
      ) as unknown as StreamRow[]
    ).map(streamOf);
  }

  firstEventTimestamp(streamId: number): number | undefined {
    const row = this.sql(
      'SELECT timestamp FROM events WHERE stream_id = ? ORDER BY timestamp, seq LIMIT 1',
    ).get(streamId) as { timestamp: number } | undefined;
    return row?.timestamp;
  }

  /** A group's events in (timestamp, seq) order, after (timestamp, seq), up to endTime: read lazily. */
  groupEvents(groupId: number, timestamp: number, seq: number, endTime: number): Iterator<EventRow> {
    return this.sql(
      'SELECT seq, stream_id, timestamp, ingestion_time, message FROM events WHERE group_id = ? AND (timestamp, seq) > (?, ?) AND timestamp <= ? ORDER BY timestamp, seq',
    ).iterate(groupId, timestamp, seq, endTime) as unknown as Iterator<EventRow>;
  }

  /** How many events of a stream are in [startTime, endTime). */
  countStreamEvents(streamId: number, startTime: number, endTime: number): number {
    return Number(
      (
        this.sql(
          'SELECT count(*) AS n FROM events WHERE stream_id = ? AND timestamp >= ? AND timestamp < ?',
        ).get(streamId, startTime, endTime) as { n: number }
      ).n,
    );
  }

  /** A stream's events in [startTime, endTime), in order, `count` of them from position `offset`. */
  streamEvents(
    streamId: number,
    startTime: number,
    endTime: number,
    offset: number,
    count: number,
  ): EventRow[] {
    return this.sql(
      'SELECT seq, stream_id, timestamp, ingestion_time, message FROM events WHERE stream_id = ? AND timestamp >= ? AND timestamp < ? ORDER BY timestamp, seq LIMIT ? OFFSET ?',
    ).all(streamId, startTime, endTime, count, offset) as unknown as EventRow[];
  }

  /** Every message of a group in order (for tests and small groups). */
  messages(groupName: string): string[] {
    const group = this.group(groupName);
    return (
      this.sql('SELECT message FROM events WHERE group_id = ? ORDER BY timestamp, seq').all(group.id) as {
        message: string;
      }[]
    ).map((row) => row.message);
  }

  /** Bytes of events stored in all groups (AWS's count). */
  storedBytes(): number {
    return this.totalBytes;
  }

  // ------------------------------------------------------------ changes

  createLogGroup(name: string, now = Date.now()): void {
    this.change(() => {
      if (this.sql('SELECT 1 FROM groups WHERE name = ?').get(name)) {
        throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
      }
      this.sql('INSERT INTO groups (name, creation_time) VALUES (?, ?)').run(name, now);
    });
  }

  createLogStream(groupName: string, name: string, now = Date.now()): void {
    this.change(() => {
      const group = this.group(groupName);
      if (this.sql('SELECT 1 FROM streams WHERE group_id = ? AND name = ?').get(group.id, name)) {
        throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
      }
      this.sql('INSERT INTO streams (group_id, name, creation_time) VALUES (?, ?, ?)').run(
        group.id,
        name,
        now,
      );
    });
  }

  deleteLogGroup(name: string): void {
    this.change(() => {
      const group = this.group(name);
      this.sql('DELETE FROM events WHERE group_id = ?').run(group.id);
      this.sql('DELETE FROM streams WHERE group_id = ?').run(group.id);
      this.sql('DELETE FROM groups WHERE id = ?').run(group.id);
      this.totalBytes -= group.storedBytes;
    });
  }

  deleteLogStream(groupName: string, name: string): void {
    this.change(() => {
      const stream = this.stream(groupName, name);
      this.sql('DELETE FROM events WHERE stream_id = ?').run(stream.id);
      this.sql('DELETE FROM streams WHERE id = ?').run(stream.id);
      this.sql('UPDATE groups SET stored_bytes = stored_bytes - ? WHERE name = ?').run(
        stream.storedBytes,
        groupName,
      );
      this.totalBytes -= stream.storedBytes;
    });
  }

  /** PutRetentionPolicy (days) and DeleteRetentionPolicy (null). */
  setRetention(groupName: string, days: number | null): void {
    if (days !== null && !(RETENTION_DAYS as readonly number[]).includes(days)) {
      throw new AwsError(
        'InvalidParameterException',
        `1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
      );
    }
    this.change(() => {
      const group = this.group(groupName);
      this.sql('UPDATE groups SET retention_days = ? WHERE id = ?').run(days, group.id);
    });
  }

  /**
   * PutLogEvents, its input already checked for shape (the server's validation): applies AWS's rules on
   * time, stores the events it accepts, and tells live sessions once they are committed. As AWS does,
   * events too old (more than 14 days, or before the group's retention period) or too new (more than
   * 2 hours ahead) are left out while the rest is stored, and the answer says which, by index:
   * tooOldLogEventEndIndex and expiredLogEventEndIndex are exclusive ends (that many events from the
   * start), tooNewLogEventStartIndex the first too new one.
   */
  putLogEvents(
    groupName: string,
    streamName: string,
    logEvents: readonly { timestamp: number; message: string }[],
    now = Date.now(),
  ): PutResult {
    const stream = this.stream(groupName, streamName);
    const group = this.group(groupName);
    if (logEvents.length === 0 || logEvents.length > MAX_BATCH_EVENTS) {
      throw new AwsError(
        'InvalidParameterException',
        `logEvents must hold between 1 and ${MAX_BATCH_EVENTS} events, each {timestamp, message}.`,
      );
    }
    let bytes = 0;
    const sizes: number[] = [];
    for (let i = 0; i < logEvents.length; i++) {
      const { timestamp, message } = logEvents[i] as { timestamp: number; message: string };
      if (!isTime(timestamp)) {
        throw new AwsError(
          'InvalidParameterException',
          `logEvents[${i}].timestamp must be milliseconds since the epoch.`,
        );
      }
      if (typeof message !== 'string' || message.length === 0) {
        throw new AwsError(
          'InvalidParameterException',
          `logEvents[${i}].message must be a non-empty string.`,
        );
      }
      if (i > 0 && (logEvents[i - 1] as { timestamp: number }).timestamp > timestamp) {
        throw new AwsError(
          'InvalidParameterException',
          'Log events in a single PutLogEvents request must be in chronological order.',
        );
      }
      const size = Buffer.byteLength(message) + EVENT_OVERHEAD_BYTES;
      sizes.push(size);
      bytes += size;
    }
    if (bytes > MAX_BATCH_BYTES) {
      throw new AwsError(
        'InvalidParameterException',
        `Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`,
      );
    }
    // Sorted by time: the too old ones come first, the too new ones last.
    const countBefore = (limit: number) => {
      let n = 0;
      while (n < logEvents.length && (logEvents[n] as { timestamp: number }).timestamp < limit) n++;
      return n;
    };
    const tooOld = countBefore(now - MAX_AGE_MS);
    const expired =
      group.retentionInDays === undefined
        ? tooOld
        : Math.max(tooOld, countBefore(now - group.retentionInDays * DAY_MS));
    let tooNewStart = logEvents.length;
    while (
      tooNewStart > expired &&
      (logEvents[tooNewStart - 1] as { timestamp: number }).timestamp > now + MAX_FUTURE_MS
    ) {
      tooNewStart--;
    }
    const first = logEvents[expired];
    const last = logEvents[tooNewStart - 1];
    if (expired < tooNewStart && first && last && last.timestamp - first.timestamp > DAY_MS) {
      throw new AwsError(
        'InvalidParameterException',
        'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
      );
    }
    const info: RejectedLogEventsInfo = {};
    if (tooOld > 0) info.tooOldLogEventEndIndex = tooOld;
    if (expired > tooOld) info.expiredLogEventEndIndex = expired;
    if (tooNewStart < logEvents.length) info.tooNewLogEventStartIndex = tooNewStart;
    const accepted = tooNewStart - expired;
    if (accepted > 0) {
      this.change(() => {
        const insert = this.sql(
          'INSERT INTO events (group_id, stream_id, timestamp, ingestion_time, bytes, message) VALUES (?, ?, ?, ?, ?, ?)',
        );
        const stored: StoredEvent[] = [];
        let acceptedBytes = 0;
        let lastTimestamp = stream.lastEventTimestamp ?? 0;
        for (let i = expired; i < tooNewStart; i++) {
          const { timestamp, message } = logEvents[i] as { timestamp: number; message: string };
          const size = sizes[i] as number;
          const { lastInsertRowid } = insert.run(group.id, stream.id, timestamp, now, size, message);
          stored.push({
            stream: stream.name,
            timestamp,
            message,
            ingestionTime: now,
            seq: Number(lastInsertRowid),
          });
          acceptedBytes += size;
          lastTimestamp = Math.max(lastTimestamp, timestamp);
        }
        this.sql(
          'UPDATE streams SET stored_bytes = stored_bytes + ?, event_count = event_count + ?, last_ingestion_time = ?, last_event_timestamp = ? WHERE id = ?',
        ).run(acceptedBytes, accepted, now, lastTimestamp, stream.id);
        this.sql('UPDATE groups SET stored_bytes = stored_bytes + ? WHERE id = ?').run(
          acceptedBytes,
          group.id,
        );
        this.totalBytes += acceptedBytes;
        if (this.totalBytes > this.maxBytes) this.expireOldest();
        this.transaction?.batches.push({ group: group.name, events: stored });
      });
    }
    return {
      accepted,
      ...(Object.keys(info).length > 0 ? { rejectedLogEventsInfo: info } : {}),
    };
  }

  /**
   * Past the bound, expire the oldest events (in ingestion order) down to 90% of it, so that the next
   * writes do not each expire a few: one DELETE on the primary key's range, and the totals it changes.
   */
  private expireOldest(): void {
    const target = this.totalBytes - Math.floor(this.maxBytes * 0.9);
    let upTo = 0;
    let freed = 0;
    for (const row of this.sql('SELECT seq, bytes FROM events ORDER BY seq').iterate() as Iterable<{
      seq: number;
      bytes: number;
    }>) {
      upTo = row.seq;
      freed += row.bytes;
      if (freed >= target) break;
    }
    const perStream = this.sql(
      'SELECT group_id, stream_id, count(*) AS n, sum(bytes) AS b FROM events WHERE seq <= ? GROUP BY stream_id',
    ).all(upTo) as { group_id: number; stream_id: number; n: number; b: number }[];
    for (const { group_id, stream_id, n, b } of perStream) {
      this.sql(
        'UPDATE streams SET stored_bytes = stored_bytes - ?, event_count = event_count - ? WHERE id = ?',
      ).run(b, n, stream_id);
      this.sql('UPDATE groups SET stored_bytes = stored_bytes - ? WHERE id = ?').run(b, group_id);
    }
    this.sql('DELETE FROM events WHERE seq <= ?').run(upTo);
    this.totalBytes -= freed;
  }
}
