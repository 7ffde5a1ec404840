import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../contracts/api-event.js';
import { Finding, type Severity } from '../contracts/finding.js';
import { classInfoResolver } from '../classify/class-info.js';
import { loadConfig } from '../config/config.js';
import { createRedactor } from '../redact/redactor.js';
import { credentialFacts } from '../redact/credential-facts.js';
import { mergeState, newState, observeEvent, observeHits, type EndpointState } from '../aggregate/endpoint-state.js';
import { toEndpoint } from '../aggregate/endpoint-view.js';
import { evaluatePosture } from './findings.js';
import { POSTURE_RULES, type PostureRule } from './posture-rules.js';
import { observeBodySignals, observeHeaderSignals, observeHitSignals } from './signals.js';

/**
 * Posture rules driven the way the pipeline drives them: a hand-built `ApiEvent` goes through the real
 * credential reader, redactor and signal functions into an endpoint state; the endpoint record is built
 * with `toEndpoint` and the rules run through `evaluatePosture`.
 */

const risk = loadConfig({ env: {} }).risk;
const classInfo = classInfoResolver();
const redactor = createRedactor({ secret: 'posture-rules-test-secret-0123456789' });
const HOST = 'api.shop.example';
const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const AT = '2026-03-01T12:00:00.000Z';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (header: Record<string, unknown>, payload: Record<string, unknown>, sig = 'c2lnbmF0dXJl') => `${b64(header)}.${b64(payload)}.${sig}`;
const GOOD_JWT = jwt({ alg: 'RS256', typ: 'JWT' }, { sub: 'user-1', iss: 'https://idp.shop.example', exp: 2_000_000_000 });
const NONE_JWT = jwt({ alg: 'none', typ: 'JWT' }, { sub: 'user-1', exp: 2_000_000_000 }, '');
const NO_EXP_JWT = jwt({ alg: 'HS256', typ: 'JWT' }, { sub: 'user-1', iss: 'https://idp.shop.example' });
const BASIC = 'Basic ' + Buffer.from('alice:correct-horse').toString('base64');

const JAVA_TRACE = [
  'java.lang.NullPointerException: Cannot invoke "String.length()"',
  '\tat com.shop.orders.OrderService.total(OrderService.java:87)',
  '\tat com.shop.orders.OrderController.get(OrderController.java:41)',
].join('\n');
const PYTHON_TRACE = 'Traceback (most recent call last):\n  File "/srv/app/views.py", line 52, in order\n    return total / count\nZeroDivisionError: division by zero';
const MYSQL_ERROR = "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near ''' at line 1";

/** Headers of a well-configured HTTPS JSON response. */
const SECURE_RESPONSE_HEADERS = {
  'content-type': 'application/json',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
};

interface EventOpts {
  scheme?: 'http' | 'https';
  method?: ApiEvent['request']['method'];
  path?: string;
  query?: Record<string, string[]>;
  /** Request headers; default: a valid bearer JWT. */
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  status?: number;
  /** Response headers; default: the secure set. */
  resHeaders?: Record<string, string>;
  /** Response body: a string is sent as is, anything else as JSON; null for no body. */
  body?: unknown;
  contentType?: string;
  encoding?: 'utf8' | 'base64';
  at?: number;
}

function ev(o: EventOpts = {}): ApiEvent {
  const resHeaders = o.resHeaders ?? SECURE_RESPONSE_HEADERS;
  const contentType = o.contentType ?? resHeaders['content-type'] ?? 'application/json';
  const raw = o.body === undefined ? { id: 42, status: 'shipped' } : o.body;
  const text = raw === null ? undefined : typeof raw === 'string' ? raw : JSON.stringify(raw);
  return {
    timestamp: new Date(o.at ?? T0).toISOString(),
    source: { kind: 'ndjson' },
    request: {
      method: o.method ?? 'GET',
      scheme: o.scheme ?? 'https',
      host: HOST,
      path: o.path ?? '/orders',
      query: o.query ?? {},
      headers: o.headers ?? { authorization: `Bearer ${GOOD_JWT}` },
      cookies: o.cookies ?? {},
      clientAddress: '203.0.113.9',
    },
    response: {
      status: o.status ?? 200,
      headers: resHeaders,
      ...(text === undefined
        ? {}
        : {
            body: {
              contentType,
              text: o.encoding === 'base64' ? Buffer.from(text).toString('base64') : text,
              encoding: o.encoding ?? 'utf8',
              size: Buffer.byteLength(text),
              truncated: false,
            },
          }),
    },
    latencyMs: 12,
  };
}

