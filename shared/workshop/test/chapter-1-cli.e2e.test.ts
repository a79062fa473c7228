/** The command line of npm run chapter:1 and chapter:2: help, and misuse refused before anything runs. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../env';
import { TSX_HOOK } from '../process/entries';

function run(chapter: '01-static-site' | '02-cloudfront', ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [
      '--require',
      TSX_HOOK,
      path.join(
        REPO_ROOT,
        'shared',
        'workshop',
        'commands',
        chapter === '01-static-site' ? 'chapter-1.ts' : 'chapter-2.ts',
      ),
      ...args,
    ],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
    },
  );
  return { status: result.status, stdout: result.stdout, firstError: result.stderr.split('\n')[0] };
}

describe('npm run chapter:1', () => {
  it('prints its usage with --help', () => {
    const { status, stdout } = run('01-static-site', '--help');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run chapter:1 -- \[options\]/);
    expect(stdout).toContain('--offline');
    expect(stdout).toContain('--dry-run');
  });

  it.each([
    [['--bogus'], "chapter:1: Unknown option '--bogus'"],
    [['--offline', '--preview'], 'chapter:1: choose one of --offline, --preview.'],
    [
      ['--preview', '--dry-run'],
      'chapter:1: --dry-run goes with an upload (on AWS or --offline), not with --preview or --remove.',
    ],
  ])('refuses %j with one line saying why', (args, line) => {
    const { status, firstError } = run('01-static-site', ...args);
    expect(status).toBe(2);
    expect(firstError).toBe(line);
  });
});

describe('npm run chapter:2', () => {
  it('prints its usage with --help', () => {
    const { status, stdout } = run('02-cloudfront', '--help');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run chapter:2 -- \[options\]/);
  });

  it.each([
    [['--domain', 'www.example.com'], 'chapter:2: --domain and --certificate-arn go together.'],
    [
      [
        '--domain',
        'www.example.com',
        '--certificate-arn',
        'arn:aws:acm:eu-west-3:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
      ],
      'chapter:2: --certificate-arn must be an ACM certificate ARN in us-east-1 (arn:aws:acm:us-east-1:<account>:certificate/<id>): CloudFront only uses certificates from that region.',
    ],
    [['--offline', '--remove'], 'chapter:2: choose one of --offline and --remove.'],
  ])('refuses %j with one line saying why', (args, line) => {
    const { status, firstError } = run('02-cloudfront', ...args);
    expect(status).toBe(2);
    expect(firstError).toBe(line);
  });
});
