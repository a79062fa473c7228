/**
 * plugins/stage-throttling.js, run as osls runs it after a deploy, with the real AWS SDK clients: only the
 * HTTP layer is replaced, so what is checked is the very requests that would reach AWS.
 */
import { Readable } from 'node:stream';

// biome-ignore lint/suspicious/noExplicitAny: osls plugin objects are untyped JavaScript
const StageThrottling: any = require('../plugins/stage-throttling.js');

interface SentRequest {
  method: string;
  path: string;
  body: string;
  host: string;
}

const REST_API_ID = 'a1b2c3d4e5';

/** An SDK request handler that records each request and answers as CloudFormation and API Gateway would. */
function fakeAws(sent: SentRequest[]) {
  return {
    handle: async (request: {
      method: string;
      path: string;
      hostname: string;
      body?: string | Uint8Array;
    }) => {
      const body =
        typeof request.body === 'string'
          ? request.body
          : new TextDecoder().decode(request.body ?? new Uint8Array());
      sent.push({ method: request.method, path: request.path, body, host: request.hostname });
      const answer = request.hostname.startsWith('cloudformation.')
        ? `<DescribeStackResourceResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
            <DescribeStackResourceResult><StackResourceDetail>
              <StackName>cinq-euros-api-dev</StackName><LogicalResourceId>ApiGatewayRestApi</LogicalResourceId>
              <PhysicalResourceId>${REST_API_ID}</PhysicalResourceId><ResourceType>AWS::ApiGateway::RestApi</ResourceType>
              <ResourceStatus>CREATE_COMPLETE</ResourceStatus><LastUpdatedTimestamp>2026-12-01T00:00:00Z</LastUpdatedTimestamp>
            </StackResourceDetail></DescribeStackResourceResult>
          </DescribeStackResourceResponse>`
        : JSON.stringify({ stageName: 'dev', deploymentId: 'dep123' });
      const type = request.hostname.startsWith('cloudformation.') ? 'text/xml' : 'application/json';
      return {
        response: { statusCode: 200, headers: { 'content-type': type }, body: Readable.from([answer]) },
      };
    },
  };
}

function pluginFor(custom: Record<string, unknown>, sent: SentRequest[] = []) {
  const notices: string[] = [];
  const provider = {
    getAwsSdkV3Config: async () => ({
      region: 'eu-west-3',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: fakeAws(sent),
    }),
    getApiGatewayStage: () => 'dev',
    naming: { getStackName: () => 'cinq-euros-api-dev', getRestApiLogicalId: () => 'ApiGatewayRestApi' },
  };
  const template = { Resources: {}, Outputs: {} as Record<string, { Value: string }> };
  const serverless = {
    service: { custom, provider: { compiledCloudFormationTemplate: template } },
    getProvider: () => provider,
    classes: { Error },
  };
  const plugin = new StageThrottling(serverless, {}, { log: { notice: (m: string) => notices.push(m) } });
  return { plugin, template, notices };
}

describe('stage throttling after each deploy (plugins/stage-throttling.js)', () => {
  const custom = { stageThrottling: { burstLimit: 20, rateLimit: 10 } };

  it('runs after `serverless deploy` and while packaging, never inside a CloudFormation resource', () => {
    expect(Object.keys(pluginFor(custom).plugin.hooks).sort()).toEqual([
      'after:deploy:deploy',
      'before:package:finalize',
    ]);
  });

  it("finds the stack's REST API and sets the stage's default throttling with one UpdateStage", async () => {
    const sent: SentRequest[] = [];
    const { plugin, notices } = pluginFor(custom, sent);
    await plugin.hooks['after:deploy:deploy']();
    expect(sent).toHaveLength(2);
    const [describe, update] = sent as [SentRequest, SentRequest];
    expect(describe.host).toBe('cloudformation.eu-west-3.amazonaws.com');
    expect(new URLSearchParams(describe.body).get('Action')).toBe('DescribeStackResource');
    expect(new URLSearchParams(describe.body).get('StackName')).toBe('cinq-euros-api-dev');
    expect(new URLSearchParams(describe.body).get('LogicalResourceId')).toBe('ApiGatewayRestApi');
    expect(update).toMatchObject({
      method: 'PATCH',
      host: 'apigateway.eu-west-3.amazonaws.com',
      path: `/restapis/${REST_API_ID}/stages/dev`,
    });
    expect(JSON.parse(update.body)).toEqual({
      patchOperations: [
        { op: 'replace', path: '/*/*/throttling/burstLimit', value: '20' },
        { op: 'replace', path: '/*/*/throttling/rateLimit', value: '10' },
      ],
    });
    expect(notices).toEqual([
      'Stage dev throttled: 10 requests/s, bursts of 20 (plugins/stage-throttling.js)',
    ]);
  });

  it('shows the limits in the stack outputs, so that changing them is a change to deploy', () => {
    const { plugin, template } = pluginFor(custom);
    plugin.hooks['before:package:finalize']();
    expect(template.Outputs.StageThrottling?.Value).toBe('burstLimit=20 rateLimit=10');
  });

  it.each([
    [{ burstLimit: 0, rateLimit: 10 }],
    [{ burstLimit: 2.5, rateLimit: 10 }],
    [{ burstLimit: 20, rateLimit: 0 }],
    [{ burstLimit: 'many', rateLimit: 10 }],
  ])('refuses %j, saying what it needs', (stageThrottling) => {
    const { plugin } = pluginFor({ stageThrottling });
    expect(() => plugin.hooks['before:package:finalize']()).toThrow(
      'custom.stageThrottling needs a whole burstLimit >= 1 and a rateLimit > 0',
    );
  });

  it('does nothing without custom.stageThrottling', async () => {
    const sent: SentRequest[] = [];
    const { plugin, template } = pluginFor({}, sent);
    plugin.hooks['before:package:finalize']();
    await plugin.hooks['after:deploy:deploy']();
    expect(sent).toEqual([]);
    expect(template.Outputs).toEqual({});
  });
});
