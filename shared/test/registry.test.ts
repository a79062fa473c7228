/**
 * The registry snapshot and the code that writes it (shared/iam/registry.ts): what `npm run iam:registry`
 * keeps of a schema AWS publishes, and that the committed snapshot says where and when it comes from.
 */
import { factsOf, registry, withoutAnnotations } from '../iam/registry';

describe('the CloudFormation registry snapshot (shared/iam/cloudformation-registry.json)', () => {
  it('says where it comes from and when AWS published it', () => {
    expect(registry.source).toMatch(/describe-type|as AWS published them/);
    expect(registry.published).toMatch(/^\d{4}-\d{2}/);
    expect(registry.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.keys(registry.types).length).toBeGreaterThanOrEqual(18);
  });

  it('holds, for each type, its handler permissions, its tagging and its property schema', () => {
    for (const [type, facts] of Object.entries(registry.types)) {
      expect({ type, create: facts.handlers.create?.length ?? 0 }).not.toEqual({ type, create: 0 });
      expect(Object.keys(facts.schema.properties).length).toBeGreaterThan(0);
      expect(typeof facts.tagging.taggable).toBe('boolean');
    }
  });
});

describe('factsOf: what the refresh keeps of a published schema', () => {
  const published = {
    typeName: 'AWS::Example::Thing',
    description: 'A thing.',
    properties: {
      Name: { type: 'string', description: 'Its name.', pattern: '^[a-z]+$' },
      description: { type: 'string', description: 'A property that happens to be called description.' },
      Mode: { type: 'string', enum: ['ON', 'OFF'], markdownDescription: '*on* or *off*' },
      Parts: { type: 'array', insertionOrder: false, items: { $ref: '#/definitions/Part' } },
    },
    definitions: { Part: { type: 'object', description: 'A part.', properties: { Id: { type: 'string' } } } },
    required: ['Name'],
    additionalProperties: false,
    readOnlyProperties: ['/properties/Arn'],
    createOnlyProperties: ['/properties/Name'],
    handlers: {
      create: { permissions: ['example:CreateThing', 'example:TagResource'] },
      read: { permissions: ['example:GetThing'] },
      list: { permissions: ['example:ListThings'] },
    },
    tagging: { taggable: true, permissions: ['example:TagResource', 'example:UntagResource'] },
  };

  it('keeps the handlers the policy test needs (not list), tagging, and the validation keywords', () => {
    expect(factsOf(published)).toEqual({
      handlers: { create: ['example:CreateThing', 'example:TagResource'], read: ['example:GetThing'] },
      tagging: { taggable: true, permissions: ['example:TagResource', 'example:UntagResource'] },
      schema: {
        properties: {
          Name: { type: 'string', pattern: '^[a-z]+$' },
          description: { type: 'string' },
          Mode: { type: 'string', enum: ['ON', 'OFF'] },
          Parts: { type: 'array', items: { $ref: '#/definitions/Part' } },
        },
        definitions: { Part: { type: 'object', properties: { Id: { type: 'string' } } } },
        required: ['Name'],
        additionalProperties: false,
        readOnlyProperties: ['/properties/Arn'],
        createOnlyProperties: ['/properties/Name'],
      },
    });
  });

  it('takes a schema without a tagging section as taggable, as the registry does', () => {
    expect(factsOf({ properties: {}, handlers: {} }).tagging).toEqual({ taggable: true });
  });

  it('leaves a value that is not a schema as it is', () => {
    expect(withoutAnnotations('text')).toBe('text');
    expect(withoutAnnotations([{ description: 'kept: not in a schema position' }])).toEqual([
      { description: 'kept: not in a schema position' },
    ]);
  });
});
