import { isSafe } from 'redos-detector';
import { describe, expect, it } from 'vitest';
import { classifyValue, findInText } from './classify-value.js';
import { BUILTIN_PATTERNS } from './patterns.js';

/**
 * Every built-in pattern runs on attacker-controlled input. Two checks: `redos-detector` proves there is no
 * super-linear backtracking, and adversarial 100 KB near-matches must finish well inside a generous
 * bound (the bound is about catastrophic behaviour, not speed).
 */
const BOUND_MS = 2000;
const SIZE = 100 * 1024;

function repeatTo(unit: string, size = SIZE): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

const ADVERSARIAL: ReadonlyArray<[string, string]> = [
  ['emails without TLD', repeatTo('a.b-c@d-e.f-')],
  ['long local parts', repeatTo('a'.repeat(63) + '.')],
  ['many @', repeatTo('@a')],
  ['JWT-like runs without dots', repeatTo('eyJ')],
  ['JWT-like with dots', repeatTo('eyJhbGc.eyJ.')],
  ['secret prefixes', repeatTo('ghp_AKIAxoxb-sk_live_AIza')],
  ['slack hooks', repeatTo('https://hooks.slack.com/services/')],
  ['digit groups', repeatTo('4111 ')],
  ['digit dashes', repeatTo('123-45-')],
  ['IBAN starts', repeatTo('GB82 ')],
  ['key=value', repeatTo('password=')],
  ['quoted keys', repeatTo('"token":"')],
  ['colons', repeatTo('a:')],
  ['bearer', repeatTo('Bearer ')],
  ['PEM begin', repeatTo('-----BEGIN PRIVATE KEY-----')],
  ['PEM label', repeatTo('-----BEGIN ')],
  ['spaces', repeatTo(' ')],
  ['percent 40', repeatTo('%40a')],
  ['XML open tags', repeatTo('<password>')],
  ['XML tags with attributes, no >', repeatTo('<ns:Password Type="x" ')],
  ['XML values without a closing <', repeatTo('<token>') + 'a'.repeat(SIZE)],
  ['CDATA without end', repeatTo('<password><![CDATA[')],
  ['long XML names', repeatTo('<' + 'a:'.repeat(40))],
];

describe('ReDoS safety of built-in patterns', () => {
  it.each(BUILTIN_PATTERNS.map((p) => [p.name, p.pattern] as const))('%s is safe', (_name, pattern) => {
    const result = isSafe(pattern);
    expect(result.safe, JSON.stringify(result.score)).toBe(true);
  });

  it.each(BUILTIN_PATTERNS.map((p) => [p.name, p.pattern] as const))('%s stays linear on 100 KB near-matches', (_name, pattern) => {
    const re = new RegExp(pattern.source, pattern.flags.replace('g', ''));
    for (const [, input] of ADVERSARIAL) {
      const t0 = performance.now();
      re.test(input);
      expect(performance.now() - t0).toBeLessThan(BOUND_MS);
    }
  });

  it.each(ADVERSARIAL)('findInText stays linear on %s', (_label, input) => {
    const t0 = performance.now();
    findInText(input, SIZE);
    expect(performance.now() - t0).toBeLessThan(BOUND_MS);
  });

  it.each(ADVERSARIAL)('classifyValue stays linear on %s', (_label, input) => {
    const t0 = performance.now();
    classifyValue(input, 'password');
    classifyValue(input.slice(0, 8192));
    expect(performance.now() - t0).toBeLessThan(BOUND_MS);
  });
});
