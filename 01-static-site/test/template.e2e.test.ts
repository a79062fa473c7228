/**
 * Chapter 01's stack as `serverless package` renders it (no AWS account): one private, encrypted bucket,
 * and the outputs chapter 02 imports.
 */

import {
  type CloudFormationTemplate,
  packageChapter,
} from '../../shared/workshop/packaging/serverless-package';

const CHAPTER = '01-static-site';

let template: CloudFormationTemplate;

beforeAll(async () => {
  ({ template } = await packageChapter(CHAPTER));
}, 60_000);

const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

describe('the site bucket', () => {
  const bucket = () => template.Resources.SiteBucket as { Type: string; Properties: Record<string, unknown> };

  it('is the one bucket of the chapter besides osls own deployment bucket', () => {
    expect(
      ofType('AWS::S3::Bucket')
        .map(([name]) => name)
        .sort(),
    ).toEqual(['ServerlessDeploymentBucket', 'SiteBucket']);
  });

  it('blocks every kind of public access', () => {
    expect(bucket().Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('has ACLs turned off: the owner owns every object', () => {
    expect(bucket().Properties.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
  });

  it('is encrypted at rest with S3-managed keys, which CloudFront can read without a KMS policy', () => {
    expect(bucket().Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true },
      ],
    });
  });

  it('is not a website, has no versioning (the documented choice) and no fixed name', () => {
    const properties = bucket().Properties;
    expect(properties.WebsiteConfiguration).toBeUndefined();
    expect(properties.VersioningConfiguration).toBeUndefined();
    expect(properties.BucketName).toBeUndefined();
  });

  it('has no bucket policy of its own: chapter 02 writes the only one, for CloudFront', () => {
    const policies = ofType('AWS::S3::BucketPolicy').map(([, r]) => r.Properties?.Bucket);
    expect(policies).toEqual([{ Ref: 'ServerlessDeploymentBucket' }]);
  });
});

describe('the outputs', () => {
  it('export the bucket name, ARN and regional domain for chapter 02', () => {
    const exported = Object.fromEntries(
      Object.entries(template.Outputs ?? {}).map(([key, output]) => [key, output.Export?.Name]),
    );
    expect(exported).toMatchObject({
      SiteBucketName: 'cinq-euros-site-dev-SiteBucketName',
      SiteBucketArn: 'cinq-euros-site-dev-SiteBucketArn',
      SiteBucketRegionalDomainName: 'cinq-euros-site-dev-SiteBucketRegionalDomainName',
    });
    expect(template.Outputs?.SiteBucketRegionalDomainName?.Value).toEqual({
      'Fn::GetAtt': ['SiteBucket', 'RegionalDomainName'],
    });
  });

  it('follow the stage', async () => {
    const { template: other } = await packageChapter(CHAPTER, { stage: 'prod' });
    expect(other.Outputs?.SiteBucketName?.Export?.Name).toBe('cinq-euros-site-prod-SiteBucketName');
  }, 60_000);
});
