/**
 * The function's tests on the Node.js major Lambda runs (nodejs24.x: Node 24), not only on the Node that runs
 * this suite: the same jest, the same test files, started with the runtime's node. (Its packaged zip is run on
 * that node too, in template.e2e.test.ts.) `npm test` says how to install it; under CI=true it must be there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { RUNTIME_NODE_MAJOR } from '../../shared/src/config';
import { REPO_ROOT } from '../../shared/workshop/env';
import { runtimeNode } from '../../shared/workshop/system-requirements';
import { describeWithSystem } from '../../shared/workshop/test-support/system';

describeWithSystem('runtimeNode', `the function on Node.js ${RUNTIME_NODE_MAJOR}, as Lambda runs it`, () => {
  const node = runtimeNode() as string;

  it(`is Node.js ${RUNTIME_NODE_MAJOR}, not this suite's Node.js ${process.versions.node}`, () => {
    expect(execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' })).toMatch(
      new RegExp(`^${RUNTIME_NODE_MAJOR}\\.`),
    );
  });

  it("passes the handler's and the secrets' tests", () => {
    const tests = ['03-lambda-check/test/handler.test.ts', '03-lambda-check/test/secrets.test.ts'];
    const run = spawnSync(node, [require.resolve('jest/bin/jest'), '--ci', '--runTestsByPath', ...tests], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
      timeout: 120_000,
    });
    const output = `${run.stdout}${run.stderr}`;
    expect({ status: run.status, failed: output.match(/^.*(✕|FAIL).*$/gm) ?? [] }).toEqual({
      status: 0,
      failed: [],
    });
    expect(output).toMatch(/Test Suites: 2 passed, 2 total/);
  }, 120_000);
});
