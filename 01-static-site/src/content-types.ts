/**
 * The headers every uploaded file gets. S3 serves whatever Content-Type it was given (a wrong one and the
 * browser refuses the stylesheet or script), and Cache-Control decides how long browsers and CloudFront
 * keep a copy.
 */

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

/** Files named `name.HASH.ext` under assets/: a new content always gets a new name. */
const FINGERPRINTED = /^assets\/(?:.+\/)?[^/]+\.[A-Z0-9]{8}\.[a-z0-9]+$/;

/** Never changes under this name: browsers and CloudFront keep it a year without asking again. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/**
 * Pages and config.json keep their names when their content changes. Browsers revalidate them on every
 * view (max-age=0: a cheap 304 when unchanged); CloudFront keeps them 5 minutes (s-maxage), and the
 * publish step invalidates the ones that changed, so a new version shows at once.
 */
export const REVALIDATE = 'public, max-age=0, s-maxage=300, must-revalidate';
/** Anything else that keeps its name (robots.txt...): an hour. */
export const SHORT = 'public, max-age=3600';

export class UnknownFileTypeError extends Error {
  override readonly name = 'UnknownFileTypeError';
}

function extensionOf(key: string): string {
  const base = key.slice(key.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
}

export function contentTypeFor(key: string): string {
  const type = CONTENT_TYPES[extensionOf(key)];
  if (!type) {
    throw new UnknownFileTypeError(
      `No Content-Type is known for "${key}": add its extension to CONTENT_TYPES in 01-static-site/src/content-types.ts, or remove the file from the site.`,
    );
  }
  return type;
}

export function cacheControlFor(key: string): string {
  if (FINGERPRINTED.test(key)) return IMMUTABLE;
  const ext = extensionOf(key);
  return ext === '.html' || ext === '.json' ? REVALIDATE : SHORT;
}
