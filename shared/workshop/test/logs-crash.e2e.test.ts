/**
 * The local endpoint as its own process, treated roughly: killed with SIGKILL in the middle of parallel
 * writes, over and over; run out of disk space; sent bodies far too big. Whatever happens, every batch it
 * acknowledged is there exactly once after a restart, and it always starts.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../env';
import { freePort } from '../process/ports';
import { type Service, startService } from '../process/services';
import { DATABASE_FILE } from '../stand-ins/logs/store';

const GROUP = '/aws/lambda/cinq-euros-api-dev-check';
const STREAM = '2026/12/01/[$LATEST]c0ffee';
let dir: string;
const services: Service[] = [];
/** What the endpoint repaired on its starts. */
const repairs: string[] = [];

beforeEach(() => {
  repairs.length = 0;
  dir = mkdtempSync(path.join(tmpdir(), 'logs-crash-'));
});
afterEach(async () => {
  for (const service of services.splice(0)) await service.stop(500);
  rmSync(dir, { recursive: true, force: true });
});

/** The endpoint, as `npm run logs:local` runs it; `fileSizeKb` limits the size of any file it writes. */
async function startEndpoint(port: number, fileSizeKb?: number): Promise<Service> {
  const service = await startService({
    name: 'local logs endpoint',
    entry: path.join(REPO_ROOT, 'shared', 'workshop', 'commands', 'logs-local.ts'),
    args: ['--port', String(port), '--data-dir', dir],
    cwd: REPO_ROOT,
    env: { ...process.env, LOGS_FSYNC: '0' },
    readyWhen: { line: /listening on/ },
    readyTimeoutMs: 20_000,
    onLine: (line) => {
      if (/on start/.test(line)) repairs.push(line);
    },
  });
  services.push(service);
  // Set on the running endpoint (util-linux), before the test writes: it starts within any limit.
  if (fileSizeKb !== undefined) {
    execFileSync('prlimit', ['--pid', String(service.child.pid), `--fsize=${fileSizeKb * 1024}`]);
  }
  return service;
}

interface Answer {
  readonly events: { message: string }[];
  readonly nextToken?: string;
  readonly __type?: string;
}

async function call(
  port: number,
  operation: string,
  input: unknown,
): Promise<{ status: number; body: Answer }> {
  const response = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: { 'x-amz-target': `Logs_20140328.${operation}`, 'content-type': 'application/x-amz-json-1.1' },
    body: typeof input === 'string' ? input : JSON.stringify(input),
  });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as Answer };
}

async function allMessages(port: number): Promise<string[]> {
  const found: string[] = [];
  let nextToken: string | undefined;
  do {
    const { status, body } = await call(port, 'FilterLogEvents', {
      logGroupName: GROUP,
      startTime: 0,
      nextToken,
    });
    expect(status).toBe(200);
    for (const event of body.events) found.push(event.message);
    nextToken = body.nextToken;
  } while (nextToken);
  return found;
}

async function setUp(port: number): Promise<void> {
  expect((await call(port, 'CreateLogGroup', { logGroupName: GROUP })).status).toBe(200);
  expect((await call(port, 'CreateLogStream', { logGroupName: GROUP, logStreamName: STREAM })).status).toBe(
    200,
  );
}

function batch(
  writer: number,
  n: number,
  size: number,
  padding = '',
): { timestamp: number; message: string }[] {
  const now = Date.now();
  return Array.from({ length: size }, (_, i) => ({
    timestamp: now,
    message: `w${writer}-${n}-${i}${padding}`,
  }));
}

function expectExactlyOnce(found: string[], acknowledged: Set<string>): void {
  const counts = new Map<string, number>();
  for (const message of found) counts.set(message, (counts.get(message) ?? 0) + 1);
  // Nothing twice at all (each message is sent once), and every acknowledged one is there.
  expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
  expect([...acknowledged].filter((m) => !counts.has(m))).toEqual([]);
}

