/**
 * `serverless package` into a fresh folder, and the CloudFormation template it wrote: what the tests
 * assert on (no AWS account needed) and what `npm run chapter:2 -- --offline` shows.
 *
 * osls stages every package in `<service folder>/.serverless` and empties it first, so two packagings of
 * one folder at once (parallel test files) break each other: each run packages its own copy of the
 * chapter's serverless.yml, in a temporary folder laid out like the repository (shared/ linked in).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../shared/src/env';
import { localBin } from '../../shared/src/process';

export interface CloudFormationTemplate {
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

export interface PackageOptions {
  /** --param="name=value" for each entry. */
  readonly params?: Readonly<Record<string, string>>;
  readonly stage?: string;
}

export async function packageTemplate(
  chapterDir: string,
  options: PackageOptions = {},
): Promise<CloudFormationTemplate> {
  const root = mkdtempSync(path.join(tmpdir(), 'sls-package-'));
  const service = path.join(root, path.basename(chapterDir));
  mkdirSync(service);
  copyFileSync(path.join(chapterDir, 'serverless.yml'), path.join(service, 'serverless.yml'));
  symlinkSync(path.join(REPO_ROOT, 'shared'), path.join(root, 'shared'), 'dir');
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  const out = path.join(root, 'package');
  const args = ['package', '--package', out];
  if (options.stage) args.push('--stage', options.stage);
  for (const [name, value] of Object.entries(options.params ?? {})) args.push(`--param=${name}=${value}`);
  try {
    // No credentials are needed to package; make sure none are used even if the shell has some.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      FORCE_COLOR: '0',
    };
    delete env.AWS_PROFILE;
    await promisify(execFile)(localBin('serverless'), args, { cwd: service, env });
    return JSON.parse(readFileSync(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `serverless ${args.join(' ')} failed in ${chapterDir}:\n${e.stdout ?? ''}${e.stderr ?? e.message}`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

type Json = unknown;

/**
 * Resolve the intrinsic functions whose values are known before deploying (Fn::Join, Fn::If, Fn::Not,
 * Fn::Equals, Fn::And, Fn::Or, Condition); anything else (Ref, Fn::GetAtt, Fn::ImportValue) is left as is.
 */
export function resolveKnown(value: Json, template: Pick<CloudFormationTemplate, 'Conditions'>): Json {
  const condition = (name: string): boolean => {
    const definition = template.Conditions?.[name];
    if (definition === undefined) throw new Error(`No condition named ${name} in the template`);
    return resolveKnown(definition, template) === true;
  };
  if (Array.isArray(value)) return value.map((item) => resolveKnown(item, template));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [key, argument] = entries[0] as [string, Json];
    const args = argument as Json[];
    switch (key) {
      case 'Fn::If':
        return resolveKnown(condition(args[0] as string) ? args[1] : args[2], template);
      case 'Fn::Not':
        return !(resolveKnown(args[0], template) as boolean);
      case 'Fn::Equals':
        return resolveKnown(args[0], template) === resolveKnown(args[1], template);
      case 'Fn::And':
        return args.every((arg) => resolveKnown(arg, template) === true);
      case 'Fn::Or':
        return args.some((arg) => resolveKnown(arg, template) === true);
      case 'Condition':
        return condition(argument as string);
      case 'Fn::Join': {
        const parts = resolveKnown(args[1], template) as Json[];
        if (parts.every((part) => typeof part === 'string')) return parts.join(args[0] as string);
        return { 'Fn::Join': [args[0], parts] };
      }
    }
  }
  const resolved: Record<string, Json> = {};
  for (const [key, item] of entries) {
    const result = resolveKnown(item, template);
    // AWS::NoValue removes the property, as CloudFormation does.
    if (
      !(typeof result === 'object' && result !== null && (result as { Ref?: string }).Ref === 'AWS::NoValue')
    ) {
      resolved[key] = result;
    }
  }
  return resolved;
}
