import { describe, expect, it } from 'vitest';
import { lowerCase, upperCase } from './ascii-case.js';

describe('lowerCase and upperCase', () => {
  it('agree with the built-ins on ASCII, non-ASCII and mixed text', () => {
    for (const s of ['', 'content-type', 'Content-Type', 'API.EXAMPLE.COM', 'get', 'GET', 'Straße', 'İstanbul', 'ǅ', 'ﬀ', 'x-ÄÖÜ', '[]{}@`', 'Σίσυφος']) {
      expect(lowerCase(s)).toBe(s.toLowerCase());
      expect(upperCase(s)).toBe(s.toUpperCase());
    }
  });

  it('give back the very string when it is already folded', () => {
    const name = ['x', 'request', 'id'].join('-');
    expect(Object.is(lowerCase(name), name)).toBe(true);
    const method = ['P', 'OST'].join('');
    expect(Object.is(upperCase(method), method)).toBe(true);
  });
});
