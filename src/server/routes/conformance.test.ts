import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBulwark, type Bulwark } from '../../app/context.js';
import { loadConfig } from '../../config/config.js';
import { SpecConformance } from '../../contracts/conformance.js';
import { InventoryPage } from '../../contracts/api.js';
import { TEST_SCRYPT_COST } from '../../identity/passwords.js';
import { DEFAULT_LIMITS, normalizeEvent } from '../../normalize/index.js';
import { createLogger } from '../../util/logger.js';
import { buildServer } from '../app.js';
import { serverDeps } from '../serve.js';
import { issueToken } from '../tokens.js';

/**
 * `GET /api/v1/specs/:id/conformance` and the inventory's coverage filters, in process: a spec on a host
 * two applications share (A under `/a`, B under `/b`), traffic through the real pipeline, and callers of
 * every kind. A workload owner of A sees the spec and A's shadow endpoint, never B's; an owner of B does
 * not see A's spec at all.
 */

const HOST = 'shared.example';
const PASSWORD = 'correct horse battery staple';
const SPEC = `openapi: 3.0.3
info: { title: Shared API, version: "1" }
servers: [{ url: 'https://${HOST}' }]
paths:
  /a/orders:
    get:
      parameters: [{ name: limit, in: query, schema: { type: integer } }]
      responses: { '200': { description: ok } }
  /a/old:
    get:
      deprecated: true
      responses: { '200': { description: ok } }
  /a/never:
    get:
      responses: { '200': { description: ok } }
`;

