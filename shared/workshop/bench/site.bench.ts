/**
 * npm run bench -- site: what a visitor downloads on a first view of each page (requests, bytes), and
 * Lighthouse's performance, accessibility and best-practices scores, on the site served by the local S3
 * website endpoint and opened in Debian's Chromium. Goals: at most 30 KB per first view, 100 / 100 / 100.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompressSync, constants } from 'node:zlib';
import { REPO_ROOT } from '../env';
import { freePort } from '../process/ports';
import { startLocalS3 } from '../stand-ins/s3/local-s3';
import { publishToLocalS3 } from '../stand-ins/site/local-site';
import { hasSystem } from '../system-requirements';
import { launchChromium } from '../test-support/browser';
import { tempDir } from '../test-support/temp';
import { findChromium } from '../tools';
import { goalsMissed, report } from './measure';

const BUDGET = 30 * 1024;
const PAGES = [
  { name: 'home', path: '', maxRequests: 3 },
  { name: 'check', path: 'check.html', maxRequests: 5 },
  { name: '404', path: '404.html', maxRequests: 3 },
] as const;
const CHROMIUM_FLAGS =
  '--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const TEXT = /^(text\/|application\/(json|javascript)|image\/svg)/;

interface FirstView {
  requests: number;
  /** Headers and bodies as the local S3 sends them (uncompressed). */
  transferred: number;
  /** The same, with text bodies brotli-compressed as CloudFront (Compress: true) would send them. */
  compressed: number;
}

async function firstViews(siteUrl: string): Promise<Record<string, FirstView>> {
  const browser = await launchChromium();
  const views: Record<string, FirstView> = {};
  try {
    for (const page of PAGES) {
      // A fresh context per page: an empty cache, as on a first visit.
      const context = await browser.newContext();
      const tab = await context.newPage();
      const done: Promise<FirstView>[] = [];
      tab.on('requestfinished', (request) =>
        done.push(
          (async () => {
            const [sizes, response] = await Promise.all([request.sizes(), request.response()]);
            const body = (await response?.body()) ?? Buffer.alloc(0);
            const type = (await response?.headerValue('content-type')) ?? '';
            const packed = TEXT.test(type)
              ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }).length
              : body.length;
            return {
              requests: 1,
              transferred: sizes.responseHeadersSize + sizes.responseBodySize,
              compressed: sizes.responseHeadersSize + Math.min(packed, body.length),
            };
          })(),
        ),
      );
      await tab.goto(new URL(page.path, siteUrl).href, { waitUntil: 'networkidle' });
      const all = await Promise.all(done);
      views[page.name] = all.reduce(
        (sum, one) => ({
          requests: sum.requests + one.requests,
          transferred: sum.transferred + one.transferred,
          compressed: sum.compressed + one.compressed,
        }),
        { requests: 0, transferred: 0, compressed: 0 },
      );
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return views;
}

/** Lighthouse in a child process; asynchronously, since the local S3 serving the page runs in this one. */
async function lighthouse(url: string, outFile: string): Promise<Record<string, number | null> | string> {
  const bin = path.join(REPO_ROOT, 'node_modules', '.bin', 'lighthouse');
  if (!existsSync(bin)) return 'lighthouse is not installed (npm ci)';
  try {
    await promisify(execFile)(
      bin,
      [
        url,
        '--output=json',
        `--output-path=${outFile}`,
        '--only-categories=performance,accessibility,best-practices',
        `--chrome-flags=${CHROMIUM_FLAGS}`,
        '--quiet',
      ],
      {
        env: { ...process.env, CHROME_PATH: findChromium() },
        timeout: 120_000,
      },
    );
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    return `lighthouse failed: ${(e.stderr || e.message).trim().split('\n').at(-1)}`;
  }
  const result = JSON.parse(readFileSync(outFile, 'utf8')) as {
    categories: Record<string, { score: number | null }>;
  };
  return Object.fromEntries(Object.entries(result.categories).map(([id, c]) => [id, c.score]));
}

async function main(): Promise<void> {
  if (!hasSystem('chromium')) {
    report('site first views (needs chromium)', 'not measured', 'apt-get install -y chromium', false);
    return;
  }
  const work = tempDir('site-bench');
  const s3 = await startLocalS3({ port: await freePort(), dataDir: path.join(work.path, 's3') });
  try {
    const site = await publishToLocalS3(s3, {
      bucket: 'site-bench',
      apiBaseUrl: 'http://127.0.0.1:3000/dev',
      outDir: path.join(work.path, 'site'),
      log: () => undefined,
    });
    report(
      'whole site, every file',
      kb(site.build.totalBytes),
      `<= ${kb(BUDGET)}`,
      site.build.totalBytes <= BUDGET,
    );
    const views = await firstViews(site.url);
    for (const page of PAGES) {
      const view = views[page.name] as FirstView;
      report(
        `${page.name} page, first view: bytes (as S3 sends)`,
        `${kb(view.transferred)} (${kb(view.compressed)} brotli)`,
        `<= ${kb(BUDGET)}`,
        view.transferred <= BUDGET,
      );
      report(
        `${page.name} page, first view: requests`,
        String(view.requests),
        `<= ${page.maxRequests}`,
        view.requests <= page.maxRequests,
      );
    }
    for (const page of PAGES) {
      const scores = await lighthouse(
        new URL(page.path, site.url).href,
        path.join(work.path, `${page.name}.json`),
      );
      if (typeof scores === 'string') {
        report(`${page.name} page, Lighthouse`, scores, '100 / 100 / 100', false);
        continue;
      }
      for (const [category, score] of Object.entries(scores)) {
        const value = score === null ? 'n/a' : String(Math.round(score * 100));
        report(`${page.name} page, Lighthouse ${category}`, value, '100', score === 1);
      }
    }
  } finally {
    await s3.stop();
    work.remove();
  }
}

main()
  .then(() => {
    process.exitCode = goalsMissed() ? 1 : 0;
  })
  .catch((error: Error) => {
    process.stderr.write(`site bench: ${error.message}\n`);
    process.exitCode = 1;
  });
