/** What the chapter's tests share: a local endpoint on a free port, an SDK client for it, event writers. */

import { Writable } from 'node:stream';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { clientOptions } from '../../src/aws';
import { type LocalLogs, type StartLocalLogsOptions, startLocalLogs } from '../stand-ins/logs/server';

export const FAKE_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Nothing in these tests may reach AWS: fake credentials, local endpoints only. */
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';

export function startTestLogs(options: StartLocalLogsOptions = {}): Promise<LocalLogs> {
  return startLocalLogs({ port: 0, dataDir: null, ...options });
}

export function clientFor(endpoint: string): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    ...clientOptions(),
    region: 'eu-west-3',
    endpoint,
    credentials: FAKE_CREDENTIALS,
    disableHostPrefix: true,
  });
}

export async function createGroup(
  client: CloudWatchLogsClient,
  group: string,
  streams: string[],
): Promise<void> {
  await client.send(new CreateLogGroupCommand({ logGroupName: group }));
  for (const stream of streams) {
    await client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
  }
}

export async function put(
  client: CloudWatchLogsClient,
  group: string,
  stream: string,
  events: { timestamp: number; message: string }[],
): Promise<void> {
  await client.send(
    new PutLogEventsCommand({
      logGroupName: group,
      logStreamName: stream,
      logEvents: [...events].sort((a, b) => a.timestamp - b.timestamp),
    }),
  );
}

/** A Writable that keeps what it is given, line by line. */
export class Collector extends Writable {
  readonly lines: string[] = [];
  private partial = '';

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    const text = this.partial + chunk.toString('utf8');
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    done();
  }

  get text(): string {
    return this.lines.join('\n');
  }

  /** Resolves once `count` lines matching `pattern` arrived (or rejects after `timeoutMs`). */
  async waitFor(pattern: RegExp, count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.filter((l) => pattern.test(l)).length < count) {
      if (Date.now() > deadline) {
        throw new Error(
          `Only ${this.lines.filter((l) => pattern.test(l)).length} of ${count} lines matching ${pattern} arrived in ${timeoutMs} ms.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
