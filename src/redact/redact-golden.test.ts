import { createHash, type Hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../contracts/api-event.js';
import { classifyValue, createClassifier, findInText } from '../classify/index.js';
import type { CustomClass } from '../classify/index.js';
import { generateDemoTraffic } from '../demo/estate.js';
import { Rng } from '../demo/prng.js';
import { DEFAULT_LIMITS } from '../normalize/limits.js';
import { normalizeEvent } from '../normalize/normalize-event.js';
import { createRedactor } from './redactor.js';
import type { Redactor } from './redactor.js';
import { createPlaceholder } from './placeholder.js';

/*
 * Golden outputs. The redactor, the classifier and the placeholder cache were rewritten for fewer allocations
 * (session 9) and checked then against verbatim copies of the previous code on these same inputs; the digests
 * below are of the previous code's outputs. They pin the behaviour: a change to any redacted value, placeholder,
 * hit, its order, or a key order changes a digest. A deliberate change of output updates them, saying why.
 */
const GOLDEN = {
  demo: '0c2001b8691146ae5da963e2867df9ce25c95a6766fe1014dc7e04c21291d153',
  mutated: '1c83abc8c40b3ed9f0a4896785c8724219273e41cc0f853478e4a376003bcddf',
  classifier: '324370c2657f0b8da7314c9340cddb59785b616d0a7a0d87fbe047f7c629fcf3',
  placeholder: '4963f21762e0500c1517e44d24b7ce0cec641e3c4ab8183e682582058f2a18b5',
};

/** Feeds each output to a SHA-256 as JSON (key order included), one record per line. */
function feed(hash: Hash, value: unknown): void {
  hash.update(JSON.stringify(value) ?? 'undefined');
  hash.update('\n');
}

const SECRET = 'equivalence-secret-0123456789abcdef';
const CUSTOM: CustomClass[] = [
  { id: 'custom-employee-id', title: 'Employee id', category: 'pii', sensitivity: 'medium', keyPattern: '^(employee|staff)_?id$', valuePattern: '^E\\d{6}$' },
  { id: 'custom-badge', title: 'Badge', category: 'pii', sensitivity: 'low', valuePattern: '^BADGE-[0-9]{4}$' },
  { id: 'custom-tenant', title: 'Tenant', category: 'pii', sensitivity: 'low', keyPattern: 'tenant' },
];

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAzZxk\n-----END RSA PRIVATE KEY-----';

/** Values that classify (or nearly do), for mutations: each one exercises a detector, a key rule or a scanner. */
const SENSITIVE: readonly string[] = [
  'alice@example.com', 'bob.smith+tag@mail.example.co.uk', 'icon@2x.png', '4111 1111 1111 1111', '4111111111111111',
  '5500-0000-0000-0004', '378282246310005', '4111111111111112', 'GB82 WEST 1234 5698 7654 32', 'DE89370400440532013000',
  '123-45-6789', '078-05-1120', 'AB123456C', '046 454 286', 'ABCPE1234F', '2345 6789 0124', '1EG4-TE5-MK73',
  '+44 20 7946 0958', '(415) 555-2671', '020 7946 0958', '4155552671', '203.0.113.7', '2001:db8::1', '::ffff:10.0.0.1',
  '10.0.0.256', JWT, `Bearer ${JWT}`, 'AKIAIOSFODNN7EXAMPLE', 'ghp_' + 'a'.repeat(36), 'sk_live_' + 'b'.repeat(24),
  'xoxb-1234567890-abcdefghij', 'AIza' + 'c'.repeat(35), 'https://hooks.slack.com/services/T0000000/B0000000/' + 'd'.repeat(24),
  PEM, '1990-04-01', '01/04/1990', '19900401', '221B Baker Street', '1600 Pennsylvania Avenue NW, Washington',
  'Ada Lovelace', 'hunter2', 'x9F2kLq8Zr4Tb7Nw3Vy6', 'Zq8xT2bN7wK4rV9m', 'E123456', 'BADGE-0042', 'mail alice@example.com now',
  'password=hunter2&user=ada', 'token: "x9F2kLq8Zr4Tb7Nw3Vy6Zq8x"', '<password>s3cret!</password>', 'call me at SSN 123456789',
  'card 4111-1111-1111-1111 ok', 'iban GB82WEST12345698765432.', 'alice%40example.com', '0123456789abcdef0123456789abcdef',
  '550e8400-e29b-41d4-a716-446655440000', '2026-11-16T00:00:00.334Z', 'v1.2.3', '1.2.3.4', 'en-US', 'true', '42', '',
  ' ', 'é'.repeat(20), 'x'.repeat(300), 'a@b', 'ΑΒΓ@δε.gr', 'A'.repeat(8200) + PEM,
];
const KEYS: readonly string[] = [
  'email', 'userEmail', 'password', 'newPassword', 'token', 'access_token', 'api_key', 'key', 'code', 'ticket', 'sig',
  'card_number', 'cvv', 'ssn', 'sin', 'aadhaar', 'mrn', 'nhs_number', 'phone', 'iphone', 'dob', 'address', 'line1',
  'name', 'firstName', 'id', 'orderId', 'appVersion', 'employee_id', 'tenant', 'q', 'page', 'sort', 'session', 'X-Api-Key',
  'alice@example.com', '__proto__', 'constructor', 'a/b~c', 'x'.repeat(130),
];
const PARENTS: readonly string[] = ['customer', 'customers', 'address', 'billingAddress', 'user', 'product', 'items', 'cardholder'];

type Rec = Record<string, unknown>;
const clone = <T,>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A random JSON document with the given keys and values, nested a few levels, arrays of objects included. */
function randomJson(rng: Rng, depth: number): unknown {
  const r = rng.float();
  if (depth <= 0 || r < 0.35) {
    const k = rng.int(6);
    if (k === 0) return rng.int(10_000);
    if (k === 1) return rng.pick([4111111111111111, 1_000_000_000_000, 999_999_999_999, 123, 4155552671, -5, 1.5, 2 ** 60]);
    if (k === 2) return rng.pick([true, false, null]);
    return rng.pick(SENSITIVE);
  }
  if (r < 0.55) return Array.from({ length: rng.int(5) }, () => randomJson(rng, depth - 1));
  const obj: Rec = {};
  const n = rng.int(6);
  for (let i = 0; i < n; i++) {
    const key = rng.chance(0.7) ? rng.pick(KEYS) : rng.pick(PARENTS);
    if (key === '__proto__') Object.defineProperty(obj, key, { value: randomJson(rng, depth - 1), enumerable: true, writable: true, configurable: true });
    else obj[key] = randomJson(rng, depth - 1);
  }
  return obj;
}

const MUTATIONS: Array<(rng: Rng, e: ApiEvent) => void> = [
  (rng, e) => {
    e.request.query[rng.pick(KEYS)] = [rng.pick(SENSITIVE), ...(rng.chance(0.3) ? [rng.pick(SENSITIVE), ''] : [])];
  },
  (rng, e) => {
    e.request.path = `/v1/${rng.pick(['users', 'password-reset', 'session', 'orders', 'email'])}/${encodeURIComponent(rng.pick(SENSITIVE))}/${rng.pick(['x', '%zz', '', 'items'])}`;
  },
  (rng, e) => {
    e.request.headers[rng.pick(['x-api-key', 'x-tenant-token', 'x-auth-type', 'x-request-id', 'x-author', 'x-custom', 'x-authorization'])] = rng.pick(SENSITIVE) || 'v';
  },
  (rng, e) => {
    e.request.headers.authorization = rng.pick([`Bearer ${JWT}`, 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', 'Token abc', 'opaque', 'Bearer  ', `Digest ${rng.pick(SENSITIVE)}`]);
  },
  (rng, e) => {
    e.request.headers['x-forwarded-for'] = rng.pick(['203.0.113.7, 10.0.0.1', ' 203.0.113.7 ,, 198.51.100.2 ', '2001:db8::1', 'unknown, 10.0.0.1', ',']);
    if (rng.chance(0.3)) e.request.headers.forwarded = rng.pick(['for=192.0.2.60;proto=http', 'proto=https']);
  },
  (rng, e) => {
    e.request.cookies[rng.pick(['sid', '_ga', 'theme', 'email', 'prefs'])] = rng.pick(SENSITIVE) || 'dark';
    e.request.headers.cookie = `sid=${rng.pick(SENSITIVE)}; theme=dark; a=${rng.pick(SENSITIVE)}`;
  },
  (rng, e) => {
    if (e.response) {
      e.response.headers['set-cookie'] = rng.pick([
        `sid=${rng.hex(32)}; Path=/; HttpOnly`,
        `a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT, b=${rng.pick(SENSITIVE)}; Secure\nc=dark`,
      ]);
      e.response.headers.location = rng.pick([
        `https://user:${rng.pick(SENSITIVE)}@example.com/cb?code=${rng.hex(12)}&email=alice%40example.com#access_token=${JWT}`,
        '/v1/next?page=2',
      ]);
      e.response.headers.link = `<https://api.example.com/v1/items?token=${rng.hex(24)}>; rel="next", <https://api.example.com/v1/items?page=1>; rel="first"`;
    }
  },
  (rng, e) => {
    const text = JSON.stringify(randomJson(rng, 4));
    const target = rng.chance(0.5) || !e.response ? e.request : e.response;
    target.body = { contentType: rng.pick(['application/json', 'application/vnd.api+json', '']), text, encoding: 'utf8', size: text.length, truncated: false };
  },
  (rng, e) => {
    const text = rng.pick([
      `user=${encodeURIComponent(rng.pick(SENSITIVE))}&password=${rng.hex(8)}&alice%40example.com=1&q=hello+world`,
      `log line token=${rng.hex(30)} from ${rng.pick(SENSITIVE)} <password>p4ss</password>`,
      '{"broken": "json", "email": "alice@example.com"',
    ]);
    const ct = text.startsWith('user=') ? 'application/x-www-form-urlencoded' : rng.pick(['text/plain', 'application/xml', '']);
    e.request.body = { contentType: ct, text, encoding: 'utf8', size: text.length, truncated: false };
  },
  (rng, e) => {
    // More distinct hits than the hit set compares field by field, some of them twice.
    const obj: Rec = {};
    for (let i = 0; i < 24; i++) obj[`f${i % 20}_${rng.int(3)}email`] = rng.pick(['a@example.com', 'b@example.com']);
    const text = JSON.stringify({ list: [obj, obj] });
    e.request.body = { contentType: 'application/json', text, encoding: 'utf8', size: text.length, truncated: false };
  },
  (rng, e) => {
    e.request.clientAddress = rng.pick(['203.0.113.9', '', '::1']);
  },
];

function demoEvents(seed: number, count: number): ApiEvent[] {
  const out: ApiEvent[] = [];
  let line = 0;
  for (const input of generateDemoTraffic({ seed, events: count })) {
    const r = normalizeEvent(input, { source: 'ndjson', line: ++line, limits: DEFAULT_LIMITS });
    if (r.ok) out.push(r.event);
  }
  return out;
}

function record(hash: Hash, redactor: Redactor, event: ApiEvent): number {
  const input = JSON.stringify(event);
  feed(hash, redactor.redactUrl(event.request));
  const red = redactor.redactEvent(event);
  feed(hash, red);
  // The redactor never touches its input.
  expect(JSON.stringify(event)).toBe(input);
  return red.hits.length;
}

describe('redactor golden outputs', () => {
  it('gives the recorded redacted events, placeholders and hits (in order) for demo traffic', () => {
    const redactor = createRedactor({ secret: SECRET });
    const hash = createHash('sha256');
    let hits = 0;
    // Twice over: the second pass runs on warm memos (clean paths, segments, placeholders).
    const events = demoEvents(21, 5000);
    for (let pass = 0; pass < 2; pass++) for (const e of events) hits += record(hash, redactor, e);
    expect(hits).toBeGreaterThan(5000);
    expect(hash.digest('hex')).toBe(GOLDEN.demo);
  });

  it('gives the recorded results for mutated demo traffic, with custom classes', () => {
    const rng = new Rng(5);
    const redactor = createRedactor({ secret: SECRET, customClasses: CUSTOM, maxScanBytes: 4096 });
    const hash = createHash('sha256');
    let hits = 0;
    for (const demo of demoEvents(9, 3000)) {
      for (let round = 0; round < 3; round++) {
        const e = clone(demo);
        for (const mutate of MUTATIONS) if (rng.chance(0.25)) mutate(rng, e);
        hits += record(hash, redactor, e);
        // Text redaction, for log lines.
        feed(hash, redactor.redactText(`${e.request.path} ${JSON.stringify(e.request.query)} ${e.request.headers.authorization ?? ''}`));
      }
    }
    expect(hits).toBeGreaterThan(20_000);
    expect(hash.digest('hex')).toBe(GOLDEN.mutated);
  });
});

describe('classifier golden outputs', () => {
  it('gives the recorded matches and spans for values under keys and parents, cached and uncached', () => {
    const rng = new Rng(13);
    const classifier = createClassifier({ customClasses: CUSTOM, keyCacheSize: 16 });
    const hash = createHash('sha256');
    let matched = 0;
    for (let i = 0; i < 20_000; i++) {
      const value = rng.chance(0.8) ? rng.pick(SENSITIVE) : rng.chars(rng.int(40), 'aZ09@.-: /+_=');
      const key = rng.chance(0.2) ? undefined : rng.pick(KEYS);
      const context = rng.chance(0.5) ? { parentKey: rng.pick(PARENTS) } : undefined;
      const matches = classifier.classifyValue(value, key, context);
      feed(hash, matches);
      // The allocation-free path agrees with the one that hands out a fresh list.
      expect(classifier.matchesOf(value, key, context?.parentKey)).toEqual(matches);
      feed(hash, classifyValue(value, key, context));
      feed(hash, classifier.findInText(value));
      feed(hash, findInText(value));
      if (matches.length > 0) matched++;
    }
    expect(matched).toBeGreaterThan(5000);
    expect(hash.digest('hex')).toBe(GOLDEN.classifier);
  });

  it('hands out a fresh list from classifyValue, so that a caller may change it', () => {
    const classifier = createClassifier();
    classifier.classifyValue('plain').push({ dataClass: 'email', evidence: 'value' });
    expect(classifier.classifyValue('plain')).toEqual([]);
    expect(Object.isFrozen(classifier.matchesOf('plain'))).toBe(true);
  });
});

describe('placeholder golden outputs', () => {
  it('gives the recorded placeholders through cache generations, classes sharing values', () => {
    const rng = new Rng(17);
    const hash = createHash('sha256');
    for (const size of [0, 1, 4, 64]) {
      const placeholder = createPlaceholder(SECRET, size);
      for (let i = 0; i < 3000; i++) {
        const cls = rng.pick(['email', 'phone', 'jwt']);
        const value = rng.chance(0.05) ? 'x'.repeat(250 + rng.int(20)) : `v${rng.int(size * 2 + 3)}`;
        feed(hash, placeholder(cls, value));
      }
    }
    expect(hash.digest('hex')).toBe(GOLDEN.placeholder);
  });
});
