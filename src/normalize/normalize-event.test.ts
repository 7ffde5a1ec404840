import { describe, expect, it } from 'vitest';
import { ApiEvent } from '../contracts/api-event.js';
import { DEFAULT_LIMITS } from './limits.js';
import { normalizeEvent, type NormalizeContext } from './normalize-event.js';

const ctx: NormalizeContext = { source: 'ndjson', name: 'events.ndjson', line: 7, limits: DEFAULT_LIMITS };

function ok(input: unknown, c: Partial<NormalizeContext> = {}) {
  const r = normalizeEvent(input, { ...ctx, ...c });
  if (!r.ok) throw new Error(`unexpected reject: ${r.reject.reason}`);
  // Every normalized event must satisfy the canonical schema.
  expect(ApiEvent.safeParse(r.event).success, JSON.stringify(ApiEvent.safeParse(r.event).error?.issues)).toBe(true);
  return r.event;
}
function rejectReason(input: unknown, c: Partial<NormalizeContext> = {}): string {
  const r = normalizeEvent(input, { ...ctx, ...c });
  if (r.ok) throw new Error('expected a reject');
  expect(r.reject.source).toBe('events.ndjson');
  expect(r.reject.line).toBe(7);
  return r.reject.reason;
}
const base = (request: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  timestamp: '2026-01-02T03:04:05.000Z',
  request: { method: 'GET', url: 'https://api.example.com/v1/users', ...request },
  ...extra,
});

describe('normalizeEvent: request line', () => {
  it('splits a full URL into scheme, lower-cased host, non-default port, path and query', () => {
    const e = ok(base({ method: 'post', url: 'HTTPS://User:Secret@API.Example.COM:8443/v1/items/%7Ebob?q=a+b&q=c%26d&flag#frag' }));
    expect(e.request).toMatchObject({
      method: 'POST', scheme: 'https', host: 'api.example.com', port: 8443, path: '/v1/items/~bob',
      query: { q: ['a b', 'c&d'], flag: [''] },
    });
    expect(JSON.stringify(e)).not.toContain('Secret');
  });

  it('drops the default port and infers the scheme from the port', () => {
    expect(ok(base({ url: 'https://a.example.com:443/x' })).request.port).toBeUndefined();
    const e = ok({ timestamp: 1, request: { method: 'GET', host: 'a.example.com', port: 80, path: '/x' } });
    expect(e.request).toMatchObject({ scheme: 'http', host: 'a.example.com', path: '/x' });
    expect(e.request.port).toBeUndefined();
  });

  it('takes the host from the Host header, then :authority, then the default', () => {
    expect(ok({ timestamp: 1, request: { method: 'GET', path: '/a?b=1', headers: { Host: 'Shop.Example.com:8080' } } }).request)
      .toMatchObject({ host: 'shop.example.com', port: 8080, path: '/a', query: { b: ['1'] } });
    expect(ok({ timestamp: 1, request: { method: 'GET', path: '/a', headers: [{ name: ':authority', value: 'h2.example.com' }] } }).request.host)
      .toBe('h2.example.com');
    expect(ok({ timestamp: 1, request: { method: 'GET', path: '/a' } }, { defaults: { host: 'fallback.local', scheme: 'http' } }).request)
      .toMatchObject({ host: 'fallback.local', scheme: 'http' });
  });

  it('keeps %2F escaped so it never becomes a path separator', () => {
    expect(ok(base({ url: 'https://a.example.com/files/a%2fb%41' })).request.path).toBe('/files/a%2FbA');
  });

  it('accepts query as a map and keeps repeated values in order', () => {
    const e = ok(base({ url: 'https://a.example.com/s?ignored=1', query: { tag: ['x', 'y'], page: 2, debug: true } }));
    expect(e.request.query).toEqual({ tag: ['x', 'y'], page: ['2'], debug: [''] });
  });
});

