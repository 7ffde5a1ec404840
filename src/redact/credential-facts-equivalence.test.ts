import { deepStrictEqual } from 'node:assert/strict';
import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../contracts/api-event.js';
import { generateDemoTraffic } from '../demo/estate.js';
import { Rng } from '../demo/prng.js';
import { DEFAULT_LIMITS } from '../normalize/limits.js';
import { normalizeEvent } from '../normalize/normalize-event.js';
import { isoToMs } from '../normalize/timestamp.js';
import { lowerCase } from '../util/ascii-case.js';
import { API_KEY_HEADERS, API_KEY_QUERY, createCredentialReader, credentialFacts, fnv1a, type CredentialFacts, type JwtFacts } from './credential-facts.js';

/**
 * The credential reader as it was before JWT header parts were memoised and token parts decoded into one buffer,
 * kept verbatim as the oracle: the current one must return the same facts for any sequence of events.
 */
const reference = (() => {
  /** Session and auth cookie names: framework defaults and the usual shapes (`HRSESSID`, `app_session`, `sid`, `auth_token`). */
  const SESSION_COOKIE = /sess|^sid$|[._-]sid$|sid[._-]|token|auth|jwt|^asp\.net_sessionid$|^_?identity/i;

  const JWT_SHAPE = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$/;

  function decodeJsonPart(part: string): Record<string, unknown> | null {
    if (part.length > 8192) return null;
    try {
      const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  function jwtFacts(token: string, eventTimeMs: number): { facts: JwtFacts; sub: string | null } | null {
    if (token.length > 16384 || !JWT_SHAPE.test(token)) return null;
    const [h, p] = token.split('.', 2) as [string, string];
    const header = decodeJsonPart(h);
    if (!header || typeof header.alg !== 'string') return null;
    const payload = decodeJsonPart(p) ?? {};
    const exp = typeof payload.exp === 'number' ? payload.exp : null;
    return {
      facts: {
        alg: header.alg.slice(0, 16),
        hasExp: exp !== null,
        expired: exp !== null && exp * 1000 < eventTimeMs,
        ...(exp !== null ? { expMs: exp * 1000 } : {}),
        claims: Object.keys(payload).slice(0, 32).map((k) => k.slice(0, 64)),
        iss: typeof payload.iss === 'string' ? payload.iss.slice(0, 200) : null,
      },
      sub: typeof payload.sub === 'string' || typeof payload.sub === 'number' ? String(payload.sub) : null,
    };
  }

  /** Characters at the end of an `Authorization` value that key its cache entry. */
  const TAIL_KEY = 32;

  /**
   * The cache key of an `Authorization` value: an FNV-1a hash of its last characters (the end of a JWT's signature),
   * as a small integer. Hashing a fresh 500-character token costs about a microsecond, its tail a twentieth of that;
   * and an integer key is compared without reading any string. Two values may share a key (forged tokens can reuse a
   * signature, and hashes collide): the entry keeps the whole value and a lookup compares it, so a shared key is
   * only a miss.
   */
  function authzKey(authz: string): number {
    // 30 bits: a small integer in V8, stored and hashed without a heap number.
    return fnv1a(authz, Math.max(0, authz.length - TAIL_KEY)) & 0x3fffffff;
  }

  /**
   * A reader of credential facts with a bounded cache of decoded JWTs: the same token arrives on every
   * call of a session, and decoding it each time would dominate the cost of an event.
   */
  function createCredentialReader(cacheSize = 10_000): (event: ApiEvent, eventTimeMs: number) => CredentialFacts {
    const cache = new Map<number, { authz: string; facts: CredentialFacts }>();
    return (event, eventTimeMs) => {
      const authz = event.request.headers.authorization;
      // An empty value is no credential: `credentialFacts` looks at API keys and cookies then, which differ per event.
      if (!authz || authz.length > 4096) return credentialFacts(event, eventTimeMs);
      const key = authzKey(authz);
      const entry = cache.get(key);
      let facts: CredentialFacts;
      if (entry !== undefined && entry.authz === authz) facts = entry.facts;
      else {
        facts = credentialFacts(event, eventTimeMs);
        if (entry === undefined && cache.size >= cacheSize) cache.clear();
        cache.set(key, { authz, facts });
      }
      if (facts.jwt?.hasExp && facts.jwt.expMs !== undefined) {
        const expired = facts.jwt.expMs < eventTimeMs;
        if (expired !== facts.jwt.expired) return { ...facts, jwt: { ...facts.jwt, expired } };
      }
      return facts;
    };
  }

  function credentialFacts(event: ApiEvent, eventTimeMs: number): CredentialFacts {
    const { headers, query, cookies } = event.request;
    const authz = headers.authorization ?? headers['proxy-authorization'];
    if (authz) {
      const space = authz.indexOf(' ');
      const scheme = (space > 0 ? authz.slice(0, space) : authz).toLowerCase();
      const value = space > 0 ? authz.slice(space + 1).trim() : '';
      if (scheme === 'basic') return { kind: 'basic', jwt: null, principal: fnv1a(value) };
      if (scheme === 'digest') return { kind: 'digest', jwt: null, principal: fnv1a(value.slice(0, 200)) };
      if (scheme === 'bearer' || scheme === 'jwt' || scheme === 'token') {
        const jwt = jwtFacts(value, eventTimeMs);
        if (jwt) return { kind: 'bearer-jwt', jwt: jwt.facts, principal: fnv1a(jwt.sub ?? value) };
        return { kind: 'bearer-opaque', jwt: null, principal: fnv1a(value) };
      }
      return { kind: 'bearer-opaque', jwt: null, principal: fnv1a(authz) };
    }
    for (const name in headers) {
      if (API_KEY_HEADERS.has(name)) return { kind: 'api-key-header', jwt: null, principal: fnv1a(headers[name] ?? '') };
    }
    for (const name in query) {
      if (API_KEY_QUERY.has(lowerCase(name))) {
        const v = query[name]?.[0] ?? '';
        const jwt = jwtFacts(v, eventTimeMs);
        return { kind: 'api-key-query', jwt: jwt?.facts ?? null, principal: fnv1a(jwt?.sub ?? v) };
      }
    }
    for (const name in cookies) {
      if (SESSION_COOKIE.test(name)) {
        const v = cookies[name] ?? '';
        const jwt = jwtFacts(v, eventTimeMs);
        return { kind: 'session-cookie', jwt: jwt?.facts ?? null, principal: fnv1a(jwt?.sub ?? v) };
      }
    }
    return { kind: 'none', jwt: null, principal: null };
  }
  return { createCredentialReader, credentialFacts };
})();

const NOW = Date.parse('2026-11-23T10:00:00Z');
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** A JSON (or deliberately broken) text for a JWT header. */
function headerText(rng: Rng): string {
  return rng.pick([
    () => JSON.stringify({ alg: rng.pick(['RS256', 'HS256', 'ES384', 'none', 'EdDSA']), typ: 'JWT', kid: rng.hex(rng.int(12)) }),
    () => JSON.stringify({ alg: 'none' }),
    () => JSON.stringify({ alg: `${'A'.repeat(rng.int(40))}é` }),
    () => JSON.stringify({ alg: rng.pick([5, null, true, ['RS256'], { a: 1 }]) }),
    () => JSON.stringify({ typ: 'JWT' }),
    () => '{"__proto__":{"alg":"x"},"alg":"HS512"}',
    () => rng.pick(['[]', '[{"alg":"RS256"}]', 'null', '"RS256"', '42', '{', '', '{"alg":"RS256"']),
  ])();
}

/** A JSON (or deliberately broken) text for a JWT payload. */
function payloadText(rng: Rng): string {
  const claims: Record<string, unknown> = {};
  if (rng.chance(0.8)) claims.sub = rng.pick([`user-${rng.int(50)}`, rng.int(1000), { id: 1 }, null, 'ünïcödé']);
  if (rng.chance(0.7)) claims.exp = rng.pick([Math.floor(NOW / 1000) + rng.range(-7200, 7200), Math.floor(NOW / 1000) + 0.5, '1893456000', null, 1e20, -1]);
  if (rng.chance(0.5)) claims.iss = rng.pick(['https://id.example', 'i'.repeat(rng.int(400)), 7]);
  if (rng.chance(0.3)) claims.iat = Math.floor(NOW / 1000) - 60;
  for (let i = rng.chance(0.1) ? 40 : rng.int(4); i > 0; i--) claims[rng.chance(0.2) ? `c${'x'.repeat(rng.int(100))}${i}` : `claim${i}`] = i;
  if (rng.chance(0.05)) claims['7'] = 'numeric name first';
  return rng.pick([() => JSON.stringify(claims), () => JSON.stringify(claims), () => JSON.stringify(claims), () => rng.pick(['[]', 'null', '"x"', '{', '{"sub":"a"', ''])])();
}

/** A part that is not base64 of anything sensible: random base64url characters of any length (every length mod 4). */
const garbage = (rng: Rng, n: number) => rng.chars(n, B64URL);

function token(rng: Rng, headers: string[]): string {
  const header = rng.chance(0.6) && headers.length > 0 ? rng.pick(headers) : b64(headerText(rng));
  if (headers.length < 200 && rng.chance(0.3)) headers.push(header);
  const payload = rng.chance(0.9) ? b64(payloadText(rng)) : garbage(rng, rng.range(1, 30));
  const sig = garbage(rng, rng.pick([0, 1, 2, 43, 86]));
  return rng.pick([
    () => `${header}.${payload}.${sig}`,
    () => `${header}.${payload}.${sig}`,
    () => `${header}.${payload}.${sig}`,
    () => `${garbage(rng, rng.range(1, 12))}.${garbage(rng, rng.range(1, 12))}.${sig}`,
    () => `${header}.${payload}`,
    () => `${header}.${payload}.${sig}.extra`,
    () => `${header}.${payload}=.${sig}`,
    () => `${header}.${b64(`{"sub":"${'s'.repeat(rng.pick([6000, 6200, 7000]))}"}`)}.${sig}`,
    () => `${header}.${'A'.repeat(rng.pick([16000, 16500]))}.${sig}`,
    () => `${b64(`{"alg":"RS256","pad":"${'p'.repeat(rng.pick([6100, 6200]))}"}`)}.${payload}.${sig}`,
    () => rng.hex(rng.pick([16, 32, 40])),
  ])();
}

const SCHEMES = ['Bearer ', 'bearer ', 'BEARER  ', 'JWT ', 'Token ', 'Basic ', 'Digest ', 'Negotiate ', 'Bearer', ' Bearer ', ''];
const COOKIE_NAMES = ['sid', 'HRSESSID', 'connect.sid', 'app_session', 'auth_token', 'jwt', 'theme', '_identity', 'identity', 'x_sid_y', 'consider', 'ASP.NET_SessionId', 'hr_locale'];
const QUERY_NAMES = [...API_KEY_QUERY, 'API_KEY', 'Token', 'page', 'q'];
const HEADER_NAMES = [...API_KEY_HEADERS, 'accept', 'user-agent', 'x-request-id'];

function credentialEvent(rng: Rng, headers: string[]): ApiEvent {
  const h: Record<string, string> = {};
  const query: Record<string, string[]> = {};
  const cookies: Record<string, string> = {};
  const value = () => (rng.chance(0.5) ? token(rng, headers) : rng.pick(['k', '', 'sk_live_abc', 'x'.repeat(300)]));
  for (let i = rng.int(4); i > 0; i--) h[rng.pick(HEADER_NAMES)] = value();
  for (let i = rng.int(3); i > 0; i--) query[rng.pick(QUERY_NAMES)] = rng.chance(0.1) ? [] : [value(), value()];
  for (let i = rng.int(3); i > 0; i--) cookies[rng.pick(COOKIE_NAMES)] = value();
  if (rng.chance(0.7)) {
    const authz = `${rng.pick(SCHEMES)}${rng.chance(0.1) ? 'x'.repeat(rng.pick([4000, 4100])) : token(rng, headers)}`;
    h[rng.chance(0.9) ? 'authorization' : 'proxy-authorization'] = authz;
  }
  return {
    timestamp: new Date(NOW).toISOString(),
    source: { kind: 'ndjson' },
    request: { method: 'GET', scheme: 'https', host: 'api.example', path: '/x', query, headers: h, cookies },
  };
}

/** Both readers, fed the same sequence, return the same facts at every step. */
function expectSameSequence(events: Array<[ApiEvent, number]>): CredentialFacts[] {
  const expected = reference.createCredentialReader(50);
  const actual = createCredentialReader(50);
  return events.map(([event, ts]) => {
    const facts = actual(event, ts);
    deepStrictEqual(facts, expected(event, ts));
    deepStrictEqual(credentialFacts(event, ts), reference.credentialFacts(event, ts));
    expect(JSON.stringify(facts)).toBe(JSON.stringify(expected(event, ts)));
    return facts;
  });
}

describe('credential reader equivalence with the previous implementation', () => {
  it('reads the same facts from demo traffic', () => {
    const events: Array<[ApiEvent, number]> = [];
    for (const input of generateDemoTraffic({ seed: 5, events: 6000 })) {
      const r = normalizeEvent(input, { source: 'ndjson', limits: DEFAULT_LIMITS });
      if (r.ok) events.push([r.event, isoToMs(r.event.timestamp)]);
    }
    const kinds = new Set(expectSameSequence(events).map((f) => f.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(4);
  });

  it('reads the same facts from generated credentials of every kind, repeated across times and evictions', () => {
    const rng = new Rng(17);
    const headers: string[] = [];
    const pool: ApiEvent[] = [];
    const events: Array<[ApiEvent, number]> = [];
    for (let i = 0; i < 30_000; i++) {
      const event = pool.length > 0 && rng.chance(0.5) ? rng.pick(pool) : credentialEvent(rng, headers);
      if (pool.length < 500) pool.push(event);
      else pool[rng.int(pool.length)] = event;
      events.push([event, NOW + rng.range(-3, 3) * 3_600_000 + rng.int(1000)]);
    }
    const facts = expectSameSequence(events);
    const kinds = new Set(facts.map((f) => f.kind));
    expect([...kinds].sort()).toEqual(['api-key-header', 'api-key-query', 'basic', 'bearer-jwt', 'bearer-opaque', 'digest', 'none', 'session-cookie']);
    expect(facts.filter((f) => f.jwt?.expired).length).toBeGreaterThan(100);
    expect(facts.filter((f) => f.jwt?.alg === 'none').length).toBeGreaterThan(100);
    expect(facts.filter((f) => f.jwt !== null && !f.jwt.hasExp).length).toBeGreaterThan(100);
  });
});
