import { describe, expect, it } from 'vitest';
import { SQLI_CASES } from './fixtures/sqli.cases.js';
import { runCases } from './fixtures/run-cases.js';
import { SQLI_TOKENS, analyseSql, triggerWords, TRIGGER_NONE, TRIGGER_STRONG, TRIGGER_WEAK } from './sqli.js';

describe('sqli-tokens', () => {
  runCases([SQLI_TOKENS], SQLI_CASES);

  it('rates a tautology that repeats its literal above one that does not', () => {
    expect(analyseSql("' OR 'a'='a")!.confidence).toBeGreaterThan(analyseSql("' OR a=b")!.confidence);
  });

  it('reports the fragment from just before the break', () => {
    expect(SQLI_TOKENS.detect({ location: 'query', name: 'id', value: "42' OR '1'='1" })!.fragment).toBe("42' OR '1'='1");
  });

  it.each([
    ['select your size', TRIGGER_STRONG],
    ['Jack and Jill', TRIGGER_WEAK],
    ['registroAND', TRIGGER_WEAK],
    ['color island brand', TRIGGER_NONE],
    ['Konqueror', TRIGGER_NONE],
  ] as const)('trigger words of %j', (text, expected) => {
    expect(triggerWords(text)).toBe(expected);
  });
});
