/**
 * npm run demo:logs -- --scenario NAME: the faults a real function meets, each made as a real mistake
 * makes it, by a configuration change of the deployed function (here: the offline API restarted with
 * another environment, as a deploy would), never by code in the function. Each one tells the same story:
 * all is well; the change is "deployed"; the symptom the class sees (the curl answer); the filter pattern
 * that finds the cause in the logs; the fix; back to normal. README "The instructor demo" gives the script.
 */
import type { Format } from '../../../05-logs/src/render';

export interface Step {
  /** What the instructor says before the query runs. */
  readonly say: string;
  /** A CloudWatch filter pattern, as `npm run chapter:5 -- --filter-pattern` takes it. */
  readonly filterPattern: string;
  readonly format?: Format;
}

/** What the demo runs beside the function for a scenario. */
export interface Surroundings {
  /** A Parameter Store the function cannot get an answer from (the connection opens, nothing comes back). */
  readonly unreachableParameterStore: string;
}

export interface Scenario {
  readonly title: string;
  /** The broken configuration, from the good one. */
  readonly broken: (good: NodeJS.ProcessEnv, around: Surroundings) => NodeJS.ProcessEnv;
  readonly mistake: string;
  /** What the class sees, once the mistake is deployed. */
  readonly symptom: string;
  readonly find: readonly Step[];
  readonly fix: string;
  /** Whether the fix is another deploy with the good configuration (else the next request is the fix). */
  readonly redeployToFix: boolean;
  /** Send the first request twice, so that the class sees a warm one before the mistake. */
  readonly warmFirst?: boolean;
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
    title: 'A secret missing: 503 for every signature it checks',
    broken: (good) => ({ ...good, SIGNATURE_KEY: undefined }),
    mistake:
      "A deploy on a stage where the SIGNATURE_KEY secret (the article's password) was never created (or was deleted).",
    symptom:
      'Every legacy signature gets 503 "not configured" (tokens, checked with the other key, still work): the page says to try again later.',
    find: [
      {
        say: 'The function says why, at level ERROR, and names what is missing:',
        filterPattern: '{ $.level = "ERROR" }',
      },
    ],
    fix: 'Create the secret (on AWS: the SSM SecureString the ERROR line names), and deploy again.',
    redeployToFix: true,
  },
  timeout: {
    title:
      'A timeout shorter than a slow dependency: the function waits for Parameter Store until its 5 s run out',
    broken: (good, around) => ({
      ...good,
      // The keys come from Parameter Store now, and the function's network cannot reach it.
      SIGNATURE_KEY: undefined,
      SIGNING_KEYS: undefined,
      AWS_ENDPOINT_URL_SSM: around.unreachableParameterStore,
      AWS_ACCESS_KEY_ID: 'offline',
      AWS_SECRET_ACCESS_KEY: 'offline',
    }),
    mistake:
      'A deploy puts the function in a VPC with no route to Parameter Store (no NAT, no VPC endpoint): its GetParameters waits, and waits.',
    symptom:
      'The request hangs for 5 s, then fails: API Gateway answers 504 (502 on AWS, once the function gives up).',
    find: [
      {
        say: 'Lambda ends a function that runs out of time, and says so:',
        filterPattern: '"Task timed out"',
      },
      {
        say: 'Its REPORT says timeout, and the duration is the whole timeout (serverless.yml: timeout: 5):',
        filterPattern: '"Status: timeout"',
      },
    ],
    fix: "Give the function a route to Parameter Store (a VPC endpoint for SSM, or no VPC), and deploy again; an SDK timeout shorter than the function's makes it a clear 503 next time.",
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
    warmFirst: true,
  },
};

export const SCENARIO_NAMES = Object.keys(SCENARIOS);
