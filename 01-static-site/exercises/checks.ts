/**
 * The checks and hints of chapter 01's exercises, for `npm run exercise -- 1`. Your work goes in the
 * other files of this folder; this one only reads them.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import {
  attempt,
  calling,
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

/**
 * The request headers a page may set and still make a "simple" CORS request, with no preflight (the
 * CORS-safelisted names). Those the browser adds itself (Host, User-Agent, and the Cache-Control and
 * Pragma of `cache: 'no-store'`) never cause a preflight, so only what the code sets counts.
 */
const SAFELISTED_HEADERS = new Set(['accept', 'accept-language', 'content-language', 'content-type']);

/** What an HTML error page from something in between (CloudFront, a proxy) looks like: not JSON. */
const PROXY_ERROR_PAGE =
  '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What the page's code asked fetch() for, as a browser reads it (the options of a Request). */
interface Asked {
  readonly credentials: RequestCredentials;
  readonly mode: RequestMode;
  readonly headers: readonly string[];
}

/**
 * A stand-in of the API on 127.0.0.1 that records each request and answers as chapter 03 does, or with a
 * proxy's HTML error page for the signature "proxy-error".
 */
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
      if (body === 'proxy-error') {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end(PROXY_ERROR_PAGE);
        return;
      }
      const genuine = req.method === 'POST' && body === GENUINE;
      res.writeHead(genuine ? 200 : 400, { 'content-type': 'application/json; charset=utf-8' });
      res.end(genuine ? AUTHENTIC_LEGACY : NOT_AUTHENTIC);
    });
  };
  return withLocalHttpServer(answer, (baseUrl) => use(`${baseUrl}/dev/check`, seen));
}

/** Run `use` with fetch() recording what it is asked, as a browser would read the request. */
async function recordingFetch<T>(use: (asked: Asked[]) => Promise<T>): Promise<T> {
  const real = globalThis.fetch;
  const asked: Asked[] = [];
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    try {
      // A Request is read on a clone: its body is for the real fetch.
      const request = new Request(input instanceof Request ? input.clone() : input, init);
      asked.push({
        credentials: request.credentials,
        mode: request.mode,
        headers: [...request.headers.keys()],
      });
    } catch {
      // fetch() itself says what is wrong with it.
    }
    return real(input, init);
  }) as typeof fetch;
  try {
    return await use(asked);
  } finally {
    globalThis.fetch = real;
  }
}

/** A URL where nothing answers: a port just closed. */
async function closedUrl(): Promise<string> {
  return withLocalHttpServer(
    (_req, res) => res.end(),
    async (baseUrl) => `${baseUrl}/dev/check`,
  );
}