const times = (n: number, e: ApiEvent) => Array.from({ length: n }, () => e);

function pathNames(template: string): (string | null)[] {
  return template.split('/').map((s) => (s.startsWith('{') && s.endsWith('}') ? s.slice(1, -1) : null));
}

/** What the pipeline does with one event (every event analysed). */
function observe(state: EndpointState, event: ApiEvent): void {
  const ts = Date.parse(event.timestamp);
  const facts = credentialFacts(event, ts);
  observeEvent(state, event, ts, facts, { address: event.request.clientAddress ?? null, public: true });
  observeHeaderSignals(state, event, facts);
  const red = redactor.redactEvent(event);
  const names = pathNames(state.template);
  observeHits(state, red.hits, names);
  observeHitSignals(state, red.hits, facts, names);
  state.analysed++;
  if (red.event.response) observeBodySignals(state, red.event);
}

function stateFor(events: readonly ApiEvent[], template?: string): EndpointState {
  const first = events[0] ?? ev();
  const state = newState(HOST, first.request.method, template ?? first.request.path, T0);
  for (const e of events) observe(state, e);
  return state;
}

function evaluate(state: EndpointState, rules: readonly PostureRule[] = POSTURE_RULES): Finding[] {
  const endpoint = toEndpoint(state, { confidence: 1, evidence: [], origin: 'traffic' }, false, classInfo, risk);
  return evaluatePosture(rules, { endpoint, signals: state.signals, classInfo }, state, AT);
}

function run(events: readonly ApiEvent[], template?: string): Finding[] {
  return evaluate(stateFor(events, template));
}

interface Expected {
  severity: Severity;
  count: number;
  summary?: RegExp;
  location?: string;
}

interface Case {
  name: string;
  events: ApiEvent[];
  template?: string;
  /** Findings of the rule under test, in the rule's order; empty for a negative case. */
  expect: Expected[];
}

