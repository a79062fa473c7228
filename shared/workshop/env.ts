/**
 * Secrets for scripts and offline runs: from the environment, or a `.env` file at the repository root.
 * Never a silent default: a missing key is an error that says how to set it.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { config } from '../src/config';
import { type Keyring, parseKeyring } from '../src/token';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export class MissingConfigError extends Error {
  override readonly name = 'MissingConfigError';
}

/**
 * Where offline runs keep their data (bucket contents, logs, demo keys): one git-ignored folder,
 * `.local/` unless LOCAL_DATA_DIR names another (the end-to-end test uses its own).
 */
export const LOCAL_DATA_PATH = path.resolve(REPO_ROOT, process.env.LOCAL_DATA_DIR || config.localDataDir);
/** Demo secrets made for offline runs when none are configured; never used on AWS. */
export const DEMO_KEYS_FILE = path.join(LOCAL_DATA_PATH, 'demo-keys.env');

function loadEnvFileKeepingExisting(file: string): boolean {
  if (!existsSync(file)) return false;
  const before = { ...process.env };
  process.loadEnvFile(file);
  for (const [name, value] of Object.entries(before)) process.env[name] = value;
  return true;
}

/**
 * Load `.env` from the repository root, then the offline demo keys if `npm start` made some, into
 * process.env, never overriding what is already set. Returns the files it read. `demoKeys: false` reads
 * `.env` only, for what must not sign with demo keys (a test of the deployed API).
 */
export function loadDotEnv(options: { file?: string; demoKeys?: boolean } = {}): string[] {
  const { file = path.join(REPO_ROOT, '.env'), demoKeys = true } = options;
  return (demoKeys ? [file, DEMO_KEYS_FILE] : [file]).filter(loadEnvFileKeepingExisting);
}

/**
 * For offline runs only: load the configured secrets, and where SIGNATURE_KEY or SIGNING_KEYS is still
 * missing, make a random demo one, save it under the local data folder (0600, git-ignored) and say so.
 * Returns a line for the learner when it made keys, else undefined.
 */
export function ensureOfflineSecrets(): string | undefined {
  loadDotEnv();
  const made: string[] = [];
  if (!process.env.SIGNATURE_KEY) {
    process.env.SIGNATURE_KEY = `demo-${randomBytes(12).toString('base64url')}`;
    made.push(`SIGNATURE_KEY=${process.env.SIGNATURE_KEY}`);
  }
  if (!process.env.SIGNING_KEYS) {
    process.env.SIGNING_KEYS = `demo:${randomBytes(32).toString('base64url')}`;
    made.push(`SIGNING_KEYS=${process.env.SIGNING_KEYS}`);
  }
  if (made.length === 0) return undefined;
  mkdirSync(LOCAL_DATA_PATH, { recursive: true });
  const existing = existsSync(DEMO_KEYS_FILE)
    ? ''
    : '# Demo keys for offline runs, made by the workshop. Not for AWS.\n';
  writeFileSync(DEMO_KEYS_FILE, `${existing}${made.join('\n')}\n`, { flag: 'a', mode: 0o600 });
  chmodSync(DEMO_KEYS_FILE, 0o600);
  return `No ${made.map((m) => m.split('=')[0]).join(' or ')} was set: made demo keys in ${path.relative(REPO_ROOT, DEMO_KEYS_FILE)} (offline only; set your own in .env).`;
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

/**
 * The file that marks a folder of local data as the workshop's own: `npm start -- --reset` deletes only
 * folders that carry it, so a LOCAL_DATA_DIR pointed at the wrong place never costs anyone their files.
 */
export const DATA_MARKER = '.cinq-euros-local-data';

/**
 * Make `dir` if needed and mark it as the workshop's, when it is new or empty (or already marked).
 * A folder that already holds other files is used as it is, unmarked: --reset will leave it alone.
 * `owns` may recognise the workshop's own earlier files in an unmarked folder (from before markers).
 */
export function claimDataFolder(dir: string, what: string, owns?: (names: string[]) => boolean): void {
  mkdirSync(dir, { recursive: true });
  const marker = path.join(dir, DATA_MARKER);
  if (existsSync(marker)) return;
  const names = readdirSync(dir);
  if (names.length > 0 && !owns?.(names)) return;
  writeFileSync(
    marker,
    `Local data of ${what}, made by the 5€ pour rien workshop: npm start -- --reset deletes this folder.\n`,
  );
}

export function isWorkshopData(dir: string): boolean {
  return existsSync(path.join(dir, DATA_MARKER));
}
