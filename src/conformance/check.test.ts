import { describe, expect, it } from 'vitest';
import { modelFromObject } from '../spec/build-model.js';
import { loadSpec } from '../spec/load.js';
import { createConformanceChecker, type Violation } from './check.js';
import { eventOf, json } from './test-helpers.js';

const model = modelFromObject({
  openapi: '3.0.3',
  info: { title: 'shop', version: '1' },
  servers: [{ url: 'https://api.shop.test' }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } },
    schemas: { Item: { type: 'object', required: ['id'], properties: { id: { type: 'integer' }, email: { type: 'string', format: 'email' } } } },
  },
  paths: {
    '/items/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
      get: {
        security: [{ bearer: [] }],
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } },
          { name: 'tags', in: 'query', schema: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } } },
          { name: 'csv', in: 'query', explode: false, schema: { type: 'array', items: { type: 'integer' } } },
          { name: 'verbose', in: 'query', schema: { type: 'boolean' } },
          { name: 'X-Tenant', in: 'header', required: true, schema: { type: 'string' } },
          { name: 'session', in: 'cookie', schema: { type: 'string' } },
        ],
        responses: {
          '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } },
          '4XX': { description: 'client error', content: { 'application/problem+json': { schema: { type: 'object', required: ['title'] } } } },
        },
      },
      put: {
        deprecated: true,
        security: [{ key: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } },
        responses: { '204': { description: 'done' }, default: { description: 'error' } },
      },
    },
  },
});

const checker = createConformanceChecker([{ specId: 'shop', version: 3, model }]);
const headers = { 'x-tenant': 't1', authorization: '[REDACTED:bearer:0123456789abcdef]', accept: 'application/json', 'user-agent': 'ua' };
const good = (over: Parameters<typeof eventOf>[2] = {}, url = 'https://api.shop.test/items/7?limit=10') =>
  eventOf('GET', url, { request: { headers, ...over.request }, response: over.response === null ? null : { status: 200, body: json({ id: 7 }), ...over.response } });
const kinds = (vs: Violation[]) => vs.map((v) => `${v.kind} ${v.location} ${v.field}`);
const run = (e: ReturnType<typeof eventOf>) => {
  const { match, violations } = checker.checkEvent(e);
  expect(match.kind).toBe('match');
  return violations;
};

