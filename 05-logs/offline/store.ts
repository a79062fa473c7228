/**
 * The data of the local CloudWatch Logs endpoint: log groups, their streams and events, with the rules the
 * real service applies to them. Every change is appended to a journal file before it is acknowledged, and
 * the journal is replayed on start, so stopping or killing the server loses nothing.
 */
import { EventEmitter } from 'node:events';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';

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
}

export interface IngestedBatch {
  readonly group: string;
  readonly events: readonly StoredEvent[];
}

export interface PutResult {
  readonly accepted: number;
  readonly rejectedLogEventsInfo?: { tooNewLogEventStartIndex?: number; tooOldLogEventEndIndex?: number };
}

type JournalEntry =
  | { op: 'createGroup'; name: string; at: number }
  | { op: 'createStream'; group: string; name: string; at: number }
  | { op: 'deleteGroup'; name: string }
  | { op: 'deleteStream'; group: string; name: string }
  | { op: 'put'; group: string; stream: string; at: number; seq: number; events: [number, string][] };

export const ACCOUNT_ID = '000000000000';
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const STREAM_NAME = /^[^:*]{1,512}$/;
const DAY_MS = 24 * 3600_000;
/** Bytes AWS counts per event on top of its message. */
export const EVENT_OVERHEAD_BYTES = 26;
export const MAX_BATCH_BYTES = 1_048_576;
export const MAX_BATCH_EVENTS = 10_000;

export function compareEvents(a: StoredEvent, b: StoredEvent): number {
  return a.timestamp - b.timestamp || a.seq - b.seq;
}

/** Index of the first event not before `probe` in order (timestamp, seq). */
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

function insertSorted(events: StoredEvent[], event: StoredEvent): void {
  const last = events[events.length - 1];
  if (!last || compareEvents(last, event) < 0) {
    events.push(event);
    return;
  }
  events.splice(lowerBound(events, event.timestamp, event.seq), 0, event);
}

export function eventId(event: StoredEvent): string {
  return `${String(event.timestamp).padStart(15, '0')}${String(event.seq).padStart(15, '0')}`;
}

export function groupArn(region: string, name: string): string {
  return `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:${name}`;
}

export class LogStore extends EventEmitter<{ ingested: [IngestedBatch] }> {
  readonly groups = new Map<string, LogGroup>();
  private seq = 0;
  private journal: number | undefined;