describe('normalizeEvent: headers and cookies', () => {
  it('lower-cases names and joins repeats (Set-Cookie with newline)', () => {
    const e = ok(base({ headers: [{ name: 'Accept', value: 'a/b' }, { name: 'ACCEPT', value: 'c/d' }, { name: ':method', value: 'GET' }] }, {
      response: { status: 200, headers: { 'Set-Cookie': ['a=1', 'b=2'] } },
    }));
    expect(e.request.headers).toEqual({ accept: 'a/b, c/d' });
    expect(e.response?.headers['set-cookie']).toBe('a=1\nb=2');
  });

  it('parses the Cookie header into cookies when none are given', () => {
    const e = ok(base({ headers: { cookie: 'sid=abc; theme=dark;  empty=' } }));
    expect(e.request.cookies).toEqual({ sid: 'abc', theme: 'dark', empty: '' });
  });

  it('does not let a __proto__ header touch the prototype', () => {
    const e = ok(base({ headers: [{ name: '__proto__', value: 'x' }, { name: 'constructor', value: 'y' }] }));
    expect(e.request.headers['__proto__']).toBe('x');
    expect(e.request.headers.constructor).toBe('y');
    expect(Object.getPrototypeOf(e.request.headers)).toBe(Object.prototype);
  });

  it('takes a headers object that is already canonical as it is, and builds the same result otherwise', () => {
    const canonical = { accept: 'a/b', 'x-request-id': '42' };
    expect(ok(base({ headers: canonical })).request.headers).toBe(canonical);
    // Each of these needs the copy: upper case, a non-string value, a pseudo-header, a parsed __proto__ name.
    expect(ok(base({ headers: { Accept: 'a/b', 'x-request-id': '42' } })).request.headers).toEqual(canonical);
    expect(ok(base({ headers: { accept: 'a/b', 'x-request-id': 42 } })).request.headers).toEqual(canonical);
    expect(ok(base({ headers: { accept: 'a/b', ':authority': 'h.example', 'x-request-id': '42' } })).request.headers).toEqual(canonical);
    const parsed = JSON.parse('{"__proto__":"x","accept":"a/b"}') as Record<string, string>;
    const e = ok(base({ headers: parsed }));
    expect(e.request.headers).not.toBe(parsed);
    expect(Object.keys(e.request.headers)).toEqual(['__proto__', 'accept']);
    expect(Object.getPrototypeOf(e.request.headers)).toBe(Object.prototype);
    // Limits still hold on the fast path's input.
    expect(rejectReason(base({ headers: { accept: 'x'.repeat(DEFAULT_LIMITS.maxHeaderBytes + 1) } }))).toMatch(/too long/);
    const many = Object.fromEntries(Array.from({ length: DEFAULT_LIMITS.maxHeaders + 1 }, (_, i) => [`h${i}`, 'v']));
    expect(rejectReason(base({ headers: many }))).toMatch(/too many headers/);
  });
});

describe('normalizeEvent: bodies', () => {
  it('truncates an oversized body at a UTF-8 boundary and keeps the original size', () => {
    const text = 'é'.repeat(40_000); // 80 000 bytes
    const e = ok(base({ method: 'POST', body: { text, contentType: 'text/plain' } }));
    expect(e.request.body).toMatchObject({ truncated: true, size: 80_000, contentType: 'text/plain' });
    expect(Buffer.byteLength(e.request.body!.text!)).toBe(65_536);
    expect(e.request.body!.text!.endsWith('é')).toBe(true);
  });

  it('measures base64 bodies by decoded size', () => {
    const text = Buffer.from('hello world').toString('base64');
    const e = ok(base({}, { response: { status: 200, body: { text, encoding: 'base64', contentType: 'image/png' } } }));
    expect(e.response?.body).toEqual({ text, encoding: 'base64', size: 11, truncated: false, contentType: 'image/png' });
  });

  it('serializes an object body as JSON and takes the content type from headers', () => {
    const e = ok(base({ method: 'POST', headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: { user: { id: 1 } } }));
    expect(e.request.body).toMatchObject({ text: '{"user":{"id":1}}', size: 17, contentType: 'application/json; charset=utf-8' });
  });

  it('keeps a size-only body when the source logs no text', () => {
    const e = ok(base({}, { response: { status: 200, body: { size: 512 } } }));
    expect(e.response?.body).toEqual({ size: 512, truncated: false, encoding: 'utf8' });
  });
});

describe('normalizeEvent: timestamps', () => {
  it.each([
    ['2026-01-02T03:04:05Z', '2026-01-02T03:04:05.000Z'],
    ['2026-01-02T05:04:05.123+02:00', '2026-01-02T03:04:05.123Z'],
    ['2026-01-02 03:04:05', '2026-01-02T03:04:05.000Z'],
    ['2024-02-20T10:00:00.123456789Z', '2024-02-20T10:00:00.123Z'],
    ['02/Jan/2026:05:04:05 +0200', '2026-01-02T03:04:05.000Z'],
    [1767323045, '2026-01-02T03:04:05.000Z'],
    [1767323045123, '2026-01-02T03:04:05.123Z'],
    [1767323045.5, '2026-01-02T03:04:05.500Z'],
    ['1767323045', '2026-01-02T03:04:05.000Z'],
  ])('%s -> %s', (ts, iso) => {
    expect(ok({ ...base({}), timestamp: ts }).timestamp).toBe(iso);
  });

  it('uses the default timestamp when the record has none', () => {
    expect(ok({ request: base({}).request }, { defaults: { timestamp: '2026-05-05T00:00:00.000Z' } }).timestamp).toBe('2026-05-05T00:00:00.000Z');
  });
});

