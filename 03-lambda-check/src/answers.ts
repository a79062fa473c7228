/**
 * Every answer the function gives: its status, its JSON body (the shapes the README documents, which the
 * web page and the Postman tests parse) and the fields of its log line.
 */

import type { CheckResult, Scheme } from './check-signature';
import { customerOf, type RequestLog } from './log';
import type { Status } from './respond';

export interface Answer {
  readonly status: Status;
  readonly body: unknown;
  readonly log: Omit<RequestLog, 'requestId' | 'status' | 'durationMs'>;
}

/** What the article's Lambda printed to its logs; now in the 400 body too. */
export const NOT_AUTHENTIC = 'This is not an authentic signature';

export function authentic(result: Extract<CheckResult, { authentic: true }>): Answer {
  return {
    status: 200,
    body: result,
    log: {
      level: 'INFO',
      outcome: 'authentic',
      scheme: result.scheme,
      customer: customerOf(result.bill.email),
      billNumber: result.bill.billNumber,
    },
  };
}

export function notAuthentic(scheme: Scheme | null, reason: string, detail: string): Answer {
  return {
    status: 400,
    body: { authentic: false, scheme, reason, message: NOT_AUTHENTIC, detail },
    log: {
      level: 'INFO',
      outcome: 'not-authentic',
      ...(scheme && { scheme }),
      reason,
      message: NOT_AUTHENTIC,
    },
  };
}

export function preflight(): Answer {
  return { status: 204, body: undefined, log: { level: 'INFO', outcome: 'preflight' } };
}

export function methodNotAllowed(): Answer {
  return {
    status: 405,
    body: { error: 'method-not-allowed', message: 'Use POST /check with the signature as the request body.' },
    log: { level: 'WARN', outcome: 'rejected', reason: 'method-not-allowed' },
  };
}

export function tooLarge(): Answer {
  return {
    status: 413,
    body: {
      error: 'payload-too-large',
      message: 'The body is too large: send only the signature (a few hundred characters at most).',
    },
    log: { level: 'WARN', outcome: 'rejected', reason: 'payload-too-large' },
  };
}

/** What a scheme's key is called, for a client told it is missing (never where it is stored, never a value). */
const KEY_NAMES: Record<Scheme, string> = {
  legacy: "SIGNATURE_KEY (the article's password)",
  token: 'SIGNING_KEYS (the HMAC keyring)',
};

/**
 * A key is missing: the operator must act, so the log says exactly what is wrong (which variable or SSM
 * parameter); the client learns which key the service lacks, or only "later" when none can be loaded at all.
 */
export function notConfigured(reason: string, scheme?: Scheme): Answer {
  return {
    status: 503,
    body: {
      error: 'not-configured',
      message: 'The signature service is not configured yet: try again later.',
      ...(scheme
        ? {
            scheme,
            detail: `This service has no ${KEY_NAMES[scheme]} configured: set it to check these signatures.`,
          }
        : {}),
    },
    log: { level: 'ERROR', outcome: 'not-configured', ...(scheme ? { scheme } : {}), reason },
  };
}