  /** A store kept in `dir` (created if needed, replayed if it holds a journal), or in memory only. */
  constructor(readonly dir?: string) {
    super();
    this.setMaxListeners(0);
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'journal.ndjson');
    if (existsSync(file)) this.replay(readFileSync(file, 'utf8'));
    this.journal = openSync(file, 'a', 0o600);
  }

  close(): void {
    if (this.journal !== undefined) closeSync(this.journal);
    this.journal = undefined;
  }

  private replay(text: string): void {
    const lines = text.split('\n');
    for (const [index, line] of lines.entries()) {
      if (!line) continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        // A line cut short by a kill in the middle of a write can only be the last one: skip it.
        if (index >= lines.length - 2) continue;
        throw new Error(
          `The logs journal in ${this.dir} is damaged at line ${index + 1}: move it away to start empty.`,
        );
      }
      this.apply(entry);
    }
  }

  private record(entry: JournalEntry): void {
    if (this.journal !== undefined) writeSync(this.journal, `${JSON.stringify(entry)}\n`);
    this.apply(entry);
  }

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
        this.groups.get(entry.group)?.streams.set(entry.name, {
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
        const group = this.groups.get(entry.group);
        if (!group) return undefined;
        group.streams.delete(entry.name);
        const kept = group.events.filter((e) => e.stream !== entry.name);
        group.events.splice(0, group.events.length, ...kept);
        return undefined;
      }
      case 'put': {
        const group = this.groups.get(entry.group);
        const stream = group?.streams.get(entry.stream);
        if (!group || !stream) return undefined;
        const stored: StoredEvent[] = [];
        for (const [i, [timestamp, message]] of entry.events.entries()) {
          const event = {
            stream: entry.stream,
            timestamp,
            message,
            ingestionTime: entry.at,
            seq: entry.seq + i,
          };
          insertSorted(stream.events, event);
          insertSorted(group.events, event);
          const bytes = Buffer.byteLength(message) + EVENT_OVERHEAD_BYTES;
          stream.storedBytes += bytes;
          group.storedBytes += bytes;
          stored.push(event);
        }
        stream.lastIngestionTime = entry.at;
        this.seq = Math.max(this.seq, entry.seq + entry.events.length);
        return { group: entry.group, events: stored };
      }
    }
  }

  group(name: string | undefined): LogGroup {
    const group = name === undefined ? undefined : this.groups.get(name);
    if (!group) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }

  stream(groupName: string | undefined, name: string | undefined): LogStream {
    const stream = name === undefined ? undefined : this.group(groupName).streams.get(name);
    if (!stream) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
    return stream;
  }

  createLogGroup(name: unknown, now = Date.now()): void {
    if (typeof name !== 'string' || !GROUP_NAME.test(name)) {
      throw new AwsError(
        'InvalidParameterException',
        `1 validation error detected: Value '${String(name)}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
      );
    }
    if (this.groups.has(name)) {
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
    }
    this.record({ op: 'createGroup', name, at: now });
  }

  createLogStream(group: unknown, name: unknown, now = Date.now()): void {
    const owner = this.group(group as string);
    if (typeof name !== 'string' || !STREAM_NAME.test(name)) {
      throw new AwsError(
        'InvalidParameterException',
        `1 validation error detected: Value '${String(name)}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`,
      );
    }
    if (owner.streams.has(name)) {
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
    }
    this.record({ op: 'createStream', group: owner.name, name, at: now });
  }

  deleteLogGroup(name: unknown): void {
    this.group(name as string);
    this.record({ op: 'deleteGroup', name: name as string });
  }

  deleteLogStream(group: unknown, name: unknown): void {
    this.stream(group as string, name as string);
    this.record({ op: 'deleteStream', group: group as string, name: name as string });
  }

  /** PutLogEvents: validates like AWS, stores what it accepts, and tells live sessions. */
  putLogEvents(groupName: unknown, streamName: unknown, logEvents: unknown, now = Date.now()): PutResult {
    const stream = this.stream(groupName as string, streamName as string);
    if (!Array.isArray(logEvents) || logEvents.length === 0 || logEvents.length > MAX_BATCH_EVENTS) {
      throw new AwsError(
        'InvalidParameterException',
        `logEvents must hold between 1 and ${MAX_BATCH_EVENTS} events, each {timestamp, message}.`,
      );
    }
    let bytes = 0;
    const events: [number, string][] = [];
    for (const [i, raw] of logEvents.entries()) {
      const { timestamp, message } = (raw ?? {}) as { timestamp?: unknown; message?: unknown };
      if (typeof timestamp !== 'number' || !Number.isInteger(timestamp) || timestamp < 0) {
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
    if ((events[events.length - 1] as [number, string])[0] - (events[0] as [number, string])[0] > DAY_MS) {
      throw new AwsError(
        'InvalidParameterException',
        'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
      );
    }
    const tooOldEnd = events.findIndex(([t]) => t >= now - 14 * DAY_MS);
    const tooNewStart = events.findIndex(([t]) => t > now + 2 * 3600_000);
    const from = tooOldEnd < 0 ? events.length : tooOldEnd;
    const to = tooNewStart < 0 ? events.length : tooNewStart;
    const accepted = events.slice(from, Math.max(from, to));
    const info: { tooNewLogEventStartIndex?: number; tooOldLogEventEndIndex?: number } = {};
    if (from > 0) info.tooOldLogEventEndIndex = from - 1;
    if (tooNewStart >= 0) info.tooNewLogEventStartIndex = tooNewStart;
    if (accepted.length > 0) {
      const entry: JournalEntry = {
        op: 'put',
        group: groupName as string,
        stream: stream.name,
        at: now,
        seq: this.seq,
        events: accepted,
      };
      if (this.journal !== undefined) writeSync(this.journal, `${JSON.stringify(entry)}\n`);
      const batch = this.apply(entry);
      if (batch) this.emit('ingested', batch);
    }
    return {
      accepted: accepted.length,
      ...(Object.keys(info).length > 0 ? { rejectedLogEventsInfo: info } : {}),
    };
  }
}