describe('normalizeEvent: misc fields', () => {
  it('canonicalises HTTP versions and copies latency, client and TLS', () => {
    const e = ok(base({ httpVersion: 'h2', clientAddress: '203.0.113.9', tlsVersion: 'TLS 1.3' }, { latencyMs: 12.5, response: { status: '201' } }));
    expect(e.request).toMatchObject({ httpVersion: 'HTTP/2', clientAddress: '203.0.113.9', tlsVersion: 'TLS 1.3' });
    expect(e.latencyMs).toBe(12.5);
    expect(e.response?.status).toBe(201);
    expect(e.source).toEqual({ kind: 'ndjson', name: 'events.ndjson' });
  });
});

describe('normalizeEvent: rejects name the field and never echo values', () => {
  const secret = 'Bearer-s3cr3t-token';
  it.each<[string, unknown, RegExp]>([
    ['not an object', 'nope', /^event: not a JSON object$/],
    ['no request', { timestamp: 1 }, /^request: missing/],
    ['missing method', base({ method: undefined }), /^request\.method: missing$/],
    ['unknown method', base({ method: secret }), /^request\.method: not a known HTTP method$/],
    ['invalid URL', base({ url: `ftp://${secret}/x` }), /^request\.url: not a valid URL$/],
    ['bad port in URL', base({ url: 'https://a.example.com:99999/x' }), /^request\.url: not a valid URL$/],
    ['missing host', { timestamp: 1, request: { method: 'GET', path: '/x' } }, /^request\.host: missing/],
    ['invalid host', { timestamp: 1, request: { method: 'GET', host: `${secret} x`, path: '/x' } }, /^request\.host: not a valid host/],
    ['missing path', { timestamp: 1, request: { method: 'GET', host: 'a.example.com' } }, /^request\.path: missing/],
    ['relative path', { timestamp: 1, request: { method: 'GET', host: 'a.example.com', path: secret } }, /^request\.path: must start with/],
    ['oversized URL', base({ url: `https://a.example.com/${secret}${'a'.repeat(9000)}` }), /^request\.url: too long \(9041 > 8192 bytes\)$/],
    ['too many headers', base({ headers: Array.from({ length: 512 }, (_, i) => ({ name: `x-${i}`, value: secret })) }), /^too many headers in request\.headers \(512 > 200\)$/],
    ['oversized header', base({ headers: { authorization: secret.repeat(1000) } }), /^request\.headers: value of "authorization" too long \(19000 > 16384 bytes\)$/],
    ['deep JSON body (object)', base({ body: JSON.parse('{"a":'.repeat(70) + '1' + '}'.repeat(70)) }), /^request\.body: JSON nested deeper than 64 levels$/],
    ['deep JSON body (text)', base({ body: { text: '['.repeat(100) + ']'.repeat(100), contentType: 'application/json' } }), /^request\.body: JSON nested deeper than 64 levels$/],
    ['lone surrogate in body', base({ body: `${secret}\ud800` }), /^invalid UTF-8 in request\.body$/],
    ['invalid status', base({}, { response: { status: 42 } }), /^response\.status: not a valid HTTP status/],
    ['status not a number', base({}, { response: { status: secret } }), /^response\.status: not a valid HTTP status/],
    ['bad timestamp', { ...base({}), timestamp: secret }, /^timestamp: not a valid date/],
    ['impossible date', { ...base({}), timestamp: '2026-13-45T00:00:00Z' }, /^timestamp: not a valid date/],
    ['missing timestamp', { request: base({}).request }, /^timestamp: missing$/],
    ['negative latency', { ...base({}), latencyMs: -3 }, /^latencyMs: must be a non-negative number$/],
    ['oversized client address', base({ clientAddress: secret.repeat(10) }), /^request\.clientAddress: too long/],
  ])('%s', (_name, input, re) => {
    const reason = rejectReason(input);
    expect(reason).toMatch(re);
    expect(reason).not.toContain('s3cr3t');
  });
});

