import { describe, expect, it } from 'vitest';
import { modelFromObject } from '../build-model.js';
import { createDiffContext, normalizePath, templateVariables } from './context.js';
import { changeFingerprint, DIFF_RULE_ERROR_ID, diffSpecs } from './diff.js';
import { api, op, ptr, type Doc } from './fixtures/cases.js';
import { gateSpecDiff, parseFailOn } from './gate.js';
import { DIFF_RULES } from './registry.js';
import type { DiffRule } from './rule.js';

const models = (old: Doc, next: Doc) => [modelFromObject(old, 'old.yaml'), modelFromObject(next, 'new.yaml')] as const;

/** v1 -> v2 of the shop: one breaking change, one security change and one other change at least. */
const v2 = () =>
  api((d) => {
    delete d.paths['/items/{id}'].delete;
    d.paths['/items/{id}'].get.security = [];
    d.paths['/items'].get.deprecated = true;
    delete d.components.schemas.User.properties.displayName;
  });

describe('diffSpecs', () => {
  it('returns changes sorted by kind, then severity, each located in the old or the new spec', () => {
    const changes = diffSpecs(...models(api(), v2()));
    expect(changes.map((c) => `${c.kind} ${c.severity} ${c.ruleId} ${c.side}`)).toEqual([
      'breaking high diff-operation-removed old',
      'breaking medium diff-response-property-removed old',
      'security high diff-security-removed new',
      'non-breaking info diff-deprecation-added new',
    ]);
    const removed = changes[0]!;
    expect(removed).toMatchObject({ message: 'DELETE /items/{id}: operation removed', operations: ['DELETE /items/{id}'], location: { file: 'old.yaml', pointer: op('/items/{id}', 'delete') } });
    expect(removed.location.line).toBeGreaterThan(0);
    expect(removed.remediation).toBe(DIFF_RULES.find((r) => r.id === 'diff-operation-removed')!.remediation);
  });

  it('reports a change in a shared (and recursive) component once, listing every operation it affects', () => {
    const changes = diffSpecs(...models(api(), v2())).filter((c) => c.ruleId === 'diff-response-property-removed');
    expect(changes).toHaveLength(1);
    expect(changes[0]!.operations).toEqual(['GET /items', 'POST /items', 'GET /items/{id}']);
    expect(changes[0]!.message).toBe('GET /items (and 2 more operations): response 200 (application/json) field "[].owner.displayName" removed');
    expect(changes[0]!.location.pointer).toBe(ptr('components', 'schemas', 'User', 'properties', 'displayName'));
  });

  it('gives each change a fingerprint that is stable across runs and depends on rule, side, place and subject', () => {
    const a = diffSpecs(...models(api(), v2()));
    const b = diffSpecs(...models(api(), v2()));
    expect(a.map((c) => c.fingerprint)).toEqual(b.map((c) => c.fingerprint));
    expect(new Set(a.map((c) => c.fingerprint)).size).toBe(a.length);
    expect(a[0]!.fingerprint).toBe(changeFingerprint('diff-operation-removed', 'old', op('/items/{id}', 'delete'), 'operation removed'));
    expect(changeFingerprint('r', 'old', '/p', 'k')).not.toBe(changeFingerprint('r', 'new', '/p', 'k'));
  });

  it('turns a rule that throws, or yields a malformed hit, into one diff-rule-error change, and goes on', () => {
    const boom: DiffRule = { ...DIFF_RULES[0]!, id: 'diff-test-boom', *check() { yield { side: 'new', pointer: '/info', message: 'found before failing' }; throw new Error('kaput\nstack'); } };
    const bad: DiffRule = { ...DIFF_RULES[0]!, id: 'diff-test-bad', *check() { yield { side: 'sideways', pointer: '/info', message: 'x' } as never; } };
    const changes = diffSpecs(...models(api(), v2()), [boom, bad, ...DIFF_RULES]);
    const errors = changes.filter((c) => c.ruleId === DIFF_RULE_ERROR_ID);
    expect(errors.map((c) => c.message).sort()).toEqual(['rule diff-test-bad failed: the rule yielded a malformed hit (side must be "old" or "new", pointer and message strings)', 'rule diff-test-boom failed: kaput'].sort());
    expect(errors.every((c) => c.kind === 'non-breaking' && c.severity === 'info')).toBe(true);
    expect(changes.some((c) => c.ruleId === 'diff-test-boom' && c.message === 'found before failing')).toBe(true);
    expect(changes.filter((c) => c.ruleId === 'diff-operation-removed')).toHaveLength(1);
  });

  it('compares a Swagger 2.0 spec with its OpenAPI 3.0 translation as the same API', () => {
    const swagger = {
      swagger: '2.0',
      info: { title: 'Pets', version: '1' },
      host: 'api.pets.example',
      basePath: '/v1',
      schemes: ['https'],
      securityDefinitions: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } },
      security: [{ key: [] }],
      paths: {
        '/pets/{petId}': {
          get: {
            parameters: [{ name: 'petId', in: 'path', required: true, type: 'string', maxLength: 36 }, { name: 'fields', in: 'query', type: 'string' }],
            responses: { '200': { description: 'ok', schema: { $ref: '#/definitions/Pet' } } },
          },
        },
      },
      definitions: { Pet: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, name: { type: 'string', 'x-nullable': true } } } },
    };
    const openapi = {
      openapi: '3.0.3',
      info: { title: 'Pets', version: '2' },
      servers: [{ url: 'https://api.pets.example/v1' }],
      components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } }, schemas: { Pet: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, name: { type: 'string', nullable: true } } } } },
      security: [{ key: [] }],
      paths: {
        '/pets/{id}': {
          get: {
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 36 } }, { name: 'fields', in: 'query', schema: { type: 'string' } }],
            responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } } },
          },
        },
      },
    };
    expect(diffSpecs(...models(swagger, openapi)).map((c) => c.message)).toEqual([]);
    const tightened = structuredClone(openapi);
    tightened.paths['/pets/{id}'].get.parameters[0]!.schema.maxLength = 24;
    expect(diffSpecs(...models(swagger, tightened)).map((c) => c.message)).toEqual(['GET /pets/{id}: path parameter "id": maxLength lowered from 36 to 24']);
  });
});

