/** Every chapter's exercises, in the order of the workshop. Each chapter defines its own in exercises/checks.ts. */
import { exercises as chapter03 } from '../../03-lambda-check/exercises/checks';
import type { Exercise } from '../src/exercise';

export const CHAPTERS: Readonly<Record<number, { folder: string; exercises: readonly Exercise[] }>> = {
  3: { folder: '03-lambda-check', exercises: chapter03 },
};

export const ALL_EXERCISES: readonly Exercise[] = Object.values(CHAPTERS).flatMap((c) => c.exercises);
