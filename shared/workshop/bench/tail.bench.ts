/**
 * Our tail against `aws logs tail --follow`, in one run, on the same endpoint: the local CloudWatch Logs
 * behind a proxy as hostile as a busy real endpoint (test/support/faulty-endpoint.ts): throttling and 5xx
 * on a share of the calls, slow answers, small pages, empty pages that still carry a token; Live Tail
 * sessions cut without a goodbye, ended with SessionTimeoutException or gone silent after a few seconds,
 * openings throttled, updates sampled. Events arrive on several streams, ten a second, many of them
 * ingested a few seconds late and some 20 s late (timestamps in the past, as delayed batches from a busy
 * container are).
 *
 * For each tail: the time from an event being readable (PutLogEvents answered) to the tail printing it
 * (p50, p95), the events it lost and those it printed twice. Our tail runs twice: live (StartLiveTail, the
 * default) and --poll (FilterLogEvents only). The AWS CLI runs unbuffered (PYTHONUNBUFFERED=1), so that
 * Python's pipe buffering does not count against it, with botocore's standard retries (10 attempts), so
 * that the throttling does not end it.
 *
 * Goals: nothing lost, nothing printed twice, p50 at most 1 s and at most half the AWS CLI's.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { clientOptions } from '../../src/aws';
import { REPO_ROOT } from '../env';
import { freePort } from '../process/ports';
import { type Service, startService } from '../process/services';
import { type Faults, seededRandom, startFaultyEndpoint } from '../test-support/faulty-endpoint';
import { findAwsCliV2 } from '../tools';
import { fmt, goalsMissed, percentile, report } from './measure';

const GROUP = '/aws/lambda/cinq-euros-api-dev-check';
const STREAMS = Array.from(
  { length: 6 },
  (_, i) => `2026/11/25/[$LATEST]be0c4be0c4be0c4be0c4be0c4be0c4b${i}`,
);
const WRITE_FOR_MS = 20_000;
const BATCH_EVERY_MS = 200;
/** A share of events is ingested a few seconds late; one batch in five also carries one 20 s late. */
const SECONDS_LATE_SHARE = 0.3;
const SECONDS_LATE_MS: [number, number] = [1000, 4000];
const VERY_LATE_MS = 20_000;
/** After the last event: the AWS CLI polls every 5 s, and our polling tail sweeps the wide window every ~10 s. */
const SETTLE_MS = 15_000;
/** Found once, as the bench starts (a v1 earlier on PATH is passed over). */
const AWS_CLI = findAwsCliV2();

const HOSTILE: Faults = {
  throttleRate: 0.1,
  serverErrorRate: 0.1,
  emptyPageRate: 0.2,
  pageSize: 50,
  latencyMs: [20, 120],
  liveFates: { cut: 1, timeout: 1, silent: 1, after: [2000, 6000] },
  liveThrottleRate: 0.3,
  liveSampleRate: 0.2,
};

interface Tail {
  readonly name: string;
  /** Event number -> when each printing of it arrived. */
  readonly seen: Map<number, number[]>;
}

/**
 * The AWS CLI, the one program here that is not a JavaScript entry (a Python one), so not startable by
 * startService: stopped as this bench ends, or killed with it.
 */
function startAwsCli(name: string, args: string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void) {
  if (!AWS_CLI) throw new Error('The AWS CLI v2 is missing.');
  const child = spawn(AWS_CLI, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', (code) => {
      process.off('exit', kill);
      resolve(code);
    });
  });
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', onLine);
  return {
    name,
    child,
    exited,
    async stop(graceMs = 2000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(kill, graceMs);
      await exited;
      clearTimeout(timer);
    },
  } satisfies Service;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function watch(tail: Tail) {
  return (line: string) => {
    const at = Date.now();
    for (const match of line.matchAll(/bench-(\d+)/g)) {
      const n = Number(match[1]);
      const list = tail.seen.get(n) ?? [];
      list.push(at);
      tail.seen.set(n, list);
    }
  };
}

