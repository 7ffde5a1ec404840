import { beforeEach, describe, expect, it } from 'vitest';
import type { SpecCoverage } from '../contracts/conformance.js';
import type { Endpoint } from '../contracts/endpoint.js';
import { APPLICATION_DEFAULTS, type Application } from '../contracts/identity.js';
import type { OwnershipRule } from '../contracts/ownership.js';
import type { SpecOwnershipFacts } from '../ownership/spec-facts.js';
import { makeEndpoint, makeFinding, risk } from './fixtures/builders.js';
import type { NewSpecVersion, SpecLinks, Store } from './store.js';

/**
 * The ownership part of the store contract (issue 6; docs/ownership.md, ADR 0007): application metadata,
 * the one ordered rule list and how application changes edit it, spec rules, the rules-file change with
 * its dry run, and the business-criticality factor of endpoint risk. Declared inside `storeContract`,
 * which opens a fresh store for every test.
 */
export function ownershipContract(current: () => Store): void {
  describe('ownership', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    const HOST = 'api.shop.example';
    const host = (id: string, application: string, h: string, pathPrefix?: string): OwnershipRule => ({
      id,
      application,
      match: { host: h, ...(pathPrefix !== undefined ? { pathPrefix } : {}) },
    });
    const ep = (id: string, path: string, over: Partial<Endpoint> = {}) => ({ endpoint: makeEndpoint({ id, host: HOST, pathTemplate: path, ...over }), state: null });
    async function owners(): Promise<Record<string, string | null>> {
      const page = await store.listEndpoints({ sort: 'path', limit: 100 });
      return Object.fromEntries(page.items.map((i) => [i.id, i.applicationId]));
    }

    describe('applications and their metadata', () => {
      it('keeps team, contacts, criticality and data tags, and new applications take the defaults', async () => {
        const pay = app('pay', { team: 'payments', contacts: ['pay@example.com', 'oncall@example.com'], criticality: 'critical', dataTags: ['pci', 'pii'] });
        await store.createApplication(pay);
        await store.createApplication(app('plain', { name: 'Plain' }));
        expect(await store.getApplication('pay')).toEqual(pay);
        expect(await store.getApplication('plain')).toMatchObject({ team: null, contacts: [], criticality: 'medium', dataTags: [] });
        const changed = { ...pay, team: null, contacts: [], criticality: 'low' as const, dataTags: ['gdpr'], updatedAt: T(5) };
        expect(await store.updateApplication(changed)).toBe(true);
        expect((await store.listApplications({})).items.find((a) => a.id === 'pay')).toEqual(changed);
      });
    });

    describe('the rule list', () => {
      it("shows an application's matchers as its host rules in list order; creating appends, an update replaces them where the first stood, deleting removes them", async () => {
        await store.createApplication(app('a', { matchers: [{ host: 'a.example' }, { host: 'shop.example', pathPrefix: '/a' }] }));
        await store.createApplication(app('b', { name: 'B', matchers: [{ host: 'b.example' }] }));
        expect((await store.listOwnershipRules()).map((r) => r.id)).toEqual(['a:1', 'a:2', 'b:1']);

        // b first, a spec rule of a between a's host rules: a's matchers skip it and keep the list order.
        await store.replaceOwnershipRules([
          host('b:1', 'b', 'b.example'),
          host('a:2', 'a', 'shop.example', '/a'),
          { id: 'a-tag', application: 'a', match: { specTag: 'alpha' }, note: 'documented by alpha operations' },
          host('a:1', 'a', 'a.example'),
        ]);
        expect((await store.getApplication('a'))?.matchers).toEqual([{ host: 'shop.example', pathPrefix: '/a' }, { host: 'a.example' }]);

        // New matchers take the place of the first host rule; ids and notes are reused in order.
        expect(await store.updateApplication({ ...(await store.getApplication('a'))!, matchers: [{ host: 'x.example' }], updatedAt: T(3) })).toBe(true);
        expect(await store.listOwnershipRules()).toEqual([
          host('b:1', 'b', 'b.example'),
          host('a:2', 'a', 'x.example'),
          { id: 'a-tag', application: 'a', match: { specTag: 'alpha' }, note: 'documented by alpha operations' },
        ]);
        // A change of name or owners leaves the rules alone.
        await store.updateApplication({ ...(await store.getApplication('b'))!, name: 'Bee', owners: ['u-1'], updatedAt: T(4) });
        expect((await store.listOwnershipRules()).map((r) => r.id)).toEqual(['b:1', 'a:2', 'a-tag']);

        expect(await store.deleteApplication('a')).toBe(true);
        expect(await store.listOwnershipRules()).toEqual([host('b:1', 'b', 'b.example')]);
      });

      it('assigns by the first rule that matches, and says how many endpoints changed hands', async () => {
        await store.createApplication(app('shop', { matchers: [] }));
        await store.createApplication(app('billing', { name: 'Billing', matchers: [] }));
        await store.saveEndpoints([ep('ep-cart', '/cart'), ep('ep-bill', '/billing/{id}'), ep('ep-other', '/x', { host: 'other.example' })]);
        const broad = host('shop-all', 'shop', HOST);
        const narrow = host('billing-path', 'billing', HOST, '/billing');
        expect(await store.replaceOwnershipRules([broad, narrow])).toEqual({ endpointsReassigned: 2 });
        expect(await owners()).toEqual({ 'ep-bill': 'shop', 'ep-cart': 'shop', 'ep-other': null });
        expect(await store.replaceOwnershipRules([narrow, broad])).toEqual({ endpointsReassigned: 1 });
        expect(await owners()).toEqual({ 'ep-bill': 'billing', 'ep-cart': 'shop', 'ep-other': null });
        expect(await store.replaceOwnershipRules([narrow, broad])).toEqual({ endpointsReassigned: 0 });
        expect(await store.replaceOwnershipRules([])).toEqual({ endpointsReassigned: 2 });
        expect(Object.values(await owners())).toEqual([null, null, null]);
      });

      it('refuses a rule of an unknown application and a repeated rule id as a conflict, and changes nothing', async () => {
        await store.createApplication(app('shop'));
        const before = await store.listOwnershipRules();
        await expect(store.replaceOwnershipRules([host('r1', 'nope', HOST)])).rejects.toMatchObject({ code: 'conflict' });
        await expect(store.replaceOwnershipRules([host('r1', 'shop', HOST), host('r1', 'shop', 'b.example')])).rejects.toMatchObject({ code: 'conflict' });
        expect(await store.listOwnershipRules()).toEqual(before);
      });
    });

    describe('spec rules', () => {
      const cardsOp = { method: 'GET' as const, path: '/cards', operationId: 'listCards', deprecated: false };
      const documented: SpecCoverage = { status: 'documented', specId: 'sp-pay', specName: 'Pay', version: 1, operation: cardsOp };
      const shadowOf: SpecCoverage = { status: 'shadow', specId: 'sp-pay', specName: 'Pay', version: 1, operation: null };
      const payFacts: SpecOwnershipFacts = { owners: ['team-pay', 'pay@example.com'], operations: [{ method: 'GET', path: '/cards', tags: ['Cards', 'public'] }] };

      beforeEach(async () => {
        for (const id of ['cards', 'pay', 'shop']) await store.createApplication(app(id, { name: id, matchers: [] }));
        await store.createSpec({ id: 'sp-pay', name: 'Pay', links: links([HOST]) }, version({ title: 'Payments API', ownership: payFacts }));
        await store.saveEndpoints([
          ep('ep-cards', '/cards', { coverage: documented }),
          ep('ep-hidden', '/internal', { coverage: shadowOf }),
          ep('ep-plain', '/plain', { host: 'other.example', coverage: null }),
        ]);
        await store.saveFindings([makeFinding({ id: 'f-cards', endpointId: 'ep-cards', host: HOST, pathTemplate: '/cards' })]);
      });

      it("match the documenting operation's tag, the spec's owner (documented or shadow), and its title or name", async () => {
        await store.replaceOwnershipRules([
          { id: 'by-tag', application: 'cards', match: { specTag: 'CARDS' } },
          { id: 'by-owner', application: 'pay', match: { specOwner: 'PAY@example.com' } },
          host('rest', 'shop', '*.example'),
        ]);
        expect(await owners()).toEqual({ 'ep-cards': 'cards', 'ep-hidden': 'pay', 'ep-plain': 'shop' });
        expect((await store.getFinding('f-cards'))?.applicationId).toBe('cards');
        // The spec itself: its operations carry the tag.
        expect((await store.getSpec('sp-pay'))?.applicationId).toBe('cards');

        await store.replaceOwnershipRules([{ id: 'by-title', application: 'pay', match: { specTitle: 'payments api' } }, host('rest', 'shop', '*.example')]);
        expect(await owners()).toEqual({ 'ep-cards': 'pay', 'ep-hidden': 'pay', 'ep-plain': 'shop' });
        await store.replaceOwnershipRules([{ id: 'by-name', application: 'pay', match: { specTitle: 'PAY' } }]);
        expect(await owners()).toEqual({ 'ep-cards': 'pay', 'ep-hidden': 'pay', 'ep-plain': null });
        // A shadow endpoint has no documenting operation, so no tags.
        await store.replaceOwnershipRules([{ id: 'by-tag', application: 'cards', match: { specTag: 'public' } }]);
        expect(await owners()).toEqual({ 'ep-cards': 'cards', 'ep-hidden': null, 'ep-plain': null });
      });

      it('re-assigns when the spec gets a new version, is renamed or is deleted', async () => {
        await store.replaceOwnershipRules([
          { id: 'by-tag', application: 'cards', match: { specTag: 'cards' } },
          { id: 'by-name', application: 'pay', match: { specTitle: 'Pay' } },
          host('rest', 'shop', HOST),
        ]);
        expect(await owners()).toMatchObject({ 'ep-cards': 'cards', 'ep-hidden': 'pay' });
        // The operation lost its tag in version 2.
        const v2 = version({ sha256: 'b'.repeat(64), title: 'Payments API', ownership: { ...payFacts, operations: [{ method: 'GET', path: '/cards', tags: ['billing'] }] } });
        await store.addSpecVersion('sp-pay', v2, links([HOST]));
        expect(await owners()).toMatchObject({ 'ep-cards': 'pay', 'ep-hidden': 'pay' });
        // Renamed: the title rule no longer matches.
        await store.addSpecVersion('sp-pay', v2, links([HOST]), 'Wallet');
        expect(await owners()).toMatchObject({ 'ep-cards': 'shop', 'ep-hidden': 'shop' });
        await store.replaceOwnershipRules([{ id: 'by-name', application: 'pay', match: { specTitle: 'Wallet' } }]);
        expect(await owners()).toMatchObject({ 'ep-cards': 'pay', 'ep-hidden': 'pay' });
        // Deleted: its coverage goes, and with it the spec rules' grip.
        expect(await store.deleteSpec('sp-pay')).toBe(true);
        expect(await owners()).toMatchObject({ 'ep-cards': null, 'ep-hidden': null });
        expect((await store.getFinding('f-cards'))?.applicationId).toBeNull();
      });

      it("reads the spec's facts from its text when the caller gives none (x-owner, info.contact, operation tags)", async () => {
        const text = [
          'openapi: 3.0.3',
          'x-owner: Team Ledger',
          'info: { title: Ledger, version: "1", contact: { name: Ana, email: ana@example.com } }',
          'paths:',
          '  /entries:',
          '    get: { tags: [ledger], responses: { "200": { description: ok } } }',
        ].join('\n');
        await store.createSpec({ id: 'sp-ledger', name: 'Ledger', links: links(['ledger.example']) }, version({ title: 'Ledger', text }));
        const entries: SpecCoverage = { status: 'documented', specId: 'sp-ledger', specName: 'Ledger', version: 1, operation: { ...cardsOp, path: '/entries' } };
        await store.saveEndpoints([ep('ep-entries', '/entries', { host: 'ledger.example', coverage: entries })]);
        for (const match of [{ specOwner: 'team ledger' }, { specOwner: 'ANA@example.com' }, { specOwner: 'ana' }, { specTag: 'Ledger' }]) {
          await store.replaceOwnershipRules([{ id: 'r', application: 'pay', match }]);
          expect((await store.getEndpoint('ep-entries'))?.applicationId).toBe('pay');
        }
      });

      it('gives what the rules see of a stored endpoint, with every tag of its operation', async () => {
        expect(await store.ownershipSubject('ep-cards')).toEqual({
          endpointId: 'ep-cards',
          method: 'GET',
          hosts: [HOST],
          pathTemplate: '/cards',
          spec: { id: 'sp-pay', name: 'Pay', title: 'Payments API', owners: ['team-pay', 'pay@example.com'], tags: ['Cards', 'public'] },
        });
        expect((await store.ownershipSubject('ep-hidden'))?.spec).toMatchObject({ id: 'sp-pay', tags: null });
        expect((await store.ownershipSubject('ep-plain'))?.spec).toBeNull();
        expect(await store.ownershipSubject('nope')).toBeNull();
      });
    });

    describe('applying applications and rules together', () => {
      beforeEach(async () => {
        await store.createApplication(app('old', { name: 'Old', matchers: [{ host: HOST }] }));
        await store.createApplication(app('keep', { name: 'Keep', matchers: [{ host: 'keep.example' }] }));
        await store.saveEndpoints([ep('ep-1', '/a'), ep('ep-2', '/b'), ep('ep-3', '/c', { host: 'keep.example' })]);
      });

      const change = () => ({
        create: [app('new', { name: 'Old', matchers: [] })],
        update: [app('keep', { name: 'Kept', criticality: 'high' as const, matchers: [] })],
        delete: ['old'],
        rules: [host('new-b', 'new', HOST, '/b'), host('keep-all', 'keep', 'keep.example')],
      });

      it('creates, changes and deletes applications and replaces the rules, in one go', async () => {
        // The new application takes the deleted one's name.
        expect(await store.applyOwnership(change())).toEqual({ endpointsReassigned: 2 });
        expect((await store.listApplications({})).items.map((a) => [a.id, a.name, a.criticality])).toEqual([
          ['keep', 'Kept', 'high'],
          ['new', 'Old', 'medium'],
        ]);
        expect(await owners()).toEqual({ 'ep-1': null, 'ep-2': 'new', 'ep-3': 'keep' });
        expect((await store.listOwnershipRules()).map((r) => r.id)).toEqual(['new-b', 'keep-all']);
      });

      it('in a dry run reports the same count and changes nothing', async () => {
        const rulesBefore = await store.listOwnershipRules();
        const appsBefore = await store.listApplications({});
        expect(await store.applyOwnership(change(), { dryRun: true })).toEqual({ endpointsReassigned: 2 });
        expect(await store.listOwnershipRules()).toEqual(rulesBefore);
        expect(await store.listApplications({})).toEqual(appsBefore);
        expect(await owners()).toEqual({ 'ep-1': 'old', 'ep-2': 'old', 'ep-3': 'keep' });
      });

      it('changes nothing when one part fails', async () => {
        const bad = { ...change(), rules: [host('r', 'missing', HOST)] };
        await expect(store.applyOwnership(bad)).rejects.toMatchObject({ code: 'conflict' });
        expect((await store.listApplications({})).items.map((a) => a.id)).toEqual(['keep', 'old']);
        expect(await owners()).toEqual({ 'ep-1': 'old', 'ep-2': 'old', 'ep-3': 'keep' });
      });
    });

    describe('business criticality in the endpoint risk', () => {
      const business = (name: string, criticality: string, value: number) => ({
        id: 'business-criticality',
        label: 'Business criticality',
        weight: 1,
        value,
        points: value,
        detail: `${name}: ${criticality}`,
      });

      beforeEach(async () => {
        await store.createApplication(app('pay', { name: 'Payments', criticality: 'critical', matchers: [{ host: HOST }] }));
        await store.saveEndpoints([ep('ep-owned', '/charge', { risk: risk(5, 'medium'), calls: 10 }), ep('ep-free', '/x', { host: 'other.example', risk: risk(5.5, 'medium'), calls: 10 })]);
      });

      it('adds the factor of the owning application; detail, lists, sorting and the dashboard agree', async () => {
        const owned = await store.getEndpoint('ep-owned');
        expect(owned?.risk).toEqual({ ...risk(5, 'medium'), score: 6, level: 'high', factors: [...risk(5, 'medium').factors, business('Payments', 'critical', 1)] });
        // No application: no factor, the risk as saved.
        expect((await store.getEndpoint('ep-free'))?.risk).toEqual(risk(5.5, 'medium'));
        const page = await store.listEndpoints({ sort: 'risk' });
        expect(page.items.map((i) => [i.id, i.riskScore, i.riskLevel])).toEqual([
          ['ep-owned', 6, 'high'],
          ['ep-free', 5.5, 'medium'],
        ]);
        const d = await store.dashboard('all', { top: 1, days: 1 });
        expect(d.topRisky.map((e) => [e.id, e.riskScore])).toEqual([['ep-owned', 6]]);
        expect(d.byRiskLevel).toMatchObject({ high: 1, medium: 1 });
        expect((await store.loadEndpointStates()).find((s) => s.endpoint.id === 'ep-owned')?.endpoint.risk).toEqual(owned?.risk);
      });

      it('re-scores when the criticality or the name changes, and drops the factor when the endpoint loses its owner', async () => {
        const pay = (await store.getApplication('pay'))!;
        await store.updateApplication({ ...pay, criticality: 'low', updatedAt: T(3) });
        expect((await store.listEndpoints({ sort: 'risk' })).items.map((i) => [i.id, i.riskScore])).toEqual([
          ['ep-free', 5.5],
          ['ep-owned', 5.25],
        ]);
        await store.updateApplication({ ...pay, name: 'Wallet', criticality: 'low', updatedAt: T(4) });
        expect((await store.getEndpoint('ep-owned'))?.risk.factors.at(-1)).toEqual(business('Wallet', 'low', 0.25));
        await store.replaceOwnershipRules([]);
        expect((await store.getEndpoint('ep-owned'))?.risk).toEqual(risk(5, 'medium'));
        expect((await store.listEndpoints({ sort: 'risk' })).items.map((i) => i.riskScore)).toEqual([5.5, 5]);
      });

      it('replaces a factor the caller hands back instead of adding it twice', async () => {
        const read = (await store.getEndpoint('ep-owned'))!;
        await store.saveEndpoints([{ endpoint: read, state: null }]);
        expect((await store.getEndpoint('ep-owned'))?.risk).toEqual(read.risk);
      });
    });
  });
}

