/**
 * What npm run exercise keeps between runs, in .local/exercises/ (git-ignored): the hints each exercise has
 * shown, the last result of each check with what it was run on (so that the list re-checks only files
 * changed since), and the files --reset replaced (so that --restore gives them back).
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { LOCAL_DATA_PATH } from '../env';
import { CHAPTER_FOLDERS } from './chapters';
import { type Exercise, fromRoot, type Outcome } from './contract';

export const STATE_DIR = path.join(LOCAL_DATA_PATH, 'exercises');
const HINTS_FILE = path.join(STATE_DIR, 'hints.json');
const RESULTS_FILE = path.join(STATE_DIR, 'results.json');
export const BACKUP_DIR = path.join(STATE_DIR, 'replaced');

function readJson<T>(file: string, fallback: T): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return fallback;
  }
}

/** Written whole, then renamed: a run stopped halfway never leaves half a file. */
function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(partial, file);
}

// ---- hints --------------------------------------------------------------------------------------------

/** How many hints of each exercise have been shown. */
export function hintsShown(): Record<string, number> {
  return readJson<Record<string, number>>(HINTS_FILE, {});
}

export function setHintsShown(id: string, count: number): void {
  const shown = hintsShown();
  if (count === 0) delete shown[id];
  else shown[id] = count;
  writeJson(HINTS_FILE, shown);
}

// ---- results ------------------------------------------------------------------------------------------

interface Saved {
  /** sha256 of the learner's file, and of the chapter's checks, when it was checked. */
  readonly file: string;
  readonly checks: string;
  readonly ok: boolean;
  readonly message?: string;
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** The chapter's checks (every file of its exercises/ folder but the learner's): a change there re-checks. */
function checksHash(exercise: Exercise, all: readonly Exercise[]): string {
  const folder = path.join(fromRoot(CHAPTER_FOLDERS[Number(exercise.id.split('.')[0])] ?? ''), 'exercises');
  const learners = new Set(all.map((one) => fromRoot(one.file)));
  const parts = readdirSync(folder)
    .sort()
    .map((name) => path.join(folder, name))
    .filter((file) => !learners.has(file) && !path.basename(file).startsWith('.'))
    .map((file) => `${path.basename(file)}:${sha256(readFileSync(file))}`);
  return sha256(parts.join('\n'));
}

function fileHash(file: string): string | undefined {
  try {
    return sha256(readFileSync(file));
  } catch {
    return undefined;
  }
}

/** The saved outcome of the exercise's check, if its file and its checks are unchanged since. */
export function savedOutcome(
  exercise: Exercise,
  file: string,
  all: readonly Exercise[],
): Outcome | undefined {
  const saved = readJson<Record<string, Saved>>(RESULTS_FILE, {})[exercise.id];
  if (!saved || saved.file !== fileHash(file) || saved.checks !== checksHash(exercise, all)) return undefined;
  return saved.ok ? { ok: true } : { ok: false, message: saved.message ?? '' };
}

export function saveOutcome(
  exercise: Exercise,
  file: string,
  all: readonly Exercise[],
  outcome: Outcome,
): void {
  const hash = fileHash(file);
  if (!hash) return;
  const results = readJson<Record<string, Saved>>(RESULTS_FILE, {});
  results[exercise.id] = {
    file: hash,
    checks: checksHash(exercise, all),
    ok: outcome.ok,
    ...(outcome.ok ? {} : { message: outcome.message }),
  };
  writeJson(RESULTS_FILE, results);
}

export function forgetOutcome(id: string): void {
  const results = readJson<Record<string, Saved>>(RESULTS_FILE, {});
  if (!(id in results)) return;
  delete results[id];
  writeJson(RESULTS_FILE, results);
}

// ---- what --reset replaced ----------------------------------------------------------------------------

/** The folder of an exercise's replaced files: one per --reset, named by its time (sorts by age). */
function backupsOf(exercise: Exercise): string {
  return path.join(BACKUP_DIR, exercise.id);
}

/** Keep a copy of `file` before it is replaced; returns where. */
export function keepCopy(exercise: Exercise, file: string): string {
  const folder = backupsOf(exercise);
  mkdirSync(folder, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const copy = path.join(folder, `${stamp}-${path.basename(file)}`);
  copyFileSync(file, copy);
  return copy;
}

/** The copy the last --reset kept, if any. */
export function lastCopy(exercise: Exercise): string | undefined {
  const folder = backupsOf(exercise);
  if (!existsSync(folder)) return undefined;
  const copies = readdirSync(folder)
    .filter((name) => !name.startsWith('.'))
    .sort();
  const last = copies[copies.length - 1];
  return last === undefined ? undefined : path.join(folder, last);
}
