/** Every chapter's exercises, in the order of the workshop. Each chapter defines its own in exercises/checks.ts. */
import { exercises as chapter01 } from '../../01-static-site/exercises/checks';
import { exercises as chapter02 } from '../../02-cloudfront/exercises/checks';
import { exercises as chapter03 } from '../../03-lambda-check/exercises/checks';
import type { Exercise } from '../src/exercise';

export const CHAPTERS: Readonly<Record<number, { folder: string; exercises: readonly Exercise[] }>> = {
  1: { folder: '01-static-site', exercises: chapter01 },
  2: { folder: '02-cloudfront', exercises: chapter02 },
  3: { folder: '03-lambda-check', exercises: chapter03 },
};

export const ALL_EXERCISES: readonly Exercise[] = Object.values(CHAPTERS).flatMap((c) => c.exercises);
