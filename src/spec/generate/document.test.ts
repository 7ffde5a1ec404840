import { describe, expect, it } from 'vitest';
import { buildDocument, type ResponseEvidence } from './document.js';
import { endpoint } from './fixtures/endpoints.js';
import { oas31Errors } from './fixtures/oas31-schema.js';
import { applyReview, normalizeDecisions } from './review.js';
import type { SpecReviewDecision } from '../../contracts/spec-generate.js';
import type { Endpoint } from '../../contracts/endpoint.js';

type Json = Record<string, any>;
const NOW = new Date('2026-11-23T12:00:00.000Z');

function generate(endpoints: Endpoint[], decisions: SpecReviewDecision[] = [], evidence = new Map<string, ResponseEvidence>()): Json {
  const { document } = buildDocument(applyReview(endpoints, normalizeDecisions(decisions)), evidence, { now: NOW, generator: 'bulwark test' });
  return document as Json;
}

const orders = endpoint({
  template: '/v1/orders/{order_id}',
  calls: 200,
  kinds: { 'bearer-jwt': 200 },
  jwtAlgs: ['RS256'],
  params: [
    ['request', 'path', 'order_id', { integer: 100 }],
    ['request', 'query', 'expand', { string: 40 }, { values: { items: 25, customer: 15 } }],
    ['request', 'query', 'fields', { string: 98 }],
    ['request', 'header', 'authorization', { string: 100 }, { dataClasses: ['jwt'] }],
    ['request', 'header', 'accept', { string: 100 }],
    ['request', 'header', 'x-tenant', { string: 100 }],
    ['request', 'cookie', 'JSESSIONID', { string: 10 }],
    ['request', 'cookie', 'theme', { string: 10 }],
    ['request', 'query', '[REDACTED:email:0123456789abcdef]', { string: 1 }],
    ['response', 'body', '/id', { integer: 95 }],
    ['response', 'body', '/status', { string: 95 }, { values: { open: 60, shipped: 35 } }],
    ['response', 'body', '/email', { string: 95 }, { formats: { email: 95 }, dataClasses: ['email'] }],
    ['response', 'body', '/error', { string: 5 }],
  ],
  responses: { 200: { 'application/json': 95 }, 404: { 'application/json': 5 } },
});
const createOrder = endpoint({
  method: 'POST',
  template: '/v1/orders',
  calls: 50,
  kinds: { 'api-key-header': 50 },
  params: [
    ['request', 'header', 'x-api-key', { string: 50 }, { dataClasses: ['api-key'] }],
    ['request', 'header', 'content-type', { string: 50 }, { values: { 'application/json; charset=utf-8': 50 } }],
    ['request', 'body', '/sku', { string: 50 }],
    ['request', 'body', '/qty', { integer: 50 }],
  ],
  responses: { 201: { 'application/json': 50 } },
});
const health = endpoint({ host: 'status.shop.example', template: '/healthz', plainHttp: 10, calls: 10, responses: { 204: { '(none)': 10 } } });

