/**
 * The local CloudWatch Logs endpoint under load, each figure against a baseline measured in this run:
 *
 * 1. PutLogEvents from 8 writers, 100-event batches, over HTTP, with the durability it ships with (every
 *    batch written in full and fdatasync'ed before the answer). Baseline: the same endpoint in memory only.
 *    Also shown: writes without fsync (LOGS_FSYNC=0), to see what the flush costs.
 * 2. A late batch: 10,000 events an hour older than 200,000 stored ones. Baseline: the same batch in time
 *    order (appended). The insert finds its place by binary search and merges in one pass.
 * 3. FilterLogEvents over 200,000 events (every page, following nextToken), a term and a regular
 *    expression (RE2). Baseline: a bare loop over the same messages with String.includes.
 * 4. A pattern that makes a backtracking engine blow up (%^a*a*a*a*a*a*a*a*a*b$%): the longest time the
 *    endpoint stops answering while it runs. Baseline: the same while a plain term is searched.
 * 5. Start-up with 1 GB stored (a store built in a temporary folder, then deleted): `npm run logs:local`'s
 *    process, from its start to "listening", and its peak memory (Linux: VmHWM). Goals: under 5 s and
 *    under 300 MB, absolute (a start reads no history, so the figures do not grow with what is stored).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { REPO_ROOT } from '../env';
import { freePort } from '../process/ports';
import { startService } from '../process/services';
import { peakResidentMemoryMb } from '../stand-ins/logs/process-memory';
import { startLocalLogs } from '../stand-ins/logs/server';
import { DATABASE_FILE, LogStore } from '../stand-ins/logs/store';
import { fmt, goalsMissed, percentile, report } from './measure';

const GROUP = '/aws/lambda/cinq-euros-api-dev-check';
const WRITERS = 8;
const BATCH = 100;
const PUT_SECONDS = 3;
const DAY = 86_400_000;

async function call(endpoint: string, operation: string, input: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'x-amz-target': `Logs_20140328.${operation}`, 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`${operation}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

const message = (i: number) =>
  `{"level":"INFO","requestId":"c6af9ac6-7b61-11e6-9a41-${String(i).padStart(12, '0')}","status":400,"outcome":"not-authentic","message":"This is not an authentic signature","durationMs":1.2}`;

/** 8 writers put 100-event batches for PUT_SECONDS: events per second and the p99 of a batch's answer. */
async function putLoad(dataDir: string | null, fsync: boolean): Promise<{ rate: number; p99: number }> {
  const logs = await startLocalLogs({ port: 0, dataDir, fsync });
  try {
    await call(logs.endpoint, 'CreateLogGroup', { logGroupName: GROUP });
    const latencies: number[] = [];
    let events = 0;
    const until = performance.now() + PUT_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        const stream = `writer-${w}`;
        await call(logs.endpoint, 'CreateLogStream', { logGroupName: GROUP, logStreamName: stream });
        for (let n = 0; performance.now() < until; n++) {
          const now = Date.now();
          const logEvents = Array.from({ length: BATCH }, (_, i) => ({
            timestamp: now,
            message: message(n * BATCH + i),
          }));
          const started = performance.now();
          await call(logs.endpoint, 'PutLogEvents', {
            logGroupName: GROUP,
            logStreamName: stream,
            logEvents,
          });
          latencies.push(performance.now() - started);
          events += BATCH;
        }
      }),
    );
    return { rate: events / PUT_SECONDS, p99: percentile(latencies, 99) };
  } finally {
    await logs.stop();
  }
}

function storeOf200k(): { store: LogStore; now: number } {
  const store = new LogStore(undefined);
  store.createLogGroup(GROUP);
  store.createLogStream(GROUP, 'a');
  const now = Date.now();
  for (let b = 0; b < 20; b++) {
    const start = now - DAY / 2 + b * 10_000;
    store.putLogEvents(
      GROUP,
      'a',
      Array.from({ length: 10_000 }, (_, i) => ({
        timestamp: start + i,
        message: `event ${b * 10_000 + i}`,
      })),
      now,
    );
  }
  return { store, now };
}

function timeBatch(store: LogStore, start: number, now: number): number {
  const events = Array.from({ length: 10_000 }, (_, i) => ({ timestamp: start + i, message: `late ${i}` }));
  const started = performance.now();
  store.putLogEvents(GROUP, 'a', events, now);
  return performance.now() - started;
}

