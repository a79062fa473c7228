/**
 * From an API Gateway proxy event to the signature to check, or why there is none. Reads defensively:
 * the event comes from the network, so any field may be missing, null or of the wrong type.
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
  if (event.isBase64Encoded === true) {
    const unwrapped = unwrapBase64(raw);
    if (unwrapped === undefined) return problem('bad-body-encoding');
    text = unwrapped;
  }
  text = text.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return problem('bad-json');
    }
    const signature = (parsed as { signature?: unknown }).signature;
    if (signature === undefined || signature === null) return problem('missing-signature');
    if (typeof signature !== 'string') return problem('signature-not-string');
    text = signature.trim();
  }
  return text.length === 0 ? problem('missing-signature') : { ok: true, signature: text };
}
