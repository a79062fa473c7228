/**
 * What the deployer policy (deployer-policy.json) does NOT grant of what AWS's data lists, and why: the one
 * table of exceptions of the policy test (shared/test/deployer-policy.test.ts). Everything else that the
 * CloudFormation registry lists for a resource type of the stacks (create, read, update, delete and tagging),
 * every call osls makes on deploy, remove and info, and every AWS SDK command of the workshop's scripts must
 * be allowed, as the IAM simulator evaluates the policy.
 *
 * The test checks each entry too: a name said not to be an IAM action must be missing from AWS's Service
 * Authorization Reference (iam-data); an action tied to a property must really be listed for that type, and
 * no resource of that type in any packaged template may set the property (set it, and the action becomes
 * required). Only writes are excepted this way, and reads of things the stacks do not have (a VPC, a KMS key).
 */

export interface NotAnIamAction {
  readonly kind: 'not an IAM action';
  readonly type: string;
  readonly names: readonly string[];
  readonly reason: string;
}

export interface TiedToProperty {
  readonly kind: 'tied to a property the templates do not set';
  readonly type: string;
  readonly actions: readonly string[];
  /** Property paths in the resource's Properties: "Code.S3ObjectVersion", "DistributionConfig.Origins.VpcOriginConfig". */
  readonly properties: readonly string[];
  readonly reason: string;
}

export type HandlerException = NotAnIamAction | TiedToProperty;

const NOT_IAM = 'not an IAM action' as const;
const TIED = 'tied to a property the templates do not set' as const;

