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
import {
  ACCOUNT_ID,
  AwsError,
  eventId,
  groupArn,
  type IngestedBatch,
  type LogGroup,
  LogStore,
  lowerBound,
  MAX_BATCH_BYTES,
  RETENTION_DAYS,
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
 * FilterLogEvents reads for at most this long, then answers with what it found and a nextToken, as AWS
 * does on big groups: one search never holds the endpoint (and, under npm start, S3 and the site) for long.
 */
const SEARCH_BUDGET_MS = 50;
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

function optionalString(input: Input, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${key} must be a string.`);
  return value;
}

function optionalNumber(input: Input, key: string): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${key} must be a number.`);
  return value;
}

function limitOf(input: Input, max: number): number {
  const limit = optionalNumber(input, 'limit') ?? max;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw invalid(
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${max}`,
    );
  }
  return limit;
}

/** A log group's name from a name or an ARN (with or without the trailing ":*"). */
function nameFromIdentifier(identifier: string): string {
  const match = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(identifier);
  return match ? (match[1] as string) : identifier;
}

function groupOf(store: LogStore, input: Input): LogGroup {
  const name = optionalString(input, 'logGroupName');
  const identifier = optionalString(input, 'logGroupIdentifier');
  if (name && identifier) throw invalid('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  if (!name && !identifier) throw invalid('Either logGroupName or logGroupIdentifier must be given.');
  return store.group(name ?? nameFromIdentifier(identifier as string));
}

function matcherOf(pattern: string | undefined): Matcher {
  try {
    return compileFilterPattern(pattern);
  } catch (error) {
    if (error instanceof FilterPatternError) throw invalid(error.message);
    throw error;
  }
}

function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeToken<T>(token: string, check: (value: T) => boolean): T {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
    if (check(value)) return value;
  } catch {
    // fall through
  }
  throw invalid('The specified nextToken is invalid.');
}

function streamFilter(input: Input): (stream: string) => boolean {
  const names = input.logStreamNames;
  const prefix = optionalString(input, 'logStreamNamePrefix');
  if (names !== undefined && prefix !== undefined) {
    throw invalid('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  }
  if (names !== undefined) {
    if (!Array.isArray(names) || names.length === 0 || names.length > 100) {
      throw invalid('logStreamNames must list between 1 and 100 stream names.');
    }
    const set = new Set(names as string[]);
    return (stream) => set.has(stream);
  }
  if (prefix) return (stream) => stream.startsWith(prefix);
  return () => true;
}

function filterLogEvents(store: LogStore, input: Input) {
  const group = groupOf(store, input);
  const inStream = streamFilter(input);
  const matches = matcherOf(optionalString(input, 'filterPattern'));
  const limit = limitOf(input, 10_000);
  const startTime = optionalNumber(input, 'startTime') ?? 0;
  const endTime = optionalNumber(input, 'endTime') ?? Number.MAX_SAFE_INTEGER;
  const token = optionalString(input, 'nextToken');
  const cursor = token
    ? decodeToken<{ g: string; t: number; s: number }>(
        token,
        (v) => v.g === group.name && typeof v.t === 'number' && typeof v.s === 'number',
      )
    : undefined;
  const events = group.events;
  let i = cursor ? lowerBound(events, cursor.t, cursor.s) : lowerBound(events, startTime);
  const found: StoredEvent[] = [];
  let bytes = 0;
  const deadline = performance.now() + SEARCH_BUDGET_MS;
  for (let read = 0; i < events.length; i++, read++) {
    const event = events[i] as StoredEvent;
    if (event.timestamp > endTime) break;
    if (found.length >= limit || bytes >= MAX_RESPONSE_BYTES) break;
    if ((read & 255) === 255 && performance.now() > deadline) break;
    if (event.timestamp < startTime || !inStream(event.stream) || !matches(event.message)) continue;
    found.push(event);
    bytes += Buffer.byteLength(event.message) + 100;
  }
  const more = i < events.length && (events[i] as StoredEvent).timestamp <= endTime;
  const last = events[i - 1];
  return {
    events: found.map((e) => ({
      logStreamName: e.stream,
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
      eventId: eventId(e),
    })),
    searchedLogStreams: [],
    ...(more && last ? { nextToken: encodeToken({ g: group.name, t: last.timestamp, s: last.seq }) } : {}),
  };
}

function getLogEvents(store: LogStore, input: Input) {
  const group = groupOf(store, input);
  const stream = store.stream(group.name, optionalString(input, 'logStreamName'));
  const limit = limitOf(input, 10_000);
  const startTime = optionalNumber(input, 'startTime') ?? 0;
  const endTime = optionalNumber(input, 'endTime') ?? Number.MAX_SAFE_INTEGER;
  // Events in [startTime, endTime): the positions in this list are what the tokens carry.
  const from = lowerBound(stream.events, startTime);
  const to = lowerBound(stream.events, endTime);
  const count = Math.max(0, to - from);
  const token = optionalString(input, 'nextToken');
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
  return {
    events: stream.events.slice(from + first, from + last).map((e) => ({
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
    })),
    nextForwardToken: `f/${String(last).padStart(20, '0')}`,
    nextBackwardToken: `b/${String(first).padStart(20, '0')}`,
  };
}

function describeLogGroups(store: LogStore, input: Input, region: string) {
  const prefix = optionalString(input, 'logGroupNamePrefix');
  const pattern = optionalString(input, 'logGroupNamePattern');
  if (prefix && pattern)
    throw invalid('logGroupNamePrefix and logGroupNamePattern are mutually exclusive parameters.');
  const limit = limitOf(input, 50);
  const token = optionalString(input, 'nextToken');
  const after = token ? decodeToken<{ after: string }>(token, (v) => typeof v.after === 'string').after : '';
  const names = [...store.groups.keys()]
    .filter(
      (n) =>
        (!prefix || n.startsWith(prefix)) && (!pattern || n.toLowerCase().includes(pattern.toLowerCase())),
    )
    .filter((n) => n > after)
    .sort();
  const page = names.slice(0, limit);
  return {
    logGroups: page.map((name) => {
      const group = store.group(name);
      return {
        logGroupName: name,
        creationTime: group.creationTime,
        metricFilterCount: 0,
        arn: `${groupArn(region, name)}:*`,
        logGroupArn: groupArn(region, name),
        storedBytes: group.storedBytes,
        ...(group.retentionInDays ? { retentionInDays: group.retentionInDays } : {}),
        logGroupClass: 'STANDARD',
      };
    }),
    ...(names.length > limit ? { nextToken: encodeToken({ after: page[page.length - 1] }) } : {}),
  };
}

function describeLogStreams(store: LogStore, input: Input, region: string) {
  const group = groupOf(store, input);
  const prefix = optionalString(input, 'logStreamNamePrefix');
  const orderBy = optionalString(input, 'orderBy') ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
    throw invalid(`orderBy must be LogStreamName or LastEventTime, not ${orderBy}.`);
  }
  if (prefix && orderBy === 'LastEventTime')
    throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
  const limit = limitOf(input, 50);
  const token = optionalString(input, 'nextToken');
  const offset = token ? decodeToken<{ o: number }>(token, (v) => Number.isInteger(v.o) && v.o >= 0).o : 0;
  const lastEventTime = (name: string) => {
    const events = group.streams.get(name)?.events ?? [];
    return events[events.length - 1]?.timestamp ?? 0;
  };
  const names = [...group.streams.keys()].filter((n) => !prefix || n.startsWith(prefix));
  names.sort(
    orderBy === 'LogStreamName'
      ? undefined
      : (a, b) => lastEventTime(a) - lastEventTime(b) || (a < b ? -1 : 1),
  );
  if (input.descending === true) names.reverse();
  const page = names.slice(offset, offset + limit);
  return {
    logStreams: page.map((name) => {
      const stream = group.streams.get(name);
      if (!stream) throw new Error(`stream ${name} vanished`);
      const first = stream.events[0];
      const last = stream.events[stream.events.length - 1];
      return {
        logStreamName: name,
        creationTime: stream.creationTime,
        ...(first ? { firstEventTimestamp: first.timestamp } : {}),
        ...(last ? { lastEventTimestamp: last.timestamp } : {}),
        ...(stream.lastIngestionTime ? { lastIngestionTime: stream.lastIngestionTime } : {}),
        uploadSequenceToken: String(stream.events.length).padStart(20, '0'),
        arn: `${groupArn(region, group.name)}:log-stream:${name}`,
        storedBytes: 0,
      };
    }),
    ...(offset + limit < names.length ? { nextToken: encodeToken({ o: offset + limit }) } : {}),
  };
}

function handle(store: LogStore, operation: string, input: Input, region: string): unknown {
  switch (operation) {
    case 'CreateLogGroup':
      store.createLogGroup(input.logGroupName);
      return {};
    case 'CreateLogStream':
      store.createLogStream(input.logGroupName, input.logStreamName);
      return {};
    case 'DeleteLogGroup':
      store.deleteLogGroup(input.logGroupName);
      return {};
    case 'DeleteLogStream':
      store.deleteLogStream(input.logGroupName, input.logStreamName);
      return {};
    case 'PutRetentionPolicy':
      if (!(RETENTION_DAYS as readonly unknown[]).includes(input.retentionInDays)) {
        throw invalid(
          `1 validation error detected: Value '${String(input.retentionInDays)}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
        );
      }
      store.setRetention(input.logGroupName, input.retentionInDays);
      return {};
    case 'DeleteRetentionPolicy':
      store.setRetention(input.logGroupName, null);
      return {};
    case 'DescribeLogGroups':
      return describeLogGroups(store, input, region);
    case 'DescribeLogStreams':
      return describeLogStreams(store, input, region);
    case 'PutLogEvents': {
      const result = store.putLogEvents(input.logGroupName, input.logStreamName, input.logEvents);
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
}

