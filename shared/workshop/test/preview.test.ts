/** The local preview (npm run chapter:1 -- --preview): http-server over the built site. */
import path from 'node:path';
import { buildSite } from '../../../01-static-site/src/build';
import { freePort } from '../process/ports';
import { type Preview, startPreview } from '../stand-ins/site/preview';
import { tempDir } from '../test-support/temp';

const work = tempDir('site-preview');
let preview: Preview;
const requests: string[] = [];

beforeAll(async () => {
  const site = await buildSite({ apiBaseUrl: null, outDir: path.join(work.path, 'site') });
  preview = await startPreview({
    dir: site.outDir,
    port: await freePort(),
    headers: { 'x-frame-options': 'DENY' },
    onRequest: (line) => requests.push(line),
  });
});

afterAll(async () => {
  await preview?.stop();
  work.remove();
});

describe('startPreview', () => {
  it('serves the home page at /, on localhost (the origin the API allows by default)', async () => {
    expect(preview.url).toMatch(/^http:\/\/localhost:\d+\/$/);
    const response = await fetch(preview.url.replace('localhost', '127.0.0.1'));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<h1>Pay 5€. Get nothing.</h1>');
  });

  it('sends no caching headers, so a rebuild shows on reload, and the extra headers it is given', async () => {
    const response = await fetch(new URL('config.json', preview.url.replace('localhost', '127.0.0.1')));
    expect(response.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(await response.json()).toEqual({ apiBaseUrl: null });
  });

  it('answers a missing page with the 404 page', async () => {
    const response = await fetch(new URL('missing.html', preview.url.replace('localhost', '127.0.0.1')));
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('<h1>Page not found</h1>');
  });

  it('reports each request', () => {
    expect(requests).toEqual(expect.arrayContaining(['GET /', 'GET /config.json', 'GET /missing.html']));
  });

  it('says which variable to change when its port is taken', async () => {
    const taken = Number(new URL(preview.url).port);
    await expect(startPreview({ dir: work.path, port: taken })).rejects.toThrow(
      `Port ${taken} is already in use (SITE_PORT)`,
    );
  });
});
