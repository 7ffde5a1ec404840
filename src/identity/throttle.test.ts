import { describe, expect, it } from 'vitest';
import { manualClock } from '../util/clock.js';
import { clientKey, createRateLimiter } from './throttle.js';

describe('createRateLimiter', () => {
  const setup = (limit = 3, maxKeys = 100) => {
    const clock = manualClock('2026-03-01T09:00:00.000Z');
    return { clock, limiter: createRateLimiter({ limit, windowMs: 60_000, maxKeys, clock }) };
  };

  it('allows `limit` attempts per window, then refuses with the time left', () => {
    const { clock, limiter } = setup(3);
    expect([1, 2, 3].map(() => limiter.hit('a').allowed)).toEqual([true, true, true]);
    clock.advance(20_000);
    expect(limiter.hit('a')).toEqual({ allowed: false, firstRefusal: true, retryAfterMs: 40_000 });
    expect(limiter.hit('a')).toEqual({ allowed: false, firstRefusal: false, retryAfterMs: 40_000 });
  });

  it('allows again when the window has passed', () => {
    const { clock, limiter } = setup(1);
    expect(limiter.hit('a').allowed).toBe(true);
    expect(limiter.hit('a').allowed).toBe(false);
    clock.advance(59_999);
    expect(limiter.hit('a').allowed).toBe(false);
    clock.advance(1);
    expect(limiter.hit('a')).toEqual({ allowed: true, firstRefusal: false, retryAfterMs: 0 });
  });

  it('a refund gives back one attempt of the current window, never more than were counted', () => {
    const { limiter } = setup(2);
    limiter.refund('a');
    limiter.hit('a');
    limiter.refund('a');
    limiter.refund('a');
    expect([1, 2, 3].map(() => limiter.hit('a').allowed)).toEqual([true, true, false]);
  });

  it('counts keys separately', () => {
    const { limiter } = setup(1);
    expect(limiter.hit('a').allowed).toBe(true);
    expect(limiter.hit('b').allowed).toBe(true);
    expect(limiter.hit('a').allowed).toBe(false);
  });

  it('a clock that moves back starts a new window instead of refusing for ever', () => {
    const { clock, limiter } = setup(1);
    limiter.hit('a');
    clock.advance(-3_600_000);
    expect(limiter.hit('a').allowed).toBe(true);
  });

  it('never tracks more than maxKeys keys, forgetting the least recently used', () => {
    const { limiter } = setup(1, 3);
    for (const k of ['a', 'b', 'c']) limiter.hit(k);
    limiter.hit('a'); // a is now the most recent (and refused)
    limiter.hit('d'); // evicts b
    expect(limiter.size).toBe(3);
    expect(limiter.hit('a').allowed).toBe(false); // still remembered
    expect(limiter.hit('b').allowed).toBe(true); // forgotten, so a fresh window
    for (let i = 0; i < 10_000; i++) limiter.hit(`spray-${i}`);
    expect(limiter.size).toBe(3);
  });
});

describe('clientKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    [' 203.0.113.7 ', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002:0:0:0:ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0::/64'],
    ['', 'unknown'],
    [null, 'unknown'],
    ['not-an-address', 'not-an-address'],
    ['x'.repeat(500), 'x'.repeat(100)],
  ])('%j -> %j', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });

  it('puts two addresses of one /64 under one key, and another /64 under another', () => {
    expect(clientKey('2001:db8:1:2::a')).toBe(clientKey('2001:db8:1:2:ffff::b'));
    expect(clientKey('2001:db8:1:2::a')).not.toBe(clientKey('2001:db8:1:3::a'));
  });
});
