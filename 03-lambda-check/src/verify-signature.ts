/**
 * Is a signature authentic? Both schemes the workshop knows: the article's legacy signature (authentic
 * only if it decodes AND the text is a well-formed bill reference) and the HMAC token from shared/.
 */
import {
  type Bill,
  decode,
  formatBillReference,
  InvalidSignatureError,
  type Keyring,
  looksLikeToken,
  parseBillReference,
  verify,
} from '../../shared/src/index';

export interface Secrets {
  /** The article's password (SIGNATURE_KEY). */
  readonly legacyKey: string;
  /** The HMAC keyring (SIGNING_KEYS). */
  readonly keyring: Keyring;
}

export type Scheme = 'legacy' | 'token';

export type CheckResult =
  | { authentic: true; scheme: Scheme; bill: Bill; text: string; keyId?: string; expiresAt?: number }
  | { authentic: false; scheme: Scheme; reason: string; detail: string };

const TOKEN_DETAILS: Record<string, string> = {
  malformed: 'This is not a well-formed v1 token: copy it whole from the bill.',
  'unknown-key': 'This token was signed with a key this service does not hold (unknown or retired).',
  'bad-signature': 'The token does not match its signature: it was altered or mistyped.',
  'bad-payload': 'The token is signed but does not hold a well-formed bill.',
  expired: 'The token has expired.',
};

export function checkSignature(signature: string, secrets: Secrets, now?: number): CheckResult {
  if (looksLikeToken(signature)) {
    const result = verify(signature, secrets.keyring, now);
    if (!result.ok) {
      return {
        authentic: false,
        scheme: 'token',
        reason: result.reason,
        detail: TOKEN_DETAILS[result.reason] ?? result.reason,
      };
    }
    const text = formatBillReference(result.bill);
    return result.expiresAt === undefined
      ? { authentic: true, scheme: 'token', bill: result.bill, text, keyId: result.keyId }
      : {
          authentic: true,
          scheme: 'token',
          bill: result.bill,
          text,
          keyId: result.keyId,
          expiresAt: result.expiresAt,
        };
  }
  let text: string;
  try {
    text = decode(secrets.legacyKey, signature);
  } catch (error) {
    if (error instanceof InvalidSignatureError) {
      return { authentic: false, scheme: 'legacy', reason: error.reason, detail: error.message };
    }
    throw error;
  }
  const parsed = parseBillReference(text);
  if (!parsed.ok) {
    return {
      authentic: false,
      scheme: 'legacy',
      reason: 'not-a-bill',
      detail: 'The signature decodes, but not to a bill reference: it was altered, mistyped or forged.',
    };
  }
  return { authentic: true, scheme: 'legacy', bill: parsed.bill, text };
}
