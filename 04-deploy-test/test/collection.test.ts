/**
 * The collection and environments as files: what a learner imports into Postman. Their behaviour against
 * the real API is tested in offline.test.ts; here, what must hold before anything is sent.
 */
import { MAX_BODY_LENGTH } from '../../03-lambda-check/src/request';
import { config } from '../../shared/src/config';
import {
  loadCollection,
  loadEnvironment,
  requestsOf,
  scriptOf,
} from '../../shared/workshop/test-support/collection';

const collection = loadCollection();
const requests = requestsOf(collection);

describe('the Postman collection', () => {
  it('is a v2.1 collection with the article first, then the edge cases', () => {
    expect(collection.info.schema).toBe(
      'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    );
    expect(collection.item.map((folder) => folder.name)).toEqual(['1. The article', '2. Edge cases']);
    expect(collection.item[0]?.item.map((item) => item.name)).toEqual(['Genuine signature', 'skrttskrtttt']);
  });

  it('covers every edge case of the issue, each under its own name', () => {
    const names = requests.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of [
      'Empty body',
      'Signature sent as binary (base64)',
      'Signature in JSON',
      'New-scheme token',
      'Tampered token',
      'Wrong method (GET)',
      'CORS preflight',
      'Oversized body',
    ]) {
      expect(names).toContain(name);
    }
  });

  it('sends every request to {{checkUrl}}, never to a hard-coded address', () => {
    for (const { name, request } of requests) {
      expect({ name, url: request.url.raw }).toEqual({ name, url: '{{checkUrl}}' });
    }
    expect(JSON.stringify(collection)).not.toMatch(/https?:\/\/(?!schema\.getpostman\.com)/);
  });

  it('holds no signature, token or key: bodies are variables, except the forgery and the empty body', () => {
    const bodies = requests.map((r) => r.request.body?.raw).filter((body) => body !== undefined);
    const literal = bodies.filter((body) => body !== '' && !/\{\{\w+\}\}/.test(body));
    expect(literal).toEqual(['skrttskrtttt']);
    expect(JSON.stringify(collection)).not.toMatch(/v1\.[\w-]+\.[\w-]{10,}\.[\w-]{43}/);
  });

  it('gives every request its own Postman tests, and every script parses as JavaScript', () => {
    for (const { name, event } of requests) {
      const tests = scriptOf(event, 'test');
      const count = (tests.match(/pm\.test\(/g) ?? []).length;
      expect({ name, atLeastTwoTests: count >= 2 }).toEqual({ name, atLeastTwoTests: true });
      expect(() => new Function('pm', 'require', tests)).not.toThrow();
    }
    for (const listen of ['prerequest', 'test'] as const) {
      expect(() => new Function('pm', 'require', scriptOf(collection.event, listen))).not.toThrow();
    }
  });

  it("sends one character more than the function reads: its limit is chapter 03's MAX_BODY_LENGTH", () => {
    const limit = collection.variable.find((v) => v.key === 'maxBodyLength');
    expect(Number(limit?.value)).toBe(MAX_BODY_LENGTH);
  });

  it('sends the Origin of the site with every request, as a browser on the site would', () => {
    for (const { name, request } of requests) {
      expect({ name, origin: request.header.find((h) => h.key === 'Origin')?.value }).toEqual({
        name,
        origin: '{{siteOrigin}}',
      });
    }
  });
});

describe('the Postman environments', () => {
  const local = loadEnvironment('local');
  const aws = loadEnvironment('aws');
  const valueIn = (env: typeof local, key: string) => env.values.find((v) => v.key === key)?.value;

  it('name the same variables, which are every variable the collection reads but its own', () => {
    const keys = (env: typeof local) => env.values.map((v) => v.key).sort();
    expect(keys(local)).toEqual(keys(aws));
    const used = new Set(
      [...JSON.stringify(collection).matchAll(/pm\.variables\.get\('(\w+)'\)|\{\{(\w+)\}\}/g)].map(
        (m) => m[1] ?? m[2],
      ),
    );
    const madeByScripts = ['notABillSignature', 'tamperedToken', 'expiredToken', 'oversizedBody'];
    const own = collection.variable.map((v) => v.key);
    const needed = [...used].filter(
      (key) => !madeByScripts.includes(key as string) && !own.includes(key as string),
    );
    expect(needed.sort()).toEqual(keys(local));
  });

  it('point the local one at the offline API of shared/config.json', () => {
    expect(local._postman_variable_scope).toBe('environment');
    expect(valueIn(local, 'checkUrl')).toBe(
      `http://127.0.0.1:${config.ports.API_PORT}/${config.stage}/check`,
    );
    expect(valueIn(local, 'siteOrigin')).toBe(config.siteOrigin);
  });

  it('leave the AWS endpoint for the learner to fill in', () => {
    expect(valueIn(aws, 'checkUrl')).toBe('');
  });

  it('hold no secret: keys and API key are empty and marked secret', () => {
    for (const env of [local, aws]) {
      for (const key of ['signatureKey', 'signingKeys', 'apiKey']) {
        expect(env.values.find((v) => v.key === key)).toMatchObject({ value: '', type: 'secret' });
      }
      for (const key of ['legacySignature', 'token']) expect(valueIn(env, key)).toBe('');
    }
  });
});
