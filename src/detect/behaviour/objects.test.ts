import { describe, expect, it } from 'vitest';
import { Harness, idle, MIN, userToken, warmUp, type EventSpec } from './fixtures/kit.js';

/** Orders of user u: 40210000 + 10u .. +9. */
const orderOf = (u: number, k: number) => 40_210_000 + 10 * u + k;
const ordersJson = (u: number, n: number) => JSON.stringify({ orders: Array.from({ length: n }, (_, k) => ({ orderId: orderOf(u, k), total: 10 })) });
const ORDER = '/v1/orders/{order_id}';

/** 150 customers listing their orders, then reading one or two of their own, over an hour. */
function ordersWarmUp(h: Harness): void {
  warmUp(h, {
    n: 150,
    minutes: 60,
    spec: (i, at) => ({ at, path: '/v1/orders', bearer: userToken(`u${i}`), ip: `198.51.100.${i % 250}`, response: ordersJson(i, 3) }),
  });
  warmUp(h, {
    n: 150,
    minutes: 60,
    spec: (i, at) => ({ at: at + 61 * MIN, path: `/v1/orders/${orderOf(i, i % 3)}`, bearer: userToken(`u${i}`), ip: `198.51.100.${i % 250}` }),
  });
  idle(h, 122 * MIN, 129 * MIN);
}

interface Walk {
  name: string;
  /** Requests of the actor under test, after the warm-up (which ends before 125 min). */
  requests: (start: number) => EventSpec[];
  expect: Record<string, number>;
}

const attacker = userToken('mallory');
const walk = (n: number, gapMs: number, status: (k: number) => number, first = 0): Walk['requests'] => (start) =>
  Array.from({ length: n }, (_, k) => ({ at: start + k * gapMs, path: `/v1/orders/${orderOf(500 + k, first)}`, bearer: attacker, ip: '192.0.2.66', status: status(k) }));

const CASES: Walk[] = [
  { name: 'walk of 20 orders of others, 1 per 2 s, all 200', requests: walk(20, 2000, () => 200), expect: { 'bola-distinct-ids': 1 } },
  { name: 'walk with 40% 404 (ids that do not exist)', requests: walk(30, 1500, (k) => (k % 5 < 2 ? 404 : 200)), expect: { 'bola-distinct-ids': 1 } },
  { name: 'low and slow: 12 orders over 26 min', requests: walk(12, 130_000, () => 200), expect: { 'bola-distinct-ids': 1 } },
  { name: 'walk refused with 403 (authorisation works): enumeration, not BOLA', requests: walk(20, 2000, () => 403), expect: { 'bola-distinct-ids': 0, 'enum-object-ids': 1 } },
  {
    name: 'pagination through own orders (all returned by the list first)',
    requests: (start) => [
      { at: start, path: '/v1/orders', bearer: attacker, ip: '192.0.2.66', response: ordersJson(900, 10) },
      ...Array.from({ length: 10 }, (_, k) => ({ at: start + (k + 1) * 3000, path: `/v1/orders/${orderOf(900, k)}`, bearer: attacker, ip: '192.0.2.66' })),
    ],
    expect: { 'bola-distinct-ids': 0 },
  },
  {
    name: 'heavy user re-reading their 3 orders 60 times',
    requests: (start) => Array.from({ length: 60 }, (_, k) => ({ at: start + k * 20_000, path: `/v1/orders/${orderOf(7, k % 3)}`, bearer: userToken('u7'), ip: '198.51.100.7' })),
    expect: { 'bola-distinct-ids': 0, 'scraping-object-sweep': 0 },
  },
  { name: 'only 6 unknown orders (under the minimum)', requests: walk(6, 2000, () => 200), expect: { 'bola-distinct-ids': 0 } },
  {
    name: 'ids spread over two windows, 6 in each',
    requests: (start) => [...walk(6, 1000, () => 200)(start), ...walk(6, 1000, () => 200, 1)(start + 40 * MIN)],
    expect: { 'bola-distinct-ids': 0 },
  },
];

describe('bola-distinct-ids and enum-object-ids on an authenticated endpoint', () => {
  it.each(CASES)('$name', ({ requests, expect: counts }) => {
    const h = new Harness();
    ordersWarmUp(h);
    expect(h.ids(), 'benign warm-up').toEqual([]);
    for (const r of requests(130 * MIN)) h.send(r, { template: r.path === '/v1/orders' ? '/v1/orders' : ORDER });
    expect(h.counts(counts)).toEqual(counts);
  });

  it('reports the actor, the endpoint and counts only', () => {
    const h = new Harness();
    ordersWarmUp(h);
    for (const r of walk(20, 2000, () => 200)(130 * MIN)) h.send(r, { template: ORDER });
    const [d] = h.all;
    expect(d).toMatchObject({
      detector: 'bola-distinct-ids', category: 'bola', severity: 'high', owasp: 'API1:2023', mitre: 'T1213',
      location: { where: 'actor', name: ORDER }, actor: { kind: 'principal' },
    });
    expect(d!.confidence).toBeGreaterThanOrEqual(0.65);
    expect(d!.evidence).toMatch(/^8 distinct order_id values never returned to this actor read in 1 min, 8 answered 2xx \(8 distinct in all, 0 refused\); normal at most \d+$/);
    expect(d!.evidence).not.toMatch(/4021|mallory|192\.0\.2/);
  });

  it('stays silent on an endpoint anonymous callers use (public objects are not BOLA)', () => {
    const h = new Harness();
    warmUp(h, { n: 200, minutes: 60, spec: (i, at) => ({ at, path: `/v1/products/${10_000 + (i % 40)}`, ip: `198.51.100.${i % 250}` }) });
    for (let k = 0; k < 30; k++) h.send({ at: 70 * MIN + k * 2000, path: `/v1/products/${10_100 + k}`, bearer: attacker });
    expect(h.count('bola-distinct-ids')).toBe(0);
  });

  it('needs the endpoint to have been seen answering (no judgement on a new endpoint)', () => {
    const h = new Harness();
    for (const r of walk(20, 2000, () => 200)(0)) h.send(r, { template: ORDER });
    expect(h.count('bola-distinct-ids')).toBe(0);
  });
});

