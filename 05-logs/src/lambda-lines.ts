/**
 * What Lambda writes to CloudWatch Logs, both ways: parse a log event's message into what it means
 * (START, a function line, END, REPORT, a timeout...), and write those lines as Lambda does (the offline
 * shipper uses the writers, so what it ships reads exactly like AWS's).
 *
 * Text format (the default):
 *   START RequestId: 8f5a... Version: $LATEST
 *   2026-11-25T10:00:00.123Z\t8f5a...\tINFO\t{"outcome":"rejected",...}
 *   END RequestId: 8f5a...
 *   REPORT RequestId: 8f5a...\tDuration: 2.71 ms\tBilled Duration: 3 ms\tMemory Size: 1024 MB\tMax Memory Used: 67 MB\tInit Duration: 156.33 ms\t
 * JSON format (LoggingConfig LogFormat=JSON): {"timestamp":..,"level":..,"requestId":..,"message":..}, and
 * platform events such as {"time":..,"type":"platform.report","record":{"requestId":..,"metrics":{...}}}.
 */

export type Level = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

export interface ReportFigures {
  readonly requestId: string;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb?: number;
  /** Only on a cold start: the time Lambda spent loading the function before this request. */
  readonly initDurationMs?: number;
  /** `timeout` or `error` when the invocation did not end well. */
  readonly status?: string;
  readonly errorType?: string;
}

