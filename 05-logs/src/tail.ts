/**
 * The tail: recent history first, then what arrives, each event printed exactly once.
 *
 * Live first: a StartLiveTail session (about one update a second) is opened before the history is read
 * with FilterLogEvents, so nothing falls between the two; the history is printed, then the live events,
 * deduplicated against it. A session is renewed before its three-hour limit (the old one overlaps the new
 * one a few seconds), and a dropped session is reopened and the gap filled in with FilterLogEvents.
 *
 * Where Live Tail is not available (no permission, too many sessions, an endpoint without it) it polls
 * FilterLogEvents over the whole group (new streams appear by themselves), following nextToken through
 * empty pages, re-reading a trailing window wide enough for events ingested late with an older timestamp,
 * polling fast while events flow and slower when idle. Throttling and 5xx are retried with backoff and
 * jitter; errors that cannot get better end the tail with a message that says what to do.
 */

import type { Writable } from 'node:stream';
import {
  type CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  type LiveTailSessionLogEvent,
  StartLiveTailCommand,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import { explainAwsError } from '../../shared/src/aws';
import { callerAccountId, createLogsClient, type LogsClientOptions } from './client';
import { type Format, Renderer, type TailEvent } from './render';
import { exponentialBackoff, isRetryable, isThrottling, sleep, withRetry } from './retry';
import { contentKey, OccurrenceCounter, SeenEvents } from './seen-events';

export interface TailOptions extends LogsClientOptions {
  readonly logGroup: string;
  /** A client of your own (tests, benches); else one is made from endpoint/region/credentials. */
  readonly client?: CloudWatchLogsClient;
  /** Start of the history, in ms since the epoch. Default: ten minutes ago. */
  readonly since?: number;
  /** Keep going after the history (until the signal aborts or the idle time runs out). */
  readonly follow?: boolean;
  readonly format?: Format;
  readonly filterPattern?: string;
  /** With follow: stop once nothing new was printed for this long. */
  readonly exitAfterIdleMs?: number;
  readonly output: Writable;
  /** Where the status line goes (a TTY), if anywhere. */
  readonly status?: Writable;
  /** One-line notices (fallback to polling, session resumed...). Default: none. */
  readonly notice?: (text: string) => void;
  readonly color?: boolean;
  readonly utc?: boolean;
  readonly signal?: AbortSignal;
  /** `auto` (default): live if the endpoint allows it, else polling. */
  readonly mode?: 'auto' | 'live' | 'poll';
  readonly pollMinMs?: number;
  readonly pollMaxMs?: number;
  /** How far back each poll re-reads at least, for events ingested late; widened when later ones are seen. */
  readonly lateWindowMs?: number;
  /** Renew a Live Tail session after this long (AWS ends them after three hours). */
  readonly liveRenewAfterMs?: number;
  /** How long an old session keeps running beside its replacement. */
  readonly liveOverlapMs?: number;
  readonly maxRememberedEvents?: number;
  /** Give up after this many failed attempts of one call (default: 8 without follow, never with it). */
  readonly maxAttempts?: number;
  /** The AWS account id, to build the group's ARN when DescribeLogGroups is denied. Default: STS GetCallerIdentity. */
  readonly accountId?: () => Promise<string>;
}

export interface TailStats {
  printed: number;
  requests: number;
  pages: number;
  retries: number;
  throttled: number;
  liveSessions: number;
  liveResumed: number;
  backfills: number;
  /** The most events remembered at once for deduplication (bounded). */
  rememberedPeak: number;
  pollIntervalMs: number;
  /** The shortest poll interval allowed now: raised by throttling, brought back by calls that pass. */
  paceFloorMs: number;
}

export interface TailResult {
  readonly mode: 'history' | 'live' | 'poll';
  readonly reason: 'done' | 'idle' | 'aborted';
  readonly stats: TailStats;
}

export class TailError extends Error {
  override readonly name = 'TailError';
  constructor(
    message: string,
    readonly code: 'NO_GROUP' | 'AWS' | 'LIVE_UNAVAILABLE',
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

class LiveUnavailable extends Error {}

const DEFAULT_SINCE_MS = 10 * 60_000;
const THREE_HOURS_MS = 3 * 3600_000;
const MAX_LATE_WINDOW_MS = 15 * 60_000;

interface Session {
  readonly id: number;
  readonly abort: AbortController;
  readonly events: AsyncIterator<StartLiveTailResponseStream>;
  readonly counter: OccurrenceCounter;
  readonly startedAt: number;
  lastUpdateAt: number;
  /** Resolves when the session ends: 'aborted' when we closed it, else the error or 'closed'. */
  done?: Promise<{ ended: 'aborted' | 'closed' | 'error'; error?: unknown }>;
}

/** Tail a log group: see the module comment. Resolves when it stops; rejects with a TailError. */
export function tailLogs(options: TailOptions): Promise<TailResult> {
  return new Tail(options).run();
}

class Tail {
  private readonly client: CloudWatchLogsClient;
  private readonly renderer: Renderer;
  private readonly seen: SeenEvents;
  private readonly stop = new AbortController();
  private readonly since: number;
  private readonly pollMinMs: number;
  private readonly pollMaxMs: number;
  private readonly baseLateWindowMs: number;
  private maxDelayMs = 0;
  private paceFloorMs: number;
  private lastActivity = Date.now();
  private lastPrinted?: { at: number; ingestionTime?: number };
  private state = 'starting';
  private reason: TailResult['reason'] = 'done';
  private statusShown = false;
  /** Past the history: the idle clock runs. */
  private following = false;
  readonly stats: TailStats;

  constructor(private readonly options: TailOptions) {
    this.client = options.client ?? createLogsClient(options);
    this.renderer = new Renderer({
      format: options.format ?? 'short',
      color: options.color ?? false,
      utc: options.utc ?? false,
    });
    this.seen = new SeenEvents(options.maxRememberedEvents);
    this.since = options.since ?? Date.now() - DEFAULT_SINCE_MS;
    this.pollMinMs = options.pollMinMs ?? 1000;
    this.pollMaxMs = Math.max(this.pollMinMs, options.pollMaxMs ?? 5000);
    this.paceFloorMs = this.pollMinMs;
    this.baseLateWindowMs = options.lateWindowMs ?? 60_000;
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
      pollIntervalMs: this.pollMinMs,
      paceFloorMs: this.pollMinMs,
    };
  }

  private get stopped(): boolean {
    return this.stop.signal.aborted;
  }

  async run(): Promise<TailResult> {
    const onAbort = () => {
      this.reason = 'aborted';
      this.stop.abort();
    };
    if (this.options.signal?.aborted) onAbort();
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    const timers: NodeJS.Timeout[] = [];
    try {
      const arn = await this.resolveGroup();
      if (!this.options.follow) {
        await this.readPass(this.since, 'id');
        return this.result('history');
      }
      if (this.options.exitAfterIdleMs !== undefined) {
        const idle = this.options.exitAfterIdleMs;
        timers.push(
          setInterval(
            () => {
              if (this.following && Date.now() - this.lastActivity >= idle) {
                this.reason = 'idle';
                this.stop.abort();
              }
            },
            Math.min(200, idle),
          ),
        );
      }
      if (this.options.status) timers.push(setInterval(() => this.drawStatus(), 1000));
      const mode = this.options.mode ?? 'auto';
      if (mode !== 'poll') {
        try {
          await this.runLive(arn ?? (await this.liveArn()));
          return this.result('live');
        } catch (error) {
          if (!(error instanceof LiveUnavailable)) throw error;
          if (mode === 'live') throw new TailError(error.message, 'LIVE_UNAVAILABLE');
          this.options.notice?.(`${error.message}: polling FilterLogEvents instead.`);
        }
      }
      await this.runPolling();
      return this.result('poll');
    } catch (error) {
      if (error instanceof TailError) throw error;
      if (this.stopped) return this.result(this.options.follow ? 'poll' : 'history');
      if ((error as Error).name === 'ResourceNotFoundException') {
        throw new TailError(`The log group ${this.options.logGroup} does not exist.`, 'NO_GROUP', error);
      }
      throw new TailError(explainAwsError(error), 'AWS', error);
    } finally {
      for (const timer of timers) clearInterval(timer);
      this.options.signal?.removeEventListener('abort', onAbort);
      this.clearStatus();
      if (!this.options.client) this.client.destroy();
    }
  }

  private result(mode: TailResult['mode']): TailResult {
    this.stats.rememberedPeak = this.seen.peak;
    this.stats.paceFloorMs = this.paceFloorMs;
    return { mode, reason: this.reason, stats: { ...this.stats } };
  }

  // ------------------------------------------------------------------ calls

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    return withRetry(
      () => {
        this.stats.requests++;
        return send();
      },
      {
        signal: this.stop.signal,
        maxAttempts: this.options.maxAttempts ?? (this.options.follow ? Number.POSITIVE_INFINITY : 8),
        backoff: exponentialBackoff(),
        onRetry: (error, wait) => {
          this.stats.retries++;
          if (isThrottling(error)) {
            this.stats.throttled++;
            this.paceFloorMs = Math.min(this.pollMaxMs, this.paceFloorMs * 2);
          }
          const name = (error as Error).name || 'error';
          this.state = `${isThrottling(error) ? 'throttled' : name} on ${what}, retrying in ${(wait / 1000).toFixed(1)} s`;
          this.drawStatus();
        },
      },
    );
  }

  /**
   * The group's ARN (StartLiveTail wants one), from DescribeLogGroups; undefined when that call is not
   * allowed (the workshop's deployer policy grants only the calls on its own groups): the ARN is then built
   * from the account id, and the first FilterLogEvents tells whether the group exists.
   */
  private async resolveGroup(): Promise<string | undefined> {
    const name = this.options.logGroup;
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.call('DescribeLogGroups', () =>
          this.client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, nextToken })),
        );
        const group = page.logGroups?.find((g) => g.logGroupName === name);
        if (group) return group.logGroupArn ?? group.arn?.replace(/:\*$/, '');
        nextToken = page.nextToken;
      } while (nextToken && !this.stopped);
    } catch (error) {
      if ((error as Error).name === 'AccessDeniedException') return undefined;
      throw error;
    }
    throw new TailError(`The log group ${name} does not exist.`, 'NO_GROUP');
  }

  private async groupArnFromAccount(): Promise<string> {
    const account = await (this.options.accountId ?? (() => callerAccountId(this.options)))();
    const region = await this.client.config.region();
    const partition = region.startsWith('cn-')
      ? 'aws-cn'
      : region.startsWith('us-gov-')
        ? 'aws-us-gov'
        : 'aws';
    return `arn:${partition}:logs:${region}:${account}:log-group:${this.options.logGroup}`;
  }

  // ------------------------------------------------------------------ printing

  private startFollowing(): void {
    this.following = true;
    this.lastActivity = Date.now();
  }

  /** The ARN built from the account id; if even that cannot be had, Live Tail is out of reach. */
  private async liveArn(): Promise<string> {
    try {
      return await this.groupArnFromAccount();
    } catch (error) {
      throw new LiveUnavailable(
        `Live Tail needs the log group's ARN, and the account id is unknown (${(error as Error).name})`,
      );
    }
  }

  private lateWindowMs(): number {
    return Math.min(
      MAX_LATE_WINDOW_MS,
      Math.max(this.baseLateWindowMs, 2 * this.maxDelayMs + this.pollMaxMs),
    );
  }

  private print(events: TailEvent[]): number {
    if (events.length === 0) return 0;
    events.sort((a, b) => a.timestamp - b.timestamp);
    let text = '';
    for (const event of events) {
      if (event.ingestionTime !== undefined) {
        this.maxDelayMs = Math.max(this.maxDelayMs, event.ingestionTime - event.timestamp);
      }
      text += this.renderer.render(event);
    }
    const now = Date.now();
    this.stats.printed += events.length;
    this.lastActivity = now;
    this.lastPrinted = { at: now, ingestionTime: events[events.length - 1]?.ingestionTime };
    if (text) {
      this.clearStatus();
      this.options.output.write(text);
    }
    return events.length;
  }

  /**
   * One read of [from, now] with FilterLogEvents through every page, printing what was not printed yet.
   * `id` dedupes by event id (polling), `content` by content (when live sessions print too).
   */
  private async readPass(from: number, keys: 'id' | 'content'): Promise<number> {
    const counter = new OccurrenceCounter();
    let printed = 0;
    let nextToken: string | undefined;
    do {
      const page = await this.call('FilterLogEvents', () =>
        this.client.send(
          new FilterLogEventsCommand({
            logGroupName: this.options.logGroup,
            startTime: from,
            filterPattern: this.options.filterPattern || undefined,
            nextToken,
          }),
        ),
      );
      if (this.stopped) break;
      this.stats.pages++;
      const fresh: TailEvent[] = [];
      for (const e of page.events ?? []) {
        if (e.timestamp === undefined || e.message === undefined || e.logStreamName === undefined) continue;
        const key =
          keys === 'id' && e.eventId ? e.eventId : contentKey(e.logStreamName, e.timestamp, e.message);
        const occurrence = keys === 'id' && e.eventId ? 1 : counter.next(key, e.timestamp);
        if (!this.seen.admit(key, e.timestamp, occurrence)) continue;
        fresh.push({
          logGroup: this.options.logGroup,
          logStreamName: e.logStreamName,
          timestamp: e.timestamp,
          message: e.message,
          ingestionTime: e.ingestionTime,
          eventId: e.eventId,
        });
      }
      printed += this.print(fresh);
      nextToken = page.nextToken;
    } while (nextToken);
    return printed;
  }

  // ------------------------------------------------------------------ polling

  private async runPolling(): Promise<void> {
    this.state = 'history';
    await this.readPass(this.since, 'id');
    this.startFollowing();
    let interval = this.pollMinMs;
    while (!this.stopped) {
      this.stats.pollIntervalMs = interval;
      this.state = `polling every ${(interval / 1000).toFixed(1)} s`;
      await sleep(interval, this.stop.signal);
      if (this.stopped) break;
      const from = Math.max(this.since, Date.now() - this.lateWindowMs());
      const throttledBefore = this.stats.throttled;
      const fresh = await this.readPass(from, 'id');
      // Recovery brings the pace back: each pass without throttling halves the floor throttling raised.
      if (this.stats.throttled === throttledBefore) {
        this.paceFloorMs = Math.max(this.pollMinMs, this.paceFloorMs / 2);
      }
      interval =
        fresh > 0 ? this.paceFloorMs : Math.min(this.pollMaxMs, Math.max(this.paceFloorMs, interval * 1.5));
      this.seen.forgetBefore(from);
    }
  }

  // ------------------------------------------------------------------ live

  private sessionCount = 0;

  private async openSession(arn: string): Promise<Session> {
    const abort = new AbortController();
    const onStop = () => abort.abort();
    this.stop.signal.addEventListener('abort', onStop, { once: true });
    abort.signal.addEventListener('abort', () => this.stop.signal.removeEventListener('abort', onStop), {
      once: true,
    });
    try {
      this.stats.requests++;
      const response = await this.client.send(
        new StartLiveTailCommand({
          logGroupIdentifiers: [arn],
          ...(this.options.filterPattern ? { logEventFilterPattern: this.options.filterPattern } : {}),
        }),
        { abortSignal: abort.signal },
      );
      if (!response.responseStream) throw new LiveUnavailable('Live Tail answered without a stream');
      const events = response.responseStream[Symbol.asyncIterator]();
      const now = Date.now();
      this.stats.liveSessions++;
      return {
        id: ++this.sessionCount,
        abort,
        events,
        counter: new OccurrenceCounter(),
        startedAt: now,
        lastUpdateAt: now,
      };
    } catch (error) {
      abort.abort();
      throw error;
    }
  }

  /** Open a session, retrying what may pass; what cannot means Live Tail is not available here. */
  private async openSessionWithRetry(arn: string): Promise<Session> {
    const backoff = exponentialBackoff(500, 20_000);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.openSession(arn);
      } catch (error) {
        if (this.stopped) throw error;
        const name = (error as Error).name;
        if (
          name === 'CredentialsProviderError' ||
          /ExpiredToken|UnrecognizedClient|InvalidClientTokenId/.test(name)
        ) {
          throw error;
        }
        if (name === 'ResourceNotFoundException') throw error;
        if (!isRetryable(error) || attempt >= 4) {
          const why = (error as Error).message ? `${name}: ${(error as Error).message}` : name;
          throw new LiveUnavailable(`Live Tail is not available here (${why})`);
        }
        this.stats.retries++;
        if (isThrottling(error)) this.stats.throttled++;
        await sleep(backoff.next(), this.stop.signal);
      }
    }
  }

  private readSession(
    session: Session,
    onUpdate: (session: Session, events: LiveTailSessionLogEvent[], sampled: boolean) => void,
  ): void {
    session.done = (async () => {
      try {
        for (;;) {
          const { done, value } = await session.events.next();
          if (done) return { ended: session.abort.signal.aborted ? 'aborted' : 'closed' } as const;
          if (value.sessionUpdate) {
            session.lastUpdateAt = Date.now();
            onUpdate(
              session,
              value.sessionUpdate.sessionResults ?? [],
              value.sessionUpdate.sessionMetadata?.sampled === true,
            );
          }
        }
      } catch (error) {
        if (session.abort.signal.aborted) return { ended: 'aborted' } as const;
        return { ended: 'error', error } as const;
      }
    })();
  }

  private printLive(session: Session, events: LiveTailSessionLogEvent[]): void {
    const fresh: TailEvent[] = [];
    for (const e of events) {
      if (e.timestamp === undefined || e.message === undefined || e.logStreamName === undefined) continue;
      const key = contentKey(e.logStreamName, e.timestamp, e.message);
      if (!this.seen.admit(key, e.timestamp, session.counter.next(key, e.timestamp))) continue;
      fresh.push({
        logGroup: this.options.logGroup,
        logStreamName: e.logStreamName,
        timestamp: e.timestamp,
        message: e.message,
        ingestionTime: e.ingestionTime,
      });
    }
    this.print(fresh);
  }

  private async runLive(arn: string): Promise<void> {
    const updateMs = 1000;
    const renewAfterMs = this.options.liveRenewAfterMs ?? THREE_HOURS_MS - 10 * 60_000;
    const overlapMs = this.options.liveOverlapMs ?? 3 * updateMs;
    let phase: 'history' | 'live' = 'history';
    const queued: [Session, LiveTailSessionLogEvent[]][] = [];
    let backfillFrom: number | undefined;
    let backfilling: Promise<void> | undefined;

    const backfill = (from: number) => {
      backfillFrom = Math.min(backfillFrom ?? from, from);
      if (backfilling) return;
      backfilling = (async () => {
        while (backfillFrom !== undefined && !this.stopped) {
          const start = backfillFrom;
          backfillFrom = undefined;
          this.stats.backfills++;
          await this.readPass(start, 'content');
        }
      })().finally(() => {
        backfilling = undefined;
      });
    };

    const onUpdate = (session: Session, events: LiveTailSessionLogEvent[], sampled: boolean) => {
      if (phase === 'history') queued.push([session, events]);
      else this.printLive(session, events);
      // A sampled update left events out: read them back.
      if (sampled) backfill(Date.now() - 2 * updateMs - this.lateWindowMs());
    };

    this.state = 'history';
    let current = await this.openSessionWithRetry(arn);
    this.readSession(current, onUpdate);
    await this.readPass(this.since, 'content');
    phase = 'live';
    for (const [session, events] of queued.splice(0)) this.printLive(session, events);
    this.startFollowing();
    this.state = 'live';

    const retiring = new Set<Session>();
    try {
      while (!this.stopped) {
        const renewIn = current.startedAt + renewAfterMs - Date.now();
        const pruneTick = sleep(Math.max(0, Math.min(renewIn, 10_000)), this.stop.signal).then(
          () => 'tick' as const,
        );
        const outcome = await Promise.race([current.done as NonNullable<Session['done']>, pruneTick]);
        if (this.stopped) break;
        // Whatever can still be read again (backfills start a late window before the last update) stays.
        const keepFrom = current.lastUpdateAt - this.lateWindowMs() - 10_000;
        this.seen.forgetBefore(keepFrom);
        current.counter.forgetBefore(keepFrom);
        if (outcome === 'tick') {
          if (Date.now() - current.startedAt < renewAfterMs) continue;
          // Renew: the new session runs beside the old one for a few updates, so no event falls between.
          const next = await this.openSessionWithRetry(arn);
          this.readSession(next, onUpdate);
          const old = current;
          current = next;
          retiring.add(old);
          setTimeout(() => {
            old.abort.abort();
            retiring.delete(old);
          }, overlapMs).unref();
          continue;
        }
        // The session ended without us: resume it, and fill the gap from the last update it sent.
        const gapFrom = current.lastUpdateAt - 2 * updateMs;
        const why = outcome.error ? ((outcome.error as Error).name ?? 'error') : 'closed by the server';
        this.options.notice?.(`Live Tail session ended (${why}); resuming.`);
        this.state = 'reconnecting';
        if (
          outcome.error &&
          !isRetryable(outcome.error) &&
          !/Session(Timeout|Streaming)Exception/.test(why)
        ) {
          const name = (outcome.error as Error).name;
          if (name === 'ResourceNotFoundException' || /Credential|ExpiredToken|AccessDenied/.test(name)) {
            throw outcome.error;
          }
        }
        try {
          current = await this.openSessionWithRetry(arn);
        } catch (error) {
          if (!(error instanceof LiveUnavailable)) throw error;
          this.options.notice?.(`${error.message}: polling FilterLogEvents instead.`);
          await this.readPass(gapFrom - this.lateWindowMs(), 'content');
          this.state = 'polling';
          await this.runPollingAfterLive();
          return;
        }
        this.stats.liveResumed++;
        this.readSession(current, onUpdate);
        backfill(gapFrom - this.lateWindowMs());
        this.state = 'live';
      }
    } finally {
      current.abort.abort();
      for (const old of retiring) old.abort.abort();
      await backfilling;
    }
  }

  /** Polling that takes over from a live tail: content keys, as the live events were printed with them. */
  private async runPollingAfterLive(): Promise<void> {
    let interval = this.pollMinMs;
    while (!this.stopped) {
      await sleep(interval, this.stop.signal);
      if (this.stopped) break;
      const from = Date.now() - this.lateWindowMs();
      const fresh = await this.readPass(from, 'content');
      interval = fresh > 0 ? this.paceFloorMs : Math.min(this.pollMaxMs, interval * 1.5);
      this.seen.forgetBefore(from);
    }
  }

  // ------------------------------------------------------------------ status line

  private drawStatus(): void {
    const status = this.options.status;
    if (!status) return;
    const lag =
      this.lastPrinted?.ingestionTime !== undefined
        ? ` · last event ${((this.lastPrinted.at - this.lastPrinted.ingestionTime) / 1000).toFixed(1)} s after it was stored`
        : '';
    status.write(
      `\r\u001b[2K\u001b[2m● ${this.state} · ${this.stats.printed} events${lag} · Ctrl-C to stop\u001b[0m`,
    );
    this.statusShown = true;
  }

  private clearStatus(): void {
    if (!this.statusShown || !this.options.status) return;
    this.options.status.write('\r\u001b[2K');
    this.statusShown = false;
  }
}
