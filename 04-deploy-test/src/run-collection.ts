/**
 * Run the chapter's Postman collection with newman's library API, and turn newman's run summary into
 * plain results: one per request sent, with its status and every Postman test, passed or failed.
 */
import path from 'node:path';
import type { NewmanRun, NewmanRunExecution, NewmanRunSummary } from 'newman';

/** What newman 6 also records of a request, which @types/newman (written for newman 5) leaves out. */
type Execution = NewmanRunExecution & {
  requestError?: { code?: string; message: string };
  prerequestScript?: { error: { name: string; message: string } }[];
  testScript?: { error: { name: string; message: string } }[];
};
type RunSummary = NewmanRunSummary & { run: NewmanRun & { error?: Error | null } };
type VariableDefinition = { key: string; value: string };

export const CHAPTER_DIR = path.resolve(__dirname, '..');
export const COLLECTION_FILE = path.join(CHAPTER_DIR, 'postman', 'cinq-euros-check.postman_collection.json');
export const ENVIRONMENT_FILES = {
  local: path.join(CHAPTER_DIR, 'postman', 'local.postman_environment.json'),
  aws: path.join(CHAPTER_DIR, 'postman', 'aws.postman_environment.json'),
} as const;
/** Where `npm run chapter:4` writes its JUnit XML (git-ignored: `reports/`). */
export const DEFAULT_JUNIT_FILE = path.join(CHAPTER_DIR, 'reports', 'chapter-04.junit.xml');

export type Target = keyof typeof ENVIRONMENT_FILES;

/** The values a run puts into the environment: what the requests are sent to, and how to sign. */
export interface RunValues {
  /** The check endpoint, e.g. https://abc123.execute-api.eu-west-3.amazonaws.com/dev/check */
  readonly checkUrl: string;
  /** The origin the API lets browsers call it from (the site's). */
  readonly siteOrigin?: string;
  /** SIGNATURE_KEY: the pre-request script makes the genuine legacy signature with it. */
  readonly signatureKey?: string;
  /** SIGNING_KEYS: the pre-request script signs the new-scheme token with the first key. */
  readonly signingKeys?: string;
  /** The API key, when the API was deployed to require one (npm run chapter:3 -- --api-key). */
  readonly apiKey?: string;
}

export interface CollectionRunOptions {
  readonly target: Target;
  /** Another version of the collection (an exercise's): the chapter's own file by default. */
  readonly collection?: object;
  readonly values: RunValues;
  /** Write a JUnit XML report here. */
  readonly junitFile?: string;
  /** Run only these folders or requests, by name. */
  readonly folder?: string | string[];
  /** One run of the collection per entry; its keys override the environment (e.g. billEmail, billNumber). */
  readonly iterationData?: Record<string, string>[];
  readonly timeoutRequestMs?: number;
  /** Pause between requests, e.g. to stay under a usage plan's rate limit. */
  readonly delayRequestMs?: number;
}

export interface AssertionResult {
  readonly name: string;
  readonly passed: boolean;
  readonly message?: string;
}

export interface RequestResult {
  readonly folder?: string;
  readonly name: string;
  readonly iteration: number;
  readonly method: string;
  readonly url: string;
  /** The body as sent, variables resolved. */
  readonly sentBody?: string;
  readonly status?: number;
  readonly statusText?: string;
  readonly timeMs?: number;
  readonly responseBody?: string;
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly assertions: readonly AssertionResult[];
  /** The request could not be sent or got no answer: newman's error code (ECONNREFUSED...) and message. */
  readonly requestError?: { readonly code?: string; readonly message: string };
  /** Errors thrown by the pre-request or test scripts (a missing variable, a syntax error). */
  readonly scriptErrors: readonly string[];
}

export interface CollectionRunResult {
  readonly requests: readonly RequestResult[];
  readonly assertions: { readonly total: number; readonly failed: number };
  /** Every failure newman counted: failed assertions, script errors and request errors. */
  readonly failures: number;
  readonly durationMs: number;
  readonly junitFile?: string;
  /** True when every request got an answer, no script failed, and every Postman test passed. */
  readonly ok: boolean;
}

