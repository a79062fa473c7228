/**
 * The project's snapshot of AWS's CloudFormation registry (shared/iam/cloudformation-registry.json): for each
 * resource type the stacks use, the permissions its handlers and its tagging need and the property schema.
 * The policy and template tests read it; `npm run iam:registry` refreshes it (shared/iam/refresh-registry.ts).
 */
import snapshot from './cloudformation-registry.json';

export type Handler = 'create' | 'read' | 'update' | 'delete';
export const HANDLERS: readonly Handler[] = ['create', 'read', 'update', 'delete'];

/** A JSON schema, as the registry writes them (draft-07, with CloudFormation's own keywords). */
export type Schema = { [keyword: string]: unknown };

export interface TypeFacts {
  /** Handler permissions, exactly as published. */
  readonly handlers: Readonly<Partial<Record<Handler, readonly string[]>>>;
  readonly tagging: { readonly taggable: boolean; readonly permissions?: readonly string[] };
  /** What validating a template's Properties needs: the properties, definitions, required and read-only ones. */
  readonly schema: {
    readonly properties: Schema;
    readonly definitions?: Schema;
    readonly required?: readonly string[];
    readonly additionalProperties?: boolean;
    readonly readOnlyProperties?: readonly string[];
    /** Changing one of these replaces the resource. */
    readonly createOnlyProperties?: readonly string[];
  };
}

export interface Registry {
  readonly about: string;
  readonly source: string;
  /** When AWS published these schemas, and when the snapshot was written. */
  readonly published: string;
  readonly retrieved: string;
  readonly types: Readonly<Record<string, TypeFacts>>;
}

export const registry = snapshot as unknown as Registry;

// Annotations that say nothing a validator or a permission check needs.
const ANNOTATIONS = new Set([
  'description',
  'markdownDescription',
  'examples',
  '$comment',
  'relationshipRef',
  'insertionOrder',
  'arrayType',
]);
const SCHEMA_MAPS = new Set(['properties', 'definitions', 'patternProperties']);
const SCHEMA_LISTS = new Set(['oneOf', 'anyOf', 'allOf']);
const SUBSCHEMAS = new Set(['items', 'additionalProperties', 'not', 'if', 'then', 'else']);

/** A schema without its annotations (descriptions, examples): a third of the size, the same validation. */
export function withoutAnnotations(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const kept: Schema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    if (SCHEMA_MAPS.has(keyword) && typeof value === 'object' && value !== null) {
      kept[keyword] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, withoutAnnotations(sub)]),
      );
    } else if (SCHEMA_LISTS.has(keyword) && Array.isArray(value)) {
      kept[keyword] = value.map(withoutAnnotations);
    } else if (SUBSCHEMAS.has(keyword)) {
      kept[keyword] = withoutAnnotations(value);
    } else {
      kept[keyword] = value;
    }
  }
  return kept;
}

/** The facts the tests need from one registry schema (as `describe-type` returns it in `Schema`). */
export function factsOf(published: Schema): TypeFacts {
  const handlers: Partial<Record<Handler, readonly string[]>> = {};
  const publishedHandlers = (published.handlers ?? {}) as Record<string, { permissions?: string[] }>;
  for (const handler of HANDLERS) {
    const permissions = publishedHandlers[handler]?.permissions;
    if (permissions) handlers[handler] = permissions;
  }
  const tagging = (published.tagging ?? {}) as { taggable?: boolean; permissions?: string[] };
  const stripped = withoutAnnotations(published) as Schema;
  return {
    handlers,
    tagging: {
      // The registry's default when a schema has no tagging section: taggable (if it has Tags).
      taggable: tagging.taggable ?? true,
      ...(tagging.permissions ? { permissions: tagging.permissions } : {}),
    },
    schema: {
      properties: (stripped.properties ?? {}) as Schema,
      ...(stripped.definitions ? { definitions: stripped.definitions as Schema } : {}),
      ...(published.required ? { required: published.required as string[] } : {}),
      ...(published.additionalProperties === false ? { additionalProperties: false } : {}),
      ...(published.createOnlyProperties
        ? { createOnlyProperties: published.createOnlyProperties as string[] }
        : {}),
      ...(published.readOnlyProperties
        ? { readOnlyProperties: published.readOnlyProperties as string[] }
        : {}),
    },
  };
}
