/**
 * The AWS SDK commands a body of JavaScript or TypeScript sends, found by reading it: every `new <Name>Command(`
 * (and lib-storage's `new Upload(`) whose class is imported or required from an @aws-sdk package. The IAM
 * action each needs follows AWS's rules: the service's prefix and the operation's name, except where AWS
 * authorizes an operation with another action (S3's list and head calls, API Gateway's HTTP verbs).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface SdkCall {
  /** The file, relative to the folder scanned. */
  readonly file: string;
  /** The package the class comes from, e.g. client-s3. */
  readonly client: string;
  /** The operation, e.g. PutObject (Upload for lib-storage). */
  readonly command: string;
}

const IMPORT = /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*['"]@aws-sdk\/([a-z0-9-]+)['"]/g;
const REQUIRE = /\{([^}]*)\}\s*=\s*(?:await\s+import|require)\(\s*['"]@aws-sdk\/([a-z0-9-]+)['"]\s*\)/g;
const NEW = /new\s+([A-Z][A-Za-z0-9]*?)(Command)?\s*\(/g;

/** The SDK calls in one file's source. Throws on a `new <Name>Command(` whose package cannot be told. */
export function sdkCallsInSource(file: string, source: string): SdkCall[] {
  const clientOf = new Map<string, string>();
  for (const pattern of [IMPORT, REQUIRE]) {
    for (const [, names, client] of source.matchAll(pattern)) {
      for (const name of (names as string).split(',')) {
        const [imported, local] = name.trim().split(/\s+as\s+|\s*:\s*/) as [string, string | undefined];
        if (imported) clientOf.set((local ?? imported).trim(), client as string);
      }
    }
  }
  const calls: SdkCall[] = [];
  for (const [, name, suffix] of source.matchAll(NEW)) {
    const className = `${name}${suffix ?? ''}`;
    const client = clientOf.get(className);
    if (suffix === undefined && !(className === 'Upload' && client === 'lib-storage')) continue;
    if (!client) throw new Error(`${file}: new ${className}( but no import of it from an @aws-sdk package`);
    calls.push({ file, client, command: name as string });
  }
  return calls;
}

/** Every .ts/.js file under `root` (node_modules, .serverless and .esbuild left out), relative paths. */
export function sourceFiles(root: string, under = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(root, under))) {
    if (['node_modules', '.serverless', '.esbuild', '.git', '.local'].includes(entry)) continue;
    const relative = path.posix.join(under, entry);
    if (statSync(path.join(root, relative)).isDirectory()) files.push(...sourceFiles(root, relative));
    else if (/\.(ts|js|cjs|mjs)$/.test(entry) && !entry.endsWith('.d.ts')) files.push(relative);
  }
  return files;
}

export function sdkCallsIn(root: string, files: readonly string[]): SdkCall[] {
  return files.flatMap((file) => sdkCallsInSource(file, readFileSync(path.join(root, file), 'utf8')));
}

const SERVICE_OF_CLIENT: Record<string, string> = {
  'client-s3': 's3',
  'lib-storage': 's3',
  'client-cloudformation': 'cloudformation',
  'client-cloudfront': 'cloudfront',
  'client-cloudwatch-logs': 'logs',
  'client-ssm': 'ssm',
  'client-sts': 'sts',
  'client-api-gateway': 'apigateway',
  'client-apigatewayv2': 'apigateway',
  'client-lambda': 'lambda',
  'client-ecr': 'ecr',
  'client-iam': 'iam',
};

// AWS's "Required permissions for Amazon S3 API operations": the operations S3 authorizes with another name.
const S3_ACTION_OF: Record<string, string> = {
  ListObjectsV2: 'ListBucket',
  ListObjects: 'ListBucket',
  HeadBucket: 'ListBucket',
  HeadObject: 'GetObject',
  ListObjectVersions: 'ListBucketVersions',
  Upload: 'PutObject',
  PutBucketEncryption: 'PutEncryptionConfiguration',
  GetBucketEncryption: 'GetEncryptionConfiguration',
  PutPublicAccessBlock: 'PutBucketPublicAccessBlock',
  GetPublicAccessBlock: 'GetBucketPublicAccessBlock',
};

// API Gateway authorizes its management API by HTTP verb on the resource's path.
const API_GATEWAY_VERB: [RegExp, string][] = [
  [/^(Get|Head)/, 'GET'],
  [/^Create/, 'POST'],
  [/^(Update|Patch)/, 'PATCH'],
  [/^(Put|Import|TagResource)/, 'PUT'],
  [/^(Delete|Flush|UntagResource)/, 'DELETE'],
];

/** The IAM actions an SDK call needs, e.g. {client-s3, ListObjectsV2} -> [s3:ListBucket]. */
export function actionsOf(call: Pick<SdkCall, 'client' | 'command'>): string[] {
  const service = SERVICE_OF_CLIENT[call.client];
  if (!service) throw new Error(`@aws-sdk/${call.client}: add its IAM service prefix to SERVICE_OF_CLIENT`);
  // DeleteObjects needs s3:DeleteObject, and s3:DeleteObjectVersion for the versions it names (teardown does).
  if (service === 's3' && call.command === 'DeleteObjects')
    return ['s3:DeleteObject', 's3:DeleteObjectVersion'];
  return [actionOf(call, service)];
}

function actionOf(call: Pick<SdkCall, 'client' | 'command'>, service: string): string {
  if (service === 's3') return `s3:${S3_ACTION_OF[call.command] ?? call.command}`;
  if (service === 'apigateway') {
    const verb = API_GATEWAY_VERB.find(([pattern]) => pattern.test(call.command))?.[1];
    if (!verb) throw new Error(`API Gateway ${call.command}: which HTTP verb is it?`);
    return `apigateway:${verb}`;
  }
  return `${service}:${call.command}`;
}
