/**
 * The HTTP headers CloudFront adds to every response, read from this chapter's own template (the response
 * headers policy), so that what the offline checks use is exactly what gets deployed.
 */
import path from 'node:path';
import { REPO_ROOT } from '../../env';
import {
  type CloudFormationTemplate,
  packageTemplate,
  resolveKnown,
} from '../../packaging/serverless-package';

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

/** Package this chapter (no AWS needed) for an API origin, and return the headers CloudFront would add. */
export async function securityHeaders(apiOrigin: string | null): Promise<Record<string, string>> {
  const template = await packageTemplate(CHAPTER_DIR, { params: apiOrigin ? { apiOrigin } : {} });
  return securityHeadersOf(template);
}
