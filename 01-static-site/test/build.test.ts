/** The build: fingerprinted assets, HTML pointing at them, config.json, no other host, under budget. */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../shared/workshop/test-support/temp';
import { type BuildResult, buildSite, SITE_SOURCE_DIR } from '../src/build';

const API = 'http://127.0.0.1:3999/dev';
const work = tempDir('site-build');
let built: BuildResult;
const read = (key: string) => readFileSync(path.join(built.outDir, key), 'utf8');

beforeAll(async () => {
  built = await buildSite({ apiBaseUrl: API, outDir: path.join(work.path, 'site') });
});
afterAll(() => work.remove());

describe('buildSite', () => {
  it('writes the three pages, config.json and fingerprinted assets, and nothing else', () => {
    expect(built.files.map((f) => f.path)).toEqual([
      '404.html',
      expect.stringMatching(/^assets\/check\.[A-Z0-9]{8}\.js$/),
      expect.stringMatching(/^assets\/favicon\.[A-Z0-9]{8}\.svg$/),
      expect.stringMatching(/^assets\/styles\.[A-Z0-9]{8}\.css$/),
      'check.html',
      'config.json',
      'index.html',
    ]);
  });

  it('points every page at files that exist, by their fingerprinted names', () => {
    const names = new Set(built.files.map((f) => `/${f.path}`));
    for (const page of ['index.html', 'check.html', '404.html']) {
      const references = [...read(page).matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
      expect(references.length).toBeGreaterThanOrEqual(2);
      for (const reference of references) expect(names).toContain(reference);
    }
    expect(read('check.html')).toMatch(/<script src="\/assets\/check\.[A-Z0-9]{8}\.js" defer><\/script>/);
  });

  it('writes the API base URL into config.json, and null when there is none yet', async () => {
    expect(JSON.parse(read('config.json'))).toEqual({ apiBaseUrl: API });
    const none = await buildSite({ apiBaseUrl: null, outDir: path.join(work.path, 'no-api') });
    expect(JSON.parse(readFileSync(path.join(none.outDir, 'config.json'), 'utf8'))).toEqual({
      apiBaseUrl: null,
    });
  });

  it('never hard-codes the API: its address appears in config.json only', () => {
    for (const file of built.files.filter((f) => f.path !== 'config.json')) {
      expect(read(file.path)).not.toContain('127.0.0.1');
    }
  });

  it('loads nothing from another host (no CDN fonts or scripts)', () => {
    for (const file of built.files) {
      const urls = read(file.path).match(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"')]*/gi) ?? [];
      // The only absolute URL allowed is the SVG namespace, which is a name, never fetched.
      expect(urls.filter((url) => url !== 'http://www.w3.org/2000/svg')).toEqual([]);
    }
  });

  it('keeps the whole site under 30 KB', () => {
    expect(built.totalBytes).toBeLessThan(30 * 1024);
  });

  it('gives a changed asset a new name and an unchanged one the same name', async () => {
    const again = await buildSite({ apiBaseUrl: 'https://other.example.com/prod', outDir: built.outDir });
    expect(again.files.map((f) => f.path)).toEqual(built.files.map((f) => f.path));
  });

  it('refuses to empty a folder it did not make', async () => {
    const foreign = path.join(work.path, 'foreign');
    mkdirSync(foreign);
    writeFileSync(path.join(foreign, 'thesis.tex'), 'precious');
    await expect(buildSite({ apiBaseUrl: API, outDir: foreign })).rejects.toThrow(
      /Refusing to empty .*foreign/,
    );
    expect(readFileSync(path.join(foreign, 'thesis.tex'), 'utf8')).toBe('precious');
  });

  it('refuses an API URL that is not http(s)', async () => {
    await expect(
      buildSite({ apiBaseUrl: 'javascript:alert(1)', outDir: path.join(work.path, 'bad') }),
    ).rejects.toThrow(/apiBaseUrl must be an http\(s\) URL/);
  });

  it('includes every file of the site folder, whatever its name, and fingerprints those under assets/', async () => {
    const source = path.join(work.path, 'source-extra');
    cpSync(SITE_SOURCE_DIR, source, { recursive: true });
    writeFileSync(path.join(source, 'a b é.html'), '<img src="/assets/logo%20%C3%BC.png" alt="">');
    writeFileSync(path.join(source, 'assets', 'logo ü.png'), 'png');
    writeFileSync(path.join(source, 'robots.txt'), 'User-agent: *\n');
    const extra = await buildSite({
      apiBaseUrl: API,
      outDir: path.join(work.path, 'extra'),
      sourceDir: source,
    });
    const keys = extra.files.map((f) => f.path);
    expect(keys).toEqual(expect.arrayContaining(['a b é.html', 'robots.txt']));
    const logo = keys.find((key) => /^assets\/logo ü\.[0-9A-F]{8}\.png$/.test(key));
    expect(logo).toBeDefined();
    expect(readFileSync(path.join(extra.outDir, 'a b é.html'), 'utf8')).toBe(
      `<img src="${encodeURI(`/${logo}`)}" alt="">`,
    );
  });

  it('stops with an error naming a file S3 could not serve, and writes nothing', async () => {
    const source = path.join(work.path, 'source-docx');
    cpSync(SITE_SOURCE_DIR, source, { recursive: true });
    writeFileSync(path.join(source, 'notes.docx'), 'word');
    const outDir = path.join(work.path, 'docx');
    await expect(buildSite({ apiBaseUrl: API, outDir, sourceDir: source })).rejects.toThrow(
      `Cannot build the site: ${path.join(source, 'notes.docx')} has no known Content-Type`,
    );
    expect(existsSync(outDir)).toBe(false);
  });
});
