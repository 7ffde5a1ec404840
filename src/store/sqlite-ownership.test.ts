import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '../contracts/endpoint.js';
import type { Application } from '../contracts/identity.js';
import { applicationOf } from '../identity/applications.js';
import { makeEndpoint, makeFinding, risk } from './fixtures/builders.js';
import { migrateSqlite, SQLITE_MIGRATIONS } from './migrations/sqlite.js';
import { createSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import type { Store } from './store.js';

/**
 * Schema step 7 on databases written by the release before it, and what the SQLite adapter does at start
 * with the business-criticality settings.
 */
describe('sqlite ownership: schema step 7 and business risk settings', () => {
  let dir: string;
  const open: Store[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-ownership-'));
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function openStore(path: string, opts: Partial<SqliteStoreOptions> = {}): Promise<Store> {
    const s = createSqliteStore({ path, ...opts });
    open.push(s);
    await s.init();
    return s;
  }

  // Created out of order on purpose (created_ms decides, not insertion), overlapping: a wildcard, a path
  // prefix inside another application's host, several matchers each, hosts written with case and port.
  const APPS: Array<Pick<Application, 'id' | 'name' | 'matchers'> & { createdMs: number }> = [
    { id: 'app-zeta', name: 'Zeta', createdMs: 3, matchers: [{ host: '*.shop.example' }] },
    { id: 'app-billing', name: 'Billing', createdMs: 1, matchers: [{ host: 'API.shop.example:443', pathPrefix: '/billing' }, { host: 'pay.example' }] },
    { id: 'app-shop', name: 'Shop', createdMs: 2, matchers: [{ host: 'api.shop.example' }, { host: 'legacy.example', pathPrefix: '/v1/' }] },
  ];
  const ENDPOINTS: Endpoint[] = [
    makeEndpoint({ id: 'ep-bill', host: 'api.shop.example', pathTemplate: '/billing/{id}' }),
    makeEndpoint({ id: 'ep-billx', host: 'api.shop.example', pathTemplate: '/billingx' }),
    makeEndpoint({ id: 'ep-cart', host: 'api.shop.example', pathTemplate: '/cart' }),
    makeEndpoint({ id: 'ep-cdn', host: 'cdn.shop.example', pathTemplate: '/img/{name}' }),
    makeEndpoint({ id: 'ep-pay', host: 'pay.example', pathTemplate: '/charges' }),
    makeEndpoint({ id: 'ep-legacy', host: 'legacy.example', pathTemplate: '/v1/orders' }),
    makeEndpoint({ id: 'ep-legacy2', host: 'legacy.example', pathTemplate: '/v2/orders' }),
    makeEndpoint({ id: 'ep-none', host: 'other.example', pathTemplate: '/x' }),
  ];
  const SPEC_TEXT = ['openapi: 3.0.3', 'x-owner: ledger-team', 'info: { title: Ledger, version: "1" }', 'paths:', '  /cart:', '    get: { tags: [Checkout], responses: {} }'].join('\n');

  /** A file at schema 6 as release 6 wrote it: applications with matchers, endpoints and findings assigned by them. */
  function version6Database(): string {
    const path = join(dir, 'v6.db');
    const db = new Database(path);
    migrateSqlite(db, SQLITE_MIGRATIONS.filter((m) => m.version <= 6));
    const inCreationOrder = [...APPS].sort((a, b) => a.createdMs - b.createdMs);
    // What release 6 stored: applicationOf over the applications in creation order.
    const assigned = (host: string, path: string) => applicationOf(host, path, inCreationOrder);
    // Specs: the first application with a matcher for one of its hosts, path prefixes aside.
    const specAssigned = (host: string) => applicationOf(host, '/', inCreationOrder.map((a) => ({ id: a.id, matchers: a.matchers.map((m) => ({ host: m.host })) })));
    const at = (ms: number) => new Date(ms).toISOString();
    for (const a of APPS) {
      db.prepare('INSERT INTO applications (id, name, name_key, owners, matchers, created_at, created_ms, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        a.id, a.name, a.name.toLowerCase(), '[]', JSON.stringify(a.matchers), at(a.createdMs), a.createdMs, at(a.createdMs),
      );
    }
    const insertEndpoint = db.prepare(`
      INSERT INTO endpoints (id, host, api, application_id, method, path_template, risk_score, risk_level, internet_exposed, authenticated,
        plain_http, calls, consumers, first_seen, first_seen_ms, last_seen, last_seen_ms, documented, data_classes, auth_kinds, search_text, doc, state)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 1, 0, 10, 2, ?, 0, ?, 0, 0, '[]', '["bearer-jwt"]', ?, ?, 'null')`);
    for (const e of ENDPOINTS) {
      const { applicationId: _, ...doc } = e;
      insertEndpoint.run(e.id, e.host, e.api, assigned(e.host, e.pathTemplate), e.method, e.pathTemplate, e.risk.score, e.risk.level, e.firstSeen, e.lastSeen, `${e.host}\n${e.pathTemplate}`, JSON.stringify(doc));
    }
    const insertFinding = db.prepare(`
      INSERT INTO findings (id, rule_id, severity, severity_rank, endpoint_id, host, status, first_seen, first_seen_ms, last_seen, last_seen_ms,
        count, resolved_at, doc, application_id, owasp, path_template, search_text)
      VALUES (?, 'auth-missing', 'high', 3, ?, ?, 'open', ?, 0, ?, 0, 1, NULL, ?, ?, 'API2:2023', ?, '')`);
    const findings = [
      ...ENDPOINTS.map((e) => makeFinding({ id: `f-${e.id}`, endpointId: e.id, host: e.host, pathTemplate: e.pathTemplate })),
      // Host-level: matched on its own host and path `/`.
      makeFinding({ id: 'f-host', endpointId: null, host: 'pay.example', method: null, pathTemplate: null }),
    ];
    for (const f of findings) insertFinding.run(f.id, f.endpointId, f.host, f.firstSeen, f.lastSeen, JSON.stringify(f), assigned(f.host, f.pathTemplate ?? '/'), f.pathTemplate);
    // A spec (registered in release 4) covering api.shop.example, documenting /cart (coverage: release 5).
    db.prepare(`INSERT INTO specs (id, name, name_key, search_text, hosts, hosts_source, apis, application_id, pinned_application_id, created_at, created_ms,
      updated_at, updated_ms, latest_version) VALUES ('sp-1', 'Ledger', 'ledger', 'ledger', '["api.shop.example"]', 'servers', '[]', ?, NULL, ?, 0, ?, 0, 1)`).run(
      specAssigned('api.shop.example'), at(0), at(0),
    );
    db.prepare(`INSERT INTO spec_versions (spec_id, version, created_at, created_ms, created_by_kind, created_by_id, source, sha256, bytes, dialect,
      declared_version, title, info_version, operations, score_formula, score_total, score_security, score_data_validation, findings_total,
      findings_critical, findings_high, findings_medium, findings_low, findings_info, findings_truncated, findings, text)
      VALUES ('sp-1', 1, ?, 0, 'system', NULL, 'ledger.yaml', ?, 10, 'openapi-3.0', '3.0.3', 'Ledger', '1', 1, 'f', 80, 60, 20, 0, 0, 0, 0, 0, 0, 0, '[]', ?)`).run(
      at(0), 'a'.repeat(64), SPEC_TEXT,
    );
    const coverage = { status: 'documented', specId: 'sp-1', specName: 'Ledger', version: 1, operation: { method: 'GET', path: '/cart', operationId: null, deprecated: false } };
    db.prepare("INSERT INTO endpoint_coverage (endpoint_id, status, spec_id, doc) VALUES ('ep-cart', 'documented', 'sp-1', ?)").run(JSON.stringify(coverage));
    db.close();
    return path;
  }

  function assignments(path: string): { endpoints: unknown[]; findings: unknown[]; specs: unknown[] } {
    const db = new Database(path, { readonly: true });
    try {
      return {
        endpoints: db.prepare('SELECT id, application_id FROM endpoints ORDER BY id').all(),
        findings: db.prepare('SELECT id, application_id FROM findings ORDER BY id').all(),
        specs: db.prepare('SELECT id, application_id FROM specs ORDER BY id').all(),
      };
    } finally {
      db.close();
    }
  }

  it('turns each application\'s matchers into rules in creation order: every assignment is the same before and after, and after a full re-assignment', async () => {
    const path = version6Database();
    const before = assignments(path);
    // The fixture covers the cases that matter: every application claims something, and something is unclaimed.
    expect(new Set((before.endpoints as { application_id: string | null }[]).map((e) => e.application_id))).toEqual(new Set(['app-billing', 'app-shop', 'app-zeta', null]));

    const store = await openStore(path);
    expect(assignments(path)).toEqual(before);
    expect(await store.listOwnershipRules()).toEqual([
      { id: 'app-billing:1', application: 'app-billing', match: { host: 'API.shop.example:443', pathPrefix: '/billing' } },
      { id: 'app-billing:2', application: 'app-billing', match: { host: 'pay.example' } },
      { id: 'app-shop:1', application: 'app-shop', match: { host: 'api.shop.example' } },
      { id: 'app-shop:2', application: 'app-shop', match: { host: 'legacy.example', pathPrefix: '/v1/' } },
      { id: 'app-zeta:1', application: 'app-zeta', match: { host: '*.shop.example' } },
    ]);
    // Applications read back with their matchers (now their host rules) and the default metadata.
    expect(await store.getApplication('app-billing')).toMatchObject({ matchers: APPS[1]!.matchers, team: null, contacts: [], criticality: 'medium', dataTags: [] });

    // The new evaluation over the migrated list decides exactly what the old one did.
    expect(await store.replaceOwnershipRules(await store.listOwnershipRules())).toEqual({ endpointsReassigned: 0 });
    expect(assignments(path)).toEqual(before);
    // And new saves agree with it.
    await store.saveEndpoints(ENDPOINTS.map((endpoint) => ({ endpoint, state: null })));
    expect(assignments(path).endpoints).toEqual(before.endpoints);
  });

  it('reads the owners and operation tags of stored spec texts, for the spec rules', async () => {
    const store = await openStore(version6Database());
    expect((await store.ownershipSubject('ep-cart'))?.spec).toEqual({ id: 'sp-1', name: 'Ledger', title: 'Ledger', owners: ['ledger-team'], tags: ['Checkout'] });
    const rules = await store.listOwnershipRules();
    await store.replaceOwnershipRules([{ id: 'checkout', application: 'app-zeta', match: { specTag: 'checkout' } }, ...rules]);
    expect((await store.getEndpoint('ep-cart'))?.applicationId).toBe('app-zeta');
    expect((await store.getSpec('sp-1'))?.applicationId).toBe('app-zeta');
  });

  it('adds the business factor to migrated endpoints at the first start, and re-scores when the configured weight changes', async () => {
    const path = version6Database();
    let store = await openStore(path);
    // ep-cart: traffic risk 1.5 (low), Shop is medium: + 0.5.
    expect((await store.listEndpoints({ application: 'app-shop', sort: 'path' })).items.map((i) => [i.id, i.riskScore])).toEqual([
      ['ep-billx', 2],
      ['ep-cart', 2],
      ['ep-legacy', 2],
    ]);
    expect((await store.getEndpoint('ep-none'))?.risk).toEqual(risk(1.5, 'low'));
    await store.close();

    store = await openStore(path, { businessRisk: { weight: 4, levels: { medium: 3.5, high: 6, critical: 8 } } });
    expect((await store.getEndpoint('ep-cart'))?.risk).toMatchObject({ score: 3.5, level: 'medium' });
    // Every owned endpoint (all but ep-none and ep-legacy2, whose /v2 no rule claims).
    expect((await store.listEndpoints({ riskLevel: 'medium' })).total).toBe(6);
    // Weight 0: the factor goes, the traffic score stays.
    await store.close();
    store = await openStore(path, { businessRisk: { weight: 0, levels: { medium: 3.5, high: 6, critical: 8 } } });
    expect((await store.getEndpoint('ep-cart'))?.risk).toEqual(risk(1.5, 'low'));
  });
});
