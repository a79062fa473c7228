/**
 * npm run sign -- --email jane@example.com --bill 2019-0042 [--expires 30d] [--legacy]
 * Prints a signature for a bill: an HMAC token (SIGNING_KEYS), or with --legacy the article's kind (SIGNATURE_KEY).
 */
import './require-node';
import { billNumberProblem, emailProblem } from '../../src/bill';
import { encode, formatBillReference, sign } from '../../src/index';
import { legacyKey, loadDotEnv, signingKeyring } from '../env';
import { type Fail, failWith, parseCommandLine } from './cli';

const USAGE = `Usage: npm run sign -- --email <customer email> --bill <YYYY-NNNN> [--expires <N>d|h|m] [--legacy]
  --legacy   the article's signature (SIGNATURE_KEY); without it, an HMAC token (SIGNING_KEYS)
  --expires  the token stops verifying after this long (tokens only), e.g. 30d`;

const fail: Fail = failWith('sign', USAGE);

function expiryFrom(text: string): number {
  const match = /^([1-9][0-9]{0,5})([dhm])$/.exec(text);
  if (!match) fail(`--expires "${text}" is not a duration: use a number and d, h or m, e.g. 30d.`);
  const seconds = { d: 86400, h: 3600, m: 60 }[match[2] as 'd' | 'h' | 'm'];
  return Math.floor(Date.now() / 1000) + Number(match[1]) * seconds;
}

function main(): void {
  const { values } = parseCommandLine('sign', USAGE, {
    options: {
      email: { type: 'string' },
      bill: { type: 'string' },
      expires: { type: 'string' },
      legacy: { type: 'boolean', default: false },
    },
  });
  const { email, bill } = values;
  if (!email || !bill) fail('both --email and --bill are required.');
  const problem = emailProblem(email) ?? billNumberProblem(bill);
  if (problem) fail(`${problem}.`);
  if (values.legacy && values.expires)
    fail('--expires applies to tokens only: the legacy signature cannot expire.');
  loadDotEnv();
  try {
    const signature = values.legacy
      ? encode(legacyKey(), formatBillReference({ email, billNumber: bill }))
      : sign(
          { email, billNumber: bill },
          signingKeyring(),
          values.expires ? { expiresAt: expiryFrom(values.expires) } : {},
        );
    process.stdout.write(`${signature}\n`);
  } catch (error) {
    process.stderr.write(`sign: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

main();
