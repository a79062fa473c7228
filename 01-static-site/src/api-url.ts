/**
 * Where the site's check page sends signatures: the base URL of chapter 03's API, written into the
 * site's /config.json at build time. From --api-url, else API_BASE_URL, else (on AWS) chapter 03's stack
 * outputs, else (offline) the local API's address.
 */

import { LOOPBACK, port, SERVICES, stackName, stage } from '../../shared/src/config';
import { stackOutputs } from '../../shared/src/stacks';

type Env = Readonly<Record<string, string | undefined>>;

export class ApiUrlError extends Error {
  override readonly name = 'ApiUrlError';
}

/** An http(s) URL without a trailing "/" or "/check"; a clear error otherwise. */
export function normaliseApiBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ApiUrlError(
      `"${text}" is not a URL: give the API's base URL, e.g. https://abc123.execute-api.eu-west-3.amazonaws.com/dev`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ApiUrlError(`"${text}" is not an http(s) URL.`);
  }
  return url.href.replace(/\/+$/, '').replace(/\/check$/, '');
}

/** The local API of `npm run chapter:3 -- --offline` (serverless-offline serves REST paths under /<stage>). */
export function offlineApiBaseUrl(env: Env = process.env): string {
  return `http://${LOOPBACK}:${port('API_PORT', env)}/${stage(env)}`;
}

/** The origin (scheme://host[:port]) of an API base URL: what the CSP's connect-src must allow. */
export function originOf(apiBaseUrl: string): string {
  return new URL(apiBaseUrl).origin;
}

/** Chapter 03's deployed API, or null when its stack is not deployed (yet). */
export async function deployedApiBaseUrl(env: Env = process.env): Promise<string | null> {
  const outputs = await stackOutputs(stackName(SERVICES.api, env));
  const url = outputs?.ServiceEndpoint ?? outputs?.CheckUrl;
  return url ? normaliseApiBaseUrl(url) : null;
}

/** The API base URL for a build: explicit choice first, then where the API really is. */
export async function resolveApiBaseUrl(options: {
  flag?: string;
  offline: boolean;
  env?: Env;
}): Promise<string | null> {
  const env = options.env ?? process.env;
  const chosen = options.flag ?? env.API_BASE_URL;
  if (chosen) return normaliseApiBaseUrl(chosen);
  return options.offline ? offlineApiBaseUrl(env) : deployedApiBaseUrl(env);
}
