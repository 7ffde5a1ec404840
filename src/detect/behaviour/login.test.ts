import { describe, expect, it } from 'vitest';
import { Harness, MIN, rng, type EventSpec } from './fixtures/kit.js';
import { endpointTraits, loginUsernameHash } from './paths.js';
import { event } from './fixtures/kit.js';

const LOGIN = '/v1/auth/login';
const body = (user: string) => JSON.stringify({ email: user, password: 'Summer2025!' });
const login = (at: number, user: string, ip: string, ok: boolean, extra: Partial<EventSpec> = {}): EventSpec => ({
  at, method: 'POST', path: LOGIN, ip, body: body(user), status: ok ? 200 : 401,
  response: ok ? '{"access_token":"x"}' : '{"error":"invalid_credentials"}', ...extra,
});

type Case = [name: string, specs: EventSpec[], expected: Record<string, number>];

const stuffing: Case[] = [
  ['one address, 20 usernames, 19 failing', Array.from({ length: 20 }, (_, k) => login(k * 400, `user${k}@example.com`, '192.0.2.50', k === 7)), { 'stuffing-many-usernames': 1 }],
  [
    'form-encoded logins (username field)',
    Array.from({ length: 12 }, (_, k) => ({ ...login(k * 900, '', '192.0.2.51', false), body: `username=user${k}&password=x`, contentType: 'application/x-www-form-urlencoded' })),
    { 'stuffing-many-usernames': 1 },
  ],
  ['low and slow: 10 usernames over 14 min', Array.from({ length: 10 }, (_, k) => login(k * 90_000, `u${k}@example.com`, '192.0.2.52', false)), { 'stuffing-many-usernames': 1 }],
  ['NAT: 40 different users log in from one office address, 4 typos', Array.from({ length: 40 }, (_, k) => login(k * 20_000, `staff${k}@example.com`, '192.0.2.53', k % 10 !== 3)), { 'stuffing-many-usernames': 0 }],
  ['one user mistyping 4 times', Array.from({ length: 5 }, (_, k) => login(k * 8000, 'ann@example.com', '192.0.2.54', k === 4)), { 'stuffing-many-usernames': 0, 'bruteforce-401-burst': 0 }],
  ['5 usernames failing (under the minimum)', Array.from({ length: 5 }, (_, k) => login(k * 1000, `v${k}@example.com`, '192.0.2.55', false)), { 'stuffing-many-usernames': 0 }],
  ['usernames differing only in case are one username', Array.from({ length: 8 }, (_, k) => login(k * 60_000, k % 2 ? 'BOB@example.com' : 'bob@example.com', '192.0.2.56', false)), { 'stuffing-many-usernames': 0 }],
];

const sources: Case[] = [
  ['one username failing from 8 addresses', Array.from({ length: 8 }, (_, k) => login(k * 30_000, 'ceo@example.com', `192.0.2.${100 + k}`, false)), { 'stuffing-many-sources': 1 }],
  ['one user from phone, laptop and office, one typo each', Array.from({ length: 6 }, (_, k) => login(k * 300_000, 'amy@example.com', `198.51.100.${k % 3}`, k % 2 === 1)), { 'stuffing-many-sources': 0 }],
  ['distributed stuffing: each address tries another username', Array.from({ length: 30 }, (_, k) => login(k * 5000, `x${k}@example.com`, `192.0.2.${k}`, false)), { 'stuffing-many-sources': 0, 'stuffing-many-usernames': 0 }],
];

const burst: Case[] = [
  ['12 guesses of one password in 2 min', Array.from({ length: 12 }, (_, k) => login(k * 10_000, 'root@example.com', '192.0.2.60', false)), { 'bruteforce-401-burst': 1 }],
  [
    'random API keys from one address, answered 401',
    Array.from({ length: 15 }, (_, k) => ({ at: k * 3000, path: '/v2/charges', apiKey: `sk_live_guess${k}`, ip: '192.0.2.61', status: 401 })),
    { 'bruteforce-401-burst': 1 },
  ],
  ['12 failures spread over an hour', Array.from({ length: 12 }, (_, k) => login(k * 330_000, 'root@example.com', '192.0.2.62', false)), { 'bruteforce-401-burst': 0 }],
  ['anonymous calls answered 401 (no credential to guess)', Array.from({ length: 15 }, (_, k) => ({ at: k * 3000, path: '/v1/cart', ip: '192.0.2.63', status: 401 })), { 'bruteforce-401-burst': 0 }],
];

