import { readFileSync } from 'node:fs';
import { isSafe } from 'redos-detector';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPLICATION_DEFAULTS, type Role } from '../contracts/identity.js';
import { MAX_STORED_SPEC_FINDINGS, SPEC_HOST_PATTERN } from '../contracts/spec-registry.js';
import { DomainError } from '../errors/domain-errors.js';
import { createAuditLog, type AuditLog } from '../identity/audit-log.js';
import type { Principal } from '../identity/permissions.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { manualClock } from '../util/clock.js';
import { auditSpec } from './audit/audit.js';
import type { SpecRule } from './audit/rule.js';
import { loadSpecText } from './load.js';
import { ABSOLUTE_URL, createSpecRegistry, fileNameOf, LOCAL_OPERATOR, SERVER_VARIABLE, serverLinks, type SpecCaller, type SpecRegistry } from './registry.js';
import { scoreSpec } from './score.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

const user = (role: Role, applications: readonly string[] | 'all' = 'all'): SpecCaller => ({
  principal: { kind: 'user', id: `u-${role}`, name: `${role}@example.com`, role, applications } satisfies Principal,
  clientAddress: '203.0.113.5',
});
const admin = user('admin');

const MINIMAL = (title: string, server = 'https://api.shop.example/v1') => `openapi: 3.0.3
info:
  title: ${title}
  version: "1"
servers:
  - url: ${server}
paths:
  /orders:
    get:
      responses:
        '200':
          description: ok
`;

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

