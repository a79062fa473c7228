/**
 * The upload against a real S3 API (s3rver on a free port): headers per file, skipping what is unchanged,
 * deleting what is gone, dry runs, and the errors a learner meets.
 */
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../../shared/workshop/process/ports';
import { type LocalS3, startLocalS3 } from '../../shared/workshop/stand-ins/s3/local-s3';
import { tempDir } from '../../shared/workshop/test-support/temp';
import { buildSite } from '../src/build';
import { IMMUTABLE, REVALIDATE } from '../src/content-types';
import { s3Client } from '../src/s3-client';
import { formatSummary, uploadSite } from '../src/upload';

const work = tempDir('site-upload');
const siteDir = path.join(work.path, 'site');
const bucket = 'upload-test';
let s3: LocalS3;
let client: S3Client;
const lines: string[] = [];
const log = (line: string) => lines.push(line);

async function keys(): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listed.Contents ?? []).map((o) => o.Key as string).sort();
}

/** A GET to the bucket's website endpoint, as a browser would send it (by Host header). */
function website(
  pathname: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: s3.port,
        path: pathname,
        headers: { host: `${bucket}.s3-website.localhost:${s3.port}` },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  s3 = await startLocalS3({ port: await freePort(), dataDir: path.join(work.path, 's3') });
  await s3.createWebsiteBucket(bucket);
  client = s3Client({ ...process.env, ...s3.env, AWS_REGION: 'eu-west-3' });
  await buildSite({ apiBaseUrl: 'http://127.0.0.1:3999/dev', outDir: siteDir });
});

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  work.remove();
});

beforeEach(() => {
  lines.length = 0;
});

describe('uploadSite', () => {
  it('uploads every file the first time, one line each, with its Content-Type and Cache-Control', async () => {
    const summary = await uploadSite({ bucket, dir: siteDir, client, log });
    expect(summary.added).toHaveLength(7);
    expect(summary.replaced).toEqual([]);
    expect(lines).toHaveLength(7);
    expect(lines.every((line) => /^ {2}upload /.test(line))).toBe(true);
    expect(formatSummary(summary)).toMatch(
      /^Uploaded 7 file\(s\) \(\d+\.\d KB\), 0 unchanged, 0 deleted in s3:\/\/upload-test/,
    );

    const head = async (Key: string) => client.send(new HeadObjectCommand({ Bucket: bucket, Key }));
    const index = await head('index.html');
    expect([index.ContentType, index.CacheControl]).toEqual(['text/html; charset=utf-8', REVALIDATE]);
    const config = await head('config.json');
    expect([config.ContentType, config.CacheControl]).toEqual([
      'application/json; charset=utf-8',
      REVALIDATE,
    ]);
    const script = summary.added.find((key) => key.endsWith('.js')) as string;
    const js = await head(script);
    expect([js.ContentType, js.CacheControl]).toEqual(['text/javascript; charset=utf-8', IMMUTABLE]);
    const css = await head(summary.added.find((key) => key.endsWith('.css')) as string);
    expect([css.ContentType, css.CacheControl]).toEqual(['text/css; charset=utf-8', IMMUTABLE]);
  });

  it('serves those headers from the website endpoint, and the 404 page for a missing key', async () => {
    const home = await website('/');
    expect(home.status).toBe(200);
    expect(home.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(home.headers['cache-control']).toBe(REVALIDATE);
    expect(home.body).toContain('<h1>Pay 5€. Get nothing.</h1>');
    const missing = await website('/no/such/page.html');
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('<h1>Page not found</h1>');
  });

  it('uploads nothing on a second run with the same files', async () => {
    const summary = await uploadSite({ bucket, dir: siteDir, client, log });
    expect([summary.added, summary.replaced, summary.deleted]).toEqual([[], [], []]);
    expect(summary.unchanged).toHaveLength(7);
    expect(summary.bytesSent).toBe(0);
    expect(lines.every((line) => /^ {2}same /.test(line))).toBe(true);
  });

  it('in a dry run, reports the changes and makes none', async () => {
    appendFileSync(path.join(siteDir, '404.html'), '\n');
    writeFileSync(path.join(siteDir, 'robots.txt'), 'User-agent: *\nAllow: /\n');
    rmSync(path.join(siteDir, 'check.html'));
    const before = await keys();
    const summary = await uploadSite({ bucket, dir: siteDir, client, log, dryRun: true });
    expect(summary).toMatchObject({ added: ['robots.txt'], replaced: ['404.html'], deleted: ['check.html'] });
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}would upload +robots\.txt/),
        expect.stringMatching(/^ {2}would update +404\.html/),
        expect.stringMatching(/^ {2}would delete +check\.html/),
      ]),
    );
    expect(formatSummary(summary)).toMatch(
      /^Dry run: would upload 2 file\(s\).*1 deleted.*nothing was changed\.$/,
    );
    expect(await keys()).toEqual(before);
    expect((await website('/404.html')).body.endsWith('\n\n')).toBe(false);
  });

  it('then uploads the new and changed files and deletes the removed one', async () => {
    const summary = await uploadSite({ bucket, dir: siteDir, client, log });
    expect(summary).toMatchObject({ added: ['robots.txt'], replaced: ['404.html'], deleted: ['check.html'] });
    expect(await keys()).not.toContain('check.html');
    expect(await keys()).toContain('robots.txt');
    expect((await website('/404.html')).body.endsWith('\n\n')).toBe(true);
    expect((await website('/check.html')).status).toBe(404);
    const again = await uploadSite({ bucket, dir: siteDir, client, log });
    expect(again.added.length + again.replaced.length + again.deleted.length).toBe(0);
  });

  it('checks every file type before sending anything', async () => {
    const odd = path.join(siteDir, 'notes.docx');
    writeFileSync(odd, 'x');
    const before = await keys();
    await expect(uploadSite({ bucket, dir: siteDir, client, log })).rejects.toThrow(
      /No Content-Type is known for "notes.docx"/,
    );
    expect(await keys()).toEqual(before);
    rmSync(odd);
  });

  it('never uploads dotfiles such as the build marker', async () => {
    expect(await keys()).not.toContain('.site-build');
  });

  it('says what to do when the bucket does not exist', async () => {
    await expect(uploadSite({ bucket: 'no-such-bucket', dir: siteDir, client, log })).rejects.toThrow(
      /The bucket "no-such-bucket" does not exist here\. Create it first \(npm run chapter:1/,
    );
  });

  it('says what to do when nothing answers at the endpoint', async () => {
    const closed = s3Client({
      ...s3.env,
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${await freePort()}`,
      AWS_REGION: 'eu-west-3',
    });
    await expect(uploadSite({ bucket, dir: siteDir, client: closed, log })).rejects.toThrow(
      /Nothing answers at the S3 endpoint/,
    );
    closed.destroy();
  });

  it('says what to do when the folder holds no built site', async () => {
    const empty = path.join(work.path, 'empty');
    mkdirSync(empty);
    await expect(uploadSite({ bucket, dir: empty, client, log })).rejects.toThrow(
      /No built site in .*: build it first/,
    );
  });
});
