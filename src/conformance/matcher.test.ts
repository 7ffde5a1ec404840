import { describe, expect, it } from 'vitest';
import { modelFromObject } from '../spec/build-model.js';
import { createOperationMatcher, type MatchResult } from './matcher.js';
import { eventOf } from './test-helpers.js';

const ok = { responses: { '200': { description: 'ok' } } };
const shop = modelFromObject({
  openapi: '3.0.3',
  info: { title: 'shop', version: '1' },
  servers: [{ url: 'https://api.shop.test/v1' }],
  paths: {
    '/users/{id}': { get: { operationId: 'getUser', ...ok }, delete: { operationId: 'deleteUser', ...ok } },
    '/users/me': { get: { operationId: 'getMe', ...ok } },
    '/users/{id}/orders/{orderId}': { get: { operationId: 'getOrder', ...ok } },
    '/files/{name}.json': { get: { operationId: 'getJsonFile', ...ok } },
    '/files/{name}': { get: { operationId: 'getFile', ...ok } },
    '/users/{id}/avatar': { get: { operationId: 'getAvatar', ...ok } },
  },
});
const internal = modelFromObject({
  openapi: '3.1.0',
  info: { title: 'internal', version: '1' },
  servers: [{ url: '/internal' }],
  paths: { '/health': { get: { operationId: 'health', ...ok } } },
});
const regional = modelFromObject({
  openapi: '3.0.3',
  info: { title: 'regional', version: '1' },
  servers: [{ url: 'https://{region}.shop.test/{version}', variables: { region: { default: 'eu' }, version: { default: 'v2' } } }],
  paths: { '/stock': { get: { operationId: 'stock', ...ok } } },
});

const m = createOperationMatcher([
  { specId: 'shop', version: 1, model: shop },
  { specId: 'internal', version: 4, model: internal },
  { specId: 'regional', version: 2, model: regional },
]);
const id = (r: MatchResult) => (r.kind === 'match' ? r.operation.operationId : 'shadow');

describe('createOperationMatcher', () => {
  it('matches templates and extracts decoded path parameters', () => {
    const r = m.match(eventOf('GET', 'https://api.shop.test/v1/users/42/orders/a%20b'));
    expect(id(r)).toBe('getOrder');
    expect(r.kind === 'match' && r.pathParams).toEqual({ id: '42', orderId: 'a b' });
    expect(r.kind === 'match' && [r.specId, r.version]).toEqual(['shop', 1]);
  });

  it('prefers literal segments to parameters, and backtracks when a literal branch dead-ends', () => {
    expect(id(m.match(eventOf('GET', 'https://api.shop.test/v1/users/me')))).toBe('getMe');
    expect(id(m.match(eventOf('GET', 'https://api.shop.test/v1/users/7')))).toBe('getUser');
    // `me` has a literal node but no `avatar` under it: falls back to {id}.
    expect(id(m.match(eventOf('GET', 'https://api.shop.test/v1/users/me/avatar')))).toBe('getAvatar');
  });

  it('matches mixed segments before whole-segment parameters', () => {
    const r = m.match(eventOf('GET', 'https://api.shop.test/v1/files/report.json'));
    expect(id(r)).toBe('getJsonFile');
    expect(r.kind === 'match' && r.pathParams).toEqual({ name: 'report' });
    expect(id(m.match(eventOf('GET', 'https://api.shop.test/v1/files/report.csv')))).toBe('getFile');
  });

  it('strips the server base path and requires it', () => {
    expect(id(m.match(eventOf('GET', 'https://api.shop.test/users/42')))).toBe('shadow');
    expect(id(m.match(eventOf('GET', 'https://api.shop.test/v1/users/42/')))).toBe('getUser');
  });

  it('matches absolute servers by host only, relative servers on any host', () => {
    expect(id(m.match(eventOf('GET', 'https://other.test/v1/users/42')))).toBe('shadow');
    expect(id(m.match(eventOf('GET', 'https://API.SHOP.TEST/v1/users/42')))).toBe('getUser');
    expect(id(m.match(eventOf('GET', 'https://anything.test/internal/health')))).toBe('health');
    expect(id(m.match(eventOf('GET', 'https://api.shop.test/internal/health')))).toBe('health');
  });

  it('matches server variables in the host and the base path', () => {
    const r = m.match(eventOf('GET', 'https://us.shop.test/v9/stock'));
    expect(id(r)).toBe('stock');
    expect(r.kind === 'match' && r.pathParams).toEqual({ version: 'v9' });
    expect(id(m.match(eventOf('GET', 'https://us.east.shop.test/v9/stock')))).toBe('shadow');
  });

  it('matches methods exactly, HEAD falling back to GET', () => {
    expect(id(m.match(eventOf('DELETE', 'https://api.shop.test/v1/users/42')))).toBe('deleteUser');
    expect(id(m.match(eventOf('POST', 'https://api.shop.test/v1/users/42')))).toBe('shadow');
    const head = m.match(eventOf('HEAD', 'https://api.shop.test/v1/users/42'));
    expect(id(head)).toBe('getUser');
    expect(head.kind === 'match' && head.headAsGet).toBe(true);
  });

  it('reports undocumented paths as shadow', () => {
    expect(m.match(eventOf('GET', 'https://api.shop.test/v1/admin'))).toEqual({ kind: 'shadow' });
    expect(m.match(eventOf('GET', 'https://api.shop.test/v1/users/1/2/3/4'))).toEqual({ kind: 'shadow' });
  });

  it('lists every operation for orphan detection', () => {
    expect(m.operations()).toHaveLength(9);
  });

  it('hostAgnostic: servers route by their base path on any host (the registry decides which hosts a spec covers)', () => {
    const any = createOperationMatcher([{ specId: 'shop', version: 1, model: shop }], { hostAgnostic: true });
    expect(id(any.matchPath('staging.shop.internal', 'GET', '/v1/users/me'))).toBe('getMe');
    expect(id(any.matchPath('staging.shop.internal', 'GET', '/users/me'))).toBe('shadow');
    expect(id(m.matchPath('staging.shop.internal', 'GET', '/v1/users/me'))).toBe('shadow');
  });

  it('matchTemplate: exact when no template parameter meets a literal or mixed branch', () => {
    const t = (template: string, method = 'GET') => {
      const r = m.matchTemplate('api.shop.test', method, template);
      return [id(r.result), r.exact, r.segments];
    };
    expect(t('/v1/users/{id}/orders/{order_id}')).toEqual(['getOrder', true, 5]);
    expect(t('/v1/users/me')).toEqual(['getMe', true, 3]);
    expect(t('/v1/users/{id}/avatar')).toEqual(['getAvatar', true, 4]);
    expect(t('/v1/admin/{id}')).toEqual(['shadow', true, 3]);
    // `me` is a literal beside `{id}`: a discovered `{user}` could be either.
    expect(t('/v1/users/{user}')).toEqual(['getUser', false, 3]);
    // `{name}.json` is a mixed segment beside `{name}`.
    expect(t('/v1/files/{file}')).toEqual(['getFile', false, 3]);
    // DELETE /users/me is not documented: a concrete `me` dead-ends there and falls back to `{id}`.
    expect(t('/v1/users/{id}', 'DELETE')).toEqual(['deleteUser', true, 3]);
    expect(t('/v1/users/{id}', 'HEAD')).toEqual(['getUser', false, 3]);
  });
});
