import { isSafe } from 'redos-detector';
import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../contracts/api-event.js';
import type { DataClassHit } from '../contracts/data-class.js';
import type { CredentialFacts } from '../redact/credential-facts.js';
import { newState } from '../aggregate/endpoint-state.js';
import { STACK_TRACE_PATTERNS, findStackTrace, observeBodySignals, observeHeaderSignals, observeHitSignals } from './signals.js';

describe('findStackTrace', () => {
  const POSITIVE: ReadonlyArray<[string, string, string]> = [
    ['java frame', 'java.lang.IllegalStateException: boom\n\tat com.shop.orders.OrderService.total(OrderService.java:87)', 'java'],
    ['kotlin frame', 'at com.shop.Api$Handler.invoke(Api.kt:12)', 'java'],
    ['java native frame', 'at sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\nid 1', 'java'],
    ['node frame', 'TypeError: x is undefined\n    at Object.<anonymous> (/app/src/index.js:10:15)', 'node'],
    ['node internal frame', '    at async handler (node:internal/process/task_queues:95:5)', 'node'],
    ['node windows frame', '    at run (C:\\app\\server.js:3:9)', 'node'],
    ['python traceback', 'Traceback (most recent call last):\n  File "/srv/app/views.py", line 52, in order', 'python'],
    ['python frame alone', '  File "/srv/app/models.py", line 7, in save', 'python'],
    ['.NET frame', '   at Shop.Orders.OrderService.Total(Int32 id) in C:\\src\\Shop\\OrderService.cs:line 87', 'dotnet'],
    ['PHP fatal error', 'Fatal error: Uncaught Exception: boom in /var/www/html/index.php on line 12', 'php'],
    ['PHP warning', 'Warning: Division by zero in /var/www/lib/math.php on line 3', 'php'],
    ['go panic', 'panic: runtime error\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:12 +0x1d', 'go'],
    ['ruby frame (backtick)', "app/models/user.rb:42:in `find'", 'ruby'],
    ['ruby 3.4 frame (quote)', "app/models/user.rb:42:in 'User#find'", 'ruby'],
    ['MySQL syntax error', "You have an error in your SQL syntax; check the manual near '' at line 1", 'sql'],
    ['Oracle error', 'ORA-00942: table or view does not exist', 'sql'],
    ['PDO SQLSTATE', 'SQLSTATE[42S02]: Base table or view not found: 1146', 'sql'],
    ['PostgreSQL via Ruby pg', 'PG::SyntaxError: ERROR:  syntax error at or near "FROM"\nLINE 1: SELECT FROM', 'sql'],
    ['SQLite via Ruby', 'SQLite3::SQLException: no such table: widgets', 'sql'],
    ['PostgreSQL error class not ending in Error', 'PG::UndefinedTable: ERROR:  relation "widgets" does not exist', 'sql'],
    ['python frames inside a JSON error body', JSON.stringify({ error: 'boom', trace: '  File "/srv/app/models.py", line 7, in save\n    x()' }), 'python'],
    ['java frames inside a JSON error body', JSON.stringify({ trace: 'java.lang.NullPointerException\n\tat com.shop.A.b(A.java:12)' }), 'java'],
  ];

  const NEGATIVE: ReadonlyArray<[string, string]> = [
    ['ordinary JSON', JSON.stringify({ id: 42, total: 19.99, items: [{ sku: 'A-1', qty: 2 }], createdAt: '2026-03-01T10:00:00Z' })],
    ['a generic JSON error', '{"error":"internal error","correlationId":"c0ffee-42","status":500}'],
    ['prose with "at" and times', 'Our office is at 10 Downing Street, open at 9:30 until 17:00.'],
    ['prose with "at" and parentheses', 'The meeting is at noon (room 4.java) on day 3'],
    ['a URL with a port', 'see https://status.example.com:8443/incidents/12 for details'],
    ['a log line with "line"', 'order 17 shipped, line 4 of 9'],
    ['the word Traceback alone', 'Traceback is our product name'],
    ['empty', ''],
    ['prose with a path and a time', 'Meet me at /lobby:10:30'],
  ];

  it.each(POSITIVE)('detects %s', (_name, text, lang) => {
    expect(findStackTrace(text)).toBe(lang);
  });

  it.each(NEGATIVE)('ignores %s', (_name, text) => {
    expect(findStackTrace(text)).toBeNull();
  });

  it('scans a bounded prefix: a trace after the first 64 KiB is not seen', () => {
    const trace = '\n\tat com.shop.A.b(A.java:1)';
    expect(findStackTrace('x'.repeat(60 * 1024) + trace)).toBe('java');
    expect(findStackTrace('x'.repeat(70 * 1024) + trace)).toBeNull();
  });
});

