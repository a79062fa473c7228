/**
 * npm run chapter:1 [-- --offline | --preview] [--dry-run] [--api-url URL] [--remove]
 * Chapter 01: the site's private bucket on AWS (or a local S3), the site built and uploaded to it.
 */
import './require-node';
import path from 'node:path';
import { originOf, resolveApiBaseUrl } from '../../../01-static-site/src/api-url';
import { type BuildResult, buildSite, CHAPTER_DIR } from '../../../01-static-site/src/build';
import { s3Client } from '../../../01-static-site/src/s3-client';
import { formatBytes, formatSummary, uploadSite } from '../../../01-static-site/src/upload';
import { invalidatePaths, pathsToInvalidate } from '../../../02-cloudfront/src/invalidation';
import { port, region, SERVICES, stackName, stage } from '../../src/config';
import { callerAccount, stackOutputs } from '../../src/stacks';
import { emptyBucket } from '../aws/remove-stacks';
import { runServerless } from '../aws/run-serverless';
import { loadDotEnv, REPO_ROOT } from '../env';
import { exerciseSwap } from '../exercises/swap';
import { isListening } from '../process/ports';
import { onStopRequest } from '../process/stop';
import { startLocalS3 } from '../stand-ins/s3/local-s3';
import { localBucketName, publishToLocalS3 } from '../stand-ins/site/local-site';
import { startPreview } from '../stand-ins/site/preview';
import { type Fail, failWith, parseCommandLine, say } from './cli';

const USAGE = `Usage: npm run chapter:1 -- [options]
  (no option)      deploy the private site bucket (01-static-site/serverless.yml), build the site, upload it
  --offline        no AWS account needed: start a local S3, build, upload, print the website URL; serve until Ctrl-C
  --preview        build the site and serve it with http-server on http://localhost:${port('SITE_PORT')}/ until Ctrl-C
  --dry-run        build, and show what the upload would change without changing anything
  --api-url <URL>  the API base URL the check page calls (default: chapter 03's deployed API; offline, the local one)
  --remove         empty the bucket and delete chapter 01's stack (remove chapter 02 first: npm run chapter:2 -- --remove)
  -h, --help       this help`;

const fail: Fail = failWith('chapter:1');

/** Paths as the learner types them, from the repository root. */
const shown = (file: string) => path.relative(REPO_ROOT, file) || '.';

function describeBuild(build: BuildResult, apiBaseUrl: string | null): void {
  say(
    `Built ${build.files.length} files (${formatBytes(build.totalBytes)}) in ${shown(build.outDir)}; the check page calls ${apiBaseUrl ?? 'no API yet (config.json: null)'}.`,
  );
}

function waitForCtrlC(stop: () => Promise<void>): void {
  const shutdown = async () => {
    say('\nStopping.');
    await stop();
    process.exit(0);
  };
  // Ctrl-C, SIGTERM, SIGHUP, or the npm that started it gone.
  onStopRequest(shutdown);
}

async function offline(apiUrl: string | undefined, dryRun: boolean): Promise<void> {
  const s3 = await startLocalS3();
  const bucket = localBucketName();
  say(`Local S3 on ${s3.endpoint} (data in ${shown(s3.dataDir)}), bucket ${bucket} with website hosting.`);
  const apiBaseUrl = await resolveApiBaseUrl({ flag: apiUrl, offline: true });
  // The same upload code as on AWS, pointed at the local S3 by AWS_ENDPOINT_URL_S3 (see local-site.ts).
  const site = await publishToLocalS3(s3, {
    bucket,
    apiBaseUrl,
    dryRun,
    onBuilt: (build) => describeBuild(build, apiBaseUrl),
  });
  say(formatSummary(site.upload));
  const url = site.url;
  if (dryRun) {
    await s3.stop();
    return;
  }
  say(`\nYour site, from the local S3 website endpoint: ${url}`);
  if (apiBaseUrl) {
    const apiPort = Number(new URL(apiBaseUrl).port);
    const running = apiPort > 0 && (await isListening(apiPort));
    say(
      `The check page calls ${apiBaseUrl}/check${running ? '' : ' (nothing answers there yet)'}; that API must allow this site's origin:`,
    );
    say(`  npm run chapter:3 -- --offline --site-origin ${originOf(url)}`);
  }
  say('Serving until Ctrl-C (the files stay in the local bucket for next time).');
  waitForCtrlC(() => s3.stop());
}

