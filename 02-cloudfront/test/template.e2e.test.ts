/**
 * Chapter 02's stack as `serverless package` renders it (no AWS account): the distribution, its Origin
 * Access Control, the response headers policy and the bucket policy, property by property.
 */
import {
  type CloudFormationTemplate,
  type PackageOptions,
  packageChapter,
  resolveKnown,
} from '../../shared/workshop/packaging/serverless-package';
import { securityHeadersOf } from '../../shared/workshop/stand-ins/cdn/security-headers';

const API_ORIGIN = 'https://abc123defg.execute-api.eu-west-3.amazonaws.com';
const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

let template: CloudFormationTemplate; // with chapter 03's API
let bare: CloudFormationTemplate; // before chapter 03 exists
let withDomain: CloudFormationTemplate;
let site: CloudFormationTemplate; // chapter 01's, for the names it exports

const templateOf = async (chapter: string, options?: PackageOptions) =>
  (await packageChapter(chapter, options)).template;

beforeAll(async () => {
  [template, bare, withDomain, site] = await Promise.all([
    templateOf('02-cloudfront', { params: { apiOrigin: API_ORIGIN } }),
    templateOf('02-cloudfront'),
    templateOf('02-cloudfront', {
      params: { apiOrigin: API_ORIGIN, domainName: 'www.example.com', certificateArn: CERTIFICATE },
    }),
    templateOf('01-static-site'),
  ]);
}, 60_000);

// biome-ignore lint/suspicious/noExplicitAny: template JSON, each path asserted on below
type Json = Record<string, any>;
const properties = (t: CloudFormationTemplate, name: string) =>
  resolveKnown(t.Resources[name]?.Properties, t) as Json;
const distribution = (t: CloudFormationTemplate) =>
  properties(t, 'SiteDistribution').DistributionConfig as Json;