/**
 * Stack-trace patterns run on response bodies. `redos-detector` checks the patterns for super-linear
 * backtracking; adversarial 100 KB near-matches must finish well inside a generous bound (the bound
 * guards against catastrophic behaviour, it is not a benchmark).
 */
describe('ReDoS safety of STACK_TRACE_PATTERNS', () => {
  const BOUND_MS = 2000;
  const SIZE = 100 * 1024;
  const repeatTo = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

  const ADVERSARIAL: ReadonlyArray<[string, string]> = [
    ['java frame starts', repeatTo('at a.b(')],
    ['java frames without a closing paren', repeatTo('at a.b(x.java:')],
    ['java identifier characters', repeatTo('at $.<>(')],
    ['.NET frames without :line', repeatTo('at a() in ')],
    ['.NET long argument lists', repeatTo('at a(' + 'x'.repeat(290))],
    ['.NET :line without digits', repeatTo('at a() in x:line ')],
    ['PHP messages without "on line"', repeatTo('Warning: x in /a')],
    ['PHP error prefixes', repeatTo('Fatal error: ')],
    ['ruby frames without a closing quote', repeatTo('a.rb:1:in `')],
    ['python File without closing quote', repeatTo('File "')],
    ['python File without line number', repeatTo('File "a", line ')],
    ['PG prefixes', repeatTo('PG::A')],
    ['SQLite prefixes', repeatTo('SQLite3::A')],
    ['SQLSTATE without code', repeatTo('SQLSTATE[')],
    ['goroutine without state', repeatTo('goroutine 1 [')],
    ['digits', repeatTo('1')],
    ['"at " runs', repeatTo('at ')],
    ['"at" with digits', repeatTo(' at  1')],
    ['node frames without column', repeatTo('at 1:1:1 ')],
    ['node: prefixes', repeatTo('at node:')],
    ['file:// prefixes', repeatTo('at file://')],
    ['drive letters', repeatTo('at C:\\')],
    ['slashes after "at"', repeatTo('at //')],
    ['paths after "at"', repeatTo('at /')],
  ];

  it.each(STACK_TRACE_PATTERNS.map(([lang, re]) => [`${lang} ${re.source.slice(0, 40)}`, re] as const))('%s is proven safe by redos-detector', (_name, re) => {
    const result = isSafe(re);
    expect(result.safe, JSON.stringify(result.score)).toBe(true);
  });

  it.each(STACK_TRACE_PATTERNS.map(([lang, re]) => [lang, re] as const))('%s pattern stays fast on 100 KB near-matches', (_lang, re) => {
    for (const [label, input] of ADVERSARIAL) {
      const t0 = performance.now();
      re.test(input);
      expect(performance.now() - t0, label).toBeLessThan(BOUND_MS);
    }
  });

  it.each(ADVERSARIAL)('findStackTrace stays fast on %s', (_label, input) => {
    const t0 = performance.now();
    expect(findStackTrace('1' + input)).toBeNull();
    expect(performance.now() - t0).toBeLessThan(BOUND_MS);
  });
});

const NO_CREDENTIALS: CredentialFacts = { kind: 'none', jwt: null, principal: null };
const BASIC: CredentialFacts = { kind: 'basic', jwt: null, principal: 1 };

function event(o: { scheme?: 'http' | 'https'; origin?: string; resHeaders?: Record<string, string>; body?: string; encoding?: 'utf8' | 'base64' } = {}): ApiEvent {
  return {
    timestamp: '2026-03-01T10:00:00.000Z',
    source: { kind: 'ndjson' },
    request: {
      method: 'GET',
      scheme: o.scheme ?? 'https',
      host: 'api.example.com',
      path: '/orders',
      query: {},
      headers: o.origin ? { origin: o.origin } : {},
      cookies: {},
    },
    response: {
      status: 200,
      headers: o.resHeaders ?? { 'strict-transport-security': 'max-age=1', 'x-content-type-options': 'nosniff' },
      ...(o.body !== undefined ? { body: { text: o.body, encoding: o.encoding ?? 'utf8', size: o.body.length, truncated: false } } : {}),
    },
  };
}

