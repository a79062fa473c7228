/**
 * The checks and hints of chapter 01's exercises, for `npm run exercise -- 1`. Your work goes in the
 * other files of this folder; this one only reads them.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import {
  attempt,
  type Exercise,
  expectEqual,
  expectThat,
  loadModule,
  shown,
} from '../../shared/workshop/exercises/contract';
import { withLocalHttpServer } from '../../shared/workshop/process/http-server';
import type { viewForResponse as ViewForResponse } from '../site/src/check-result';
import type { postSignature as PostSignature } from '../site/src/post-signature';

const GENUINE = 'w47DhsObw5RbwpzCssOWwq_Cv8OKw4TDnMOdw5LDlcKowrHCvcODbMKWwpXCnsKoWmhzwqXCoQ==';
const FORGERY = 'skrttskrtttt';
const BILL = { email: 'jane.doe@example.com', billNumber: '2019-0042' };

/** The answers of chapter 03's API, as its README documents them (what the page must show). */
const AUTHENTIC_LEGACY = JSON.stringify({
  authentic: true,
  scheme: 'legacy',
  bill: BILL,
  text: 'jane.doe@example.com#2019-0042',
});
const AUTHENTIC_TOKEN = JSON.stringify({
  authentic: true,
  scheme: 'token',
  bill: BILL,
  text: 'jane.doe@example.com#2019-0042',
  keyId: 'demo',
});
const NOT_AUTHENTIC = JSON.stringify({
  authentic: false,
  scheme: 'legacy',
  reason: 'not-utf8',
  message: 'This is not an authentic signature',
  detail: 'The signature does not decode to valid text: it was altered or mistyped.',
});

/** Request headers a browser may send without a CORS preflight, and those fetch itself adds. */
const SIMPLE_HEADERS = new Set([
  'accept',
  'accept-language',
  'content-language',
  'content-type',
  'accept-encoding',
  'connection',
  'content-length',
  'host',
  'sec-fetch-mode',
  'user-agent',
]);

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A stand-in of the API on 127.0.0.1 that records each request and answers as chapter 03 does. */
async function withApi<T>(use: (checkUrl: string, seen: Seen[]) => Promise<T>): Promise<T> {
  const seen: Seen[] = [];
  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const genuine = req.method === 'POST' && body === GENUINE;
      res.writeHead(genuine ? 200 : 400, { 'content-type': 'application/json; charset=utf-8' });
      res.end(genuine ? AUTHENTIC_LEGACY : NOT_AUTHENTIC);
    });
  };
  return withLocalHttpServer(answer, (baseUrl) => use(`${baseUrl}/dev/check`, seen));
}

const postSignatureExercise: Exercise = {
  id: '1.1',
  title: "The check page's request: POST the signature, keep the answer",
  file: '01-static-site/exercises/post-signature.ts',
  language: 'typescript',
  solution: '01-static-site/site/src/post-signature.ts',
  replaces: '01-static-site/site/src/post-signature.ts',
  hints: [
    'fetch(url, { method, headers, body }) sends the request; it resolves with a Response for every status, 400 included, and rejects only when no answer could be read.',
    "The headers: { 'Content-Type': 'text/plain;charset=UTF-8' }. The body: the signature itself, not JSON.",
    'const response = await fetch(checkUrl, { method: "POST", headers: {...}, body: signature }); return { status: response.status, body: await response.text() };',
  ],
  async check(file) {
    const { postSignature } = await loadModule<{ postSignature: typeof PostSignature }>(file, [
      'postSignature',
    ]);
    await withApi(async (checkUrl, seen) => {
      const answer = await attempt('postSignature(checkUrl, <a genuine signature>)', () =>
        postSignature(checkUrl, GENUINE),
      );
      expectThat(seen.length > 0, `postSignature returned without sending anything to ${checkUrl}.`);
      expectEqual(seen.length, 1, 'The number of requests one check sends');
      const [request] = seen as [Seen];
      expectEqual(request.method, 'POST', 'The request method');
      expectEqual(
        request.url,
        '/dev/check',
        'The path the request went to (checkUrl is the full URL already)',
      );
      expectEqual(request.body, GENUINE, 'The request body (the signature alone, as the page read it)');
      const type = String(request.headers['content-type'] ?? '(none)');
      expectThat(
        /^text\/plain\s*(;|$)/i.test(type),
        `The request's Content-Type is ${type}: send text/plain;charset=UTF-8. The page and the API are on two origins, and any other type (application/json included) makes the browser ask first with an OPTIONS preflight, a round trip more before each check.`,
      );
      const extra = Object.keys(request.headers).filter((name) => !SIMPLE_HEADERS.has(name));
      expectThat(
        extra.length === 0,
        `The request carries ${extra.join(', ')}: a header a browser may not send cross-origin without an OPTIONS preflight first. Send Content-Type only.`,
      );
      expectThat(
        typeof answer === 'object' && answer !== null,
        `postSignature should resolve with {status, body}; it resolved with ${shown(answer)}.`,
      );
      expectEqual(answer, { status: 200, body: AUTHENTIC_LEGACY }, 'What postSignature returned for a 200');

      const refused = await attempt(
        `postSignature, for an answer 400 ("This is not an authentic signature"),`,
        () => postSignature(checkUrl, FORGERY),
      );
      expectEqual(
        refused,
        { status: 400, body: NOT_AUTHENTIC },
        'What postSignature returned for a 400 (an answer to show, not an error)',
      );
    });
  },
};

