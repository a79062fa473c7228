/**
 * The local S3 as an attacker on 127.0.0.1 would try it: keys that climb out of its folder, anonymous
 * writes, s3rver's public key pair, a tampered signature, a captured request replayed with another body
 * or an unsigned header, another region. Only this run's upload may write the bucket.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { HttpRequest } from '@smithy/types';
import { s3Client } from '../../../01-static-site/src/s3-client';
import { uploadSite } from '../../../01-static-site/src/upload';
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

/**
 * A request as this run's upload signs it, captured before it leaves (nothing is sent): what someone
 * listening on the loopback interface could replay.
 */
async function captured(
  input: { Key: string; Body: string },
  config: Partial<S3ClientConfig> = {},
  beforeSigning?: (request: HttpRequest) => void,
): Promise<{ method: string; path: string; headers: Record<string, string> }> {
  let request: HttpRequest | undefined;
  const capturing = new S3Client({
    region: 'eu-west-3',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: s3.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    ...config,
    requestHandler: {
      handle: async (signed: HttpRequest) => {
        request = signed;
        throw new Error('captured');
      },
    },
  });
  if (beforeSigning) {
    capturing.middlewareStack.add(
      (next) => async (args) => {
        beforeSigning(args.request as HttpRequest);
        return next(args);
      },
      { step: 'build', priority: 'low' },
    );
  }
  await capturing.send(new PutObjectCommand({ Bucket: BUCKET, ...input })).catch(() => undefined);
  capturing.destroy();
  if (!request) throw new Error('no request was captured');
  const query = new URLSearchParams(request.query as Record<string, string>).toString();
  return {
    method: request.method,
    path: `${request.path}${query ? `?${query}` : ''}`,
    headers: { ...request.headers },
  };
}

const withoutLength = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-length'));

const exists = (key: string) =>
  client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
    () => true,
    () => false,
  );

describe('what the signature covers', () => {
  it('refuses a captured PUT replayed with another body: the body must be the one signed', async () => {
    const request = await captured({ Key: 'index.html', Body: 'the site' });
    const replay = await raw(request.method, request.path, withoutLength(request.headers), 'defaced!');
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    expect(replay.text).toContain('the body is not the one that was signed');
    expect(await site()).toBe('the site');
    // The very request, as signed, passes.
    const genuine = await raw(request.method, request.path, withoutLength(request.headers), 'the site');
    expect(genuine.status).toBe(200);
  });

  it('refuses an unsigned x-amz-* header: a signed PUT does not become a copy', async () => {
    const request = await captured({ Key: 'copied.html', Body: '' });
    const answer = await raw(request.method, request.path, {
      ...withoutLength(request.headers),
      'x-amz-copy-source': `/${BUCKET}/index.html`,
    });
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('<Code>AccessDenied</Code>');
    expect(answer.text).toContain('<HeadersNotSigned>x-amz-copy-source</HeadersNotSigned>');
    expect(await exists('copied.html')).toBe(false);
  });

  it('refuses writes with an UNSIGNED-PAYLOAD', async () => {
    const request = await captured({ Key: 'unsigned.html', Body: 'x' }, {}, (r) => {
      r.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    });
    expect(request.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    const answer = await raw(request.method, request.path, withoutLength(request.headers), 'anything');
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('<Code>InvalidRequest</Code>');
    expect(answer.text).toContain('a write cannot be UNSIGNED-PAYLOAD');
    expect(await exists('unsigned.html')).toBe(false);
  });

  it('refuses a credential scope of another region or service, saying which one it expects', async () => {
    const elsewhere = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: s3.credentials,
    });
    await expect(
      elsewhere.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'index.html', Body: 'defaced' })),
    ).rejects.toMatchObject({
      name: 'AuthorizationHeaderMalformed',
      message: expect.stringContaining("the region 'us-east-1' is wrong; expecting 'eu-west-3'"),
    });
    elsewhere.destroy();
    const request = await captured({ Key: 'index.html', Body: 'the site' });
    const otherService = String(request.headers.authorization).replace(
      '/s3/aws4_request',
      '/ec2/aws4_request',
    );
    const answer = await raw(
      request.method,
      request.path,
      { ...withoutLength(request.headers), authorization: otherService },
      'the site',
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("the service 'ec2' is wrong; expecting 's3'");
    expect(await site()).toBe('the site');
  });

  it('refuses a request signed more than 15 minutes ago', async () => {
    const request = await captured({ Key: 'index.html', Body: 'old' }, { systemClockOffset: -20 * 60_000 });
    const answer = await raw(request.method, request.path, withoutLength(request.headers), 'old');
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('<Code>RequestTimeTooSkewed</Code>');
    expect(await site()).toBe('the site');
  });

  it("lets chapter 01's upload through: files added, replaced and deleted", async () => {
    const bucket = 'upload-site';
    await s3.createWebsiteBucket(bucket);
    const dir = path.join(work.path, 'site');
    mkdirSync(path.join(dir, 'assets'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>one</title>');
    writeFileSync(path.join(dir, '404.html'), '<!doctype html><title>missing</title>');
    writeFileSync(path.join(dir, 'assets', 'styles.css'), 'body { color: #333 }');
    const quiet = () => undefined;
    const first = await uploadSite({ bucket, dir, client, log: quiet });
    expect([...first.added].sort()).toEqual(['404.html', 'assets/styles.css', 'index.html']);
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>two</title>');
    rmSync(path.join(dir, 'assets'), { recursive: true });
    const second = await uploadSite({ bucket, dir, client, log: quiet });
    expect(second).toMatchObject({ replaced: ['index.html'], deleted: ['assets/styles.css'] });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(['404.html', 'index.html']);
  });
});
