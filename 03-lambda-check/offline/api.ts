/**
 * This chapter's API on your machine: serverless-offline serving POST /<stage>/check on 127.0.0.1.
 *
 * Every port it opens (HTTP and the Lambda invoke endpoint) and its build folder are its own, so several
 * can run at once (parallel test files, npm start). Used by `npm run chapter:3 -- --offline`, npm start,
 * and the tests of chapters 01, 04 and 05.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { stage } from '../../shared/src/config';
import { ensureOfflineSecrets } from '../../shared/src/env';
import { freePort, LOOPBACK, localBin, type Service, startService } from '../../shared/src/process';

export const CHAPTER_DIR = path.resolve(__dirname, '..');

export interface OfflineApiOptions {
  /** HTTP port of the API (default: a free one). */
  port?: number;
  /** Port of serverless-offline's Lambda invoke endpoint (default: a free one). */
  lambdaPort?: number;
  /**
   * Added to this process's environment for the server and the handler (STAGE, SITE_ORIGIN...), and the
   * only source of SIGNATURE_KEY and SIGNING_KEYS: without them the API answers 503.
   * Default: process.env after ensureOfflineSecrets() (demo keys if none are configured).
   */
  env?: NodeJS.ProcessEnv;
  /** Every raw line serverless-offline prints: the handler's log lines and `(λ: check) RequestId: ...`. */
  onLine?: (line: string) => void;
}

export interface OfflineApi {
  /** http://127.0.0.1:<port>/<stage> */
  baseUrl: string;
  /** The full URL of POST /check. */
  checkUrl: string;
  /** The serverless-offline process, which runs the handler (chapter 05 reads its memory). */
  pid: number | undefined;
  stop(): Promise<void>;
}

const SECRET_NAMES = ['SIGNATURE_KEY', 'SIGNING_KEYS'] as const;
const READY = /Server ready: http/;
/** Servers started and not yet stopped, with the cleanup of their build folder. */
const running = new Map<Service, () => void>();

// If the caller exits without stop() (a crashed test worker, Ctrl-C), do not leave servers behind.
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [service, removeBuild] of running) {
      try {
        process.kill(-(service.child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
      removeBuild();
    }
  });
}

function childEnv(source: NodeJS.ProcessEnv, buildFolder: string): NodeJS.ProcessEnv {
  // Plain output lines (no colour codes) for onLine and whoever parses them.
  const env: NodeJS.ProcessEnv = { ...process.env, ...source, FORCE_COLOR: '0', NO_COLOR: '1' };
  // The secrets come from `source` only: a caller passing an env without them gets an unconfigured API.
  for (const name of SECRET_NAMES) {
    if (source[name]) env[name] = source[name];
    else delete env[name];
  }
  env.CHECK_BUILD_FOLDER = buildFolder;
  return env;
}

async function startOnce(options: OfflineApiOptions, source: NodeJS.ProcessEnv): Promise<OfflineApi> {
  const port = options.port ?? (await freePort());
  let lambdaPort = options.lambdaPort ?? (await freePort());
  while (lambdaPort === port) lambdaPort = await freePort();
  // .esbuild/<this folder> (serverless.yml): one per server. serverless-esbuild deletes its own build folder
  // after a package, a deploy or an invoke; each of those gets a folder of its own, so none of them deletes
  // the one a running server serves from.
  const buildFolder = `offline-${process.pid}-${randomBytes(4).toString('hex')}`;
  const removeBuild = () =>
    rmSync(path.join(CHAPTER_DIR, '.esbuild', buildFolder), { recursive: true, force: true });
  const env = childEnv(source, buildFolder);
  let service: Service;
  try {
    service = await startService({
      name: 'serverless-offline (chapter 03 API)',
      command: localBin('serverless'),
      args: [
        'offline',
        'start',
        '--host',
        LOOPBACK,
        '--httpPort',
        String(port),
        '--lambdaPort',
        String(lambdaPort),
        // The handler sees this process's environment (the secrets), which never enters the template.
        '--localEnvironment',
      ],
      cwd: CHAPTER_DIR,
      env,
      onLine: (line) => options.onLine?.(line),
      readyWhen: { line: READY },
      readyTimeoutMs: 60_000,
    });
  } catch (error) {
    removeBuild();
    throw error;
  }
  running.set(service, removeBuild);
  installExitHook();
  const baseUrl = `http://${LOOPBACK}:${port}/${stage(env)}`;
  return {
    baseUrl,
    checkUrl: `${baseUrl}/check`,
    pid: service.child.pid,
    async stop() {
      await service.stop();
      running.delete(service);
      removeBuild();
    },
  };
}

/** Start serverless-offline for this chapter; resolves once the API answers. */
export async function startOfflineApi(options: OfflineApiOptions = {}): Promise<OfflineApi> {
  let source = options.env;
  if (!source) {
    ensureOfflineSecrets();
    source = process.env;
  }
  try {
    return await startOnce(options, source);
  } catch (error) {
    // A free port can be taken between our check and the server's bind: with ports of our own choosing,
    // try once more on fresh ones.
    const collided = /EADDRINUSE|address already in use/i.test(String((error as Error).message));
    if (!collided || options.port !== undefined || options.lambdaPort !== undefined) throw error;
    return startOnce(options, source);
  }
}
