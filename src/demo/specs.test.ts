import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBulwark } from '../app/context.js';
import { loadConfig } from '../config/config.js';
import { DEFAULT_LIMITS, normalizeEvent } from '../normalize/index.js';
import { createLogger } from '../util/logger.js';
import { generateDemoTraffic } from './traffic.js';
import { createIdentityService, type IdentityService } from '../identity/identity-service.js';
import { TEST_SCRYPT_COST } from '../identity/passwords.js';
import { serverLinks } from '../spec/registry.js';
import { loadSpec } from '../spec/load.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { manualClock } from '../util/clock.js';
import { DEMO_ESTATE } from './estate-model.js';
import { seedDemoIdentity } from './identity.js';
import { DEMO_RETIRED_OPERATIONS, DEMO_SPEC_DIR, DEMO_SPECS, formatDemoConformance, formatDemoSpecs, seedDemoSpecs } from './specs.js';

const appOf = (id: string) => DEMO_ESTATE.applications.find((a) => a.id === id)!;

describe('demo spec files', () => {
  for (const def of DEMO_SPECS) {
    for (const file of def.files) {
      it(`${file} loads, names ${appOf(def.app).host}, and describes only endpoints the ${def.app} application serves`, async () => {
        const model = await loadSpec(path.join(DEMO_SPEC_DIR, file));
        const app = appOf(def.app);
        expect(model.info.title).toBe(def.name);
        expect(serverLinks(model).hosts[0]).toBe(app.host);
        const served = new Set(app.endpoints.map((e) => `${e.method} ${e.pathTemplate}`));
        const documented = model.operations.map((op) => `${op.method.toUpperCase()} ${op.path}`);
        for (const op of documented) if (!DEMO_RETIRED_OPERATIONS.includes(op)) expect(served, `${op} is not served by ${def.app}`).toContain(op);
        // Retired operations are documented and never served: traffic shows them as orphans.
        for (const op of DEMO_RETIRED_OPERATIONS) if (documented.includes(op)) expect(served).not.toContain(op);
        // Most endpoints are documented, a few are not: traffic shows those as undocumented (shadow) endpoints.
        const undocumented = [...served].filter((e) => !documented.includes(e));
        expect(undocumented.length).toBeGreaterThanOrEqual(2);
        expect(documented.length).toBeGreaterThan(undocumented.length * 2);
      });
    }
  }
});

