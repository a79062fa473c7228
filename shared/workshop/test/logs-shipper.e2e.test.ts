/**
 * The offline shipper: serverless-offline's output lines in, what Lambda writes to CloudWatch out, in the
 * local endpoint. The lines are recorded from serverless-offline 14.8 running chapter 03's function (and a
 * handler that throws or sleeps past its timeout), in the order the two pipes delivered them.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { parseLambdaLine } from '../../../05-logs/src/lambda-lines';
import { startOfflineApi } from '../stand-ins/api/offline-api';
import { checkFunctionSettings } from '../stand-ins/logs/check-log-shipper';
import {
  batchLength,
  createLambdaLogShipper,
  type LambdaLogShipper,
  type LambdaLogShipperOptions,
} from '../stand-ins/logs/lambda-log-shipper';
import type { LocalLogs } from '../stand-ins/logs/server';
import { clientFor, sleep, startTestLogs } from '../test-support/logs';

const FUNCTION = 'cinq-euros-api-dev-check';
const GROUP = `/aws/lambda/${FUNCTION}`;
const ID1 = '44b31db5-f209-4521-9ccd-bc0e332a0450';
const ID2 = '364c1c84-b25f-4dd6-b86f-ac09321c0428';
const ID3 = '3729a276-dae9-4283-8999-686ef3eac46b';
const LINE1 = `{"level":"INFO","requestId":"${ID1}","status":400,"outcome":"not-authentic","scheme":"legacy","reason":"not-utf8","message":"This is not an authentic signature","durationMs":0.554}`;
const LINE2 = `{"level":"INFO","requestId":"${ID2}","status":400,"outcome":"not-authentic","scheme":"legacy","reason":"bad-base64-length","message":"This is not an authentic signature","durationMs":0.068}`;
const LINE3 = `{"level":"WARN","requestId":"${ID3}","status":405,"outcome":"rejected","reason":"method-not-allowed","durationMs":0.041}`;

/** Three requests one after the other; the third one's log line came after serverless-offline's own. */
const SEQUENTIAL: (string | number)[] = [
  'Starting Offline at stage dev (eu-west-3)',
  'Server ready: http://127.0.0.1:3000 🚀',
  '',
  'POST /dev/check (λ: check)',
  60,
  LINE1,
  `(λ: check) RequestId: ${ID1}  Duration: 63.45 ms  Billed Duration: 64 ms`,
  '',
  80,
  'POST /dev/check (λ: check)',
  LINE2,
  `(λ: check) RequestId: ${ID2}  Duration: 3.81 ms  Billed Duration: 4 ms`,
  80,
  'ANY /dev/check (λ: check)',
  `(λ: check) RequestId: ${ID3}  Duration: 1.57 ms  Billed Duration: 2 ms`,
  LINE3,
];

let dir: string;
let logs: LocalLogs;
let client: CloudWatchLogsClient;
let shipper: LambdaLogShipper | undefined;
const errors: Error[] = [];

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'logs-shipper-'));
  logs = await startTestLogs({ dataDir: dir });
  client = clientFor(logs.endpoint);
  errors.length = 0;
});

afterEach(async () => {
  await shipper?.close();
  shipper = undefined;
  client.destroy();
  await logs.stop();
  rmSync(dir, { recursive: true, force: true });
});

function ship(options: Partial<LambdaLogShipperOptions> = {}): LambdaLogShipper {
  shipper = createLambdaLogShipper({
    endpoint: logs.endpoint,
    functionName: FUNCTION,
    functionKey: 'check',
    memorySizeMb: 128,
    timeoutSeconds: 5,
    maxMemoryUsedMb: () => 14,
    onError: (error) => errors.push(error),
    ...options,
  });
  return shipper;
}

async function feed(target: LambdaLogShipper, lines: (string | number)[]): Promise<void> {
  for (const line of lines) {
    if (typeof line === 'number') await sleep(line);
    else target.onLine(line);
  }
}

