/**
 * The infrastructure, read from the CloudFormation template `serverless package` writes (never deployed):
 * runtime, architecture, memory, timeout, log retention, throttling, least-privilege IAM, no secret.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkFunctionName, config, parameterNames, RUNTIME_NODE_MAJOR } from '../../shared/src/config';
import { type Packaged, packageChapter } from '../../shared/workshop/packaging/serverless-package';
import { runtimeNode } from '../../shared/workshop/system-requirements';
import { captureStdout, loadEvent, TEST_SECRETS, withEnv } from '../../shared/workshop/test-support/events';
import { updateRefusals } from '../../shared/workshop/test-support/stack-update';
import { describeWithSystem } from '../../shared/workshop/test-support/system';
import { readZip } from '../../shared/workshop/test-support/zip';
import { handler } from '../src/check';
import { resetSecrets } from '../src/secrets';

// A value that must never reach the template or the zip, even when it is in the deploying shell.
const CANARY = 'canary-secret-never-in-template';
const env = {
  SIGNATURE_KEY: CANARY,
  SIGNING_KEYS: `canary:${CANARY}-0123456789`,
  STAGE: undefined,
  AWS_REGION: undefined,
  SITE_ORIGIN: undefined,
};

let plain: Packaged;
let withKey: Packaged;

beforeAll(async () => {
  // One after the other, as two consecutive deploys: the second one is the update of the first.
  plain = await packageChapter('03-lambda-check', { env });
  withKey = await packageChapter('03-lambda-check', { params: { requireApiKey: 'true' }, env });
}, 90_000);

/** The function's zip, which every packaging of this chapter has. */
function zipOf(packaged: Packaged): string {
  if (!packaged.zip) throw new Error('serverless package wrote no zip');
  return packaged.zip;
}

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation resources are free-form JSON
const resourcesOf = (template: any, type: string): any[] =>
  // biome-ignore lint/suspicious/noExplicitAny: as above
  Object.values(template.Resources).filter((resource: any) => resource.Type === type);
