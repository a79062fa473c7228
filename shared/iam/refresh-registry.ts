/**
 * npm run iam:registry [-- [--from <folder> [--published YYYY-MM]] [--type AWS::Service::Resource ...]]
 *
 * Rewrites shared/iam/cloudformation-registry.json, the project's snapshot of the CloudFormation registry
 * that the policy and template tests read. With AWS credentials (any identity that may call
 * cloudformation:DescribeType), it asks AWS, one `aws cloudformation describe-type` per resource type;
 * with --from, it reads schema files (<folder>/aws-s3-bucket.json, ...) as AWS publishes them. Tests never
 * run this: they read the committed snapshot. Then run `npm test`: a new handler permission shows up there.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { region } from '../src/config';
import { type Fail, failWith, parseCommandLine } from '../workshop/commands/cli';
import { factsOf, registry, type Schema, type TypeFacts } from './registry';

const USAGE = `Usage: npm run iam:registry [-- [--from <folder of registry schemas> [--published YYYY-MM]] [--type <AWS::Service::Resource> ...]]
  without --from  asks AWS (aws cloudformation describe-type, in AWS_REGION or the workshop's region)
  --from          reads <folder>/*.json, schemas as AWS publishes them (e.g. CloudformationSchema.zip)
  --published     with --from: when AWS published those files (YYYY-MM), recorded in the snapshot
  --type          a resource type to add to those already in the snapshot`;

const SNAPSHOT = path.join(__dirname, 'cloudformation-registry.json');

const fail: Fail = failWith('iam:registry', USAGE);

function fromAws(type: string): Schema {
  try {
    const text = execFileSync(
      'aws',
      [
        'cloudformation',
        'describe-type',
        '--type',
        'RESOURCE',
        '--type-name',
        type,
        '--region',
        region(),
        '--query',
        'Schema',
        '--output',
        'text',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    return JSON.parse(text) as Schema;
  } catch (error) {
    fail(
      `aws cloudformation describe-type --type-name ${type} failed (${(error as Error).message.split('\n')[0]}). ` +
        'It needs the AWS CLI v2 and credentials allowed cloudformation:DescribeType.',
    );
  }
}

function fromFolder(folder: string): Map<string, Schema> {
  const schemas = new Map<string, Schema>();
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.json'))) {
    const schema = JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as Schema;
    if (typeof schema.typeName === 'string') schemas.set(schema.typeName, schema);
  }
  if (schemas.size === 0) fail(`${folder} holds no registry schema (*.json with a typeName).`);
  return schemas;
}

function main(): void {
  const { values } = parseCommandLine('iam:registry', USAGE, {
    options: {
      from: { type: 'string' },
      published: { type: 'string' },
      type: { type: 'string', multiple: true },
    },
  });
  const folder = values.from ? fromFolder(path.resolve(values.from)) : undefined;
  const types = [
    ...new Set([...Object.keys(registry.types), ...(values.type ?? []), ...(folder?.keys() ?? [])]),
  ];
  for (const type of types) {
    if (!/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(type))
      fail(`"${type}" is not a resource type (AWS::S3::Bucket).`);
  }
  const facts: Record<string, TypeFacts> = {};
  for (const type of types.sort()) {
    const schema = folder ? folder.get(type) : fromAws(type);
    if (!schema) fail(`${values.from} has no schema for ${type}, which the snapshot holds.`);
    facts[type] = factsOf(schema);
  }
  if (values.published !== undefined && !/^\d{4}-\d{2}(-\d{2})?$/.test(values.published))
    fail(`--published "${values.published}" is not a date: use YYYY-MM or YYYY-MM-DD.`);
  const retrieved = new Date().toISOString().slice(0, 10);
  const source = folder
    ? `CloudFormation registry schemas as AWS published them (${values.published ?? 'date unknown'}), read from ${path.basename(values.from as string)}/ by npm run iam:registry -- --from`
    : `aws cloudformation describe-type --type RESOURCE --type-name <type> --region ${region()} (its Schema), by npm run iam:registry`;
  const snapshot = {
    about:
      'What the tests need from AWS CloudFormation registry schemas: each type handlers and tagging permissions and its property schema (descriptions left out). Written by shared/iam/refresh-registry.ts; do not edit by hand.',
    source,
    published: folder ? (values.published ?? 'unknown') : retrieved,
    retrieved,
    types: facts,
  };
  writeFileSync(SNAPSHOT, `${JSON.stringify(snapshot, null, 2)}\n`);
  // As the linter formats it, so that a refresh that changes nothing leaves no diff.
  execFileSync(
    process.execPath,
    [require.resolve('@biomejs/biome/bin/biome'), 'format', '--write', SNAPSHOT],
    { stdio: 'ignore' },
  );
  process.stdout.write(
    `${path.relative(process.cwd(), SNAPSHOT)}: ${types.length} resource types, ${source}\n`,
  );
}

main();