/** Every event of the group, by stream, each as [kind, request id or text]. */
async function shipped(): Promise<Map<string, string[]>> {
  await sleep(120);
  await shipper?.flush();
  const page = await client.send(new FilterLogEventsCommand({ logGroupName: GROUP, startTime: 0 }));
  const streams = new Map<string, string[]>();
  for (const e of page.events ?? []) {
    const list = streams.get(e.logStreamName as string) ?? [];
    list.push(e.message as string);
    streams.set(e.logStreamName as string, list);
  }
  return streams;
}

/** Every message of the group, oldest first, through every page. */
async function allMessages(): Promise<string[]> {
  await shipper?.flush();
  const messages: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new FilterLogEventsCommand({ logGroupName: GROUP, startTime: 0, nextToken }),
    );
    for (const e of page.events ?? []) messages.push(e.message as string);
    nextToken = page.nextToken;
  } while (nextToken);
  return messages;
}

/** `count` requests, one after the other, each logging `line` with its own request id. */
function requests(count: number, line: (id: string) => string): string[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    return [
      'POST /dev/check (λ: check)',
      line(id),
      `(λ: check) RequestId: ${id}  Duration: 1.00 ms  Billed Duration: 1 ms`,
    ];
  }).flat();
}

function kinds(messages: string[]): string[] {
  return messages.map((m) => {
    const line = parseLambdaLine(m);
    return line.kind === 'log'
      ? `log:${line.requestId}`
      : `${line.kind}:${'requestId' in line ? line.requestId : ''}`;
  });
}

