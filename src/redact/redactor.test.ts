import { describe, expect, it } from 'vitest';
import { ApiEvent } from '../contracts/api-event.js';
import type { DataClassHit } from '../contracts/data-class.js';
import { createRedactor } from './redactor.js';

const SECRET = 'test-secret-0123456789abcdef';
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAzZxk\n-----END RSA PRIVATE KEY-----';

function event(overrides: { request?: Partial<ApiEvent['request']>; response?: ApiEvent['response'] }): ApiEvent {
  return ApiEvent.parse({
    timestamp: '2026-11-23T10:00:00.000Z',
    source: { kind: 'ndjson' },
    request: {
      method: 'POST',
      scheme: 'https',
      host: 'api.example.com',
      path: '/v1/things',
      query: {},
      headers: {},
      cookies: {},
      ...overrides.request,
    },
    response: overrides.response,
  });
}

function body(text: string, contentType: string) {
  return { contentType, text, encoding: 'utf8' as const, size: text.length, truncated: false };
}

function hit(dataClass: string, location: DataClassHit['location'], name: string, direction: DataClassHit['direction'] = 'request'): DataClassHit {
  return { dataClass, direction, location, name };
}

interface Planted {
  name: string;
  event: ApiEvent;
  /** Raw values that must not survive anywhere in the result. */
  secrets: string[];
  hits: DataClassHit[];
}

