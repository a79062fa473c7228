/**
 * npm run demo:logs -- --scenario NAME: the faults a real function meets, each made as a real mistake
 * makes it, by a configuration change of the deployed function (here: the offline API restarted with
 * another environment, as a deploy would), never by code in the function. Each one tells the same story:
 * all is well; the change is "deployed"; the symptom the class sees (the curl answer); the filter pattern
 * that finds the cause in the logs; the fix; back to normal. README "The instructor demo" gives the script.
 */
import type { Format } from '../src/render';

export interface Step {
  /** What the instructor says before the query runs. */
  readonly say: string;
  /** A CloudWatch filter pattern, as `npm run chapter:5 -- --filter-pattern` takes it. */
  readonly filterPattern: string;
  readonly format?: Format;
}

export interface Scenario {
  readonly title: string;
  /** The broken configuration, from the good one. */
  readonly broken: (good: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
  readonly mistake: string;
  /** What the class sees, once the mistake is deployed. */
  readonly symptom: string;
  readonly find: readonly Step[];
  readonly fix: string;
  /** Whether the fix is another deploy with the good configuration (else the next request is the fix). */
  readonly redeployToFix: boolean;
}

export const SCENARIOS: Record<string, Scenario> = {
  'wrong-key': {
    title: 'The wrong key deployed: every genuine bill is suddenly "not authentic"',
    broken: (good) => ({ ...good, SIGNATURE_KEY: `${good.SIGNATURE_KEY}-previous` }),
    mistake: 'A deploy sets SIGNATURE_KEY to another password (copied from the wrong stage, or an old one).',
    symptom: 'A bill that was valid a minute ago now gets 400, reason not-a-bill: customers call.',
    find: [
      {
        say: 'Since when? The 400s, oldest first: the first one is right after the deploy.',
        filterPattern: '{ $.status = 400 }',
      },
      {
        say: 'And what happened then? A cold start: new environments, that is a deploy.',
        filterPattern: '"Init Duration"',
      },
    ],
    fix: 'Deploy again with the right SIGNATURE_KEY (on AWS: the SSM parameter the function names).',
    redeployToFix: true,
  },
  'secret-missing': {
    title: 'A secret missing: 503 for everyone',
    broken: (good) => ({ ...good, SIGNING_KEYS: undefined }),
    mistake: 'A deploy on a stage where the SIGNING_KEYS secret was never created (or was deleted).',
    symptom: 'Every request gets 503 "not configured": the page says to try again later.',
    find: [
      {
        say: 'The function says why, at level ERROR, and names what is missing:',
        filterPattern: '{ $.level = "ERROR" }',
      },
    ],
    fix: 'Create the secret (on AWS: the SSM SecureString the ERROR line names), and deploy again.',
    redeployToFix: true,
  },
  'cold-start': {
    title: 'A cold start after a redeploy: the first request is slower',
    broken: (good) => ({ ...good }),
    mistake: 'Any deploy (new code, a new setting) replaces every execution environment.',
    symptom: 'The first request after it takes longer than the ones before.',
    find: [
      {
        say: 'The REPORT lines of cold starts: Init Duration is the time spent loading the function.',
        filterPattern: '"Init Duration"',
      },
    ],
    fix: 'Nothing to fix: the next requests reuse the warm environment (on AWS, provisioned concurrency keeps some warm).',
    redeployToFix: false,
  },
};

export const SCENARIO_NAMES = Object.keys(SCENARIOS);
