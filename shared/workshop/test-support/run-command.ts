/** Run a command to its end and keep what it printed: for tests that drive the workshop's CLIs. */
import { spawn } from 'node:child_process';
import { REPO_ROOT } from '../env';

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Unlike execFile, a non-zero exit is a result to assert on, not an error. */
export function runCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
