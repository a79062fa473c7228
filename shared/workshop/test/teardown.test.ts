import {
  DeleteStackCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteObjectsCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { DeleteParametersCommand } from '@aws-sdk/client-ssm';
import {
  describePlan,
  emptyBucket,
  planTeardown,
  runTeardown,
  type TeardownClients,
} from '../aws/remove-stacks';

/** An in-memory account: stacks with resources, versioned buckets. Answers the calls teardown makes. */
function fakeAccount() {
  const stacks = new Map<string, { type: string; id: string }[]>([
    [
      'cinq-euros-api-dev',
      [
        { type: 'AWS::S3::Bucket', id: 'deploy-bucket' },
        { type: 'AWS::Lambda::Function', id: 'fn' },
      ],
    ],
    ['cinq-euros-site-dev', [{ type: 'AWS::S3::Bucket', id: 'site-bucket' }]],
  ]);
  const buckets = new Map<string, { Key: string; VersionId: string }[]>([
    ['deploy-bucket', Array.from({ length: 2500 }, (_, i) => ({ Key: `k${i}`, VersionId: `v${i}` }))],
    [
      'site-bucket',
      [
        { Key: 'index.html', VersionId: 'a' },
        { Key: 'index.html', VersionId: 'b' },
      ],
    ],
  ]);
  const calls: string[] = [];
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    calls.push(command.constructor.name);
    const input = command.input as Record<string, string & { Objects: { Key: string }[] }>;
    if (command instanceof DescribeStacksCommand) {
      if (!stacks.has(input.StackName as string)) {
        throw Object.assign(new Error(`Stack with id ${input.StackName} does not exist`), {
          name: 'ValidationError',
        });
      }
      return { Stacks: [{ StackName: input.StackName, StackStatus: 'CREATE_COMPLETE' }] };
    }
    if (command instanceof ListStackResourcesCommand) {
      return {
        StackResourceSummaries: (stacks.get(input.StackName as string) ?? []).map((r) => ({
          ResourceType: r.type,
          PhysicalResourceId: r.id,
        })),
      };
    }
    if (command instanceof DeleteStackCommand) {
      stacks.delete(input.StackName as string);
      return {};
    }
    if (command instanceof ListObjectVersionsCommand) {
      const all = buckets.get(input.Bucket as string) ?? [];
      const start = input.KeyMarker ? Number(input.KeyMarker) : 0;
      const page = all.slice(start, start + 1000);
      const more = start + 1000 < all.length;
      return { Versions: page, IsTruncated: more, NextKeyMarker: more ? String(start + 1000) : undefined };
    }
    if (command instanceof DeleteObjectsCommand) {
      const objects = (input.Delete as unknown as { Objects: { Key: string; VersionId: string }[] }).Objects;
      if (objects.length > 1000) throw new Error('MalformedXML: more than 1000 keys');
      return {};
    }
    if (command instanceof DeleteLogGroupCommand) {
      throw Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' });
    }
    if (command instanceof DeleteParametersCommand) return { DeletedParameters: input.Names };
    throw new Error(`unexpected ${command.constructor.name}`);
  };
  const clients = {
    cloudFormation: { send },
    s3: { send },
    logs: { send },
    ssm: { send },
  } as unknown as TeardownClients;
  return { clients, stacks, calls };
}

describe('teardown', () => {
  it('plans only what exists, newest chapter first, with the buckets to empty', async () => {
    const { clients } = fakeAccount();
    const plan = await planTeardown(clients, { withParameters: false, env: { STAGE: 'dev' } });
    expect(plan.stacks).toEqual([
      { name: 'cinq-euros-api-dev', buckets: ['deploy-bucket'] },
      { name: 'cinq-euros-site-dev', buckets: ['site-bucket'] },
    ]);
    expect(plan.parameters).toEqual([]);
    expect(describePlan(plan)).toContain('log group /aws/lambda/cinq-euros-api-dev-check, if it exists');
  });

  it('empties every version of a bucket in batches of at most 1,000', async () => {
    const { clients, calls } = fakeAccount();
    expect(await emptyBucket(clients.s3, 'deploy-bucket')).toBe(2500);
    expect(calls.filter((c) => c === 'DeleteObjectsCommand')).toHaveLength(3);
  });

  it('empties buckets before deleting their stack, and lists what it removed', async () => {
    const { clients, stacks, calls } = fakeAccount();
    const plan = await planTeardown(clients, { withParameters: true, env: { STAGE: 'dev' } });
    const said: string[] = [];
    const waited: string[] = [];
    const removed = await runTeardown(clients, plan, {
      say: (l) => said.push(l),
      waitForDeletion: async (name) => {
        waited.push(name);
      },
    });
    expect(waited).toEqual(['cinq-euros-api-dev', 'cinq-euros-site-dev']);
    expect(stacks.size).toBe(0);
    expect(calls.indexOf('DeleteObjectsCommand')).toBeLessThan(calls.indexOf('DeleteStackCommand'));
    expect(removed).toEqual([
      'stack cinq-euros-api-dev and its bucket(s) deploy-bucket',
      'stack cinq-euros-site-dev and its bucket(s) site-bucket',
      'parameter /cinq-euros/dev/signature-key',
      'parameter /cinq-euros/dev/signing-keys',
    ]);
    expect(said).toContain('emptied bucket site-bucket (2 object version(s))');
  });
});
