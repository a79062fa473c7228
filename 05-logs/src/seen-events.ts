/**
 * Which events the tail has printed, so that a re-read window, a renewed Live Tail session or a backfill
 * after a drop never prints one twice, with bounded memory.
 *
 * An event is the same event when its `eventId` is: FilterLogEvents gives every event one, so one read
 * that returns an event on two pages (pages shift while late events arrive) prints it once, and two events
 * with the same content but their own ids are both printed. Live Tail gives no event id: its events are
 * known by their content (stream, timestamp, message), counting identical ones within one session
 * (`occurrence`), since a session sends each event once. The two meet under the content: an event printed
 * from Live Tail, read again with its id, is that event (each anonymous print is claimed by one id), and a
 * Live Tail event whose content was printed that many times already is not new.
 *
 * What bounds the memory: the tail never reads before its *horizon* again (it only moves forward), so an
 * event older than the horizon can be forgotten, once it was printed long enough ago that no overlapping
 * Live Tail session can still deliver it. Beyond `capacity`, the oldest-remembered go first.
 */
import { createHash } from 'node:crypto';

interface Entry {
  /** The ids printed with this content. */
  readonly ids: Set<string>;
  /** Printings of this content without an id (Live Tail) that no id has claimed yet. */
  anonymous: number;
  readonly timestamp: number;
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

  /**
   * True (and remembered) if the event was not printed yet: by its `eventId` when it has one, else as the
   * `occurrence`-th event of this content (`key`) within its source.
   */
  admit(
    key: string,
    timestamp: number,
    eventId: string | undefined,
    occurrence = 1,
    now = Date.now(),
  ): boolean {
    let entry = this.entries.get(key);
    if (entry) {
      if (eventId === undefined) {
        if (entry.ids.size + entry.anonymous >= occurrence) return false;
        entry.anonymous++;
      } else {
        if (entry.ids.has(eventId)) return false;
        entry.ids.add(eventId);
        if (entry.anonymous > 0) {
          // Printed from Live Tail already: this id is that event.
          entry.anonymous--;
          return false;
        }
      }
      entry.printedAt = now;
      return true;
    }
    entry = { ids: new Set(), anonymous: 0, timestamp, printedAt: now };
    if (eventId === undefined) entry.anonymous = 1;
    else entry.ids.add(eventId);
    this.entries.set(key, entry);
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

/** Counts identical events within one source (one Live Tail session; a read whose events carry no id). */
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
 * An event's content: stream, timestamp and message, hashed. The ingestion time is left out on purpose,
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
