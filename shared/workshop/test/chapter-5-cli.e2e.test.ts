/**
 * The commands a learner and an instructor type: `npm run chapter:5` (the tail) and `npm run demo:logs`,
 * run as child processes against endpoints on free ports, with fake credentials and no network.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { REPO_ROOT } from '../env';
import { TSX_HOOK } from '../process/entries';
import { freePort } from '../process/ports';
import type { LocalLogs } from '../stand-ins/logs/server';
import { clientFor, createGroup, put, startTestLogs } from '../test-support/logs';

const run = promisify(execFile);
const GROUP = '/aws/lambda/cinq-euros-api-dev-check';
const STREAM = '2026/11/25/[$LATEST]5a4b3c2d1e0f5a4b3c2d1e0f5a4b3c2d';
const ID = 'f30dc10e-52c4-4c54-8d5e-6b0c9a8e2f11';

let logs: LocalLogs;
let client: CloudWatchLogsClient;
let dir: string;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function script(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--require', TSX_HOOK, path.join(REPO_ROOT, 'shared', 'workshop', 'commands', file), ...args],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          NO_COLOR: '1',
          LOGS_PORT: String(logs.port),
          ...env,
        },
        timeout: 50_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const tail = (args: string[], env?: NodeJS.ProcessEnv) => script('chapter-5.ts', args, env);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'logs-cli-'));
  logs = await startTestLogs();
  client = clientFor(logs.endpoint);
  await createGroup(client, GROUP, [STREAM]);
  const t = Date.now() - 2000;
  await put(client, GROUP, STREAM, [
    { timestamp: t, message: `START RequestId: ${ID} Version: $LATEST\n` },
    {
      timestamp: t + 1,
      message: `{"level":"INFO","requestId":"${ID}","status":400,"outcome":"not-authentic","reason":"not-utf8","message":"This is not an authentic signature"}\n`,
    },
    { timestamp: t + 2, message: `END RequestId: ${ID}\n` },
    {
      timestamp: t + 3,
      message: `REPORT RequestId: ${ID}\tDuration: 1.39 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 14 MB\t\n`,
    },
  ]);
});

afterAll(async () => {
  client.destroy();
  await logs.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run chapter:5', () => {
  it('prints the recent history of the check function offline, then says how to follow', async () => {
    const { code, stdout, stderr } = await tail(['--offline']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} f30dc10e INFO {2}status=400 outcome=not-authentic reason=not-utf8 message="This is not an authentic signature"$/,
    );
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} f30dc10e REPORT 1\.39 ms \(billed 2 ms\) · 14\/128 MB$/);
    expect(stderr).toMatch(
      /4 log events in \/aws\/lambda\/cinq-euros-api-dev-check since .*\. Add --follow to keep watching\./,
    );
  }, 30_000);

  it('honours AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, a filter pattern, json and UTC', async () => {
    const { code, stdout } = await tail(
      ['--filter-pattern', '{ $.status = 400 }', '--format', 'json', '--utc'],
      {
        AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.endpoint,
      },
    );
    expect(code).toBe(0);
    const events = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events).toEqual([
      expect.objectContaining({
        type: 'log',
        requestId: ID,
        level: 'INFO',
        message: 'This is not an authentic signature',
      }),
    ]);
  }, 30_000);

  it('follows until nothing new came for --exit-after-idle, then exits cleanly', async () => {
    const { code, stderr } = await tail([
      '--offline',
      '--follow',
      '--exit-after-idle',
      '1s',
      '--since',
      '1m',
    ]);
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /^Tailing \/aws\/lambda\/cinq-euros-api-dev-check on the local endpoint http:\/\/127\.0\.0\.1:\d+, from /,
    );
    expect(stderr).toContain('Nothing new for 1s: stopped after 4 log events.');
  }, 30_000);

  it('says what to do when the log group does not exist yet', async () => {
    const { code, stderr } = await tail(['--offline', '--log-group', '/aws/lambda/not-invoked-yet']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'chapter:5: the log group /aws/lambda/not-invoked-yet does not exist on the local endpoint ' +
        `${logs.endpoint}.\nLambda creates a function's log group at its first invocation: call the function once, then run this again.\n` +
        'Offline, the check function ships its logs while the local endpoint runs: npm run chapter:3 -- --offline (or npm run demo:logs).\n',
    );
  }, 30_000);

  it('says how to start the local endpoint when nothing listens on LOGS_PORT', async () => {
    const port = await freePort();
    const { code, stderr } = await tail(['--offline'], { LOGS_PORT: String(port) });
    expect(code).toBe(1);
    expect(stderr).toBe(
      `chapter:5: nothing answers on http://127.0.0.1:${port} (LOGS_PORT). Start the local CloudWatch Logs endpoint first: npm run logs:local (or npm start), then run this again.\n`,
    );
  }, 30_000);

  it.each([
    [['--format', 'xml'], '--format "xml" is not one of short, detailed, json.'],
    [['--since', 'yesterday'], '--since "yesterday" is not understood'],
    [['--exit-after-idle', '5s'], '--exit-after-idle only makes sense with --follow.'],
    [['--follow', '--exit-after-idle', 'soon'], '--exit-after-idle "soon" is not a duration'],
    [['--colour'], "Unknown option '--colour'"],
  ])(
    'refuses %j with a one-line reason and exit code 2',
    async (args, reason) => {
      const { code, stderr } = await tail(args);
      expect(code).toBe(2);
      expect(stderr.split('\n')[0]).toContain(reason);
      expect(stderr).toContain('Usage: npm run chapter:5 -- [options]');
    },
    30_000,
  );
});

describe('npm run chapter:5 -- --follow, stopped from outside', () => {
  const env = () => ({
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    NO_COLOR: '1',
    LOGS_PORT: String(logs.port),
  });
  /** Resolves with the first line on `stream` matching `pattern`. */
  const lineOf = (child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      let text = '';
      child[stream]?.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        const line = text.split('\n').find((l) => pattern.test(l));
        if (line !== undefined) resolve(line);
      });
      child.once('exit', () => reject(new Error(`exited before printing ${pattern}: ${text}`)));
    });
  /**
   * Whether every process that holds `child`'s output pipes (npm and what it runs) has ended within `ms`:
   * the pipes close only then, whatever the system.
   */
  const allGone = (child: ChildProcess, ms: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      child.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });

  it.each(['SIGTERM', 'SIGHUP'] as const)(
    'stops with everything it started on %s sent to npm, as on Ctrl-C',
    async (signal) => {
      const npm = spawn('npm', ['run', '-s', 'chapter:5', '--', '--offline', '--follow'], {
        cwd: REPO_ROOT,
        env: env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      npm.once('error', () => undefined);
      await lineOf(npm, 'stderr', /^Tailing /);
      const gone = allGone(npm, 5000);
      npm.kill(signal);
      expect(await gone).toBe(true);
    },
    30_000,
  );

  it('stops once its output is gone (a closed pipe), at its next line', async () => {
    const tail = spawn(
      process.execPath,
      [
        '--require',
        TSX_HOOK,
        path.join(REPO_ROOT, 'shared', 'workshop', 'commands', 'chapter-5.ts'),
        '--offline',
        '--follow',
      ],
      {
        cwd: REPO_ROOT,
        env: env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => tail.once('exit', resolve));
    await lineOf(tail, 'stdout', /REPORT/);
    tail.stdout?.destroy();
    await put(client, GROUP, STREAM, [{ timestamp: Date.now(), message: 'after the reader left\n' }]);
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 8000))]);
    if (code === 'still running') tail.kill('SIGKILL');
    expect(code).toBe(0);
  }, 30_000);
});

