/**
 * A local CloudWatch Logs endpoint: an HTTP server that speaks the service's JSON protocol
 * (`POST /`, `X-Amz-Target: Logs_20140328.<Operation>`, `application/x-amz-json-1.1`), so the AWS SDK and
 * the AWS CLI talk to it as to AWS. It serves CreateLogGroup, CreateLogStream, DeleteLogGroup,
 * DeleteLogStream, DescribeLogGroups, DescribeLogStreams, PutLogEvents, GetLogEvents, FilterLogEvents and
 * StartLiveTail (an event stream, one update a second like AWS), and answers errors in AWS's shape.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { port as configuredPort, region as configuredRegion } from '../../../src/config';
import { claimDataFolder, LOCAL_DATA_PATH } from '../../env';
import { LOOPBACK } from '../../process/ports';
import { encodeEvent, encodeException } from './event-stream';
import { compileFilterPattern, FilterPatternError, type Matcher } from './filter-pattern';
import { validateInput } from './shapes';
import {
  ACCOUNT_ID,
  AwsError,
  dataFolderProblem,
  type EventRow,
  eventId,
  groupArn,
  type IngestedBatch,
  type LogGroup,
  LogStore,
  MAX_BATCH_BYTES,
  StoreBusyError,
  type StoredEvent,
} from './store';

const TARGET_PREFIX = 'Logs_20140328.';
const JSON_TYPE = 'application/x-amz-json-1.1';
const MAX_RESPONSE_BYTES = 1_048_576;
/**
 * Request bodies are refused above these sizes, before they are read in full. PutLogEvents: the JSON of
 * the largest batch AWS accepts (1,048,576 bytes of messages and overhead), even if every byte of it needs
 * escaping (a control character takes 6 bytes in JSON), with its 10,000 timestamps. Every other operation
 * takes a few kilobytes.
 */
export const MAX_PUT_BODY_BYTES = 6 * MAX_BATCH_BYTES + 10_000 * 64;
export const MAX_OTHER_BODY_BYTES = 256 * 1024;
/**
 * Bodies being received, all requests together, are held to this: past it a request is refused
 * (ThrottlingException, which the SDK and the shipper retry) instead of the endpoint growing with every
 * slow client. Ten of the largest PutLogEvents bodies fit at once.
 */
export const MAX_BODIES_IN_FLIGHT_BYTES = 10 * MAX_PUT_BODY_BYTES;
/**
 * FilterLogEvents reads for at most this long, then answers with what it found and a nextToken, as AWS
 * does on big groups: one search never holds the endpoint (and, under npm start, S3 and the site) for long.
 * The clock is read after every event, so one slow event (a JSON filter over a 1 MB message) is the most
 * a page runs past it.
 */
export const SEARCH_BUDGET_MS = 50;
/** The operations that change the store. */
const CHANGES = new Set([
  'CreateLogGroup',
  'CreateLogStream',
  'DeleteLogGroup',
  'DeleteLogStream',
  'PutRetentionPolicy',
  'DeleteRetentionPolicy',
  'PutLogEvents',
]);
const THREE_HOURS_MS = 3 * 3600_000;
/** AWS sends at most this many events per Live Tail update, and samples above it. */
const LIVE_UPDATE_MAX_EVENTS = 500;
/** AWS's quota: concurrent Live Tail sessions per account and Region. */
export const MAX_LIVE_SESSIONS = 15;
/** Events a session holds between two updates; above it, it keeps an even sample (it is sampled anyway). */
const LIVE_PENDING_MAX_EVENTS = 4 * LIVE_UPDATE_MAX_EVENTS;
/** What a session may have written and its reader not yet taken: past it, the session is cut. */
export const LIVE_MAX_UNREAD_BYTES = 4 * MAX_RESPONSE_BYTES;

export interface LogsServerOptions {
  readonly store: LogStore;
  readonly region?: string;
  /** How often a Live Tail session sends an update (AWS: every second). */
  readonly liveUpdateIntervalMs?: number;
  /** When a Live Tail session ends with SessionTimeoutException (AWS: three hours). */
  readonly liveSessionMaxMs?: number;
  /** Called once per request, for a verbose log. */
  readonly onRequest?: (operation: string, status: number) => void;
}

