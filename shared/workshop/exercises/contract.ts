/**
 * What an exercise is, for `npm run exercise`: a file the learner completes (its starter is committed
 * with TODOs), the chapter's own module it is taken from (the reference solution), hints, and a check
 * that throws a Mismatch naming the first expectation the file does not meet, in plain words.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { REPO_ROOT } from '../env';

export interface Exercise {
  /** "3.1": chapter 3, first exercise. */
  readonly id: string;
  readonly title: string;
  /** The learner's file, from the repository root (committed as the starter, with TODOs). */
  readonly file: string;
  /**
   * What the file is written in: before the check runs, its compiler or parser reads it, and a mistake is
   * shown at its own line (TypeScript is also type-checked, as npm test does).
   */
  readonly language: 'typescript' | 'yaml' | 'postman' | 'shell';
  /** The chapter's own code the exercise is taken from, from the repository root: the reference solution. */
  readonly solution: string;
  /**
   * Shown one at a time by `npm run exercise -- <chapter> --hint`, from a nudge to the idea; the last one
   * points at the idea, never writes the answer out (that is --solution's).
   */
  readonly hints: readonly string[];
  /**
   * How long the check may take, in ms, once the learner's code is loaded (default 5 s): past it, the
   * check is stopped and says which call did not return.
   */
  readonly timeLimitMs?: number;
  /**
   * Checks the file at this absolute path (the learner's, the reference, or a wrong answer). Resolves
   * when it meets every expectation; throws a Mismatch with the first one it does not meet. It runs in a
   * process of its own (run.ts), stopped when its time is up.
   */
  check(file: string): Promise<void>;
  /** What `--solution` prints when not the whole of `solution` (e.g. one block of a serverless.yml). */
  solutionText?(): string;
  /**
   * Set when the workshop can run the learner's file in place of the reference once it passes
   * (`npm start -- --use-exercises`): the module it stands in for, from the repository root.
   */
  readonly replaces?: string;
}

/** An expectation the file does not meet: what was expected, what happened, in a learner's words. */
export class Mismatch extends Error {
  override readonly name = 'Mismatch';
}

export function expectThat(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Mismatch(message);
}

