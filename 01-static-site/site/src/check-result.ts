/**
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
      /** For a legacy signature: why it proves little, and where the workshop explains it. */
      caution?: string;
    }
  | { kind: 'not-authentic'; title: string; detail?: string; next: string }
  | { kind: 'error'; title: string; detail: string };

export const NOT_AUTHENTIC_TITLE = 'This is not an authentic signature';

const SCHEME_NAMES: Record<Scheme, string> = {
  legacy: 'Original signature (bills from 2019)',
  token: 'Signed token (HMAC-SHA256)',
};

/** The article's codec is not a signature: a genuine-looking one may be a forgery (shared/README.md). */
export const LEGACY_CAUTION =
  'An original signature only shows that it was made with our 2019 password, and one bill is enough to recover that password: anyone holding a bill can make others that pass this check. Bills now carry a signed token instead. Why it is not a signature: shared/README.md in the workshop.';

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

const SECONDS_PER_YEAR = 31_556_952;

/**
 * The expiry date of a token, `expiresAt` seconds since 1970, as YYYY-MM-DD. Any number the API can answer
 * gets a text: years past 9999 are written out, and beyond what a JavaScript date holds (the year
 * 275,760) the year is worked out by hand.
 */
export function expiryText(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const date = new Date(value * 1000);
  if (Number.isNaN(date.getTime())) {
    const year = Math.floor(1970 + value / SECONDS_PER_YEAR);
    return `around the year ${year.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** The view for an HTTP answer of the API: its status and raw body text. */
export function viewForResponse(status: number, body: string): ResultView {
  const json = parseJson(body);
  if (status === 200 && json?.authentic === true && isObject(json.bill)) {
    const email = text(json.bill.email);
    const billNumber = text(json.bill.billNumber);
    if (email && billNumber) {
      const scheme =
        json.scheme === 'legacy' || json.scheme === 'token' ? SCHEME_NAMES[json.scheme] : 'Unknown';
      const expires = expiryText(json.expiresAt);
      return {
        kind: 'authentic',
        title: 'Authentic signature',
        scheme,
        email,
        billNumber,
        ...(expires ? { expires } : {}),
        ...(json.scheme === 'legacy' ? { caution: LEGACY_CAUTION } : {}),
      };
    }
  }
  if (status === 400 && json?.authentic === false) {
    const detail = text(json.detail);
    return {
      kind: 'not-authentic',
      title: text(json.message) ?? NOT_AUTHENTIC_TITLE,
      ...(detail ? { detail } : {}),
      next: NEXT_STEP,
    };
  }
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
