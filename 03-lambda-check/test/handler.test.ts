/**
 * The handler, one test event per body form and per failure (test/events/*.json), the article's own
 * test proxy event included. No network: the secrets are in the environment, as offline.
 */

import {
  captureStdout,
  JANE,
  loadEvent,
  TEST_SECRETS,
  withEnv,
} from '../../shared/workshop/test-support/events';
import { handler } from '../src/check';
import { resetSecrets } from '../src/secrets';

const NOT_AUTHENTIC = 'This is not an authentic signature';
const context = { awsRequestId: 'test-request-1' };

async function run(name: string, env: Record<string, string | undefined> = TEST_SECRETS) {
  resetSecrets();
  const { result, lines } = await withEnv(
    { ALLOWED_ORIGIN: 'https://d111111abcdef8.cloudfront.net', ...env },
    () => captureStdout(() => handler(loadEvent(name), context)),
  );
  return {
    status: result.statusCode,
    headers: result.headers ?? {},
    json: result.body ? JSON.parse(result.body) : undefined,
    logs: lines.map((line) => JSON.parse(line)),
  };
}

describe('POST /check: authentic signatures (200)', () => {
  it.each([
    ['legacy-raw-text', 'the raw signature, as pasted into Postman (trailing newline)'],
    ['legacy-base64-wrapped', 'the same, base64-wrapped by API Gateway (isBase64Encoded)'],
    ['legacy-json', 'JSON {"signature": "..."}'],
    ['missing-request-context', 'an event with no requestContext'],
    ['null-headers', 'an event with null headers'],
  ])('%s: %s', async (name) => {
    const { status, json } = await run(name);
    expect(status).toBe(200);
    expect(json).toEqual({
      authentic: true,
      scheme: 'legacy',
      bill: JANE,
      text: 'jane.doe@example.com#2019-0042',
    });
  });

  it.each(['token-raw-text', 'token-json'])('%s: an HMAC token, as text or JSON', async (name) => {
    const { status, json } = await run(name);
    expect(status).toBe(200);
    expect(json).toEqual({
      authentic: true,
      scheme: 'token',
      bill: JANE,
      text: 'jane.doe@example.com#2019-0042',
      keyId: 'unit',
    });
  });
});

describe('POST /check: not authentic (400, JSON body with the article message)', () => {
  it.each([
    ['article-proxy-event', null, 'missing-signature'], // its body is base64 of {"test":"body"}: JSON without a signature
    ['forged-skrtt', 'legacy', 'not-utf8'],
    ['legacy-decodes-to-garbage', 'legacy', 'not-a-bill'],
    ['non-ascii', 'legacy', 'not-ascii'],
    ['token-expired', 'token', 'expired'],
    ['token-forged', 'token', 'bad-signature'],
    ['broken-base64-body', null, 'bad-body-encoding'],
    ['broken-json', null, 'bad-json'],
    ['signature-not-string', null, 'signature-not-string'],
    ['null-body', null, 'missing-signature'],
    ['empty-body', null, 'missing-signature'],
  ])('%s -> scheme %s, reason %s', async (name, scheme, reason) => {
    const { status, json, logs } = await run(name);
    expect(status).toBe(400);
    expect(json).toEqual({
      authentic: false,
      scheme,
      reason,
      message: NOT_AUTHENTIC,
      detail: expect.any(String),
    });
    expect(logs).toEqual([
      expect.objectContaining({ outcome: 'not-authentic', reason, message: NOT_AUTHENTIC }),
    ]);
  });

  it('legacy-tampered: one character changed is never authentic', async () => {
    const { status, json } = await run('legacy-tampered');
    expect(status).toBe(400);
    expect(json).toMatchObject({ authentic: false, scheme: 'legacy' });
  });
});

