/**
 * The checks and hints of chapter 02's exercises, for `npm run exercise -- 2`. Your work goes in the
 * other files of this folder; this one only reads them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type Exercise,
  expectEqual,
  expectThat,
  Mismatch,
  shown,
  withYamlBlock,
  yamlBlock,
} from '../../shared/workshop/exercises/contract';
import {
  type CloudFormationTemplate,
  packageChapter,
  resolveKnown,
} from '../../shared/workshop/packaging/serverless-package';
import { headersFromPolicy } from '../../shared/workshop/stand-ins/cdn/security-headers';

const CHAPTER = '02-cloudfront';
const SERVERLESS_YML = path.join(__dirname, '..', 'serverless.yml');
const API_ORIGIN = 'https://abc123.execute-api.eu-west-3.amazonaws.com';
/** The SecurityHeadersConfig block of a YAML file (the exercise's, or serverless.yml), without its indent. */
export function securityHeadersBlock(text: string): string[] {
  return yamlBlock(text, 'SecurityHeadersConfig');
}

/** serverless.yml with its SecurityHeadersConfig replaced by `block`. */
function spliced(block: readonly string[]): string {
  return withYamlBlock(readFileSync(SERVERLESS_YML, 'utf8'), 'SecurityHeadersConfig', block);
}

interface Policy {
  StrictTransportSecurity?: {
    AccessControlMaxAgeSec: number;
    IncludeSubdomains?: boolean;
    Override?: boolean;
  };
  ContentSecurityPolicy?: { ContentSecurityPolicy: unknown; Override?: boolean };
  [key: string]: unknown;
}

/**
 * Package the chapter with this block (no AWS) for an API origin, and return the policy's config resolved
 * as CloudFormation would: with that API, and as if there were none (the template's HasApi condition false).
 */
async function packagedPolicy(block: readonly string[]): Promise<{ withApi: Policy; withoutApi: Policy }> {
  let template: CloudFormationTemplate;
  try {
    ({ template } = await packageChapter(CHAPTER, {
      serverlessYml: spliced(block),
      params: { apiOrigin: API_ORIGIN },
    }));
  } catch (error) {
    const lines = (error as Error).message.split('\n');
    const reason = lines.filter((line) => /error|invalid|cannot|unexpected|bad indentation/i.test(line));
    throw new Mismatch(
      `serverless package refused serverless.yml with your block: ${(reason.length > 0 ? reason.slice(0, 3) : lines.slice(0, 1)).join(' ').trim()}`,
    );
  }
  const policy = Object.values(template.Resources).find(
    (resource) => resource.Type === 'AWS::CloudFront::ResponseHeadersPolicy',
  );
  if (!policy) throw new Mismatch('The template has no AWS::CloudFront::ResponseHeadersPolicy any more.');
  const resolve = (conditions: typeof template.Conditions) =>
    (
      resolveKnown(policy.Properties, { Conditions: conditions }) as {
        ResponseHeadersPolicyConfig: { SecurityHeadersConfig: Policy };
      }
    ).ResponseHeadersPolicyConfig.SecurityHeadersConfig;
  return {
    withApi: resolve(template.Conditions),
    withoutApi: resolve({ ...template.Conditions, HasApi: false }),
  };
}

const CSP_WITH_API: Record<string, string> = {
  'default-src': "'none'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self'",
  'connect-src': `'self' ${API_ORIGIN}`,
  'base-uri': "'none'",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
};

const WHY: Record<string, string> = {
  'default-src': 'nothing is allowed unless a directive below says so',
  'script-src': 'scripts from the site only: an injected script does not run',
  'style-src': 'styles from the site only',
  'img-src': 'images from the site only',
  'connect-src': "the page calls its own origin and chapter 03's API, nothing else",
  'base-uri': "no <base> element may redirect the page's relative URLs",
  'form-action': 'forms post to the site only',
  'frame-ancestors': 'no site may frame this one',
};

function directives(csp: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) found.set(name.toLowerCase(), values.join(' '));
  }
  return found;
}

