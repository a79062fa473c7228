/**
 * The checks and hints of chapter 05's exercise, for `npm run exercise -- 5`. Your work goes in the
 * other file of this folder; this one only reads it.
 *
 * The check starts this chapter's local CloudWatch Logs endpoint (in memory, on a free port of
 * 127.0.0.1), writes events into it before and while your follow() runs, and counts what it prints.
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  type FilteredLogEvent,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { type Exercise, expectThat, loadModule, Mismatch } from '../../shared/workshop/exercises/contract';
import { startLocalLogs } from '../../shared/workshop/stand-ins/logs/server';
import type { follow as Follow, FollowOptions } from '../src/simple-tail';

const GROUP = '/aws/lambda/cinq-euros-api-exercise-check';
/** The endpoint answers at most this many events a page here, so that a read takes several pages. */
const PAGE_SIZE = 5;
const POLL_MS = 100;

function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const deadline = Date.now() + timeoutMs;
    const tick = () => {
      if (condition()) resolve(true);
      else if (Date.now() > deadline) resolve(false);
      else setTimeout(tick, 20);
    };
    tick();
  });
}

const followExercise: Exercise = {
  id: '5.1',
  title: 'A small tail: one FilterLogEvents loop that follows and prints each event once',
  file: '05-logs/exercises/simple-tail.ts',
  language: 'typescript',
  timeLimitMs: 20_000,
  solution: '05-logs/src/simple-tail.ts',
  hints: [
    'The shape: let from = startTime; while (!signal.aborted) { let nextToken; do { ...one page... } while (nextToken); ...; await pause(pollMs, signal); }',
    'A page: const page = await client.send(new FilterLogEventsCommand({ logGroupName, startTime: from, nextToken }), { abortSignal: signal }); then page.events (maybe undefined) and page.nextToken.',
    'Once: a Set (or a Map to timestamps) of event.eventId; skip the ids in it. Keep the newest event.timestamp printed, and after each read: from = Math.max(startTime, newest - LATE_MS).',
  ],
  async check(file) {
    const { follow } = await loadModule<{ follow: typeof Follow }>(file, ['follow']);
    const logs = await startLocalLogs({ port: 0, dataDir: null });
    const client = new CloudWatchLogsClient({
      endpoint: logs.endpoint,
      region: 'eu-west-3',
      credentials: { accessKeyId: 'offline', secretAccessKey: 'offline' },
      maxAttempts: 1,
    });
    // Small pages, as a busy log group gives: a read that stops at the first page misses events.
    client.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'FilterLogEventsCommand') {
          (args.input as { limit?: number }).limit = PAGE_SIZE;
        }
        return next(args);
      },
      { step: 'initialize', name: 'exerciseSmallPages' },
    );
    const controller = new AbortController();
    const printed: FilteredLogEvent[] = [];
    let returned = false;
    let threw: unknown;
    let running: Promise<void> | undefined;
    try {
      const now = Date.now();
      const put = async (stream: string, events: { timestamp: number; message: string }[]) => {
        await client.send(
          new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, logEvents: events }),
        );
      };
      await client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
      for (const stream of ['2026/12/01/[$LATEST]aaaa', '2026/12/01/[$LATEST]bbbb']) {
        await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: stream }));
      }
      const [a, b] = ['2026/12/01/[$LATEST]aaaa', '2026/12/01/[$LATEST]bbbb'] as const;
      await put(a, [{ timestamp: now - 120_000, message: 'before the start time: not to be printed' }]);
      const history = Array.from({ length: 12 }, (_, i) => ({
        timestamp: now - 60_000 + i * 1000,
        message: `history ${i + 1}`,
      }));
      await put(a, history);

      const options: FollowOptions = {
        client,
        logGroupName: GROUP,
        startTime: now - 90_000,
        print: (event) => printed.push(event),
        signal: controller.signal,
        pollMs: POLL_MS,
      };
      running = Promise.resolve()
        .then(() => follow(options))
        .then(
          () => {
            returned = true;
          },
          (error) => {
            threw = error;
            returned = true;
          },
        );
      const fail = (message: string): never => {
        if (threw) throw new Mismatch(`follow() threw: ${(threw as Error).message ?? String(threw)}`);
        throw new Mismatch(message);
      };
      const messages = () => printed.map((event) => event.message);
      const count = (message: string) => messages().filter((m) => m === message).length;

      if (!(await until(() => history.every((e) => count(e.message) > 0) || returned, 3000)) || returned) {
        if (!history.every((e) => count(e.message) > 0)) {
          fail(
            `Of the 12 events of the history (from startTime on), follow() printed ${history.filter((e) => count(e.message) > 0).length}${returned ? ', and returned before the signal was aborted' : ''}. A read is every page: send the next FilterLogEvents with the answer's nextToken until there is none (pages hold ${PAGE_SIZE} events here). (TODO 1)`,
          );
        }
        fail('follow() returned before the signal was aborted: it should keep following. (TODO 3)');
      }
      expectThat(
        count('before the start time: not to be printed') === 0,
        'follow() printed an event from before startTime: read from startTime on. (TODO 1)',
      );

      // New events, in the other stream, two of them with the same message (two requests, two events).
      const later = Date.now();
      await put(b, [
        { timestamp: later, message: 'new: This is not an authentic signature' },
        { timestamp: later + 1, message: 'new: This is not an authentic signature' },
        { timestamp: later + 2, message: 'new: a genuine one' },
      ]);
      const newOnes = () =>
        count('new: This is not an authentic signature') >= 2 && count('new: a genuine one') >= 1;
      if (!(await until(newOnes, 3000))) {
        fail(
          `Events written while follow() runs were not all printed within 3 s (it polls every ${POLL_MS} ms here): read again and again until the signal is aborted. (TODO 3)`,
        );
      }
      // Stored late: its timestamp is 3 s before the newest event printed.
      await put(a, [{ timestamp: later - 3000, message: 'late: stored 3 s after its timestamp' }]);
      if (!(await until(() => count('late: stored 3 s after its timestamp') > 0, 3000))) {
        fail(
          'An event CloudWatch stored late (its timestamp 3 s before the newest event printed) was never printed: read again from LATE_MS before the newest event, not from the newest. (TODO 3)',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS * 5));
      const ids = printed.map((event) => event.eventId);
      const twice = printed.find((event, i) => ids.indexOf(event.eventId) !== i);
      expectThat(
        !twice,
        `follow() printed the event "${twice?.message}" (id ${twice?.eventId}) twice: remember the ids printed and skip them. (TODO 2)`,
      );
      expectThat(
        count('new: This is not an authentic signature') === 2,
        'Two events with the same message are two events: both must be printed (tell events apart by eventId, not by message). (TODO 2)',
      );
      controller.abort();
      expectThat(
        await until(() => returned, 2000),
        'follow() did not return within 2 s of the signal being aborted: stop the loop when signal.aborted. (TODO 3)',
      );
      if (threw) fail('');
    } finally {
      controller.abort();
      await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 2000))]);
      client.destroy();
      await logs.stop();
    }
  },
};

export const exercises: readonly Exercise[] = [followExercise];