type Input = Record<string, unknown>;

function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterException', message);
}

/** A log group's name from a name or an ARN (with or without the trailing ":*"). */
function nameFromIdentifier(identifier: string): string {
  const match = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(identifier);
  return match ? (match[1] as string) : identifier;
}

function groupOf(store: LogStore, input: Input): LogGroup {
  const name = input.logGroupName as string | undefined;
  const identifier = input.logGroupIdentifier as string | undefined;
  if (name && identifier) throw invalid('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  if (!name && !identifier) throw invalid('Either logGroupName or logGroupIdentifier must be given.');
  return store.group(name ?? nameFromIdentifier(identifier as string));
}

/** A matcher that never throws: a message it cannot evaluate (too deep to walk, say) does not match. */
function matcherOf(pattern: string | undefined): Matcher {
  let matches: Matcher;
  try {
    matches = compileFilterPattern(pattern);
  } catch (error) {
    if (error instanceof FilterPatternError) throw invalid(error.message);
    throw error;
  }
  return (message) => {
    try {
      return matches(message);
    } catch {
      return false;
    }
  };
}

function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeToken<T>(token: string, check: (value: T) => boolean): T {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
    if (value !== null && typeof value === 'object' && check(value)) return value;
  } catch {
    // fall through
  }
  throw invalid('The specified nextToken is invalid.');
}

