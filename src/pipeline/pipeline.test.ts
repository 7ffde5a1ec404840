import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBulwark, type Bulwark } from '../app/context.js';
import { loadConfig } from '../config/config.js';
import type { ApiEvent } from '../contracts/api-event.js';
import type { Endpoint } from '../contracts/endpoint.js';
import type { Finding } from '../contracts/finding.js';
import { generateDemoTraffic } from '../demo/estate.js';
import { DEFAULT_LIMITS, normalizeEvent } from '../normalize/index.js';
import { readEventBatches } from '../sources/index.js';
import { createLogger } from '../util/logger.js';
import type { IngestRecord } from './pipeline.js';

/** The pipeline wired as `openBulwark` wires it, on a SQLite store in a temp dir. */

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-pipeline-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const open = (dir = join(tmp, 'data'), overrides?: Record<string, unknown>): Promise<Bulwark> =>
  openBulwark(loadConfig({ env: { BULWARK_DATA_DIR: dir }, ...(overrides ? { overrides } : {}) }), createLogger('silent'), {});

function event(input: Record<string, unknown>): ApiEvent {
  const r = normalizeEvent(input, { source: 'ndjson', limits: DEFAULT_LIMITS });
  if (!r.ok) throw new Error(`test event rejected: ${r.reject.reason}`);
  return r.event;
}
const records = (events: ApiEvent[]): IngestRecord[] => events.map((e) => ({ kind: 'event', event: e }));

let clock = Date.parse('2026-11-20T10:00:00.000Z');
const nextTs = () => new Date((clock += 1000)).toISOString();

function call(opts: {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  clientAddress?: string;
  status?: number;
  json?: unknown;
  timestamp?: string;
}): ApiEvent {
  const res: Record<string, unknown> = { status: opts.status ?? 200, headers: { 'content-type': 'application/json' } };
  if (opts.json !== undefined) res.body = { contentType: 'application/json', text: JSON.stringify(opts.json) };
  return event({
    timestamp: opts.timestamp ?? nextTs(),
    request: { method: opts.method ?? 'GET', url: opts.url, headers: opts.headers ?? {}, clientAddress: opts.clientAddress ?? '198.51.100.7' },
    response: res,
    latencyMs: 10,
  });
}

async function allEndpoints(b: Bulwark): Promise<Endpoint[]> {
  const page = await b.store.listEndpoints({ limit: 500, sort: 'path' });
  const out: Endpoint[] = [];
  for (const s of page.items) out.push((await b.store.getEndpoint(s.id))!);
  return out;
}
async function allFindings(b: Bulwark): Promise<Finding[]> {
  return (await b.store.listFindings({ limit: 500 })).items;
}

const NAMES = [
  'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy',
  'rupert', 'sybil', 'trent', 'victor', 'walter', 'yolanda', 'zara', 'quentin', 'ursula', 'xavier', 'beatrice', 'cedric',
  'delia', 'edmund', 'fiona', 'gideon', 'harriet', 'isidore', 'josephine', 'kasimir', 'leonora', 'marius', 'nadine', 'oswald',
];

