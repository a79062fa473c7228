/**
 * `npm run verify -- 1`: chapter 01 checked on this machine, with the learner's own files, on a local S3
 * on a free port and temporary folders (the chapter's .local data is not touched).
 */
import { get } from 'node:http';
import { buildSite } from '../../../01-static-site/src/build';
import { freePort } from '../process/ports';
import { type LocalS3, startLocalS3 } from '../stand-ins/s3/local-s3';
import { publishToLocalS3 } from '../stand-ins/site/local-site';
import { type Chapter, check, type StepContext, temporaryDir } from './steps';

const SITE_LIMIT_BYTES = 30 * 1024;

/** A local S3 on a free port with its data in a temporary folder, stopped when the chapter is done. */
export async function localS3(context: StepContext): Promise<LocalS3> {
  const s3 = await startLocalS3({ port: await freePort(), dataDir: temporaryDir(context, 's3') });
  context.defer(() => s3.stop());
  return s3;
}

/**
 * GET a local URL whatever its host name: `BUCKET.s3-website.localhost` is loopback for browsers and curl,
 * but Node's resolver does not know it, so the connection goes to 127.0.0.1 with the Host header kept.
 */
function getLocal(
  url: string | URL,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const loopback = (_host: string, options: { all?: boolean }, done: (...args: unknown[]) => void) =>
      options.all ? done(null, [{ address: '127.0.0.1', family: 4 }]) : done(null, '127.0.0.1', 4);
    get(url, { lookup: loopback as never }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    }).on('error', reject);
  });
}

export const verifyOffline: Chapter = {
  title: 'Chapter 01, the site on S3 (offline: a local S3)',
  steps: [
    {
      title: 'the site builds',
      async run(context) {
        const build = await buildSite({
          apiBaseUrl: 'http://127.0.0.1:3000/dev',
          outDir: temporaryDir(context, 'site'),
        });
        const pages = build.files.map((f) => f.path);
        for (const page of ['index.html', 'check.html', '404.html']) {
          check(pages.includes(page), `${page} is missing from the build`, `add 01-static-site/site/${page}`);
        }
        check(
          build.totalBytes < SITE_LIMIT_BYTES,
          `the site weighs ${build.totalBytes} bytes`,
          `keep it under ${SITE_LIMIT_BYTES} bytes: no framework, no web fonts, small images`,
        );
        return `${build.files.length} files, ${(build.totalBytes / 1024).toFixed(1)} KB (limit 30 KB)`;
      },
    },
    {
      title: 'the site uploads to a local S3, each file with its content type',
      async run(context) {
        const s3 = await localS3(context);
        const site = await publishToLocalS3(s3, {
          apiBaseUrl: 'http://127.0.0.1:3000/dev',
          outDir: temporaryDir(context, 'build'),
          log: () => undefined,
        });
        context.state.set('site', site);
        context.state.set('s3', s3);
        const index = await getLocal(site.url);
        check(
          index.status === 200,
          `the website answered ${index.status} for /`,
          'check the upload output: npm run chapter:1 -- --offline',
        );
        const type = String(index.headers['content-type'] ?? '');
        check(
          type.startsWith('text/html'),
          `index.html is served as "${type}"`,
          'see contentTypeFor in 01-static-site/src/content-types.ts',
        );
        return `${site.upload.added.length} files uploaded, / is ${type}`;
      },
    },
    {
      title: 'a page that does not exist gets the 404 page',
      async run(context) {
        const site = context.state.get('site') as { url: string };
        const response = await getLocal(new URL('no-such-page.html', site.url));
        check(
          response.status === 404,
          `/no-such-page.html answered ${response.status}`,
          'keep 404.html in the site: S3 serves it as the error document',
        );
        return '404 with 404.html';
      },
    },
    {
      title: 'a second upload sends nothing (unchanged files are skipped)',
      async run(context) {
        const s3 = context.state.get('s3') as LocalS3;
        const again = await publishToLocalS3(s3, {
          apiBaseUrl: 'http://127.0.0.1:3000/dev',
          outDir: temporaryDir(context, 'build2'),
          log: () => undefined,
        });
        const sent = again.upload.added.length + again.upload.replaced.length;
        check(
          sent === 0,
          `the second upload sent ${sent} file(s)`,
          'the upload compares hashes (ETag): see 01-static-site/src/upload.ts',
        );
        return `${again.upload.unchanged.length} unchanged`;
      },
    },
  ],
};
