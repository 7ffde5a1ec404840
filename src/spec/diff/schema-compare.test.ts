import { describe, expect, it } from 'vitest';
import { modelFromObject } from '../build-model.js';
import type { SchemaNode } from '../model.js';
import { compareSchemas, MAX_DEPTH, MAX_PAIRS, type Direction } from './schema-compare.js';

/** The named schemas of a tiny document, as model nodes (cycles are real object cycles). */
function schemas(defs: Record<string, unknown>, openapi = '3.0.3'): Record<string, SchemaNode> {
  const model = modelFromObject({ openapi, info: { title: 't', version: '1' }, paths: {}, components: { schemas: defs } });
  return Object.fromEntries(model.schemas.map((s) => [s.name, s.schema]));
}

/** Compares `S` of two documents; the deltas as `kind path: detail`. */
function diff(old: Record<string, unknown>, next: Record<string, unknown>, direction: Direction, openapi = '3.0.3'): string[] {
  return compareSchemas(schemas(old, openapi).S!, schemas(next, openapi).S!, direction).map((d) => `${d.kind} ${d.path}: ${d.detail}`);
}

describe('compareSchemas', () => {
  it('reads types from the client side: narrowing breaks requests, widening breaks responses', () => {
    expect(diff({ S: { type: 'number' } }, { S: { type: 'integer' } }, 'request')).toEqual(['type : number -> integer']);
    expect(diff({ S: { type: 'number' } }, { S: { type: 'integer' } }, 'response')).toEqual([]);
    expect(diff({ S: { type: 'integer' } }, { S: { type: 'number' } }, 'request')).toEqual([]);
    expect(diff({ S: { type: 'integer' } }, { S: { type: 'number' } }, 'response')).toEqual(['type : integer -> number']);
    expect(diff({ S: { type: 'string', nullable: true } }, { S: { type: 'string' } }, 'request')).toEqual(['type : string | null -> string']);
    // An untyped schema is not compared (a composition being refactored).
    expect(diff({ S: { type: 'string' } }, { S: { description: 'anything' } }, 'request')).toEqual([]);
  });

  it('finds tightened bounds, in both exclusive styles', () => {
    expect(diff({ S: { type: 'integer', maximum: 10 } }, { S: { type: 'integer', maximum: 10, exclusiveMaximum: true } }, 'request')).toEqual(['constraint : maximum lowered from 10 to <10']);
    expect(diff({ S: { type: 'integer', maximum: 10 } }, { S: { type: 'integer', exclusiveMaximum: 10 } }, 'request', '3.1.0')).toEqual(['constraint : maximum lowered from 10 to <10']);
    expect(diff({ S: { type: 'integer', minimum: 0 } }, { S: { type: 'integer', exclusiveMinimum: -1 } }, 'request', '3.1.0')).toEqual([]);
    expect(diff({ S: { type: 'number', multipleOf: 2 } }, { S: { type: 'number', multipleOf: 4 } }, 'request')).toEqual(['constraint : multipleOf changed from 2 to 4']);
    expect(diff({ S: { type: 'number', multipleOf: 4 } }, { S: { type: 'number', multipleOf: 2 } }, 'request')).toEqual([]);
    expect(diff({ S: { type: 'integer', format: 'int64' } }, { S: { type: 'integer', format: 'int32' } }, 'request')).toEqual(['constraint : format narrowed from int64 to int32']);
    expect(diff({ S: { type: 'integer' } }, { S: { type: 'integer', format: 'int64' } }, 'request')).toEqual([]);
    expect(diff({ S: { type: 'string' } }, { S: { type: 'string', minLength: 0 } }, 'request')).toEqual([]);
    expect(diff({ S: { type: 'string' } }, { S: { type: 'string', format: 'email' } }, 'request')).toEqual(['constraint : format email added']);
    expect(diff({ S: { type: 'object' } }, { S: { type: 'object', additionalProperties: false } }, 'request')).toEqual(['constraint : unknown properties no longer accepted (additionalProperties: false)']);
    // Responses: bounds are the server's business.
    expect(diff({ S: { type: 'string', maxLength: 10 } }, { S: { type: 'string', maxLength: 5 } }, 'response')).toEqual([]);
  });

  it('merges allOf members: moving properties into an allOf is no change, a bound in a member still counts', () => {
    const flat = { S: { type: 'object', required: ['a'], properties: { a: { type: 'string', maxLength: 5 }, b: { type: 'integer' } } } };
    const composed = {
      S: { allOf: [{ $ref: '#/components/schemas/A' }, { type: 'object', properties: { b: { type: 'integer' } } }] },
      A: { type: 'object', required: ['a'], properties: { a: { type: 'string', maxLength: 5 } } },
    };
    for (const direction of ['request', 'response'] as const) {
      expect(diff(flat, composed, direction)).toEqual([]);
      expect(diff(composed, flat, direction)).toEqual([]);
    }
    expect(diff({ S: { type: 'string' } }, { S: { allOf: [{ type: 'string' }, { maxLength: 3 }] } }, 'request')).toEqual(['constraint : maxLength 3 added']);
  });

  it('pairs oneOf alternatives by component name, whatever their order', () => {
    const old = { S: { oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }] }, Cat: { type: 'object', properties: { meow: { type: 'string' } } }, Dog: { type: 'object', properties: { bark: { type: 'string' } } } };
    const next = { S: { oneOf: [{ $ref: '#/components/schemas/Dog' }, { $ref: '#/components/schemas/Cat' }] }, Cat: { type: 'object', properties: { meow: { type: 'string' } } }, Dog: { type: 'object', properties: {} } };
    expect(diff(old, next, 'response')).toEqual(['property-removed bark: removed']);
  });

  it('terminates on a recursive schema and reports a change inside the cycle once', () => {
    const tree = (extra: Record<string, unknown>) => ({ S: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/S' } }, ...extra } } });
    expect(diff(tree({}), tree({}), 'response')).toEqual([]);
    expect(diff(tree({ size: { type: 'integer' } }), tree({}), 'response')).toEqual(['property-removed size: removed']);
  });

  it('terminates when the old and new cycles have different lengths, comparing each (old, new) pair once', () => {
    // Old: A -> B -> A. New: A -> B -> C -> A. The pairs walked are (A,A) (B,B) (A,C) (B,A) (A,B) (B,C): bounded by 2 x 3.
    const old = { S: { $ref: '#/components/schemas/A' }, A: { type: 'object', properties: { next: { $ref: '#/components/schemas/B' } } }, B: { type: 'object', properties: { next: { $ref: '#/components/schemas/A' } } } };
    const next = {
      S: { $ref: '#/components/schemas/A' },
      A: { type: 'object', properties: { next: { $ref: '#/components/schemas/B' } } },
      B: { type: 'object', properties: { next: { $ref: '#/components/schemas/C' } } },
      C: { type: 'object', properties: { next: { $ref: '#/components/schemas/A' } }, required: ['next'] },
    };
    expect(diff(old, next, 'request')).toEqual(['required-added next.next.next: now required']);
    expect(diff(old, next, 'response')).toEqual([]);
  });

  it('stops at MAX_DEPTH on two cycles of coprime lengths, and says so', () => {
    const ring = (n: number) => {
      const defs: Record<string, unknown> = { S: { $ref: '#/components/schemas/N0' } };
      for (let i = 0; i < n; i++) defs[`N${i}`] = { type: 'object', properties: { next: { $ref: `#/components/schemas/N${(i + 1) % n}` } } };
      return defs;
    };
    // The pairs (N0, M0), (N1, M1)… repeat only after 150 x 151 steps: the depth bound cuts first.
    expect(diff(ring(150), ring(151), 'response')).toEqual([`truncated ${Array(MAX_DEPTH + 1).fill('next').join('.')}: nested more than ${MAX_DEPTH} levels deep`]);
    expect(diff(ring(20), ring(20), 'response')).toEqual([]);
  });

  it('stops at MAX_PAIRS on wide schemas, and says so', () => {
    // Hand-built nodes: an object with `width` properties, each an object with `width` properties.
    const node = (pointer: string, children: SchemaNode['children'] = []): SchemaNode => ({ pointer, refName: null, raw: { type: 'object' }, types: ['object'], format: null, children });
    const wide = (width: number) =>
      node('/S', Array.from({ length: width }, (_, i) => ({ via: `properties/p${i}`, schema: node(`/S/properties/p${i}`, Array.from({ length: width }, (_, j) => ({ via: `properties/q${j}`, schema: node(`/S/properties/p${i}/properties/q${j}`) }))) })));
    expect(1 + 150 + 150 * 150).toBeGreaterThan(MAX_PAIRS);
    const deltas = compareSchemas(wide(150), wide(150), 'response');
    expect(deltas.map((d) => `${d.kind}: ${d.detail}`)).toEqual([`truncated: more than ${MAX_PAIRS} schema pairs`]);
    expect(compareSchemas(wide(100), wide(100), 'response')).toEqual([]);
  });
});
