/**
 * npm run chapter:4 as a learner runs it: help and misuse, the deployed stack's URL (through a local
 * stand-in of CloudFormation and SSM, never AWS), the errors a learner meets first, and --offline starting
 * the API itself when nothing listens on API_PORT.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../env';
import { TSX_HOOK } from '../process/entries';
import { freePort, isListening } from '../process/ports';
import { startOfflineApi } from '../stand-ins/api/offline-api';
import { type FakeAws, fakeAwsEnv, startFakeAws } from '../test-support/fake-aws';
import { type Ran, runCommand } from '../test-support/run-command';

const URL_OUT = 'https://abc123.execute-api.eu-west-3.amazonaws.com/dev/check';
let aws: FakeAws;
const scratch = mkdtempSync(path.join(tmpdir(), 'chapter04-cli-'));

beforeAll(async () => {
  aws = await startFakeAws();
});

afterAll(async () => {
  await aws.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** This process's environment without anything AWS, plus `extra`: no profile, no credentials file. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(AWS_|STAGE$|API_KEY$|SIGNATURE_KEY$|SIGNING_KEYS$)/.test(name)) env[name] = value;
  }
  return {
    ...env,
    AWS_CONFIG_FILE: path.join(scratch, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(scratch, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

function chapter4(args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return runCommand(
    process.execPath,
    ['--require', TSX_HOOK, 'shared/workshop/commands/chapter-4.ts', ...args],
    env,
  );
}

describe('npm run chapter:4, misused', () => {
  it('prints its usage with --help', async () => {
    const { code, stdout } = await chapter4(['--help'], cleanEnv({}));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run chapter:4 \[-- options\]\n/);
    expect(stdout).toContain('--offline');
  });

  it.each([
    [['--bogus'], "chapter:4: Unknown option '--bogus'"],
    [['--offline', '--url', URL_OUT], 'chapter:4: --offline and --url both say where to send the requests'],
    [
      ['--url', 'ftp://example.com/check'],
      'chapter:4: --url "ftp://example.com/check" is not an http(s) URL',
    ],
    [['positional'], "chapter:4: Unexpected argument 'positional'"],
  ])('exits 2 with a one-line reason for %j', async (args, reason) => {
    const { code, stderr } = await chapter4(args, cleanEnv({}));
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toContain(reason);
  });

  it('exits 2 with the reason when API_PORT is not a port', async () => {
    const { code, stderr } = await chapter4(['--offline'], cleanEnv({ API_PORT: 'eighty' }));
    expect(code).toBe(2);
    expect(stderr).toBe('chapter:4: API_PORT="eighty" is not a port: use a whole number from 1 to 65535.\n');
  });

  it('exits 2 on a malformed SIGNING_KEYS, before starting anything', async () => {
    const { code, stdout, stderr } = await chapter4(
      ['--offline'],
      cleanEnv({ API_PORT: String(await freePort()), SIGNATURE_KEY: 'k', SIGNING_KEYS: 'no-colon' }),
    );
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(
      'chapter:4: SIGNING_KEYS: each key is "<key id>:<secret>", the id made of 1 to 32 letters, digits, "-" or "_".\n',
    );
  });
});

describe('npm run chapter:4, finding the deployed API', () => {
  it("prints the stack's CheckUrl with --print-url (what the curl script reads)", async () => {
    aws.state.stacks['cinq-euros-api-dev'] = { status: 'CREATE_COMPLETE', outputs: { CheckUrl: URL_OUT } };
    const { code, stdout, stderr } = await chapter4(['--print-url'], cleanEnv(fakeAwsEnv(aws.endpoint)));
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: `${URL_OUT}\n`, stderr: '' });
  });

  it('says the stack is not deployed, and exits 2', async () => {
    const { code, stdout, stderr } = await chapter4(
      [],
      cleanEnv({ ...fakeAwsEnv(aws.endpoint), STAGE: 'nope' }),
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'chapter:4: The chapter 03 stack cinq-euros-api-nope is not deployed in eu-west-3. Deploy it first: npm run chapter:3 (03-lambda-check/README.md), or check AWS_REGION and STAGE.\nTo test without AWS: npm run chapter:4 -- --offline\n',
    );
  });

  it('says how to set up credentials when there are none, and exits 2', async () => {
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...noKeys } = fakeAwsEnv(aws.endpoint);
    const { code, stderr } = await chapter4([], cleanEnv(noKeys));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^chapter:4: No AWS credentials were found\.\nSet up AWS credentials first/);
    expect(stderr).toContain('add -- --offline to the command');
  });

  it('tests the API with the keys from SSM and the origin of the chapter 02 stack, as deployed', async () => {
    const site = 'https://d111111abcdef8.cloudfront.net';
    const keys = { SIGNATURE_KEY: 'deployed-key', SIGNING_KEYS: `live:${'l'.repeat(40)}` };
    // serverless-offline stands in for API Gateway: the run takes its URL as it would take a deployed one.
    const api = await startOfflineApi({ env: { ...keys, SITE_ORIGIN: site } });
    try {
      aws.state.parameters['/cinq-euros/dev/signature-key'] = keys.SIGNATURE_KEY;
      aws.state.parameters['/cinq-euros/dev/signing-keys'] = keys.SIGNING_KEYS;
      aws.state.stacks['cinq-euros-cdn-dev'] = {
        status: 'CREATE_COMPLETE',
        outputs: { SiteUrl: `${site}/` },
      };
      const { code, stdout } = await chapter4(
        ['--url', api.checkUrl, '--junit', path.join(scratch, 'deployed.xml')],
        cleanEnv(fakeAwsEnv(aws.endpoint)),
      );
      expect(stdout).toContain(`against the deployed API, ${api.checkUrl}`);
      expect(stdout).toContain(
        'Signing with the keys from SSM parameters /cinq-euros/dev/signature-key and /cinq-euros/dev/signing-keys.',
      );
      expect(stdout).toContain(`Site origin (CORS): ${site}, from the SiteUrl of cinq-euros-cdn-dev.`);
      expect(stdout).toMatch(/^(\d+) of \1 Postman tests passed, 12 requests in [\d.]+ s\.$/m);
      expect(code).toBe(0);
    } finally {
      await api.stop();
      delete aws.state.stacks['cinq-euros-cdn-dev'];
    }
  }, 60_000);

  it('with --url and the keys in the environment, needs no AWS credentials and no SITE_ORIGIN', async () => {
    const keys = { SIGNATURE_KEY: 'url-key', SIGNING_KEYS: `url:${'u'.repeat(40)}` };
    const api = await startOfflineApi({ env: keys });
    try {
      const { code, stdout, stderr } = await chapter4(
        ['--url', api.checkUrl, '--junit', path.join(scratch, 'url.xml')],
        cleanEnv(keys),
      );
      expect(stderr).not.toContain('No AWS credentials');
      expect(stdout).toContain(
        'Signing with the keys from SIGNATURE_KEY and SIGNING_KEYS (.env or the environment).',
      );
      expect(stdout).toContain(
        'Site origin (CORS): http://localhost:8080, from shared/settings.json, as chapter 02',
      );
      expect(stdout).toContain('set SITE_ORIGIN to your site');
      expect(stdout).toMatch(/^(\d+) of \1 Postman tests passed, 12 requests in [\d.]+ s\.$/m);
      expect(code).toBe(0);
    } finally {
      await api.stop();
    }
  }, 60_000);

  it('fails clearly when the deployed API is unreachable', async () => {
    // The stack points at a closed port, as a removed API would be: the run must fail and say why.
    const closed = `http://127.0.0.1:${await freePort()}/dev/check`;
    aws.state.parameters['/cinq-euros/dev/signature-key'] = 'ssm-key';
    aws.state.parameters['/cinq-euros/dev/signing-keys'] = `ssm:${'s'.repeat(40)}`;
    const junit = path.join(scratch, 'unreachable.xml');
    const { code, stdout } = await chapter4(
      ['--url', closed, '--junit', junit],
      cleanEnv(fakeAwsEnv(aws.endpoint)),
    );
    expect(code).toBe(1);
    expect(stdout).toContain(`against the deployed API, ${closed}`);
    expect(stdout).toContain(
      'Site origin (CORS): http://localhost:8080, from shared/settings.json (cinq-euros-cdn-dev is not deployed).',
    );
    expect(stdout).toMatch(/✗ POST Genuine signature +no answer \(ECONNREFUSED\)/);
    expect(stdout).toContain(`hint: Nothing answers at ${closed}.`);
    expect(existsSync(junit)).toBe(true);
  }, 30_000);
});

describe('npm run chapter:4 -- --offline, with nothing on API_PORT', () => {
  it('starts the offline API there, passes every test, stops it, and writes the JUnit XML', async () => {
    const apiPort = await freePort();
    const junit = path.join(scratch, 'offline.xml');
    const { code, stdout, stderr } = await chapter4(
      ['--offline', '--junit', junit],
      cleanEnv({
        API_PORT: String(apiPort),
        SIGNATURE_KEY: 'cli-test-key',
        SIGNING_KEYS: `cli:${'c'.repeat(40)}`,
      }),
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(`Starting the offline API on port ${apiPort} (API_PORT)...`);
    expect(stdout).toContain('Started the offline API for this run; it stops at the end.');
    expect(stdout).toMatch(/^(\d+) of \1 Postman tests passed, 12 requests in [\d.]+ s\.$/m);
    expect(stdout).toContain(`JUnit report: ${path.relative(REPO_ROOT, junit)}`);
    expect(readFileSync(junit, 'utf8')).not.toMatch(/<failure/);
    expect(await isListening(apiPort)).toBe(false);
  }, 60_000);
});
