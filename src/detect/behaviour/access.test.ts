import { describe, expect, it } from 'vitest';
import { Harness, jwt, MIN, rng, T0, type EventSpec } from './fixtures/kit.js';

const token = (sub: string, role: string) => jwt({ sub, role, exp: T0 / 1000 + 86_400 });

/**
 * A host learning for its first 2,000 events: customers on the shop endpoints, admins (role `admin`) on the
 * admin endpoints, support staff (role `support`) reading users.
 */
function shop(h: Harness): number {
  const r = rng(11);
  let at = 0;
  for (let k = 0; k < 2400; k++, at += 3000) {
    const x = r();
    if (x < 0.03) h.send({ at, method: 'DELETE', path: `/admin/users/${100 + Math.floor(r() * 50)}`, bearer: token('a1', 'admin'), status: 204 });
    else if (x < 0.06) h.send({ at, path: '/admin/users', bearer: token(`s${Math.floor(r() * 3)}`, 'support') });
    else h.send({ at, path: '/v1/cart', bearer: token(`c${Math.floor(r() * 400)}`, 'customer') });
  }
  return at;
}

type Case = [name: string, spec: Partial<EventSpec> & { path: string }, expected: number, severity?: string];

const BFLA: Case[] = [
  ['a customer deleting a user, answered 204', { method: 'DELETE', path: '/admin/users/123', bearer: token('c9', 'customer'), status: 204 }, 1, 'high'],
  ['a customer listing users, refused 403 (an attempt)', { path: '/admin/users', bearer: token('c9', 'customer'), status: 403 }, 1, 'medium'],
  ['support staff deleting a user (seen reading, never deleting)', { method: 'DELETE', path: '/admin/users/123', bearer: token('s1', 'support'), status: 204 }, 1, 'high'],
  ['a customer on an admin endpoint first seen after learning', { path: '/admin/config', bearer: token('c9', 'customer') }, 1, 'high'],
  ['an admin on an admin endpoint first seen after learning', { path: '/admin/config', bearer: token('a1', 'admin') }, 0],
  ['an admin deleting a user', { method: 'DELETE', path: '/admin/users/77', bearer: token('a2', 'admin'), status: 204 }, 0],
  ['support reading users', { path: '/admin/users', bearer: token('s7', 'support') }, 0],
  ['a scanner probing an admin path that does not exist (404: enumeration, not BFLA)', { path: '/admin/backup', status: 404 }, 0],
  ['a customer on a non-admin endpoint', { path: '/v1/orders', bearer: token('c9', 'customer') }, 0],
];

describe('bfla-unseen-admin-operation', () => {
  it.each(BFLA)('%s', (_name, spec, expected, severity) => {
    const h = new Harness();
    const start = shop(h);
    expect(h.ids(), 'learning').toEqual([]);
    h.send({ at: start + MIN, ...spec });
    expect(h.count('bfla-unseen-admin-operation')).toBe(expected);
    if (severity) expect(h.all[0]).toMatchObject({ severity, owasp: 'API5:2023', location: { where: 'actor', name: spec.path.replace(/\d+$/, '{user_id}') } });
  });

  it('tells API key classes apart by prefix', () => {
    const h = new Harness();
    for (let k = 0; k < 60; k++) h.send({ at: k * 1000, method: 'POST', path: '/internal/reindex', apiKey: `sk_admin_${k}xyz`, status: 202 });
    h.send({ at: 61_000, method: 'POST', path: '/internal/reindex', apiKey: 'pk_live_abcdef', status: 202 });
    h.send({ at: 62_000, method: 'POST', path: '/internal/reindex', apiKey: 'sk_admin_other', status: 202 });
    expect(h.ids()).toEqual(['bfla-unseen-admin-operation']);
  });
});

describe('exposure-sensitive-unauthenticated', () => {
  /** An authenticated endpoint: 100 customers reading their profile. */
  function profiles(h: Harness): void {
    for (let k = 0; k < 100; k++) h.send({ at: k * 1000, path: '/v1/users/me', bearer: token(`c${k}`, 'customer') }, { sensitive: k % 10 === 0 ? true : undefined });
  }
  const anon = (sensitive: boolean | undefined, status = 200) => (h: Harness) => h.send({ at: 200_000, path: '/v1/users/me', ip: '192.0.2.44', status }, { sensitive });
  const cases: Array<[string, (h: Harness) => void, (h: Harness) => void, number]> = [
    ['anonymous 2xx with personal data on an authenticated endpoint', profiles, anon(true), 1],
    ['anonymous 2xx, not analysed, on an endpoint whose responses are sensitive', profiles, anon(undefined), 1],
    ['anonymous 2xx without sensitive data', profiles, anon(false), 0],
    ['anonymous and refused (401)', profiles, anon(true, 401), 0],
    [
      'a public endpoint (store addresses for everyone): the posture rule reports it, not this detector',
      (h) => {
        for (let k = 0; k < 100; k++) h.send({ at: k * 1000, path: '/v1/users/me', ip: `198.51.100.${k}` }, { sensitive: true });
      },
      anon(true),
      0,
    ],
    ['too early to know whether the endpoint is authenticated', (h) => h.send({ at: 0, path: '/v1/users/me', bearer: token('c1', 'customer') }), anon(true), 0],
    [
      'a login answering a token to an anonymous caller is what logins do',
      (h) => {
        for (let k = 0; k < 100; k++) h.send({ at: k * 1000, method: 'POST', path: '/v1/auth/login', body: '{"email":"a@b.c"}', bearer: token(`c${k}`, 'customer') });
      },
      (h) => h.send({ at: 200_000, method: 'POST', path: '/v1/auth/login', body: '{"email":"a@b.c"}' }, { sensitive: true }),
      0,
    ],
  ];
  it.each(cases)('%s', (_name, before, probe, expected) => {
    const h = new Harness();
    before(h);
    probe(h);
    expect(h.count('exposure-sensitive-unauthenticated')).toBe(expected);
    if (expected) expect(h.all[0]).toMatchObject({ severity: 'high', owasp: 'API3:2023', actor: { kind: 'address' }, location: { where: 'actor', name: '/v1/users/me' } });
  });
});
