/**
 * The readable report of a collection run: one line per request (status and time), the failed Postman
 * tests under their request, a total, and hints for the failures learners meet most.
 */
import type { CollectionRunResult, RequestResult } from './run-collection';

export interface ReportOptions {
  /** List every Postman test, not only the failed ones. */
  readonly verbose?: boolean;
  /** Shown as the path of the JUnit file (e.g. relative to the repository). */
  readonly junitLabel?: string;
}

const PASS = '✓';
const FAIL = '✗';

function failed(request: RequestResult): boolean {
  return (
    request.requestError !== undefined ||
    request.scriptErrors.length > 0 ||
    request.assertions.some((a) => !a.passed)
  );
}

function statusOf(request: RequestResult): string {
  if (request.requestError) return `no answer (${request.requestError.code ?? 'error'})`;
  return `${request.status ?? '?'} ${request.statusText ?? ''}`.trim();
}

/** What to do about a request that got no answer at all. */
export function explainRequestError(error: { code?: string; message: string }, url: string): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `Nothing answers at ${url}. Offline: npm run chapter:4 -- --offline starts the API. On AWS: check the URL.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The host of ${url} does not resolve: the URL is mistyped, or the API was removed (deploy chapter 03 again).`;
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return `${url} did not answer in time: check your network, and the function's logs (chapter 05).`;
    case 'ECONNRESET':
      return `${url} closed the connection: try again; if it persists, look at the function's logs (chapter 05).`;
    default:
      return `${error.message} (${url})`;
  }
}

/** Hints for the failures whose cause is not in the collection but in the setup. */
export function hintsFor(result: CollectionRunResult): string[] {
  const hints = new Set<string>();
  const answered = result.requests.filter((r) => r.status !== undefined);
  const body = (r: RequestResult) => r.responseBody ?? '';
  for (const request of answered) {
    if (request.status === 403 && /Forbidden/.test(body(request))) {
      hints.add(
        'API Gateway answered 403 Forbidden: the API requires an API key (chapter 03 deployed with --api-key). Pass it: npm run chapter:4 -- --api-key <key>, or set apiKey in the Postman environment.',
      );
    }
    if (request.status === 403 && /Missing Authentication Token/.test(body(request))) {
      hints.add(
        'API Gateway answered "Missing Authentication Token": no such path or stage. The URL must end in /<stage>/check.',
      );
    }
    if (request.status === 404) {
      hints.add(
        'A 404: something answers at this address, but not the check API. Check the URL (it ends in /<stage>/check) and what listens on API_PORT.',
      );
    }
    if (request.status === 429) {
      hints.add(
        'A 429 Too Many Requests: API Gateway throttled the run (the usage plan of the API key allows 2 requests/s). Run it again in a few seconds.',
      );
    }
    if (request.status === 502) {
      hints.add(
        'A 502: the function failed or timed out. Its logs say why: npm run chapter:5 (or CloudWatch, as in the article).',
      );
    }
    if (request.status === 503 && /not-configured/.test(body(request))) {
      hints.add(
        'A 503 not-configured: the function has no keys. On AWS, create the SSM parameters (npm run chapter:3 says how); offline, set SIGNATURE_KEY and SIGNING_KEYS.',
      );
    }
  }
  const genuineRefused = answered.some(
    (r) =>
      r.status === 400 &&
      /"reason":"(not-a-bill|not-utf8|bad-signature|unknown-key)"/.test(body(r)) &&
      /Genuine signature|New-scheme token/.test(r.name),
  );
  if (genuineRefused) {
    hints.add(
      'A genuine signature was refused: the API holds other keys than this run signed with. Use the same SIGNATURE_KEY and SIGNING_KEYS as the API (.env for offline; the SSM parameters on AWS).',
    );
  }
  const otherOrigin = result.requests.some((r) =>
    r.assertions.some((a) => !a.passed && a.name.startsWith('CORS:') && /to equal/.test(a.message ?? '')),
  );
  if (otherOrigin) {
    hints.add(
      "The API lets another origin than the site's call it: it takes the site's origin when it is deployed. Deploy chapter 02, then chapter 03 again (npm run chapter:3), or set SITE_ORIGIN to the origin the API was deployed with.",
    );
  }
  for (const request of result.requests) {
    if (request.requestError) hints.add(explainRequestError(request.requestError, request.url));
  }
  return [...hints];
}

function requestLine(request: RequestResult, showIteration: boolean): string {
  const mark = failed(request) ? FAIL : PASS;
  const label = `${showIteration ? `#${request.iteration + 1} ` : ''}${request.method} ${request.name}`;
  const time = request.timeMs === undefined ? '' : `${request.timeMs} ms`;
  return `  ${mark} ${label.padEnd(44)} ${statusOf(request).padEnd(26)} ${time.padStart(7)}`;
}

export function formatReport(result: CollectionRunResult, options: ReportOptions = {}): string {
  const lines: string[] = [];
  const showIteration = result.requests.some((r) => r.iteration > 0);
  const everyRequestUnanswered =
    result.requests.length > 0 && result.requests.every((r) => r.requestError !== undefined);
  let folder: string | undefined;
  for (const request of result.requests) {
    if (request.folder !== folder) {
      folder = request.folder;
      if (folder) lines.push(folder);
    }
    lines.push(requestLine(request, showIteration));
    if (everyRequestUnanswered) continue;
    for (const error of request.scriptErrors) lines.push(`      ${FAIL} script error: ${error}`);
    for (const assertion of request.assertions) {
      if (assertion.passed && !options.verbose) continue;
      lines.push(`      ${assertion.passed ? PASS : FAIL} ${assertion.name}`);
      if (!assertion.passed && assertion.message) lines.push(`          ${assertion.message}`);
    }
  }
  const { total, failed: failedTests } = result.assertions;
  const count = result.requests.length;
  const ran = `${count} request${count === 1 ? '' : 's'} in ${(result.durationMs / 1000).toFixed(1)} s`;
  lines.push('');
  if (result.ok) lines.push(`${total} of ${total} Postman tests passed, ${ran}.`);
  else if (total > 0) lines.push(`FAILED: ${failedTests} of ${total} Postman tests failed, ${ran}.`);
  const otherFailures = result.failures - failedTests;
  if (otherFailures > 0) {
    lines.push(
      `FAILED: ${otherFailures} request(s) or script(s) failed besides the tests${total > 0 ? '' : `, ${ran}`}.`,
    );
  }
  if (options.junitLabel) lines.push(`JUnit report: ${options.junitLabel}`);
  const hints = hintsFor(result);
  if (hints.length > 0) {
    lines.push('');
    for (const hint of hints) lines.push(`hint: ${hint}`);
  }
  return `${lines.join('\n')}\n`;
}
