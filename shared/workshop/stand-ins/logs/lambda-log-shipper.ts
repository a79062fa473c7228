/**
 * Offline, serverless-offline prints a function's console output raw, with its own lines around it:
 *     POST /dev/check (λ: check)
 *     {"requestId":"8f5a...","outcome":"rejected",...}
 *     (λ: check) RequestId: 8f5a...  Duration: 1.04 ms  Billed Duration: 2 ms
 * and on failures `× Unhandled exception in handler 'check'.` (with the error and its stack) or
 * `× [504] - Lambda timeout.`. The shipper turns those lines into what Lambda writes to CloudWatch Logs
 * and puts them into the local endpoint, in `/aws/lambda/<function name>`:
 *   - a stream per container, `YYYY/MM/DD/[$LATEST]<32 hex>`: a request goes to an idle container, else a new
 *     one (a cold start); containers idle longer than serverless-offline keeps them (60 s) are gone;
 *   - START, the function's lines in Lambda's text format (`time\trequestId\tLEVEL\tmessage`), END, and
 *     REPORT with Duration and Billed Duration (serverless-offline's own figures), Memory Size, Max Memory
 *     Used (when a probe gives it) and, on a cold start, Init Duration (the time serverless-offline spent
 *     before the handler ran, measured here);
 *   - a timeout as Lambda reports one (`Task timed out after N seconds`, REPORT Status: timeout), and an
 *     unhandled exception as `ERROR Invoke Error {"errorType",...}`.
 * Offline output comes through two pipes (stdout, stderr) whose order can differ by a few milliseconds,
 * so a request's END and REPORT wait `graceMs` for late lines.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { OFFLINE_CREDENTIALS } from '../../../../05-logs/src/client';
import {
  endLine,
  functionLine,
  type Level,
  reportLine,
  startLine,
  timeoutLine,
} from '../../../../05-logs/src/lambda-lines';
import { clientOptions } from '../../../src/aws';
import { region as configuredRegion } from '../../../src/config';

export interface LambdaLogShipperOptions {
  /** The local CloudWatch Logs endpoint, e.g. http://127.0.0.1:4599. */
  readonly endpoint: string;
  /** The deployed name, e.g. cinq-euros-api-dev-check: logs go to /aws/lambda/<functionName>. */
  readonly functionName: string;
  /** Only lines of this serverless function key (`check` in `(λ: check)`); default: any. */
  readonly functionKey?: string;
  readonly region?: string;
  /** memorySize of serverless.yml (osls default 1024). */
  readonly memorySizeMb?: number;
  /** timeout of serverless.yml, in seconds (osls default 6). */
  readonly timeoutSeconds?: number;
  /** How long an idle container lives (serverless-offline: functionCleanupIdleTimeSeconds, 60 s). */
  readonly idleContainerMs?: number;
  /** Max Memory Used, in MB, when known (see process-memory.ts). */
  readonly maxMemoryUsedMb?: () => number | undefined;
  /** How long END/REPORT wait for lines that arrive late through the other pipe. */
  readonly graceMs?: number;
  /** Events are sent in batches this often. */
  readonly batchMs?: number;
  /** Told when shipping fails (the endpoint stopped, ...); shipping goes on with the next batch. */
  readonly onError?: (error: Error) => void;
  readonly client?: CloudWatchLogsClient;
}

export interface LambdaLogShipper {
  /** Feed it every line serverless-offline prints (the stream, if known, sets the level of plain lines). */
  onLine(line: string, stream?: 'stdout' | 'stderr'): void;
  /** Create the log group now (as a deploy does on AWS), so that a tail can start before any request. */
  ensureLogGroup(): Promise<void>;
  /** Finish the requests that have ended and send everything queued. */
  flush(): Promise<void>;
  /**
   * Wait until no request is running any more (serverless-offline's lines of a request reach us a moment
   * after its HTTP answer), at most `timeoutMs`, then flush(). For tests and checks that read the logs
   * right after a request.
   */
  settle(timeoutMs?: number): Promise<void>;
  /** flush(), then stop (requests still running are shipped without END/REPORT). */
  close(): Promise<void>;
  readonly logGroupName: string;
  /** How many log events reached the endpoint. */
  readonly shipped: number;
}

interface Container {
  readonly streamName: string;
  busy: boolean;
  lastUsedAt: number;
  dead: boolean;
}

interface Invocation {
  requestId?: string;
  readonly container: Container;
  readonly cold: boolean;
  readonly startedAt: number;
  readonly lines: { at: number; level: Level; text: string }[];
  errorLines: string[];
  lastAt: number;
  end?: { at: number; durationMs?: number; billedMs?: number; timedOut?: boolean };
  timer?: NodeJS.Timeout;
}

