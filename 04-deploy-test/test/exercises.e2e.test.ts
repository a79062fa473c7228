/**
 * Chapter 04's exercises: each check fails on known wrong answers, with the message that helps. The
 * Postman ones are the collection's own test script with one mistake; the curl ones, curl/json-body.sh.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
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
]);