describe('checkEvent', () => {
  it('reports nothing for a conforming call', () => {
    expect(run(good({}, 'https://api.shop.test/items/7?limit=10&tags=a&tags=b&csv=1,2&verbose=true'))).toEqual([]);
  });

  it('undocumented-parameter: query, header, Authorization without a scheme; standard headers ignored', () => {
    const vs = run(good({ request: { headers: { ...headers, 'x-debug': '1', 'x-forwarded-for': '1.2.3.4' } } }, 'https://api.shop.test/items/7?debug=1'));
    expect(kinds(vs)).toEqual(['undocumented-parameter query debug', 'undocumented-parameter header x-debug']);
    const put = run(eventOf('PUT', 'https://api.shop.test/items/7', { request: { headers: { 'x-api-key': 'k', authorization: 'x' }, body: json({ id: 7 }) }, response: { status: 204 } }));
    expect(kinds(put)).toEqual(['zombie operation PUT /items/{id}', 'undocumented-parameter header authorization']);
  });

  it('undocumented-parameter: cookies only where the operation documents cookies', () => {
    expect(kinds(run(good({ request: { headers, cookies: { session: 's', _ga: 'x' } } })))).toEqual(['undocumented-parameter cookie _ga']);
  });

  it('missing-required-parameter', () => {
    const vs = run(good({ request: { headers: { authorization: 'b' } } }));
    expect(vs).toEqual([expect.objectContaining({ kind: 'missing-required-parameter', location: 'header', field: 'X-Tenant', operation: { specId: 'shop', version: 3, method: 'get', path: '/items/{id}', operationId: null } })]);
  });

  it('parameter-schema: coerces strings per type and style', () => {
    expect(kinds(run(good({}, 'https://api.shop.test/items/abc')))).toEqual(['parameter-schema path id']);
    expect(kinds(run(good({}, 'https://api.shop.test/items/7?limit=101')))).toEqual(['parameter-schema query limit']);
    expect(kinds(run(good({}, 'https://api.shop.test/items/7?tags=a&tags=c')))).toEqual(['parameter-schema query tags/1']);
    expect(kinds(run(good({}, 'https://api.shop.test/items/7?csv=1,x')))).toEqual(['parameter-schema query csv/1']);
    expect(kinds(run(good({}, 'https://api.shop.test/items/7?verbose=yes')))).toEqual(['parameter-schema query verbose']);
    // A redacted value is not checked.
    expect(run(good({}, 'https://api.shop.test/items/7?limit=[REDACTED:number:0123456789abcdef]'))).toEqual([]);
  });

  const put = (body: ReturnType<typeof json> | undefined, status = 204) =>
    run(eventOf('PUT', 'https://api.shop.test/items/7', { request: { headers: { 'x-api-key': 'k' }, ...(body ? { body } : {}) }, response: { status } })).filter((v) => v.kind !== 'zombie');

  it('request-body-schema: by field, missing required body, invalid JSON; truncated bodies skipped', () => {
    expect(put(json({ id: 7 }))).toEqual([]);
    const [v] = put(json({ id: 'x' }));
    expect(v).toMatchObject({ kind: 'request-body-schema', location: 'request body', field: '/id', keyword: 'type', message: 'must be integer' });
    expect(kinds(put(undefined))).toEqual(['request-body-schema request body ']);
    expect(kinds(put({ ...json({}), text: '{"id":' }))).toEqual(['request-body-schema request body ']);
    expect(put({ ...json({ id: 'x' }), text: '{"id":"x', truncated: true })).toEqual([]);
    // Redacted values pass format checks; the message never carries the value.
    expect(put(json({ id: 1, email: '[REDACTED:email:0123456789abcdef]' }))).toEqual([]);
    const [f] = put(json({ id: 1, email: 'secret-value' }));
    expect(f).toMatchObject({ field: '/email', keyword: 'format' });
    expect(JSON.stringify(f)).not.toContain('secret-value');
  });

  it('undocumented-status: no exact, range or default response', () => {
    expect(kinds(run(good({ response: { status: 500, body: undefined } })))).toEqual(['undocumented-status status 500']);
    expect(run(good({ response: { status: 404, body: { ...json({ title: 'nf' }), contentType: 'application/problem+json' } } }))).toEqual([]);
    expect(put(json({ id: 1 }), 503)).toEqual([]); // default
  });

  it('undocumented-content-type: request and response', () => {
    expect(kinds(run(good({ response: { status: 200, body: { ...json({ id: 7 }), contentType: 'text/html; charset=utf-8' } } })))).toEqual(['undocumented-content-type content-type response']);
    expect(kinds(put({ ...json({ id: 1 }), contentType: 'application/xml' }))).toEqual(['undocumented-content-type content-type request']);
    expect(kinds(run(good({ request: { headers, body: json({}) } })))).toEqual(['undocumented-content-type content-type request']);
  });

  it('response-body-schema, skipped for HEAD', () => {
    const vs = run(good({ response: { status: 200, body: json({ id: 'x' }) } }));
    expect(vs).toEqual([expect.objectContaining({ kind: 'response-body-schema', location: 'response body', field: '/id' })]);
    expect(run(good({ response: { status: 404, body: { ...json({}), contentType: 'application/problem+json' } } }))).toEqual([expect.objectContaining({ kind: 'response-body-schema', field: '/title', keyword: 'required' })]);
    const head = eventOf('HEAD', 'https://api.shop.test/items/7', { request: { headers }, response: { status: 200, body: json({ id: 'x' }) } });
    expect(run(head)).toEqual([]);
  });

  it('zombie: a deprecated operation still called; shadow calls have no violations', () => {
    expect(put(json({ id: 1 })).length).toBe(0);
    expect(kinds(run(eventOf('PUT', 'https://api.shop.test/items/7', { request: { headers: { 'x-api-key': 'k' }, body: json({ id: 1 }) }, response: { status: 204 } })))).toEqual(['zombie operation PUT /items/{id}']);
    expect(checker.checkEvent(eventOf('GET', 'https://api.shop.test/nope'))).toEqual({ match: { kind: 'shadow' }, violations: [] });
  });
});

describe('on GitHub’s spec', async () => {
  const gh = await loadSpec('node_modules/@octokit/openapi/generated/api.github.com.json');
  const c = createConformanceChecker([{ specId: 'github', version: 1, model: gh }]);
  const opId = (method: 'GET' | 'POST', url: string) => {
    const r = c.match(eventOf(method, url));
    return r.kind === 'match' ? r.operation.operationId : 'shadow';
  };

  it('matches templates against literal routes', () => {
    expect(opId('GET', 'https://api.github.com/repos/octo/hello/issues')).toBe('issues/list-for-repo');
    expect(opId('POST', 'https://api.github.com/repos/octo/hello/issues')).toBe('issues/create');
    expect(opId('GET', 'https://api.github.com/repos/octo/hello/issues/42')).toBe('issues/get');
    expect(opId('GET', 'https://api.github.com/repos/octo/hello/issues/comments')).toBe('issues/list-comments-for-repo');
    expect(opId('GET', 'https://api.github.com/user')).toBe('users/get-authenticated');
    expect(opId('GET', 'https://api.github.com/users/octo')).toBe('users/get-by-username');
    expect(opId('GET', 'https://api.github.com/repos/octo/hello/not-a-route')).toBe('shadow');
    expect(opId('GET', 'https://example.com/user')).toBe('shadow');
  });

  it('validates parameters and bodies of a real operation', () => {
    const e = eventOf('GET', 'https://api.github.com/repos/octo/hello/issues?state=sideways&per_page=10', { response: { status: 200, body: json([{ id: 'x' }]) } });
    const { violations } = c.checkEvent(e);
    expect(kinds(violations)).toContain('parameter-schema query state');
    expect(violations.some((v) => v.kind === 'response-body-schema' && v.field.startsWith('/0'))).toBe(true);
    expect(c.checkEvent(eventOf('GET', 'https://api.github.com/repos/octo/hello/issues?state=open', { response: { status: 200, body: json([]) } })).violations).toEqual([]);
  });
});
