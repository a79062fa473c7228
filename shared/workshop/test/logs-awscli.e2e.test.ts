/**
 * The local endpoint must satisfy a real, independent client: the AWS CLI v2 (found by tools.ts: Debian's
 * awscli here) with --endpoint-url creates, puts, describes, gets, filters and tails, across a restart.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LocalLogs } from '../stand-ins/logs/server';
import { startTestLogs } from '../test-support/logs';
import { describeWithSystem } from '../test-support/system';
import { findAwsCliV2 } from '../tools';

const run = promisify(execFile);
const GROUP = '/aws/lambda/cinq-euros-api-dev-check';
const STREAM = '2026/11/25/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const ID = 'f30dc10e-52c4-4c54-8d5e-6b0c9a8e2f11';

let dir: string;
let logs: LocalLogs;

/** The CLI with fake credentials, a region, no config files, no pager: it can only reach our endpoint. */
async function aws(...args: string[]): Promise<string> {
  const { stdout } = await run(
    findAwsCliV2() as string,
    [...args, '--endpoint-url', logs.endpoint, '--region', 'eu-west-3'],
    {
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_CONFIG_FILE: path.join(dir, 'no-config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
        AWS_PAGER: '',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      timeout: 20_000,
    },
  );
  return stdout;
}

async function awsFails(...args: string[]): Promise<string> {
  try {
    await aws(...args);
  } catch (error) {
    return String((error as { stderr?: string }).stderr);
  }
  throw new Error(`aws ${args.join(' ')} succeeded`);
}

describeWithSystem('awscli', 'the local endpoint, through the AWS CLI v2', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'logs-awscli-'));
    logs = await startTestLogs({ dataDir: path.join(dir, 'data') });
  });

  afterAll(async () => {
    await logs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a group and a stream, and refuses a second group of the same name', async () => {
    await aws('logs', 'create-log-group', '--log-group-name', GROUP);
    await aws('logs', 'create-log-stream', '--log-group-name', GROUP, '--log-stream-name', STREAM);
    expect(await awsFails('logs', 'create-log-group', '--log-group-name', GROUP)).toContain(
      'An error occurred (ResourceAlreadyExistsException) when calling the CreateLogGroup operation: The specified log group already exists',
    );
  }, 30_000);

  it('puts events, then describes, gets and filters them', async () => {
    const t = Date.now() - 5000;
    const events = [
      { timestamp: t, message: `START RequestId: ${ID} Version: $LATEST` },
      {
        timestamp: t + 1,
        message: `{"level":"WARN","requestId":"${ID}","outcome":"not-authentic","status":400,"message":"This is not an authentic signature"}`,
      },
      { timestamp: t + 2, message: `END RequestId: ${ID}` },
      {
        timestamp: t + 3,
        message: `REPORT RequestId: ${ID}\tDuration: 1.39 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 14 MB\t`,
      },
    ];
    writeFileSync(path.join(dir, 'events.json'), JSON.stringify(events));
    const put = JSON.parse(
      await aws(
        'logs',
        'put-log-events',
        '--log-group-name',
        GROUP,
        '--log-stream-name',
        STREAM,
        '--log-events',
        `file://${path.join(dir, 'events.json')}`,
      ),
    );
    expect(put.nextSequenceToken).toEqual(expect.any(String));

    const groups = JSON.parse(
      await aws('logs', 'describe-log-groups', '--log-group-name-prefix', '/aws/lambda/'),
    );
    expect(groups.logGroups.map((g: { logGroupName: string }) => g.logGroupName)).toEqual([GROUP]);
    const streams = JSON.parse(await aws('logs', 'describe-log-streams', '--log-group-name', GROUP));
    expect(streams.logStreams).toEqual([
      expect.objectContaining({ logStreamName: STREAM, firstEventTimestamp: t, lastEventTimestamp: t + 3 }),
    ]);
    const got = JSON.parse(
      await aws(
        'logs',
        'get-log-events',
        '--log-group-name',
        GROUP,
        '--log-stream-name',
        STREAM,
        '--start-from-head',
      ),
    );
    expect(got.events.map((e: { message: string }) => e.message)).toEqual(events.map((e) => e.message));
    const filtered = JSON.parse(
      await aws(
        'logs',
        'filter-log-events',
        '--log-group-name',
        GROUP,
        '--filter-pattern',
        '{ $.status = 400 }',
      ),
    );
    expect(filtered.events).toEqual([
      expect.objectContaining({ logStreamName: STREAM, message: events[1]?.message }),
    ]);
  }, 30_000);

  it('serves `aws logs tail`, and keeps its data across a restart', async () => {
    const before = await aws('logs', 'tail', GROUP, '--since', '10m', '--format', 'short');
    expect(before).toContain('This is not an authentic signature');
    expect(before.trim().split('\n')).toHaveLength(4);

    await logs.stop();
    logs = await startTestLogs({ dataDir: path.join(dir, 'data') });

    const after = await aws('logs', 'tail', GROUP, '--since', '10m', '--format', 'short');
    expect(after).toBe(before);
    const found = JSON.parse(
      await aws(
        'logs',
        'filter-log-events',
        '--log-group-name',
        GROUP,
        '--filter-pattern',
        '"not an authentic"',
      ),
    );
    expect(found.events).toHaveLength(1);
    expect(await awsFails('logs', 'filter-log-events', '--log-group-name', '/aws/lambda/nope')).toContain(
      'An error occurred (ResourceNotFoundException) when calling the FilterLogEvents operation: The specified log group does not exist.',
    );
  }, 30_000);
});
