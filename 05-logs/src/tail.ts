/**
 * The tail: the recent history of a log group, then what arrives, each event printed exactly once.
 *
 * Read it top to bottom: `tailLogs()` reads the history with FilterLogEvents; with `follow`, it goes on
 * with Live Tail (live-tail.ts), or polls FilterLogEvents where Live Tail is not available (polling.ts).
 * Whatever brings an event (the history, a live session, a re-read window), it goes through `printOnce()`,
 * which remembers what was printed (seen-events.ts). Calls that may pass later (throttling, 5xx, dropped
 * connections) are retried with backoff (retry.ts); the others end the tail with a message that says what
 * to do. README "How the tail works" explains each part.
 */
import type { Writable } from 'node:stream';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { explainAwsError } from '../../shared/src/aws';
import { callerAccountId, createLogsClient, type LogsClientOptions } from './client';
import { LateEvents } from './late-events';
import { followLive, LiveUnavailable } from './live-tail';
import { describeGroupArn, groupArn, NoSuchGroup } from './log-group';
import { Pace } from './pace';
import { followByPolling } from './polling';
import { readWindow } from './read-window';
import { type Format, formatTime, Renderer, type TailEvent } from './render';
import { exponentialBackoff, isThrottling, withRetry } from './retry';
import { eventKey, type OccurrenceCounter, SeenEvents } from './seen-events';
import { StatusLine } from './status-line';
import { type RawEvent, TailError, type Tailing, type TailResult, type TailStats } from './tailing';

export { TailError, type TailResult, type TailStats } from './tailing';

export interface TailOptions extends LogsClientOptions {
  readonly logGroup: string;
  /** A client of your own (tests, benches); else one is made from endpoint/region/credentials. */
  readonly client?: CloudWatchLogsClient;
  /** Start of the history, in ms since the epoch. Default: ten minutes ago. */
  readonly since?: number;
  /** Keep going after the history (until the signal aborts, the output closes or the idle time runs out). */
  readonly follow?: boolean;
  readonly format?: Format;
  readonly filterPattern?: string;
  /** With follow: stop once nothing new was printed for this long. */
  readonly exitAfterIdleMs?: number;
  readonly output: Writable;
  /** Where the status line goes (a terminal), if anywhere. */
  readonly status?: Writable;
  /** One-line notices (polling instead of Live Tail, a session resumed...). */
  readonly notice?: (text: string) => void;
  readonly color?: boolean;
  readonly utc?: boolean;
  readonly signal?: AbortSignal;
  /** `auto` (default): live if the endpoint allows it, else polling. */
  readonly mode?: 'auto' | 'live' | 'poll';
  /** Polling pace: the shortest and the longest wait between polls. */
  readonly pollMinMs?: number;
  readonly pollMaxMs?: number;
  /** The narrowest wide window of polling, for events ingested late (widened when later ones are seen). */
  readonly lateWindowMs?: number;
  /** Live Tail: renew a session after this long, run the old one beside the new one this long. */
  readonly liveRenewAfterMs?: number;
  readonly liveOverlapMs?: number;
  /** Live Tail: a session without an update for this long is taken for dead and reopened. */
  readonly liveSilentAfterMs?: number;
  readonly maxRememberedEvents?: number;
  /** Give up after this many failed attempts of one call (default: 8 without follow, never with it). */
  readonly maxAttempts?: number;
  /** The AWS account id, for the group's ARN when DescribeLogGroups is denied. Default: STS. */
  readonly accountId?: () => Promise<string>;
}

const TEN_MINUTES_MS = 10 * 60_000;
const THREE_HOURS_MS = 3 * 3600_000;
/** With the account's Live Tail sessions all taken (a classroom), poll this gently: see README "Classroom". */
const CLASSROOM_POLL_MS = 3000;

/** Tail a log group: see the module comment. Resolves when it stops; rejects with a TailError. */
export function tailLogs(options: TailOptions): Promise<TailResult> {
  return new Tail(options).run();
}

