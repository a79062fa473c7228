/**
 * How often the polling tail calls FilterLogEvents. Fast while events flow, slower while nothing comes
 * (up to `maxMs`), and never faster than a *floor* that throttling raises (each ThrottlingException doubles
 * it) and that calls passing again bring back down (each poll without throttling halves it), so the tail
 * slows down for the others on the account when they need it, and comes back to its pace when they do not.
 */
export class Pace {
  private floor: number;
  private interval: number;

  constructor(
    readonly minMs: number,
    readonly maxMs: number,
  ) {
    this.floor = minMs;
    this.interval = minMs;
  }

  /** The wait before the next poll. */
  get intervalMs(): number {
    return this.interval;
  }

  /** The shortest wait allowed now. */
  get floorMs(): number {
    return this.floor;
  }

  throttled(): void {
    this.floor = Math.min(this.maxMs, this.floor * 2);
    this.interval = Math.max(this.interval, this.floor);
  }

  /** After a poll: did it print anything, and was it throttled on the way? */
  polled(printed: number, throttled: boolean): void {
    if (!throttled) this.floor = Math.max(this.minMs, this.floor / 2);
    this.interval =
      printed > 0 ? this.floor : Math.min(this.maxMs, Math.max(this.floor, this.interval * 1.5));
  }
}
