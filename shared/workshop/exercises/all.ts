/** Every chapter's exercises, in the order of the workshop. Each chapter defines its own in exercises/checks.ts. */
import { exercises as chapter01 } from '../../../01-static-site/exercises/checks';
import { exercises as chapter02 } from '../../../02-cloudfront/exercises/checks';
import { exercises as chapter03 } from '../../../03-lambda-check/exercises/checks';
import { exercises as chapter04 } from '../../../04-deploy-test/exercises/checks';
import { exercises as chapter05 } from '../../../05-logs/exercises/checks';
import { CHAPTER_FOLDERS } from './chapters';
import { type Exercise, fromRoot, learnerFile } from './contract';
import { runCheck } from './run';

const BY_CHAPTER: Readonly<Record<number, readonly Exercise[]>> = {
  1: chapter01,
  2: chapter02,
  3: chapter03,
  4: chapter04,
  5: chapter05,
};

export const CHAPTERS: Readonly<Record<number, { folder: string; exercises: readonly Exercise[] }>> =
  Object.fromEntries(
    Object.entries(CHAPTER_FOLDERS).map(([chapter, folder]) => [
      chapter,
      { folder, exercises: BY_CHAPTER[Number(chapter)] ?? [] },
    ]),
  );

export const ALL_EXERCISES: readonly Exercise[] = Object.values(CHAPTERS).flatMap((c) => c.exercises);

export interface InPlace {
  /** Exercises whose file passes its check: it runs in place of the chapter's module. */
  readonly using: readonly Exercise[];
  /** Exercises that do not pass yet: the chapter's own module runs. */
  readonly notYet: readonly Exercise[];
  /**
   * Exercises that cannot stand in for anything the workshop runs (a block of a serverless.yml, a Postman
   * test, a curl, a tail of one's own): they are checked by npm run exercise only.
   */
  readonly notSwappable: readonly Exercise[];
}

/**
 * For `npm start -- --use-exercises`: check every exercise that can stand in for a module of the workshop,
 * and set WORKSHOP_EXERCISES (read by shared/workshop/exercises/swap.js) to swap in the ones that pass.
 */
export async function useExercisesInPlace(env: NodeJS.ProcessEnv = process.env): Promise<InPlace> {
  const using: Exercise[] = [];
  const notYet: Exercise[] = [];
  for (const exercise of ALL_EXERCISES) {
    if (!exercise.replaces) continue;
    ((await runCheck(exercise, learnerFile(exercise))).ok ? using : notYet).push(exercise);
  }
  env.WORKSHOP_EXERCISES = JSON.stringify(
    using.map((exercise) => ({
      replaces: fromRoot(exercise.replaces as string),
      file: learnerFile(exercise),
    })),
  );
  return { using, notYet, notSwappable: ALL_EXERCISES.filter((exercise) => !exercise.replaces) };
}