describe('template collapse', () => {
  const firstNames = NAMES.slice(0, 3);
  const restNames = NAMES.slice(3);

  /** Two ingests: a few names persisted as literal endpoints, then many more distinct names. */
  async function ingestNames(b: Bulwark, headers: Record<string, string> = {}, scheme = 'https') {
    const first = firstNames.flatMap((n) => [call({ url: `${scheme}://api.example.com/users/${n}`, headers }), call({ url: `${scheme}://api.example.com/users/${n}`, headers })]);
    await b.pipeline.ingest(records(first));
    const literalIds = (await allEndpoints(b)).filter((e) => /^\/users\/[a-z]+$/.test(e.pathTemplate)).map((e) => e.id);
    const rest = restNames.map((n) => call({ url: `${scheme}://api.example.com/users/${n}`, headers }));
    await b.pipeline.ingest(records(rest));
    return { first, rest, literalIds };
  }

  it('folds /users/<name> into one /users/{…} endpoint after flush, removes the literal ones and sums their calls', async () => {
    const b = await open();
    try {
      const { first, rest, literalIds } = await ingestNames(b);
      expect(literalIds).toHaveLength(firstNames.length);
      // `ingest` ends with a flush, but see the known bug below: the collapse lands on the next flush.
      await b.pipeline.flush();

      const users = (await allEndpoints(b)).filter((e) => e.pathTemplate.startsWith('/users/'));
      expect(users.map((e) => e.pathTemplate)).toEqual([expect.stringMatching(/^\/users\/\{[a-z_]+\}$/)]);
      expect(users[0]!.calls).toBe(first.length + rest.length);
      expect(users[0]!.firstSeen).toBe(first[0]!.timestamp);
      expect(users[0]!.lastSeen).toBe(rest.at(-1)!.timestamp);
      for (const id of literalIds) expect(await b.store.getEndpoint(id), `literal endpoint ${id} removed`).toBeNull();
      expect((await b.store.inventorySummary()).endpoints).toBe(1);
    } finally {
      await b.close();
    }
  });

  // Known bug: `flush` resolves each state's template before `templater.templates()` settles the tree,
  // so the collapse that this very flush decides is applied only by the next flush. After `ingest`
  // returns, the store still lists all 38 literal `/users/<name>` endpoints.
  it('the collapse is in the store as soon as ingest returns', async () => {
    const b = await open();
    try {
      await ingestNames(b);
      const users = (await allEndpoints(b)).filter((e) => e.pathTemplate.startsWith('/users/'));
      expect(users.map((e) => e.pathTemplate)).toEqual([expect.stringMatching(/^\/users\/\{[a-z_]+\}$/)]);
    } finally {
      await b.close();
    }
  });

  // Known bug: findings raised on literal endpoints keep the endpoint ids that the collapse deletes, and
  // the merged endpoint gets none (its merged signals count as already reported).
  it('findings of collapsed literal endpoints move to the template endpoint', async () => {
    const b = await open();
    try {
      await ingestNames(b, { authorization: `Basic ${Buffer.from('partner:pw-123456').toString('base64')}` }, 'http');
      await b.pipeline.flush();
      expect((await allEndpoints(b)).map((e) => e.pathTemplate)).toEqual([expect.stringMatching(/^\/users\/\{/)]);
      const endpoints = new Set((await allEndpoints(b)).map((e) => e.id));
      const findings = await allFindings(b);
      expect(findings.length).toBeGreaterThan(0);
      const orphans = findings.filter((f) => f.endpointId !== null && !endpoints.has(f.endpointId)).map((f) => `${f.ruleId} ${f.pathTemplate}`);
      expect(orphans).toEqual([]);
    } finally {
      await b.close();
    }
  });
});

describe('restart', () => {
  function demoEvents(n: number): ApiEvent[] {
    const out: ApiEvent[] = [];
    for (const input of generateDemoTraffic({ seed: 5, events: n })) {
      const r = normalizeEvent(input, { source: 'demo', limits: DEFAULT_LIMITS });
      if (r.ok) out.push(r.event);
    }
    return out;
  }
  const view = (es: Endpoint[]) =>
    es.map((e) => ({ id: e.id, template: `${e.method} ${e.host}${e.pathTemplate}`, calls: e.calls, firstSeen: e.firstSeen, lastSeen: e.lastSeen })).sort((a, b) => a.template.localeCompare(b.template));
  const findingCounts = (fs: Finding[]) => Object.fromEntries(fs.map((f) => [`${f.ruleId} ${f.method} ${f.host}${f.pathTemplate} ${f.id}`, f.count]).sort());

  it('resumes after close and reopen: same calls, first/last seen and finding counts as one run', async () => {
    const events = demoEvents(6000);
    const half = events.length / 2;

    const single = await open(join(tmp, 'single'));
    await single.pipeline.ingest(records(events));
    const expected = { endpoints: view(await allEndpoints(single)), findings: findingCounts(await allFindings(single)) };
    await single.close();

    const split1 = await open(join(tmp, 'split'));
    await split1.pipeline.ingest(records(events.slice(0, half)));
    await split1.close();
    const split2 = await open(join(tmp, 'split'));
    const report = await split2.pipeline.ingest(records(events.slice(half)));
    const actual = { endpoints: view(await allEndpoints(split2)), findings: findingCounts(await allFindings(split2)) };
    await split2.close();

    expect(report.newEndpoints).toBeLessThan(report.endpoints);
    expect(actual.endpoints.reduce((n, e) => n + e.calls, 0)).toBe(events.length);
    expect(actual.endpoints).toEqual(expected.endpoints);
    expect(Object.keys(expected.findings).length).toBeGreaterThan(5);
    expect(actual.findings).toEqual(expected.findings);
  });
});

describe('findings', () => {
  const basic = { authorization: `Basic ${Buffer.from('partner:s3cret-pw').toString('base64')}` };
  const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const algNone = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'u1', exp: 1893456000 })}.`;

  it('reports basic auth over plain HTTP and alg:none JWTs; the same problem again raises the count, not the number of findings', async () => {
    const b = await open();
    try {
      const batch = () => [
        ...[1, 2, 3].map(() => call({ url: 'http://partners.example.com/v1/stock', headers: basic })),
        ...[1, 2].map(() => call({ url: 'https://mobile.example.com/v1/me', headers: { authorization: `Bearer ${algNone}` } })),
      ];
      await b.pipeline.ingest(records(batch()));
      const first = await allFindings(b);
      const byRule = (fs: Finding[], id: string) => fs.filter((f) => f.ruleId === id);
      for (const id of ['posture-credentials-over-plain-http', 'posture-basic-auth']) {
        expect(byRule(first, id).map((f) => [f.pathTemplate, f.count]), id).toEqual([['/v1/stock', 3]]);
      }
      expect(byRule(first, 'posture-jwt-alg-none').map((f) => [f.host, f.count])).toEqual([['mobile.example.com', 2]]);
      expect(byRule(first, 'posture-basic-auth')[0]!.owasp).toMatch(/^API\d+:2023$/);

      await b.pipeline.ingest(records(batch()));
      const second = await allFindings(b);
      expect(second.map((f) => f.id).sort()).toEqual(first.map((f) => f.id).sort());
      expect(byRule(second, 'posture-basic-auth')[0]!.count).toBe(6);
      expect(byRule(second, 'posture-credentials-over-plain-http')[0]!.count).toBe(6);
      expect(byRule(second, 'posture-jwt-alg-none')[0]!.count).toBe(4);
    } finally {
      await b.close();
    }
  });

  it('raises none of them for a bearer RS256 token over HTTPS', async () => {
    const b = await open();
    try {
      const rs = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ sub: 'u1', exp: 1893456000 })}.${'A'.repeat(43)}`;
      await b.pipeline.ingest(records([call({ url: 'https://api.example.com/v1/me', headers: { authorization: `Bearer ${rs}` } })]));
      const ids = (await allFindings(b)).map((f) => f.ruleId);
      for (const id of ['posture-credentials-over-plain-http', 'posture-basic-auth', 'posture-jwt-alg-none']) expect(ids).not.toContain(id);
    } finally {
      await b.close();
    }
  });
});

