/** `serverless deploy|remove` run for a chapter folder. */
import { AwsSetupError } from '../../src/stacks';
import { startChild } from '../process/children';
import { SERVERLESS_ENTRY } from '../process/entries';

/** `serverless <args>` in a chapter folder, its output shown as it comes; rejects on a non-zero exit. */
export async function runServerless(
  chapterDir: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const child = startChild({
    entry: SERVERLESS_ENTRY,
    args,
    cwd: chapterDir,
    env,
    stdio: ['inherit', 'inherit', 'inherit'],
  });
  const { code, error } = await child.exited;
  if (error) throw error;
  if (code !== 0) {
    throw new AwsSetupError(`serverless ${args.join(' ')} failed (exit ${code}): see its output above.`);
  }
}
