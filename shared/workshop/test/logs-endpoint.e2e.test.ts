/**
 * The local CloudWatch Logs endpoint, driven by the AWS SDK as the tail and the shipper drive it:
 * every operation, AWS's error shapes, pagination, Live Tail, and data that survives a restart.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  StartLiveTailCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { isListening } from '../process/ports';
import {
  type LocalLogs,
  MAX_LIVE_SESSIONS,
  MAX_PUT_BODY_BYTES,
  startLocalLogs,
} from '../stand-ins/logs/server';
import { clientFor, createGroup, put, startTestLogs } from '../test-support/logs';

const GROUP = '/aws/lambda/cinq-euros-api-dev-check';
const STREAM_A = '2026/11/25/[$LATEST]aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const STREAM_B = '2026/11/25/[$LATEST]bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const REJECTED =
  '{"level":"WARN","outcome":"not-authentic","status":400,"message":"This is not an authentic signature"}';
const AUTHENTIC = '{"level":"INFO","outcome":"authentic","status":200}';

let dataDir: string;
let logs: LocalLogs;
let client: CloudWatchLogsClient;
const now = Date.now();

async function restart(): Promise<void> {
  client.destroy();
  await logs.stop();
  logs = await startTestLogs({ dataDir, liveUpdateIntervalMs: 100 });
  client = clientFor(logs.endpoint);
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'logs-endpoint-'));
  logs = await startTestLogs({ dataDir, liveUpdateIntervalMs: 100 });
  client = clientFor(logs.endpoint);
  await createGroup(client, GROUP, [STREAM_A, STREAM_B]);
  await put(client, GROUP, STREAM_A, [
    { timestamp: now - 3000, message: 'START RequestId: 1' },
    { timestamp: now - 2000, message: REJECTED },
    { timestamp: now - 1000, message: 'REPORT RequestId: 1\tDuration: 1.00 ms' },
  ]);
  await put(client, GROUP, STREAM_B, [{ timestamp: now - 1500, message: AUTHENTIC }]);
});

afterAll(async () => {
  client.destroy();
  await logs.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as Error | undefined;
  if (!error) throw new Error('expected the call to fail');
  return { name: error.name, message: error.message };
}

describe('the local CloudWatch Logs endpoint, through the AWS SDK', () => {
  it('answers errors in AWS shape', async () => {
    expect(await errorOf(client.send(new CreateLogGroupCommand({ logGroupName: GROUP })))).toEqual({
      name: 'ResourceAlreadyExistsException',
      message: 'The specified log group already exists',
    });
    expect(
      await errorOf(client.send(new CreateLogGroupCommand({ logGroupName: 'bad name!' }))),
    ).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining("Value 'bad name!' at 'logGroupName' failed to satisfy constraint"),
    });
    expect(
      await errorOf(client.send(new CreateLogStreamCommand({ logGroupName: '/nope', logStreamName: 's' }))),
    ).toEqual({ name: 'ResourceNotFoundException', message: 'The specified log group does not exist.' });
    expect(
      await errorOf(
        client.send(
          new PutLogEventsCommand({
            logGroupName: GROUP,
            logStreamName: STREAM_A,
            logEvents: [
              { timestamp: now, message: 'b' },
              { timestamp: now - 1, message: 'a' },
            ],
          }),
        ),
      ),
    ).toEqual({
      name: 'InvalidParameterException',
      message: 'Log events in a single PutLogEvents request must be in chronological order.',
    });
    expect(
      await errorOf(
        client.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '{ $.x = ' })),
      ),
    ).toMatchObject({ name: 'InvalidParameterException' });
  });

  it('stores what PutLogEvents accepts and tells which events were too old or too new', async () => {
    const send = (logEvents: { timestamp: number; message: string }[]) =>
      client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM_B, logEvents }));
    const mixed = await send([
      { timestamp: now - 500, message: 'kept' },
      { timestamp: now + 3 * 3_600_000, message: 'too new' },
    ]);
    expect(mixed.rejectedLogEventsInfo).toEqual({ tooNewLogEventStartIndex: 1 });
    const old = await send([{ timestamp: now - 15 * 86_400_000, message: 'too old' }]);
    expect(old.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 1 });
    expect(
      await errorOf(
        send([
          { timestamp: now - 2 * 86_400_000, message: 'two days ago' },
          { timestamp: now, message: 'now' },
        ]),
      ),
    ).toEqual({
      name: 'InvalidParameterException',
      message: 'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
    });
    const stored = await client.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM_B }),
    );
    expect(stored.events?.map((e) => e.message)).toEqual([AUTHENTIC, 'kept']);
  });

  it('describes groups and streams, with prefixes, ordering and pages', async () => {
    for (const name of ['/demo/a', '/demo/b', '/demo/c']) {
      await client.send(new CreateLogGroupCommand({ logGroupName: name }));
    }
    const first = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/demo/', limit: 2 }));
    expect(first.logGroups?.map((g) => g.logGroupName)).toEqual(['/demo/a', '/demo/b']);
    const second = await client.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/demo/', limit: 2, nextToken: first.nextToken }),
    );
    expect(second.logGroups?.map((g) => g.logGroupName)).toEqual(['/demo/c']);
    expect(second.nextToken).toBeUndefined();
    const [group] =
      (await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: GROUP }))).logGroups ?? [];
    expect(group).toMatchObject({
      logGroupName: GROUP,
      arn: `arn:aws:logs:eu-west-3:000000000000:log-group:${GROUP}:*`,
      logGroupArn: `arn:aws:logs:eu-west-3:000000000000:log-group:${GROUP}`,
    });
    const streams = await client.send(
      new DescribeLogStreamsCommand({ logGroupName: GROUP, orderBy: 'LastEventTime', descending: true }),
    );
    // B's last event ('kept', now - 500) is newer than A's (now - 1000).
    expect(streams.logStreams?.map((s) => s.logStreamName)).toEqual([STREAM_B, STREAM_A]);
    expect(streams.logStreams?.[1]).toMatchObject({
      firstEventTimestamp: now - 3000,
      lastEventTimestamp: now - 1000,
    });
    await client.send(new DeleteLogGroupCommand({ logGroupName: '/demo/c' }));
    const left = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/demo/' }));
    expect(left.logGroups?.map((g) => g.logGroupName)).toEqual(['/demo/a', '/demo/b']);
  });

  it('pages GetLogEvents forward from the head, and ends on the same token', async () => {
    const page1 = await client.send(
      new GetLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: STREAM_A,
        startFromHead: true,
        limit: 2,
      }),
    );
    expect(page1.events?.map((e) => e.timestamp)).toEqual([now - 3000, now - 2000]);
    const page2 = await client.send(
      new GetLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: STREAM_A,
        nextToken: page1.nextForwardToken,
        limit: 2,
      }),
    );
    expect(page2.events?.map((e) => e.timestamp)).toEqual([now - 1000]);
    const page3 = await client.send(
      new GetLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: STREAM_A,
        nextToken: page2.nextForwardToken,
        limit: 2,
      }),
    );
    expect(page3.events).toEqual([]);
    expect(page3.nextForwardToken).toBe(page2.nextForwardToken);
  });

  it('filters the whole group with patterns, streams and times, through pages', async () => {
    const filter = async (input: Partial<ConstructorParameters<typeof FilterLogEventsCommand>[0]>) =>
      (
        await client.send(
          new FilterLogEventsCommand({ logGroupName: GROUP, startTime: now - 10_000, ...input }),
        )
      ).events?.map((e) => e.message);
    expect(await filter({ filterPattern: '"not an authentic"' })).toEqual([REJECTED]);
    expect(await filter({ filterPattern: '{ $.status >= 400 }' })).toEqual([REJECTED]);
    expect(await filter({ filterPattern: '{ $.outcome = "authentic" }' })).toEqual([AUTHENTIC]);
    expect(await filter({ filterPattern: 'RequestId -REPORT' })).toEqual(['START RequestId: 1']);
    expect(await filter({ logStreamNames: [STREAM_B] })).toEqual([AUTHENTIC, 'kept']);
    expect(await filter({ startTime: now - 2000, endTime: now - 1500 })).toEqual([REJECTED, AUTHENTIC]);
    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new FilterLogEventsCommand({ logGroupName: GROUP, startTime: now - 10_000, limit: 2, nextToken }),
      );
      pages.push(page.events?.map((e) => e.message as string) ?? []);
      expect(page.events?.every((e) => e.eventId && e.ingestionTime && e.logStreamName)).toBe(true);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(pages.flat()).toEqual([
      'START RequestId: 1',
      REJECTED,
      AUTHENTIC,
      'REPORT RequestId: 1\tDuration: 1.00 ms',
      'kept',
    ]);
  });

  it('streams a Live Tail session: a start, then updates with what is ingested and matches', async () => {
    const abort = new AbortController();
    const response = await client.send(
      new StartLiveTailCommand({
        logGroupIdentifiers: [`arn:aws:logs:eu-west-3:000000000000:log-group:${GROUP}`],
        logEventFilterPattern: '"not an authentic"',
      }),
      { abortSignal: abort.signal },
    );
    const seen: string[] = [];
    let started = false;
    const reading = (async () => {
      try {
        for await (const item of response.responseStream ?? []) {
          if (item.sessionStart) started = true;
          for (const e of item.sessionUpdate?.sessionResults ?? []) seen.push(e.message as string);
          if (seen.length > 0) break;
        }
      } finally {
        abort.abort();
      }
    })();
    await put(client, GROUP, STREAM_A, [
      { timestamp: Date.now(), message: AUTHENTIC },
      { timestamp: Date.now(), message: REJECTED },
    ]);
    await reading;
    expect(started).toBe(true);
    expect(seen).toEqual([REJECTED]);
  });

  it('refuses a Live Tail of a group that does not exist', async () => {
    expect(
      await errorOf(
        client.send(
          new StartLiveTailCommand({
            logGroupIdentifiers: ['arn:aws:logs:eu-west-3:000000000000:log-group:/nope'],
          }),
        ),
      ),
    ).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('keeps everything across a restart', async () => {
    const before = await client.send(new FilterLogEventsCommand({ logGroupName: GROUP, startTime: 0 }));
    const oldPort = logs.port;
    await restart();
    expect(await isListening(oldPort)).toBe(false);
    const after = await client.send(new FilterLogEventsCommand({ logGroupName: GROUP, startTime: 0 }));
    expect(after.events).toEqual(before.events);
  });

  it('answers a request without an operation with a message that says how to call it', async () => {
    const response = await fetch(logs.endpoint, { method: 'POST', body: '{}' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'UnknownOperationException',
      message:
        'Send POST / with an X-Amz-Target: Logs_20140328.<Operation> header, as the AWS SDK and CLI do.',
    });
  });
});

/** A request as a hostile local program sends it: any body, no SDK in between. */
async function raw(
  endpoint: string,
  operation: string,
  body: unknown,
): Promise<{
  status: number;
  body: { __type?: string; message?: string; events?: { message: string }[]; nextToken?: string };
}> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'x-amz-target': `Logs_20140328.${operation}`, 'content-type': 'application/x-amz-json-1.1' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (/eventstream/.test(response.headers.get('content-type') ?? '')) {
    // A Live Tail session that started: its stream is not read here.
    await response.body?.cancel();
    return { status: response.status, body: {} };
  }
  const text = await response.text();
  let parsed = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    // A Live Tail stream: binary.
  }
  return { status: response.status, body: parsed };
}

