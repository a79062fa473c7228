/**
 * serverless.yml parsed as osls parses it: osls's own YAML parser and schema, so CloudFormation's short tags
 * (!Join, !If, !Ref, !GetAtt, !Sub...) become the long forms ({ 'Fn::Join': ... }) that the packaged
 * template holds. osls's variables (${param:...}, ${file(...)}) are left as written.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface Yaml {
  load(text: string, options: object): unknown;
}

export function parseServerlessYml(text: string, filename = 'serverless.yml'): Record<string, unknown> {
  // Through osls: js-yaml is its dependency, not ours.
  const osls = createRequire(require.resolve('serverless/package.json'));
  const yaml = osls('js-yaml') as Yaml;
  const schema = osls('./lib/utils/serverless-utils/cloudformation-schema');
  return (yaml.load(text, { filename, schema }) ?? {}) as Record<string, unknown>;
}

export function readServerlessYml(file: string): Record<string, unknown> {
  return parseServerlessYml(readFileSync(file, 'utf8'), file);
}