export type LambdaLine =
  | { kind: 'start'; requestId: string; version?: string }
  | { kind: 'end'; requestId: string }
  | ({ kind: 'report' } & ReportFigures)
  | { kind: 'init-start'; runtime?: string }
  | { kind: 'init-report'; durationMs?: number; status?: string; errorType?: string }
  | { kind: 'timeout'; requestId?: string; seconds: number; time?: string }
  | { kind: 'crash'; requestId?: string; text: string }
  | { kind: 'log'; time?: string; requestId?: string; level?: Level; text: string; json?: unknown }
  | { kind: 'raw'; text: string; json?: unknown };

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?Z';
const LEVELS = new Set(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']);

const START = new RegExp(`^START RequestId: (${UUID})(?: Version: (\\S+))?`);
const END = new RegExp(`^END RequestId: (${UUID})`);
const REPORT = new RegExp(`^REPORT RequestId: (${UUID})`);
const NODE_LINE = new RegExp(`^(${ISO})\\t(${UUID}|undefined)\\t([A-Z]+)\\t([\\s\\S]*)$`);
const PYTHON_LINE = new RegExp(`^\\[([A-Z]+)\\]\\t(${ISO})\\t(${UUID})\\t([\\s\\S]*)$`);
const TIMEOUT = new RegExp(
  `^(?:(${ISO})[ \\t]+)?(?:(${UUID})[ \\t]+)?Task timed out after ([\\d.]+) seconds`,
);
const CRASH = new RegExp(`^RequestId: (${UUID}) Error: ([\\s\\S]*)$`);

function number(text: string, label: string): number | undefined {
  const match = new RegExp(`${label}: ([\\d.]+)`).exec(text);
  return match ? Number(match[1]) : undefined;
}

function word(text: string, label: string): string | undefined {
  const match = new RegExp(`${label}: ([^\\t\\n]+?)\\s*(?:\\t|\\n|$)`).exec(text);
  return match?.[1];
}

function tryJson(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

function levelOf(value: unknown): Level | undefined {
  const text = typeof value === 'string' ? value.toUpperCase() : '';
  if (text === 'WARNING') return 'WARN';
  return LEVELS.has(text) ? (text as Level) : undefined;
}

function parseJsonLine(document: Record<string, unknown>, text: string): LambdaLine {
  const type = typeof document.type === 'string' ? document.type : undefined;
  const record = (document.record ?? {}) as Record<string, unknown>;
  const requestId = typeof record.requestId === 'string' ? record.requestId : undefined;
  if (type === 'platform.start' && requestId) {
    return { kind: 'start', requestId, version: record.version as string | undefined };
  }
  if ((type === 'platform.runtimeDone' || type === 'platform.end') && requestId)
    return { kind: 'end', requestId };
  if (type === 'platform.initStart')
    return { kind: 'init-start', runtime: record.runtimeVersion as string | undefined };
  if (type === 'platform.report' && requestId) {
    const metrics = (record.metrics ?? {}) as Record<string, number | undefined>;
    const status =
      typeof record.status === 'string' && record.status !== 'success' ? record.status : undefined;
    return {
      kind: 'report',
      requestId,
      durationMs: metrics.durationMs ?? 0,
      billedDurationMs: metrics.billedDurationMs ?? 0,
      memorySizeMb: metrics.memorySizeMB ?? 0,
      ...(metrics.maxMemoryUsedMB !== undefined ? { maxMemoryUsedMb: metrics.maxMemoryUsedMB } : {}),
      ...(metrics.initDurationMs !== undefined ? { initDurationMs: metrics.initDurationMs } : {}),
      ...(status ? { status } : {}),
      ...(typeof record.errorType === 'string' ? { errorType: record.errorType } : {}),
    };
  }
  const level = levelOf(document.level);
  if (level || typeof document.requestId === 'string') {
    const message = document.message;
    const { timestamp: _t, level: _l, requestId: _r, ...rest } = document;
    // Lambda's JSON format wraps a message: {timestamp, level, requestId, message}. Show the message itself;
    // a line with fields of its own (like chapter 03's) is shown with its fields.
    const onlyMessage = Object.keys(rest).length === 1 && 'message' in rest;
    return {
      kind: 'log',
      time: typeof document.timestamp === 'string' ? document.timestamp : undefined,
      requestId: typeof document.requestId === 'string' ? document.requestId : undefined,
      level,
      text: typeof message === 'string' ? message : JSON.stringify(message ?? document),
      json: onlyMessage ? (typeof message === 'string' ? tryJson(message) : message) : document,
    };
  }
  return { kind: 'raw', text, json: document };
}

/** What a CloudWatch log event of a Lambda function says. */
export function parseLambdaLine(message: string): LambdaLine {
  const text = message.replace(/\r?\n$/, '');
  let match = START.exec(text);
  if (match)
    return { kind: 'start', requestId: match[1] as string, ...(match[2] ? { version: match[2] } : {}) };
  match = END.exec(text);
  if (match) return { kind: 'end', requestId: match[1] as string };
  match = REPORT.exec(text);
  if (match) {
    const maxMemoryUsedMb = number(text, 'Max Memory Used');
    const initDurationMs = number(text, 'Init Duration');
    const status = word(text, 'Status');
    const errorType = word(text, 'Error Type');
    return {
      kind: 'report',
      requestId: match[1] as string,
      durationMs: number(text, '[\\t ]Duration') ?? 0,
      billedDurationMs: number(text, 'Billed Duration') ?? 0,
      memorySizeMb: number(text, 'Memory Size') ?? 0,
      ...(maxMemoryUsedMb !== undefined ? { maxMemoryUsedMb } : {}),
      ...(initDurationMs !== undefined ? { initDurationMs } : {}),
      ...(status ? { status } : {}),
      ...(errorType ? { errorType } : {}),
    };
  }
  if (text.startsWith('INIT_START')) return { kind: 'init-start', runtime: word(text, 'Runtime Version') };
  if (text.startsWith('INIT_REPORT')) {
    return {
      kind: 'init-report',
      durationMs: number(text, 'Init Duration'),
      status: word(text, 'Status'),
      errorType: word(text, 'Error Type'),
    };
  }
  match = TIMEOUT.exec(text);
  if (match) {
    return {
      kind: 'timeout',
      seconds: Number(match[3]),
      ...(match[1] ? { time: match[1] } : {}),
      ...(match[2] ? { requestId: match[2] } : {}),
    };
  }
  match = CRASH.exec(text);
  if (match) return { kind: 'crash', requestId: match[1] as string, text: match[2] as string };
  match = NODE_LINE.exec(text);
  if (match) {
    const body = match[4] as string;
    const timeout = TIMEOUT.exec(body);
    if (timeout)
      return { kind: 'timeout', requestId: match[2] as string, seconds: Number(timeout[3]), time: match[1] };
    return {
      kind: 'log',
      time: match[1],
      ...(match[2] !== 'undefined' ? { requestId: match[2] } : {}),
      level: levelOf(match[3]) ?? 'INFO',
      text: body,
      json: tryJson(body),
    };
  }
  match = PYTHON_LINE.exec(text);
  if (match) {
    const body = match[4] as string;
    return {
      kind: 'log',
      time: match[2],
      requestId: match[3],
      level: levelOf(match[1]) ?? 'INFO',
      text: body,
      json: tryJson(body),
    };
  }
  const json = tryJson(text);
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    return parseJsonLine(json as Record<string, unknown>, text);
  }
  return { kind: 'raw', text, ...(json !== undefined ? { json } : {}) };
}

// ------------------------------------------------------------------ writers (text format, as Lambda writes)

export function startLine(requestId: string, version = '$LATEST'): string {
  return `START RequestId: ${requestId} Version: ${version}\n`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}\n`;
}

export function functionLine(time: Date, requestId: string, level: Level, message: string): string {
  return `${time.toISOString()}\t${requestId}\t${level}\t${message}\n`;
}

export function timeoutLine(time: Date, requestId: string, seconds: number): string {
  return `${time.toISOString()} ${requestId} Task timed out after ${seconds.toFixed(2)} seconds\n`;
}

export function reportLine(figures: ReportFigures): string {
  const parts = [
    `REPORT RequestId: ${figures.requestId}`,
    `Duration: ${figures.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${figures.billedDurationMs} ms`,
    `Memory Size: ${figures.memorySizeMb} MB`,
  ];
  if (figures.maxMemoryUsedMb !== undefined) parts.push(`Max Memory Used: ${figures.maxMemoryUsedMb} MB`);
  if (figures.initDurationMs !== undefined)
    parts.push(`Init Duration: ${figures.initDurationMs.toFixed(2)} ms`);
  if (figures.status) parts.push(`Status: ${figures.status}`);
  if (figures.errorType) parts.push(`Error Type: ${figures.errorType}`);
  return `${parts.join('\t')}\t\n`;
}
