import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { openBulwark, type Bulwark } from '../app/context.js';
import { createLogger } from '../util/logger.js';
import { ensureAdminToken, startServer, type RunningServer } from './serve.js';
import { hashToken } from './tokens.js';

/** End to end over a real loopback socket: the server as `bulwark serve` runs it, spoken to with `fetch`. */

const FIXTURE_NDJSON = path.join(import.meta.dirname, '..', 'sources', 'fixtures', 'events.ndjson');

async function openTemp(dir: string): Promise<Bulwark> {
  return openBulwark(loadConfig({ env: { BULWARK_DATA_DIR: dir } }), createLogger('silent'), {});
}

/** Every byte the store keeps on disk: the database and its WAL/journal side files. */
function storeBytes(dir: string): Buffer {
  return Buffer.concat(
    readdirSync(dir)
      .filter((f) => f.startsWith('bulwark.db'))
      .map((f) => readFileSync(path.join(dir, f))),
  );
}

describe('the server over a real socket', () => {
  let dir: string;
  let bw: Bulwark;
  let server: RunningServer;
  let admin: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bulwark-socket-'));
    bw = await openTemp(dir);
    const first = await ensureAdminToken(bw);
    if (!first) throw new Error('ensureAdminToken returned null on an empty store');
    admin = first;
    server = await startServer(bw, { host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    await bw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (urlPath: string, init: RequestInit & { token?: string | null } = {}) => {
    const { token = admin, headers, ...rest } = init;
    return fetch(`${server.url}${urlPath}`, {
      ...rest,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(headers as Record<string, string> | undefined) },
      signal: AbortSignal.timeout(10_000),
    });
  };

  it('refuses headers beyond the configured size with 431, before any route runs', async () => {
    const limit = bw.config.server.maxHeaderBytes;
    const fits = await call('/api/v1/inventory/summary', { headers: { 'x-note': 'a'.repeat(limit / 2) } });
    expect(fits.status).toBe(200);
    const tooBig = await call('/api/v1/inventory/summary', { headers: { 'x-note': 'a'.repeat(limit + 1) } });
    expect(tooBig.status).toBe(431);
    // The server is still there for the next client.
    expect((await call('/healthz')).status).toBe(200);
  });

  it('listens on the loopback address it was given, on an ephemeral port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(new URL(server.url).port);
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(bw.config.server.port);
  });

  it('refuses an anonymous caller with 401, a JSON error body and the security headers', async () => {
    const res = await call('/api/v1/inventory/summary', { token: null });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unauthenticated');
  });

  it('ingests the NDJSON fixture file and reads the endpoints back', async () => {
    const nd = readFileSync(FIXTURE_NDJSON);
    const res = await call('/api/v1/events', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: nd });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { accepted: number; rejected: number; rejects: Array<{ index: number; reason: string }> };
    // The fixture carries two good events, one truncated line and one unknown method.
    expect(report).toEqual({
      accepted: 2,
      rejected: 2,
      rejects: [
        { index: 4, reason: 'invalid JSON' },
        { index: 5, reason: expect.stringMatching(/method/) },
      ],
    });

    const summary = (await (await call('/api/v1/inventory/summary')).json()) as { endpoints: number; hosts: number };
    expect(summary).toMatchObject({ endpoints: 2, hosts: 1 });
    const list = (await (await call('/api/v1/endpoints?sort=path&order=asc')).json()) as {
      items: Array<{ id: string; method: string; host: string; pathTemplate: string }>;
    };
    expect(list.items.map((e) => `${e.method} ${e.host}${e.pathTemplate}`)).toEqual(['POST api.example.com/v1/users', 'GET api.example.com/v1/users/{user_id}']);

    const getUser = list.items.find((e) => e.method === 'GET')!;
    const detail = (await (await call(`/api/v1/endpoints/${getUser.id}`)).json()) as { endpoint: { id: string; calls: number }; samples: unknown[] };
    expect(detail.endpoint.id).toBe(getUser.id);
    expect(detail.endpoint.calls).toBe(1);
    // The fixture's bearer credential "t0k3n" must not come back in the sample.
    expect(JSON.stringify(detail.samples)).not.toContain('t0k3n');
  });

  it('ingests a gzipped NDJSON body sent over the socket', async () => {
    const lines = [0, 1, 2].map((i) => JSON.stringify({ timestamp: '2026-03-02T10:00:00Z', request: { method: 'GET', url: `https://shop.example.com/v2/items/${100 + i}` }, response: { status: 200 } }));
    const res = await call('/api/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
      body: gzipSync(lines.join('\n')),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 3, rejected: 0 });
    const page = (await (await call('/api/v1/endpoints?host=shop.example.com')).json()) as { total: number; items: Array<{ calls: number }> };
    expect(page.items.reduce((n, e) => n + e.calls, 0)).toBe(3);
  });

  it('ensureAdminToken creates a token at first start only', async () => {
    expect(admin).toMatch(/^bwk_[a-f0-9]{12}_[A-Za-z0-9_-]{32,64}$/);
    // The first token works over the socket as admin.
    expect((await call('/api/v1/tokens')).status).toBe(200);
    // Second start of the same data dir: nothing new is created, nothing is shown.
    expect(await ensureAdminToken(bw)).toBeNull();
    expect(await ensureAdminToken(bw)).toBeNull();
    const admins = (await bw.store.listTokens()).filter((t) => t.scopes.includes('admin'));
    expect(admins).toHaveLength(1);
  });

  it('stores tokens hashed: neither the first admin token nor a token created over the API appears in the SQLite files', async () => {
    const created = await call('/api/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ci', scopes: ['ingest'] }) });
    expect(created.status).toBe(201);
    const { token: ciToken } = (await created.json()) as { token: string };
    expect(ciToken).toMatch(/^bwk_/);
    // Use it once so that lastUsedAt is written too.
    expect((await call('/api/v1/inventory/summary', { token: ciToken })).status).toBe(403);

    const bytes = storeBytes(dir);
    expect(bytes.length).toBeGreaterThan(0);
    for (const t of [admin, ciToken]) {
      const secret = t.split('_').slice(2).join('_');
      expect(bytes.includes(Buffer.from(t)), 'whole token on disk').toBe(false);
      expect(bytes.includes(Buffer.from(secret)), 'token secret on disk').toBe(false);
      // What is on disk is the hash (so the check above looked at the right file).
      expect(bytes.includes(Buffer.from(hashToken(t))), 'hash on disk').toBe(true);
    }
  });
});

