/**
 * Upload a built site to its bucket, like `aws s3 sync --delete` but with the right headers per file:
 * new and changed files are uploaded (compared by MD5, which is what S3's ETag holds for a simple upload
 * without KMS), unchanged ones are skipped, and objects whose file is gone are deleted.
 * The same code serves AWS and the local S3 (see s3-client.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { explainAwsError } from '../../shared/src/aws';
import { filesUnder } from '../../shared/src/files';
import { cacheControlFor, contentTypeFor } from './content-types';
import { s3Client } from './s3-client';

export interface UploadOptions {
  /** The bucket's name (AWS: the SiteBucketName output of chapter 01's stack). */
  readonly bucket: string;
  /** The built site (buildSite's outDir). */
  readonly dir: string;
  /** Default: s3Client() from the environment (AWS, or AWS_ENDPOINT_URL_S3). */
  readonly client?: S3Client;
  /** Say what would change, change nothing. */
  readonly dryRun?: boolean;
  /** One line per file, then nothing else; default: stdout. */
  readonly log?: (line: string) => void;
  /** Parallel uploads (default 4). */
  readonly concurrency?: number;
}

export interface UploadSummary {
  readonly bucket: string;
  readonly dryRun: boolean;
  /** Keys that did not exist in the bucket. */
  readonly added: readonly string[];
  /** Keys that existed with another content: what a CDN may still hold an old copy of. */
  readonly replaced: readonly string[];
  readonly unchanged: readonly string[];
  readonly deleted: readonly string[];
  /** Bytes of the files uploaded (or that would be, in a dry run). */
  readonly bytesSent: number;
  readonly seconds: number;
}

export class UploadError extends Error {
  override readonly name = 'UploadError';
}

interface LocalFile {
  readonly key: string;
  readonly body: Buffer;
  readonly md5: string;
  readonly contentType: string;
  readonly cacheControl: string;
}

function readSite(dir: string): LocalFile[] {
  if (!existsSync(path.join(dir, 'index.html'))) {
    throw new UploadError(`No built site in ${dir} (no index.html): build it first.`);
  }
  // Every type is known before anything is sent: a half-uploaded site is worse than none.
  // (Dotfiles, such as the build marker, are never part of the site: filesUnder skips them.)
  return filesUnder(dir).map((key) => {
    const body = readFileSync(path.join(dir, ...key.split('/')));
    return {
      key,
      body,
      md5: createHash('md5').update(body).digest('hex'),
      contentType: contentTypeFor(key),
      cacheControl: cacheControlFor(key),
    };
  });
}

function explain(error: unknown, bucket: string): UploadError {
  const name = (error as { name?: string })?.name;
  if (name === 'NoSuchBucket') {
    return new UploadError(
      `The bucket "${bucket}" does not exist here. Create it first (npm run chapter:1 deploys it; offline, npm run chapter:1 -- --offline makes a local one), and check the region (AWS_REGION).`,
    );
  }
  // The SDK wraps network errors ("AWS SDK error wrapper for Error: connect ECONNREFUSED ...").
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message ?? '')) {
    return new UploadError(
      'Nothing answers at the S3 endpoint (AWS_ENDPOINT_URL_S3): start the local S3 first (npm run chapter:1 -- --offline).',
    );
  }
  return new UploadError(explainAwsError(error));
}

async function listObjects(client: S3Client, bucket: string): Promise<Map<string, string>> {
  const etags = new Map<string, string>();
  let token: string | undefined;
  do {
    const page: ListObjectsV2CommandOutput = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key) etags.set(object.Key, (object.ETag ?? '').replaceAll('"', ''));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return etags;
}

export function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function uploadSite(options: UploadOptions): Promise<UploadSummary> {
  const started = performance.now();
  const { bucket, dryRun = false } = options;
  const client = options.client ?? s3Client();
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const files = readSite(path.resolve(options.dir));
  let remote: Map<string, string>;
  try {
    remote = await listObjects(client, bucket);
  } catch (error) {
    throw explain(error, bucket);
  }

  const width = Math.max(...files.map((f) => f.key.length), ...[...remote.keys()].map((k) => k.length));
  const line = (action: string, key: string, rest = '') =>
    log(
      `  ${(dryRun && action !== 'same' ? `would ${action}` : action).padEnd(dryRun ? 12 : 6)} ${key.padEnd(width)}  ${rest}`.trimEnd(),
    );

  const added: string[] = [];
  const replaced: string[] = [];
  const unchanged: string[] = [];
  const toSend: LocalFile[] = [];
  for (const file of files) {
    const etag = remote.get(file.key);
    if (etag === file.md5) unchanged.push(file.key);
    else {
      (etag === undefined ? added : replaced).push(file.key);
      toSend.push(file);
    }
  }
  const local = new Set(files.map((f) => f.key));
  const deleted = [...remote.keys()].filter((key) => !local.has(key)).sort();

  try {
    // Sent in parallel, printed in the files' order: the same run prints the same lines.
    const sent = new Set<LocalFile>();
    await inParallel(toSend, options.concurrency ?? 4, async (file) => {
      if (!dryRun) {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: file.key,
            Body: file.body,
            ContentType: file.contentType,
            CacheControl: file.cacheControl,
            // S3 checks the bytes it received against this and refuses a corrupted upload.
            ContentMD5: Buffer.from(file.md5, 'hex').toString('base64'),
          }),
        );
      }
      sent.add(file);
    });
    for (const file of toSend.filter((f) => sent.has(f))) {
      line(
        remote.has(file.key) ? 'update' : 'upload',
        file.key,
        `${formatBytes(file.body.length).padStart(8)}  ${file.contentType}  ${file.cacheControl}`,
      );
    }
    for (const key of unchanged) line('same', key);
    for (let i = 0; i < deleted.length; i += 1000) {
      const batch = deleted.slice(i, i + 1000);
      if (!dryRun) {
        const result = await client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const failed = result.Errors ?? [];
        if (failed.length > 0) {
          throw new UploadError(
            `S3 refused to delete ${failed.map((e) => `${e.Key} (${e.Code})`).join(', ')}: check the permissions on ${bucket}.`,
          );
        }
      }
      for (const key of batch) line('delete', key);
    }
  } catch (error) {
    throw error instanceof UploadError ? error : explain(error, bucket);
  }

  return {
    bucket,
    dryRun,
    added,
    replaced,
    unchanged,
    deleted,
    bytesSent: toSend.reduce((sum, f) => sum + f.body.length, 0),
    seconds: (performance.now() - started) / 1000,
  };
}

/** One line: what changed, how much was sent, how long it took. */
export function formatSummary(summary: UploadSummary): string {
  const sent = summary.added.length + summary.replaced.length;
  const counts = `${sent} file(s) (${formatBytes(summary.bytesSent)}), ${summary.unchanged.length} unchanged, ${summary.deleted.length} deleted`;
  return summary.dryRun
    ? `Dry run: would upload ${counts} in s3://${summary.bucket}; nothing was changed.`
    : `Uploaded ${counts} in s3://${summary.bucket} in ${summary.seconds.toFixed(1)} s.`;
}
