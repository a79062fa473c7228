/**
 * Exercise 5.1: a small tail, one FilterLogEvents loop (see the chapter README, "Exercises").
 *
 * This is src/simple-tail.ts with the body of follow() taken out. Fill in the three TODOs, then run
 *   npm run exercise -- 5
 * The check starts a local CloudWatch Logs endpoint, writes events into it while your follow() runs, and
 * counts what it prints. Stuck? npm run exercise -- 5 --hint. The answer: npm run exercise -- 5.1 --solution.
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

  // TODO 1. One read: send FilterLogEventsCommand({ logGroupName, startTime, nextToken }) with
  //   client.send(command, { abortSignal: signal }), print(event) each event of the page, and ask for the
  //   next page with the answer's nextToken until there is none. (If client.send rejects because the
  //   signal was aborted, return.)

  // TODO 2. Each event once: remember the eventId of each event printed, and skip an event already seen.

  // TODO 3. Follow: until signal.aborted, wait pollMs (pause() is given), then read again, from LATE_MS
  //   before the newest timestamp printed (never before startTime): an event CloudWatch stores late is
  //   found then, and the events already printed are skipped by TODO 2.
}
