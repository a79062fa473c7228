/**
 * The local CloudWatch Logs endpoint, driven by the AWS SDK as the tail and the shipper drive it:
 * every operation, AWS's error shapes, pagination, Live Tail, and data that survives a restart.
 */

import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
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
import type { LocalLogs } from '../stand-ins/logs/server';
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

  it('keeps everything across a restart, even after a write cut short by a kill', async () => {
    const before = await client.send(new FilterLogEventsCommand({ logGroupName: GROUP, startTime: 0 }));
    const oldPort = logs.port;
    await restart();
    expect(await isListening(oldPort)).toBe(false);
    const after = await client.send(new FilterLogEventsCommand({ logGroupName: GROUP, startTime: 0 }));
    expect(after.events).toEqual(before.events);
    // A kill in the middle of an append leaves half a line at the end of the journal: it is skipped.
    client.destroy();
    await logs.stop();
    appendFileSync(path.join(dataDir, 'journal.ndjson'), '{"op":"put","group":"/aws/lambda/cinq');
    logs = await startTestLogs({ dataDir });
    client = clientFor(logs.endpoint);
    await put(client, GROUP, STREAM_B, [{ timestamp: Date.now(), message: 'after the restart' }]);
    const last = await client.send(new FilterLogEventsCommand({ logGroupName: GROUP, startTime: 0 }));
    expect(last.events?.map((e) => e.message)).toEqual([
      ...(before.events ?? []).map((e) => e.message),
      'after the restart',
    ]);
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