const one = (template: unknown, type: string) => {
  const found = resourcesOf(template, type);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('the check function', () => {
  it('runs the workshop runtime on arm64 with 128 MB and a timeout of a few seconds', () => {
    const fn = one(plain.template, 'AWS::Lambda::Function').Properties;
    expect(fn).toMatchObject({
      FunctionName: checkFunctionName({}),
      Handler: 'src/check.handler',
      Runtime: config.runtime,
      Architectures: [config.architecture],
      MemorySize: 128,
    });
    expect(fn.Timeout).toBeGreaterThanOrEqual(3);
    expect(fn.Timeout).toBeLessThanOrEqual(10);
  });

  it('knows the names of its SSM parameters, never their values', () => {
    const variables = one(plain.template, 'AWS::Lambda::Function').Properties.Environment.Variables;
    const names = parameterNames({});
    expect(variables).toEqual({
      SIGNATURE_KEY_PARAMETER: names.legacyKey,
      SIGNING_KEYS_PARAMETER: names.signingKeys,
      ALLOWED_ORIGIN: config.siteOrigin,
    });
    for (const packaged of [plain, withKey]) {
      expect(JSON.stringify(packaged.template)).not.toContain(CANARY);
      for (const [, content] of readZip(zipOf(packaged)))
        expect(content.toString('utf8')).not.toContain(CANARY);
    }
  });

  it('keeps its logs 14 days', () => {
    expect(one(plain.template, 'AWS::Logs::LogGroup').Properties).toEqual({
      LogGroupName: `/aws/lambda/${checkFunctionName({})}`,
      RetentionInDays: 14,
    });
  });

  it('ships one minified file without the AWS SDK, which it imports lazily from the runtime', () => {
    const entries = readZip(zipOf(plain));
    expect([...entries.keys()]).toEqual(['src/check.js']);
    const code = (entries.get('src/check.js') as Buffer).toString('utf8');
    expect(code).toContain('require("@aws-sdk/client-ssm")');
    expect(code).not.toMatch(/GetParametersCommand\s*extends|smithy|class \w+ extends \w+Client/);
    expect(code.split('\n').length).toBeLessThan(5); // minified
  });

  it('runs from the zip alone in a fresh Node process, never loading the SDK when the keys are in the environment', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chapter03-zip-'));
    try {
      writeFileSync(path.join(dir, 'check.js'), readZip(zipOf(plain)).get('src/check.js') as Buffer);
      const script = `
        require('./check.js').handler(${JSON.stringify(loadEvent('legacy-raw-text'))}).then((response) => {
          const sdk = Object.keys(require.cache).filter((file) => file.includes('aws-sdk'));
          process.stderr.write(JSON.stringify({ status: response.statusCode, sdk }));
        });`;
      const run = spawnSync(process.execPath, ['-e', script], {
        cwd: dir,
        env: { PATH: process.env.PATH, ...TEST_SECRETS },
        encoding: 'utf8',
      });
      expect(JSON.parse(run.stderr)).toEqual({ status: 200, sdk: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeWithSystem(
  'runtimeNode',
  `the packaged zip on Node.js ${RUNTIME_NODE_MAJOR}, as Lambda runs it`,
  () => {
    const fixtures = readdirSync(path.join(__dirname, 'events')).map((file) => file.replace(/\.json$/, ''));
    const ORIGIN = 'https://d111111abcdef8.cloudfront.net';
    const answer = (response: { statusCode: number; body?: string }) => ({
      status: response.statusCode,
      body: response.body ? JSON.parse(response.body) : undefined,
    });

    it('answers every test event as the source handler does here, without loading the SDK', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'chapter03-zip-runtime-'));
      try {
        writeFileSync(path.join(dir, 'check.js'), readZip(zipOf(plain)).get('src/check.js') as Buffer);
        writeFileSync(path.join(dir, 'events.json'), JSON.stringify(fixtures.map((name) => loadEvent(name))));
        const script = `
        const { handler } = require('./check.js');
        const events = require('./events.json');
        (async () => {
          const answers = [];
          for (const event of events) {
            const { statusCode, body } = await handler(event, { awsRequestId: 'zip-smoke' });
            answers.push({ status: statusCode, body: body ? JSON.parse(body) : undefined });
          }
          const sdk = Object.keys(require.cache).filter((file) => file.includes('aws-sdk'));
          process.stderr.write(JSON.stringify({ node: process.versions.node, answers, sdk }));
        })();`;
        const run = spawnSync(runtimeNode() as string, ['-e', script], {
          cwd: dir,
          env: { PATH: process.env.PATH, ALLOWED_ORIGIN: ORIGIN, ...TEST_SECRETS },
          encoding: 'utf8',
        });
        const zipped = JSON.parse(run.stderr);
        const expected = [];
        for (const name of fixtures) {
          resetSecrets();
          const { result } = await withEnv({ ALLOWED_ORIGIN: ORIGIN, ...TEST_SECRETS }, () =>
            captureStdout(() => handler(loadEvent(name), { awsRequestId: 'zip-smoke' })),
          );
          expected.push(answer(result));
        }
        expect(zipped.node).toMatch(new RegExp(`^${RUNTIME_NODE_MAJOR}\\.`));
        expect(fixtures.length).toBeGreaterThan(15);
        expect(zipped.answers).toEqual(expected);
        expect(zipped.sdk).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);

describe('least privilege', () => {
  // biome-ignore lint/suspicious/noExplicitAny: IAM statements are free-form JSON
  const statements = (): any[] =>
    one(plain.template, 'AWS::IAM::Role').Properties.Policies.flatMap(
      // biome-ignore lint/suspicious/noExplicitAny: as above
      (policy: any) => policy.PolicyDocument.Statement,
    );

  it('grants no wildcard action and no wildcard resource', () => {
    for (const statement of statements()) {
      expect(statement.Effect).toBe('Allow');
      for (const action of [statement.Action].flat()) expect(action).not.toContain('*');
      for (const resource of [statement.Resource].flat()) expect(resource).not.toBe('*');
    }
  });

  it('reads exactly its two parameters, and nothing else of SSM', () => {
    const ssm = statements().filter((s) => [s.Action].flat().some((a: string) => a.startsWith('ssm:')));
    expect(ssm).toHaveLength(1);
    expect(ssm[0].Action).toEqual(['ssm:GetParameters']);
    const names = parameterNames({});
    const arn = (name: string) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}`,
    });
    expect(ssm[0].Resource).toEqual([arn(names.legacyKey), arn(names.signingKeys)]);
  });

  it('only lets API Gateway invoke the function', () => {
    const permission = one(plain.template, 'AWS::Lambda::Permission').Properties;
    expect(permission).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
    });
  });
});

describe('the API', () => {
  it('routes every method of /check to the function (ANY), POST on its own', () => {
    const methods = resourcesOf(plain.template, 'AWS::ApiGateway::Method').map(
      (m) => m.Properties.HttpMethod,
    );
    expect(methods.sort()).toEqual(['ANY', 'POST']);
  });

  it('throttles the stage after the deploy, never through the deployment (a redeploy would be refused)', () => {
    const deployment = one(plain.template, 'AWS::ApiGateway::Deployment').Properties;
    expect(deployment.StageName).toBe(config.stage);
    expect(deployment.StageDescription).toBeUndefined();
    expect(plain.template.Outputs?.StageThrottling?.Value).toBe('burstLimit=20 rateLimit=10');
  });

  it('has an API key and a usage plan, and requires the key on POST only when switched on', () => {
    expect(one(plain.template, 'AWS::ApiGateway::UsagePlan').Properties).toMatchObject({
      Throttle: { BurstLimit: 5, RateLimit: 2 },
      Quota: { Limit: 1000, Period: 'DAY' },
    });
    one(plain.template, 'AWS::ApiGateway::ApiKey');
    const required = (packaged: Packaged) =>
      Object.fromEntries(
        resourcesOf(packaged.template, 'AWS::ApiGateway::Method').map((m) => [
          m.Properties.HttpMethod,
          m.Properties.ApiKeyRequired,
        ]),
      );
    expect(required(plain)).toEqual({ ANY: false, POST: false });
    expect(required(withKey)).toEqual({ ANY: false, POST: true });
  });

  it('gives the endpoint URL as a stack output', () => {
    const value = JSON.stringify(plain.template.Outputs?.CheckUrl?.Value);
    expect(value).toContain('.execute-api.');
    expect(value).toContain(`/${config.stage}/check`);
  });
});

describe('a second deploy (the update CloudFormation makes of the first)', () => {
  const deploymentIds = (packaged: Packaged) =>
    Object.entries(packaged.template.Resources)
      .filter(([, r]) => r.Type === 'AWS::ApiGateway::Deployment')
      .map(([id]) => id);

  it('makes a new API deployment, as osls does on every deploy', () => {
    expect(deploymentIds(plain)).toHaveLength(1);
    expect(deploymentIds(withKey)).toHaveLength(1);
    expect(deploymentIds(withKey)).not.toEqual(deploymentIds(plain));
  });

  it('holds nothing CloudFormation refuses on an update, either way round', () => {
    expect(updateRefusals(plain.template, withKey.template)).toEqual([]);
    expect(updateRefusals(withKey.template, plain.template)).toEqual([]);
  });

  it('would be refused with the stage settings in the deployment, as the first version of the plugin put them', () => {
    const second = structuredClone(withKey.template);
    const [id] = deploymentIds(withKey) as [string];
    (second.Resources[id]?.Properties as Record<string, unknown>).StageDescription = {
      MethodSettings: [
        { HttpMethod: '*', ResourcePath: '/*', ThrottlingBurstLimit: 20, ThrottlingRateLimit: 10 },
      ],
    };
    expect(updateRefusals(plain.template, second)).toEqual([
      `${id}: StageDescription cannot be specified when stage referenced by StageName (${config.stage}) already exists`,
    ]);
  });

  it("would be refused changing a create-only property of a resource named by the template (the role's Path)", () => {
    const second = structuredClone(withKey.template);
    const role = Object.values(second.Resources).find((r) => r.Type === 'AWS::IAM::Role');
    (role?.Properties as Record<string, unknown>).Path = '/workshop/';
    expect(updateRefusals(plain.template, second)).toEqual([
      expect.stringMatching(/^IamRoleLambdaExecution: Path is create-only and changes/),
    ]);
  });
});
