import { isIP } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiEventInput } from '../contracts/api-event.js';
import {
  ATTACK_KINDS,
  DEMO_ESTATE,
  generateDemoTraffic,
  generateLabelledDemoTraffic,
  isLuhnValid,
  isValidIban,
  plantedSecretSamples,
  type LabelledDemoEvent,
} from './estate.js';

type Req = { method: string; scheme: string; host: string; path: string; query: Record<string, string | string[]>; headers: Record<string, string>; cookies: Record<string, string>; clientAddress: string; tlsVersion?: string; body?: { text: string; size: number } };
type Res = { status: number; headers: Record<string, string>; body?: { text: string; size: number; contentType: string } };

const req = (e: LabelledDemoEvent) => e.event.request as unknown as Req;
const res = (e: LabelledDemoEvent) => e.event.response as unknown as Res;

const SEED = 42;
const N = 60_000;
const START = '2026-11-16T00:00:00.000Z';
let sample: LabelledDemoEvent[];

beforeAll(() => {
  sample = [...generateLabelledDemoTraffic({ seed: SEED, events: N, start: START })];
});

function isPrivate(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  const lower = ip.toLowerCase();
  return lower === '::1' || lower.startsWith('fc') || lower.startsWith('fd') || lower.startsWith('fe80');
}

function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; signature: string } {
  const [h, p, s] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as Record<string, unknown>,
    signature: s ?? '',
  };
}

