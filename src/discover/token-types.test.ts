import { describe, expect, it } from 'vitest';
import { isBaselineKind, tokenKind } from './token-types.js';

describe('tokenKind', () => {
  const values: Array<[string, string]> = [
    ['42', 'int'],
    ['0012', 'int'],
    ['3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'uuid'],
    ['deadbeef01', 'hex'],
    ['a94a8fe5ccb19ba61c4c0873d391e987982fbbd3', 'hex'],
    ['2024-01-15', 'date'],
    ['2024-01-15T10:20:30Z', 'datetime'],
    ['2024-01-15T10%3A20%3A30Z', 'datetime'],
    ['jane.doe@example.com', 'email'],
    ['jane%40example.com', 'email'],
    ['1.2.3', 'version'],
    ['v10.4.0-beta.1', 'version'],
    ['sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hash'],
    ['cus_NffrFeUfNV2Hib', 'token'],
    ['a1b2c3d4e5f6g7', 'token'],
    ['QUJDREVGR0hJSktMTU5PUA', 'token'],
    ['mem_AeSTzPRdpLaHhIOF', 'token'],
    ['10.0.0.1', 'ip'],
    ['2001:db8::1', 'ip'],
    ['[REDACTED:jwt:0123456789abcdef]', 'redacted'],
    ['NW-CAR-010365', 'token'],
    ['ci_18973866', 'token'],
    ['ci_1959e613', 'token'],
    ['..%2F..%2Fetc%2Fpasswd', 'token'],
    ['....', 'token'],
  ];
  it.each(values)('%s is a %s', (segment, kind) => {
    expect(tokenKind(segment)).toBe(kind);
  });

  const words = [
    'users',
    'me',
    'v1',
    'v2.1',
    'api',
    'deadbeef',
    'facade',
    'repositoriesV2',
    'projectsV2',
    'securityClassification',
    'ubuntu2204',
    'hello-world-2024',
    'organization-fine-grained-permissions',
    'octocat',
    'check-runs',
    'README.md',
    'public-key',
    'oauth2',
    'face-detect',
    'decade_2020s',
    'ipv6',
    '2024-13',
    '',
  ];
  it.each(words)('%s is free text', (segment) => {
    expect(tokenKind(segment)).toBeUndefined();
  });

  it('bounds the work on huge segments', () => {
    expect(tokenKind('a'.repeat(100_000))).toBe('token');
    expect(tokenKind('@'.repeat(400) + '.x')).toBeUndefined();
  });

  it('limits the baseline to numbers, UUIDs and hex', () => {
    expect(isBaselineKind('int')).toBe(true);
    expect(isBaselineKind('hex')).toBe(true);
    expect(isBaselineKind('token')).toBe(false);
    expect(isBaselineKind(undefined)).toBe(false);
  });
});
