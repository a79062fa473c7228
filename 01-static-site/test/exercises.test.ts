/** Chapter 01's exercises: each check fails on known wrong answers, with the message that helps. */
import { describeExercise } from '../../shared/workshop/test-support/exercises';
import { exercises } from '../exercises/checks';

describeExercise(exercises, '1.1', [
  {
    name: 'sends JSON (which needs a CORS preflight)',
    edits: [["'Content-Type': 'text/plain;charset=UTF-8'", "'Content-Type': 'application/json'"]],
    says: /Content-Type is application\/json.*preflight/,
  },
  {
    name: 'sends {"signature": ...} instead of the signature alone',
    edits: [['body: signature,', 'body: JSON.stringify({ signature }),']],
    says: /The request body/,
  },
  {
    name: 'throws on a 400 instead of returning it',
    edits: [
      [
        'return { status: response.status',
        "if (!response.ok) throw new Error('HTTP ' + response.status);\n  return { status: response.status",
      ],
    ],
    says: /answer 400.*threw: HTTP 400/,
  },
  {
    name: 'returns the parsed JSON as the body',
    edits: [['body: await response.text()', 'body: await response.json()']],
    says: /What postSignature returned for a 200/,
  },
]);

describeExercise(exercises, '1.2', [
  {
    name: 'calls any 200 authentic, whatever its body says',
    edits: [
      [
        'if (status === 200 && json?.authentic === true && isObject(json.bill)) {',
        'if (status === 200 && isObject(json?.bill)) {',
      ],
    ],
    says: /\{"authentic": false\}.*"kind":"error"/,
  },
  {
    name: 'drops the API\'s detail from the "not authentic" view',
    edits: [['...(detail ? { detail } : {}),\n', '']],
    says: /"skrttskrtttt".*detail/,
  },
  {
    name: 'calls any 400 "not authentic", even one that is no verdict',
    edits: [['if (status === 400 && json?.authentic === false) {', 'if (status === 400) {']],
    says: /"Bad Request".*"kind":"error"/,
  },
]);
