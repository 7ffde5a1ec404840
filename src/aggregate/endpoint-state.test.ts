import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../contracts/api-event.js';
import type { DataClassHit } from '../contracts/data-class.js';
import { Endpoint } from '../contracts/endpoint.js';
import type { CredentialFacts } from '../redact/credential-facts.js';
import { classInfoResolver } from '../classify/class-info.js';
import { loadConfig } from '../config/config.js';
import { observeJson, observeText } from '../discover/params.js';
import {
  deserializeState,
  endpointId,
  mergeState,
  newState,
  observeEvent,
  observeHits,
  observeResponseType,
  serializeState,
  signal,
  type EndpointState,
} from './endpoint-state.js';
import { apiOf, toEndpoint } from './endpoint-view.js';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const risk = loadConfig({ env: {} }).risk;
const classInfo = classInfoResolver();
const TEMPLATE = { confidence: 0.9, evidence: ['{id}: integer values'], origin: 'traffic' as const };

function event(o: { scheme?: 'http' | 'https'; status?: number; latencyMs?: number; tls?: string } = {}): ApiEvent {
  return {
    timestamp: new Date(T0).toISOString(),
    source: { kind: 'ndjson' },
    request: {
      method: 'GET',
      scheme: o.scheme ?? 'https',
      host: 'api.shop.example',
      path: '/v1/orders/7',
      query: {},
      headers: {},
      cookies: {},
      ...(o.tls ? { tlsVersion: o.tls } : {}),
    },
    response: { status: o.status ?? 200, headers: {} },
    latencyMs: o.latencyMs ?? 10,
  };
}

const jwtFacts = (alg: string, hasExp: boolean, principal: number): CredentialFacts => ({
  kind: 'bearer-jwt',
  principal,
  jwt: { alg, hasExp, expired: false, claims: ['sub', 'iss', ...(hasExp ? ['exp'] : [])], iss: 'https://idp.example' },
});
const ANON: CredentialFacts = { kind: 'none', jwt: null, principal: null };

/** A state that has seen a bit of everything. */
function busyState(seed: number, calls = 10): EndpointState {
  const s = newState('api.shop.example', 'GET', '/v1/orders/{id}', T0 + seed);
  for (let i = 0; i < calls; i++) {
    const ts = T0 + seed * 1000 + i * 60_000;
    const facts = i % 3 === 0 ? ANON : jwtFacts(i % 2 ? 'RS256' : 'HS256', i % 2 === 0, seed * 100 + i);
    observeEvent(s, event({ scheme: i % 4 === 0 ? 'http' : 'https', status: i % 5 === 0 ? 500 : 200, latencyMs: 5 + i * 3, tls: 'TLSv1.3' }), ts, facts, {
      address: `203.0.113.${i}`,
      public: i % 2 === 0,
    });
    observeResponseType(s, i % 5 === 0 ? 500 : 200, 'application/json; charset=utf-8');
    observeText(s.params, 'request', 'path', 'id', String(i));
    observeJson(s.params, 'response', { id: i, email: '[REDACTED:email:0123456789abcdef]' });
    s.analysed++;
  }
  observeHits(s, [{ dataClass: 'email', direction: 'response', location: 'body', name: '/email' }], [null, null, null, 'id']);
  signal(s, 'unauth-response:email', 3);
  signal(s, 'basic-auth');
  s.reported['basic-auth'] = 1;
  return s;
}

const roundTrip = (s: EndpointState) => deserializeState(JSON.parse(JSON.stringify(serializeState(s))));
const view = (s: EndpointState) => toEndpoint(s, TEMPLATE, false, classInfo, risk);

describe('endpointId', () => {
  it('is stable and distinct per host, method and template', () => {
    const id = endpointId('api.shop.example', 'GET', '/orders/{id}');
    expect(endpointId('api.shop.example', 'GET', '/orders/{id}')).toBe(id);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    for (const other of [endpointId('api2.shop.example', 'GET', '/orders/{id}'), endpointId('api.shop.example', 'POST', '/orders/{id}'), endpointId('api.shop.example', 'GET', '/orders')])
      expect(other).not.toBe(id);
  });
});

