/**
 * The deployed function's size and speed, measured on the zip `serverless package` makes:
 *  - its size (goal: <= 8 KB);
 *  - cold start proxy: a fresh Node process that loads the bundled handler and answers one request,
 *    against an empty Node process, medians of interleaved runs (goal: <= 10 ms more);
 *  - warm: requests/s of the bundled handler checking a bill-sized signature in-process, its log line
 *    written to /dev/null (goal: >= 100,000/s).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encode } from '../../src/index';
import { packageChapter } from '../packaging/serverless-package';
import { readZip } from '../test-support/zip';
import { fmt, median, report } from './measure';

const SIZE_GOAL = 8 * 1024;
const COLD_GOAL_MS = 10;
const WARM_GOAL = 100_000;
const COLD_RUNS = 41;

const SECRETS = { SIGNATURE_KEY: 'bench-password', SIGNING_KEYS: `bench:${'b'.repeat(40)}` };
const EVENT = {
  httpMethod: 'POST',
  headers: { 'content-type': 'text/plain' },
  requestContext: { requestId: 'bench' },
  isBase64Encoded: false,
  body: encode(SECRETS.SIGNATURE_KEY, 'jane.doe@example.com#2019-0042'),
};

/** One request, as Lambda's first invocation after a cold start. */
const COLD = `require('./check.js').handler(${JSON.stringify(EVENT)}).then((r) => { if (r.statusCode !== 200) process.exit(3); });`;

/** Requests per second for about a second, after a warm-up; the result goes to stderr. */
const WARM = `
const { handler } = require('./check.js');
const event = ${JSON.stringify(EVENT)};
(async () => {
  const run = async (until) => { let n = 0; while (performance.now() < until) { for (let i = 0; i < 256; i++) await handler(event); n += 256; } return n; };
  const first = await handler(event);
  if (first.statusCode !== 200) throw new Error('the bench signature was not authentic: ' + first.body);
  await run(performance.now() + 300);
  const start = performance.now();
  const n = await run(start + 1500);
  process.stderr.write(String(n / ((performance.now() - start) / 1000)));
})();`;

function wallMs(dir: string, script: string): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, ['-e', script], {
    cwd: dir,
    env: { PATH: process.env.PATH, ...SECRETS },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`node -e exited with ${run.status}`);
  return performance.now() - start;
}

async function main(): Promise<void> {
  process.stdout.write('Packaging the function (serverless package)...\n');
  const { zip } = await packageChapter('03-lambda-check');
  if (!zip) throw new Error('serverless package wrote no zip for 03-lambda-check');
  const dir = mkdtempSync(path.join(tmpdir(), 'chapter03-bench-'));
  try {
    const size = statSync(zip).size;
    report(
      'check Lambda: deployed zip',
      `${fmt(size)} bytes`,
      `<= ${fmt(SIZE_GOAL)} bytes`,
      size <= SIZE_GOAL,
    );

    writeFileSync(path.join(dir, 'check.js'), readZip(zip).get('src/check.js') as Buffer);
    const empty: number[] = [];
    const loaded: number[] = [];
    wallMs(dir, ''); // the first spawn warms the OS caches for both
    for (let i = 0; i < COLD_RUNS; i++) {
      empty.push(wallMs(dir, ''));
      loaded.push(wallMs(dir, COLD));
    }
    const extra = median(loaded) - median(empty);
    report(
      'check Lambda: cold start, load + 1st request',
      `+${fmt(extra, 1)} ms (${fmt(median(loaded), 1)} vs ${fmt(median(empty), 1)} ms)`,
      `<= +${COLD_GOAL_MS} ms over empty node`,
      extra <= COLD_GOAL_MS,
    );

    const warm = spawnSync(process.execPath, ['-e', WARM], {
      cwd: dir,
      env: { PATH: process.env.PATH, ...SECRETS },
      stdio: ['ignore', 'ignore', 'pipe'], // stdout, where the handler logs, is /dev/null
      encoding: 'utf8',
    });
    const rate = Number(warm.stderr);
    if (warm.status !== 0 || !Number.isFinite(rate)) throw new Error(`warm bench failed: ${warm.stderr}`);
    report(
      'check Lambda: warm, in-process, log to /dev/null',
      `${fmt(rate)} requests/s`,
      `>= ${fmt(WARM_GOAL)}/s`,
      rate >= WARM_GOAL,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
