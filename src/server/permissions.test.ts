import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { openBulwark, type Bulwark } from '../app/context.js';
import { createLogger } from '../util/logger.js';
import { ROLES, type Role } from '../contracts/identity.js';
import { TEST_SCRYPT_COST } from '../identity/passwords.js';
import { ROLE_PERMISSIONS, TOKEN_SCOPE_PERMISSIONS, type Action } from '../identity/permissions.js';
import type { TokenScope } from '../store/store.js';
import { ROUTES, buildServer } from './app.js';
import { serverDeps } from './serve.js';
import { issueToken } from './tokens.js';
import { SESSION_COOKIE } from './auth.js';
import { normalizeEvent } from '../normalize/normalize-event.js';
import { DEFAULT_LIMITS } from '../normalize/limits.js';

/**
 * The permission matrix, checked against every route of the server: each role (signed in through the
 * console, with its CSRF token) and each token scope gets exactly what `ROLE_PERMISSIONS` /
 * `TOKEN_SCOPE_PERMISSIONS` grant, route by route. State-changing routes get a body that fails
 * validation and ids that do not exist, so an allowed call answers 400/404 and nothing changes, while a
 * denied one answers 403 before any input is looked at.
 *
 * Then workload-owner isolation: an owner of application A never sees B's endpoints or findings, by id
 * or by list, in counts or in exports.
 */

const PASSWORD = 'correct horse battery staple';
const A_HOST = 'shop.a.example';
const B_HOST = 'pay.b.example';

interface Session {
  cookie: string;
  csrf: string;
}

interface World {
  dir: string;
  bw: Bulwark;
  app: FastifyInstance;
  sessions: Record<Role, Session>;
  owner: Session;
  tokens: Record<TokenScope, string>;
  ids: { endpointA: string; endpointB: string; findingA: string; findingB: string; user: string; app: string };
}

function event(host: string, pathname: string, i: number) {
  return {
    timestamp: new Date(Date.UTC(2026, 10, 1, 10, 0, i)).toISOString(),
    request: { method: 'GET', url: `http://${host}${pathname}`, headers: {}, clientAddress: '203.0.113.9' },
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"email":"jane.doe@example.com"}' },
    latencyMs: 5,
  };
}

async function login(app: FastifyInstance, email: string): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email, password: PASSWORD }) });
  expect(res.statusCode, res.body).toBe(200);
  const set = String(res.headers['set-cookie']);
  const cookie = /bulwark_session=([^;]+)/.exec(set)![1]!;
  return { cookie, csrf: (res.json() as { csrfToken: string }).csrfToken };
}

async function openWorld(): Promise<World> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-perm-'));
  const config = loadConfig({ env: { BULWARK_DATA_DIR: dir } });
  const bw = await openBulwark(config, createLogger('silent'), {}, { identity: { passwordCost: TEST_SCRYPT_COST } });
  const app = buildServer(serverDeps(bw));
  await app.ready();
  // Unauthenticated endpoints returning personal data over plain HTTP: both apps get findings.
  await bw.pipeline.ingest([
    ...Array.from({ length: 5 }, (_, i) => ({ kind: 'event' as const, event: normalized(event(A_HOST, '/orders', i)) })),
    ...Array.from({ length: 5 }, (_, i) => ({ kind: 'event' as const, event: normalized(event(B_HOST, '/payments', i)) })),
  ]);
  const admin = await bw.identity.bootstrapAdmin({ email: 'admin@perm.example', password: PASSWORD });
  const caller = { principal: { kind: 'user' as const, id: admin.id, name: admin.email, role: 'admin' as const, applications: 'all' as const } };
  const appA = await bw.identity.createApplication(caller, { name: 'A', matchers: [{ host: A_HOST }] });
  await bw.identity.createApplication(caller, { name: 'B', matchers: [{ host: B_HOST }] });
  const sessions = {} as Record<Role, Session>;
  let someUser = admin.id;
  for (const role of ROLES) {
    const email = `${role}@perm.example`;
    if (role !== 'admin') {
      const { invitation, user } = await bw.identity.inviteUser(caller, { email, role, ...(role === 'workload-owner' ? { applications: [appA.id] } : {}) });
      await bw.identity.acceptInvitation(invitation.token, PASSWORD);
      someUser = user.id;
    }
    sessions[role] = await login(app, role === 'admin' ? 'admin@perm.example' : email);
  }
  const tokens = {} as Record<TokenScope, string>;
  for (const scope of ['ingest', 'read', 'admin'] as const) tokens[scope] = (await issueToken(bw.store, scope, [scope])).token;
  const eps = await bw.store.listEndpoints({ limit: 10 });
  const endpointA = eps.items.find((e) => e.host === A_HOST)!.id;
  const endpointB = eps.items.find((e) => e.host === B_HOST)!.id;
  const fA = await bw.store.listFindings({ host: A_HOST, limit: 1 });
  const fB = await bw.store.listFindings({ host: B_HOST, limit: 1 });
  return {
    dir,
    bw,
    app,
    sessions,
    owner: sessions['workload-owner'],
    tokens,
    ids: { endpointA, endpointB, findingA: fA.items[0]!.id, findingB: fB.items[0]!.id, user: someUser, app: appA.id },
  };
}

