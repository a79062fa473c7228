/**
 * `npm start` as a learner runs it: as a child process, on free ports and its own data folder. The site
 * answers from the local S3 through the local distribution, a genuine signature checked in the page in
 * headless Chromium shows "authentic", a forged one "not an authentic signature", the chapter 05 tail
 * shows that request's log line, and after Ctrl-C (SIGINT) no process and no port is left.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../env';
import { freePort, isListening } from '../process/ports';
import { launchChromium, screenshotPath } from '../test-support/browser';
import { describeWithSystem } from '../test-support/system';

const NAMES = ['SITE_PORT', 'S3_PORT', 'API_PORT', 'LAMBDA_PORT', 'LOGS_PORT'] as const;
const READY = 'Ctrl-C stops everything.';

/** Every process below `pid`, children first found through ps. */
function descendants(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of out.trim().split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number) as [number, number];
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  const visit = (p: number) => {
    for (const c of children.get(p) ?? []) {
      found.push(c);
      visit(c);
    }
  };
  visit(pid);
  return found;
}

/** Running, that is: it exists and is not a zombie (an ended process its new parent has not reaped yet). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describeWithSystem('chromium', 'npm start: the whole workshop offline, end to end', () => {
  let child: ChildProcess;
  let output = '';
  let dataDir: string;
  const ports: Record<string, number> = {};
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  beforeAll(async () => {
    const taken = new Set<number>();
    for (const name of NAMES) {
      let port = await freePort();
      while (taken.has(port)) port = await freePort();
      taken.add(port);
      ports[name] = port;
    }
    dataDir = mkdtempSync(path.join(tmpdir(), 'workshop-e2e-'));
    child = spawn('npm', ['start'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...Object.fromEntries(NAMES.map((n) => [n, String(ports[n])])),
        LOCAL_DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, as a terminal gives it: Ctrl-C is a SIGINT to the whole group.
      detached: true,
    });
    // 'close', not 'exit': the last lines may still be in the pipes when the process ends.
    exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const deadline = Date.now() + 120_000;
    while (!output.includes(READY)) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm start was not ready in 120 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 150_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const genuine = () =>
    output
      .split('\n')
      [output.split('\n').findIndex((l) => l.includes("as the article's bills carry")) + 1]?.trim() ?? '';

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
      await page.getByLabel('Signature from your bill').fill(genuine());
      await page.getByRole('button', { name: 'Check' }).click();
      await page
        .getByRole('status')
        .getByRole('heading', { name: 'Authentic signature' })
        .waitFor({ timeout: 15_000 });
      expect(await page.getByRole('status').textContent()).toContain('2019-0042');
      await page.screenshot({ path: screenshotPath('npm-start-authentic.png'), fullPage: true });

      await page.getByLabel('Signature from your bill').fill('skrttskrtttt');
      await page.getByRole('button', { name: 'Check' }).click();
      await page
        .getByRole('status')
        .getByText(/not an authentic signature/i)
        .first()
        .waitFor({ timeout: 15_000 });
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
      'npm',
      [
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
      },
    );
    const lines = tail.split('\n').filter((l) => l.includes('This is not an authentic signature'));
    expect(lines.length).toBeGreaterThanOrEqual(2); // the page's forged check and this one
    if (requestId) expect(tail).toContain(requestId);
    expect(tail).toMatch(/REPORT/);
  }, 90_000);

  it('stops every process and frees every port on Ctrl-C', async () => {
    const pid = child.pid as number;
    const family = descendants(pid);
    expect(family.length).toBeGreaterThan(2); // npm, the script, serverless-offline...
    process.kill(-pid, 'SIGINT');
    const end = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 20_000))]);
    // npm passes the SIGINT on, waits for the script, then ends by the same signal, as a shell expects.
    expect([
      { code: 0, signal: null },
      { code: null, signal: 'SIGINT' },
      { code: 130, signal: null },
    ]).toContainEqual(end);
    expect(output).toContain('Stopped.');
    // A moment for the last of the group to be reaped.
    await new Promise((r) => setTimeout(r, 500));
    const left = family.filter(alive);
    const describe = (pids: number[]) =>
      pids.length
        ? execFileSync('ps', ['-o', 'pid,ppid,stat,args', '-p', pids.join(',')], { encoding: 'utf8' })
        : '';
    expect(describe(left)).toBe('');
    for (const name of NAMES)
      expect({ name, listening: await isListening(ports[name] as number) }).toEqual({
        name,
        listening: false,
      });
  }, 40_000);
});
