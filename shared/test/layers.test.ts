/**
 * The layers, enforced: the library (shared/src) at the bottom imports no chapter and none of the workshop's
 * machinery; chapters build on the library and on earlier chapters, never on the machinery; the machinery
 * (shared/workshop) on top composes the chapters. A later chapter's code in an earlier chapter is listed
 * below with the reason it is there, or it is a failure.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../src/env';
import { filesUnder } from '../src/files';

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
    .map((specifier) => path.relative(REPO_ROOT, path.resolve(REPO_ROOT, path.dirname(file), specifier)));
}

type Layer = 'library' | 'machinery' | 'shared-support' | `chapter ${number}` | 'other';

function layerOf(file: string): Layer {
  const chapter = /^(\d\d)-[^/]+\//.exec(file);
  if (chapter) return `chapter ${Number(chapter[1])}`;
  if (file.startsWith('shared/src/') || file === 'shared/settings.json') return 'library';
  if (file.startsWith('shared/workshop/')) return 'machinery';
  if (file.startsWith('shared/')) return 'shared-support';
  return 'other';
}

/** Earlier chapters that use a later one's code, and why that is right. Anything else is a failure. */
const JUSTIFIED: Record<string, string> = {
  '01-static-site/scripts/chapter.ts -> 02-cloudfront/src/invalidation':
    "once chapter 02 is deployed, re-uploading chapter 01's site must invalidate what CloudFront cached, or learners see the old pages; the invalidation is chapter 02's lesson, so its code stays there",
  '03-lambda-check/verify/aws.ts -> 04-deploy-test/src/deployed':
    "`npm run verify -- 3 --aws` posts genuine signatures made with the keys the deployed function reads; finding those keys (SSM, else .env) is chapter 04's deployed.ts, reused rather than written twice",
  '01-static-site/test/site.browser.test.ts -> 03-lambda-check/offline/api':
    "the site's check page posts to chapter 03's API: the browser test runs the page against the real handler",
  '02-cloudfront/test/csp.browser.test.ts -> 03-lambda-check/offline/api':
    "the content security policy must let the check page reach chapter 03's API: the browser test proves it against the real handler",
};

const files = sourceFiles();
const edges = files.flatMap((from) => importsOf(from).map((to) => ({ from, to })));
const describeEdge = ({ from, to }: { from: string; to: string }) =>
  `${from} -> ${to.replace(/\.(ts|js|json)$/, '')}`;

describe('the layers', () => {
  it('finds the imports it checks', () => {
    // A broken parser would make every rule below pass: make sure it sees the known edges.
    expect(edges.map(describeEdge)).toEqual(
      expect.arrayContaining([
        'shared/workshop/offline.ts -> 03-lambda-check/offline/api',
        '03-lambda-check/src/check.ts -> shared/settings',
        '04-deploy-test/verify/offline.ts -> 03-lambda-check/verify/offline',
      ]),
    );
  });

  it('the library (shared/src) imports no chapter and none of the machinery', () => {
    const wrong = edges
      .filter(({ from, to }) => layerOf(from) === 'library' && layerOf(to) !== 'library')
      .filter(({ to }) => !to.startsWith('shared/reference/'));
    expect(wrong.map(describeEdge)).toEqual([]);
  });

  it('nothing but the machinery imports the machinery (chapters, the library, benches, test support)', () => {
    const wrong = edges.filter(
      ({ from, to }) =>
        layerOf(to) === 'machinery' && layerOf(from) !== 'machinery' && !from.startsWith('shared/test/'),
    );
    expect(wrong.map(describeEdge)).toEqual([]);
  });

  it('a chapter builds on earlier chapters only, unless the reason is written down', () => {
    const backwards = edges
      .filter(({ from, to }) => {
        const [a, b] = [layerOf(from), layerOf(to)];
        return a.startsWith('chapter') && b.startsWith('chapter') && Number(b.slice(8)) > Number(a.slice(8));
      })
      .map(describeEdge);
    expect(backwards.filter((edge) => !JUSTIFIED[edge])).toEqual([]);
    // A justification whose import is gone is stale: remove it with the import.
    expect(Object.keys(JUSTIFIED).filter((edge) => !backwards.includes(edge))).toEqual([]);
  });
});
