/**
 * Exercise 3.1: the handler's decision for each body form (see the chapter README, "Exercises").
 *
 * This is src/request.ts with the heart of readSignature() taken out. Fill in the three TODOs, then run
 *   npm run exercise -- 3
 * Stuck? npm run exercise -- 3 --hint. The answer: npm run exercise -- 3 --solution.
 */
import { isUtf8 } from 'node:buffer';

/** Larger bodies are refused before any work (413): a bill's signature is under 200 characters. */
export const MAX_BODY_LENGTH = 4096;

export type BodyProblem =
  /** No body, an empty one, or JSON without a "signature". */
  | 'missing-signature'
  /** The body starts like JSON ("{") but is not valid JSON. */
  | 'bad-json'
  /** JSON whose "signature" is not a string. */
  | 'signature-not-string'
  /** isBase64Encoded is true but the body is not base64 of UTF-8 text. */
  | 'bad-body-encoding';

export type ReadResult =
  | { ok: true; signature: string }
  | { ok: false; problem: 'too-large' }
  | { ok: false; problem: BodyProblem; detail: string };

const DETAILS: Record<BodyProblem, string> = {
  'missing-signature': 'Send the signature as the request body: the raw text, or JSON {"signature": "..."}.',
  'bad-json':
    'The body starts like JSON but is not valid JSON: send {"signature": "..."} or the raw signature.',
  'signature-not-string': 'In JSON, "signature" must be a string: {"signature": "..."}.',
  'bad-body-encoding': 'The body is marked base64-encoded but is not base64 of UTF-8 text.',
};

function problem(which: BodyProblem): ReadResult {
  return { ok: false, problem: which, detail: DETAILS[which] };
}

/** Base64 that re-encodes to itself (padding aside), holding valid UTF-8: anything else is refused. */
function unwrapBase64(body: string): string | undefined {
  const compact = body.replace(/\s+/g, '');
  const bytes = Buffer.from(compact, 'base64');
  const canonical = bytes.toString('base64');
  if (canonical.replace(/=+$/, '') !== compact.replace(/=+$/, '') || !isUtf8(bytes)) return undefined;
  return bytes.toString('utf8');
}

/** The signature in the event's body: raw text, base64-wrapped text, or JSON {"signature": "..."}. */
export function readSignature(event: { body?: unknown; isBase64Encoded?: unknown }): ReadResult {
  const raw = event.body;
  if (typeof raw !== 'string' || raw.length === 0) return problem('missing-signature');
  if (raw.length > (event.isBase64Encoded === true ? Math.ceil(MAX_BODY_LENGTH / 3) * 4 : MAX_BODY_LENGTH)) {
    return { ok: false, problem: 'too-large' };
  }
  let text = raw;

  // TODO 1. The base64-wrapped form: when event.isBase64Encoded is true (exactly true), API Gateway sent
  //   the body base64-encoded. Unwrap it with unwrapBase64(); if that gives undefined, the answer is
  //   problem('bad-body-encoding').

  // TODO 2. The raw form, as Postman sends it: ignore the whitespace around the signature (the newline
  //   a copy and paste adds).

  // TODO 3. The JSON form, {"signature": "..."}: when the text starts with "{", parse it.
  //   Not valid JSON: problem('bad-json'). No "signature" (or null): problem('missing-signature').
  //   A "signature" that is not a string: problem('signature-not-string').
  //   Otherwise the signature is that string, without the whitespace around it.

  return text.length === 0 ? problem('missing-signature') : { ok: true, signature: text };
}
