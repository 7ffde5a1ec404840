import { describe, expect, it } from 'vitest';
import { SSRF_CASES } from './fixtures/ssrf.cases.js';
import { runCases } from './fixtures/run-cases.js';
import { classifyHost, parseIpv4, SSRF_CLOUD_METADATA, SSRF_INTERNAL_ADDRESS } from './ssrf.js';

describe('ssrf detectors', () => {
  runCases([SSRF_INTERNAL_ADDRESS, SSRF_CLOUD_METADATA], SSRF_CASES);

  it.each([
    ['127.0.0.1', 0x7f000001, true],
    ['2130706433', 0x7f000001, false],
    ['0x7f000001', 0x7f000001, false],
    ['0177.0.0.1', 0x7f000001, false],
    ['127.1', 0x7f000001, false],
    ['10.1.65535', 0x0a01ffff, false],
  ] as const)('parses %s the way inet_aton does', (text, ip, canonical) => {
    expect(parseIpv4(text)).toEqual({ ip, canonical });
  });

  it.each(['256.0.0.1', '1.2.3.4.5', 'example.com', '', '0x', '1..2'])('rejects %j as an IPv4 address', (text) => {
    expect(parseIpv4(text)?.canonical ?? null).not.toBe(true);
  });

  it.each([
    ['user:pw@127.0.0.1:80', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['172.20.0.4', 'private'],
    ['169.254.169.254', 'metadata'],
    ['7f000001.nip.io', 'wildcard-dns'],
    ['kubernetes.default.svc', 'internal-name'],
    ['api.example.com', 'public'],
  ] as const)('classifies %s as %s', (authority, kind) => {
    const k = classifyHost(authority).kind;
    expect(kind === 'wildcard-dns' ? ['wildcard-dns', 'loopback'] : [kind]).toContain(k);
  });
});
