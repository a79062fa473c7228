/**
 * `serverless package` of a chapter, at most once per distinct input: the result is kept in
 * .local/package-cache/<sha256 of every input>/, so the template tests, the exercise checks, the verify steps
 * and the bench share one packaging of the same thing, even from parallel jest workers.
 *
 * osls and serverless-esbuild stage every package in `<service folder>/.serverless` and empty it first, so
 * two packagings of one folder break each other: each run packages its own copy of the inputs, laid out
 * like the repository under .local/ (so node_modules is found by walking up, with no link to make). The
 * hash is taken of that copy, not of the checkout, so an entry always holds what was hashed even if a file
 * changes meanwhile. No AWS credentials are needed or used.
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../env';
import { cachedFolder, filesOf, hashOf } from './package-cache';

export interface CloudFormationTemplate {
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

export interface PackageOptions {
  readonly stage?: string;
  /** --param=name=value for each entry. */
  readonly params?: Readonly<Record<string, string>>;
  /** More arguments for `serverless package`. */
  readonly args?: readonly string[];
  /** Added to the environment; a name set to undefined is removed. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Package this text as serverless.yml instead of the chapter's own (an exercise's version of it). */
  readonly serverlessYml?: string;
  /** The checkout whose files are packaged (default: this one); its node_modules are always this one's. */
  readonly root?: string;
}

export interface Packaged {
  /** What `serverless package --package` wrote: templates, state and zips. Shared by every caller: read only. */
  readonly dir: string;
  /** Parsed for this caller alone: changing it changes nobody else's. */
  readonly template: CloudFormationTemplate;
  /** The deployment package, when the chapter has a function. */
  readonly zip?: string;
}

/**
 * Entries depend only on what is hashed, never on the checkout's path: another checkout (the README
 * doc-test's fresh copy) may share this one's cache by naming it in WORKSHOP_PACKAGE_CACHE.
 */
export const PACKAGE_CACHE = path.resolve(
  process.env.WORKSHOP_PACKAGE_CACHE || path.join(REPO_ROOT, '.local', 'package-cache'),
);
/** Where the copies are packaged: inside the checkout, whose node_modules they find by walking up. */
const PACKAGE_WORK = path.join(REPO_ROOT, '.local', 'package-work');
const SERVERLESS_JS = path.join(REPO_ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');

/** What each chapter's serverless.yml reads from its own folder besides itself. */
const CHAPTER_SOURCES: Readonly<Record<string, readonly string[]>> = {
  '03-lambda-check': ['src', 'plugins'],
};
/** What the serverless.yml files and their bundles read outside their chapter, relative to the root. */
const SHARED_SOURCES = ['shared/src', 'shared/settings.json', 'shared/workshop/exercises/swap.js'];
/**
 * Read from this checkout whatever the root: npm's pins (osls, its plugins, esbuild) and what esbuild and
 * serverless-esbuild find by walking up from the copy.
 */
const TOOLING = ['package.json', 'package-lock.json', 'tsconfig.json'];

/** The environment variables the inputs read: `${env:NAME}` in serverless.yml, process.env.NAME in plugins. */
function variablesRead(files: readonly [string, Buffer][]): string[] {
  const names = new Set<string>();
  for (const [name, content] of files) {
    const text = content.toString('utf8');
    const pattern = name.endsWith('serverless.yml')
      ? /\benv:([A-Za-z_]\w*)/g
      : /process\.env\.([A-Za-z_]\w*)/g;
    if (name.endsWith('serverless.yml') || name.endsWith('.js')) {
      for (const match of text.matchAll(pattern)) names.add(match[1] as string);
    }
  }
  return [...names].sort();
}

/** The exercise files WORKSHOP_EXERCISES swaps in are bundled too, from where they are. */
function swappedFiles(listed: string | undefined): [string, Buffer][] {
  if (!listed) return [];
  try {
    const swaps = JSON.parse(listed) as { file?: unknown }[];
    return swaps.flatMap(({ file }) =>
      typeof file === 'string' && existsSync(file)
        ? [[`swap:${file}`, readFileSync(file)] as [string, Buffer]]
        : [],
    );
  } catch {
    // serverless says what is wrong with it; the text itself is hashed.
    return [];
  }
}

function packageEnv(extra: PackageOptions['env'], tmp: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // No credentials are needed to package; make sure none from the shell are used.
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: undefined,
    FORCE_COLOR: '0',
    // The copy builds in a folder of its own: a build folder named by the shell only splits the cache.
    CHECK_BUILD_FOLDER: undefined,
    ...extra,
    // serverless-esbuild leaves a folder in the system temp folder after every package: give it one we remove.
    TMPDIR: tmp,
    TEMP: tmp,
    TMP: tmp,
  };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  return env;
}

/** Package `chapter` (its folder name), or reuse the packaging of the very same inputs. */
export async function packageChapter(chapter: string, options: PackageOptions = {}): Promise<Packaged> {
  const root = options.root ?? REPO_ROOT;
  const args = [
    ...(options.stage ? ['--stage', options.stage] : []),
    ...Object.entries(options.params ?? {}).map(([name, value]) => `--param=${name}=${value}`),
    ...(options.args ?? []),
  ];
  mkdirSync(PACKAGE_WORK, { recursive: true });
  const work = mkdtempSync(path.join(PACKAGE_WORK, `${chapter}-`));
  try {
    for (const source of [
      ...['serverless.yml', ...(CHAPTER_SOURCES[chapter] ?? [])].map((name) => path.join(chapter, name)),
      ...SHARED_SOURCES,
    ]) {
      const from = path.join(root, source);
      if (existsSync(from)) cpSync(from, path.join(work, source), { recursive: true });
    }
    if (options.serverlessYml !== undefined) {
      writeFileSync(path.join(work, chapter, 'serverless.yml'), options.serverlessYml);
    }
    const staged = filesOf(work, work);
    const tmp = path.join(work, 'tmp');
    const env = packageEnv(options.env, tmp);
    const oslsVersion = JSON.parse(
      readFileSync(path.join(REPO_ROOT, 'node_modules', 'serverless', 'package.json'), 'utf8'),
    ).version;
    const key = hashOf([
      ['osls', String(oslsVersion)],
      ['node', process.version],
      ['chapter', chapter],
      ['args', JSON.stringify(args)],
      ...variablesRead(staged).map(
        (name) => [`env:${name}`, JSON.stringify(env[name] ?? null)] as [string, string],
      ),
      ...swappedFiles(env.WORKSHOP_EXERCISES),
      ...staged,
      ...TOOLING.flatMap((file) => filesOf(path.join(REPO_ROOT, file), REPO_ROOT)),
    ]);
    const dir = await cachedFolder(PACKAGE_CACHE, key, async (into) => {
      mkdirSync(tmp);
      try {
        await promisify(execFile)(process.execPath, [SERVERLESS_JS, 'package', '--package', into, ...args], {
          cwd: path.join(work, chapter),
          env,
          maxBuffer: 64 * 1024 * 1024,
        });
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string; message: string };
        throw new Error(
          `serverless package ${args.join(' ')} failed for ${chapter}:\n${e.stdout ?? ''}${e.stderr ?? e.message}`,
        );
      }
    });
    const template = JSON.parse(
      readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    const zips = readdirSync(dir).filter((name) => name.endsWith('.zip'));
    return { dir, template, ...(zips.length === 1 ? { zip: path.join(dir, zips[0] as string) } : {}) };
  } finally {
    rmSync(work, { recursive: true, force: true });
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
