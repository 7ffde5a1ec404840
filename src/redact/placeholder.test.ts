import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPlaceholder } from './placeholder.js';

const SECRET = 'a-test-secret-of-32-characters!!';

describe('createPlaceholder', () => {
  it('is the class and the first 16 hex digits of HMAC-SHA256(secret, class:value)', () => {
    const digest = createHmac('sha256', SECRET).update('email:alice@example.com').digest('hex').slice(0, 16);
    expect(createPlaceholder(SECRET)('email', 'alice@example.com')).toBe(`[REDACTED:email:${digest}]`);
  });

  it('gives the same placeholder with or without its cache, across cache generations', () => {
    const uncached = createPlaceholder(SECRET, 0);
    const cached = createPlaceholder(SECRET, 4);
    const values = Array.from({ length: 12 }, (_, i) => `user${i % 7}@example.com`);
    for (let round = 0; round < 3; round++) {
      for (const v of values) expect(cached('email', v)).toBe(uncached('email', v));
    }
    // Same value, other class: another placeholder.
    expect(cached('phone', 'user1@example.com')).not.toBe(cached('email', 'user1@example.com'));
  });

  it('does not depend on the cache for long values, and refuses a short secret', () => {
    const long = 'x'.repeat(1000);
    expect(createPlaceholder(SECRET, 2)('secret', long)).toBe(createPlaceholder(SECRET, 0)('secret', long));
    expect(() => createPlaceholder('too-short')).toThrow(/at least 16 bytes/);
  });
});
