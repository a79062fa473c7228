/**
 * What `npm run verify -- N` checks on this machine, chapter by chapter, with the learner's own files:
 * the same code the chapters run, on free ports and temporary folders (their .local data is not touched).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type LocalS3, startLocalS3 } from '../../01-static-site/offline/local-s3';
import { publishToLocalS3 } from '../../01-static-site/offline/local-site';
import { buildSite } from '../../01-static-site/src/build';
import { startLocalCdn } from '../../02-cloudfront/offline/local-cdn';
import { securityHeadersOf } from '../../02-cloudfront/src/security-headers';
import { type OfflineApi, startOfflineApi } from '../../03-lambda-check/offline/api';
import { runCollection } from '../../04-deploy-test/src/run-collection';
import { createCheckLogShipper } from '../../05-logs/offline/check-log-shipper';
import type { LambdaLogShipper } from '../../05-logs/offline/lambda-log-shipper';
import { startLocalLogs } from '../../05-logs/offline/server';
import { tailLogs } from '../../05-logs/src/tail';
import settings from '../settings.json';
import { REPO_ROOT } from '../src/env';
import { encode, sign } from '../src/index';
import { freePort } from '../src/process';
import { type CloudFormationTemplate, packageIsolated } from '../src/serverless-package';
import { type Chapter, check, Problem, type StepContext } from '../src/verify-steps';

const BILL = { email: 'jane.doe@example.com', billNumber: '2019-0042' };
// Keys made for this run only: verify never needs (nor prints) the learner's own.
const KEYS = { SIGNATURE_KEY: 'verify-legacy-password', SIGNING_KEYS: `verify:${'v'.repeat(40)}` };
const NOT_AUTHENTIC = 'This is not an authentic signature';
const SITE_LIMIT_BYTES = 30 * 1024;

function temporaryDir(context: StepContext, name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `verify-${name}-`));
  context.defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function packaged(chapter: string, sources: string[] = []): Promise<CloudFormationTemplate> {
  try {
    const result = await packageIsolated(chapter, { sources });
    result.remove();
    return result.template;
  } catch (error) {
    throw new Problem(
      `serverless package failed for ${chapter}:\n${(error as Error).message.split('\n').slice(-6).join('\n')}`,
      `fix ${chapter}/serverless.yml (the message above says where), then: cd ${chapter} && npx serverless package`,
    );
  }
}

function resourcesOf(template: CloudFormationTemplate, type: string) {
  return Object.values(template.Resources).filter((r) => r.Type === type);
}

async function localS3(context: StepContext): Promise<LocalS3> {
  const s3 = await startLocalS3({ port: await freePort(), dataDir: temporaryDir(context, 's3') });
  context.defer(() => s3.stop());
  return s3;
}

async function offlineApi(context: StepContext, onLine?: (line: string) => void): Promise<OfflineApi> {
  try {
    const api = await startOfflineApi({ env: { ...process.env, ...KEYS }, onLine });
    context.defer(() => api.stop());
    context.state.set('api', api);
    return api;
  } catch (error) {
    throw new Problem(
      `The API did not start offline:\n${(error as Error).message.split('\n').slice(-8).join('\n')}`,
      'run npm run chapter:3 -- --offline to see the whole output; a TypeScript error in 03-lambda-check/src shows there',
    );
  }
}

async function post(url: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
  const text = await response.text();
  try {
    return { status: response.status, json: JSON.parse(text) };
  } catch {
    throw new Problem(
      `POST ${url} answered ${response.status} with a body that is not JSON: ${text.slice(0, 120)}`,
      'every answer of the handler is JSON: see respond.ts in 03-lambda-check/src',
    );
  }
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

function api(context: StepContext): OfflineApi {
  return context.state.get('api') as OfflineApi;
}

export const offlineChapters: Record<number, Chapter> = {
  1: {
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
            check(
              pages.includes(page),
              `${page} is missing from the build`,
              `add 01-static-site/site/${page}`,
            );
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
  },
  2: {
    title: 'Chapter 02, the private bucket behind CloudFront (offline: the templates and a local stand-in)',
    steps: [
      {
        title: 'the bucket of chapter 01 blocks every kind of public access',
        async run() {
          const [bucket] = resourcesOf(await packaged('01-static-site'), 'AWS::S3::Bucket').filter(
            (b) => b.Properties?.PublicAccessBlockConfiguration,
          );
          const block = (bucket?.Properties?.PublicAccessBlockConfiguration ?? {}) as Record<string, boolean>;
          const off = [
            'BlockPublicAcls',
            'BlockPublicPolicy',
            'IgnorePublicAcls',
            'RestrictPublicBuckets',
          ].filter((name) => block[name] !== true);
          check(
            off.length === 0,
            `public access is not blocked: ${off.join(', ') || 'no PublicAccessBlockConfiguration'}`,
            'set all four to true in 01-static-site/serverless.yml',
          );
          return 'all four public access blocks on';
        },
      },
      {
        title: 'only the distribution reads the bucket (Origin Access Control, AWS:SourceArn)',
        async run(context) {
          const template = await packaged('02-cloudfront');
          context.state.set('cdnTemplate', template);
          check(
            resourcesOf(template, 'AWS::CloudFront::OriginAccessControl').length === 1,
            'no Origin Access Control',
            'add an AWS::CloudFront::OriginAccessControl and use it in the origin',
          );
          const policies = resourcesOf(template, 'AWS::S3::BucketPolicy').map((p) =>
            JSON.stringify(p.Properties ?? {}),
          );
          const policy = policies.find((p) => p.includes('cloudfront.amazonaws.com')) ?? '';
          check(
            policy.includes('AWS:SourceArn') && policy.includes('cloudfront.amazonaws.com'),
            'the bucket policy does not limit reads to this distribution',
            'allow s3:GetObject to cloudfront.amazonaws.com with the condition AWS:SourceArn = the distribution',
          );
          return 'OAC, bucket policy on AWS:SourceArn';
        },
      },
      {
        title: 'HTTPS only, HTTP/2 and HTTP/3, compression, the cheapest price class',
        async run(context) {
          const template = context.state.get('cdnTemplate') as CloudFormationTemplate;
          const config = resourcesOf(template, 'AWS::CloudFront::Distribution')[0]?.Properties
            ?.DistributionConfig as Record<string, unknown> & {
            DefaultCacheBehavior: Record<string, unknown>;
          };
          check(
            config?.DefaultCacheBehavior?.ViewerProtocolPolicy === 'redirect-to-https',
            'plain HTTP is not redirected to HTTPS',
            'set ViewerProtocolPolicy: redirect-to-https',
          );
          check(
            config.HttpVersion === 'http2and3',
            `HttpVersion is ${String(config.HttpVersion)}`,
            'set HttpVersion: http2and3',
          );
          check(config.DefaultCacheBehavior.Compress === true, 'compression is off', 'set Compress: true');
          check(
            config.PriceClass === 'PriceClass_100',
            `PriceClass is ${String(config.PriceClass)}`,
            'use PriceClass_100, the cheapest',
          );
          return 'redirect-to-https, http2and3, Compress, PriceClass_100';
        },
      },
      {
        title: 'a local stand-in of the distribution serves the page with its security headers',
        async run(context) {
          const headers = securityHeadersOf(context.state.get('cdnTemplate') as CloudFormationTemplate);
          const s3 = await localS3(context);
          const site = await publishToLocalS3(s3, {
            apiBaseUrl: null,
            outDir: temporaryDir(context, 'build'),
            log: () => undefined,
          });
          const cdn = await startLocalCdn({ port: 0, originUrl: site.url, headers });
          context.defer(() => cdn.stop());
          const response = await fetch(cdn.url);
          check(
            response.status === 200,
            `the stand-in answered ${response.status}`,
            'run npm start and open the site to see more',
          );
          const missing = [
            'strict-transport-security',
            'content-security-policy',
            'x-content-type-options',
            'x-frame-options',
            'referrer-policy',
          ].filter((name) => !response.headers.get(name));
          check(
            missing.length === 0,
            `missing headers: ${missing.join(', ')}`,
            'complete the ResponseHeadersPolicy in 02-cloudfront/serverless.yml',
          );
          return 'HSTS, CSP, nosniff, frame denial, referrer policy';
        },
      },
    ],
  },
  3: {
    title: 'Chapter 03, the signature-check Lambda (offline: serverless-offline)',
    steps: [
      {
        title: `serverless.yml packages: ${settings.runtime}, ${settings.architecture}, 128 MB, log retention`,
        async run() {
          const template = await packaged('03-lambda-check', ['src', 'plugins']);
          const fn = resourcesOf(template, 'AWS::Lambda::Function')[0]?.Properties ?? {};
          check(
            fn.Runtime === settings.runtime,
            `the runtime is ${String(fn.Runtime)}`,
            `use ${settings.runtime} (shared/settings.json) in provider.runtime`,
          );
          check(
            (fn.Architectures as string[] | undefined)?.[0] === settings.architecture,
            'the architecture is not arm64',
            'set provider.architecture: arm64 (cheaper)',
          );
          check(
            fn.MemorySize === 128,
            `the memory is ${String(fn.MemorySize)} MB`,
            'set provider.memorySize: 128',
          );
          check(
            resourcesOf(template, 'AWS::Logs::LogGroup')[0]?.Properties?.RetentionInDays,
            'the logs are kept forever',
            'set provider.logRetentionInDays',
          );
          check(
            !JSON.stringify(template).includes(KEYS.SIGNATURE_KEY),
            'the template holds the secret',
            'secrets come from SSM, never from serverless.yml',
          );
          return `${fn.Runtime}, ${String((fn.Architectures as string[])[0])}, ${fn.MemorySize} MB, ${fn.Timeout} s`;
        },
      },
      {
        title: 'the API starts offline',
        async run(context) {
          return (await offlineApi(context)).checkUrl;
        },
      },
      {
        title: "the article's kind of signature, genuine: 200 with the bill",
        async run(context) {
          const { status, json } = await post(
            api(context).checkUrl,
            encode(KEYS.SIGNATURE_KEY, `${BILL.email}#${BILL.billNumber}`),
          );
          check(
            status === 200 && json.authentic === true,
            `answered ${status}: ${JSON.stringify(json)}`,
            'see verify-signature.ts in 03-lambda-check/src',
          );
          return JSON.stringify(json.bill);
        },
      },
      {
        title: 'an HMAC token, genuine: 200 with the bill',
        async run(context) {
          const { parseKeyring } = await import('../src/index');
          const { status, json } = await post(
            api(context).checkUrl,
            sign(BILL, parseKeyring(KEYS.SIGNING_KEYS)),
          );
          check(
            status === 200 && json.scheme === 'token',
            `answered ${status}: ${JSON.stringify(json)}`,
            'tokens start with "v1.": see verify-signature.ts',
          );
          return `scheme ${String(json.scheme)}`;
        },
      },
      {
        title: `"skrttskrtttt": 400 and "${NOT_AUTHENTIC}"`,
        async run(context) {
          const { status, json } = await post(api(context).checkUrl, 'skrttskrtttt');
          check(
            status === 400 && json.message === NOT_AUTHENTIC,
            `answered ${status}: ${JSON.stringify(json)}`,
            'a forged signature gets 400 with that message in the body',
          );
          return `reason ${String(json.reason)}`;
        },
      },
      {
        title: 'GET: 405, only POST checks',
        async run(context) {
          const response = await fetch(api(context).checkUrl);
          check(
            response.status === 405,
            `GET answered ${response.status}`,
            'answer 405 with an Allow header to anything but POST and OPTIONS',
          );
          return `Allow: ${response.headers.get('allow')}`;
        },
      },
    ],
  },
  4: {
    title: 'Chapter 04, curl and Postman against the API (offline)',
    steps: [
      {
        title: 'the API starts offline',
        async run(context) {
          return (await offlineApi(context)).checkUrl;
        },
      },
      {
        title: 'the Postman collection passes (newman)',
        async run(context) {
          const result = await runCollection({
            target: 'local',
            values: {
              checkUrl: api(context).checkUrl,
              signatureKey: KEYS.SIGNATURE_KEY,
              signingKeys: KEYS.SIGNING_KEYS,
            },
          });
          const failedRequests = result.requests.filter(
            (r) => r.requestError || r.assertions.some((a) => !a.passed),
          );
          check(
            result.ok,
            `${result.assertions.failed} of ${result.assertions.total} assertions failed, in: ${failedRequests.map((r) => r.name).join(', ')}`,
            'run npm run chapter:4 -- --offline for the full report',
          );
          return `${result.requests.length} requests, ${result.assertions.total} assertions`;
        },
      },
      {
        title: 'the curl script: 200 for the genuine signature, 400 for the forged one',
        async run(context) {
          const signature = encode(KEYS.SIGNATURE_KEY, `${BILL.email}#${BILL.billNumber}`);
          try {
            const { stdout } = await promisify(execFile)('sh', [
              path.join(REPO_ROOT, '04-deploy-test/curl/check.sh'),
              api(context).checkUrl,
              signature,
            ]);
            return `${stdout.split('\n').filter((l) => /HTTP|status/i.test(l)).length} answers as expected`;
          } catch (error) {
            const e = error as { code?: number; stdout?: string };
            throw new Problem(
              `check.sh exited with ${e.code}:\n${(e.stdout ?? '').split('\n').slice(-8).join('\n')}`,
              'run it by hand: sh 04-deploy-test/curl/check.sh <url> <signature>',
            );
          }
        },
      },
    ],
  },
  5: {
    title: 'Chapter 05, the logs (offline: a local CloudWatch Logs endpoint)',
    steps: [
      {
        title: 'the local CloudWatch Logs endpoint starts, and the API ships its logs to it',
        async run(context) {
          const logs = await startLocalLogs({ port: 0, dataDir: null });
          context.defer(() => logs.stop());
          const shipper = createCheckLogShipper({ endpoint: logs.endpoint });
          await shipper.ensureLogGroup();
          context.defer(() => shipper.close());
          await offlineApi(context, (line) => shipper.onLine(line));
          context.state.set('logs', { endpoint: logs.endpoint, shipper });
          return `${logs.endpoint}, log group ${shipper.logGroupName}`;
        },
      },
      {
        title: `a forged signature leaves "${NOT_AUTHENTIC}" in the logs, with its request id`,
        async run(context) {
          const since = Date.now() - 1000;
          const { status } = await post(api(context).checkUrl, 'skrttskrtttt');
          check(status === 400, `the API answered ${status}`, 'see chapter 03');
          const { endpoint, shipper } = context.state.get('logs') as {
            endpoint: string;
            shipper: LambdaLogShipper;
          };
          // serverless-offline prints the request's lines just after the answer: wait for them.
          await shipper.settle();
          let printed = '';
          const output = new (await import('node:stream')).Writable({
            write(chunk, _encoding, done) {
              printed += chunk.toString();
              done();
            },
          });
          await tailLogs({
            logGroup: shipper.logGroupName,
            endpoint,
            credentials: { accessKeyId: 'offline', secretAccessKey: 'offline' },
            since,
            follow: false,
            format: 'short',
            output,
            color: false,
          });
          const line = printed.split('\n').find((l) => l.includes(NOT_AUTHENTIC));
          check(
            line,
            `the tail printed no such line:\n${printed.slice(0, 400)}`,
            'the handler logs one JSON line per request: see log.ts in 03-lambda-check/src',
          );
          check(
            /REPORT/.test(printed),
            'no REPORT line for the request',
            'see 05-logs/offline/lambda-log-shipper.ts',
          );
          return line.trim().slice(0, 100);
        },
      },
    ],
  },
};