class Tail implements Tailing {
  readonly client: CloudWatchLogsClient;
  readonly logGroup: string;
  readonly filterPattern: string | undefined;
  readonly late: LateEvents;
  readonly stats: TailStats;
  horizon = 0;
  private readonly stop = new AbortController();
  private reason: TailResult['reason'] = 'done';
  private readonly renderer: Renderer;
  private readonly seen: SeenEvents;
  private readonly statusLine: StatusLine;
  private pace: Pace;
  private idleSince: number | undefined;

  constructor(private readonly options: TailOptions) {
    this.client = options.client ?? createLogsClient(options);
    this.logGroup = options.logGroup;
    this.filterPattern = options.filterPattern || undefined;
    const format = options.format ?? 'short';
    this.renderer = new Renderer({ format, color: options.color ?? false, utc: options.utc ?? false });
    this.seen = new SeenEvents(options.maxRememberedEvents);
    this.statusLine = new StatusLine(options.status);
    this.pace = new Pace(
      options.pollMinMs ?? 1000,
      Math.max(options.pollMinMs ?? 1000, options.pollMaxMs ?? 3000),
    );
    this.late = new LateEvents(options.lateWindowMs ?? 60_000, this.pace.maxMs);
    this.stats = {
      printed: 0,
      requests: 0,
      pages: 0,
      retries: 0,
      throttled: 0,
      liveSessions: 0,
      liveResumed: 0,
      backfills: 0,
      rememberedPeak: 0,
      pollIntervalMs: this.pace.minMs,
      paceFloorMs: this.pace.minMs,
    };
  }

  get signal(): AbortSignal {
    return this.stop.signal;
  }

  get stopped(): boolean {
    return this.stop.signal.aborted;
  }

  private end(reason: TailResult['reason']): void {
    if (this.stopped) return;
    this.reason = reason;
    this.stop.abort();
  }

  async run(): Promise<TailResult> {
    const { options } = this;
    const since = options.since ?? Date.now() - TEN_MINUTES_MS;
    const onAbort = () => this.end('aborted');
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // A closed pipe (`| head`, a closed terminal): nobody reads any more, so stop.
    const onOutputError = () => this.end('closed');
    options.output.on('error', onOutputError);
    const timers = [setInterval(() => this.tick(), 200)];
    let mode: TailResult['mode'] = options.follow ? 'live' : 'history';
    try {
      const arn = await describeGroupArn((what, send) => this.call(what, send), this.client, this.logGroup);
      if (!options.follow) {
        await readWindow(this, since);
        return this.result(mode);
      }
      let pollFrom = since;
      if (options.mode !== 'poll') {
        try {
          const liveOptions = {
            renewAfterMs: options.liveRenewAfterMs ?? THREE_HOURS_MS - TEN_MINUTES_MS,
            overlapMs: options.liveOverlapMs ?? 3000,
            silentAfterMs: options.liveSilentAfterMs ?? 5000,
          };
          await followLive(this, arn ?? (await this.groupArnFromAccount()), since, liveOptions);
          return this.result(mode);
        } catch (error) {
          if (!(error instanceof LiveUnavailable)) throw error;
          if (options.mode === 'live') throw new TailError(error.message, 'LIVE_UNAVAILABLE');
          pollFrom = error.resumeFrom ?? since;
          if (error.limit) {
            // A classroom shares the account's FilterLogEvents rate too: leave room for the others.
            this.pace = new Pace(
              Math.max(this.pace.minMs, CLASSROOM_POLL_MS),
              Math.max(this.pace.maxMs, 2 * CLASSROOM_POLL_MS),
            );
            this.notice(
              `${error.message}: the account's Live Tail sessions are all taken (a classroom?). Polling FilterLogEvents every ${CLASSROOM_POLL_MS / 1000} s instead, to leave room for the others.`,
            );
          } else this.notice(`${error.message}: polling FilterLogEvents instead.`);
        }
      }
      mode = 'poll';
      await followByPolling(this, pollFrom, this.pace);
      return this.result(mode);
    } catch (error) {
      if (error instanceof TailError) throw error;
      if (this.stopped) return this.result(mode);
      if (error instanceof NoSuchGroup || (error as Error).name === 'ResourceNotFoundException') {
        throw new TailError(`The log group ${this.logGroup} does not exist.`, 'NO_GROUP', error);
      }
      throw new TailError(explainAwsError(error), 'AWS', error);
    } finally {
      for (const timer of timers) clearInterval(timer);
      options.signal?.removeEventListener('abort', onAbort);
      options.output.off('error', onOutputError);
      this.statusLine.clear();
      if (!options.client) this.client.destroy();
    }
  }

