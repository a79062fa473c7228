/**
 * The site as a visitor meets it: Debian's Chromium opens it from the local S3 website endpoint, and the
 * check page calls chapter 03's API running offline (serverless-offline). Keyboard only, axe-core scan,
 * screenshots in 01-static-site/reports/.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { encode, parseKeyring, sign } from '../../shared/src/index';
import { freePort } from '../../shared/workshop/process/ports';
import { startOfflineApi } from '../../shared/workshop/stand-ins/api/offline-api';
import { type LocalS3, startLocalS3 } from '../../shared/workshop/stand-ins/s3/local-s3';
import { publishToLocalS3 } from '../../shared/workshop/stand-ins/site/local-site';
import { axeViolations, launchChromium, screenshotPath } from '../../shared/workshop/test-support/browser';
import { describeWithSystem } from '../../shared/workshop/test-support/system';
import { tempDir } from '../../shared/workshop/test-support/temp';

const SIGNATURE_KEY = 'browser-test-legacy-password';
const SIGNING_KEYS = 'bt:browser-test-secret-of-at-least-32-characters';
const BILL = { email: 'jane.doe@example.com', billNumber: '2019-0042' };
const BUCKET = 'site-browser-test';

describeWithSystem(
  'chromium',
  'the site in Chromium, from the local S3 website, with the offline API',
  () => {
    const work = tempDir('site-browser');
    let s3: LocalS3;
    let api: Awaited<ReturnType<typeof startOfflineApi>>;
    let browser: Browser;
    let siteUrl: string;
    let page: Page;
    const foreignRequests: string[] = [];
    const consoleErrors: string[] = [];

    beforeAll(async () => {
      s3 = await startLocalS3({ port: await freePort(), dataDir: path.join(work.path, 's3') });
      const origin = new URL(s3.websiteUrl(BUCKET)).origin;
      // The API allows this site's origin only (CORS), as it would allow the CloudFront URL on AWS.
      [api, browser] = await Promise.all([
        startOfflineApi({ env: { SIGNATURE_KEY, SIGNING_KEYS, SITE_ORIGIN: origin } }),
        launchChromium(),
      ]);
      const site = await publishToLocalS3(s3, {
        bucket: BUCKET,
        apiBaseUrl: api.baseUrl,
        outDir: path.join(work.path, 'site'),
        log: () => undefined,
      });
      siteUrl = site.url;
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      await api?.stop();
      await s3?.stop();
      work.remove();
    });

    beforeEach(async () => {
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const allowed = [new URL(siteUrl).origin, new URL(api.baseUrl).origin];
      page.on('request', (request) => {
        const origin = new URL(request.url()).origin;
        if (!allowed.includes(origin)) foreignRequests.push(request.url());
      });
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(`${message.location().url}: ${message.text()}`);
      });
    });

    afterEach(async () => {
      await page.close();
    });

    async function check(signature: string): Promise<string> {
      await page.goto(new URL('check.html', siteUrl).href);
      await page.getByLabel('Signature from your bill').fill(signature);
      await page.getByRole('button', { name: 'Check' }).click();
      const result = page.getByRole('status');
      await result.locator('h2').waitFor();
      return ((await result.textContent()) ?? '').trim();
    }

    it('shows the home page, which leads to the check page', async () => {
      const response = await page.goto(siteUrl);
      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe('5€ pour rien: pay 5€, get nothing');
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        'Pay 5€. Get nothing.',
      );
      await page.screenshot({ path: screenshotPath('home.png'), fullPage: true });
      await page.getByRole('link', { name: 'Check your signature' }).click();
      await page.waitForURL(/check\.html$/);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Check a signature');
    });

    it('checks a genuine signature with the keyboard alone, in a sensible focus order', async () => {
      await page.goto(new URL('check.html', siteUrl).href);
      const focused = async () =>
        page.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          return `${el.tagName.toLowerCase()}:${(el.getAttribute('aria-label') ?? el.textContent ?? el.id).trim() || el.id}`;
        });
      const order: string[] = [];
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press('Tab');
        order.push(await focused());
      }
      expect(order).toEqual([
        'a:Skip to content',
        'a:5€ pour rien',
        'a:Home',
        'a:Check a signature',
        'textarea:signature',
        'button:Check',
      ]);
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.type(encode(SIGNATURE_KEY, `${BILL.email}#${BILL.billNumber}`));
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      const result = page.getByRole('status');
      await result.getByRole('heading', { name: 'Authentic signature' }).waitFor();
      const text = await result.textContent();
      expect(text).toContain('jane.doe@example.com');
      expect(text).toContain('2019-0042');
      expect(text).toContain('Original signature (bills from 2019)');
      expect(await focused()).toBe('button:Check'); // focus stays where the visitor left it
      await page.screenshot({ path: screenshotPath('check-authentic.png'), fullPage: true });
    });

    it('checks a signed token', async () => {
      const token = sign(BILL, parseKeyring(SIGNING_KEYS));
      const text = await check(token);
      expect(text).toMatch(/^Authentic signature/);
      expect(text).toContain('Signed token (HMAC-SHA256)');
      expect(text).toContain('jane.doe@example.com');
    });

    it('says "This is not an authentic signature" for skrttskrtttt, and what to do next', async () => {
      const text = await check('skrttskrtttt');
      expect(text).toMatch(/^This is not an authentic signature/);
      expect(text).toContain('Copy the signature again from your bill');
      await page.screenshot({ path: screenshotPath('check-not-authentic.png'), fullPage: true });
    });

    it('asks for a signature when the box is empty, and puts the focus back in it', async () => {
      const text = await check('   ');
      expect(text).toMatch(/^Paste a signature first/);
      await expect(page.getByLabel('Signature from your bill').getAttribute('aria-invalid')).resolves.toBe(
        'true',
      );
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('signature');
    });

    it('has no accessibility violations (axe-core) on any page or state', async () => {
      const scans: Record<string, unknown> = {};
      await page.goto(siteUrl);
      scans.home = await axeViolations(page);
      await check(encode(SIGNATURE_KEY, `${BILL.email}#${BILL.billNumber}`));
      scans.authentic = await axeViolations(page);
      await check('skrttskrtttt');
      scans.notAuthentic = await axeViolations(page);
      await page.goto(new URL('nowhere/', siteUrl).href);
      scans.notFound = await axeViolations(page);
      await page.emulateMedia({ colorScheme: 'dark' });
      await check('skrttskrtttt');
      scans.notAuthenticDark = await axeViolations(page);
      expect(scans).toEqual({
        home: [],
        authentic: [],
        notAuthentic: [],
        notFound: [],
        notAuthenticDark: [],
      });
    });

    it('answers a missing page with the 404 page and a 404 status', async () => {
      const response = await page.goto(new URL('no/such/page', siteUrl).href);
      expect(response?.status()).toBe(404);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Page not found');
      await page.getByRole('link', { name: 'home page' }).click();
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        'Pay 5€. Get nothing.',
      );
    });

    it('fits a phone screen without sideways scrolling', async () => {
      await page.setViewportSize({ width: 360, height: 740 });
      await check('skrttskrtttt');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: screenshotPath('check-phone.png'), fullPage: true });
    });

    /** Where the email's lines end: the character before each break (the dd's text only). */
    async function emailLineEnds(email: string): Promise<{ lines: number; before: string[] }> {
      return page
        .getByRole('status')
        .locator('dd', { hasText: email })
        .evaluate((dd) => {
          const text = dd.textContent ?? '';
          const tops: number[] = [];
          const walker = document.createTreeWalker(dd, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (let i = 0; i < (node.textContent ?? '').length; i++) {
              const range = document.createRange();
              range.setStart(node, i);
              range.setEnd(node, i + 1);
              tops.push(Math.round(range.getClientRects()[0]?.top ?? 0));
            }
          }
          const before = tops.flatMap((top, i) =>
            i > 0 && top !== tops[i - 1] ? [text[i - 1] as string] : [],
          );
          return { lines: new Set(tops).size, before };
        });
    }

    it('on a 390 px phone, shows the email of a genuine bill on one line, a long one cut only after @ . or -', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await check(encode(SIGNATURE_KEY, `${BILL.email}#${BILL.billNumber}`));
      expect((await emailLineEnds(BILL.email)).lines).toBe(1);
      const long = 'jean-baptiste.poquelin-de-la-fontaine@example.com';
      await check(encode(SIGNATURE_KEY, `${long}#${BILL.billNumber}`));
      await page.screenshot({ path: screenshotPath('check-phone-long-email.png'), fullPage: true });
      const { before } = await emailLineEnds(long);
      for (const character of before) expect('@.-').toContain(character);
    });

    it('says, beside a genuine legacy signature, that one bill is enough to forge one, and where that is explained', async () => {
      const text = await check(encode(SIGNATURE_KEY, `${BILL.email}#${BILL.billNumber}`));
      expect(text).toContain('Authentic signature');
      expect(text).toMatch(/one bill is enough to recover/);
      expect(text).toContain('Why it is not a signature');
    });

    it('made no request to any other host and logged no error, on any of the pages above', () => {
      expect(foreignRequests).toEqual([]);
      // Chromium logs every 4xx answer as a console error: the API's 400 for a forged signature (the
      // article's status) and the 404 page's own status are expected; nothing else is.
      const expected = [
        new RegExp(`^${api.checkUrl}: .*status of 400`),
        new RegExp(`^${new URL(siteUrl).origin}/(nowhere/|no/such/page): .*status of 404`),
      ];
      expect(consoleErrors.filter((line) => !expected.some((pattern) => pattern.test(line)))).toEqual([]);
    });
  },
);