const REQUEST_LINE = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (\S+) \(λ: ([^)]+)\)\s*$/;
const DONE_LINE = /^\(λ: ([^)]+)\) RequestId: (\S+)\s+Duration: ([\d.]+) ms\s+Billed Duration: (\d+) ms/;
const FAILURE_LINE = /^[×✖✗]\s?(.*)$/;
const STACK_LINE = /^\s+at\s/;
const UUID_IN_JSON = /"requestId"\s*:\s*"([0-9a-fA-F-]{36})"/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are control characters.
const ANSI = /\u001b\[[0-9;]*m/g;
const LEVEL_WORDS: Record<string, Level> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  warning: 'WARN',
  error: 'ERROR',
  fatal: 'FATAL',
};
/**
 * What one PutLogEvents may carry (AWS's quotas): 1,048,576 bytes, counting each event's UTF-8 message
 * plus 26 bytes, 10,000 events, spanning at most 24 hours, in time order.
 */
const MAX_BATCH_BYTES = 1_048_576;
const EVENT_OVERHEAD_BYTES = 26;
const MAX_BATCH_EVENTS = 10_000;
const MAX_BATCH_SPAN_MS = 24 * 3600_000;
/** While the endpoint is away, at most this much waits for it (the oldest goes first beyond it). */
const MAX_QUEUED_EVENTS = 100_000;
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;
/** After a failed send, the next one is tried this long after (doubling up to the cap), lines or not. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 15_000;

interface QueuedEvent {
  readonly timestamp: number;
  readonly message: string;
}

function eventBytes(event: QueuedEvent): number {
  return Buffer.byteLength(event.message) + EVENT_OVERHEAD_BYTES;
}

/**
 * How many of `events` (in time order), from the first, one PutLogEvents accepts: 0 when the first one
 * alone is over the size limit.
 */
export function batchLength(events: readonly QueuedEvent[], atMost = MAX_BATCH_EVENTS): number {
  const first = events[0];
  if (!first) return 0;
  let bytes = 0;
  let n = 0;
  for (const event of events) {
    if (n >= Math.min(atMost, MAX_BATCH_EVENTS)) break;
    if (event.timestamp - first.timestamp > MAX_BATCH_SPAN_MS) break;
    bytes += eventBytes(event);
    if (bytes > MAX_BATCH_BYTES) break;
    n++;
  }
  return n;
}

/** A refusal of the batch itself (what it holds): sent again as it is, it would be refused again. */
function isRefusal(error: Error): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    error.name === 'InvalidParameterException' || error.name === 'SerializationException' || status === 413
  );
}

/** The duration a function logs of itself (`"durationMs": n` in a JSON line), if it does. */
function ownDurationMs(lines: readonly { text: string }[]): number | undefined {
  for (const { text } of lines) {
    const match = /"durationMs"\s*:\s*(\d+(?:\.\d+)?)/.exec(text);
    if (match) return Number(match[1]);
  }
  return undefined;
}