const PLANTED: Planted[] = [
  {
    name: 'authorization bearer JWT, basic, api-key headers',
    event: event({
      request: {
        headers: {
          authorization: `Bearer ${JWT}`,
          'proxy-authorization': 'Basic YWxhZGRpbjpvcGVuc2VzYW1l',
          'x-api-key': 'k1',
          'x-auth-token': 'tok-123',
          referer: 'https://app.example.com/cb?access_token=at-9f8e7d6c5b4a&x=1',
        },
      },
    }),
    secrets: [JWT, 'YWxhZGRpbjpvcGVuc2VzYW1l', 'k1', 'tok-123', 'at-9f8e7d6c5b4a', 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ'],
    hits: [
      hit('jwt', 'header', 'authorization'),
      hit('password', 'header', 'proxy-authorization'),
      hit('api-key', 'header', 'x-api-key'),
      hit('api-key', 'header', 'x-auth-token'),
      hit('api-key', 'header', 'referer'),
    ],
  },
  {
    name: 'cookies in the map and in the Cookie header',
    event: event({
      request: {
        headers: { cookie: 'theme=dark; sid=s%3AQ2xvdWRmbGFyZQ.abc123XYZ; _ga=GA1.2.1234567890.1700000000' },
        cookies: { theme: 'dark', sid: 's%3AQ2xvdWRmbGFyZQ.abc123XYZ', _ga: 'GA1.2.1234567890.1700000000' },
      },
    }),
    secrets: ['s%3AQ2xvdWRmbGFyZQ.abc123XYZ', 'GA1.2.1234567890.1700000000'],
    hits: [hit('session-token', 'cookie', 'sid'), hit('session-token', 'cookie', '_ga')],
  },
  {
    name: 'query and path',
    event: event({
      request: {
        method: 'GET',
        path: '/v1/users/alice%40example.com/cards/4111111111111111',
        query: {
          api_key: ['sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
          key: ['AIzaSyA1234567890abcdefghijklmnopqrstuv'],
          sig: ['c2lnbmF0dXJl'],
          q: ['call +44 20 7946 0958 or mail bob@example.org'],
          password: ['pw'],
        },
      },
    }),
    secrets: [
      'alice@example.com',
      'alice%40example.com',
      '4111111111111111',
      'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
      'AIzaSyA1234567890abcdefghijklmnopqrstuv',
      'c2lnbmF0dXJl',
      'bob@example.org',
      'pw',
    ],
    hits: [
      hit('email', 'path', '/3'),
      hit('payment-card', 'path', '/5'),
      hit('api-key', 'query', 'api_key'),
      hit('api-key', 'query', 'key'),
      hit('secret', 'query', 'sig'),
      hit('email', 'query', 'q'),
      hit('password', 'query', 'password'),
    ],
  },
  {
    name: 'JSON body, nested objects and arrays',
    event: event({
      request: {
        body: body(
          JSON.stringify({
            user: { email: 'carol@example.com', password: 'hunter2', dob: '1990-04-01', firstName: 'Carol' },
            customers: [{ name: 'Dan Brown', phone: '+14155552671', ssn: '123-45-6789' }],
            payment: { card: { number: '5555 5555 5555 4444', cvv: 123 }, iban: 'DE89370400440532013000' },
            note: 'ship to 10 Downing Street and text 415-555-2671',
            keys: { 'eve@example.com': { role: 'admin' } },
            pem: PEM,
          }),
          'application/json',
        ),
      },
    }),
    secrets: [
      'carol@example.com',
      'hunter2',
      '1990-04-01',
      'Carol',
      'Dan Brown',
      '+14155552671',
      '123-45-6789',
      '5555 5555 5555 4444',
      '"cvv":123',
      'DE89370400440532013000',
      'eve@example.com',
      'MIIEpAIBAAKCAQEAzZxk',
    ],
    hits: [
      hit('email', 'body', '/user/email'),
      hit('password', 'body', '/user/password'),
      hit('date-of-birth', 'body', '/user/dob'),
      hit('person-name', 'body', '/user/firstName'),
      hit('person-name', 'body', '/customers/*/name'),
      hit('phone', 'body', '/customers/*/phone'),
      hit('us-ssn', 'body', '/customers/*/ssn'),
      hit('payment-card', 'body', '/payment/card/number'),
      hit('payment-card', 'body', '/payment/card/cvv'),
      hit('iban', 'body', '/payment/iban'),
      hit('private-key', 'body', '/pem'),
    ],
  },
  {
    name: 'form body',
    event: event({
      request: {
        body: body('username=frank&password=p%40ss+word&email=frank%40example.com&remember=1', 'application/x-www-form-urlencoded'),
      },
    }),
    secrets: ['p%40ss+word', 'p@ss word', 'frank%40example.com', 'frank@example.com'],
    hits: [hit('password', 'body', '/password'), hit('email', 'body', '/email')],
  },
  {
    name: 'text body',
    event: event({
      request: {
        body: body(`log: user grace@example.com paid 4111 1111 1111 1111 with token ${JWT}\npassword=letmein\n${PEM}`, 'text/plain'),
      },
    }),
    secrets: ['grace@example.com', '4111 1111 1111 1111', JWT, 'letmein', 'MIIEpAIBAAKCAQEAzZxk'],
    hits: [hit('email', 'body', ''), hit('payment-card', 'body', ''), hit('jwt', 'body', ''), hit('password', 'body', ''), hit('private-key', 'body', '')],
  },
  {
    name: 'response body and Set-Cookie',
    event: event({
      response: {
        status: 200,
        headers: {
          'set-cookie': 'session=abcdef0123456789abcdef; Path=/; HttpOnly; Secure\nlang=en; Path=/',
          'content-type': 'application/json',
        },
        body: body(JSON.stringify({ access_token: JWT, refresh_token: 'rt-opaque-value', user: { email: 'heidi@example.com' } }), 'application/json'),
      },
    }),
    secrets: ['abcdef0123456789abcdef', JWT, 'rt-opaque-value', 'heidi@example.com'],
    hits: [
      hit('session-token', 'cookie', 'session', 'response'),
      hit('jwt', 'body', '/access_token', 'response'),
      hit('api-key', 'body', '/access_token', 'response'),
      hit('api-key', 'body', '/refresh_token', 'response'),
      hit('email', 'body', '/user/email', 'response'),
    ],
  },
  {
    name: 'base64 JSON body and forwarded client IPs',
    event: event({
      request: {
        headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' },
        body: {
          contentType: 'application/json',
          text: Buffer.from(JSON.stringify({ email: 'ivan@example.com' })).toString('base64'),
          encoding: 'base64',
          size: 27,
          truncated: false,
        },
      },
    }),
    secrets: ['203.0.113.9', '198.51.100.7', 'ivan@example.com', Buffer.from(JSON.stringify({ email: 'ivan@example.com' })).toString('base64')],
    hits: [hit('ip-address', 'header', 'x-forwarded-for'), hit('email', 'body', '/email')],
  },
];

describe('createRedactor', () => {
  const redactor = createRedactor({ secret: SECRET });

  describe.each(PLANTED)('$name', ({ event: e, secrets, hits }) => {
    const before = JSON.stringify(e);
    const result = redactor.redactEvent(e);
    const out = JSON.stringify(result);

    it.each(secrets)('leaves no trace of %j', (secret) => {
      expect(out).not.toContain(secret);
      expect(out).not.toContain(JSON.stringify(secret).slice(1, -1));
    });

    it('reports the expected hits', () => {
      for (const h of hits) expect(result.hits).toContainEqual(h);
    });

    it('reports each hit once and never a raw value in a hit', () => {
      const keys = result.hits.map((h) => JSON.stringify(h));
      expect(new Set(keys).size).toBe(keys.length);
      for (const s of secrets) expect(JSON.stringify(result.hits)).not.toContain(s);
    });

    it('does not modify the input and returns a valid event', () => {
      expect(JSON.stringify(e)).toBe(before);
      expect(ApiEvent.safeParse(result.event).success).toBe(true);
    });
  });

  it('keeps ordinary values, structure and scheme words', () => {
    const payload = {
      id: '550e8400-e29b-41d4-a716-446655440000',
      orderId: 'ord_8f14e45fceea167a5a36dedd4bea2543',
      createdAt: '2026-11-23T10:00:00.000Z',
      price: 149.9,
      qty: 2,
      product: { name: 'Trail running shoes', sku: 'SKU-10021' },
      shipDate: '2026-11-26',
      version: '1.2.3.4',
      tags: ['sale', 'web'],
      active: true,
      nothing: null,
    };
    const e = event({
      request: {
        path: '/v1/orders/550e8400-e29b-41d4-a716-446655440000',
        query: { page: ['2'], sort: ['-createdAt'], since: ['2026-11-01'] },
        headers: { 'content-type': 'application/json', 'x-request-id': '0b5d1c4e-7c3a-4a8e-9f62-3a1e2c9d8b71', authorization: 'Bearer opaque-token-value' },
        cookies: { theme: 'dark', lang: 'en-US' },
        body: body(JSON.stringify(payload), 'application/json'),
      },
    });
    const r = redactor.redactEvent(e);
    expect(r.requestJson).toEqual(payload);
    expect(r.event.request.body?.text).toBe(JSON.stringify(payload));
    expect(r.event.request.path).toBe(e.request.path);
    expect(r.event.request.query).toEqual(e.request.query);
    expect(r.event.request.cookies).toEqual({ theme: 'dark', lang: 'en-US' });
    expect(r.event.request.headers['x-request-id']).toBe('0b5d1c4e-7c3a-4a8e-9f62-3a1e2c9d8b71');
    expect(r.event.request.headers.authorization).toMatch(/^Bearer \[REDACTED:api-key:[0-9a-f]{16}\]$/);
    expect(r.hits).toEqual([hit('api-key', 'header', 'authorization')]);
  });

  it('gives the same placeholder for the same value, in any location and event', () => {
    const a = redactor.redactEvent(event({ request: { query: { email: ['judy@example.com'] } } }));
    const b = redactor.redactEvent(event({ request: { body: body('{"contact":{"email":"judy@example.com"}}', 'application/json') } }));
    const p = redactor.placeholder('email', 'judy@example.com');
    expect(p).toMatch(/^\[REDACTED:email:[0-9a-f]{16}\]$/);
    expect(a.event.request.query.email).toEqual([p]);
    expect(b.requestJson).toEqual({ contact: { email: p } });
    expect(redactor.redactText('from judy@example.com')).toBe(`from ${p}`);
  });

  it('gives different placeholders for different secrets and different classes', () => {
    const other = createRedactor({ secret: Buffer.from('another-secret-0123456789') });
    expect(other.placeholder('email', 'judy@example.com')).not.toBe(redactor.placeholder('email', 'judy@example.com'));
    expect(redactor.placeholder('password', 'x')).not.toBe(redactor.placeholder('api-key', 'x'));
    expect(redactor.placeholder('email', 'a@example.com')).not.toBe(redactor.placeholder('email', 'b@example.com'));
  });

  it('matches the documented HMAC construction', async () => {
    const { createHmac } = await import('node:crypto');
    const expected = createHmac('sha256', SECRET).update('jwt:abc').digest('hex').slice(0, 16);
    expect(redactor.placeholder('jwt', 'abc')).toBe(`[REDACTED:jwt:${expected}]`);
  });

  it('refuses a short secret', () => {
    expect(() => createRedactor({ secret: 'short' })).toThrow(/16 bytes/);
  });

  it('applies custom classes to whole values', () => {
    const r = createRedactor({
      secret: SECRET,
      customClasses: [{ id: 'custom-employee-id', title: 'Employee id', category: 'pii', sensitivity: 'medium', valuePattern: '^E\\d{6}$' }],
    }).redactEvent(event({ request: { body: body('{"emp":"E123456"}', 'application/json') } }));
    expect(JSON.stringify(r)).not.toContain('E123456');
    expect(r.hits).toEqual([hit('custom-employee-id', 'body', '/emp')]);
  });

  it('cuts text beyond maxScanBytes instead of passing it on unscanned', () => {
    const small = createRedactor({ secret: SECRET, maxScanBytes: 64 });
    const text = `${'word '.repeat(20)}kim@example.com`;
    const r = small.redactEvent(event({ request: { body: body(text, 'text/plain') } }));
    expect(r.event.request.body?.truncated).toBe(true);
    expect(r.event.request.body?.text?.length).toBeLessThanOrEqual(64);
    expect(JSON.stringify(r)).not.toContain('kim@example.com');
    expect(small.redactText(text)).not.toContain('kim@');
  });

  it('drops binary bodies it cannot scan', () => {
    const r = redactor.redactEvent(
      event({ request: { body: { contentType: 'application/octet-stream', text: 'AAECAw==', encoding: 'base64', size: 4, truncated: false } } }),
    );
    expect(r.event.request.body).toEqual({ contentType: 'application/octet-stream', encoding: 'base64', size: 4, truncated: false });
  });

  it('redacts a value stored under a __proto__ key', () => {
    const r = redactor.redactEvent(event({ request: { body: body('{"__proto__":{"email":"leo@example.com"},"x":{"__proto__":"mia@example.com"}}', 'application/json') } }));
    expect(JSON.stringify(r)).not.toContain('leo@example.com');
    expect(JSON.stringify(r)).not.toContain('mia@example.com');
  });

  it('scans broken JSON as text', () => {
    const r = redactor.redactEvent(event({ request: { body: body('{"password": "nina-pw", "email": "nina@example.com"', 'application/json') } }));
    expect(JSON.stringify(r)).not.toContain('nina-pw');
    expect(JSON.stringify(r)).not.toContain('nina@example.com');
    expect(r.requestJson).toBeUndefined();
  });
});
