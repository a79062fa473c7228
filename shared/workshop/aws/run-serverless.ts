/** `serverless deploy|remove` run for a chapter folder. */
import { spawn } from 'node:child_process';
import { AwsSetupError } from '../../src/stacks';
import { localBin } from '../process/process';

type Env = Readonly<Record<string, string | undefined>>;

/** `serverless <args>` in a chapter folder, its output shown as it comes; rejects on a non-zero exit. */
export function runServerless(
  chapterDir: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(localBin('serverless'), [...args], { cwd: chapterDir, stdio: 'inherit', env });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new AwsSetupError(`serverless ${args.join(' ')} failed (exit ${code}): see its output above.`),
          ),
    );
  });
}
