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
import {
  calling,
  type Exercise,
  expectThat,
  loadModule,
  Mismatch,
} from '../../shared/workshop/exercises/contract';
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
    'The shape: an outer loop until signal.aborted; inside it, one read (a loop over pages, until there is no nextToken), then a pause of pollMs (pause() is given).',
    'A page: client.send(new FilterLogEventsCommand({ logGroupName, startTime: from, nextToken }), { abortSignal: signal }); then page.events (maybe undefined) and page.nextToken. If send rejects, return only when the signal was aborted; any other error goes to the caller.',
    'The idea of once: an event is known by its eventId alone (two events may share a timestamp, a stream and a message). Remember the ids printed, and read again from a little before the newest timestamp printed (LATE_MS), never before startTime.',
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
    // Small pages, as a busy log group gives: a read that stops at the first page misses events. And the
    // reads counted (a first page has no nextToken): a loop that never pauses makes hundreds.
    let reads = 0;
    client.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'FilterLogEventsCommand') {
          const input = args.input as { limit?: number; nextToken?: string };
          input.limit = PAGE_SIZE;
          if (!input.nextToken) reads++;
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
      const started = Date.now();
      calling('follow(options), which should print the 12 events of the history within 3 s');
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

      // New events: two with the same message and the same millisecond in one stream (two requests, two
      // events), one of that millisecond in the other stream. Only their eventIds tell them apart.
      const later = Date.now();
      calling('follow(options), which should print the events written while it runs');
      const same = 'new: This is not an authentic signature';
      await put(b, [
        { timestamp: later, message: same },
        { timestamp: later, message: same },
        { timestamp: later + 2, message: 'new: a genuine one' },
      ]);
      await put(a, [{ timestamp: later, message: 'new: the same millisecond, in the other stream' }]);
      const fresh = [same, same, 'new: a genuine one', 'new: the same millisecond, in the other stream'];
      const printedNew = () => printed.filter((event) => (event.timestamp ?? 0) >= later).length;
      if (!(await until(() => printedNew() >= fresh.length, 3000))) {
        if (printedNew() === 0) {
          fail(
            `None of the 4 events written while follow() runs was printed within 3 s (it polls every ${POLL_MS} ms here): after a read, wait pollMs and read again, until the signal is aborted. (TODO 3)`,
          );
        }
        const lost = [...new Set(fresh)]
          .filter((message) => count(message) < fresh.filter((m) => m === message).length)
          .map((message) => `"${message}"`);
        fail(
          `Of the 4 events written while follow() runs, it printed ${printedNew()}: lost ${lost.join(' and ')}. Those share their millisecond (two of them their message too) with an event printed: they are other events all the same. Tell events apart by eventId alone, not by timestamp, stream or message. (TODO 2)`,
        );
      }
      // Stored late: its timestamp is 3 s before the newest event printed.
      calling('follow(options), which should print an event stored late');
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
      const seconds = (Date.now() - started) / 1000;
      expectThat(
        reads <= (seconds * 1000) / POLL_MS + 10,
        `follow() read the log group ${reads} times in ${seconds.toFixed(1)} s, though it should wait ${POLL_MS} ms (pollMs here) between two reads: without the pause, it calls the API in a loop as fast as it can (CloudWatch would throttle it, and the tail would burn a core). Wait with pause(pollMs, signal) after each read. (TODO 3)`,
      );
      controller.abort();
      expectThat(
        await until(() => returned, 2000),
        'follow() did not return within 2 s of the signal being aborted: stop the loop when signal.aborted. (TODO 3)',
      );
      if (threw) fail('');

      // A failure that is not the abort must reach the caller, not end the tail in silence.
      const failing = new AbortController();
      calling('follow(options) on a log group that does not exist, which should reject');
      const outcome = await Promise.race([
        Promise.resolve()
          .then(() =>
            follow({ ...options, logGroupName: '/aws/lambda/no-such-group', signal: failing.signal }),
          )
          .then(
            () => 'returned',
            () => 'rejected',
          ),
        new Promise((resolve) => setTimeout(() => resolve('still running'), 2000)),
      ]);
      failing.abort();
      expectThat(
        outcome === 'rejected',
        outcome === 'returned'
          ? 'When FilterLogEvents fails (here: the log group does not exist), follow() returned as if all were well: only an abort ends it quietly. Catch the error only to return when signal.aborted; otherwise throw it again. (TODO 1)'
          : 'When FilterLogEvents fails (here: the log group does not exist), follow() kept going without a word for 2 s: let the error reach the caller (throw it again unless signal.aborted). (TODO 1)',
      );
    } finally {
      controller.abort();
      await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 2000))]);
      client.destroy();
      await logs.stop();
    }
  },
};

export const exercises: readonly Exercise[] = [followExercise];
