/**
 * A CloudWatch Logs endpoint that misbehaves the way a busy real one can: a proxy in front of the local
 * endpoint that answers some requests with ThrottlingException or a 5xx, slowly, in small pages, some
 * FilterLogEvents with an empty page that still has a nextToken; and whose Live Tail sessions are cut
 * without a goodbye, end with SessionTimeoutException, go silent with the connection open (half-open),
 * have some openings throttled and some updates sampled (events left out, `sampled: true`). Faults are
 * drawn from a seeded generator, so a failing run can be replayed, or come on a count (one call in seven
 * throttled...). Pages can also *shift*, as a real endpoint's do while late events arrive: the last events
 * of a page come again at the start of the next one (same eventId). The tests and the bench use it.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { LOOPBACK } from '../process/ports';
import { encodeEvent, encodeException } from '../stand-ins/logs/event-stream';

export interface Faults {
  /** Share of requests answered 400 ThrottlingException. */
  readonly throttleRate?: number;
  /** Share of requests answered 503 ServiceUnavailableException or a bare 500. */
  readonly serverErrorRate?: number;
  /** Share of FilterLogEvents answered with no events and a nextToken. */
  readonly emptyPageRate?: number;
  /** Every nth call (counted over the faultable ones) answered 400 ThrottlingException. */
  readonly throttleEvery?: number;
  /** Every nth call answered 503 ServiceUnavailableException (a throttled one is not counted twice). */
  readonly unavailableEvery?: number;
  /** Every nth FilterLogEvents page that would have events is answered empty, with a nextToken. */
  readonly emptyPageEvery?: number;
  /** Share of pages with a nextToken whose last one to three events come again at the next page's start. */
  readonly shiftedPageRate?: number;
  /** Cut every Live Tail stream after this long. */
  readonly dropLiveAfterMs?: number;
  /** FilterLogEvents pages of at most this many events (AWS's can be small). */
  readonly pageSize?: number;
  /** Each answer waits a random time in [min, max] ms. */
  readonly latencyMs?: readonly [number, number];
  /**
   * Each Live Tail session meets one fate, drawn at its start with these weights, after a random time in
   * `after` ms: cut without a goodbye, ended with SessionTimeoutException, or silent (kept open, nothing sent).
   */
  readonly liveFates?: {
    readonly cut?: number;
    readonly timeout?: number;
    readonly silent?: number;
    readonly after: readonly [number, number];
  };
  /** Share of StartLiveTail openings answered ThrottlingException. */
  readonly liveThrottleRate?: number;
  /** Share of Live Tail updates with events that are sampled: about half of them left out, `sampled: true`. */
  readonly liveSampleRate?: number;
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
const SHIFTED_TOKEN = 'injected-shifted-page:';

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
    liveTimeouts: 0,
    liveSilences: 0,
    liveThrottled: 0,
    sampledUpdates: 0,
    eventsLeftOut: 0,
    shiftedPages: 0,
    forwarded: 0,
  };
  /** The events a shifted page repeats, by the token that asks for the page after it. */
  const repeats = new Map<string, unknown[]>();
  let faultableCalls = 0;
  let pages = 0;
  const count = (name: string) => {
    counts[name] = (counts[name] ?? 0) + 1;
  };
  /** Live Tail sessions still open, to draw their fate again when the faults change. */
  const undecided = new Set<() => void>();
  const between = ([min, max]: readonly [number, number]) => min + random() * (max - min);
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    if (faults.latencyMs)
      await new Promise((resolve) => setTimeout(resolve, between(faults.latencyMs as [number, number])));
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
    if (operation === 'StartLiveTail' && random() < (faults.liveThrottleRate ?? 0)) {
      count('liveThrottled');
      answer(400, 'ThrottlingException', 'Rate exceeded');
      return;
    }
    const call = faultable ? ++faultableCalls : 0;
    if (faultable && faults.throttleEvery && call % faults.throttleEvery === 0) {
      count('throttled');
      answer(400, 'ThrottlingException', 'Rate exceeded');
      return;
    }
    if (faultable && faults.unavailableEvery && call % faults.unavailableEvery === 0) {
      count('serverErrors');
      answer(503, 'ServiceUnavailableException', 'injected: service unavailable');
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
    let repeated: unknown[] | undefined;
    if (operation === 'FilterLogEvents') {
      const input = JSON.parse(body.toString('utf8') || '{}') as { nextToken?: string; limit?: number };
      if (faults.pageSize) input.limit = Math.min(input.limit ?? faults.pageSize, faults.pageSize);
      forwardBody = Buffer.from(JSON.stringify(input));
      if (input.nextToken?.startsWith(SHIFTED_TOKEN)) {
        // The page after a shifted one: the real token's page, with the repeated events first.
        repeated = repeats.get(input.nextToken);
        repeats.delete(input.nextToken);
        input.nextToken = input.nextToken.slice(input.nextToken.indexOf(':', SHIFTED_TOKEN.length) + 1);
        forwardBody = Buffer.from(JSON.stringify(input));
      } else if (input.nextToken?.startsWith(EMPTY_TOKEN)) {
        // The page after an injected empty one: carry on where the real token said.
        const original = input.nextToken.slice(EMPTY_TOKEN.length);
        if (original) input.nextToken = original;
        else delete input.nextToken;
        forwardBody = Buffer.from(JSON.stringify(input));
      } else if (
        (faults.emptyPageEvery !== undefined && ++pages % faults.emptyPageEvery === 0) ||
        random() < (faults.emptyPageRate ?? 0)
      ) {
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
        if (
          operation === 'FilterLogEvents' &&
          upstreamRes.statusCode === 200 &&
          (repeated || faults.shiftedPageRate)
        ) {
          void readBody(upstreamRes).then(
            (text) => {
              const page = JSON.parse(text.toString('utf8')) as { events?: unknown[]; nextToken?: string };
              if (repeated) page.events = [...repeated, ...(page.events ?? [])];
              const events = page.events ?? [];
              if (page.nextToken && events.length > 0 && random() < (faults.shiftedPageRate ?? 0)) {
                count('shiftedPages');
                const token = `${SHIFTED_TOKEN}${counts.shiftedPages}:${page.nextToken}`;
                repeats.set(token, events.slice(-1 - Math.floor(random() * 3)));
                page.nextToken = token;
              }
              const answer = Buffer.from(JSON.stringify(page));
              res.writeHead(200, {
                ...upstreamRes.headers,
                'content-length': String(answer.length),
              });
              res.end(answer);
            },
            () => res.destroy(),
          );
          return;
        }
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        if (operation === 'StartLiveTail' && upstreamRes.statusCode === 200) {
          liveSession(upstreamRes, res);
          return;
        }
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

  /** A Live Tail stream passed on message by message: sampled, and ended by its fate. */
  function liveSession(upstream: IncomingMessage, res: import('node:http').ServerResponse): void {
    let silent = false;
    let buffered = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= buffered.readUInt32BE(0)) {
        const length = buffered.readUInt32BE(0);
        const frame = buffered.subarray(0, length);
        buffered = buffered.subarray(length);
        if (!silent && !res.destroyed) res.write(sample(frame));
      }
    });
    upstream.on('end', () => {
      if (!silent) res.end();
    });
    let timer: NodeJS.Timeout | undefined;
    const meet = (fate: 'cut' | 'timeout' | 'silent') => {
      if (fate === 'cut') {
        count('liveDrops');
        upstream.destroy();
        res.destroy();
      } else if (fate === 'timeout') {
        count('liveTimeouts');
        res.end(encodeException('SessionTimeoutException', 'injected: the Live Tail session has timed out.'));
        upstream.destroy();
      } else {
        // Half-open: the connection stays, nothing more comes (until the client gives up on it).
        count('liveSilences');
        silent = true;
      }
    };
    // The session's fate is drawn under the faults of the moment (now, or when they change).
    const decide = () => {
      if (timer) return;
      const fates = faults.liveFates;
      if (fates) {
        const kinds = (['cut', 'timeout', 'silent'] as const).filter((k) => (fates[k] ?? 0) > 0);
        const total = kinds.reduce((sum, k) => sum + (fates[k] ?? 0), 0);
        const draw = random() * total;
        let sum = 0;
        const fate =
          kinds.find((k) => {
            sum += fates[k] ?? 0;
            return draw < sum;
          }) ?? kinds[0];
        if (fate) timer = setTimeout(() => meet(fate), between(fates.after));
      } else if (faults.dropLiveAfterMs !== undefined) {
        timer = setTimeout(() => meet('cut'), faults.dropLiveAfterMs);
      }
    };
    decide();
    undecided.add(decide);
    res.on('close', () => {
      clearTimeout(timer);
      undecided.delete(decide);
      upstream.destroy();
    });
  }

  /** An event-stream frame, passed on, or a sessionUpdate with about half its events left out. */
  function sample(frame: Buffer): Buffer {
    if (!faults.liveSampleRate) return frame;
    const headersLength = frame.readUInt32BE(4);
    const headers = frame.subarray(12, 12 + headersLength).toString('latin1');
    if (!headers.includes('sessionUpdate')) return frame;
    const update = JSON.parse(frame.subarray(12 + headersLength, frame.length - 4).toString('utf8')) as {
      sessionResults?: unknown[];
      sessionMetadata?: { sampled?: boolean };
    };
    const results = update.sessionResults ?? [];
    if (results.length < 2 || random() >= faults.liveSampleRate) return frame;
    count('sampledUpdates');
    const kept = results.filter(() => random() < 0.5);
    counts.eventsLeftOut = (counts.eventsLeftOut ?? 0) + results.length - kept.length;
    return encodeEvent('sessionUpdate', { sessionMetadata: { sampled: true }, sessionResults: kept });
  }

  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    counts,
    setFaults(next) {
      faults = next;
      for (const decide of undecided) decide();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
