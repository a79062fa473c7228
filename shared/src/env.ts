/**
 * Secrets for scripts and offline runs: from the environment, or a `.env` file at the repository root.
 * Never a silent default: a missing key is an error that says how to set it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Keyring, parseKeyring } from './token';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export class MissingConfigError extends Error {
  override readonly name = 'MissingConfigError';
}

/** Load `.env` from the repository root into process.env, without overriding what is already set. */
export function loadDotEnv(file = path.join(REPO_ROOT, '.env')): boolean {
  if (!existsSync(file)) return false;
  const before = { ...process.env };
  process.loadEnvFile(file);
  for (const [name, value] of Object.entries(before)) process.env[name] = value;
  return true;
}

/** The article's legacy password, SIGNATURE_KEY. */
export function legacyKey(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const key = env.SIGNATURE_KEY;
  if (!key) {
    throw new MissingConfigError(
      "SIGNATURE_KEY is not set. It is the password of the article's legacy signatures: put a line SIGNATURE_KEY=... in .env at the repository root, or export it (npm start makes a demo one).",
    );
  }
  return key;
}

/** The keyring of the HMAC tokens, SIGNING_KEYS="<id>:<secret>[,<id>:<secret>...]" (the first one signs). */
export function signingKeyring(env: Readonly<Record<string, string | undefined>> = process.env): Keyring {
  const text = env.SIGNING_KEYS;
  if (!text) {
    throw new MissingConfigError(
      'SIGNING_KEYS is not set. Put a line SIGNING_KEYS=<key id>:<secret> in .env at the repository root (make a secret with: openssl rand -base64 32), or export it (npm start makes a demo one).',
    );
  }
  return parseKeyring(text);
}
