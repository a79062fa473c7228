/**
 * The local stand-in of the distribution serves what the deployed one serves: the default root object at
 * `/` only, one object per path, no query string passed on, the 404 page for anything else.
 */
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../../01-static-site/src/s3-client';
import { freePort } from '../process/ports';
import { type LocalCdn, originPath, startLocalCdn } from '../stand-ins/cdn/local-cdn';
import { startLocalS3 } from '../stand-ins/s3/local-s3';
import { tempDir } from '../test-support/temp';

const work = tempDir('local-cdn');
const BUCKET = 'cdn-site';
let stop: () => Promise<void>;
let cdn: LocalCdn;

beforeAll(async () => {
  const s3 = await startLocalS3({ port: await freePort(), dataDir: path.join(work.path, 's3') });
  await s3.createWebsiteBucket(BUCKET);
  const client = s3Client({ ...process.env, ...s3.env, AWS_REGION: 'eu-west-3' });
  for (const [Key, Body] of [
    ['index.html', 'home'],
    ['404.html', 'not found page'],
    ['folder/index.html', 'a folder index the website endpoint would serve'],
    ['assets/app.js', 'js'],
  ]) {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body, ContentType: 'text/html' }));
  }
  client.destroy();
  cdn = await startLocalCdn({
    port: 0,
    originUrl: s3.websiteUrl(BUCKET),
    headers: { 'x-frame-options': 'DENY' },
  });
  stop = async () => {
    await cdn.stop();
    await s3.stop();
  };
});
afterAll(async () => {
  await stop();
  work.remove();
});

async function get(pathAndQuery: string, method = 'GET') {
  const response = await fetch(new URL(pathAndQuery, cdn.url), { method, redirect: 'manual' });
  return {
    status: response.status,
    text: await response.text(),
    frame: response.headers.get('x-frame-options'),
  };
}

it.each([
  ['/', '/index.html'],
  ['/?utm=1', '/index.html'],
  ['/assets/app.js?v=2', '/assets/app.js'],
  ['/folder/', undefined],
])('asks the origin for %s as %s', (url, expected) => {
  expect(originPath(url)).toBe(expected);
});

it('serves the default root object at / only, and each object by its own path', async () => {
  expect(await get('/')).toEqual({ status: 200, text: 'home', frame: 'DENY' });
  expect(await get('/assets/app.js?cache=bust')).toMatchObject({ status: 200, text: 'js' });
});

it('answers the 404 page where the deployed distribution has no object: folders, missing keys', async () => {
  for (const url of ['/folder/', '/folder', '/missing.html', '/assets/']) {
    expect(await get(url)).toEqual({ status: 404, text: 'not found page', frame: 'DENY' });
  }
});

it('serves nothing from outside the bucket and takes no writes', async () => {
  expect((await get('/..%2F..%2Fescaped')).status).not.toBe(200);
  expect((await get('/index.html', 'PUT')).status).toBe(405);
  expect((await get('/index.html', 'DELETE')).status).toBe(405);
});
