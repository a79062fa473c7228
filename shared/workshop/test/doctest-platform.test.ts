/** The README doc-tests' POSIX branch: where they run, and what Windows is told instead. */
import { doctestPlatformProblem } from '../test-support/doctest/learner';

it.each(['linux', 'darwin'] as const)('run on %s', (platform) => {
  expect(doctestPlatformProblem(platform)).toBeUndefined();
});

it('say on Windows where to run them instead', () => {
  expect(doctestPlatformProblem('win32')).toMatch(/run them on macOS, Linux or in WSL/);
});
