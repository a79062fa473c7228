/**
 * The chapters `npm run verify` knows, each with its steps in this folder:
 * offline (on this machine) and --aws (against the learner's deployed stacks).
 */
import { verifyAws as aws1 } from './chapter-1-aws';
import { verifyOffline as offline1 } from './chapter-1-offline';
import { verifyAws as aws2 } from './chapter-2-aws';
import { verifyOffline as offline2 } from './chapter-2-offline';
import { verifyAws as aws3 } from './chapter-3-aws';
import { verifyOffline as offline3 } from './chapter-3-offline';
import { verifyAws as aws4 } from './chapter-4-aws';
import { verifyOffline as offline4 } from './chapter-4-offline';
import { verifyAws as aws5 } from './chapter-5-aws';
import { verifyOffline as offline5 } from './chapter-5-offline';
import type { Chapter } from './steps';

export const offlineChapters: Record<number, Chapter> = {
  1: offline1,
  2: offline2,
  3: offline3,
  4: offline4,
  5: offline5,
};
export const awsChapters: Record<number, Chapter> = { 1: aws1, 2: aws2, 3: aws3, 4: aws4, 5: aws5 };
