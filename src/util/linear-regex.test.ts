import { describe, expect, it } from 'vitest';
import { compileLinearRegex, LinearRegexError, MAX_PATTERN_LENGTH } from './linear-regex.js';

const PATTERNS = [
  '^/admin',
  '^/admin(/|$)',
  '^/v[0-9]+/users/\\{[a-z_]+\\}$',
  'password|passwd|secret',
  '^(get|post|put)$',
  '^https://',
  'a.c',
  '^a*$',
  '^(ab)+$',
  '^a{2,3}$',
  '^a{2}b{1,}$',
  '^x?y??z*?$',
  '[^a-z0-9]',
  '^[\\w.-]+@[\\w-]+\\.[a-z]{2,}$',
  '\\s',
  '\\S+\\d\\D\\W',
  '^\\x41\\u0042$',
  '^[\\]\\-]+$',
  '(?:)',
  '',
  '^$',
  'a|',
  '^(a|)+b$',
  '^(a*)*b$',
  '[.]',
  '^.*$',
  '}',
  ']',
  '^[\\b]$',
  '^[a-]$',
];
const INPUTS = ['', '/admin', '/admin/x', '/administrator', '/v1/users/{user_id}', '/v12/users/{id}x', 'my_password', 'GET', 'get', 'post', 'https://x', 'http://x', 'abc', 'a\nc', 'aaa', 'aa', 'a', 'abab', 'aab', 'aabbb', 'xyz', 'xz', 'yz', 'ABC', 'Z', 'a b', 'ab1cd', 'AB', 'e.mail-x@ex-ample.org', 'x@y.z', '-]', '}', ']', '\b', '-', 'b', 'aaab', '.'];

describe('compileLinearRegex', () => {
  it.each(PATTERNS)('agrees with RegExp on %j', (pattern) => {
    const ours = compileLinearRegex(pattern);
    const js = new RegExp(pattern);
    for (const s of INPUTS) expect(ours.test(s), `${pattern} on ${JSON.stringify(s)}`).toBe(js.test(s));
  });

  it.each([
    ['(?=a)', /look-arounds/],
    ['(?<name>a)', /named groups/],
    ['(?!a)', /look-arounds/],
    ['(a)\\1', /back-references/],
    ['\\bword\\b', /word boundary/],
    ['\\p{L}', /not supported/],
    ['a**', /nothing to repeat/],
    ['*a', /nothing to repeat/],
    ['^*', /nothing to repeat/],
    ['(a', /missing "\)"/],
    ['a)', /unbalanced/],
    ['[a', /missing "\]"/],
    ['[]', /empty character class/],
    ['[z-a]', /out of order/],
    ['a{3,2}', /m < n/],
    ['a{1000}', /above 100/],
    ['a{', /repetition/],
    ['\\', /end of the pattern/],
    ['\\x4', /hex digits/],
    ['((a{100}){100})', /too complex/],
    ['a'.repeat(MAX_PATTERN_LENGTH + 1), /longer than/],
  ])('rejects %j with a reason', (pattern, reason) => {
    expect(() => compileLinearRegex(pattern)).toThrow(LinearRegexError);
    expect(() => compileLinearRegex(pattern)).toThrow(reason);
  });

  it('runs patterns that make a backtracking engine take exponential time in linear time', () => {
    const text = 'a'.repeat(50_000) + '!';
    for (const evil of ['^(a+)+$', '^(a|a)*$', '^(a|aa)+$', '(a*)*b', '^(\\w+\\s?)*$', 'a*a*a*a*a*b']) {
      const started = performance.now();
      expect(compileLinearRegex(evil).test(text)).toBe(false);
      expect(performance.now() - started, evil).toBeLessThan(2000);
    }
  });
});
