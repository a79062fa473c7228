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
 *   - What the signature covers is what counts, as on S3: the credential scope names this server's region
 *     and the s3 service; every `x-amz-*` header is signed (an unsigned `x-amz-copy-source` would make a
 *     signed PUT copy another object); the body is the one signed, its SHA-256 in `x-amz-content-sha256`
 *     checked against what arrives (a captured PUT replayed with another body is refused), and writes with
 *     an `UNSIGNED-PAYLOAD` are refused; a request signed more than 15 minutes away from now is refused.
 * Refusals are S3's XML errors, with a message that says what to do.
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
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
/** S3 refuses a request signed this far from its own clock. */
const MAX_SKEW_MS = 15 * 60_000;
/** The largest body the guard holds to check its hash: far above any site file, far below a memory issue. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
const SHA256_HEX = /^[0-9a-f]{64}$/;

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

/** The parts of a V4 Authorization header, or undefined if it is not one. */
function parseAuthorization(value: string):
  | {
      accessKeyId: string;
      date: string;
      region: string;
      service: string;
      signedHeaders: string[];
      signature: string;
    }
  | undefined {
  const match = AUTHORIZATION.exec(value);
  if (!match) return undefined;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match as unknown as string[];
  return {
    accessKeyId: accessKeyId as string,
    date: date as string,
    region: region as string,
    service: service as string,
    signedHeaders: (signedHeaders as string).split(';'),
    signature: signature as string,
  };
}

/** Whether the request carries a valid V4 signature (in its Authorization header) by `credentials`. */
export async function signedBy(req: IncomingMessage, credentials: S3Credentials): Promise<boolean> {
  const authorization = parseAuthorization(String(req.headers.authorization ?? ''));
  if (authorization?.service !== 's3') return false;
  const { accessKeyId, region, signedHeaders, signature } = authorization;
  if (accessKeyId !== credentials.accessKeyId) return false;
  const signingDate = parseAmzDate(req.headers['x-amz-date'] as string | undefined);
  if (!signingDate) return false;
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
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
    region,
    service: 's3',
    sha256: NodeSha256,
    // S3 signs the path as sent, without normalising or encoding it again.
    uriEscapePath: false,
    applyChecksum: true,
  });
  const signed = await signer.sign(request, { signingDate, signableHeaders: new Set(Object.keys(headers)) });
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? '';
  return expected.length === 64 && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}

/**
 * The request's body, exactly `length` bytes, put back into the request in the same tick it is complete
 * (before its end is told), so that s3rver reads it as if nobody had.
 */
