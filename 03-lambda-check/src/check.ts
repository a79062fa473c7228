/**
 * POST /check: is this bill signature authentic? An API Gateway (REST, proxy integration) handler.
 *
 * The event holds the HTTP request (method, headers, body); the answer must be {statusCode, headers, body}.
 * Read top to bottom: preflight and method, body, secrets, check, answer; one log line per request.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { siteOrigin } from '../../shared/settings.json';
import { customerOf, type RequestLog, writeLog } from './log';
import { readSignature } from './request';
import { respond, type Status } from './respond';
import { NotConfiguredError, secrets } from './secrets';
import { checkSignature } from './verify-signature';

const NOT_AUTHENTIC = 'This is not an authentic signature';

type Event = Partial<APIGatewayProxyEvent> | null | undefined;

export async function handler(event: Event, context?: Partial<Context>): Promise<APIGatewayProxyResult> {
  const started = performance.now();
  const requestId = context?.awsRequestId ?? event?.requestContext?.requestId ?? '-';
  const cors = { allowedOrigin: process.env.ALLOWED_ORIGIN || siteOrigin };
  const answer = (
    status: Status,
    body: unknown,
    log: Omit<RequestLog, 'requestId' | 'status' | 'durationMs'>,
  ) => {
    const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    writeLog({ ...log, requestId, status, durationMs });
    return respond(
      status,
      body,
      status === 405 ? { ...cors, extraHeaders: { Allow: 'POST, OPTIONS' } } : cors,
    );
  };

  // 1. Only POST checks a signature; browsers ask first with an OPTIONS preflight.
  const method = typeof event?.httpMethod === 'string' ? event.httpMethod.toUpperCase() : '';
  if (method === 'OPTIONS') return answer(204, undefined, { level: 'INFO', outcome: 'preflight' });
  if (method !== 'POST') {
    const message = 'Use POST /check with the signature as the request body.';
    return answer(
      405,
      { error: 'method-not-allowed', message },
      { level: 'WARN', outcome: 'rejected', reason: 'method-not-allowed' },
    );
  }

  // 2. The signature: the raw body, base64-wrapped, or JSON {"signature": "..."}.
  const read = readSignature(event ?? {});
  if (!read.ok && read.problem === 'too-large') {
    const message = 'The body is too large: send only the signature (a few hundred characters at most).';
    return answer(
      413,
      { error: 'payload-too-large', message },
      { level: 'WARN', outcome: 'rejected', reason: 'payload-too-large' },
    );
  }
  if (!read.ok) {
    const body = {
      authentic: false,
      scheme: null,
      reason: read.problem,
      message: NOT_AUTHENTIC,
      detail: read.detail,
    };
    return answer(400, body, {
      level: 'INFO',
      outcome: 'not-authentic',
      reason: read.problem,
      message: NOT_AUTHENTIC,
    });
  }

  // 3. The secrets: from the environment offline, from SSM Parameter Store once per cold start on AWS.
  let keys: Awaited<ReturnType<typeof secrets>>;
  try {
    keys = await secrets();
  } catch (error) {
    const reason = error instanceof NotConfiguredError ? error.message : 'the secrets could not be loaded';
    const message = 'The signature service is not configured yet: try again later.';
    return answer(
      503,
      { error: 'not-configured', message },
      { level: 'ERROR', outcome: 'not-configured', reason },
    );
  }

  // 4. The check itself, and the answer: 200 with the bill, or 400 with why not (and the article's words).
  const result = checkSignature(read.signature, keys);
  if (!result.authentic) {
    const { scheme, reason, detail } = result;
    const body = { authentic: false, scheme, reason, message: NOT_AUTHENTIC, detail };
    return answer(400, body, {
      level: 'INFO',
      outcome: 'not-authentic',
      scheme,
      reason,
      message: NOT_AUTHENTIC,
    });
  }
  return answer(200, result, {
    level: 'INFO',
    outcome: 'authentic',
    scheme: result.scheme,
    customer: customerOf(result.bill.email),
    billNumber: result.bill.billNumber,
  });
}