/** Which stream ids of the group pass logStreamNames / logStreamNamePrefix (undefined: every one). */
function streamIdsOf(store: LogStore, group: LogGroup, input: Input): Set<number> | undefined {
  const names = input.logStreamNames as string[] | undefined;
  const prefix = input.logStreamNamePrefix as string | undefined;
  if (names !== undefined && prefix !== undefined) {
    throw invalid('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  }
  if (names === undefined && prefix === undefined) return undefined;
  const wanted = names ? new Set(names) : undefined;
  return new Set(
    store
      .streams(group.id)
      .filter((s) => (wanted ? wanted.has(s.name) : s.name.startsWith(prefix as string)))
      .map((s) => s.id),
  );
}

const isCursor = (v: { g?: unknown; t?: unknown; s?: unknown }) =>
  typeof v.g === 'string' && Number.isSafeInteger(v.t) && Number.isSafeInteger(v.s);

function filterLogEvents(store: LogStore, input: Input) {
  const group = groupOf(store, input);
  const inStreams = streamIdsOf(store, group, input);
  const matches = matcherOf(input.filterPattern as string | undefined);
  const limit = (input.limit as number | undefined) ?? 10_000;
  const startTime = (input.startTime as number | undefined) ?? 0;
  const endTime = (input.endTime as number | undefined) ?? Number.MAX_SAFE_INTEGER;
  const token = input.nextToken as string | undefined;
  const cursor = token
    ? decodeToken<{ g: string; t: number; s: number }>(token, (v) => isCursor(v) && v.g === group.name)
    : undefined;
  const names = new Map(store.streams(group.id).map((s) => [s.id, s.name]));
  const found: EventRow[] = [];
  let bytes = 0;
  const deadline = performance.now() + SEARCH_BUDGET_MS;
  let last: { timestamp: number; seq: number } | undefined;
  let more = false;
  const rows = store.groupEvents(
    group.id,
    cursor ? Math.max(cursor.t, startTime) : startTime,
    cursor && cursor.t >= startTime ? cursor.s : -1,
    endTime,
  );
  for (;;) {
    if (found.length >= limit || bytes >= MAX_RESPONSE_BYTES || performance.now() > deadline) {
      more = !rows.next().done;
      break;
    }
    const next = rows.next();
    if (next.done) break;
    const event = next.value;
    last = event;
    if (inStreams && !inStreams.has(event.stream_id)) continue;
    if (!matches(event.message)) continue;
    found.push(event);
    bytes += Buffer.byteLength(event.message) + 100;
  }
  rows.return?.();
  return {
    events: found.map((e) => ({
      logStreamName: names.get(e.stream_id),
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestion_time,
      eventId: eventId(e),
    })),
    searchedLogStreams: [],
    ...(more && last ? { nextToken: encodeToken({ g: group.name, t: last.timestamp, s: last.seq }) } : {}),
  };
}

function getLogEvents(store: LogStore, input: Input) {
  const group = groupOf(store, input);
  const stream = store.stream(group.name, input.logStreamName as string);
  const limit = (input.limit as number | undefined) ?? 10_000;
  const startTime = (input.startTime as number | undefined) ?? 0;
  const endTime = (input.endTime as number | undefined) ?? Number.MAX_SAFE_INTEGER;
  // Events in [startTime, endTime): the positions in this list are what the tokens carry.
  const count = store.countStreamEvents(stream.id, startTime, endTime);
  const token = input.nextToken as string | undefined;
  let first: number;
  let last: number;
  if (token) {
    const match = /^([fb])\/(\d{1,20})$/.exec(token);
    if (!match) throw invalid('The specified nextToken is invalid.');
    const position = Math.min(Number(match[2]), count);
    if (match[1] === 'f') {
      first = position;
      last = Math.min(count, position + limit);
    } else {
      last = position;
      first = Math.max(0, position - limit);
    }
  } else if (input.startFromHead === true) {
    first = 0;
    last = Math.min(count, limit);
  } else {
    last = count;
    first = Math.max(0, count - limit);
  }
  const rows = store.streamEvents(stream.id, startTime, endTime, first, last - first);
  // At most 1 MB an answer, as AWS: a page read backwards (the default, or a "b/" token) keeps its latest
  // events, one read forwards its earliest; the tokens follow what was kept.
  const backwards = token ? token.startsWith('b') : input.startFromHead !== true;
  let bytes = 0;
  let kept = 0;
  while (kept < rows.length) {
    const row = rows[backwards ? rows.length - 1 - kept : kept] as EventRow;
    bytes += Buffer.byteLength(row.message) + 100;
    if (bytes > MAX_RESPONSE_BYTES && kept > 0) break;
    kept++;
  }
  if (backwards) first = last - kept;
  else last = first + kept;
  const page = backwards ? rows.slice(rows.length - kept) : rows.slice(0, kept);
  return {
    events: page.map((e) => ({
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestion_time,
    })),
    nextForwardToken: `f/${String(last).padStart(20, '0')}`,
    nextBackwardToken: `b/${String(first).padStart(20, '0')}`,
  };
}

function describeLogGroups(store: LogStore, input: Input, region: string) {
  const prefix = input.logGroupNamePrefix as string | undefined;
  const pattern = input.logGroupNamePattern as string | undefined;
  if (prefix && pattern)
    throw invalid('logGroupNamePrefix and logGroupNamePattern are mutually exclusive parameters.');
  const limit = (input.limit as number | undefined) ?? 50;
  const token = input.nextToken as string | undefined;
  const after = token ? decodeToken<{ after: unknown }>(token, (v) => typeof v.after === 'string').after : '';
  const groups = store
    .groups(after as string)
    .filter(
      (g) =>
        (!prefix || g.name.startsWith(prefix)) &&
        (!pattern || g.name.toLowerCase().includes(pattern.toLowerCase())),
    );
  const page = groups.slice(0, limit);
  return {
    logGroups: page.map((group) => ({
      logGroupName: group.name,
      creationTime: group.creationTime,
      metricFilterCount: 0,
      arn: `${groupArn(region, group.name)}:*`,
      logGroupArn: groupArn(region, group.name),
      storedBytes: group.storedBytes,
      ...(group.retentionInDays ? { retentionInDays: group.retentionInDays } : {}),
      logGroupClass: 'STANDARD',
    })),
    ...(groups.length > limit ? { nextToken: encodeToken({ after: page[page.length - 1]?.name }) } : {}),
  };
}

function describeLogStreams(store: LogStore, input: Input, region: string) {
  const group = groupOf(store, input);
  const prefix = input.logStreamNamePrefix as string | undefined;
  const orderBy = (input.orderBy as string | undefined) ?? 'LogStreamName';
  if (prefix && orderBy === 'LastEventTime')
    throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
  const limit = (input.limit as number | undefined) ?? 50;
  const token = input.nextToken as string | undefined;
  const offset = token
    ? (decodeToken<{ o: unknown }>(token, (v) => Number.isSafeInteger(v.o) && (v.o as number) >= 0)
        .o as number)
    : 0;
  const streams = store.streams(group.id).filter((s) => !prefix || s.name.startsWith(prefix));
  if (orderBy === 'LastEventTime') {
    streams.sort(
      (a, b) => (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0) || (a.name < b.name ? -1 : 1),
    );
  }
  if (input.descending === true) streams.reverse();
  const page = streams.slice(offset, offset + limit);
  return {
    logStreams: page.map((stream) => {
      const first = stream.eventCount > 0 ? store.firstEventTimestamp(stream.id) : undefined;
      return {
        logStreamName: stream.name,
        creationTime: stream.creationTime,
        ...(first !== undefined ? { firstEventTimestamp: first } : {}),
        ...(stream.eventCount > 0 && stream.lastEventTimestamp !== undefined
          ? { lastEventTimestamp: stream.lastEventTimestamp }
          : {}),
        ...(stream.lastIngestionTime ? { lastIngestionTime: stream.lastIngestionTime } : {}),
        uploadSequenceToken: String(stream.eventCount).padStart(20, '0'),
        arn: `${groupArn(region, group.name)}:log-stream:${stream.name}`,
        storedBytes: 0,
      };
    }),
    ...(offset + limit < streams.length ? { nextToken: encodeToken({ o: offset + limit }) } : {}),
  };
}

function handle(store: LogStore, operation: string, input: Input, region: string): unknown {
  switch (operation) {
    case 'CreateLogGroup':
      store.createLogGroup(input.logGroupName as string);
      return {};
    case 'CreateLogStream':
      store.createLogStream(input.logGroupName as string, input.logStreamName as string);
      return {};
    case 'DeleteLogGroup':
      store.deleteLogGroup(input.logGroupName as string);
      return {};
    case 'DeleteLogStream':
      store.deleteLogStream(input.logGroupName as string, input.logStreamName as string);
      return {};
    case 'PutRetentionPolicy':
      store.setRetention(input.logGroupName as string, input.retentionInDays as number);
      return {};
    case 'DeleteRetentionPolicy':
      store.setRetention(input.logGroupName as string, null);
      return {};
    case 'DescribeLogGroups':
      return describeLogGroups(store, input, region);
    case 'DescribeLogStreams':
      return describeLogStreams(store, input, region);
    case 'PutLogEvents': {
      const result = store.putLogEvents(
        input.logGroupName as string,
        input.logStreamName as string,
        input.logEvents as { timestamp: number; message: string }[],
      );
      return {
        nextSequenceToken: String(Date.now()).padStart(20, '0'),
        ...(result.rejectedLogEventsInfo ? { rejectedLogEventsInfo: result.rejectedLogEventsInfo } : {}),
      };
    }
    case 'GetLogEvents':
      return getLogEvents(store, input);
    case 'FilterLogEvents':
      return filterLogEvents(store, input);
    default:
      throw new AwsError(
        'UnknownOperationException',
        `The local CloudWatch Logs endpoint does not serve ${operation}.`,
      );
  }
}

interface LiveSessionOptions {
  readonly store: LogStore;
  readonly region: string;
  readonly updateIntervalMs: number;
  readonly maxSessionMs: number;
  /** The sessions open now; at most MAX_LIVE_SESSIONS. */
  readonly sessions: Set<ServerResponse>;
}

/**
 * StartLiveTail: checks everything first (input already validated for shape), then streams a sessionStart
 * and one sessionUpdate per interval until closed. At most MAX_LIVE_SESSIONS at once, as AWS; a session
 * whose reader does not keep up is cut, and what waits for the next update is a bounded, even sample.
 */
function startLiveTail(
  input: Input,
  res: ServerResponse,
  requestId: string,
  options: LiveSessionOptions,
): void {
  const { store, sessions } = options;
  const identifiers = input.logGroupIdentifiers as string[];
  const groups = new Map<string, string>();
  for (const identifier of identifiers) {
    if (identifier.endsWith('*')) {
      throw invalid(`${identifier} is not a log group ARN: it can't end with an asterisk (*).`);
    }
    groups.set(store.group(nameFromIdentifier(identifier)).name, identifier);
  }
  const names = input.logStreamNames as string[] | undefined;
  const prefixes = input.logStreamNamePrefixes as string[] | undefined;
  if (names && prefixes)
    throw invalid('logStreamNames and logStreamNamePrefixes are mutually exclusive parameters.');
  if ((names || prefixes) && groups.size > 1) {
    throw invalid(
      'logStreamNames and logStreamNamePrefixes need exactly one log group in logGroupIdentifiers.',
    );
  }
  const pattern = input.logEventFilterPattern as string | undefined;
  const matches = matcherOf(pattern);
  if (sessions.size >= MAX_LIVE_SESSIONS) {
    throw new AwsError(
      'LimitExceededException',
      `You have reached the maximum number of concurrent Live Tail sessions (${MAX_LIVE_SESSIONS}). Close one and start again.`,
    );
  }
  const nameSet = names ? new Set(names) : undefined;
  const inStream = (stream: string) =>
    nameSet ? nameSet.has(stream) : prefixes ? prefixes.some((p) => stream.startsWith(p)) : true;

  sessions.add(res);
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId });
  res.write(
    encodeEvent('sessionStart', {
      requestId,
      sessionId: randomUUID(),
      logGroupIdentifiers: [...groups.values()],
      ...(names ? { logStreamNames: names } : {}),
      ...(prefixes ? { logStreamNamePrefixes: prefixes } : {}),
      logEventFilterPattern: pattern ?? '',
    }),
  );
  let pending: { group: string; event: StoredEvent }[] = [];
  // Above LIVE_PENDING_MAX_EVENTS, every `stride`-th matching event is kept (halving the kept ones).
  let stride = 1;
  let seen = 0;
  const onIngested = (batch: IngestedBatch) => {
    if (!groups.has(batch.group)) return;
    for (const event of batch.events) {
      if (!inStream(event.stream) || !matches(event.message)) continue;
      if (seen++ % stride !== 0) continue;
      pending.push({ group: batch.group, event });
      if (pending.length >= LIVE_PENDING_MAX_EVENTS) {
        pending = pending.filter((_, i) => i % 2 === 0);
        stride *= 2;
      }
    }
  };
  store.on('ingested', onIngested);
  const update = () => {
    if (res.writableLength > LIVE_MAX_UNREAD_BYTES) {
      // The reader is not reading: cut the session rather than hold its updates in memory.
      res.destroy();
      return;
    }
    const taken = pending;
    const sampled = taken.length > LIVE_UPDATE_MAX_EVENTS || stride > 1;
    pending = [];
    stride = 1;
    seen = 0;
    // Above the limit AWS samples: keep an even spread, as a reader of a sampled session would see.
    const kept =
      taken.length > LIVE_UPDATE_MAX_EVENTS
        ? Array.from(
            { length: LIVE_UPDATE_MAX_EVENTS },
            (_, i) =>
              taken[Math.floor((i * taken.length) / LIVE_UPDATE_MAX_EVENTS)] as (typeof taken)[number],
          )
        : taken;
    res.write(
      encodeEvent('sessionUpdate', {
        sessionMetadata: { sampled },
        sessionResults: kept.map(({ group, event }) => ({
          logStreamName: event.stream,
          logGroupIdentifier: groups.get(group),
          message: event.message,
          timestamp: event.timestamp,
          ingestionTime: event.ingestionTime,
        })),
      }),
    );
  };
  const interval = setInterval(update, options.updateIntervalMs);
  const timeout = setTimeout(() => {
    update();
    res.end(encodeException('SessionTimeoutException', 'The Live Tail session has timed out.'));
    cleanup();
  }, options.maxSessionMs);
  const cleanup = () => {
    clearInterval(interval);
    clearTimeout(timeout);
    store.off('ingested', onIngested);
    sessions.delete(res);
  };
  res.on('close', cleanup);
}