describe('operation matching', () => {
  it('ignores path parameter names, and reads templates with a linear scan', () => {
    expect(normalizePath('/users/{id}/keys/{keyId}')).toBe('/users/{}/keys/{}');
    expect(normalizePath('/files/{name')).toBe('/files/{name');
    expect(templateVariables('/a/{x}/b/{y}')).toEqual(['x', 'y']);
    expect(normalizePath('{'.repeat(50_000))).toHaveLength(50_000);
  });

  it('pairs exact paths first, so a spec with both /a/{x} and /a/{y} pairs each with its namesake', () => {
    const doc = (paths: string[]) => ({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: Object.fromEntries(paths.map((p) => [p, { get: { responses: { '200': { description: p } } } }])) });
    const ctx = createDiffContext(modelFromObject(doc(['/a/{x}', '/a/{y}'])), modelFromObject(doc(['/a/{y}', '/a/{x}'])));
    expect(ctx.pairs.map((p) => `${p.old.path} -> ${p.next.path}`)).toEqual(['/a/{y} -> /a/{y}', '/a/{x} -> /a/{x}']);
    const renamed = createDiffContext(modelFromObject(doc(['/a/{x}', '/b'])), modelFromObject(doc(['/a/{id}', '/c'])));
    expect(renamed.pairs.map((p) => `${p.old.path} -> ${p.next.path}`)).toEqual(['/a/{x} -> /a/{id}']);
    expect(renamed.added.map((o) => o.path)).toEqual(['/c']);
    expect(renamed.removed.map((o) => o.path)).toEqual(['/b']);
  });
});

describe('the --fail-on gate', () => {
  const changes = diffSpecs(...models(api(), v2()));
  it('parses kinds and none, and refuses anything else', () => {
    expect(parseFailOn('breaking,security')).toEqual(['breaking', 'security']);
    expect(parseFailOn(' Security , breaking ')).toEqual(['breaking', 'security']);
    expect(parseFailOn('none')).toEqual([]);
    for (const bad of ['', 'all', 'breaking,none', 'high']) expect(() => parseFailOn(bad), bad).toThrow(/--fail-on must be/);
  });
  it('fails on the kinds asked for, and says how many', () => {
    expect(gateSpecDiff(changes, ['breaking', 'security'])).toEqual({ failed: true, reasons: ['2 breaking changes', '1 security change'] });
    expect(gateSpecDiff(changes, ['security'])).toEqual({ failed: true, reasons: ['1 security change'] });
    expect(gateSpecDiff(changes.filter((c) => c.kind === 'non-breaking'), ['breaking', 'security'])).toEqual({ failed: false, reasons: [] });
    expect(gateSpecDiff(changes, [])).toEqual({ failed: false, reasons: [] });
  });
});
