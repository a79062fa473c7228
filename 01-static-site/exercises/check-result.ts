/**
 * Exercise 1.2: how the check page shows the answer (see the chapter README, "Exercises").
 *
 * This is site/src/check-result.ts with the two verdicts of viewForResponse() taken out. Fill in the
 * TODOs, then run: npm run exercise -- 1. Stuck? npm run exercise -- 1 --hint.
 *
 * What the check page shows for an answer of the signature API (chapter 03, POST /check).
 * Pure functions, no DOM: the page renders the view, the tests feed it every answer the API can give.
 *
 *   200 {authentic: true, scheme, bill: {email, billNumber}, text, expiresAt?}
 *   400 {authentic: false, scheme, reason, message: "This is not an authentic signature", detail}
 *   405, 413, 503 {error, message}
 */

export type Scheme = 'legacy' | 'token';

export type ResultView =
  | {
      kind: 'authentic';
      title: string;
      scheme: string;
      email: string;
      billNumber: string;
      expires?: string;
    }
  | { kind: 'not-authentic'; title: string; detail?: string; next: string }
  | { kind: 'error'; title: string; detail: string };

export const NOT_AUTHENTIC_TITLE = 'This is not an authentic signature';

const SCHEME_NAMES: Record<Scheme, string> = {
  legacy: 'Original signature (bills from 2019)',
  token: 'Signed token (HMAC-SHA256)',
};

const NEXT_STEP =
  'Copy the signature again from your bill, all of it, and check once more. If it still fails, the bill was not issued by 5€ pour rien: reply to the email that brought it and we will look.';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function parseJson(body: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function expiryText(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return new Date(value * 1000).toISOString().slice(0, 10);
}

/** The view for an HTTP answer of the API: its status and raw body text. */
export function viewForResponse(status: number, body: string): ResultView {
  const json = parseJson(body);

  // TODO 1. A 200 is authentic only if its JSON says so: json.authentic === true, and json.bill is an
  //   object whose email and billNumber are non-empty strings (text() gives those, or undefined). Then
  //   return the 'authentic' view: title 'Authentic signature', the email and bill number, the scheme's
  //   name (SCHEME_NAMES[json.scheme] for 'legacy' or 'token', else 'Unknown'), and `expires` when
  //   expiryText(json.expiresAt) gives a date. A 200 that does not say all that is not a verdict.

  // TODO 2. A 400 whose JSON says authentic: false is the article's answer: the 'not-authentic' view,
  //   titled with json.message (or NOT_AUTHENTIC_TITLE when it has none), with json.detail when there is
  //   one, and next: NEXT_STEP, what the customer should do.

  // Anything else is an error, never a verdict:
  const message = text(json?.message);
  switch (status) {
    case 413:
      return {
        kind: 'error',
        title: 'That is too long to be a signature',
        detail: message ?? 'Paste only the signature from your bill.',
      };
    case 429:
      return {
        kind: 'error',
        title: 'Too many checks at once',
        detail: 'The service is busy: wait a few seconds, then press Check again.',
      };
    case 503:
      return {
        kind: 'error',
        title: 'The checking service is not ready',
        detail: message ?? 'It is not configured yet: try again later.',
      };
    default:
      return {
        kind: 'error',
        title: 'The check did not work',
        detail: `The checking service answered ${status}${message ? `: ${message}` : ''}. Try again in a minute.`,
      };
  }
}

/**
 * The view when no answer could be read: the API is down or unreachable, or the browser refused its
 * answer because the API does not allow this site's origin (CORS). A page cannot tell these apart.
 */
export function viewForNetworkError(checkUrl: string, siteOrigin: string): ResultView {
  const local = /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(checkUrl);
  return {
    kind: 'error',
    title: 'The checking service could not be reached',
    detail: local
      ? `No answer came back from ${checkUrl}. Is the API running, and does it allow this site? Start it with: npm run chapter:3 -- --offline --site-origin ${siteOrigin}`
      : `No answer came back from ${checkUrl}. Check your connection and try again in a minute.`,
  };
}

/** The view when the site was built without an API address (chapter 03 not deployed yet). */
export function viewForMissingApi(): ResultView {
  return {
    kind: 'error',
    title: 'No checking service is configured',
    detail:
      'This site was built without the address of its API. Deploy chapter 03, then publish the site again (npm run chapter:2).',
  };
}

/** What the learner pasted, as the API wants it: every space and line break removed. */
export function normaliseSignature(input: string): string {
  return input.replace(/\s+/g, '');
}
