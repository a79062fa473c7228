/** npm run chapter:3 -- --offline, as a learner meets it when a port is taken: what to set, both ports named. */
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { TSX_HOOK } from '../process/entries';
import { freePort, LOOPBACK } from '../process/ports';
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