async function preview(apiUrl: string | undefined): Promise<void> {
  const apiBaseUrl = await resolveApiBaseUrl({ flag: apiUrl, offline: true });
  const build = await buildSite({ apiBaseUrl, plugins: [exerciseSwap()] });
  describeBuild(build, apiBaseUrl);
  const server = await startPreview({ dir: build.outDir, onRequest: (line) => say(`  ${line}`) });
  say(`\nPreview: ${server.url}  (http-server; rebuild with the same command after an edit)`);
  say('Serving until Ctrl-C.');
  waitForCtrlC(() => server.stop());
}

async function onAws(apiUrl: string | undefined, dryRun: boolean): Promise<void> {
  const account = await callerAccount();
  say(`AWS account ${account}, region ${region()}, stage ${stage()}.`);
  const siteStack = stackName(SERVICES.site);
  if (!dryRun) await runServerless(CHAPTER_DIR, ['deploy']);
  const outputs = await stackOutputs(siteStack);
  const bucket = outputs?.SiteBucketName;
  if (!bucket)
    fail(`the stack ${siteStack} is not deployed: run npm run chapter:1 (without --dry-run) first.`);
  const apiBaseUrl = await resolveApiBaseUrl({ flag: apiUrl, offline: false });
  const build = await buildSite({ apiBaseUrl, plugins: [exerciseSwap()] });
  describeBuild(build, apiBaseUrl);
  const summary = await uploadSite({ bucket, dir: build.outDir, dryRun });
  say(formatSummary(summary));
  // [chapter 02] Once the distribution serves the bucket, what it cached of the changed files must go.
  const cdn = await stackOutputs(stackName(SERVICES.cdn));
  if (cdn?.DistributionId) {
    const paths = pathsToInvalidate(summary);
    if (dryRun) say(`Would invalidate in CloudFront: ${paths.join(' ') || 'nothing'}`);
    else {
      const invalidation = await invalidatePaths(cdn.DistributionId, paths);
      say(
        invalidation
          ? `CloudFront invalidation ${invalidation.id}: ${paths.join(' ')}`
          : 'Nothing to invalidate.',
      );
    }
    say(`\nYour site: ${cdn.SiteUrl}`);
    return;
  }
  say(`\nThe site is in s3://${bucket}, and the bucket is private: nobody can open it from the internet.`);
  say(`Look at it locally with npm run chapter:1 -- --preview, then serve it over HTTPS: npm run chapter:2`);
}

async function remove(): Promise<void> {
  await callerAccount();
  if (await stackOutputs(stackName(SERVICES.cdn))) {
    fail('chapter 02 still serves this bucket: remove it first with npm run chapter:2 -- --remove');
  }
  const outputs = await stackOutputs(stackName(SERVICES.site));
  if (!outputs) {
    say(`Nothing to remove: the stack ${stackName(SERVICES.site)} does not exist.`);
    return;
  }
  // CloudFormation cannot delete a bucket that still holds objects.
  if (outputs.SiteBucketName) {
    const count = await emptyBucket(s3Client(), outputs.SiteBucketName);
    say(`Emptied s3://${outputs.SiteBucketName} (${count} objects deleted).`);
  }
  await runServerless(CHAPTER_DIR, ['remove']);
}

async function main(): Promise<void> {
  const { values } = parseCommandLine('chapter:1', USAGE, {
    options: {
      offline: { type: 'boolean' },
      preview: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      'api-url': { type: 'string' },
      remove: { type: 'boolean' },
    },
  });
  const modes = (['offline', 'preview', 'remove'] as const).filter((mode) => values[mode]);
  if (modes.length > 1) fail(`choose one of --${modes.join(', --')}.\n\n${USAGE}`, 2);
  if (values['dry-run'] && (values.preview || values.remove)) {
    fail('--dry-run goes with an upload (on AWS or --offline), not with --preview or --remove.', 2);
  }
  loadDotEnv();
  const dryRun = values['dry-run'] ?? false;
  if (values.offline) await offline(values['api-url'], dryRun);
  else if (values.preview) await preview(values['api-url']);
  else if (values.remove) await remove();
  else await onAws(values['api-url'], dryRun);
}

main().catch((error: Error) => fail(error.message));