describe('rejects', () => {
  it('counts rejects by reason, stores them with line numbers, and still ingests the valid records of the file', async () => {
    const good = (path: string) => JSON.stringify({ timestamp: nextTs(), request: { method: 'GET', url: `https://api.example.com${path}` }, response: { status: 200 } });
    const lines = [
      good('/v1/health'),
      '{"timestamp": "2026-11-20T10:00:00Z", "request": {',
      good('/v1/status'),
      JSON.stringify({ timestamp: nextTs(), request: { method: 'BREW', url: 'https://api.example.com/coffee' } }),
      '[1, 2, 3]',
      JSON.stringify({ timestamp: nextTs(), response: { status: 200 } }),
      good('/v1/version'),
    ];
    const file = join(tmp, 'mixed.ndjson');
    writeFileSync(file, lines.join('\n') + '\n');
    const b = await open();
    try {
      const report = await b.pipeline.ingest(readEventBatches(file));
      expect(report.accepted).toBe(3);
      expect(report.rejected).toBe(4);
      expect(Object.values(report.rejectReasons).reduce((a, n) => a + n, 0)).toBe(4);
      expect(Object.keys(report.rejectReasons)).toEqual(expect.arrayContaining(['invalid JSON', 'line is not a JSON object']));
      expect(report.firstRejects.map((r) => r.line)).toEqual([2, 4, 5, 6]);

      const stored = await b.store.listRejects(100);
      expect(stored.map((r) => r.line).sort()).toEqual([2, 4, 5, 6]);
      for (const r of stored) {
        expect(r.reason.length).toBeGreaterThan(0);
        expect(r.source).toBe(file);
        expect(Number.isNaN(Date.parse(r.at))).toBe(false);
      }
      expect(stored.find((r) => r.line === 4)!.reason).toMatch(/method/);
      expect(stored.find((r) => r.line === 6)!.reason).toMatch(/request/);
      expect((await allEndpoints(b)).map((e) => e.pathTemplate).sort()).toEqual(['/v1/health', '/v1/status', '/v1/version']);
    } finally {
      await b.close();
    }
  });
});

