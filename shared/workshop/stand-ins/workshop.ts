/**
 * The whole workshop on this machine, composed from each chapter's offline stand-in:
 * the local CloudWatch Logs endpoint (05), the local S3 holding the built site (01), the check API on
 * serverless-offline whose invocations land in the local logs as Lambda writes them (03 + 05), and the
 * local stand-in of the CloudFront distribution, with its security headers, in front of the bucket (02).
 * `npm start` runs it; the end-to-end test runs `npm start`.
 */
import { existsSync, lstatSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { type PortName, port, stage } from '../../src/config';
import { DATA_MARKER, DEMO_KEYS_FILE, isWorkshopData, REPO_ROOT } from '../env';
import { assertPortFree, LOOPBACK } from '../process/ports';
import { startOfflineApi } from './api/offline-api';
import { startLocalCdn } from './cdn/local-cdn';
import { securityHeaders } from './cdn/security-headers';
import { createCheckLogShipper } from './logs/check-log-shipper';
import { defaultLogsDir, startLocalLogs } from './logs/server';
import { DEFAULT_LOCAL_S3_DIR, startLocalS3 } from './s3/local-s3';
import { publishToLocalS3 } from './site/local-site';

export interface WorkshopUrls {
  readonly site: string;
  readonly checkPage: string;
  readonly api: string;
  readonly check: string;
  readonly logs: string;
  readonly s3: string;
  readonly logGroup: string;
}

export interface RunningWorkshop {
  readonly urls: WorkshopUrls;
  /** Stops everything it started, newest first; safe to call twice. */
  stop(): Promise<void>;
}

export interface WorkshopOptions {
  /** A line per service as it comes up, and other progress. */
  readonly say: (line: string) => void;
  /** Every line the API's serverless-offline prints (the terminal stays quiet unless asked). */
  readonly onApiLine?: (line: string) => void;
}

const PORTS: readonly PortName[] = ['SITE_PORT', 'S3_PORT', 'API_PORT', 'LAMBDA_PORT', 'LOGS_PORT'];

function sizeOf(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes };
}

const shown = (dir: string) =>
  dir.startsWith(`${REPO_ROOT}${path.sep}`) ? path.relative(REPO_ROOT, dir) : dir;

/**
 * `npm start -- --reset`: delete the local bucket and logs, but only folders that carry the workshop's
 * marker (a LOCAL_DATA_DIR or LOGS_DIR pointed at someone's own folder is left alone), and say exactly
 * what was removed. The demo keys stay, so signatures already made still verify.
 */
export function resetLocalData(
  say: (line: string) => void,
  folders: readonly string[] = [DEFAULT_LOCAL_S3_DIR, defaultLogsDir()],
  demoKeysFile = DEMO_KEYS_FILE,
): void {
  for (const dir of folders) {
    if (!existsSync(dir)) {
      say(`nothing to clear in ${shown(dir)} (no such folder)`);
    } else if (!isWorkshopData(dir)) {
      say(
        `left ${shown(dir)} as it is: it has no ${DATA_MARKER} file, so it may not be the workshop's. Delete it yourself if it is.`,
      );
    } else if (lstatSync(dir).isSymbolicLink()) {
      // Removing the link would leave every file where it is: empty the folder it leads to, keep the link.
      const target = realpathSync(dir);
      const { files, bytes } = sizeOf(target);
      for (const name of readdirSync(target))
        rmSync(path.join(target, name), { recursive: true, force: true });
      say(
        `emptied ${target}, where the link ${shown(dir)} leads (${files} file${files === 1 ? '' : 's'}, ${(bytes / 1024).toFixed(1)} KB); the link is kept`,
      );
    } else {
      const { files, bytes } = sizeOf(dir);
      rmSync(dir, { recursive: true, force: true });
      say(`removed ${shown(dir)} (${files} file${files === 1 ? '' : 's'}, ${(bytes / 1024).toFixed(1)} KB)`);
    }
  }
  if (existsSync(demoKeysFile)) {
    say(`kept ${shown(demoKeysFile)} (delete it by hand for new demo keys)`);
  }
}

