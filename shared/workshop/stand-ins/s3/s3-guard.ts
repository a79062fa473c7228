/**
 * What stands between the local S3 (s3rver, a third-party emulator) and whoever reaches 127.0.0.1:
 *
 *   - A key with a `.` or `..` segment, plain or percent-encoded (`..%2F..%2Fx`), is refused before s3rver
 *     sees it: s3rver would write and read it outside its folder. S3 itself keeps such keys as names, but
 *     nothing this workshop uploads has one.
 *   - Anonymous requests may only read the website endpoint (BUCKET.s3-website.localhost), as CloudFront
 *     reads the bucket. Every other request must be signed (AWS Signature Version 4) with this run's own
 *     key pair, made at random when the server starts and given only to the workshop's upload: s3rver
 *     itself checks no V4 signature at all, so without this anyone could PUT or DELETE the site.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** A key pair for one run of the local S3. The id starts with AKIA like AWS's, the rest is random. */
export function randomCredentials(): S3Credentials {
  return {
    accessKeyId: `AKIALOCAL${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
}

/** Why a path cannot reach s3rver, or undefined when it can. */
export function unsafeKeyReason(rawUrl: string): string | undefined {
  const rawPath = rawUrl.split('?')[0] ?? '';
  let decoded = rawPath;
  // Twice: s3rver's router decodes once, and a %252e%252e must not become ".." further down either.
  for (let round = 0; round < 2; round++) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      return 'its path is not valid percent-encoding';
    }
    if (decoded.includes('\0')) return 'it holds a NUL character';
    if (decoded.split(/[/\\]/).some((segment) => segment === '..' || segment === '.')) {
      return 'it holds a "." or ".." segment, which would name a file outside the bucket';
    }
  }
  return undefined;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytesOf = (data: SourceData): Buffer | string =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256 and HMAC-SHA256 from node:crypto, in the shape the signer takes. */
class NodeSha256 {
  private hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    throw new Error('not used');
  }
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

function parseAmzDate(value: string | undefined): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return new Date(Date.UTC(y as number, (mo as number) - 1, d, h, mi, s));
}

function queryOf(rawUrl: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  const text = rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '';
  for (const [name, value] of new URLSearchParams(text)) {
    const existing = query[name];
    query[name] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return query;
}

/** Whether the request carries a valid V4 signature (in its Authorization header) by `credentials`. */
export async function signedBy(req: IncomingMessage, credentials: S3Credentials): Promise<boolean> {
  const match = AUTHORIZATION.exec(String(req.headers.authorization ?? ''));
  if (!match) return false;
  const [, accessKeyId, , region, signedHeaders, signature] = match as unknown as string[];
  if (accessKeyId !== credentials.accessKeyId) return false;
  const signingDate = parseAmzDate(req.headers['x-amz-date'] as string | undefined);
  if (!signingDate) return false;
  const headers: Record<string, string> = {};
  for (const name of (signedHeaders as string).split(';')) {
    const value = req.headers[name];
    if (value === undefined) return false;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const rawUrl = req.url ?? '/';
  const request: HttpRequest = {
    method: req.method ?? 'GET',
    protocol: 'http:',
    hostname: String(req.headers.host ?? '').replace(/:\d+$/, ''),
    path: rawUrl.split('?')[0] ?? '/',
    query: queryOf(rawUrl),
    headers,
  };
  const signer = new SignatureV4({
    credentials,
    region: region as string,
    service: 's3',
    sha256: NodeSha256,
    // S3 signs the path as sent, without normalising or encoding it again.
    uriEscapePath: false,
    applyChecksum: true,
  });
  const signed = await signer.sign(request, { signingDate, signableHeaders: new Set(Object.keys(headers)) });
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? '';
  return expected.length === 64 && timingSafeEqual(Buffer.from(expected), Buffer.from(signature as string));
}

function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Anonymous reads of the website endpoint, as CloudFront makes them: GET or HEAD on BUCKET.s3-website.localhost. */
function isWebsiteRead(req: IncomingMessage): boolean {
  const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
  return /\.s3-website[-.a-z0-9]*\.localhost$/.test(host) && (req.method === 'GET' || req.method === 'HEAD');
}

/** Decides, for each request, whether s3rver may see it; answers the refused ones itself (S3's XML errors). */
export function s3Guard(credentials: S3Credentials) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const unsafe = unsafeKeyReason(req.url ?? '/');
    if (unsafe) {
      refuse(res, 400, 'InvalidArgument', `Refused by the local S3: ${unsafe}.`);
      return false;
    }
    if (isWebsiteRead(req)) return true;
    if (req.headers.authorization === undefined) {
      refuse(
        res,
        403,
        'AccessDenied',
        'Access Denied: the local bucket is private, as on AWS. Read the site through its website address; only the workshop upload writes it.',
      );
      return false;
    }
    if (!(await signedBy(req, credentials).catch(() => false))) {
      refuse(
        res,
        403,
        'SignatureDoesNotMatch',
        "The request signature does not match this local S3's key pair (made at random when it started).",
      );
      return false;
    }
    return true;
  };
}
