/**
 * This chapter's API on your machine: serverless-offline serving POST /<stage>/check on 127.0.0.1.
 *
 * Every port it opens (HTTP and the Lambda invoke endpoint) and its build folder are its own, so several
 * can run at once (parallel test files, npm start). Used by `npm run chapter:3 -- --offline`, npm start,
 * and the tests of chapters 01, 04 and 05.
 *
 * CORS is the function's to answer, as behind API Gateway's proxy integration: serverless-offline, when a
 * request carries an Origin, adds CORS headers of its own (the Origin reflected, allow-credentials: true)
 * and answers OPTIONS itself, which the deployed API never does. So it listens on an inner port, and a
 * small proxy on the API's port passes every request on without its Origin header: serverless-offline
 * then adds nothing, and the browser sees exactly the headers the function set. The function never reads
 * the Origin (it always names the one site it allows). serverless-offline's router cannot route OPTIONS
 * to a function at all, so the proxy hands a preflight to the function itself, through serverless-offline's
 * Lambda invoke endpoint, as the API Gateway proxy event the deployed API would send. serverless-offline
 * prints no request line for an invocation (only the handler's lines and its RequestId line), so the proxy
 * tells onLine the one its router would have printed (`OPTIONS /dev/check (λ: check)`): the log shipper
 * then ships the preflight as a request of its own, in order.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { checkFunctionName, config as settings, stage } from '../../../src/config';
import { ensureOfflineSecrets, REPO_ROOT } from '../../env';
import { SERVERLESS_ENTRY } from '../../process/entries';
import { ownedName, sweepOrphans } from '../../process/owned-folders';
import { freePort, LOOPBACK } from '../../process/ports';
import { type Service, startService } from '../../process/services';

export const CHAPTER_DIR = path.join(REPO_ROOT, '03-lambda-check');
const BUILD_ROOT = path.join(CHAPTER_DIR, '.esbuild');
const BUILD_PREFIX = 'offline';

export interface OfflineApiOptions {
  /** HTTP port of the API (default: a free one). */
  port?: number;
  /** Inner port of serverless-offline, behind the proxy (default: a free one). */
  serverPort?: number;
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

/** The function's answer to an OPTIONS request, from serverless-offline's Lambda invoke endpoint. */
async function preflight(
  req: IncomingMessage,
  res: ServerResponse,
  lambdaPort: number,
  stageName: string,
  functionName: string,
) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const prefix = `/${stageName}`;
  const resource = url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length) : undefined;
  if (resource !== '/check') {
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Missing Authentication Token' }));
    return;
  }
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(',') : String(value),
    ]),
  );
  const event = {
    resource,
    path: resource,
    httpMethod: 'OPTIONS',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      requestId: randomBytes(16).toString('hex'),
      stage: stageName,
      httpMethod: 'OPTIONS',
      path: url.pathname,
      resourcePath: resource,
      identity: { sourceIp: req.socket.remoteAddress ?? LOOPBACK },
    },
    body: null,
    isBase64Encoded: false,
  };
  try {
    const answer = await fetch(
      `http://${LOOPBACK}:${lambdaPort}/2015-03-31/functions/${functionName}/invocations`,
      {
        method: 'POST',
        body: JSON.stringify(event),
      },
    );
    const result = (await answer.json()) as {
      statusCode?: number;
      headers?: Record<string, string>;
      body?: string;
    };
    res.writeHead(result.statusCode ?? 502, result.headers ?? {});
    res.end(result.body ?? '');
  } catch (error) {
    res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
    res.end(
      JSON.stringify({
        error: 'offline-api-down',
        message: `The function did not answer: ${(error as Error).message}`,
      }),
    );
  }
}

/** Headers about one connection, which a proxy does not pass on (Node's server writes its own). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date']);

/**
 * Passes every request to serverless-offline on `serverPort`, without its Origin header; OPTIONS goes to
 * the function itself.
 */
function corsProxy(
  serverPort: number,
  lambdaPort: number,
  env: NodeJS.ProcessEnv,
  onLine: (line: string) => void,
): Server {
  const stageName = stage(env);
  const functionName = checkFunctionName(env);
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'OPTIONS') {
      req.resume();
      const { pathname } = new URL(req.url ?? '/', 'http://localhost');
      if (pathname === `/${stageName}/check`) onLine(`OPTIONS ${pathname} (λ: ${settings.checkFunction})`);
      void preflight(req, res, lambdaPort, stageName, functionName);
      return;
    }
    const headers = { ...req.headers };
    delete headers.origin;
    const upstream = request(
      { host: LOOPBACK, port: serverPort, method: req.method, path: req.url, headers },
      (answer) => {
        // The function's headers as they came (their case too); the hop-by-hop ones are this server's own.
        const headers: string[] = [];
        for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
          const name = answer.rawHeaders[i] as string;
          if (HOP_BY_HOP.has(name.toLowerCase())) continue;
          headers.push(name, answer.rawHeaders[i + 1] as string);
        }
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        `${JSON.stringify({ error: 'offline-api-down', message: `serverless-offline did not answer: ${error.message}` })}\n`,
      );
    });
    req.pipe(upstream);
  });
}

async function listen(server: Server, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function startOnce(options: OfflineApiOptions, source: NodeJS.ProcessEnv): Promise<OfflineApi> {
  const port = options.port ?? (await freePort());
  let serverPort = options.serverPort ?? (await freePort());
  while (serverPort === port) serverPort = await freePort();
  let lambdaPort = options.lambdaPort ?? (await freePort());
  while (lambdaPort === port || lambdaPort === serverPort) lambdaPort = await freePort();
  // .esbuild/<this folder> (serverless.yml): one per server. serverless-esbuild deletes its own build folder
  // after a package, a deploy or an invoke; each of those gets a folder of its own, so none of them deletes
  // the one a running server serves from.
  // Named after this process, which owns it: a run killed outright leaves one behind, swept here.
  sweepOrphans(BUILD_ROOT, BUILD_PREFIX);
  const buildFolder = ownedName(BUILD_PREFIX);
  const buildPath = path.join(BUILD_ROOT, buildFolder);
  const removeBuild = () => rmSync(buildPath, { recursive: true, force: true });
  const env = childEnv(source, buildFolder);
  let service: Service;
  try {
    service = await startService({
      name: 'serverless-offline (chapter 03 API)',
      entry: SERVERLESS_ENTRY,
      args: [
        'offline',
        'start',
        '--host',
        LOOPBACK,
        '--httpPort',
        String(serverPort),
        '--lambdaPort',
        String(lambdaPort),
        // The handler sees this process's environment (the secrets), which never enters the template.
        '--localEnvironment',
      ],
      cwd: CHAPTER_DIR,
      env,
      // Removed once the server has ended, by this process or, if this one is gone, by the server's guard.
      cleanup: [buildPath],
      onLine: (line) => options.onLine?.(line),
      readyWhen: { line: READY },
      readyTimeoutMs: 60_000,
    });
  } catch (error) {
    removeBuild();
    throw error;
  }
  const proxy = corsProxy(serverPort, lambdaPort, env, (line) => options.onLine?.(line));
  try {
    await listen(proxy, port);
  } catch (error) {
    await service.stop();
    throw error;
  }
  const baseUrl = `http://${LOOPBACK}:${port}/${stage(env)}`;
  return {
    baseUrl,
    checkUrl: `${baseUrl}/check`,
    pid: service.child.pid,
    async stop() {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await service.stop();
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
    const chosen = [options.port, options.lambdaPort, options.serverPort].some((p) => p !== undefined);
    if (!collided || chosen) throw error;
    return startOnce(options, source);
  }
}
