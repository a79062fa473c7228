/**
 * How often the polling tail calls FilterLogEvents: a poll every `minMs` while events flow, slower while
 * nothing comes (up to `maxMs`), and never faster than a *floor* that throttling raises (each poll that met
 * a ThrottlingException raises it by half) and that polls passing again bring back down (each one without
 * throttling halves it). So the tail slows down for the others on the account while they need it, and comes
 * back to its pace when they do not. The interval runs from the start of one poll to the start of the next.
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

  /** After a poll: did it print anything, and was it throttled on the way? */
  polled(printed: number, throttled: boolean): void {
    this.floor = throttled ? Math.min(this.maxMs, this.floor * 1.5) : Math.max(this.minMs, this.floor / 2);
    this.interval =
      printed > 0 ? this.floor : Math.min(this.maxMs, Math.max(this.floor, this.interval * 1.5));
  }
}
