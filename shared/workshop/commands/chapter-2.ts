/**
 * npm run chapter:2 [-- --dry-run] [--domain NAME --certificate-arn ARN] [--offline] [--remove]
 * Chapter 02: CloudFront in front of chapter 01's private bucket; publish the site; invalidate what changed.
 */

import './require-node';
import { originOf, resolveApiBaseUrl } from '../../../01-static-site/src/api-url';
import { buildSite } from '../../../01-static-site/src/build';
import { formatBytes, formatSummary, uploadSite } from '../../../01-static-site/src/upload';
import { invalidatePaths, pathsToInvalidate } from '../../../02-cloudfront/src/invalidation';
import { port, region, SERVICES, stackName, stage } from '../../src/config';
import { callerAccount, stackOutputs } from '../../src/stacks';
import { runServerless } from '../aws/run-serverless';
import { loadDotEnv } from '../env';
import { exerciseSwap } from '../exercises/swap';
import { onStopRequest } from '../process/stop';
import { startLocalCdn } from '../stand-ins/cdn/local-cdn';
import { CHAPTER_DIR, securityHeaders } from '../stand-ins/cdn/security-headers';
import { startLocalS3 } from '../stand-ins/s3/local-s3';
import { publishToLocalS3 } from '../stand-ins/site/local-site';
import { type Fail, failWith, parseCommandLine, say } from './cli';

const USAGE = `Usage: npm run chapter:2 -- [options]
  (no option)               deploy CloudFront in front of chapter 01's bucket, upload the site, invalidate
                            the paths that changed, print the site's https:// URL
  --dry-run                 show what the upload would change and what would be invalidated; deploy nothing
  --domain <name>           serve the site on your own domain too (needs --certificate-arn)
  --certificate-arn <arn>   its ACM certificate, which CloudFront requires in us-east-1
  --api-url <URL>           the API the page calls (default: chapter 03's deployed API)
  --offline                 no AWS account needed: the site in a local S3, behind a local stand-in that adds
                            the distribution's security headers, on http://localhost:${port('SITE_PORT')}/ until Ctrl-C
  --remove                  delete chapter 02's stack (the distribution; CloudFront takes a few minutes)
  -h, --help                this help`;

const fail: Fail = failWith('chapter:2');

interface Options {
  dryRun: boolean;
  apiUrl?: string;
  domain?: string;
  certificateArn?: string;
}

function domainParams(options: Options): Record<string, string> {
  const { domain, certificateArn } = options;
  if (!domain && !certificateArn) return {};
  if (!domain || !certificateArn) fail('--domain and --certificate-arn go together.', 2);
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(domain)) {
    fail(`--domain "${domain}" is not a domain name such as www.example.com.`, 2);
  }
  if (!/^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/.test(certificateArn)) {
    fail(
      '--certificate-arn must be an ACM certificate ARN in us-east-1 (arn:aws:acm:us-east-1:<account>:certificate/<id>): CloudFront only uses certificates from that region.',
      2,
    );
  }
  return { domainName: domain, certificateArn };
}

