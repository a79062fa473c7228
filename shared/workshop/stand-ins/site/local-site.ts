/**
 * Build the site and upload it to a local S3's website bucket: what `npm run chapter:1 -- --offline`
 * does, and what npm start and the browser tests reuse. The upload is the same code as on AWS, pointed at
 * the local S3 by AWS_ENDPOINT_URL_S3 in the environment it is given.
 */

import { type BuildResult, buildSite } from '../../../../01-static-site/src/build';
import { s3Client } from '../../../../01-static-site/src/s3-client';
import { type UploadSummary, uploadSite } from '../../../../01-static-site/src/upload';
import { SERVICES, stage } from '../../../src/config';
import { exerciseSwap } from '../../exercises/swap';
import type { LocalS3 } from '../s3/local-s3';

export interface PublishLocalOptions {
  /** Default: the bucket name the chapter uses offline, cinq-euros-site-<stage>. */
  readonly bucket?: string;
  /** The API base URL written into /config.json (null: no API). */
  readonly apiBaseUrl: string | null;
  /** Build folder; default 01-static-site/dist. Tests pass a temporary one. */
  readonly outDir?: string;
  readonly dryRun?: boolean;
  /** Called once the site is built, before the upload starts. */
  readonly onBuilt?: (build: BuildResult) => void;
  /** The upload's line per file; default stdout. */
  readonly log?: (line: string) => void;
}

export interface PublishedLocalSite {
  readonly bucket: string;
  /** http://<bucket>.s3-website.localhost:<port>/ */
  readonly url: string;
  readonly build: BuildResult;
  readonly upload: UploadSummary;
}

export function localBucketName(): string {
  return `${SERVICES.site}-${stage()}`;
}

export async function publishToLocalS3(
  s3: LocalS3,
  options: PublishLocalOptions,
): Promise<PublishedLocalSite> {
  const bucket = options.bucket ?? localBucketName();
  await s3.createWebsiteBucket(bucket);
  const build = await buildSite({
    apiBaseUrl: options.apiBaseUrl,
    plugins: [exerciseSwap()],
    outDir: options.outDir,
  });
  options.onBuilt?.(build);
  const client = s3Client({ ...process.env, ...s3.env });
  try {
    const upload = await uploadSite({
      bucket,
      dir: build.outDir,
      client,
      dryRun: options.dryRun,
      log: options.log,
    });
    return { bucket, url: s3.websiteUrl(bucket), build, upload };
  } finally {
    client.destroy();
  }
}
