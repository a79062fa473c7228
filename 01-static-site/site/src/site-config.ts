/**
 * The site's runtime settings, in /config.json, written by the build (01-static-site/src/build.ts):
 * the API's base URL is never hard-coded in the page, so one build runs offline and on AWS.
 */

export interface SiteConfig {
  /** e.g. https://abc123.execute-api.eu-west-3.amazonaws.com/dev, or null when no API is deployed yet. */
  readonly apiBaseUrl: string | null;
}

export const CONFIG_PATH = '/config.json';

/** The URL of POST /check under a base URL, whether or not the base ends with "/". */
export function checkUrlOf(apiBaseUrl: string): string {
  return `${apiBaseUrl.replace(/\/+$/, '')}/check`;
}

export function parseSiteConfig(value: unknown): SiteConfig {
  if (typeof value !== 'object' || value === null) throw new TypeError('config.json is not a JSON object');
  const base = (value as { apiBaseUrl?: unknown }).apiBaseUrl;
  if (base === null) return { apiBaseUrl: null };
  if (typeof base !== 'string' || !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(base)) {
    throw new TypeError('config.json: apiBaseUrl must be an http(s) URL or null');
  }
  return { apiBaseUrl: base };
}
