import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endpointId } from '../aggregate/endpoint-state.js';
import { APPLICATION_DEFAULTS, type Application } from '../contracts/identity.js';
import type { OwnershipFile, OwnershipRule } from '../contracts/ownership.js';
import { createAuditLog } from '../identity/audit-log.js';
import type { Caller } from '../identity/identity-service.js';
import { LOCAL_OPERATOR } from '../spec/registry.js';
import { makeEndpoint } from '../store/fixtures/builders.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { manualClock } from '../util/clock.js';
import { parseOwnershipFile } from './rules-file.js';
import { createOwnershipService, type OwnershipService } from './service.js';

const HOST = 'api.shop.example';
const admin: Caller = { principal: { kind: 'user', id: 'u-admin', name: 'admin@example.com', role: 'admin', applications: 'all' }, clientAddress: '203.0.113.7' };
const practitioner: Caller = { principal: { kind: 'user', id: 'u-sec', name: 'sec@example.com', role: 'security-practitioner', applications: 'all' } };
const shopOwner: Caller = { principal: { kind: 'user', id: 'u-own', name: 'own@example.com', role: 'workload-owner', applications: ['shop'] } };

const app = (id: string, over: Partial<Application> = {}): Application => ({
  id,
  name: id,
  owners: [],
  matchers: [],
  ...APPLICATION_DEFAULTS,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});
const hostRule = (id: string, application: string, host: string, pathPrefix?: string): OwnershipRule => ({
  id,
  application,
  match: { host, ...(pathPrefix ? { pathPrefix } : {}) },
});
const epId = (method: string, path: string, host = HOST) => endpointId(host, method, path);
const ep = (method: 'GET' | 'POST', path: string, host = HOST) => ({ endpoint: makeEndpoint({ id: epId(method, path, host), host, method, pathTemplate: path }), state: null });