function tooLarge(limit: number): AwsError {
  return new AwsError(
    'RequestEntityTooLargeException',
    `The request body is larger than ${limit} bytes, more than this operation ever needs: send smaller batches (PutLogEvents takes at most ${MAX_BATCH_BYTES} bytes of messages).`,
    413,
  );
}

/** Bytes of request bodies being received now, all requests together (MAX_BODIES_IN_FLIGHT_BYTES). */
interface BodyBudget {
  used: number;
}

function throttled(): AwsError {
  return new AwsError(
    'ThrottlingException',
    'The local endpoint is receiving too many request bodies at once: send this one again in a moment.',
  );
}

/**
 * The body as text, refused (413) as soon as it is known to pass `limit`, without reading the rest; and
 * refused (ThrottlingException) when the bodies of every request together would pass the budget.
 */
function readBody(req: IncomingMessage, limit: number, budget: BodyBudget): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let held = 0;
    const release = () => {
      budget.used -= held;
      held = 0;
    };
    const stop = (error: AwsError) => {
      req.off('data', onData);
      chunks.length = 0;
      release();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return stop(tooLarge(limit));
      if (budget.used + chunk.length > MAX_BODIES_IN_FLIGHT_BYTES) return stop(throttled());
      budget.used += chunk.length;
      held += chunk.length;
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      release();
      resolve(text);
    });
    req.on('error', (error) => {
      release();
      reject(error);
    });
    req.on('close', release);
  });
}

