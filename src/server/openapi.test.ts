import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBulwark } from '../app/context.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../util/logger.js';
import { buildServer, ROUTES } from './app.js';
import { serverDeps } from './serve.js';
import { issueToken } from './tokens.js';
import { buildOpenApi } from './openapi.js';

type Json = Record<string, any>;

const doc = buildOpenApi(ROUTES, { version: '0.0.0-test' }) as Json;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const operations = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
  Object.entries(item as Json)
    .filter(([m]) => METHODS.includes(m))
    .map(([method, op]) => ({ path, method, op: op as Json })),
);

describe("Bulwark's own OpenAPI description", () => {
  it('is OpenAPI 3.1 and describes every route exactly once, with the permission it needs', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(operations).toHaveLength(ROUTES.length);
    for (const r of ROUTES) {
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      const op = (doc.paths as Json)[path]?.[r.method.toLowerCase()] as Json | undefined;
      expect(op, `${r.method} ${r.url}`).toBeDefined();
      expect(op!['x-bulwark-action']).toBe(r.action);
      // Public routes say so; every other one inherits the document's two schemes.
      if (r.action === 'public') expect(op!.security).toEqual([]);
      else expect(op!.security).toBeUndefined();
    }
  });

  it('has unique operation ids, a path parameter for every template variable, and error responses', () => {
    const ids = operations.map((o) => o.op.operationId as string);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of operations) {
      const vars = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const pathParams = (op.parameters as Json[]).filter((p) => p.in === 'path');
      expect(pathParams.map((p) => p.name).sort(), `${method} ${path}`).toEqual(vars.sort());
      for (const p of pathParams) expect(p.required).toBe(true);
      expect(Object.keys(op.responses as Json), `${method} ${path}`).toEqual(expect.arrayContaining(['400', '429']));
      if (op['x-bulwark-action'] !== 'public') expect(Object.keys(op.responses as Json)).toEqual(expect.arrayContaining(['401', '403']));
    }
  });

  it('every schema compiles as JSON Schema 2020-12 and every $ref points at a component that exists', () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'bulwark:components', components: doc.components }, 'components');
    const refs = new Set<string>();
    const collect = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref' && typeof x === 'string') refs.add(x);
          else collect(x);
        }
      }
    };
    collect(doc);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect((doc.components as Json).schemas[ref.split('/').pop()!], ref).toBeDefined();
    }
    const schemas: Json[] = [];
    for (const { op } of operations) {
      for (const p of op.parameters as Json[]) schemas.push(p.schema as Json);
      for (const media of Object.values((op.requestBody?.content ?? {}) as Json)) schemas.push((media as Json).schema as Json);
      for (const res of Object.values(op.responses as Json)) for (const media of Object.values(((res as Json).content ?? {}) as Json)) schemas.push((media as Json).schema as Json);
    }
    expect(schemas.length).toBeGreaterThan(ROUTES.length);
    for (const s of schemas) {
      // Local component refs resolve against the document registered above.
      const rewritten = JSON.parse(JSON.stringify(s).replace(/"#\/components\//g, '"bulwark:components#/components/'));
      expect(() => ajv.compile(rewritten), JSON.stringify(s).slice(0, 200)).not.toThrow();
    }
  });

  it('describes ownership: the rule list and its tester, application metadata, the unowned count', () => {
    const json = (op: Json, where: 'request' | 'response') =>
      (where === 'request' ? op.requestBody.content['application/json'].schema : op.responses[Object.keys(op.responses)[0]!].content['application/json'].schema) as Json;
    const rules = doc.paths['/api/v1/ownership/rules'] as Json;
    expect(rules.get['x-bulwark-action']).toBe('applications:read');
    expect(rules.put['x-bulwark-action']).toBe('applications:manage');
    const match = json(rules.put, 'request').properties.rules.items.properties.match as Json;
    expect(Object.keys(match.properties)).toEqual(['host', 'pathPrefix', 'specTitle', 'specTag', 'specOwner']);
    expect(json(rules.put, 'request').properties.rules.maxItems).toBe(1000);
    const test = (doc.paths['/api/v1/ownership/test'] as Json).post as Json;
    expect(test['x-bulwark-action']).toBe('applications:read');
    expect(json(test, 'request').anyOf).toHaveLength(2);
    expect(json(test, 'response').required).toEqual(expect.arrayContaining(['subject', 'matched', 'application', 'tried']));
    const appInput = json((doc.paths['/api/v1/applications'] as Json).post, 'request').properties as Json;
    expect(appInput.criticality.enum).toEqual(['low', 'medium', 'high', 'critical']);
    expect(appInput.contacts.maxItems).toBe(20);
    expect(appInput.dataTags.maxItems).toBe(20);
    expect(json((doc.paths['/api/v1/dashboard'] as Json).get, 'response').required).toContain('unownedEndpoints');
  });

  it('is what the server serves at /api/v1/openapi.json, to any authenticated caller', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-openapi-'));
    const bw = await openBulwark(loadConfig({ env: { BULWARK_DATA_DIR: dir } }), createLogger('silent'), {});
    const app = buildServer(serverDeps(bw));
    try {
      const { token } = await issueToken(bw.store, 'reader', ['read']);
      const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      const served = res.json() as Json;
      expect(served.paths).toEqual(doc.paths);
      expect(served.components).toEqual(doc.components);
      expect((await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).statusCode).toBe(401);
    } finally {
      await app.close();
      await bw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
