/** Exercise 3.2's check: the http events and the IAM statement, read from the template serverless package writes. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { config } from '../../shared/src/config';
import {
  type Exercise,
  expectThat,
  Mismatch,
  shown,
  withYamlBlock,
  yamlBlock,
} from '../../shared/workshop/exercises/contract';
import {
  type CloudFormationTemplate,
  packageChapter,
} from '../../shared/workshop/packaging/serverless-package';

const SERVERLESS_YML = path.join(__dirname, '..', 'serverless.yml');
const BLOCKS = [
  ['statements', 1],
  ['events', 2],
] as const;

// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own ${...} syntax, as !Sub keeps it
const ARN_PREFIX = 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter';
const PARAMETERS = [
  `${ARN_PREFIX}/${config.service}/${config.stage}/signature-key`,
  `${ARN_PREFIX}/${config.service}/${config.stage}/signing-keys`,
];

/** serverless.yml with the exercise's two blocks in place of its own. */
function spliced(text: string): string {
  let yml = readFileSync(SERVERLESS_YML, 'utf8');
  for (const [key] of BLOCKS) yml = withYamlBlock(yml, key, yamlBlock(text, key));
  return yml;
}

async function template(yml: string, args: string[]): Promise<CloudFormationTemplate> {
  try {
    return (await packageChapter('03-lambda-check', { serverlessYml: yml, args })).template;
  } catch (error) {
    const lines = (error as Error).message.split('\n');
    const reason = lines.filter((line) => /error|invalid|cannot|unexpected|indentation|must/i.test(line));
    throw new Mismatch(
      `serverless package refused serverless.yml with your blocks: ${(reason.length > 0 ? reason.slice(0, 3) : lines.slice(0, 1)).join(' ').trim()}`,
    );
  }
}

type Json = Record<string, unknown>;
const resources = (t: CloudFormationTemplate, type: string) =>
  Object.values(t.Resources).filter((resource) => resource.Type === type);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);
const subOf = (value: unknown): string =>
  typeof value === 'string' ? value : String((value as { 'Fn::Sub'?: unknown })?.['Fn::Sub'] ?? shown(value));

function checkStatements(t: CloudFormationTemplate): void {
  const statements = resources(t, 'AWS::IAM::Role').flatMap((role) =>
    list((role.Properties as Json).Policies).flatMap((policy) =>
      list((policy as Json & { PolicyDocument: Json }).PolicyDocument.Statement),
    ),
  ) as Json[];
  for (const statement of statements) {
    const wild = [...list(statement.Action), ...list(statement.Resource)].find(
      (value) => value === '*' || (typeof value === 'string' && /(^|:)\*$/.test(value)),
    );
    expectThat(
      !wild,
      `A statement grants "${wild}": least privilege names the action and the resources. (TODO 1)`,
    );
  }
  const own = statements.filter(
    (statement) => !list(statement.Action).every((action) => String(action).startsWith('logs:')),
  );
  expectThat(
    own.length > 0,
    "The function's role has no statement but the logs one osls adds: add the ssm:GetParameters statement. (TODO 1)",
  );
  expectThat(
    own.length === 1,
    `The role has ${own.length} statements besides the logs one: one is enough, ssm:GetParameters on the two parameters. (TODO 1)`,
  );
  const [statement] = own as [Json];
  expectThat(
    statement.Effect === 'Allow',
    `The statement's Effect is ${shown(statement.Effect)}: it should be Allow. (TODO 1)`,
  );
  const actions = list(statement.Action);
  expectThat(
    actions.length === 1 && actions[0] === 'ssm:GetParameters',
    `The statement's Action is ${shown(statement.Action)}: it should be ssm:GetParameters alone (the function reads both parameters in one call). (TODO 1)`,
  );
  const arns = list(statement.Resource).map(subOf).sort();
  expectThat(
    arns.length === 2 && arns.every((arn, i) => arn === [...PARAMETERS].sort()[i]),
    `The statement's Resource should be exactly the ARNs of the two parameters, ${PARAMETERS.join(' and ')}; it is ${shown(arns)}. (TODO 1)`,
  );
}

function methodsOf(t: CloudFormationTemplate): Record<string, unknown> {
  return Object.fromEntries(
    resources(t, 'AWS::ApiGateway::Method').map((method) => [
      (method.Properties as Json).HttpMethod,
      (method.Properties as Json).ApiKeyRequired,
    ]),
  );
}

function checkEvents(plain: CloudFormationTemplate): void {
  const paths = resources(plain, 'AWS::ApiGateway::Resource').map(
    (resource) => (resource.Properties as Json).PathPart,
  );
  expectThat(paths.length > 0, 'The template has no API: the function needs http events. (TODO 2)');
  expectThat(
    paths.length === 1 && paths[0] === 'check',
    `The API's paths are ${shown(paths)}: it should be one, check (POST /dev/check). (TODO 2)`,
  );
  const methods = methodsOf(plain);
  expectThat(
    Object.keys(methods).sort().join(' ') === 'ANY POST',
    `The methods of /check are ${shown(Object.keys(methods).sort())}: there should be ANY (the function answers OPTIONS and the others itself) and POST on its own. (TODO 2)`,
  );
  expectThat(
    methods.ANY === false && methods.POST === false,
    `Deployed as is, no method may require an API key; ApiKeyRequired is ${shown(methods)}. (TODO 2)`,
  );
}

function checkApiKey(withKey: CloudFormationTemplate): void {
  const methods = methodsOf(withKey);
  expectThat(
    methods.ANY === false && methods.POST === true,
    `With --param=requireApiKey=true (npm run chapter:3 -- --api-key), POST alone should require the key: ApiKeyRequired is ${shown(methods)}. Use private: '\${strToBool(\${param:requireApiKey, "false"})}' on the POST event. (TODO 2)`,
  );
}

export const functionExercise: Exercise = {
  id: '3.2',
  title: 'The http events and the IAM statement of serverless.yml',
  file: '03-lambda-check/exercises/function.yml',
  language: 'yaml',
  timeLimitMs: 90_000,
  solution: '03-lambda-check/serverless.yml',
  hints: [
    'Each TODO replaces its "[]" with "- " list items, indented under the key. TODO 1 is one item with Effect, Action and Resource (a list of two !Sub lines); TODO 2 is two items, each an http event on the path check.',
    "TODO 1's second ARN is the first one with signing-keys in place of signature-key: the names of provider.environment's SIGNATURE_KEY_PARAMETER and SIGNING_KEYS_PARAMETER.",
    'The idea of TODO 2: one event takes every method (the function answers the preflight and the 405s itself); POST gets an event of its own only so that it alone can be made private, and private follows the parameter requireApiKey (false unless set), turned into a boolean with strToBool.',
  ],
  solutionText: () => {
    const yml = readFileSync(SERVERLESS_YML, 'utf8');
    return BLOCKS.map(([key]) => yamlBlock(yml, key).join('\n')).join('\n\n');
  },
  async check(file) {
    const text = readFileSync(file, 'utf8');
    for (const [key, todo] of BLOCKS) {
      expectThat(
        yamlBlock(text, key).some((line) => /^\s*- /.test(line)),
        `The ${key} block has no item yet ("- ..."). (TODO ${todo})`,
      );
    }
    const yml = spliced(text);
    // As deployed by default, and with the API key switched on: both packagings at once (each is cached).
    const withKey = template(yml, ['--param=requireApiKey=true']);
    withKey.catch(() => {}); // its refusal, if any, is said once the default packaging's is
    const plain = await template(yml, []);
    checkStatements(plain);
    checkEvents(plain);
    checkApiKey(await withKey);
  },
};
