/**
 * `npm start` as a learner runs it: as a child process, on free ports and its own data folder. The site
 * answers from the local S3 through the local distribution, a genuine signature checked in the page in
 * headless Chromium shows "authentic", a forged one "not an authentic signature", the chapter 05 tail
 * shows that request's log line, and after Ctrl-C (SIGINT to npm and to the command, as a terminal sends it) no process, no port and
 * no folder of the run is left: its output pipes close once the last process holding them has ended, and
 * its folders are named after the process that owns them (test-support/npm-start.ts).
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { REPO_ROOT } from '../env';
import { npmCli } from '../process/entries';
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
import { describeWithSystem } from '../test-support/system';

describeWithSystem('chromium', 'npm start: the whole workshop offline, end to end', () => {
  let run: NpmStart;
  let output = '';
  let dataDir: string;
  let ports: NpmStart['ports'];

  beforeAll(async () => {
    ports = await freePorts();
    dataDir = newDataDir();
    run = startNpmStart(ports, dataDir);
    await run.printed(READY, 120_000);
    output = run.output();
  }, 150_000);

  afterAll(() => {
    run?.npm.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const genuine = () => genuineSignature(output);

  it('prints the URLs, the ports it was given, and a genuine signature', () => {
    expect(output).toContain(`http://localhost:${ports.SITE_PORT}/`);
    expect(output).toContain(`POST http://127.0.0.1:${ports.API_PORT}/dev/check`);
    expect(output).toContain(`http://127.0.0.1:${ports.LOGS_PORT}`);
    expect(output).toContain('made demo keys');
    expect(genuine()).toMatch(/^[A-Za-z0-9_-]+=*$/);
  });

  it('serves the site from the local S3 through the local distribution, with its security headers', async () => {
    const response = await fetch(`http://127.0.0.1:${ports.SITE_PORT}/check.html`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain(
      `connect-src 'self' http://127.0.0.1:${ports.API_PORT}`,
    );
    expect(await response.text()).toContain('Signature from your bill');
  });

  it('checks a genuine and a forged signature in the page, in Chromium', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`http://localhost:${ports.SITE_PORT}/check.html`);
      await checkSignatureInPage(page, genuine(), 'authentic');
      expect(await page.getByRole('status').textContent()).toContain('2019-0042');
      await page.screenshot({ path: screenshotPath('npm-start-authentic.png'), fullPage: true });

      await checkSignatureInPage(page, 'skrttskrtttt', 'forged');
      await page.screenshot({ path: screenshotPath('npm-start-forged.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);

  it("shows the forged request's log line in the chapter 05 tail", async () => {
    const answer = await fetch(`http://127.0.0.1:${ports.API_PORT}/dev/check`, {
      method: 'POST',
      body: 'skrttskrtttt',
    });
    expect(answer.status).toBe(400);
    const requestId = answer.headers.get('x-amzn-requestid') ?? answer.headers.get('x-amz-request-id');
    // The shipper sends a batch every few hundred ms: give the tail a moment of follow to catch it.
    const tail = execFileSync(
      process.execPath,
      [
        npmCli(),
        'run',
        '--silent',
        'chapter:5',
        '--',
        '--offline',
        '--since',
        '5m',
        '--follow',
        '--exit-after-idle',
        '3s',
        '--format',
        'detailed',
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, LOGS_PORT: String(ports.LOGS_PORT), NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: 60_000,
        // Its notices (where it tails, why it stopped) go to stderr: kept from the test run's output.
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines = tail.split('\n').filter((l) => l.includes('This is not an authentic signature'));
    expect(lines.length).toBeGreaterThanOrEqual(2); // the page's forged check and this one
    if (requestId) expect(tail).toContain(requestId);
    expect(tail).toMatch(/REPORT/);
  }, 90_000);

  it('stops every process, frees every port and removes its folders on Ctrl-C', async () => {
    const pid = commandPid(dataDir) as number;
    expect(pid).toBeDefined();
    ctrlC(run, pid);
    const end = await run.allEnded;
    // npm waits for the script, then ends as it did, or by the same signal, as a shell expects.
    expect([
      { code: 0, signal: null },
      { code: null, signal: 'SIGINT' },
      { code: 130, signal: null },
    ]).toContainEqual(end);
    expect(run.output()).toContain('Stopped.');
    let left = await leftOf(run, pid);
    await until(async () => {
      left = await leftOf(run, pid);
      return left.listening.length + left.tempFolders + left.buildFolders === 0;
    }, 10_000);
    expect(left).toEqual(NOTHING_LEFT);
  }, 40_000);
});