interface Case {
  readonly todo: number;
  readonly what: string;
  readonly status: number;
  readonly body: string;
  /** What the view must hold. */
  readonly expected: Record<string, unknown>;
}

const VIEW_CASES: readonly Case[] = [
  {
    todo: 1,
    what: 'a 200 for a genuine legacy signature',
    status: 200,
    body: AUTHENTIC_LEGACY,
    expected: {
      kind: 'authentic',
      title: 'Authentic signature',
      email: BILL.email,
      billNumber: BILL.billNumber,
      scheme: 'Original signature (bills from 2019)',
    },
  },
  {
    todo: 1,
    what: 'a 200 for a genuine token',
    status: 200,
    body: AUTHENTIC_TOKEN,
    expected: { kind: 'authentic', email: BILL.email, scheme: 'Signed token (HMAC-SHA256)' },
  },
  {
    todo: 1,
    what: 'a 200 whose body says {"authentic": false}',
    status: 200,
    body: '{"authentic":false,"bill":{"email":"jane.doe@example.com","billNumber":"2019-0042"}}',
    expected: { kind: 'error' },
  },
  {
    todo: 1,
    what: 'a 200 with no bill: {"authentic": true}',
    status: 200,
    body: '{"authentic":true}',
    expected: { kind: 'error' },
  },
  {
    todo: 1,
    what: 'a 200 whose bill has an empty email',
    status: 200,
    body: '{"authentic":true,"bill":{"email":"","billNumber":"2019-0042"}}',
    expected: { kind: 'error' },
  },
  {
    todo: 1,
    what: 'a 200 whose body is not JSON',
    status: 200,
    body: 'OK',
    expected: { kind: 'error' },
  },
  {
    todo: 2,
    what: 'a 400 for "skrttskrtttt"',
    status: 400,
    body: NOT_AUTHENTIC,
    expected: {
      kind: 'not-authentic',
      title: 'This is not an authentic signature',
      detail: 'The signature does not decode to valid text: it was altered or mistyped.',
    },
  },
  {
    todo: 2,
    what: 'a 400 with no message: {"authentic": false, "scheme": null}',
    status: 400,
    body: '{"authentic":false,"scheme":null}',
    expected: { kind: 'not-authentic', title: 'This is not an authentic signature' },
  },
  {
    todo: 2,
    what: 'a 400 that is not a verdict: {"message": "Bad Request"}',
    status: 400,
    body: '{"message":"Bad Request"}',
    expected: { kind: 'error' },
  },
  {
    todo: 0,
    what: 'a 503 (the API is not configured)',
    status: 503,
    body: '{"error":"not-configured","message":"The signature service is not configured yet: try again later."}',
    expected: { kind: 'error' },
  },
];

const viewExercise: Exercise = {
  id: '1.2',
  title: 'How the check page shows the answer: authentic, not authentic, or an error',
  file: '01-static-site/exercises/check-result.ts',
  language: 'typescript',
  solution: '01-static-site/site/src/check-result.ts',
  replaces: '01-static-site/site/src/check-result.ts',
  hints: [
    'TODO 1 is one if: status === 200 && json?.authentic === true && isObject(json.bill). Inside it, read the email and the bill number with text(): both must be there before you return the authentic view.',
    "TODO 2: if (status === 400 && json?.authentic === false) return { kind: 'not-authentic', title: text(json.message) ?? NOT_AUTHENTIC_TITLE, next: NEXT_STEP } plus detail when text(json.detail) gives one.",
    "The view types are at the top of the file (ResultView). For the scheme: json.scheme === 'legacy' || json.scheme === 'token' ? SCHEME_NAMES[json.scheme] : 'Unknown'.",
  ],
  async check(file) {
    const { viewForResponse } = await loadModule<{ viewForResponse: typeof ViewForResponse }>(file, [
      'viewForResponse',
      'viewForNetworkError',
      'viewForMissingApi',
      'normaliseSignature',
    ]);
    for (const { todo, what, status, body, expected } of VIEW_CASES) {
      const view = await attempt(`viewForResponse, for ${what},`, () => viewForResponse(status, body));
      const got = (view ?? {}) as unknown as Record<string, unknown>;
      const wrong = Object.entries(expected).filter(([key, value]) => got[key] !== value);
      const next = got.kind === 'not-authentic' && typeof got.next === 'string' && got.next.length > 0;
      expectThat(
        wrong.length === 0 && (expected.kind !== 'not-authentic' || next),
        `For ${what}, the view should hold ${shown(expected.kind === 'not-authentic' ? { ...expected, next: '<what to do next>' } : expected)}, but viewForResponse returned ${shown(view)}.${todo ? ` (TODO ${todo})` : ''}`,
      );
    }
  },
};

export const exercises: readonly Exercise[] = [postSignatureExercise, viewExercise];
