import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BehaviourConfigInput } from './config.js';
import { event, Harness, jwt, MIN, rng, T0, type EventSpec } from './fixtures/kit.js';

/**
 * The engine's output pinned across rewrites for speed: a seeded mix of every family's traffic (logins with
 * JSON and form bodies, id walks, collections and writes that return ids, admin calls by several classes,
 * shared and unsigned and expired tokens, proxies, IPv6, large responses, 404 scans) with enough distinct
 * actors, endpoints and idle gaps that windows roll, pairs are retired and tables evict. The detections
 * (every field, in order) and the stats must match what the engine produced before the hot path was
 * reworked (`fixtures/equivalence-golden.json`, recorded from that engine); a change that alters any
 * detection or any table's size or eviction count fails here. Re-record only for an intended change of
 * behaviour: `UPDATE_BEHAVIOUR_GOLDEN=1 npx vitest run src/detect/behaviour/equivalence.test.ts`.
 */

const GOLDEN = new URL('./fixtures/equivalence-golden.json', import.meta.url);

interface Golden {
  [config: string]: { counts: Record<string, number>; digest: string; first: unknown[]; stats: Record<string, number> };
}

/** Thresholds low and tables small, so every detector fires and every table evicts within a short stream. */
const TIGHT: BehaviourConfigInput = {
  memory: { maxActors: 200, maxActorEndpoints: 400, maxEndpoints: 60, maxHosts: 3, maxSources: 100, maxUsernames: 100, distinctCap: 8 },
  objectWindowMinutes: 3,
  objectWarmupWindows: 3,
  cooldownMinutes: 2,
  bola: { minIds: 3, multiplier: 1.5, maxAnonymousShare: 0.2 },
  enumeration: { windowMinutes: 4, minIds: 3, minPaths: 4 },
  login: { windowMinutes: 3, minUsernames: 3, minSources: 3, usernameWindowMinutes: 5, burstFailures: 4, burstMinutes: 1, spikeMinFailures: 4, spikeWarmupBuckets: 3 },
  rate: { minPerMinute: 4, multiplier: 1.5, warmupMinutes: 5 },
  scraping: { minBytes: 1024, warmupResponses: 10, minObjects: 5, multiplier: 1.5 },
  exposure: { warmupResponses: 10, maxAnonymousShare: 0.2 },
  bfla: { warmupCalls: 5, hostWarmupEvents: 200 },
  token: { windowMinutes: 5, minAddresses: 3, minForeignShare: 0.2, algNoneWarmup: 5 },
};

const HOSTS = ['api.example.com', 'shop.example.com', 'admin.example.com', 'legacy.example.com'];
const ROLES = ['customer', 'admin', 'support', 'ops'];

/** A seeded stream of `n` events mixing every family's traffic; time moves in small steps with occasional idle gaps. */
function traffic(seed: number, n: number): EventSpec[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const int = (k: number) => Math.floor(r() * k);
  const tokens: string[] = [];
  for (let u = 0; u < 120; u++) {
    const alg = u % 29 === 0 ? 'none' : u % 3 === 0 ? 'HS256' : 'RS256';
    const exp = u % 17 === 0 ? T0 / 1000 - 7200 : T0 / 1000 + 10 * 86_400;
    tokens.push(jwt({ sub: `u${u}`, exp, role: ROLES[u % ROLES.length], scope: u % 5 === 0 ? 'orders:write admin' : 'orders' }, alg));
  }
  const address = (k: number): string => {
    const f = k % 7;
    if (f === 0) return `2001:db8:${k % 13}:${k % 5}::${k}`;
    if (f === 1) return `10.0.${k % 5}.${k % 200}`;
    return `${198 + (k % 3)}.51.${k % 100}.${k % 250}`;
  };
  const out: EventSpec[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    at += int(1200) + (r() < 0.002 ? 20 * MIN : 0);
    const host = pick(HOSTS);
    const actor = int(r() < 0.3 ? 400 : 60);
    const ip = address(r() < 0.1 ? int(5000) : actor);
    const cred = r();
    const auth: Partial<EventSpec> =
      cred < 0.55 ? { bearer: tokens[actor % tokens.length]! } : cred < 0.65 ? { apiKey: `${actor % 2 ? 'sk_live' : 'pk_test'}_${actor}` } : cred < 0.7 ? { cookies: { sessionid: `s${actor}` } } : {};
    const headers: Record<string, string> = {};
    if (ip.startsWith('10.')) headers['x-forwarded-for'] = `${address(actor + 3)}, 10.1.1.${actor % 9}`;
    const base = { at, host, ip, headers, ...auth };
    // Every 1,500 events an attacker takes a quarter of the traffic with one of the attacks, in turn.
    const phase = Math.floor(i / 1500) % 6;
    if (r() < 0.25) {
      out.push(attack(phase, i, { at, host: HOSTS[0]!, ip: `192.0.2.${phase}`, headers: {}, bearer: tokens[phase]! }));
      continue;
    }
    const kind = r();
    if (kind < 0.12) {
      const user = r() < 0.5 ? `user${int(30)}@example.com` : `victim${int(4)}`;
      const form = r() < 0.3;
      out.push({
        ...base, method: 'POST', path: pick(['/v1/auth/login', '/oauth/token', '/v1/session']),
        body: form ? `grant_type=password&username=${user}&password=x` : `{"password":"p${int(9)}","${pick(['email', 'username', 'login'])}":"${user}"}`,
        ...(form ? { contentType: 'application/x-www-form-urlencoded' } : {}),
        status: r() < 0.7 ? 401 : 200,
      });
    } else if (kind < 0.4) {
      const status = r() < 0.75 ? 200 : pick([401, 403, 404, 404, 410, 500]);
      out.push({ ...base, path: `/v1/${pick(['orders', 'users', 'invoices'])}/${actor * 10 + int(r() < 0.2 ? 400 : 4)}`, status, response: `{"id":${int(1000)},"name":"x"}` });
    } else if (kind < 0.5) {
      const ids = Array.from({ length: 1 + int(6) }, () => `{"orderId":${actor * 10 + int(8)},"sku":"S${int(50)}","paid":true}`).join(',');
      out.push({ ...base, path: pick(['/v1/orders', '/v1/users/me', '/v1/users']), query: r() < 0.3 ? { page: String(int(40)) } : {}, response: `{"orders":[${ids}]}` });
    } else if (kind < 0.56) {
      out.push({ ...base, method: pick(['POST', 'PUT', 'PATCH'] as const), path: '/v1/checkout', body: '{"cart":1}', status: 201, response: `{"order_id":"${actor * 10 + int(8)}","status":"new"}` });
    } else if (kind < 0.64) {
      const path = pick(['/v1/admin/users', '/internal/config', '/v1/roles', '/v1/users']);
      out.push({ ...base, method: path === '/v1/users' ? 'DELETE' : pick(['GET', 'POST'] as const), path, status: pick([200, 200, 403, 401, 404]) });
    } else if (kind < 0.72) {
      out.push({ ...base, path: `/${pick(['wp-admin', '.env', 'backup', 'old', 'api'])}${int(300)}`, status: pick([404, 403, 404, 200]) });
    } else if (kind < 0.8) {
      const big = r() < 0.004 ? 200_000 + int(500_000) : 500 + int(3000);
      out.push({ ...base, path: `/v1/reports/${pick(['daily', 'weekly'])}`, response: '{"rows":[]}', responseSize: big });
    } else if (kind < 0.86) {
      out.push({ ...base, path: `/v1/things${int(80)}`, status: pick([200, 200, 404, 500]) });
    } else {
      out.push({ ...base, path: '/v1/profile', response: '{"email":"a@b.example","ssn":"000-00-0000"}' });
    }
  }
  return out;
}