describe('buildDocument', () => {
  const doc = generate([orders, createOrder, health], [], new Map([[orders.id, { success: new Set(['id', 'status', 'email']), error: new Set(['error']) }]]));

  it('is a valid OpenAPI 3.1 document', () => {
    expect(oas31Errors(doc)).toEqual([]);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual({ title: 'Discovered APIs: api.shop.example, status.shop.example', version: '2026-11-23', description: expect.stringContaining('between 2026-11-01 and 2026-11-02') });
  });

  it('lists servers by host and scheme, and gives operations of some hosts only their own', () => {
    expect(doc.servers).toEqual([{ url: 'http://status.shop.example' }, { url: 'https://api.shop.example' }]);
    expect(doc.paths['/healthz'].get.servers).toEqual([{ url: 'http://status.shop.example' }]);
    expect(doc.paths['/v1/orders'].post.servers).toEqual([{ url: 'https://api.shop.example' }]);
  });

  it('describes parameters without credentials, protocol headers or names that were data', () => {
    const params = doc.paths['/v1/orders/{order_id}'].get.parameters as Json[];
    expect(params.map((p) => `${p.in}:${p.name}`)).toEqual(['path:order_id', 'query:expand', 'query:fields', 'header:x-tenant', 'cookie:theme']);
    expect(params[0]).toEqual({ name: 'order_id', in: 'path', required: true, schema: { type: 'integer' } });
    expect(params[1]).toEqual({ name: 'expand', in: 'query', schema: { type: 'string', enum: ['customer', 'items'] } });
    expect(params[2]).toMatchObject({ name: 'fields', required: true });
  });

  it('describes authentication as security schemes', () => {
    expect(doc.components.securitySchemes).toEqual({
      'apiKeyHeader_x-api-key': { type: 'apiKey', in: 'header', name: 'x-api-key' },
      bearerJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', 'x-bulwark-jwt-algorithms': ['RS256'] },
    });
    expect(doc.paths['/v1/orders/{order_id}'].get.security).toEqual([{ bearerJwt: [] }]);
    expect(doc.paths['/v1/orders'].post.security).toEqual([{ 'apiKeyHeader_x-api-key': [] }]);
    expect(doc.paths['/healthz'].get.security).toEqual([]);
  });

  it('describes request bodies by their media types, and responses per status with the fields of their class', () => {
    expect(doc.paths['/v1/orders'].post.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: { type: 'object', properties: { qty: { type: 'integer' }, sku: { type: 'string' } }, required: ['qty', 'sku'] } } },
    });
    const responses = doc.paths['/v1/orders/{order_id}'].get.responses;
    expect(responses['200'].content['application/json'].schema).toEqual({
      type: 'object',
      properties: {
        email: { type: 'string', format: 'email', 'x-bulwark-data-classes': ['email'] },
        id: { type: 'integer' },
        status: { type: 'string', enum: ['open', 'shipped'] },
      },
      required: ['email', 'id', 'status'],
    });
    expect(responses['404']).toEqual({ description: 'Not Found', content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] } } } });
    expect(doc.paths['/healthz'].get.responses).toEqual({ '204': { description: 'No Content' } });
  });

  it('tags by first resource segment, gives unique operation ids and records the traffic behind each operation', () => {
    expect(doc.tags).toEqual([{ name: 'healthz' }, { name: 'orders' }]);
    expect(doc.paths['/v1/orders/{order_id}'].get).toMatchObject({
      operationId: 'getV1OrdersByOrderId',
      tags: ['orders'],
      'x-bulwark': { endpoints: [orders.id], calls: 200, confidence: 0.9, firstSeen: orders.firstSeen, lastSeen: orders.lastSeen },
    });
    expect(doc['x-bulwark']).toEqual({ generator: 'bulwark test', generatedAt: NOW.toISOString(), counts: { endpoints: 3, skipped: 0, merged: 0, split: 0, operations: 3, paths: 3 } });
  });

  it('writes no example, default or placeholder anywhere', () => {
    const text = JSON.stringify(doc);
    expect(text).not.toMatch(/"examples?"|"default"|REDACTED/);
  });

  it('is the same document for the same inventory', () => {
    expect(generate([health, createOrder, orders], [], new Map([[orders.id, { success: new Set(['id', 'status', 'email']), error: new Set(['error']) }]]))).toEqual(doc);
  });
});

describe('buildDocument after a review', () => {
  const me = endpoint({ template: '/users/me', calls: 40, params: [['response', 'body', '/name', { string: 40 }, { dataClasses: ['person-name'] }]] });
  const byId = endpoint({
    template: '/users/{id}',
    calls: 60,
    params: [
      ['request', 'path', 'id', { integer: 60 }],
      ['response', 'body', '/name', { string: 60 }, { dataClasses: ['person-name'] }],
      ['response', 'body', '/role', { string: 60 }, { values: { admin: 10, member: 50 } }],
    ],
  });
  const files = endpoint({ template: '/files/{name}', calls: 30, params: [['request', 'path', 'name', { string: 30 }]] });

  it('joins merged endpoints under the target name, drops split parameters, and stays valid', () => {
    const doc = generate([me, byId, files], [
      { id: byId.id, rename: { id: 'userId' } },
      { id: me.id, mergeInto: byId.id },
      { id: files.id, split: ['/files/export', '/files/{name}'] },
    ]);
    expect(oas31Errors(doc)).toEqual([]);
    expect(Object.keys(doc.paths)).toEqual(['/files/export', '/files/{name}', '/users/{userId}']);
    const get = doc.paths['/users/{userId}'].get;
    expect(get.parameters).toEqual([{ name: 'userId', in: 'path', required: true, schema: { type: 'integer' } }]);
    expect(get['x-bulwark']).toMatchObject({ endpoints: [byId.id, me.id], calls: 100 });
    // /role was seen in 60 of the 100 bodies once /users/me joined: no longer required.
    expect(get.responses['200'].content['application/json'].schema).toEqual({
      type: 'object',
      properties: { name: { type: 'string', 'x-bulwark-data-classes': ['person-name'] }, role: { type: 'string', enum: ['admin', 'member'] } },
      required: ['name'],
    });
    expect(doc.paths['/files/export'].get.parameters).toBeUndefined();
    expect(doc.paths['/files/export'].get['x-bulwark']).toMatchObject({ splitFrom: files.id });
    expect(doc['x-bulwark'].counts).toMatchObject({ endpoints: 3, merged: 1, split: 1, operations: 3, paths: 3 });
  });
});
