/**
 * `serverless package` of this chapter that can run while others do the same (parallel tests, the bench,
 * npm start). osls and serverless-esbuild stage every package in `<service folder>/.serverless` and empty
 * it first, so two packagings of one folder break each other. Each run here packages its own copy of the
 * chapter, in a temporary folder laid out like the repository (shared/ and node_modules/ linked in).
 * No AWS credentials are needed or used.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../shared/src/env';
import { localBin } from '../../shared/src/process';

const CHAPTER = path.basename(path.resolve(__dirname, '..'));
/** What serverless.yml and the bundle need from the chapter folder. */
const SOURCES = ['serverless.yml', 'src', 'plugins'];

export interface Packaged {
  /** The folder `serverless package --package` wrote: templates, state and the zip. */
  readonly dir: string;
  // biome-ignore lint/suspicious/noExplicitAny: a CloudFormation template is free-form JSON
  readonly template: any;
  /** The function's deployment package. */
  readonly zip: string;
  /** Remove everything this run made. */
  remove(): void;
}

/**
 * Package the chapter. `args` go to `serverless package` (e.g. ['--param', 'requireApiKey=true']);
 * `env` is added to this process's environment, a name set to undefined is removed.
 */
export async function packageIsolated(
  args: readonly string[] = [],
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<Packaged> {
  const root = mkdtempSync(path.join(tmpdir(), 'chapter03-package-'));
  const remove = () => rmSync(root, { recursive: true, force: true });
  try {
    const service = path.join(root, CHAPTER);
    for (const source of SOURCES) {
      cpSync(path.join(REPO_ROOT, CHAPTER, source), path.join(service, source), { recursive: true });
    }
    symlinkSync(path.join(REPO_ROOT, 'shared'), path.join(root, 'shared'), 'dir');
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    const out = path.join(root, 'package');
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_EC2_METADATA_DISABLED: 'true',
      CHECK_BUILD_FOLDER: undefined,
    };
    for (const [name, value] of Object.entries(env)) childEnv[name] = value;
    for (const [name, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[name];
    await promisify(execFile)(localBin('serverless'), ['package', '--package', out, ...args], {
      cwd: service,
      env: childEnv,
    });
    return {
      dir: out,
      template: JSON.parse(readFileSync(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8')),
      zip: path.join(out, 'cinq-euros-api.zip'),
      remove,
    };
  } catch (error) {
    remove();
    throw error;
  }
}
