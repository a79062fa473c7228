/**
 * Every answer of the function: a status, a JSON body, and CORS headers for the site's origin only.
 * API Gateway's proxy integration needs `statusCode` and a string `body`; anything else is a 502.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

export type Status = 200 | 204 | 400 | 405 | 413 | 503;

/** The statuses this function can answer: tests hold it to them. */
export const STATUSES: readonly Status[] = [200, 204, 400, 405, 413, 503];

export interface ResponseOptions {
  /** The one origin allowed to call this API from a browser (the site), never `*`. */
  readonly allowedOrigin: string;
  readonly extraHeaders?: Readonly<Record<string, string>>;
}

export function respond(status: Status, body: unknown, options: ResponseOptions): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Access-Control-Allow-Origin': options.allowedOrigin,
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type, X-Api-Key',
      'Access-Control-Max-Age': '600',
      Vary: 'Origin',
      ...options.extraHeaders,
    },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}