/** After answering a refused body: read no more of it, and close the connection. */
function dropRestOfBody(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  res.once('finish', () => req.socket.destroySoon());
  // A client that never stops sending is cut off.
  setTimeout(() => req.socket.destroy(), 2000).unref();
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  errorType?: string,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

/** The request listener of the endpoint, for a server of your own or for createLogsServer. */
export function logsRequestListener(options: LogsServerOptions) {
  const region = options.region ?? configuredRegion();
  const live: LiveSessionOptions = {
    store: options.store,
    region,
    updateIntervalMs: options.liveUpdateIntervalMs ?? 1000,
    maxSessionMs: options.liveSessionMaxMs ?? THREE_HOURS_MS,
    sessions: new Set(),
  };
  const budget: BodyBudget = { used: 0 };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const fail = (error: AwsError) => {
      options.onRequest?.(operation || `${req.method} ${req.url}`, error.status);
      if (res.headersSent || res.destroyed) return;
      if (error.status === 413 || error.type === 'ThrottlingException') {
        res.setHeader('connection', 'close');
        dropRestOfBody(req, res);
      }
      sendJson(res, error.status, { __type: error.type, message: error.message }, requestId, error.type);
    };
    try {
      const text = await readBody(
        req,
        operation === 'PutLogEvents' ? MAX_PUT_BODY_BYTES : MAX_OTHER_BODY_BYTES,
        budget,
      );
      if (req.method === 'GET' && !operation) {
        sendJson(res, 200, { service: 'local CloudWatch Logs', region, account: ACCOUNT_ID }, requestId);
        return;
      }
      if (req.method !== 'POST' || !operation) {
        throw new AwsError(
          'UnknownOperationException',
          'Send POST / with an X-Amz-Target: Logs_20140328.<Operation> header, as the AWS SDK and CLI do.',
        );
      }
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : {};
      } catch {
        throw new AwsError('SerializationException', 'The request body is not valid JSON.');
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new AwsError('SerializationException', 'The request body must be a JSON object.');
      }
      // Every member checked against its documented shape before anything runs.
      const input = validateInput(operation, parsed);
      if (operation === 'StartLiveTail') {
        startLiveTail(input, res, requestId, live);
        options.onRequest?.(operation, 200);
        return;
      }
      const output = handle(options.store, operation, input, region);
      // A change is answered only once it is committed (group commit: one COMMIT for all in this turn).
      if (CHANGES.has(operation)) await options.store.durable();
      options.onRequest?.(operation, 200);
      sendJson(res, 200, output, requestId);
    } catch (error) {
      if (error instanceof AwsError) {
        fail(error);
        return;
      }
      fail(
        new AwsError(
          'ServiceUnavailableException',
          `The local endpoint failed: ${(error as Error).message}`,
          500,
        ),
      );
    }
  };
}

