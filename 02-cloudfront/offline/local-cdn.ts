/**
 * The offline stand-in for this chapter's distribution: an HTTP server on 127.0.0.1 (SITE_PORT) in front
 * of the local S3 website bucket, as CloudFront is in front of the private bucket. It forwards GET and
 * HEAD to the origin and adds the security headers of the response headers policy that this chapter's
 * template deploys (see src/security-headers.ts), so the page runs offline under the same CSP as on AWS.
 * What it does not do: HTTPS, caching, compression, edge locations.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { port as configuredPort } from '../../shared/src/config';
import { assertPortFree, LOOPBACK } from '../../shared/src/process';

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
    const upstream = request(
      {
        // s3rver tells website requests by their Host header: BUCKET.s3-website.localhost:PORT.
        host: LOOPBACK,
        port: origin.port,
        method: req.method,
        path: req.url,
        headers: {
          host: origin.host,
          ...(req.headers['if-none-match'] ? { 'if-none-match': req.headers['if-none-match'] } : {}),
        },
      },
      (answer) => {
        const headers: Record<string, string | string[]> = {};
        for (const name of FORWARDED) {
          const value = answer.headers[name];
          if (value !== undefined) headers[name] = value;
        }
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
        done(answer.statusCode ?? 502);
      },
    );
    upstream.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`The origin (local S3 at ${origin.host}) did not answer: ${error.message}\n`);
      done(502);
    });
    upstream.end();
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