describe('risk', () => {
  it('scores an internet-exposed unauthenticated endpoint returning emails above an internal authenticated one', async () => {
    const b = await open();
    try {
      const people = (i: number) => ({ people: [{ name: 'A', email: `person${i}@customer-mail.example` }] });
      const token = `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"svc","exp":1893456000}').toString('base64url')}.${'B'.repeat(43)}`;
      const events: ApiEvent[] = [];
      for (let i = 0; i < 20; i++) {
        events.push(call({ url: 'https://public.example.com/v1/people', clientAddress: `203.0.113.${i + 1}`, json: people(i) }));
        events.push(call({ url: 'https://internal.example.com/v1/people', clientAddress: `10.1.2.${i + 1}`, headers: { authorization: `Bearer ${token}` }, json: people(i) }));
      }
      await b.pipeline.ingest(records(events));
      const es = await allEndpoints(b);
      const pub = es.find((e) => e.host === 'public.example.com')!;
      const internal = es.find((e) => e.host === 'internal.example.com')!;
      expect(pub.exposure.internetExposed).toBe(true);
      expect(internal.exposure.internetExposed).toBe(false);
      for (const e of [pub, internal]) expect(e.dataClasses.map((d) => d.dataClass)).toContain('email');
      expect(pub.risk.score).toBeGreaterThan(internal.risk.score);
      expect(pub.risk.factors.map((f) => f.id).join(' ')).toMatch(/unauth/i);
      expect((await allFindings(b)).filter((f) => f.ruleId === 'posture-unauthenticated-sensitive-data').map((f) => f.host)).toEqual(['public.example.com']);
    } finally {
      await b.close();
    }
  });
});

describe('exposure', () => {
  const proxied = () =>
    [1, 2, 3].map((i) => call({ url: 'https://shop.example.com/v1/cart', clientAddress: '10.0.0.5', headers: { 'x-forwarded-for': `203.0.113.${40 + i}` } }));

  it('private client addresses only: not internet-exposed', async () => {
    const b = await open();
    try {
      const ips = ['10.0.0.9', '192.168.1.20', '172.16.4.4', '127.0.0.1', 'fd00::1'];
      await b.pipeline.ingest(records(ips.map((ip) => call({ url: 'https://intranet.example.com/v1/reports', clientAddress: ip }))));
      const [e] = await allEndpoints(b);
      expect(e!.exposure).toEqual({ internetExposed: false, publicClientCalls: 0, privateClientCalls: ips.length });
    } finally {
      await b.close();
    }
  });

  it('behind a configured trusted proxy, a public X-Forwarded-For address makes the endpoint internet-exposed', async () => {
    const b = await open(join(tmp, 'data'), { discovery: { trustedProxies: ['10.0.0.5/32'] } });
    try {
      expect(b.config.discovery.trustedProxies).toEqual(['10.0.0.5/32']);
      // The override replaces the whole `discovery` section; the other settings keep their defaults.
      expect(b.config.discovery.analyseFirst).toBe(100);
      await b.pipeline.ingest(records(proxied()));
      const [e] = await allEndpoints(b);
      expect(e!.exposure).toEqual({ internetExposed: true, publicClientCalls: 3, privateClientCalls: 0 });
    } finally {
      await b.close();
    }
  });

  it('without the trusted proxy, X-Forwarded-For is not believed: the proxy itself is the (private) client', async () => {
    const b = await open();
    try {
      await b.pipeline.ingest(records(proxied()));
      const [e] = await allEndpoints(b);
      expect(e!.exposure).toEqual({ internetExposed: false, publicClientCalls: 0, privateClientCalls: 3 });
    } finally {
      await b.close();
    }
  });

  it('a forged left-most X-Forwarded-For entry does not hide a private client behind the proxy', async () => {
    const b = await open(join(tmp, 'data'), { discovery: { trustedProxies: ['10.0.0.5/32'] } });
    try {
      await b.pipeline.ingest(records([call({ url: 'https://shop.example.com/v1/admin', clientAddress: '10.0.0.5', headers: { 'x-forwarded-for': '203.0.113.9, 10.20.30.40' } })]));
      const [e] = await allEndpoints(b);
      expect(e!.exposure.internetExposed).toBe(false);
    } finally {
      await b.close();
    }
  });
});
