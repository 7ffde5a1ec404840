import { describe, expect, it } from 'vitest';
import { Harness, MIN, rng, userToken, type EventSpec } from './fixtures/kit.js';

/** Two hours of catalogue traffic: 300 shoppers, a few requests each, responses of 600-1,000 bytes. */
function catalogue(h: Harness): number {
  const r = rng(3);
  const items = (n: number) => JSON.stringify({ items: Array.from({ length: n }, (_, k) => ({ id: k, name: 'Summit Ridge Tent', price: 249.95 })) });
  let at = 0;
  for (; at < 120 * MIN; at += 2000) {
    const shopper = Math.floor(r() * 300);
    h.send({ at, path: '/v1/products', query: { page: String(1 + Math.floor(r() * 5)) }, ip: `198.51.100.${shopper % 250}`, bearer: userToken(`s${shopper}`), response: items(6 + Math.floor(r() * 4)) });
  }
  return at;
}

type Case = [name: string, run: (h: Harness, start: number) => void, expected: Record<string, number>];

const burst = (n: number, gapMs: number, extra: Partial<EventSpec> = {}) => (h: Harness, start: number) => {
  for (let k = 0; k < n; k++) h.send({ at: start + k * gapMs, path: '/v1/products', query: { page: '1' }, ip: '192.0.2.30', ...extra });
};

const CASES: Case[] = [
  ['120 requests in one minute from one actor', burst(120, 500), { 'rate-endpoint-anomaly': 1 }],
  ['40 requests in one minute (over the minimum of 30 and 4x the busiest normal minute)', burst(40, 1400), { 'rate-endpoint-anomaly': 1 }],
  ['20 requests in one minute: a fast human', burst(20, 2900), { 'rate-endpoint-anomaly': 0 }],
  ['200 requests over an hour (steady, 3 a minute)', burst(200, 18_000), { 'rate-endpoint-anomaly': 0 }],
  [
    'pages of 2,000 items (a removed limit)',
    burst(3, 5000, { query: { limit: '2000' }, response: JSON.stringify({ items: Array.from({ length: 2000 }, (_, k) => ({ id: k, name: 'Summit Ridge Tent', price: 249.95 })) }) }),
    { 'scraping-response-size': 1 },
  ],
  ['a truncated body still counts its full size', burst(1, 0, { response: '{"items":[', responseSize: 5_000_000 }), { 'scraping-response-size': 1 }],
  ['a page twice the usual size', burst(5, 5000, { response: JSON.stringify({ items: Array.from({ length: 18 }, (_, k) => ({ id: k, name: 'Summit Ridge Tent', price: 249.95 })) }) }), { 'scraping-response-size': 0 }],
  ['a huge error page is not data', burst(2, 5000, { status: 500, responseSize: 900_000 }), { 'scraping-response-size': 0 }],
];

describe('rate-endpoint-anomaly and scraping-response-size', () => {
  it.each(CASES)('%s', (_name, run, expected) => {
    const h = new Harness();
    const start = catalogue(h);
    expect(h.ids(), 'benign baseline').toEqual([]);
    run(h, start);
    expect(h.counts(expected)).toEqual(expected);
  });

  it('needs a learned baseline before judging rates or sizes', () => {
    const h = new Harness();
    burst(120, 500)(h, 0);
    burst(2, 100, { responseSize: 5_000_000 })(h, 2 * MIN);
    expect(h.ids()).toEqual([]);
  });

  it('learns from each endpoint on its own (a bulk export is large by nature)', () => {
    const h = new Harness();
    const start = catalogue(h);
    for (let k = 0; k < 250; k++) h.send({ at: k * 20_000, path: '/v1/exports/customers.csv', apiKey: 'sk_live_partner', ip: '198.51.100.200', responseSize: 3_000_000 + (k % 7) * 100_000 });
    h.send({ at: start, path: '/v1/exports/customers.csv', apiKey: 'sk_live_partner', ip: '198.51.100.200', responseSize: 3_500_000 });
    expect(h.ids()).toEqual([]);
  });

  it('evidence gives the size and the factor, not the content', () => {
    const h = new Harness();
    const start = catalogue(h);
    burst(1, 0, { response: '{"items":[', responseSize: 5_000_000 })(h, start);
    expect(h.all[0]!.evidence).toMatch(/^2xx response of 4\.8 MiB, \d+x this endpoint's 99th percentile \(\d+ B\)$/);
  });
});