export interface LocalLogs {
  /** http://127.0.0.1:<port>: give it to the SDK (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS) or the CLI (--endpoint-url). */
  readonly endpoint: string;
  readonly port: number;
  readonly dataDir: string | undefined;
  readonly store: LogStore;
  /** Closes every connection (live sessions included) and frees the port. */
  stop(): Promise<void>;
}

export interface StartLocalLogsOptions {
  /** Default: LOGS_PORT (4599). 0 picks a free port. */
  readonly port?: number;
  /** Where the data lives across restarts. Default: LOGS_DIR, else .local/logs. `null`: in memory only. */
  readonly dataDir?: string | null;
  readonly host?: string;
  readonly region?: string;
  readonly liveUpdateIntervalMs?: number;
  readonly liveSessionMaxMs?: number;
  readonly onRequest?: (operation: string, status: number) => void;
  /** Flush every acknowledged change to the disk (default: LOGS_FSYNC, on unless 0). */
  readonly fsync?: boolean;
  /** The most bytes of events kept (default: LOGS_MAX_MB, else 1 GiB); the oldest expire first. */
  readonly maxBytes?: number;
  /** How long a client may take to send a request's headers, and its whole request (default 10 s, 60 s). */
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** Connections open at once (default 128); more are closed as they come. */
  readonly maxConnections?: number;
}

