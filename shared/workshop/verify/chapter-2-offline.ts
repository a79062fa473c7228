/**
 * `npm run verify -- 2`: chapter 02 checked on this machine: the templates `serverless package` writes, and
 * the local stand-in of the distribution in front of chapter 01's bucket.
 */

import type { CloudFormationTemplate } from '../packaging/serverless-package';
import { startLocalCdn } from '../stand-ins/cdn/local-cdn';
import { securityHeadersOf } from '../stand-ins/cdn/security-headers';
import { publishToLocalS3 } from '../stand-ins/site/local-site';
import { localS3 } from './chapter-1-offline';
import { type Chapter, check, packaged, resourcesOf, temporaryDir } from './steps';

export const verifyOffline: Chapter = {
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
};
