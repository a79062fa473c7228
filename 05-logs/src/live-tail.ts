/**
 * Following with Live Tail (StartLiveTail): CloudWatch pushes the new events about once a second over one
 * long response. What this module handles, so that each event is still printed once:
 *
 * - **History first, without a gap.** The session is opened *before* the history is read; what it sends
 *   meanwhile waits and is printed after the history (what the history printed already is skipped).
 * - **Renewal.** AWS ends a session after three hours: a new one is opened before, and both run side by
 *   side for a few updates.
 * - **Resume.** A session that ends without us (SessionTimeoutException, SessionStreamingException, a
 *   connection cut without a goodbye) or that goes *silent* (a half-open connection after a Wi-Fi drop or a
 *   NAT timeout: still open, no update for a few seconds when AWS sends one a second) is reopened, said in
 *   one line, and the gap is read back with FilterLogEvents from its last update.
 * - **Sampled updates.** Above 500 events a second AWS leaves events out of an update and says so
 *   (`sampled`): those seconds are read back too.
 * - **Openings refused.** Throttled openings are retried with backoff; a refusal that waiting cannot fix
 *   (not allowed, the account's limit of sessions reached) throws LiveUnavailable, and the tail polls.
 */
import {
  type LiveTailSessionLogEvent,
  StartLiveTailCommand,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import { readWindow } from './read-window';
import { exponentialBackoff, isRetryable, isThrottling, sleep } from './retry';
import { OccurrenceCounter } from './seen-events';
import type { Tailing } from './tailing';

/** Live Tail cannot be used here (or no longer): poll instead, from `resumeFrom` if set. */
export class LiveUnavailable extends Error {
  constructor(
    message: string,
    /** The account's limit of concurrent sessions is reached (a classroom): poll gently. */
    readonly limit: boolean,
    readonly resumeFrom?: number,
  ) {
    super(message);
  }
}

export interface LiveOptions {
  /** Renew a session after this long (AWS ends them after three hours). */
  readonly renewAfterMs: number;
  /** How long an old session keeps running beside its replacement. */
  readonly overlapMs: number;
  /** A session with no update for this long is taken for dead (AWS sends one a second). */
  readonly silentAfterMs: number;
}

type End = { how: 'stopped' } | { how: 'closed' } | { how: 'silent' } | { how: 'error'; error: unknown };

interface Session {
  readonly abort: AbortController;
  readonly startedAt: number;
  /** Identical events are counted within one session. */
  readonly source: OccurrenceCounter;
  lastUpdateAt: number;
  ended?: Promise<End>;
}

type OnUpdate = (session: Session, events: LiveTailSessionLogEvent[], sampled: boolean) => void;

const UPDATE_MS = 1000;
const OPEN_ATTEMPTS = 6;

async function openSession(t: Tailing, arn: string, options: LiveOptions, onUpdate: OnUpdate) {
  const abort = new AbortController();
  const onStop = () => abort.abort();
  t.signal.addEventListener('abort', onStop, { once: true });
  let stream: AsyncIterable<StartLiveTailResponseStream>;
  try {
    t.stats.requests++;
    const response = await t.client.send(
      new StartLiveTailCommand({
        logGroupIdentifiers: [arn],
        ...(t.filterPattern ? { logEventFilterPattern: t.filterPattern } : {}),
      }),
      { abortSignal: abort.signal },
    );
    if (!response.responseStream) throw new LiveUnavailable('Live Tail answered without a stream', false);
    stream = response.responseStream;
  } catch (error) {
    t.signal.removeEventListener('abort', onStop);
    abort.abort();
    throw error;
  }
  t.stats.liveSessions++;
  let silent = false;
  const session: Session = {
    abort,
    startedAt: Date.now(),
    source: new OccurrenceCounter(),
    lastUpdateAt: Date.now(),
  };
  session.ended = (async (): Promise<End> => {
    const watchdog = setInterval(() => {
      if (Date.now() - session.lastUpdateAt < options.silentAfterMs) return;
      silent = true;
      abort.abort();
    }, 250);
    try {
      for await (const message of stream) {
        if (!message.sessionUpdate) continue;
        session.lastUpdateAt = Date.now();
        const update = message.sessionUpdate;
        onUpdate(session, update.sessionResults ?? [], update.sessionMetadata?.sampled === true);
      }
      return abort.signal.aborted ? { how: silent ? 'silent' : 'stopped' } : { how: 'closed' };
    } catch (error) {
      if (abort.signal.aborted) return { how: silent ? 'silent' : 'stopped' };
      return { how: 'error', error };
    } finally {
      clearInterval(watchdog);
      t.signal.removeEventListener('abort', onStop);
    }
  })();
  return session;
}

/** Open a session, retrying what waiting can fix; what it cannot means Live Tail is not available here. */
async function openWithRetry(t: Tailing, arn: string, options: LiveOptions, onUpdate: OnUpdate) {
  const backoff = exponentialBackoff(500, 20_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await openSession(t, arn, options, onUpdate);
    } catch (error) {
      const name = (error as Error).name;
      if (t.stopped || error instanceof LiveUnavailable) throw error;
      if (
        name === 'ResourceNotFoundException' ||
        /Credential|ExpiredToken|UnrecognizedClient|InvalidClientTokenId/.test(name)
      ) {
        throw error;
      }
      if (!isRetryable(error) || attempt >= OPEN_ATTEMPTS) {
        const why = (error as Error).message ? `${name}: ${(error as Error).message}` : name;
        throw new LiveUnavailable(
          `Live Tail is not available here (${why})`,
          name === 'LimitExceededException',
        );
      }
      t.stats.retries++;
      if (isThrottling(error)) t.stats.throttled++;
      t.status(`Live Tail opening ${isThrottling(error) ? 'throttled' : `failed (${name})`}, retrying`);
      await sleep(backoff.next(), t.signal);
    }
  }
}

