/**
 * The check page's reading of every answer chapter 03's API documents (03-lambda-check/README.md,
 * "The answers of POST /check"), and of the failures around it.
 */
import {
  LEGACY_CAUTION,
  NOT_AUTHENTIC_TITLE,
  normaliseSignature,
  viewForMissingApi,
  viewForNetworkError,
  viewForResponse,
} from '../site/src/check-result';
import { checkUrlOf, parseSiteConfig } from '../site/src/site-config';

const bill = { email: 'jane.doe@example.com', billNumber: '2019-0042' };

describe('viewForResponse', () => {
  it('shows an authentic legacy signature with its bill', () => {
    const body = { authentic: true, scheme: 'legacy', bill, text: 'jane.doe@example.com#2019-0042' };
    expect(viewForResponse(200, JSON.stringify(body))).toEqual({
      kind: 'authentic',
      title: 'Authentic signature',
      scheme: 'Original signature (bills from 2019)',
      email: 'jane.doe@example.com',
      billNumber: '2019-0042',
      // Anyone holding one bill can make such a signature: the page says so, and where it is explained.
      caution: LEGACY_CAUTION,
    });
    expect(LEGACY_CAUTION).toContain('Why it is not a signature: shared/README.md');
  });

  it('shows an authentic token, with its expiry date when it has one, and no caution', () => {
    const body = { authentic: true, scheme: 'token', bill, text: '…', keyId: 'demo', expiresAt: 1893456000 };
    const view = viewForResponse(200, JSON.stringify(body));
    expect(view).toMatchObject({
      kind: 'authentic',
      scheme: 'Signed token (HMAC-SHA256)',
      expires: '2030-01-01',
    });
    expect(view).not.toHaveProperty('caution');
  });

  it.each([
    [1893456000, '2030-01-01'],
    [253402300800, '10000-01-01'],
    [8.64e12, '275760-09-13'],
    [9e15, 'around the year 285,200,616'],
    [-9e15, 'around the year -285,196,677'],
  ])('shows any expiry the API can answer: expiresAt %s is %s', (expiresAt, expires) => {
    const body = { authentic: true, scheme: 'token', bill, text: '…', keyId: 'demo', expiresAt };
    expect(viewForResponse(200, JSON.stringify(body))).toMatchObject({ kind: 'authentic', expires });
  });

  it('says "not an authentic signature", the API detail and what to do next on a 400', () => {
    const body = {
      authentic: false,
      scheme: 'legacy',
      reason: 'not-a-bill',
      message: 'This is not an authentic signature',
      detail: 'The signature decodes, but not to a bill reference.',
    };
    const view = viewForResponse(400, JSON.stringify(body));
    expect(view).toMatchObject({
      kind: 'not-authentic',
      title: 'This is not an authentic signature',
      detail: 'The signature decodes, but not to a bill reference.',
    });
    expect(view.kind === 'not-authentic' && view.next).toMatch(/Copy the signature again/);
  });

  it('keeps the article wording when a 400 has no message', () => {
    expect(viewForResponse(400, '{"authentic":false,"scheme":null}')).toMatchObject({
      kind: 'not-authentic',
      title: NOT_AUTHENTIC_TITLE,
    });
  });

  it.each([
    [
      413,
      '{"error":"payload-too-large","message":"The body is too large."}',
      'That is too long to be a signature',
    ],
    [503, '{"error":"not-configured","message":"Not configured yet."}', 'The checking service is not ready'],
    [429, '{"message":"Too Many Requests"}', 'Too many checks at once'],
    [405, '{"error":"method-not-allowed","message":"Use POST /check."}', 'The check did not work'],
    [502, '{"message": "Internal server error"}', 'The check did not work'],
  ])('explains a %i as an error, never as a verdict', (status, body, title) => {
    expect(viewForResponse(status, body)).toMatchObject({ kind: 'error', title });
  });

  it('treats a 200 that does not carry a bill as an error, not as authentic', () => {
    expect(viewForResponse(200, '{"authentic":true}').kind).toBe('error');
    expect(viewForResponse(200, 'not json').kind).toBe('error');
    expect(viewForResponse(200, '{"authentic":true,"bill":{"email":"","billNumber":"2019-0042"}}').kind).toBe(
      'error',
    );
  });

  it('passes the API message through on an unexpected status', () => {
    const view = viewForResponse(
      405,
      '{"message":"Use POST /check with the signature as the request body."}',
    );
    expect(view.kind === 'error' && view.detail).toContain('answered 405: Use POST /check');
  });
});

describe('the other states of the page', () => {
  it('names the URL it could not reach and, for a local API, how to let this site call it', () => {
    const view = viewForNetworkError('http://127.0.0.1:3000/dev/check', 'http://localhost:8080');
    expect(view.kind === 'error' && view.detail).toBe(
      'No answer came back from http://127.0.0.1:3000/dev/check. Is the API running, and does it allow this site? Start it with: npm run chapter:3 -- --offline --site-origin http://localhost:8080',
    );
  });

  it('gives a visitor of the deployed site no workshop commands', () => {
    const view = viewForNetworkError(
      'https://abc.execute-api.eu-west-3.amazonaws.com/dev/check',
      'https://x.net',
    );
    expect(view.kind === 'error' && view.detail).not.toContain('npm run');
  });

  it('says how to give the site an API', () => {
    const view = viewForMissingApi();
    expect(view.kind === 'error' && view.detail).toContain('npm run chapter:2');
  });

  it('removes the spaces and line breaks a copy from a PDF adds', () => {
    expect(normaliseSignature('  abc\n def\r\n\tghi== ')).toBe('abcdefghi==');
  });
});

describe('config.json', () => {
  it('accepts an http(s) base URL or null, and nothing else', () => {
    expect(
      parseSiteConfig({ apiBaseUrl: 'https://x.execute-api.eu-west-3.amazonaws.com/dev' }).apiBaseUrl,
    ).toBe('https://x.execute-api.eu-west-3.amazonaws.com/dev');
    expect(parseSiteConfig({ apiBaseUrl: null }).apiBaseUrl).toBeNull();
    expect(() => parseSiteConfig({ apiBaseUrl: 'javascript:alert(1)' })).toThrow(/http\(s\) URL or null/);
    expect(() => parseSiteConfig({})).toThrow(/http\(s\) URL or null/);
    expect(() => parseSiteConfig('x')).toThrow(/not a JSON object/);
  });

  it('puts /check under the base URL, with or without a trailing slash', () => {
    expect(checkUrlOf('http://127.0.0.1:3000/dev')).toBe('http://127.0.0.1:3000/dev/check');
    expect(checkUrlOf('http://127.0.0.1:3000/dev/')).toBe('http://127.0.0.1:3000/dev/check');
  });
});