describe('ensureAdminToken across restarts of the same data dir', () => {
  it('returns a token on the first open and null on the next, and the first token still works after a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-restart-'));
    try {
      const first = await openTemp(dir);
      const token = await ensureAdminToken(first);
      await first.close();
      expect(token).toMatch(/^bwk_/);

      const second = await openTemp(dir);
      let server: RunningServer | undefined;
      try {
        expect(await ensureAdminToken(second)).toBeNull();
        server = await startServer(second, { host: '127.0.0.1', port: 0 });
        const res = await fetch(`${server.url}/api/v1/tokens`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
        expect(res.status).toBe(200);
        const { items } = (await res.json()) as { items: Array<{ name: string; scopes: string[] }> };
        expect(items).toEqual([expect.objectContaining({ name: 'initial admin', scopes: ['admin'] })]);
      } finally {
        await server?.close();
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates a new admin token when every admin token has been revoked', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-revoked-'));
    const bw = await openTemp(dir);
    try {
      const first = await ensureAdminToken(bw);
      expect(first).not.toBeNull();
      const [record] = await bw.store.listTokens();
      await bw.store.revokeToken(record!.id);
      const second = await ensureAdminToken(bw);
      expect(second).toMatch(/^bwk_/);
      expect(second).not.toBe(first);
    } finally {
      await bw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
