/**
 * Retrying what may succeed later: throttling (CloudWatch Logs allows 5 FilterLogEvents a second per
 * account, shared by a whole classroom), 5xx answers and dropped connections. Exponential backoff with full
 * jitter, so that thirty learners throttled at once do not all come back at the same instant.
 */

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServerError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTCONN',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

interface SdkLikeError {
  name?: string;
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  cause?: unknown;
}

export function isThrottling(error: unknown): boolean {
  const name = (error as SdkLikeError)?.name ?? '';
  return (
    /Throttl|TooManyRequests|RequestLimitExceeded/.test(name) ||
    (error as SdkLikeError)?.$metadata?.httpStatusCode === 429
  );
}

/** Whether trying again later may succeed. Missing groups, denied access and bad credentials never do. */
export function isRetryable(error: unknown): boolean {
  const e = (error ?? {}) as SdkLikeError;
  if (e.name && RETRYABLE_NAMES.has(e.name)) return true;
  if (isThrottling(e)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  if (e.$fault === 'server') return true;
  const code = e.code ?? (e.cause as SdkLikeError | undefined)?.code;
  if (code && NETWORK_CODES.has(code)) return true;
  return false;
}

export interface Backoff {
  /** The wait before the next attempt, in ms; grows with each call. */
  next(): number;
  reset(): void;
  readonly attempts: number;
}

/** Full-jitter exponential backoff: a random wait in [0, min(cap, base * 2^attempt)]. */
export function exponentialBackoff(
  baseMs = 250,
  capMs = 20_000,
  random: () => number = Math.random,
): Backoff {
  let attempts = 0;
  return {
    next() {
      const ceiling = Math.min(capMs, baseMs * 2 ** attempts);
      attempts++;
      // Full jitter: anywhere from 0 to the ceiling, so that clients throttled together spread out.
      return Math.round(ceiling * random());
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface RetryOptions {
  readonly signal?: AbortSignal;
  /** Give up after this many failed attempts (default: never, for a tail that follows). */
  readonly maxAttempts?: number;
  readonly backoff?: Backoff;
  /** Told before each wait: what failed and how long it waits. */
  readonly onRetry?: (error: unknown, waitMs: number, attempt: number) => void;
}

/** Run `call` until it succeeds, a non-retryable error comes, the attempts run out or the signal aborts. */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const backoff = options.backoff ?? exponentialBackoff();
  let attempt = 0;
  for (;;) {
    try {
      const result = await call();
      backoff.reset();
      return result;
    } catch (error) {
      attempt++;
      if (
        !isRetryable(error) ||
        options.signal?.aborted ||
        attempt >= (options.maxAttempts ?? Number.POSITIVE_INFINITY)
      ) {
        throw error;
      }
      const wait = backoff.next();
      options.onRetry?.(error, wait, attempt);
      await sleep(wait, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}
