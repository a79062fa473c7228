import { normaliseApiBaseUrl, offlineApiBaseUrl, originOf, resolveApiBaseUrl } from '../src/api-url';

describe('the API base URL the site is built with', () => {
  it('accepts what osls prints, with or without /check or a trailing slash', () => {
    const base = 'https://abc123.execute-api.eu-west-3.amazonaws.com/dev';
    expect(normaliseApiBaseUrl(base)).toBe(base);
    expect(normaliseApiBaseUrl(`${base}/`)).toBe(base);
    expect(normaliseApiBaseUrl(`${base}/check`)).toBe(base);
  });

  it('refuses what is not an http(s) URL, with an example', () => {
    expect(() => normaliseApiBaseUrl('abc123.execute-api')).toThrow(/is not a URL.*e\.g\. https:\/\//);
    expect(() => normaliseApiBaseUrl('ftp://example.com/dev')).toThrow(/not an http\(s\) URL/);
  });

  it('offline, is the local API of chapter 03 on API_PORT under /<stage>', () => {
    expect(offlineApiBaseUrl({})).toBe('http://127.0.0.1:3000/dev');
    expect(offlineApiBaseUrl({ API_PORT: '3999', STAGE: 'test' })).toBe('http://127.0.0.1:3999/test');
  });

  it('prefers --api-url, then API_BASE_URL, then the offline default (no AWS call offline)', async () => {
    const env = { API_BASE_URL: 'http://127.0.0.1:4000/dev' };
    await expect(resolveApiBaseUrl({ flag: 'http://127.0.0.1:5000/dev', offline: true, env })).resolves.toBe(
      'http://127.0.0.1:5000/dev',
    );
    await expect(resolveApiBaseUrl({ offline: true, env })).resolves.toBe('http://127.0.0.1:4000/dev');
    await expect(resolveApiBaseUrl({ offline: true, env: {} })).resolves.toBe('http://127.0.0.1:3000/dev');
  });

  it('gives the origin the CSP must allow', () => {
    expect(originOf('https://abc123.execute-api.eu-west-3.amazonaws.com/dev')).toBe(
      'https://abc123.execute-api.eu-west-3.amazonaws.com',
    );
  });
});