describe('observeHeaderSignals', () => {
  const signalsOf = (e: ApiEvent, facts: CredentialFacts = NO_CREDENTIALS) => {
    const s = newState('api.example.com', 'GET', '/orders', 0);
    observeHeaderSignals(s, e, facts);
    return s.signals;
  };

  it('credentials over http, and basic auth, by kind', () => {
    expect(signalsOf(event({ scheme: 'http' }), BASIC)).toEqual({ 'credentials-over-http:basic': 1, 'basic-auth': 1 });
    expect(signalsOf(event({ scheme: 'http' }), NO_CREDENTIALS)).toEqual({});
  });

  it('JWT facts: alg none in any case, missing exp', () => {
    const facts = (alg: string, hasExp: boolean): CredentialFacts => ({ kind: 'bearer-jwt', principal: 1, jwt: { alg, hasExp, expired: false, claims: [], iss: null } });
    expect(signalsOf(event(), facts('None', true))).toEqual({ 'jwt-alg-none': 1 });
    expect(signalsOf(event(), facts('RS256', false))).toEqual({ 'jwt-no-exp': 1 });
    expect(signalsOf(event(), facts('RS256', true))).toEqual({});
  });

  it.each([
    ['*', undefined, 'cors-credentials:wildcard'],
    ['https://evil.example', 'https://evil.example', 'cors-credentials:reflected'],
    ['null', 'null', 'cors-credentials:null'],
    [' * ', undefined, 'cors-credentials:wildcard'],
  ] as const)('ACAO %j with credentials and Origin %j gives %s', (acao, origin, key) => {
    const e = event({ ...(origin ? { origin } : {}), resHeaders: { 'strict-transport-security': 'x', 'access-control-allow-origin': acao, 'access-control-allow-credentials': 'true' } });
    expect(signalsOf(e)).toEqual({ [key]: 1 });
  });

  it('no CORS signal without credentials or for a fixed origin', () => {
    expect(signalsOf(event({ resHeaders: { 'strict-transport-security': 'x', 'access-control-allow-origin': '*' } }))).toEqual({});
    expect(
      signalsOf(event({ origin: 'https://evil.example', resHeaders: { 'strict-transport-security': 'x', 'access-control-allow-origin': 'https://app.example', 'access-control-allow-credentials': 'true' } })),
    ).toEqual({});
  });

  it('missing HSTS only on https; missing nosniff only with a body', () => {
    expect(signalsOf(event({ resHeaders: {} }))).toEqual({ 'missing-header:strict-transport-security': 1 });
    expect(signalsOf(event({ scheme: 'http', resHeaders: {} }))).toEqual({});
    expect(signalsOf(event({ scheme: 'http', resHeaders: {}, body: '{}' }))).toEqual({ 'missing-header:x-content-type-options': 1 });
  });
});

describe('observeHitSignals', () => {
  const hit = (dataClass: string, direction: DataClassHit['direction'], location: DataClassHit['location'], name: string): DataClassHit => ({ dataClass, direction, location, name });

  it('names a path hit by its template parameter, and keeps the raw index when the segment is literal', () => {
    const s = newState('h', 'GET', '/users/{email}/x', 0);
    observeHitSignals(s, [hit('email', 'request', 'path', '/2'), hit('email', 'request', 'path', '/3')], BASIC, [null, null, 'email', null]);
    expect(s.signals).toEqual({ 'in-url:email:path:email': 1, 'in-url:email:path:/3': 1 });
  });

  it('query hits become in-url signals; body and header hits do not', () => {
    const s = newState('h', 'GET', '/x', 0);
    observeHitSignals(s, [hit('api-key', 'request', 'query', 'key'), hit('email', 'request', 'body', '/email'), hit('api-key', 'request', 'header', 'x-api-key')], BASIC, []);
    expect(s.signals).toEqual({ 'in-url:api-key:query:key': 1 });
  });

  it('response hits count as unauthenticated only without credentials, and never for credential classes', () => {
    const anon = newState('h', 'GET', '/x', 0);
    observeHitSignals(anon, [hit('email', 'response', 'body', '/e'), hit('jwt', 'response', 'body', '/t')], NO_CREDENTIALS, []);
    expect(anon.signals).toEqual({ 'unauth-response:email': 1 });
    const authed = newState('h', 'GET', '/x', 0);
    observeHitSignals(authed, [hit('email', 'response', 'body', '/e')], BASIC, []);
    expect(authed.signals).toEqual({});
  });
});

describe('observeBodySignals', () => {
  const trace = 'at com.shop.A.b(A.java:1)';
  it('signals a stack trace by language in a text body', () => {
    const s = newState('h', 'GET', '/x', 0);
    observeBodySignals(s, event({ body: trace }));
    observeBodySignals(s, event({ body: trace }));
    expect(s.signals).toEqual({ 'stack-trace:java': 2 });
  });
  it('ignores base64 bodies and events without a body', () => {
    const s = newState('h', 'GET', '/x', 0);
    observeBodySignals(s, event({ body: Buffer.from(trace).toString('base64'), encoding: 'base64' }));
    observeBodySignals(s, event({ body: trace, encoding: 'base64' }));
    observeBodySignals(s, event());
    expect(s.signals).toEqual({});
  });
});