describe('spec registry', () => {
  let store: Store;
  let audit: AuditLog;
  let registry: SpecRegistry;
  const clock = manualClock('2026-03-01T09:00:00.000Z');

  beforeEach(async () => {
    store = createSqliteStore({ path: ':memory:' });
    await store.init();
    audit = createAuditLog({ store, clock });
    registry = createSpecRegistry({ store, audit, clock });
  });
  afterEach(async () => {
    await store.close();
  });

  const auditActions = async () => (await audit.list({ order: 'asc' })).items.map((e) => e.action);

  describe('importing', () => {
    it('stores an OpenAPI 3.0 upload as version 1 with the audit\'s score, findings and the hosts of its servers', async () => {
      const text = fixture('petstore-openapi30.yaml');
      const { spec, version, created } = await registry.importSpec(admin, { text, fileName: 'petstore.yaml' });
      const model = await loadSpecText(text, 'petstore.yaml');
      const findings = auditSpec(model);
      const score = scoreSpec(findings, model);

      expect(created).toBe(true);
      expect(spec).toMatchObject({ name: 'Petstore 3.0', latestVersion: 1, hostsSource: 'servers', applicationId: null, applicationPinned: false });
      expect(spec.id).toMatch(/^spec_[0-9a-f]{16}$/);
      // Document servers first (the region variable takes its default), then path and operation servers.
      expect(spec.hosts).toEqual(['api.example.com', 'eu.example.com', 'pets.example.com', 'write.example.com']);
      expect(spec.apis).toEqual(['api.example.com/v2', 'eu.example.com/v2', 'pets.example.com', 'write.example.com']);
      expect(version).toMatchObject({
        specId: spec.id,
        version: 1,
        createdAt: '2026-03-01T09:00:00.000Z',
        createdBy: { kind: 'user', id: 'u-admin' },
        source: 'petstore.yaml',
        bytes: Buffer.byteLength(text),
        dialect: 'openapi-3.0',
        declaredVersion: '3.0.3',
        title: 'Petstore 3.0',
        infoVersion: '2.1',
        operations: model.operations.length,
        score: { formula: score.formula, total: score.total, security: score.security, dataValidation: score.dataValidation },
        findingsTotal: findings.length,
      });
      expect(version.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(Object.values(version.findingCounts).reduce((a, b) => a + b, 0)).toBe(findings.length);

      const detail = await registry.getVersion(admin, spec.id, 1);
      expect(detail.text).toBe(text);
      expect(detail.findings.map((f) => f.fingerprint).sort()).toEqual(findings.map((f) => f.fingerprint).sort());
      expect(detail.findings[0]!.location.file).toBe('petstore.yaml');
      expect(detail.findingsTruncated).toBe(false);
    });

    it('takes Swagger 2.0 and OpenAPI 3.1, YAML and JSON', async () => {
      const swagger = await registry.importSpec(admin, { text: fixture('petstore-swagger2.yaml'), fileName: 'swagger.yaml' });
      expect(swagger.version).toMatchObject({ dialect: 'swagger-2.0', declaredVersion: '2.0', title: 'Swagger Petstore' });
      expect(swagger.spec.hosts).toEqual(['petstore.example.com']);
      expect(swagger.spec.apis).toEqual(['petstore.example.com/v1']);
      const v31 = await registry.importSpec(admin, { text: fixture('petstore-openapi31.json'), fileName: 'petstore.json' });
      expect(v31.version).toMatchObject({ dialect: 'openapi-3.1', declaredVersion: '3.1.0', title: 'Petstore 3.1' });
      expect((await registry.listSpecs(admin, {})).total).toBe(2);
    });

    it('records every import in the audit log, without the text', async () => {
      const { spec } = await registry.importSpec(admin, { text: MINIMAL('Shop'), name: 'Shop API' });
      const [entry] = (await audit.list({ action: 'spec.import' })).items;
      expect(entry).toMatchObject({
        actor: { kind: 'user', id: 'u-admin' },
        target: { type: 'spec', id: spec.id },
        before: null,
        after: { name: 'Shop API', hosts: ['api.shop.example'], latestVersion: 1, version: 1, created: true },
        clientAddress: '203.0.113.5',
      });
      expect(JSON.stringify(entry)).not.toContain('paths');
    });

    it('adds versions to a spec; the latest text again returns the latest version and adds none', async () => {
      const first = await registry.importSpec(admin, { text: MINIMAL('Shop') });
      clock.advance(60_000);
      const second = await registry.importSpec(admin, { specId: first.spec.id, text: MINIMAL('Shop v2') });
      expect(second).toMatchObject({ created: true, version: { version: 2, title: 'Shop v2' }, spec: { latestVersion: 2, name: 'Shop' } });
      clock.advance(60_000);
      const again = await registry.importSpec(admin, { specId: first.spec.id, text: MINIMAL('Shop v2') });
      expect(again).toMatchObject({ created: false, version: { version: 2, createdAt: second.version.createdAt } });
      expect((await registry.listVersions(admin, first.spec.id, {})).items.map((v) => v.version)).toEqual([2, 1]);
      expect(await auditActions()).toEqual(['spec.import', 'spec.import', 'spec.import']);
      // A name given with a version renames the spec.
      const renamed = await registry.importSpec(admin, { specId: first.spec.id, text: MINIMAL('Shop v3'), name: 'Shop front' });
      expect(renamed.spec.name).toBe('Shop front');
    });

    it('names a spec by its title, else by its file name', async () => {
      const untitled = MINIMAL('Shop').replace('  title: Shop\n', '');
      expect((await registry.importSpec(admin, { text: untitled, fileName: 'dir/../shop.yaml' })).spec.name).toBe('shop.yaml');
      expect(fileNameOf('C:\\specs\\api.yaml')).toBe('api.yaml');
      expect(fileNameOf('..')).toBe('upload');
      expect(fileNameOf(undefined)).toBe('upload');
    });

    it('keeps at most MAX_STORED_SPEC_FINDINGS findings, most severe first, and counts them all', async () => {
      const noisy: SpecRule = {
        id: 'spec-test-noisy', title: 'Noisy', severity: 'low', owasp: 'API8:2023', cwe: 'CWE-16', category: 'security', tags: [],
        rationale: 'test', remediation: 'test',
        *check() {
          for (let i = 0; i < MAX_STORED_SPEC_FINDINGS + 10; i++) yield { pointer: '/info', message: `problem ${i}` };
        },
      };
      const loud: SpecRule = { ...noisy, id: 'spec-test-loud', severity: 'critical', *check() { yield { pointer: '/paths', message: 'the one that matters' }; } };
      const r = createSpecRegistry({ store, audit, clock, rules: [noisy, loud] });
      const { spec, version } = await r.importSpec(admin, { text: MINIMAL('Noisy') });
      expect(version.findingsTotal).toBe(MAX_STORED_SPEC_FINDINGS + 11);
      expect(version.findingCounts).toMatchObject({ critical: 1, low: MAX_STORED_SPEC_FINDINGS + 10 });
      const detail = await r.getVersion(admin, spec.id, 1);
      expect(detail.findings).toHaveLength(MAX_STORED_SPEC_FINDINGS);
      expect(detail.findings[0]!.ruleId).toBe('spec-test-loud');
      expect(detail.findingsTruncated).toBe(true);
    });
  });

  describe('bad specs: a clear error with file, line and column, and nothing stored', () => {
    const cases: [string, string, string, RegExp][] = [
      ['invalid YAML', 'broken.yaml', fixture('invalid.yaml'), /^invalid YAML at broken\.yaml:\d+:\d+: /],
      ['invalid JSON', 'api.json', '{"openapi": "3.0.3",\n  "info": }', /^invalid JSON at api\.json:2:11: /],
      ['a broken reference', 'missing.yaml', fixture('refs/missing.yaml'), /^unresolvable \$ref '#\/components\/schemas\/Nope' at missing\.yaml:14:17: /],
      ['not OpenAPI', 'compose.yaml', fixture('not-openapi.yaml'), /^compose\.yaml is not an OpenAPI 3\.0\/3\.1 or Swagger 2\.0 document/],
      ['a reference to another file', 'api.yaml', fixture('multi/api.yaml'), /references to other files are not available for an uploaded spec/],
      ['deep nesting', 'deep.yaml', `openapi: 3.0.3\nx: ${'['.repeat(300)}${']'.repeat(300)}\n`, /^deep\.yaml:2:\d+: nested more than 256 levels deep/],
      ['a billion laughs', 'laughs.yaml', fixture('billion-laughs.yaml'), /expands YAML aliases too much/],
    ];
    it.each(cases)('%s', async (_label, fileName, text, message) => {
      const err = await rejection(registry.importSpec(admin, { text, fileName }));
      expect(err.code).toBe('invalid_input');
      expect(err.message).toMatch(message);
      expect((await registry.listSpecs(admin, {})).total).toBe(0);
      expect(await auditActions()).toEqual([]);
    });

    it('a bad new version leaves the spec as it was', async () => {
      const { spec } = await registry.importSpec(admin, { text: MINIMAL('Shop') });
      await rejection(registry.importSpec(admin, { specId: spec.id, text: fixture('invalid.yaml') }));
      expect(await registry.getSpec(admin, spec.id)).toEqual(spec);
    });

    it('a spec over the size limit is too_large', async () => {
      const small = createSpecRegistry({ store, audit, clock, maxBytes: 100 });
      const err = await rejection(small.importSpec(admin, { text: fixture('petstore-openapi30.yaml'), fileName: 'big.yaml' }));
      expect(err.code).toBe('too_large');
      expect(err.message).toMatch(/^big\.yaml is \d+ bytes, more than the 100-byte limit/);
    });

    it('refuses hosts that are not host names, and an application that does not exist', async () => {
      expect((await rejection(registry.importSpec(admin, { text: MINIMAL('Shop'), hosts: ['https://x.example/'] }))).message).toMatch(/^invalid hosts: 0: /);
      expect((await rejection(registry.importSpec(admin, { text: MINIMAL('Shop'), applicationId: 'app-nope' }))).message).toBe('application app-nope not found');
      expect((await rejection(registry.importSpec(admin, { text: MINIMAL('Shop'), specId: 'spec_nope' }))).code).toBe('not_found');
    });
  });

  describe('hosts and applications', () => {
    beforeEach(async () => {
      await store.createApplication({ ...APPLICATION_DEFAULTS, id: 'app-shop', name: 'Shop', owners: [], matchers: [{ host: '*.shop.example' }], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
      await store.createApplication({ ...APPLICATION_DEFAULTS, id: 'app-pay', name: 'Pay', owners: [], matchers: [{ host: 'pay.example' }], createdAt: '2026-01-02T00:00:00.000Z', updatedAt: '2026-01-02T00:00:00.000Z' });
    });

    it('links a spec to the application that claims its hosts', async () => {
      const { spec } = await registry.importSpec(admin, { text: MINIMAL('Shop') });
      expect(spec).toMatchObject({ applicationId: 'app-shop', applicationPinned: false });
      expect((await registry.listSpecs(admin, { application: 'app-shop' })).items.map((s) => s.id)).toEqual([spec.id]);
    });

    it('takes hosts and the application set by hand, keeps them across versions, and goes back on null', async () => {
      const { spec } = await registry.importSpec(admin, { text: MINIMAL('Shop', '/v1'), hosts: ['PAY.example.'], applicationId: 'app-shop' });
      expect(spec).toMatchObject({ hosts: ['pay.example'], hostsSource: 'manual', apis: ['pay.example/v1'], applicationId: 'app-shop', applicationPinned: true });

      const v2 = await registry.importSpec(admin, { specId: spec.id, text: MINIMAL('Shop 2', 'https://api.shop.example/v2') });
      expect(v2.spec).toMatchObject({ hosts: ['pay.example'], hostsSource: 'manual', applicationId: 'app-shop', applicationPinned: true });

      const unpinned = await registry.importSpec(admin, { specId: spec.id, text: MINIMAL('Shop 2', 'https://api.shop.example/v2'), applicationId: null });
      expect(unpinned).toMatchObject({ created: false, spec: { applicationId: 'app-pay', applicationPinned: false } });
      const servers = await registry.importSpec(admin, { specId: spec.id, text: MINIMAL('Shop 2', 'https://api.shop.example/v2'), hosts: null });
      expect(servers.spec).toMatchObject({ hosts: ['api.shop.example'], hostsSource: 'servers', apis: ['api.shop.example/v2'], applicationId: 'app-shop' });
    });

    it('bounds a workload owner: unseen specs are not found, uploads stay in their applications', async () => {
      const b = await registry.importSpec(admin, { text: MINIMAL('Pay', 'https://pay.example') });
      const scoped = user('workload-owner', ['app-shop']);
      expect((await registry.listSpecs(scoped, {})).total).toBe(0);
      expect((await rejection(registry.getSpec(scoped, b.spec.id))).code).toBe('not_found');
      expect((await rejection(registry.getVersion(scoped, b.spec.id, 1))).code).toBe('not_found');
      expect((await rejection(registry.importSpec(scoped, { specId: b.spec.id, text: MINIMAL('x') }))).code).toBe('not_found');
      expect((await rejection(registry.deleteSpec(scoped, b.spec.id))).code).toBe('not_found');

      expect((await rejection(registry.importSpec(scoped, { text: MINIMAL('Shop') }))).message).toMatch(/choose the application/);
      expect((await rejection(registry.importSpec(scoped, { text: MINIMAL('Shop'), applicationId: 'app-pay' }))).message).toBe('application app-pay not found');
      const mine = await registry.importSpec(scoped, { text: MINIMAL('Shop'), applicationId: 'app-shop' });
      expect((await registry.listSpecs(scoped, {})).items.map((s) => s.id)).toEqual([mine.spec.id]);
    });
  });

  describe('permissions', () => {
    it('follows the matrix: auditors read but do not import, workload owners see their own, SOC analysts nothing', async () => {
      const { spec } = await registry.importSpec(admin, { text: MINIMAL('Shop') });
      expect((await registry.getSpec(user('auditor'), spec.id)).id).toBe(spec.id);
      expect((await rejection(registry.importSpec(user('auditor'), { text: MINIMAL('x') }))).code).toBe('not_allowed');
      expect((await rejection(registry.deleteSpec(user('auditor'), spec.id))).code).toBe('not_allowed');
      // Owners read (and upload) their own applications' specs only; this one is not theirs.
      const owned = await registry.listSpecs(user('workload-owner', ['app-shop']), {});
      expect(owned.total).toBe(0);
      expect((await rejection(registry.getSpec(user('workload-owner', ['app-shop']), spec.id))).code).toBe('not_found');
      expect((await rejection(registry.listSpecs(user('soc-analyst'), {}))).code).toBe('not_allowed');
      const token: SpecCaller = { principal: { kind: 'token', id: 't-1', name: 'ci', scopes: ['read'], applications: 'all' } };
      expect((await registry.listSpecs(token, {})).total).toBe(1);
      expect((await rejection(registry.importSpec(token, { text: MINIMAL('x') }))).code).toBe('not_allowed');
    });

    it('deletes a spec with its versions and records it', async () => {
      const { spec } = await registry.importSpec(admin, { text: MINIMAL('Shop') });
      await registry.deleteSpec(admin, spec.id);
      expect((await rejection(registry.getSpec(admin, spec.id))).code).toBe('not_found');
      expect((await rejection(registry.deleteSpec(admin, spec.id))).code).toBe('not_found');
      const [entry] = (await audit.list({ action: 'spec.delete' })).items;
      expect(entry).toMatchObject({ target: { type: 'spec', id: spec.id }, before: { name: 'Shop', latestVersion: 1 }, after: null });
    });
  });

  describe('comparing versions', () => {
    const DIFF_FIXTURES = path.join(import.meta.dirname, '..', 'cli', 'fixtures', 'spec-diff');
    const shopV1 = readFileSync(path.join(DIFF_FIXTURES, 'shop-v1.yaml'), 'utf8');
    const shopV2 = readFileSync(path.join(DIFF_FIXTURES, 'shop-v2.yaml'), 'utf8');
    const twoVersions = async (r: SpecRegistry = registry, applicationId?: string) => {
      const { spec } = await r.importSpec(admin, { text: shopV1, fileName: 'shop-v1.yaml', ...(applicationId ? { applicationId } : {}) });
      await r.importSpec(admin, { specId: spec.id, text: shopV2, fileName: 'shop-v2.yaml' });
      return spec.id;
    };

    it('lists breaking, security and other changes, each in the version it is located in', async () => {
      const id = await twoVersions();
      const d = await registry.diffVersions(user('auditor'), id, 1, 2);
      expect(d).toMatchObject({ specId: id, from: { version: 1, source: 'shop-v1.yaml' }, to: { version: 2, source: 'shop-v2.yaml' }, truncated: false });
      expect(d.from).not.toHaveProperty('text');
      expect(d.byKind).toEqual({ breaking: 4, security: 4, 'non-breaking': 2 });
      expect(d.total).toBe(10);
      expect(d.changes.map((c) => c.kind)).toEqual([...Array(4).fill('breaking'), ...Array(4).fill('security'), 'non-breaking', 'non-breaking']);
      expect(d.changes).toContainEqual(
        expect.objectContaining({ ruleId: 'diff-operation-removed', side: 'old', message: 'DELETE /orders/{id}: operation removed', location: expect.objectContaining({ file: 'shop-v1.yaml', line: 64 }) }),
      );
      expect(d.changes).toContainEqual(
        expect.objectContaining({ ruleId: 'diff-security-removed', kind: 'security', severity: 'high', side: 'new', location: expect.objectContaining({ file: 'shop-v2.yaml', line: 59 }) }),
      );
      // Backwards, what was added is removed: GET /health is gone.
      const back = await registry.diffVersions(admin, id, 2, 1);
      expect(back.changes).toContainEqual(expect.objectContaining({ ruleId: 'diff-operation-removed', message: 'GET /health: operation removed', side: 'old' }));
      expect((await registry.diffVersions(admin, id, 2, 2)).total).toBe(0);
    });

    it('keeps the most important changes when there are more than the cap, and counts them all', async () => {
      const capped = createSpecRegistry({ store, audit, clock, maxDiffChanges: 3 });
      const d = await capped.diffVersions(admin, await twoVersions(capped), 1, 2);
      expect(d).toMatchObject({ total: 10, truncated: true, byKind: { breaking: 4, security: 4, 'non-breaking': 2 } });
      expect(d.changes.map((c) => [c.kind, c.severity])).toEqual([['breaking', 'high'], ['breaking', 'medium'], ['breaking', 'medium']]);
    });

    it('answers not_found for a missing version, an unseen spec, and refuses callers without specs:read', async () => {
      await store.createApplication({ ...APPLICATION_DEFAULTS, id: 'app-shop', name: 'Shop', owners: [], matchers: [], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
      await store.createApplication({ ...APPLICATION_DEFAULTS, id: 'app-pay', name: 'Pay', owners: [], matchers: [], createdAt: '2026-01-02T00:00:00.000Z', updatedAt: '2026-01-02T00:00:00.000Z' });
      const id = await twoVersions(registry, 'app-pay');
      expect((await rejection(registry.diffVersions(admin, id, 1, 3))).message).toBe(`spec ${id} has no version 3`);
      expect((await rejection(registry.diffVersions(admin, 'spec_nope', 1, 2))).code).toBe('not_found');
      expect((await rejection(registry.diffVersions(user('workload-owner', ['app-shop']), id, 1, 2))).code).toBe('not_found');
      expect((await registry.diffVersions(user('workload-owner', ['app-pay']), id, 1, 2)).total).toBe(10);
      expect((await rejection(registry.diffVersions(user('soc-analyst'), id, 1, 2))).code).toBe('not_allowed');
    });

    it('says so when a version imported with references to other files cannot be read alone', async () => {
      const { spec } = await registry.importSpecFile(LOCAL_OPERATOR, path.join(FIXTURES, 'multi', 'api.yaml'));
      const err = await rejection(registry.diffVersions(LOCAL_OPERATOR, spec.id, 1, 1));
      expect(err.code).toBe('invalid_input');
      expect(err.message).toMatch(/^version 1 cannot be compared: .*references to other files are not available/);
    });
  });

  describe('local files (CLI)', () => {
    it('follows references to files in the spec\'s directory, and names the operator in the audit log', async () => {
      const file = path.join(FIXTURES, 'multi', 'api.yaml');
      const { spec, version } = await registry.importSpecFile(LOCAL_OPERATOR, file);
      expect(version).toMatchObject({ source: 'api.yaml', title: 'Multi-file', createdBy: { kind: 'system', id: 'cli' } });
      expect(spec.name).toBe('Multi-file');
      expect((await registry.getVersion(LOCAL_OPERATOR, spec.id, 1)).text).toBe(fixture('multi/api.yaml'));
      expect((await audit.list({})).items[0]).toMatchObject({ action: 'spec.import', actor: { kind: 'system', id: 'cli' }, clientAddress: null });
    });

    it('answers not_found for a missing file, and refuses references outside the spec\'s directory, with file, line and column', async () => {
      expect((await rejection(registry.importSpecFile(LOCAL_OPERATOR, path.join(FIXTURES, 'nope.yaml')))).code).toBe('not_found');
      const err = await rejection(registry.importSpecFile(LOCAL_OPERATOR, path.join(FIXTURES, 'refs', 'traversal.yaml')));
      expect(err.message).toMatch(/^cannot resolve \$ref '\.\.\/petstore-openapi30\.yaml#\/components\/schemas\/Pet' at .*traversal\.yaml:9:7: .*path traversal refused/);
    });
  });

  describe('serverLinks', () => {
    const model = (servers: string[], raw: Record<string, unknown> = {}) => ({
      servers: servers.map((url, i) => ({ url, description: null, pointer: `/servers/${i}` })),
      operations: [],
      raw,
    });
    it.each([
      [['https://API.Example.com:8443/v2/'], ['api.example.com'], ['api.example.com/v2']],
      [['//petstore.example.com/v1'], ['petstore.example.com'], ['petstore.example.com/v1']],
      [['/v1', 'relative/path'], [], []],
      [['https://{tenant}.example.com/api'], [], []],
      [['https://[::1]:8080/x', 'ftp://files.example.com'], ['[::1]', 'files.example.com'], ['[::1]', 'files.example.com']],
      [['https://a.example/x', 'https://a.example/v3'], ['a.example'], ['a.example', 'a.example/v3']],
    ])('%j -> hosts %j, apis %j', (servers, hosts, apis) => {
      const links = serverLinks(model(servers));
      expect(links.hosts).toEqual(hosts);
      expect(links.apis).toEqual(apis);
    });

    it('substitutes variable defaults written in the document, and only those', () => {
      const raw = { servers: [{ url: 'https://{env}.{zone}.example.com/{v}', variables: { env: { default: 'prod' }, v: { default: 'v2' } } }] };
      expect(serverLinks(model(['https://{env}.{zone}.example.com/{v}'], raw)).hosts).toEqual([]);
      const full = { servers: [{ url: 'https://{env}.example.com/{v}', variables: { env: { default: 'prod' }, v: { default: 'v2' } } }] };
      expect(serverLinks(model(['https://{env}.example.com/{v}'], full))).toEqual({ hosts: ['prod.example.com'], apis: ['prod.example.com/v2'], basePaths: ['/v2'] });
    });
  });

  // Hosts, server URLs and their variables come from uploads: no super-linear backtracking.
  it.each(Object.entries({ SPEC_HOST_PATTERN, ABSOLUTE_URL, SERVER_VARIABLE }))('pattern %s is ReDoS-safe', (_name, re) => {
    expect(isSafe(re).safe).toBe(true);
  });
});