/** Check every port before starting anything: a taken one is an error naming the variable to change. */
export async function assertPortsFree(): Promise<Record<PortName, number>> {
  const ports = Object.fromEntries(PORTS.map((name) => [name, port(name)])) as Record<PortName, number>;
  const seen = new Map<number, PortName>();
  for (const name of PORTS) {
    const other = seen.get(ports[name]);
    if (other) throw new Error(`${name} and ${other} are both ${ports[name]}: give each its own port.`);
    seen.set(ports[name], name);
    await assertPortFree(ports[name], name);
  }
  return ports;
}

export async function startWorkshop(options: WorkshopOptions): Promise<RunningWorkshop> {
  const { say } = options;
  const ports = await assertPortsFree();
  const stops: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const stopOne of stops.reverse()) await stopOne().catch(() => undefined);
    })();
    return stopping;
  };

  const siteOrigin = `http://localhost:${ports.SITE_PORT}`;
  const apiBaseUrl = `http://${LOOPBACK}:${ports.API_PORT}/${stage()}`;
  try {
    const logs = await startLocalLogs({ port: ports.LOGS_PORT });
    stops.push(() => logs.stop());
    say(
      `ok  local CloudWatch Logs   ${logs.endpoint}  (data in ${path.relative(REPO_ROOT, logs.dataDir ?? '')})`,
    );
    for (const line of logs.store.recovery) say(`    on start, the logs store ${line}`);

    let apiPid: number | undefined;
    const shipper = createCheckLogShipper({ endpoint: logs.endpoint, apiPid: () => apiPid });
    await shipper.ensureLogGroup();
    stops.push(() => shipper.close());

    // Read from chapter 02's serverless.yml, no packaging: the distribution's security headers.
    const headers = securityHeaders(new URL(apiBaseUrl).origin);
    // The two slow starts run side by side: the bucket and the API (a build and a server).
    const [s3, api] = await Promise.all([
      startLocalS3({ port: ports.S3_PORT }).then((s3) => {
        stops.push(() => s3.stop());
        say(`ok  local S3                ${s3.endpoint}  (data in ${path.relative(REPO_ROOT, s3.dataDir)})`);
        return s3;
      }),
      startOfflineApi({
        port: ports.API_PORT,
        lambdaPort: ports.LAMBDA_PORT,
        env: { ...process.env, SITE_ORIGIN: siteOrigin },
        onLine: (line) => {
          shipper.onLine(line);
          options.onApiLine?.(line);
        },
      }).then((api) => {
        apiPid = api.pid;
        stops.push(() => api.stop());
        say(
          `ok  check API               ${api.checkUrl}  (serverless-offline, logs to ${shipper.logGroupName})`,
        );
        return api;
      }),
    ]);

    const site = await publishToLocalS3(s3, { apiBaseUrl: api.baseUrl, log: () => undefined });
    const { upload } = site;
    say(
      `ok  site built and uploaded  ${site.build.files.length} files to s3://${site.bucket} (${upload.added.length + upload.replaced.length} uploaded, ${upload.unchanged.length} unchanged, ${upload.deleted.length} deleted)`,
    );

    const cdn = await startLocalCdn({ port: ports.SITE_PORT, originUrl: site.url, headers });
    stops.push(() => cdn.stop());
    say(`ok  site                    ${cdn.url}  (local stand-in of the CloudFront distribution)`);

    return {
      urls: {
        site: cdn.url,
        checkPage: new URL('check.html', cdn.url).href,
        api: api.baseUrl,
        check: api.checkUrl,
        logs: logs.endpoint,
        s3: s3.endpoint,
        logGroup: shipper.logGroupName,
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
