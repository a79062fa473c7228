/**
 * The files of an exercise: its starter as the repository ships it (from git, so that `--reset` gives it
 * back even after the learner's edits), and copies with other contents (the starter, a wrong answer) put
 * beside the learner's file for a check, so that their relative imports still resolve.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../env';
import type { Exercise } from './contract';

function git(args: string[]): string {
  return execFileSync('git', ['-C', REPO_ROOT, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 16 * 1024 * 1024,
  });
}

/**
 * The commit the starters come from: where this clone's branch left its upstream (what you cloned,
 * before your own commits), or HEAD when the branch has no upstream.
 */
export function starterCommit(): string {
  try {
    return git(['merge-base', 'HEAD', '@{upstream}']).trim();
  } catch {
    return 'HEAD';
  }
}

/** The starter of an exercise, as committed. */
export function starterText(exercise: Exercise, commit = starterCommit()): string {
  try {
    return git(['show', `${commit}:${exercise.file}`]);
  } catch {
    throw new Error(
      `${exercise.file} is not in git at ${commit}: the starters come from git (is this a git clone of the workshop?).`,
    );
  }
}

/** Run `use` on a copy of `text` beside the exercise's file (same folder, same extension), then remove it. */
export async function withCopy<T>(
  exercise: Exercise,
  text: string,
  use: (file: string) => Promise<T>,
): Promise<T> {
  const target = path.join(REPO_ROOT, exercise.file);
  const copy = path.join(
    path.dirname(target),
    `.check-${randomBytes(4).toString('hex')}-${path.basename(target)}`,
  );
  writeFileSync(copy, text);
  try {
    return await use(copy);
  } finally {
    rmSync(copy, { force: true });
  }
}
