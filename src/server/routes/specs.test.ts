import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBulwark, type Bulwark } from '../../app/context.js';
import { loadConfig } from '../../config/config.js';
import { ImportSpecResult, SpecDetail, SpecRow, SpecVersionDetail, SpecVersionDiff } from '../../contracts/spec-registry.js';
import { pageOf } from '../../contracts/api.js';
import { createLogger } from '../../util/logger.js';
import { buildServer } from '../app.js';
import { serverDeps } from '../serve.js';
import { issueToken } from '../tokens.js';
import { APPLICATION_DEFAULTS } from '../../contracts/identity.js';

/** `/api/v1/specs` in process (`fastify.inject`), against a real SQLite store in a temp dir. */

const FIXTURES = path.join(import.meta.dirname, '..', '..', 'spec', 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

const SHOP = `openapi: 3.0.3
info:
  title: Shop API
  version: "1"
servers:
  - url: https://api.shop.example/v1
paths:
  /orders:
    get:
      responses:
        '200':
          description: ok
`;

describe('/api/v1/specs', () => {
  let dir: string;
  let bw: Bulwark;
  let app: FastifyInstance;
  let admin: string;
  let reader: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bulwark-specs-'));
    bw = await openBulwark(loadConfig({ env: { BULWARK_DATA_DIR: dir } }), createLogger('silent'), {});
    app = buildServer(serverDeps(bw));
    await app.ready();
    admin = (await issueToken(bw.store, 'admin', ['admin'])).token;
    reader = (await issueToken(bw.store, 'reader', ['read'])).token;
    await bw.store.createApplication({ ...APPLICATION_DEFAULTS, id: 'app-shop', name: 'Shop', owners: [], matchers: [{ host: '*.shop.example' }], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
  });
  afterAll(async () => {
    await app.close();
    await bw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, token = admin) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });

  it('imports a spec, lists it with its score and application, and serves its versions with findings and text', async () => {
    const created = await send('POST', '/api/v1/specs', { text: SHOP, fileName: 'shop.yaml' });
    expect(created.statusCode, created.body).toBe(201);
    const result = ImportSpecResult.parse(created.json());
    expect(result).toMatchObject({ created: true, spec: { name: 'Shop API', hosts: ['api.shop.example'], applicationId: 'app-shop', application: 'Shop' }, version: { version: 1, source: 'shop.yaml' } });
    const id = result.spec.id;

    const list = pageOf(SpecRow).parse((await send('GET', '/api/v1/specs?search=shop&host=API.shop.example', undefined, reader)).json());
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ id, application: 'Shop', latest: { version: 1, score: result.version.score, findingCounts: result.version.findingCounts } });
    expect((await send('GET', '/api/v1/specs?application=none', undefined, reader)).json()).toMatchObject({ total: 0 });

    const v2 = await send('POST', `/api/v1/specs/${id}/versions`, { text: SHOP.replace('version: "1"', 'version: "2"') });
    expect(v2.statusCode, v2.body).toBe(200);
    expect(v2.json()).toMatchObject({ created: true, version: { version: 2, infoVersion: '2', source: 'upload' } });
    const same = await send('POST', `/api/v1/specs/${id}/versions`, { text: SHOP.replace('version: "1"', 'version: "2"') });
    expect(same.json()).toMatchObject({ created: false, version: { version: 2 } });

    const detail = SpecDetail.parse((await send('GET', `/api/v1/specs/${id}`, undefined, reader)).json());
    expect(detail.spec.latestVersion).toBe(2);
    expect(detail.versions.items.map((v) => v.version)).toEqual([2, 1]);

    const version = SpecVersionDetail.parse((await send('GET', `/api/v1/specs/${id}/versions/1`, undefined, reader)).json());
    expect(version.text).toBe(SHOP);
    expect(version.findings.length).toBe(version.findingsTotal);
    expect(version.findings.every((f) => f.location.file === 'shop.yaml' && f.location.line >= 1)).toBe(true);
    expect((await send('GET', `/api/v1/specs/${id}/versions/3`, undefined, reader)).statusCode).toBe(404);
    expect((await send('GET', `/api/v1/specs/${id}/versions/0`, undefined, reader)).statusCode).toBe(400);

    const audit = (await send('GET', `/api/v1/audit?targetType=spec&targetId=${id}&order=asc`)).json() as { items: { action: string }[] };
    expect(audit.items.map((e) => e.action)).toEqual(['spec.import', 'spec.import', 'spec.import']);

    expect((await send('DELETE', `/api/v1/specs/${id}`, undefined, reader)).statusCode).toBe(403);
    expect((await send('DELETE', `/api/v1/specs/${id}`)).statusCode).toBe(204);
    expect((await send('GET', `/api/v1/specs/${id}`, undefined, reader)).statusCode).toBe(404);
    expect((await send('DELETE', `/api/v1/specs/${id}`)).statusCode).toBe(404);
  });

  it('compares two versions: breaking, security and other changes located in their version; 404 for an unknown version or spec', async () => {
    const diffFixture = (name: string) => readFileSync(path.join(FIXTURES, '..', '..', 'cli', 'fixtures', 'spec-diff', name), 'utf8');
    const id = ImportSpecResult.parse((await send('POST', '/api/v1/specs', { text: diffFixture('shop-v1.yaml'), fileName: 'shop-v1.yaml' })).json()).spec.id;
    expect((await send('POST', `/api/v1/specs/${id}/versions`, { text: diffFixture('shop-v2.yaml'), fileName: 'shop-v2.yaml' })).statusCode).toBe(200);

    const res = await send('GET', `/api/v1/specs/${id}/diff?from=1&to=2`, undefined, reader);
    expect(res.statusCode, res.body).toBe(200);
    const diff = SpecVersionDiff.parse(res.json());
    expect(diff).toMatchObject({ from: { version: 1 }, to: { version: 2 }, total: 10, truncated: false, byKind: { breaking: 4, security: 4, 'non-breaking': 2 } });
    expect(new Set(diff.changes.map((c) => c.kind))).toEqual(new Set(['breaking', 'security', 'non-breaking']));
    expect(diff.changes.find((c) => c.ruleId === 'diff-operation-removed')).toMatchObject({ side: 'old', location: { file: 'shop-v1.yaml', line: 64, column: expect.any(Number) } });
    expect(res.json()).not.toHaveProperty('from.text');

    expect((await send('GET', `/api/v1/specs/${id}/diff?from=1&to=3`, undefined, reader)).json()).toEqual({ error: { code: 'not_found', message: `spec ${id} has no version 3` } });
    expect((await send('GET', `/api/v1/specs/spec_0000000000000000/diff?from=1&to=2`, undefined, reader)).statusCode).toBe(404);
    expect((await send('GET', `/api/v1/specs/${id}/diff?from=0&to=2`, undefined, reader)).statusCode).toBe(400);
    expect((await send('GET', `/api/v1/specs/${id}/diff?from=1`, undefined, reader)).statusCode).toBe(400);
    expect((await send('GET', `/api/v1/specs/${id}/diff?from=1&to=2&x=1`, undefined, reader)).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: `/api/v1/specs/${id}/diff?from=1&to=2` })).statusCode).toBe(401);
    expect((await send('DELETE', `/api/v1/specs/${id}`)).statusCode).toBe(204);
  });

  it('answers a bad spec with 400 and its file, line and column, and stores nothing', async () => {
    const before = (await send('GET', '/api/v1/specs')).json() as { total: number };
    const cases: [unknown, RegExp][] = [
      [{ text: fixture('invalid.yaml'), fileName: 'broken.yaml' }, /^invalid YAML at broken\.yaml:\d+:\d+: /],
      [{ text: fixture('refs/missing.yaml'), fileName: 'missing.yaml' }, /^unresolvable \$ref '#\/components\/schemas\/Nope' at missing\.yaml:14:17: /],
      [{ text: fixture('not-openapi.yaml'), fileName: 'compose.yaml' }, /is not an OpenAPI 3\.0\/3\.1 or Swagger 2\.0 document/],
      [{ text: fixture('multi/api.yaml'), fileName: 'api.yaml' }, /references to other files are not available for an uploaded spec/],
      [{ text: SHOP, hosts: ['not a host'] }, /^invalid body: hosts\.0: /],
      [{ text: SHOP, applicationId: 'app-nope' }, /^application app-nope not found$/],
      [{ text: '' }, /^invalid body: text: /],
    ];
    for (const [body, message] of cases) {
      const res = await send('POST', '/api/v1/specs', body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toEqual({ error: { code: 'invalid_input', message: expect.stringMatching(message) } });
    }
    expect((await send('POST', `/api/v1/specs/spec_0000000000000000/versions`, { text: SHOP })).statusCode).toBe(404);
    // A raw YAML body is refused with a pointer to the JSON shape.
    const raw = await app.inject({ method: 'POST', url: '/api/v1/specs', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/yaml' }, payload: SHOP });
    expect(raw.statusCode).toBe(400);
    expect((await send('GET', '/api/v1/specs')).json()).toMatchObject({ total: before.total });
  });
});
