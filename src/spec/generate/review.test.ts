import { describe, expect, it } from 'vitest';
import { DomainError } from '../../errors/domain-errors.js';
import { endpoint } from './fixtures/endpoints.js';
import { applyReview, normalizeDecisions, type ReviewOutcome } from './review.js';
import type { SpecReviewDecision } from '../../contracts/spec-generate.js';

const me = endpoint({ template: '/users/me', calls: 50 });
const byId = endpoint({ template: '/users/{id}', calls: 500, params: [['request', 'path', 'id', { integer: 100 }]] });
const delById = endpoint({ method: 'DELETE', template: '/users/{user_id}', calls: 5 });
const files = endpoint({ template: '/files/{name}', calls: 80 });
const exportFile = endpoint({ template: '/files/export', calls: 3, host: 'other.shop.example' });
const ax = endpoint({ template: '/a/{x}/b', calls: 10 });
const ay = endpoint({ template: '/a/{y}/b', calls: 20, host: 'b.shop.example' });
const all = [me, byId, delById, files, ax, ay];

const run = (decisions: SpecReviewDecision[], endpoints = all) => applyReview(endpoints, normalizeDecisions(decisions));
const ops = (r: ReviewOutcome) => r.operations.map((o) => `${o.method} ${o.template}`);

function problemsOf(decisions: SpecReviewDecision[], endpoints = all): string[] {
  try {
    run(decisions, endpoints);
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('invalid_input');
    return ((err as DomainError).details as { problems: string[] }).problems;
  }
  throw new Error('expected the review to be refused');
}