/** A value as a learner reads it in a message: JSON, whole (a cut value could hide what differs). */
export function shown(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** How much of a long text is shown on each side of where it differs. */
const CONTEXT = 24;
/** A text this long or shorter is shown whole. */
const SHORT = 80;

function around(text: string, at: number): string {
  const from = Math.max(0, at - CONTEXT);
  const to = Math.min(text.length, at + CONTEXT);
  return `${from > 0 ? '…' : ''}${JSON.stringify(text.slice(from, to)).slice(1, -1)}${to < text.length ? '…' : ''}`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Where `actual` first differs from `expected`, in words: the field (a.b[2]) and both values, and for two
 * long texts the first character that differs with a little text on each side. Undefined when equal.
 */
export function difference(expected: unknown, actual: unknown, at = ''): string | undefined {
  if (isDeepStrictEqual(actual, expected)) return undefined;
  const field = at === '' ? '' : `${at}: `;
  if (typeof expected === 'string' && typeof actual === 'string') {
    if (Math.max(expected.length, actual.length) <= SHORT) {
      return `${field}expected ${shown(expected)}, got ${shown(actual)}`;
    }
    let i = 0;
    while (i < expected.length && expected[i] === actual[i]) i++;
    const what = i === actual.length ? 'ends early' : i === expected.length ? 'goes on' : 'differs';
    return `${at || 'the text'} ${what} at character ${i + 1}: expected "${around(expected, i)}", got "${around(actual, i)}"`;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      const list = at || 'the list';
      if (i >= actual.length)
        return `${list} has ${actual.length} items, ${expected.length} expected: ${shown(expected[i])} is missing at [${i}]`;
      if (i >= expected.length)
        return `${list} has ${actual.length} items, ${expected.length} expected: [${i}] is ${shown(actual[i])}, one too many`;
      const inside = difference(expected[i], actual[i], `${at}[${i}]`);
      if (inside) return inside;
    }
  }
  if (isRecord(expected) && isRecord(actual)) {
    for (const key of Object.keys(expected)) {
      const name = at === '' ? key : `${at}.${key}`;
      if (!(key in actual)) return `${name} is missing (expected ${shown(expected[key])})`;
      const inside = difference(expected[key], actual[key], name);
      if (inside) return inside;
    }
    const extra = Object.keys(actual).find((key) => !(key in expected));
    if (extra !== undefined) {
      const name = at === '' ? extra : `${at}.${extra}`;
      return `${name} should not be there (it is ${shown(actual[extra])})`;
    }
  }
  // The kinds are said when they differ (a string where an object was expected): the first thing to see.
  const kinds = kindOf(expected) !== kindOf(actual);
  return `${field}expected ${kinds ? kindOf(expected) : ''}${shown(expected)}, got ${kinds ? kindOf(actual) : ''}${shown(actual)}`;
}

/** "a string ", "an object "...: said when the two values are not of one kind, the first thing to see. */
const KINDS: Readonly<Record<string, string>> = {
  string: 'a string ',
  object: 'an object ',
  list: 'a list ',
  number: 'a number ',
  boolean: 'a boolean ',
};

function kindOf(value: unknown): string {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'list' : typeof value;
  return KINDS[kind] ?? '';
}

export function expectEqual(actual: unknown, expected: unknown, what: string): void {
  const differs = difference(expected, actual);
  if (differs) throw new Mismatch(`${what}: ${differs}.`);
}

export function fromRoot(file: string): string {
  return path.join(REPO_ROOT, file);
}

/**
 * Where the learner's files are: the repository, unless WORKSHOP_LEARNER_ROOT names a copy laid out like
 * it (the tests of npm run exercise work on one, never on the checkout's own files).
 */
export const LEARNER_ROOT = path.resolve(process.env.WORKSHOP_LEARNER_ROOT || REPO_ROOT);

/** The absolute path of an exercise's file, the one the learner edits. */
export function learnerFile(exercise: Pick<Exercise, 'file'>): string {
  return path.join(LEARNER_ROOT, exercise.file);
}

/**
 * A file as its messages name it: from the repository root, and a copy the check made beside the
 * learner's file (.check-<random>-name) by the name of the file it copies.
 */
export function displayName(file: string): string {
  const relative = path.relative(
    path.isAbsolute(file) && file.startsWith(LEARNER_ROOT) ? LEARNER_ROOT : REPO_ROOT,
    file,
  );
  return relative
    .split(path.sep)
    .join('/')
    .replace(/(^|\/)\.check-[0-9a-f]{8}-/, '$1');
}

/** Where a check process writes the call it is in, for the message when its time is up. */
export const CALLING_FILE = 'exercise-calling.txt';

/**
 * Say which call of the learner's code the check is in (written at once, synchronously: a loop that
 * never ends blocks everything after it). Only in the process of a check (run.ts).
 */
export function calling(what: string): void {
  if (process.env.WORKSHOP_EXERCISE_CHECK !== '1') return;
  try {
    writeFileSync(path.join(os.tmpdir(), CALLING_FILE), what);
  } catch {
    // The message when time is up is vaguer, nothing worse.
  }
}

/**
 * Load the TypeScript module at an absolute path (under tsx or jest, which both compile it) and hand
 * back its exports. A module that does not load is a Mismatch that says why. (Syntax and type errors are
 * found before, with their line: run.ts.)
 */
export async function loadModule<T>(file: string, exportsWanted: readonly string[]): Promise<T> {
  let loaded: Record<string, unknown>;
  calling(`loading ${displayName(file)} (its top-level code)`);
  try {
    // require(), not import(): the commands run under tsx's CommonJS hook, which compiles what require() loads.
    loaded = require(file) as Record<string, unknown>;
  } catch (error) {
    throw new Mismatch(`${displayName(file)} does not load: ${(error as Error).message}`);
  }
  for (const name of exportsWanted) {
    expectThat(name in loaded, `The file must export ${name} (keep the export line of the starter).`);
  }
  return loaded as T;
}

const subprocesses = new Set<() => void>();

/**
 * A process a check starts for the learner's code (sh for a script): stopped with the check when its time
 * is up (stopSubprocesses). `group`: it was started detached on POSIX, and its whole process group is
 * killed, what it started included. Returns the function that stops it, to call once it is done with.
 */
export function ownSubprocess(child: ChildProcess, group: boolean): () => void {
  const stop = () => {
    subprocesses.delete(stop);
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
      if (!group || child.pid === undefined) return;
    }
    try {
      if (group) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // Gone already.
    }
  };
  subprocesses.add(stop);
  return stop;
}