it('keeps every acknowledged event exactly once across kill -9 in the middle of parallel writes', async () => {
  const port = await freePort();
  let endpoint = await startEndpoint(port);
  await setUp(port);
  const acknowledged = new Set<string>();
  const CYCLES = 4;
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    let running = true;
    const writer = async (id: number) => {
      for (let n = 0; running; n++) {
        // Big batches (about 100 KB a write), so that kills land in the middle of writes too.
        const events = batch(id + 8 * cycle, n, 100, ' '.repeat(1000));
        try {
          const { status } = await call(port, 'PutLogEvents', {
            logGroupName: GROUP,
            logStreamName: STREAM,
            logEvents: events,
          });
          if (status === 200) for (const e of events) acknowledged.add(e.message);
        } catch {
          return; // the endpoint is gone: this writer's last batch may or may not have been stored
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, id) => writer(id));
    await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 350));
    // One process runs the endpoint (node with tsx's hook, no tsx CLI in between).
    endpoint.child.kill('SIGKILL');
    await endpoint.exited;
    running = false;
    await Promise.all(writers);
    const wal = path.join(dir, `${DATABASE_FILE}-wal`);
    expect(existsSync(wal)).toBe(true);
    if (cycle % 2 === 1) {
      // A kill rarely lands inside write(2) here; when it does, the write-ahead log ends in part of a
      // frame. Leave one as it would (random bytes, cut at a random length): the next start ignores it.
      const torn = Buffer.from(
        Array.from({ length: 1 + Math.floor(Math.random() * 4200) }, () => Math.floor(Math.random() * 256)),
      );
      appendFileSync(wal, torn);
    }
    endpoint = await startEndpoint(port);
    expectExactlyOnce(await allMessages(port), acknowledged);
  }
  expect(acknowledged.size).toBeGreaterThan(0);
  // Nothing to repair or set aside: SQLite's log skips a torn frame by its checksum.
  expect(repairs).toEqual([]);
}, 60_000);

it('answers 5xx when the disk is full, keeps nothing half written, and loses nothing it acknowledged', async () => {
  const port = await freePort();
  await startEndpoint(port, 256);
  await setUp(port);
  const acknowledged = new Set<string>();
  const statuses: number[] = [];
  for (let n = 0; n < 80; n++) {
    const events = batch(0, n, 10, 'x'.repeat(400));
    const { status, body } = await call(port, 'PutLogEvents', {
      logGroupName: GROUP,
      logStreamName: STREAM,
      logEvents: events,
    });
    statuses.push(status);
    if (status === 200) for (const e of events) acknowledged.add(e.message);
    else
      expect(body).toMatchObject({
        __type: 'ServiceUnavailableException',
        message: expect.stringMatching(/EFBIG|disk/),
      });
  }
  expect(statuses).toContain(200);
  expect(statuses).toContain(503);
  expect(statuses.filter((s) => s !== 200).every((s) => s === 503)).toBe(true);
  // A small batch still fits after a big one was refused: the refused one left no bytes behind.
  const small = batch(1, 0, 1);
  const { status } = await call(port, 'PutLogEvents', {
    logGroupName: GROUP,
    logStreamName: STREAM,
    logEvents: small,
  });
  if (status === 200) acknowledged.add(small[0]?.message as string);
  for (const service of services.splice(0)) await service.stop(500);
  await startEndpoint(port);
  const found = await allMessages(port);
  expectExactlyOnce(found, acknowledged);
  expect(found.length).toBe(acknowledged.size);
}, 30_000);

it('refuses bodies far above what AWS takes, early, and stays up', async () => {
  const port = await freePort();
  await startEndpoint(port);
  await setUp(port);
  // The answer (413) comes before the body is read, and the connection closes: a client still sending
  // may see the close (EPIPE) before the answer. Either way nothing was stored and the endpoint lives.
  const big = await call(port, 'PutLogEvents', ' '.repeat(8 * 1024 * 1024)).catch(() => 'cut off' as const);
  if (big !== 'cut off') {
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ __type: 'RequestEntityTooLargeException' });
  }
  // Declared too big and not sent yet: the AWS-shaped answer comes at once, before any of the body.
  const declared = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        headers: { 'x-amz-target': 'Logs_20140328.PutLogEvents', 'content-length': String(64 * 1024 * 1024) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.flushHeaders();
  });
  expect(declared.status).toBe(413);
  expect(JSON.parse(declared.text)).toMatchObject({ __type: 'RequestEntityTooLargeException' });
  // Streamed without a length, and sent on after the answer: refused too, and the endpoint lives.
  const endless = new ReadableStream({
    start(controller) {
      const chunk = new TextEncoder().encode(' '.repeat(65_536));
      for (let i = 0; i < 64; i++) controller.enqueue(chunk);
      controller.close();
    },
  });
  const streamed = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: { 'x-amz-target': 'Logs_20140328.DescribeLogGroups' },
    body: endless,
    duplex: 'half',
  } as RequestInit).then(
    (r) => r.status,
    () => 'cut off',
  );
  expect([413, 'cut off']).toContain(streamed);
  expect((await call(port, 'DescribeLogGroups', {})).status).toBe(200);
  // The largest batch AWS accepts still goes through.
  const events = Array.from({ length: 4 }, (_, i) => ({
    timestamp: Date.now(),
    message: `${i}${'"'.repeat(262_100)}`,
  }));
  expect(
    (await call(port, 'PutLogEvents', { logGroupName: GROUP, logStreamName: STREAM, logEvents: events }))
      .status,
  ).toBe(200);
}, 30_000);
