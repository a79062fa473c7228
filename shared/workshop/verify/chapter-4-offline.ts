/**
 * `npm run verify -- 4`: chapter 04 checked on this machine: the Postman collection and the curl script
 * against chapter 03's API on serverless-offline.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { runCollection } from '../../../04-deploy-test/src/run-collection';
import { encode } from '../../src/index';
import { REPO_ROOT } from '../env';
import { api, KEYS, offlineApi } from './chapter-3-offline';
import { BILL, type Chapter, check, Problem } from './steps';

export const verifyOffline: Chapter = {
  title: 'Chapter 04, curl and Postman against the API (offline)',
  steps: [
    {
      title: 'the API starts offline',
      async run(context) {
        return (await offlineApi(context)).checkUrl;
      },
    },
    {
      title: 'the Postman collection passes (newman)',
      async run(context) {
        const result = await runCollection({
          target: 'local',
          values: {
            checkUrl: api(context).checkUrl,
            signatureKey: KEYS.SIGNATURE_KEY,
            signingKeys: KEYS.SIGNING_KEYS,
          },
        });
        const failedRequests = result.requests.filter(
          (r) => r.requestError || r.assertions.some((a) => !a.passed),
        );
        check(
          result.ok,
          `${result.assertions.failed} of ${result.assertions.total} assertions failed, in: ${failedRequests.map((r) => r.name).join(', ')}`,
          'run npm run chapter:4 -- --offline for the full report',
        );
        return `${result.requests.length} requests, ${result.assertions.total} assertions`;
      },
    },
    {
      title: 'the curl script: 200 for the genuine signature, 400 for the forged one',
      async run(context) {
        const signature = encode(KEYS.SIGNATURE_KEY, `${BILL.email}#${BILL.billNumber}`);
        try {
          const { stdout } = await promisify(execFile)('sh', [
            path.join(REPO_ROOT, '04-deploy-test/curl/check.sh'),
            api(context).checkUrl,
            signature,
          ]);
          return `${stdout.split('\n').filter((l) => /HTTP|status/i.test(l)).length} answers as expected`;
        } catch (error) {
          const e = error as { code?: number; stdout?: string };
          throw new Problem(
            `check.sh exited with ${e.code}:\n${(e.stdout ?? '').split('\n').slice(-8).join('\n')}`,
            'run it by hand: sh 04-deploy-test/curl/check.sh <url> <signature>',
          );
        }
      },
    },
  ],
};
