/**
 * npm run smoke: `npm start` as a learner uses it, on any platform: start it (on free ports, a data folder of
 * its own), check a genuine and a forged signature over HTTP, check one in the check page in this machine's
 * browser, stop it, and find nothing left listening. The CI matrix runs it on Linux, macOS and Windows;
 * .ci/run runs it too. Each step prints what it saw; the exit status is 1 when one fails.
 */
import '../commands/require-node';
import { rmSync } from 'node:fs';
import { stage } from '../../src/config';
import { howToInstall, REQUIREMENTS } from '../system-requirements';
import { checkSignatureInPage, launchChromium, screenshotPath } from '../test-support/browser';
import {
  commandPid,
  ctrlC,
  freePorts,
  genuineSignature,
  leftOf,
  NOTHING_LEFT,
  type NpmStart,
  newDataDir,
  READY,
  startNpmStart,
  until,
} from '../test-support/npm-start';
import { findChromium } from '../tools';

const BILL_NUMBER = '2019-0042';

function step(text: string): void {
  process.stdout.write(`ok    ${text}\n`);
}

class SmokeFailure extends Error {}
function expectThat(condition: boolean, message: string): asserts condition {
  if (!condition) throw new SmokeFailure(message);
}

async function checkOverHttp(run: NpmStart, signature: string): Promise<void> {
  const url = `http://127.0.0.1:${run.ports.API_PORT}/${stage()}/check`;
  const genuine = await fetch(url, { method: 'POST', body: signature });
  const text = await genuine.text();
  expectThat(
    genuine.status === 200 && text.includes(BILL_NUMBER),
    `POST ${url} (genuine): ${genuine.status} ${text}`,
  );
  step(`POST ${url} with the genuine signature: 200, bill ${BILL_NUMBER}`);
  const forged = await fetch(url, { method: 'POST', body: 'skrttskrtttt' });
  expectThat(forged.status === 400, `POST ${url} (forged): ${forged.status} ${await forged.text()}`);
  step(`POST ${url} with a forged signature: 400`);
}

async function checkInBrowser(run: NpmStart, signature: string): Promise<void> {
  const browser = findChromium();
  expectThat(browser !== undefined, `no browser found: ${howToInstall(REQUIREMENTS.chromium)}`);
  const chromium = await launchChromium();
  try {
    const page = await chromium.newPage();
    await page.goto(`http://localhost:${run.ports.SITE_PORT}/check.html`);
    await checkSignatureInPage(page, signature, 'authentic');
    const file = screenshotPath('smoke-authentic.png');
    await page.screenshot({ path: file, fullPage: true });
    step(`the check page in ${browser} says "Authentic signature" (screenshot: ${file})`);
  } finally {
    await chromium.close();
  }
}

/**
 * Ctrl-C where there is one; on Windows, which has no signals to send, npm is ended outright and the
 * command sees it gone (shared/workshop/process/stop.ts).
 */
async function stop(run: NpmStart, pid: number): Promise<void> {
  if (process.platform === 'win32') run.npm.kill();
  else ctrlC(run, pid);
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    run.allEnded,
    new Promise((resolve) => {
      timer = setTimeout(resolve, 30_000, 'timeout');
    }),
  ]);
  clearTimeout(timer);
  expectThat(ended !== 'timeout', `npm start still runs 30 s after it was stopped:\n${run.output()}`);
  let left = await leftOf(run, pid);
  await until(async () => {
    left = await leftOf(run, pid);
    return JSON.stringify(left) === JSON.stringify(NOTHING_LEFT);
  }, 10_000);
  expectThat(
    JSON.stringify(left) === JSON.stringify(NOTHING_LEFT),
    `left after the stop: ${JSON.stringify(left)}`,
  );
  step('stopped: no port of the run listening, no folder of it left');
}

async function main(): Promise<number> {
  const ports = await freePorts();
  const dataDir = newDataDir();
  const started = Date.now();
  const run = startNpmStart(ports, dataDir);
  try {
    await run.printed(READY, 180_000);
    step(
      `npm start is ready in ${((Date.now() - started) / 1000).toFixed(1)} s (site on port ${ports.SITE_PORT})`,
    );
    const signature = genuineSignature(run.output());
    expectThat(
      /^[A-Za-z0-9_-]+=*$/.test(signature),
      `npm start printed no genuine signature:\n${run.output()}`,
    );
    const pid = commandPid(dataDir);
    expectThat(pid !== undefined, 'the process behind npm start was not found by its folders');
    await checkOverHttp(run, signature);
    await checkInBrowser(run, signature);
    await stop(run, pid);
    process.stdout.write('smoke: npm start works on this machine.\n');
    return 0;
  } catch (error) {
    const message = error instanceof SmokeFailure ? error.message : String((error as Error).stack ?? error);
    process.stderr.write(`FAIL  ${message}\nsmoke: npm start does not work on this machine.\n`);
    return 1;
  } finally {
    if (run.npm.exitCode === null && run.npm.signalCode === null) run.npm.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then((code) => {
  process.exitCode = code;
});