describe('shipping serverless-offline output as Lambda writes it', () => {
  it('writes START, the function line, END and REPORT per request, one stream per container', async () => {
    await feed(ship(), SEQUENTIAL);
    const streams = await shipped();
    expect(streams.size).toBe(1);
    const [name, messages] = [...streams][0] as [string, string[]];
    expect(name).toMatch(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(kinds(messages)).toEqual([
      `start:${ID1}`,
      `log:${ID1}`,
      `end:${ID1}`,
      `report:${ID1}`,
      `start:${ID2}`,
      `log:${ID2}`,
      `end:${ID2}`,
      `report:${ID2}`,
      `start:${ID3}`,
      `log:${ID3}`,
      `end:${ID3}`,
      `report:${ID3}`,
    ]);
    expect(messages[0]).toBe(`START RequestId: ${ID1} Version: $LATEST\n`);
    // The handler writes its JSON line straight to stdout: Lambda stores it as it is.
    expect(messages[1]).toBe(`${LINE1}\n`);
    expect(messages[2]).toBe(`END RequestId: ${ID1}\n`);
    expect(messages[3]).toMatch(
      new RegExp(
        `^REPORT RequestId: ${ID1}\\tDuration: (63\\.45|0\\.55) ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: 14 MB\\tInit Duration: \\d+\\.\\d\\d ms\\t\\n$`,
      ),
    );
    // The 60 ms between its lines are less than serverless-offline's Duration (63.45 ms): they tell nothing
    // of the load, so the function's own durationMs (0.554) splits it. Never "Init Duration: 0.00 ms".
    const init = Number(/Init Duration: (\d+\.\d\d) ms/.exec(messages[3] as string)?.[1]);
    expect(init).toBeGreaterThan(1);
    if (messages[3]?.includes('Duration: 0.55 ms')) expect(init).toBeCloseTo(62.9, 1);
    // Warm requests: no Init Duration.
    expect(messages[7]).toBe(
      `REPORT RequestId: ${ID2}\tDuration: 3.81 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 14 MB\t\n`,
    );
    expect(errors).toEqual([]);
  });

  it('gives requests that overlap containers of their own, each starting cold', async () => {
    await feed(ship(), [
      'POST /dev/check (λ: check)',
      'POST /dev/check (λ: check)',
      LINE1,
      LINE2,
      `(λ: check) RequestId: ${ID2}  Duration: 3.81 ms  Billed Duration: 4 ms`,
      `(λ: check) RequestId: ${ID1}  Duration: 63.45 ms  Billed Duration: 64 ms`,
    ]);
    const streams = [...(await shipped()).values()];
    expect(streams).toHaveLength(2);
    expect(streams.map((m) => kinds(m).join(' ')).sort()).toEqual(
      [ID1, ID2].map((id) => `start:${id} log:${id} end:${id} report:${id}`).sort(),
    );
    for (const messages of streams) expect(messages[3]).toContain('Init Duration: ');
  });

  it('reports a timeout as Lambda does, and the next request starts cold', async () => {
    await feed(ship(), [
      'POST /dev/check (λ: check)',
      '× [504] - Lambda timeout.',
      30,
      'POST /dev/check (λ: check)',
      LINE2,
      `(λ: check) RequestId: ${ID2}  Duration: 3.81 ms  Billed Duration: 4 ms`,
    ]);
    const streams = [...(await shipped()).values()];
    expect(streams).toHaveLength(2);
    const timedOut = streams.find((m) => m.some((line) => line.includes('Task timed out'))) as string[];
    expect(kinds(timedOut).map((k) => k.split(':')[0])).toEqual(['start', 'timeout', 'end', 'report']);
    expect(timedOut[1]).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z [0-9a-f-]{36} Task timed out after 5\.00 seconds\n$/,
    );
    expect(parseLambdaLine(timedOut[3] as string)).toMatchObject({
      kind: 'report',
      durationMs: 5000,
      status: 'timeout',
    });
    const next = streams.find((m) => m !== timedOut) as string[];
    expect(next[3]).toContain('Init Duration: ');
  });

  it("writes an unhandled exception as the runtime's Invoke Error line", async () => {
    await feed(ship(), [
      'POST /dev/check (λ: check)',
      "× Unhandled exception in handler 'check'.",
      '× Error: boom',
      '      at exports.check (/work/main/03-lambda-check/src/check.ts:3:31)',
      '× boom',
    ]);
    const [messages] = [...(await shipped()).values()] as [string[]];
    expect(kinds(messages).map((k) => k.split(':')[0])).toEqual(['start', 'log', 'end', 'report']);
    const error = parseLambdaLine(messages[1] as string);
    expect(error).toMatchObject({ kind: 'log', level: 'ERROR' });
    expect(messages[1]).toContain(
      'ERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"boom","stack":["Error: boom","    at exports.check (/work/main/03-lambda-check/src/check.ts:3:31)"]}',
    );
  });

  it('retires containers idle longer than serverless-offline keeps them', async () => {
    const target = ship({ idleContainerMs: 50 });
    await feed(target, SEQUENTIAL.slice(3, 7));
    await sleep(200);
    await feed(target, [
      'POST /dev/check (λ: check)',
      LINE2,
      `(λ: check) RequestId: ${ID2}  Duration: 3.81 ms  Billed Duration: 4 ms`,
    ]);
    const streams = [...(await shipped()).values()];
    expect(streams).toHaveLength(2);
    for (const messages of streams) expect(messages[3]).toContain('Init Duration: ');
  });

  it('settles: waits for a running request to end, then sends it', async () => {
    const target = ship();
    await feed(target, SEQUENTIAL.slice(3, 5));
    const settled = target.settle();
    await sleep(50);
    target.onLine(LINE1);
    target.onLine(`(λ: check) RequestId: ${ID1}  Duration: 63.45 ms  Billed Duration: 64 ms`);
    await settled;
    expect(target.shipped).toBe(4);
  });

  it("ships nothing of serverless-offline's own chatter, nor lines of other functions", async () => {
    await feed(ship(), [
      'Starting Offline at stage dev (eu-west-3)',
      'Offline [http for lambda] listening on http://127.0.0.1:3002',
      'POST /dev/other (λ: other)',
      '{"level":"INFO","requestId":"0f0f0f0f-0000-4000-8000-000000000000"}',
      '(λ: other) RequestId: 0f0f0f0f-0000-4000-8000-000000000000  Duration: 1.00 ms  Billed Duration: 1 ms',
    ]);
    await sleep(120);
    await shipper?.flush();
    expect(shipper?.shipped).toBe(0);
  });

  it('keeps what it could not send while the endpoint is away, and sends it when it is back', async () => {
    const target = ship();
    const port = logs.port;
    await logs.stop();
    await feed(target, SEQUENTIAL.slice(3, 7));
    await sleep(120);
    await target.flush();
    expect(errors.length).toBeGreaterThan(0);
    logs = await startTestLogs({ dataDir: dir, port });
    await target.flush();
    expect(kinds([...(await shipped()).values()][0] as string[])).toEqual([
      `start:${ID1}`,
      `log:${ID1}`,
      `end:${ID1}`,
      `report:${ID1}`,
    ]);
  });
});

