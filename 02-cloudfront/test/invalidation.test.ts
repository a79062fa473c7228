import { MAX_PATHS, pathsToInvalidate } from '../src/invalidation';

describe('pathsToInvalidate', () => {
  it('lists the replaced and deleted objects only (new ones were never cached)', () => {
    expect(pathsToInvalidate({ replaced: ['check.html', 'config.json'], deleted: ['old.html'] })).toEqual([
      '/check.html',
      '/config.json',
      '/old.html',
    ]);
  });

  it('adds "/" when the home page changed, since CloudFront serves it there too', () => {
    expect(pathsToInvalidate({ replaced: ['index.html'], deleted: [] })).toEqual(['/', '/index.html']);
  });

  it('is empty when nothing changed: no invalidation, no cost', () => {
    expect(pathsToInvalidate({ replaced: [], deleted: [] })).toEqual([]);
  });

  it('encodes keys as URL paths', () => {
    expect(pathsToInvalidate({ replaced: ['docs/read me.html'], deleted: [] })).toEqual([
      '/docs/read%20me.html',
    ]);
  });

  it(`falls back to one "/*" past ${MAX_PATHS} paths`, () => {
    const many = Array.from({ length: MAX_PATHS + 1 }, (_, i) => `page-${i}.html`);
    expect(pathsToInvalidate({ replaced: many, deleted: [] })).toEqual(['/*']);
    expect(pathsToInvalidate({ replaced: many.slice(1), deleted: [] })).toHaveLength(MAX_PATHS);
  });
});
