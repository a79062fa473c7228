/** `npm run verify -- 4 --aws`: the Postman collection against the learner's deployed API. */

import { deployedKeys } from '../../../04-deploy-test/src/deployed';
import { runCollection } from '../../../04-deploy-test/src/run-collection';
import { SERVICES } from '../../src/config';
import { outputs, stackStep } from './aws-checks';
import { type Chapter, check } from './steps';

export const verifyAws: Chapter = {
  title: 'Chapter 04, the Postman collection against your API',
  steps: [
    stackStep(SERVICES.api, 'npm run chapter:3', 'api'),
    {
      title: 'the Postman collection passes against the deployed API (newman)',
      async run(context) {
        const keys = await deployedKeys();
        const result = await runCollection({
          target: 'aws',
          values: {
            checkUrl: outputs(context, 'api').CheckUrl as string,
            signatureKey: keys.signatureKey,
            signingKeys: keys.signingKeys,
          },
        });
        check(
          result.ok,
          `${result.assertions.failed} of ${result.assertions.total} assertions failed`,
          'run npm run chapter:4 for the full report',
        );
        return `${result.requests.length} requests, ${result.assertions.total} assertions`;
      },
    },
  ],
};