  private result(mode: TailResult['mode']): TailResult {
    this.stats.rememberedPeak = this.seen.peak;
    return { mode, reason: this.reason, stats: { ...this.stats } };
  }

  /** Every 200 ms: the idle clock, and the status line once a second. */
  private ticks = 0;
  private tick(): void {
    const idle = this.options.exitAfterIdleMs;
    if (idle !== undefined && this.idleSince !== undefined && Date.now() - this.idleSince >= idle) {
      this.end('idle');
    }
    if (++this.ticks % 5 === 0) this.statusLine.draw(this.stats.printed);
  }

  following(): void {
    this.idleSince = Date.now();
  }

  /** Print the events not printed yet, in time order; returns how many. */
  printOnce(events: readonly RawEvent[], source: OccurrenceCounter): number {
    const fresh: TailEvent[] = [];
    for (const e of events) {
      if (e.timestamp === undefined || e.message === undefined || e.logStreamName === undefined) continue;
      const key = eventKey(e.logStreamName, e.timestamp, e.message);
      // An event with an id is known by it; without one (Live Tail), by its content and occurrence.
      const occurrence = e.eventId === undefined ? source.next(key, e.timestamp) : 1;
      if (!this.seen.admit(key, e.timestamp, e.eventId, occurrence)) continue;
      fresh.push({ ...e, logGroup: this.logGroup } as TailEvent);
    }
    if (fresh.length === 0 || this.stopped) return 0;
    fresh.sort((a, b) => a.timestamp - b.timestamp);
    let text = '';
    for (const event of fresh) {
      this.late.observe(event.timestamp, event.ingestionTime);
      text += this.renderer.render(event);
    }
    this.stats.printed += fresh.length;
    if (this.idleSince !== undefined) this.idleSince = Date.now();
    this.statusLine.printed(fresh[fresh.length - 1]?.ingestionTime);
    if (!this.options.output.writable) {
      this.end('closed');
      return 0;
    }
    this.statusLine.clear();
    if (text) this.options.output.write(text);
    return fresh.length;
  }

  advanceHorizon(to: number, keepPrintedWithinMs: number): void {
    if (to <= this.horizon) return;
    this.horizon = to;
    this.seen.forgetBefore(to, keepPrintedWithinMs);
  }

  call<T>(what: string, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return withRetry(
      () => {
        this.stats.requests++;
        return send(this.stop.signal);
      },
      {
        signal: this.stop.signal,
        maxAttempts: this.options.maxAttempts ?? (this.options.follow ? Number.POSITIVE_INFINITY : 8),
        backoff: exponentialBackoff(),
        onRetry: (error, wait) => {
          this.stats.retries++;
          const throttled = isThrottling(error);
          if (throttled) this.stats.throttled++;
          const name = throttled ? 'throttled' : (error as Error).name || 'error';
          this.status(`${name} on ${what}, retrying in ${(wait / 1000).toFixed(1)} s`);
        },
      },
    );
  }

  /** The ARN built from the account id (DescribeLogGroups denied); without it, no Live Tail. */
  private async groupArnFromAccount(): Promise<string> {
    try {
      const account = await (this.options.accountId ?? (() => callerAccountId(this.options)))();
      return groupArn(await this.client.config.region(), account, this.logGroup);
    } catch (error) {
      throw new LiveUnavailable(
        `Live Tail needs the log group's ARN, and the account id is unknown (${(error as Error).name})`,
        false,
      );
    }
  }

  notice(text: string): void {
    this.statusLine.clear();
    this.options.notice?.(text);
  }

  status(state: string): void {
    this.statusLine.state = state;
  }

  timeOf(timestamp: number): string {
    return formatTime(timestamp, this.options.utc ?? false, false);
  }
}