describe('batches PutLogEvents accepts, whatever the backlog', () => {
  const at = (timestamp: number, bytes = 10) => ({ timestamp, message: 'x'.repeat(bytes) });

  it("cuts batches at AWS's limits: 1,048,576 bytes counting 26 a event, 10,000 events, 24 hours", () => {
    // 1,048,576 / (974 + 26) = 1048.6: 1048 events fit, the 1049th is past the limit.
    expect(batchLength(Array.from({ length: 2000 }, (_, i) => at(i, 974)))).toBe(1048);
    expect(batchLength([at(0, 1_048_550)])).toBe(1);
    expect(batchLength([at(0, 1_048_551)])).toBe(0);
    expect(batchLength(Array.from({ length: 12_000 }, (_, i) => at(i)))).toBe(10_000);
    expect(batchLength([at(0), at(1), at(24 * 3600_000), at(24 * 3600_000 + 1)])).toBe(3);
    expect(
      batchLength(
        Array.from({ length: 10 }, (_, i) => at(i)),
        4,
      ),
    ).toBe(4);
    expect(batchLength([])).toBe(0);
  });

  it('drains a backlog of more than 1 MiB and 10,000 events in order once the endpoint is back', async () => {
    const target = ship();
    const port = logs.port;
    await logs.stop();
    const pad = 'p'.repeat(400);
    const count = 2600;
    await feed(
      target,
      requests(count, (id) => `{"level":"INFO","requestId":"${id}","status":200,"pad":"${pad}"}`),
    );
    await target.flush();
    expect(errors.length).toBeGreaterThan(0);
    logs = await startTestLogs({ dataDir: dir, port });
    errors.length = 0;
    const messages = await allMessages();
    // START, the line, END, REPORT per request: 10,400 events, about 1.6 MB.
    expect(messages).toHaveLength(4 * count);
    const order = kinds(messages).filter((k) => k.startsWith('start:'));
    expect(order).toEqual(
      Array.from({ length: count }, (_, i) => `start:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
    );
    expect(errors).toEqual([]);
    // And what comes after the outage is shipped too.
    await feed(target, SEQUENTIAL.slice(3, 7));
    expect((await allMessages()).slice(-4).map((m) => kinds([m])[0])).toEqual([
      `start:${ID1}`,
      `log:${ID1}`,
      `end:${ID1}`,
      `report:${ID1}`,
    ]);
  });

  it('drops an event no batch can hold, says so, and ships the ones after it', async () => {
    const target = ship();
    const huge = `{"level":"INFO","requestId":"${ID1}","dump":"${'d'.repeat(1_100_000)}"}`;
    await feed(target, [
      'POST /dev/check (λ: check)',
      huge,
      `(λ: check) RequestId: ${ID1}  Duration: 1.00 ms  Billed Duration: 1 ms`,
    ]);
    await target.flush();
    await feed(target, SEQUENTIAL.slice(9, 12));
    const messages = await allMessages();
    expect(kinds(messages)).toEqual([
      `start:${ID1}`,
      `end:${ID1}`,
      `report:${ID1}`,
      `start:${ID2}`,
      `log:${ID2}`,
      `end:${ID2}`,
      `report:${ID2}`,
    ]);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^A log event of 1100\d\d\d bytes was dropped: PutLogEvents takes at most 1048576 bytes/,
      ),
    ]);
  });

  it('retries on its own after an outage, with no new line to ship', async () => {
    const target = ship();
    const port = logs.port;
    await logs.stop();
    await feed(target, SEQUENTIAL.slice(3, 7));
    await sleep(300);
    expect(errors.length).toBeGreaterThan(0);
    logs = await startTestLogs({ dataDir: dir, port });
    const deadline = Date.now() + 10_000;
    while (target.shipped < 4 && Date.now() < deadline) await sleep(50);
    expect(target.shipped).toBe(4);
  });
});

describe("the offline API's requests, shipped", () => {
  it('ships a preflight (OPTIONS) as a request of its own, before the POST that follows it', async () => {
    const target = ship();
    const api = await startOfflineApi({
      env: { SIGNATURE_KEY: 'shipper-test-password', SIGNING_KEYS: `e2e:${'k'.repeat(40)}` },
      onLine: (line) => target.onLine(line),
    });
    try {
      const origin = 'http://localhost:8080';
      const preflight = await fetch(api.checkUrl, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      await target.settle();
      const answer = await fetch(api.checkUrl, { method: 'POST', body: 'skrttskrtttt', headers: { origin } });
      expect(answer.status).toBe(400);
      await target.settle();
    } finally {
      await api.stop();
    }
    const messages = await allMessages();
    const outcomes = messages.flatMap((m) => /"outcome":"([\w-]+)"/.exec(m)?.[1] ?? []);
    expect(outcomes).toEqual(['preflight', 'not-authentic']);
    const sequence = kinds(messages);
    expect(sequence.map((k) => k.split(':')[0])).toEqual([
      'start',
      'log',
      'end',
      'report',
      'start',
      'log',
      'end',
      'report',
    ]);
    // Each request's lines carry its own request id.
    expect(new Set(sequence.slice(0, 4).map((k) => k.split(':')[1])).size).toBe(1);
    expect(new Set(sequence.slice(4).map((k) => k.split(':')[1])).size).toBe(1);
    expect(sequence[0]).not.toBe(sequence[4]);
  }, 90_000);
});

describe("the check function's settings, from its serverless.yml", () => {
  it('reads chapter 03 as osls does: memorySize 128 MB, timeout 5 s', () => {
    expect(checkFunctionSettings()).toEqual({ memorySizeMb: 128, timeoutSeconds: 5 });
  });

  it("takes the function's own setting over the provider's, never another indented timeout:", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sls-settings-'));
    try {
      writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ limits: { memory: 256 } }));
      const file = path.join(dir, 'serverless.yml');
      // serverless.yml's variables are written as osls reads them (\${...}), not JavaScript's.
      writeFileSync(
        file,
        `custom:
  warmup:
    timeout: 30
provider:
  name: aws
  memorySize: \${file(./settings.json):limits.memory}
  timeout: 5
functions:
  check:
    handler: src/check.handler
    timeout: 2
resources:
  Outputs:
    Url: { Value: !Sub "https://\${AWS::Region}" }
`,
      );
      expect(checkFunctionSettings(file)).toEqual({ memorySizeMb: 256, timeoutSeconds: 2 });
      writeFileSync(file, `provider:\n  name: aws\n  timeout: \${param:timeout}\n`);
      expect(() => checkFunctionSettings(file)).toThrow(
        /provider\.timeout is "\$\{param:timeout\}", not a number/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
