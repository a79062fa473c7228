/**
 * Our tail against `aws logs tail --follow`, on the same local endpoint, in one run: events arrive
 * continuously (ten a second), every fifth batch also carries one ingested late (its timestamp 20 s in the
 * past, as a delayed batch from a Lambda container would be). For each tail: the time from an event being
 * readable (PutLogEvents answered) to the tail printing it (p50, p95), and the events it lost or printed
 * twice. Our tail runs twice: live (StartLiveTail, the default) and --poll (FilterLogEvents only).
 * The AWS CLI runs unbuffered (PYTHONUNBUFFERED=1), so that Python's pipe buffering does not count against it.
 *
 * Goals: nothing lost, nothing duplicated, p50 under 1 s and under half the AWS CLI's.
 */

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { fmt, goalsMissed, percentile, report } from '../../shared/bench/measure';
import { clientOptions } from '../../shared/src/aws';
import { REPO_ROOT } from '../../shared/src/env';
import { freePort, localBin, type Service, startService } from '../../shared/src/process';

const GROUP = '/aws/lambda/cinq-euros-api-dev-check';
const STREAM = '2026/11/25/[$LATEST]be0c4be0c4be0c4be0c4be0c4be0c4b';
const WRITE_FOR_MS = 12_000;
const BATCH_EVERY_MS = 200;
const LATE_BY_MS = 20_000;
/** The AWS CLI polls every 5 s: give it one more round after the last event. */
const SETTLE_MS = 7_000;
const AWS_CLI = '/usr/bin/aws';

interface Tail {
  readonly name: string;
  /** Event number -> when each printing of it arrived. */
  readonly seen: Map<number, number[]>;
  service?: Service;
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
  if (!existsSync(AWS_CLI)) {
    process.stdout.write(`The AWS CLI v2 is missing (${AWS_CLI}): sudo apt-get install -y awscli\n`);
    process.exit(1);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'tail-bench-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
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
  try {
    services.push(
      await startService({
        name: 'local CloudWatch Logs',
        command: localBin('tsx'),
        args: [path.join(REPO_ROOT, '05-logs', 'offline', 'serve.ts')],
        env,
        readyWhen: { port },
      }),
    );
    const client = new CloudWatchLogsClient({
      ...clientOptions(),
      region: 'eu-west-3',
      endpoint,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    await client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: STREAM }));
    const put = async (events: { timestamp: number; message: string }[]) => {
      await client.send(
        new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, logEvents: events }),
      );
      return Date.now();
    };

    const chapter = path.join(REPO_ROOT, '05-logs', 'scripts', 'chapter.ts');
    const ours = ['--offline', '--follow', '--since', '2m', '--format', 'short'];
    const tails: Tail[] = [
      { name: 'our tail (live)', seen: new Map() },
      { name: 'our tail (--poll)', seen: new Map() },
      { name: 'aws logs tail --follow', seen: new Map() },
    ];
    const commands: [string, string[]][] = [
      [localBin('tsx'), [chapter, ...ours]],
      [localBin('tsx'), [chapter, ...ours, '--poll']],
      [
        AWS_CLI,
        ['logs', 'tail', GROUP, '--follow', '--since', '2m', '--format', 'short', '--endpoint-url', endpoint],
      ],
    ];
    // A first event, printed by each tail once it is running: then the measured ones begin.
    await put([{ timestamp: Date.now(), message: 'bench-0 warm-up' }]);
    for (const [i, tail] of tails.entries()) {
      const [command, args] = commands[i] as [string, string[]];
      tail.service = await startService({ name: tail.name, command, args, env, onLine: watch(tail) });
      services.push(tail.service);
    }
    const deadline = Date.now() + 20_000;
    while (tails.some((t) => !t.seen.has(0)) && Date.now() < deadline) await sleep(50);
    const notReady = tails.filter((t) => !t.seen.has(0)).map((t) => t.name);
    if (notReady.length > 0)
      throw new Error(`These tails printed nothing within 20 s: ${notReady.join(', ')}`);

    const readable = new Map<number, number>();
    let n = 0;
    let batches = 0;
    const end = Date.now() + WRITE_FOR_MS;
    while (Date.now() < end) {
      const now = Date.now();
      const events: { timestamp: number; message: string }[] = [];
      // Every fifth batch carries an event ingested late, with an older timestamp (it sorts first).
      const late = batches % 5 === 2 ? ++n : undefined;
      if (late !== undefined) events.push({ timestamp: now - LATE_BY_MS, message: `bench-${late} late` });
      const current = [++n, ++n];
      for (const id of current) events.push({ timestamp: now, message: `bench-${id}` });
      const at = await put(events);
      for (const id of [...current, ...(late !== undefined ? [late] : [])]) readable.set(id, at);
      batches++;
      await sleep(BATCH_EVERY_MS - (Date.now() - now));
    }
    await sleep(SETTLE_MS);

    const written = [...readable.keys()];
    const lateCount = Math.ceil(batches / 5);
    process.stdout.write(
      `${written.length} events in ${fmt(WRITE_FOR_MS / 1000)} s (${lateCount} ingested ${LATE_BY_MS / 1000} s late), one stream, local endpoint.\n`,
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
    const seconds = (ms: number) => `${fmt(ms / 1000, 2)} s`;
    for (const f of figures) {
      const isCli = f === cli;
      const name = f.tail.name;
      report(
        `${name}: latency p50`,
        seconds(f.p50),
        isCli ? '(the baseline)' : `< 1 s and < half the CLI's (${seconds(cli.p50 / 2)})`,
        isCli || (f.p50 < 1000 && f.p50 < cli.p50 / 2),
      );
      report(`${name}: latency p95`, seconds(f.p95), '(reported)', true);
      report(
        `${name}: events lost`,
        `${f.lost} of ${written.length}`,
        isCli ? '(the baseline)' : '0',
        isCli || f.lost === 0,
      );
      report(
        `${name}: events printed twice`,
        String(f.duplicated),
        isCli ? '(the baseline)' : '0',
        isCli || f.duplicated === 0,
      );
    }
    client.destroy();
  } finally {
    for (const service of services.reverse()) await service.stop(2000);
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(goalsMissed() === 0 ? 0 : 1);
}

main().catch((error: Error) => {
  process.stderr.write(`tail bench: ${error.message}\n`);
  process.exit(1);
});