function peekBody(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (length === 0) {
      resolve(Buffer.alloc(0));
      return;
    }
    const chunks: Buffer[] = [];
    let got = 0;
    const stop = () => {
      req.off('readable', onReadable);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      // biome-ignore lint/suspicious/noAssignInExpressions: the usual read loop
      while (got < length && (chunk = req.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        got += chunk.length;
      }
      if (got < length) return;
      stop();
      const body = Buffer.concat(chunks);
      req.unshift(body);
      resolve(body);
    };
    const onEnd = () => {
      stop();
      reject(new Error(`the body ended after ${got} of its ${length} bytes (Content-Length)`));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    req.on('readable', onReadable);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function refuse(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): void {
  const fields = Object.entries(extra)
    .map(([name, value]) => `<${name}>${xmlEscape(value)}</${name}>`)
    .join('');
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>${fields}</Error>\n`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Anonymous reads of the website endpoint, as CloudFront makes them: GET or HEAD on BUCKET.s3-website.localhost. */
function isWebsiteRead(req: IncomingMessage): boolean {
  const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
  return /\.s3-website[-.a-z0-9]*\.localhost$/.test(host) && (req.method === 'GET' || req.method === 'HEAD');
}

export interface S3GuardOptions {
  /** The region this server stands for: a credential scope must name it. */
  readonly region: string;
  /** The clock requests are signed against (tests move it). */
  readonly now?: () => number;
}

/** Decides, for each request, whether s3rver may see it; answers the refused ones itself (S3's XML errors). */
export function s3Guard(credentials: S3Credentials, options: S3GuardOptions) {
  const now = options.now ?? Date.now;
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
    const authorization = parseAuthorization(String(req.headers.authorization));
    if (!authorization) {
      refuse(
        res,
        400,
        'AuthorizationHeaderMalformed',
        'The authorization header is malformed: the local S3 takes AWS Signature Version 4 (AWS4-HMAC-SHA256 Credential=.../<date>/<region>/s3/aws4_request, SignedHeaders=..., Signature=...), as the AWS SDK and CLI send it.',
      );
      return false;
    }
    if (authorization.region !== options.region) {
      refuse(
        res,
        400,
        'AuthorizationHeaderMalformed',
        `The authorization header is malformed; the region '${authorization.region}' is wrong; expecting '${options.region}' (this local S3's region: set AWS_REGION=${options.region}).`,
        { Region: options.region },
      );
      return false;
    }
    if (authorization.service !== 's3') {
      refuse(
        res,
        400,
        'AuthorizationHeaderMalformed',
        `The authorization header is malformed; the service '${authorization.service}' is wrong; expecting 's3'.`,
      );
      return false;
    }
    const signingDate = parseAmzDate(req.headers['x-amz-date'] as string | undefined);
    if (!signingDate || signingDate.toISOString().slice(0, 10).replaceAll('-', '') !== authorization.date) {
      refuse(
        res,
        403,
        'AccessDenied',
        'The request needs an X-Amz-Date header (YYYYMMDDTHHMMSSZ), signed, on the date of its credential scope.',
      );
      return false;
    }
    if (Math.abs(now() - signingDate.getTime()) > MAX_SKEW_MS) {
      refuse(
        res,
        403,
        'RequestTimeTooSkewed',
        "The difference between the request time and the current time is too large (more than 15 minutes): sign the request again now, and check this machine's clock.",
        { RequestTime: String(req.headers['x-amz-date']), ServerTime: new Date(now()).toISOString() },
      );
      return false;
    }
    const signed = new Set(authorization.signedHeaders);
    const unsigned = Object.keys(req.headers).filter(
      (name) => (name.startsWith('x-amz-') || name === 'host') && !signed.has(name),
    );
    if (unsigned.length > 0) {
      refuse(
        res,
        403,
        'AccessDenied',
        `There were headers present in the request which were not signed: ${unsigned.join(', ')}. Every x-amz-* header (and Host) must be in SignedHeaders.`,
        { HeadersNotSigned: unsigned.join(', ') },
      );
      return false;
    }
    const payload = String(req.headers['x-amz-content-sha256'] ?? '');
    const reads = req.method === 'GET' || req.method === 'HEAD';
    if (payload === 'UNSIGNED-PAYLOAD' ? !reads : !SHA256_HEX.test(payload)) {
      refuse(
        res,
        400,
        'InvalidRequest',
        payload === ''
          ? 'Missing required header for this request: x-amz-content-sha256.'
          : `x-amz-content-sha256 is ${JSON.stringify(payload.slice(0, 80))}: the local S3 takes the body's SHA-256 in hex${reads ? ' or UNSIGNED-PAYLOAD' : ' (a write cannot be UNSIGNED-PAYLOAD, nor a streaming upload)'}, as the AWS SDK sends it over http://.`,
      );
      return false;
    }
    const declared = req.headers['content-length'];
    if (req.headers['transfer-encoding'] !== undefined && declared === undefined) {
      refuse(res, 411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
      return false;
    }
    const length = declared === undefined ? 0 : Number(declared);
    if (length > MAX_BODY_BYTES) {
      refuse(
        res,
        400,
        'EntityTooLarge',
        `Your proposed upload exceeds the maximum allowed size of the local S3 (${MAX_BODY_BYTES} bytes).`,
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
    if (payload === 'UNSIGNED-PAYLOAD') return true;
    let body: Buffer;
    try {
      body = await peekBody(req, length);
    } catch (error) {
      refuse(res, 400, 'IncompleteBody', `The request body is incomplete: ${(error as Error).message}.`);
      return false;
    }
    const computed = createHash('sha256').update(body).digest('hex');
    if (computed !== payload) {
      refuse(
        res,
        400,
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed: the body is not the one that was signed.",
        { ClientComputedContentSHA256: payload, S3ComputedContentSHA256: computed },
      );
      return false;
    }
    return true;
  };
}
