import { describe, expect, it } from 'vitest';
import { customRule, fieldValue, type CustomRuleDef } from './custom-rule.js';
import { sampleModel } from './report/fixtures/sample.js';

const model = sampleModel();
const base = { title: 'T', severity: 'medium', owasp: 'API8:2023', cwe: 'CWE-20', remediation: 'Fix it.' } as const;
const hits = (def: Omit<CustomRuleDef, keyof typeof base | 'id'>) => [...customRule({ id: 'spec-custom-t', ...base, ...def }).check(model)];

describe('custom rules', () => {
  it('checks operations: where path matches, then security exists', () => {
    expect(hits({ given: 'operations', where: { field: 'path', matches: '^/pets' }, then: { field: 'security', exists: true } })).toEqual([
      { pointer: '/paths/~1pets/get', message: 'T: GET /pets' },
    ]);
    // A where that selects nothing finds nothing.
    expect(hits({ given: 'operations', where: { field: 'path', matches: '^/admin' }, then: { field: 'security', exists: true } })).toEqual([]);
  });

  it('reads extensions and lists: absent, equals, in, notEquals, notMatches', () => {
    expect(hits({ given: 'operations', then: { field: 'extensions.x-internal', absent: true } }).map((h) => h.pointer)).toEqual(['/paths/~1pets/get']);
    expect(hits({ given: 'operations', then: { field: 'method', in: ['get', 'post'] } }).map((h) => h.pointer)).toEqual(['/paths/~1pets~1{id}/delete']);
    expect(hits({ given: 'operations', where: { field: 'method', equals: 'delete' }, then: { field: 'responses.status', equals: 200 } })).toHaveLength(1);
    expect(hits({ given: 'operations', where: { field: 'method', equals: 'delete' }, then: { field: 'responses.status', equals: '204' } })).toHaveLength(0);
    expect(hits({ given: 'operations', then: { field: 'tags', notEquals: 'pets' } }).map((h) => h.pointer)).toEqual(['/paths/~1pets/get']);
    expect(hits({ given: 'servers', then: { field: 'url', notMatches: '^http://' } })).toEqual([{ pointer: '/servers/0', message: 'T: server http://api.example.com/v1' }]);
  });

  it('checks parameters with their schema and operation, and renders {{fields}} in the message', () => {
    expect(
      hits({ given: 'parameters', where: { field: 'in', equals: 'path' }, then: { field: 'schema.maxLength', exists: true }, message: '{{name}} in {{operation.method}} {{operation.path}} ({{label}}) {{nope}}' }),
    ).toEqual([{ pointer: '/paths/~1pets~1{id}/delete/parameters/0', message: 'id in delete /pets/{id} (path parameter "id" of DELETE /pets/{id}) ' }]);
  });

  it('checks every schema with its keywords and property name', () => {
    expect(hits({ given: 'schemas', where: { field: 'type', equals: 'string' }, then: { field: 'maxLength', exists: true }, message: '{{property}}' })).toEqual([
      { pointer: '/components/schemas/Pet/properties/name', message: 'name' },
    ]);
    expect(hits({ given: 'schemas', where: { field: 'name', equals: 'Pet' }, then: { field: 'additionalProperties', equals: false } })).toEqual([
      { pointer: '/components/schemas/Pet', message: 'T: schema Pet' },
    ]);
  });

  it('checks security schemes, responses and the document', () => {
    expect(hits({ given: 'securitySchemes', then: { field: 'in', notEquals: 'query' } })).toEqual([{ pointer: '/components/securitySchemes/key', message: 'T: security scheme "key"' }]);
    expect(hits({ given: 'responses', where: { field: 'operation.method', equals: 'delete' }, then: { field: 'contentTypes', exists: true } })).toEqual([
      { pointer: '/paths/~1pets~1{id}/delete/responses/204', message: 'T: response 204 of DELETE /pets/{id}' },
    ]);
    expect(hits({ given: 'document', then: [{ field: 'info.title', exists: true }, { field: 'info.contact.email', exists: true }] })).toEqual([{ pointer: '', message: 'T: the document' }]);
    expect(hits({ given: 'document', then: { field: 'info.title', equals: 'Pets' } })).toEqual([]);
  });

  it('reports one place once, however many operations share it', () => {
    // The document's server is also each operation's server: one element, one finding.
    expect(model.operations.every((op) => op.servers[0]?.pointer === '/servers/0')).toBe(true);
    expect(hits({ given: 'servers', then: { field: 'url', matches: '^https://' } })).toHaveLength(1);
  });

  it('does not read inherited properties', () => {
    expect(fieldValue({ a: {} }, 'a.constructor')).toBeUndefined();
    expect(fieldValue({ a: {} }, 'a.__proto__')).toBeUndefined();
    expect(fieldValue({ a: [{ b: 1 }, { b: 2 }, {}] }, 'a.b')).toEqual([1, 2]);
    expect(fieldValue({ a: [{ b: 1 }, { b: 2 }] }, 'a.1.b')).toBe(2);
  });

  it('runs a pattern on a long value in linear time', () => {
    const m = sampleModel();
    m.operations[0]!.description = 'a'.repeat(200_000) + '!';
    const rule = customRule({ id: 'spec-custom-t', ...base, given: 'operations', then: { field: 'description', notMatches: '^(a|aa)+$' } });
    const started = performance.now();
    expect([...rule.check(m)]).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
