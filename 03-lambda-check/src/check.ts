/**
 * POST /check: is this bill signature authentic? An API Gateway (REST, proxy integration) handler.
 *
 * The event holds the HTTP request (method, headers, body); the answer must be {statusCode, headers, body}
 * or API Gateway answers 502. Read top to bottom: method, body, secrets, check; one log line per request.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { SITE_ORIGIN } from '../../shared/src/config';
import {
  type Answer,
  authentic,
  methodNotAllowed,
  notAuthentic,
  notConfigured,
  preflight,
  tooLarge,
} from './answers';
import { checkSignature } from './check-signature';
import { writeLog } from './log';
import { readSignature } from './request';
import { respond } from './respond';
import { NotConfiguredError, secrets } from './secrets';

type Event = Partial<APIGatewayProxyEvent> | null | undefined;

export async function handler(event: Event, context?: Partial<Context>): Promise<APIGatewayProxyResult> {
  const started = performance.now();
  const { status, body, log } = await decide(event);
  const { level, ...fields } = log;
  const requestId = context?.awsRequestId ?? event?.requestContext?.requestId ?? '-';
  const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
  writeLog({ level, requestId, status, ...fields, durationMs });
  return respond(status, body, {
    allowedOrigin: process.env.ALLOWED_ORIGIN || SITE_ORIGIN,
    extraHeaders: status === 405 ? { Allow: 'POST, OPTIONS' } : undefined,
  });
}

async function decide(event: Event): Promise<Answer> {
  // 1. Only POST checks a signature; a browser asks first with an OPTIONS preflight (CORS).
  const method = typeof event?.httpMethod === 'string' ? event.httpMethod.toUpperCase() : '';
  if (method === 'OPTIONS') return preflight();
  if (method !== 'POST') return methodNotAllowed();

  // 2. The signature: the raw body (as Postman sends it), base64-wrapped, or JSON {"signature": "..."}.
  const read = readSignature(event ?? {});
  if (!read.ok)
    return read.problem === 'too-large' ? tooLarge() : notAuthentic(null, read.problem, read.detail);

  // 3. The keys: from the environment offline, from SSM Parameter Store (once per cold start) on AWS.
  let keys: Awaited<ReturnType<typeof secrets>>;
  try {
    keys = await secrets();
  } catch (error) {
    return notConfigured(
      error instanceof NotConfiguredError ? error.message : 'the secrets could not be loaded',
    );
  }

  // 4. The check: 200 with the bill, or 400 saying why not (503 if the key of its scheme is not configured).
  const result = checkSignature(read.signature, keys);
  if ('configured' in result) return notConfigured(result.reason, result.scheme);
  return result.authentic ? authentic(result) : notAuthentic(result.scheme, result.reason, result.detail);
}