describe('applyReview', () => {
  it('accepts every endpoint by default; templates of one shape share parameter names across methods (the most called wins)', () => {
    const r = run([]);
    expect(ops(r)).toEqual(['GET /a/{y}/b', 'GET /files/{name}', 'GET /users/me', 'DELETE /users/{id}', 'GET /users/{id}']);
    expect(r.counts).toEqual({ endpoints: 6, skipped: 0, merged: 1, split: 0 });
    // Two hosts' /a/{x}/b and /a/{y}/b are one OpenAPI path: one operation with both sources.
    expect(new Set(r.operations[0]!.sources.map((s) => s.endpoint.id))).toEqual(new Set([ax.id, ay.id]));
    expect(r.operations[0]!.sources.find((s) => s.endpoint.id === ax.id)!.pathNames).toEqual(new Map([['x', 'y']]));
    const del = r.operations.find((o) => o.method === 'DELETE')!;
    expect(del.sources[0]!.pathNames).toEqual(new Map([['user_id', 'id']]));
  });

  it('skips', () => {
    const r = run([{ id: me.id, action: 'skip' }, { id: files.id, action: 'skip' }]);
    expect(ops(r)).not.toContain('GET /users/me');
    expect(r.counts.skipped).toBe(2);
  });

  it('renames a path parameter, for every method of the path', () => {
    const r = run([{ id: byId.id, rename: { id: 'userId' } }]);
    expect(ops(r)).toEqual(expect.arrayContaining(['GET /users/{userId}', 'DELETE /users/{userId}']));
    const get = r.operations.find((o) => o.template === '/users/{userId}' && o.method === 'GET')!;
    expect(get.sources[0]!.pathNames).toEqual(new Map([['id', 'userId']]));
  });

  it('merges /users/me into /users/{userId}: the static segment becomes the parameter', () => {
    const r = run([
      { id: byId.id, rename: { id: 'userId' } },
      { id: me.id, mergeInto: byId.id },
    ]);
    const get = r.operations.find((o) => o.method === 'GET' && o.template === '/users/{userId}')!;
    expect(get.sources.map((s) => s.endpoint.id)).toEqual([byId.id, me.id]);
    expect(get.sources[1]!.pathNames.size).toBe(0);
    expect(ops(r)).not.toContain('GET /users/me');
    expect(r.counts.merged).toBe(2);
  });

  it('merges along a chain, and names the parameter as the final target does', () => {
    const c = endpoint({ template: '/a/{z}/b', calls: 1, host: 'c.shop.example' });
    const r = run([{ id: c.id, mergeInto: ax.id }, { id: ax.id, mergeInto: ay.id }], [ax, ay, c]);
    expect(ops(r)).toEqual(['GET /a/{y}/b']);
    expect(r.operations[0]!.sources.map((s) => [s.endpoint.id, [...s.pathNames]])).toEqual([
      [ay.id, [['y', 'y']]],
      [ax.id, [['x', 'y']]],
      [c.id, [['z', 'y']]],
    ]);
  });

  it('splits a template into concrete ones, keeping it only when listed', () => {
    const kept = run([{ id: files.id, split: ['/files/export', '/files/import', '/files/{name}'] }], [files]);
    expect(ops(kept)).toEqual(['GET /files/export', 'GET /files/import', 'GET /files/{name}']);
    expect(kept.counts.split).toBe(2);
    const exp = kept.operations[0]!;
    expect(exp.splitFrom).toBe(files.id);
    expect(exp.sources[0]!.removed).toEqual(new Set(['name']));
    const dropped = run([{ id: files.id, split: ['/files/export'] }], [files]);
    expect(ops(dropped)).toEqual(['GET /files/export']);
  });

  it('warns about decisions for endpoints outside the selection', () => {
    const r = run([{ id: '0123456789abcdef', method: 'GET', host: 'gone.example', template: '/old', action: 'skip' }]);
    expect(r.warnings).toEqual(['the review names endpoint 0123456789abcdef (GET gone.example/old), which is not in the selection: its decision is ignored']);
  });

  it.each<[string, SpecReviewDecision[], RegExp]>([
    ['an unknown parameter', [{ id: byId.id, rename: { userId: 'uid' } }], /rename: no path parameter "userId" \(it has "id"\)/],
    ['two parameters with one name', [{ id: ax.id, rename: { x: 'y' } }, { id: ay.id, rename: { y: 'x' } }], /one OpenAPI path with different names/],
    ['a merge that fixes a parameter', [{ id: byId.id, mergeInto: me.id }], /would become the fixed "me"; merge the other way round, or split/],
    ['a merge across methods', [{ id: delById.id, mergeInto: byId.id }], /the methods differ/],
    ['a merge into a skipped endpoint', [{ id: me.id, mergeInto: byId.id }, { id: byId.id, action: 'skip' }], /which is skipped/],
    ['a merge into an unknown endpoint', [{ id: me.id, mergeInto: '0123456789abcdef' }], /which is not in the selection/],
    ['a merge into itself', [{ id: me.id, mergeInto: me.id }], /cycle/],
    ['a merge cycle', [{ id: ax.id, mergeInto: ay.id }, { id: ay.id, mergeInto: ax.id }], /mergeInto forms a cycle/],
    ['a merge of another shape', [{ id: files.id, mergeInto: byId.id }], /segment 1 differs/],
    ['a skip with other decisions', [{ id: me.id, action: 'skip', rename: { a: 'b' } }], /is skipped and has other decisions too/],
    ['merge and split together', [{ id: me.id, mergeInto: byId.id, split: ['/users/me'] }], /both mergeInto and split/],
    ['a split that generalises', [{ id: me.id, split: ['/users/{x}'] }], /a split may only fix parameters to values/],
    ['a split of another shape', [{ id: files.id, split: ['/docs/export'] }], /is not a form of \/files\/\{name\}/],
    ['a split onto a discovered endpoint', [{ id: files.id, split: ['/files/export', '/files/{name}'] }], /is also discovered as endpoint/],
    ['a decision twice', [{ id: me.id }, { id: me.id }], /has more than one decision/],
  ])('refuses %s', (_what, decisions, message) => {
    const problems = problemsOf(decisions, [...all, exportFile]);
    expect(problems.join('\n')).toMatch(message);
  });

  it('reports every problem at once, the first three in the message', () => {
    try {
      run([
        { id: byId.id, rename: { nope: 'a' } },
        { id: me.id, mergeInto: '0123456789abcdef' },
        { id: files.id, split: ['/x/y'] },
        { id: ax.id, mergeInto: delById.id },
      ]);
      throw new Error('not refused');
    } catch (err) {
      const e = err as DomainError;
      expect((e.details as { problems: string[] }).problems).toHaveLength(4);
      expect(e.message).toMatch(/^review: 4 problems: .+; .+; .+; …$/);
    }
  });
});