describe('npm run demo:logs', () => {
  it('shows both requests of the article, the 400 reason with its request id, and the REPORT lines', async () => {
    const [logsPort, apiPort, lambdaPort] = [await freePort(), await freePort(), await freePort()];
    const { code, stdout, stderr } = await script('demo-logs.ts', ['--once'], {
      LOGS_PORT: String(logsPort),
      LOGS_DIR: path.join(dir, 'demo-logs'),
      API_PORT: String(apiPort),
      LAMBDA_PORT: String(lambdaPort),
      SIGNATURE_KEY: 'demo-test-password',
      SIGNING_KEYS: `demo:${'k'.repeat(43)}`,
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(`1. Local CloudWatch Logs: started on http://127.0.0.1:${logsPort}`);
    expect(stdout).toMatch(/4\. Sent a genuine signature of bill 2019-0042: HTTP 200 \{"authentic":true/);
    expect(stdout).toMatch(/4\. Sent the forged "skrttskrtttt": HTTP 400 \{"authentic":false/);
    expect(stdout).toMatch(
      /\d\d:\d\d:\d\d\.\d{3} [0-9a-f]{8} INFO {2}status=200 outcome=authentic scheme=legacy customer=j\*\*\*@example\.com/,
    );
    expect(stdout).toMatch(
      /\d\d:\d\d:\d\d\.\d{3} [0-9a-f]{8} INFO {2}status=400 outcome=not-authentic .*message="This is not an authentic signature"/,
    );
    const reports = stdout.split('\n').filter((l) => / REPORT /.test(l));
    expect(reports).toHaveLength(2);
    expect(reports[0]).toMatch(
      /REPORT [\d.]+ ms \(billed \d+ ms\) · \d+\/128 MB · cold start, init [\d.]+ ms$/,
    );
    expect(reports[1]).toMatch(/REPORT [\d.]+ ms \(billed \d+ ms\) · \d+\/128 MB$/);
    expect(stdout).toContain('Both requests are in the logs: the 400 says why, with its request id. Done.');
  }, 60_000);

  it('--scenario secret-missing: the symptom, the ERROR line that names the missing secret, the fix', async () => {
    const [logsPort, apiPort, lambdaPort] = [await freePort(), await freePort(), await freePort()];
    const { code, stdout, stderr } = await script('demo-logs.ts', ['--scenario', 'secret-missing'], {
      LOGS_PORT: String(logsPort),
      LOGS_DIR: path.join(dir, 'scenario-logs'),
      API_PORT: String(apiPort),
      LAMBDA_PORT: String(lambdaPort),
      SIGNATURE_KEY: 'demo-test-password',
      SIGNING_KEYS: `demo:${'k'.repeat(43)}`,
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    expect(at(/^ {3}HTTP 200 /)).toBeGreaterThan(0);
    expect(at(/^ {3}HTTP 503 in \d+ ms: \{"error":"not-configured"/)).toBeGreaterThan(at(/^ {3}HTTP 200 /));
    expect(stdout).toMatch(
      /\$ npm run chapter:5 -- --offline --since \S+ --filter-pattern '\{ \$\.level = "ERROR" \}'\n\d\d:\d\d:\d\d\.\d{3} [0-9a-f]{8} ERROR status=503 outcome=not-configured scheme=legacy reason="SIGNATURE_KEY is not set/,
    );
    expect(lines.slice(at(/^f\. Back to normal/)).join('\n')).toMatch(/HTTP 200 /);
  }, 90_000);
});