/** Secrets go in as environment values, never into the files: newman only keeps them in memory. */
function environmentOverrides(values: RunValues): VariableDefinition[] {
  return Object.entries(values)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
    .map(([key, value]) => ({ key, value }));
}

function folderOf(execution: Execution): string | undefined {
  // A folder is an ItemGroup (it has a name); the collection itself, the parent of top-level requests,
  // has no parent and no folder name worth showing.
  const parent = execution.item.parent() as
    | (ReturnType<Execution['item']['parent']> & { name?: string })
    | undefined;
  return parent && typeof parent.parent === 'function' && parent.parent() ? parent.name : undefined;
}

function resultOf(execution: Execution): RequestResult {
  const { request, response } = execution;
  const responseHeaders: Record<string, string> = {};
  response?.headers.each((header) => {
    responseHeaders[header.key.toLowerCase()] = header.value;
  });
  const scriptErrors = [...(execution.prerequestScript ?? []), ...(execution.testScript ?? [])].map(
    ({ error }) => `${error.name}: ${error.message}`,
  );
  return {
    folder: folderOf(execution),
    name: execution.item.name,
    iteration: execution.cursor.iteration,
    method: request?.method ?? '?',
    url: request ? request.url.toString() : '?',
    sentBody: request?.body?.raw,
    status: response?.code,
    statusText: response?.status,
    timeMs: response?.responseTime,
    responseBody: response?.text(),
    responseHeaders,
    assertions: (execution.assertions ?? [])
      .filter((a) => !a.skipped)
      .map((a) => ({ name: a.assertion, passed: !a.error, message: a.error?.message })),
    requestError: execution.requestError
      ? { code: execution.requestError.code, message: execution.requestError.message }
      : undefined,
    scriptErrors,
  };
}

export function summarise(summary: RunSummary, junitFile?: string): CollectionRunResult {
  const { stats, timings, executions, failures, error } = summary.run;
  const requests = executions.map(resultOf);
  return {
    requests,
    assertions: { total: stats.assertions.total ?? 0, failed: stats.assertions.failed ?? 0 },
    failures: failures.length,
    durationMs: (timings.completed ?? Date.now()) - (timings.started ?? Date.now()),
    junitFile,
    ok: !error && failures.length === 0 && requests.every((r) => !r.requestError),
  };
}

/**
 * Loaded on the first run, not with this module: newman takes about 2 s to load, which a command that only
 * prints its usage or an error should not pay. newman 6.2 (the latest) reads every property of `fs` as it
 * loads, and on Node.js 24 that prints a deprecation warning for `fs.F_OK` (DEP0176) about newman's code,
 * not yours: deprecations are silenced for that load only. (Jest's sandbox has a process object of its own, so
 * `npm test` starts Jest with that one warning disabled instead.)
 */
async function loadNewman(): Promise<typeof import('newman')> {
  const before = process.noDeprecation;
  process.noDeprecation = true;
  try {
    return await import('newman');
  } finally {
    process.noDeprecation = before;
  }
}

/** Run the collection; resolves with the results (it rejects only when newman cannot run at all). */
export async function runCollection(options: CollectionRunOptions): Promise<CollectionRunResult> {
  const reporters = options.junitFile ? ['junit'] : [];
  const { run } = await loadNewman();
  return new Promise((resolve, reject) => {
    run(
      {
        collection: options.collection ?? COLLECTION_FILE,
        environment: ENVIRONMENT_FILES[options.target],
        envVar: environmentOverrides(options.values),
        folder: options.folder,
        iterationData: options.iterationData,
        reporters,
        reporter: options.junitFile ? { junit: { export: options.junitFile } } : {},
        // API Gateway gives up after 29 s; a cold Lambda answers within a few.
        timeoutRequest: options.timeoutRequestMs ?? 30_000,
        timeoutScript: 5_000,
        delayRequest: options.delayRequestMs ?? 0,
        color: 'off',
      },
      (error, summary) => {
        if (error) {
          reject(new Error(`newman could not run the collection: ${error.message}`));
          return;
        }
        resolve(summarise(summary, options.junitFile));
      },
    );
  });
}
