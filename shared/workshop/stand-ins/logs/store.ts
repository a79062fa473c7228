/**
 * The data of the local CloudWatch Logs endpoint: log groups, their streams and events, with the rules the
 * real service applies to them.
 *
 * Every change is checked against the current state, then appended to the journal (journal.ts: written in
 * full and flushed before it counts), then applied in memory, and only then acknowledged. So a change
 * that cannot be applied is never journaled, an acknowledged one survives any stop of the endpoint, and
 * replaying the journal on start rebuilds exactly the acknowledged state. An entry that cannot be
 * replayed is set aside and reported; it never stops the endpoint from starting.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { Journal, type JournalLine, JournalWriteError, keepRejected } from './journal';

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

export interface LogStream {
  readonly name: string;
  readonly creationTime: number;
  /** Sorted by (timestamp, seq). */
  readonly events: StoredEvent[];
  lastIngestionTime?: number;
  storedBytes: number;
}

export interface LogGroup {
  readonly name: string;
  readonly creationTime: number;
  readonly streams: Map<string, LogStream>;
  /** Every event of every stream, sorted by (timestamp, seq): what FilterLogEvents reads. */
  readonly events: StoredEvent[];
  storedBytes: number;
  retentionInDays?: number;
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

type JournalEntry =
  | { op: 'createGroup'; name: string; at: number }
  | { op: 'createStream'; group: string; name: string; at: number }
  | { op: 'deleteGroup'; name: string }
  | { op: 'deleteStream'; group: string; name: string }
  | { op: 'retention'; group: string; days: number | null }
  | { op: 'put'; group: string; stream: string; at: number; seq: number; events: [number, string][] };

export interface LogStoreOptions {
  /**
   * Flush every acknowledged change to the disk (fdatasync) before answering. Default true; LOGS_FSYNC=0
   * turns it off (then a kill of the endpoint still loses nothing, a crash of the machine may).
   */
  readonly fsync?: boolean;
}

export const ACCOUNT_ID = '000000000000';
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const STREAM_NAME = /^[^:*]{1,512}$/;
const DAY_MS = 24 * 3600_000;
/** Bytes AWS counts per event on top of its message. */
export const EVENT_OVERHEAD_BYTES = 26;
export const MAX_BATCH_BYTES = 1_048_576;
export const MAX_BATCH_EVENTS = 10_000;
/** PutLogEvents rejects events older than this, or newer than now + MAX_FUTURE_MS. */
const MAX_AGE_MS = 14 * DAY_MS;
const MAX_FUTURE_MS = 2 * 3600_000;
/** The values PutRetentionPolicy accepts. */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export function compareEvents(a: StoredEvent, b: StoredEvent): number {
  return a.timestamp - b.timestamp || a.seq - b.seq;
}

/** Index of the first event after (timestamp, seq) in order (timestamp, seq); seq -1: the first at `timestamp`. */
export function lowerBound(events: readonly StoredEvent[], timestamp: number, seq = -1): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = events[mid] as StoredEvent;
    if (e.timestamp < timestamp || (e.timestamp === timestamp && e.seq <= seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Insert a sorted batch whose events were ingested after every stored one. A binary search finds where it
 * starts (O(log n)); from the end backwards, the stored events after that place and the batch are merged
 * in place, in one pass. Appending in time order (the usual case) costs only the batch; a late batch costs
 * one move of the events after its place, however many events it holds (not one move per event).
 */
function insertBatch(events: StoredEvent[], batch: readonly StoredEvent[]): void {
  const first = batch[0];
  if (!first) return;
  const from = lowerBound(events, first.timestamp, Number.POSITIVE_INFINITY);
  let i = events.length - 1; // last stored event not yet placed
  let j = batch.length - 1; // last batch event not yet placed
  let k = events.length + batch.length - 1; // where the next one goes
  events.length = k + 1;
  while (j >= 0) {
    const stored = i >= from ? (events[i] as StoredEvent) : undefined;
    const incoming = batch[j] as StoredEvent;
    if (stored && compareEvents(stored, incoming) > 0) {
      events[k--] = stored;
      i--;
    } else {
      events[k--] = incoming;
      j--;
    }
  }
}

/** Remove a stream's events in place, in one pass (no copy of the array into call arguments). */
function removeStreamEvents(events: StoredEvent[], stream: string): void {
  let kept = 0;
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as StoredEvent;
    if (event.stream !== stream) events[kept++] = event;
  }
  events.length = kept;
}

export function eventId(event: StoredEvent): string {
  return `${String(event.timestamp).padStart(15, '0')}${String(event.seq).padStart(15, '0')}`;
}

export function groupArn(region: string, name: string): string {
  return `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:${name}`;
}

function invalidName(value: unknown, field: string, pattern: string): AwsError {
  return new AwsError(
    'InvalidParameterException',
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`,
  );
}

const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

export function fsyncFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return !/^(0|false|no|off)$/i.test(env.LOGS_FSYNC ?? '');
}

export class LogStore extends EventEmitter<{ ingested: [IngestedBatch] }> {
  readonly groups = new Map<string, LogGroup>();
  /** What the last start repaired or set aside, one sentence each: the endpoint prints them. */
  readonly recovery: string[] = [];
  private seq = 0;
  private journal: Journal | undefined;

  /** A store kept in `dir` (created if needed, replayed if it holds a journal), or in memory only. */
  constructor(
    readonly dir?: string,
    options: LogStoreOptions = {},
  ) {
    super();
    this.setMaxListeners(0);
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const { journal, lines, repairs } = Journal.open(dir, { fsync: options.fsync ?? fsyncFromEnv() });
    this.journal = journal;
    this.recovery.push(...repairs);
    this.replay(lines);
  }

  close(): void {
    this.journal?.close();
    this.journal = undefined;
  }

  /**
   * Resolves once every change made so far is flushed to the disk; answer a change only after it. Rejects
   * (AWS-shaped, 503) when the flush failed: the change may not survive a crash of the machine.
   */
  async durable(): Promise<void> {
    try {
      await this.journal?.durable();
    } catch (error) {
      throw new AwsError(
        'ServiceUnavailableException',
        `The local endpoint could not make this request durable: ${(error as Error).message}.`,
        503,
      );
    }
  }

  private replay(lines: readonly JournalLine[]): void {
    const rejected: { line: JournalLine; reason: string }[] = [];
    for (const line of lines) {
      try {
        const entry = JSON.parse(line.text) as JournalEntry;
        if (entry === null || typeof entry !== 'object') throw new Error('not a journal entry');
        this.check(entry);
        this.apply(entry);
      } catch (error) {
        rejected.push({ line, reason: (error as Error).message });
      }
    }
    if (rejected.length === 0 || !this.dir || !this.journal) return;
    const kept = keepRejected(this.dir, rejected);
    const bad = new Set(rejected.map((r) => r.line.number));
    this.journal.rewrite(lines.filter((l) => !bad.has(l.number)).map((l) => l.text));
    const first = rejected[0] as { line: JournalLine; reason: string };
    this.recovery.push(
      `set aside ${rejected.length} journal entr${rejected.length === 1 ? 'y' : 'ies'} that could not be replayed (first: line ${first.line.number}, ${first.reason}); kept the rest; the entries are in ${kept}`,
    );
  }

  /** Throws (AWS-shaped) unless `entry` can be applied to the current state. Replay uses it too. */
  private check(entry: JournalEntry): void {
    switch (entry.op) {
      case 'createGroup':
        if (typeof entry.name !== 'string' || !GROUP_NAME.test(entry.name)) {
          throw invalidName(entry.name, 'logGroupName', '[\\.\\-_/#A-Za-z0-9]+');
        }
        if (this.groups.has(entry.name)) {
          throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
        }
        if (!isTime(entry.at)) throw new Error('createGroup without a creation time');
        return;
      case 'createStream': {
        const group = this.group(entry.group);
        if (typeof entry.name !== 'string' || !STREAM_NAME.test(entry.name)) {
          throw invalidName(entry.name, 'logStreamName', '[^:*]*');
        }
        if (group.streams.has(entry.name)) {
          throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
        }
        if (!isTime(entry.at)) throw new Error('createStream without a creation time');
        return;
      }
      case 'deleteGroup':
        this.group(entry.name);
        return;
      case 'deleteStream':
        this.stream(entry.group, entry.name);
        return;
      case 'retention':
        this.group(entry.group);
        if (entry.days !== null && !(RETENTION_DAYS as readonly number[]).includes(entry.days)) {
          throw new AwsError(
            'InvalidParameterException',
            `1 validation error detected: Value '${String(entry.days)}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
          );
        }
        return;
      case 'put': {
        this.stream(entry.group, entry.stream);
        if (!isTime(entry.at) || !Number.isSafeInteger(entry.seq) || entry.seq < this.seq) {
          throw new Error('put without a valid ingestion time and sequence number');
        }
        if (!Array.isArray(entry.events) || entry.events.length === 0) throw new Error('put without events');
        let previous = 0;
        for (const event of entry.events) {
          if (!Array.isArray(event) || !isTime(event[0]) || typeof event[1] !== 'string' || !event[1]) {
            throw new Error('put with an event that is not [timestamp, message]');
          }
          if (event[0] < previous) throw new Error('put with events out of order');
          previous = event[0];
        }
        return;
      }
      default:
        throw new Error(`unknown operation ${JSON.stringify((entry as { op?: unknown }).op)}`);
    }
  }

  /** Check, journal, apply: the only way the state changes. */
  private commit(entry: JournalEntry): IngestedBatch | undefined {
    this.check(entry);
    if (this.journal) {
      try {
        this.journal.append(entry);
      } catch (error) {
        if (!(error instanceof JournalWriteError)) throw error;
        throw new AwsError(
          'ServiceUnavailableException',
          `The local endpoint could not store this request, and did not: ${error.message}. Free some disk space and send it again.`,
          503,
        );
      }
    }
    return this.apply(entry);
  }

  /** Apply a checked entry. Nothing in here may fail: the entry is already in the journal. */
  private apply(entry: JournalEntry): IngestedBatch | undefined {
    switch (entry.op) {
      case 'createGroup':
        this.groups.set(entry.name, {
          name: entry.name,
          creationTime: entry.at,
          streams: new Map(),
          events: [],
          storedBytes: 0,
        });
        return undefined;
      case 'createStream':
        this.group(entry.group).streams.set(entry.name, {
          name: entry.name,
          creationTime: entry.at,
          events: [],
          storedBytes: 0,
        });
        return undefined;
      case 'deleteGroup':
        this.groups.delete(entry.name);
        return undefined;
      case 'deleteStream': {
        const group = this.group(entry.group);
        const stream = this.stream(entry.group, entry.name);
        group.streams.delete(entry.name);
        group.storedBytes -= stream.storedBytes;
        removeStreamEvents(group.events, entry.name);
        return undefined;
      }
      case 'retention': {
        const group = this.group(entry.group);
        if (entry.days === null) delete group.retentionInDays;
        else group.retentionInDays = entry.days;
        return undefined;
      }
      case 'put': {
        const group = this.group(entry.group);
        const stream = this.stream(entry.group, entry.stream);
        const stored: StoredEvent[] = [];
        let bytes = 0;
        for (let i = 0; i < entry.events.length; i++) {
          const [timestamp, message] = entry.events[i] as [number, string];
          stored.push({
            stream: entry.stream,
            timestamp,
            message,
            ingestionTime: entry.at,
            seq: entry.seq + i,
          });
          bytes += Buffer.byteLength(message) + EVENT_OVERHEAD_BYTES;
        }
        insertBatch(stream.events, stored);
        insertBatch(group.events, stored);
        stream.storedBytes += bytes;
        group.storedBytes += bytes;
        stream.lastIngestionTime = entry.at;
        this.seq = entry.seq + entry.events.length;
        return { group: entry.group, events: stored };
      }
    }
  }

  group(name: string | undefined): LogGroup {
    const group = typeof name === 'string' ? this.groups.get(name) : undefined;
    if (!group) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }

  stream(groupName: string | undefined, name: string | undefined): LogStream {
    const stream = typeof name === 'string' ? this.group(groupName).streams.get(name) : undefined;
    if (!stream) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
    return stream;
  }

  createLogGroup(name: unknown, now = Date.now()): void {
    this.commit({ op: 'createGroup', name: name as string, at: now });
  }

  createLogStream(group: unknown, name: unknown, now = Date.now()): void {
    this.commit({ op: 'createStream', group: group as string, name: name as string, at: now });
  }

  deleteLogGroup(name: unknown): void {
    this.commit({ op: 'deleteGroup', name: name as string });
  }

  deleteLogStream(group: unknown, name: unknown): void {
    this.commit({ op: 'deleteStream', group: group as string, name: name as string });
  }

  /** PutRetentionPolicy (days) and DeleteRetentionPolicy (null). */
  setRetention(group: unknown, days: unknown): void {
    this.commit({ op: 'retention', group: group as string, days: days as number | null });
  }

  /**
   * PutLogEvents: validates like AWS, stores the events it accepts, and tells live sessions. As AWS does,
   * events too old (more than 14 days, or before the group's retention period) or too new (more than
   * 2 hours ahead) are left out while the rest is stored, and the answer says which, by index:
   * tooOldLogEventEndIndex and expiredLogEventEndIndex are exclusive ends (that many events from the
   * start), tooNewLogEventStartIndex the first too new one.
   */
  putLogEvents(groupName: unknown, streamName: unknown, logEvents: unknown, now = Date.now()): PutResult {
    const stream = this.stream(groupName as string, streamName as string);
    const group = this.group(groupName as string);
    if (!Array.isArray(logEvents) || logEvents.length === 0 || logEvents.length > MAX_BATCH_EVENTS) {
      throw new AwsError(
        'InvalidParameterException',
        `logEvents must hold between 1 and ${MAX_BATCH_EVENTS} events, each {timestamp, message}.`,
      );
    }
    let bytes = 0;
    const events: [number, string][] = [];
    for (let i = 0; i < logEvents.length; i++) {
      const { timestamp, message } = (logEvents[i] ?? {}) as { timestamp?: unknown; message?: unknown };
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
      const previous = events[events.length - 1];
      if (previous && previous[0] > timestamp) {
        throw new AwsError(
          'InvalidParameterException',
          'Log events in a single PutLogEvents request must be in chronological order.',
        );
      }
      bytes += Buffer.byteLength(message) + EVENT_OVERHEAD_BYTES;
      events.push([timestamp, message]);
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
      while (n < events.length && (events[n] as [number, string])[0] < limit) n++;
      return n;
    };
    const tooOld = countBefore(now - MAX_AGE_MS);
    const expired =
      group.retentionInDays === undefined
        ? tooOld
        : Math.max(tooOld, countBefore(now - group.retentionInDays * DAY_MS));
    let tooNewStart = events.length;
    while (tooNewStart > expired && (events[tooNewStart - 1] as [number, string])[0] > now + MAX_FUTURE_MS) {
      tooNewStart--;
    }
    const accepted = events.slice(expired, tooNewStart);
    const first = accepted[0];
    const last = accepted[accepted.length - 1];
    if (first && last && last[0] - first[0] > DAY_MS) {
      throw new AwsError(
        'InvalidParameterException',
        'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
      );
    }
    const info: RejectedLogEventsInfo = {};
    if (tooOld > 0) info.tooOldLogEventEndIndex = tooOld;
    if (expired > tooOld) info.expiredLogEventEndIndex = expired;
    if (tooNewStart < events.length) info.tooNewLogEventStartIndex = tooNewStart;
    if (accepted.length > 0) {
      const batch = this.commit({
        op: 'put',
        group: group.name,
        stream: stream.name,
        at: now,
        seq: this.seq,
        events: accepted,
      });
      if (batch) this.emit('ingested', batch);
    }
    return {
      accepted: accepted.length,
      ...(Object.keys(info).length > 0 ? { rejectedLogEventsInfo: info } : {}),
    };
  }
}
