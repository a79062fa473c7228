/**
 * How the tail prints a log event: Lambda's lines parsed (text and JSON formats), JSON messages shown as
 * key=value (short) or indented (detailed), levels coloured, and START/END/REPORT folded into one REPORT
 * line per request with its duration, billed duration, memory and init duration (a cold start flagged).
 * Timeouts and crashes are red. `json` prints one JSON object per event, for scripts.
 *
 * A log message is text anyone can write (a forged signature is logged too): its control characters are
 * shown escaped (`\x1b`, `\u202e`), never sent to the terminal, so a message cannot recolour the screen,
 * move the cursor, set the window's title (OSC), ring the bell, rewrite the line (`\r`) or reorder what you
 * read (bidirectional overrides). That holds for what JSON decodes too: a JSON string's `\u001b` is an
 * escape character once parsed, so every string taken from a parsed line is escaped again before it is
 * shown. Tabs and line breaks stay; the tail's own colours are the only escape codes it prints.
 */

import { styleText } from 'node:util';
import { type LambdaLine, type Level, parseLambdaLine } from './lambda-lines';

export type Format = 'short' | 'detailed' | 'json';
export const FORMATS: readonly Format[] = ['short', 'detailed', 'json'];

export interface TailEvent {
  readonly logStreamName: string;
  readonly timestamp: number;
  readonly message: string;
  readonly ingestionTime?: number;
  readonly eventId?: string;
  readonly logGroup?: string;
}

export interface RenderOptions {
  readonly format: Format;
  readonly color: boolean;
  /** Times in UTC (with a Z) rather than local time. */
  readonly utc: boolean;
}

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan';

const LEVEL_STYLE: Record<Level, Style[]> = {
  TRACE: ['dim'],
  DEBUG: ['dim'],
  INFO: ['green'],
  WARN: ['yellow'],
  ERROR: ['red', 'bold'],
  FATAL: ['red', 'bold'],
};

/**
 * C0 and C1 controls but tab and newline, DEL, the line separators, the bidirectional marks, overrides and
 * isolates, and the invisible ones (zero-width spaces and joiners, the byte order mark).
 */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** `text` with its control characters escaped, as a terminal tool must show untrusted text. */
