/**
 * What the parts of the tail share: the figures it keeps, its result, its errors, and `Tailing`, what
 * live-tail.ts, polling.ts and read-window.ts use of the tail (tail.ts implements it).
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { LateEvents } from './late-events';
import type { OccurrenceCounter } from './seen-events';

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
  /** `closed`: the output went away (a closed pipe). */
  readonly reason: 'done' | 'idle' | 'aborted' | 'closed';
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

/** What the parts of the tail (live-tail.ts, polling.ts, read-window.ts) use of it. */
export interface Tailing {
  readonly client: CloudWatchLogsClient;
  readonly logGroup: string;
  readonly filterPattern: string | undefined;
  readonly signal: AbortSignal;
  readonly stopped: boolean;
  readonly stats: TailStats;
  readonly late: LateEvents;
  /** Nothing before this timestamp is read again. */
  readonly horizon: number;
  advanceHorizon(to: number, keepPrintedWithinMs: number): void;
  call<T>(what: string, send: (signal: AbortSignal) => Promise<T>): Promise<T>;
  printOnce(events: readonly RawEvent[], source: OccurrenceCounter): number;
  /** The history is printed: the idle clock starts. */
  following(): void;
  notice(text: string): void;
  status(state: string): void;
  timeOf(timestamp: number): string;
}

/** An event as FilterLogEvents or Live Tail hand it over. */
export interface RawEvent {
  logStreamName?: string;
  timestamp?: number;
  message?: string;
  ingestionTime?: number;
  eventId?: string;
}
