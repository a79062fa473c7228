/**
 * One read of a time window with FilterLogEvents, over the whole log group (new streams appear by
 * themselves), page after page until there is no nextToken. Pages can be small and even empty while
 * still carrying a token: CloudWatch searches the group in slices and answers after each one, so an empty
 * page says nothing about the next. Never before the tail's horizon (see seen-events.ts).
 */
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { OccurrenceCounter } from './seen-events';
import type { Tailing } from './tailing';

export class WindowReader {
  private nextToken: string | undefined;
  private started = false;
  /**
   * FilterLogEvents gives each event its id, which is what tells two identical lines apart; an endpoint
   * that gave none would have identical events counted within this read instead.
   */
  private readonly source = new OccurrenceCounter();

  constructor(
    private readonly tail: Tailing,
    readonly from: number,
    readonly to?: number,
  ) {}

  get done(): boolean {
    return this.started && this.nextToken === undefined;
  }

  /** Read the next page and print what is new in it; returns how many were printed. */
  async page(): Promise<number> {
    const t = this.tail;
    const page = await t.call('FilterLogEvents', (abortSignal) =>
      t.client.send(
        new FilterLogEventsCommand({
          logGroupName: t.logGroup,
          startTime: Math.max(this.from, t.horizon),
          endTime: this.to,
          filterPattern: t.filterPattern,
          nextToken: this.nextToken,
        }),
        { abortSignal },
      ),
    );
    this.started = true;
    this.nextToken = page.nextToken;
    t.stats.pages++;
    return t.printOnce(page.events ?? [], this.source);
  }
}

/** Read [from, to] (to: now) through every page; returns how many new events were printed. */
export async function readWindow(tail: Tailing, from: number, to?: number): Promise<number> {
  const reader = new WindowReader(tail, from, to);
  let printed = 0;
  while (!reader.done && !tail.stopped) printed += await reader.page();
  return printed;
}