async function main(): Promise<void> {
  if (!AWS_CLI) {
    process.stdout.write(
      "The AWS CLI v2 is missing: sudo apt-get install -y awscli (or AWS's installer; AWS_CLI names another aws)\n",
    );
    process.exit(1);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'tail-bench-'));
  const port = await freePort();
  const upstream = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'eu-west-3',
    AWS_CONFIG_FILE: path.join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
    AWS_PAGER: '',
    NO_COLOR: '1',
    PYTHONUNBUFFERED: '1',
    LOGS_PORT: String(port),
    LOGS_DIR: path.join(dir, 'data'),
  };
  const services: Service[] = [];
  const hostile = await startFaultyEndpoint(upstream, {}, 14);
  try {
    services.push(
      await startService({
        name: 'local CloudWatch Logs',
        entry: path.join(REPO_ROOT, 'shared', 'workshop', 'commands', 'logs-local.ts'),
        env,
        readyWhen: { port },
      }),
    );
    const client = new CloudWatchLogsClient({
      ...clientOptions(),
      region: 'eu-west-3',
      endpoint: upstream,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    await client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    for (const stream of STREAMS) {
      await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: stream }));
    }
    const put = async (stream: string, events: { timestamp: number; message: string }[]) => {
      events.sort((a, b) => a.timestamp - b.timestamp);
      await client.send(
        new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, logEvents: events }),
      );
      return Date.now();
    };

    const chapter = path.join(REPO_ROOT, 'shared', 'workshop', 'commands', 'chapter-5.ts');
    const ours = ['--follow', '--since', '2m', '--format', 'short'];
    const tails: Tail[] = [
      { name: 'our tail (live)', seen: new Map() },
      { name: 'our tail (--poll)', seen: new Map() },
      { name: 'aws logs tail --follow', seen: new Map() },
    ];
    const ourEnv = { ...env, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: hostile.endpoint };
    const cliEnv = { ...env, AWS_RETRY_MODE: 'standard', AWS_MAX_ATTEMPTS: '10' };
    const awsArgs = [
      'logs',
      'tail',
      GROUP,
      '--follow',
      '--since',
      '2m',
      '--format',
      'short',
      '--endpoint-url',
      hostile.endpoint,
    ];
    // A first event, printed by each tail once it is running: then the faults and the measured events begin.
    await put(STREAMS[0] as string, [{ timestamp: Date.now(), message: 'bench-0 warm-up' }]);
    const [live, poll, aws] = tails as [Tail, Tail, Tail];
    for (const [tail, args] of [
      [live, ours],
      [poll, [...ours, '--poll']],
    ] as const) {
      services.push(
        await startService({ name: tail.name, entry: chapter, args, env: ourEnv, onLine: watch(tail) }),
      );
    }
    services.push(startAwsCli(aws.name, awsArgs, cliEnv, watch(aws)));
    const deadline = Date.now() + 20_000;
    while (tails.some((t) => !t.seen.has(0)) && Date.now() < deadline) await sleep(50);
    const notReady = tails.filter((t) => !t.seen.has(0)).map((t) => t.name);
    if (notReady.length > 0)
      throw new Error(`These tails printed nothing within 20 s: ${notReady.join(', ')}`);
    hostile.setFaults(HOSTILE);

    const random = seededRandom(2026);
    const readable = new Map<number, number>();
    let n = 0;
    let batches = 0;
    let secondsLate = 0;
    let veryLate = 0;
    const end = Date.now() + WRITE_FOR_MS;
    while (Date.now() < end) {
      const now = Date.now();
      const byStream = new Map<string, { id: number; timestamp: number }[]>();
      const add = (timestamp: number) => {
        const stream = STREAMS[Math.floor(random() * STREAMS.length)] as string;
        byStream.set(stream, [...(byStream.get(stream) ?? []), { id: ++n, timestamp }]);
      };
      for (let i = 0; i < 2; i++) {
        const late = random() < SECONDS_LATE_SHARE;
        if (late) secondsLate++;
        add(late ? now - SECONDS_LATE_MS[0] - random() * (SECONDS_LATE_MS[1] - SECONDS_LATE_MS[0]) : now);
      }
      if (batches % 5 === 2) {
        veryLate++;
        add(now - VERY_LATE_MS);
      }
      await Promise.all(
        [...byStream].map(async ([stream, events]) => {
          const at = await put(
            stream,
            events.map((e) => ({ timestamp: Math.round(e.timestamp), message: `bench-${e.id}` })),
          );
          for (const e of events) readable.set(e.id, at);
        }),
      );
      batches++;
      await sleep(BATCH_EVERY_MS - (Date.now() - now));
    }
    await sleep(SETTLE_MS);

    const written = [...readable.keys()];
    const c = hostile.counts;
    process.stdout.write(
      `${written.length} events in ${fmt(WRITE_FOR_MS / 1000)} s on ${STREAMS.length} streams (${secondsLate} ingested 1-4 s late, ${veryLate} 20 s late), local endpoint behind a hostile proxy:\n` +
        `  ${c.throttled} throttled and ${c.serverErrors} 5xx answers, ${c.emptyPages} empty pages with a token, pages of ${HOSTILE.pageSize}, answers in ${HOSTILE.latencyMs?.join('-')} ms;\n` +
        `  Live Tail: ${c.liveDrops} sessions cut, ${c.liveTimeouts} SessionTimeoutException, ${c.liveSilences} gone silent, ${c.liveThrottled} openings throttled, ${c.sampledUpdates} updates sampled (${c.eventsLeftOut} events left out).\n`,
    );
    const figures = tails.map((tail) => {
      const latencies = written.flatMap((id) => {
        const first = tail.seen.get(id)?.[0];
        return first === undefined ? [] : [first - (readable.get(id) as number)];
      });
      const lost = written.filter((id) => !tail.seen.has(id)).length;
      const duplicated = written.reduce(
        (sum, id) => sum + Math.max(0, (tail.seen.get(id)?.length ?? 0) - 1),
        0,
      );
      return { tail, p50: percentile(latencies, 50), p95: percentile(latencies, 95), lost, duplicated };
    });
    const cli = figures[2] as (typeof figures)[number];
    const seconds = (ms: number | undefined) =>
      ms === undefined ? 'none printed' : `${fmt(ms / 1000, 2)} s`;
    for (const f of figures) {
      const isCli = f === cli;
      const name = f.tail.name;
      const goal = (met: boolean) => isCli || met;
      report(
        `${name}: latency p50`,
        seconds(f.p50),
        isCli ? '(the baseline)' : `<= 1 s and <= half the CLI's (${seconds(cli.p50 / 2)})`,
        goal(f.p50 !== undefined && f.p50 <= 1000 && f.p50 <= cli.p50 / 2),
      );
      report(`${name}: latency p95`, seconds(f.p95), '(reported)', true);
      report(
        `${name}: events lost`,
        `${f.lost} of ${written.length}`,
        isCli ? '(the baseline)' : '0',
        goal(f.lost === 0),
      );
      report(
        `${name}: events printed twice`,
        String(f.duplicated),
        isCli ? '(the baseline)' : '0',
        goal(f.duplicated === 0),
      );
    }
    client.destroy();
  } finally {
    for (const service of services.reverse()) await service.stop(2000);
    await hostile.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(goalsMissed() === 0 ? 0 : 1);
}

main().catch((error: Error) => {
  process.stderr.write(`tail bench: ${error.message}\n`);
  process.exit(1);
});
