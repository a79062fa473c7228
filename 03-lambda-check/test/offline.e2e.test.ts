/**
 * End to end on this machine: serverless-offline runs the bundled function on a free port; genuine,
 * forged and malformed signatures go over HTTP, as Postman or the web page would send them.
 */

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { encode, parseKeyring, sign } from '../../shared/src/index';
import { SERVERLESS_ENTRY } from '../../shared/workshop/process/entries';
import { isListening } from '../../shared/workshop/process/ports';
import {
  CHAPTER_DIR,
  type OfflineApi,
  startOfflineApi,
} from '../../shared/workshop/stand-ins/api/offline-api';

const SIGNATURE_KEY = 'offline-test-password';
const SIGNING_KEYS = `e2e:${'k'.repeat(40)}`;
const jane = { email: 'jane.doe@example.com', billNumber: '2019-0042' };
const legacy = encode(SIGNATURE_KEY, 'jane.doe@example.com#2019-0042');
const token = sign(jane, parseKeyring(SIGNING_KEYS));

let api: OfflineApi;
const lines: string[] = [];

beforeAll(async () => {
  api = await startOfflineApi({ env: { SIGNATURE_KEY, SIGNING_KEYS }, onLine: (line) => lines.push(line) });
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

/** Output lines reach us a moment after the answer (worker thread, then pipe): wait for them. */
async function lineMatching(pattern: RegExp, from: string[] = lines): Promise<string> {
  for (let tries = 0; tries < 100; tries++) {
    const found = from.find((line) => pattern.test(line));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`No output line matched ${pattern}; got:\n${from.join('\n')}`);
}

async function post(body: string, contentType = 'text/plain') {
  const response = await fetch(api.checkUrl, {
    method: 'POST',
    body,
    headers: { 'content-type': contentType, origin: 'http://localhost:8080' },
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

describe('chapter 03 offline API', () => {
  it('serves POST /<stage>/check on 127.0.0.1', () => {
    expect(api.checkUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dev\/check$/);
  });

  it('answers 200 with the bill for a genuine legacy signature pasted as raw text', async () => {
    const { status, headers, json } = await post(`${legacy}\n`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(headers.get('access-control-allow-origin')).toBe('http://localhost:8080');
    expect(json).toEqual({
      authentic: true,
      scheme: 'legacy',
      bill: jane,
      text: 'jane.doe@example.com#2019-0042',
    });
  });

  it('answers 200 for a genuine token sent as JSON, and as application/octet-stream (base64-wrapped)', async () => {
    const expected = { authentic: true, scheme: 'token', bill: jane, keyId: 'e2e' };
    expect(await post(JSON.stringify({ signature: token }), 'application/json')).toMatchObject({
      status: 200,
      json: expected,
    });
    expect(await post(token, 'application/octet-stream')).toMatchObject({ status: 200, json: expected });
  });

  it("answers 400 with the article's message for a forged signature (the article's skrttskrtttt)", async () => {
    const { status, json } = await post('skrttskrtttt');
    expect(status).toBe(400);
    expect(json).toMatchObject({
      authentic: false,
      scheme: 'legacy',
      message: 'This is not an authentic signature',
    });
  });

  it('answers 400 for a token signed with another key, and for malformed JSON', async () => {
    const forged = sign(jane, parseKeyring(`e2e:${'x'.repeat(40)}`));
    expect(await post(forged)).toMatchObject({ status: 400, json: { reason: 'bad-signature' } });
    expect(await post('{"signature": ', 'application/json')).toMatchObject({
      status: 400,
      json: { reason: 'bad-json' },
    });
  });

  it('answers 405 to GET', async () => {
    const response = await fetch(api.checkUrl);
    expect(response.status).toBe(405);
    expect(await response.json()).toMatchObject({ error: 'method-not-allowed' });
  });

  it("passes the handler's log lines and serverless-offline's RequestId lines to onLine, emails masked", async () => {
    await lineMatching(/"outcome":"authentic"/);
    await lineMatching(/^\(λ: check\) RequestId: \S+ +Duration: /);
    const logs = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(logs).toContainEqual(
      expect.objectContaining({ outcome: 'authentic', customer: 'j***@example.com' }),
    );
    expect(lines.some((line) => /^\(λ: check\) RequestId: \S+ +Duration: /.test(line))).toBe(true);
    expect(lines.join('\n')).not.toContain('jane.doe@example.com');
    expect(lines.join('\n')).not.toContain(SIGNATURE_KEY);
  });

  it('answers CORS as the deployed API does: the function decides, whatever the Origin, never with credentials', async () => {
    const allowed = 'http://localhost:8080';
    for (const origin of [allowed, 'https://evil.example']) {
      const preflight = await fetch(api.checkUrl, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'x-evil',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(allowed);
      expect(preflight.headers.get('access-control-allow-headers')).toBe('Content-Type, X-Api-Key');
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
      const answer = await fetch(api.checkUrl, { method: 'POST', body: 'skrttskrtttt', headers: { origin } });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('access-control-allow-origin')).toBe(allowed);
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });
});

describe('chapter 03 offline API without secrets', () => {
  it('answers 503 with a JSON body, and stop() frees its port', async () => {
    const output: string[] = [];
    const bare = await startOfflineApi({ env: {}, onLine: (line) => output.push(line) });
    const port = Number(new URL(bare.checkUrl).port);
    try {
      const response = await fetch(bare.checkUrl, { method: 'POST', body: legacy });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: 'not-configured' });
      const log = JSON.parse(await lineMatching(/"outcome":"not-configured"/, output));
      expect(log).toMatchObject({ level: 'ERROR', status: 503 });
      expect(log.reason).toMatch(/^SIGNATURE_KEY is not set/);
    } finally {
      await bare.stop();
    }
    expect(await isListening(port)).toBe(false);
  }, 60_000);
});

describe('chapter 03 offline API beside the chapter commands', () => {
  // serverless-esbuild deletes its build folder when a package, a deploy or an invoke ends: that must not
  // be the folder a running server serves from (every request would then be a 502).
  it('keeps answering after serverless package ran in the chapter folder', async () => {
    const output = mkdtempSync(path.join(tmpdir(), 'chapter03-package-'));
    try {
      expect((await post(legacy)).status).toBe(200);
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.CHECK_BUILD_FOLDER;
      await promisify(execFile)(process.execPath, [SERVERLESS_ENTRY, 'package', '--package', output], {
        cwd: CHAPTER_DIR,
        env,
      });
      expect((await post(legacy)).status).toBe(200);
      expect((await post('skrttskrtttt')).status).toBe(400);
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
  }, 90_000);
});
