/**
 * The tail against an endpoint that misbehaves (throttling, 5xx, empty pages with tokens, dropped Live Tail
 * sessions) while events arrive on many streams, some ingested late with an older timestamp: every event
 * must be printed exactly once, and the memory it keeps for that must stay bounded.
 *
 * Most scenarios spend their time waiting on timers (events written every few ms, polls, sessions that
 * drop), so each one has its own local endpoint (and faulty proxy) and they run side by side
 * (`it.concurrent`): the file takes about as long as its longest scenario, not their sum.
 */
import {
  type CloudWatchLogsClient,
  type FilteredLogEvent,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { LocalLogs, StartLocalLogsOptions } from '../../shared/workshop/stand-ins/logs/server';
import {
  type Faults,
  type FaultyEndpoint,
  seededRandom,
  startFaultyEndpoint,
} from '../../shared/workshop/test-support/faulty-endpoint';
import {
  Collector,
  clientFor,
  createGroup,
  FAKE_CREDENTIALS,
  put,
  sleep,
  startTestLogs,
} from '../../shared/workshop/test-support/logs';
import { LateEvents } from '../src/late-events';
import { Pace } from '../src/pace';
import { exponentialBackoff } from '../src/retry';
import { eventKey, SeenEvents } from '../src/seen-events';
import { TailError, type TailOptions, type TailResult, tailLogs } from '../src/tail';

const GROUP = '/aws/lambda/tail-test';
const STREAMS = Array.from({ length: 12 }, (_, i) => `2026/11/25/[$LATEST]${String(i).padStart(32, '0')}`);

/** One scenario's own local endpoint, its client, and the faulty proxies it put in front. */
interface Stage {
  readonly logs: LocalLogs;
  readonly client: CloudWatchLogsClient;
  /** A faulty proxy in front of this stage's endpoint, stopped with the stage. */
  faulty(faults: Faults, seed: number): Promise<FaultyEndpoint>;
}

async function openStage(options: StartLocalLogsOptions): Promise<Stage & { close(): Promise<void> }> {
  const logs = await startTestLogs(options);
  const client = clientFor(logs.endpoint);
  const proxies: FaultyEndpoint[] = [];
  try {
    await createGroup(client, GROUP, STREAMS);
  } catch (error) {
    client.destroy();
    await logs.stop();
    throw error;
  }
  return {
    logs,
    client,
    async faulty(faults, seed) {
      const proxy = await startFaultyEndpoint(logs.endpoint, faults, seed);
      proxies.push(proxy);
      return proxy;
    },
    async close() {
      for (const proxy of proxies) await proxy.stop();
      client.destroy();
      await logs.stop();
    },
  };
}

type Scenario = (stage: Stage) => Promise<void>;

/** A scenario on a stage of its own, run beside the others of the file. */
function scenario(
  name: string,
  run: Scenario,
  timeoutMs: number,
  logsOptions: StartLocalLogsOptions = {},
): void {
  it.concurrent(
    name,
    async () => {
      const stage = await openStage({ liveUpdateIntervalMs: 100, ...logsOptions });
      try {
        await run(stage);
      } finally {
        await stage.close();
      }
    },
    timeoutMs,
  );
}

interface Writing {
  /** Every message written, in order. */
  readonly written: string[];
  readonly done: Promise<void>;
}

/**
 * Write `total` events in small batches across the streams, `lateShare` of them with a timestamp up to
 * `maxLateMs` in the past (ingested late), one batch every `everyMs`.
 */
function writeEvents(
  client: CloudWatchLogsClient,
  total: number,
  options: {
    lateShare?: number;
    maxLateMs?: number;
    everyMs?: number;
    batch?: number;
    prefix?: string;
    /** Share of events written twice, the same in all (stream, timestamp, message) but their ids. */
    twinShare?: number;
  },
): Writing {
  const random = seededRandom(total);
  const written: string[] = [];
  const batch = options.batch ?? 20;
  const done = (async () => {
    for (let i = 0; i < total; ) {
      const stream = STREAMS[Math.floor(random() * STREAMS.length)] as string;
      const now = Date.now();
      const events: { timestamp: number; message: string }[] = [];
      for (let j = 0; j < batch && i < total; j++, i++) {
        const late = random() < (options.lateShare ?? 0);
        const message = `${options.prefix ?? 'evt'}-${String(i).padStart(6, '0')}${late ? ' (late)' : ''}`;
        const timestamp = late ? now - Math.floor(random() * (options.maxLateMs ?? 20_000)) : now;
        events.push({ timestamp, message });
        written.push(message);
        if (random() < (options.twinShare ?? 0)) {
          events.push({ timestamp, message });
          written.push(message);
        }
      }
      await put(client, GROUP, stream, events);
      await sleep(options.everyMs ?? 10);
    }
  })();
  return { written, done };
}
/** What `first` wrote, then what `then` writes (read once it is done). */
function both(first: Writing, then: Writing): Writing {
  return {
    get written() {
      return [...first.written, ...then.written];
    },
    done: Promise.all([first.done, then.done]).then(() => undefined),
  };
}

function messagesOf(output: Collector): string[] {
  return output.lines
    .filter((l) => l.startsWith('{'))
    .map((l) => (JSON.parse(l) as { message: string }).message);
}

/** Each event written printed once: a message written twice (twins) is printed twice. */
function expectExactlyOnce(printed: string[], written: string[]): void {
  const counts = new Map<string, number>();
  for (const message of printed) counts.set(message, (counts.get(message) ?? 0) + 1);
  const writes = new Map<string, number>();
  for (const message of written) writes.set(message, (writes.get(message) ?? 0) + 1);
  const missing = [...writes].filter(([m, n]) => (counts.get(m) ?? 0) < n).map(([m]) => m);
  const duplicated = [...counts].filter(([m, n]) => n > (writes.get(m) ?? 0)).map(([m]) => m);
  expect({ missing: missing.slice(0, 5), duplicated: duplicated.slice(0, 5) }).toEqual({
    missing: [],
    duplicated: [],
  });
  expect(printed).toHaveLength(written.length);
}

function follow(endpoint: string, output: Collector, options: Partial<TailOptions> = {}) {
  const controller = new AbortController();
  const notices: string[] = [];
  const running: Promise<TailResult> = tailLogs({
    logGroup: GROUP,
    endpoint,
    credentials: FAKE_CREDENTIALS,
    since: Date.now() - 120_000,
    follow: true,
    format: 'json',
    output,
    signal: controller.signal,
    notice: (text) => notices.push(text),
    pollMinMs: 50,
    pollMaxMs: 250,
    ...options,
  });
  return { running, notices, stop: () => controller.abort() };
}

/** Every event of the test group, as the endpoint stored it (with its ingestion time). */
async function storedEvents(client: CloudWatchLogsClient): Promise<FilteredLogEvent[]> {
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new FilterLogEventsCommand({ logGroupName: GROUP, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** The most timestamps that fall within any span of `spanMs`. */
function mostWithin(timestamps: number[], spanMs: number): number {
  const sorted = [...timestamps].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) > spanMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** Wait for every written message, then a little longer so that duplicates would show, then stop. */
async function finish(
  output: Collector,
  writing: Writing,
  tail: ReturnType<typeof follow>,
): Promise<TailResult> {
  await writing.done;
  await output.waitFor(/"message"/, writing.written.length, 25_000);
  await sleep(700);
  tail.stop();
  return tail.running;
}

describe('the tail, polling FilterLogEvents', () => {
  scenario(
    'prints every event exactly once through throttling, 5xx, empty pages and late events on many streams',
    async ({ client, faulty }) => {
      const proxy = await faulty({ throttleRate: 0.2, serverErrorRate: 0.2, emptyPageRate: 0.3 }, 7);
      const history = writeEvents(client, 300, { prefix: 'old', everyMs: 0, batch: 50 });
      await history.done;
      const output = new Collector();
      const tail = follow(proxy.endpoint, output, { mode: 'poll' });
      const live = writeEvents(client, 1700, { lateShare: 0.1, maxLateMs: 20_000, batch: 10, everyMs: 15 });
      const result = await finish(output, both(history, live), tail);

      expectExactlyOnce(messagesOf(output), [...history.written, ...live.written]);
      expect(result.mode).toBe('poll');
      expect(proxy.counts.throttled).toBeGreaterThan(0);
      expect(proxy.counts.serverErrors).toBeGreaterThan(0);
      expect(proxy.counts.emptyPages).toBeGreaterThan(0);
      expect(result.stats.retries).toBe((proxy.counts.throttled ?? 0) + (proxy.counts.serverErrors ?? 0));
    },
    60_000,
  );

  scenario(
    'knows an event by its eventId: once when pages shift and repeat it, twice when two events are alike',
    async ({ client, faulty }) => {
      const proxy = await faulty({ pageSize: 10, shiftedPageRate: 0.5, emptyPageEvery: 3 }, 12);
      const history = writeEvents(client, 200, { prefix: 'old', everyMs: 0, batch: 20, twinShare: 0.2 });
      await history.done;
      const output = new Collector();
      const tail = follow(proxy.endpoint, output, { mode: 'poll' });
      const live = writeEvents(client, 600, {
        lateShare: 0.2,
        maxLateMs: 2500,
        batch: 4,
        everyMs: 15,
        twinShare: 0.1,
      });
      const result = await finish(output, both(history, live), tail);
      const written = [...history.written, ...live.written];
      expect(written.length - new Set(written).size).toBeGreaterThan(50);
      expectExactlyOnce(messagesOf(output), written);
      expect(result.mode).toBe('poll');
      expect(proxy.counts.shiftedPages).toBeGreaterThan(20);
    },
    60_000,
  );

  scenario(
    'slows down while throttled and comes back to its pace once the throttling ends',
    async ({ client, faulty }) => {
      const proxy = await faulty({ throttleRate: 0.5 }, 3);
      const output = new Collector();
      const tail = follow(proxy.endpoint, output, { mode: 'poll', pollMinMs: 50, pollMaxMs: 800 });
      const throttled = writeEvents(client, 150, { everyMs: 30, batch: 5, prefix: 'throttled' });
      await throttled.done;
      proxy.setFaults({});
      // Events keep flowing for a few seconds after the throttling: long enough for the pace to come back.
      const after = writeEvents(client, 400, { everyMs: 30, batch: 3, prefix: 'after' });
      const result = await finish(output, both(throttled, after), tail);
      expectExactlyOnce(messagesOf(output), [...throttled.written, ...after.written]);
      expect(result.stats.throttled).toBeGreaterThan(0);
      expect(result.stats.paceFloorMs).toBe(50);
    },
    60_000,
  );

  scenario(
    'keeps bounded memory on a long run: only what the trailing window can read again',
    async ({ client, logs }) => {
      const output = new Collector();
      const tail = follow(logs.endpoint, output, {
        mode: 'poll',
        lateWindowMs: 300,
        pollMinMs: 30,
        pollMaxMs: 100,
      });
      const writing = writeEvents(client, 4000, { everyMs: 10, batch: 15 });
      const result = await finish(output, writing, tail);
      expectExactlyOnce(messagesOf(output), writing.written);
      // What the tail may remember: the events of its wide window (300 ms, widened by twice the largest
      // ingestion delay it saw, which a loaded machine lengthens), plus what arrives while a sweep waits
      // its turn (a quarter of the window) and a second of polls. Derived from the stored events.
      const stored = await storedEvents(client);
      const late = new LateEvents(300, 100);
      for (const e of stored) late.observe(e.timestamp ?? 0, e.ingestionTime);
      const bound = mostWithin(
        stored.map((e) => e.timestamp ?? 0),
        1.25 * late.windowMs() + 1000,
      );
      expect(bound).toBeLessThan(writing.written.length);
      expect(result.stats.rememberedPeak).toBeLessThanOrEqual(bound);
    },
    60_000,
  );

  scenario(
    'prints a history larger than one page (10,000 events) once, in time order, then stops',
    async ({ client, faulty }) => {
      const start = Date.now() - 60_000;
      for (let s = 0; s < 3; s++) {
        const events = Array.from({ length: 4000 }, (_, i) => ({
          timestamp: start + i * 10 + s,
          message: `hist-${s}-${String(i).padStart(5, '0')}`,
        }));
        await put(client, GROUP, STREAMS[s] as string, events);
      }
      const proxy = await faulty({ emptyPageRate: 0.5 }, 11);
      const output = new Collector();
      const result = await tailLogs({
        logGroup: GROUP,
        endpoint: proxy.endpoint,
        credentials: FAKE_CREDENTIALS,
        since: start - 1,
        format: 'json',
        output,
      });
      const printed = messagesOf(output);
      expect(result).toMatchObject({ mode: 'history', reason: 'done' });
      expect(new Set(printed).size).toBe(12_000);
      expect(printed).toHaveLength(12_000);
      const times = output.lines.map((l) => Date.parse((JSON.parse(l) as { timestamp: string }).timestamp));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(result.stats.pages).toBeGreaterThanOrEqual(2);
    },
    60_000,
  );
});

describe('the tail, live (StartLiveTail)', () => {
  scenario(
    'fills in the history first, then streams, renewing sessions before they time out',
    async ({ client, logs }) => {
      const history = writeEvents(client, 200, { prefix: 'old', everyMs: 0, batch: 50 });
      await history.done;
      const output = new Collector();
      const tail = follow(logs.endpoint, output, { liveRenewAfterMs: 700, liveOverlapMs: 300 });
      const writing = writeEvents(client, 1500, { everyMs: 15, lateShare: 0.05, maxLateMs: 5_000 });
      const result = await finish(output, both(history, writing), tail);
      expect(result.mode).toBe('live');
      expectExactlyOnce(messagesOf(output), [...history.written, ...writing.written]);
      expect(result.stats.liveSessions).toBeGreaterThanOrEqual(3);
      expect(tail.notices).toEqual([]);
    },
    60_000,
    { liveSessionMaxMs: 1200 },
  );

  scenario(
    'resumes a dropped session and fills the gap, without losing or repeating an event',
    async ({ client, faulty }) => {
      const proxy = await faulty({ dropLiveAfterMs: 600 }, 5);
      const output = new Collector();
      const tail = follow(proxy.endpoint, output);
      const writing = writeEvents(client, 1500, { everyMs: 15, lateShare: 0.05, maxLateMs: 5_000 });
      const result = await finish(output, writing, tail);
      expect(result.mode).toBe('live');
      expectExactlyOnce(messagesOf(output), writing.written);
      expect(proxy.counts.liveDrops).toBeGreaterThanOrEqual(2);
      expect(result.stats.liveResumed).toBeGreaterThanOrEqual(2);
      expect(result.stats.backfills).toBeGreaterThanOrEqual(2);
    },
    60_000,
  );

  scenario(
    'prints each event once through cut sessions, SessionTimeoutException, throttled openings and sampled updates',
    async ({ client, faulty }) => {
      const proxy = await faulty(
        {
          liveFates: { cut: 1, timeout: 1, after: [300, 700] },
          liveThrottleRate: 0.3,
          liveSampleRate: 0.3,
        },
        21,
      );
      const output = new Collector();
      const tail = follow(proxy.endpoint, output);
      const writing = writeEvents(client, 1200, { everyMs: 15, batch: 5, lateShare: 0.05, maxLateMs: 3000 });
      const result = await finish(output, writing, tail);
      expect(result.mode).toBe('live');
      expectExactlyOnce(messagesOf(output), writing.written);
      expect((proxy.counts.liveDrops ?? 0) + (proxy.counts.liveTimeouts ?? 0)).toBeGreaterThanOrEqual(3);
      expect(proxy.counts.eventsLeftOut).toBeGreaterThan(0);
      expect(result.stats.liveResumed).toBeGreaterThanOrEqual(3);
    },
    60_000,
  );

  scenario(
    "prints twins twice and a shifted page's repeat once, live and in the backfills of cut sessions",
    async ({ client, faulty }) => {
      const proxy = await faulty(
        {
          liveFates: { cut: 1, timeout: 1, after: [300, 700] },
          liveSampleRate: 0.3,
          pageSize: 10,
          shiftedPageRate: 0.5,
        },
        31,
      );
      const output = new Collector();
      const tail = follow(proxy.endpoint, output);
      const writing = writeEvents(client, 800, {
        everyMs: 15,
        batch: 4,
        lateShare: 0.1,
        maxLateMs: 2500,
        twinShare: 0.15,
      });
      const result = await finish(output, writing, tail);
      expect(result.mode).toBe('live');
      expect(writing.written.length - new Set(writing.written).size).toBeGreaterThan(50);
      expectExactlyOnce(messagesOf(output), writing.written);
      expect(proxy.counts.shiftedPages).toBeGreaterThan(5);
      expect(result.stats.backfills).toBeGreaterThanOrEqual(2);
    },
    60_000,
  );

  scenario(
    'notices a silent (half-open) session within seconds, says so in one line, and fills the gap',
    async ({ client, faulty }) => {
      const proxy = await faulty({ liveFates: { silent: 1, after: [400, 600] } }, 8);
      const output = new Collector();
      const tail = follow(proxy.endpoint, output, { liveSilentAfterMs: 500 });
      const writing = writeEvents(client, 600, { everyMs: 15, batch: 5 });
      const result = await finish(output, writing, tail);
      expectExactlyOnce(messagesOf(output), writing.written);
      expect(proxy.counts.liveSilences).toBeGreaterThanOrEqual(1);
      expect(tail.notices[0]).toMatch(
        /^Live Tail sent nothing for 0\.5 s \(a dropped connection\?\): reopened it, and reading back what came since \d\d:\d\d:\d\d\.\d{3}\.$/,
      );
      expect(tail.notices).toHaveLength(result.stats.liveResumed);
    },
    60_000,
  );

  scenario(
    'says so in one line when the account has no Live Tail session left (a classroom), and polls gently',
    async ({ client, faulty }) => {
      const proxy = await faulty({ refuseLiveWith: 'LimitExceededException' }, 3);
      const history = writeEvents(client, 50, { everyMs: 0, batch: 50 });
      await history.done;
      const output = new Collector();
      const tail = follow(proxy.endpoint, output);
      await output.waitFor(/"message"/, 50, 10_000);
      await sleep(300);
      tail.stop();
      const result = await tail.running;
      expect(result.mode).toBe('poll');
      expect(tail.notices).toEqual([
        expect.stringMatching(
          /^Live Tail is not available here \(LimitExceededException: .*\): the account's Live Tail sessions are all taken \(a classroom\?\)\. Polling FilterLogEvents every 3 s instead, to leave room for the others\.$/,
        ),
      ]);
      expect(result.stats.pollIntervalMs).toBeGreaterThanOrEqual(3000);
    },
    30_000,
  );

  scenario(
    'falls back to polling, and says so, where Live Tail is refused',
    async ({ client, faulty }) => {
      const proxy = await faulty({ refuseLiveWith: 'AccessDeniedException' }, 9);
      const output = new Collector();
      const tail = follow(proxy.endpoint, output);
      const writing = writeEvents(client, 200, { everyMs: 10 });
      const result = await finish(output, writing, tail);
      expect(result.mode).toBe('poll');
      expectExactlyOnce(messagesOf(output), writing.written);
      expect(tail.notices.join('\n')).toMatch(
        /Live Tail is not available here \(AccessDeniedException.*polling FilterLogEvents instead/,
      );
    },
    60_000,
  );

  scenario(
    'goes live without DescribeLogGroups (as the deployer policy allows), from the account id',
    async ({ client, faulty }) => {
      const proxy = await faulty({ denyOperations: ['DescribeLogGroups'] }, 2);
      const output = new Collector();
      const tail = follow(proxy.endpoint, output, { accountId: async () => '000000000000' });
      const writing = writeEvents(client, 200, { everyMs: 10 });
      const result = await finish(output, writing, tail);
      expect(result.mode).toBe('live');
      expectExactlyOnce(messagesOf(output), writing.written);
    },
    60_000,
  );

  scenario(
    'stops by itself after --exit-after-idle with nothing new',
    async ({ client, logs }) => {
      await put(client, GROUP, STREAMS[0] as string, [{ timestamp: Date.now(), message: 'only one' }]);
      const output = new Collector();
      const result = await tailLogs({
        logGroup: GROUP,
        endpoint: logs.endpoint,
        credentials: FAKE_CREDENTIALS,
        follow: true,
        exitAfterIdleMs: 400,
        format: 'json',
        output,
      });
      expect(result.reason).toBe('idle');
      expect(messagesOf(output)).toEqual(['only one']);
    },
    30_000,
  );
});

describe('the parts of the tail', () => {
  it('knows an event by its id, and a Live Tail event (no id) by its content and occurrence', () => {
    const seen = new SeenEvents();
    const key = eventKey('stream', 1000, 'same line');
    // Two events alike, their own ids: both printed; one of them read again (a shifted page): not.
    expect(seen.admit(key, 1000, 'id-a')).toBe(true);
    expect(seen.admit(key, 1000, 'id-a')).toBe(false);
    expect(seen.admit(key, 1000, 'id-b')).toBe(true);
    // A Live Tail session then sends both: printed already.
    expect(seen.admit(key, 1000, undefined, 1)).toBe(false);
    expect(seen.admit(key, 1000, undefined, 2)).toBe(false);
    // Live Tail first: a third alike, then its id read back (a backfill) claims it; a fourth is new.
    expect(seen.admit(key, 1000, undefined, 3)).toBe(true);
    expect(seen.admit(key, 1000, 'id-c')).toBe(false);
    expect(seen.admit(key, 1000, 'id-d')).toBe(true);
    const other = eventKey('stream', 1000, 'other line');
    expect(seen.admit(other, 1000, undefined, 1)).toBe(true);
    expect(seen.admit(other, 1000, undefined, 1)).toBe(false);
  });

  it('waits with full jitter: anywhere from 0 to a ceiling that doubles up to the cap', () => {
    const draws = [0, 1, 0.5, 1, 1, 1, 1, 1, 1, 0];
    const backoff = exponentialBackoff(250, 20_000, () => draws.shift() as number);
    expect(Array.from({ length: 10 }, () => backoff.next())).toEqual([
      0, 500, 500, 2000, 4000, 8000, 16_000, 20_000, 20_000, 0,
    ]);
  });

  it('paces polls: throttling raises the floor, polls that pass bring it back', () => {
    const pace = new Pace(1000, 8000);
    pace.polled(3, true);
    pace.polled(3, true);
    expect([pace.floorMs, pace.intervalMs]).toEqual([2250, 2250]);
    pace.polled(0, true);
    expect(pace.intervalMs).toBe(3375);
    pace.polled(3, false);
    pace.polled(3, false);
    expect([pace.floorMs, pace.intervalMs]).toEqual([1000, 1000]);
    pace.polled(0, false);
    expect(pace.intervalMs).toBe(1500);
  });

  scenario(
    'brings the pace back after throttling also once Live Tail gave way to polling',
    async ({ client, faulty }) => {
      const proxy = await faulty({ dropLiveAfterMs: 400 }, 4);
      const output = new Collector();
      const tail = follow(proxy.endpoint, output, { pollMinMs: 50, pollMaxMs: 800 });
      const first = writeEvents(client, 100, { everyMs: 20, batch: 5, prefix: 'live' });
      await first.done;
      // The session drops, and reopening it is refused: the tail polls, through a burst of throttling.
      proxy.setFaults({ refuseLiveWith: 'AccessDeniedException', throttleRate: 0.5 });
      const throttled = writeEvents(client, 150, { everyMs: 30, batch: 5, prefix: 'throttled' });
      await throttled.done;
      proxy.setFaults({ refuseLiveWith: 'AccessDeniedException' });
      const after = writeEvents(client, 300, { everyMs: 30, batch: 3, prefix: 'after' });
      const result = await finish(output, both(both(first, throttled), after), tail);
      expectExactlyOnce(messagesOf(output), [...first.written, ...throttled.written, ...after.written]);
      expect(result.mode).toBe('poll');
      expect(result.stats.throttled).toBeGreaterThan(0);
      expect(result.stats.paceFloorMs).toBe(50);
    },
    60_000,
  );
});

describe('the tail, when it cannot go on', () => {
  scenario(
    'says the log group does not exist',
    async ({ logs }) => {
      const error = await tailLogs({
        logGroup: '/aws/lambda/nope',
        endpoint: logs.endpoint,
        credentials: FAKE_CREDENTIALS,
        output: new Collector(),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TailError);
      expect(error).toMatchObject({
        code: 'NO_GROUP',
        message: 'The log group /aws/lambda/nope does not exist.',
      });
    },
    30_000,
  );

  scenario(
    'says the log group does not exist when only FilterLogEvents can tell',
    async ({ faulty }) => {
      const proxy = await faulty({ denyOperations: ['DescribeLogGroups'] }, 1);
      const error = await tailLogs({
        logGroup: '/aws/lambda/nope',
        endpoint: proxy.endpoint,
        credentials: FAKE_CREDENTIALS,
        follow: true,
        accountId: async () => '000000000000',
        output: new Collector(),
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'NO_GROUP',
        message: 'The log group /aws/lambda/nope does not exist.',
      });
    },
    30_000,
  );

  scenario(
    'ends with what to do when access is denied, without retrying it',
    async ({ faulty }) => {
      const proxy = await faulty({ denyOperations: ['FilterLogEvents'] }, 1);
      const error = await tailLogs({
        logGroup: GROUP,
        endpoint: proxy.endpoint,
        credentials: FAKE_CREDENTIALS,
        follow: true,
        mode: 'poll',
        output: new Collector(),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TailError);
      expect((error as Error).message).toMatch(
        /^AWS refused the call \(AccessDeniedException\): User: .* logs:FilterLogEvents/,
      );
      expect(proxy.counts.forwarded).toBe(1); // DescribeLogGroups only
    },
    30_000,
  );

  scenario(
    'gives up after a bounded number of attempts when not following',
    async ({ faulty }) => {
      const proxy = await faulty({ serverErrorRate: 1, operations: ['FilterLogEvents'] }, 1);
      const error = await tailLogs({
        logGroup: GROUP,
        endpoint: proxy.endpoint,
        credentials: FAKE_CREDENTIALS,
        output: new Collector(),
        maxAttempts: 3,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TailError);
      expect(proxy.counts.serverErrors).toBe(3);
    },
    30_000,
  );
});