describe('the distribution', () => {
  it('redirects HTTP to HTTPS and serves GET and HEAD only', () => {
    const behaviour = distribution(template).DefaultCacheBehavior;
    expect(behaviour.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(behaviour.AllowedMethods).toEqual(['GET', 'HEAD']);
  });

  it('speaks HTTP/2 and HTTP/3, over IPv6 too, and compresses', () => {
    expect(distribution(template).HttpVersion).toBe('http2and3');
    expect(distribution(template).IPV6Enabled).toBe(true);
    expect(distribution(template).DefaultCacheBehavior.Compress).toBe(true);
  });

  it('uses the managed CachingOptimized policy and the security headers policy', () => {
    const behaviour = distribution(template).DefaultCacheBehavior;
    expect(behaviour.CachePolicyId).toBe('658327ea-f89d-4fab-a63d-7e88639e58f6');
    expect(behaviour.ResponseHeadersPolicyId).toEqual({ Ref: 'SecurityHeadersPolicy' });
  });

  it('serves index.html at / and the site 404 page, with a 404 status, for missing keys', () => {
    const config = distribution(template);
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.CustomErrorResponses).toEqual([
      { ErrorCode: 403, ResponseCode: 404, ResponsePagePath: '/404.html', ErrorCachingMinTTL: 60 },
      { ErrorCode: 404, ResponseCode: 404, ResponsePagePath: '/404.html', ErrorCachingMinTTL: 60 },
    ]);
  });

  it('uses the cheapest price class', () => {
    expect(distribution(template).PriceClass).toBe('PriceClass_100');
  });

  it("reads chapter 01's bucket through its regional endpoint, signed by an Origin Access Control", () => {
    const [origin, ...others] = distribution(template).Origins;
    expect(others).toEqual([]);
    expect(origin.DomainName).toEqual({
      'Fn::ImportValue': 'cinq-euros-site-dev-SiteBucketRegionalDomainName',
    });
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': ['SiteOriginAccessControl', 'Id'] });
    expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(distribution(template).DefaultCacheBehavior.TargetOriginId).toBe(origin.Id);
    expect(properties(template, 'SiteOriginAccessControl').OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
  });

  it('imports only names that chapter 01 exports', () => {
    const exported = new Set(Object.values(site.Outputs ?? {}).map((output) => output.Export?.Name));
    const imported = [...JSON.stringify(template.Resources).matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(imported.length).toBeGreaterThan(0);
    for (const name of imported) expect(exported).toContain(name);
  });

  it('on the cloudfront.net name, uses CloudFront certificate and no alias', () => {
    expect(distribution(template).ViewerCertificate).toEqual({ CloudFrontDefaultCertificate: true });
    expect(distribution(template).Aliases).toBeUndefined();
  });

  it('with a custom domain, uses its us-east-1 ACM certificate, SNI and TLS 1.2 or newer', () => {
    expect(distribution(withDomain).Aliases).toEqual(['www.example.com']);
    expect(distribution(withDomain).ViewerCertificate).toEqual({
      AcmCertificateArn: CERTIFICATE,
      SslSupportMethod: 'sni-only',
      MinimumProtocolVersion: 'TLSv1.2_2021',
    });
    expect(resolveKnown(withDomain.Outputs?.SiteUrl?.Value, withDomain)).toBe('https://www.example.com/');
  });
});

describe('the bucket policy', () => {
  const statements = () => properties(template, 'SiteBucketPolicy').PolicyDocument.Statement as Json[];

  it("is on chapter 01's bucket", () => {
    expect(properties(template, 'SiteBucketPolicy').Bucket).toEqual({
      'Fn::ImportValue': 'cinq-euros-site-dev-SiteBucketName',
    });
  });

  it('lets CloudFront read objects, for this distribution only (AWS:SourceArn), and nothing else', () => {
    const allows = statements().filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    const [allow] = allows as [Json];
    expect(allow.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(allow.Action).toBe('s3:GetObject');
    expect(allow.Resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::ImportValue': 'cinq-euros-site-dev-SiteBucketArn' }, '/*']],
    });
    const sourceArn = allow.Condition.StringEquals['AWS:SourceArn']['Fn::Join'][1];
    expect(sourceArn).toContain(':distribution/');
    expect(sourceArn).toContainEqual({ Ref: 'SiteDistribution' });
  });

  it('refuses every request made without TLS', () => {
    expect(statements()).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': false } },
      }),
    );
  });

  it('never grants anything to everyone', () => {
    for (const statement of statements().filter((s) => s.Effect === 'Allow')) {
      expect(statement.Principal).not.toBe('*');
      expect(JSON.stringify(statement.Principal)).not.toContain('"AWS":"*"');
    }
  });
});

describe('the response headers policy', () => {
  it('adds HSTS for two years, nosniff, frame denial and a referrer policy, overriding the origin', () => {
    const config = properties(template, 'SecurityHeadersPolicy').ResponseHeadersPolicyConfig
      .SecurityHeadersConfig;
    expect(config.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 63072000,
      IncludeSubdomains: true,
      Preload: false,
      Override: true,
    });
    expect(config.ContentTypeOptions).toEqual({ Override: true });
    expect(config.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(config.ReferrerPolicy).toEqual({
      ReferrerPolicy: 'strict-origin-when-cross-origin',
      Override: true,
    });
    expect(config.ContentSecurityPolicy.Override).toBe(true);
  });

  it("has a CSP that allows the page's own files and, besides its own origin, the API origin only", () => {
    const csp = securityHeadersOf(template)['content-security-policy'] as string;
    const directives = Object.fromEntries(
      csp.split(';').map((d) => {
        const [name, ...sources] = d.trim().split(/\s+/);
        return [name, sources.join(' ')];
      }),
    );
    expect(directives).toEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': "'self'",
      'connect-src': `'self' ${API_ORIGIN}`,
      'base-uri': "'none'",
      'form-action': "'self'",
      'frame-ancestors': "'none'",
    });
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('before chapter 03 exists, lets the page call its own origin only', () => {
    expect(securityHeadersOf(bare)['content-security-policy']).toContain("connect-src 'self';");
  });
});

describe('the outputs', () => {
  it('give the distribution id (for invalidations) and the https:// URL of the site', () => {
    expect(template.Outputs?.DistributionId?.Value).toEqual({ Ref: 'SiteDistribution' });
    expect(resolveKnown(template.Outputs?.SiteUrl?.Value, template)).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': ['SiteDistribution', 'DomainName'] }, '/']],
    });
  });
});