describe('seedDemoSpecs', () => {
  let store: Store;
  let identity: IdentityService;
  const clock = manualClock('2026-03-01T09:00:00.000Z');

  beforeEach(async () => {
    store = createSqliteStore({ path: ':memory:' });
    await store.init();
    identity = createIdentityService({ store, clock, options: { passwordCost: TEST_SCRYPT_COST } });
    await seedDemoIdentity({ store, identity }, { passwordFor: () => 'demo-password-123' });
  });
  afterEach(async () => {
    await store.close();
  });

  async function appIdNamed(name: string): Promise<string> {
    const app = (await store.listApplications({ limit: 500 })).items.find((a) => a.name === name);
    expect(app, name).toBeDefined();
    return app!.id;
  }

  it('imports the specs, audited and scored, and links each to the application of its host', async () => {
    const results = await seedDemoSpecs({ store, identity }, { clock });
    expect(results.map((r) => r.spec.name)).toEqual(['Northwind Storefront API', 'Northwind Payments API']);
    const [storefront, payments] = results.map((r) => r.spec);

    expect(storefront).toMatchObject({ latestVersion: 1, hosts: ['api.northwind.example'], applicationId: await appIdNamed('Storefront API'), applicationPinned: false });
    expect(payments).toMatchObject({ latestVersion: 2, hostsSource: 'servers', applicationId: await appIdNamed('Payments API') });
    expect(payments!.hosts[0]).toBe('payments.northwind.example');
    expect(results.map((r) => r.versionsAdded)).toEqual([1, 2]);

    for (const spec of [storefront!, payments!]) {
      expect(spec.latest.score.total).toBeGreaterThan(10);
      expect(spec.latest.score.total).toBeLessThan(90);
      expect(spec.latest.findingsTotal).toBeGreaterThan(5);
    }
    const rules = async (id: string, n: number) => new Set((await store.getSpecVersion(id, n))!.findings.map((f) => f.ruleId));

    // The storefront's planted gaps: free text without a length limit, login without a documented 429,
    // a page size without a maximum, sequential order numbers.
    const shop = await rules(storefront!.id, 1);
    for (const id of ['spec-schema-string-unbounded', 'spec-security-auth-endpoint-no-rate-limit', 'spec-param-page-size-unbounded', 'spec-param-numeric-id']) expect(shop).toContain(id);

    // Payments v2 fixes part of v1 (plain-HTTP sandbox, no 429s, no sunset date) and scores higher;
    // the legacy export still takes the API key in the query string.
    const [v2, v1] = (await store.listSpecVersions(payments!.id, {})).items;
    expect([v1!.version, v2!.version]).toEqual([1, 2]);
    expect(v2!.score.total).toBeGreaterThan(v1!.score.total + 20);
    expect(v2!.findingsTotal).toBeLessThan(v1!.findingsTotal);
    const before = await rules(payments!.id, 1);
    const after = await rules(payments!.id, 2);
    for (const id of ['spec-server-http', 'spec-response-429-missing', 'spec-inventory-deprecated-no-sunset', 'spec-schema-string-unbounded']) {
      expect(before).toContain(id);
      expect(after).not.toContain(id);
    }
    expect(before).toContain('spec-scheme-apikey-in-url');
    expect(after).toContain('spec-scheme-apikey-in-url');

    // Imported as the command line does: the audit log names the system operator.
    const imports = (await identity.audit.list({ order: 'asc' })).items.filter((e) => e.action === 'spec.import');
    expect(imports).toHaveLength(3);
    expect(imports.every((e) => e.actor.kind === 'system' && e.actor.id === 'cli')).toBe(true);
  });

  it('is idempotent: a second run adds no spec and no version', async () => {
    const first = await seedDemoSpecs({ store, identity }, { clock });
    const second = await seedDemoSpecs({ store, identity }, { clock });
    expect(second.map((r) => r.versionsAdded)).toEqual([0, 0]);
    expect(second.map((r) => [r.spec.id, r.spec.latestVersion])).toEqual(first.map((r) => [r.spec.id, r.spec.latestVersion]));
    expect((await store.listSpecs({ limit: 100 })).total).toBe(2);
    expect((await store.listSpecVersions(first[1]!.spec.id, {})).total).toBe(2);
    expect(formatDemoSpecs(second)).toMatch(/^Already imported 2 API specifications: /);
  });

  it('formats one line with each spec\'s score and findings', async () => {
    const results = await seedDemoSpecs({ store, identity }, { clock });
    const [s, p] = results.map((r) => r.spec);
    expect(formatDemoSpecs(results)).toBe(
      `Imported 2 API specifications: Northwind Storefront API (score ${s!.latest.score.total}/100, ${s!.latest.findingsTotal} findings), ` +
        `Northwind Payments API (2 versions, score ${p!.latest.score.total}/100, ${p!.latest.findingsTotal} findings)`,
    );
  });
});

describe('demo conformance', () => {
  it('the demo traffic against the demo specs shows shadow endpoints, a zombie, orphans and drift', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-demo-conformance-'));
    const bw = await openBulwark(loadConfig({ env: { BULWARK_DATA_DIR: dir } }), createLogger('silent'), {});
    try {
      const results = await seedDemoSpecs(bw);
      const records = [];
      for (const input of generateDemoTraffic({ seed: 7, events: 6000 })) {
        const r = normalizeEvent(input, { source: 'demo', limits: DEFAULT_LIMITS });
        if (r.ok) records.push({ kind: 'event' as const, event: r.event });
      }
      await bw.pipeline.ingest(records);
      const line = await formatDemoConformance(bw.store, results, 30);
      const counts = /^Conformance: (\d+) shadow endpoints?, (\d+) zombie operations?, (\d+) orphan operations?, (\d+) drift items? /.exec(line);
      expect(counts, line).not.toBeNull();
      for (const n of counts!.slice(1)) expect(Number(n), line).toBeGreaterThan(0);
      const findings = (await bw.store.listFindings({ limit: 500, search: '' })).items.map((f) => f.ruleId);
      for (const id of ['conformance-shadow-endpoint', 'conformance-zombie-operation', 'conformance-orphan-operation']) expect(findings).toContain(id);
      expect(findings.some((id) => id.startsWith('conformance-drift-'))).toBe(true);
    } finally {
      await bw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
