/**
 * `serverless package` of this chapter in a copy of its own (shared/workshop/packaging/serverless-package.ts says why),
 * with what the tests and the bench read: the template and the function's zip. No AWS credentials needed.
 */
import path from 'node:path';
import { config } from '../../src/config';
import { type Packaged as PackagedChapter, packageIsolated as packageChapter } from './serverless-package';

export interface Packaged extends PackagedChapter {
  /** The function's deployment package. */
  readonly zip: string;
}

/**
 * Package the chapter. `args` go to `serverless package` (e.g. ['--param', 'requireApiKey=true']);
 * `env` is added to this process's environment, a name set to undefined is removed.
 */
export async function packageIsolated(
  args: readonly string[] = [],
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<Packaged> {
  const packaged = await packageChapter('03-lambda-check', {
    sources: ['src', 'plugins'],
    args,
    // The copy builds in its own .esbuild: an inherited build folder would point back into the chapter.
    env: { CHECK_BUILD_FOLDER: undefined, ...env },
  });
  return { ...packaged, zip: path.join(packaged.dir, `${config.services.api}.zip`) };
}
