/** Every chapter's exercises, in the order of the workshop. Each chapter defines its own in exercises/checks.ts. */
import { exercises as chapter01 } from '../../../01-static-site/exercises/checks';
import { exercises as chapter02 } from '../../../02-cloudfront/exercises/checks';
import { exercises as chapter03 } from '../../../03-lambda-check/exercises/checks';
import { exercises as chapter04 } from '../../../04-deploy-test/exercises/checks';
import { exercises as chapter05 } from '../../../05-logs/exercises/checks';
import { type Exercise, fromRoot, runCheck } from './contract';

export const CHAPTERS: Readonly<Record<number, { folder: string; exercises: readonly Exercise[] }>> = {
  1: { folder: '01-static-site', exercises: chapter01 },
  2: { folder: '02-cloudfront', exercises: chapter02 },
  3: { folder: '03-lambda-check', exercises: chapter03 },
  4: { folder: '04-deploy-test', exercises: chapter04 },
  5: { folder: '05-logs', exercises: chapter05 },
};

export const ALL_EXERCISES: readonly Exercise[] = Object.values(CHAPTERS).flatMap((c) => c.exercises);

export interface InPlace {
  /** Exercises whose file passes its check: it runs in place of the chapter's module. */
  readonly using: readonly Exercise[];
  /** Exercises that do not pass yet: the chapter's own module runs. */
  readonly notYet: readonly Exercise[];
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
    ((await runCheck(exercise, fromRoot(exercise.file))).ok ? using : notYet).push(exercise);
  }
  env.WORKSHOP_EXERCISES = JSON.stringify(
    using.map((exercise) => ({
      replaces: fromRoot(exercise.replaces as string),
      file: fromRoot(exercise.file),
    })),
  );
  return { using, notYet };
}
