/**
 * What CloudFormation refuses when a stack made from `before` is updated to `after` (two consecutive
 * deploys of one service), from the registry's facts and CloudFormation's documented update rules:
 * - a new AWS::ApiGateway::Deployment with a StageDescription, for a stage that already exists
 *   ("StageDescription cannot be specified when stage referenced by StageName already exists");
 * - a change to a create-only property (which means replacement) of a resource with a name of its own
 *   ("CloudFormation cannot update a stack when a custom-named resource requires replacing");
 * - a new resource whose name of its own is already taken by a resource of the first deploy that stays.
 */
import { registry } from '../../iam/registry';
import type { CloudFormationTemplate } from '../packaging/serverless-package';

/** The property that names each type's resources when it is set. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Logs::LogGroup': 'LogGroupName',
};

const stagesOf = (template: CloudFormationTemplate): Set<string> => {
  const stages = new Set<string>();
  for (const resource of Object.values(template.Resources)) {
    const p = resource.Properties ?? {};
    if (resource.Type === 'AWS::ApiGateway::Deployment' && typeof p.StageName === 'string')
      stages.add(p.StageName);
    if (resource.Type === 'AWS::ApiGateway::Stage' && typeof p.StageName === 'string')
      stages.add(p.StageName);
  }
  return stages;
};

const nameOf = (resource: { Type: string; Properties?: Record<string, unknown> }) => {
  const property = NAME_PROPERTY[resource.Type];
  const name = property ? resource.Properties?.[property] : undefined;
  return name === undefined ? undefined : JSON.stringify(name);
};

export function updateRefusals(before: CloudFormationTemplate, after: CloudFormationTemplate): string[] {
  const refusals: string[] = [];
  const existingStages = stagesOf(before);
  for (const [logicalId, resource] of Object.entries(after.Resources)) {
    const previous = before.Resources[logicalId];
    const p = resource.Properties ?? {};
    if (!previous && resource.Type === 'AWS::ApiGateway::Deployment' && p.StageDescription !== undefined) {
      if (typeof p.StageName === 'string' && existingStages.has(p.StageName)) {
        refusals.push(
          `${logicalId}: StageDescription cannot be specified when stage referenced by StageName (${p.StageName}) already exists`,
        );
      }
    }
    if (previous && previous.Type === resource.Type && nameOf(resource) !== undefined) {
      for (const pointer of registry.types[resource.Type]?.schema.createOnlyProperties ?? []) {
        const property = pointer.replace(/^\/properties\//, '').split('/')[0] as string;
        const was = JSON.stringify(previous.Properties?.[property]);
        const is = JSON.stringify(p[property]);
        if (was !== is) {
          refusals.push(
            `${logicalId}: ${property} is create-only and changes (${was} -> ${is}); a custom-named resource cannot be replaced`,
          );
        }
      }
    }
    if (!previous) {
      const name = nameOf(resource);
      const taken = Object.entries(before.Resources).find(
        ([id, other]) =>
          after.Resources[id] && other.Type === resource.Type && name !== undefined && nameOf(other) === name,
      );
      if (taken) refusals.push(`${logicalId}: its name ${name} is already ${taken[0]}'s`);
    }
  }
  return refusals;
}
