import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuditLog, type AuditLog } from '../identity/audit-log.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { manualClock } from '../util/clock.js';
import { createSpecRegistry, LOCAL_OPERATOR, type SpecRegistry } from './registry.js';
import { countWatchEvents, createSpecWatcher, type SpecWatchEntry, type SpecWatcherDeps } from './watch.js';
import { APPLICATION_DEFAULTS } from '../contracts/identity.js';

/**
 * The spec watcher on real files in a temp directory, with a real registry on a real SQLite file. Scans
 * are driven by hand (`scan()`) and settling by a manual clock: nothing waits on a timer, except the one
 * test of the timer itself, which is bounded.
 */

const FIXTURES = path.join(import.meta.dirname, 'fixtures');

const SPEC = (title: string, path = '/orders') => `openapi: 3.0.3
info:
  title: ${title}
  version: "1"
servers:
  - url: https://api.shop.example/v1
paths:
  ${path}:
    get:
      responses:
        '200':
          description: ok
`;

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), `bulwark-spec-watch-${prefix}-`));
  tempDirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

interface Logged {
  level: 'info' | 'warn' | 'error' | 'debug';
  msg: string;
}

function captureLogger() {
  const lines: Logged[] = [];
  const at = (level: Logged['level']) => (obj: unknown, msg?: string) => void lines.push({ level, msg: msg ?? String(obj) });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') }, errors: () => lines.filter((l) => l.level === 'error').map((l) => l.msg) };
}

/** Moves a file's modification time, as a later save with the same content would. */
function touch(file: string, secondsLater = 5): void {
  const t = statSync(file).mtimeMs / 1000 + secondsLater;
  utimesSync(file, t, t);
}

