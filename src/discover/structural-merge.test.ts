import { describe, expect, it } from 'vitest';
import { createStructuralRewriter, findStructuralMerges, type SiblingCandidate } from './structural-merge.js';

const leaf = (template: string, shape: string | null, extra: Partial<SiblingCandidate> = {}): SiblingCandidate => ({
  host: 'api.example',
  method: 'GET',
  template,
  shape,
  hasChildren: false,
  ...extra,
});

const slugs = ['tents', 'backpacks', 'stoves', 'gloves', 'hats', 'socks', 'kayaks', 'paddles', 'helmets'];

describe('findStructuralMerges', () => {
  it('merges enough sibling leaves with one response structure into a parameter', () => {
    const merges = findStructuralMerges([...slugs.map((s) => leaf(`/v1/categories/${s}`, '/id,/name,/products')), leaf('/v1/categories/featured', '/banner,/items')]);
    expect(merges).toHaveLength(1);
    expect(merges[0]).toMatchObject({ parent: '/v1/categories', param: 'category', keep: ['featured'] });
    expect(merges[0]!.literals).toHaveLength(slugs.length);
    expect(merges[0]!.evidence).toMatch(/9 sibling paths with the same response structure/);
  });

  it.each([
    ['too few siblings', slugs.slice(0, 7).map((s) => leaf(`/v1/categories/${s}`, '/id,/name'))],
    ['different structures', slugs.map((s, i) => leaf(`/v1/categories/${s}`, `/f${i}`))],
    ['no analysed response body', slugs.map((s) => leaf(`/v1/categories/${s}`, null))],
    ['siblings with sub-paths of their own', slugs.map((s) => leaf(`/v1/${s}`, '/id', { hasChildren: true }))],
    ['different methods', slugs.map((s, i) => leaf(`/v1/categories/${s}`, '/id', { method: i % 2 ? 'GET' : 'POST' }))],
  ])('does not merge: %s', (_name, candidates) => {
    expect(findStructuralMerges(candidates)).toEqual([]);
  });
});

describe('createStructuralRewriter', () => {
  const [merge] = findStructuralMerges([...slugs.map((s) => leaf(`/v1/categories/${s}`, '/id,/name')), leaf('/v1/categories/featured', '/banner')]);
  const r = createStructuralRewriter([merge!]);

  it('rewrites merged and new literals and typed parameters at the position, keeps static siblings', () => {
    expect(r.rewrite('api.example', 'GET', '/v1/categories/tents')).toBe('/v1/categories/{category}');
    expect(r.rewrite('api.example', 'GET', '/v1/categories/ski-touring')).toBe('/v1/categories/{category}');
    expect(r.rewrite('api.example', 'GET', '/v1/categories/{category_id}')).toBe('/v1/categories/{category}');
    expect(r.rewrite('api.example', 'GET', '/v1/categories/featured')).toBe('/v1/categories/featured');
  });

  it('leaves other hosts, methods, parents and depths alone', () => {
    expect(r.rewrite('other.example', 'GET', '/v1/categories/tents')).toBe('/v1/categories/tents');
    expect(r.rewrite('api.example', 'DELETE', '/v1/categories/tents')).toBe('/v1/categories/tents');
    expect(r.rewrite('api.example', 'GET', '/v1/categories/tents/products')).toBe('/v1/categories/tents/products');
  });

  it('round-trips through its JSON form (persisted in store metadata)', () => {
    const again = createStructuralRewriter(JSON.parse(JSON.stringify(r.merges())));
    expect(again.rewrite('api.example', 'GET', '/v1/categories/hats')).toBe('/v1/categories/{category}');
    expect(again.evidenceFor('api.example', 'GET', '/v1/categories/{category}')).toMatch(/sibling paths/);
  });
});
