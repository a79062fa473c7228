/**
 * The collection and the curl script against the real chapter 03 handler, served by serverless-offline
 * on free ports (startOfflineApi). The keys hold characters beyond ASCII on purpose: the collection's
 * pre-request script must sign exactly as shared/src does, for any key.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkToken, encode, parseKeyring, sign } from '../../shared/src/index';
import { REPO_ROOT } from '../../shared/workshop/env';
import { TSX_HOOK } from '../../shared/workshop/process/entries';
import { freePort } from '../../shared/workshop/process/ports';
import { type OfflineApi, startOfflineApi } from '../../shared/workshop/stand-ins/api/offline-api';
import { loadCollection, requestsOf } from '../../shared/workshop/test-support/collection';
import { runCommand } from '../../shared/workshop/test-support/run-command';
import { formatReport } from '../src/report';
import { type RequestResult, type RunValues, runCollection } from '../src/run-collection';

const SIGNATURE_KEY = 'pässwörd 5€ 🙂';
const SIGNING_KEYS = `t04:${'é€k'.repeat(12)},old:${'o'.repeat(40)}`;
const SITE = 'http://localhost:8080';
const CURL_SCRIPT = path.join(REPO_ROOT, '04-deploy-test', 'curl', 'check.sh');
const genuine = encode(SIGNATURE_KEY, 'jane.doe@example.com#2019-0042');

let api: OfflineApi;
let values: RunValues;
const scratch = mkdtempSync(path.join(tmpdir(), 'chapter04-'));

beforeAll(async () => {
  api = await startOfflineApi({ env: { SIGNATURE_KEY, SIGNING_KEYS, SITE_ORIGIN: SITE } });
  values = {
    checkUrl: api.checkUrl,
    siteOrigin: SITE,
    signatureKey: SIGNATURE_KEY,
    signingKeys: SIGNING_KEYS,
  };
}, 60_000);

afterAll(async () => {
  await api?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const failedTests = (requests: readonly RequestResult[]) =>
  requests.flatMap((r) =>
    r.assertions.filter((a) => !a.passed).map((a) => `${r.name}: ${a.name}: ${a.message}`),
  );

describe('the whole collection with newman, against the offline API', () => {
  it('passes every Postman test of every request, and writes a JUnit report that says so', async () => {
    const junitFile = path.join(scratch, 'whole.junit.xml');
    const result = await runCollection({ target: 'local', values, junitFile });
    expect(failedTests(result.requests)).toEqual([]);
    expect(
      result.requests.flatMap((r) => [
        ...r.scriptErrors,
        ...(r.requestError ? [r.requestError.message] : []),
      ]),
    ).toEqual([]);
    expect(result.ok).toBe(true);
    // Each request of the collection ran once, and each ran tests of its own beside the shared ones.
    expect(result.requests.map((r) => r.name)).toEqual(requestsOf(loadCollection()).map((r) => r.name));
    for (const request of result.requests) {
      expect({ name: request.name, tests: request.assertions.length >= 3 }).toEqual({
        name: request.name,
        tests: true,
      });
    }
    const xml = readFileSync(junitFile, 'utf8');
    // One test suite per request, one test case per Postman test.
    expect(xml.match(/<testsuite /g)).toHaveLength(result.requests.length);
    expect(xml.match(/<testcase /g)).toHaveLength(result.assertions.total);
    expect(xml).not.toMatch(/<failure|failures="[1-9]/);
    expect(xml).not.toContain(SIGNATURE_KEY);
  }, 30_000);

  it('shows the article: 200 with the decoded text, then 400 for skrttskrtttt with why', async () => {
    const result = await runCollection({ target: 'local', values, folder: '1. The article' });
    const [good, forged] = result.requests;
    expect(good?.status).toBe(200);
    expect(JSON.parse(good?.responseBody ?? '')).toMatchObject({ text: 'jane.doe@example.com#2019-0042' });
    expect(forged?.status).toBe(400);
    expect(JSON.parse(forged?.responseBody ?? '')).toMatchObject({
      message: 'This is not an authentic signature',
      reason: 'not-utf8',
    });
  }, 30_000);

  it("makes, in Postman's sandbox, the very signatures and tokens shared/src makes, bill after bill", async () => {
    const bills = [
      { billEmail: 'jane.doe@example.com', billNumber: '2019-0042' },
      { billEmail: 'o.brien+bills@mail.example.co.uk', billNumber: '2024-123456' },
      { billEmail: 'ZOE_99%x@Sub-Domain.Example.ORG', billNumber: '1999-0001' },
      { billEmail: 'a@b.cd', billNumber: '2000-0000' },
    ];
    const result = await runCollection({
      target: 'local',
      values,
      folder: ['Genuine signature', 'New-scheme token', 'Tampered token', 'Expired token'],
      iterationData: bills,
    });
    expect(failedTests(result.requests)).toEqual([]);
    expect(result.requests).toHaveLength(bills.length * 4);
    const keyring = parseKeyring(SIGNING_KEYS);
    for (const request of result.requests) {
      const { billEmail: email, billNumber } = bills[request.iteration] as (typeof bills)[number];
      const sent = request.sentBody ?? '';
      switch (request.name) {
        case 'Genuine signature':
          expect(sent).toBe(encode(SIGNATURE_KEY, `${email}#${billNumber}`));
          break;
        case 'New-scheme token':
          expect(sent).toBe(sign({ email, billNumber }, keyring));
          break;
        case 'Tampered token':
          expect(checkToken(sent, keyring)).toEqual({ ok: false, reason: 'bad-signature' });
          break;
        default:
          expect(checkToken(sent, keyring)).toEqual({ ok: false, reason: 'expired' });
      }
    }
  }, 30_000);

  it('fails, and says why, when the API holds other keys than the run signs with', async () => {
    const result = await runCollection({
      target: 'local',
      values: { ...values, signatureKey: 'not the key', signingKeys: `t04:${'x'.repeat(40)}` },
      folder: ['Genuine signature', 'New-scheme token'],
    });
    expect(result.ok).toBe(false);
    expect(result.assertions.failed).toBeGreaterThan(0);
    expect(failedTests(result.requests)).toContainEqual(
      expect.stringMatching(/^Genuine signature: status is 200 OK/),
    );
    expect(formatReport(result)).toMatch(/FAILED[\s\S]*hint: A genuine signature was refused/);
  }, 30_000);

  it('fails, and says why, when a key is missing from the environment', async () => {
    const result = await runCollection({
      target: 'local',
      values: { checkUrl: api.checkUrl, siteOrigin: SITE },
      folder: 'Genuine signature',
    });
    expect(result.ok).toBe(false);
    expect(result.requests[0]?.scriptErrors.join('\n')).toMatch(/signatureKey is not set/);
  }, 30_000);

  it('fails, and says why, when nothing answers', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/dev/check`;
    const result = await runCollection({ target: 'local', values: { ...values, checkUrl: closed } });
    expect(result.ok).toBe(false);
    expect(result.requests.every((r) => r.requestError?.code === 'ECONNREFUSED')).toBe(true);
    expect(formatReport(result)).toContain(`hint: Nothing answers at ${closed}.`);
  }, 30_000);
});

describe('npm run chapter:4 -- --offline, with the API already running', () => {
  it('uses that API, prints a readable report, writes JUnit XML and exits 0', async () => {
    const junitFile = path.join(scratch, 'cli.junit.xml');
    const apiPort = new URL(api.checkUrl).port;
    const { code, stdout, stderr } = await runCommand(
      process.execPath,
      ['--require', TSX_HOOK, 'shared/workshop/commands/chapter-4.ts', '--offline', '--junit', junitFile],
      { ...process.env, API_PORT: apiPort, SIGNATURE_KEY, SIGNING_KEYS, SITE_ORIGIN: SITE },
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(`against the offline API, ${api.checkUrl}`);
    expect(stdout).toContain(`Using the API already listening on port ${apiPort} (API_PORT).`);
    expect(stdout).toMatch(/^1\. The article\n {2}✓ POST Genuine signature +200 OK/m);
    expect(stdout).toMatch(/^ {2}✓ POST skrttskrtttt +400 Bad Request/m);
    expect(stdout).toMatch(/^(\d+) of \1 Postman tests passed, 12 requests in [\d.]+ s\.$/m);
    expect(readFileSync(junitFile, 'utf8')).toMatch(/<testsuites/);
  }, 30_000);
});

describe('the curl script', () => {
  const withOnlyCurl = (() => {
    const bin = path.join(scratch, 'only-curl');
    return () => {
      rmSync(bin, { recursive: true, force: true });
      mkdirSync(bin);
      symlinkSync('/usr/bin/curl', path.join(bin, 'curl'));
      return { PATH: bin };
    };
  })();

  it.each([
    ['sh', '/bin/sh'],
    ['dash', '/usr/bin/dash'],
  ])(
    'posts both signatures with %s and prints each status and body as the README shows',
    async (_name, shell) => {
      const { code, stdout } = await runCommand(shell, [CURL_SCRIPT, api.checkUrl, genuine]);
      expect(code).toBe(0);
      expect(stdout).toContain(`POST ${api.checkUrl}\nbody: ${genuine}\nHTTP 200\n`);
      expect(stdout).toContain('"text":"jane.doe@example.com#2019-0042"');
      expect(stdout).toContain('body: skrttskrtttt\nHTTP 400\n');
      expect(stdout).toContain('"message":"This is not an authentic signature"');
      expect(stdout).toMatch(/Both answers are as expected\.\n$/);
    },
  );

  it('needs nothing but curl when given the URL and the signature', async () => {
    const { code, stdout, stderr } = await runCommand(
      '/bin/sh',
      [CURL_SCRIPT, api.checkUrl, genuine],
      withOnlyCurl(),
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('HTTP 200');
  });

  it('takes the URL and the signature from CHECK_URL and SIGNATURE too', async () => {
    const { code, stdout } = await runCommand('/bin/sh', [CURL_SCRIPT], {
      ...withOnlyCurl(),
      CHECK_URL: api.checkUrl,
      SIGNATURE: genuine,
    });
    expect(code).toBe(0);
    expect(stdout).toContain(`POST ${api.checkUrl}`);
  });

  it('exits 1 and says so when an answer is not the expected one', async () => {
    const { code, stdout } = await runCommand('/bin/sh', [CURL_SCRIPT, api.checkUrl, 'c2tydHQ=']);
    expect(code).toBe(1);
    expect(stdout).toContain('NOT as expected: wanted 200, got 400');
    expect(stdout).toContain('1 answer(s) not as expected');
  });

  it('exits 3 with what to do when nothing answers', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/dev/check`;
    const { code, stderr } = await runCommand('/usr/bin/dash', [CURL_SCRIPT, closed, genuine]);
    expect(code).toBe(3);
    expect(stderr).toContain(`curl: nothing answers at ${closed}: is the API running`);
  });

  it('exits 2 with a one-line reason on misuse', async () => {
    const cases: [string[], RegExp][] = [
      [['--bogus'], /check\.sh: unknown option --bogus/],
      [['ftp://example.com', genuine], /"ftp:\/\/example\.com" is not an http\(s\) URL/],
      [['a', 'b', 'c'], /expected at most 2 arguments, got 3/],
      [[], /no CHECK_URL: give the endpoint as the first argument/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await runCommand('/bin/sh', [CURL_SCRIPT, ...args], withOnlyCurl());
      expect({ args, code, message: message.test(stderr) }).toEqual({ args, code: 2, message: true });
    }
    const help = await runCommand('/bin/sh', [CURL_SCRIPT, '--help'], withOnlyCurl());
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: sh 04-deploy-test\/curl\/check\.sh \[CHECK_URL\] \[SIGNATURE\]/);
  });
});