/** Stop every process the check started for the learner's code (its time is up). */
export function stopSubprocesses(): void {
  for (const stop of [...subprocesses]) stop();
}

/** Run learner code; an exception it throws (a TODO left in place, a bug) becomes a Mismatch. */
export async function attempt<T>(what: string, run: () => T | Promise<T>): Promise<T> {
  calling(what);
  try {
    return await run();
  } catch (error) {
    if (error instanceof Mismatch) throw error;
    throw new Mismatch(`${what} threw: ${(error as Error)?.message ?? String(error)}`);
  }
}

export type Outcome = { ok: true; output?: string } | { ok: false; message: string; output?: string };

/** Run an exercise's check in this process: PASS, or the first expectation it does not meet. */
export async function checkHere(exercise: Exercise, file: string): Promise<Outcome> {
  try {
    await exercise.check(file);
    return { ok: true };
  } catch (error) {
    if (error instanceof Mismatch) return { ok: false, message: error.message };
    return { ok: false, message: `The check itself failed: ${(error as Error).stack ?? String(error)}` };
  }
}

/** The line where a YAML block `key:` starts (the key alone on its line), and its indent. */
function blockStart(lines: readonly string[], key: string): { start: number; indent: number } | undefined {
  const pattern = new RegExp(`^( *)${key}:\\s*(#.*)?$`);
  const start = lines.findIndex((line) => pattern.test(line));
  if (start < 0) return undefined;
  return { start, indent: (pattern.exec(lines[start] as string)?.[1] ?? '').length };
}

/** The lines of the YAML block `key:` (its key line and everything indented under it), without its indent. */
export function yamlBlock(text: string, key: string): string[] {
  const lines = text.split('\n');
  const found = blockStart(lines, key);
  if (!found) throw new Mismatch(`The file has no "${key}:" line: keep the one of the starter.`);
  let end = found.start + 1;
  while (end < lines.length) {
    const line = lines[end] as string;
    if (line.trim() !== '' && line.length - line.trimStart().length <= found.indent) break;
    end++;
  }
  // Blank lines and comments at the end belong to what follows.
  while (end > found.start + 1 && /^\s*(#.*)?$/.test(lines[end - 1] as string)) end--;
  return lines
    .slice(found.start, end)
    .map((line) => line.slice(Math.min(found.indent, line.length - line.trimStart().length)));
}

/** `text` (a serverless.yml) with its block `key:` replaced by `block`, indented as the one it replaces. */
export function withYamlBlock(text: string, key: string, block: readonly string[]): string {
  const lines = text.split('\n');
  const found = blockStart(lines, key);
  if (!found) throw new Error(`No "${key}:" block to replace`);
  const own = yamlBlock(text, key);
  const indent = ' '.repeat(found.indent);
  const replaced = block.map((line) => (line.trim() === '' ? '' : `${indent}${line}`));
  return [...lines.slice(0, found.start), ...replaced, ...lines.slice(found.start + own.length)].join('\n');
}
