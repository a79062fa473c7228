/**
 * Deployed, the secrets come from SSM Parameter Store: one GetParameters call per cold start, then memory.
 * Here a small local stand-in speaks SSM's JSON protocol (AWS_ENDPOINT_URL_SSM), so nothing calls AWS.
 */
import { createServer, type Server } from 'node:http';
import { freePort, LOOPBACK } from '../../shared/workshop/process/ports';
import { captureStdout, loadEvent, TEST_SECRETS, withEnv } from '../../shared/workshop/test-support/events';
import { handler } from '../src/check';
import { RETRY_AFTER_MS, resetSecrets, secrets } from '../src/secrets';

const LEGACY_NAME = '/cinq-euros/test/signature-key';
const KEYS_NAME = '/cinq-euros/test/signing-keys';

let server: Server;
let endpoint: string;
let stored: Record<string, string> = {};
const calls: { target: string; body: { Names: string[]; WithDecryption: boolean } }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      const body = JSON.parse(text);
      calls.push({ target: String(request.headers['x-amz-target']), body });
      const found = body.Names.filter((name: string) => name in stored);
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({
          Parameters: found.map((Name: string) => ({
            Name,
            Type: 'SecureString',
            Value: stored[Name],
            Version: 1,
          })),
          InvalidParameters: body.Names.filter((name: string) => !(name in stored)),
        }),
      );
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, LOOPBACK, resolve));
  endpoint = `http://${LOOPBACK}:${port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  resetSecrets();
  calls.length = 0;
  stored = { [LEGACY_NAME]: TEST_SECRETS.SIGNATURE_KEY, [KEYS_NAME]: TEST_SECRETS.SIGNING_KEYS };
});

/** The environment of the deployed function: parameter names only, no secret, fake credentials. */
const deployed = () => ({
  SIGNATURE_KEY: undefined,
  SIGNING_KEYS: undefined,
  IS_OFFLINE: undefined,
  SIGNATURE_KEY_PARAMETER: LEGACY_NAME,
  SIGNING_KEYS_PARAMETER: KEYS_NAME,
  AWS_REGION: 'eu-west-3',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_ENDPOINT_URL_SSM: endpoint,
});

async function check(name: string) {
  const { result, lines } = await captureStdout(() => handler(loadEvent(name), { awsRequestId: 'r' }));
  return { status: result.statusCode, log: JSON.parse(lines[0] as string) };
}

describe('secrets from SSM Parameter Store', () => {
  it('reads both SecureStrings in one decrypted GetParameters call, once for many requests', async () => {
    await withEnv(deployed(), async () => {
      for (let i = 0; i < 5; i++) expect((await check('legacy-raw-text')).status).toBe(200);
      expect((await check('token-json')).status).toBe(200);
    });
    expect(calls).toEqual([
      { target: 'AmazonSSM.GetParameters', body: { Names: [LEGACY_NAME, KEYS_NAME], WithDecryption: true } },
    ]);
  });

  it('shares one load between requests that arrive together on a cold start', async () => {
    await withEnv(deployed(), () => Promise.all([secrets(), secrets(), secrets()]));
    expect(calls).toHaveLength(1);
  });

  it('answers tokens 503 naming the missing parameter, checks legacy signatures meanwhile, and asks SSM again only after the retry delay', async () => {
    delete stored[KEYS_NAME];
    await withEnv(deployed(), async () => {
      expect((await check('legacy-raw-text')).status).toBe(200);
      const token = await check('token-json');
      expect(token.status).toBe(503);
      expect(token.log).toMatchObject({ level: 'ERROR', outcome: 'not-configured', scheme: 'token' });
      expect(token.log.reason).toContain(`SSM parameter not found: ${KEYS_NAME}`);
      expect((await check('token-json')).status).toBe(503);
      expect(calls).toHaveLength(1);
      // Once the learner creates the parameter, the next try after the delay succeeds.
      stored[KEYS_NAME] = TEST_SECRETS.SIGNING_KEYS;
      const later = await secrets(process.env, Date.now() + RETRY_AFTER_MS + 1);
      expect(later).toMatchObject({ legacyKey: TEST_SECRETS.SIGNATURE_KEY, missing: {} });
      expect(later.keyring).toBeDefined();
    });
    expect(calls).toHaveLength(2);
  });

  it('answers 503 to everything when neither parameter exists, naming each', async () => {
    stored = {};
    await withEnv(deployed(), async () => {
      expect((await check('legacy-raw-text')).log.reason).toContain(
        `SSM parameter not found: ${LEGACY_NAME}`,
      );
      expect((await check('token-json')).log.reason).toContain(`SSM parameter not found: ${KEYS_NAME}`);
    });
  });

  it('reads from SSM only the key the environment does not hold', async () => {
    await withEnv({ ...deployed(), SIGNATURE_KEY: TEST_SECRETS.SIGNATURE_KEY }, async () => {
      expect((await check('token-json')).status).toBe(200);
      expect((await check('legacy-raw-text')).status).toBe(200);
    });
    expect(calls.map((c) => c.body.Names)).toEqual([[KEYS_NAME]]);
  });

  it('answers 503 when SSM cannot be reached, without a stack trace', async () => {
    await withEnv({ ...deployed(), AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:9' }, async () => {
      const { status, log } = await check('legacy-raw-text');
      expect(status).toBe(503);
      expect(log.reason).toMatch(/^SSM GetParameters failed: /);
      expect(log.reason).not.toMatch(/\n\s+at /);
    });
  });

  it('prefers keys in the environment (offline, tests) and then never calls SSM', async () => {
    await withEnv({ ...deployed(), ...TEST_SECRETS }, async () => {
      expect((await check('legacy-raw-text')).status).toBe(200);
    });
    expect(calls).toHaveLength(0);
  });

  it("offline (IS_OFFLINE) never falls back on AWS's SSM, only on a stand-in on this machine", async () => {
    const offline = { ...deployed(), IS_OFFLINE: 'true' };
    await withEnv({ ...offline, AWS_ENDPOINT_URL_SSM: undefined }, async () => {
      expect((await check('legacy-raw-text')).status).toBe(503);
    });
    await withEnv({ ...offline, AWS_ENDPOINT_URL_SSM: 'https://ssm.eu-west-3.amazonaws.com' }, async () => {
      expect((await check('legacy-raw-text')).status).toBe(503);
    });
    expect(calls).toHaveLength(0);
    resetSecrets();
    await withEnv(offline, async () => {
      expect((await check('legacy-raw-text')).status).not.toBe(503);
    });
    expect(calls).toHaveLength(1);
  });
});
