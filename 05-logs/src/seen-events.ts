/**
 * Which events the tail has printed, so that re-reading a window, a renewed Live Tail session or a backfill
 * after a drop never prints one twice. Memory is bounded twice over: entries older than what can still be
 * re-read are forgotten, and beyond `capacity` the oldest-remembered go first.
 *
 * Keys are event ids where the API gives them (FilterLogEvents), else the event's content; `occurrence`
 * counts identical events within one source, so two identical lines are both printed once, not merged.
 */
import { createHash } from 'node:crypto';

interface Entry {
  count: number;
  timestamp: number;
}

export class SeenEvents {
  private readonly entries = new Map<string, Entry>();
  /** The most entries held at once: what the bounded-memory test watches. */
  peak = 0;

  constructor(readonly capacity = 200_000) {}

  get size(): number {
    return this.entries.size;
  }

  /** True (and remembered) if this occurrence of `key` was not printed yet. */
  admit(key: string, timestamp: number, occurrence = 1): boolean {
    const entry = this.entries.get(key);
    if (entry && entry.count >= occurrence) return false;
    if (entry) entry.count = occurrence;
    else {
      this.entries.set(key, { count: occurrence, timestamp });
      if (this.entries.size > this.capacity) {
        const oldest = this.entries.keys().next().value as string;
        this.entries.delete(oldest);
      }
      this.peak = Math.max(this.peak, this.entries.size);
    }
    return true;
  }

  /** Forget events older than `timestamp`: nothing will read them again. */
  forgetBefore(timestamp: number): void {
    for (const [key, entry] of this.entries) if (entry.timestamp < timestamp) this.entries.delete(key);
  }
}

/** Counts identical events within one source (one pass of reads, or one live session). */
export class OccurrenceCounter {
  private readonly counts = new Map<string, Entry>();

  next(key: string, timestamp: number): number {
    const entry = this.counts.get(key);
    if (entry) return ++entry.count;
    this.counts.set(key, { count: 1, timestamp });
    return 1;
  }

  forgetBefore(timestamp: number): void {
    for (const [key, entry] of this.counts) if (entry.timestamp < timestamp) this.counts.delete(key);
  }
}

/**
 * An event's identity without an event id (Live Tail gives none): stream, timestamp and message, hashed.
 * The ingestion time is left out on purpose, so that a renewed session or a backfill match it whatever
 * they report for it.
 */
export function contentKey(logStreamName: string, timestamp: number, message: string): string {
  return createHash('sha1')
    .update(logStreamName)
    .update('\u0000')
    .update(String(timestamp))
    .update('\u0000')
    .update(message)
    .digest('base64');
}
