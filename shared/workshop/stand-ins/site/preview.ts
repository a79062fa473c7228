/**
 * `npm run chapter:1 -- --preview`: the built site served from a folder by http-server, the quickest way
 * to look at your pages while you edit them. It sends no caching headers, so a reload shows the new build.
 */
import { createServer } from 'http-server';
import { port as configuredPort } from '../../../src/config';
import { assertPortFree, LOOPBACK } from '../../process/ports';

export interface PreviewOptions {
  /** The built site (buildSite's outDir). */
  readonly dir: string;
  /** Default SITE_PORT (8080): http://localhost:8080 is the origin chapter 03's API allows by default. */
  readonly port?: number;
  /** Extra response headers, e.g. the security headers CloudFront adds (npm run chapter:2 -- --offline). */
  readonly headers?: Readonly<Record<string, string>>;
  /** One line per request, e.g. "GET /check.html". */
  readonly onRequest?: (line: string) => void;
}

export interface Preview {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startPreview(options: PreviewOptions): Promise<Preview> {
  const port = options.port ?? configuredPort('SITE_PORT');
  await assertPortFree(port, 'SITE_PORT');
  const server = createServer({
    root: options.dir,
    cache: -1,
    headers: { ...options.headers },
    showDir: 'false',
    logFn: (request, _response, error) => {
      // http-server calls this once per request, and again with the error when it answers one.
      if (!error) options.onRequest?.(`${request.method} ${request.url}`);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, LOOPBACK, () => resolve());
  });
  return {
    url: `http://localhost:${port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.server.closeAllConnections();
        server.server.close(() => resolve());
      }),
  };
}
