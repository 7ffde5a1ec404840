import { describe, expect, it } from 'vitest';
import { Harness, jwt, MIN, T0, userToken, type EventSpec } from './fixtures/kit.js';

const stolen = userToken('victim');
const use = (n: number, gapMs: number, ip: (k: number) => string, extra: Partial<EventSpec> = {}): EventSpec[] =>
  Array.from({ length: n }, (_, k) => ({ at: k * gapMs, path: '/v1/orders', bearer: stolen, ip: ip(k), ...extra }));

type Case = [name: string, specs: EventSpec[], expected: Record<string, number>];

const ADDRESSES: Case[] = [
  ['a stolen token from 12 botnet addresses', use(24, 20_000, (k) => `192.0.2.${k % 12}`), { 'token-many-addresses': 1 }],
  ['an API key from 8 addresses', use(8, 60_000, (k) => `192.0.2.${k}`, { bearer: undefined, apiKey: 'sk_live_stolen' }), { 'token-many-addresses': 1 }],
  ['a heavy user: 200 requests, 4 addresses (home, office, phone, proxy)', use(200, 8000, (k) => `198.51.100.${k % 4}`), { 'token-many-addresses': 0 }],
  ['IPv6 privacy addresses within one /64 are one address', use(20, 30_000, (k) => `2001:db8:1:2:${k}::1`), { 'token-many-addresses': 0 }],
  ['the same 6 addresses spread over 3 hours', use(6, 35 * MIN, (k) => `192.0.2.${k}`), { 'token-many-addresses': 0 }],
  [
    'a heavy user appearing from another address one request in 12',
    use(120, 14_000, (k) => (k % 12 === 5 ? `203.0.113.${k}` : '198.51.100.9')),
    { 'token-many-addresses': 0 },
  ],
  [
    'a roaming phone: two hours with a third of its requests from other networks, then a window with 9 of them',
    [
      ...use(240, 30_000, (k) => (k % 3 === 1 ? `203.0.113.${k % 6}` : '198.51.100.9')),
      ...use(30, 60_000, (k) => (k % 3 === 1 || k % 5 === 0 ? `192.0.2.${k}` : '198.51.100.9')).map((e) => ({ ...e, at: e.at + 121 * MIN })),
    ],
    { 'token-many-addresses': 0 },
  ],
  [
    "a service's key (1 request a minute) also used from 8 bot addresses (1 every 40 s)",
    [...use(30, 60_000, () => '198.51.100.20', { bearer: undefined, apiKey: 'sk_live_busy' }), ...use(40, 40_000, (k) => `192.0.2.${k % 8}`, { bearer: undefined, apiKey: 'sk_live_busy' })].sort((a, b) => a.at - b.at),
    { 'token-many-addresses': 1 },
  ],
];

const SIGNED = jwt({ sub: 'u1', exp: T0 / 1000 + 3600 });
const FORGED = jwt({ sub: 'admin', exp: T0 / 1000 + 3600 }, 'none');
const signedTraffic = (n: number): EventSpec[] => Array.from({ length: n }, (_, k) => ({ at: k * 1000, path: '/v1/cart', bearer: jwt({ sub: `u${k}`, exp: T0 / 1000 + 3600 }) }));

const ALG: Case[] = [
  ['a forged unsigned token accepted where tokens are signed', [...signedTraffic(30), { at: 40_000, path: '/v1/cart', bearer: FORGED }], { 'token-alg-none-accepted': 1 }],
  ['a forged unsigned token refused (401)', [...signedTraffic(30), { at: 40_000, path: '/v1/cart', bearer: FORGED, status: 401 }], { 'token-alg-none-accepted': 0 }],
  ['unsigned tokens are the norm of a legacy host (a posture finding, not an attack)', Array.from({ length: 40 }, (_, k) => ({ at: k * 1000, path: '/api/v3/feed', host: 'm.example.com', bearer: jwt({ sub: `m${k}` }, 'none') })), { 'token-alg-none-accepted': 0 }],
  ['a signed token', signedTraffic(5), { 'token-alg-none-accepted': 0, 'token-expired-accepted': 0 }],
  ['a token expired an hour ago, accepted', [{ at: 2 * 3_600_000, path: '/v1/cart', bearer: SIGNED }], { 'token-expired-accepted': 1 }],
  ['a token expired a minute ago (clock skew)', [{ at: 3_660_000, path: '/v1/cart', bearer: SIGNED }], { 'token-expired-accepted': 0 }],
  ['an expired token refused', [{ at: 2 * 3_600_000, path: '/v1/cart', bearer: SIGNED, status: 401 }], { 'token-expired-accepted': 0 }],
];

describe('token detectors', () => {
  it.each([...ADDRESSES, ...ALG])('%s', (_name, specs, expected) => {
    expect(Harness.replay(specs).counts(expected)).toEqual(expected);
  });

  it('reports counts, never the addresses or the token', () => {
    const d = Harness.replay(ADDRESSES[0]![1]).all[0]!;
    expect(d).toMatchObject({ detector: 'token-many-addresses', severity: 'high', owasp: 'API2:2023', mitre: 'T1550.001', actor: { kind: 'principal' } });
    expect(d.evidence).toBe('one bearer-jwt credential used from 8 distinct client addresses in 3 min (7 of 8 requests away from its usual address)');
  });

  it('says how long ago an accepted token expired', () => {
    const h = new Harness();
    h.send({ at: 3 * 86_400_000, path: '/v1/cart', bearer: SIGNED });
    expect(h.all[0]!.evidence).toBe('JWT expired 3 d before the request, answered 200');
    expect(h.all[0]!.severity).toBe('high');
  });
});