/** A Live Tail session opened over a raw socket that never reads what it is sent. */
function lazyLiveTail(port: number, group: string): Promise<{ socket: Socket; head: string }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ logGroupIdentifiers: [group] });
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `POST / HTTP/1.1\r\nhost: 127.0.0.1\r\nx-amz-target: Logs_20140328.StartLiveTail\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
    socket.once('data', (chunk) => {
      socket.pause();
      resolve({ socket, head: chunk.toString('latin1').split('\r\n')[0] as string });
    });
    socket.once('error', reject);
  });
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    socket.once('close', () => resolve());
    socket.on('error', () => undefined);
    // Read what comes (the 408), so the end of the connection is seen.
    socket.resume();
  });
}

describe('the endpoint against hostile local clients', () => {
  let hostile: LocalLogs;
  const HOSTILE_GROUP = '/hostile';
  beforeEach(async () => {
    hostile = await startTestLogs({ liveUpdateIntervalMs: 50 });
    expect((await raw(hostile.endpoint, 'CreateLogGroup', { logGroupName: HOSTILE_GROUP })).status).toBe(200);
    expect(
      (await raw(hostile.endpoint, 'CreateLogStream', { logGroupName: HOSTILE_GROUP, logStreamName: 's' }))
        .status,
    ).toBe(200);
  });
  afterEach(() => hostile.stop());

  it('refuses a Live Tail with logStreamNames 5 or string prefixes (400), and the group stays whole', async () => {
    for (const input of [
      { logStreamNames: 5 },
      { logStreamNamePrefixes: 's' },
      { logStreamNames: ['s', 7] },
      { logStreamNamePrefixes: [] },
    ]) {
      const answer = await raw(hostile.endpoint, 'StartLiveTail', {
        logGroupIdentifiers: [HOSTILE_GROUP],
        ...input,
      });
      expect(answer.status).toBe(400);
      expect(answer.body.__type).toMatch(/SerializationException|InvalidParameterException/);
    }
    const good = clientFor(hostile.endpoint);
    const abort = new AbortController();
    const response = await good.send(new StartLiveTailCommand({ logGroupIdentifiers: [HOSTILE_GROUP] }), {
      abortSignal: abort.signal,
    });
    const seen: string[] = [];
    const reading = (async () => {
      try {
        for await (const item of response.responseStream ?? []) {
          for (const e of item.sessionUpdate?.sessionResults ?? []) seen.push(e.message as string);
          if (seen.length > 0) break;
        }
      } finally {
        abort.abort();
      }
    })();
    const put1 = await raw(hostile.endpoint, 'PutLogEvents', {
      logGroupName: HOSTILE_GROUP,
      logStreamName: 's',
      logEvents: [{ timestamp: Date.now(), message: 'once' }],
    });
    expect(put1.status).toBe(200);
    await reading;
    good.destroy();
    expect(seen).toEqual(['once']);
    const all = await raw(hostile.endpoint, 'FilterLogEvents', { logGroupName: HOSTILE_GROUP });
    expect(all.body.events?.map((e) => e.message)).toEqual(['once']);
  });

  it('answers every ill-typed member of every operation with a 400, never a 500', async () => {
    // 100,000 nested lists: written as text (JSON.stringify itself would overflow its stack on it).
    const DEEP = '__deep__';
    const deepText = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const bad: unknown[] = [5, 'x', '', true, [], {}, DEEP, { toString: 'x' }, -1, 1.5, 2 ** 60];
    const members: Record<string, string[]> = {
      CreateLogGroup: ['logGroupName', 'tags', 'logGroupClass', 'kmsKeyId'],
      CreateLogStream: ['logGroupName', 'logStreamName'],
      DeleteLogGroup: ['logGroupName'],
      DeleteLogStream: ['logGroupName', 'logStreamName'],
      PutRetentionPolicy: ['logGroupName', 'retentionInDays'],
      DeleteRetentionPolicy: ['logGroupName'],
      DescribeLogGroups: ['logGroupNamePrefix', 'logGroupNamePattern', 'limit', 'nextToken'],
      DescribeLogStreams: [
        'logGroupName',
        'logStreamNamePrefix',
        'orderBy',
        'descending',
        'limit',
        'nextToken',
      ],
      PutLogEvents: ['logGroupName', 'logStreamName', 'logEvents'],
      GetLogEvents: [
        'logGroupName',
        'logStreamName',
        'startTime',
        'endTime',
        'limit',
        'nextToken',
        'startFromHead',
      ],
      FilterLogEvents: [
        'logGroupName',
        'logGroupIdentifier',
        'logStreamNames',
        'logStreamNamePrefix',
        'startTime',
        'endTime',
        'filterPattern',
        'limit',
        'nextToken',
      ],
      StartLiveTail: [
        'logGroupIdentifiers',
        'logStreamNames',
        'logStreamNamePrefixes',
        'logEventFilterPattern',
      ],
    };
    const valid: Record<string, unknown> = {
      logGroupName: HOSTILE_GROUP,
      logStreamName: 's',
      logGroupIdentifiers: [HOSTILE_GROUP],
      logEvents: [{ timestamp: Date.now(), message: 'm' }],
      retentionInDays: 1,
    };
    const statuses = new Map<number, number>();
    for (const [operation, names] of Object.entries(members)) {
      for (const name of names) {
        for (const value of bad) {
          const text = JSON.stringify({ ...valid, [name]: value }).replace(`"${DEEP}"`, deepText);
          const { status, body } = await raw(hostile.endpoint, operation, text);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status >= 500)
            throw new Error(
              `${operation} ${name}=${JSON.stringify(value)?.slice(0, 40)}: ${status} ${body.message}`,
            );
        }
      }
      // Bad members inside a list of structures, and a deep body.
    }
    for (const logEvents of [
      [5],
      [{ timestamp: 'now', message: 'm' }],
      [{ timestamp: 1, message: DEEP }],
      DEEP,
    ]) {
      const text = JSON.stringify({ ...valid, logEvents }).replace(`"${DEEP}"`, deepText);
      const { status } = await raw(hostile.endpoint, 'PutLogEvents', text);
      expect(status).toBe(400);
    }
    expect((await raw(hostile.endpoint, 'CreateLogGroup', { logGroupName: 5 })).body.__type).toBe(
      'SerializationException',
    );
    expect((await raw(hostile.endpoint, 'CreateLogGroup', { logGroupName: 'a b' })).body).toMatchObject({
      __type: 'InvalidParameterException',
      message: expect.stringMatching(/at 'logGroupName' failed to satisfy constraint/),
    });
    // Nothing ill-formed was stored: only the group of the setup, with its stream.
    const groups = await raw(hostile.endpoint, 'DescribeLogGroups', {});
    expect(
      (groups.body as { logGroups: { logGroupName: string }[] }).logGroups.map((g) => g.logGroupName),
    ).toEqual(expect.arrayContaining([HOSTILE_GROUP]));
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
  }, 60_000);

  it('matches { $.constructor EXISTS } only on events that have such a member, not through the prototype', async () => {
    await raw(hostile.endpoint, 'PutLogEvents', {
      logGroupName: HOSTILE_GROUP,
      logStreamName: 's',
      logEvents: [
        { timestamp: Date.now(), message: '{"level":"INFO"}' },
        { timestamp: Date.now(), message: '{"constructor":1}' },
      ],
    });
    for (const [filterPattern, expected] of [
      ['{ $.constructor EXISTS }', ['{"constructor":1}']],
      ['{ $.toString EXISTS }', []],
      ['{ $.__proto__ EXISTS }', []],
    ] as const) {
      const { body } = await raw(hostile.endpoint, 'FilterLogEvents', {
        logGroupName: HOSTILE_GROUP,
        filterPattern,
      });
      expect(body.events?.map((e) => e.message)).toEqual(expected);
    }
  });

  it('holds at most 15 Live Tail sessions, and cuts one whose reader does not read', async () => {
    const lazy = [];
    for (let i = 0; i < MAX_LIVE_SESSIONS; i++) {
      const session = await lazyLiveTail(hostile.port, HOSTILE_GROUP);
      expect(session.head).toBe('HTTP/1.1 200 OK');
      lazy.push(session.socket);
    }
    const refused = await raw(hostile.endpoint, 'StartLiveTail', { logGroupIdentifiers: [HOSTILE_GROUP] });
    expect(refused.status).toBe(400);
    expect(refused.body.__type).toBe('LimitExceededException');
    // Events the sessions should send, far more than a reader that reads nothing can be owed: the
    // sessions are cut (the endpoint holds no more for them), and a new one is accepted.
    const message = 'x'.repeat(200_000);
    let again: { socket: Socket; head: string } | undefined;
    for (let n = 0; n < 400; n++) {
      await raw(hostile.endpoint, 'PutLogEvents', {
        logGroupName: HOSTILE_GROUP,
        logStreamName: 's',
        logEvents: Array.from({ length: 5 }, () => ({ timestamp: Date.now(), message })),
      });
      if (n % 10 !== 9) continue;
      again = await lazyLiveTail(hostile.port, HOSTILE_GROUP);
      if (again.head === 'HTTP/1.1 200 OK') break;
      again.socket.destroy();
    }
    for (const socket of lazy) socket.destroy();
    expect(again?.head).toBe('HTTP/1.1 200 OK');
    again?.socket.destroy();
  }, 60_000);

  it('stops a FilterLogEvents page within its budget even when each event is a 1 MB JSON document', async () => {
    // About 1 MB of JSON with many members: slow to parse, as an attacker would pick.
    const members = Array.from({ length: 60_000 }, (_, i) => `"k${i}":${i}`).join(',');
    const document = `{"level":"INFO",${members}}`;
    expect(Buffer.byteLength(document)).toBeLessThan(1_048_576 - 26);
    for (let n = 0; n < 60; n++) {
      expect(
        (
          await raw(hostile.endpoint, 'PutLogEvents', {
            logGroupName: HOSTILE_GROUP,
            logStreamName: 's',
            logEvents: [{ timestamp: Date.now(), message: document }],
          })
        ).status,
      ).toBe(200);
    }
    const first = await raw(hostile.endpoint, 'FilterLogEvents', {
      logGroupName: HOSTILE_GROUP,
      filterPattern: '{ $.level = "ERROR" }',
    });
    expect(first.status).toBe(200);
    expect(first.body.events).toEqual([]);
    // It stopped before reading all 60 (each takes milliseconds to parse): the rest is behind the token.
    expect(first.body.nextToken).toEqual(expect.any(String));
    let pages = 1;
    let token = first.body.nextToken;
    while (token) {
      const page = await raw(hostile.endpoint, 'FilterLogEvents', {
        logGroupName: HOSTILE_GROUP,
        filterPattern: '{ $.level = "INFO" }',
        nextToken: token,
      });
      token = page.body.nextToken;
      pages++;
    }
    expect(pages).toBeGreaterThan(1);
  }, 60_000);
});

describe('the endpoint against slow and greedy clients', () => {
  it('closes a connection that sends its headers too slowly, or its body, and caps connections', async () => {
    const logs = await startTestLogs({ headersTimeoutMs: 300, requestTimeoutMs: 600, maxConnections: 4 });
    try {
      const slowHeaders = connect(logs.port, '127.0.0.1', () =>
        slowHeaders.write('POST / HTTP/1.1\r\nhost: x\r\n'),
      );
      const slowBody = connect(logs.port, '127.0.0.1', () =>
        slowBody.write(
          'POST / HTTP/1.1\r\nhost: x\r\nx-amz-target: Logs_20140328.DescribeLogGroups\r\ncontent-length: 1000\r\n\r\n{',
        ),
      );
      await Promise.all([closed(slowHeaders), closed(slowBody)]);
      const sockets = await Promise.all(
        Array.from(
          { length: 8 },
          () =>
            new Promise<Socket>((resolve) => {
              const socket = connect(logs.port, '127.0.0.1', () => resolve(socket));
              socket.on('error', () => undefined);
              socket.on('close', () => resolve(socket));
            }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const open = sockets.filter((socket) => !socket.destroyed && socket.readyState === 'open');
      expect(open.length).toBeLessThanOrEqual(4);
      for (const socket of sockets) socket.destroy();
      // Once the endpoint has seen them go, it serves again.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await raw(logs.endpoint, 'DescribeLogGroups', {})).status).toBe(200);
    } finally {
      await logs.stop();
    }
  }, 30_000);

  it('refuses bodies past its budget while many large ones arrive at once, and stays up', async () => {
    const logs = await startTestLogs({ requestTimeoutMs: 20_000 });
    try {
      const answers: Promise<string>[] = [];
      const sockets: Socket[] = [];
      for (let i = 0; i < 14; i++) {
        const socket = connect(logs.port, '127.0.0.1');
        socket.on('error', () => undefined);
        sockets.push(socket);
        answers.push(
          new Promise((resolve) => {
            let text = '';
            socket.on('data', (chunk) => {
              text += chunk.toString('latin1');
            });
            socket.on('close', () => resolve(text));
          }),
        );
        socket.write(
          `POST / HTTP/1.1\r\nhost: x\r\nx-amz-target: Logs_20140328.PutLogEvents\r\ncontent-length: ${MAX_PUT_BODY_BYTES}\r\n\r\n`,
        );
        // Almost all of the body, never the end of it: a slow client holding the endpoint's memory.
        socket.write(Buffer.alloc(MAX_PUT_BODY_BYTES - 10, 0x20));
      }
      const refused = await Promise.race([
        Promise.any(
          answers.map((a) => a.then((t) => (/ThrottlingException/.test(t) ? t : Promise.reject()))),
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('none'), 15_000)),
      ]);
      expect(refused).toMatch(/ThrottlingException/);
      for (const socket of sockets) socket.destroy();
      expect((await raw(logs.endpoint, 'DescribeLogGroups', {})).status).toBe(200);
    } finally {
      await logs.stop();
    }
  }, 30_000);
});

describe('one endpoint per data folder', () => {
  it('refuses to start a second endpoint on the folder of a running one, and names it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'logs-two-'));
    const first = await startLocalLogs({ port: 0, dataDir: dir, fsync: false });
    try {
      await expect(startLocalLogs({ port: 0, dataDir: dir, fsync: false })).rejects.toThrow(
        new RegExp(`already uses .*pid ${process.pid} \\(port ${first.port}\\)`),
      );
      expect((await raw(first.endpoint, 'CreateLogGroup', { logGroupName: '/still-mine' })).status).toBe(200);
    } finally {
      await first.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
