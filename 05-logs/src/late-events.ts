/**
 * Events ingested late: a log event's timestamp is when the function wrote it, its ingestion time when
 * CloudWatch stored it, and the gap can be seconds (a busy container, a retried batch) or more. A read by
 * timestamp must reach back far enough to find them, so the tail measures the gaps of what it prints and
 * sizes its reads by them:
 *
 * - the *head* read of each poll reaches back by the gap most recent events had (the 90th percentile of the
 *   last few hundred, plus a margin), so that it stays short;
 * - the *wide* window, swept less often and read back after a dropped Live Tail session, reaches back by at
 *   least `baseMs` and by twice the largest gap ever seen, at most 15 minutes.
 */
const RECENT = 500;
const HEAD_MARGIN_MS = 1000;
const MAX_WINDOW_MS = 15 * 60_000;

export class LateEvents {
  private readonly recent: number[] = [];
  private largest = 0;

  /** `marginMs`: what the wide window adds to twice the largest gap (the longest wait between polls). */
  constructor(
    readonly baseMs = 60_000,
    readonly marginMs = 5000,
  ) {}

  /** One printed event's gap between its timestamp and its ingestion. */
  observe(timestamp: number, ingestionTime: number | undefined): void {
    if (ingestionTime === undefined) return;
    const gap = Math.max(0, ingestionTime - timestamp);
    this.largest = Math.max(this.largest, gap);
    this.recent.push(gap);
    if (this.recent.length > RECENT) this.recent.shift();
  }

  /** How far before the previous head read the next one starts. */
  headMs(): number {
    if (this.recent.length === 0) return 2 * HEAD_MARGIN_MS;
    const sorted = [...this.recent].sort((a, b) => a - b);
    const p90 = sorted[Math.floor(0.9 * (sorted.length - 1))] as number;
    return Math.min(this.windowMs(), p90 + HEAD_MARGIN_MS);
  }

  /** The wide window: how far back a late event can still be found. */
  windowMs(): number {
    return Math.min(MAX_WINDOW_MS, Math.max(this.baseMs, 2 * this.largest + this.marginMs));
  }
}
