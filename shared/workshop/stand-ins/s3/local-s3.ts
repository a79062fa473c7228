/**
 * The chapter's offline stand-in for Amazon S3: s3rver on 127.0.0.1, data kept on disk (so a second run
 * finds the site it uploaded before), and S3's static website hosting (index and error documents).
 *
 * On AWS the bucket is never a website (S3 website endpoints have no HTTPS, and the bucket stays private:
 * CloudFront serves it in chapter 02). Locally, the website endpoint is the simplest way to see the site
 * as S3 stores it: same keys, same Content-Type and Cache-Control headers.
 *
 * In front of s3rver stands s3-guard.ts: the bucket is private (only this run's own key pair writes it,
 * anonymous requests only read the website endpoint) and no key can name a file outside its folder.
 */
import path from 'node:path';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketWebsiteCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { port as configuredPort, region } from '../../../src/config';
import { claimDataFolder, LOCAL_DATA_PATH } from '../../env';
import { assertPortFree, LOOPBACK } from '../../process/ports';
import { randomCredentials, s3Guard } from './s3-guard';

// s3rver's own account registry (no public API): the key ids it accepts at all; s3-guard checks signatures.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as {
  DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void; revokeAccessKey(id: string): void };
};
// Its built-in pair is public knowledge: nobody may use it.
DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
export const DEFAULT_LOCAL_S3_DIR = path.join(LOCAL_DATA_PATH, 's3');

export interface LocalS3Options {
  /** Default: S3_PORT (4569). Tests pass freePort(). */
  readonly port?: number;
  /** Where buckets live on disk; default .local/s3 at the repository root. */
  readonly dataDir?: string;
}

export interface LocalS3 {
  /** The S3 API: http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly port: number;
  readonly dataDir: string;
  /** This run's key pair: the only one the server accepts for anything but reading the website. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The environment that points any AWS SDK or CLI at this server (endpoint and this run's key pair). */
  readonly env: Readonly<Record<string, string>>;
  /** http://<bucket>.s3-website.localhost:<port>/ (browsers and curl resolve *.localhost to this machine). */
  websiteUrl(bucket: string): string;
  /** Create the bucket if needed and turn on website hosting (index.html, 404.html). */
  createWebsiteBucket(bucket: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  const port = options.port ?? configuredPort('S3_PORT');
  const dataDir = path.resolve(options.dataDir ?? DEFAULT_LOCAL_S3_DIR);
  await assertPortFree(port, 'S3_PORT');
  claimDataFolder(dataDir, 'the local S3 (01-static-site)');
  const server = new S3rver({
    address: LOOPBACK,
    port,
    directory: dataDir,
    // Requests for BUCKET.s3-website.localhost:PORT are served as S3 website requests.
    serviceEndpoint: 'localhost',
    silent: true,
  });
  await server.run();
  const credentials = randomCredentials();
  DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
  // Every request meets the guard first; s3rver sees only those it lets through.
  const httpServer = server.httpServer;
  if (!httpServer) throw new Error('s3rver started without an HTTP server');
  const s3rverHandlers = httpServer.listeners('request') as ((...args: unknown[]) => void)[];
  httpServer.removeAllListeners('request');
  const guard = s3Guard(credentials, { region: region() });
  httpServer.on('request', (req, res) => {
    void guard(req, res).then((allowed) => {
      if (allowed) for (const handler of s3rverHandlers) handler.call(httpServer, req, res);
    });
  });
  const endpoint = `http://${LOOPBACK}:${port}`;
  const client = new S3Client({
    region: region(),
    endpoint,
    forcePathStyle: true,
    credentials,
  });

  return {
    endpoint,
    port,
    dataDir,
    credentials,
    env: {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    websiteUrl: (bucket) => `http://${bucket}.s3-website.localhost:${port}/`,
    async createWebsiteBucket(bucket) {
      const exists = await client.send(new HeadBucketCommand({ Bucket: bucket })).then(
        () => true,
        () => false,
      );
      if (!exists) await client.send(new CreateBucketCommand({ Bucket: bucket }));
      await client.send(
        new PutBucketWebsiteCommand({
          Bucket: bucket,
          WebsiteConfiguration: {
            IndexDocument: { Suffix: 'index.html' },
            ErrorDocument: { Key: '404.html' },
          },
        }),
      );
    },
    async stop() {
      client.destroy();
      // Keep-alive connections (a browser's) would hold close() open: end them.
      server.httpServer?.closeAllConnections();
      await server.close();
      DUMMY_ACCOUNT.revokeAccessKey(credentials.accessKeyId);
    },
  };
}
