import { describe, expect, it } from 'vitest';
import { canonicalIso, isoToMs } from './timestamp.js';

describe('isoToMs', () => {
  it('agrees with Date.parse on canonical timestamps across eras, leap days and month ends', () => {
    const samples = [
      '1970-01-01T00:00:00.000Z',
      '1969-12-31T23:59:59.999Z',
      '2000-02-29T12:34:56.789Z',
      '1900-03-01T00:00:00.000Z',
      '2026-11-23T10:00:00.000Z',
      '2024-12-31T23:59:59.999Z',
      '0001-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
    ];
    // Plus one timestamp a little over every 11 days from 1950 to 2100.
    for (let ms = Date.UTC(1950, 0, 1); ms < Date.UTC(2100, 0, 1); ms += 987_654_321) samples.push(new Date(ms).toISOString());
    for (const s of samples) {
      expect(canonicalIso(s)).toBe(s);
      expect(isoToMs(s)).toBe(Date.parse(s));
    }
  });

  it('falls back to Date.parse for other forms, NaN for non-dates', () => {
    expect(isoToMs('2026-11-23T10:00:00Z')).toBe(Date.parse('2026-11-23T10:00:00Z'));
    expect(isoToMs('2026-11-23T11:00:00.000+01:00')).toBe(Date.parse('2026-11-23T10:00:00.000Z'));
    expect(isoToMs('not a date')).toBeNaN();
  });
});