const TABLES: Record<string, Case[]> = {
  'posture-unauthenticated-sensitive-data': [
    {
      name: 'anonymous calls get email addresses back',
      events: times(3, ev({ headers: {}, body: { id: 7, email: 'alice@example.com' } })),
      expect: [{ severity: 'high', count: 3, summary: /unauthenticated calls contain Email address/, location: 'response body' }],
    },
    {
      name: 'anonymous calls get a payment card back: critical',
      events: [ev({ headers: {}, body: { card: '4111 1111 1111 1111' } })],
      expect: [{ severity: 'critical', count: 1, summary: /Payment card number/ }],
    },
    {
      name: 'two classes in one response make one finding counting both',
      events: [ev({ headers: {}, body: { email: 'alice@example.com', card: '4111 1111 1111 1111' } })],
      expect: [{ severity: 'critical', count: 2, summary: /Email address.*Payment card number|Payment card number.*Email address/ }],
    },
    {
      name: 'negative: the same response to a caller with a bearer JWT',
      events: [ev({ body: { email: 'alice@example.com', card: '4111 1111 1111 1111' } })],
      expect: [],
    },
    {
      name: 'negative: the same response to a caller with a session cookie',
      events: [ev({ headers: {}, cookies: { session: 'c2Vzc2lvbi1pZC0xMjM0NTY3ODkw' }, body: { email: 'alice@example.com' } })],
      expect: [],
    },
    { name: 'negative: anonymous calls get non-sensitive data', events: [ev({ headers: {}, body: { id: 1, name: 'widget', price: 9.5 } })], expect: [] },
    {
      name: 'negative: a login answer carrying a token (credential classes are not this rule)',
      events: [ev({ method: 'POST', path: '/login', headers: {}, body: { access_token: GOOD_JWT } })],
      expect: [],
    },
  ],
  'posture-credentials-in-url': [
    {
      name: 'API key in the query string',
      events: times(2, ev({ headers: {}, query: { api_key: ['sk_live_4eC39HqLyjWDarjtT1zdp7dc'] } })),
      expect: [{ severity: 'high', count: 2, summary: /^api-key sent in query parameter "api_key"$/, location: 'request query api_key' }],
    },
    {
      name: 'password in the query string',
      events: [ev({ query: { password: ['hunter2hunter2'] } })],
      expect: [{ severity: 'high', count: 1, summary: /password sent in query parameter "password"/ }],
    },
    {
      name: 'JWT in a path segment is named by the template parameter',
      events: [ev({ path: `/verify/${GOOD_JWT}`, headers: {} })],
      template: '/verify/{token}',
      expect: [{ severity: 'high', count: 1, summary: /jwt sent in path parameter "token"/, location: 'request path token' }],
    },
    {
      name: 'two credential parameters are two findings',
      events: [ev({ query: { api_key: ['sk_live_4eC39HqLyjWDarjtT1zdp7dc'], password: ['hunter2hunter2'] } })],
      expect: [
        { severity: 'high', count: 1, summary: /"api_key"/ },
        { severity: 'high', count: 1, summary: /"password"/ },
      ],
    },
    { name: 'negative: API key in a header', events: [ev({ headers: { 'x-api-key': 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' } })], expect: [] },
    { name: 'negative: personal data (not a credential) in the query', events: [ev({ query: { email: ['alice@example.com'] } })], expect: [] },
    { name: 'negative: harmless query parameters', events: [ev({ query: { page: ['2'], sort: ['-created'] } })], expect: [] },
  ],
  'posture-sensitive-data-in-url': [
    {
      name: 'email in the query string: medium',
      events: times(4, ev({ query: { email: ['alice@example.com'] } })),
      expect: [{ severity: 'medium', count: 4, summary: /^Email address sent in query parameter "email"$/, location: 'request query email' }],
    },
    {
      name: 'US SSN in the query string: high (critical class, capped at high)',
      events: [ev({ query: { ssn: ['123-45-6789'] } })],
      expect: [{ severity: 'high', count: 1, summary: /US Social Security number/ }],
    },
    {
      name: 'email as a path parameter is named by the template',
      events: [ev({ path: '/users/alice@example.com' })],
      template: '/users/{email}',
      expect: [{ severity: 'medium', count: 1, summary: /path parameter "email"/, location: 'request path email' }],
    },
    {
      name: 'IP address in the query string: low',
      events: [ev({ query: { ip: ['198.51.100.23'] } })],
      expect: [{ severity: 'low', count: 1, summary: /IP address/ }],
    },
    { name: 'negative: credentials in the query belong to the credentials rule', events: [ev({ query: { api_key: ['sk_live_4eC39HqLyjWDarjtT1zdp7dc'] } })], expect: [] },
    { name: 'negative: email in the request body', events: [ev({ method: 'POST', query: {}, body: { ok: true } })].map((e) => withRequestBody(e, { email: 'alice@example.com' })), expect: [] },
    { name: 'negative: opaque ids in the URL', events: [ev({ path: '/orders/123', query: { page: ['3'] } })], template: '/orders/{id}', expect: [] },
  ],
  'posture-credentials-over-plain-http': [
    {
      name: 'Basic credentials over http',
      events: times(3, ev({ scheme: 'http', headers: { authorization: BASIC } })),
      expect: [{ severity: 'high', count: 3, summary: /^credentials \(basic\) sent without TLS$/, location: 'request' }],
    },
    {
      name: 'bearer JWT over http',
      events: [ev({ scheme: 'http' })],
      expect: [{ severity: 'high', count: 1, summary: /bearer-jwt/ }],
    },
    {
      name: 'two credential kinds over http make one finding counting both',
      events: [ev({ scheme: 'http', headers: { authorization: BASIC } }), ev({ scheme: 'http', headers: { 'x-api-key': 'k-123456789' } })],
      expect: [{ severity: 'high', count: 2, summary: /api-key-header, basic|basic, api-key-header/ }],
    },
    { name: 'negative: Basic credentials over https', events: [ev({ headers: { authorization: BASIC } })], expect: [] },
    { name: 'negative: anonymous calls over http', events: [ev({ scheme: 'http', headers: {} })], expect: [] },
  ],
  'posture-jwt-alg-none': [
    {
      name: "bearer JWT with alg 'none'",
      events: times(2, ev({ headers: { authorization: `Bearer ${NONE_JWT}` } })),
      expect: [{ severity: 'critical', count: 2, location: 'request header authorization' }],
    },
    {
      name: "alg 'NONE' in capitals",
      events: [ev({ headers: { authorization: `Bearer ${jwt({ alg: 'NONE' }, { sub: 'x', exp: 2_000_000_000 }, '')}` } })],
      expect: [{ severity: 'critical', count: 1 }],
    },
    { name: 'negative: RS256 JWT', events: [ev()], expect: [] },
    { name: 'negative: opaque bearer token', events: [ev({ headers: { authorization: 'Bearer 8f14e45fceea167a5a36dedd4bea2543' } })], expect: [] },
  ],
  'posture-jwt-without-expiry': [
    {
      name: 'bearer JWT without exp',
      events: times(2, ev({ headers: { authorization: `Bearer ${NO_EXP_JWT}` } })),
      expect: [{ severity: 'medium', count: 2, summary: /without an exp claim/ }],
    },
    {
      name: 'JWT without exp in a session cookie',
      events: [ev({ headers: {}, cookies: { session: NO_EXP_JWT } })],
      expect: [{ severity: 'medium', count: 1 }],
    },
    { name: 'negative: JWT with exp', events: [ev()], expect: [] },
    { name: 'negative: opaque bearer token', events: [ev({ headers: { authorization: 'Bearer 8f14e45fceea167a5a36dedd4bea2543' } })], expect: [] },
  ],
  'posture-basic-auth': [
    {
      name: 'HTTP Basic over https',
      events: times(5, ev({ headers: { authorization: BASIC } })),
      expect: [{ severity: 'medium', count: 5, location: 'request header authorization' }],
    },
    { name: 'scheme name in lower case', events: [ev({ headers: { authorization: BASIC.replace('Basic', 'basic') } })], expect: [{ severity: 'medium', count: 1 }] },
    { name: 'negative: bearer JWT', events: [ev()], expect: [] },
    { name: 'negative: Digest', events: [ev({ headers: { authorization: 'Digest username="alice", realm="api", nonce="abc", response="def"' } })], expect: [] },
  ],
  'posture-verbose-errors': [
    {
      name: 'Java stack trace in a 500 body',
      events: times(2, ev({ status: 500, contentType: 'text/plain', body: JAVA_TRACE })),
      expect: [{ severity: 'medium', count: 2, summary: /^responses contain java stack traces or raw errors$/, location: 'response body' }],
    },
    {
      name: 'Python traceback inside a JSON error',
      events: [ev({ status: 500, body: { error: PYTHON_TRACE } })],
      expect: [{ severity: 'medium', count: 1, summary: /python/ }],
    },
    {
      name: 'two kinds across calls make one finding counting both',
      events: [ev({ status: 500, contentType: 'text/plain', body: JAVA_TRACE }), ev({ status: 500, contentType: 'text/plain', body: MYSQL_ERROR })],
      expect: [{ severity: 'medium', count: 2, summary: /java, sql/ }],
    },
    {
      name: 'a textual body sent base64-encoded is decoded and checked',
      events: [ev({ status: 500, contentType: 'text/plain', body: JAVA_TRACE, encoding: 'base64' })],
      expect: [{ severity: 'medium', count: 1, summary: /java/ }],
    },
    { name: 'negative: a generic JSON error', events: [ev({ status: 500, body: { error: 'internal error', correlationId: 'c0ffee-42', code: 500 } })], expect: [] },
    {
      name: 'negative: a binary body is not scanned',
      events: [ev({ status: 500, contentType: 'application/octet-stream', body: JAVA_TRACE, encoding: 'base64' })],
      expect: [],
    },
  ],
  'posture-missing-security-headers': [
    {
      name: 'https responses without HSTS',
      events: times(3, ev({ resHeaders: { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' } })),
      expect: [{ severity: 'low', count: 3, summary: /^responses lack strict-transport-security$/, location: 'response headers' }],
    },
    {
      name: 'responses with a body without nosniff',
      events: [ev({ resHeaders: { 'content-type': 'application/json', 'strict-transport-security': 'max-age=31536000' } })],
      expect: [{ severity: 'low', count: 1, summary: /x-content-type-options/ }],
    },
    {
      name: 'both missing: one finding, both counted',
      events: times(2, ev({ resHeaders: { 'content-type': 'application/json' } })),
      expect: [{ severity: 'low', count: 4, summary: /strict-transport-security, x-content-type-options/ }],
    },
    {
      name: 'missing on 5 of 100 calls (the 5% threshold) is reported',
      events: [...times(95, ev()), ...times(5, ev({ resHeaders: { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' } }))],
      expect: [{ severity: 'low', count: 5 }],
    },
    {
      name: 'negative: missing on 4 of 100 calls is noise',
      events: [...times(96, ev()), ...times(4, ev({ resHeaders: { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' } }))],
      expect: [],
    },
    { name: 'negative: both headers present', events: times(3, ev()), expect: [] },
    {
      name: 'negative: plain http without HSTS (HSTS only counts on TLS responses)',
      events: [ev({ scheme: 'http', headers: {}, resHeaders: { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' } })],
      expect: [],
    },
    {
      name: 'negative: a response without a body needs no nosniff',
      events: [ev({ status: 204, body: null, resHeaders: { 'strict-transport-security': 'max-age=31536000' } })],
      expect: [],
    },
  ],
  'posture-cors-credentials-any-origin': [
    {
      name: 'wildcard origin with credentials',
      events: times(2, ev({ resHeaders: { ...SECURE_RESPONSE_HEADERS, 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true' } })),
      expect: [{ severity: 'high', count: 2, summary: /^Access-Control-Allow-Credentials with wildcard origin$/, location: 'response headers' }],
    },
    {
      name: 'reflected Origin with credentials',
      events: [withOrigin(ev({ resHeaders: { ...SECURE_RESPONSE_HEADERS, 'access-control-allow-origin': 'https://evil.example', 'access-control-allow-credentials': 'true' } }), 'https://evil.example')],
      expect: [{ severity: 'high', count: 1, summary: /reflected/ }],
    },
    {
      name: "'null' origin with credentials (any case of 'true')",
      events: [withOrigin(ev({ resHeaders: { ...SECURE_RESPONSE_HEADERS, 'access-control-allow-origin': 'null', 'access-control-allow-credentials': 'True' } }), 'null')],
      expect: [{ severity: 'high', count: 1, summary: /null origin/ }],
    },
    {
      name: 'negative: wildcard without credentials',
      events: [ev({ resHeaders: { ...SECURE_RESPONSE_HEADERS, 'access-control-allow-origin': '*' } })],
      expect: [],
    },
    {
      name: 'negative: credentials explicitly false',
      events: [ev({ resHeaders: { ...SECURE_RESPONSE_HEADERS, 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'false' } })],
      expect: [],
    },
    {
      name: 'negative: a fixed trusted origin that differs from the caller',
      events: [withOrigin(ev({ resHeaders: { ...SECURE_RESPONSE_HEADERS, 'access-control-allow-origin': 'https://app.shop.example', 'access-control-allow-credentials': 'true' } }), 'https://evil.example')],
      expect: [],
    },
  ],
};

function withOrigin(e: ApiEvent, origin: string): ApiEvent {
  return { ...e, request: { ...e.request, headers: { ...e.request.headers, origin } } };
}

function withRequestBody(e: ApiEvent, body: unknown): ApiEvent {
  const text = JSON.stringify(body);
  return { ...e, request: { ...e.request, body: { contentType: 'application/json', text, encoding: 'utf8', size: text.length, truncated: false } } };
}

const byRule = (findings: readonly Finding[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId);

describe('posture rules: table tests through the real signal functions', () => {
  it('every registered rule has a table with at least one positive and one negative case', () => {
    for (const rule of POSTURE_RULES) {
      const table = TABLES[rule.id];
      expect(table, rule.id).toBeDefined();
      expect(table!.some((c) => c.expect.length > 0), `${rule.id} positive`).toBe(true);
      expect(table!.some((c) => c.expect.length === 0), `${rule.id} negative`).toBe(true);
    }
    expect(Object.keys(TABLES).sort()).toEqual(POSTURE_RULES.map((r) => r.id).sort());
  });

  for (const rule of POSTURE_RULES) {
    describe(rule.id, () => {
      it.each((TABLES[rule.id] ?? []).map((c) => [c.name, c] as const))('%s', (_name, c) => {
        const all = run(c.events, c.template);
        for (const f of all) expect(Finding.safeParse(f).success, JSON.stringify(f)).toBe(true);
        const found = byRule(all, rule.id);
        expect(found.map((f) => ({ severity: f.severity, count: f.count }))).toEqual(c.expect.map((x) => ({ severity: x.severity, count: x.count })));
        c.expect.forEach((x, i) => {
          const f = found[i]!;
          expect(f.title).toBe(rule.title);
          expect(f.owasp).toBe(rule.owasp);
          expect(f.cwe).toBe(rule.cwe);
          expect(f.remediation).toBe(rule.remediation);
          expect(f.host).toBe(HOST);
          if (x.summary) expect(f.evidence.summary).toMatch(x.summary);
          if (x.location) expect(f.evidence.location).toBe(x.location);
        });
        expect(new Set(found.map((f) => f.id)).size).toBe(found.length);
      });
    });
  }

  it('a well-configured, authenticated endpoint yields no finding from any rule', () => {
    expect(run(times(20, ev()))).toEqual([]);
  });

  it('evidence never carries the raw value that triggered it', () => {
    const findings = run([
      ev({ headers: {}, query: { password: ['hunter2hunter2'], email: ['alice@example.com'] }, body: { email: 'bob@example.com' } }),
    ]);
    expect(findings.map((f) => f.ruleId).sort()).toEqual(['posture-credentials-in-url', 'posture-sensitive-data-in-url', 'posture-unauthenticated-sensitive-data']);
    const text = JSON.stringify(findings);
    for (const raw of ['hunter2hunter2', 'alice@example.com', 'bob@example.com']) expect(text).not.toContain(raw);
  });
});

describe('evaluatePosture: fingerprints', () => {
  const events = [ev({ headers: { authorization: BASIC }, query: { api_key: ['sk_live_4eC39HqLyjWDarjtT1zdp7dc'], password: ['hunter2hunter2'] } })];

  it('the same problem gets the same id in separate runs, whatever the counts and evaluation time', () => {
    const a = run(events);
    const b = run(times(7, events[0]!));
    expect(a.map((f) => f.ruleId)).toEqual(['posture-credentials-in-url', 'posture-credentials-in-url', 'posture-basic-auth']);
    expect(b.map((f) => [f.ruleId, f.id])).toEqual(a.map((f) => [f.ruleId, f.id]));
    expect(b.map((f) => f.count)).not.toEqual(a.map((f) => f.count));
  });

  it('ids differ per endpoint', () => {
    const a = run(events);
    const other = run(events.map((e) => ({ ...e, request: { ...e.request, path: '/payments' } })));
    const otherMethod = run(events.map((e) => ({ ...e, request: { ...e.request, method: 'POST' as const } })));
    const ids = (fs: Finding[]) => new Set(fs.map((f) => f.id));
    for (const id of ids(a)) {
      expect(ids(other).has(id)).toBe(false);
      expect(ids(otherMethod).has(id)).toBe(false);
    }
    expect(new Set(other.map((f) => f.endpointId)).size).toBe(1);
    expect(other[0]!.endpointId).not.toBe(a[0]!.endpointId);
  });

  it('ids differ per discriminator within one rule, and across rules', () => {
    const a = run(events);
    const inUrl = byRule(a, 'posture-credentials-in-url');
    expect(inUrl).toHaveLength(2);
    expect(inUrl[0]!.id).not.toBe(inUrl[1]!.id);
    expect(new Set(a.map((f) => f.id)).size).toBe(a.length);
  });
});

describe('evaluatePosture: counts report only what is new', () => {
  it('a second evaluation without new traffic reports nothing; later traffic is counted alone', () => {
    const basic = ev({ headers: { authorization: BASIC } });
    const state = stateFor(times(3, basic));
    const first = byRule(evaluate(state), 'posture-basic-auth');
    expect(first.map((f) => f.count)).toEqual([3]);
    expect(byRule(evaluate(state), 'posture-basic-auth')).toEqual([]);
    for (const e of times(2, basic)) observe(state, e);
    const third = byRule(evaluate(state), 'posture-basic-auth');
    expect(third.map((f) => f.count)).toEqual([2]);
    expect(third[0]!.id).toBe(first[0]!.id);
  });

  it('a new data class on an already reported finding counts only its own occurrences', () => {
    const state = stateFor(times(2, ev({ headers: {}, body: { email: 'alice@example.com' } })));
    expect(byRule(evaluate(state), 'posture-unauthenticated-sensitive-data').map((f) => [f.severity, f.count])).toEqual([['high', 2]]);
    observe(state, ev({ headers: {}, body: { card: '4111 1111 1111 1111' } }));
    const again = byRule(evaluate(state), 'posture-unauthenticated-sensitive-data');
    expect(again.map((f) => [f.severity, f.count])).toEqual([['critical', 1]]);
    expect(again[0]!.evidence.summary).toMatch(/Email address/);
  });

  it('missing headers below the noise threshold are reported in full once they cross it', () => {
    const noHsts = ev({ resHeaders: { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' } });
    const state = stateFor([...times(97, ev()), ...times(3, noHsts)]);
    expect(byRule(evaluate(state), 'posture-missing-security-headers')).toEqual([]);
    for (const e of times(3, noHsts)) observe(state, e);
    expect(byRule(evaluate(state), 'posture-missing-security-headers').map((f) => f.count)).toEqual([6]);
  });

  it("after a template collapse the merged-in state's occurrences are reported again under the surviving endpoint, once", () => {
    // The merged-in endpoint and its findings are removed, so what it had reported must reappear on the survivor.
    const basic = ev({ headers: { authorization: BASIC } });
    const survivor = stateFor(times(2, basic), '/orders/{id}');
    const mergedIn = stateFor(times(3, basic), '/orders/7');
    expect(byRule(evaluate(survivor), 'posture-basic-auth').map((f) => f.count)).toEqual([2]);
    expect(byRule(evaluate(mergedIn), 'posture-basic-auth').map((f) => f.count)).toEqual([3]);
    mergeState(survivor, mergedIn);
    const after = byRule(evaluate(survivor), 'posture-basic-auth');
    expect(after.map((f) => f.count)).toEqual([3]);
    expect(after[0]!.endpointId).toBe(toEndpoint(survivor, { confidence: 1, evidence: [], origin: 'traffic' }, false, classInfo, risk).id);
    expect(byRule(evaluate(survivor), 'posture-basic-auth')).toEqual([]);
    observe(survivor, basic);
    expect(byRule(evaluate(survivor), 'posture-basic-auth').map((f) => f.count)).toEqual([1]);
  });
});

describe('evaluatePosture: a rule that throws', () => {
  const boom: PostureRule = {
    id: 'posture-test-boom',
    title: 'Always fails',
    severity: 'high',
    owasp: 'API8:2023',
    cwe: 'CWE-754',
    tags: [],
    rationale: 'test',
    remediation: 'test',
    evaluate() {
      throw new Error('signals exploded');
    },
  };

  it('becomes a rule-error finding naming the rule and the cause; the other rules still run', () => {
    const basicRule = POSTURE_RULES.find((r) => r.id === 'posture-basic-auth')!;
    const state = stateFor([ev({ headers: { authorization: BASIC } })]);
    const findings = evaluate(state, [boom, basicRule]);
    expect(findings.map((f) => f.ruleId)).toEqual(['rule-error', 'posture-basic-auth']);
    const err = findings[0]!;
    expect(err.severity).toBe('info');
    expect(err.title).toContain('posture-test-boom');
    expect(err.evidence.summary).toBe('rule posture-test-boom threw: signals exploded');
    expect(err.count).toBe(1);
    expect(err.endpointId).toBe(findings[1]!.endpointId);
    expect(Finding.safeParse(err).success).toBe(true);
  });

  it('keeps a stable id across evaluations and does not stop later rules from counting', () => {
    const basicRule = POSTURE_RULES.find((r) => r.id === 'posture-basic-auth')!;
    const state = stateFor([ev({ headers: { authorization: BASIC } })]);
    const a = evaluate(state, [boom, basicRule]);
    observe(state, ev({ headers: { authorization: BASIC } }));
    const b = evaluate(state, [boom, basicRule]);
    expect(b[0]!.id).toBe(a[0]!.id);
    expect(b.map((f) => [f.ruleId, f.count])).toEqual([
      ['rule-error', 1],
      ['posture-basic-auth', 1],
    ]);
  });

  it('a thrown non-Error is reported as an unknown error', () => {
    const odd: PostureRule = { ...boom, id: 'posture-test-odd', evaluate: () => { throw 'nope'; } };
    const [f] = evaluate(stateFor([ev()]), [odd]);
    expect(f?.evidence.summary).toBe('rule posture-test-odd threw: unknown error');
  });
});