function normalized(raw: ReturnType<typeof event>) {
  const r = normalizeEvent(raw, { source: 'ingest-api', limits: DEFAULT_LIMITS });
  if (!r.ok) throw new Error(r.reject.reason);
  return r.event;
}

/** A request per route that exercises the permission gate without changing anything when allowed. */
function probe(w: World, method: string, url: string): { url: string; payload?: string } {
  const missing = 'doesnotexist0000';
  const fill = (u: string, id: string) => u.replace(':id', id);
  switch (`${method} ${url}`) {
    case 'GET /api/v1/endpoints/:id':
      return { url: fill(url, w.ids.endpointA) };
    case 'GET /api/v1/findings/:id':
      return { url: fill(url, w.ids.findingA) };
    case 'POST /api/v1/events':
      return { url, payload: '' };
    default:
      return STATE_CHANGING.has(method) ? { url: fill(url, missing), payload: '{"unexpected": true}' } : { url: fill(url, missing) };
  }
}
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function expectGate(status: number, allowed: boolean, what: string, body: string): void {
  if (allowed) {
    expect([401, 403], `${what} should be allowed: ${body}`).not.toContain(status);
    expect(status, `${what}: ${body}`).toBeLessThan(500);
  } else {
    expect(status, `${what} should be denied: ${body}`).toBe(403);
  }
}

