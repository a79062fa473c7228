/**
 * The checks and hints of chapter 04's exercises, for `npm run exercise -- 4`. Your work goes in the
 * other files of this folder; this one only reads them.
 *
 * Both run against the real chapter 03 handler, called in this process behind a small HTTP server on
 * 127.0.0.1 (no serverless-offline, no AWS), with test keys.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { handler } from '../../03-lambda-check/src/check';
import { encode } from '../../shared/src/index';
import {
  calling,
  displayName,
  type Exercise,
  expectThat,
  Mismatch,
  ownSubprocess,
  shown,
} from '../../shared/workshop/exercises/contract';
import { withLocalHttpServer } from '../../shared/workshop/process/http-server';
import { findCurl } from '../../shared/workshop/tools';
import { COLLECTION_FILE, runCollection } from '../src/run-collection';

/** Test keys, for this check only (the handler reads them from the environment, as offline). */
const KEYS = { SIGNATURE_KEY: 'exercise-password', SIGNING_KEYS: `exercise:${'e'.repeat(40)}` };
const SITE_ORIGIN = 'http://localhost:8080';
const REQUEST_NAME = 'Signature in JSON';

interface Seen {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

type Answer = { status: number; headers: Record<string, string>; body: string };

/**
 * Serve the chapter 03 handler on 127.0.0.1 while `use` runs; `change` may alter its answers (the wrong
 * answers a test must catch). The handler's log lines are kept out of the learner's terminal.
 */
async function withHandler<T>(
  use: (checkUrl: string, seen: Seen[]) => Promise<T>,
  change: (answer: Answer) => Answer = (answer) => answer,
): Promise<T> {
  const saved = { SIGNATURE_KEY: process.env.SIGNATURE_KEY, SIGNING_KEYS: process.env.SIGNING_KEYS };
  Object.assign(process.env, KEYS, { ALLOWED_ORIGIN: SITE_ORIGIN });
  const seen: Seen[] = [];
  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', async () => {
      seen.push({ method: req.method ?? '', headers: req.headers, body });
      const write = process.stdout.write;
      process.stdout.write = (() => true) as typeof process.stdout.write;
      let result: Awaited<ReturnType<typeof handler>>;
      try {
        result = await handler(
          {
            httpMethod: req.method,
            path: '/check',
            headers: req.headers as Record<string, string>,
            body: body === '' ? null : body,
            isBase64Encoded: false,
          },
          { awsRequestId: randomUUID() },
        );
      } finally {
        process.stdout.write = write;
      }
      const answer = change({
        status: result.statusCode,
        headers: (result.headers ?? {}) as Record<string, string>,
        body: result.body,
      });
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  };
  try {
    return await withLocalHttpServer(serve, (baseUrl) => use(`${baseUrl}/dev/check`, seen));
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

// ---- 4.1: a Postman test -------------------------------------------------------------------------

interface CollectionItem {
  name: string;
  item?: CollectionItem[];
  event?: { listen: string; script: { type: string; exec: string[] } }[];
}

function findRequest(items: CollectionItem[]): CollectionItem | undefined {
  for (const item of items) {
    if (item.name === REQUEST_NAME && !item.item) return item;
    const inside = item.item && findRequest(item.item);
    if (inside) return inside;
  }
  return undefined;
}

/** The test script of "Signature in JSON" in the collection: the reference. */
export function referenceScript(): string[] {
  const collection = JSON.parse(readFileSync(COLLECTION_FILE, 'utf8')) as { item: CollectionItem[] };
  const script = findRequest(collection.item)?.event?.find((event) => event.listen === 'test')?.script.exec;
  if (!script) throw new Error(`The collection has no test script for "${REQUEST_NAME}"`);
  return script;
}

/** The script of a file: the learner's .js, or, for the collection itself, that request's. */
function scriptOf(file: string): string[] {
  if (file.endsWith('.postman_collection.json')) return referenceScript();
  return readFileSync(file, 'utf8').split('\n');
}

/**
 * The collection with `script` as the test script of "Signature in JSON", and without the collection's
 * own tests (those run on every request): only the script's tests count.
 */
function collectionWith(script: string[]): object {
  const collection = JSON.parse(readFileSync(COLLECTION_FILE, 'utf8')) as {
    item: CollectionItem[];
    event?: CollectionItem['event'];
  };
  collection.event = (collection.event ?? []).filter((event) => event.listen !== 'test');
  const request = findRequest(collection.item) as CollectionItem;
  request.event = [
    ...(request.event ?? []).filter((event) => event.listen !== 'test'),
    { listen: 'test', script: { type: 'text/javascript', exec: script } },
  ];
  return collection;
}

interface WrongApi {
  readonly todo: number;
  readonly what: string;
  readonly change: (answer: Answer) => Answer;
}

function withBody(answer: Answer, edit: (body: Record<string, unknown>) => Record<string, unknown>): Answer {
  return { ...answer, body: JSON.stringify(edit(JSON.parse(answer.body))) };
}

const WRONG_APIS: readonly WrongApi[] = [
  { todo: 1, what: 'the same body with status 400', change: (answer) => ({ ...answer, status: 400 }) },
  {
    todo: 2,
    what: '200 {"authentic": false, ...}',
    change: (answer) => withBody(answer, (body) => ({ ...body, authentic: false })),
  },
  {
    todo: 2,
    what: '200 with "scheme": "token" instead of "legacy"',
    change: (answer) => withBody(answer, (body) => ({ ...body, scheme: 'token' })),
  },
  {
    todo: 3,
    what: 'the bill of someone else: "text": "john.smith@example.com#2019-0042", and the bill to match',
    change: (answer) =>
      withBody(answer, (body) => ({
        ...body,
        text: 'john.smith@example.com#2019-0042',
        bill: { email: 'john.smith@example.com', billNumber: '2019-0042' },
      })),
  },
  {
    todo: 3,
    what: 'the right bill but another "text": "jane.doe@example.com#2019-0043"',
    change: (answer) => withBody(answer, (body) => ({ ...body, text: 'jane.doe@example.com#2019-0043' })),
  },
  {
    todo: 3,
    what: 'the right "text" but a bill with another number: {"billNumber": "2019-0043"}',
    change: (answer) =>
      withBody(answer, (body) => ({
        ...body,
        bill: { email: 'jane.doe@example.com', billNumber: '2019-0043' },
      })),
  },
];

/** Another bill than the demo one: tests that write the demo bill out pass for it only. */
const OTHER_BILL = { billEmail: 'ana.silva@example.org', billNumber: '2024-0117' };

async function runScript(script: string[], change?: (answer: Answer) => Answer, bill?: typeof OTHER_BILL) {
  return withHandler(async (checkUrl) => {
    const result = await runCollection({
      target: 'local',
      collection: collectionWith(script),
      folder: REQUEST_NAME,
      values: {
        checkUrl,
        siteOrigin: SITE_ORIGIN,
        signatureKey: KEYS.SIGNATURE_KEY,
        signingKeys: KEYS.SIGNING_KEYS,
      },
      timeoutRequestMs: 10_000,
      ...(bill ? { iterationData: [bill] } : {}),
    });
    const request = result.requests.find((one) => one.name === REQUEST_NAME);
    if (!request) throw new Error(`newman did not run "${REQUEST_NAME}"`);
    if (request.requestError) throw new Error(`the request got no answer: ${request.requestError.message}`);
    return request;
  }, change);
}

const postmanTestExercise: Exercise = {
  id: '4.1',
  title: 'A Postman test: the request "Signature in JSON"',
  file: '04-deploy-test/exercises/signature-in-json.postman.js',
  language: 'postman',
  timeLimitMs: 30_000,
  solution: '04-deploy-test/postman/cinq-euros-check.postman_collection.json',
  hints: [
    "Each TODO is one pm.test('what it checks', () => { ... }); inside it, pm.expect(actual, 'what').to.equal(expected) fails the test when they differ.",
    'TODO 1 tests pm.response.code. TODO 2 reads the body with pm.response.json() and tests two of its fields, each against the exact value (to.equal, not to.be.ok).',
    'The idea of TODO 3: a test holds the answer to what was asked, not to one example. The bill that was signed is in the variables (billEmail, billNumber), so compare the text with `reference` and the bill, as an object (to.deep.equal), with those variables; the check runs your tests for another bill too.',
  ],
  solutionText: () =>
    `// The Tests script of "${REQUEST_NAME}" in 04-deploy-test/postman/cinq-euros-check.postman_collection.json:\n${referenceScript().join('\n')}`,
  async check(file) {
    const script = scriptOf(file);
    const right = await runScript(script);
    expectThat(right.scriptErrors.length === 0, `Your script does not run: ${right.scriptErrors.join('; ')}`);
    expectThat(
      right.assertions.length > 0,
      'Your script has no pm.test(...) yet: write the tests of TODO 1 to 3.',
    );
    const failed = right.assertions.filter((assertion) => !assertion.passed);
    expectThat(
      failed.length === 0,
      `Against the API's real answer (200, the bill authentic), your test "${failed[0]?.name}" fails: ${failed[0]?.message}. A test must pass when the API is right.`,
    );
    const other = await runScript(script, undefined, OTHER_BILL);
    const failedOther = other.assertions.filter((assertion) => !assertion.passed);
    expectThat(
      other.scriptErrors.length === 0 && failedOther.length === 0,
      `For another bill (${OTHER_BILL.billEmail}, number ${OTHER_BILL.billNumber}), signed and answered rightly, your test "${failedOther[0]?.name ?? '(the script)'}" fails: ${failedOther[0]?.message ?? other.scriptErrors[0]}. Does it write the demo bill out? Read the bill that was signed from pm.variables.get('billEmail') and pm.variables.get('billNumber'). (TODO 3)`,
    );
    for (const wrong of WRONG_APIS) {
      const run = await runScript(script, wrong.change);
      const caught = run.scriptErrors.length > 0 || run.assertions.some((assertion) => !assertion.passed);
      expectThat(
        caught,
        `When the API answers ${wrong.what}, all ${run.assertions.length} of your tests still pass: add one that fails then. (TODO ${wrong.todo})`,
      );
    }
  },
};

// ---- 4.2: a curl -----------------------------------------------------------------------------------

/** How long one run of the learner's script may take: curl against 127.0.0.1 answers at once. */
const SCRIPT_LIMIT_MS = 5000;

/**
 * Run the learner's script with sh. A script that hangs (a loop, a curl waiting on nothing) is stopped
 * with all it started: on POSIX it runs in a process group of its own, killed whole.
 */
function runShell(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const posix = process.platform !== 'win32';
    const child = spawn('sh', [file, ...args], { detached: posix, stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = ownSubprocess(child, posix);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, SCRIPT_LIMIT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: `${stderr}${error.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      stop();
      resolve({
        code: code ?? 1,
        stdout,
        stderr: timedOut
          ? `${stderr}(stopped after ${SCRIPT_LIMIT_MS / 1000} s: the script did not end)`
          : stderr,
      });
    });
  });
}

const curlExercise: Exercise = {
  id: '4.2',
  title: 'A curl for the JSON body',
  file: '04-deploy-test/exercises/json-body.sh',
  language: 'shell',
  timeLimitMs: 20_000,
  solution: '04-deploy-test/curl/json-body.sh',
  hints: [
    'curl --request POST --header ... --data-binary ... --write-out ... "$url": one command, with a backslash at the end of each line but the last.',
    'The header says the body is JSON (Content-Type: application/json). The body must be JSON with the signature inside: in double quotes, so that $signature is expanded, the inner quotes escaped.',
    "The idea of the end: print what the API answered, any status (no --fail: a 400 is an answer), then the status curl got (--write-out's %{http_code}, never written out); and when curl itself fails (nothing answered), the script says so with its own status, 3.",
  ],
  async check(file) {
    expectThat(
      findCurl() !== undefined,
      'curl is not installed: install it (sudo apt-get install -y curl), then check again.',
    );
    expectThat(
      !readFileSync(file, 'utf8').includes('\r\n'),
      'The script has Windows line endings (CRLF), and sh reads each \\r as part of a command: save it with LF line endings (VS Code: click CRLF in the status bar and choose LF), then check again.',
    );
    const signature = encode(KEYS.SIGNATURE_KEY, 'jane.doe@example.com#2019-0042');
    await withHandler(async (checkUrl, seen) => {
      calling(`sh ${displayName(file)} <the check URL> <a genuine signature>`);
      const ran = await runShell(file, [checkUrl, signature]);
      expectThat(
        seen.length > 0,
        `The script sent nothing to the API (exit status ${ran.code}${ran.stderr.trim() ? `, it said: ${ran.stderr.trim().split('\n')[0]}` : ''}).`,
      );
      expectThat(seen.length === 1, `The script sent ${seen.length} requests: send one.`);
      const [request] = seen as [Seen];
      expectThat(request.method === 'POST', `The request's method is ${request.method}: use --request POST.`);
      const type = String(request.headers['content-type'] ?? '(none)');
      expectThat(
        /^application\/json\s*(;|$)/i.test(type),
        `The request's Content-Type is ${type}: send --header 'Content-Type: application/json'.`,
      );
      let parsed: unknown;
      try {
        parsed = JSON.parse(request.body);
      } catch {
        throw new Mismatch(
          `The body is not JSON: ${shown(request.body)}. It should be {"signature": "<the signature>"}.`,
        );
      }
      expectThat(
        (parsed as { signature?: unknown })?.signature === signature,
        `The body's "signature" should be the signature given as the second argument; the body was ${shown(request.body)}.`,
      );
      expectThat(
        ran.code === 0,
        `The API answered, but the script exited with status ${ran.code}: it should be 0.`,
      );
      expectThat(
        ran.stdout.includes('"authentic":true') && /\nHTTP 200\n?$/.test(ran.stdout),
        `The script should print the answer's body, then "HTTP 200" on a line of its own; it printed ${shown(ran.stdout)}.`,
      );

      // A forgery: the API answers 400, an answer to print as any other.
      calling(`sh ${displayName(file)} <the check URL> <a forged signature>`);
      const refused = await runShell(file, [checkUrl, 'skrttskrtttt']);
      const curlFail = /(^|\s)(-f|--fail|-[a-zA-Z]*f[a-zA-Z]*)(\s|$)/.test(readFileSync(file, 'utf8'));
      expectThat(
        refused.code === 0,
        `For a forged signature the API answers 400, and the script exited with status ${refused.code}${refused.code === 22 || curlFail ? ': curl --fail (-f) makes curl fail on a 4xx and hides the body. Drop it: a 400 is an answer to print (0 when the API answered, whatever the status)' : ': it should be 0 (the API answered, whatever the status)'}.`,
      );
      expectThat(
        refused.stdout.includes('"authentic":false') && /\nHTTP 400\n?$/.test(refused.stdout),
        `For a forged signature the API answers 400 {"authentic":false,...}: the script should print that body, then "HTTP 400" on a line of its own (the status curl got: %{http_code}, not written out); it printed ${shown(refused.stdout)}.`,
      );
    });

    // Nothing listening: curl fails, and the script says so with its own status.
    const nowhere = await withLocalHttpServer(
      (_req, res) => res.end(),
      async (baseUrl) => `${baseUrl}/dev/check`,
    );
    calling(`sh ${displayName(file)} <a URL where nothing answers> <the signature>`);
    const unreachable = await runShell(file, [nowhere, signature]);
    expectThat(
      unreachable.code === 3,
      `When nothing answers at the URL, the script exited with status ${unreachable.code}: it should be 3, so that whoever runs it can tell "not reached" from an answer. End the curl command with || exit 3.`,
    );
  },
};

export const exercises: readonly Exercise[] = [postmanTestExercise, curlExercise];
