/**
 * Chapter 04's exercises: each check fails on known wrong answers, with the message that helps. The
 * Postman ones are the collection's own test script with one mistake; the curl ones, curl/json-body.sh.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../shared/workshop/env';
import { withCopy } from '../../shared/workshop/exercises/files';
import { runCheck } from '../../shared/workshop/exercises/run';
import { describeExercise } from '../../shared/workshop/test-support/exercises';
import { exercises, referenceScript } from '../exercises/checks';

const script = referenceScript().join('\n');

describeExercise(exercises, '4.1', [
  {
    name: 'tests the status only',
    base: script,
    edits: [[script.slice(script.indexOf("pm.test('the signature is authentic")), '']],
    says: /\{"authentic": false, \.\.\.\}, all 1 of your tests still pass.*\(TODO 2\)/,
  },
  {
    name: 'tests the text but not the bill',
    base: script,
    edits: [["  pm.expect(answer.bill, 'bill').to.deep.equal({", '  ({']],
    says: /another number.*still pass.*\(TODO 3\)/,
  },
  {
    name: 'expects a status the API does not answer (201)',
    base: script,
    edits: [['.to.equal(200);', '.to.equal(201);']],
    says: /real answer.*your test "status is 200 OK" fails/,
  },
  {
    name: "writes the demo bill's email and number out",
    base: script,
    edits: [
      [
        "const reference = pm.variables.get('billEmail') + '#' + pm.variables.get('billNumber');",
        "const reference = 'jane.doe@example.com#2019-0042';",
      ],
      ["    email: pm.variables.get('billEmail'),", "    email: 'jane.doe@example.com',"],
      ["    billNumber: pm.variables.get('billNumber'),", "    billNumber: '2019-0042',"],
    ],
    says: /For another bill \(ana\.silva@example\.org.*fails.*demo bill out.*pm\.variables\.get\('billEmail'\)/,
  },
  {
    name: 'tests the bill but not the text',
    base: script,
    edits: [["  pm.expect(answer.text, 'text').to.equal(reference);\n", '']],
    says: /the right bill but another "text".*still pass.*\(TODO 3\)/,
  },
  // Written as a learner would, beyond the list.
  {
    name: 'does not test the scheme',
    base: script,
    edits: [["  pm.expect(answer.scheme, 'scheme').to.equal('legacy');\n", '']],
    says: /"scheme": "token".*still pass.*\(TODO 2\)/,
  },
  {
    name: 'a syntax error: a test not closed',
    base: readFileSync(path.join(__dirname, '..', 'exercises', 'signature-in-json.postman.js'), 'utf8'),
    edits: [
      [
        '// TODO 1. A test that the status is 200.\n',
        "// TODO 1. A test that the status is 200.\npm.test('status', () => {\n  pm.expect(pm.response.code).to.equal(200);\n",
      ],
    ],
    says: /signature-in-json\.postman\.js is not valid JavaScript.*\n\s+04-deploy-test\/exercises\/signature-in-json\.postman\.js:\d+[\s\S]*SyntaxError: /,
  },
]);

describeExercise(exercises, '4.2', [
  {
    name: 'sends the JSON as text/plain',
    edits: [["--header 'Content-Type: application/json'", "--header 'Content-Type: text/plain'"]],
    says: /Content-Type is text\/plain.*application\/json/,
  },
  {
    name: 'sends a form field, not JSON',
    edits: [['--data-binary "{\\"signature\\": \\"$signature\\"}"', '--data-binary "signature=$signature"']],
    says: /The body is not JSON/,
  },
  {
    name: 'single-quotes the JSON, so $signature is sent as is',
    edits: [
      ['--data-binary "{\\"signature\\": \\"$signature\\"}"', `--data-binary '{"signature": "$signature"}'`],
    ],
    says: /"signature" should be the signature given/,
  },
  {
    name: 'is right but saved with Windows line endings, which sh cannot run',
    base: readFileSync(path.join(__dirname, '..', 'curl', 'json-body.sh'), 'utf8').replaceAll('\n', '\r\n'),
    edits: [],
    says: /Windows line endings \(CRLF\).*save it with LF/,
  },
  {
    name: 'has no || exit 3',
    edits: [['"$url" || exit 3', '"$url"']],
    says: /nothing answers at the URL, the script exited with status 7: it should be 3.*\|\| exit 3/,
  },
  {
    name: 'writes the status out instead of %{http_code}',
    edits: [["--write-out '\\nHTTP %{http_code}\\n'", "--write-out '\\nHTTP 200\\n'"]],
    says: /forged signature.*"HTTP 400" on a line of its own.*not written out.*HTTP 200/,
  },
  {
    name: 'uses curl --fail, which prints nothing on a 400',
    edits: [['curl --silent --show-error', 'curl --fail --silent --show-error']],
    says: /forged signature the API answers 400, and the script exited with status 3: curl --fail/,
  },
  // Written as a learner would, beyond the list.
  {
    name: 'prints the status on the same line as the body',
    edits: [["--write-out '\\nHTTP %{http_code}\\n'", "--write-out ' HTTP %{http_code}'"]],
    says: /"HTTP 200" on a line of its own/,
  },
  {
    name: 'a shell syntax error: a quote not closed',
    edits: [
      [
        '--data-binary "{\\"signature\\": \\"$signature\\"}"',
        '--data-binary "{\\"signature\\": \\"$signature\\"}',
      ],
    ],
    says: /json-body\.sh is not a valid shell script \(sh -n\):\n.*04-deploy-test\/exercises\/json-body\.sh: \d+: /,
  },
]);

/** The state ps gives for a pid (R, S, Z...), or "gone". ps is on every system that has sh. */
function stateOf(pid: number): string {
  try {
    return execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim() || 'gone';
  } catch {
    return 'gone';
  }
}

describe('exercise 4.2: a script that never ends', () => {
  it('is stopped with what it started, and the message says so', async () => {
    const exercise = exercises.find((one) => one.id === '4.2') as (typeof exercises)[number];
    const pidFile = path.join(REPO_ROOT, '.local', `exercise-sleep-${process.pid}.pid`);
    mkdirSync(path.dirname(pidFile), { recursive: true });
    const script = `#!/bin/sh\nsleep 60 &\necho $! > '${pidFile}'\nwait\n`;
    try {
      const outcome = await withCopy(exercise, script, (copy) => runCheck(exercise, copy));
      expect(outcome.ok ? 'it passed' : outcome.message).toMatch(
        /sent nothing to the API .*stopped after 5 s: the script did not end/,
      );
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(pid).toBeGreaterThan(0);
      // The sleep it started in the background is gone with it: no such process, or a dead one that its
      // new parent has not reaped yet (a container's init may never reap: a zombie runs nothing).
      expect(stateOf(pid)).toMatch(/^(gone|Z)/);
    } finally {
      rmSync(pidFile, { force: true });
    }
  }, 60_000);
});
