/**
 * Remove what the chapters created on AWS, for one stage: the stacks (newest chapter first), after
 * emptying their buckets of every object version (CloudFormation cannot delete a bucket that holds
 * anything), then the log groups Lambda may have left or recreated, and optionally the SSM parameters.
 */
import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  waitUntilStackDeleteComplete,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import { DeleteParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { checkLogGroupName, parameterNames, SERVICES, stackName } from '../../src/config';

export interface TeardownClients {
  readonly cloudFormation: Pick<CloudFormationClient, 'send'>;
  readonly s3: Pick<S3Client, 'send'>;
  readonly logs: Pick<CloudWatchLogsClient, 'send'>;
  readonly ssm: Pick<SSMClient, 'send'>;
}

export function awsTeardownClients(options: { region: string }): TeardownClients {
  return {
    cloudFormation: new CloudFormationClient(options),
    s3: new S3Client(options),
    logs: new CloudWatchLogsClient(options),
    ssm: new SSMClient(options),
  };
}

export interface TeardownPlan {
  readonly stacks: { name: string; buckets: string[] }[];
  readonly logGroups: string[];
  readonly parameters: string[];
}

/** The chapters' stacks, the one that depends on the others first. */
export function chapterStackNames(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  return [SERVICES.api, SERVICES.cdn, SERVICES.site].map((service) => stackName(service, env));
}

function isMissingStack(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'ValidationError' && /does not exist/.test(e.message ?? '');
}

/** What exists now and would be removed. Reads only. */
export async function planTeardown(
  clients: TeardownClients,
  options: { withParameters: boolean; env?: Readonly<Record<string, string | undefined>> },
): Promise<TeardownPlan> {
  const env = options.env ?? process.env;
  const stacks: TeardownPlan['stacks'] = [];
  for (const name of chapterStackNames(env)) {
    try {
      await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: name }));
    } catch (error) {
      if (isMissingStack(error)) continue;
      throw error;
    }
    const buckets: string[] = [];
    let token: string | undefined;
    do {
      const page = await clients.cloudFormation.send(
        new ListStackResourcesCommand({ StackName: name, NextToken: token }),
      );
      for (const resource of page.StackResourceSummaries ?? []) {
        if (resource.ResourceType === 'AWS::S3::Bucket' && resource.PhysicalResourceId) {
          buckets.push(resource.PhysicalResourceId);
        }
      }
      token = page.NextToken;
    } while (token);
    stacks.push({ name, buckets });
  }
  const { legacyKey, signingKeys } = parameterNames(env);
  return {
    stacks,
    logGroups: [checkLogGroupName(env)],
    parameters: options.withParameters ? [legacyKey, signingKeys] : [],
  };
}

/** Delete every object version and delete marker of a bucket; returns how many. */
export async function emptyBucket(s3: TeardownClients['s3'], bucket: string): Promise<number> {
  let removed = 0;
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    let page: ListObjectVersionsCommandOutput;
    try {
      page = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchBucket') return removed;
      throw error;
    }
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((o) => o.Key)
      .map((o) => ({ Key: o.Key as string, VersionId: o.VersionId }));
    // DeleteObjects takes at most 1,000 keys; a listing page holds at most 1,000 versions and markers each.
    for (let i = 0; i < objects.length; i += 1000) {
      const batch = objects.slice(i, i + 1000);
      const result = await s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }),
      );
      const errors = (result as { Errors?: { Key?: string; Message?: string }[] }).Errors ?? [];
      if (errors.length > 0) {
        throw new Error(
          `Could not delete ${errors.length} object(s) of ${bucket}, e.g. ${errors[0]?.Key}: ${errors[0]?.Message}`,
        );
      }
      removed += batch.length;
    }
    if (!page.IsTruncated) return removed;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}

export interface TeardownOptions {
  readonly say: (line: string) => void;
  /** Resolves once the stack is deleted; by default CloudFormation's waiter, for up to 30 minutes. */
  readonly waitForDeletion?: (stackName: string) => Promise<void>;
}

/** Carry out a plan; returns a line per thing removed. */
export async function runTeardown(
  clients: TeardownClients,
  plan: TeardownPlan,
  options: TeardownOptions,
): Promise<string[]> {
  const removed: string[] = [];
  for (const stack of plan.stacks) {
    for (const bucket of stack.buckets) {
      const count = await emptyBucket(clients.s3, bucket);
      options.say(`emptied bucket ${bucket} (${count} object version(s))`);
    }
    options.say(`deleting stack ${stack.name} (CloudFront distributions can take several minutes)...`);
    await clients.cloudFormation.send(new DeleteStackCommand({ StackName: stack.name }));
    const wait =
      options.waitForDeletion ??
      (async (name: string) => {
        await waitUntilStackDeleteComplete(
          { client: clients.cloudFormation as CloudFormationClient, maxWaitTime: 1800 },
          { StackName: name },
        );
      });
    await wait(stack.name);
    removed.push(
      `stack ${stack.name}${stack.buckets.length ? ` and its bucket(s) ${stack.buckets.join(', ')}` : ''}`,
    );
    options.say(`deleted stack ${stack.name}`);
  }
  for (const logGroup of plan.logGroups) {
    try {
      await clients.logs.send(new DeleteLogGroupCommand({ logGroupName: logGroup }));
      removed.push(`log group ${logGroup}`);
      options.say(`deleted log group ${logGroup}`);
    } catch (error) {
      if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
    }
  }
  if (plan.parameters.length > 0) {
    const result = await clients.ssm.send(new DeleteParametersCommand({ Names: plan.parameters }));
    for (const name of (result as { DeletedParameters?: string[] }).DeletedParameters ?? []) {
      removed.push(`parameter ${name}`);
      options.say(`deleted parameter ${name}`);
    }
  }
  return removed;
}

/** The plan, as the learner reads it before saying yes. */
export function describePlan(plan: TeardownPlan): string[] {
  return [
    ...plan.stacks.map(
      (s) =>
        `stack ${s.name}${s.buckets.length ? ` (emptying bucket(s) ${s.buckets.join(', ')} first)` : ''}`,
    ),
    ...plan.logGroups.map((g) => `log group ${g}, if it exists`),
    ...plan.parameters.map((p) => `parameter ${p}, if it exists`),
  ];
}
