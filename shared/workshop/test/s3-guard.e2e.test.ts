/**
 * The local S3 as an attacker on 127.0.0.1 would try it: keys that climb out of its folder, anonymous
 * writes, s3rver's public key pair, a tampered signature. Only this run's upload may write the bucket.
 */
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { s3Client } from '../../../01-static-site/src/s3-client';
import { freePort } from '../process/ports';
import { type LocalS3, startLocalS3 } from '../stand-ins/s3/local-s3';
import { unsafeKeyReason } from '../stand-ins/s3/s3-guard';
import { tempDir } from '../test-support/temp';

const work = tempDir('s3-guard');
const BUCKET = 'guarded-site';
let s3: LocalS3;
let client: S3Client;

beforeAll(async () => {
  s3 = await startLocalS3({ port: await freePort(), dataDir: path.join(work.path, 's3') });
  await s3.createWebsiteBucket(BUCKET);
  client = s3Client({ ...process.env, ...s3.env, AWS_REGION: 'eu-west-3' });
  await client.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: 'index.html', Body: 'the site', ContentType: 'text/html' }),
  );
});
afterAll(async () => {
  client.destroy();
  await s3.stop();
  work.remove();
});

/** A raw request, as curl would send it (no SDK normalising the path). */
function raw(
  method: string,
  rawPath: string,
  headers: Record<string, string> = {},
  body = '',
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: s3.port,
        method,
        path: rawPath,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const site = async () =>
  (await client
    .send(new GetObjectCommand({ Bucket: BUCKET, Key: 'index.html' }))
    .then((r) => r.Body?.transformToString())) ?? '';

it.each([
  ['/guarded-site/..%2F..%2Fescaped', true],
  ['/guarded-site/../../escaped', true],
  ['/guarded-site/a/%2e%2e/%2E%2E/escaped', true],
  ['/guarded-site/%252e%252e%252fescaped', true],
  ['/guarded-site/a%00b', true],
  ['/guarded-site/assets/styles.css', false],
  ['/guarded-site/a..b/c...html', false],
])('%s is refused: %s', (rawPath, refused) => {
  expect(unsafeKeyReason(rawPath) !== undefined).toBe(refused);
});

it('refuses keys that climb out of the bucket before s3rver sees them, signed or not', async () => {
  for (const key of ['..%2F..%2Fescaped', '../../escaped']) {
    const answer = await raw('PUT', `/${BUCKET}/${key}`, {}, 'x');
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('outside the bucket');
  }
  await expect(
    client.send(new PutObjectCommand({ Bucket: BUCKET, Key: '../../escaped', Body: 'x' })),
  ).rejects.toThrow();
  const above = path.dirname(s3.dataDir);
  expect(readdirSync(above).filter((name) => name.includes('escaped'))).toEqual([]);
  expect(existsSync(path.join(path.dirname(above), 'escaped'))).toBe(false);
});

it('refuses anonymous PUT and DELETE, and leaves the site as it was', async () => {
  expect((await raw('PUT', `/${BUCKET}/index.html`, {}, 'defaced')).status).toBe(403);
  expect((await raw('DELETE', `/${BUCKET}/index.html`)).status).toBe(403);
  expect((await raw('POST', `/${BUCKET}?delete`, {}, '<Delete/>')).status).toBe(403);
  expect((await raw('GET', `/${BUCKET}?list-type=2`)).status).toBe(403);
  expect(await site()).toBe('the site');
});

it("refuses s3rver's well-known key pair and a signature that does not match the request", async () => {
  const stranger = new S3Client({
    region: 'eu-west-3',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await expect(
    stranger.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'index.html', Body: 'defaced' })),
  ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
  stranger.destroy();
  const forged = new S3Client({
    region: 'eu-west-3',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.credentials.accessKeyId, secretAccessKey: 'guessed' },
  });
  await expect(
    forged.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'index.html', Body: 'defaced' })),
  ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
  forged.destroy();
  expect(await site()).toBe('the site');
});

it('still serves the website endpoint to anonymous readers, as CloudFront reads it', async () => {
  const response = await raw('GET', '/', { host: `${BUCKET}.s3-website.localhost:${s3.port}` });
  expect(response).toEqual({ status: 200, text: 'the site' });
  const write = await raw('PUT', '/index.html', { host: `${BUCKET}.s3-website.localhost:${s3.port}` }, 'x');
  expect(write.status).toBe(403);
});
