/**
 * A CloudWatch Logs endpoint that misbehaves the way the real one can: a proxy in front of the local
 * endpoint that answers some requests with ThrottlingException or a 5xx, answers some FilterLogEvents with
 * an empty page that still has a nextToken, and cuts Live Tail streams after a while. Faults are drawn from
 * a seeded generator, so a failing run can be replayed.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { LOOPBACK } from '../../../shared/src/process';

export interface Faults {
  /** Share of requests answered 400 ThrottlingException. */
  readonly throttleRate?: number;
  /** Share of requests answered 503 ServiceUnavailableException or a bare 500. */
  readonly serverErrorRate?: number;
  /** Share of FilterLogEvents answered with no events and a nextToken. */
  readonly emptyPageRate?: number;
  /** Cut every Live Tail stream after this long. */
  readonly dropLiveAfterMs?: number;
  /** Answer StartLiveTail with this error type (e.g. AccessDeniedException) instead. */
  readonly refuseLiveWith?: string;
  /** Answer these operations with AccessDeniedException. */
  readonly denyOperations?: readonly string[];
  /** Faults only hit these operations (default: all but StartLiveTail for the rates). */
  readonly operations?: readonly string[];
}

export interface FaultyEndpoint {
  readonly endpoint: string;
  readonly counts: Record<string, number>;
  /** Change the faults from now on (e.g. end a burst of throttling). */
  setFaults(faults: Faults): void;
  stop(): Promise<void>;
}

/** mulberry32: small, seeded, good enough to draw faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const EMPTY_TOKEN = 'injected-empty-page:';

export async function startFaultyEndpoint(
  target: string,
  initial: Faults,
  seed = 1,
): Promise<FaultyEndpoint> {
  let faults = initial;
  const random = seededRandom(seed);
  const upstream = new URL(target);
  const counts: Record<string, number> = {
    throttled: 0,
    serverErrors: 0,
    emptyPages: 0,
    liveDrops: 0,
    forwarded: 0,
  };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.split('.')[1] ?? '';
    const faultable = faults.operations
      ? faults.operations.includes(operation)
      : operation !== 'StartLiveTail';
    const answer = (status: number, type: string | undefined, message: string) => {
      const text = type ? JSON.stringify({ __type: type, message }) : message;
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        ...(type ? { 'x-amzn-errortype': type } : {}),
      });
      res.end(text);
    };
    if (faults.denyOperations?.includes(operation)) {
      answer(
        400,
        'AccessDeniedException',
        `User: arn:aws:iam::000000000000:user/learner is not authorized to perform: logs:${operation}`,
      );
      return;
    }
    if (operation === 'StartLiveTail' && faults.refuseLiveWith) {
      answer(400, faults.refuseLiveWith, 'injected: no Live Tail here');
      return;
    }
    if (faultable && random() < (faults.throttleRate ?? 0)) {
      counts.throttled = (counts.throttled ?? 0) + 1;
      answer(400, 'ThrottlingException', 'Rate exceeded');
      return;
    }
    if (faultable && random() < (faults.serverErrorRate ?? 0)) {
      counts.serverErrors = (counts.serverErrors ?? 0) + 1;
      if (random() < 0.5) answer(503, 'ServiceUnavailableException', 'injected: service unavailable');
      else answer(500, undefined, 'injected: internal error');
      return;
    }
    let forwardBody = body;
    if (operation === 'FilterLogEvents') {
      const input = JSON.parse(body.toString('utf8') || '{}') as { nextToken?: string };
      if (input.nextToken?.startsWith(EMPTY_TOKEN)) {
        // The page after an injected empty one: carry on where the real token said.
        const original = input.nextToken.slice(EMPTY_TOKEN.length);
        if (original) input.nextToken = original;
        else delete input.nextToken;
        forwardBody = Buffer.from(JSON.stringify(input));
      } else if (random() < (faults.emptyPageRate ?? 0)) {
        counts.emptyPages = (counts.emptyPages ?? 0) + 1;
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify({
            events: [],
            searchedLogStreams: [],
            nextToken: `${EMPTY_TOKEN}${input.nextToken ?? ''}`,
          }),
        );
        return;
      }
    }
    counts.forwarded = (counts.forwarded ?? 0) + 1;
    const headers = { ...req.headers, host: upstream.host, 'content-length': String(forwardBody.length) };
    const proxied = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
        if (operation === 'StartLiveTail' && faults.dropLiveAfterMs !== undefined) {
          const timer = setTimeout(() => {
            counts.liveDrops = (counts.liveDrops ?? 0) + 1;
            upstreamRes.destroy();
            res.destroy();
          }, faults.dropLiveAfterMs);
          res.on('close', () => clearTimeout(timer));
        }
        res.on('close', () => upstreamRes.destroy());
      },
    );
    proxied.on('error', () => res.destroy());
    proxied.end(forwardBody);
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    counts,
    setFaults(next) {
      faults = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
