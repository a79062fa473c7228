/** `npm run verify -- 3 --aws`: the learner's deployed check API, with a forged and with genuine signatures. */
import { deployedKeys } from '../../../04-deploy-test/src/deployed';
import { SERVICES } from '../../src/config';
import { encode, parseKeyring, sign } from '../../src/index';
import { outputs, postTo, stackStep } from './aws-checks';
import { BILL, type Chapter, check, NOT_AUTHENTIC, Problem } from './steps';

export const verifyAws: Chapter = {
  title: 'Chapter 03, the check API (your AWS account)',
  steps: [
    stackStep(SERVICES.api, 'npm run chapter:3', 'api'),
    {
      title: `"skrttskrtttt": 400 and "${NOT_AUTHENTIC}"`,
      async run(context) {
        const url = outputs(context, 'api').CheckUrl;
        check(url, 'the stack has no CheckUrl output', 'deploy again: npm run chapter:3');
        const { status, json } = await postTo(url, 'skrttskrtttt');
        check(
          status === 400 && json.message === NOT_AUTHENTIC,
          `answered ${status}: ${JSON.stringify(json)}`,
          status === 403
            ? 'the API requires a key: deploy without -- --api-key, or use chapter 04 with the key'
            : 'see the troubleshooting of 03-lambda-check/README.md',
        );
        return url;
      },
    },
    {
      title: 'genuine signatures, made with the keys the function reads: 200',
      async run(context) {
        const url = outputs(context, 'api').CheckUrl as string;
        let keys: { signatureKey: string; signingKeys: string };
        try {
          keys = await deployedKeys();
        } catch (error) {
          throw new Problem(
            (error as Error).message,
            'store the keys as chapter 03 says (npm run chapter:3 reads them from .env)',
          );
        }
        const legacy = await postTo(url, encode(keys.signatureKey, `${BILL.email}#${BILL.billNumber}`));
        check(
          legacy.status === 200,
          `a genuine legacy signature answered ${legacy.status}: ${JSON.stringify(legacy.json)}`,
          'a 503 means the function cannot read its SSM parameters: see the troubleshooting of 03-lambda-check/README.md',
        );
        const token = await postTo(url, sign(BILL, parseKeyring(keys.signingKeys)));
        check(
          token.status === 200,
          `a genuine token answered ${token.status}: ${JSON.stringify(token.json)}`,
          'see the troubleshooting of 03-lambda-check/README.md',
        );
        return 'legacy and token both authentic';
      },
    },
  ],
};