describe('ownership service', () => {
  let store: Store;
  let service: OwnershipService;

  beforeEach(async () => {
    store = createSqliteStore({ path: ':memory:' });
    await store.init();
    const clock = manualClock(new Date('2026-03-01T10:00:00.000Z'));
    service = createOwnershipService({ store, audit: createAuditLog({ store, clock }), clock });
    await store.createApplication(app('shop'));
    await store.createApplication(app('billing'));
    await store.saveEndpoints([ep('GET', '/cart'), ep('GET', '/billing/{id}'), ep('GET', '/healthz', 'ops.example')]);
  });
  afterEach(async () => {
    await store.close();
  });

  async function unownedFindings(status: 'open' | 'resolved' = 'open'): Promise<string[]> {
    const page = await store.listFindings({ ruleId: 'ownership-unowned-endpoint', status, sort: 'host' });
    return page.items.map((f) => `${f.host} ${f.pathTemplate}`).sort();
  }

  describe('replacing the rule list', () => {
    it('re-assigns, says how many endpoints changed hands, and audits the old and new lists', async () => {
      const rules = [hostRule('billing', 'billing', HOST, '/billing'), hostRule('shop', 'shop', HOST)];
      expect(await service.replaceRules(admin, rules)).toEqual({ rules, endpointsReassigned: 2 });
      expect((await store.getEndpoint(epId('GET', '/billing/{id}')))?.applicationId).toBe('billing');
      const entry = (await store.listAudit({ action: 'ownership.rules-replace' })).items[0];
      expect(entry).toMatchObject({ actor: { kind: 'user', id: 'u-admin' }, clientAddress: '203.0.113.7', before: { rules: [] }, after: { rules, endpointsReassigned: 2 } });
    });

    it('refuses bad rules with the place and the reason, and changes nothing', async () => {
      await expect(service.replaceRules(admin, [{ id: 'x', application: 'shop', match: { host: HOST, specTag: 'a' } }])).rejects.toMatchObject({
        code: 'invalid_input',
        message: 'invalid ownership rules at 0.match: give only one of host, specTag',
      });
      await expect(service.replaceRules(admin, [{ id: 'x', application: 'shop', match: { specTag: 'a', pathPrefix: '/v1' } }])).rejects.toMatchObject({
        message: 'invalid ownership rules at 0.match.pathPrefix: pathPrefix goes with host only',
      });
      await expect(service.replaceRules(admin, [hostRule('a', 'shop', HOST), hostRule('a', 'shop', 'b.example')])).rejects.toMatchObject({ message: expect.stringContaining('rule id "a" is used twice') });
      await expect(service.replaceRules(admin, [hostRule('a', 'shop', HOST), hostRule('b', 'nope', HOST)])).rejects.toMatchObject({ code: 'invalid_input', message: 'rule 2 (b): no application "nope"' });
      await expect(service.replaceRules(admin, Array.from({ length: 1001 }, (_, i) => hostRule(`r${i}`, 'shop', HOST)))).rejects.toMatchObject({ code: 'invalid_input' });
      expect(await store.listOwnershipRules()).toEqual([]);
    });

    it('needs applications:manage; workload owners list the rules of their applications only', async () => {
      await expect(service.replaceRules(practitioner, [])).rejects.toMatchObject({ code: 'not_allowed' });
      await service.replaceRules(admin, [hostRule('billing', 'billing', HOST, '/billing'), hostRule('shop', 'shop', HOST)]);
      expect((await service.listRules(shopOwner)).map((r) => r.id)).toEqual(['shop']);
      expect((await service.listRules(practitioner)).map((r) => r.id)).toEqual(['billing', 'shop']);
    });
  });

  describe('testing the rules', () => {
    beforeEach(async () => {
      await service.replaceRules(admin, [
        hostRule('billing', 'billing', HOST, '/billing'),
        { id: 'cards', application: 'billing', match: { specTag: 'cards' } },
        hostRule('shop', 'shop', HOST),
      ]);
    });

    it('names the rule that matched, its application, and why each rule before it did not', async () => {
      const r = await service.test(admin, { host: HOST, path: '/cart' });
      expect(r.matched).toMatchObject({ index: 2, ruleId: 'shop', application: 'shop', matched: true, reason: `host ${HOST} is ${HOST}` });
      expect(r.application).toEqual({ id: 'shop', name: 'shop', team: null, criticality: 'medium' });
      expect(r.tried.map((t) => [t.index, t.ruleId, t.reason])).toEqual([
        [0, 'billing', 'path /cart is not under /billing'],
        [1, 'cards', expect.stringMatching(/^spec rules need a discovered endpoint/)],
      ]);
      expect(r.subject).toEqual({ host: HOST, path: '/cart', method: null, endpointId: null, spec: null });
    });

    it('uses the stored endpoint (by id, or by method, host and path) and says "unowned" when nothing matches', async () => {
      const byMethod = await service.test(admin, { host: HOST, path: '/cart', method: 'GET' });
      expect(byMethod.subject).toMatchObject({ endpointId: epId('GET', '/cart'), method: 'GET' });
      expect(byMethod.tried[1]?.reason).toBe('no registered spec documents or covers this endpoint');
      const none = await service.test(admin, { endpointId: epId('GET', '/healthz', 'ops.example') });
      expect(none).toMatchObject({ matched: null, application: null, hiddenRules: 0 });
      expect(none.tried).toHaveLength(3);
      await expect(service.test(admin, { endpointId: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    });

    it('hides the rules of other applications from a workload owner, and refuses an endpoint that is not theirs', async () => {
      const r = await service.test(shopOwner, { host: HOST, path: '/cart' });
      expect(r).toMatchObject({ matched: { ruleId: 'shop' }, tried: [], hiddenRules: 2 });
      await expect(service.test(shopOwner, { host: HOST, path: '/billing/1' })).rejects.toMatchObject({ code: 'not_found' });
    });
  });

  describe("unowned endpoints: the 'ownership-unowned-endpoint' finding", () => {
    it('is not reported while no rule exists (ownership is not in use)', async () => {
      expect(await service.syncUnowned()).toEqual({ opened: 0, resolved: 0 });
      expect(await unownedFindings()).toEqual([]);
    });

    it('opens once per unowned endpoint, resolves when a rule claims it, and reopens when it loses its owner', async () => {
      // replaceRules syncs at once.
      await service.replaceRules(admin, [hostRule('shop', 'shop', HOST, '/cart')]);
      expect(await unownedFindings()).toEqual([`${HOST} /billing/{id}`, 'ops.example /healthz']);
      const f = (await store.listFindings({ ruleId: 'ownership-unowned-endpoint', host: 'ops.example' })).items[0]!;
      expect(f).toMatchObject({
        severity: 'low',
        owasp: 'API9:2023',
        cwe: 'CWE-1059',
        applicationId: null,
        count: 1,
        evidence: { summary: 'no ownership rule matches this endpoint (1 rule tried)' },
        remediation: expect.stringMatching(/^Add an ownership rule/),
      });
      // Syncing again changes nothing: the same problem is one finding.
      expect(await service.syncUnowned()).toEqual({ opened: 0, resolved: 0 });
      expect((await store.getFinding(f.id))?.count).toBe(1);

      await service.replaceRules(admin, [hostRule('shop', 'shop', HOST, '/cart'), hostRule('ops', 'billing', 'ops.example')]);
      expect(await unownedFindings()).toEqual([`${HOST} /billing/{id}`]);
      expect(await unownedFindings('resolved')).toEqual(['ops.example /healthz']);

      await service.replaceRules(admin, [hostRule('shop', 'shop', HOST, '/cart')]);
      expect(await unownedFindings()).toEqual([`${HOST} /billing/{id}`, 'ops.example /healthz']);
      // An empty list: ownership is no longer in use; open findings resolve.
      await service.replaceRules(admin, []);
      expect(await unownedFindings()).toEqual([]);
    });

    it('counts on the dashboard, where the store counts the endpoints without an application', async () => {
      await service.replaceRules(admin, [hostRule('shop', 'shop', HOST)]);
      expect((await store.dashboard('all', { top: 0, days: 0 })).unownedEndpoints).toBe(1);
      expect((await store.dashboard(['shop'], { top: 0, days: 0 })).unownedEndpoints).toBe(0);
    });
  });

  describe('the rules file', () => {
    const file = (over: Partial<OwnershipFile> = {}): OwnershipFile => ({
      version: 1,
      applications: [
        { id: 'shop', name: 'Shop', team: 'commerce', contacts: ['shop@example.com'], criticality: 'high', dataTags: ['pci'] },
        { id: 'ops', name: 'Ops' },
      ],
      rules: [hostRule('ops-all', 'ops', 'ops.example'), hostRule('shop-all', 'shop', HOST)],
      ...over,
    });

    it('applies in one go: applications added, changed and removed, rules replaced; the dry run changes nothing', async () => {
      await service.replaceRules(admin, [hostRule('billing-path', 'billing', HOST, '/billing'), hostRule('shop-all', 'shop', HOST, '/cart')]);
      const dry = await service.applyFile(LOCAL_OPERATOR, file(), { dryRun: true });
      const expected = {
        applications: { added: ['ops'], changed: ['shop'], removed: ['billing'] },
        rules: { added: ['ops-all'], changed: ['shop-all'], removed: ['billing-path'], reordered: false },
        endpointsReassigned: 2,
      };
      expect(dry).toEqual({ ...expected, applied: false });
      expect((await store.listOwnershipRules()).map((r) => r.id)).toEqual(['billing-path', 'shop-all']);
      expect(await store.getApplication('ops')).toBeNull();
      expect((await store.listAudit({ action: 'ownership.apply' })).total).toBe(0);

      expect(await service.applyFile(LOCAL_OPERATOR, file())).toEqual({ ...expected, applied: true });
      expect(await store.getApplication('shop')).toMatchObject({ name: 'Shop', team: 'commerce', contacts: ['shop@example.com'], criticality: 'high', dataTags: ['pci'], matchers: [{ host: HOST }] });
      expect(await store.getApplication('billing')).toBeNull();
      expect((await store.getEndpoint(epId('GET', '/healthz', 'ops.example')))?.applicationId).toBe('ops');
      expect((await store.listAudit({ action: 'ownership.apply' })).items[0]).toMatchObject({ actor: { kind: 'system', id: 'cli' }, after: { applied: true } });
      // Every endpoint has an owner now: nothing unowned is left open.
      expect(await unownedFindings()).toEqual([]);

      // The same file again changes nothing; the order of rules is a change of its own.
      expect(await service.applyFile(LOCAL_OPERATOR, file(), { dryRun: true })).toMatchObject({
        applications: { added: [], changed: [], removed: [] },
        rules: { added: [], changed: [], removed: [], reordered: false },
        endpointsReassigned: 0,
      });
      const swapped = file({ rules: [hostRule('shop-all', 'shop', HOST), hostRule('ops-all', 'ops', 'ops.example')] });
      expect((await service.applyFile(LOCAL_OPERATOR, swapped, { dryRun: true })).rules.reordered).toBe(true);
    });

    it('exports what it applies: export, parse, apply is a no-op', async () => {
      await service.applyFile(LOCAL_OPERATOR, file());
      const text = await service.exportFile(admin);
      expect(text).toMatch(/^# Bulwark ownership rules/);
      const parsed = parseOwnershipFile(text, 'owners.yaml');
      expect(parsed.applications.find((a) => a.id === 'shop')).toEqual({ ...file().applications[0], owners: [] });
      expect(await service.applyFile(LOCAL_OPERATOR, parsed, { dryRun: true })).toMatchObject({ applications: { added: [], changed: [], removed: [] }, endpointsReassigned: 0 });
      await expect(service.exportFile(shopOwner)).rejects.toMatchObject({ code: 'invalid_input' });
    });

    it('refuses owners that are not users, and keeps the owners of an application that lists none', async () => {
      await expect(service.applyFile(LOCAL_OPERATOR, file({ applications: [{ id: 'shop', name: 'Shop', owners: ['u-ghost'] }], rules: [] }))).rejects.toMatchObject({
        code: 'invalid_input',
        message: 'application shop: no such user: u-ghost',
      });
      await store.updateApplication({ ...(await store.getApplication('shop'))!, owners: ['u-1'] });
      await service.applyFile(LOCAL_OPERATOR, file());
      expect((await store.getApplication('shop'))?.owners).toEqual(['u-1']);
    });
  });
});
