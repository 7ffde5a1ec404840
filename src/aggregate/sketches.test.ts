import { describe, expect, it } from 'vitest';
import { fnv1a } from '../redact/credential-facts.js';
import { Hll, LatencyHistogram, addCapped, bump, mergeCounts } from './sketches.js';

/** Client addresses hashed the way `observeEvent` hashes a consumer without a principal. */
function consumers(set: number, n: number, offset = 0): number[] {
  const out: number[] = [];
  for (let i = offset; i < offset + n; i++) out.push(fnv1a(`10.${set}.${(i >> 8) & 255}.${i & 255}:${i >> 16}`));
  return out;
}

function hllOf(hashes: readonly number[]): Hll {
  const h = new Hll();
  for (const x of hashes) h.add(x);
  return h;
}

describe('Hll', () => {
  it('an empty sketch estimates 0; duplicates do not count', () => {
    expect(new Hll().estimate()).toBe(0);
    const h = new Hll();
    for (let i = 0; i < 1000; i++) h.add(fnv1a('same-client'));
    expect(h.estimate()).toBe(1);
  });

  it('small counts are near exact (linear counting)', () => {
    const est = hllOf(consumers(1, 100)).estimate();
    expect(Math.abs(est - 100)).toBeLessThanOrEqual(5);
  });

  // 1024 registers give a standard error of ~3.25%: any one set can land outside 5%, so the bound is
  // asserted on the mean over independent sets (a broken hash or estimator moves the mean far more),
  // with no systematic bias and no single set beyond four standard errors (13%).
  it.each([10_000, 100_000])('estimates %i distinct consumers within 5%, unbiased', (n) => {
    const errors: number[] = [];
    for (let set = 0; set < 20; set++) errors.push(hllOf(consumers(set, n)).estimate() / n - 1);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(errors.map(Math.abs))).toBeLessThan(0.05);
    expect(Math.abs(mean(errors))).toBeLessThan(0.02);
    expect(Math.max(...errors.map(Math.abs))).toBeLessThan(0.13);
  });

  it('merge equals the sketch of the union, exactly', () => {
    const a = consumers(3, 30_000);
    const b = consumers(3, 30_000, 20_000); // overlaps a by 10 000
    const merged = hllOf(a);
    merged.merge(hllOf(b));
    const union = hllOf([...a, ...b]);
    expect(Array.from(merged.registers)).toEqual(Array.from(union.registers));
    expect(merged.estimate()).toBe(union.estimate());
    expect(Math.abs(merged.estimate() / 50_000 - 1)).toBeLessThan(0.1);
  });

  it('merge is idempotent and order-independent', () => {
    const a = hllOf(consumers(4, 5000));
    const b = hllOf(consumers(5, 5000));
    const ab = hllOf([]);
    ab.merge(a);
    ab.merge(b);
    ab.merge(b);
    const ba = hllOf([]);
    ba.merge(b);
    ba.merge(a);
    expect(Array.from(ab.registers)).toEqual(Array.from(ba.registers));
  });

  it('round-trips through JSON; a bad value gives an empty sketch', () => {
    const h = hllOf(consumers(6, 7000));
    const back = Hll.fromJSON(JSON.parse(JSON.stringify(h.toJSON())));
    expect(Array.from(back.registers)).toEqual(Array.from(h.registers));
    expect(back.estimate()).toBe(h.estimate());
    for (const bad of [null, 42, 'not base64 of 1024 bytes', Buffer.alloc(10).toString('base64')]) expect(Hll.fromJSON(bad).estimate()).toBe(0);
  });
});

/** Nearest-rank quantile, the definition the histogram approximates. */
function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

/** Deterministic pseudo-random latencies (xorshift), log-normal-ish around `median` ms. */
function latencies(n: number, median: number, seed = 7): number[] {
  let x = seed;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  return Array.from({ length: n }, () => Math.round(median * Math.exp((rnd() + rnd() + rnd() - 1.5) * 2) * 100) / 100);
}

describe('LatencyHistogram', () => {
  it('covers latencies of hours: quantiles stay within a bucket of the true value', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 3; i++) h.add(3_600_000);
    expect(h.quantile(0.5)).toBe(3_600_000);
    h.add(86_400_000);
    expect(h.quantile(0.99)).toBeGreaterThan(80_000_000);
  });

  it('an empty histogram reports 0', () => {
    expect(new LatencyHistogram().quantile(0.5)).toBe(0);
  });

  // Buckets are 8% wide on (10 x ms + 1): the estimate is the upper edge of the true value's bucket, so it
  // is never below the true quantile and at most one bucket (8%, plus 0.01 ms) above it.
  it.each([
    ['fast API', 1.5],
    ['typical API', 40],
    ['slow report', 2500],
  ])('%s: p50/p90/p99 within one bucket of the exact quantile', (_name, median) => {
    const values = latencies(20_000, median);
    const h = new LatencyHistogram();
    for (const v of values) h.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.99]) {
      const exact = exactQuantile(sorted, q);
      const est = h.quantile(q);
      expect(est, `q${q}`).toBeGreaterThanOrEqual(exact);
      expect(est, `q${q}`).toBeLessThanOrEqual(exact * 1.08 + 0.01);
    }
    expect(h.max).toBe(sorted[sorted.length - 1]);
    expect(h.total).toBe(values.length);
  });

  it('never reports a quantile above the observed maximum', () => {
    const h = new LatencyHistogram();
    h.add(100);
    expect(h.quantile(0.5)).toBe(100);
    expect(h.quantile(1)).toBe(100);
  });

  it('merge equals one histogram fed both sets', () => {
    const a = latencies(5000, 20, 1);
    const b = latencies(5000, 300, 2);
    const ha = new LatencyHistogram();
    for (const v of a) ha.add(v);
    const hb = new LatencyHistogram();
    for (const v of b) hb.add(v);
    const both = new LatencyHistogram();
    for (const v of [...a, ...b]) both.add(v);
    ha.merge(hb);
    expect(ha.counts).toEqual(both.counts);
    expect([ha.total, ha.max]).toEqual([both.total, both.max]);
    for (const q of [0.5, 0.9, 0.99]) expect(ha.quantile(q)).toBe(both.quantile(q));
  });

  it('round-trips through JSON; bad entries are ignored', () => {
    const h = new LatencyHistogram();
    for (const v of latencies(1000, 50)) h.add(v);
    const back = LatencyHistogram.fromJSON(JSON.parse(JSON.stringify(h.toJSON())));
    expect(back.counts).toEqual(h.counts);
    expect([back.total, back.max]).toEqual([h.total, h.max]);
    const bad = LatencyHistogram.fromJSON({ c: { '-1': 5, '9999': 5, '3': 2, '4': Number.NaN }, max: 'x' });
    expect(bad.total).toBe(2);
    expect(bad.max).toBe(0);
    expect(LatencyHistogram.fromJSON(null).total).toBe(0);
  });
});

describe('counter helpers', () => {
  it('bump and mergeCounts add', () => {
    const a: Record<string, number> = {};
    bump(a, '200');
    bump(a, '200', 4);
    mergeCounts(a, { '200': 2, '500': 1 });
    expect(a).toEqual({ '200': 7, '500': 1 });
  });

  it('addCapped keeps distinct values up to the cap', () => {
    const list: string[] = [];
    for (const v of ['a', 'b', 'a', 'c', 'd']) addCapped(list, v, 3);
    expect(list).toEqual(['a', 'b', 'c']);
  });
});