export function visible(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** The line with every string it holds escaped: a JSON-format line's fields are decoded JSON strings. */
function withVisibleStrings(line: LambdaLine): LambdaLine {
  const copy: Record<string, unknown> = { ...line };
  for (const [key, value] of Object.entries(copy)) if (typeof value === 'string') copy[key] = visible(value);
  return copy as unknown as LambdaLine;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

export function formatTime(timestamp: number, utc: boolean, withDate: boolean): string {
  const d = new Date(timestamp);
  const parts = utc
    ? [
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
        d.getUTCMilliseconds(),
      ]
    : [
        d.getFullYear(),
        d.getMonth() + 1,
        d.getDate(),
        d.getHours(),
        d.getMinutes(),
        d.getSeconds(),
        d.getMilliseconds(),
      ];
  const [y, mo, da, h, mi, s, ms] = parts as [number, number, number, number, number, number, number];
  const time = `${pad2(h)}:${pad2(mi)}:${pad2(s)}.${String(ms).padStart(3, '0')}${utc ? 'Z' : ''}`;
  return withDate ? `${y}-${pad2(mo)}-${pad2(da)}${utc ? 'T' : ' '}${time}` : time;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(2)} ms`;
}

function logfmtValue(value: unknown): string {
  if (typeof value === 'string')
    return /^[^\s"=]+$/.test(value) ? visible(value) : visible(JSON.stringify(value));
  if (value === undefined) return 'undefined';
  return visible(JSON.stringify(value));
}

/**
 * The runtime's line for an exception the handler did not catch, e.g.
 * `Invoke Error \t{"errorType":"Error","errorMessage":"boom","stack":[...]}`: shown as `Invoke Error: Error: boom`,
 * with the stack in the detailed format.
 */
function describeFailure(text: string, withStack: boolean): string | undefined {
  const match = /^(Invoke Error|Uncaught Exception)\s*(\{[\s\S]*\})\s*$/.exec(text);
  if (!match) return undefined;
  try {
    const error = JSON.parse(match[2] as string) as {
      errorType?: string;
      errorMessage?: string;
      stack?: string[];
    };
    const head = `${match[1]}: ${error.errorType ?? 'Error'}: ${error.errorMessage ?? ''}`;
    const frames =
      withStack && Array.isArray(error.stack) ? error.stack.filter((f) => /^\s+at /.test(f)) : [];
    return [head, ...frames.map((f) => `  ${f.trim()}`)].join('\n');
  } catch {
    return undefined;
  }
}

export class Renderer {
  constructor(private readonly options: RenderOptions) {}

  private paint(text: string, ...styles: Style[]): string {
    if (!this.options.color || styles.length === 0) return text;
    // The caller already decided (options.color: a terminal, no NO_COLOR), so no second check of the stream.
    return styleText(styles, text, { validateStream: false });
  }

  /** The text to print for an event (with its newline), or '' when it is folded into another line. */
  render(event: TailEvent): string {
    if (this.options.format === 'json') return this.renderJson(event, parseLambdaLine(event.message));
    const line = withVisibleStrings(parseLambdaLine(visible(event.message)));
    if (line.kind === 'start' || line.kind === 'end') return '';
    const detailed = this.options.format === 'detailed';
    const time = this.paint(formatTime(event.timestamp, this.options.utc, detailed), 'dim');
    const requestId = 'requestId' in line ? line.requestId : undefined;
    const rid = requestId ? (detailed ? requestId : requestId.slice(0, 8)) : detailed ? '-' : ' '.repeat(8);
    const head = detailed
      ? `${time} ${this.paint(visible(event.logStreamName), 'cyan')} ${this.paint(rid, 'magenta')}`
      : `${time} ${this.paint(rid, 'magenta')}`;
    const [tag, body] = this.describe(line, detailed, requestId);
    const indent = detailed ? '    ' : ' '.repeat(formatTime(0, this.options.utc, false).length + 16);
    const text = body.replace(/\n/g, `\n${indent}`);
    return `${head} ${tag} ${text}\n`;
  }

  private describe(line: LambdaLine, detailed: boolean, requestId: string | undefined): [string, string] {
    switch (line.kind) {
      case 'report': {
        const failed = line.status !== undefined;
        const parts = [`${formatMs(line.durationMs)} (billed ${line.billedDurationMs} ms)`];
        parts.push(`${line.maxMemoryUsedMb ?? '?'}/${line.memorySizeMb} MB`);
        if (line.initDurationMs !== undefined) {
          parts.push(this.paint(`cold start, init ${formatMs(line.initDurationMs)}`, 'yellow'));
        }
        if (line.status) {
          const what =
            line.status === 'timeout' ? 'TIMED OUT' : `FAILED${line.errorType ? ` (${line.errorType})` : ''}`;
          parts.push(this.paint(what, 'red', 'bold'));
        }
        return [this.paint('REPORT', failed ? 'red' : 'blue'), parts.join(' · ')];
      }
      case 'timeout':
        return [
          this.paint('TIMEOUT', 'red', 'bold'),
          this.paint(`Task timed out after ${line.seconds.toFixed(2)} seconds`, 'red'),
        ];
      case 'crash':
        return [this.paint('CRASH', 'red', 'bold'), this.paint(line.text, 'red')];
      case 'init-start':
        return [
          this.paint('INIT ', 'dim'),
          this.paint(`cold start${line.runtime ? ` (${line.runtime})` : ''}`, 'dim'),
        ];
      case 'init-report': {
        const failed = line.status !== undefined && line.status !== 'success';
        const text = `init ${line.durationMs !== undefined ? formatMs(line.durationMs) : ''}${line.status ? ` ${line.status}` : ''}${line.errorType ? ` (${line.errorType})` : ''}`;
        return [this.paint('INIT ', failed ? 'red' : 'dim'), failed ? this.paint(text, 'red') : text];
      }
      case 'log': {
        const jsonLevel =
          line.json && typeof line.json === 'object'
            ? (line.json as Record<string, unknown>).level
            : undefined;
        const fromJson =
          typeof jsonLevel === 'string' ? jsonLevel.toUpperCase().replace('WARNING', 'WARN') : undefined;
        const level = (
          line.level === 'INFO' && fromJson && fromJson in LEVEL_STYLE ? fromJson : (line.level ?? 'INFO')
        ) as Level;
        const failure = describeFailure(line.text, detailed);
        if (failure) {
          // The error's message and stack are decoded JSON strings.
          return [this.paint(level.padEnd(5), ...LEVEL_STYLE[level]), this.paint(visible(failure), 'red')];
        }
        return [
          this.paint(level.padEnd(5), ...LEVEL_STYLE[level]),
          this.body(line.text, line.json, detailed, requestId, level),
        ];
      }
      case 'raw':
        return [' '.repeat(5), this.body(line.text, line.json, detailed, undefined, undefined)];
      default:
        return ['', ''];
    }
  }

  private body(text: string, json: unknown, detailed: boolean, requestId?: string, level?: string): string {
    if (json === undefined || json === null || typeof json !== 'object')
      return visible(text.replace(/\n+$/, ''));
    if (detailed) return `\n${this.prettyJson(json, 0)}`;
    // JSON.stringify escapes C0 controls only: C1 ones and bidirectional overrides would pass.
    if (Array.isArray(json)) return visible(JSON.stringify(json));
    const entries = Object.entries(json as Record<string, unknown>).filter(
      ([key, value]) =>
        !(key === 'requestId' && value === requestId) &&
        !(key === 'level' && typeof value === 'string' && value.toUpperCase().startsWith(level ?? '\u0000')),
    );
    return entries
      .map(([key, value]) => `${this.paint(visible(key), 'cyan')}=${logfmtValue(value)}`)
      .join(' ');
  }

  private prettyJson(value: unknown, depth: number): string {
    const pad = '  '.repeat(depth + 1);
    if (Array.isArray(value)) {
      if (value.length === 0) return '[]';
      return `[\n${value.map((v) => `${pad}${this.prettyJson(v, depth + 1)}`).join(',\n')}\n${'  '.repeat(depth)}]`;
    }
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) return '{}';
      const body = entries
        .map(
          ([k, v]) =>
            `${pad}${this.paint(visible(JSON.stringify(k)), 'cyan')}: ${this.prettyJson(v, depth + 1)}`,
        )
        .join(',\n');
      return `{\n${body}\n${'  '.repeat(depth)}}`;
    }
    return visible(JSON.stringify(value));
  }

  private renderJson(event: TailEvent, line: LambdaLine): string {
    if (line.kind === 'start' || line.kind === 'end') return '';
    const base = {
      timestamp: new Date(event.timestamp).toISOString(),
      ...(event.logGroup ? { logGroup: event.logGroup } : {}),
      logStream: event.logStreamName,
      ...(event.eventId ? { eventId: event.eventId } : {}),
    };
    let fields: Record<string, unknown>;
    switch (line.kind) {
      case 'report': {
        const { kind: _kind, ...figures } = line;
        fields = { type: 'report', ...figures, coldStart: line.initDurationMs !== undefined };
        break;
      }
      case 'log':
        fields = {
          type: 'log',
          ...(line.requestId ? { requestId: line.requestId } : {}),
          level: line.level ?? 'INFO',
          message: line.text,
          ...(line.json !== undefined ? { data: line.json } : {}),
        };
        break;
      case 'raw':
        fields = { type: 'log', message: line.text, ...(line.json !== undefined ? { data: line.json } : {}) };
        break;
      default: {
        const { kind, ...rest } = line;
        fields = { type: kind, ...rest };
      }
    }
    // JSON escapes C0 controls itself; the others become \u escapes, so the line stays valid JSON.
    return `${JSON.stringify({ ...base, ...fields }).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
  }
}