describe('POST /check: other answers', () => {
  it('answers a CORS preflight with 204 and the CORS headers, no body', async () => {
    const { status, headers, json } = await run('options-preflight');
    expect(status).toBe(204);
    expect(json).toBeUndefined();
    expect(headers).toMatchObject({
      'Access-Control-Allow-Origin': 'https://d111111abcdef8.cloudfront.net',
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
    });
  });

  it('answers 405 with an Allow header to GET', async () => {
    const { status, headers, json } = await run('get-method');
    expect(status).toBe(405);
    expect(headers.Allow).toBe('POST, OPTIONS');
    expect(json).toEqual({ error: 'method-not-allowed', message: expect.stringContaining('POST /check') });
  });

  it('answers 413 to an oversized body', async () => {
    const { status, json } = await run('oversized');
    expect(status).toBe(413);
    expect(json).toEqual({ error: 'payload-too-large', message: expect.any(String) });
  });

  it('answers 503, logs one clear ERROR line and shows no stack trace, when the secrets are missing', async () => {
    const { status, json, logs } = await run('legacy-raw-text', {
      SIGNATURE_KEY: undefined,
      SIGNING_KEYS: undefined,
      IS_OFFLINE: 'true',
    });
    expect(status).toBe(503);
    expect(json).toEqual({
      error: 'not-configured',
      message: expect.stringMatching(/not configured/),
      scheme: 'legacy',
      detail: expect.stringContaining('SIGNATURE_KEY'),
    });
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        outcome: 'not-configured',
        reason: expect.stringMatching(/SIGNATURE_KEY/),
      }),
    ]);
  });

  it("with only SIGNATURE_KEY (the article's password), checks legacy signatures and answers tokens 503 naming SIGNING_KEYS", async () => {
    const onlyLegacy = {
      SIGNATURE_KEY: TEST_SECRETS.SIGNATURE_KEY,
      SIGNING_KEYS: undefined,
      IS_OFFLINE: 'true',
    };
    expect((await run('legacy-raw-text', onlyLegacy)).status).toBe(200);
    expect((await run('legacy-tampered', onlyLegacy)).status).toBe(400);
    const token = await run('token-json', onlyLegacy);
    expect(token.status).toBe(503);
    expect(token.json).toMatchObject({ error: 'not-configured', scheme: 'token' });
    expect(token.json.detail).toContain('SIGNING_KEYS');
    expect(token.logs[0]).toMatchObject({ outcome: 'not-configured', scheme: 'token' });
    expect(token.logs[0].reason).toMatch(/^SIGNING_KEYS is not set/);
  });

  it('with only SIGNING_KEYS, checks tokens and answers legacy signatures 503 naming SIGNATURE_KEY', async () => {
    const onlyTokens = {
      SIGNATURE_KEY: undefined,
      SIGNING_KEYS: TEST_SECRETS.SIGNING_KEYS,
      IS_OFFLINE: 'true',
    };
    expect((await run('token-json', onlyTokens)).status).toBe(200);
    const legacy = await run('legacy-raw-text', onlyTokens);
    expect(legacy.status).toBe(503);
    expect(legacy.logs[0].reason).toMatch(/^SIGNATURE_KEY is not set/);
  });

  it('answers tokens 503 when SIGNING_KEYS is not a valid keyring, and still checks legacy signatures', async () => {
    const badKeyring = { ...TEST_SECRETS, SIGNING_KEYS: 'short:secret' };
    const token = await run('token-json', badKeyring);
    expect(token.status).toBe(503);
    expect(token.logs[0].reason).toMatch(/shorter than 32/);
    expect((await run('legacy-raw-text', badKeyring)).status).toBe(200);
  });
});

describe('every answer', () => {
  it.each(['legacy-raw-text', 'forged-skrtt', 'get-method', 'oversized', 'options-preflight'])(
    '%s: JSON content type and CORS for the configured origin only',
    async (name) => {
      const { headers } = await run(name);
      expect(headers['Content-Type']).toBe('application/json; charset=utf-8');
      expect(headers['Access-Control-Allow-Origin']).toBe('https://d111111abcdef8.cloudfront.net');
      expect(JSON.stringify(headers)).not.toContain('*');
    },
  );

  it('logs one JSON line per request: request id, outcome, scheme, duration; a masked email, no secret', async () => {
    const { logs } = await run('legacy-raw-text');
    expect(logs).toEqual([
      {
        level: 'INFO',
        requestId: 'test-request-1',
        outcome: 'authentic',
        status: 200,
        scheme: 'legacy',
        customer: 'j***@example.com',
        billNumber: '2019-0042',
        durationMs: expect.any(Number),
      },
    ]);
    const text = JSON.stringify(logs);
    expect(text).not.toContain('jane.doe@');
    expect(text).not.toContain(TEST_SECRETS.SIGNATURE_KEY);
  });

  it("takes the request id from the event's requestContext when there is no context", async () => {
    resetSecrets();
    const { lines } = await withEnv(TEST_SECRETS, () =>
      captureStdout(() => handler(loadEvent('forged-skrtt'))),
    );
    expect(JSON.parse(lines[0] as string).requestId).toBe('c6af9ac6-7b61-11e6-9a41-93e8deadbeef');
  });
});
