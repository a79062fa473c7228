/**
 * packageChapter really runs `serverless package`, once per distinct input: the same input is packaged
 * once, and any change to what serverless.yml reads (a source, shared settings, an environment variable) is
 * packaged anew. And the security headers npm start reads from serverless.yml are those osls packages.
 */
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../env';
import { type Packaged, packageChapter } from '../packaging/serverless-package';
import { securityHeaders, securityHeadersOf } from '../stand-ins/cdn/security-headers';
import { tempDir } from '../test-support/temp';
import { readZip } from '../test-support/zip';

// 02-cloudfront/test/template.e2e.test.ts's: the packaging with it is made once for both.
const API_ORIGIN = 'https://abc123defg.execute-api.eu-west-3.amazonaws.com';

/** A checkout of its own holding what chapters 01 and 03 package, to edit without touching this one. */
function copyOfInputs(root: string): void {
  for (const source of [
    '01-static-site/serverless.yml',
    '03-lambda-check/serverless.yml',
    '03-lambda-check/src',
    '03-lambda-check/plugins',
    'shared/src',
    'shared/settings.json',
    'shared/workshop/exercises/swap.js',
  ]) {
    cpSync(path.join(REPO_ROOT, source), path.join(root, source), { recursive: true });
  }
}

const bundleOf = (packaged: Packaged) =>
  (readZip(packaged.zip as string).get('src/check.js') as Buffer).toString('utf8');

describe('the security headers of chapter 02', () => {
  it.each([
    ['without an API', null],
    ['with an API', API_ORIGIN],
  ])('read from serverless.yml are those of the packaged template, %s', async (_name, apiOrigin) => {
    const { template } = await packageChapter('02-cloudfront', {
      params: apiOrigin ? { apiOrigin } : {},
    });
    const packaged = securityHeadersOf(template);
    expect(securityHeaders(apiOrigin)).toEqual(packaged);
    expect(packaged['content-security-policy']).toContain(
      apiOrigin ? `connect-src 'self' ${API_ORIGIN};` : "connect-src 'self';",
    );
  });
});

describe('packageChapter', () => {
  let work: ReturnType<typeof tempDir>;
  beforeAll(() => {
    work = tempDir('packaging');
    copyOfInputs(work.path);
  });
  afterAll(() => work.remove());

  it('packages the same input once, and gives each caller a template of its own', async () => {
    const first = await packageChapter('01-static-site', { root: work.path });
    first.template.Resources = {};
    const again = await packageChapter('01-static-site', { root: work.path });
    expect(again.dir).toBe(first.dir);
    expect(Object.keys(again.template.Resources)).toContain('SiteBucket');
  });

  it('packages anew when shared settings or an environment variable serverless.yml reads change', async () => {
    const exportName = (packaged: Packaged) => packaged.template.Outputs?.SiteBucketName?.Export?.Name;
    const before = await packageChapter('01-static-site', { root: work.path, env: { STAGE: undefined } });
    const otherStage = await packageChapter('01-static-site', { root: work.path, env: { STAGE: 'qa' } });
    const settingsFile = path.join(work.path, 'shared', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
    writeFileSync(
      settingsFile,
      JSON.stringify({ ...settings, services: { ...settings.services, site: 'edited-site' } }),
    );
    const edited = await packageChapter('01-static-site', { root: work.path, env: { STAGE: undefined } });
    expect([exportName(before), exportName(otherStage), exportName(edited)]).toEqual([
      `${settings.services.site}-${settings.stage}-SiteBucketName`,
      `${settings.services.site}-qa-SiteBucketName`,
      `edited-site-${settings.stage}-SiteBucketName`,
    ]);
    expect(new Set([before.dir, otherStage.dir, edited.dir]).size).toBe(3);
  }, 60_000);

  it("bundles a source as it is now, never an earlier packaging's", async () => {
    const before = await packageChapter('03-lambda-check', { root: work.path });
    const marker = `edited-${process.pid}-${Date.now()}`;
    appendFileSync(
      path.join(work.path, '03-lambda-check', 'src', 'check.ts'),
      `\nexport const marker = '${marker}';\n`,
    );
    const after = await packageChapter('03-lambda-check', { root: work.path });
    expect(bundleOf(before)).not.toContain(marker);
    expect(bundleOf(after)).toContain(marker);
    expect(after.dir).not.toBe(before.dir);
  }, 60_000);
});