async function deployAndPublish(options: Options): Promise<void> {
  const params = domainParams(options);
  const account = await callerAccount();
  say(`AWS account ${account}, region ${region()}, stage ${stage()}.`);
  const site = await stackOutputs(stackName(SERVICES.site));
  const bucket = site?.SiteBucketName;
  if (!bucket)
    fail(
      `chapter 01's bucket is not deployed (no stack ${stackName(SERVICES.site)}): run npm run chapter:1 first.`,
    );
  const apiBaseUrl = await resolveApiBaseUrl({ flag: options.apiUrl, offline: false });
  if (apiBaseUrl) params.apiOrigin = originOf(apiBaseUrl);
  if (!options.dryRun) {
    say('Deploying the distribution (the first time, CloudFront takes a few minutes to reach every edge)...');
    await runServerless(CHAPTER_DIR, [
      'deploy',
      ...Object.entries(params).map(([k, v]) => `--param=${k}=${v}`),
    ]);
  }
  const cdn = await stackOutputs(stackName(SERVICES.cdn));
  if (!cdn?.DistributionId)
    fail(`the stack ${stackName(SERVICES.cdn)} is not deployed: run npm run chapter:2 without --dry-run.`);
  const build = await buildSite({ apiBaseUrl, plugins: [exerciseSwap()] });
  say(
    `Built ${build.files.length} files (${formatBytes(build.totalBytes)}); the check page calls ${apiBaseUrl ?? 'no API yet'}.`,
  );
  const summary = await uploadSite({ bucket, dir: build.outDir, dryRun: options.dryRun });
  say(formatSummary(summary));
  const paths = pathsToInvalidate(summary);
  if (options.dryRun) say(`Would invalidate: ${paths.join(' ') || 'nothing (no object changed)'}`);
  else {
    const invalidation = await invalidatePaths(cdn.DistributionId, paths);
    say(
      invalidation
        ? `Invalidation ${invalidation.id} for ${paths.join(' ')} (done within a minute or two).`
        : 'Nothing to invalidate: no object that CloudFront may hold has changed.',
    );
  }
  say(`\nYour site: ${cdn.SiteUrl}`);
  if (apiBaseUrl) {
    say(`Its check page calls ${apiBaseUrl}/check; that API must allow this site's origin (CORS):`);
    say(`  npm run chapter:3 -- --site-origin ${originOf(cdn.SiteUrl ?? '')}`);
  } else {
    say(
      'The check page has no API yet: deploy chapter 03 (npm run chapter:3), then run npm run chapter:2 again.',
    );
  }
}

async function offline(apiUrl: string | undefined): Promise<void> {
  say(
    'CloudFront itself does not run on your machine. Offline, a small local stand-in (shared/workshop/stand-ins/cdn/local-cdn.ts)',
  );
  say("sits in front of the local S3 bucket and adds the response headers policy's headers, read from this");
  say(
    "chapter's serverless.yml; it does no HTTPS, caching, compression or Origin Access Control. The headers:\n",
  );
  const apiBaseUrl = await resolveApiBaseUrl({ flag: apiUrl, offline: true });
  const headers = securityHeaders(apiBaseUrl ? originOf(apiBaseUrl) : null);
  for (const [name, value] of Object.entries(headers)) say(`  ${name}: ${value}`);
  const s3 = await startLocalS3();
  const site = await publishToLocalS3(s3, { apiBaseUrl, log: () => undefined });
  say('');
  say(formatSummary(site.upload));
  const cdn = await startLocalCdn({ originUrl: site.url, headers, onRequest: (line) => say(`  ${line}`) });
  say(`Your site, through the stand-in: ${cdn.url}`);
  say(
    `Its check page calls ${apiBaseUrl}/check: start the API in another terminal with npm run chapter:3 -- --offline`,
  );
  say('A file or call that the CSP blocks shows in the browser console as a Content-Security-Policy error.');
  say('Serving until Ctrl-C.');
  const shutdown = async () => {
    await cdn.stop();
    await s3.stop();
    process.exit(0);
  };
  // Ctrl-C, SIGTERM, SIGHUP, or the npm that started it gone.
  onStopRequest(shutdown);
}

async function remove(): Promise<void> {
  await callerAccount();
  if (!(await stackOutputs(stackName(SERVICES.cdn)))) {
    say(`Nothing to remove: the stack ${stackName(SERVICES.cdn)} does not exist.`);
    return;
  }
  say(
    'Removing the distribution: CloudFormation disables it, waits for every edge, then deletes it (minutes).',
  );
  await runServerless(CHAPTER_DIR, ['remove']);
}

async function main(): Promise<void> {
  const { values } = parseCommandLine('chapter:2', USAGE, {
    options: {
      'dry-run': { type: 'boolean' },
      domain: { type: 'string' },
      'certificate-arn': { type: 'string' },
      'api-url': { type: 'string' },
      offline: { type: 'boolean' },
      remove: { type: 'boolean' },
    },
  });
  if (values.offline && values.remove) fail('choose one of --offline and --remove.', 2);
  loadDotEnv();
  if (values.offline) return offline(values['api-url']);
  if (values.remove) return remove();
  return deployAndPublish({
    dryRun: values['dry-run'] ?? false,
    apiUrl: values['api-url'],
    domain: values.domain,
    certificateArn: values['certificate-arn'],
  });
}

main().catch((error: Error) => fail(error.message));