function containerStreamName(now: number): string {
  const d = new Date(now);
  const date = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${date}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

function levelOfLine(text: string, stream: 'stdout' | 'stderr' | undefined): Level {
  const match = /"level"\s*:\s*"(\w+)"/.exec(text);
  const fromJson = match ? LEVEL_WORDS[(match[1] as string).toLowerCase()] : undefined;
  return fromJson ?? (stream === 'stderr' ? 'ERROR' : 'INFO');
}

/** The Invoke Error line Lambda's Node.js runtime writes for an unhandled exception. */
function invokeError(lines: string[]): string {
  const described = lines.find((l) => /^[A-Za-z_$][\w$]*: /.test(l) && !l.startsWith('Unhandled exception'));
  const [, errorType = 'Error', errorMessage = lines[lines.length - 1] ?? 'Unknown error'] =
    /^([A-Za-z_$][\w$]*): ([\s\S]*)$/.exec(described ?? '') ?? [];
  const stack = [
    described ?? `${errorType}: ${errorMessage}`,
    ...lines.filter((l) => STACK_LINE.test(l)).map((l) => `    ${l.trim()}`),
  ];
  return `Invoke Error \t${JSON.stringify({ errorType, errorMessage, stack })}`;
}

/**
 * A function line as it reaches CloudWatch. console.log/info/warn/error lines get the runtime's text
 * prefix (time, request id, level). A line that is a whole JSON object was written straight to stdout (as
 * chapter 03's handler writes its log line): Lambda stores those as they are, which is what lets JSON filter
 * patterns such as { $.level = "ERROR" } match them.
 */
function asLambdaWrites(line: { at: number; level: Level; text: string }, requestId: string): string {
  const text = line.text.trim();
  if (text.startsWith('{') && text.endsWith('}')) {
    try {
      JSON.parse(text);
      return `${text}\n`;
    } catch {
      // not JSON after all: a text line
    }
  }
  return functionLine(new Date(line.at), requestId, line.level, line.text);
}

export function createLambdaLogShipper(options: LambdaLogShipperOptions): LambdaLogShipper {
  const logGroupName = `/aws/lambda/${options.functionName}`;
  const memorySizeMb = options.memorySizeMb ?? 1024;
  const timeoutSeconds = options.timeoutSeconds ?? 6;
  const idleContainerMs = options.idleContainerMs ?? 60_000;
  const graceMs = options.graceMs ?? 50;
  const batchMs = options.batchMs ?? 50;
  const client =
    options.client ??
    new CloudWatchLogsClient({
      ...clientOptions(),
      region: options.region ?? configuredRegion(),
      endpoint: options.endpoint,
      credentials: OFFLINE_CREDENTIALS,
      maxAttempts: 2,
    });
  const containers: Container[] = [];
  const open: Invocation[] = [];
  const ending: Invocation[] = [];
  const queue = new Map<string, QueuedEvent[]>();
  const createdStreams = new Set<string>();
  let groupReady = false;
  let queued = 0;
  let queuedBytes = 0;
  let shipped = 0;
  let sending: Promise<void> = Promise.resolve();
  let batchTimer: NodeJS.Timeout | undefined;
  let retryMs = 0;
  let closed = false;

  const notice = (message: string) => options.onError?.(new Error(message));

  const schedule = (ms: number) => {
    batchTimer ??= setTimeout(() => {
      batchTimer = undefined;
      void send();
    }, ms);
  };

  const enqueue = (streamName: string, timestamp: number, message: string) => {
    let events = queue.get(streamName);
    if (!events) {
      events = [];
      queue.set(streamName, events);
    }
    const event = { timestamp, message };
    events.push(event);
    queued++;
    queuedBytes += eventBytes(event);
    if (queued > MAX_QUEUED_EVENTS || queuedBytes > MAX_QUEUED_BYTES) {
      // The endpoint has been away a long time: keep the newest events only, and say so.
      let dropped = 0;
      for (const list of queue.values()) {
        while (list.length > 0 && (queued > MAX_QUEUED_EVENTS || queuedBytes > MAX_QUEUED_BYTES)) {
          queuedBytes -= eventBytes(list.shift() as QueuedEvent);
          queued--;
          dropped++;
        }
      }
      notice(
        `${dropped} of the oldest log events were dropped: the local CloudWatch Logs endpoint has been unreachable while more than ${MAX_QUEUED_EVENTS} events (or ${MAX_QUEUED_BYTES / 1024 / 1024} MiB) waited for it.`,
      );
    }
    // During an outage, the retry timer sends next; new lines do not hasten it.
    schedule(retryMs > 0 ? retryMs : batchMs);
  };

  const ensureLogGroup = async () => {
    if (groupReady) return;
    await client.send(new CreateLogGroupCommand({ logGroupName })).catch((error: Error) => {
      if (error.name !== 'ResourceAlreadyExistsException') throw error;
    });
    groupReady = true;
  };

  const ensureStream = async (streamName: string) => {
    await ensureLogGroup();
    if (createdStreams.has(streamName)) return;
    await client
      .send(new CreateLogStreamCommand({ logGroupName, logStreamName: streamName }))
      .catch((error: Error) => {
        if (error.name !== 'ResourceAlreadyExistsException') throw error;
      });
    createdStreams.add(streamName);
  };

  const take = (events: QueuedEvent[], n: number) => {
    for (const event of events.splice(0, n)) queuedBytes -= eventBytes(event);
    queued -= n;
  };

  /**
   * Sends a stream's queue oldest first, in batches PutLogEvents accepts. A batch refused for what it
   * holds is halved until the event refused on its own is found, and that one is dropped with a notice:
   * a bad event never holds back the ones after it. Any other failure (the endpoint away, throttled) keeps
   * the queue as it is, for the next try. Returns false on such a failure.
   */
  const sendStream = async (streamName: string, events: QueuedEvent[]): Promise<boolean> => {
    let atMost = MAX_BATCH_EVENTS;
    while (events.length > 0) {
      // Stable: events of one timestamp keep the order they were written in.
      events.sort((a, b) => a.timestamp - b.timestamp);
      const n = batchLength(events, atMost);
      if (n === 0) {
        const size = eventBytes(events[0] as QueuedEvent);
        take(events, 1);
        notice(
          `A log event of ${size} bytes was dropped: PutLogEvents takes at most ${MAX_BATCH_BYTES} bytes a batch (26 bytes counted per event).`,
        );
        continue;
      }
      const batch = events.slice(0, n);
      try {
        await ensureStream(streamName);
        const answer = await client.send(
          new PutLogEventsCommand({ logGroupName, logStreamName: streamName, logEvents: batch }),
        );
        take(events, n);
        const info = answer.rejectedLogEventsInfo;
        const rejected =
          (info?.expiredLogEventEndIndex ?? info?.tooOldLogEventEndIndex ?? 0) +
          (info?.tooNewLogEventStartIndex !== undefined ? n - info.tooNewLogEventStartIndex : 0);
        shipped += n - rejected;
        if (rejected > 0) {
          notice(
            `${rejected} log events were not stored: their timestamps are too old or too new for CloudWatch Logs.`,
          );
        }
      } catch (error) {
        const e = error as Error;
        if (e.name === 'ResourceNotFoundException') {
          groupReady = false;
          createdStreams.clear();
        }
        if (!isRefusal(e)) {
          options.onError?.(e);
          return false;
        }
        if (n > 1) {
          atMost = Math.ceil(n / 2);
          continue;
        }
        take(events, 1);
        notice(`A log event was dropped: the endpoint refused it (${e.name}: ${e.message}).`);
      }
    }
    return true;
  };

  const send = (): Promise<void> => {
    sending = sending.then(async () => {
      for (const [streamName, events] of queue) {
        if (events.length === 0) continue;
        if (!(await sendStream(streamName, events))) {
          // Tried again after a while even if no line comes: a backlog drains once the endpoint is back.
          retryMs = Math.min(RETRY_MAX_MS, Math.max(RETRY_FIRST_MS, retryMs * 2));
          if (!closed) schedule(retryMs);
          return;
        }
      }
      retryMs = 0;
    });
    return sending;
  };

  const takeContainer = (now: number): { container: Container; cold: boolean } => {
    for (const c of containers) {
      if (!c.dead && !c.busy && now - c.lastUsedAt > idleContainerMs) c.dead = true;
    }
    const idle = containers.find((c) => !c.dead && !c.busy);
    if (idle) {
      idle.busy = true;
      return { container: idle, cold: false };
    }
    const container = { streamName: containerStreamName(now), busy: true, lastUsedAt: now, dead: false };
    containers.push(container);
    return { container, cold: true };
  };

  const finish = (invocation: Invocation) => {
    clearTimeout(invocation.timer);
    const index = ending.indexOf(invocation);
    if (index >= 0) ending.splice(index, 1);
    const openIndex = open.indexOf(invocation);
    if (openIndex >= 0) open.splice(openIndex, 1);
    const requestId = invocation.requestId ?? randomUUID();
    const stream = invocation.container.streamName;
    const end = invocation.end ?? { at: invocation.lastAt };
    const measured = end.at - invocation.startedAt;
    const timedOut = end.timedOut === true;
    let durationMs = timedOut ? timeoutSeconds * 1000 : (end.durationMs ?? measured);
    // On a cold start, what serverless-offline spent before the handler ran: loading it, as Lambda's INIT.
    let initDurationMs = invocation.cold && !timedOut ? Math.max(0, measured - durationMs) : undefined;
    // Read together (a busy machine reads both lines at once), the lines say nothing of the load. Then
    // serverless-offline's Duration, which includes the load on a cold start, less what the function says it
    // spent (its JSON line's durationMs), is the load: never "init 0.00 ms".
    const own = ownDurationMs(invocation.lines);
    if (initDurationMs !== undefined && initDurationMs < 1 && own !== undefined && durationMs > own) {
      initDurationMs = durationMs - own;
      durationMs = own;
    }
    const billedDurationMs = Math.ceil(durationMs + (initDurationMs ?? 0));
    const maxMemoryUsedMb = options.maxMemoryUsedMb?.();
    enqueue(stream, invocation.startedAt, startLine(requestId));
    for (const line of invocation.lines) enqueue(stream, line.at, asLambdaWrites(line, requestId));
    const last = Math.max(end.at, invocation.lastAt);
    if (invocation.errorLines.length > 0 && !timedOut) {
      enqueue(
        stream,
        last,
        functionLine(new Date(last), requestId, 'ERROR', invokeError(invocation.errorLines)),
      );
    }
    if (timedOut) enqueue(stream, last, timeoutLine(new Date(last), requestId, timeoutSeconds));
    enqueue(stream, last, endLine(requestId));
    enqueue(
      stream,
      last,
      reportLine({
        requestId,
        durationMs,
        billedDurationMs,
        memorySizeMb,
        ...(maxMemoryUsedMb !== undefined ? { maxMemoryUsedMb } : {}),
        ...(initDurationMs !== undefined ? { initDurationMs } : {}),
        ...(timedOut ? { status: 'timeout' } : {}),
      }),
    );
  };

  const scheduleEnd = (invocation: Invocation, afterMs = graceMs) => {
    // The container is free as soon as serverless-offline says the request is done: the next request may
    // come before the late lines of this one.
    invocation.container.busy = false;
    invocation.container.lastUsedAt = invocation.lastAt;
    // serverless-offline ends the worker of a request that timed out: the next request starts cold.
    if (invocation.end?.timedOut) invocation.container.dead = true;
    const openIndex = open.indexOf(invocation);
    if (openIndex >= 0) open.splice(openIndex, 1);
    if (!ending.includes(invocation)) ending.push(invocation);
    clearTimeout(invocation.timer);
    invocation.timer = setTimeout(() => finish(invocation), afterMs);
  };

  /** Which running request a line of the function belongs to. */
  const owner = (requestId: string | undefined): Invocation | undefined => {
    if (requestId) {
      const known = [...open, ...ending].find((i) => i.requestId === requestId);
      if (known) return known;
      const unnamed = open.find((i) => i.requestId === undefined);
      if (unnamed) {
        unnamed.requestId = requestId;
        return unnamed;
      }
    }
    return open[open.length - 1] ?? ending[ending.length - 1];
  };

  return {
    logGroupName,
    get shipped() {
      return shipped;
    },
    onLine(raw, stream) {
      if (closed) return;
      const line = raw.replace(ANSI, '').replace(/\r$/, '');
      if (line.trim() === '') return;
      const now = Date.now();
      const request = REQUEST_LINE.exec(line);
      if (request) {
        if (options.functionKey && request[3] !== options.functionKey) return;
        // A reading before the function runs: the memory probe measures growth from its first one.
        options.maxMemoryUsedMb?.();
        const { container, cold } = takeContainer(now);
        open.push({ container, cold, startedAt: now, lines: [], errorLines: [], lastAt: now });
        return;
      }
      const done = DONE_LINE.exec(line);
      if (done) {
        if (options.functionKey && done[1] !== options.functionKey) return;
        const invocation = owner(done[2]);
        if (!invocation) return;
        invocation.requestId ??= done[2];
        invocation.end = { at: now, durationMs: Number(done[3]), billedMs: Number(done[4]) };
        invocation.lastAt = now;
        scheduleEnd(invocation);
        return;
      }
      const failure = FAILURE_LINE.exec(line);
      if (failure) {
        const invocation = open[0] ?? ending[ending.length - 1];
        if (!invocation) return;
        const text = failure[1] as string;
        invocation.lastAt = now;
        if (/Lambda timeout/.test(text)) {
          invocation.end = { at: now, timedOut: true };
          scheduleEnd(invocation);
          return;
        }
        invocation.errorLines.push(text);
        // No RequestId line follows an unhandled exception: the request ends once the error is told.
        invocation.end = { at: now };
        scheduleEnd(invocation, Math.max(graceMs, 100));
        return;
      }
      const invocation = owner(UUID_IN_JSON.exec(line)?.[1]);
      if (!invocation) return;
      if (STACK_LINE.test(line) && invocation.errorLines.length > 0) {
        invocation.errorLines.push(line);
        return;
      }
      invocation.lines.push({ at: now, level: levelOfLine(line, stream), text: line });
      invocation.lastAt = now;
      if (invocation.end) invocation.end.at = Math.max(invocation.end.at, now);
    },
    ensureLogGroup,
    async settle(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (open.length > 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      await this.flush();
    },
    async flush() {
      for (const invocation of [...ending]) finish(invocation);
      clearTimeout(batchTimer);
      batchTimer = undefined;
      await send();
    },
    async close() {
      for (const invocation of [...ending]) finish(invocation);
      for (const invocation of open.splice(0)) {
        const requestId = invocation.requestId ?? randomUUID();
        enqueue(invocation.container.streamName, invocation.startedAt, startLine(requestId));
        for (const line of invocation.lines) {
          enqueue(invocation.container.streamName, line.at, asLambdaWrites(line, requestId));
        }
      }
      closed = true;
      clearTimeout(batchTimer);
      batchTimer = undefined;
      await send();
      if (!options.client) client.destroy();
    },
  };
}
