/**
 * npm run exercise as CI and a learner run it: --solutions holds every exercise to the rustlings rule
 * (the starter fails, the reference passes), and misuse says what to type instead.
 */

import { TSX_HOOK } from '../process/entries';
import { runCommand } from '../test-support/run-command';

const run = (...args: string[]) =>
  runCommand(process.execPath, ['--require', TSX_HOOK, 'shared/workshop/commands/exercise.ts', ...args], {
    ...process.env,
    NO_COLOR: '1',
  });

it('--solutions: every starter fails its check and every reference solution passes it', async () => {
  const ran = await run('--solutions');
  expect(ran.stderr).toBe('');
  expect(ran.stdout).toMatch(/^All \d+ exercises: the starter fails, the reference passes\.$/m);
  expect(ran.stdout).not.toMatch(/^BAD /m);
  expect(ran.code).toBe(0);
}, 120_000);

it.each([
  [['--reset'], /--reset needs a chapter or an exercise/],
  [['3.9'], /no exercise "3.9"/],
  [['3', '--hint', '--solution'], /choose one of --hint, --solution/],
])('%j is refused with the reason and the usage, exit 2', async (args, reason) => {
  const ran = await run(...args);
  expect(ran.stderr).toMatch(reason);
  expect(ran.stderr).toMatch(/Usage: npm run exercise/);
  expect(ran.code).toBe(2);
});