const postSignatureExercise: Exercise = {
  id: '1.1',
  title: "The check page's request: POST the signature, keep the answer",
  file: '01-static-site/exercises/post-signature.ts',
  language: 'typescript',
  solution: '01-static-site/site/src/post-signature.ts',
  replaces: '01-static-site/site/src/post-signature.ts',
  hints: [
    'fetch(url, { method, headers, body }) sends the request; it resolves with a Response for every status, 400 and 502 included, and rejects only when no answer could be read.',
    "The headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, nothing else. The body: the signature itself, not JSON.",
    'What you return is { status, body } with the body as the API sent it, read as text: check-result.ts decides what it means, even when it is not JSON. And an error of fetch() is not yours to catch: the page shows "could not be reached" for it.',
  ],
  async check(file) {
    const { postSignature } = await loadModule<{ postSignature: typeof PostSignature }>(file, [
      'postSignature',
    ]);
    await recordingFetch((asked) =>
      withApi(async (checkUrl, seen) => {
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
        const [options] = asked;
        if (options) {
          const extra = options.headers.filter((name) => !SAFELISTED_HEADERS.has(name));
          expectThat(
            extra.length === 0,
            `The request carries ${extra.join(', ')}: a header a browser may not send cross-origin without an OPTIONS preflight first. Send Content-Type only.`,
          );
          expectThat(
            options.credentials !== 'include',
            "postSignature asks fetch for credentials: 'include': the browser would send the site's cookies to the API, and then refuse its answer, as the API does not allow credentials (it sends no Access-Control-Allow-Credentials). The check needs no cookie: leave credentials out.",
          );
          expectThat(
            options.mode !== 'no-cors',
            "postSignature asks fetch for mode: 'no-cors': the browser then hides the answer (status 0, no body), and the page could show nothing. Leave mode out: the API allows this site's origin.",
          );
        }
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

        const proxied = await attempt(
          'postSignature, for an answer 502 whose body is an HTML page (not JSON: a proxy or CloudFront sends such pages),',
          () => postSignature(checkUrl, 'proxy-error'),
        );
        expectEqual(
          proxied,
          { status: 502, body: PROXY_ERROR_PAGE },
          'What postSignature returned for a 502 with an HTML page (the status and the body as text, whatever it holds: check-result.ts shows it as an error)',
        );
      }),
    );

    const nowhere = await closedUrl();
    let rejected = false;
    let resolvedWith: unknown;
    calling(`postSignature(<a URL where nothing answers>, <a genuine signature>)`);
    try {
      resolvedWith = await postSignature(nowhere, GENUINE);
    } catch {
      rejected = true;
    }
    expectThat(
      rejected,
      `When nothing answers (the API is down, or the browser refused its answer), postSignature resolved with ${shown(resolvedWith)}: let it reject instead (do not catch fetch's error). The page then says the checking service could not be reached; a made-up answer would be shown as if the API had said it.`,
    );
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
    what: 'a 200 for a genuine token that expires on 2027-01-15 ("expiresAt": 1800014400)',
    status: 200,
    body: JSON.stringify({ ...JSON.parse(AUTHENTIC_TOKEN), expiresAt: 1800014400 }),
    expected: { kind: 'authentic', email: BILL.email, expires: '2027-01-15' },
  },
  {
    todo: 1,
    what: 'a 200 whose body says {"authentic": "false"} (a string, and a string is truthy)',
    status: 200,
    body: '{"authentic":"false","scheme":"legacy","bill":{"email":"jane.doe@example.com","billNumber":"2019-0042"}}',
    expected: { kind: 'error' },
  },
  {
    todo: 1,
    what: 'a 500 whose body says {"authentic": true, ...} (a status that is no verdict, whatever its body)',
    status: 500,
    body: AUTHENTIC_LEGACY,
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
    what: 'a 400 for an expired token, whose message is "This token has expired"',
    status: 400,
    body: JSON.stringify({
      authentic: false,
      scheme: 'token',
      reason: 'expired',
      message: 'This token has expired',
      detail: 'Ask for a new bill.',
    }),
    expected: { kind: 'not-authentic', title: 'This token has expired', detail: 'Ask for a new bill.' },
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
    'TODO 1 is one if: a 200, whose JSON says authentic exactly true (=== true: the string "false" is truthy), with a bill object. Inside it, read the email and the bill number with text(): both must be there before you return the authentic view; else fall through to the errors below.',
    'TODO 2 is one if too: a 400 whose JSON says authentic === false. Its title is what the API said (json.message), NOT_AUTHENTIC_TITLE only when it said nothing; add detail when there is one, and always next.',
    'The idea: a verdict is shown only when the status and the body agree on it (a 500 or a 200 that says something else is an error, never a verdict), and every field the API sent (scheme, expiry, message, detail) reaches the view. The view types are at the top of the file (ResultView).',
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
      const todoNote = todo ? ` (TODO ${todo})` : '';
      const [key, value] = Object.entries(expected).find(([name, wanted]) => got[name] !== wanted) ?? [];
      expectThat(
        key === undefined,
        `For ${what}, the view's ${key} should be ${shown(value)}, but it is ${shown(got[key as string])}.${todoNote} The whole view: ${shown(view)}`,
      );
      const next = typeof got.next === 'string' && got.next.length > 0;
      expectThat(
        expected.kind !== 'not-authentic' || next,
        `For ${what}, the view has no "next" (what the customer should do next: NEXT_STEP).${todoNote} The whole view: ${shown(view)}`,
      );
    }
  },
};

export const exercises: readonly Exercise[] = [postSignatureExercise, viewExercise];
