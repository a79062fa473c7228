/**
 * The signature the workshop teaches beside the article's codec: an HMAC-SHA256 token.
 *
 *   v1.<key id>.<payload>.<mac>
 *
 * payload: base64url (no padding) of the UTF-8 JSON {"email":…,"bill":…[,"exp":<unix seconds>]}
 * mac:     base64url (no padding, 43 characters) of HMAC-SHA256(secret of <key id>, "v1.<key id>.<payload>")
 *
 * The MAC covers the exact characters transmitted, so nothing is decoded before it is authenticated.
 * The format is documented in shared/README.md.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Bill, billNumberProblem, emailProblem } from './bill';

export const TOKEN_VERSION = 'v1';
export const MAX_TOKEN_LENGTH = 1024;
const MAC_LENGTH = 43;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const MIN_SECRET_LENGTH = 32;
// Checked before anything is decoded: version, key id, payload and mac, each of bounded size.
const TOKEN_SHAPE = /^v1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{2,900})\.([A-Za-z0-9_-]{43})$/;

/** Keys by id; `current` signs, every key verifies, so old bills keep verifying after a rotation. */
export interface Keyring {
  readonly current: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}

/**
 * Parse `id:secret[,id:secret...]`; the first key is the current one.
 * Secrets are at least 32 characters: `openssl rand -base64 32` makes a good one.
 */
export function parseKeyring(text: string, variable = 'SIGNING_KEYS'): Keyring {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) throw new KeyringError(`${variable} is empty: set it to "<key id>:<secret>".`);
  const keys = new Map<string, Buffer>();
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    const secret = colon < 0 ? '' : entry.slice(colon + 1);
    if (!KEY_ID.test(id)) {
      throw new KeyringError(
        `${variable}: each key is "<key id>:<secret>", the id made of 1 to 32 letters, digits, "-" or "_".`,
      );
    }
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new KeyringError(
        `${variable}: the secret of key "${id}" is shorter than ${MIN_SECRET_LENGTH} characters; make one with: openssl rand -base64 32`,
      );
    }
    if (keys.has(id)) throw new KeyringError(`${variable}: key id "${id}" appears twice.`);
    keys.set(id, Buffer.from(secret, 'utf8'));
  }
  return { current: entries[0]?.split(':')[0] as string, keys };
}

export interface SignOptions {
  /** Seconds since the epoch after which the token no longer verifies. */
  readonly expiresAt?: number;
}

function mac(secret: Buffer, signedPart: string): Buffer {
  return createHmac('sha256', secret).update(signedPart, 'ascii').digest();
}

/** Sign a bill with the keyring's current key. Throws for a malformed bill: never sign what will not verify. */
export function sign(bill: Bill, keyring: Keyring, options: SignOptions = {}): string {
  const problem = emailProblem(bill.email) ?? billNumberProblem(bill.billNumber);
  if (problem) throw new RangeError(`Cannot sign this bill: ${problem}.`);
  const secret = keyring.keys.get(keyring.current);
  if (!secret) throw new KeyringError(`The current key "${keyring.current}" is not in the keyring.`);
  const { expiresAt } = options;
  if (expiresAt !== undefined && !Number.isSafeInteger(expiresAt)) {
    throw new RangeError('expiresAt must be whole seconds since the epoch.');
  }
  const claims =
    expiresAt === undefined
      ? { email: bill.email, bill: bill.billNumber }
      : { email: bill.email, bill: bill.billNumber, exp: expiresAt };
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  const signedPart = `${TOKEN_VERSION}.${keyring.current}.${payload}`;
  const token = `${signedPart}.${mac(secret, signedPart).toString('base64url')}`;
  if (token.length > MAX_TOKEN_LENGTH || !TOKEN_SHAPE.test(token)) {
    throw new RangeError('Cannot sign this bill: the token would be longer than verify accepts.');
  }
  return token;
}

export type TokenFailure =
  /** Not a v1 token at all, or not canonical: wrong shape, size, characters or base64url. */
  | 'malformed'
  /** Signed with a key id this keyring does not hold (never issued, or retired). */
  | 'unknown-key'
  /** The MAC does not match: the token was altered, or signed with another secret. */
  | 'bad-signature'
  /** Authentic, but its payload is not a well-formed bill (only a buggy signer makes these). */
  | 'bad-payload'
  /** Authentic, but past its expiry. */
  | 'expired';

export type TokenCheck =
  | { ok: true; bill: Bill; keyId: string; expiresAt?: number }
  | { ok: false; reason: TokenFailure };

/** Whether a string looks like a v1 token (its prefix), before any checking. */
export function looksLikeToken(text: string): boolean {
  return typeof text === 'string' && text.startsWith(`${TOKEN_VERSION}.`);
}

/** base64url without padding, with the unused low bits of the last character at zero. */
function canonicalBase64url(text: string): Buffer | undefined {
  if (text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/** Verify a token. Never throws on hostile input: every failure is a typed reason. */
export function checkToken(token: unknown, keyring: Keyring, now: number = Date.now() / 1000): TokenCheck {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const shape = TOKEN_SHAPE.exec(token);
  if (!shape) return { ok: false, reason: 'malformed' };
  const [, keyId, payload, givenMac] = shape as unknown as [string, string, string, string];
  if (givenMac.length !== MAC_LENGTH) return { ok: false, reason: 'malformed' };
  const givenMacBytes = canonicalBase64url(givenMac);
  const payloadBytes = canonicalBase64url(payload);
  if (!givenMacBytes || !payloadBytes) return { ok: false, reason: 'malformed' };
  const secret = keyring.keys.get(keyId);
  if (!secret) return { ok: false, reason: 'unknown-key' };
  const expected = mac(secret, `${TOKEN_VERSION}.${keyId}.${payload}`);
  if (!timingSafeEqual(expected, givenMacBytes)) return { ok: false, reason: 'bad-signature' };

  let claims: unknown;
  try {
    claims = JSON.parse(payloadBytes.toString('utf8'));
  } catch {
    return { ok: false, reason: 'bad-payload' };
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
    return { ok: false, reason: 'bad-payload' };
  const { email, bill, exp, ...rest } = claims as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || typeof email !== 'string' || typeof bill !== 'string') {
    return { ok: false, reason: 'bad-payload' };
  }
  if (emailProblem(email) || billNumberProblem(bill)) return { ok: false, reason: 'bad-payload' };
  if (exp !== undefined && !Number.isSafeInteger(exp)) return { ok: false, reason: 'bad-payload' };
  if (typeof exp === 'number' && now >= exp) return { ok: false, reason: 'expired' };
  return typeof exp === 'number'
    ? { ok: true, bill: { email, billNumber: bill }, keyId, expiresAt: exp }
    : { ok: true, bill: { email, billNumber: bill }, keyId };
}
