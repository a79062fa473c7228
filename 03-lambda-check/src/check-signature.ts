/**
 * Is a signature authentic? Both schemes the workshop knows: the article's legacy signature (authentic
 * only if it decodes AND the text is a well-formed bill reference) and the HMAC token from shared/.
 */
import {
  type Bill,
  checkToken,
  decode,
  formatBillReference,
  InvalidSignatureError,
  type Keyring,
  looksLikeToken,
  parseBillReference,
} from '../../shared/src/index';

export type Scheme = 'legacy' | 'token';

export interface Secrets {
  /** The article's password (SIGNATURE_KEY), when configured. */
  readonly legacyKey?: string;
  /** The HMAC keyring (SIGNING_KEYS), when configured. */
  readonly keyring?: Keyring;
  /** For each scheme whose key is not configured: what to configure. */
  readonly missing: Readonly<Partial<Record<Scheme, string>>>;
}

/** A signature of a scheme whose key is not configured: the service cannot say (503), the operator must act. */
export interface NotConfigured {
  readonly configured: false;
  readonly scheme: Scheme;
  readonly reason: string;
}

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

export function checkSignature(
  signature: string,
  secrets: Secrets,
  now?: number,
): CheckResult | NotConfigured {
  const scheme: Scheme = looksLikeToken(signature) ? 'token' : 'legacy';
  const { legacyKey, keyring } = secrets;
  if (scheme === 'token' ? !keyring : legacyKey === undefined) {
    return {
      configured: false,
      scheme,
      reason: secrets.missing[scheme] ?? `no key for ${scheme} signatures`,
    };
  }
  if (scheme === 'token' && keyring) {
    const result = checkToken(signature, keyring, now);
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
    text = decode(legacyKey as string, signature);
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
