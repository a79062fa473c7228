/**
 * A local stand-in for the two AWS calls chapter 04 makes, speaking their real wire protocols so the real
 * SDK clients parse the answers: CloudFormation DescribeStacks (query protocol, XML) and SSM GetParameters
 * (JSON 1.1). Point clients at it with AWS_ENDPOINT_URL. Nothing here reaches AWS.
 */
import { createServer, type Server } from 'node:http';
import { freePort, LOOPBACK } from '../process/ports';

export interface FakeStack {
  readonly status: string;
  readonly outputs: Readonly<Record<string, string>>;
}

export interface FakeAwsState {
  /** Stacks by name; a name not here is "does not exist". */
  stacks: Record<string, FakeStack>;
  /** SSM parameters by name. */
  parameters: Record<string, string>;
  /** Every call, as "Service.Action". */
  calls: string[];
  /** Answer every call with AccessDenied, as AWS does for an identity without the permission. */
  denyAll?: boolean;
}

export interface FakeAws {
  readonly endpoint: string;
  readonly state: FakeAwsState;
  close(): Promise<void>;
}

const CFN_NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function describeStacks(state: FakeAwsState, name: string): { status: number; body: string } {
  const stack = state.stacks[name];
  if (!stack) {
    return {
      status: 400,
      body: `<ErrorResponse xmlns="${CFN_NS}"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${xmlEscape(name)} does not exist</Message></Error><RequestId>fake-1</RequestId></ErrorResponse>`,
    };
  }
  const outputs = Object.entries(stack.outputs)
    .map(
      ([key, value]) =>
        `<member><OutputKey>${xmlEscape(key)}</OutputKey><OutputValue>${xmlEscape(value)}</OutputValue></member>`,
    )
    .join('');
  return {
    status: 200,
    body: `<DescribeStacksResponse xmlns="${CFN_NS}"><DescribeStacksResult><Stacks><member><StackName>${xmlEscape(name)}</StackName><StackId>arn:aws:cloudformation:eu-west-3:000000000000:stack/${xmlEscape(name)}/fake</StackId><CreationTime>2024-01-01T00:00:00Z</CreationTime><StackStatus>${stack.status}</StackStatus><Outputs>${outputs}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>fake-2</RequestId></ResponseMetadata></DescribeStacksResponse>`,
  };
}

function getParameters(state: FakeAwsState, names: string[]): string {
  const found = names.filter((name) => name in state.parameters);
  return JSON.stringify({
    Parameters: found.map((name) => ({ Name: name, Type: 'SecureString', Value: state.parameters[name] })),
    InvalidParameters: names.filter((name) => !(name in state.parameters)),
  });
}

export async function startFakeAws(initial: Partial<FakeAwsState> = {}): Promise<FakeAws> {
  const state: FakeAwsState = { stacks: {}, parameters: {}, calls: [], denyAll: false, ...initial };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = request.headers['x-amz-target'];
      if (state.denyAll) {
        state.calls.push('denied');
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ __type: 'AccessDeniedException', message: 'User is not authorized' }));
        return;
      }
      if (target === 'AmazonSSM.GetParameters') {
        state.calls.push('SSM.GetParameters');
        const { Names = [] } = JSON.parse(body) as { Names?: string[] };
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(getParameters(state, Names));
        return;
      }
      const form = new URLSearchParams(body);
      if (form.get('Action') === 'DescribeStacks') {
        state.calls.push('CloudFormation.DescribeStacks');
        const answer = describeStacks(state, form.get('StackName') ?? '');
        response.writeHead(answer.status, { 'content-type': 'text/xml' });
        response.end(answer.body);
        return;
      }
      response.writeHead(400, { 'content-type': 'text/plain' });
      response.end(`fake-aws: no such call (${String(target ?? form.get('Action'))})`);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, LOOPBACK, resolve));
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An environment for SDK clients pointed at the stand-in: fake credentials, no instance metadata lookups. */
export function fakeAwsEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'eu-west-3',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
