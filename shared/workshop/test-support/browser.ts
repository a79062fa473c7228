/**
 * Debian's Chromium driven by playwright-core (no browser download), with the flags that keep it from
 * dialling out (without the networking flags it keeps trying, and is refused offline), and an axe-core scan.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from '../env';
import { findChromium } from '../tools';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Run axe-core in the page (all WCAG 2.x A/AA rules and best practices); returns the violations. */
export async function axeViolations(page: Page): Promise<{ id: string; help: string; targets: string[] }[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations.map((v) => ({ id: v.id, help: v.help, targets: v.nodes.flatMap((n) => n.target) }));
}

/**
 * What a learner does on the check page: paste a signature, press Check. Resolves once the answer shows
 * "Authentic signature" (authentic) or "not an authentic signature" (forged); rejects after 15 s.
 */
export async function checkSignatureInPage(page: Page, signature: string, expected: 'authentic' | 'forged') {
  await page.getByLabel('Signature from your bill').fill(signature);
  await page.getByRole('button', { name: 'Check' }).click();
  const answer =
    expected === 'authentic'
      ? page.getByRole('status').getByRole('heading', { name: 'Authentic signature' })
      : page
          .getByRole('status')
          .getByText(/not an authentic signature/i)
          .first();
  await answer.waitFor({ timeout: 15_000 });
}

/** Where a chapter's screenshots go: its reports/ folder (git-ignored), for a person to look at. */
export function screenshotPath(name: string, chapter = '01-static-site'): string {
  const dir = path.join(REPO_ROOT, chapter, 'reports');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