function checkCsp(config: Policy, expected: Record<string, string>, when: string): void {
  const csp = config.ContentSecurityPolicy?.ContentSecurityPolicy;
  expectThat(
    config.ContentSecurityPolicy,
    `There is no ContentSecurityPolicy in SecurityHeadersConfig. (TODO 2)`,
  );
  expectThat(
    typeof csp === 'string',
    `${when}, the Content-Security-Policy is not a plain string once the conditions are resolved: ${shown(csp)}. Use !Join with !If [HasApi, " \${param:apiOrigin}", ""]. (TODO 2)`,
  );
  const got = directives(csp as string);
  for (const [name, value] of Object.entries(expected)) {
    expectThat(
      got.get(name) === value,
      `${when}, the CSP's ${name} should be ${value} (${WHY[name]}), but ${got.has(name) ? `it is ${got.get(name) || '(empty)'}` : 'it is missing'}. The CSP: ${csp}. (TODO 2)`,
    );
  }
  const extra = [...got.keys()].filter((name) => !(name in expected));
  expectThat(
    extra.length === 0,
    `${when}, the CSP has directives the site does not need: ${extra.join(', ')}. (TODO 2)`,
  );
  expectEqual(
    config.ContentSecurityPolicy?.Override,
    true,
    'ContentSecurityPolicy.Override (replace what the origin sends) (TODO 2)',
  );
}

const securityHeadersExercise: Exercise = {
  id: '2.1',
  title: 'The security headers: HSTS and the Content-Security-Policy',
  file: '02-cloudfront/exercises/security-headers.yml',
  language: 'yaml',
  timeLimitMs: 90_000,
  solution: '02-cloudfront/serverless.yml',
  hints: [
    'TODO 1 is four keys under StrictTransportSecurity: AccessControlMaxAgeSec (two years, in seconds: 2 * 365 * 24 * 3600), IncludeSubdomains, Preload and Override.',
    "TODO 2: ContentSecurityPolicy holds two keys, ContentSecurityPolicy (the string) and Override. The directives are separated by \"; \", each a name and its sources, e.g. default-src 'none'; script-src 'self'; ...",
    'The idea: the string is the same whether or not there is an API, except in connect-src, where the API origin appears only when the condition HasApi holds. So the string is built from three pieces joined (!Join), the middle one chosen by !If on HasApi, with the origin as the parameter apiOrigin, never written out.',
  ],
  solutionText: () =>
    `# resources.Resources.SecurityHeadersPolicy.Properties.ResponseHeadersPolicyConfig:\n${securityHeadersBlock(readFileSync(SERVERLESS_YML, 'utf8')).join('\n')}`,
  async check(file) {
    const block = securityHeadersBlock(readFileSync(file, 'utf8'));
    // Before packaging (seconds): the keys each TODO adds.
    for (const [key, todo] of [
      ['StrictTransportSecurity', 1],
      ['ContentSecurityPolicy', 2],
    ] as const) {
      expectThat(
        block.some((line) => new RegExp(`^ +${key}:`).test(line)),
        `There is no ${key} in SecurityHeadersConfig. (TODO ${todo})`,
      );
    }
    const written = block.find((line) => /^[^#]*https?:\/\//.test(line));
    expectThat(
      !written,
      `The block writes an origin out: ${written?.trim()}. The API's origin changes with each deployment (and is none before chapter 03): use the parameter \${param:apiOrigin}, under !If [HasApi, ...]. (TODO 2)`,
    );
    const { withApi, withoutApi } = await packagedPolicy(block);
    const hsts = withApi.StrictTransportSecurity;
    expectThat(hsts, 'There is no StrictTransportSecurity in SecurityHeadersConfig. (TODO 1)');
    const headers = headersFromPolicy(withApi as Parameters<typeof headersFromPolicy>[0]);
    expectEqual(
      headers['strict-transport-security'],
      'max-age=63072000; includeSubDomains',
      'The Strict-Transport-Security header (two years, subdomains included, no preload) (TODO 1)',
    );
    expectEqual(
      hsts.Override,
      true,
      'StrictTransportSecurity.Override (replace what the origin sends) (TODO 1)',
    );
    checkCsp(withApi, CSP_WITH_API, `With chapter 03's API at ${API_ORIGIN}`);
    checkCsp(
      withoutApi,
      { ...CSP_WITH_API, 'connect-src': "'self'" },
      'When chapter 03 is not deployed (the condition HasApi is false)',
    );
    expectEqual(headers['x-content-type-options'], 'nosniff', 'The X-Content-Type-Options header');
    expectEqual(headers['x-frame-options'], 'DENY', 'The X-Frame-Options header');
    expectEqual(headers['referrer-policy'], 'strict-origin-when-cross-origin', 'The Referrer-Policy header');
  },
};

export const exercises: readonly Exercise[] = [securityHeadersExercise];