describe('serializeState / deserializeState', () => {
  it('a state survives JSON (the store format) unchanged, sketches included', () => {
    const s = busyState(1);
    const back = roundTrip(s);
    expect(back).not.toBeNull();
    const { latency, consumers, ...rest } = back!;
    const { latency: l0, consumers: c0, ...rest0 } = s;
    expect(rest).toEqual(rest0);
    expect(latency.counts).toEqual(l0.counts);
    expect([latency.total, latency.max]).toEqual([l0.total, l0.max]);
    expect(Array.from(consumers.registers)).toEqual(Array.from(c0.registers));
  });

  it('the endpoint record built from a restored state is identical', () => {
    const s = busyState(2);
    const e = view(s);
    expect(Endpoint.safeParse(e).success).toBe(true);
    expect(view(roundTrip(s)!)).toEqual(e);
  });

  it('a restored state keeps counting and reporting where it left off', () => {
    const back = roundTrip(busyState(3))!;
    observeEvent(back, event(), T0, ANON, { address: '198.51.100.1', public: true });
    signal(back, 'basic-auth');
    expect(back.calls).toBe(11);
    expect(back.signals['basic-auth']).toBe(2);
    expect(back.reported['basic-auth']).toBe(1);
    expect(back.latency.total).toBe(11);
  });

  it.each([null, undefined, 42, 'x', {}, { host: 'h', method: 'GET' }, { host: 1, method: 'GET', template: '/' }])('rejects %j', (raw) => {
    expect(deserializeState(raw)).toBeNull();
  });

  it('fills fields an older stored state lacks with empty defaults', () => {
    const s = deserializeState({ host: 'h', method: 'GET', template: '/a', firstSeen: 5, calls: 2 });
    expect(s).toMatchObject({ host: 'h', calls: 2, firstSeen: 5, signals: {}, reported: {}, params: {} });
    expect(s!.latency.total).toBe(0);
    expect(s!.consumers.estimate()).toBe(0);
  });
});

describe('mergeState', () => {
  it('adds counters, widens the time range and unions sketches', () => {
    const a = busyState(1, 10);
    const b = busyState(2, 6);
    const before = { a: structuredClone(serializeState(a)) as EndpointState, b: structuredClone(serializeState(b)) as EndpointState };
    const consumersA = a.consumers.estimate();
    mergeState(a, b);
    expect(a.calls).toBe(16);
    expect(a.analysed).toBe(16);
    expect(a.firstSeen).toBe(Math.min(before.a.firstSeen, before.b.firstSeen));
    expect(a.lastSeen).toBe(Math.max(before.a.lastSeen, before.b.lastSeen));
    expect(a.plainHttp).toBe(before.a.plainHttp + before.b.plainHttp);
    expect(a.tls).toBe(before.a.tls + before.b.tls);
    expect(a.publicCalls + a.privateCalls).toBe(16);
    expect(a.status['200']! + a.status['500']!).toBe(16);
    expect(a.status['500']).toBe((before.a.status['500'] ?? 0) + (before.b.status['500'] ?? 0));
    expect(a.authKinds.none).toBe(before.a.authKinds.none! + before.b.authKinds.none!);
    expect(a.jwt.withoutExp).toBe(before.a.jwt.withoutExp + before.b.jwt.withoutExp);
    expect(a.jwt.algs).toEqual({ RS256: before.a.jwt.algs.RS256! + before.b.jwt.algs.RS256!, HS256: before.a.jwt.algs.HS256! + before.b.jwt.algs.HS256! });
    expect(a.responses['200']!['application/json']).toBe(before.a.responses['200']!['application/json']! + before.b.responses['200']!['application/json']!);
    expect(a.params['request|path|id']!.seen).toBe(16);
    expect(a.signals['unauth-response:email']).toBe(6);
    // `reported` stays the survivor's own: the merged-in endpoint's findings go away with it.
    expect(a.reported['basic-auth']).toBe(1);
    expect(a.signals['basic-auth']).toBe(2);
    expect(a.latency.total).toBe(16);
    expect(a.consumers.estimate()).toBeGreaterThan(consumersA);
    expect(a.dataClasses['email|response|body']).toEqual(['/email']);
  });

  it('merging two halves gives the same endpoint record as one state fed everything', () => {
    const whole = newState('h', 'GET', '/x', T0);
    const first = newState('h', 'GET', '/x', T0);
    const second = newState('h', 'GET', '/x', T0);
    for (let i = 0; i < 40; i++) {
      const e = event({ status: i % 7 ? 200 : 404, latencyMs: i * 2.5, scheme: i % 9 ? 'https' : 'http' });
      const facts = i % 4 ? jwtFacts('RS256', true, i) : ANON;
      const client = { address: `198.51.100.${i}`, public: true };
      observeEvent(whole, e, T0 + i, facts, client);
      observeEvent(i < 20 ? first : second, e, T0 + i, facts, client);
    }
    mergeState(first, second);
    expect(view(first)).toEqual(view(whole));
  });
});