describe('login detectors', () => {
  it.each([...stuffing, ...sources, ...burst])('%s', (_name, specs, expected) => {
    expect(Harness.replay(specs).counts(expected)).toEqual(expected);
  });

  it('reports the source address and counts, never the usernames', () => {
    const h = Harness.replay(stuffing[0]![1]);
    const d = h.all.find((x) => x.detector === 'stuffing-many-usernames')!;
    expect(d).toMatchObject({ category: 'credential-stuffing', owasp: 'API2:2023', mitre: 'T1110.004', location: { where: 'actor', name: LOGIN }, actor: { kind: 'address', key: 'a:192.0.2.50' } });
    expect(d.evidence).toBe('6 distinct usernames failed from one address in 1 min (6 of 6 attempts failed)');
  });
});

describe('stuffing-failure-spike', () => {
  /** Four hours of ordinary logins: about 2 a minute, 8% failing, from many addresses. */
  function normal(h: Harness): number {
    const r = rng(5);
    let at = 0;
    for (; at < 240 * MIN; at += 30_000) h.send(login(at, `u${Math.floor(r() * 500)}@example.com`, `198.51.100.${Math.floor(r() * 250)}`, r() > 0.08));
    return at;
  }

  it('flags failures far above the learned normal, once', () => {
    const h = new Harness();
    const start = normal(h);
    expect(h.ids()).toEqual([]);
    for (let k = 0; k < 90; k++) h.send(login(start + k * 2500, `victim${k}@example.com`, `192.0.2.${k % 200}`, false));
    expect(h.count('stuffing-failure-spike')).toBe(1);
    expect(h.all.find((d) => d.detector === 'stuffing-failure-spike')!.evidence).toMatch(/^20 failed logins on this endpoint within 5 min, from all sources; normal at most \d+$/);
  });

  it('does not flag a busy but ordinary hour', () => {
    const h = new Harness();
    const start = normal(h);
    const r = rng(9);
    for (let at = start; at < start + 60 * MIN; at += 10_000) h.send(login(at, `u${Math.floor(r() * 500)}@example.com`, `198.51.100.${Math.floor(r() * 250)}`, r() > 0.1));
    expect(h.ids()).toEqual([]);
  });
});

describe('login endpoints and usernames', () => {
  it.each([
    ['POST', '/v1/auth/login', true],
    ['POST', '/oauth/token', true],
    ['POST', '/auth/session', true],
    ['POST', '/api/v3/login', true],
    ['POST', '/users/sign-in', true],
    ['GET', '/v1/auth/login', false],
    ['POST', '/v1/auth/logout', false],
    ['POST', '/v2/cards/{token}', false],
    ['POST', '/v1/login/{provider}', false],
  ])('%s %s is a login: %s', (method, template, expected) => {
    expect(endpointTraits(method, template, template.split('/').map((s) => (s.startsWith('{') ? 'p' : null))).login).toBe(expected);
  });

  it('reads the username from JSON and form bodies, case-folded, bounded', () => {
    const json = (b: string, ct = 'application/json') => loginUsernameHash(event({ at: 0, method: 'POST', path: LOGIN, body: b, contentType: ct }));
    expect(json('{"email":"Ann@Example.com","password":"x"}')).toBe(json('{"password":"y", "email" : "ann@example.com"}'));
    expect(json('{"user":{"id":1},"login":"ann"}')).toBe(json('{"login":"ANN"}'));
    expect(json('username=ann&password=x', 'application/x-www-form-urlencoded')).toBe(json('{"username":"ann"}'));
    expect(json('{"password":"x"}')).toBeNull();
    expect(json('not json')).toBeNull();
    expect(json(`{"email":"${'a'.repeat(300)}b"}`)).toBe(json(`{"email":"${'a'.repeat(300)}c"}`));
  });
});