function describeEnd(end: End, options: LiveOptions): string {
  if (end.how === 'silent') {
    return `Live Tail sent nothing for ${options.silentAfterMs / 1000} s (a dropped connection?)`;
  }
  if (end.how === 'error') return `Live Tail session ended (${(end.error as Error)?.name || 'error'})`;
  return 'Live Tail session closed by the server';
}

function isFatal(end: End): boolean {
  if (end.how !== 'error') return false;
  const name = (end.error as Error)?.name ?? '';
  if (/Session(Timeout|Streaming)Exception/.test(name) || isRetryable(end.error)) return false;
  return name === 'ResourceNotFoundException' || /Credential|ExpiredToken|AccessDenied/.test(name);
}

/** The history from `since`, then Live Tail until the tail stops. Throws LiveUnavailable to poll instead. */
export async function followLive(
  t: Tailing,
  arn: string,
  since: number,
  options: LiveOptions,
): Promise<void> {
  let inHistory = true;
  const waiting: [Session, LiveTailSessionLogEvent[]][] = [];
  let backfillFrom: number | undefined;
  let backfilling: Promise<void> | undefined;

  // Gaps are read back one at a time; a request while one runs widens the next.
  const backfill = (from: number) => {
    backfillFrom = Math.min(backfillFrom ?? from, from);
    backfilling ??= (async () => {
      while (backfillFrom !== undefined && !t.stopped) {
        const start = backfillFrom;
        backfillFrom = undefined;
        t.stats.backfills++;
        await readWindow(t, start);
      }
    })().finally(() => {
      backfilling = undefined;
    });
  };

  const onUpdate: OnUpdate = (session, events, sampled) => {
    if (inHistory) waiting.push([session, events]);
    else t.printOnce(events, session.source);
    if (sampled) backfill(Date.now() - 2 * UPDATE_MS - t.late.windowMs());
  };

  t.status('history');
  let current = await openWithRetry(t, arn, options, onUpdate);
  await readWindow(t, since);
  inHistory = false;
  for (const [session, events] of waiting.splice(0)) t.printOnce(events, session.source);
  t.following();
  t.status('live');

  const retiring = new Set<Session>();
  try {
    while (!t.stopped) {
      const renewIn = current.startedAt + options.renewAfterMs - Date.now();
      const tick = sleep(Math.max(0, Math.min(renewIn, 1000)), t.signal).then(() => undefined);
      const end = await Promise.race([current.ended as Promise<End>, tick]);
      if (t.stopped) break;
      // Nothing before the horizon is read again (backfills start a wide window before the last update).
      t.advanceHorizon(
        current.lastUpdateAt - 2 * UPDATE_MS - t.late.windowMs() - 10_000,
        options.overlapMs + 5000,
      );
      current.source.forgetBefore(t.horizon);
      if (end === undefined) {
        if (Date.now() - current.startedAt < options.renewAfterMs) continue;
        const next = await openWithRetry(t, arn, options, onUpdate);
        const old = current;
        current = next;
        retiring.add(old);
        setTimeout(() => {
          old.abort.abort();
          retiring.delete(old);
        }, options.overlapMs).unref();
        continue;
      }
      if (end.how === 'stopped') break;
      if (isFatal(end)) throw (end as { error: unknown }).error;
      const lastUpdateAt = current.lastUpdateAt;
      const gapFrom = lastUpdateAt - 2 * UPDATE_MS - t.late.windowMs();
      const why = describeEnd(end, options);
      t.status('reconnecting');
      try {
        current = await openWithRetry(t, arn, options, onUpdate);
      } catch (error) {
        if (!(error instanceof LiveUnavailable)) throw error;
        throw new LiveUnavailable(
          `${why}, and ${error.message.replace(/^Live Tail/, 'it')}`,
          error.limit,
          gapFrom,
        );
      }
      t.stats.liveResumed++;
      backfill(gapFrom);
      t.notice(`${why}: reopened it, and reading back what came since ${t.timeOf(lastUpdateAt)}.`);
      t.status('live');
    }
  } finally {
    current.abort.abort();
    for (const old of retiring) old.abort.abort();
    await backfilling;
  }
}