describe('bounded state', () => {
  it('keeps at most 200 signal keys; known keys keep counting after the cap', () => {
    const s = newState('h', 'GET', '/x', T0);
    for (let i = 0; i < 250; i++) signal(s, `in-url:email:query:p${i}`);
    expect(Object.keys(s.signals)).toHaveLength(200);
    expect(s.signals['in-url:email:query:p249']).toBeUndefined();
    signal(s, 'in-url:email:query:p0', 5);
    expect(s.signals['in-url:email:query:p0']).toBe(6);
  });

  it('merging respects the signal cap', () => {
    const a = newState('h', 'GET', '/x', T0);
    const b = newState('h', 'GET', '/x', T0);
    for (let i = 0; i < 150; i++) signal(a, `a${i}`);
    for (let i = 0; i < 150; i++) signal(b, `b${i}`);
    mergeState(a, b);
    expect(Object.keys(a.signals)).toHaveLength(200);
  });

  it('caps data-class keys at 100 and parameter names per key at 20', () => {
    const s = newState('h', 'GET', '/x', T0);
    const hits: DataClassHit[] = [];
    for (let i = 0; i < 150; i++) hits.push({ dataClass: `custom-c${i}`, direction: 'response', location: 'body', name: '/a' });
    for (let i = 0; i < 50; i++) hits.push({ dataClass: 'custom-c0', direction: 'response', location: 'body', name: `/f${i}` });
    observeHits(s, hits, []);
    expect(Object.keys(s.dataClasses)).toHaveLength(100);
    expect(s.dataClasses['custom-c0|response|body']).toHaveLength(20);
  });

  it('caps content types per status at 20', () => {
    const s = newState('h', 'GET', '/x', T0);
    for (let i = 0; i < 30; i++) observeResponseType(s, 200, `application/x-t${i}`);
    observeResponseType(s, 200, 'application/x-t0');
    expect(Object.keys(s.responses['200']!)).toHaveLength(20);
    expect(s.responses['200']!['application/x-t0']).toBe(2);
  });

  it("ignores the request's own credentials as data classes, but keeps credentials in the URL", () => {
    const s = newState('h', 'GET', '/x', T0);
    observeHits(
      s,
      [
        { dataClass: 'jwt', direction: 'request', location: 'header', name: 'authorization' },
        { dataClass: 'session-token', direction: 'request', location: 'cookie', name: 'sid' },
        { dataClass: 'api-key', direction: 'request', location: 'query', name: 'api_key' },
        { dataClass: 'email', direction: 'request', location: 'header', name: 'x-user' },
      ],
      [],
    );
    expect(Object.keys(s.dataClasses).sort()).toEqual(['api-key|request|query', 'email|request|header']);
  });

  it('names path hits by the template parameter', () => {
    const s = newState('h', 'GET', '/users/{email}', T0);
    observeHits(s, [{ dataClass: 'email', direction: 'request', location: 'path', name: '/2' }], [null, null, 'email']);
    expect(s.dataClasses['email|request|path']).toEqual(['email']);
  });
});

describe('toEndpoint', () => {
  it('reports what a user reads in the inventory', () => {
    const e = view(busyState(1, 10));
    expect(e.api).toBe('api.shop.example/v1');
    expect(e.calls).toBe(10);
    expect(e.auth.jwt?.algs).toEqual(['HS256', 'RS256']);
    expect(e.encryption.plainHttpCalls).toBe(3);
    expect(e.exposure.internetExposed).toBe(true);
    expect(e.consumers).toBeGreaterThanOrEqual(9);
    expect(e.consumers).toBeLessThanOrEqual(11);
    expect(e.latencyMs?.max).toBe(32);
    expect(e.risk.factors.map((f) => f.id)).toContain('unauthenticated');
    expect(e.parameters.find((p) => p.name === '/email')?.dataClasses).toEqual(['email']);
  });

  it('shows a small value set only when it may be an enum, never for a parameter with a data class', () => {
    const s = newState('api.shop.example', 'GET', '/v1/orders', T0);
    for (let i = 0; i < 30; i++) {
      observeText(s.params, 'request', 'query', 'status', i % 2 ? 'open' : 'closed');
      observeText(s.params, 'request', 'query', 'ref', i % 2 ? 'abc' : 'def');
      observeText(s.params, 'request', 'query', 'q', `term${i}`);
    }
    // The redactor saw a class in some `ref` values it left alone (say a custom class on another event).
    observeHits(s, [{ dataClass: 'person-name', direction: 'request', location: 'query', name: 'ref' }], []);
    const e = view(roundTrip(s)!);
    expect(e.parameters.find((p) => p.name === 'status')?.values).toEqual({ open: 15, closed: 15 });
    expect(e.parameters.find((p) => p.name === 'ref')).not.toHaveProperty('values');
    expect(e.parameters.find((p) => p.name === 'q')).not.toHaveProperty('values');
    expect(Endpoint.safeParse(e).success).toBe(true);
  });

  it('a state stored before value tracking gives no values, and starts none for its old parameters', () => {
    const old = deserializeState({ host: 'h', method: 'GET', template: '/a', params: { 'request|query|status': { types: { string: 40 }, formats: {}, seen: 40 } } })!;
    for (let i = 0; i < 30; i++) observeText(old.params, 'request', 'query', 'status', 'open');
    expect(old.params['request|query|status']).toEqual({ types: { string: 70 }, formats: {}, seen: 70 });
    expect(view(old).parameters[0]).not.toHaveProperty('values');
  });

  it('apiOf keeps up to two leading api/version segments', () => {
    expect(apiOf('h', '/api/v2/users/{id}')).toBe('h/api/v2');
    expect(apiOf('h', '/v1.2/users')).toBe('h/v1.2');
    expect(apiOf('h', '/users/{id}')).toBe('h');
  });
});
