/**
 * Which events the tail has printed, so that a re-read window, a renewed Live Tail session or a backfill
 * after a drop never prints one twice, with bounded memory.
 *
 * An event is known by its stream, timestamp and message (Live Tail gives no event id), and `occurrence`
 * counts identical events within one source (one read, one session), so that two identical lines are both
 * printed once, not merged into one.
 *
 * What bounds the memory: the tail never reads before its *horizon* again (it only moves forward), so an
 * event older than the horizon can be forgotten, once it was printed long enough ago that no overlapping
 * Live Tail session can still deliver it. Beyond `capacity`, the oldest-remembered go first.
 */
import { createHash } from 'node:crypto';

interface Entry {
  count: number;
  timestamp: number;
  printedAt: number;
}

export class SeenEvents {
  private readonly entries = new Map<string, Entry>();
  /** The most entries held at once: what the bounded-memory tests watch. */
  peak = 0;

  constructor(readonly capacity = 200_000) {}

  get size(): number {
    return this.entries.size;
  }

  /** True (and remembered) if this occurrence of `key` was not printed yet. */
  admit(key: string, timestamp: number, occurrence = 1, now = Date.now()): boolean {
    const entry = this.entries.get(key);
    if (entry && entry.count >= occurrence) return false;
    if (entry) {
      entry.count = occurrence;
      entry.printedAt = now;
      return true;
    }
    this.entries.set(key, { count: occurrence, timestamp, printedAt: now });
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.peak = Math.max(this.peak, this.entries.size);
    return true;
  }

  /**
   * Forget what no read can return again: older than the horizon, and printed more than `recentMs` ago
   * (overlapping Live Tail sessions can deliver the same event twice, whatever its timestamp).
   */
  forgetBefore(horizon: number, recentMs = 0, now = Date.now()): void {
    for (const [key, entry] of this.entries) {
      if (entry.timestamp < horizon && now - entry.printedAt >= recentMs) this.entries.delete(key);
    }
  }
}

/** Counts identical events within one source (one read of a window, or one live session). */
export class OccurrenceCounter {
  private readonly counts = new Map<string, { count: number; timestamp: number }>();

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
 * An event's identity: stream, timestamp and message, hashed. The ingestion time is left out on purpose,
 * so that a renewed session or a backfill match the event whatever they report for it.
 */
export function eventKey(logStreamName: string, timestamp: number, message: string): string {
  return createHash('sha1')
    .update(logStreamName)
    .update('\u0000')
    .update(String(timestamp))
    .update('\u0000')
    .update(message)
    .digest('base64');
}