export function defaultLogsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOGS_DIR ? path.resolve(env.LOGS_DIR) : path.join(LOCAL_DATA_PATH, 'logs');
}

/** Start the local endpoint in this process. */
export async function startLocalLogs(options: StartLocalLogsOptions = {}): Promise<LocalLogs> {
  const dataDir = options.dataDir === null ? undefined : (options.dataDir ?? defaultLogsDir());
  const host = options.host ?? LOOPBACK;
  const wanted = options.port ?? configuredPort('LOGS_PORT');
  if (dataDir) {
    const problem = dataFolderProblem(dataDir);
    if (problem) throw new Error(problem);
    // Adopt a folder that holds only this endpoint's files from before the marker existed.
    claimDataFolder(dataDir, 'the local CloudWatch Logs endpoint (05-logs)', (names) =>
      names.every((name) => /^(journal|rejected)\.ndjson|^logs\.sqlite|^endpoint\.json$/.test(name)),
    );
  }
  const store = new LogStore(dataDir, {
    fsync: options.fsync,
    maxBytes: options.maxBytes,
    owner: `port ${wanted}`,
  });
  const requestTimeout = options.requestTimeoutMs ?? 60_000;
  const server: Server = createServer(
    {
      headersTimeout: Math.min(options.headersTimeoutMs ?? 10_000, requestTimeout),
      requestTimeout,
      // The timeouts are checked this often (Node's default: every 30 s).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(requestTimeout / 4))),
    },
    logsRequestListener({ ...options, store }),
  );
  server.maxConnections = options.maxConnections ?? 128;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(wanted, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    store.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `Port ${wanted} is already in use (LOGS_PORT): is the local logs endpoint already running? Stop it, or choose another port: LOGS_PORT=<port>.`,
      );
    }
    throw error;
  }
  const { port } = server.address() as { port: number };
  if (dataDir && port !== wanted) store.setOwner(`port ${port}`);
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    dataDir,
    store,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => {
          store.close();
          resolve();
        });
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

export { StoreBusyError };
