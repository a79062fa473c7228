import { cacheControlFor, contentTypeFor, IMMUTABLE, REVALIDATE, SHORT } from '../src/content-types';

describe('Content-Type', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['assets/styles.2V2U52SA.css', 'text/css; charset=utf-8'],
    ['assets/check.4IMRSEHZ.js', 'text/javascript; charset=utf-8'],
    ['config.json', 'application/json; charset=utf-8'],
    ['assets/favicon.070D2CA2.svg', 'image/svg+xml'],
    ['IMAGES/Photo.JPG', 'image/jpeg'],
  ])('%s is served as %s', (key, type) => {
    expect(contentTypeFor(key)).toBe(type);
  });

  it('refuses a file it has no type for, and says where to add one', () => {
    expect(() => contentTypeFor('notes.docx')).toThrow(
      /No Content-Type is known for "notes.docx".*CONTENT_TYPES/,
    );
    expect(() => contentTypeFor('Makefile')).toThrow(/No Content-Type/);
    expect(() => contentTypeFor('.hidden')).toThrow(/No Content-Type/);
  });
});

describe('Cache-Control', () => {
  it('keeps fingerprinted assets a year, immutable', () => {
    expect(cacheControlFor('assets/check.4IMRSEHZ.js')).toBe(IMMUTABLE);
    expect(cacheControlFor('assets/icons/favicon.070D2CA2.svg')).toBe(IMMUTABLE);
    expect(IMMUTABLE).toBe('public, max-age=31536000, immutable');
  });

  it('makes browsers revalidate pages and config.json on every view', () => {
    for (const key of ['index.html', 'check.html', '404.html', 'config.json']) {
      expect(cacheControlFor(key)).toBe(REVALIDATE);
    }
    expect(REVALIDATE).toMatch(/max-age=0/);
  });

  it('does not treat a name without a content hash as immutable', () => {
    expect(cacheControlFor('assets/check.js')).toBe(SHORT);
    expect(cacheControlFor('robots.txt')).toBe(SHORT);
    expect(cacheControlFor('check.4IMRSEHZ.js')).toBe(SHORT); // outside assets/
  });
});
