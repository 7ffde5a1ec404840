import { createHmac } from 'node:crypto';
import { invalidInput } from '../errors/domain-errors.js';

/** Values longer than this are hashed every time: caching them would keep large raw values in memory. */
const MAX_CACHED_VALUE = 256;

export type PlaceholderFn = (dataClass: string, value: string) => string;

/**
 * `[REDACTED:<class>:<16 hex of HMAC-SHA256(secret, class + ':' + value)>]`. Keyed, so equal values
 * correlate across events while a dictionary of likely values (emails, card numbers) cannot be hashed
 * offline without the installation secret.
 *
 * A small LRU skips the HMAC for values seen again (the same API key on every request). It holds raw
 * values in process memory only, is bounded, and is never persisted or logged.
 */
export function createPlaceholder(secret: Buffer | string, cacheSize = 1024): PlaceholderFn {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (key.length < 16) throw invalidInput('redaction secret must be at least 16 bytes');
  const cache = new Map<string, string>();
  return (dataClass, value) => {
    const input = `${dataClass}:${value}`;
    if (value.length <= MAX_CACHED_VALUE) {
      const hit = cache.get(input);
      if (hit !== undefined) {
        // Re-insert so that the Map's insertion order is recency order.
        cache.delete(input);
        cache.set(input, hit);
        return hit;
      }
    }
    const digest = createHmac('sha256', key).update(input, 'utf8').digest('hex').slice(0, 16);
    const out = `[REDACTED:${dataClass}:${digest}]`;
    if (value.length <= MAX_CACHED_VALUE && cacheSize > 0) {
      if (cache.size >= cacheSize) {
        const oldest = cache.keys().next();
        if (!oldest.done) cache.delete(oldest.value);
      }
      cache.set(input, out);
    }
    return out;
  };
}