/** The attacker's event `i` of an attack: an id walk, a refused walk, a sweep, stuffing, a flood, a forced browse. */
function attack(phase: number, i: number, base: Omit<EventSpec, 'path'>): EventSpec {
  switch (phase) {
    case 0:
      return { ...base, path: `/v1/orders/${9000 + i}`, status: i % 4 === 0 ? 404 : 200 };
    case 1:
      return { ...base, path: `/v1/invoices/${9000 + i}`, status: 403 };
    case 2:
      return { ...base, path: '/v1/orders', query: { page: String(i) } };
    case 3: {
      const { bearer: _, ...anonymous } = base;
      return { ...anonymous, method: 'POST', path: '/v1/auth/login', body: `{"email":"u${i % 40}@example.com"}`, status: 401 };
    }
    case 4:
      return { ...base, path: '/v1/profile', status: 200, at: base.at - (i % 3) * 300 };
    default:
      return { ...base, path: `/probe${i}`, status: 404 };
  }
}

/** Runs `n` events of `seed` through an engine, each event's template and sensitivity as the pipeline would give them. */
function run(config: BehaviourConfigInput, seed: number, n: number): { detections: unknown[]; stats: Record<string, number> } {
  const h = new Harness(config);
  for (const spec of traffic(seed, n)) {
    const sensitive = spec.path === '/v1/profile' ? true : spec.path.startsWith('/v1/reports') ? false : undefined;
    h.run(event(spec), sensitive === undefined ? {} : { sensitive });
  }
  return { detections: h.all.map((d) => JSON.parse(JSON.stringify(d)) as unknown), stats: h.engine.stats() };
}

const CONFIGS: Record<string, { config: BehaviourConfigInput; seed: number; n: number }> = {
  defaults: { config: {}, seed: 11, n: 40_000 },
  tight: { config: TIGHT, seed: 23, n: 40_000 },
};

function summarise(result: ReturnType<typeof run>): Golden[string] {
  const counts: Record<string, number> = {};
  for (const d of result.detections as { detector: string }[]) counts[d.detector] = (counts[d.detector] ?? 0) + 1;
  const digest = createHash('sha256').update(JSON.stringify(result.detections)).digest('hex');
  return { counts, digest, first: result.detections.slice(0, 5), stats: result.stats };
}

describe('the engine produces exactly what it did before its hot path was reworked', () => {
  const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Golden;
  const fresh: Golden = {};

  it.each(Object.keys(CONFIGS))('%s settings: same detections, in order, and the same table sizes and evictions', (name) => {
    const c = CONFIGS[name]!;
    const got = summarise(run(c.config, c.seed, c.n));
    fresh[name] = got;
    if (process.env.UPDATE_BEHAVIOUR_GOLDEN) {
      writeFileSync(GOLDEN, JSON.stringify({ ...golden, ...fresh }, null, 1) + '\n');
      return;
    }
    // The stream did exercise what it pins: detections of many kinds, and evictions.
    expect(Object.keys(got.counts).length).toBeGreaterThanOrEqual(name === 'tight' ? 10 : 3);
    expect(got.stats.evicted).toBeGreaterThan(0);
    expect(got).toEqual(golden[name]);
  }, 60_000);
});
