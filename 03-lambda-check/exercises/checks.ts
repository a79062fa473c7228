/**
 * The checks and hints of chapter 03's exercises, for `npm run exercise -- 3`. Your work goes in the
 * other files of this folder; this one only reads them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  attempt,
  type Exercise,
  expectThat,
  loadModule,
  shown,
} from '../../shared/workshop/exercises/contract';
import type { ReadResult, readSignature as ReadSignature } from '../src/request';
import { functionExercise } from './function-checks';

const EVENTS_DIR = path.join(__dirname, '..', 'test', 'events');

function eventFile(name: string): { body?: unknown; isBase64Encoded?: unknown } {
  return JSON.parse(readFileSync(path.join(EVENTS_DIR, `${name}.json`), 'utf8'));
}

/** The signature of test/events/legacy-*.json: a genuine legacy signature (for the test keys). */
const SIGNATURE = 'w5_Dj8OXw5lbw5jDlMOYwrTCksOow4LDoMOjw6PDlMKgw4fDpMObwozCpl3CpcKewqDCpF3CpMKT';
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

interface BodyCase {
  readonly todo: number;
  readonly what: string;
  readonly event: { body?: unknown; isBase64Encoded?: unknown };
  /** The signature read, or the problem named. */
  readonly expected: { signature: string } | { problem: string };
}

const BODY_CASES: readonly BodyCase[] = [
  {
    todo: 1,
    what: 'a base64-wrapped body (test/events/legacy-base64-wrapped.json, isBase64Encoded: true)',
    event: eventFile('legacy-base64-wrapped'),
    expected: { signature: SIGNATURE },
  },
  {
    todo: 1,
    what: 'a body marked base64 that is not base64 (test/events/broken-base64-body.json)',
    event: eventFile('broken-base64-body'),
    expected: { problem: 'bad-body-encoding' },
  },
  {
    todo: 1,
    what: 'a body with isBase64Encoded: "true" (a string, not true): it is raw text, not base64',
    event: { body: base64(SIGNATURE), isBase64Encoded: 'true' },
    expected: { signature: base64(SIGNATURE) },
  },
  {
    todo: 2,
    what: 'the raw signature followed by a newline, as Postman sends a pasted one (test/events/legacy-raw-text.json)',
    event: eventFile('legacy-raw-text'),
    expected: { signature: SIGNATURE },
  },
  {
    todo: 2,
    what: 'a raw signature with a space inside it, as pasted: "ab cd\\n" (the space is part of what was sent: only the ends are trimmed)',
    event: { body: 'ab cd\n' },
    expected: { signature: 'ab cd' },
  },
  {
    todo: 3,
    what: 'a raw signature with a "{" inside, not at its start: "ab{cd" (only a body that starts with "{" is JSON)',
    event: { body: 'ab{cd' },
    expected: { signature: 'ab{cd' },
  },
  {
    todo: 2,
    what: 'a body of spaces and a newline only (test/events/empty-body.json)',
    event: eventFile('empty-body'),
    expected: { problem: 'missing-signature' },
  },
  {
    todo: 3,
    what: 'JSON {"signature": "..."} (test/events/legacy-json.json)',
    event: eventFile('legacy-json'),
    expected: { signature: SIGNATURE },
  },
  {
    todo: 3,
    what: 'JSON with spaces around the signature and around the JSON: \'  {"signature": " ... \\n"} \'',
    event: { body: `  {"signature": " ${SIGNATURE}\\n"} ` },
    expected: { signature: SIGNATURE },
  },
  {
    todo: 3,
    what: 'JSON whose signature has a space inside: {"signature": " ab cd "} (the inner space stays)',
    event: { body: '{"signature": " ab cd "}' },
    expected: { signature: 'ab cd' },
  },
  {
    todo: 3,
    what: 'JSON {"signature": "..."}, base64-wrapped',
    event: { body: base64(JSON.stringify({ signature: SIGNATURE })), isBase64Encoded: true },
    expected: { signature: SIGNATURE },
  },
  {
    todo: 3,
    what: 'a body that starts like JSON but is cut short (test/events/broken-json.json)',
    event: eventFile('broken-json'),
    expected: { problem: 'bad-json' },
  },
  {
    todo: 3,
    what: 'JSON {"signature": 42} (test/events/signature-not-string.json)',
    event: eventFile('signature-not-string'),
    expected: { problem: 'signature-not-string' },
  },
  {
    todo: 3,
    what: 'JSON without "signature": {"test": "body"}',
    event: { body: '{"test":"body"}' },
    expected: { problem: 'missing-signature' },
  },
  {
    todo: 3,
    what: 'JSON {"signature": null}',
    event: { body: '{"signature": null}' },
    expected: { problem: 'missing-signature' },
  },
  {
    todo: 3,
    what: 'JSON {"signature": "   "}',
    event: { body: '{"signature": "   "}' },
    expected: { problem: 'missing-signature' },
  },
  {
    todo: 0,
    what: 'no body at all (test/events/null-body.json)',
    event: eventFile('null-body'),
    expected: { problem: 'missing-signature' },
  },
  {
    todo: 0,
    what: 'a 5000-character body (test/events/oversized.json)',
    event: eventFile('oversized'),
    expected: { problem: 'too-large' },
  },
];

function meets(result: ReadResult, expected: BodyCase['expected']): boolean {
  if ('signature' in expected) return result.ok && result.signature === expected.signature;
  if (result.ok || result.problem !== expected.problem) return false;
  return result.problem === 'too-large' || (typeof result.detail === 'string' && result.detail.length > 0);
}

function describeExpected(expected: BodyCase['expected']): string {
  return 'signature' in expected
    ? `{ok: true, signature: ${shown(expected.signature)}}`
    : `problem('${expected.problem}')`;
}

const readSignatureExercise: Exercise = {
  id: '3.1',
  title: 'The decision for each body form: raw, base64-wrapped, JSON',
  file: '03-lambda-check/exercises/read-signature.ts',
  language: 'typescript',
  solution: '03-lambda-check/src/request.ts',
  replaces: '03-lambda-check/src/request.ts',
  hints: [
    'Work down the function: TODO 1 changes `text` only when event.isBase64Encoded === true (exactly true); TODO 2 trims `text`, its ends only; TODO 3 runs only when text starts with "{".',
    'TODO 1: unwrapBase64() gives the text, or undefined when the body is not base64 of UTF-8 text: that undefined is the problem bad-body-encoding.',
    'TODO 3: JSON.parse throws on bad JSON: catch that and answer bad-json. Then look at the "signature" of what it parsed in the order the TODO lists: missing (undefined or null), not a string, else the string without the whitespace at its ends (inside it, a space is part of what was sent).',
  ],
  async check(file) {
    const { readSignature } = await loadModule<{ readSignature: typeof ReadSignature }>(file, [
      'readSignature',
    ]);
    for (const { todo, what, event, expected } of BODY_CASES) {
      const result = await attempt(`readSignature, for ${what},`, () => readSignature({ ...event }));
      expectThat(
        meets(result, expected),
        `For ${what}, readSignature should return ${describeExpected(expected)}, but it returned ${shown(result)}.${todo ? ` (TODO ${todo})` : ''}`,
      );
    }
  },
};

export const exercises: readonly Exercise[] = [readSignatureExercise, functionExercise];
