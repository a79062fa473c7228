/**
 * What `npm run verify -- N --aws` checks against the learner's deployed stacks: that each exists, and
 * that what it serves answers as the chapter says. Reads only; it changes nothing in the account.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { deployedKeys } from '../../04-deploy-test/src/deployed';
import { runCollection } from '../../04-deploy-test/src/run-collection';
import { clientOptions, explainAwsError } from '../src/aws';
import { checkLogGroupName, region, SERVICES, stackName } from '../src/config';
import { encode, parseKeyring, sign } from '../src/index';
import { type Chapter, check, Problem, type Step, type StepContext } from '../src/verify-steps';

const NOT_AUTHENTIC = 'This is not an authentic signature';
const BILL = { email: 'jane.doe@example.com', billNumber: '2019-0042' };

async function outputsOf(service: string, deployCommand: string): Promise<Record<string, string>> {
  const name = stackName(service);
  try {
    const answer = await new CloudFormationClient(clientOptions()).send(
      new DescribeStacksCommand({ StackName: name }),
    );
    const stack = answer.Stacks?.[0];
    check(stack, `no stack ${name}`, deployCommand);
    check(
      /_COMPLETE$/.test(stack.StackStatus ?? '') && !/ROLLBACK|DELETE/.test(stack.StackStatus ?? ''),
      `the stack ${name} is ${stack.StackStatus}`,
      `look at its events in the CloudFormation console (${region()}), fix, then: ${deployCommand}`,
    );
    return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } catch (error) {
    if (error instanceof Problem) throw error;
    if (/does not exist/.test((error as Error).message)) {
      throw new Problem(
        `the stack ${name} is not deployed in ${region()}`,
        `${deployCommand} (or check AWS_REGION and STAGE)`,
      );
    }
    throw new Problem(
      explainAwsError(error, { offlineHint: false }),
      'set up credentials, then run this again',
    );
  }
}

function stackStep(service: string, deployCommand: string, key: string): Step {
  return {
    title: `the stack ${stackName(service)} is deployed`,
    async run(context: StepContext) {
      const outputs = await outputsOf(service, deployCommand);
      context.state.set(key, outputs);
      return `${Object.keys(outputs).length} outputs`;
    },
  };
}

const outputs = (context: StepContext, key: string) => context.state.get(key) as Record<string, string>;

async function postTo(url: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', body });
  const text = await response.text();
  try {
    return { status: response.status, json: JSON.parse(text) };
  } catch {
    return { status: response.status, json: { raw: text.slice(0, 200) } };
  }
}

export const awsChapters: Record<number, Chapter> = {
  1: {
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
  },
  2: {
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
  },
  3: {
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
  },
  4: {
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
  },
  5: {
    title: "Chapter 05, the Lambda's CloudWatch logs (your AWS account)",
    steps: [
      {
        title: `the log group ${checkLogGroupName()} exists`,
        async run() {
          const name = checkLogGroupName();
          const client = new CloudWatchLogsClient(clientOptions());
          const answer = await client
            .send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }))
            .catch((error: unknown) => {
              throw new Problem(
                explainAwsError(error, { offlineHint: false }),
                'set up credentials, then run this again',
              );
            });
          const group = answer.logGroups?.find((g) => g.logGroupName === name);
          check(
            group,
            `no log group ${name} in ${region()}`,
            'deploy chapter 03 (npm run chapter:3); it creates the group',
          );
          return `kept ${group.retentionInDays ?? 'forever'} days`;
        },
      },
      {
        title: 'it holds events of the last 24 hours',
        async run() {
          const answer = await new CloudWatchLogsClient(clientOptions()).send(
            new FilterLogEventsCommand({
              logGroupName: checkLogGroupName(),
              startTime: Date.now() - 86_400_000,
              limit: 50,
            }),
          );
          const count = answer.events?.length ?? 0;
          check(
            count > 0,
            'no event in the last 24 hours',
            'send a request (npm run chapter:4), then tail: npm run chapter:5',
          );
          return `${count}${answer.nextToken ? '+' : ''} events`;
        },
      },
    ],
  },
};
