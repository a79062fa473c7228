/**
 * `npx serverless package`, as the README has you run it, leaves nothing in the system temp folder:
 * plugins/zip-folder-cleanup.js removes the folder serverless-esbuild's zip step makes there.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SERVERLESS_ENTRY } from '../../shared/workshop/process/entries';
import { tempDir } from '../../shared/workshop/test-support/temp';

const CHAPTER = path.join(__dirname, '..');
const temp = tempDir('zip-cleanup');
const systemTemp = path.join(temp.path, 'tmp');
const output = path.join(temp.path, 'package');

afterAll(() => temp.remove());

function serverlessPackage(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVERLESS_ENTRY, 'package', '--package', output], {
      cwd: CHAPTER,
      env: {
        ...process.env,
        TMPDIR: systemTemp,
        TEMP: systemTemp,
        TMP: systemTemp,
        // A build folder of this test's own, under .esbuild/ (serverless.yml), beside other tests' builds.
        CHECK_BUILD_FOLDER: `zip-cleanup-${process.pid}`,
      },
    });
    let printed = '';
    child.stdout.on('data', (chunk) => {
      printed += chunk;
    });
    child.stderr.on('data', (chunk) => {
      printed += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output: printed }));
  });
}

it('packages the function and leaves the system temp folder as it found it', async () => {
  mkdirSync(systemTemp, { recursive: true });
  const ran = await serverlessPackage();
  expect({ code: ran.code, tail: ran.code === 0 ? '' : ran.output.slice(-2000) }).toEqual({
    code: 0,
    tail: '',
  });
  // The zip was made (through the temp folder), and the temp folder is empty again.
  expect(existsSync(path.join(output, 'cinq-euros-api.zip'))).toBe(true);
  expect(readdirSync(systemTemp)).toEqual([]);
}, 60_000);
