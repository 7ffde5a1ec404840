import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '../contracts/endpoint.js';
import type { Finding } from '../contracts/finding.js';
import { DomainError } from '../errors/domain-errors.js';
import { authKinds, dataClasses, makeEndpoint, makeFinding, risk } from './fixtures/builders.js';
import { APPLICATION_DEFAULTS, type Application } from '../contracts/identity.js';
import type { SpecFindingView } from '../contracts/spec-registry.js';
import type { SpecCoverage } from '../contracts/conformance.js';
import { AUDIT_GENESIS_HASH, auditEntryHash } from './audit-chain.js';
import { ownershipContract } from './store-ownership.contract.js';
import { remediationContract } from './store-remediation.contract.js';
import type { CaseComment, Suppression } from '../contracts/cases.js';
import { makeCase, makeDraft, makeExchange } from '../cases/fixtures/builders.js';
import {
  ENDPOINT_SORT_KEYS,
  MAX_CASE_LIST,
  MAX_PAGE_SIZE,
  UNASSIGNED_APPLICATION,
  type AuditDraft,
  type CaseGrowth,
  type CaseQuery,
  type EndpointQuery,
  type IssueBatch,
  type IssueQuery,
  type NewThreatCase,
  type NewThreatIssue,
  type FindingQuery,
  type NewSpecVersion,
  type SpecLinks,
  type SpecQuery,
  type StoredSession,
  type Store,
  type StoredToken,
  type StoredUser,
  type StoredUserToken,
  type StoredConformanceOperation,
  type StoredDriftItem,
  type StoredShadowItem,
} from './store.js';

export interface StoreContractOptions {
  /**
   * Opens a new store on the same database as `closed`, which the suite has already closed. Adapters whose
   * data outlives the process (files, servers) pass it; without it the persistence tests are not declared.
   */
  reopen?: (closed: Store) => Promise<Store>;
}

/**
 * The behaviour every `Store` adapter must have. Each test gets a fresh, empty store from `makeStore`
 * (not yet initialised: the suite calls `init()`), and `cleanup` runs after the suite has closed it.
 *
 * Orderings the contract fixes, beyond the interface comments:
 * - endpoint sorts break ties by `id` in the sort direction; `host` sorts by host, then path template;
 *   default directions are descending for risk/calls/lastSeen/firstSeen and ascending for path/host;
 *   the default sort is risk, descending;
 * - timestamps order by instant, not by text (`+02:00` offsets are honoured);
 * - findings list by severity (highest first), then `lastSeen` (newest first), then `id`, all in the sort
 *   direction; other finding sorts break ties by `id` in the sort direction too;
 * - the `application` sort puts endpoints of no application last in both directions;
 * - the dashboard's `topRisky` orders by risk score, then calls (both descending), then `id` ascending;
 * - samples and rejects list newest first.
 * Text sorts use plain code-point order (PostgreSQL: `COLLATE "C"`).
 *
 * @example
 * storeContract('sqlite :memory:', async () => createSqliteStore({ path: ':memory:' }));
 */
