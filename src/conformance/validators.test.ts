import { describe, expect, it } from 'vitest';
import { modelFromObject } from '../spec/build-model.js';
import type { SpecModel } from '../spec/model.js';
import { createSpecValidators, type CompiledCheck } from './validators.js';

const schemaOf = (model: SpecModel, name: string) => model.schemas.find((s) => s.name === name)!.schema;
const validate = (c: CompiledCheck, v: unknown, redacted = false) => {
  if (c.kind !== 'ready') throw new Error(`unchecked: ${c.reason}`);
  return c.validate(v, { redacted });
};

const v30 = modelFromObject({
  openapi: '3.0.3',
  info: { title: 't', version: '1' },
  paths: {},
  components: {
    schemas: {
      Node: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/Node' } }, parent: { $ref: '#/components/schemas/Parent' } } },
      Parent: { nullable: true, allOf: [{ $ref: '#/components/schemas/Node' }] },
      Contact: { type: 'object', properties: { email: { type: 'string', format: 'email', maxLength: 20 }, age: { type: 'integer', format: 'int32', nullable: true, minimum: 0, exclusiveMinimum: true }, code: { type: 'string', pattern: '^[A-Z]{3}$' }, kind: { type: 'string', enum: ['a', 'b'], nullable: true } } },
      Evil: { type: 'string', pattern: '^(a+)+(?=b)$' },
      Weird: { type: 'object', required: true, properties: { f: { type: 'file' } } },
    },
  },
});

describe('createSpecValidators', () => {
  const v = createSpecValidators(v30);

  it('compiles cyclic schemas and validates through the cycle', () => {
    const node = v.get(schemaOf(v30, 'Node'));
    expect(validate(node, { name: 'a', children: [{ name: 'b', children: [] }], parent: null })).toBeNull();
    expect(validate(node, { name: 'a', children: [{ children: [] }] })).toEqual({ pointer: '/children/0/name', keyword: 'required', message: 'is required' });
    expect(validate(node, { name: 'a', parent: { name: 1 } })?.pointer).toBe('/parent/name');
  });

  it('reads OpenAPI 3.0 nullable, boolean exclusive bounds and int32', () => {
    const c = v.get(schemaOf(v30, 'Contact'));
    expect(validate(c, { age: null, kind: null })).toBeNull();
    expect(validate(c, { age: 0 })?.keyword).toBe('exclusiveMinimum');
    expect(validate(c, { age: 2 ** 31 })?.keyword).toBe('format');
    expect(validate(c, { kind: 'c' })?.keyword).toBe('enum');
  });

  it('checks formats and patterns, without echoing values', () => {
    const c = v.get(schemaOf(v30, 'Contact'));
    const err = validate(c, { email: 'not-an-address' });
    expect(err).toMatchObject({ pointer: '/email', keyword: 'format' });
    expect(err!.message).not.toContain('not-an-address');
    expect(validate(c, { code: 'abc' })?.keyword).toBe('pattern');
    expect(validate(c, { code: 'ABC' })).toBeNull();
  });

  it('accepts a redaction placeholder where a string or number is expected, only for redacted values', () => {
    const c = v.get(schemaOf(v30, 'Contact'));
    const placeholder = '[REDACTED:email:0123456789abcdef]';
    expect(validate(c, { email: placeholder }, true)).toBeNull();
    expect(validate(c, { age: '[REDACTED:number:0123456789abcdef]' }, true)).toBeNull();
    expect(validate(c, { email: placeholder })).not.toBeNull();
    // Still checks the rest of a redacted body.
    expect(validate(c, { email: placeholder, code: 'abc' }, true)?.pointer).toBe('/code');
    expect(validate(c, { email: '[REDACTED:email] not exactly' }, true)?.pointer).toBe('/email');
  });

  it('does not run unsupported (possibly super-linear) patterns, and skips keywords ajv would refuse', () => {
    expect(validate(v.get(schemaOf(v30, 'Evil')), 'a'.repeat(50) + 'c')).toBeNull();
    expect(validate(v.get(schemaOf(v30, 'Weird')), { f: 'x' })).toBeNull();
  });

  it('uses 2020-12 for OpenAPI 3.1 (type lists, prefixItems)', () => {
    const m = modelFromObject({
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {},
      components: { schemas: { T: { type: ['string', 'null'] }, P: { type: 'array', prefixItems: [{ type: 'integer' }], items: false } } },
    });
    const v31 = createSpecValidators(m);
    expect(validate(v31.get(schemaOf(m, 'T')), null)).toBeNull();
    expect(validate(v31.get(schemaOf(m, 'T')), 1)?.keyword).toBe('type');
    expect(validate(v31.get(schemaOf(m, 'P')), [1])).toBeNull();
    expect(validate(v31.get(schemaOf(m, 'P')), [1, 2])).not.toBeNull();
  });

  it('keeps a bounded cache', () => {
    const small = createSpecValidators(v30, { maxCached: 2 });
    for (const s of v30.schemas) small.get(s.schema);
    expect(small.stats().cached).toBe(2);
  });
});
