/** `npm run verify -- 2 --aws`: the learner's deployed distribution, over HTTPS with its security headers. */
import { SERVICES } from '../../src/config';
import { outputs, stackStep } from './aws-checks';
import { type Chapter, check } from './steps';

export const verifyAws: Chapter = {
  title: 'Chapter 02, CloudFront (your AWS account)',
  steps: [
    stackStep(SERVICES.cdn, 'npm run chapter:2', 'cdn'),
    {
      title: 'the distribution serves the page over HTTPS with its security headers',
      async run(context) {
        const url = outputs(context, 'cdn').SiteUrl;
        check(url, 'the stack has no SiteUrl output', 'deploy again: npm run chapter:2');
        const response = await fetch(url);
        check(
          response.status === 200,
          `${url} answered ${response.status}`,
          'a new distribution takes a few minutes to deploy everywhere: wait, then run this again',
        );
        const missing = [
          'strict-transport-security',
          'content-security-policy',
          'x-content-type-options',
        ].filter((name) => !response.headers.get(name));
        check(
          missing.length === 0,
          `missing headers: ${missing.join(', ')}`,
          'check the response headers policy of chapter 02',
        );
        return `${url} (${response.headers.get('x-cache') ?? 'served'})`;
      },
    },
  ],
};
