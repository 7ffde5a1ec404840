import { describe, expect, it } from 'vitest';
import { findInText } from './classify-value.js';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';

function found(text: string): Array<[string, string]> {
  return findInText(text).map((s) => [s.dataClass, text.slice(s.start, s.end)]);
}

describe('findInText', () => {
  it.each([
    ['contact alice@example.com today', 'email', 'alice@example.com'],
    ['<a href="mailto:bob.smith@example.org">mail</a>', 'email', 'bob.smith@example.org'],
    ['/unsubscribe?u=carol%40example.com&x=1', 'email', 'carol%40example.com'],
    ['paid with 4111 1111 1111 1111.', 'payment-card', '4111 1111 1111 1111'],
    ['card=5555-5555-5555-4444&exp=12/29', 'payment-card', '5555-5555-5555-4444'],
    ['card 4111111111111111 2029', 'payment-card', '4111111111111111'],
    [`token: ${JWT} end`, 'jwt', JWT],
    ['key AKIAIOSFODNN7EXAMPLE in config', 'api-key', 'AKIAIOSFODNN7EXAMPLE'],
    ['export GITHUB_TOKEN=ghp_16C7e42F292c6912E7710c838347Ae178B4a', 'api-key', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'],
    ['url https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX ok', 'secret', 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX'],
    [`key:\n${PEM}\nrest`, 'private-key', PEM],
    ['IBAN GB82 WEST 1234 5698 7654 32, thanks', 'iban', 'GB82 WEST 1234 5698 7654 32'],
    ['applicant 123-45-6789 approved', 'us-ssn', '123-45-6789'],
    ['SSN: 123 45 6789', 'us-ssn', '123 45 6789'],
    ['login failed user=bob password=hunter2 ip=10.0.0.1', 'password', 'hunter2'],
    ['{"client_secret": "s3cr3t-value", "n": 1}', 'secret', 's3cr3t-value'],
    ['GET /cb?code=1&access_token=abc123&state=x', 'api-key', 'abc123'],
    ['Authorization: Bearer abcdefghijklmnop0123', 'api-key', 'abcdefghijklmnop0123'],
    ['dob=1990-04-01;', 'date-of-birth', '1990-04-01'],
  ])('finds %j', (text, dataClass, value) => {
    expect(found(text)).toContainEqual([dataClass, value]);
  });

  it.each([
    ['order 4111111111111112 shipped', 'Luhn fails'],
    ['build 1700000000123 at 2026-11-23T10:00:00Z', 'timestamps'],
    ['see icon@2x.png and lodash@4.17.21', 'asset and package names'],
    ['id 550e8400-e29b-41d4-a716-446655440000 v1.2.3', 'UUID and version'],
    ['call 123 45 6789 now', 'nine digits without SSN context'],
    ['total: 149.90 EUR, qty=2, page_token=abc', 'ordinary key=value pairs'],
    ['Basic training', 'the word Basic'],
    ['the bearer of bad news', 'the word bearer followed by a short word'],
    ['XGB82 WEST 1234 5698 7654 32', 'IBAN glued to a word'],
  ])('finds nothing in %j (%s)', (text) => {
    expect(findInText(text)).toEqual([]);
  });

  it('returns sorted, non-overlapping spans and merges overlaps under the stronger class', () => {
    const text = `a@example.com Authorization: Bearer ${JWT} and 4111 1111 1111 1111`;
    const spans = findInText(text);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
    expect(spans.map((s) => s.dataClass)).toEqual(['email', 'jwt', 'payment-card']);
  });

  it('redacts an unterminated private key to the end of the text', () => {
    const text = 'x -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB';
    expect(findInText(text)).toEqual([{ dataClass: 'private-key', start: 2, end: text.length }]);
  });

  it('scans no further than maxScan', () => {
    const text = `${'x '.repeat(100)}alice@example.com`;
    expect(findInText(text, 100)).toEqual([]);
    expect(findInText(text)).toHaveLength(1);
  });
});
