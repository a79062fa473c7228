/**
 * The chapters `npm run verify` knows, each contributing its own steps from its own verify/ folder:
 * offline (on this machine) and --aws (against the learner's deployed stacks).
 */
import { verifyAws as aws1 } from '../../01-static-site/verify/aws';
import { verifyOffline as offline1 } from '../../01-static-site/verify/offline';
import { verifyAws as aws2 } from '../../02-cloudfront/verify/aws';
import { verifyOffline as offline2 } from '../../02-cloudfront/verify/offline';
import { verifyAws as aws3 } from '../../03-lambda-check/verify/aws';
import { verifyOffline as offline3 } from '../../03-lambda-check/verify/offline';
import { verifyAws as aws4 } from '../../04-deploy-test/verify/aws';
import { verifyOffline as offline4 } from '../../04-deploy-test/verify/offline';
import { verifyAws as aws5 } from '../../05-logs/verify/aws';
import { verifyOffline as offline5 } from '../../05-logs/verify/offline';
import type { Chapter } from '../src/verify-steps';

export const offlineChapters: Record<number, Chapter> = {
  1: offline1,
  2: offline2,
  3: offline3,
  4: offline4,
  5: offline5,
};
export const awsChapters: Record<number, Chapter> = { 1: aws1, 2: aws2, 3: aws3, 4: aws4, 5: aws5 };
