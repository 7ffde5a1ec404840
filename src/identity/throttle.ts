import { isIPv4, isIPv6 } from 'node:net';
import type { Clock } from '../util/clock.js';

/**
 * A fixed-window rate limiter over a bounded number of keys. State per key is two numbers; when the table
 * is full, the least recently used key is forgotten (a `Map` keeps insertion order, and a hit re-inserts).
 *
 * The bound is the point: an attacker who sprays addresses can make the limiter forget old keys, but cannot
 * make it grow. Account lock-out (in the store) is the second line that such spraying does not reset.
 *
 * @example
 * const limiter = createRateLimiter({ limit: 10, windowMs: 60_000, maxKeys: 10_000, clock });
 * const verdict = limiter.hit(clientKey(address));
 * if (!verdict.allowed) throw tooManyRequests(...);
 */
export interface RateLimiter {
  /** Counts one attempt for `key` and says whether it is within the limit. */
  hit(key: string): RateVerdict;
  /**
   * Gives back one attempt of `key`'s current window. A successful login is refunded, so the limit
   * counts failures: colleagues signing in behind one NAT address are not throttled, while an attacker
   * holding one valid account still gets no more than the limit of wrong guesses per window.
   */
  refund(key: string): void;
  /** Keys currently tracked; never more than `maxKeys`. */
  readonly size: number;
}

export interface RateVerdict {
  allowed: boolean;
  /** True for the first refused attempt of a window: log or audit that one, not every one after it. */
  firstRefusal: boolean;
  /** Milliseconds until the window ends and attempts are allowed again (0 when allowed). */
  retryAfterMs: number;
}

export interface RateLimiterOptions {
  /** Attempts allowed per window and key. */
  limit: number;
  windowMs: number;
  maxKeys: number;
  clock: Clock;
}

export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const limit = Math.max(1, Math.trunc(opts.limit));
  const maxKeys = Math.max(1, Math.trunc(opts.maxKeys));
  const windows = new Map<string, { start: number; count: number }>();

  return {
    hit(key) {
      const now = opts.clock.now().getTime();
      let w = windows.get(key);
      if (w) windows.delete(key);
      if (!w || now - w.start >= opts.windowMs || now < w.start) w = { start: now, count: 0 };
      w.count += 1;
      windows.set(key, w);
      while (windows.size > maxKeys) {
        const oldest = windows.keys().next().value;
        if (oldest === undefined) break;
        windows.delete(oldest);
      }
      const allowed = w.count <= limit;
      return {
        allowed,
        firstRefusal: w.count === limit + 1,
        retryAfterMs: allowed ? 0 : Math.max(0, w.start + opts.windowMs - now),
      };
    },
    refund(key) {
      const w = windows.get(key);
      if (w && w.count > 0) w.count -= 1;
    },
    get size() {
      return windows.size;
    },
  };
}

/**
 * The limiter key for a client address. An IPv6 client usually holds a whole /64, so its addresses count
 * as one; an IPv4-mapped IPv6 address counts as the IPv4 address. Anything else is used as given, bounded.
 *
 * @example clientKey('2001:db8:1:2:aaaa::1') // '2001:db8:1:2::/64'
 */
export function clientKey(address: string | null | undefined): string {
  if (!address) return 'unknown';
  let a = address.trim();
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  if (isIPv4(a)) return a;
  if (isIPv6(a)) {
    const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(a);
    if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1];
    const groups = expandIPv6(a);
    if (groups) return `${groups.slice(0, 4).join(':')}::/64`;
  }
  return a.slice(0, 100);
}

/** The eight groups of an IPv6 address, lower case without leading zeros; null if it cannot be expanded. */
function expandIPv6(address: string): string[] | null {
  let text = address.toLowerCase();
  // A trailing dotted IPv4 part stands for the last two groups.
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4?.[1]) {
    const octets = v4[1].split('.').map(Number);
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  return groups.map((g) => (Number.parseInt(g, 16) || 0).toString(16));
}
