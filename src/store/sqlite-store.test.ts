import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-errors.js';
import { dataClasses, makeEndpoint, makeFinding } from './fixtures/builders.js';
import { makeCase } from '../cases/fixtures/builders.js';
import { migrateSqlite, SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION, sqliteSchemaVersion } from './migrations/sqlite.js';
import { createSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';
import { storeContract } from './store.contract.js';
import { StoreFailure } from './store-errors.js';
import { APPLICATION_DEFAULTS } from '../contracts/identity.js';

storeContract('sqlite :memory:', async () => createSqliteStore({ path: ':memory:' }));

const tempDirs = new Map<Store, string>();
storeContract(
  'sqlite file',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-store-'));
    const store = createSqliteStore({ path: join(dir, 'nested', 'bulwark.db') });
    tempDirs.set(store, dir);
    return store;
  },
  async (store) => {
    const dir = tempDirs.get(store);
    tempDirs.delete(store);
    if (dir) rmSync(dir, { recursive: true, force: true });
  },
  { reopen: async (closed) => createSqliteStore({ path: join(tempDirs.get(closed)!, 'nested', 'bulwark.db') }) },
);

describe('sqlite store specifics', () => {
  let dir: string;
  let dbPath: string;
  const open: Store[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bulwark-sqlite-'));
    dbPath = join(dir, '.bulwark', 'bulwark.db');
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function openStore(path = dbPath): Promise<Store> {
    const s = createSqliteStore({ path });
    open.push(s);
    await s.init();
    return s;
  }

  /** A database file at schema `version` holding one application, Shop (`*.shop.example`); its path. */
  function olderDatabaseWithShop(version: number): string {
    const path = join(dir, `v${version}.db`);
    const db = new Database(path);
    migrateSqlite(db, SQLITE_MIGRATIONS.filter((m) => m.version <= version));
    db.prepare(`INSERT INTO applications (id, name, name_key, owners, matchers, created_at, created_ms, updated_at)
      VALUES ('app-shop', 'Shop', 'shop', '[]', '[{"host":"*.shop.example"}]', '2026-01-01T00:00:00.000Z', 0, '2026-01-01T00:00:00.000Z')`).run();
    db.close();
    return path;
  }

  function inspect<T>(fn: (db: Database.Database) => T): T {
    const db = new Database(dbPath, { readonly: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  }

  it('does not touch the disk before init()', () => {
    createSqliteStore({ path: dbPath });
    expect(() => statSync(join(dir, '.bulwark'))).toThrow();
  });

  it('creates the parent directory, uses WAL, and sets the pragmas on its own connection', async () => {
    const store = await openStore();
    await store.setMeta('k', 1);
    expect(statSync(join(dir, '.bulwark')).isDirectory()).toBe(true);
    expect(inspect((db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
  });

  it('creates the database and its WAL owner-only (0600), and tightens an existing file', async () => {
    const store = await openStore();
    await store.setMeta('installation', { secret: 'x' });
    expect(statSync(dbPath).mode & 0o777).toBe(0o600);
    expect(statSync(`${dbPath}-wal`).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, '.bulwark')).mode & 0o077).toBe(0);
    await store.close();

    const { chmodSync } = await import('node:fs');
    chmodSync(dbPath, 0o644);
    await openStore();
    expect(statSync(dbPath).mode & 0o777).toBe(0o600);
  });

  it('records the schema version and does not re-apply migrations', async () => {
    const store = await openStore();
    await store.init();
    await store.close();
    await openStore();
    const versions = inspect((db) => db.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all());
    expect(versions).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
    expect(inspect(sqliteSchemaVersion)).toBe(SQLITE_SCHEMA_VERSION);
  });

  it('upgrades a database written by the previous schema, keeping its data and staying usable', async () => {
    // Today's schema plays "the old release"; a synthetic next step plays the upgrade. This runs the real
    // upgrade path (init() on an existing file) whatever the number of released steps.
    const old = await openStore();
    await old.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-1', dataClasses: dataClasses('email') }), state: { n: 1 } }]);
    await old.saveFindings([makeFinding({ id: 'f-1', endpointId: 'ep-1' })]);
    await old.setMeta('installation', { secret: 's' });
    await old.close();

    const next = SQLITE_SCHEMA_VERSION + 1;
    const upgraded = createSqliteStore({
      path: dbPath,
      migrations: [
        ...SQLITE_MIGRATIONS,
        { version: next, name: 'endpoint owner', sql: 'ALTER TABLE endpoints ADD COLUMN owner TEXT; CREATE INDEX endpoints_owner ON endpoints (owner);' },
      ],
    });
    open.push(upgraded);
    await upgraded.init();

    expect(inspect(sqliteSchemaVersion)).toBe(next);
    expect(await upgraded.getMeta('installation')).toEqual({ secret: 's' });
    expect(await upgraded.loadEndpointStates()).toEqual([{ endpoint: makeEndpoint({ id: 'ep-1', dataClasses: dataClasses('email') }), state: { n: 1 } }]);
    expect((await upgraded.listEndpoints({ dataClass: 'email' })).total).toBe(1);
    await upgraded.saveFindings([makeFinding({ id: 'f-1', endpointId: 'ep-1' })]);
    expect((await upgraded.getFinding('f-1'))?.count).toBe(2);
  });

  it('migrates a version-2 database with data: the backfill fills the new columns', async () => {
    // Written as release 2 wrote it: its schema, its columns, documents without the new fields.
    const path = join(dir, 'v2.db');
    const v2 = new Database(path);
    migrateSqlite(v2, SQLITE_MIGRATIONS.filter((m) => m.version <= 2));
    const insertEndpoint = v2.prepare(`
      INSERT INTO endpoints (id, host, api, method, path_template, risk_score, risk_level, internet_exposed, authenticated,
        plain_http, calls, consumers, first_seen, first_seen_ms, last_seen, last_seen_ms, documented, data_classes, search_text, doc, state)
      VALUES (?, ?, ?, ?, ?, 5, 'medium', 0, 0, 0, 10, 2, '2026-01-01T00:00:00.000Z', 0, '2026-01-02T00:00:00.000Z', 0, 0, ?, ?, ?, '{"n":1}')`);
    const insertFinding = v2.prepare(`
      INSERT INTO findings (id, rule_id, severity, severity_rank, endpoint_id, host, status, first_seen, first_seen_ms, last_seen,
        last_seen_ms, count, resolved_at, doc)
      VALUES (?, ?, 'high', 3, ?, ?, 'open', '2026-01-01T00:00:00.000Z', 0, '2026-01-02T00:00:00.000Z', 0, 1, NULL, ?)`);
    const endpoints = [
      makeEndpoint({ id: 'ep-1', host: 'Shop.example.com', pathTemplate: '/Billing/{id}', auth: { kinds: { none: 2, basic: 0, 'bearer-jwt': 3 }, jwt: null }, dataClasses: dataClasses('email') }),
      makeEndpoint({ id: 'ep-2', host: 'other.example.com', pathTemplate: '/x' }),
    ];
    for (const e of endpoints) {
      const { applicationId: _, ...doc } = e;
      const classes = e.dataClasses.map((d) => d.dataClass);
      insertEndpoint.run(e.id, e.host, e.api, e.method, e.pathTemplate, JSON.stringify(classes), `${e.host}\n${e.pathTemplate}`.toLowerCase(), JSON.stringify(doc));
    }
    v2.prepare("INSERT INTO endpoint_data_classes (endpoint_id, data_class) VALUES ('ep-1', 'email')").run();
    const findings = [
      makeFinding({ id: 'f-1', endpointId: 'ep-1', host: 'Shop.example.com', pathTemplate: '/Billing/{id}', owasp: 'API8:2023', title: 'Größe Überraschung' }),
      makeFinding({ id: 'f-2', endpointId: null, host: 'shop.example.com', method: null, pathTemplate: null, owasp: 'API2:2023' }),
      makeFinding({ id: 'f-3', endpointId: 'ep-2', host: 'other.example.com', pathTemplate: '/x' }),
    ];
    for (const f of findings) insertFinding.run(f.id, f.ruleId, f.endpointId, f.host, JSON.stringify(f));
    v2.prepare(`INSERT INTO applications (id, name, name_key, owners, matchers, created_at, created_ms, updated_at)
      VALUES ('app-shop', 'Shop', 'shop', '[]', '[{"host":"shop.example.com"}]', '2026-01-01T00:00:00.000Z', 0, '2026-01-01T00:00:00.000Z')`).run();
    v2.close();

    const store = await openStore(path);
    const db = new Database(path, { readonly: true });
    try {
      expect(sqliteSchemaVersion(db)).toBe(SQLITE_SCHEMA_VERSION);
      expect(db.prepare('SELECT id, application_id, auth_kinds FROM endpoints ORDER BY id').all()).toEqual([
        { id: 'ep-1', application_id: 'app-shop', auth_kinds: '["bearer-jwt","none"]' },
        { id: 'ep-2', application_id: null, auth_kinds: '["bearer-jwt"]' },
      ]);
      expect(db.prepare('SELECT id, application_id, owasp, path_template, search_text FROM findings ORDER BY id').all()).toEqual([
        { id: 'f-1', application_id: 'app-shop', owasp: 'API8:2023', path_template: '/Billing/{id}', search_text: 'größe überraschung\nshop.example.com\n/billing/{id}' },
        { id: 'f-2', application_id: 'app-shop', owasp: 'API2:2023', path_template: null, search_text: `${findings[1]!.title.toLowerCase()}\nshop.example.com\n` },
        { id: 'f-3', application_id: null, owasp: 'API2:2023', path_template: '/x', search_text: `${findings[2]!.title.toLowerCase()}\nother.example.com\n/x` },
      ]);
    } finally {
      db.close();
    }
    // Everything reads back through the store, and every new filter works on migrated rows.
    // The business factor of Shop (criticality medium by default) comes on top of the stored score (5, medium).
    const business = { id: 'business-criticality', label: 'Business criticality', weight: 1, value: 0.5, points: 0.5, detail: 'Shop: medium' };
    const ep1 = endpoints[0]!;
    expect(await store.getEndpoint('ep-1')).toEqual({ ...ep1, applicationId: 'app-shop', risk: { ...ep1.risk, score: 5.5, level: 'medium', factors: [...ep1.risk.factors, business] } });
    expect((await store.listEndpoints({ application: 'app-shop' })).items.map((i) => i.riskScore)).toEqual([5.5]);
    expect(await store.loadEndpointStates()).toHaveLength(2);
    expect((await store.listEndpoints({ authKind: 'none' })).items.map((i) => [i.id, i.authKinds, i.applicationId])).toEqual([['ep-1', ['bearer-jwt', 'none'], 'app-shop']]);
    expect((await store.listEndpoints({ scope: ['app-shop'], dataClass: 'email' })).total).toBe(1);
    expect((await store.getFinding('f-1'))?.applicationId).toBe('app-shop');
    // Lower-cased in JS, so non-ASCII capitals match too (SQL lower() would leave them).
    expect((await store.listFindings({ search: 'GRÖẞE' })).total).toBe(1);
    expect((await store.listFindings({ search: 'ÜBERRASCHUNG' })).items.map((f) => f.id)).toEqual(['f-1']);
    expect((await store.listFindings({ owasp: 'API2:2023', application: 'app-shop' })).items.map((f) => f.id)).toEqual(['f-2']);
    // The rebuilt endpoints table kept its foreign key: removing an endpoint still removes its classes.
    await store.saveEndpoints([], ['ep-1']);
    expect((await store.listEndpoints({ dataClass: 'email' })).total).toBe(0);
    const check = new Database(path, { readonly: true });
    try {
      expect(check.prepare('SELECT COUNT(*) FROM endpoint_data_classes').pluck().get()).toBe(0);
      expect(check.pragma('foreign_key_check')).toEqual([]);
    } finally {
      check.close();
    }
  });

  it('sees applications created by another connection on the same file when it assigns', async () => {
    const a = await openStore();
    const b = await openStore();
    await a.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-1', host: 'shop.example.com' }), state: null }]);
    await b.createApplication({ ...APPLICATION_DEFAULTS, id: 'app-1', name: 'Shop', owners: [], matchers: [{ host: 'shop.example.com' }], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
    expect((await a.getEndpoint('ep-1'))?.applicationId).toBe('app-1');
    // a's cached application list must not hide b's application.
    await a.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-2', host: 'shop.example.com', pathTemplate: '/x' }), state: null }]);
    expect((await a.getEndpoint('ep-2'))?.applicationId).toBe('app-1');
    await b.deleteApplication('app-1');
    await a.saveFindings([makeFinding({ id: 'f-1', endpointId: null, host: 'shop.example.com' })]);
    expect((await a.getFinding('f-1'))?.applicationId).toBeNull();
  });

  it('migrates a version-3 database to the spec registry: applications it holds claim the specs added after', async () => {
    const path = olderDatabaseWithShop(3);

    const store = await openStore(path);
    const version = {
      createdAt: '2026-02-01T00:00:00.000Z', createdBy: { kind: 'system' as const, id: 'cli' }, source: 'api.yaml', sha256: 'a'.repeat(64), bytes: 10,
      dialect: 'openapi-3.0' as const, declaredVersion: '3.0.3', title: 'Shop', infoVersion: '1', operations: 1,
      score: { formula: 'bulwark-spec-score/1', total: 50, security: 30, dataValidation: 20 },
      findingCounts: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, findingsTotal: 0, text: 'openapi: 3.0.3', findings: [], findingsTruncated: false,
    };
    const spec = await store.createSpec({ id: 'spec-1', name: 'Shop', links: { hosts: ['api.shop.example'], hostsSource: 'servers', apis: [], pinnedApplicationId: null } }, version);
    expect(spec.applicationId).toBe('app-shop');
    const db = new Database(path, { readonly: true });
    try {
      expect(sqliteSchemaVersion(db)).toBe(SQLITE_SCHEMA_VERSION);
      expect(db.prepare('SELECT spec_id, host FROM spec_hosts').all()).toEqual([{ spec_id: 'spec-1', host: 'api.shop.example' }]);
    } finally {
      db.close();
    }
  });

  it('migrates a version-5 database to threat cases: its applications and audit chain carry on', async () => {
    const path = olderDatabaseWithShop(5);

    const store = await openStore(path);
    const { ref: _ref, ...c } = makeCase({ id: 'c1', target: 'app:app-shop', applicationId: 'app-shop' });
    const saved = await store.saveIssueBatch({ at: c.createdAt, newCases: [{ ...c, issueSeverity: 'high' }], growth: [], issues: [], folds: [] });
    expect(saved.cases[0]).toMatchObject({ ref: 'C-1', applicationId: 'app-shop' });
    const db = new Database(path, { readonly: true });
    try {
      expect(sqliteSchemaVersion(db)).toBe(SQLITE_SCHEMA_VERSION);
    } finally {
      db.close();
    }
    await store.deleteApplication('app-shop');
    expect((await store.getCase('c1'))?.applicationId).toBeNull();
  });

  it('applies only pending steps, in one transaction', () => {
    const db = new Database(':memory:');
    migrateSqlite(db);
    db.prepare("INSERT INTO meta (key, value) VALUES ('k', '1')").run();
    const next = SQLITE_SCHEMA_VERSION + 1;
    const v = migrateSqlite(db, [
      ...SQLITE_MIGRATIONS,
      { version: next, name: 'add a column', sql: 'ALTER TABLE meta ADD COLUMN updated_at TEXT' },
    ]);
    expect(v).toBe(next);
    expect(db.prepare("SELECT value, updated_at FROM meta WHERE key = 'k'").get()).toEqual({ value: '1', updated_at: null });

    // A failing step leaves neither its own changes nor a version record behind.
    expect(() =>
      migrateSqlite(db, [
        ...SQLITE_MIGRATIONS,
        { version: next, name: 'add a column', sql: 'ALTER TABLE meta ADD COLUMN updated_at TEXT' },
        { version: next + 1, name: 'broken', sql: 'CREATE TABLE extra (x INTEGER); SELECT * FROM no_such_table' },
      ]),
    ).toThrow();
    expect(sqliteSchemaVersion(db)).toBe(next);
    expect(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'extra'").get()).toBeUndefined();
    db.close();
  });

  it('refuses a database from a newer Bulwark', async () => {
    const path = join(dir, 'future.db');
    const db = new Database(path);
    migrateSqlite(db);
    db.prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (999, 'future', '2030-01-01')").run();
    db.close();
    const store = createSqliteStore({ path });
    open.push(store);
    await expect(store.init()).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('newer') });
  });

  it('wraps driver errors: the caller sees "store error", the log sees the operation and driver code, no values', async () => {
    const store = await openStore();
    await store.saveFindings([makeFinding({ id: 'f-1' })]);
    // Corrupt a row from outside so the next read fails inside the adapter.
    const db = new Database(dbPath);
    db.prepare("UPDATE findings SET doc = 'secret-value-not-json' WHERE id = 'f-1'").run();
    db.close();

    const err = (await store.getFinding('f-1').catch((e: unknown) => e)) as DomainError;
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'internal', message: 'store error' });
    expect(err.cause).toBeInstanceOf(StoreFailure);
    expect(err.cause).toMatchObject({ operation: 'getFinding' });
    expect(String((err.cause as Error).message)).not.toContain('secret-value');

    // A constraint failure from the driver keeps its code for the logs.
    const db2 = new Database(dbPath);
    db2.exec("CREATE TRIGGER no_meta BEFORE INSERT ON meta BEGIN SELECT RAISE(ABORT, 'blocked'); END");
    db2.close();
    const err2 = (await store.setMeta('x', 1).catch((e: unknown) => e)) as DomainError;
    expect(err2).toMatchObject({ code: 'internal', message: 'store error' });
    expect(err2.cause).toMatchObject({ operation: 'setMeta', driverCode: expect.stringMatching(/^SQLITE_/) });
  });

  it('cascades data-class rows when an endpoint is removed (foreign keys are on)', async () => {
    const store = await openStore();
    await store.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-1', dataClasses: dataClasses('email', 'iban') }), state: null }]);
    expect(inspect((db) => db.prepare('SELECT COUNT(*) FROM endpoint_data_classes').pluck().get())).toBe(2);
    await store.saveEndpoints([], ['ep-1']);
    expect(inspect((db) => db.prepare('SELECT COUNT(*) FROM endpoint_data_classes').pluck().get())).toBe(0);
  });

  it('waits for a lock held by another process up to the busy timeout, then fails as a store error', async () => {
    const store = createSqliteStore({ path: dbPath, busyTimeoutMs: 150 });
    open.push(store);
    await store.init();
    const other = new Database(dbPath);
    other.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    try {
      await expect(store.setMeta('k', 1)).rejects.toMatchObject({ code: 'internal', cause: { driverCode: 'SQLITE_BUSY' } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await store.setMeta('k', 1);
    expect(await store.getMeta('k')).toBe(1);
  });

  it('refuses UPDATE and DELETE on the audit log (a guard against bugs; the hash chain covers tampering)', async () => {
    const store = await openStore();
    await store.appendAudit({ at: '2026-01-01T00:00:00.000Z', actor: { kind: 'system', id: null }, action: 'x', target: null, before: null, after: null, clientAddress: null });
    const db = new Database(dbPath);
    try {
      expect(() => db.prepare("UPDATE audit_log SET action = 'y'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
    expect((await store.auditEntriesAfter(0, 10)).map((e) => e.action)).toEqual(['x']);
  });

  it('extends one audit chain from two connections on the same file', async () => {
    const a = await openStore();
    const b = await openStore();
    const draft = (action: string) => ({ at: '2026-01-01T00:00:00.000Z', actor: { kind: 'system' as const, id: null }, action, target: null, before: null, after: null, clientAddress: null });
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).appendAudit(draft(`a.${i}`))));
    const entries = await a.auditEntriesAfter(0, 100);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    entries.forEach((e, i) => {
      if (i > 0) expect(e.prevHash).toBe(entries[i - 1]!.hash);
    });
  });

  it('sees writes of another connection on the same file (WAL readers and writers)', async () => {
    const a = await openStore();
    const b = await openStore();
    await a.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-1' }), state: null }]);
    expect(await b.getEndpoint('ep-1')).not.toBeNull();
  });
});
