import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-errors.js';
import { dataClasses, makeEndpoint, makeFinding } from './fixtures/builders.js';
import { migrateSqlite, SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION, sqliteSchemaVersion } from './migrations/sqlite.js';
import { createSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';
import { storeContract } from './store.contract.js';
import { StoreFailure } from './store-errors.js';

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

  it('sees writes of another connection on the same file (WAL readers and writers)', async () => {
    const a = await openStore();
    const b = await openStore();
    await a.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-1' }), state: null }]);
    expect(await b.getEndpoint('ep-1')).not.toBeNull();
  });
});