export const HANDLER_EXCEPTIONS: readonly HandlerException[] = [
  // Names in the registry that IAM does not know: S3 authorizes each of these APIs with another action.
  {
    kind: NOT_IAM,
    type: 'AWS::S3::Bucket',
    names: [
      's3:DeleteBucketTagging',
      's3:DeleteBucketAnalyticsConfiguration',
      's3:DeleteBucketCors',
      's3:DeleteBucketMetricsConfiguration',
      's3:DeleteBucketEncryption',
      's3:DeleteBucketLifecycle',
      's3:DeleteBucketReplication',
    ],
    reason:
      'S3 API names, not IAM actions: S3 authorizes DeleteBucketX with s3:PutX (e.g. DeleteBucketTagging with s3:PutBucketTagging, granted)',
  },
  {
    kind: NOT_IAM,
    type: 'AWS::S3::Bucket',
    names: ['s3:PutBucketReplication', 's3:PutObjectLockConfiguration'],
    reason:
      'S3 API names; IAM calls them s3:PutReplicationConfiguration and s3:PutBucketObjectLockConfiguration',
  },
  {
    kind: NOT_IAM,
    type: 'AWS::Logs::LogGroup',
    names: ['s3:REST.PUT.OBJECT'],
    reason: 'an S3 REST operation name (from an S3 access log), not an IAM action',
  },
  {
    kind: NOT_IAM,
    type: 'AWS::CloudFront::Distribution',
    names: ['cloudfront:CreateDistributionWithTags'],
    reason:
      'a CloudFront API name; IAM authorizes it as cloudfront:CreateDistribution plus cloudfront:TagResource',
  },

  // AWS::S3::Bucket: configurations the workshop's buckets never have.
  {
    kind: TIED,
    type: 'AWS::S3::Bucket',
    actions: ['s3:PutAnalyticsConfiguration'],
    properties: ['AnalyticsConfigurations'],
    reason: 'storage class analysis',
  },
  {
    kind: TIED,
    type: 'AWS::S3::Bucket',
    actions: ['s3:PutBucketCORS'],
    properties: ['CorsConfiguration'],
    reason: 'browsers read the site through CloudFront, never the bucket',
  },
  {
    kind: TIED,
    type: 'AWS::S3::Bucket',
    actions: ['s3:PutInventoryConfiguration'],
    properties: ['InventoryConfigurations'],
    reason: 'inventory reports',
  },
  {
    kind: TIED,
    type: 'AWS::S3::Bucket',
    actions: ['s3:PutLifecycleConfiguration'],
    properties: ['LifecycleConfiguration'],
    reason: 'no lifecycle rules: versioning is off and osls prunes its own artifacts',
  },
  {
    kind: TIED,
    type: 'AWS::S3::Bucket',
    actions: ['s3:PutMetricsConfiguration'],
    properties: ['MetricsConfigurations'],
    reason: 'request metrics',
  },
  {
    kind: TIED,
    type: 'AWS::S3::Bucket',
    actions: ['s3:PutBucketNotification'],
    properties: ['NotificationConfiguration'],
    reason: 'no event notifications',
  },
  {
    kind: TIED,
    type: 'AWS::S3::Bucket',
    actions: ['s3:PutReplicationConfiguration', 'iam:PassRole'],
    properties: ['ReplicationConfiguration'],
    reason: 'no replication (the role S3 would replicate with is what iam:PassRole is for here)',
  },
  {
    kind: TIED,
    type: 'AWS::S3::Bucket',
    actions: ['s3:PutBucketWebsite', 's3:DeleteBucketWebsite'],
    properties: ['WebsiteConfiguration'],
    reason: 'no S3 website hosting: CloudFront serves the private bucket (chapter 02)',
  },
  {
    kind: TIED,
    type: 'AWS::S3::Bucket',
    actions: ['s3:PutAccelerateConfiguration'],
    properties: ['AccelerateConfiguration'],
    reason: 'no transfer acceleration',
  },
  {
    kind: TIED,
    type: 'AWS::S3::Bucket',
    actions: ['s3:PutObjectAcl', 's3:PutBucketAcl'],
    properties: ['AccessControl'],
    reason: 'ACLs are off (BucketOwnerEnforced)',
  },
  {
    kind: TIED,
    type: 'AWS::S3::Bucket',
    actions: ['s3:PutBucketObjectLockConfiguration'],
    properties: ['ObjectLockConfiguration', 'ObjectLockEnabled'],
    reason: 'no object lock',
  },
  {
    kind: TIED,
    type: 'AWS::S3::Bucket',
    actions: ['s3:PutBucketLogging'],
    properties: ['LoggingConfiguration'],
    reason: 'no server access logs',
  },
  {
    kind: TIED,
    type: 'AWS::S3::Bucket',
    actions: ['s3:PutBucketVersioning'],
    properties: ['VersioningConfiguration'],
    reason: 'versioning stays off on purpose (chapter 01, "Why no versioning")',
  },
  {
    kind: TIED,
    type: 'AWS::S3::Bucket',
    actions: ['s3:PutIntelligentTieringConfiguration'],
    properties: ['IntelligentTieringConfigurations'],
    reason: 'no Intelligent-Tiering archive configuration',
  },
  {
    kind: TIED,
    type: 'AWS::S3::Bucket',
    actions: [
      's3:CreateBucketMetadataTableConfiguration',
      's3:DeleteBucketMetadataTableConfiguration',
      's3tables:CreateNamespace',
      's3tables:CreateTable',
      's3tables:GetTable',
      's3tables:PutTablePolicy',
      's3tables:GetTableMetadataLocation',
      's3tables:UpdateTableMetadataLocation',
    ],
    properties: ['MetadataTableConfiguration'],
    reason: 'no S3 Metadata table (S3 Tables)',
  },

  // AWS::Logs::LogGroup
  {
    kind: TIED,
    type: 'AWS::Logs::LogGroup',
    actions: ['logs:AssociateKmsKey', 'logs:DisassociateKmsKey'],
    properties: ['KmsKeyId'],
    reason: 'the logs are encrypted with the service key, no customer KMS key',
  },
  {
    kind: TIED,
    type: 'AWS::Logs::LogGroup',
    actions: [
      'logs:PutDataProtectionPolicy',
      'logs:DeleteDataProtectionPolicy',
      'logs:CreateLogDelivery',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'firehose:TagDeliveryStream',
    ],
    properties: ['DataProtectionPolicy'],
    reason:
      'no data protection policy (its audit findings are what the delivery, resource policy and Firehose calls are for); the function never logs a secret or a full email',
  },

  // AWS::IAM::Role (osls's function role)
  {
    kind: TIED,
    type: 'AWS::IAM::Role',
    actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
    properties: ['ManagedPolicyArns'],
    reason:
      'the role has inline policies only; attaching managed policies (AdministratorAccess...) stays denied',
  },
  {
    kind: TIED,
    type: 'AWS::IAM::Role',
    actions: ['iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary'],
    properties: ['PermissionsBoundary'],
    reason: 'no permissions boundary',
  },
  {
    kind: TIED,
    type: 'AWS::IAM::Role',
    actions: ['iam:UpdateRole', 'iam:UpdateRoleDescription'],
    properties: ['Description', 'MaxSessionDuration'],
    reason: 'osls sets neither a description nor a session duration',
  },

  // AWS::Lambda::Function
  {
    kind: TIED,
    type: 'AWS::Lambda::Function',
    actions: ['lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency'],
    properties: ['ReservedConcurrentExecutions'],
    reason: 'no reserved concurrency: the stage throttling bounds the load',
  },
  {
    kind: TIED,
    type: 'AWS::Lambda::Function',
    actions: [
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'ec2:DescribeVpcs',
      'ec2:DescribeNetworkInterfaces',
    ],
    properties: ['VpcConfig'],
    reason: 'the function is not in a VPC (it only calls SSM): no network to describe',
  },
  {
    kind: TIED,
    type: 'AWS::Lambda::Function',
    actions: ['elasticfilesystem:DescribeMountTargets', 's3files:ListMountTargets'],
    properties: ['FileSystemConfigs'],
    reason: 'no file system mounted',
  },
  {
    kind: TIED,
    type: 'AWS::Lambda::Function',
    actions: ['kms:CreateGrant', 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
    properties: ['KmsKeyArn'],
    reason: 'environment variables (names only, no secret) use the Lambda service key, no customer KMS key',
  },
  {
    kind: TIED,
    type: 'AWS::Lambda::Function',
    actions: [
      'lambda:GetCodeSigningConfig',
      'lambda:PutFunctionCodeSigningConfig',
      'lambda:DeleteFunctionCodeSigningConfig',
    ],
    properties: ['CodeSigningConfigArn'],
    reason: 'no code signing configuration',
  },
  {
    kind: TIED,
    type: 'AWS::Lambda::Function',
    actions: ['lambda:GetLayerVersion'],
    properties: ['Layers'],
    reason: 'no layers: the zip holds one bundled file',
  },
  {
    kind: TIED,
    type: 'AWS::Lambda::Function',
    actions: ['lambda:PutRuntimeManagementConfig'],
    properties: ['RuntimeManagementConfig'],
    reason: 'runtime updates stay on Auto',
  },
  {
    kind: TIED,
    type: 'AWS::Lambda::Function',
    actions: ['lambda:PutFunctionRecursionConfig'],
    properties: ['RecursiveLoop'],
    reason: 'recursive loop detection stays on its default',
  },
  {
    kind: TIED,
    type: 'AWS::Lambda::Function',
    actions: ['lambda:PutFunctionScalingConfig'],
    properties: ['FunctionScalingConfig'],
    reason: 'no scaling configuration (Lambda Managed Instances only)',
  },
  {
    kind: TIED,
    type: 'AWS::Lambda::Function',
    actions: ['lambda:PassCapacityProvider'],
    properties: ['CapacityProviderConfig'],
    reason: 'no capacity provider (Lambda Managed Instances only)',
  },

  // AWS::Lambda::Version
  {
    kind: TIED,
    type: 'AWS::Lambda::Version',
    actions: ['lambda:PutProvisionedConcurrencyConfig'],
    properties: ['ProvisionedConcurrencyConfig'],
    reason: 'no provisioned concurrency (it is billed by the hour)',
  },
  {
    kind: TIED,
    type: 'AWS::Lambda::Version',
    actions: ['lambda:PutRuntimeManagementConfig'],
    properties: ['RuntimePolicy'],
    reason: 'runtime updates stay on Auto',
  },
  {
    kind: TIED,
    type: 'AWS::Lambda::Version',
    actions: ['lambda:PutFunctionScalingConfig'],
    properties: ['FunctionScalingConfig'],
    reason: 'no scaling configuration (Lambda Managed Instances only)',
  },

  // API Gateway
  {
    kind: TIED,
    type: 'AWS::ApiGateway::RestApi',
    actions: ['iam:PassRole'],
    properties: ['BodyS3Location', 'Body'],
    reason: 'the API is built from resources and methods, not imported from an OpenAPI file',
  },
  {
    kind: TIED,
    type: 'AWS::ApiGateway::Method',
    actions: ['iam:PassRole'],
    properties: ['Integration.Credentials'],
    reason:
      'API Gateway invokes the function through its resource policy (AWS::Lambda::Permission), not a role',
  },

  // AWS::CloudFront::Distribution
  {
    kind: TIED,
    type: 'AWS::CloudFront::Distribution',
    actions: ['cloudfront:CreateConnectionGroup', 'cloudfront:GetConnectionGroup'],
    properties: ['DistributionConfig.ConnectionMode', 'DistributionConfig.TenantConfig'],
    reason: 'a standard distribution, not a multi-tenant one',
  },
  {
    kind: TIED,
    type: 'AWS::CloudFront::Distribution',
    actions: ['cloudfront:GetVpcOrigin'],
    properties: ['DistributionConfig.Origins.VpcOriginConfig'],
    reason: 'the origin is the S3 bucket, not a VPC origin',
  },
  {
    kind: TIED,
    type: 'AWS::CloudFront::Distribution',
    actions: ['cloudfront:UpdateDistributionWithStagingConfig'],
    properties: ['DistributionConfig.ContinuousDeploymentPolicyId', 'DistributionConfig.Staging'],
    reason: 'no continuous deployment (staging distribution)',
  },
];

/**
 * Calls osls makes (found in its source, see the test) that the policy does not allow, and why osls does not
 * make them for the workshop's services. `files` is matched against the path inside the osls package.
 */
export const OSLS_EXCEPTIONS: readonly {
  readonly files: RegExp;
  readonly commands: readonly string[];
  readonly reason: string;
}[] = [
  {
    files: /lib\/plugins\/aws\/lib\/check-if-ecr-repository-exists\.js$/,
    commands: ['DescribeRepositories'],
    reason:
      'remove looks for an image repository; osls takes AccessDenied for "there is none" (this file), and the function is a zip',
  },
  {
    files: /lib\/plugins\/aws\/(provider|remove\/lib\/ecr)\.js$/,
    commands: [
      'CreateRepository',
      'DeleteRepository',
      'DescribeRepositories',
      'DescribeImages',
      'GetAuthorizationToken',
      'PutLifecyclePolicy',
    ],
    reason: 'container-image functions only (provider.ecr); the workshop ships a zip',
  },
  {
    files: /lib\/plugins\/aws\/deletion-protection\.js$/,
    commands: ['UpdateTerminationProtection'],
    reason: 'only with provider.deletionProtection, which the workshop leaves off so that teardown works',
  },
  {
    files: /lib\/plugins\/aws\/prune\.js$/,
    commands: ['DeleteFunction', 'DeleteLayerVersion'],
    reason: 'only with provider.pruneFunctionVersions, which the workshop does not set',
  },
  {
    files: /lib\/plugins\/aws\/deploy\/lib\/check-for-changes\.js$/,
    commands: ['DescribeSubscriptionFilters', 'DeleteSubscriptionFilter'],
    reason: 'only for functions with cloudwatchLog events; the check function has http events only',
  },
  {
    files: /api-gateway\/lib\/hack\/update-stage\.js$/,
    commands: ['DeleteLogGroup'],
    reason:
      'removes the API access-log group (/aws/api-gateway/...) only when provider.logs.restApi is switched off after being on; the workshop never turns it on',
  },
  {
    files: /lib\/plugins\/aws\/info\/get-stack-info\.js$/,
    commands: ['GetApi'],
    reason:
      'info reads an HTTP API (API Gateway v2) only when the service has one; the workshop has a REST API',
  },
];

/** SDK commands that need no permission at all. */
export const NEEDS_NO_PERMISSION: readonly { readonly command: string; readonly reason: string }[] = [
  {
    command: 'sts:GetCallerIdentity',
    reason:
      'AWS: "No permissions are required to perform this operation", even when an explicit deny applies',
  },
];

/**
 * The workshop's own code that sends AWS SDK commands with something else than the learner's credentials.
 * Every other file's `new ...Command(` must be allowed by the deployer policy.
 */
export const CODE_NOT_ON_THE_DEPLOYER: readonly { readonly paths: RegExp; readonly reason: string }[] = [
  {
    paths: /(^|\/)(test|test-support)\//,
    reason: 'tests and their support talk only to local stand-ins (no test may call AWS)',
  },
  {
    paths: /^shared\/workshop\/stand-ins\//,
    reason: 'the offline stand-ins and their clients talk to 127.0.0.1 only',
  },
  { paths: /(^|\/)bench\//, reason: 'benches run against local endpoints' },
  {
    paths: /^\d\d-[^/]+\/exercises\//,
    reason:
      "the exercises' checks talk to local stand-ins only; each exercise file stands for chapter code read here",
  },
  {
    paths: /^03-lambda-check\/src\//,
    reason:
      "the function's own code: it runs with the function's role (03-lambda-check/test/template.e2e.test.ts checks it)",
  },
];