/** `2026-01-<day>T00:00:00.000Z`. */
function T(day: number): string {
  return `2026-01-${String(day).padStart(2, '0')}T00:00:00.000Z`;
}

function app(id: string, overrides: Partial<Application> = {}): Application {
  return { id, name: id.toUpperCase(), owners: [], matchers: [], ...APPLICATION_DEFAULTS, createdAt: T(1), updatedAt: T(1), ...overrides };
}

function links(hosts: string[]): SpecLinks {
  return { hosts, hostsSource: 'servers', apis: [], pinnedApplicationId: null };
}

function version(overrides: Partial<NewSpecVersion>): NewSpecVersion {
  return {
    createdAt: T(1),
    createdBy: { kind: 'user', id: 'u-1' },
    source: 'api.yaml',
    sha256: 'a'.repeat(64),
    bytes: 42,
    dialect: 'openapi-3.0',
    declaredVersion: '3.0.3',
    title: 'API',
    infoVersion: '1',
    operations: 1,
    score: { formula: 'bulwark-spec-score/1', total: 80, security: 60, dataValidation: 20 },
    findingCounts: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
    findingsTotal: 0,
    text: 'openapi: 3.0.3\ninfo: {title: API, version: "1"}\npaths: {}\n',
    findings: [],
    findingsTruncated: false,
    ...overrides,
  };
}
