import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '../contracts/endpoint.js';
import type { Finding } from '../contracts/finding.js';
import { DomainError } from '../errors/domain-errors.js';
import { authKinds, dataClasses, makeEndpoint, makeFinding, risk } from './fixtures/builders.js';
import { MAX_PAGE_SIZE, type EndpointQuery, type FindingQuery, type Store, type StoredToken } from './store.js';

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
 * - findings list by severity (highest first), then `lastSeen` (newest first), then `id`;
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
        expect(await s.getFinding('f-1')).toEqual(finding);
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
        });
        expect(byId.get('ep-b')).toMatchObject({ authenticated: true, plainHttp: true, documented: true, dataClasses: ['email'] });
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
        expect(await store.getFinding(f.id)).toEqual(f);
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
        ];
        it.each(cases)('filters by %s, ordered by severity then lastSeen', async (_label, query, expected) => {
          const page = await store.listFindings(query);
          expect(ids(page.items)).toEqual(expected);
          expect(page.total).toBe(expected.length);
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
          expect(await store.getFinding('f2')).toMatchObject({ status: 'open', lastSeen: T(22), count: 2 });
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
      auth: authKinds({ 'api-key-header': 40 }), encryption: plainHttp(3), dataClasses: dataClasses('email'), documented: true,
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

/** Six findings: two on ep-a, one resolved (f4), one without an endpoint (f5). */
function fixtureFindings(): Finding[] {
  return [
    makeFinding({ id: 'f1', ruleId: 'auth-missing', severity: 'high', endpointId: 'ep-a', host: 'alpha.test', lastSeen: T(10) }),
    makeFinding({ id: 'f2', ruleId: 'pii-exposed', severity: 'critical', endpointId: 'ep-a', host: 'alpha.test', lastSeen: T(10) }),
    makeFinding({ id: 'f3', ruleId: 'plain-http', severity: 'medium', endpointId: 'ep-b', host: 'alpha.test', lastSeen: T(9) }),
    makeFinding({ id: 'f4', ruleId: 'auth-missing', severity: 'high', endpointId: 'ep-d', host: 'beta.test', lastSeen: T(6), status: 'resolved' }),
    makeFinding({ id: 'f5', ruleId: 'tls-weak', severity: 'low', endpointId: null, host: 'beta.test', method: null, pathTemplate: null, lastSeen: T(11) }),
    makeFinding({ id: 'f6', ruleId: 'info-banner', severity: 'info', endpointId: 'ep-c', host: 'alpha.test', lastSeen: T(12) }),
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
