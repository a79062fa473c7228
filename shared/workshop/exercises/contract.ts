/**
 * What an exercise is, for `npm run exercise`: a file the learner completes (its starter is committed
 * with TODOs), the chapter's own module it is taken from (the reference solution), hints, and a check
 * that throws a Mismatch naming the first expectation the file does not meet, in plain words.
 */
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { REPO_ROOT } from '../env';

export interface Exercise {
  /** "3.1": chapter 3, first exercise. */
  readonly id: string;
  readonly title: string;
  /** The learner's file, from the repository root (committed as the starter, with TODOs). */
  readonly file: string;
  /** The chapter's own code the exercise is taken from, from the repository root: the reference solution. */
  readonly solution: string;
  /** Shown one at a time by `npm run exercise -- <chapter> --hint`, from a nudge to nearly the answer. */
  readonly hints: readonly string[];
  /**
   * Checks the file at this absolute path (the learner's, the reference, or a wrong answer). Resolves
   * when it meets every expectation; throws a Mismatch with the first one it does not meet.
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

/** A value as a learner reads it in a message: JSON, cut short when long. */
export function shown(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

export function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Mismatch(`${what}: expected ${shown(expected)}, got ${shown(actual)}.`);
  }
}

export function fromRoot(file: string): string {
  return path.join(REPO_ROOT, file);
}

/**
 * Load the TypeScript module at an absolute path (under tsx or jest, which both compile it) and hand
 * back its exports. A module that does not load is a Mismatch that says why.
 */
export async function loadModule<T>(file: string, exportsWanted: readonly string[]): Promise<T> {
  let loaded: Record<string, unknown>;
  try {
    // require(), not import(): the commands run under tsx's CommonJS hook, which compiles what require() loads.
    loaded = require(file) as Record<string, unknown>;
  } catch (error) {
    throw new Mismatch(`The file does not load: ${(error as Error).message.split('\n')[0]}`);
  }
  for (const name of exportsWanted) {
    expectThat(name in loaded, `The file must export ${name} (keep the export line of the starter).`);
  }
  return loaded as T;
}

/** Run learner code; an exception it throws (a TODO left in place, a bug) becomes a Mismatch. */
export async function attempt<T>(what: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Mismatch) throw error;
    throw new Mismatch(`${what} threw: ${(error as Error)?.message ?? String(error)}`);
  }
}

export type Outcome = { ok: true } | { ok: false; message: string };

/** Run an exercise's check on a file: PASS, or the first expectation it does not meet. */
export async function runCheck(exercise: Exercise, file: string): Promise<Outcome> {
  try {
    await exercise.check(file);
    return { ok: true };
  } catch (error) {
    if (error instanceof Mismatch) return { ok: false, message: error.message };
    return { ok: false, message: `The check itself failed: ${(error as Error).message}` };
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
