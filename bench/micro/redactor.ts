/**
 * Quick hot-path measurement, not a test: `npx tsx src/redact/measure-redactor.ts`.
 * A typical event: 10 request headers, 5 query parameters, a ~1 KB JSON request body with ~20 fields
 * (two of them sensitive), a small JSON response. Prints µs per event for the redactor and, as the
 * floor it is compared with, for JSON.parse + JSON.stringify of the same bodies plus a shallow copy.
 */
import type { ApiEvent } from '../../src/contracts/api-event.js';
import { createRedactor } from '../../src/redact/redactor.js';

const requestBody = JSON.stringify({
  orderId: 'ord_8f14e45fceea167a5a36dedd4bea2543',
  createdAt: '2026-11-23T10:00:00.000Z',
  currency: 'EUR',
  total: 149.9,
  items: [
    { sku: 'SKU-10021', name: 'Trail running shoes', quantity: 1, price: 119.9, category: 'footwear' },
    { sku: 'SKU-20417', name: 'Merino socks', quantity: 2, price: 15, category: 'apparel' },
  ],
  customer: { id: '7d444840-9dc0-11d1-b245-5ffdce74fad2', email: 'alice@example.com', tier: 'gold', locale: 'en-GB' },
  shipping: { method: 'standard', carrier: 'DHL', country: 'DE', postcode: '10115', eta: '2026-11-26' },
  payment: { method: 'card', last4: '1111', brand: 'visa', status: 'authorized' },
  notes: 'Leave the parcel at the front desk, please. Ring twice.',
  flags: { gift: false, express: false, newsletter: true },
  tags: ['autumn-sale', 'returning-customer', 'web'],
  channel: 'web',
  version: '2.14.3',
});

const event: ApiEvent = {
  timestamp: '2026-11-23T10:00:00.000Z',
  source: { kind: 'ndjson' },
  request: {
    method: 'POST',
    scheme: 'https',
    host: 'api.example.com',
    path: '/v2/stores/berlin-01/orders',
    query: { lang: ['en'], page: ['1'], limit: ['50'], sort: ['-createdAt'], include: ['items,customer'] },
    headers: {
      accept: 'application/json',
      'accept-encoding': 'gzip, br',
      'content-type': 'application/json',
      'content-length': String(requestBody.length),
      host: 'api.example.com',
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
      'x-request-id': '0b5d1c4e-7c3a-4a8e-9f62-3a1e2c9d8b71',
      authorization:
        'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      'x-forwarded-for': '203.0.113.9',
      origin: 'https://shop.example.com',
    },
    cookies: {},
    body: { contentType: 'application/json', text: requestBody, encoding: 'utf8', size: requestBody.length, truncated: false },
    clientAddress: '203.0.113.9',
  },
  response: {
    status: 201,
    headers: { 'content-type': 'application/json', 'content-length': '42' },
    body: { contentType: 'application/json', text: '{"id":"ord_123","status":"created"}', encoding: 'utf8', size: 35, truncated: false },
  },
  latencyMs: 23,
};

const redactor = createRedactor({ secret: 'measure-secret-0123456789abcdef' });

function time(label: string, fn: () => unknown, n: number): number {
  for (let i = 0; i < 20_000; i++) fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
  console.log(`${label}: ${us.toFixed(2)} µs/event`);
  return us;
}

const n = 200_000;
const baseline = time(
  'baseline (parse + stringify bodies, shallow copy)',
  () => {
    const a = JSON.parse(event.request.body!.text!) as unknown;
    const b = JSON.parse(event.response!.body!.text!) as unknown;
    return [{ ...event, request: { ...event.request } }, JSON.stringify(a), JSON.stringify(b)];
  },
  n,
);
const redact = time('redactEvent', () => redactor.redactEvent(event), n);
console.log(`ratio redactEvent / baseline: ${(redact / baseline).toFixed(1)}x`);
console.log(`body bytes: ${requestBody.length}, hits: ${redactor.redactEvent(event).hits.length}`);
