/**
 * Finding the deployed API: the chapter 03 stack's CheckUrl output and the keys in SSM, through the real
 * SDK clients talking to a local stand-in (test/support/fake-aws.ts). Nothing reaches AWS.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type FakeAws, startFakeAws } from '../../shared/workshop/test-support/fake-aws';
import {
  checkUrlOf,
  DeployedApiError,
  deployedCheckUrl,
  deployedKeys,
  deployedSiteOrigin,
} from '../src/deployed';

const URL_OUT = 'https://abc123.execute-api.eu-west-3.amazonaws.com/dev/check';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let aws: FakeAws;
let cloudFormation: CloudFormationClient;
let ssm: SSMClient;

beforeAll(async () => {
  aws = await startFakeAws();
  cloudFormation = new CloudFormationClient({ region: 'eu-west-3', endpoint: aws.endpoint, credentials });
  ssm = new SSMClient({ region: 'eu-west-3', endpoint: aws.endpoint, credentials });
});

afterAll(async () => {
  cloudFormation.destroy();
  ssm.destroy();
  await aws.close();
});

beforeEach(() => {
  aws.state.stacks = {};
  aws.state.parameters = {};
  aws.state.calls = [];
  aws.state.denyAll = false;
});

describe('the check URL of the deployed stack', () => {
  it("is the chapter 03 stack's CheckUrl output, for the stage in STAGE", async () => {
    aws.state.stacks['cinq-euros-api-dev'] = { status: 'CREATE_COMPLETE', outputs: { CheckUrl: URL_OUT } };
    aws.state.stacks['cinq-euros-api-prod'] = {
      status: 'UPDATE_COMPLETE',
      outputs: { CheckUrl: URL_OUT.replace('/dev/', '/prod/') },
    };
    await expect(deployedCheckUrl({}, cloudFormation)).resolves.toBe(URL_OUT);
    await expect(deployedCheckUrl({ STAGE: 'prod' }, cloudFormation)).resolves.toBe(
      URL_OUT.replace('/dev/', '/prod/'),
    );
    expect(aws.state.calls).toEqual(['CloudFormation.DescribeStacks', 'CloudFormation.DescribeStacks']);
  });

  it('says the stack is not deployed, where, and how to work offline instead', async () => {
    const error = await deployedCheckUrl({ AWS_REGION: 'eu-west-1' }, cloudFormation).catch((e) => e);
    expect(error).toBeInstanceOf(DeployedApiError);
    expect(error.message).toBe(
      'The chapter 03 stack cinq-euros-api-dev is not deployed in eu-west-1. Deploy it first: npm run chapter:3 (03-lambda-check/README.md), or check AWS_REGION and STAGE.\nTo test without AWS: npm run chapter:4 -- --offline',
    );
  });

  it('refuses a stack that is busy, failed, or has no CheckUrl, saying what to do', () => {
    const name = 'cinq-euros-api-dev';
    const outputs = [{ OutputKey: 'CheckUrl', OutputValue: URL_OUT }];
    expect(
      checkUrlOf(
        { StackName: name, StackStatus: 'UPDATE_ROLLBACK_COMPLETE', Outputs: outputs } as never,
        name,
      ),
    ).toBe(URL_OUT);
    expect(() => checkUrlOf({ StackStatus: 'UPDATE_IN_PROGRESS', Outputs: outputs } as never, name)).toThrow(
      /is busy \(UPDATE_IN_PROGRESS\): wait until/,
    );
    expect(() => checkUrlOf({ StackStatus: 'ROLLBACK_COMPLETE', Outputs: outputs } as never, name)).toThrow(
      /in state ROLLBACK_COMPLETE: its deploy failed/,
    );
    expect(() => checkUrlOf({ StackStatus: 'CREATE_FAILED' } as never, name)).toThrow(/CREATE_FAILED/);
    expect(() => checkUrlOf({ StackStatus: 'CREATE_COMPLETE', Outputs: [] } as never, name)).toThrow(
      /has no CheckUrl output[\s\S]*--url <check URL>/,
    );
    expect(() =>
      checkUrlOf(
        {
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ OutputKey: 'CheckUrl', OutputValue: 'not a url' }],
        } as never,
        name,
      ),
    ).toThrow(/has no CheckUrl output/);
  });
});

describe('the site origin the deployed API allows', () => {
  it('is SITE_ORIGIN when set, as npm run chapter:3 took it', async () => {
    await expect(
      deployedSiteOrigin({ SITE_ORIGIN: 'https://www.example.com' }, cloudFormation),
    ).resolves.toEqual({
      origin: 'https://www.example.com',
      source: 'SITE_ORIGIN',
    });
    expect(aws.state.calls).toEqual([]);
  });

  it("else the origin of chapter 02's SiteUrl, else the workshop's default", async () => {
    await expect(deployedSiteOrigin({}, cloudFormation)).resolves.toEqual({
      origin: 'http://localhost:8080',
      source: 'shared/settings.json (cinq-euros-cdn-dev is not deployed)',
    });
    aws.state.stacks['cinq-euros-cdn-dev'] = {
      status: 'CREATE_COMPLETE',
      outputs: { SiteUrl: 'https://d111111abcdef8.cloudfront.net/' },
    };
    await expect(deployedSiteOrigin({}, cloudFormation)).resolves.toEqual({
      origin: 'https://d111111abcdef8.cloudfront.net',
      source: 'the SiteUrl of cinq-euros-cdn-dev',
    });
  });
});

describe('the keys of the deployed function', () => {
  const keys = { signatureKey: 'from-ssm', signingKeys: `ssm:${'s'.repeat(40)}` };

  it("are the two SSM parameters the function reads, for the stage's tree, whatever .env says", async () => {
    aws.state.parameters['/cinq-euros/dev/signature-key'] = keys.signatureKey;
    aws.state.parameters['/cinq-euros/dev/signing-keys'] = keys.signingKeys;
    await expect(deployedKeys({ SIGNATURE_KEY: 'a', SIGNING_KEYS: 'b' }, ssm)).resolves.toEqual({
      ...keys,
      source: 'SSM parameters /cinq-euros/dev/signature-key and /cinq-euros/dev/signing-keys',
    });
    expect(aws.state.calls).toEqual(['SSM.GetParameters']);
  });

  it('are SIGNATURE_KEY and SIGNING_KEYS when SSM refuses the read, and the report says why', async () => {
    aws.state.denyAll = true;
    await expect(deployedKeys({ SIGNATURE_KEY: 'a', SIGNING_KEYS: 'b' }, ssm)).resolves.toEqual({
      signatureKey: 'a',
      signingKeys: 'b',
      source: 'SIGNATURE_KEY and SIGNING_KEYS (SSM could not be read: AccessDeniedException)',
    });
    const error = await deployedKeys({}, ssm).catch((e) => e);
    expect(error.message).toMatch(
      /^Could not read the keys from SSM Parameter Store: AWS refused the call \(AccessDeniedException\): User is not authorized/,
    );
  });

  it('name the parameter that is missing, and the way out', async () => {
    aws.state.parameters['/cinq-euros/dev/signature-key'] = keys.signatureKey;
    const error = await deployedKeys({}, ssm).catch((e) => e);
    expect(error).toBeInstanceOf(DeployedApiError);
    expect(error.message).toMatch(
      /^SSM parameter\(s\) \/cinq-euros\/dev\/signing-keys not found in eu-west-3: the deployed function cannot verify anything yet \(it answers 503\)\. npm run chapter:3 creates them from SIGNATURE_KEY and SIGNING_KEYS in \.env\.$/,
    );
  });
});