describe('GET /api/v1/specs/:id/conformance', () => {
  let dir: string;
  let bw: Bulwark;
  let app: FastifyInstance;
  let admin: string;
  let reader: string;
  let ingestOnly: string;
  let specId: string;
  const owners: Record<'a' | 'b', string> = { a: '', b: '' };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bulwark-conformance-route-'));
    bw = await openBulwark(loadConfig({ env: { BULWARK_DATA_DIR: dir } }), createLogger('silent'), {}, { identity: { passwordCost: TEST_SCRYPT_COST } });
    app = buildServer(serverDeps(bw));
    await app.ready();
    admin = (await issueToken(bw.store, 'admin', ['admin'])).token;
    reader = (await issueToken(bw.store, 'reader', ['read'])).token;
    ingestOnly = (await issueToken(bw.store, 'ingest', ['ingest'])).token;
    const root = await bw.identity.bootstrapAdmin({ email: 'admin@conf.example', password: PASSWORD });
    const caller = { principal: { kind: 'user' as const, id: root.id, name: root.email, role: 'admin' as const, applications: 'all' as const } };
    const appA = await bw.identity.createApplication(caller, { name: 'A', matchers: [{ host: HOST, pathPrefix: '/a' }] });
    const appB = await bw.identity.createApplication(caller, { name: 'B', matchers: [{ host: HOST, pathPrefix: '/b' }] });
    for (const [key, application] of [['a', appA.id], ['b', appB.id]] as const) {
      const { invitation } = await bw.identity.inviteUser(caller, { email: `owner-${key}@conf.example`, role: 'workload-owner', applications: [application] });
      await bw.identity.acceptInvitation(invitation.token, PASSWORD);
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: `owner-${key}@conf.example`, password: PASSWORD }) });
      owners[key] = /bulwark_session=([^;]+)/.exec(String(res.headers['set-cookie']))![1]!;
    }
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/specs',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ text: SPEC, fileName: 'shared.yaml', applicationId: appA.id }),
    });
    expect(created.statusCode, created.body).toBe(201);
    specId = (created.json() as { spec: { id: string } }).spec.id;

    let t = Date.parse('2026-11-20T10:00:00.000Z');
    const call = (p: string) => {
      const r = normalizeEvent(
        { timestamp: new Date((t += 1000)).toISOString(), request: { method: 'GET', url: `https://${HOST}${p}`, headers: {}, clientAddress: '198.51.100.7' }, response: { status: 200, headers: {} } },
        { source: 'ingest-api', limits: DEFAULT_LIMITS },
      );
      if (!r.ok) throw new Error(r.reject.reason);
      return { kind: 'event' as const, event: r.event };
    };
    await bw.pipeline.ingest([
      ...Array.from({ length: 4 }, () => call('/a/orders?limit=5&debug=1')),
      ...Array.from({ length: 3 }, () => call('/a/old')),
      ...Array.from({ length: 2 }, () => call('/a/hidden')),
      ...Array.from({ length: 6 }, () => call('/b/secret')),
    ]);
  });
  afterAll(async () => {
    await app.close();
    await bw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string, auth: { token?: string; session?: string } = { token: admin }) =>
    app.inject({
      method: 'GET',
      url,
      headers: auth.token ? { authorization: `Bearer ${auth.token}` } : auth.session ? { cookie: `bulwark_session=${auth.session}` } : {},
    });

  it('reports summary counts and lists with links to endpoints, valid against its contract', async () => {
    const res = await get(`/api/v1/specs/${specId}/conformance`, { token: reader });
    expect(res.statusCode, res.body).toBe(200);
    const r = SpecConformance.parse(res.json());
    expect(r).toMatchObject({ specId, latestVersion: 1, checkedVersion: 1, orphanAfterDays: 30, truncated: false });
    expect(r.observed.firstEvent).toBe('2026-11-20T10:00:01.000Z');
    expect(r.summary).toEqual({ operations: 3, called: 2, shadow: 2, shadowCalls: 8, zombie: 1, orphan: 1, drift: 1, driftOperations: 1 });
    expect(r.shadow.map((s) => [s.pathTemplate, s.calls])).toEqual([['/b/secret', 6], ['/a/hidden', 2]]);
    expect(r.zombie).toEqual([expect.objectContaining({ method: 'GET', path: '/a/old', calls: 3, endpoints: [expect.objectContaining({ pathTemplate: '/a/old' })] })]);
    expect(r.orphan).toEqual([expect.objectContaining({ path: '/a/never', calls: 0, lastSeen: null })]);
    expect(r.drift).toEqual([expect.objectContaining({ kind: 'undocumented-parameter', field: 'debug', count: 4, operation: expect.objectContaining({ path: '/a/orders' }) })]);
    const endpoint = await get(`/api/v1/endpoints/${r.zombie[0]!.endpoints[0]!.id}`);
    expect(endpoint.json()).toMatchObject({ endpoint: { coverage: { status: 'documented', specId, specName: 'Shared API', version: 1, operation: { path: '/a/old', deprecated: true } } } });
  });

  it('workload owners see the specs of their applications only, and only their own shadow endpoints', async () => {
    const a = await get(`/api/v1/specs/${specId}/conformance`, { session: owners.a });
    expect(a.statusCode, a.body).toBe(200);
    const r = SpecConformance.parse(a.json());
    expect(r.shadow.map((s) => s.pathTemplate)).toEqual(['/a/hidden']);
    expect(r.summary).toMatchObject({ shadow: 1, shadowCalls: 2, zombie: 1 });
    // Same answer as for a spec that does not exist: the id reveals nothing.
    expect((await get(`/api/v1/specs/${specId}/conformance`, { session: owners.b })).statusCode).toBe(404);
    expect((await get('/api/v1/specs/spec_0000000000000000/conformance')).statusCode).toBe(404);
    expect((await get(`/api/v1/specs/${specId}/conformance`, {})).statusCode).toBe(401);
    expect((await get(`/api/v1/specs/${specId}/conformance`, { token: ingestOnly })).statusCode).toBe(403);
    expect((await get(`/api/v1/specs/bad%20id/conformance`)).statusCode).toBe(400);
  });

  it('filters the inventory by coverage and spec, and exports both in the CSV', async () => {
    const list = async (q: string, auth: { token?: string; session?: string } = { token: admin }) => InventoryPage.parse((await get(`/api/v1/endpoints?${q}`, auth)).json()).items.map((e) => e.pathTemplate).sort();
    expect(await list('coverage=shadow')).toEqual(['/a/hidden', '/b/secret']);
    expect(await list('coverage=documented')).toEqual(['/a/old', '/a/orders']);
    expect(await list('coverage=none')).toEqual([]);
    expect(await list(`spec=${specId}&coverage=documented&documented=true`)).toEqual(['/a/old', '/a/orders']);
    expect(await list('coverage=shadow', { session: owners.b })).toEqual(['/b/secret']);
    expect((await get('/api/v1/endpoints?coverage=maybe')).statusCode).toBe(400);
    const csv = (await get('/api/v1/endpoints/export.csv?coverage=documented&sort=path')).body.split('\r\n');
    expect(csv[0]).toContain('documented,coverage,spec,operation');
    expect(csv[1]).toContain('"documented","Shared API v1","GET /a/old"');
  });
});
