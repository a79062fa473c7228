/**
 * The house, enforced. Three layers: the library (shared/src and shared/settings.json) imports nothing
 * outside itself; a chapter's lesson code (src/, site/, plugins/) builds on the library, never on the
 * workshop's machinery; the machinery (shared/workshop, and shared/iam's scripts) composes the chapters.
 * A chapter's tests and exercise checks may use the machinery. A chapter uses another chapter's code only
 * with the reason written below. And a chapter folder holds only what a learner builds and reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { filesUnder } from '../../src/files';
import { REPO_ROOT } from '../env';

/** Every source file of the repository (TypeScript and JavaScript), relative to its root. */
function sourceFiles(): string[] {
  return filesUnder(REPO_ROOT, { skip: ['node_modules'] }).filter((file) => /\.(ts|js|cjs|mjs)$/.test(file));
}

/** The repository files a source file imports (import, export ... from, require, import()). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => match[1] as string);
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) =>
      path.posix
        .relative(REPO_ROOT, path.resolve(REPO_ROOT, path.dirname(file), specifier))
        .split(path.sep)
        .join('/'),
    );
}

type Layer = 'library' | 'lesson' | 'chapter tests' | 'machinery' | 'other';

const CHAPTER = /^(\d\d)-[^/]+\/([^/]+)/;

function layerOf(file: string): Layer {
  const chapter = CHAPTER.exec(file);
  if (chapter) return ['src', 'site', 'plugins'].includes(chapter[2] as string) ? 'lesson' : 'chapter tests';
  if (file.startsWith('shared/src/') || file === 'shared/settings.json') return 'library';
  if (file.startsWith('shared/workshop/') || file.startsWith('shared/iam/')) return 'machinery';
  if (file.startsWith('shared/test/')) return 'chapter tests';
  return 'other';
}

const chapterOf = (file: string) => CHAPTER.exec(file)?.[1];

/** A chapter's use of another chapter's code, and why it is right. Anything else is a failure. */
const JUSTIFIED: Record<string, string> = {
  '02-cloudfront/test/csp.browser.test.ts -> 01-static-site/src/api-url':
    "the CSP must let chapter 01's check page reach the API: the browser test serves that page with the URL chapter 01 computes",
  '04-deploy-test/exercises/checks.ts -> 03-lambda-check/src/check':
    "exercise 4.1's tests must catch a wrong API: the check runs them against chapter 03's real handler",
  '04-deploy-test/test/collection.test.ts -> 03-lambda-check/src/request':
    "the Postman collection sends what chapter 03's handler reads: the test holds one against the other",
};

const files = sourceFiles();
const edges = files.flatMap((from) => importsOf(from).map((to) => ({ from, to })));
const describeEdge = ({ from, to }: { from: string; to: string }) =>
  `${from} -> ${to.replace(/\.(ts|js|json)$/, '')}`;

describe('the layers', () => {
  it('finds the imports it checks', () => {
    // A broken parser would make every rule below pass: make sure it sees known edges of every kind.
    expect(edges.map(describeEdge)).toEqual(
      expect.arrayContaining([
        'shared/workshop/stand-ins/workshop.ts -> shared/workshop/stand-ins/api/offline-api',
        '03-lambda-check/src/check.ts -> shared/src/config',
        '04-deploy-test/exercises/checks.ts -> 03-lambda-check/src/check',
      ]),
    );
  });

  it('the library (shared/src) imports nothing outside itself', () => {
    const wrong = edges.filter(({ from, to }) => layerOf(from) === 'library' && layerOf(to) !== 'library');
    expect(wrong.map(describeEdge)).toEqual([]);
  });

  it("a chapter's lesson code imports none of the machinery", () => {
    const wrong = edges.filter(({ from, to }) => layerOf(from) === 'lesson' && layerOf(to) === 'machinery');
    expect(wrong.map(describeEdge)).toEqual([]);
  });

  it('a chapter uses another chapter only where the reason is written down', () => {
    const across = edges
      .filter(({ from, to }) => chapterOf(from) && chapterOf(to) && chapterOf(from) !== chapterOf(to))
      .map(describeEdge);
    expect(across.filter((edge) => !JUSTIFIED[edge])).toEqual([]);
    // A justification whose import is gone is stale: remove it with the import.
    expect(Object.keys(JUSTIFIED).filter((edge) => !across.includes(edge))).toEqual([]);
  });

  it('a chapter folder holds only what a learner builds and reads', () => {
    const allowed = new Set([
      'README.md',
      'GOING-FURTHER.md',
      'serverless.yml',
      'src',
      'plugins',
      'exercises',
      'test',
      'site',
      'curl',
      'postman',
    ]);
    const chapters = readdirSync(REPO_ROOT).filter((name) => /^\d\d-/.test(name));
    expect(chapters).toHaveLength(5);
    // dist/ is the site's git-ignored build (01), reports/ the browser tests' git-ignored screenshots;
    // dotted folders (.serverless, .esbuild) are never listed.
    const tracked = new Set(
      filesUnder(REPO_ROOT, { skip: ['node_modules', 'dist', 'reports'] }).map((file) =>
        file.split('/').slice(0, 2).join('/'),
      ),
    );
    const wrong = chapters.flatMap((chapter) =>
      readdirSync(path.join(REPO_ROOT, chapter))
        // What a run leaves behind is git-ignored (.serverless, .esbuild, dist): the source tree counts.
        .filter((entry) => tracked.has(`${chapter}/${entry}`) && !allowed.has(entry))
        .map((entry) => `${chapter}/${entry}`),
    );
    expect(wrong).toEqual([]);
  });
});