describe('enum-object-ids', () => {
  const guess = (n: number, hit: (k: number) => boolean) => (h: Harness) => {
    for (let k = 0; k < n; k++) h.send({ at: 70 * MIN + k * 700, path: `/v1/products/${90_000 + k * 37}`, ip: '192.0.2.9', status: hit(k) ? 200 : 404 });
  };
  const cases: Array<[string, (h: Harness) => void, number]> = [
    ['anonymous id guessing, 30 ids, 90% 404', guess(30, (k) => k % 10 === 0), 1],
    ['12 misses in a row (the learned bar is the minimum, 10)', guess(12, () => false), 1],
    ['8 misses: a few broken links', guess(8, () => false), 0],
    ['30 ids mostly found (a shopper browsing fast): not enumeration', guess(30, (k) => k % 4 !== 0), 0],
  ];
  it.each(cases)('%s', (_name, run, n) => {
    const h = new Harness();
    warmUp(h, { n: 300, minutes: 60, spec: (i, at) => ({ at, path: `/v1/products/${10_000 + (i % 40)}`, ip: `198.51.100.${i % 250}`, status: i % 50 === 0 ? 404 : 200 }) });
    run(h);
    expect(h.count('enum-object-ids')).toBe(n);
  });
});

describe('scraping-object-sweep', () => {
  function catalogue(h: Harness): void {
    // 300 shoppers each viewing one to six products (spread across the hour, in windows of their own).
    for (let round = 0; round < 6; round++) {
      warmUp(h, { n: 300, minutes: 50, spec: (i, at) => ({ at: at + round * 31 * MIN, path: `/v1/products/${10_000 + ((i * 7 + round) % 800)}`, ip: `198.51.100.${i % 250}`, headers: { 'x-shopper': String(i) } }) });
    }
  }
  const sweep = (n: number, gapMs: number) => (h: Harness) => {
    for (let k = 0; k < n; k++) h.send({ at: 200 * MIN + k * gapMs, path: `/v1/products/${10_000 + k}`, ip: '192.0.2.200' });
  };
  const cases: Array<[string, (h: Harness) => void, number]> = [
    ['120 products in 20 min', sweep(120, 10_000), 1],
    ['45 products in 15 min (just over the minimum)', sweep(45, 20_000), 1],
    ['80 products at one every 20 s (slow)', sweep(80, 20_000), 1],
    ['a keen shopper: 25 products in 30 min', sweep(25, 70_000), 0],
  ];
  it.each(cases)('%s', (_name, run, n) => {
    const h = new Harness();
    catalogue(h);
    expect(h.ids()).toEqual([]);
    run(h);
    expect(h.count('scraping-object-sweep')).toBe(n);
  });

  it('counts distinct query variants of a collection (pages)', () => {
    const h = new Harness();
    catalogue(h);
    for (let k = 0; k < 120; k++) h.send({ at: 200 * MIN + k * 5000, path: '/v1/products', query: { category: `c${k % 30}`, page: String(1 + Math.floor(k / 30)) }, ip: '192.0.2.201' });
    expect(h.count('scraping-object-sweep')).toBe(1);
    expect(h.all[0]!.evidence).toMatch(/distinct query variants read with 2xx/);
  });
});

describe('enum-forced-browsing', () => {
  const WORDS = ['admin', '.env', '.git/config', 'backup.zip', 'v1/internal', 'actuator/env', 'server-status', 'wp-login.php', 'phpinfo.php', 'api/v0', 'v2/users', 'debug', 'console', 'swagger.json', 'config.yml', 'old', 'test', 'db.sql', 'graphql', 'metrics'];
  const cases: Array<[string, EventSpec[], number]> = [
    ['20 wordlist paths, all 404', WORDS.map((w, k) => ({ at: k * 500, path: `/${w}`, status: 404 })), 1],
    ['the same missing path retried 20 times', WORDS.map((_w, k) => ({ at: k * 500, path: '/v1/avatar.png', status: 404 })), 0],
    [
      '12 broken links among 100 successful page views',
      Array.from({ length: 112 }, (_, k) => (k % 9 === 0 ? { at: k * 10_000, path: `/v1/pages/gone-${k}`, status: 404 } : { at: k * 10_000, path: `/v1/pages/p${k}` })),
      0,
    ],
  ];
  it.each(cases)('%s', (_name, specs, n) => {
    const h = new Harness();
    for (const s of specs) h.send({ ip: '192.0.2.77', ...s });
    expect(h.count('enum-forced-browsing')).toBe(n);
    if (n) expect(h.all.find((d) => d.detector === 'enum-forced-browsing')!.evidence).toMatch(/^12 distinct paths of api\.example\.com answered 403\/404/);
  });
});
