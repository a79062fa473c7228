/** `npm run verify -- 1 --aws`: the learner's deployed chapter 01 stack and the site in its bucket. */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { clientOptions } from '../../src/aws';
import { SERVICES } from '../../src/config';
import { outputs, stackStep } from './aws-checks';
import { type Chapter, check, Problem } from './steps';

export const verifyAws: Chapter = {
  title: 'Chapter 01, the site on S3 (your AWS account)',
  steps: [
    stackStep(SERVICES.site, 'npm run chapter:1', 'site'),
    {
      title: 'the site is in the bucket',
      async run(context) {
        const bucket = outputs(context, 'site').SiteBucketName;
        check(bucket, 'the stack has no SiteBucketName output', 'deploy again: npm run chapter:1');
        try {
          await new S3Client(clientOptions()).send(
            new HeadObjectCommand({ Bucket: bucket, Key: 'index.html' }),
          );
        } catch {
          throw new Problem(`s3://${bucket}/index.html is missing`, 'upload the site: npm run chapter:1');
        }
        return `s3://${bucket}/index.html`;
      },
    },
  ],
};