/** A store of about `bytes` in `dir`: 1 KB events, 1,000 a batch, each batch its own commit. */
async function buildStore(dir: string, bytes: number): Promise<{ events: number; fileBytes: number }> {
  const store = new LogStore(dir, { fsync: false, maxBytes: 4 * bytes });
  store.createLogGroup(GROUP);
  store.createLogStream(GROUP, 'big');
  const now = Date.now();
  const start = now - 13 * DAY;
  let events = 0;
  const file = path.join(dir, DATABASE_FILE);
  const size = () => statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
  while (size() < bytes) {
    for (let b = 0; b < 50; b++) {
      const logEvents = Array.from({ length: 1000 }, (_, i) => ({
        timestamp: start + (events + i) * 1000,
        message: `${message(events + i)} ${'x'.repeat(820)}`,
      }));
      store.putLogEvents(GROUP, 'big', logEvents, now);
      events += 1000;
      await nextTurn();
    }
  }
  store.close();
  return { events, fileBytes: statSync(file).size };
}

/** npm run logs:local on `dir`: milliseconds from its start to "listening", and its peak memory then. */
async function timeStart(dir: string): Promise<{ ms: number; peakMb: number | undefined; groups: string }> {
  const port = await freePort();
  const started = performance.now();
  let groups = '';
  const service = await startService({
    name: 'local logs endpoint',
    entry: path.join(REPO_ROOT, 'shared', 'workshop', 'commands', 'logs-local.ts'),
    args: ['--port', String(port), '--data-dir', dir],
    cwd: REPO_ROOT,
    env: { ...process.env, LOGS_MAX_MB: '4096' },
    readyWhen: { line: /listening on/ },
    readyTimeoutMs: 60_000,
    onLine: (line) => {
      const found = /(\d+) log groups?/.exec(line);
      if (found) groups = found[0];
    },
  });
  const ms = performance.now() - started;
  // What it holds once it answers: one search of the newest events too.
  await call(`http://127.0.0.1:${port}`, 'FilterLogEvents', { logGroupName: GROUP, limit: 100 });
  const peakMb = peakResidentMemoryMb(service.child.pid as number);
  await service.stop(2000);
  return { ms, peakMb, groups };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'logs-bench-'));
  try {
    // 1. PutLogEvents
    const memory = await putLoad(null, false);
    const written = await putLoad(path.join(dir, 'write-only'), false);
    const durable = await putLoad(path.join(dir, 'fsync'), true);
    report(
      'PutLogEvents, 8 writers x 100 events, fsync (events/s)',
      `${fmt(durable.rate)} /s (memory ${fmt(memory.rate)}, no fsync ${fmt(written.rate)})`,
      '>= 50% of in memory',
      durable.rate >= memory.rate * 0.5,
    );
    report(
      'PutLogEvents p99 per batch, fsync (ms)',
      `${fmt(durable.p99, 1)} ms (memory ${fmt(memory.p99, 1)}, no fsync ${fmt(written.p99, 1)})`,
      '<= 3x in memory',
      durable.p99 <= memory.p99 * 3,
    );

    // 2. A late batch into 200,000 events
    const late = storeOf200k();
    const lateMs = timeBatch(late.store, late.now - DAY / 2 - 3_600_000, late.now);
    const inOrder = storeOf200k();
    const appendMs = timeBatch(inOrder.store, inOrder.now, inOrder.now);
    report(
      '10,000 events 1 h older than 200,000 stored (ms)',
      `${fmt(lateMs, 1)} ms (appended: ${fmt(appendMs, 1)} ms)`,
      '<= 10x appending them',
      lateMs <= appendMs * 10,
    );

    // 3. FilterLogEvents over 200,000 events, every page
    const logs = await startLocalLogs({ port: 0, dataDir: null });
    try {
      await call(logs.endpoint, 'CreateLogGroup', { logGroupName: GROUP });
      await call(logs.endpoint, 'CreateLogStream', { logGroupName: GROUP, logStreamName: 'a' });
      const now = Date.now();
      const messages: string[] = [];
      for (let b = 0; b < 40; b++) {
        const logEvents = Array.from({ length: 5_000 }, (_, i) => {
          const n = b * 5_000 + i;
          const text = n % 1000 === 0 ? `${message(n)} timeout` : message(n);
          messages.push(text);
          return { timestamp: now - 3_600_000 + n, message: text };
        });
        await call(logs.endpoint, 'PutLogEvents', { logGroupName: GROUP, logStreamName: 'a', logEvents });
      }
      const search = async (filterPattern: string) => {
        const started = performance.now();
        let found = 0;
        let nextToken: string | undefined;
        do {
          const page = await call(logs.endpoint, 'FilterLogEvents', {
            logGroupName: GROUP,
            startTime: 0,
            filterPattern,
            nextToken,
          });
          found += (page.events as unknown[]).length;
          nextToken = page.nextToken as string | undefined;
        } while (nextToken);
        return { ms: performance.now() - started, found };
      };
      let bare = Number.POSITIVE_INFINITY;
      for (let round = 0; round < 5; round++) {
        const started = performance.now();
        let n = 0;
        for (const text of messages) if (text.includes('timeout')) n++;
        bare = Math.min(bare, performance.now() - started);
        if (n !== 200) throw new Error(`baseline found ${n}`);
      }
      const term = await search('timeout');
      const regex = await search('%time[o0]ut%');
      if (term.found !== 200 || regex.found !== 200)
        throw new Error(`found ${term.found} and ${regex.found}, not 200`);
      report(
        'FilterLogEvents, a term over 200,000 events (ms)',
        `${fmt(term.ms, 1)} ms (bare loop: ${fmt(bare, 1)} ms)`,
        '<= 30x a bare loop',
        term.ms <= bare * 30,
      );
      report(
        'FilterLogEvents, a regex (RE2) over 200,000 (ms)',
        `${fmt(regex.ms, 1)} ms (bare loop: ${fmt(bare, 1)} ms)`,
        '<= 200x a bare loop',
        regex.ms <= bare * 200,
      );

      // 4. How long the endpoint stops answering during a search
      const stall = async (filterPattern: string) => {
        let worst = 0;
        let searching = true;
        const probe = (async () => {
          while (searching) {
            const started = performance.now();
            await call(logs.endpoint, 'DescribeLogGroups', {});
            worst = Math.max(worst, performance.now() - started);
          }
        })();
        await search(filterPattern);
        searching = false;
        await probe;
        return worst;
      };
      await call(logs.endpoint, 'CreateLogStream', { logGroupName: GROUP, logStreamName: 'aaa' });
      await call(logs.endpoint, 'PutLogEvents', {
        logGroupName: GROUP,
        logStreamName: 'aaa',
        logEvents: Array.from({ length: 2_000 }, () => ({ timestamp: now, message: 'a'.repeat(27) })),
      });
      const plain = await stall('timeout');
      const hostile = await stall('%^a*a*a*a*a*a*a*a*a*b$%');
      report(
        'longest stall while %^a*a*a*a*a*a*a*a*a*b$% runs (ms)',
        `${fmt(hostile, 1)} ms (plain term: ${fmt(plain, 1)} ms)`,
        '<= 3x a plain term, and < 250 ms',
        hostile <= Math.max(plain * 3, 10) && hostile < 250,
      );
    } finally {
      await logs.stop();
    }

    // 5. Start-up with 1 GB stored
    const big = path.join(dir, 'big');
    const building = performance.now();
    const built = await buildStore(big, 1024 ** 3);
    process.stdout.write(
      `      (built ${fmt(built.fileBytes / 1024 ** 3, 2)} GB, ${fmt(built.events)} events, in ${fmt((performance.now() - building) / 1000, 1)} s)\n`,
    );
    const start = await timeStart(big);
    report(
      'start-up with 1 GB stored, to listening (s)',
      `${fmt(start.ms / 1000, 2)} s (${start.groups})`,
      '< 5 s',
      start.ms < 5000,
    );
    if (start.peakMb === undefined) {
      process.stdout.write('      (peak memory: read from /proc on Linux only, not measured here)\n');
    } else {
      report(
        'start-up with 1 GB stored, peak memory (MB)',
        `${fmt(start.peakMb)} MB`,
        '< 300 MB',
        start.peakMb < 300,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const missed = goalsMissed();
  process.stdout.write(missed === 0 ? 'All goals met.\n' : `${missed} goal(s) missed.\n`);
  process.exit(missed === 0 ? 0 : 1);
}

void main();
