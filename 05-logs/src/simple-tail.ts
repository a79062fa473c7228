/**
 * The idea of this chapter's tail in one loop, on its own: read the log group with FilterLogEvents from a
 * start time, every page; then again and again, from a little before the newest event; and print each
 * event once. The tail of `npm run chapter:5` (tail.ts) adds Live Tail, retries, pacing and bounded
 * memory around the same idea. Exercise 5.1 is this file (npm run exercise -- 5).
 */
import {
  type CloudWatchLogsClient,
  type FilteredLogEvent,
  FilterLogEventsCommand,
  type FilterLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';

/** CloudWatch may store an event seconds after its timestamp: each read starts this far back. */
export const LATE_MS = 10_000;

export interface FollowOptions {
  readonly client: CloudWatchLogsClient;
  readonly logGroupName: string;
  /** Print the events from this time on, in milliseconds since the epoch. */
  readonly startTime: number;
  readonly print: (event: FilteredLogEvent) => void;
  /** Aborting it stops the tail: follow() then returns. */
  readonly signal: AbortSignal;
  /** The wait between two reads; default 1 s. */
  readonly pollMs?: number;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function follow(options: FollowOptions): Promise<void> {
  const { client, logGroupName, startTime, print, signal, pollMs = 1000 } = options;
  // The id and timestamp of each event printed, while a read can still return it.
  const printed = new Map<string, number>();
  let newest = startTime;
  let from = startTime;
  while (!signal.aborted) {
    let nextToken: string | undefined;
    do {
      let page: FilterLogEventsCommandOutput;
      try {
        page = await client.send(new FilterLogEventsCommand({ logGroupName, startTime: from, nextToken }), {
          abortSignal: signal,
        });
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
      for (const event of page.events ?? []) {
        if (event.eventId === undefined || printed.has(event.eventId)) continue;
        const timestamp = event.timestamp ?? from;
        printed.set(event.eventId, timestamp);
        newest = Math.max(newest, timestamp);
        print(event);
      }
      nextToken = page.nextToken;
    } while (nextToken && !signal.aborted);
    // Read again from a little before the newest event: an event stored late is found then, and those
    // printed already are skipped by their id. Ids older than that can no longer come back.
    from = Math.max(startTime, newest - LATE_MS);
    for (const [id, timestamp] of printed) if (timestamp < from) printed.delete(id);
    await pause(pollMs, signal);
  }
}