const templates = DEMO_ESTATE.applications.flatMap((app) =>
  app.endpoints.map((ep) => ({
    app,
    ep,
    re: new RegExp('^' + ep.pathTemplate.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+') + '$'),
  })),
);

function endpointsOf(e: LabelledDemoEvent) {
  const r = req(e);
  return templates.filter((t) => t.app.host === r.host && t.ep.method === r.method && t.re.test(r.path));
}

const ordinary = () => sample.filter((e) => e.label === null);
const onHost = (host: string) => sample.filter((e) => req(e).host === host);
const onPath = (method: string, template: string) =>
  sample.filter((e) => endpointsOf(e).some((t) => t.ep.method === method && t.ep.pathTemplate === template));

describe('determinism', () => {
  it('gives the same events for the same seed and different events for another seed', () => {
    const a = JSON.stringify([...generateDemoTraffic({ seed: 7, events: 3000 })]);
    const b = JSON.stringify([...generateDemoTraffic({ seed: 7, events: 3000 })]);
    const c = JSON.stringify([...generateDemoTraffic({ seed: 8, events: 3000 })]);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('the labelled generator yields the same events as the plain one', () => {
    const plain = [...generateDemoTraffic({ seed: SEED, events: 5000, start: START })];
    const labelled = [...generateLabelledDemoTraffic({ seed: SEED, events: 5000, start: START })];
    expect(labelled.map((e) => e.event)).toEqual(plain);
  });

  it('does not depend on the clock or Math.random', () => {
    const before = [...generateDemoTraffic({ seed: SEED, events: 2000, start: START })];
    const original = Math.random;
    const originalNow = Date.now;
    Math.random = () => 0.5;
    Date.now = () => 0;
    try {
      expect([...generateDemoTraffic({ seed: SEED, events: 2000, start: START })]).toEqual(before);
    } finally {
      Math.random = original;
      Date.now = originalNow;
    }
  });

  it('rejects invalid options as invalid input', () => {
    expect(() => generateDemoTraffic({ events: -5 }).next()).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => generateDemoTraffic({ start: 'yesterday' }).next()).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
});

describe('shape', () => {
  it('every event parses as ApiEventInput, comes from the demo source, and carries nothing else', () => {
    const failures = sample.filter((e) => !ApiEventInput.safeParse(e.event).success);
    expect(failures).toHaveLength(0);
    const allowed = new Set(['timestamp', 'source', 'request', 'response', 'latencyMs']);
    const odd = sample.filter((e) => JSON.stringify(e.event.source) !== '{"kind":"demo"}' || Object.keys(e.event).some((k) => !allowed.has(k)));
    expect(odd).toHaveLength(0);
  });

  it('timestamps are ISO, in order, and spread over the span', () => {
    const start = Date.parse(START);
    const times = sample.map((e) => Date.parse(e.event.timestamp as string));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(times[0]!).toBeGreaterThanOrEqual(start);
    expect(times.at(-1)!).toBeLessThan(start + 7 * 86_400_000);
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(6.5 * 86_400_000);
    expect((sample[0]!.event.timestamp as string).endsWith('Z')).toBe(true);
  });

  it('declares body sizes that match the UTF-8 size of the text', () => {
    const wrong = sample.flatMap((e) => [req(e).body, res(e).body]).filter((b) => b && b.size !== Buffer.byteLength(b.text));
    expect(wrong).toEqual([]);
  });

  it('has realistic status and latency distributions', () => {
    const n = ordinary().length;
    const count = (lo: number, hi: number) => ordinary().filter((e) => res(e).status >= lo && res(e).status < hi).length / n;
    expect(count(200, 300)).toBeGreaterThan(0.9);
    expect(count(400, 500)).toBeGreaterThan(0.01);
    expect(count(400, 500)).toBeLessThan(0.08);
    expect(count(500, 600)).toBeGreaterThan(0.001);
    expect(count(500, 600)).toBeLessThan(0.02);
    const checkout = onPath('POST', '/v1/checkout').map((e) => e.event.latencyMs!);
    const product = onPath('GET', '/v1/products/{id}').map((e) => e.event.latencyMs!);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    expect(median(checkout)).toBeGreaterThan(median(product) * 5);
    expect(Math.max(...product)).toBeGreaterThan(median(product) * 4);
  });
});

describe('estate', () => {
  it('has five applications and 40-60 endpoints', () => {
    expect(DEMO_ESTATE.applications.map((a) => a.host).sort()).toEqual([
      'api.northwind.example', 'hr.internal.northwind.example', 'm.northwind.example', 'partners.northwind.example', 'payments.northwind.example',
    ]);
    const total = DEMO_ESTATE.applications.reduce((s, a) => s + a.endpoints.length, 0);
    expect(total).toBeGreaterThanOrEqual(40);
    expect(total).toBeLessThanOrEqual(60);
  });

  it('ordinary traffic stays inside the estate, and every described endpoint is seen', () => {
    const unmatched = ordinary().filter((e) => endpointsOf(e).length !== 1);
    expect(unmatched.map((e) => `${req(e).method} ${req(e).host}${req(e).path}`)).toEqual([]);
    const seen = new Set(ordinary().map((e) => endpointsOf(e)[0]!.ep));
    const unseen = templates.filter((t) => !seen.has(t.ep)).map((t) => `${t.ep.method} ${t.ep.pathTemplate}`);
    expect(unseen).toEqual([]);
  });

  it('matches the scheme and TLS the estate describes: mobile plain http, partners mixed', () => {
    const mismatched = ordinary().filter((e) => {
      const [{ app, ep }] = endpointsOf(e) as [(typeof templates)[number]];
      return req(e).scheme !== ep.scheme || req(e).tlsVersion !== (ep.scheme === 'https' ? app.tlsVersion : undefined);
    });
    expect(mismatched).toEqual([]);
    expect(onHost('m.northwind.example').every((e) => req(e).scheme === 'http' && req(e).tlsVersion === undefined)).toBe(true);
    const partnerSchemes = new Set(onHost('partners.northwind.example').map((e) => req(e).scheme));
    expect([...partnerSchemes].sort()).toEqual(['http', 'https']);
    expect(onHost('api.northwind.example').every((e) => req(e).tlsVersion === 'TLSv1.3')).toBe(true);
  });

  it('has private-range clients only on the HR host; public ones elsewhere, except behind the proxy', () => {
    let proxied = 0;
    const violations: string[] = [];
    for (const e of sample) {
      const r = req(e);
      const xff = r.headers['x-forwarded-for'];
      if (isIP(r.clientAddress) === 0) violations.push(`not an address: ${r.clientAddress}`);
      if (r.host === 'hr.internal.northwind.example') {
        if (!isPrivate(r.clientAddress) || xff !== undefined) violations.push(`HR from ${r.clientAddress}`);
      } else if (isPrivate(r.clientAddress)) {
        if (r.clientAddress !== DEMO_ESTATE.proxyAddress || xff === undefined || isPrivate(xff)) violations.push(`${r.host} from ${r.clientAddress}`);
        proxied++;
      }
    }
    expect(violations).toEqual([]);
    expect(proxied).toBeGreaterThan(1000);
    const v6 = sample.filter((e) => isIP(req(e).clientAddress) === 6).length;
    expect(v6).toBeGreaterThan(100);
  });

  it('storefront tokens are RS256 with exp, valid at the event time; mobile tokens are alg none without exp', () => {
    const bearer = onHost('api.northwind.example').filter((e) => req(e).headers.authorization);
    expect(bearer.length).toBeGreaterThan(1000);
    for (const e of bearer.slice(0, 3000)) {
      const t = decodeJwt(req(e).headers.authorization!.slice(7));
      expect(t.header).toEqual({ alg: 'RS256', typ: 'JWT' });
      expect(Object.keys(t.payload)).toEqual(expect.arrayContaining(['sub', 'iss', 'iat', 'exp']));
      const now = Date.parse(e.event.timestamp as string) / 1000;
      expect(t.payload.iat as number).toBeLessThanOrEqual(now);
      expect(t.payload.exp as number).toBeGreaterThan(now);
      expect(t.signature).toMatch(/^[A-Za-z0-9_-]{342}$/);
    }
    const mobile = onHost('m.northwind.example').filter((e) => req(e).headers.authorization);
    expect(mobile.length).toBeGreaterThan(100);
    for (const e of mobile) {
      const t = decodeJwt(req(e).headers.authorization!.slice(7));
      expect(t.header.alg).toBe('none');
      expect(t.payload.exp).toBeUndefined();
      expect(t.signature).toBe('');
    }
  });

  it('tokenises Luhn-valid card numbers and pays out to mod-97-valid IBANs', () => {
    const cards = onPath('POST', '/v2/cards');
    expect(cards.length).toBeGreaterThan(200);
    for (const e of cards) {
      const body = JSON.parse(req(e).body!.text) as { number: string };
      expect(isLuhnValid(body.number.replace(/ /g, ''))).toBe(true);
      expect(res(e).body?.text ?? '').not.toContain(body.number);
    }
    const ibans = [...onPath('POST', '/v2/payouts'), ...onPath('GET', '/v2/payouts'), ...onPath('GET', '/employees/{id}/payslips')]
      .flatMap((e) => `${req(e).body?.text ?? ''} ${res(e).body?.text ?? ''}`.match(/[A-Z]{2}\d{2}[A-Z0-9]{11,30}/g) ?? []);
    expect(ibans.length).toBeGreaterThan(100);
    expect(ibans.filter((i) => !isValidIban(i))).toEqual([]);
  });

  it('authenticates each application as described', () => {
    for (const e of onHost('payments.northwind.example')) {
      const key = req(e).path === '/v1/transactions' ? (req(e).query.api_key as string) : req(e).headers['x-api-key'];
      expect(key).toMatch(/^sk_live_[A-Za-z0-9]{24}$/);
    }
    expect(onPath('GET', '/v1/transactions').length).toBeGreaterThan(10);
    for (const e of onHost('partners.northwind.example')) expect(req(e).headers.authorization).toMatch(/^Basic [A-Za-z0-9+/=]+$/);
    for (const e of onHost('hr.internal.northwind.example')) {
      if (req(e).path !== '/auth/session') expect(req(e).cookies.HRSESSID).toMatch(/^[0-9a-f]{40}$/);
    }
    for (const e of onPath('GET', '/v1/products/{id}')) {
      if (e.label === null) expect(res(e).status === 200 || res(e).status >= 400).toBe(true);
    }
    const login = onPath('POST', '/v1/auth/login').filter((e) => e.label === null && res(e).status === 200);
    expect(login.length).toBeGreaterThan(50);
    for (const e of login.slice(0, 50)) {
      expect(Object.keys(JSON.parse(req(e).body!.text) as object).sort()).toEqual(['email', 'password']);
      const token = (JSON.parse(res(e).body!.text) as { access_token: string }).access_token;
      expect(decodeJwt(token).header.alg).toBe('RS256');
    }
  });

  it('leaks personal data where the estate says it does', () => {
    const me = onPath('GET', '/v1/users/me').find((e) => res(e).status === 200)!;
    expect(JSON.parse(res(me).body!.text)).toMatchObject({ email: expect.stringContaining('@'), dateOfBirth: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) });
    const records = onPath('GET', '/employees/{id}').filter((e) => res(e).status === 200).map((e) => res(e).body!.text);
    expect(records.some((t) => /"ssn":"\d{3}-\d{2}-\d{4}"/.test(t))).toBe(true);
    expect(records.some((t) => /"niNumber":"[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]"/.test(t))).toBe(true);
    expect(records.every((t) => t.includes('"salary"') && t.includes('"dateOfBirth"'))).toBe(true);
    const csv = onPath('GET', '/partner/v1/exports/customers.csv').find((e) => res(e).status === 200)!;
    expect(req(csv).scheme).toBe('http');
    expect(res(csv).body!.contentType).toMatch(/^text\/csv/);
    expect(res(csv).body!.text).toMatch(/@example|@mail\.example|@inbox\.example/);
    expect(res(csv).body!.text).toMatch(/\+(1|44)[ -]/);
    expect(onPath('DELETE', '/admin/employees/{id}').length).toBeGreaterThan(0);
  });

  it('gives the good applications security headers and the legacy one none', () => {
    const good = [...onHost('api.northwind.example'), ...onHost('payments.northwind.example')];
    const missing = good.filter((e) => {
      const h = res(e).headers;
      return !h['strict-transport-security'] || h['x-content-type-options'] !== 'nosniff' || !h['content-security-policy'];
    });
    expect(missing).toEqual([]);
    const mobile = onHost('m.northwind.example');
    const notLeaky = mobile.filter((e) => {
      const h = res(e).headers;
      const secure = h['strict-transport-security'] ?? h['x-content-type-options'] ?? h['content-security-policy'] ?? h['x-frame-options'];
      return secure !== undefined || h['access-control-allow-origin'] !== '*' || h['access-control-allow-credentials'] !== 'true';
    });
    expect(notLeaky).toEqual([]);
    const errors = mobile.filter((e) => res(e).status === 500).map((e) => res(e).body!.text);
    expect(errors.some((t) => t.includes('at com.northwind.mobile'))).toBe(true);
    expect(errors.some((t) => t.includes('    at buildProfile'))).toBe(true);
    const hr = onHost('hr.internal.northwind.example');
    expect(hr.every((e) => res(e).headers['strict-transport-security'] === undefined && res(e).headers['x-content-type-options'] === 'nosniff')).toBe(true);
  });

  it('follows Zipf-like popularity for product ids', () => {
    const counts = new Map<string, number>();
    for (const e of onPath('GET', '/v1/products/{id}')) counts.set(req(e).path, (counts.get(req(e).path) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    expect(sorted[0]!).toBeGreaterThan(sorted[49]! * 10);
    expect(counts.size).toBeGreaterThan(300);
  });

  it('uses many category slugs', () => {
    expect(new Set(onPath('GET', '/v1/categories/{slug}').map((e) => req(e).path)).size).toBeGreaterThan(25);
  });
});

describe('attacks', () => {
  const attacks = () => sample.filter((e) => e.label?.attack);

  it('makes up about 0.5% of events and covers every kind', () => {
    const ratio = attacks().length / N;
    expect(ratio).toBeGreaterThan(0.004);
    expect(ratio).toBeLessThan(0.006);
    expect(new Set(attacks().map((e) => e.label!.attack!.kind))).toEqual(new Set(ATTACK_KINDS));
  });

  it('are absent when attacks is false', () => {
    const off = [...generateLabelledDemoTraffic({ seed: SEED, events: 20_000, attacks: false })];
    expect(off.filter((e) => e.label?.attack)).toEqual([]);
    expect(JSON.stringify(off.map((e) => e.event))).not.toMatch(/UNION SELECT|etc%2Fpasswd|onerror=/);
  });

  it('credential stuffing is a burst of mostly failed logins from one client', () => {
    const byEpisode = new Map<number, LabelledDemoEvent[]>();
    for (const e of attacks()) if (e.label!.attack!.kind === 'credential-stuffing') {
      const id = e.label!.attack!.episode;
      byEpisode.set(id, [...(byEpisode.get(id) ?? []), e]);
    }
    expect(byEpisode.size).toBeGreaterThan(0);
    for (const events of byEpisode.values()) {
      expect(events.length).toBeGreaterThanOrEqual(20);
      const clients = new Set(events.map((e) => req(e).headers['x-forwarded-for'] ?? req(e).clientAddress));
      expect(clients.size).toBe(1);
      expect(events.every((e) => req(e).path === '/v1/auth/login' && req(e).method === 'POST')).toBe(true);
      expect(events.filter((e) => res(e).status === 401).length / events.length).toBeGreaterThan(0.85);
      const times = events.map((e) => Date.parse(e.event.timestamp as string));
      expect(times.at(-1)! - times[0]!).toBeLessThan(60_000);
    }
  });

  it('BOLA walks step through consecutive order ids with one token', () => {
    const walks = new Map<number, LabelledDemoEvent[]>();
    for (const e of attacks()) if (e.label!.attack!.kind === 'bola') {
      const id = e.label!.attack!.episode;
      walks.set(id, [...(walks.get(id) ?? []), e]);
    }
    expect(walks.size).toBeGreaterThan(0);
    for (const events of walks.values()) {
      const ids = events.map((e) => Number(/^\/v1\/orders\/(\d+)$/.exec(req(e).path)![1]));
      const steps = new Set(ids.slice(1).map((id, i) => id - ids[i]!));
      expect(steps.size).toBe(1);
      expect(new Set(events.map((e) => decodeJwt(req(e).headers.authorization!.slice(7)).payload.sub)).size).toBe(1);
      expect(events.some((e) => res(e).status === 200)).toBe(true);
    }
  });

  it('carries SQL injection, traversal and XSS payloads where expected', () => {
    const text = (kind: string) => attacks().filter((e) => e.label!.attack!.kind === kind).map((e) => JSON.stringify(e.event.request)).join('\n');
    expect(text('sqli')).toMatch(/'--|OR '1'='1|UNION SELECT|SLEEP\(5\)|OR 1=1|DROP TABLE|'a'='a/);
    expect(text('path-traversal')).toMatch(/\.\.(%2F|%252f|\/\/)|%2e%2e/);
    expect(text('xss')).toMatch(/<script>|onerror=|onload=|javascript:/);
    expect(attacks().filter((e) => e.label!.attack!.kind === 'xss').every((e) => req(e).path.endsWith('/reviews'))).toBe(true);
  });
});

describe('planted secrets', () => {
  it('are derived from the seed and have the real formats', () => {
    const s = plantedSecretSamples(SEED);
    expect(plantedSecretSamples(SEED)).toEqual(s);
    expect(plantedSecretSamples(SEED + 1)).not.toEqual(s);
    const byKind = Object.fromEntries(s.map((x) => [x.kind, x.value]));
    expect(byKind['aws-access-key-id']).toMatch(/^AKIA[A-Z0-9]{16}$/);
    expect(byKind['github-token']).toMatch(/^ghp_[A-Za-z0-9]{36}$/);
    expect(byKind['slack-webhook-url']).toMatch(/^https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{24}$/);
    expect(byKind['private-key']).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END RSA PRIVATE KEY-----$/);
  });

  it('each appears in the traffic, only in events labelled with it', () => {
    const texts = sample.map((e) => {
      const r = req(e);
      return [r.path, ...Object.values(r.query).flat(), ...Object.values(r.headers), ...Object.values(r.cookies), r.body?.text ?? '', ...Object.values(res(e).headers), res(e).body?.text ?? ''].join('\n');
    });
    for (const secret of plantedSecretSamples(SEED)) {
      // In JSON bodies the PEM's newlines are escaped; either form counts as the secret being present.
      const escaped = JSON.stringify(secret.value).slice(1, -1);
      const carriers = sample.filter((_, i) => texts[i]!.includes(secret.value) || texts[i]!.includes(escaped));
      expect(carriers.length, secret.kind).toBeGreaterThan(0);
      for (const e of carriers) expect(e.label?.secrets).toContain(secret.kind);
    }
  });

  it('are planted even in a short run', () => {
    const short = [...generateLabelledDemoTraffic({ seed: 3, events: 50 })];
    expect(new Set(short.flatMap((e) => e.label?.secrets ?? []))).toEqual(new Set(plantedSecretSamples(3).map((s) => s.kind)));
  });
});
