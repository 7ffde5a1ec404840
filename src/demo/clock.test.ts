import { describe, expect, it } from 'vitest';
import { DiurnalClock, IsoFormatter } from './clock.js';
import { Rng } from './prng.js';

describe('IsoFormatter', () => {
  it('formats exactly like Date#toISOString', () => {
    const f = new IsoFormatter();
    const rng = new Rng(5);
    let t = Date.parse('2026-11-16T23:58:59.000Z');
    for (let i = 0; i < 20_000; i++) {
      t += rng.int(2500);
      expect(f.format(t)).toBe(new Date(t).toISOString());
    }
  });
});

describe('DiurnalClock', () => {
  it('keeps times in order, inside the span, and busier in the evening (UTC) than in the morning', () => {
    const start = Date.parse('2026-11-16T00:00:00.000Z');
    const span = 7 * 86_400_000;
    const clock = new DiurnalClock(start, span);
    const n = 100_000;
    const perHour = new Array<number>(24).fill(0);
    let last = start;
    let outOfOrder = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const t = clock.at((i + 0.5) / n);
      if (t < last) outOfOrder++;
      if (t < start || t >= start + span) outside++;
      perHour[new Date(t).getUTCHours()]!++;
      last = t;
    }
    expect({ outOfOrder, outside }).toEqual({ outOfOrder: 0, outside: 0 });
    expect(perHour[19]!).toBeGreaterThan(perHour[6]! * 3);
  });

  it('handles a span shorter than an hour', () => {
    const clock = new DiurnalClock(0, 1000);
    expect(clock.at(0)).toBe(0);
    expect(clock.at(0.999999)).toBeLessThan(1000);
  });
});
