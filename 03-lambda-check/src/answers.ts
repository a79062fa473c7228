/**
 * Every answer the function gives: its status, its JSON body (the shapes the README documents, which the
 * web page and the Postman tests parse) and the fields of its log line.
 */
import { customerOf, type RequestLog } from './log';
import type { Status } from './respond';
import type { CheckResult, Scheme } from './verify-signature';

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

/** The secrets are missing: the operator must act, so the log says what is wrong and the client only "later". */
export function notConfigured(reason: string): Answer {
  return {
    status: 503,
    body: {
      error: 'not-configured',
      message: 'The signature service is not configured yet: try again later.',
    },
    log: { level: 'ERROR', outcome: 'not-configured', reason },
  };
}
