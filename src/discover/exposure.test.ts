import { describe, expect, it } from 'vitest';
import { cleanAddress, createExposureClassifier } from './exposure.js';

describe('exposure', () => {
  const plain = createExposureClassifier();
  it.each([
    ['203.0.113.9', true],
    ['8.8.8.8', true],
    ['2a00:1450:4001::1', true],
    ['10.1.2.3', false],
    ['172.20.0.1', false],
    ['192.168.1.10', false],
    ['127.0.0.1', false],
    ['100.64.3.4', false],
    ['::1', false],
    ['fd00::5', false],
    ['fe80::1', false],
    ['::ffff:10.0.0.1', false],
  ])('%s public=%s', (addr, pub) => {
    expect(plain.classify(addr, undefined).public).toBe(pub);
  });

  it('unknown or malformed addresses are unknown, not public', () => {
    expect(plain.classify(undefined, undefined)).toEqual({ address: null, public: null });
    expect(plain.classify('not-an-ip', undefined).public).toBeNull();
  });

  it('ignores X-Forwarded-For unless the peer is a trusted proxy', () => {
    expect(plain.classify('10.0.0.5', '198.51.100.7').public).toBe(false);
    const behindProxy = createExposureClassifier(['10.0.0.0/24']);
    expect(behindProxy.classify('10.0.0.5', '198.51.100.7')).toEqual({ address: '198.51.100.7', public: true });
  });

  it('takes the right-most untrusted hop (left-most entries can be forged)', () => {
    const c = createExposureClassifier(['10.0.0.0/24', '10.0.1.0/24']);
    expect(c.classify('10.0.0.5', '1.2.3.4, 192.168.7.7, 10.0.1.9').address).toBe('192.168.7.7');
  });

  it('rejects invalid trusted proxy entries at start', () => {
    expect(() => createExposureClassifier(['10.0.0.0/40'])).toThrow(/invalid prefix/);
    expect(() => createExposureClassifier(['proxy.local'])).toThrow(/not an IP/);
  });

  it('cleans ports, brackets and IPv4-mapped IPv6', () => {
    expect(cleanAddress('203.0.113.9:51234')).toBe('203.0.113.9');
    expect(cleanAddress('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(cleanAddress('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });
});
