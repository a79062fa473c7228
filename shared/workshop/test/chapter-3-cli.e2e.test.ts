/** npm run chapter:3 -- --offline, as a learner meets it when a port is taken: what to set, both ports named. */
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { TSX_HOOK } from '../process/entries';
import { freePort, LOOPBACK } from '../process/ports';
import { startService } from '../process/services';
import { runCommand } from '../test-support/run-command';

const CHAPTER = path.resolve(__dirname, '../commands/chapter-3.ts');
let server: Server;
let taken: number;

beforeAll(async () => {
  taken = await freePort();
  server = createServer();
  await new Promise<void>((resolve) => server.listen(taken, LOOPBACK, resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it.each(['API_PORT', 'LAMBDA_PORT'])(
  'a taken %s: exit 1, and the message names both of the API ports to choose',
  async (variable) => {
    const other = variable === 'API_PORT' ? 'LAMBDA_PORT' : 'API_PORT';
    const run = await runCommand(process.execPath, ['--require', TSX_HOOK, CHAPTER, '--offline'], {
      ...process.env,
      [variable]: String(taken),
      [other]: String(await freePort()),
      SIGNATURE_KEY: 'cli-test-password',
      SIGNING_KEYS: `cli:${'c'.repeat(40)}`,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`chapter:3: Port ${taken} is already in use (${variable}).`);
    expect(run.stderr).toContain('API_PORT=<port> LAMBDA_PORT=<port> npm run chapter:3 -- --offline');
    expect(run.stdout).not.toContain('Starting serverless-offline');
  },
  30_000,
);

describe('--site-origin', () => {
  it.each([
    ['http://localhost:8080/', 'is not an origin: give http://localhost:8080 (no path, no trailing slash)'],
    ['localhost:8080', 'is not http or https'],
    ['not a url', 'is not a URL'],
  ])('refuses %p with what to give instead (exit 2, then the usage)', async (origin, says) => {
    const run = await runCommand(process.execPath, [
      '--require',
      TSX_HOOK,
      CHAPTER,
      '--offline',
      '--site-origin',
      origin,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`chapter:3: --site-origin "${origin}" ${says}`);
    expect(run.stderr).toContain('Usage: npm run chapter:3');
  });

  it('is the one origin the offline API allows (CORS), instead of the default', async () => {
    const [apiPort, lambdaPort] = [await freePort(), await freePort()];
    const origin = 'http://cinq-euros-site-dev.s3-website.localhost:4569';
    const api = await startService({
      name: 'chapter:3 --offline',
      entry: CHAPTER,
      args: ['--offline', '--site-origin', origin],
      env: {
        ...process.env,
        API_PORT: String(apiPort),
        LAMBDA_PORT: String(lambdaPort),
        SIGNATURE_KEY: 'cli-test-password',
        SIGNING_KEYS: `cli:${'c'.repeat(40)}`,
      },
      readyWhen: { line: /Ctrl-C stops the server/ },
      readyTimeoutMs: 60_000,
    });
    try {
      const answer = await fetch(`http://${LOOPBACK}:${apiPort}/dev/check`, {
        method: 'POST',
        headers: { origin },
        body: 'skrttskrtttt',
      });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
    } finally {
      await api.stop();
    }
  }, 90_000);
});
