/**
 * The offline stand-in for this chapter's distribution: an HTTP server on 127.0.0.1 (SITE_PORT) in front
 * of the local S3 website bucket, as CloudFront is in front of the private bucket. It forwards GET and
 * HEAD to the origin and adds the security headers of the response headers policy that this chapter's
 * template deploys (see src/security-headers.ts), so the page runs offline under the same CSP as on AWS.
 * It serves what the deployed distribution serves, no more: GET and HEAD; `/` is the default root object
 * index.html; every other path is one object key (no index document in sub-folders, no redirects: the
 * deployed origin is the private bucket's REST endpoint, not a website); the query string is not passed
 * on (the CachingOptimized policy leaves it out); a missing key (S3's 403 or 404) is the site's 404.html
 * with a 404 status, as the distribution's custom error responses say.
 * What it does not do: HTTPS, caching, compression, edge locations.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { port as configuredPort } from '../../../src/config';
import { assertPortFree, LOOPBACK } from '../../process/ports';

export interface LocalCdnOptions {
  /** Default: SITE_PORT (8080). 0 picks a free port. */
  readonly port?: number;
  /** The local S3 website endpoint of the bucket, e.g. http://cinq-euros-site-dev.s3-website.localhost:4569/ */
  readonly originUrl: string;
  /** Headers added to every response (the response headers policy). */
  readonly headers: Readonly<Record<string, string>>;
  /** One line per request, like CloudFront's access log. */
  readonly onRequest?: (line: string) => void;
}

export interface LocalCdn {
  /** http://localhost:<port>/ */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Origin headers passed on to the browser; CloudFront drops the origin's hop-by-hop ones the same way. */
const FORWARDED = ['content-type', 'content-length', 'cache-control', 'etag', 'last-modified'];
const DEFAULT_ROOT_OBJECT = '/index.html';
const ERROR_PAGE = '/404.html';

/** The object path the distribution asks its origin for, or undefined when no object can answer. */
export function originPath(url: string): string | undefined {
  const pathOnly = url.split('?')[0] ?? '/';
  if (pathOnly === '/') return DEFAULT_ROOT_OBJECT;
  // A key ending in "/" is a folder to a website endpoint, and no object at all to the REST endpoint.
  if (pathOnly.endsWith('/') || !pathOnly.startsWith('/')) return undefined;
  return pathOnly;
}

export async function startLocalCdn(options: LocalCdnOptions): Promise<LocalCdn> {
  const wanted = options.port ?? configuredPort('SITE_PORT');
  if (wanted !== 0) await assertPortFree(wanted, 'SITE_PORT');
  const origin = new URL(options.originUrl);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const done = (status: number) => options.onRequest?.(`${req.method} ${req.url} ${status}`);
    for (const [name, value] of Object.entries(options.headers)) res.setHeader(name, value);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Method not allowed: this distribution serves GET and HEAD only.\n');
      done(405);
      return;
    }
    const fetchFromOrigin = (objectPath: string, onAnswer: (answer: IncomingMessage) => void) => {
      const upstream = request(
        {
          // s3rver tells website requests by their Host header: BUCKET.s3-website.localhost:PORT.
          host: LOOPBACK,
          port: origin.port,
          method: req.method,
          path: objectPath,
          headers: {
            host: origin.host,
            ...(req.headers['if-none-match'] ? { 'if-none-match': req.headers['if-none-match'] } : {}),
          },
        },
        onAnswer,
      );
      upstream.on('error', (error) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`The origin (local S3 at ${origin.host}) did not answer: ${error.message}\n`);
        done(502);
      });
      upstream.end();
    };
    const pass = (answer: IncomingMessage, status = answer.statusCode ?? 502) => {
      const headers: Record<string, string | string[]> = {};
      for (const name of FORWARDED) {
        const value = answer.headers[name];
        if (value !== undefined) headers[name] = value;
      }
      res.writeHead(status, headers);
      answer.pipe(res);
      done(status);
    };
    // The custom error responses: the site's 404 page, with a 404 status.
    const notFound = () =>
      fetchFromOrigin(ERROR_PAGE, (answer) => {
        if (answer.statusCode === 200 || answer.statusCode === 404) {
          pass(answer, 404);
          return;
        }
        answer.resume();
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Not found.\n');
        done(404);
      });
    const objectPath = originPath(req.url ?? '/');
    if (objectPath === undefined) {
      notFound();
      return;
    }
    fetchFromOrigin(objectPath, (answer) => {
      const status = answer.statusCode ?? 502;
      // A redirect (a folder without its slash) or a refusal: the REST origin would have had no such object.
      if (status === 403 || status === 404 || (status >= 300 && status < 400 && status !== 304)) {
        answer.resume();
        notFound();
        return;
      }
      pass(answer);
    });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(wanted, LOOPBACK, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
