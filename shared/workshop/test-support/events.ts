/** The test events of test/events/*.json, and the keys their signatures were made with. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../env';

/** The secrets the fixtures were signed with (test values, never used anywhere else). */
export const TEST_SECRETS = { SIGNATURE_KEY: 'unit-test-password', SIGNING_KEYS: `unit:${'u'.repeat(40)}` };

export const JANE = { email: 'jane.doe@example.com', billNumber: '2019-0042' };

// biome-ignore lint/suspicious/noExplicitAny: a fixture is any event, well-formed or not
export function loadEvent(name: string): any {
  return JSON.parse(
    readFileSync(path.join(REPO_ROOT, '03-lambda-check', 'test', 'events', `${name}.json`), 'utf8'),
  );
}

/** Run `fn` with process.env holding `vars` (undefined deletes one), then put process.env back. */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    return await fn();
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

/** Capture what the handler writes to stdout (its log lines) while `fn` runs. */
export async function captureStdout<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: await fn(), lines };
  } finally {
    process.stdout.write = original;
  }
}