export function storeContract(
  name: string,
  makeStore: () => Promise<Store>,
  cleanup?: (s: Store) => Promise<void>,
  options: StoreContractOptions = {},
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let original: Store;
    let reopened: Store[] = [];

    beforeEach(async () => {
      original = await makeStore();
      store = original;
      reopened = [];
      await store.init();
    });

    afterEach(async () => {
      for (const s of reopened) await s.close();
      await original.close();
      await cleanup?.(original);
    });

    /** Closes the current store and opens the same database again. */
    async function reopen(): Promise<Store> {
      if (!options.reopen) throw new Error('reopen not supported');
      await store.close();
      store = await options.reopen(store);
      reopened.push(store);
      await store.init();
      return store;
    }

    describe('lifecycle', () => {
      it('init() is idempotent and keeps data', async () => {
        await store.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-1' }), state: { n: 1 } }]);
        await store.init();
        await store.init();
        expect(await store.getEndpoint('ep-1')).not.toBeNull();
        expect((await store.listEndpoints({})).total).toBe(1);
      });

      it('close() is idempotent, and a closed store rejects calls with an internal error that hides the driver', async () => {
        await store.close();
        await store.close();
        const err = await store.getMeta('k').then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(DomainError);
        expect((err as DomainError).code).toBe('internal');
        expect((err as DomainError).message).toBe('store error');
      });

      // Declared only for stores whose data outlives the process, so no test shows up as skipped.
      if (options.reopen) it('keeps everything across close and reopen', async () => {
        const ep = makeEndpoint({ id: 'ep-1', dataClasses: dataClasses('email') });
        const finding = makeFinding({ id: 'f-1', endpointId: 'ep-1' });
        const token = makeToken({ id: 't-1', hash: 'a'.repeat(64) });
        await store.saveEndpoints([{ endpoint: ep, state: { hll: [1, 2, 3] } }]);
        await store.saveFindings([finding]);
        await store.setMeta('installation', { secret: 's' });
        await store.createToken(token);
        await store.addSamples([{ endpointId: 'ep-1', timestamp: T(1), event: { request: { path: '/x' } } }], 5);
        await store.addRejects([{ source: 'a.har', line: 3, reason: 'bad json', at: T(1) }], 5);

        const s = await reopen();
        expect(await s.getEndpoint('ep-1')).toEqual(ep);
        expect(await s.loadEndpointStates()).toEqual([{ endpoint: ep, state: { hll: [1, 2, 3] } }]);
        expect((await s.listEndpoints({ dataClass: 'email' })).total).toBe(1);
        expect(await s.getFinding('f-1')).toEqual({ ...finding, applicationId: null });
        expect(await s.getMeta('installation')).toEqual({ secret: 's' });
        expect(await s.findTokenByHash(token.hash)).toEqual(token);
        expect(await s.listSamples('ep-1', 10)).toHaveLength(1);
        expect(await s.listRejects(10)).toEqual([{ source: 'a.har', line: 3, reason: 'bad json', at: T(1) }]);
      });
    });

    describe('meta', () => {
      it('returns null for an unknown key', async () => {
        expect(await store.getMeta('missing')).toBeNull();
      });

      it.each([
        ['a string', 'secret-value'],
        ['a number', 42.5],
        ['false', false],
        ['an empty object', {}],
        ['a nested object', { cursor: { file: 'a.log', offset: 1024 }, hosts: ['x', 'y'] }],
        ['an array', [1, 'two', { three: 3 }]],
        ['unicode', { note: 'Grüße, 東京 🚀' }],
      ])('round-trips %s', async (_label, value) => {
        await store.setMeta('k', value);
        expect(await store.getMeta('k')).toEqual(value);
      });

      it('overwrites a key', async () => {
        await store.setMeta('k', { v: 1 });
        await store.setMeta('k', { v: 2 });
        expect(await store.getMeta('k')).toEqual({ v: 2 });
      });

      it('rejects a value that is not JSON as invalid input', async () => {
        await expect(store.setMeta('k', undefined)).rejects.toMatchObject({ code: 'invalid_input' });
        expect(await store.getMeta('k')).toBeNull();
      });
    });

    describe('endpoints: saving', () => {
      it('round-trips a full endpoint and its state', async () => {
        const ep = makeEndpoint({
          id: 'ep-1',
          auth: { kinds: { 'bearer-jwt': 5, none: 1 }, jwt: { algs: ['HS256'], withoutExp: 1, claims: ['sub'], issuers: ['idp'] } },
          dataClasses: dataClasses('email', 'phone'),
          latencyMs: null,
        });
        const state = { seen: { a: 1 }, sketch: [0, 1, 2], note: null };
        await store.saveEndpoints([{ endpoint: ep, state }]);
        expect(await store.getEndpoint('ep-1')).toEqual(ep);
        expect(await store.loadEndpointStates()).toEqual([{ endpoint: ep, state }]);
      });

      it('returns null for an unknown id and nothing for an empty store', async () => {
        expect(await store.getEndpoint('nope')).toBeNull();
        expect(await store.loadEndpointStates()).toEqual([]);
        await store.saveEndpoints([]);
        expect((await store.listEndpoints({})).total).toBe(0);
      });

      it('upserts by id: the new row replaces the document, the state and every list column', async () => {
        await store.saveEndpoints([
          { endpoint: makeEndpoint({ id: 'ep-1', calls: 10, dataClasses: dataClasses('email'), risk: risk(2, 'low') }), state: 1 },
        ]);
        const updated = makeEndpoint({ id: 'ep-1', calls: 25, dataClasses: dataClasses('iban'), risk: risk(9, 'critical') });
        await store.saveEndpoints([{ endpoint: updated, state: 2 }]);

        expect(await store.getEndpoint('ep-1')).toEqual(updated);
        expect(await store.loadEndpointStates()).toEqual([{ endpoint: updated, state: 2 }]);
        const page = await store.listEndpoints({});
        expect(page.total).toBe(1);
        expect(page.items[0]).toMatchObject({ calls: 25, riskScore: 9, riskLevel: 'critical', dataClasses: ['iban'] });
        expect((await store.listEndpoints({ dataClass: 'email' })).total).toBe(0);
        expect((await store.listEndpoints({ dataClass: 'iban' })).total).toBe(1);
        expect((await store.listEndpoints({ riskLevel: 'low' })).total).toBe(0);
      });

      it('deletes removed ids in the same call, ignoring unknown ones', async () => {
        await store.saveEndpoints(fixtureRows());
        const merged = makeEndpoint({ id: 'ep-merged', host: 'alpha.test', pathTemplate: '/users/{any}' });
        await store.saveEndpoints([{ endpoint: merged, state: null }], ['ep-a', 'ep-b', 'not-there']);

        expect(await store.getEndpoint('ep-a')).toBeNull();
        expect(await store.getEndpoint('ep-b')).toBeNull();
        expect(ids((await store.listEndpoints({ sort: 'path' })).items)).toEqual(['ep-e', 'ep-c', 'ep-d', 'ep-merged']);
        expect((await store.listEndpoints({ dataClass: 'email' })).total).toBe(0);
        expect((await store.loadEndpointStates()).map((s) => s.endpoint.id).sort()).toEqual(['ep-c', 'ep-d', 'ep-e', 'ep-merged']);
      });

      it('keeps an id that is both saved and removed in one call (the saved row wins)', async () => {
        await store.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-1', calls: 1 }), state: 1 }]);
        await store.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-1', calls: 2 }), state: 2 }], ['ep-1']);
        expect((await store.getEndpoint('ep-1'))?.calls).toBe(2);
      });

      it('saves a batch all or nothing', async () => {
        await store.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-old' }), state: null }]);
        const good = { endpoint: makeEndpoint({ id: 'ep-good' }), state: null };
        const unserialisable = { endpoint: makeEndpoint({ id: 'ep-bad' }), state: { n: 1n } };
        await expect(store.saveEndpoints([good, unserialisable], ['ep-old'])).rejects.toBeInstanceOf(DomainError);
        expect(await store.getEndpoint('ep-good')).toBeNull();
        expect(await store.getEndpoint('ep-old')).not.toBeNull();
      });

      it('saves and re-saves a batch of thousands', async () => {
        const rows = Array.from({ length: 3000 }, (_, i) => ({
          endpoint: makeEndpoint({ id: `ep-${i}`, pathTemplate: `/r${i}`, calls: i, dataClasses: i % 3 === 0 ? dataClasses('email') : [] }),
          state: { i },
        }));
        await store.saveEndpoints(rows);
        await store.saveEndpoints(rows.map((r) => ({ ...r, endpoint: { ...r.endpoint, calls: r.endpoint.calls + 1 } })));
        const page = await store.listEndpoints({ sort: 'calls', limit: 1 });
        expect(page.total).toBe(3000);
        expect(page.items[0]).toMatchObject({ id: 'ep-2999', calls: 3000 });
        expect((await store.listEndpoints({ dataClass: 'email', limit: 0 })).total).toBe(1000);
      });
    });

    describe('endpoints: listing', () => {
      beforeEach(async () => {
        await store.saveEndpoints(fixtureRows());
      });

      it('derives summary rows from the endpoint', async () => {
        const page = await store.listEndpoints({ sort: 'path' });
        const byId = new Map(page.items.map((i) => [i.id, i]));
        expect(byId.get('ep-a')).toEqual({
          id: 'ep-a',
          host: 'alpha.test',
          api: 'alpha.test/v1',
          applicationId: null,
          method: 'GET',
          pathTemplate: '/users/{id}',
          firstSeen: '2026-01-03T00:00:00.000Z',
          lastSeen: '2026-01-10T00:00:00.000Z',
          calls: 100,
          consumers: 7,
          documented: false,
          riskScore: 8.5,
          riskLevel: 'critical',
          internetExposed: true,
          authenticated: false,
          plainHttp: false,
          dataClasses: ['email', 'phone'],
          authKinds: ['bearer-jwt', 'none'],
          coverage: null,
        });
        // A kind counted zero times was not seen.
        expect(byId.get('ep-b')).toMatchObject({ authenticated: true, plainHttp: true, documented: true, dataClasses: ['email'], authKinds: ['api-key-header'] });
        expect(byId.get('ep-d')).toMatchObject({ authenticated: false, plainHttp: true, dataClasses: [] });
        expect(byId.get('ep-e')).toMatchObject({ authenticated: true, internetExposed: true, lastSeen: '2026-01-10T01:00:00+02:00' });
      });

      const filterCases: [string, EndpointQuery, string[]][] = [
        ['no filter', {}, ['ep-a', 'ep-b', 'ep-c', 'ep-d', 'ep-e']],
        ['host', { host: 'alpha.test' }, ['ep-a', 'ep-b', 'ep-c']],
        ['host (exact, not substring)', { host: 'alpha' }, []],
        ['method', { method: 'GET' }, ['ep-a', 'ep-c', 'ep-e']],
        ['method in lower case', { method: 'delete' }, ['ep-d']],
        ['risk level', { riskLevel: 'medium' }, ['ep-c', 'ep-d']],
        ['min score (inclusive)', { minScore: 6 }, ['ep-a', 'ep-b']],
        ['min score 0', { minScore: 0 }, ['ep-a', 'ep-b', 'ep-c', 'ep-d', 'ep-e']],
        ['internet exposed', { internetExposed: true }, ['ep-a', 'ep-b', 'ep-e']],
        ['internal only', { internetExposed: false }, ['ep-c', 'ep-d']],
        ['authenticated', { authenticated: true }, ['ep-b', 'ep-c', 'ep-e']],
        ['unauthenticated (any call without auth)', { authenticated: false }, ['ep-a', 'ep-d']],
        ['data class', { dataClass: 'email' }, ['ep-a', 'ep-b']],
        ['data class on one endpoint', { dataClass: 'payment-card' }, ['ep-c']],
        ['data class never seen', { dataClass: 'iban' }, []],
        ['search in host, any case', { search: 'ALPHA' }, ['ep-a', 'ep-b', 'ep-c']],
        ['search in path', { search: 'orders' }, ['ep-c', 'ep-d']],
        ['search with template braces', { search: 'USERS/{' }, ['ep-a']],
        ['search does not span host and path', { search: 'test/users' }, []],
        ['search treats % and _ literally', { search: '%' }, []],
        ['empty search', { search: '' }, ['ep-a', 'ep-b', 'ep-c', 'ep-d', 'ep-e']],
        ['combined filters', { host: 'beta.test', authenticated: false }, ['ep-d']],
        ['combined filters, no match', { dataClass: 'email', internetExposed: false }, []],
        ['auth kind none (some calls without credentials)', { authKind: 'none' }, ['ep-a', 'ep-d']],
        ['auth kind seen on several', { authKind: 'bearer-jwt' }, ['ep-a', 'ep-c', 'ep-e']],
        ['auth kind counted zero times', { authKind: 'basic' }, []],
        ['plain HTTP', { plainHttp: true }, ['ep-b', 'ep-d']],
        ['TLS only', { plainHttp: false }, ['ep-a', 'ep-c', 'ep-e']],
        ['documented', { documented: true }, ['ep-b', 'ep-c']],
        ['undocumented', { documented: false }, ['ep-a', 'ep-d', 'ep-e']],
        ['unassigned (no applications defined)', { application: UNASSIGNED_APPLICATION }, ['ep-a', 'ep-b', 'ep-c', 'ep-d', 'ep-e']],
        ['an application that claims nothing', { application: 'app-x' }, []],
        ['scope all', { scope: 'all' }, ['ep-a', 'ep-b', 'ep-c', 'ep-d', 'ep-e']],
        ['empty scope', { scope: [] }, []],
        ['combined new filters', { authKind: 'none', plainHttp: true, documented: false }, ['ep-d']],
      ];
      it.each(filterCases)('filters by %s', async (_label, query, expected) => {
        const page = await store.listEndpoints(query);
        expect(ids(page.items).sort()).toEqual(expected);
        expect(page.total).toBe(expected.length);
      });

      const sortCases: [EndpointQuery['sort'] | undefined, EndpointQuery['order'] | undefined, string[]][] = [
        [undefined, undefined, ['ep-a', 'ep-b', 'ep-d', 'ep-c', 'ep-e']],
        ['risk', undefined, ['ep-a', 'ep-b', 'ep-d', 'ep-c', 'ep-e']],
        ['risk', 'asc', ['ep-e', 'ep-c', 'ep-d', 'ep-b', 'ep-a']],
        ['calls', undefined, ['ep-e', 'ep-c', 'ep-a', 'ep-b', 'ep-d']],
        ['calls', 'asc', ['ep-d', 'ep-b', 'ep-a', 'ep-c', 'ep-e']],
        ['lastSeen', 'desc', ['ep-c', 'ep-a', 'ep-e', 'ep-b', 'ep-d']],
        ['lastSeen', 'asc', ['ep-d', 'ep-b', 'ep-e', 'ep-a', 'ep-c']],
        ['firstSeen', undefined, ['ep-d', 'ep-e', 'ep-a', 'ep-c', 'ep-b']],
        ['firstSeen', 'asc', ['ep-b', 'ep-c', 'ep-a', 'ep-e', 'ep-d']],
        ['path', undefined, ['ep-e', 'ep-c', 'ep-d', 'ep-b', 'ep-a']],
        ['path', 'desc', ['ep-a', 'ep-b', 'ep-d', 'ep-c', 'ep-e']],
        ['host', undefined, ['ep-c', 'ep-b', 'ep-a', 'ep-e', 'ep-d']],
        ['host', 'desc', ['ep-d', 'ep-e', 'ep-a', 'ep-b', 'ep-c']],
        ['consumers', undefined, ['ep-a', 'ep-e', 'ep-d', 'ep-c', 'ep-b']],
        ['consumers', 'asc', ['ep-b', 'ep-c', 'ep-d', 'ep-e', 'ep-a']],
        // method, then host, then path template
        ['method', undefined, ['ep-d', 'ep-c', 'ep-a', 'ep-e', 'ep-b']],
        ['method', 'desc', ['ep-b', 'ep-e', 'ep-a', 'ep-c', 'ep-d']],
        // api, then path template
        ['api', undefined, ['ep-b', 'ep-a', 'ep-c', 'ep-e', 'ep-d']],
        ['api', 'desc', ['ep-d', 'ep-e', 'ep-c', 'ep-a', 'ep-b']],
        // No applications here: every row ties, so the id decides (with applications: see below).
        ['application', undefined, ['ep-a', 'ep-b', 'ep-c', 'ep-d', 'ep-e']],
        ['application', 'desc', ['ep-e', 'ep-d', 'ep-c', 'ep-b', 'ep-a']],
      ];
      it.each(sortCases)('sorts by %s %s, ties broken by id', async (sort, order, expected) => {
        const query: EndpointQuery = {};
        if (sort) query.sort = sort;
        if (order) query.order = order;
        expect(ids((await store.listEndpoints(query)).items)).toEqual(expected);
      });

      it.each(sortCases)('pages through sort %s %s without gaps or overlaps', async (sort, order, expected) => {
        const seen: string[] = [];
        for (let offset = 0; offset < 6; offset += 2) {
          const query: EndpointQuery = { limit: 2, offset };
          if (sort) query.sort = sort;
          if (order) query.order = order;
          const page = await store.listEndpoints(query);
          expect(page).toMatchObject({ total: 5, limit: 2, offset });
          seen.push(...ids(page.items));
        }
        expect(seen).toEqual(expected);
      });

      it('applies filters, sort and paging together, with the total of the filter', async () => {
        const page = await store.listEndpoints({ host: 'alpha.test', sort: 'calls', order: 'asc', limit: 2, offset: 1 });
        expect(ids(page.items)).toEqual(['ep-a', 'ep-c']);
        expect(page).toMatchObject({ total: 3, limit: 2, offset: 1 });
      });

      it('returns an empty page past the end, and the total alone for limit 0', async () => {
        expect(await store.listEndpoints({ offset: 10 })).toEqual({ items: [], total: 5, limit: 50, offset: 10 });
        expect(await store.listEndpoints({ limit: 0 })).toEqual({ items: [], total: 5, limit: 0, offset: 0 });
      });

      it('clamps negative and fractional paging values', async () => {
        expect(await store.listEndpoints({ limit: -5, offset: -3 })).toMatchObject({ items: [], limit: 0, offset: 0 });
        const page = await store.listEndpoints({ limit: 2.7, offset: 1.2 });
        expect(page).toMatchObject({ limit: 2, offset: 1 });
        expect(page.items).toHaveLength(2);
      });
    });

    describe('endpoints: page size', () => {
      it(`defaults to 50 rows and caps at MAX_PAGE_SIZE (${MAX_PAGE_SIZE})`, async () => {
        const n = MAX_PAGE_SIZE + 10;
        await store.saveEndpoints(
          Array.from({ length: n }, (_, i) => ({ endpoint: makeEndpoint({ id: `ep-${String(i).padStart(4, '0')}`, pathTemplate: `/r${i}` }), state: null })),
        );
        const first = await store.listEndpoints({});
        expect(first.items).toHaveLength(50);
        expect(first).toMatchObject({ total: n, limit: 50, offset: 0 });

        const capped = await store.listEndpoints({ limit: 100_000 });
        expect(capped.items).toHaveLength(MAX_PAGE_SIZE);
        expect(capped.limit).toBe(MAX_PAGE_SIZE);

        const rest = await store.listEndpoints({ limit: MAX_PAGE_SIZE, offset: MAX_PAGE_SIZE });
        expect(rest.items).toHaveLength(10);
      });
    });

    describe('applications claim endpoints and findings', () => {
      // In creation order: users claims /users on alpha.test, alpha the rest of alpha.test (the host is
      // written with another case and a port, as people do). Ids sort the other way round on purpose.
      const usersApp = makeApplication({ id: 'app-users', name: 'Users', matchers: [{ host: 'alpha.test', pathPrefix: '/users' }], createdAt: T(1) });
      const alphaApp = makeApplication({ id: 'app-alpha', name: 'Alpha', matchers: [{ host: 'ALPHA.test:443' }], createdAt: T(2) });

      async function applicationsOf(): Promise<Record<string, string | null>> {
        const page = await store.listEndpoints({ sort: 'path', limit: 100 });
        return Object.fromEntries(page.items.map((i) => [i.id, i.applicationId]));
      }
      async function findingApplications(): Promise<Record<string, string | null | undefined>> {
        const page = await store.listFindings({ limit: 100 });
        return Object.fromEntries(page.items.map((f) => [f.id, f.applicationId]));
      }

      it('assigns on save, replacing whatever applicationId the caller passed, in lists, reads and states', async () => {
        await store.createApplication(usersApp);
        await store.createApplication(alphaApp);
        await store.saveEndpoints(fixtureRows().map((r) => ({ ...r, endpoint: { ...r.endpoint, applicationId: 'made-up' } })));
        expect(await applicationsOf()).toEqual({ 'ep-a': 'app-users', 'ep-b': 'app-users', 'ep-c': 'app-alpha', 'ep-d': null, 'ep-e': null });
        expect((await store.getEndpoint('ep-c'))?.applicationId).toBe('app-alpha');
        expect((await store.getEndpoint('ep-d'))?.applicationId).toBeNull();
        const states = await store.loadEndpointStates();
        expect(Object.fromEntries(states.map((s) => [s.endpoint.id, s.endpoint.applicationId]))).toEqual(await applicationsOf());
      });

      it('lets the first rule in the list win: a new application\'s matchers go to the end, whatever its creation time', async () => {
        await store.createApplication(alphaApp);
        await store.createApplication(usersApp);
        await store.saveEndpoints(fixtureRows());
        // alpha was created later (by instant) but first: its rule comes first and claims all of alpha.test.
        expect((await store.getEndpoint('ep-a'))?.applicationId).toBe('app-alpha');
        expect((await store.getEndpoint('ep-c'))?.applicationId).toBe('app-alpha');
        expect((await store.listOwnershipRules()).map((r) => r.id)).toEqual(['app-alpha:1', 'app-users:1']);
      });

      it('gives findings the application of their endpoint, else of their own host and path', async () => {
        await store.createApplication(usersApp);
        await store.createApplication(makeApplication({ id: 'app-beta', name: 'Beta', matchers: [{ host: 'beta.test' }], createdAt: T(3) }));
        await store.saveEndpoints(fixtureRows());
        // ep-new is not stored yet: its finding is matched on its own host and path until it is.
        const early = makeFinding({ id: 'f-early', endpointId: 'ep-new', host: 'alpha.test', pathTemplate: '/users/{id}/cards' });
        await store.saveFindings([...fixtureFindings(), { ...early, applicationId: 'made-up' }]);
        expect(await findingApplications()).toEqual({
          f1: 'app-users', f2: 'app-users', f3: 'app-users', f4: 'app-beta', f5: 'app-beta', f6: null, 'f-early': 'app-users',
        });
        expect((await store.getFinding('f5'))?.applicationId).toBe('app-beta');
      });

      it('re-assigns every endpoint and finding when an application is created, updated or deleted', async () => {
        await store.saveEndpoints(fixtureRows());
        await store.saveFindings(fixtureFindings());
        expect(Object.values(await applicationsOf()).every((a) => a === null)).toBe(true);

        await store.createApplication(usersApp);
        await store.createApplication(alphaApp);
        expect(await applicationsOf()).toEqual({ 'ep-a': 'app-users', 'ep-b': 'app-users', 'ep-c': 'app-alpha', 'ep-d': null, 'ep-e': null });
        expect(await findingApplications()).toEqual({ f1: 'app-users', f2: 'app-users', f3: 'app-users', f4: null, f5: null, f6: 'app-alpha' });

        // A new application's rules go last: it takes only what no earlier rule claims...
        const everything = makeApplication({ id: 'app-all', name: 'All', matchers: [{ host: '*.test' }], createdAt: '2025-12-31T00:00:00.000Z' });
        await store.createApplication(everything);
        expect(await applicationsOf()).toEqual({ 'ep-a': 'app-users', 'ep-b': 'app-users', 'ep-c': 'app-alpha', 'ep-d': 'app-all', 'ep-e': 'app-all' });
        // ...until its rule is moved to the top of the list, where it takes everything it matches.
        const rules = await store.listOwnershipRules();
        expect(await store.replaceOwnershipRules([rules[2]!, rules[0]!, rules[1]!])).toEqual({ endpointsReassigned: 3 });
        expect(new Set(Object.values(await applicationsOf()))).toEqual(new Set(['app-all']));
        expect(new Set(Object.values(await findingApplications()))).toEqual(new Set(['app-all']));

        // Narrowing it hands alpha.test back; users now claims /orders instead of /users.
        expect(await store.updateApplication({ ...everything, matchers: [{ host: 'beta.test', pathPrefix: '/orders' }], updatedAt: T(5) })).toBe(true);
        expect(await store.updateApplication({ ...usersApp, matchers: [{ host: 'alpha.test', pathPrefix: '/orders' }], updatedAt: T(5) })).toBe(true);
        expect(await applicationsOf()).toEqual({ 'ep-a': 'app-alpha', 'ep-b': 'app-alpha', 'ep-c': 'app-users', 'ep-d': 'app-all', 'ep-e': null });
        expect(await findingApplications()).toEqual({ f1: 'app-alpha', f2: 'app-alpha', f3: 'app-alpha', f4: 'app-all', f5: null, f6: 'app-users' });
        expect((await store.getEndpoint('ep-c'))?.applicationId).toBe('app-users');

        expect(await store.deleteApplication('app-users')).toBe(true);
        expect(await applicationsOf()).toEqual({ 'ep-a': 'app-alpha', 'ep-b': 'app-alpha', 'ep-c': 'app-alpha', 'ep-d': 'app-all', 'ep-e': null });
        expect((await store.getFinding('f6'))?.applicationId).toBe('app-alpha');

        // New rows are assigned with the current list at once.
        await store.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-new', host: 'beta.test', pathTemplate: '/orders' }), state: null }]);
        expect((await store.getEndpoint('ep-new'))?.applicationId).toBe('app-all');
      });

      it('keeps the assignment when a failed change rolls back', async () => {
        await store.createApplication(usersApp);
        await store.saveEndpoints(fixtureRows());
        await expect(store.createApplication(makeApplication({ id: 'app-dup', name: 'USERS', matchers: [{ host: '*.test' }], createdAt: '2025-01-01T00:00:00.000Z' }))).rejects.toMatchObject({ code: 'conflict' });
        await store.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-new', host: 'alpha.test', pathTemplate: '/users/x' }), state: null }]);
        expect((await store.getEndpoint('ep-new'))?.applicationId).toBe('app-users');
        expect((await store.getEndpoint('ep-e'))?.applicationId).toBeNull();
      });

      describe('scope and application filters', () => {
        beforeEach(async () => {
          await store.createApplication(usersApp);
          await store.createApplication(alphaApp);
          await store.saveEndpoints(fixtureRows());
          await store.saveFindings(fixtureFindings());
        });

        const endpointCases: [string, EndpointQuery, string[]][] = [
          ['one application in scope', { scope: ['app-users'] }, ['ep-a', 'ep-b']],
          ['two applications in scope', { scope: ['app-alpha', 'app-users'] }, ['ep-a', 'ep-b', 'ep-c']],
          ['a repeated id', { scope: ['app-alpha', 'app-alpha', 'app-alpha'] }, ['ep-c']],
          ['an unknown application in scope', { scope: ['nope'] }, []],
          ['an empty scope', { scope: [] }, []],
          ['scope all', { scope: 'all' }, ['ep-a', 'ep-b', 'ep-c', 'ep-d', 'ep-e']],
          ['application', { application: 'app-users' }, ['ep-a', 'ep-b']],
          ['unassigned', { application: UNASSIGNED_APPLICATION }, ['ep-d', 'ep-e']],
          ['unassigned within a scope (never visible to a scoped caller)', { scope: ['app-users', 'app-alpha'], application: UNASSIGNED_APPLICATION }, []],
          ['an application outside the scope', { scope: ['app-users'], application: 'app-alpha' }, []],
          ['scope with another filter', { scope: ['app-users', 'app-alpha'], authenticated: false }, ['ep-a']],
          ['scope with a filter that matches only outside it', { scope: ['app-users'], host: 'beta.test' }, []],
        ];
        it.each(endpointCases)('endpoints: %s', async (_label, query, expected) => {
          const page = await store.listEndpoints({ ...query, limit: 100 });
          expect(ids(page.items).sort()).toEqual(expected);
          expect(page.total).toBe(expected.length);
        });

        it('never returns rows outside the scope, on any page and with any sort', async () => {
          for (const sort of ENDPOINT_SORT_KEYS) {
            for (const order of ['asc', 'desc'] as const) {
              const page = await store.listEndpoints({ scope: ['app-users'], sort, order, limit: 1, offset: 1 });
              expect(page.total).toBe(2);
              expect(page.items.map((i) => i.applicationId)).toEqual(['app-users']);
            }
          }
        });

        it('sorts by application id, unassigned endpoints last in both directions', async () => {
          const asc = ['ep-c', 'ep-a', 'ep-b', 'ep-d', 'ep-e'];
          const desc = ['ep-b', 'ep-a', 'ep-c', 'ep-e', 'ep-d'];
          expect(ids((await store.listEndpoints({ sort: 'application' })).items)).toEqual(asc);
          expect(ids((await store.listEndpoints({ sort: 'application', order: 'desc' })).items)).toEqual(desc);
          for (const [order, expected] of [['asc', asc], ['desc', desc]] as const) {
            const paged: string[] = [];
            for (let offset = 0; offset < 5; offset += 2) paged.push(...ids((await store.listEndpoints({ sort: 'application', order, limit: 2, offset })).items));
            expect(paged).toEqual(expected);
          }
        });

        const findingCases: [string, FindingQuery, string[]][] = [
          ['scope', { scope: ['app-users'] }, ['f2', 'f1', 'f3']],
          ['scope of two', { scope: ['app-users', 'app-alpha'] }, ['f2', 'f1', 'f3', 'f6']],
          ['an empty scope', { scope: [] }, []],
          ['application', { application: 'app-alpha' }, ['f6']],
          ['unassigned (of an unclaimed endpoint, or of no endpoint)', { application: UNASSIGNED_APPLICATION }, ['f4', 'f5']],
          ['unassigned within a scope', { scope: ['app-users'], application: UNASSIGNED_APPLICATION }, []],
          ['scope with OWASP and search', { scope: ['app-users', 'app-alpha'], owasp: 'API8:2023', search: 'http' }, ['f3']],
          ['scope with a filter that matches only outside it', { scope: ['app-users'], host: 'beta.test' }, []],
        ];
        it.each(findingCases)('findings: %s', async (_label, query, expected) => {
          const page = await store.listFindings(query);
          expect(ids(page.items)).toEqual(expected);
          expect(page.total).toBe(expected.length);
        });
      });
    });

    ownershipContract(() => store);
    remediationContract(() => store);

    describe('dashboard', () => {
      const usersApp = makeApplication({ id: 'app-users', name: 'Users', matchers: [{ host: 'alpha.test', pathPrefix: '/users' }], createdAt: T(1) });
      const alphaApp = makeApplication({ id: 'app-alpha', name: 'Alpha', matchers: [{ host: 'alpha.test' }], createdAt: T(2) });
      const zeros = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };

      beforeEach(async () => {
        await store.createApplication(usersApp);
        await store.createApplication(alphaApp);
        // ep-f ties with ep-c and ep-d on risk: calls, not id, decide. Its times carry offsets whose UTC
        // day differs from the day in the text.
        const f = makeEndpoint({
          id: 'ep-f', host: 'gamma.test', api: 'gamma.test', pathTemplate: '/items', risk: risk(3, 'medium'), calls: 50,
          firstSeen: '2026-01-12T01:00:00+02:00', lastSeen: '2026-01-13T01:30:00+02:00',
        });
        await store.saveEndpoints([...fixtureRows(), { endpoint: f, state: null }]);
        await store.saveFindings(fixtureFindings());
      });

      it('gives the figures of the whole estate', async () => {
        const d = await store.dashboard('all', { top: 4, days: 10 });
        expect({ ...d, topRisky: ids(d.topRisky) }).toEqual({
          hosts: 3,
          apis: 4,
          endpoints: 6,
          internetExposed: 3,
          unauthenticated: 2,
          plainHttp: 2,
          withSensitiveData: 3,
          byRiskLevel: { low: 1, medium: 3, high: 1, critical: 1 },
          endpointsByDataClass: { email: 2, phone: 1, 'payment-card': 1 },
          topRisky: ['ep-a', 'ep-b', 'ep-c', 'ep-f'],
          // The newest lastSeen is ep-f's, 2026-01-12T23:30Z: ten UTC days up to the 12th.
          newEndpointsByDay: [
            { day: '2026-01-03', count: 1 },
            { day: '2026-01-04', count: 1 },
            { day: '2026-01-05', count: 1 },
            { day: '2026-01-06', count: 0 },
            { day: '2026-01-07', count: 0 },
            { day: '2026-01-08', count: 0 },
            { day: '2026-01-09', count: 0 },
            { day: '2026-01-10', count: 0 },
            { day: '2026-01-11', count: 1 },
            { day: '2026-01-12', count: 0 },
          ],
          // f4 is resolved.
          openFindingsBySeverity: { info: 1, low: 1, medium: 1, high: 1, critical: 1 },
          openFindingsByOwasp: { 'API2:2023': 1, 'API3:2023': 1, 'API8:2023': 3 },
          // ep-d, ep-e (beta.test) and ep-f (gamma.test): no rule claims them.
          unownedEndpoints: 3,
        });
        // The rows are full summaries, with their application.
        expect(d.topRisky[0]).toEqual((await store.listEndpoints({ limit: 1 })).items[0]);
        expect(d.topRisky[0]?.applicationId).toBe('app-users');
      });

      it('restricts every figure to the scope', async () => {
        const d = await store.dashboard(['app-users'], { top: 10, days: 3 });
        expect({ ...d, topRisky: ids(d.topRisky) }).toEqual({
          hosts: 1,
          apis: 1,
          endpoints: 2,
          internetExposed: 2,
          unauthenticated: 1,
          plainHttp: 1,
          withSensitiveData: 2,
          byRiskLevel: { low: 0, medium: 0, high: 1, critical: 1 },
          endpointsByDataClass: { email: 2, phone: 1 },
          topRisky: ['ep-a', 'ep-b'],
          // Up to the newest lastSeen in scope (ep-a, the 10th); nothing was first seen then.
          newEndpointsByDay: [
            { day: '2026-01-08', count: 0 },
            { day: '2026-01-09', count: 0 },
            { day: '2026-01-10', count: 0 },
          ],
          openFindingsBySeverity: { ...zeros, medium: 1, high: 1, critical: 1 },
          openFindingsByOwasp: { 'API2:2023': 1, 'API3:2023': 1, 'API8:2023': 1 },
          // Unowned endpoints are outside every scope.
          unownedEndpoints: 0,
        });
        const two = await store.dashboard(['app-alpha', 'app-users'], { top: 1, days: 1 });
        expect(two).toMatchObject({ endpoints: 3, hosts: 1, apis: 2, newEndpointsByDay: [{ day: '2026-01-12', count: 0 }] });
        expect(ids(two.topRisky)).toEqual(['ep-a']);
        expect(two.openFindingsBySeverity).toEqual({ ...zeros, info: 1, medium: 1, high: 1, critical: 1 });
      });

      it('is empty for an empty scope, a scope that claims nothing, or an empty store', async () => {
        const empty = {
          hosts: 0,
          apis: 0,
          endpoints: 0,
          internetExposed: 0,
          unauthenticated: 0,
          plainHttp: 0,
          withSensitiveData: 0,
          byRiskLevel: { low: 0, medium: 0, high: 0, critical: 0 },
          endpointsByDataClass: {},
          topRisky: [],
          newEndpointsByDay: [],
          openFindingsBySeverity: zeros,
          openFindingsByOwasp: {},
          unownedEndpoints: 0,
        };
        expect(await store.dashboard([], { top: 5, days: 30 })).toEqual(empty);
        expect(await store.dashboard(['nope'], { top: 5, days: 30 })).toEqual(empty);
        await store.saveEndpoints([], ['ep-a', 'ep-b', 'ep-c', 'ep-d', 'ep-e', 'ep-f']);
        await store.resolveFindingsNotIn(['ep-a', 'ep-b', 'ep-c', 'ep-d'], [], T(20));
        await store.saveFindings([{ ...fixtureFindings().find((f) => f.id === 'f5')!, status: 'resolved' }]);
        expect(await store.dashboard('all', { top: 5, days: 30 })).toEqual(empty);
      });

      it('bounds top and days', async () => {
        const d = await store.dashboard('all', { top: 0, days: 0 });
        expect(d.topRisky).toEqual([]);
        expect(d.newEndpointsByDay).toEqual([]);
        expect((await store.dashboard('all', { top: -3, days: Number.NaN })).topRisky).toEqual([]);
        expect((await store.dashboard('all', { top: 1_000_000, days: 1_000_000 })).newEndpointsByDay.length).toBeLessThanOrEqual(366);
      });
    });

    describe('inventory summary', () => {
      it('is all zeros for an empty store', async () => {
        expect(await store.inventorySummary()).toEqual({
          hosts: 0,
          apis: 0,
          endpoints: 0,
          internetExposed: 0,
          unauthenticated: 0,
          plainHttp: 0,
          withSensitiveData: 0,
          byRiskLevel: { low: 0, medium: 0, high: 0, critical: 0 },
          openFindingsBySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 0 },
        });
      });

      it('counts endpoints and open findings', async () => {
        await store.saveEndpoints(fixtureRows());
        await store.saveFindings(fixtureFindings());
        expect(await store.inventorySummary()).toEqual({
          hosts: 2,
          apis: 3,
          endpoints: 5,
          internetExposed: 3,
          unauthenticated: 2,
          plainHttp: 2,
          withSensitiveData: 3,
          byRiskLevel: { low: 1, medium: 2, high: 1, critical: 1 },
          // f4 (high) is resolved and does not count.
          openFindingsBySeverity: { info: 1, low: 1, medium: 1, high: 1, critical: 1 },
        });
      });
    });

    describe('findings', () => {
      it('round-trips a finding and returns null for an unknown id', async () => {
        const f = makeFinding({ evidence: { summary: 'token in query', location: 'query:access_token', sample: '[REDACTED:jwt:ab12]' } });
        await store.saveFindings([f]);
        // The store adds the application (none here), and keeps no applicationId the caller passed.
        expect(await store.getFinding(f.id)).toEqual({ ...f, applicationId: null });
        await store.saveFindings([{ ...f, id: 'f-2', applicationId: 'made-up' }]);
        expect((await store.getFinding('f-2'))?.applicationId).toBeNull();
        expect(await store.getFinding('nope')).toBeNull();
      });

      it('merges a known id: keeps firstSeen, takes the later lastSeen, adds count, takes evidence, severity and status', async () => {
        await store.saveFindings([
          makeFinding({ id: 'f', firstSeen: T(1), lastSeen: T(2), count: 1, severity: 'medium', evidence: { summary: 'old' } }),
        ]);
        await store.saveFindings([
          makeFinding({ id: 'f', firstSeen: T(5), lastSeen: T(6), count: 3, severity: 'high', evidence: { summary: 'new' } }),
        ]);
        expect(await store.getFinding('f')).toMatchObject({
          firstSeen: T(1),
          lastSeen: T(6),
          count: 4,
          severity: 'high',
          evidence: { summary: 'new' },
          status: 'open',
        });
        // The severity change is visible to filters, not only to the document.
        expect(ids((await store.listFindings({ severity: 'high' })).items)).toEqual(['f']);
        expect((await store.listFindings({ severity: 'medium' })).total).toBe(0);
      });

      it('widens the window when older traffic arrives later', async () => {
        await store.saveFindings([makeFinding({ id: 'f', firstSeen: T(5), lastSeen: T(6), count: 1 })]);
        await store.saveFindings([makeFinding({ id: 'f', firstSeen: T(1), lastSeen: T(2), count: 2 })]);
        expect(await store.getFinding('f')).toMatchObject({ firstSeen: T(1), lastSeen: T(6), count: 3 });
      });

      it('compares timestamps as instants, not text', async () => {
        // 01:00+02:00 is 23:00Z the day before: earlier than T(2) though it sorts later as text.
        await store.saveFindings([makeFinding({ id: 'f', firstSeen: T(2), lastSeen: T(2), count: 1 })]);
        await store.saveFindings([makeFinding({ id: 'f', firstSeen: '2026-01-02T01:00:00+02:00', lastSeen: '2026-01-02T01:00:00+02:00', count: 1 })]);
        expect(await store.getFinding('f')).toMatchObject({ firstSeen: '2026-01-02T01:00:00+02:00', lastSeen: T(2) });
      });

      it('merges repeats of one id within a batch', async () => {
        await store.saveFindings([
          makeFinding({ id: 'f', lastSeen: T(2), count: 1 }),
          makeFinding({ id: 'f', lastSeen: T(3), count: 2 }),
        ]);
        expect(await store.getFinding('f')).toMatchObject({ count: 3, lastSeen: T(3) });
        expect((await store.listFindings({})).total).toBe(1);
      });

      it('takes the new status: a resolved finding seen again reopens', async () => {
        await store.saveFindings([makeFinding({ id: 'f', status: 'resolved' })]);
        await store.saveFindings([makeFinding({ id: 'f', status: 'open' })]);
        expect((await store.getFinding('f'))?.status).toBe('open');
        await store.saveFindings([makeFinding({ id: 'f', status: 'resolved' })]);
        expect((await store.getFinding('f'))?.status).toBe('resolved');
      });

      describe('listing', () => {
        beforeEach(async () => {
          await store.saveFindings(fixtureFindings());
        });

        const cases: [string, FindingQuery, string[]][] = [
          ['no filter', {}, ['f2', 'f1', 'f4', 'f3', 'f5', 'f6']],
          ['endpoint', { endpointId: 'ep-a' }, ['f2', 'f1']],
          ['severity', { severity: 'high' }, ['f1', 'f4']],
          ['min severity high', { minSeverity: 'high' }, ['f2', 'f1', 'f4']],
          ['min severity critical', { minSeverity: 'critical' }, ['f2']],
          ['min severity info', { minSeverity: 'info' }, ['f2', 'f1', 'f4', 'f3', 'f5', 'f6']],
          ['rule', { ruleId: 'auth-missing' }, ['f1', 'f4']],
          ['status resolved', { status: 'resolved' }, ['f4']],
          ['status open', { status: 'open' }, ['f2', 'f1', 'f3', 'f5', 'f6']],
          ['host', { host: 'beta.test' }, ['f4', 'f5']],
          ['combined', { status: 'open', minSeverity: 'medium' }, ['f2', 'f1', 'f3']],
          ['no match', { endpointId: 'ep-zzz' }, []],
          ['OWASP category', { owasp: 'API8:2023' }, ['f3', 'f5', 'f6']],
          ['OWASP category and status', { owasp: 'API2:2023', status: 'open' }, ['f1']],
          ['OWASP category never seen', { owasp: 'API10:2023' }, []],
          ['search in title, any case', { search: 'PERSONAL data' }, ['f2']],
          ['search in host', { search: 'Beta.Test' }, ['f4', 'f5']],
          ['search in path template', { search: 'orders/{' }, ['f4', 'f6']],
          ['search does not span fields', { search: 'alpha.test/users' }, []],
          ['search treats % and _ literally', { search: '%' }, []],
          ['empty search', { search: '' }, ['f2', 'f1', 'f4', 'f3', 'f5', 'f6']],
          ['search and severity', { search: 'alpha', minSeverity: 'high' }, ['f2', 'f1']],
          ['unassigned (no applications defined)', { application: UNASSIGNED_APPLICATION }, ['f2', 'f1', 'f4', 'f3', 'f5', 'f6']],
          ['empty scope', { scope: [] }, []],
        ];
        it.each(cases)('filters by %s, ordered by severity then lastSeen', async (_label, query, expected) => {
          const page = await store.listFindings(query);
          expect(ids(page.items)).toEqual(expected);
          expect(page.total).toBe(expected.length);
        });

        const sortCases: [FindingQuery['sort'], FindingQuery['order'] | undefined, string[]][] = [
          ['severity', undefined, ['f2', 'f1', 'f4', 'f3', 'f5', 'f6']],
          ['severity', 'asc', ['f6', 'f5', 'f3', 'f4', 'f1', 'f2']],
          ['lastSeen', undefined, ['f6', 'f5', 'f2', 'f1', 'f3', 'f4']],
          ['lastSeen', 'asc', ['f4', 'f3', 'f1', 'f2', 'f5', 'f6']],
          ['firstSeen', undefined, ['f5', 'f2', 'f4', 'f3', 'f6', 'f1']],
          ['firstSeen', 'asc', ['f1', 'f6', 'f3', 'f4', 'f2', 'f5']],
          ['count', undefined, ['f2', 'f4', 'f5', 'f3', 'f6', 'f1']],
          ['count', 'asc', ['f1', 'f6', 'f3', 'f5', 'f4', 'f2']],
          ['rule', undefined, ['f1', 'f4', 'f6', 'f2', 'f3', 'f5']],
          ['rule', 'desc', ['f5', 'f3', 'f2', 'f6', 'f4', 'f1']],
          ['host', undefined, ['f1', 'f2', 'f3', 'f6', 'f4', 'f5']],
          ['host', 'desc', ['f5', 'f4', 'f6', 'f3', 'f2', 'f1']],
        ];
        it.each(sortCases)('sorts by %s %s, ties broken by id, and pages without gaps', async (sort, order, expected) => {
          const query: FindingQuery = { sort };
          if (order) query.order = order;
          expect(ids((await store.listFindings(query)).items)).toEqual(expected);
          const paged: string[] = [];
          for (let offset = 0; offset < 6; offset += 4) paged.push(...ids((await store.listFindings({ ...query, limit: 4, offset })).items));
          expect(paged).toEqual(expected);
        });

        it('sorts within a filter, with the total of the filter', async () => {
          const page = await store.listFindings({ status: 'open', sort: 'count', order: 'asc', limit: 2, offset: 1 });
          expect(ids(page.items)).toEqual(['f6', 'f3']);
          expect(page.total).toBe(5);
        });

        it('pages with a total, default limit and cap', async () => {
          const page = await store.listFindings({ limit: 2, offset: 2 });
          expect(ids(page.items)).toEqual(['f4', 'f3']);
          expect(page).toMatchObject({ total: 6, limit: 2, offset: 2 });
          expect((await store.listFindings({})).limit).toBe(50);
          expect((await store.listFindings({ limit: 10_000 })).limit).toBe(MAX_PAGE_SIZE);
        });
      });

      describe('resolveFindingsNotIn', () => {
        beforeEach(async () => {
          await store.saveFindings(fixtureFindings());
        });

        it('resolves open findings of the given endpoints that are not kept, and counts them', async () => {
          expect(await store.resolveFindingsNotIn(['ep-a', 'ep-d'], ['f1'], T(20))).toBe(1);
          expect((await store.getFinding('f2'))?.status).toBe('resolved');
          expect((await store.getFinding('f1'))?.status).toBe('open');
          // Other endpoints and host-level findings are untouched.
          expect((await store.getFinding('f3'))?.status).toBe('open');
          expect((await store.getFinding('f5'))?.status).toBe('open');
          expect(ids((await store.listFindings({ status: 'resolved' })).items).sort()).toEqual(['f2', 'f4']);
          expect((await store.inventorySummary()).openFindingsBySeverity.critical).toBe(0);
        });

        it('resolves all open findings of an endpoint when nothing is kept', async () => {
          expect(await store.resolveFindingsNotIn(['ep-a'], [], T(20))).toBe(2);
          expect(await store.resolveFindingsNotIn(['ep-a'], [], T(21))).toBe(0);
        });

        it('does nothing for no endpoints', async () => {
          expect(await store.resolveFindingsNotIn([], [], T(20))).toBe(0);
          expect((await store.listFindings({ status: 'open' })).total).toBe(5);
        });

        it('lets a resolved finding reopen when it is reported again', async () => {
          await store.resolveFindingsNotIn(['ep-a'], [], T(20));
          const f2 = fixtureFindings().find((f) => f.id === 'f2')!;
          await store.saveFindings([{ ...f2, lastSeen: T(22) }]);
          expect(await store.getFinding('f2')).toMatchObject({ status: 'open', lastSeen: T(22), count: 2 * f2.count });
        });
      });
    });

    describe('samples', () => {
      it('keeps the newest per endpoint and lists them newest first', async () => {
        await store.addSamples(
          [
            sample('ep-a', 3),
            sample('ep-a', 1),
            sample('ep-a', 5),
            sample('ep-b', 1),
            sample('ep-a', 4),
            sample('ep-a', 2),
            sample('ep-b', 2),
          ],
          3,
        );
        expect((await store.listSamples('ep-a', 10)).map((s) => s.timestamp)).toEqual([T(5), T(4), T(3)]);
        expect((await store.listSamples('ep-b', 10)).map((s) => s.timestamp)).toEqual([T(2), T(1)]);

        await store.addSamples([sample('ep-a', 6)], 3);
        expect((await store.listSamples('ep-a', 10)).map((s) => s.timestamp)).toEqual([T(6), T(5), T(4)]);
        // An older sample than every kept one is dropped at once.
        await store.addSamples([sample('ep-a', 0)], 3);
        expect((await store.listSamples('ep-a', 10)).map((s) => s.timestamp)).toEqual([T(6), T(5), T(4)]);
      });

      it('round-trips the event and honours the limit', async () => {
        const event = { request: { method: 'GET', path: '/users/1', headers: { authorization: '[REDACTED:jwt:ab]' } }, response: { status: 200 } };
        await store.addSamples([{ endpointId: 'ep-a', timestamp: T(1), event }, sample('ep-a', 2)], 10);
        const all = await store.listSamples('ep-a', 10);
        expect(all[1]).toEqual({ endpointId: 'ep-a', timestamp: T(1), event });
        expect(await store.listSamples('ep-a', 1)).toHaveLength(1);
        expect(await store.listSamples('nope', 10)).toEqual([]);
      });

      it('drops the findings of a removed endpoint, and only those', async () => {
        await store.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-a' }), state: null }, { endpoint: makeEndpoint({ id: 'ep-b' }), state: null }]);
        await store.saveFindings([makeFinding({ id: 'f-a', endpointId: 'ep-a' }), makeFinding({ id: 'f-b', endpointId: 'ep-b' })]);
        await store.saveEndpoints([], ['ep-a']);
        expect(await store.getFinding('f-a')).toBeNull();
        expect(await store.getFinding('f-b')).not.toBeNull();
      });

      it('drops the samples of a removed endpoint', async () => {
        await store.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-a' }), state: null }]);
        await store.addSamples([sample('ep-a', 1)], 10);
        await store.saveEndpoints([], ['ep-a']);
        expect(await store.listSamples('ep-a', 10)).toEqual([]);
      });
    });

    describe('rejects', () => {
      it('keeps the newest up to the bound and lists them newest first', async () => {
        await store.addRejects([reject(1), reject(2), reject(3)], 4);
        await store.addRejects([reject(4), reject(5), reject(6)], 4);
        expect((await store.listRejects(100)).map((r) => r.at)).toEqual([T(6), T(5), T(4), T(3)]);
        expect((await store.listRejects(2)).map((r) => r.at)).toEqual([T(6), T(5)]);
      });

      it('round-trips a reject with and without a line', async () => {
        await store.addRejects([{ source: 'access.log', line: 17, reason: 'unparseable line', at: T(1) }, { source: 'ingest-api', reason: 'body too large', at: T(2) }], 10);
        const listed = await store.listRejects(10);
        expect(listed).toEqual([
          { source: 'ingest-api', reason: 'body too large', at: T(2) },
          { source: 'access.log', line: 17, reason: 'unparseable line', at: T(1) },
        ]);
        expect(listed[0]).not.toHaveProperty('line');
      });
    });

    describe('tokens', () => {
      const HASH_A = 'a'.repeat(64);
      const HASH_B = 'b'.repeat(64);

      it('finds a token by hash only', async () => {
        const token = makeToken({ id: 't-1', hash: HASH_A });
        await store.createToken(token);
        expect(await store.findTokenByHash(HASH_A)).toEqual(token);
        expect(await store.findTokenByHash(HASH_B)).toBeNull();
        expect(await store.findTokenByHash('t-1')).toBeNull();
      });

      it('lists tokens oldest first', async () => {
        const newer = makeToken({ id: 't-1', hash: HASH_A, createdAt: T(2) });
        const older = makeToken({ id: 't-2', hash: HASH_B, createdAt: T(1) });
        await store.createToken(newer);
        await store.createToken(older);
        expect(await store.listTokens()).toEqual([older, newer]);
      });

      it.each([
        ['id', { id: 't-1', hash: HASH_B }],
        ['hash', { id: 't-2', hash: HASH_A }],
      ])('rejects a duplicate %s as a conflict', async (_label, dup) => {
        await store.createToken(makeToken({ id: 't-1', hash: HASH_A }));
        await expect(store.createToken(makeToken(dup))).rejects.toMatchObject({ code: 'conflict' });
        expect(await store.listTokens()).toHaveLength(1);
      });

      it('revokes: the token stays findable, marked revoked; unknown ids answer false', async () => {
        await store.createToken(makeToken({ id: 't-1', hash: HASH_A }));
        expect(await store.revokeToken('t-1')).toBe(true);
        expect(await store.findTokenByHash(HASH_A)).toMatchObject({ id: 't-1', revoked: true });
        expect(await store.revokeToken('t-1')).toBe(true);
        expect(await store.revokeToken('nope')).toBe(false);
      });

      it('records the last use', async () => {
        await store.createToken(makeToken({ id: 't-1', hash: HASH_A }));
        await store.touchToken('t-1', T(9));
        expect((await store.findTokenByHash(HASH_A))?.lastUsedAt).toBe(T(9));
        await store.touchToken('nope', T(9));
        expect(await store.listTokens()).toHaveLength(1);
      });
    });
    describe('users', () => {
      it('round-trips a user, finds it by email in any case, and answers null for unknown ones', async () => {
        const user = makeUser({ id: 'u-1', email: 'Ana.Lopez@Example.com', applications: ['app-1'], passwordHash: 'scrypt$16$8$1$c2FsdA$a2V5' });
        await store.createUser(user);
        expect(await store.getUser('u-1')).toEqual(user);
        expect(await store.findUserByEmail('ana.lopez@example.COM')).toEqual(user);
        expect(await store.findUserByEmail('  ana.lopez@example.com ')).toEqual(user);
        expect(await store.getUser('u-2')).toBeNull();
        expect(await store.findUserByEmail('other@example.com')).toBeNull();
      });

      it('compares emails with Unicode case folding, not only ASCII', async () => {
        await store.createUser(makeUser({ id: 'u-1', email: 'ÉLODIE@example.com' }));
        expect((await store.findUserByEmail('élodie@example.com'))?.id).toBe('u-1');
        await expect(store.createUser(makeUser({ id: 'u-2', email: 'élodie@EXAMPLE.com' }))).rejects.toMatchObject({ code: 'conflict' });
      });

      it.each([
        ['id', { id: 'u-1', email: 'other@example.com' }],
        ['email, in another case', { id: 'u-2', email: 'ANA@example.com' }],
      ])('rejects a duplicate %s as a conflict', async (_label, dup) => {
        await store.createUser(makeUser({ id: 'u-1', email: 'ana@example.com' }));
        await expect(store.createUser(makeUser(dup))).rejects.toMatchObject({ code: 'conflict' });
        expect((await store.listUsers({})).total).toBe(1);
      });

      it('creates the first user only while there is none', async () => {
        expect(await store.createFirstUser(makeUser({ id: 'u-1', email: 'a@example.com' }))).toBe(true);
        expect(await store.createFirstUser(makeUser({ id: 'u-2', email: 'b@example.com' }))).toBe(false);
        expect((await store.listUsers({})).items.map((u) => u.id)).toEqual(['u-1']);
      });

      it('lists by email (case-insensitive), filters by role and status, and pages with a cap', async () => {
        await store.createUser(makeUser({ id: 'u-1', email: 'carol@example.com', role: 'auditor' }));
        await store.createUser(makeUser({ id: 'u-2', email: 'Bob@example.com', role: 'admin', status: 'disabled' }));
        await store.createUser(makeUser({ id: 'u-3', email: 'alice@example.com', role: 'admin' }));
        expect((await store.listUsers({})).items.map((u) => u.id)).toEqual(['u-3', 'u-2', 'u-1']);
        expect((await store.listUsers({ role: 'admin' })).items.map((u) => u.id)).toEqual(['u-3', 'u-2']);
        expect((await store.listUsers({ role: 'admin', status: 'active' })).items.map((u) => u.id)).toEqual(['u-3']);
        expect(await store.listUsers({ limit: 1, offset: 1 })).toMatchObject({ total: 3, limit: 1, offset: 1, items: [{ id: 'u-2' }] });
        expect((await store.listUsers({ limit: 100_000 })).limit).toBe(MAX_PAGE_SIZE);
        expect(await store.listUsers({ limit: 0 })).toEqual({ items: [], total: 3, limit: 0, offset: 0 });
      });

      it('updates only the fields in the patch and answers null for an unknown id', async () => {
        const user = makeUser({ id: 'u-1', passwordHash: 'h1', lockedUntil: T(3) });
        await store.createUser(user);
        const updated = await store.updateUser('u-1', { role: 'workload-owner', applications: ['app-1', 'app-2'], updatedAt: T(5) });
        expect(updated).toEqual({ ...user, role: 'workload-owner', applications: ['app-1', 'app-2'], updatedAt: T(5) });
        expect(await store.getUser('u-1')).toEqual(updated);
        // null is a value: it clears.
        expect(await store.updateUser('u-1', { passwordHash: null, lockedUntil: null, status: 'disabled', updatedAt: T(6) })).toMatchObject({
          passwordHash: null,
          lockedUntil: null,
          status: 'disabled',
          role: 'workload-owner',
        });
        expect(await store.updateUser('nope', { role: 'admin', updatedAt: T(6) })).toBeNull();
        expect((await store.listUsers({ role: 'workload-owner' })).total).toBe(1);
      });

      it('counts consecutive failed logins, locks at the threshold and starts counting again', async () => {
        await store.createUser(makeUser({ id: 'u-1' }));
        const fail = () => store.recordLoginFailure('u-1', { lockAfter: 3, lockUntil: T(9), at: T(2) });
        expect(await fail()).toEqual({ failedLogins: 1, lockedUntil: null, locked: false });
        expect(await fail()).toEqual({ failedLogins: 2, lockedUntil: null, locked: false });
        expect(await fail()).toEqual({ failedLogins: 0, lockedUntil: T(9), locked: true });
        expect(await store.getUser('u-1')).toMatchObject({ failedLogins: 0, lockedUntil: T(9) });
        expect(await fail()).toMatchObject({ failedLogins: 1, locked: false });
        expect(await store.recordLoginFailure('nope', { lockAfter: 3, lockUntil: T(9), at: T(2) })).toBeNull();
      });

      it('counts concurrent failures exactly', async () => {
        await store.createUser(makeUser({ id: 'u-1' }));
        await Promise.all(Array.from({ length: 7 }, () => store.recordLoginFailure('u-1', { lockAfter: 100, lockUntil: T(9), at: T(2) })));
        expect((await store.getUser('u-1'))?.failedLogins).toBe(7);
      });

      it('clears failures and the lock on a successful login, and records its time', async () => {
        await store.createUser(makeUser({ id: 'u-1', failedLogins: 2, lockedUntil: T(9) }));
        await store.recordLoginSuccess('u-1', T(4));
        expect(await store.getUser('u-1')).toMatchObject({ failedLogins: 0, lockedUntil: null, lastLoginAt: T(4) });
      });
    });

    describe('invitation and reset tokens', () => {
      beforeEach(async () => {
        await store.createUser(makeUser({ id: 'u-1', email: 'a@example.com' }));
        await store.createUser(makeUser({ id: 'u-2', email: 'b@example.com' }));
      });

      it('finds a token by hash and purpose only', async () => {
        const t = makeUserToken({ hash: 'a'.repeat(64), purpose: 'invite' });
        await store.createUserToken(t);
        expect(await store.findUserToken('a'.repeat(64), 'invite')).toEqual(t);
        expect(await store.findUserToken('a'.repeat(64), 'reset')).toBeNull();
        expect(await store.findUserToken('b'.repeat(64), 'invite')).toBeNull();
      });

      it('rejects a duplicate hash and a token for an unknown user as conflicts', async () => {
        await store.createUserToken(makeUserToken({ hash: 'a'.repeat(64) }));
        await expect(store.createUserToken(makeUserToken({ hash: 'a'.repeat(64), userId: 'u-2' }))).rejects.toMatchObject({ code: 'conflict' });
        await expect(store.createUserToken(makeUserToken({ hash: 'b'.repeat(64), userId: 'nobody' }))).rejects.toMatchObject({ code: 'conflict' });
      });

      it('is consumed once, before its expiry, for its purpose only', async () => {
        await store.createUserToken(makeUserToken({ hash: 'a'.repeat(64), purpose: 'reset', expiresAt: T(5) }));
        expect(await store.consumeUserToken('a'.repeat(64), 'invite', T(2))).toBeNull();
        expect(await store.consumeUserToken('a'.repeat(64), 'reset', T(2))).toMatchObject({ userId: 'u-1', usedAt: T(2) });
        expect(await store.consumeUserToken('a'.repeat(64), 'reset', T(3))).toBeNull();
        expect(await store.findUserToken('a'.repeat(64), 'reset')).toMatchObject({ usedAt: T(2) });
      });

      it.each([
        ['at its expiry', T(5)],
        ['after its expiry', T(6)],
        ['after its expiry, given with an offset', '2026-01-05T01:00:00+00:30'],
      ])('cannot be consumed %s', async (_label, at) => {
        await store.createUserToken(makeUserToken({ hash: 'a'.repeat(64), expiresAt: T(5) }));
        expect(await store.consumeUserToken('a'.repeat(64), 'invite', at)).toBeNull();
        expect(await store.findUserToken('a'.repeat(64), 'invite')).toMatchObject({ usedAt: null });
      });

      it('gives a token to one of two concurrent consumers only', async () => {
        await store.createUserToken(makeUserToken({ hash: 'a'.repeat(64), expiresAt: T(5) }));
        const results = await Promise.all([1, 2, 3].map(() => store.consumeUserToken('a'.repeat(64), 'invite', T(2))));
        expect(results.filter((r) => r !== null)).toHaveLength(1);
      });

      it('revokes the unused tokens of one user and purpose', async () => {
        await store.createUserToken(makeUserToken({ hash: '1'.repeat(64), purpose: 'invite' }));
        await store.createUserToken(makeUserToken({ hash: '2'.repeat(64), purpose: 'invite' }));
        await store.createUserToken(makeUserToken({ hash: '3'.repeat(64), purpose: 'reset' }));
        await store.createUserToken(makeUserToken({ hash: '4'.repeat(64), purpose: 'invite', userId: 'u-2' }));
        await store.consumeUserToken('2'.repeat(64), 'invite', T(2));
        expect(await store.revokeUserTokens('u-1', 'invite')).toBe(1);
        expect(await store.findUserToken('1'.repeat(64), 'invite')).toBeNull();
        expect(await store.findUserToken('2'.repeat(64), 'invite')).not.toBeNull();
        expect(await store.findUserToken('3'.repeat(64), 'reset')).not.toBeNull();
        expect(await store.findUserToken('4'.repeat(64), 'invite')).not.toBeNull();
      });
    });

    describe('sessions', () => {
      beforeEach(async () => {
        await store.createUser(makeUser({ id: 'u-1', email: 'a@example.com' }));
        await store.createUser(makeUser({ id: 'u-2', email: 'b@example.com' }));
      });

      it('round-trips a session by the hash of its id, and records the last use', async () => {
        const s = makeSession({ idHash: 'a'.repeat(64), clientAddress: '203.0.113.7' });
        await store.createSession(s, 10);
        expect(await store.findSession('a'.repeat(64))).toEqual(s);
        expect(await store.findSession('b'.repeat(64))).toBeNull();
        await store.touchSession('a'.repeat(64), T(3));
        expect((await store.findSession('a'.repeat(64)))?.lastSeenAt).toBe(T(3));
      });

      it('rejects a session for an unknown user and a duplicate id as conflicts', async () => {
        await store.createSession(makeSession({ idHash: 'a'.repeat(64) }), 10);
        await expect(store.createSession(makeSession({ idHash: 'a'.repeat(64) }), 10)).rejects.toMatchObject({ code: 'conflict' });
        await expect(store.createSession(makeSession({ idHash: 'b'.repeat(64), userId: 'nobody' }), 10)).rejects.toMatchObject({ code: 'conflict' });
      });

      it('deletes one session, or all of one user', async () => {
        await store.createSession(makeSession({ idHash: '1'.repeat(64) }), 10);
        await store.createSession(makeSession({ idHash: '2'.repeat(64) }), 10);
        await store.createSession(makeSession({ idHash: '3'.repeat(64), userId: 'u-2' }), 10);
        expect(await store.deleteSession('1'.repeat(64))).toBe(true);
        expect(await store.deleteSession('1'.repeat(64))).toBe(false);
        await store.createSession(makeSession({ idHash: '4'.repeat(64) }), 10);
        expect(await store.deleteUserSessions('u-1')).toBe(2);
        expect(await store.findSession('3'.repeat(64))).not.toBeNull();
      });

      it('keeps at most maxPerUser sessions per user, dropping the oldest', async () => {
        for (let day = 1; day <= 4; day++) {
          await store.createSession(makeSession({ idHash: String(day).repeat(64), createdAt: T(day), lastSeenAt: T(day) }), 3);
        }
        await store.createSession(makeSession({ idHash: '9'.repeat(64), userId: 'u-2' }), 3);
        expect(await store.findSession('1'.repeat(64))).toBeNull();
        for (const d of ['2', '3', '4', '9']) expect(await store.findSession(d.repeat(64))).not.toBeNull();
        // Equal creation times: the session just created is the one kept.
        await store.createSession(makeSession({ idHash: 'e'.repeat(64), createdAt: T(4), lastSeenAt: T(4) }), 1);
        expect(await store.findSession('e'.repeat(64))).not.toBeNull();
        expect(await store.findSession('4'.repeat(64))).toBeNull();
      });

      it('prunes sessions past their absolute expiry or idle since the cut-off', async () => {
        await store.createSession(makeSession({ idHash: '1'.repeat(64), lastSeenAt: T(9), expiresAt: T(10) }), 10);
        await store.createSession(makeSession({ idHash: '2'.repeat(64), lastSeenAt: T(5), expiresAt: T(20) }), 10);
        await store.createSession(makeSession({ idHash: '3'.repeat(64), lastSeenAt: T(9), expiresAt: T(20) }), 10);
        expect(await store.pruneSessions(T(10), T(6))).toBe(2);
        expect(await store.findSession('3'.repeat(64))).not.toBeNull();
      });
    });

    describe('applications', () => {
      it('round-trips an application and lists in creation order (by instant), then id', async () => {
        const a = makeApplication({ id: 'app-b', name: 'Billing', createdAt: T(2), matchers: [{ host: 'shop.example.com', pathPrefix: '/billing' }] });
        const b = makeApplication({ id: 'app-a', name: 'Accounts', createdAt: T(2) });
        const c = makeApplication({ id: 'app-c', name: 'Catalog', createdAt: '2026-01-02T01:00:00+02:00' });
        for (const app of [a, b, c]) await store.createApplication(app);
        expect(await store.getApplication('app-b')).toEqual(a);
        expect(await store.getApplication('nope')).toBeNull();
        expect((await store.listApplications({})).items.map((x) => x.id)).toEqual(['app-c', 'app-a', 'app-b']);
      });

      it('rejects a duplicate id or name (any case) as a conflict', async () => {
        await store.createApplication(makeApplication({ id: 'app-1', name: 'Shop' }));
        await expect(store.createApplication(makeApplication({ id: 'app-1', name: 'Other' }))).rejects.toMatchObject({ code: 'conflict' });
        await expect(store.createApplication(makeApplication({ id: 'app-2', name: 'SHOP' }))).rejects.toMatchObject({ code: 'conflict' });
        await store.createApplication(makeApplication({ id: 'app-3', name: 'Other' }));
        await expect(store.updateApplication(makeApplication({ id: 'app-3', name: 'shop' }))).rejects.toMatchObject({ code: 'conflict' });
      });

      it('filters by owner, and an update replaces owners and matchers but keeps createdAt', async () => {
        await store.createApplication(makeApplication({ id: 'app-1', name: 'Shop', owners: ['u-1', 'u-2'], createdAt: T(1) }));
        await store.createApplication(makeApplication({ id: 'app-2', name: 'Ops', owners: ['u-2'], createdAt: T(2) }));
        expect((await store.listApplications({ owner: 'u-2' })).items.map((x) => x.id)).toEqual(['app-1', 'app-2']);
        expect((await store.listApplications({ owner: 'u-1' })).items.map((x) => x.id)).toEqual(['app-1']);

        const changed = makeApplication({ id: 'app-1', name: 'Shop front', owners: ['u-3'], matchers: [{ host: '*.shop.example' }], createdAt: T(7), updatedAt: T(8) });
        expect(await store.updateApplication(changed)).toBe(true);
        expect(await store.getApplication('app-1')).toEqual({ ...changed, createdAt: T(1) });
        expect((await store.listApplications({ owner: 'u-1' })).total).toBe(0);
        expect((await store.listApplications({ owner: 'u-3' })).items.map((x) => x.id)).toEqual(['app-1']);
        expect(await store.updateApplication(makeApplication({ id: 'nope' }))).toBe(false);
      });

      it('deletes an application and its ownership', async () => {
        await store.createApplication(makeApplication({ id: 'app-1', owners: ['u-1'] }));
        expect(await store.deleteApplication('app-1')).toBe(true);
        expect(await store.deleteApplication('app-1')).toBe(false);
        expect(await store.getApplication('app-1')).toBeNull();
        expect((await store.listApplications({ owner: 'u-1' })).total).toBe(0);
      });

      it('pages with a total and a cap', async () => {
        for (let i = 0; i < 5; i++) await store.createApplication(makeApplication({ id: `app-${i}`, name: `App ${i}`, createdAt: T(i + 1) }));
        expect(await store.listApplications({ limit: 2, offset: 3 })).toMatchObject({ total: 5, limit: 2, offset: 3, items: [{ id: 'app-3' }, { id: 'app-4' }] });
        expect((await store.listApplications({ limit: 100_000 })).limit).toBe(MAX_PAGE_SIZE);
      });
    });

    describe('audit log', () => {
      it('seals entries into a chain from the genesis hash', async () => {
        const first = await store.appendAudit(auditDraft({ action: 'user.invite', before: null, after: { role: 'auditor' } }));
        const second = await store.appendAudit(auditDraft({ action: 'user.update' }));
        expect(first).toMatchObject({ seq: 1, prevHash: AUDIT_GENESIS_HASH, action: 'user.invite', after: { role: 'auditor' } });
        expect(first.hash).toBe(auditEntryHash(AUDIT_GENESIS_HASH, first));
        expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
        expect(second.hash).toBe(auditEntryHash(first.hash, second));
        expect(await store.auditEntriesAfter(0, 10)).toEqual([first, second]);
      });

      it('stores before and after as JSON data, and reads back what it sealed', async () => {
        const entry = await store.appendAudit(
          auditDraft({ before: { when: new Date('2026-01-01T00:00:00.000Z'), gone: undefined, list: [1, 'x'] }, after: undefined }),
        );
        expect(entry.before).toEqual({ when: '2026-01-01T00:00:00.000Z', list: [1, 'x'] });
        expect(entry.after).toBeNull();
        const [read] = await store.auditEntriesAfter(0, 1);
        expect(read).toEqual(entry);
        expect(read!.hash).toBe(auditEntryHash(read!.prevHash, read!));
      });

      it('never forks the chain under concurrent appends', async () => {
        await Promise.all(Array.from({ length: 40 }, (_, i) => store.appendAudit(auditDraft({ action: `a.${i}` }))));
        const all = await store.auditEntriesAfter(0, 100);
        expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        let prev = AUDIT_GENESIS_HASH;
        for (const e of all) {
          expect(e.prevHash).toBe(prev);
          expect(e.hash).toBe(auditEntryHash(prev, e));
          prev = e.hash;
        }
      });

      describe('listing', () => {
        beforeEach(async () => {
          await store.appendAudit(auditDraft({ at: T(1), actor: { kind: 'user', id: 'u-1' }, action: 'user.invite', target: { type: 'user', id: 'u-2' } }));
          await store.appendAudit(auditDraft({ at: T(2), actor: { kind: 'anonymous', id: null }, action: 'auth.login-failed', target: null }));
          await store.appendAudit(auditDraft({ at: T(3), actor: { kind: 'token', id: 't-1' }, action: 'user.update', target: { type: 'user', id: 'u-2' } }));
          // 23:30Z on the 3rd: after T(3) as an instant, though earlier as text.
          await store.appendAudit(auditDraft({ at: '2026-01-04T00:30:00+01:00', actor: { kind: 'user', id: 'u-1' }, action: 'application.create', target: { type: 'application', id: 'app-1' } }));
        });

        const cases: [string, Parameters<Store['listAudit']>[0], number[]][] = [
          ['nothing, newest first', {}, [4, 3, 2, 1]],
          ['nothing, oldest first', { order: 'asc' }, [1, 2, 3, 4]],
          ['actor id', { actorId: 'u-1' }, [4, 1]],
          ['actor kind', { actorKind: 'anonymous' }, [2]],
          ['action', { action: 'user.update' }, [3]],
          ['target type', { targetType: 'user' }, [3, 1]],
          ['target', { targetType: 'application', targetId: 'app-1' }, [4]],
          ['time window [from, to)', { from: T(2), to: T(3) }, [2]],
          ['from, by instant', { from: '2026-01-03T12:00:00.000Z' }, [4]],
          ['combined', { actorId: 'u-1', from: T(2) }, [4]],
        ];
        it.each(cases)('filters by %s', async (_label, query, expected) => {
          const page = await store.listAudit(query);
          expect(page.items.map((e) => e.seq)).toEqual(expected);
          expect(page.total).toBe(expected.length);
        });

        it('pages, and reads after a seq without a total', async () => {
          expect(await store.listAudit({ limit: 2, offset: 1 })).toMatchObject({ total: 4, limit: 2, offset: 1, items: [{ seq: 3 }, { seq: 2 }] });
          expect((await store.listAudit({ limit: 100_000 })).limit).toBe(MAX_PAGE_SIZE);
          expect((await store.auditEntriesAfter(2, 1)).map((e) => e.seq)).toEqual([3]);
          expect(await store.auditEntriesAfter(4, 10)).toEqual([]);
        });
      });
    });

    describe('specs', () => {
      const shopLinks = links({ hosts: ['api.shop.example'], apis: ['api.shop.example/v2'] });

      it('creates a spec with its first version and reads both back, the text and findings only with the version', async () => {
        const first = specVersion({ title: 'Shop API', findings: [specFinding('spec-a', 'high'), specFinding('spec-b', 'low')] });
        const spec = await store.createSpec({ id: 'spec-1', name: 'Shop', links: shopLinks }, first);
        const { text: _t, findings: _f, findingsTruncated: _x, ...summary } = first;
        const expectedVersion = { ...summary, specId: 'spec-1', version: 1 };
        expect(spec).toEqual({
          id: 'spec-1', name: 'Shop', hosts: ['api.shop.example'], hostsSource: 'servers', apis: ['api.shop.example/v2'],
          applicationId: null, applicationPinned: false, createdAt: first.createdAt, updatedAt: first.createdAt, latestVersion: 1,
          latest: expectedVersion,
        });
        expect(await store.getSpec('spec-1')).toEqual(spec);
        expect(await store.getSpecVersion('spec-1', 1)).toEqual({ ...first, specId: 'spec-1', version: 1 });
        expect(await store.listSpecVersions('spec-1', {})).toEqual({ items: [expectedVersion], total: 1, limit: 50, offset: 0 });
        expect(await store.getSpecVersion('spec-1', 2)).toBeNull();
      });

      it('numbers versions; the text of the latest version again adds nothing and changes nothing', async () => {
        await store.createSpec({ id: 'spec-1', name: 'Shop', links: shopLinks }, specVersion({ sha256: sha('a'), createdAt: T(1) }));
        const v2 = await store.addSpecVersion('spec-1', specVersion({ sha256: sha('b'), createdAt: T(2), title: 'Shop v2' }), shopLinks);
        expect(v2).toMatchObject({ created: true, version: { version: 2, sha256: sha('b') }, spec: { latestVersion: 2, updatedAt: T(2), latest: { version: 2, title: 'Shop v2' } } });

        const again = await store.addSpecVersion('spec-1', specVersion({ sha256: sha('b'), createdAt: T(3), source: 'other.yaml' }), shopLinks);
        expect(again).toMatchObject({ created: false, version: { version: 2, createdAt: T(2), source: 'api.yaml' }, spec: { latestVersion: 2, updatedAt: T(2) } });
        expect((await store.listSpecVersions('spec-1', {})).total).toBe(2);

        // Going back to the first text is a new version: it is what the spec says now.
        const back = await store.addSpecVersion('spec-1', specVersion({ sha256: sha('a'), createdAt: T(4) }), shopLinks);
        expect(back).toMatchObject({ created: true, version: { version: 3, sha256: sha('a') } });
        expect((await store.listSpecVersions('spec-1', {})).items.map((v) => v.version)).toEqual([3, 2, 1]);
        expect(await store.listSpecVersions('spec-1', { limit: 1, offset: 1 })).toMatchObject({ total: 3, items: [{ version: 2 }] });
      });

      it('applies a new name and links with a version, or alone when the text is unchanged', async () => {
        await store.createSpec({ id: 'spec-1', name: 'Shop', links: shopLinks }, specVersion({ sha256: sha('a'), createdAt: T(1) }));
        const manual = links({ hosts: ['shop.example', 'www.shop.example'], hostsSource: 'manual', apis: ['shop.example'] });
        const r = await store.addSpecVersion('spec-1', specVersion({ sha256: sha('a'), createdAt: T(2) }), manual, 'Shop front');
        expect(r).toMatchObject({ created: false, spec: { name: 'Shop front', hosts: ['shop.example', 'www.shop.example'], hostsSource: 'manual', apis: ['shop.example'], updatedAt: T(2), latestVersion: 1 } });
        expect(ids((await store.listSpecs({ host: 'www.shop.example' })).items)).toEqual(['spec-1']);
        expect((await store.listSpecs({ host: 'api.shop.example' })).total).toBe(0);
        expect((await store.listSpecs({ search: 'front' })).total).toBe(1);
      });

      it('answers null, empty or false for a spec that does not exist, and a duplicate id is a conflict', async () => {
        expect(await store.getSpec('nope')).toBeNull();
        expect(await store.addSpecVersion('nope', specVersion({}), shopLinks)).toBeNull();
        expect(await store.getSpecVersion('nope', 1)).toBeNull();
        expect((await store.listSpecVersions('nope', {})).total).toBe(0);
        expect(await store.deleteSpec('nope')).toBe(false);
        await store.createSpec({ id: 'spec-1', name: 'Shop', links: shopLinks }, specVersion({}));
        await expect(store.createSpec({ id: 'spec-1', name: 'Other', links: shopLinks }, specVersion({}))).rejects.toMatchObject({ code: 'conflict' });
        expect((await store.getSpec('spec-1'))?.name).toBe('Shop');
      });

      it('deletes a spec with its versions and hosts', async () => {
        await store.createSpec({ id: 'spec-1', name: 'Shop', links: shopLinks }, specVersion({ sha256: sha('a') }));
        await store.addSpecVersion('spec-1', specVersion({ sha256: sha('b') }), shopLinks);
        await store.createSpec({ id: 'spec-2', name: 'Other', links: shopLinks }, specVersion({}));
        expect(await store.deleteSpec('spec-1')).toBe(true);
        expect(await store.getSpec('spec-1')).toBeNull();
        expect(await store.getSpecVersion('spec-1', 1)).toBeNull();
        expect((await store.listSpecVersions('spec-1', {})).total).toBe(0);
        expect(ids((await store.listSpecs({ host: 'api.shop.example' })).items)).toEqual(['spec-2']);
        // The id is free again, and starts from version 1.
        expect((await store.createSpec({ id: 'spec-1', name: 'Shop', links: shopLinks }, specVersion({ sha256: sha('b') }))).latestVersion).toBe(1);
      });

      describe('listing', () => {
        beforeEach(async () => {
          await store.createApplication(makeApplication({ id: 'app-shop', name: 'Shop', matchers: [{ host: 'api.shop.example' }], createdAt: T(1) }));
          // Names sort case-insensitively; "Über" folds in JS, not only ASCII.
          await store.createSpec({ id: 'sp-c', name: 'catalog', links: shopLinks }, specVersion({ createdAt: T(3), title: 'Catalogue', score: score(40) }));
          await store.createSpec({ id: 'sp-a', name: 'Accounts', links: links({ hosts: ['accounts.example'] }) }, specVersion({ createdAt: T(5), title: null, score: score(90) }));
          await store.createSpec({ id: 'sp-b', name: 'Billing', links: links({ hosts: ['API.Shop.Example'.toLowerCase(), 'billing.example'] }) }, specVersion({ createdAt: T(2), title: 'ÜBER billing', score: score(40) }));
          await store.createSpec({ id: 'sp-d', name: 'docs', links: links({ hosts: [] }) }, specVersion({ createdAt: T(4), title: 'Docs', score: score(75) }));
        });

        const cases: [string, SpecQuery, string[]][] = [
          ['nothing: by name, case-insensitively', {}, ['sp-a', 'sp-b', 'sp-c', 'sp-d']],
          ['name, descending', { order: 'desc' }, ['sp-d', 'sp-c', 'sp-b', 'sp-a']],
          ['last change, newest first', { sort: 'updated' }, ['sp-a', 'sp-d', 'sp-c', 'sp-b']],
          ['score, worst first, ties by id', { sort: 'score' }, ['sp-b', 'sp-c', 'sp-d', 'sp-a']],
          ['score, best first', { sort: 'score', order: 'desc' }, ['sp-a', 'sp-d', 'sp-c', 'sp-b']],
          ['host (any case)', { host: 'API.shop.example' }, ['sp-b', 'sp-c']],
          ['host named second', { host: 'billing.example' }, ['sp-b']],
          ['search in the name', { search: 'ACC' }, ['sp-a']],
          ['search in the title, Unicode folded', { search: 'über' }, ['sp-b']],
          ['search across specs', { search: 'cat' }, ['sp-c']],
          ['application', { application: 'app-shop' }, ['sp-b', 'sp-c']],
          ['no application', { application: UNASSIGNED_APPLICATION }, ['sp-a', 'sp-d']],
          ['scope', { scope: ['app-shop'] }, ['sp-b', 'sp-c']],
          ['empty scope', { scope: [] }, []],
          ['scope and a filter outside it', { scope: ['app-shop'], host: 'accounts.example' }, []],
        ];
        it.each(cases)('filters and sorts by %s', async (_label, query, expected) => {
          const page = await store.listSpecs(query);
          expect(ids(page.items)).toEqual(expected);
          expect(page.total).toBe(expected.length);
        });

        it('lists each spec with its latest version summary, and pages with a total and a cap', async () => {
          await store.addSpecVersion('sp-a', specVersion({ sha256: sha('new'), createdAt: T(6), score: score(12.5) }), links({ hosts: ['accounts.example'] }));
          const page = await store.listSpecs({ limit: 2, offset: 0 });
          expect(page).toMatchObject({ total: 4, limit: 2, offset: 0 });
          expect(page.items[0]).toMatchObject({ id: 'sp-a', latestVersion: 2, latest: { version: 2, score: { total: 12.5 } } });
          expect(ids((await store.listSpecs({ limit: 2, offset: 2 })).items)).toEqual(['sp-c', 'sp-d']);
          expect((await store.listSpecs({ limit: 0 })).items).toEqual([]);
          expect((await store.listSpecs({ limit: 100_000 })).limit).toBe(MAX_PAGE_SIZE);
        });
      });

      describe('applications', () => {
        const shop = makeApplication({ id: 'app-shop', name: 'Shop', matchers: [{ host: '*.shop.example', pathPrefix: '/v2' }], createdAt: T(2) });
        const early = makeApplication({ id: 'app-early', name: 'Early', matchers: [{ host: 'BILLING.example:443' }], createdAt: T(1) });

        it('assigns the application of the first rule, in list order, that matches one of the hosts (path prefixes aside)', async () => {
          await store.createApplication(early);
          await store.createApplication(shop);
          const a = await store.createSpec({ id: 'sp-1', name: 'A', links: links({ hosts: ['api.shop.example', 'billing.example'] }) }, specVersion({}));
          expect(a).toMatchObject({ applicationId: 'app-early', applicationPinned: false });
          const b = await store.createSpec({ id: 'sp-2', name: 'B', links: links({ hosts: ['api.shop.example'] }) }, specVersion({}));
          expect(b.applicationId).toBe('app-shop');
          // The wildcard needs a sub-domain.
          const c = await store.createSpec({ id: 'sp-3', name: 'C', links: links({ hosts: ['shop.example'] }) }, specVersion({}));
          expect(c.applicationId).toBeNull();
        });

        it('keeps a pinned application whatever the hosts say', async () => {
          await store.createApplication(shop);
          await store.createApplication(early);
          const a = await store.createSpec({ id: 'sp-1', name: 'A', links: links({ hosts: ['api.shop.example'], pinnedApplicationId: 'app-early' }) }, specVersion({}));
          expect(a).toMatchObject({ applicationId: 'app-early', applicationPinned: true });
          // Unpinning hands it to its hosts' application.
          const r = await store.addSpecVersion('sp-1', specVersion({}), links({ hosts: ['api.shop.example'] }));
          expect(r?.spec).toMatchObject({ applicationId: 'app-shop', applicationPinned: false });
        });

        it('follows application changes; deleting a pinned application unpins it', async () => {
          await store.createSpec({ id: 'sp-1', name: 'A', links: links({ hosts: ['api.shop.example'] }) }, specVersion({}));
          await store.createSpec({ id: 'sp-2', name: 'B', links: links({ hosts: ['other.example'] }) }, specVersion({}));
          expect((await store.getSpec('sp-1'))?.applicationId).toBeNull();

          await store.createApplication(shop);
          expect((await store.getSpec('sp-1'))?.applicationId).toBe('app-shop');
          await store.createApplication(early);
          await store.addSpecVersion('sp-2', specVersion({}), links({ hosts: ['other.example'], pinnedApplicationId: 'app-early' }));
          expect((await store.listSpecs({ application: 'app-early' })).items.map((s) => s.id)).toEqual(['sp-2']);

          expect(await store.updateApplication({ ...shop, matchers: [{ host: 'elsewhere.example' }], updatedAt: T(5) })).toBe(true);
          expect((await store.getSpec('sp-1'))?.applicationId).toBeNull();
          expect(await store.updateApplication({ ...shop, matchers: [{ host: 'api.shop.example' }], updatedAt: T(6) })).toBe(true);
          expect((await store.getSpec('sp-1'))?.applicationId).toBe('app-shop');

          expect(await store.deleteApplication('app-early')).toBe(true);
          expect(await store.getSpec('sp-2')).toMatchObject({ applicationId: null, applicationPinned: false });
          expect(await store.deleteApplication('app-shop')).toBe(true);
          expect((await store.getSpec('sp-1'))?.applicationId).toBeNull();
        });

        it('does not pin an application that does not exist', async () => {
          const a = await store.createSpec({ id: 'sp-1', name: 'A', links: links({ hosts: ['x.example'], pinnedApplicationId: 'app-gone' }) }, specVersion({}));
          expect(a).toMatchObject({ applicationId: null, applicationPinned: false });
        });
      });

      if (options.reopen) it('keeps specs and their versions across close and reopen', async () => {
        const first = specVersion({ findings: [specFinding('spec-a', 'critical')] });
        const spec = await store.createSpec({ id: 'spec-1', name: 'Shop', links: shopLinks }, first);
        const s = await reopen();
        expect(await s.getSpec('spec-1')).toEqual(spec);
        expect(await s.getSpecVersion('spec-1', 1)).toEqual({ ...first, specId: 'spec-1', version: 1 });
        expect((await s.addSpecVersion('spec-1', specVersion({ sha256: sha('next') }), shopLinks))?.version.version).toBe(2);
      });
    });

    describe('conformance', () => {
      const HOST = 'api.shop.example';
      const ep = (path: string, method: Endpoint['method'] = 'GET') => makeEndpoint({ host: HOST, pathTemplate: path, method });
      const coverage = (over: Partial<SpecCoverage> = {}): SpecCoverage => ({
        status: 'documented',
        specId: 'spec-1',
        specName: 'Shop',
        version: 1,
        operation: { method: 'GET', path: '/orders/{id}', operationId: 'getOrder', deprecated: false },
        ...over,
      });
      const operation = (over: Partial<StoredConformanceOperation> = {}): StoredConformanceOperation => ({
        specId: 'spec-1',
        version: 1,
        method: 'GET',
        path: '/orders/{id}',
        operationId: 'getOrder',
        deprecated: false,
        fullPath: '/v1/orders/{id}',
        calls: 3,
        firstSeen: T(1),
        lastSeen: T(2),
        endpoints: [{ id: 'ep-1', host: HOST, pathTemplate: '/v1/orders/{id}' }],
        samples: [],
        state: { reported: { x: 1 } },
        ...over,
      });
      const drift = (id: string, count: number, over: Partial<StoredDriftItem> = {}): StoredDriftItem => ({
        specId: 'spec-1',
        id,
        operation: { method: 'GET', path: '/orders/{id}', operationId: 'getOrder', deprecated: false },
        kind: 'undocumented-parameter',
        location: 'query',
        field: id,
        keyword: null,
        message: 'query parameter is not in the spec',
        count,
        accepted: count,
        firstSeen: T(1),
        lastSeen: T(3),
        endpoints: [],
        samples: [{ at: T(3), endpointId: 'ep-1', request: `GET /v1/orders/1?${id}=1`, status: 200, value: '"1"' }],
        ...over,
      });
      const shadow = (e: Endpoint, calls: number, host = HOST): StoredShadowItem => ({
        endpointId: e.id,
        host,
        method: e.method,
        pathTemplate: e.pathTemplate,
        calls,
        firstSeen: T(1),
        lastSeen: T(2),
        samples: [],
        state: { reported: {} },
      });
      const empty = { specs: [], operations: [], removedOperations: [], clearDrift: [], drift: [], shadow: [], removedShadow: [] };

      beforeEach(async () => {
        await store.createSpec({ id: 'spec-1', name: 'Shop', links: links({ hosts: [HOST] }) }, specVersion({}));
      });

      it('keeps an endpoint\'s coverage; lists, filters and reads it; deleting the spec takes it away', async () => {
        const documented = { ...ep('/v1/orders/{id}'), coverage: coverage() };
        const shadowEp = { ...ep('/v1/internal'), coverage: coverage({ status: 'shadow', operation: null }) };
        const unknown = { ...makeEndpoint({ host: 'other.example', pathTemplate: '/x' }), coverage: null };
        const legacy = makeEndpoint({ host: 'legacy.example', pathTemplate: '/y' });
        await store.saveEndpoints([documented, shadowEp, unknown, legacy].map((endpoint) => ({ endpoint, state: {} })));
        expect((await store.getEndpoint(documented.id))?.coverage).toEqual(coverage());
        // Saved without coverage: reads back without it (and lists as none).
        expect((await store.getEndpoint(legacy.id))?.coverage).toBeUndefined();
        const rows = (await store.listEndpoints({ sort: 'path' })).items;
        expect(Object.fromEntries(rows.map((r) => [r.pathTemplate, r.coverage?.status ?? null]))).toEqual({ '/v1/orders/{id}': 'documented', '/v1/internal': 'shadow', '/x': null, '/y': null });
        const filter = async (q: EndpointQuery) => (await store.listEndpoints({ ...q, sort: 'path' })).items.map((r) => r.pathTemplate);
        expect(await filter({ coverage: 'documented' })).toEqual(['/v1/orders/{id}']);
        expect(await filter({ coverage: 'shadow' })).toEqual(['/v1/internal']);
        expect(await filter({ coverage: 'none' })).toEqual(['/x', '/y']);
        expect(await filter({ spec: 'spec-1' })).toEqual(['/v1/internal', '/v1/orders/{id}']);
        expect(await filter({ spec: 'spec-1', coverage: 'shadow' })).toEqual(['/v1/internal']);

        // A save without coverage leaves it; null clears it; a spec that does not exist gives none.
        await store.saveEndpoints([{ endpoint: ep('/v1/orders/{id}'), state: {} }]);
        expect((await store.getEndpoint(documented.id))?.coverage).toEqual(coverage());
        await store.saveEndpoints([{ endpoint: { ...shadowEp, coverage: null }, state: {} }, { endpoint: { ...unknown, coverage: coverage({ specId: 'gone' }) }, state: {} }]);
        expect(await filter({ coverage: 'none' })).toEqual(['/v1/internal', '/x', '/y']);

        expect(await store.deleteSpec('spec-1')).toBe(true);
        expect((await store.getEndpoint(documented.id))?.coverage ?? null).toBeNull();
        expect(await filter({ coverage: 'documented' })).toEqual([]);
      });

      it('saves, resumes and reports a spec\'s operations, drift and shadow endpoints', async () => {
        const e1 = ep('/v1/internal');
        const e2 = ep('/v1/export');
        const e3 = makeEndpoint({ host: 'elsewhere.example', pathTemplate: '/z' });
        await store.saveEndpoints([e1, e2, e3].map((endpoint) => ({ endpoint, state: {} })));
        await store.saveConformance({
          ...empty,
          specs: [{ specId: 'spec-1', version: 1, firstEvent: T(1), lastEvent: T(9) }],
          operations: [operation(), operation({ method: 'DELETE', deprecated: true, calls: 0, firstSeen: null, lastSeen: null, endpoints: [] })],
          drift: [drift('d-low', 2), drift('d-high', 7), drift('d-mid', 5, { operation: { method: 'DELETE', path: '/orders/{id}', operationId: null, deprecated: true } })],
          shadow: [shadow(e1, 4), shadow(e2, 9), shadow(e3, 100, 'elsewhere.example')],
        });
        const rows = await store.specConformance('spec-1', { hosts: [HOST], limit: 2 });
        expect(rows.spec).toEqual({ specId: 'spec-1', version: 1, firstEvent: T(1), lastEvent: T(9) });
        expect(rows.operations.map((o) => `${o.method} ${o.path} ${o.calls}`)).toEqual(['DELETE /orders/{id} 0', 'GET /orders/{id} 3']);
        expect(rows.operations[1]).toEqual(operation());
        expect(rows.drift.map((d) => d.id)).toEqual(['d-high', 'd-mid']);
        expect(rows.drift[0]).toEqual(drift('d-high', 7));
        expect(rows).toMatchObject({ driftTotal: 3, driftOperations: 2, shadowTotal: 2, shadowCalls: 13 });
        expect(rows.shadow.map((s) => [s.endpointId, s.calls])).toEqual([[e2.id, 9], [e1.id, 4]]);
        expect((await store.specConformance('spec-1', { hosts: ['ELSEWHERE.example'], limit: 10 })).shadow.map((s) => s.endpointId)).toEqual([e3.id]);
        // Scoped callers see the shadow endpoints of their applications only.
        await store.createApplication(makeApplication({ id: 'app-internal', name: 'Internal', matchers: [{ host: HOST, pathPrefix: '/v1/internal' }] }));
        const scoped = await store.specConformance('spec-1', { hosts: [HOST], limit: 10, scope: ['app-internal'] });
        expect(scoped).toMatchObject({ shadowTotal: 1, shadowCalls: 4, shadow: [{ endpointId: e1.id }], driftTotal: 3 });
        expect((await store.specConformance('spec-1', { hosts: [HOST], limit: 10, scope: [] })).shadow).toEqual([]);

        const snapshot = await store.loadConformance();
        expect(snapshot.specs).toHaveLength(1);
        expect(snapshot.operations).toHaveLength(2);
        expect(snapshot.drift.map((d) => d.id).sort()).toEqual(['d-high', 'd-low', 'd-mid']);
        expect(snapshot.shadow).toHaveLength(3);

        // Upserts replace; removals and a drift clear apply first.
        await store.saveConformance({
          ...empty,
          operations: [operation({ calls: 10 })],
          removedOperations: [{ specId: 'spec-1', method: 'DELETE', path: '/orders/{id}' }],
          clearDrift: ['spec-1'],
          drift: [drift('d-new', 1)],
          shadow: [shadow(e1, 6)],
          removedShadow: [e2.id],
        });
        const after = await store.specConformance('spec-1', { hosts: [HOST], limit: 50 });
        expect(after.operations.map((o) => `${o.method} ${o.calls}`)).toEqual(['GET 10']);
        expect(after.drift.map((d) => d.id)).toEqual(['d-new']);
        expect(after.shadow.map((s) => [s.endpointId, s.calls])).toEqual([[e1.id, 6]]);
      });

      it('skips rows of a spec or endpoint that is gone; deleting a spec or an endpoint deletes their rows', async () => {
        const e1 = ep('/v1/internal');
        await store.saveEndpoints([{ endpoint: e1, state: {} }]);
        await store.saveConformance({
          ...empty,
          specs: [{ specId: 'gone', version: 1, firstEvent: null, lastEvent: null }],
          operations: [operation({ specId: 'gone' }), operation()],
          drift: [drift('d-gone', 1, { specId: 'gone' }), drift('d-1', 1)],
          shadow: [shadow(makeEndpoint({ host: HOST, pathTemplate: '/never-saved' }), 1), shadow(e1, 1)],
        });
        const snapshot = await store.loadConformance();
        expect(snapshot).toMatchObject({ specs: [], operations: [{ specId: 'spec-1' }], drift: [{ id: 'd-1' }], shadow: [{ endpointId: e1.id }] });

        await store.saveEndpoints([], [e1.id]);
        expect((await store.loadConformance()).shadow).toEqual([]);
        expect(await store.deleteSpec('spec-1')).toBe(true);
        expect(await store.loadConformance()).toEqual({ specs: [], operations: [], drift: [], shadow: [] });
        expect(await store.specConformance('spec-1', { hosts: [HOST], limit: 10 })).toEqual({
          spec: null, operations: [], drift: [], driftTotal: 0, driftOperations: 0, shadow: [], shadowTotal: 0, shadowCalls: 0,
        });
      });

      if (options.reopen) it('keeps conformance rows across close and reopen', async () => {
        await store.saveConformance({ ...empty, specs: [{ specId: 'spec-1', version: 1, firstEvent: T(1), lastEvent: T(2) }], operations: [operation()] });
        const s = await reopen();
        expect(await s.loadConformance()).toMatchObject({ specs: [{ specId: 'spec-1' }], operations: [operation()] });
      });
    });

    describe('threat cases and issues', () => {
      const A = 'aaaaaaaaaaaaaaaa';
      const B = 'bbbbbbbbbbbbbbbb';
      const actor = (id: string) => ({ kind: 'address' as const, id, label: `address ${id.slice(0, 8)}` });
      const newCase = (over: Partial<NewThreatCase> = {}): NewThreatCase => {
        const { ref: _ref, ...c } = makeCase({ createdAt: T(1), updatedAt: T(1), firstSeen: T(1), lastSeen: T(1) });
        return { ...c, issueSeverity: c.severity, ...over };
      };
      const issue = (caseId: string, over: Partial<NewThreatIssue> = {}): NewThreatIssue => {
        const d = makeDraft({ at: over.firstSeen ?? T(1) });
        return { ...d, id: `${caseId}-i`, caseId, count: 1, firstSeen: d.at, lastSeen: d.at, foldKey: `fk-${caseId}`, ...over };
      };
      const batch = (over: Partial<IssueBatch>): IssueBatch => ({ at: T(20), newCases: [], growth: [], issues: [], folds: [], ...over });
      const growth = (caseId: string, over: Partial<CaseGrowth> = {}): CaseGrowth => ({
        caseId, issues: 1, events: 1, firstSeen: T(2), lastSeen: T(2), issueSeverity: 'low', categories: ['sqli'], detectors: ['sqli-tokens'], endpointIds: ['ep-search'], ...over,
      });
      const exchange = makeExchange();

      it('numbers new cases C-1, C-2... and stores them with their issues, exchanges included', async () => {
        const r1 = await store.saveIssueBatch(batch({ newCases: [newCase({ id: 'c1' })], issues: [issue('c1', { exchange })] }));
        const r2 = await store.saveIssueBatch(batch({ newCases: [newCase({ id: 'c2', lastSeen: T(3) }), newCase({ id: 'c3', lastSeen: T(2) })] }));
        expect(r1.cases.map((c) => c.ref)).toEqual(['C-1']);
        expect(r2.cases.map((c) => [c.id, c.ref])).toEqual([['c2', 'C-2'], ['c3', 'C-3']]);
        expect(r1.reopened).toEqual([]);
        const { issueSeverity: _s, ...expected } = newCase({ id: 'c1' });
        expect(await store.getCase('c1')).toEqual({ ...expected, ref: 'C-1' });
        expect(await store.getCase('nope')).toBeNull();
        expect(ids((await store.listCases({})).items)).toEqual(['c2', 'c3', 'c1']);
        const { foldKey: _k, ...stored } = issue('c1', { exchange });
        expect(await store.getIssue('c1-i')).toEqual({ ...stored, applicationId: null });
        expect(await store.getIssue('nope')).toBeNull();
      });

      it('skips growth, folds and issues of cases it does not know', async () => {
        const r = await store.saveIssueBatch(batch({ growth: [growth('ghost')], issues: [issue('ghost')], folds: [{ issueId: 'nope', count: 1, firstSeen: T(1), lastSeen: T(1) }] }));
        expect(r).toEqual({ cases: [], reopened: [] });
        expect((await store.listIssues({})).total).toBe(0);
      });

      it('grows a case: counters add, window widens, lists merge bounded, severity rises, title replaces when given', async () => {
        await store.saveIssueBatch(batch({ newCases: [newCase({ id: 'c1', severity: 'medium', issueSeverity: 'medium', categories: ['xss'], detectors: ['xss-markup'], endpointIds: ['ep-1'] })] }));
        const many = Array.from({ length: 60 }, (_, i) => `ep-x${i}`);
        const r = await store.saveIssueBatch(batch({
          growth: [growth('c1', { issues: 2, events: 5, firstSeen: '2025-12-31T00:00:00.000Z', lastSeen: T(4), issueSeverity: 'critical', categories: ['sqli', 'xss'], endpointIds: many, title: 'SQL injection against api.shop.example' })],
        }));
        const c = r.cases[0]!;
        expect(c).toMatchObject({ issueCount: 3, eventCount: 6, firstSeen: '2025-12-31T00:00:00.000Z', lastSeen: T(4), severity: 'critical', categories: ['sqli', 'xss'], detectors: ['sqli-tokens', 'xss-markup'], title: 'SQL injection against api.shop.example', updatedAt: T(20) });
        expect(c.endpointIds).toHaveLength(MAX_CASE_LIST);
        expect(await store.getCase('c1')).toEqual(c);
        // No title: the title stays; a lower severity lowers nothing.
        const again = await store.saveIssueBatch(batch({ growth: [growth('c1', { issueSeverity: 'info' })] }));
        expect(again.cases[0]).toMatchObject({ title: 'SQL injection against api.shop.example', severity: 'critical', issueCount: 4 });
      });

      it('keeps a severity the analyst set: issues no longer raise it', async () => {
        await store.saveIssueBatch(batch({ newCases: [newCase({ id: 'c1', severity: 'medium', issueSeverity: 'medium' })] }));
        expect(await store.updateCase('c1', { updatedAt: T(5), severity: 'low' })).toMatchObject({ severity: 'low', updatedAt: T(5) });
        const r = await store.saveIssueBatch(batch({ growth: [growth('c1', { issueSeverity: 'critical' })] }));
        expect(r.cases[0]!.severity).toBe('low');
        expect((await store.caseCandidates([{ actorId: A, target: 'host:api.shop.example' }]))[0]!.issueSeverity).toBe('critical');
      });

      it('reopens a resolved case that grows, and says what it was', async () => {
        await store.saveIssueBatch(batch({ newCases: [newCase({ id: 'c1' })] }));
        await store.updateCase('c1', { updatedAt: T(5), status: 'resolved', resolution: 'false-positive', resolvedAt: T(5), assignee: 'u-1' });
        const r = await store.saveIssueBatch(batch({ growth: [growth('c1')] }));
        expect(r.reopened).toEqual([{ case: r.cases[0], resolution: 'false-positive', resolvedAt: T(5) }]);
        expect(r.cases[0]).toMatchObject({ status: 'new', resolution: null, resolvedAt: null, reopened: 1, assignee: 'u-1', issueCount: 2 });
        // Growing an open case reopens nothing.
        expect((await store.saveIssueBatch(batch({ growth: [growth('c1')] }))).reopened).toEqual([]);
      });

      it('applies analyst updates field by field; unknown ids answer null', async () => {
        await store.saveIssueBatch(batch({ newCases: [newCase({ id: 'c1' })] }));
        await store.updateCase('c1', { updatedAt: T(5), assignee: 'u-9', status: 'investigating' });
        const c = await store.updateCase('c1', { updatedAt: T(6), flaggedFindingId: 'f-1' });
        expect(c).toMatchObject({ assignee: 'u-9', status: 'investigating', flaggedFindingId: 'f-1', updatedAt: T(6) });
        expect(await store.getCase('c1')).toEqual(c);
        expect(await store.updateCase('nope', { updatedAt: T(6) })).toBeNull();
      });

      it('answers grouping candidates: per actor and target, the open case seen last and the case resolved last', async () => {
        await store.saveIssueBatch(batch({
          newCases: [
            newCase({ id: 'open-old', lastSeen: T(2) }),
            newCase({ id: 'open-new', lastSeen: T(3), severity: 'low', issueSeverity: 'low' }),
            newCase({ id: 'res-old' }),
            newCase({ id: 'res-new' }),
            newCase({ id: 'other-actor', actor: actor(B) }),
            newCase({ id: 'other-target', target: 'app:shop' }),
          ],
        }));
        await store.updateCase('res-old', { updatedAt: T(4), status: 'resolved', resolution: 'benign', resolvedAt: T(4) });
        await store.updateCase('res-new', { updatedAt: T(5), status: 'resolved', resolution: 'benign', resolvedAt: T(5) });
        const key = { actorId: A, target: 'host:api.shop.example' };
        const got = await store.caseCandidates([key, key]);
        expect(got.map((c) => [c.case.id, c.issueSeverity])).toEqual([['open-new', 'low'], ['res-new', 'high']]);
        expect(await store.caseCandidates([{ actorId: B, target: 'app:shop' }])).toEqual([]);
        expect(await store.caseCandidates([])).toEqual([]);
      });

      it('answers fold candidates: the issue seen last per key, in a case that is not resolved; folds add up and widen', async () => {
        await store.saveIssueBatch(batch({
          newCases: [newCase({ id: 'c1' }), newCase({ id: 'c2' })],
          issues: [issue('c1', { id: 'i-old', foldKey: 'k', lastSeen: T(2) }), issue('c1', { id: 'i-new', foldKey: 'k', lastSeen: T(3) }), issue('c2', { id: 'i-res', foldKey: 'r' })],
        }));
        await store.updateCase('c2', { updatedAt: T(5), status: 'resolved', resolution: 'benign', resolvedAt: T(5) });
        expect(await store.foldCandidates(['k', 'r', 'none'])).toEqual([{ foldKey: 'k', issueId: 'i-new', caseId: 'c1', count: 1, firstSeen: T(1), lastSeen: T(3) }]);
        await store.saveIssueBatch(batch({ folds: [{ issueId: 'i-new', count: 3, firstSeen: '2025-12-31T00:00:00.000Z', lastSeen: T(4) }] }));
        await store.saveIssueBatch(batch({ folds: [{ issueId: 'i-new', count: 1, firstSeen: T(2), lastSeen: T(2) }] }));
        expect(await store.getIssue('i-new')).toMatchObject({ count: 5, firstSeen: '2025-12-31T00:00:00.000Z', lastSeen: T(4) });
      });

      describe('lists, summary and queries', () => {
        beforeEach(async () => {
          await store.createApplication(makeApplication({ id: 'shop', name: 'Shop', matchers: [{ host: 'api.shop.example' }] }));
          await store.createApplication(makeApplication({ id: 'pay', name: 'Pay', matchers: [{ host: 'pay.example' }], createdAt: T(2) }));
          await store.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-pay', host: 'pay.example', pathTemplate: '/pay' }), state: {} }]);
          await store.saveIssueBatch(batch({
            newCases: [
              newCase({ id: 'shop-a', target: 'app:shop', applicationId: 'shop', lastSeen: T(5), severity: 'critical', detectors: ['sqli-tokens', 'xss-markup'], title: 'SQL injection against Shop (api.shop.example)' }),
              newCase({ id: 'pay-a', target: 'app:pay', applicationId: 'pay', host: 'pay.example', lastSeen: T(4), detectors: ['xss-markup'], categories: ['xss'], title: 'Cross-site scripting against Pay (pay.example)' }),
              newCase({ id: 'host-b', actor: actor(B), lastSeen: T(3), severity: 'low', detectors: ['scanner-agent'], categories: ['scanner'], title: 'Scanner activity against api.shop.example' }),
              newCase({ id: 'shop-b', target: 'app:shop', applicationId: 'shop', actor: actor(B), lastSeen: T(2), detectors: ['sqli-tokens'] }),
            ],
            issues: [
              issue('shop-a', { id: 'i1', lastSeen: T(5), severity: 'critical', count: 2, category: 'sqli' }),
              issue('shop-a', { id: 'i2', lastSeen: T(4), detector: 'xss-markup', category: 'xss', endpointId: 'ep-other', severity: 'medium', count: 7 }),
              issue('shop-a', { id: 'i3', lastSeen: T(3), category: 'sqli', severity: 'medium', count: 1 }),
              issue('pay-a', { id: 'i4', lastSeen: T(4), firstSeen: T(3), detector: 'xss-markup', category: 'xss', endpointId: 'ep-pay', host: 'pay.example' }),
              issue('host-b', { id: 'i5', lastSeen: T(3), actor: actor(B), endpointId: null }),
              issue('shop-b', { id: 'i6', lastSeen: T(2), actor: actor(B) }),
            ],
          }));
          await store.updateCase('shop-b', { updatedAt: T(6), status: 'resolved', resolution: 'true-positive', resolvedAt: T(6) });
          await store.updateCase('pay-a', { updatedAt: T(6), status: 'investigating', assignee: 'u-1' });
        });

        it('lists cases newest activity first, filtered, within a scope', async () => {
          const list = async (q: CaseQuery) => ids((await store.listCases(q)).items);
          expect(await list({})).toEqual(['shop-a', 'pay-a', 'host-b', 'shop-b']);
          expect(await list({ status: 'investigating' })).toEqual(['pay-a']);
          expect(await list({ severity: 'critical' })).toEqual(['shop-a']);
          expect(await list({ detector: 'xss-markup' })).toEqual(['shop-a', 'pay-a']);
          expect(await list({ application: 'shop' })).toEqual(['shop-a', 'shop-b']);
          expect(await list({ application: UNASSIGNED_APPLICATION })).toEqual(['host-b']);
          expect(await list({ assignee: 'u-1' })).toEqual(['pay-a']);
          expect(await list({ assignee: null })).toEqual(['shop-a', 'host-b', 'shop-b']);
          expect(await list({ actorId: B })).toEqual(['host-b', 'shop-b']);
          expect(await list({ search: 'CROSS-SITE' })).toEqual(['pay-a']);
          expect(await list({ search: 'c-3' })).toEqual(['host-b']);
          expect(await list({ search: 'bbbbbbbb' })).toEqual(['host-b', 'shop-b']);
          expect(await list({ scope: ['pay'] })).toEqual(['pay-a']);
          expect(await list({ scope: [] })).toEqual([]);
          expect(await list({ scope: 'all', limit: 2, offset: 1 })).toEqual(['pay-a', 'host-b']);
          expect((await store.listCases({ limit: 1 })).total).toBe(4);
        });

        it('counts the queue within a scope', async () => {
          expect(await store.caseSummary('all', T(6))).toEqual({
            new: 2,
            investigating: 1,
            resolvedLast7Days: { 'true-positive': 1, 'false-positive': 0, benign: 0 },
            openBySeverity: { info: 0, low: 1, medium: 0, high: 1, critical: 1 },
          });
          expect((await store.caseSummary('all', T(7))).resolvedLast7Days['true-positive']).toBe(0);
          expect(await store.caseSummary(['shop'], T(1))).toMatchObject({ new: 1, investigating: 0, openBySeverity: { critical: 1, high: 0 } });
          expect(await store.caseSummary([], T(1))).toMatchObject({ new: 0, investigating: 0 });
        });

        it('finds similar cases: same actor, or same target with a detector in common', async () => {
          const shopA = (await store.getCase('shop-a'))!;
          expect(ids(await store.similarCases(shopA, { limit: 5 }))).toEqual(['pay-a', 'shop-b']);
          expect(ids(await store.similarCases(shopA, { limit: 1 }))).toEqual(['pay-a']);
          expect(ids(await store.similarCases(shopA, { limit: 5, scope: ['shop'] }))).toEqual(['shop-b']);
          const hostB = (await store.getCase('host-b'))!;
          expect(ids(await store.similarCases(hostB, { limit: 5 }))).toEqual(['shop-b']);
        });

        it('counts a case\'s issues per endpoint and category', async () => {
          expect(await store.caseIssueStats('shop-a')).toEqual({
            byEndpoint: [{ endpointId: 'ep-search', issues: 2, events: 3 }, { endpointId: 'ep-other', issues: 1, events: 7 }],
            byCategory: [{ category: 'sqli', issues: 2, events: 3 }, { category: 'xss', issues: 1, events: 7 }],
          });
          expect(await store.caseIssueStats('nope')).toEqual({ byEndpoint: [], byCategory: [] });
        });

        it('lists issues newest first or most severe first, filtered, scoped by their case', async () => {
          const list = async (q: IssueQuery) => ids((await store.listIssues(q)).items);
          expect(await list({})).toEqual(['i1', 'i4', 'i2', 'i5', 'i3', 'i6']);
          expect(await list({ caseId: 'shop-a', sort: 'severity' })).toEqual(['i1', 'i2', 'i3']);
          expect(await list({ detector: 'xss-markup' })).toEqual(['i4', 'i2']);
          expect(await list({ endpointId: 'ep-pay' })).toEqual(['i4']);
          expect(await list({ actorId: B })).toEqual(['i5', 'i6']);
          expect(await list({ scope: ['pay'] })).toEqual(['i4']);
          expect(await list({ scope: [] })).toEqual([]);
          expect((await store.listIssues({ limit: 2 })).total).toBe(6);
          // The application: the endpoint's when it is stored, else the case's.
          expect((await store.getIssue('i4'))!.applicationId).toBe('pay');
          expect((await store.getIssue('i1'))!.applicationId).toBe('shop');
          expect((await store.getIssue('i5'))!.applicationId).toBeNull();
        });

        it("answers an actor's timeline across cases with their refs", async () => {
          const t = await store.actorTimeline(B, { limit: 10 });
          expect(t.total).toBe(2);
          expect(t.items).toEqual([
            { at: T(3), issueId: 'i5', caseId: 'host-b', caseRef: 'C-3', detector: 'sqli-tokens', category: 'sqli', severity: 'high', host: 'api.shop.example', method: 'GET', pathTemplate: '/search', endpointId: null, count: 1 },
            expect.objectContaining({ issueId: 'i6', caseRef: 'C-4' }),
          ]);
          expect((await store.actorTimeline(B, { limit: 1 })).items).toHaveLength(1);
          expect(await store.actorTimeline(B, { limit: 10, scope: ['shop'] })).toMatchObject({ total: 1, items: [{ issueId: 'i6' }] });
        });

        it('counts issues per day and category up to the newest issue', async () => {
          expect(await store.threatDaily('all', 3)).toEqual({
            days: [
              { day: '2026-01-01', counts: { sqli: 4, xss: 1 }, total: 5 },
              { day: '2026-01-02', counts: {}, total: 0 },
              { day: '2026-01-03', counts: { xss: 1 }, total: 1 },
            ],
          });
          expect(await store.threatDaily(['pay'], 1)).toEqual({ days: [{ day: '2026-01-03', counts: { xss: 1 }, total: 1 }] });
          expect(await store.threatDaily([], 3)).toEqual({ days: [] });
          expect(await store.threatDaily('all', 0)).toEqual({ days: [] });
        });

        it('drops the application of cases whose application is deleted', async () => {
          await store.deleteApplication('pay');
          expect((await store.getCase('pay-a'))!.applicationId).toBeNull();
          expect(ids((await store.listCases({ application: UNASSIGNED_APPLICATION })).items)).toEqual(['pay-a', 'host-b']);
          expect((await store.getCase('shop-a'))!.applicationId).toBe('shop');
        });
      });

      it('keeps comments per case, oldest first; a comment on an unknown case is not_found', async () => {
        await store.saveIssueBatch(batch({ newCases: [newCase({ id: 'c1' })] }));
        const comment = (id: string, day: number): CaseComment => ({ id, caseId: 'c1', author: 'ana@example.com', at: T(day), text: `note ${id}` });
        await store.addCaseComment(comment('k2', 3));
        await store.addCaseComment(comment('k1', 2));
        expect(await store.listCaseComments('c1', 10)).toEqual([comment('k1', 2), comment('k2', 3)]);
        expect(await store.listCaseComments('c1', 1)).toEqual([comment('k1', 2)]);
        await expect(store.addCaseComment({ ...comment('k3', 1), caseId: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
      });

      it('keeps suppressions: newest first, active or expired, hits add up, deletion', async () => {
        const sup = (id: string, created: number, expires: number): Suppression => ({
          id, detector: 'sqli-tokens', endpointId: null, actorId: A, parameter: null, reason: 'pentest', createdBy: 'ana', createdAt: T(created), expiresAt: T(expires), hits: 0,
        });
        await store.createSuppression(sup('s1', 1, 5));
        await store.createSuppression(sup('s2', 2, 10));
        await expect(store.createSuppression(sup('s1', 3, 9))).rejects.toMatchObject({ code: 'conflict' });
        expect(ids((await store.listSuppressions({})).items)).toEqual(['s2', 's1']);
        expect(ids((await store.listSuppressions({ activeAt: T(5) })).items)).toEqual(['s2']);
        expect(ids((await store.listSuppressions({ expiredAt: T(5) })).items)).toEqual(['s1']);
        await store.addSuppressionHits({ s1: 3, nope: 2 });
        await store.addSuppressionHits({ s1: 1 });
        expect(await store.getSuppression('s1')).toEqual({ ...sup('s1', 1, 5), hits: 4 });
        expect(await store.deleteSuppression('s1')).toBe(true);
        expect(await store.deleteSuppression('s1')).toBe(false);
        expect(await store.getSuppression('s1')).toBeNull();
      });

      it("reads a case's history from the audit log by target", async () => {
        await store.appendAudit(auditDraft({ action: 'case.update', target: { type: 'case', id: 'c1' }, before: { status: 'new' }, after: { status: 'investigating' } }));
        await store.appendAudit(auditDraft({ action: 'case.update', target: { type: 'case', id: 'c2' } }));
        await store.appendAudit(auditDraft({ at: T(2), actor: { kind: 'system', id: null }, action: 'case.reopened', target: { type: 'case', id: 'c1' } }));
        const page = await store.listAudit({ targetType: 'case', targetId: 'c1', order: 'asc' });
        expect(page.items.map((e) => [e.action, e.actor.kind])).toEqual([['case.update', 'user'], ['case.reopened', 'system']]);
        expect(page.items[0]).toMatchObject({ before: { status: 'new' }, after: { status: 'investigating' } });
      });

      if (options.reopen) it('keeps cases, issues, comments and suppressions across close and reopen, and numbers on', async () => {
        await store.saveIssueBatch(batch({ newCases: [newCase({ id: 'c1' })], issues: [issue('c1', { exchange })] }));
        await store.addCaseComment({ id: 'k1', caseId: 'c1', author: 'ana', at: T(2), text: 'x' });
        const s = await reopen();
        expect((await s.getCase('c1'))!.ref).toBe('C-1');
        expect((await s.getIssue('c1-i'))!.exchange).toEqual(exchange);
        expect(await s.listCaseComments('c1', 5)).toHaveLength(1);
        const r = await s.saveIssueBatch(batch({ newCases: [newCase({ id: 'c2' })] }));
        expect(r.cases[0]!.ref).toBe('C-2');
      });
    });

    if (options.reopen) it('keeps users, sessions, applications and the audit chain across close and reopen', async () => {
      const user = makeUser({ id: 'u-1', passwordHash: 'scrypt$16$8$1$c2FsdA$a2V5' });
      await store.createUser(user);
      await store.createSession(makeSession({ idHash: 'a'.repeat(64) }), 5);
      await store.createApplication(makeApplication({ id: 'app-1', owners: ['u-1'] }));
      const first = await store.appendAudit(auditDraft({}));
      const s = await reopen();
      expect(await s.getUser('u-1')).toEqual(user);
      expect(await s.findSession('a'.repeat(64))).not.toBeNull();
      expect((await s.listApplications({ owner: 'u-1' })).total).toBe(1);
      expect((await s.appendAudit(auditDraft({}))).prevHash).toBe(first.hash);
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// Fixtures. Text values sort the same under code-point and locale collations on purpose.

/** `2026-01-<day>T00:00:00.000Z`. */
function T(day: number): string {
  return `2026-01-${String(day).padStart(2, '0')}T00:00:00.000Z`;
}

function ids(items: { id: string }[]): string[] {
  return items.map((i) => i.id);
}

function exposure(internetExposed: boolean): Endpoint['exposure'] {
  return internetExposed
    ? { internetExposed, publicClientCalls: 5, privateClientCalls: 0 }
    : { internetExposed, publicClientCalls: 0, privateClientCalls: 5 };
}

function plainHttp(calls: number): Endpoint['encryption'] {
  return { plainHttpCalls: calls, tlsCalls: 10, tlsVersions: { 'TLSv1.3': 10 } };
}

/**
 * Five endpoints with ties on risk (c, d) and calls (a, c), and one lastSeen with an offset (e) that
 * sorts differently as text than as an instant.
 */
function fixtureRows(): { endpoint: Endpoint; state: unknown }[] {
  const rows: Endpoint[] = [
    makeEndpoint({
      id: 'ep-a', host: 'alpha.test', api: 'alpha.test/v1', method: 'GET', pathTemplate: '/users/{id}',
      risk: risk(8.5, 'critical'), calls: 100, consumers: 7, firstSeen: T(3), lastSeen: T(10),
      exposure: exposure(true), auth: authKinds({ none: 4, 'bearer-jwt': 96 }),
      dataClasses: [...dataClasses('phone', 'email'), { dataClass: 'email', direction: 'request', location: 'query', names: ['email'] }],
    }),
    makeEndpoint({
      id: 'ep-b', host: 'alpha.test', api: 'alpha.test/v1', method: 'POST', pathTemplate: '/users',
      risk: risk(6, 'high'), calls: 40, firstSeen: T(1), lastSeen: T(9), exposure: exposure(true),
      auth: authKinds({ 'api-key-header': 40, basic: 0 }), encryption: plainHttp(3), dataClasses: dataClasses('email'), documented: true,
    }),
    makeEndpoint({
      id: 'ep-c', host: 'alpha.test', api: 'alpha.test/v2', method: 'GET', pathTemplate: '/orders/{id}',
      risk: risk(3, 'medium'), calls: 100, firstSeen: T(2), lastSeen: T(12), exposure: exposure(false),
      dataClasses: dataClasses('payment-card'), documented: true,
    }),
    makeEndpoint({
      id: 'ep-d', host: 'beta.test', api: 'beta.test', method: 'DELETE', pathTemplate: '/orders/{id}',
      risk: risk(3, 'medium'), calls: 5, firstSeen: T(5), lastSeen: T(6), exposure: exposure(false),
      auth: authKinds({ none: 5 }), encryption: plainHttp(5),
    }),
    makeEndpoint({
      id: 'ep-e', host: 'beta.test', api: 'beta.test', method: 'GET', pathTemplate: '/health',
      risk: risk(0.5, 'low'), calls: 1000, firstSeen: T(4), lastSeen: '2026-01-10T01:00:00+02:00', exposure: exposure(true),
    }),
  ];
  return rows.map((endpoint) => ({ endpoint, state: { id: endpoint.id } }));
}

/**
 * Six findings: two on ep-a, one resolved (f4), one without an endpoint (f5); ties on lastSeen (f1, f2),
 * firstSeen (f1, f6) and count (f1, f6; f3, f5).
 */
function fixtureFindings(): Finding[] {
  return [
    makeFinding({ id: 'f1', ruleId: 'auth-missing', severity: 'high', endpointId: 'ep-a', host: 'alpha.test', lastSeen: T(10), firstSeen: T(1), count: 1 }),
    makeFinding({
      id: 'f2', ruleId: 'pii-exposed', severity: 'critical', owasp: 'API3:2023', title: 'Personal data in the response',
      endpointId: 'ep-a', host: 'alpha.test', lastSeen: T(10), firstSeen: T(4), count: 5,
    }),
    makeFinding({
      id: 'f3', ruleId: 'plain-http', severity: 'medium', owasp: 'API8:2023', title: 'Plain HTTP accepted',
      endpointId: 'ep-b', host: 'alpha.test', method: 'POST', pathTemplate: '/users', lastSeen: T(9), firstSeen: T(2), count: 2,
    }),
    makeFinding({
      id: 'f4', ruleId: 'auth-missing', severity: 'high', endpointId: 'ep-d', host: 'beta.test', method: 'DELETE', pathTemplate: '/orders/{id}',
      lastSeen: T(6), firstSeen: T(3), count: 3, status: 'resolved',
    }),
    makeFinding({
      id: 'f5', ruleId: 'tls-weak', severity: 'low', owasp: 'API8:2023', title: 'Weak TLS protocol',
      endpointId: null, host: 'beta.test', method: null, pathTemplate: null, lastSeen: T(11), firstSeen: T(5), count: 2,
    }),
    makeFinding({
      id: 'f6', ruleId: 'info-banner', severity: 'info', owasp: 'API8:2023', title: 'Server banner disclosed',
      endpointId: 'ep-c', host: 'alpha.test', pathTemplate: '/orders/{id}', lastSeen: T(12), firstSeen: T(1), count: 1,
    }),
  ];
}

function sample(endpointId: string, day: number) {
  return { endpointId, timestamp: T(day), event: { day } };
}

function reject(day: number) {
  return { source: 'a.ndjson', line: day, reason: `bad record ${day}`, at: T(day) };
}

function makeToken(overrides: Partial<StoredToken> = {}): StoredToken {
  return {
    id: 't-1',
    name: 'ingest from gateway',
    scopes: ['ingest'],
    hash: 'f'.repeat(64),
    createdAt: T(1),
    lastUsedAt: null,
    revoked: false,
    ...overrides,
  };
}

function makeUser(overrides: Partial<StoredUser> = {}): StoredUser {
  return {
    id: 'u-1',
    email: 'ana@example.com',
    displayName: 'Ana',
    role: 'security-practitioner',
    applications: [],
    status: 'active',
    failedLogins: 0,
    lockedUntil: null,
    lastLoginAt: null,
    createdAt: T(1),
    updatedAt: T(1),
    passwordHash: null,
    ...overrides,
  };
}

function makeUserToken(overrides: Partial<StoredUserToken> = {}): StoredUserToken {
  return { hash: 'f'.repeat(64), userId: 'u-1', purpose: 'invite', createdAt: T(1), expiresAt: T(4), usedAt: null, ...overrides };
}

function makeSession(overrides: Partial<StoredSession> = {}): StoredSession {
  return {
    idHash: 'f'.repeat(64),
    userId: 'u-1',
    csrfHash: 'c'.repeat(64),
    clientAddress: null,
    createdAt: T(1),
    lastSeenAt: T(1),
    expiresAt: T(2),
    ...overrides,
  };
}

function makeApplication(overrides: Partial<Application> = {}): Application {
  return {
    id: 'app-1',
    name: 'Shop',
    owners: [],
    matchers: [{ host: 'shop.example.com' }],
    ...APPLICATION_DEFAULTS,
    createdAt: T(1),
    updatedAt: T(1),
    ...overrides,
  };
}

/** A 64-character hex digest made from `seed`. */
function sha(seed: string): string {
  return Buffer.from(seed).toString('hex').padEnd(64, '0').slice(0, 64);
}

function score(total: number): NewSpecVersion['score'] {
  return { formula: 'bulwark-spec-score/1', total, security: Math.min(70, total), dataValidation: Math.max(0, total - 70) };
}

function links(overrides: Partial<SpecLinks>): SpecLinks {
  return { hosts: [], hostsSource: 'servers', apis: [], pinnedApplicationId: null, ...overrides };
}

function specFinding(ruleId: string, severity: SpecFindingView['severity']): SpecFindingView {
  return {
    ruleId,
    title: `Rule ${ruleId}`,
    severity,
    owasp: 'API8:2023',
    cwe: 'CWE-16',
    category: 'security',
    message: `${ruleId} says so`,
    location: { file: 'api.yaml', pointer: '/paths/~1a/get', line: 7, column: 5 },
    remediation: 'Fix it.',
    fingerprint: `fp-${ruleId}`,
  };
}

function specVersion(overrides: Partial<NewSpecVersion>): NewSpecVersion {
  const findings = overrides.findings ?? [];
  const counts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return {
    createdAt: T(1),
    createdBy: { kind: 'user', id: 'u-1' },
    source: 'api.yaml',
    sha256: sha('text'),
    bytes: 42,
    dialect: 'openapi-3.1',
    declaredVersion: '3.1.0',
    title: 'API',
    infoVersion: '1.0',
    operations: 3,
    score: score(80),
    findingCounts: counts,
    findingsTotal: findings.length,
    text: 'openapi: 3.1.0\ninfo: {title: API, version: "1.0"}\npaths: {}\n',
    findings,
    findingsTruncated: false,
    ...overrides,
  };
}

function auditDraft(overrides: Partial<AuditDraft>): AuditDraft {
  return {
    at: T(1),
    actor: { kind: 'user', id: 'u-1' },
    action: 'user.update',
    target: { type: 'user', id: 'u-2' },
    before: null,
    after: null,
    clientAddress: '203.0.113.7',
    ...overrides,
  };
}
