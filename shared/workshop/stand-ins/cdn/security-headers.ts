/**
 * The HTTP headers CloudFront adds to every response, read from chapter 02's response headers policy, so
 * that what the offline stand-in sends is exactly what gets deployed. npm start and chapter:2 read them
 * from serverless.yml itself, in milliseconds; a test proves that equal to what `serverless package` writes.
 */
import path from 'node:path';
import { REPO_ROOT } from '../../env';
import { type CloudFormationTemplate, resolveKnown } from '../../packaging/serverless-package';
import { readServerlessYml } from '../../packaging/serverless-yml';

export const CHAPTER_DIR = path.join(REPO_ROOT, '02-cloudfront');

interface SecurityHeadersConfig {
  StrictTransportSecurity?: {
    AccessControlMaxAgeSec: number;
    IncludeSubdomains?: boolean;
    Preload?: boolean;
  };
  ContentSecurityPolicy?: { ContentSecurityPolicy: string };
  ContentTypeOptions?: object;
  FrameOptions?: { FrameOption: string };
  ReferrerPolicy?: { ReferrerPolicy: string };
}

/** The headers a ResponseHeadersPolicy's SecurityHeadersConfig makes CloudFront send, as a browser sees them. */
export function headersFromPolicy(config: SecurityHeadersConfig): Record<string, string> {
  const headers: Record<string, string> = {};
  const hsts = config.StrictTransportSecurity;
  if (hsts) {
    headers['strict-transport-security'] = [
      `max-age=${hsts.AccessControlMaxAgeSec}`,
      ...(hsts.IncludeSubdomains ? ['includeSubDomains'] : []),
      ...(hsts.Preload ? ['preload'] : []),
    ].join('; ');
  }
  const csp = config.ContentSecurityPolicy?.ContentSecurityPolicy;
  if (csp !== undefined) {
    if (typeof csp !== 'string') throw new Error('The CSP depends on a value known only at deploy time');
    headers['content-security-policy'] = csp;
  }
  if (config.ContentTypeOptions) headers['x-content-type-options'] = 'nosniff';
  if (config.FrameOptions) headers['x-frame-options'] = config.FrameOptions.FrameOption;
  if (config.ReferrerPolicy) headers['referrer-policy'] = config.ReferrerPolicy.ReferrerPolicy;
  return headers;
}

export function securityHeadersOf(template: CloudFormationTemplate): Record<string, string> {
  const policy = Object.values(template.Resources).find(
    (resource) => resource.Type === 'AWS::CloudFront::ResponseHeadersPolicy',
  );
  if (!policy) throw new Error('The template has no AWS::CloudFront::ResponseHeadersPolicy');
  const resolved = resolveKnown(policy.Properties, template) as {
    ResponseHeadersPolicyConfig: { SecurityHeadersConfig: SecurityHeadersConfig };
  };
  return headersFromPolicy(resolved.ResponseHeadersPolicyConfig.SecurityHeadersConfig);
}

/** `${param:name}` in every string of a serverless.yml value, as osls substitutes it. */
function withParam(value: unknown, name: string, replacement: string): unknown {
  if (typeof value === 'string') return value.replaceAll(`\${param:${name}}`, replacement);
  if (Array.isArray(value)) return value.map((item) => withParam(item, name, replacement));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, withParam(item, name, replacement)]),
  );
}

/**
 * The headers CloudFront would add with chapter 03's API at `apiOrigin` (null: not deployed), read from
 * 02-cloudfront/serverless.yml: its policy and Conditions need no other osls variable than apiOrigin.
 */
export function securityHeaders(apiOrigin: string | null): Record<string, string> {
  const yml = readServerlessYml(path.join(CHAPTER_DIR, 'serverless.yml')) as {
    params?: { default?: Record<string, string> };
    resources?: Omit<CloudFormationTemplate, 'Resources'> & Partial<CloudFormationTemplate>;
  };
  const value = apiOrigin ?? yml.params?.default?.apiOrigin ?? 'none';
  const resources = withParam(yml.resources, 'apiOrigin', value) as Partial<CloudFormationTemplate>;
  return securityHeadersOf({ Conditions: resources.Conditions, Resources: resources.Resources ?? {} });
}