describe('the permission matrix holds on every route', () => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld();
  }, 60_000);
  afterAll(async () => {
    await w.app.close();
    await w.bw.close();
    rmSync(w.dir, { recursive: true, force: true });
  });

  const guarded = ROUTES.filter((r) => r.action !== 'public' && r.url !== '/api/v1/auth/logout');
  const cases = guarded.flatMap((r) => ROLES.map((role) => [`${r.method} ${r.url}`, role, r] as const));

  it.each(cases)('%s as %s', async (_name, role, r) => {
    const s = w.sessions[role];
    const p = probe(w, r.method, r.url);
    const res = await w.app.inject({
      method: r.method,
      url: p.url,
      headers: { cookie: `${SESSION_COOKIE}=${s.cookie}`, 'x-csrf-token': s.csrf, ...(p.payload !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(p.payload !== undefined ? { payload: p.payload } : {}),
    });
    const allowed = r.action === 'authenticated' || ROLE_PERMISSIONS[role].includes(r.action as Action);
    expectGate(res.statusCode, allowed, `${role} ${r.method} ${r.url}`, res.body);
  });

  const tokenCases = guarded.filter((r) => r.url !== '/api/v1/auth/session').flatMap((r) => (['ingest', 'read', 'admin'] as const).map((scope) => [`${r.method} ${r.url}`, scope, r] as const));
  it.each(tokenCases)('%s with a %s token', async (_name, scope, r) => {
    const p = probe(w, r.method, r.url);
    const res = await w.app.inject({
      method: r.method,
      url: p.url,
      headers: { authorization: `Bearer ${w.tokens[scope]}`, ...(p.payload !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(p.payload !== undefined ? { payload: p.payload } : {}),
    });
    const allowed = r.action === 'authenticated' || TOKEN_SCOPE_PERMISSIONS[scope].includes(r.action as Action);
    expectGate(res.statusCode, allowed, `${scope} token ${r.method} ${r.url}`, res.body);
  });

  it('refuses a state-changing console request without the CSRF token, even for an admin', async () => {
    const s = w.sessions.admin;
    for (const headers of [{}, { 'x-csrf-token': 'A'.repeat(43) }]) {
      const res = await w.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: { cookie: `${SESSION_COOKIE}=${s.cookie}`, 'content-type': 'application/json', ...headers },
        payload: JSON.stringify({ name: 'x', scopes: ['read'] }),
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.message).toMatch(/csrf/i);
    }
  });

  it('answers 401 on every non-public route without a credential, and with a forged cookie', async () => {
    for (const r of guarded) {
      for (const headers of [{}, { cookie: `${SESSION_COOKIE}=${'B'.repeat(43)}` }]) {
        const res = await w.app.inject({ method: r.method, url: r.url.replace(':id', 'x'), headers });
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      }
    }
  });

  describe('a workload owner sees only their own applications', () => {
    const get = (url: string) => w.app.inject({ method: 'GET', url, headers: { cookie: `${SESSION_COOKIE}=${w.owner.cookie}` } });

    it('lists only endpoints and findings of application A, totals included', async () => {
      const eps = (await get('/api/v1/endpoints?limit=500')).json() as { items: { host: string }[]; total: number };
      expect(eps.items.length).toBeGreaterThan(0);
      expect(eps.items.every((e) => e.host === A_HOST)).toBe(true);
      expect(eps.total).toBe(eps.items.length);
      const fs = (await get('/api/v1/findings?limit=500')).json() as { items: { host: string }[]; total: number };
      expect(fs.items.length).toBeGreaterThan(0);
      expect(fs.items.every((f) => f.host === A_HOST)).toBe(true);
      expect(fs.total).toBe(fs.items.length);
      // Asking for B explicitly changes nothing.
      expect(((await get(`/api/v1/endpoints?host=${B_HOST}`)).json() as { total: number }).total).toBe(0);
      expect(((await get(`/api/v1/findings?host=${B_HOST}`)).json() as { total: number }).total).toBe(0);
    });

    it('gets 404 for B\'s endpoint and finding by id, as if they did not exist', async () => {
      expect((await get(`/api/v1/endpoints/${w.ids.endpointB}`)).statusCode).toBe(404);
      expect((await get(`/api/v1/findings/${w.ids.findingB}`)).statusCode).toBe(404);
      expect((await get(`/api/v1/endpoints/${w.ids.endpointA}`)).statusCode).toBe(200);
      expect((await get(`/api/v1/findings/${w.ids.findingA}`)).statusCode).toBe(200);
    });

    it('counts, dashboards and exports only A', async () => {
      const all = (await w.app.inject({ method: 'GET', url: '/api/v1/dashboard', headers: { authorization: `Bearer ${w.tokens.read}` } })).json() as { endpoints: number };
      const mine = (await get('/api/v1/dashboard')).json() as { endpoints: number; topRisky: { host: string }[] };
      expect(mine.endpoints).toBeLessThan(all.endpoints);
      expect(mine.topRisky.every((e) => e.host === A_HOST)).toBe(true);
      const csv = (await get('/api/v1/endpoints/export.csv')).body;
      expect(csv).toContain(A_HOST);
      expect(csv).not.toContain(B_HOST);
      const summary = (await get('/api/v1/inventory/summary')).json() as { endpoints: number };
      expect(summary.endpoints).toBe(mine.endpoints);
    });

    it('gets no evidence samples on an endpoint (the matrix does not grant samples:read)', async () => {
      const detail = (await get(`/api/v1/endpoints/${w.ids.endpointA}`)).json() as { samples: unknown[] };
      expect(detail.samples).toEqual([]);
    });
  });
});
