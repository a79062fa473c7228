/**
 * `serverless package` of a chapter that can run while others do the same (parallel test files, the
 * bench, npm start): osls and serverless-esbuild stage every package in `<service folder>/.serverless`
 * and empty it first, so two packagings of one folder break each other. Each run packages its own copy
 * of the chapter, in a temporary folder laid out like the repository (shared/ and node_modules/ linked
 * in). No AWS credentials are needed or used.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../env';
import { localBin } from '../process/process';

export interface CloudFormationTemplate {
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

export interface PackageOptions {
  /** What serverless.yml needs from the chapter folder, besides itself (e.g. src, plugins). */
  readonly sources?: readonly string[];
  /** More arguments for `serverless package` (e.g. ['--param', 'requireApiKey=true']). */
  readonly args?: readonly string[];
  /** Added to the environment; a name set to undefined is removed. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Package this text as serverless.yml instead of the chapter's own (an exercise's version of it). */
  readonly serverlessYml?: string;
}

export interface Packaged {
  /** The folder `serverless package --package` wrote: templates, state and zips. */
  readonly dir: string;
  readonly template: CloudFormationTemplate;
  /** Remove everything this run made. */
  remove(): void;
}

/** Package `chapter` (its folder name) in a copy of its own; call remove() when done. */
export async function packageIsolated(chapter: string, options: PackageOptions = {}): Promise<Packaged> {
  const root = mkdtempSync(path.join(tmpdir(), `${chapter}-package-`));
  const remove = () => rmSync(root, { recursive: true, force: true });
  const service = path.join(root, chapter);
  const out = path.join(root, 'package');
  const args = ['package', '--package', out, ...(options.args ?? [])];
  try {
    for (const source of ['serverless.yml', ...(options.sources ?? [])]) {
      const from = path.join(REPO_ROOT, chapter, source);
      if (existsSync(from)) cpSync(from, path.join(service, source), { recursive: true });
    }
    if (options.serverlessYml !== undefined) {
      writeFileSync(path.join(service, 'serverless.yml'), options.serverlessYml);
    }
    symlinkSync(path.join(REPO_ROOT, 'shared'), path.join(root, 'shared'), 'dir');
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    // No credentials are needed to package; make sure none from the shell are used.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_EC2_METADATA_DISABLED: 'true',
      FORCE_COLOR: '0',
      AWS_PROFILE: undefined,
    };
    for (const [name, value] of Object.entries(options.env ?? {})) env[name] = value;
    for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
    await promisify(execFile)(localBin('serverless'), args, { cwd: service, env });
    const template = JSON.parse(
      readFileSync(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    return { dir: out, template, remove };
  } catch (error) {
    remove();
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `serverless ${args.join(' ')} failed for ${chapter}:\n${e.stdout ?? ''}${e.stderr ?? e.message}`,
    );
  }
}

export interface TemplateOptions {
  /** --param="name=value" for each entry. */
  readonly params?: Readonly<Record<string, string>>;
  readonly stage?: string;
  readonly sources?: readonly string[];
}

/** Package a chapter (its folder path or name) and return just its CloudFormation template. */
export async function packageTemplate(
  chapter: string,
  options: TemplateOptions = {},
): Promise<CloudFormationTemplate> {
  const args = [
    ...(options.stage ? ['--stage', options.stage] : []),
    ...Object.entries(options.params ?? {}).map(([name, value]) => `--param=${name}=${value}`),
  ];
  const packaged = await packageIsolated(path.basename(chapter), { args, sources: options.sources });
  packaged.remove();
  return packaged.template;
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