/** StartLiveTail: validates, then streams a sessionStart and one sessionUpdate per interval until closed. */
function startLiveTail(
  input: Input,
  res: ServerResponse,
  requestId: string,
  options: LiveSessionOptions,
): void {
  const { store } = options;
  const identifiers = input.logGroupIdentifiers;
  if (!Array.isArray(identifiers) || identifiers.length < 1 || identifiers.length > 10) {
    throw invalid('logGroupIdentifiers must list between 1 and 10 log group ARNs.');
  }
  const groups = new Map<string, string>();
  for (const identifier of identifiers) {
    if (typeof identifier !== 'string' || identifier.endsWith('*')) {
      throw invalid(`${String(identifier)} is not a log group ARN: it can't end with an asterisk (*).`);
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
  const pattern = optionalString(input, 'logEventFilterPattern');
  const matches = matcherOf(pattern);
  const inStream = (stream: string) =>
    names ? names.includes(stream) : prefixes ? prefixes.some((p) => stream.startsWith(p)) : true;

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
  const onIngested = (batch: IngestedBatch) => {
    if (!groups.has(batch.group)) return;
    for (const event of batch.events) {
      if (inStream(event.stream) && matches(event.message)) pending.push({ group: batch.group, event });
    }
  };
  store.on('ingested', onIngested);
  const update = () => {
    const taken = pending;
    pending = [];
    const sampled = taken.length > LIVE_UPDATE_MAX_EVENTS;
    // Above the limit AWS samples: keep an even spread, as a reader of a sampled session would see.
    const kept = sampled
      ? Array.from(
          { length: LIVE_UPDATE_MAX_EVENTS },
          (_, i) => taken[Math.floor((i * taken.length) / LIVE_UPDATE_MAX_EVENTS)] as (typeof taken)[number],
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

/** The body as text, refused (413) as soon as it is known to pass `limit`, without reading the rest. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
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
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const fail = (error: AwsError) => {
      options.onRequest?.(operation || `${req.method} ${req.url}`, error.status);
      if (error.status === 413) {
        res.setHeader('connection', 'close');
        dropRestOfBody(req, res);
      }
      sendJson(res, error.status, { __type: error.type, message: error.message }, requestId, error.type);
    };
    try {
      const text = await readBody(
        req,
        operation === 'PutLogEvents' ? MAX_PUT_BODY_BYTES : MAX_OTHER_BODY_BYTES,
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
      let input: Input;
      try {
        input = text ? (JSON.parse(text) as Input) : {};
      } catch {
        throw new AwsError('SerializationException', 'The request body is not valid JSON.');
      }
      if (input === null || typeof input !== 'object' || Array.isArray(input)) {
        throw new AwsError('SerializationException', 'The request body must be a JSON object.');
      }
      if (operation === 'StartLiveTail') {
        startLiveTail(input, res, requestId, live);
        options.onRequest?.(operation, 200);
        return;
      }
      const output = handle(options.store, operation, input, region);
      // A change is answered only once it is on the disk (group commit: one flush for all in this turn).
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
  /** fdatasync every acknowledged change (default: LOGS_FSYNC, on unless 0). */
  readonly fsync?: boolean;
}

export function defaultLogsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOGS_DIR ? path.resolve(env.LOGS_DIR) : path.join(LOCAL_DATA_PATH, 'logs');
}

/** Start the local endpoint in this process. */
export async function startLocalLogs(options: StartLocalLogsOptions = {}): Promise<LocalLogs> {
  const dataDir = options.dataDir === null ? undefined : (options.dataDir ?? defaultLogsDir());
  if (dataDir) {
    // Adopt a folder that holds only this endpoint's files from before the marker existed.
    claimDataFolder(dataDir, 'the local CloudWatch Logs endpoint (05-logs)', (names) =>
      names.every((name) => /^(journal|rejected)\.ndjson/.test(name)),
    );
  }
  const store = new LogStore(dataDir, { fsync: options.fsync });
  const server: Server = createServer(logsRequestListener({ ...options, store }));
  const host = options.host ?? LOOPBACK;
  const wanted = options.port ?? configuredPort('LOGS_PORT');
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
