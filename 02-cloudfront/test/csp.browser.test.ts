/**
 * No CloudFront runs offline, but its response headers policy can: the site, in a local S3 bucket, is
 * served through the local stand-in (shared/workshop/stand-ins/cdn/local-cdn.ts, as npm run chapter:2 -- --offline does) with
 * exactly the headers this chapter's template makes CloudFront add. Chromium must run the check page under
 * that Content-Security-Policy with nothing blocked, while the CSP does block what it should.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { originOf } from '../../01-static-site/src/api-url';
import { encode } from '../../shared/src/index';
import { freePort } from '../../shared/workshop/process/ports';
import { startOfflineApi } from '../../shared/workshop/stand-ins/api/offline-api';
import { type LocalCdn, startLocalCdn } from '../../shared/workshop/stand-ins/cdn/local-cdn';
import { securityHeaders } from '../../shared/workshop/stand-ins/cdn/security-headers';
import { type LocalS3, startLocalS3 } from '../../shared/workshop/stand-ins/s3/local-s3';
import { publishToLocalS3 } from '../../shared/workshop/stand-ins/site/local-site';
import { launchChromium } from '../../shared/workshop/test-support/browser';
import { describeWithSystem } from '../../shared/workshop/test-support/system';
import { tempDir } from '../../shared/workshop/test-support/temp';

const SIGNATURE_KEY = 'csp-test-legacy-password';
const SIGNING_KEYS = 'csp:csp-test-secret-of-at-least-32-characters';

describeWithSystem('chromium', 'the page under the headers CloudFront adds', () => {
  const work = tempDir('csp-browser');
  let api: Awaited<ReturnType<typeof startOfflineApi>>;
  let s3: LocalS3;
  let server: LocalCdn;
  let browser: Browser;
  let page: Page;
  let headers: Record<string, string>;
  const violations: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    [api, browser] = await Promise.all([
      startOfflineApi({ env: { SIGNATURE_KEY, SIGNING_KEYS, SITE_ORIGIN: `http://localhost:${port}` } }),
      launchChromium(),
    ]);
    headers = securityHeaders(originOf(api.baseUrl));
    s3 = await startLocalS3({ port: await freePort(), dataDir: path.join(work.path, 's3') });
    const site = await publishToLocalS3(s3, {
      bucket: 'csp-test',
      apiBaseUrl: api.baseUrl,
      outDir: path.join(work.path, 'site'),
      log: () => undefined,
    });
    server = await startLocalCdn({ port, originUrl: site.url, headers });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await s3?.stop();
    await api?.stop();
    work.remove();
  });

  beforeEach(async () => {
    violations.length = 0;
    page = await browser.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
  });

  afterEach(async () => {
    await page.close();
  });

  it('receives the five security headers on every page', async () => {
    for (const pathname of ['/', '/check.html', '/404.html']) {
      const response = await page.goto(new URL(pathname, server.url).href);
      const received = (await response?.allHeaders()) ?? {};
      for (const [name, value] of Object.entries(headers))
        expect([name, received[name]]).toEqual([name, value]);
    }
    expect(Object.keys(headers).sort()).toEqual([
      'content-security-policy',
      'referrer-policy',
      'strict-transport-security',
      'x-content-type-options',
      'x-frame-options',
    ]);
  });

  it('checks a signature with nothing blocked by the CSP', async () => {
    await page.goto(new URL('/check.html', server.url).href);
    await page
      .getByLabel('Signature from your bill')
      .fill(encode(SIGNATURE_KEY, 'jane.doe@example.com#2019-0042'));
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByRole('status').getByRole('heading', { name: 'Authentic signature' }).waitFor();
    // The stylesheet applied (a blocked one would leave the browser's default white button).
    const background = await page
      .getByRole('button', { name: 'Check' })
      .evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(background).toBe('rgb(29, 78, 216)');
    expect(violations).toEqual([]);
  });

  it('blocks a call to any origin but its own and the API', async () => {
    await page.goto(new URL('/check.html', server.url).href);
    const elsewhere = `http://127.0.0.1:${await freePort()}/steal`;
    const outcome = await page.evaluate(
      (url) =>
        fetch(url, { method: 'POST', body: 'x' }).then(
          () => 'sent',
          (error: Error) => error.name,
        ),
      elsewhere,
    );
    expect(outcome).toBe('TypeError');
    expect(violations.join('\n')).toMatch(
      /Connecting to 'http:\/\/127\.0\.0\.1:\d+\/steal' violates .*connect-src/,
    );
  });

  it('blocks an injected inline script', async () => {
    await page.goto(new URL('/check.html', server.url).href);
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.head.append(script);
      return (window as unknown as { injected?: boolean }).injected === true;
    });
    expect(ran).toBe(false);
    expect(violations.join('\n')).toMatch(/Executing inline script violates .*script-src 'self'/);
  });
});