describe('spec watcher', () => {
  let dir: string;
  let dbPath: string;
  let store: Store;
  let audit: AuditLog;
  let registry: SpecRegistry;
  let log: ReturnType<typeof captureLogger>;
  const clock = manualClock('2026-03-01T09:00:00.000Z');
  const watchers: Array<{ close(): Promise<void> }> = [];

  async function openStore(): Promise<void> {
    store = createSqliteStore({ path: dbPath });
    await store.init();
    audit = createAuditLog({ store, clock });
    registry = createSpecRegistry({ store, audit, clock });
  }

  function watcher(entries: SpecWatchEntry[], opts: Partial<SpecWatcherDeps> = {}) {
    const w = createSpecWatcher({ registry, meta: store, logger: log.logger, clock, entries, settleMs: 0, ...opts });
    watchers.push(w);
    return w;
  }

  const versions = async (specId: string) => (await store.listSpecVersions(specId, { limit: 100 })).items.map((v) => v.version).sort();
  const imports = async () => (await store.listAudit({ action: 'spec.import', limit: 100 })).items;

  beforeEach(async () => {
    dir = tempDir('files');
    dbPath = path.join(tempDir('data'), 'bulwark.db');
    log = captureLogger();
    await openStore();
  });
  afterEach(async () => {
    for (const w of watchers.splice(0)) await w.close();
    await store.close();
  });

  it('imports a watched file at start as version 1 of a new spec, as the system actor spec-watch', async () => {
    const file = path.join(dir, 'shop.yaml');
    writeFileSync(file, SPEC('Shop'));
    const events = await watcher([{ path: file }]).start();
    expect(events).toEqual([{ kind: 'imported', file, specId: expect.stringMatching(/^spec_/), version: 1, created: true }]);
    const specId = (events[0] as { specId: string }).specId;
    expect(await store.getSpec(specId)).toMatchObject({ name: 'Shop', hosts: ['api.shop.example'], latest: { source: 'shop.yaml', createdBy: { kind: 'system', id: 'spec-watch' } } });
    expect(await imports()).toMatchObject([{ actor: { kind: 'system', id: 'spec-watch' }, target: { type: 'spec', id: specId }, clientAddress: null }]);
    expect(log.lines.some((l) => l.level === 'info' && l.msg.includes(`imported ${file} as version 1 of spec ${specId} "Shop"`))).toBe(true);
  });

  it('a changed file is the next version of the same spec; an unchanged rewrite adds nothing, not even an audit entry', async () => {
    const file = path.join(dir, 'shop.yaml');
    writeFileSync(file, SPEC('Shop'));
    const w = watcher([{ path: file }]);
    const [first] = await w.start();
    const specId = (first as { specId: string }).specId;

    writeFileSync(file, SPEC('Shop', '/orders/{id}'));
    touch(file);
    expect(await w.scan()).toEqual([{ kind: 'imported', file, specId, version: 2, created: true }]);

    // The same bytes saved again (a new modification time): read, hashed, nothing added.
    writeFileSync(file, SPEC('Shop', '/orders/{id}'));
    touch(file, 10);
    expect(await w.scan()).toEqual([]);
    expect(await w.scan()).toEqual([]);
    expect(await versions(specId)).toEqual([1, 2]);
    expect(await imports()).toHaveLength(2);
    expect((await store.listSpecs({})).total).toBe(1);
  });

  it('sees a change that keeps the size and the modification time (coarse file times): a just-written file is hashed again', async () => {
    const file = path.join(dir, 'shop.yaml');
    // Whole seconds, as on a file system with coarse times: both saves get the very same mtime.
    const t = Math.floor(Date.now() / 1000);
    writeFileSync(file, SPEC('Shop A'));
    utimesSync(file, t, t);
    const w = watcher([{ path: file }]);
    const [first] = await w.start();
    writeFileSync(file, SPEC('Shop B'));
    utimesSync(file, t, t);
    expect(statSync(file).size).toBe(SPEC('Shop A').length);
    const events = await w.scan();
    expect(events).toEqual([{ kind: 'imported', file, specId: (first as { specId: string }).specId, version: 2, created: true }]);
  });

  it('a bad spec is one logged error with file, line and column and no version; the previous version stays; the fix is imported', async () => {
    const file = path.join(dir, 'shop.yaml');
    writeFileSync(file, SPEC('Shop'));
    const w = watcher([{ path: file }]);
    const specId = ((await w.start())[0] as { specId: string }).specId;

    writeFileSync(file, 'openapi: 3.0.3\ninfo:\n  title: "Shop\n  version: 1\npaths: {}\n');
    touch(file);
    const events = await w.scan();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'failed', file });
    const error = (events[0] as { error: string }).error;
    expect(error).toMatch(new RegExp(`^invalid YAML at ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
    expect(log.errors()).toEqual([`spec watch: ${file} not imported (no version added): ${error}`]);

    // Scanned again, unchanged: not re-imported, not logged again.
    expect(await w.scan()).toEqual([]);
    expect(log.errors()).toHaveLength(1);
    expect(await store.getSpec(specId)).toMatchObject({ latestVersion: 1, name: 'Shop' });

    writeFileSync(file, SPEC('Shop', '/fixed'));
    touch(file, 10);
    expect(await w.scan()).toEqual([{ kind: 'imported', file, specId, version: 2, created: true }]);
  });

  it('a deleted file is reported once and keeps its spec; back with the same text it adds nothing, changed it is the next version', async () => {
    const file = path.join(dir, 'shop.yaml');
    writeFileSync(file, SPEC('Shop'));
    const w = watcher([{ path: file }]);
    const specId = ((await w.start())[0] as { specId: string }).specId;

    unlinkSync(file);
    expect(await w.scan()).toEqual([{ kind: 'missing', file }]);
    expect(await w.scan()).toEqual([]);
    expect(await store.getSpec(specId)).toMatchObject({ latestVersion: 1 });
    expect(log.errors()).toEqual([]);

    writeFileSync(file, SPEC('Shop'));
    expect(await w.scan()).toEqual([{ kind: 'unchanged', file, specId, version: 1 }]);
    writeFileSync(file, SPEC('Shop', '/v2'));
    touch(file);
    expect(await w.scan()).toEqual([{ kind: 'imported', file, specId, version: 2, created: true }]);
  });

  it('a restart (new watcher, reopened store) adds no version and no audit entry, and a later change still feeds the same spec', async () => {
    const file = path.join(dir, 'shop.yaml');
    writeFileSync(file, SPEC('Shop'));
    const specId = ((await watcher([{ path: file }]).start())[0] as { specId: string }).specId;
    for (const w of watchers.splice(0)) await w.close();
    await store.close();

    await openStore();
    const again = watcher([{ path: file }]);
    expect(await again.start()).toEqual([{ kind: 'unchanged', file, specId, version: 1 }]);
    expect(await versions(specId)).toEqual([1]);
    expect(await imports()).toHaveLength(1);

    writeFileSync(file, SPEC('Shop', '/v2'));
    touch(file);
    expect(await again.scan()).toEqual([{ kind: 'imported', file, specId, version: 2, created: true }]);
    expect((await store.listSpecs({})).total).toBe(1);
  });

  it('a file not there at start is reported once and imported when it appears', async () => {
    const file = path.join(dir, 'later.yaml');
    const w = watcher([{ path: file }]);
    expect(await w.start()).toEqual([{ kind: 'missing', file }]);
    expect(await w.scan()).toEqual([]);
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    writeFileSync(file, SPEC('Later'));
    expect(await w.scan()).toMatchObject([{ kind: 'imported', file, version: 1 }]);
  });

  it('waits until a changed file has stayed the same for settleMs (editors save in several writes)', async () => {
    const file = path.join(dir, 'shop.yaml');
    writeFileSync(file, SPEC('Shop'));
    const w = watcher([{ path: file }], { settleMs: 1000 });
    const specId = ((await w.start())[0] as { specId: string }).specId;

    writeFileSync(file, 'openapi: 3.0.3\ninfo:\n');
    touch(file);
    expect(await w.scan()).toEqual([{ kind: 'settling', file }]);
    clock.advance(600);
    // The rest of the save arrives: the wait starts again.
    writeFileSync(file, SPEC('Shop', '/v2'));
    touch(file, 10);
    expect(await w.scan()).toEqual([{ kind: 'settling', file }]);
    clock.advance(999);
    expect(await w.scan()).toEqual([{ kind: 'settling', file }]);
    clock.advance(1);
    expect(await w.scan()).toEqual([{ kind: 'imported', file, specId, version: 2, created: true }]);
    // The half-written state was never imported.
    expect(log.errors()).toEqual([]);
  });

  it('follows $refs to files next to the watched file', async () => {
    cpSync(path.join(FIXTURES, 'multi'), path.join(dir, 'multi'), { recursive: true });
    const file = path.join(dir, 'multi', 'api.yaml');
    const [event] = await watcher([{ path: file }]).start();
    expect(event).toMatchObject({ kind: 'imported', version: 1 });
    const spec = await store.getSpec((event as { specId: string }).specId);
    expect(spec).toMatchObject({ name: 'Multi-file', latest: { source: 'api.yaml' } });
    expect(spec!.latest.operations).toBeGreaterThan(1);
  });

  it('a directory: each spec file in it (not in subdirectories, not hidden) is its own spec; files other specs reference are skipped', async () => {
    cpSync(path.join(FIXTURES, 'multi'), dir, { recursive: true });
    writeFileSync(path.join(dir, 'orders.json'), JSON.stringify({ openapi: '3.1.0', info: { title: 'Orders', version: '1' }, paths: {} }));
    writeFileSync(path.join(dir, '.api.yaml.swp.yaml'), SPEC('Hidden'));
    writeFileSync(path.join(dir, 'notes.txt'), 'not a spec');
    const w = watcher([{ path: dir }]);
    const events = await w.start();
    expect(countWatchEvents(events)).toMatchObject({ imported: 2, skipped: 1, failed: 0 });
    expect(events).toContainEqual({ kind: 'skipped', file: path.join(dir, 'common.yaml'), reason: expect.stringMatching(/not an OpenAPI or Swagger document/) });
    const names = (await store.listSpecs({})).items.map((s) => s.name).sort();
    expect(names).toEqual(['Multi-file', 'Orders']);

    writeFileSync(path.join(dir, 'billing.yaml'), SPEC('Billing'));
    expect(await w.scan()).toMatchObject([{ kind: 'imported', file: path.join(dir, 'billing.yaml'), version: 1 }]);
    unlinkSync(path.join(dir, 'billing.yaml'));
    expect(await w.scan()).toEqual([{ kind: 'missing', file: path.join(dir, 'billing.yaml') }]);
    expect((await store.listSpecs({})).total).toBe(3);
  });

  it('is bounded: at most maxFiles files, and no file over the size limit is read', async () => {
    for (const n of ['a', 'b', 'c']) writeFileSync(path.join(dir, `${n}.yaml`), SPEC(n.toUpperCase()));
    const w = watcher([{ path: dir }], { maxFiles: 2 });
    const events = await w.start();
    expect(countWatchEvents(events)).toMatchObject({ imported: 2, skipped: 1 });
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([expect.stringMatching(/more than 2 files .* 1 not watched/)]);
    expect(await w.scan()).toEqual([]);

    const big = path.join(tempDir('big'), 'big.yaml');
    writeFileSync(big, SPEC('Big') + `# ${'x'.repeat(2000)}\n`);
    const small = watcher([{ path: big }], { maxBytes: 1000 });
    expect(await small.start()).toEqual([{ kind: 'failed', file: big, error: expect.stringMatching(/more than the 1000-byte limit for a spec$/) }]);
  });

  it('sets the spec id, name, hosts and application of its entry; an unknown spec id is an error, not a new spec', async () => {
    await store.createApplication({ ...APPLICATION_DEFAULTS, id: 'app-shop', name: 'Shop', owners: [], matchers: [], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
    const existing = await registry.importSpec(LOCAL_OPERATOR, { text: SPEC('Uploaded'), fileName: 'up.yaml' });
    const file = path.join(dir, 'shop.yaml');
    writeFileSync(file, SPEC('Shop', '/v2'));
    const entry: SpecWatchEntry = { path: file, specId: existing.spec.id, name: 'Shop (watched)', hosts: ['shop.example'], application: 'app-shop' };
    expect(await watcher([entry]).start()).toEqual([{ kind: 'imported', file, specId: existing.spec.id, version: 2, created: true }]);
    expect(await store.getSpec(existing.spec.id)).toMatchObject({ name: 'Shop (watched)', hosts: ['shop.example'], hostsSource: 'manual', applicationId: 'app-shop', applicationPinned: true });

    // The configuration changes, the file does not: the links follow, no version is added.
    for (const w of watchers.splice(0)) await w.close();
    expect(await watcher([{ ...entry, name: 'Renamed' }]).start()).toEqual([{ kind: 'unchanged', file, specId: existing.spec.id, version: 2 }]);
    expect(await store.getSpec(existing.spec.id)).toMatchObject({ name: 'Renamed', latestVersion: 2 });

    const other = path.join(dir, 'other.yaml');
    writeFileSync(other, SPEC('Other'));
    const events = await watcher([{ path: other, specId: 'spec_0000000000000000' }]).start();
    expect(events).toEqual([{ kind: 'failed', file: other, error: `${other}: spec spec_0000000000000000 (specs.watch specId) not found` }]);
    expect((await store.listSpecs({})).total).toBe(1);
  });

  it('a directory entry with a spec id is refused once; the same file named twice is watched once', async () => {
    writeFileSync(path.join(dir, 'a.yaml'), SPEC('A'));
    const w = watcher([{ path: dir, specId: 'spec_x' }]);
    expect(await w.start()).toEqual([{ kind: 'failed', file: dir, error: expect.stringMatching(/is a directory: specId and name apply to one file/) }]);
    expect(await w.scan()).toEqual([]);
    expect(log.errors()).toHaveLength(1);

    const twice = watcher([{ path: dir }, { path: path.join(dir, 'a.yaml') }]);
    expect(countWatchEvents(await twice.start())).toMatchObject({ imported: 1 });
  });

  it('a store or registry failure is logged once and tried again at the next scan; nothing throws', async () => {
    const file = path.join(dir, 'shop.yaml');
    writeFileSync(file, SPEC('Shop'));
    let fail = 2;
    const flaky: SpecWatcherDeps['registry'] = {
      getSpec: (c, id) => registry.getSpec(c, id),
      importSpecFile: (c, f, input) => (fail-- > 0 ? Promise.reject(new Error('SQLITE_BUSY: database is locked')) : registry.importSpecFile(c, f, input)),
    };
    const w = watcher([{ path: file }], { registry: flaky });
    expect(await w.start()).toEqual([{ kind: 'failed', file, error: `${file} was not imported: SQLITE_BUSY: database is locked` }]);
    expect(await w.scan()).toEqual([{ kind: 'failed', file, error: `${file} was not imported: SQLITE_BUSY: database is locked` }]);
    expect(log.errors()).toHaveLength(1);
    expect(await w.scan()).toMatchObject([{ kind: 'imported', file, version: 1 }]);
  });

  it('a watched symbolic link is followed; a file that is not UTF-8 is an error', async () => {
    const target = path.join(tempDir('target'), 'real.yaml');
    writeFileSync(target, SPEC('Linked'));
    const link = path.join(dir, 'linked.yaml');
    symlinkSync(target, link);
    const bin = path.join(dir, 'binary.yaml');
    writeFileSync(bin, Buffer.from([0x6f, 0x70, 0xff, 0xfe, 0x0a]));
    const events = await watcher([{ path: link }, { path: bin }]).start();
    expect(events).toEqual([
      { kind: 'imported', file: link, specId: expect.any(String), version: 1, created: true },
      { kind: 'failed', file: bin, error: `${bin} is not UTF-8 text` },
    ]);
  });

  it('start() checks again by itself every intervalMs until close()', async () => {
    const file = path.join(dir, 'shop.yaml');
    writeFileSync(file, SPEC('Shop'));
    const w = watcher([{ path: file }], { intervalMs: 20, clock: undefined });
    const specId = ((await w.start())[0] as { specId: string }).specId;
    writeFileSync(file, SPEC('Shop', '/v2'));
    touch(file);
    await vi.waitFor(async () => expect(await versions(specId)).toEqual([1, 2]), { timeout: 10_000, interval: 20 });
    await w.close();
    writeFileSync(file, SPEC('Shop', '/v3'));
    touch(file, 10);
    // Closed: five intervals later nothing has been imported.
    await new Promise((r) => setTimeout(r, 100));
    expect(await versions(specId)).toEqual([1, 2]);
  });
});
