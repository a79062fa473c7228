/**
 * A packaged template's resources against the CloudFormation registry's schemas (the project's snapshot,
 * shared/iam/cloudformation-registry.json): no property the type does not have, every required one present,
 * every literal value of the type, pattern and enum the schema says, nothing read-only set.
 * Values CloudFormation only knows at deploy time (Ref, Fn::GetAtt, Fn::ImportValue, Fn::Sub...) are not judged.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { registry } from '../../iam/registry';
import { type CloudFormationTemplate, resolveKnown } from '../packaging/serverless-package';

export interface SchemaProblem {
  readonly resource: string;
  readonly type: string;
  readonly at: string;
  readonly problem: string;
}

// CloudFormation converts a template's strings to the numbers and booleans a schema asks for ("5", "true").
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, coerceTypes: true });
const validators = new Map<string, ValidateFunction>();

function validatorOf(type: string): ValidateFunction {
  let validate = validators.get(type);
  if (!validate) {
    const facts = registry.types[type];
    if (!facts)
      throw new Error(
        `${type} is not in shared/iam/cloudformation-registry.json: npm run iam:registry -- --type ${type}`,
      );
    const { properties, definitions, required, additionalProperties } = facts.schema;
    validate = ajv.compile({
      type: 'object',
      properties,
      ...(definitions ? { definitions } : {}),
      ...(required ? { required } : {}),
      ...(additionalProperties === false ? { additionalProperties: false } : {}),
    });
    validators.set(type, validate);
  }
  return validate;
}

const isIntrinsic = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  /^(Ref|Condition|Fn::[A-Za-z]+)$/.test(Object.keys(value)[0] as string);

/** The values along a JSON pointer, from the root down. */
function valuesAlong(root: unknown, pointer: string): unknown[] {
  const values = [root];
  let value = root;
  for (const part of pointer.split('/').slice(1)) {
    const name = part.replace(/~1/g, '/').replace(/~0/g, '~');
    value =
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
    values.push(value);
  }
  return values;
}

/** Whether a value holds something only known at deploy time, anywhere inside. */
function holdsIntrinsic(value: unknown): boolean {
  if (isIntrinsic(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(holdsIntrinsic);
}

function judged(error: ErrorObject, properties: unknown): boolean {
  const along = valuesAlong(properties, error.instancePath);
  // A deploy-time value (or something inside one) is not judged...
  if (along.some(isIntrinsic)) return false;
  // ...nor a choice between schemas (oneOf, anyOf) that a deploy-time value inside it could settle.
  if (['oneOf', 'anyOf', 'if'].includes(error.keyword) && holdsIntrinsic(along.at(-1))) return false;
  return true;
}

export function schemaProblems(template: CloudFormationTemplate): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const properties = structuredClone(resolveKnown(resource.Properties ?? {}, template));
    const validate = validatorOf(resource.Type);
    if (!validate(properties)) {
      for (const error of validate.errors ?? []) {
        if (!judged(error, properties)) continue;
        const detail =
          error.params && 'additionalProperty' in error.params ? ` (${error.params.additionalProperty})` : '';
        problems.push({
          resource: logicalId,
          type: resource.Type,
          at: error.instancePath || '/',
          problem: `${error.message}${detail}`,
        });
      }
    }
    for (const pointer of registry.types[resource.Type]?.schema.readOnlyProperties ?? []) {
      const along = valuesAlong(properties, pointer.replace(/^\/properties/, ''));
      if (along.at(-1) !== undefined) {
        problems.push({
          resource: logicalId,
          type: resource.Type,
          at: pointer,
          problem: 'is read-only: CloudFormation sets it',
        });
      }
    }
  }
  return problems;
}
