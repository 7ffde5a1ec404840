import { readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../contracts/api-event.js';
import { createCredentialReader, type CredentialFacts } from '../../redact/credential-facts.js';
import { actorOf, clientAddressOf } from './actor.js';
import { BehaviourConfig } from './config.js';
import { createBehaviourEngine } from './engine.js';
import { event, jwt, T0 } from './fixtures/kit.js';
import { scanJsonPairs } from './json-scan.js';
import { loginUsernameHash } from './paths.js';

/**
 * Everything attacker-controlled is bounded. Memory: a flood of distinct actors, usernames, ids and
 * endpoints leaves every table at or under its cap. Time: every loop over attacker text reads each character
 * a bounded number of times, proved by counting the reads (a string stand-in that counts `charCodeAt`), not
 * by timing; and no regular expression runs in the detectors at all.
 */

const SMALL = { memory: { maxActors: 1000, maxActorEndpoints: 2000, maxEndpoints: 50, maxHosts: 10, maxSources: 1000, maxUsernames: 1000 } };
const NO_FACTS: CredentialFacts = { kind: 'none', jwt: null, principal: null };

/** `n` events, each from a new actor: a failed login with a new username, a read of a new id, a call to a new endpoint, in turn. */
function flood(config: object, n: number): ReturnType<typeof createBehaviourEngine> {
  const engine = createBehaviourEngine(config);
  const login = event({ at: 0, method: 'POST', path: '/v1/auth/login', body: '{"email":"x"}', status: 401 });
  const get = event({ at: 0, path: '/v1/orders/1' });
  for (let i = 0; i < n; i++) {
    const ts = T0 + i * 5;
    const ip = `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
    const facts: CredentialFacts = { kind: 'bearer-jwt', jwt: { alg: 'RS256', hasExp: false, expired: false, claims: ['sub'], iss: null }, principal: i };
    if (i % 3 === 0) {
      login.request.clientAddress = ip;
      login.request.body!.text = `{"email":"user${i}@example.com"}`;
      engine.observe(login, { ts, facts: NO_FACTS, endpointKey: 'h POST /v1/auth/login', template: '/v1/auth/login', pathParamNames: [null, null, null, null] });
    } else if (i % 3 === 1) {
      get.request.path = `/v1/orders/${i}`;
      get.request.clientAddress = ip;
      engine.observe(get, { ts, facts, endpointKey: 'h GET /v1/orders/{id}', template: '/v1/orders/{id}', pathParamNames: [null, null, null, 'id'] });
    } else {
      const template = `/v1/things${i % 5000}`;
      engine.observe(get, { ts, facts, endpointKey: `h${i % 300} GET ${template}`, template, pathParamNames: [null, null, null] });
    }
  }
  return engine;
}

/** Every table of `stats` at or under its cap in `memory`. */
function expectUnderCaps(stats: Record<string, number>, memory: Required<typeof SMALL.memory> & { maxActorEndpoints: number }): void {
  expect({
    actors: stats.actors! <= memory.maxActors,
    actorEndpoints: stats.actorEndpoints! <= memory.maxActorEndpoints,
    endpoints: stats.endpoints! <= memory.maxEndpoints,
    hosts: stats.hosts! <= memory.maxHosts,
    sources: stats.sources! <= memory.maxSources,
    usernames: stats.usernames! <= memory.maxUsernames,
    cooldowns: stats.cooldowns! <= Math.max(1000, memory.maxActors),
  }).toEqual({ actors: true, actorEndpoints: true, endpoints: true, hosts: true, sources: true, usernames: true, cooldowns: true });
}

describe('memory stays flat under a flood of distinct actors', () => {
  it('keeps every table under its cap (small caps)', () => {
    const stats = flood(SMALL, 30_000).stats();
    expectUnderCaps(stats, SMALL.memory);
    expect(stats.evicted).toBeGreaterThan(25_000);
  });

  it('holds the default caps with 200,000 distinct actors', () => {
    const stats = flood({}, 200_000).stats();
    expectUnderCaps(stats, BehaviourConfig.parse({}).memory);
    // The caps were reached (the flood did test them), and held.
    expect(stats.actors).toBe(20_000);
    expect(stats.sources).toBe(20_000);
  }, 60_000);
});

/** A string stand-in that counts character reads (the detectors read text only through `charCodeAt` and `length`). */
function counting(text: string): { s: string; reads: () => number } {
  let reads = 0;
  const s = {
    length: text.length,
    charCodeAt(i: number) {
      reads++;
      return text.charCodeAt(i);
    },
  } as unknown as string;
  return { s, reads: () => reads };
}

const ADVERSARIAL = ['"', '\\', '"a":', '"a":"', '{"id":1,', '[', '"k":-1e+9', ': "', '"\\"', 'x'];

describe('attacker text is read in linear time', () => {
  it.each(ADVERSARIAL)('scanJsonPairs on repeated %j reads each character at most twice', (unit) => {
    for (const n of [1000, 64_000]) {
      const { s, reads } = counting(unit.repeat(Math.ceil(n / unit.length)).slice(0, n));
      let pairs = 0;
      scanJsonPairs(s, Number.POSITIVE_INFINITY, () => (pairs++, false));
      expect(reads()).toBeLessThanOrEqual(2 * n + 4);
    }
  });

  it('reads at most the first 16 KiB of a login body, and hashes at most 256 characters of a username', () => {
    const withBody = (text: string): ApiEvent => {
      const e = event({ at: 0, method: 'POST', path: '/login', body: 'x' });
      e.request.body!.text = text;
      return e;
    };
    const c = counting(`{"password":"${'p'.repeat(50_000)}","email":"x"}`);
    expect(loginUsernameHash(withBody(c.s))).toBeNull();
    expect(c.reads()).toBeLessThanOrEqual(2 * 16_384 + 4);
    const long = (tail: string) => loginUsernameHash(withBody(`{"email":"${'a'.repeat(10_000)}${tail}"}`));
    expect(long('b')).toBe(long('c'));
  });

  it('reads a long path once per detector, whatever its segments and parameters', () => {
    for (const segments of [200, 4000]) {
      const engine = createBehaviourEngine();
      const path = '/' + Array.from({ length: segments }, (_, i) => `v${i}`).join('/');
      const e = event({ at: 0, path, status: 404 });
      const c = counting(path);
      e.request.path = c.s;
      const names = Array.from({ length: segments + 1 }, (_, i) => (i % 2 ? `p${i}` : null));
      const template = '/' + names.slice(1).map((n, i) => (n ? `{${n}}` : `v${i}`)).join('/');
      engine.observe(e, { ts: T0, facts: NO_FACTS, endpointKey: `h GET ${template}`, template, pathParamNames: names });
      // Object key (up to the 8th parameter) plus the forced-browsing hash (first 1 KiB).
      expect(c.reads()).toBeLessThanOrEqual(2 * path.length + 1024);
    }
  });

  it('reads at most 8 hops of X-Forwarded-For and bounds each', () => {
    const hops = Array.from({ length: 5000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`).join(', ');
    const e = event({ at: 0, path: '/', ip: '10.0.0.5', headers: { 'x-forwarded-for': `198.51.100.1, ${hops}` } });
    // Every hop is private and the public one is 5,000 hops away: the proxy's own address stands.
    expect(clientAddressOf(e)).toBe('10.0.0.5');
    expect(clientAddressOf(event({ at: 0, path: '/', ip: '10.0.0.5', headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.1, 10.1.1.1' } }))).toBe('198.51.100.1');
    expect(clientAddressOf(event({ at: 0, path: '/', ip: '198.51.100.2', headers: { 'x-forwarded-for': '203.0.113.9' } }))).toBe('198.51.100.2');
  });
});

describe('actors', () => {
  const facts = createCredentialReader();
  const of = (spec: Parameters<typeof event>[0]) => {
    const e = event(spec);
    return actorOf(e, facts(e, T0));
  };
  it.each([
    ['a JWT subject', { bearer: jwt({ sub: 'u1' }) }, 'principal'],
    ['an API key', { apiKey: 'sk_live_1' }, 'api-key'],
    ['a session cookie', { cookies: { sessionid: 'abc' } }, 'session'],
    ['basic credentials', { headers: { authorization: 'Basic dTpw' } }, 'principal'],
    ['nothing: the client address', {}, 'address'],
  ] as const)('%s', (_name, spec, kind) => {
    const a = of({ at: 0, path: '/', ...spec });
    expect(a.kind).toBe(kind);
    expect(a.key).not.toMatch(/sk_live|abc|dTpw/);
  });

  it('takes the client behind a private proxy from X-Forwarded-For, never a public peer\'s claim', () => {
    expect(of({ at: 0, path: '/', ip: '10.0.0.5', headers: { 'x-forwarded-for': '203.0.113.7' } }).key).toBe('a:203.0.113.7');
    expect(of({ at: 0, path: '/', ip: '203.0.113.8', headers: { 'x-forwarded-for': '10.0.0.1' } }).key).toBe('a:203.0.113.8');
  });
});

describe('no regular expression', () => {
  it('runs in the detectors (so there is nothing to check for ReDoS)', () => {
    const dir = new URL('./', import.meta.url);
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(8);
    const found: string[] = [];
    for (const file of sources) {
      const sf = ts.createSourceFile(file, readFileSync(new URL(file, dir), 'utf8'), ts.ScriptTarget.ES2022, true);
      const visit = (node: ts.Node): void => {
        if (node.kind === ts.SyntaxKind.RegularExpressionLiteral || (ts.isNewExpression(node) && node.expression.getText() === 'RegExp')) found.push(`${file}: ${node.getText()}`);
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    expect(found).toEqual([]);
  });
});
