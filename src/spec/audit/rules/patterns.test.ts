import { isSafe } from 'redos-detector';
import { describe, expect, it } from 'vitest';
import { compact, words } from './kit.js';
import { secretIn } from './names.js';
import { RULE_PATTERNS, SECRET_PATTERNS } from './patterns.js';
import { anchoringProblem, nestedQuantifier } from './schemas.js';

/**
 * The spec rules read text an uploader controls (a spec can be sent to the server). Every pattern they
 * run is proven free of super-linear backtracking by `redos-detector`, and the hand-written scanners
 * finish quickly on adversarial 100 KB inputs.
 */
const SIZE = 100 * 1024;
const BOUND_MS = 1000;
const repeatTo = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

describe('patterns used by spec rules', () => {
  const all = [...Object.entries(RULE_PATTERNS), ...SECRET_PATTERNS.map((p) => [p.kind, p.re] as const)];
  it.each(all)('%s is proven safe by redos-detector', (_name, re) => {
    expect(isSafe(new RegExp(re.source, re.flags.replace('g', ''))).safe).toBe(true);
  });

  it.each([
    ['words', () => words(repeatTo('aB_'))],
    ['compact', () => compact(repeatTo('a-B_'))],
    ['secretIn on near-miss tokens', () => secretIn(repeatTo('ghp_AKIAeyJ.'))],
    ['secretIn on one long token', () => secretIn(`eyJ${'a'.repeat(SIZE)}`)],
    ['nestedQuantifier', () => nestedQuantifier(repeatTo('((a+)|'))],
    ['anchoringProblem', () => anchoringProblem(repeatTo('[\\]|('))],
  ])('%s stays linear on 100 KB of adversarial input', (_name, run) => {
    const t0 = performance.now();
    run();
    expect(performance.now() - t0).toBeLessThan(BOUND_MS);
  });
});

describe('nestedQuantifier agrees with redos-detector', () => {
  it.each(['^(a+)+$', '^(\\w+\\s?)*$', '^(a|aa)*$', '^(?:[a-z]+,?)+$', '^(a+|b)+$', '^((a+))+$'])('flags %s, which redos-detector finds unsafe', (p) => {
    expect(nestedQuantifier(p)).not.toBeNull();
    expect(isSafe(new RegExp(p)).safe).toBe(false);
  });
  it.each(['^[a-z]+$', '^(?:ab)+$', '^[A-Za-z0-9_-]+$', '^\\d{3}-\\d{4}$', '^(?:[a-z]{2})?$', '^[^<>]*$', '^(a|b)+$', '^((ab)*c)*$', '^(a|ab)*$', '^\\w+(\\s\\w+)*$'])('passes %s, which redos-detector finds safe', (p) => {
    expect(nestedQuantifier(p)).toBeNull();
    expect(isSafe(new RegExp(p)).safe).toBe(true);
  });
});

describe('words and compact', () => {
  it.each([
    ['userId', ['user', 'id']],
    ['X-API-Key', ['x', 'api', 'key']],
    ['APIKey', ['api', 'key']],
    ['per_page', ['per', 'page']],
    ['created_at', ['created', 'at']],
    ['sha256Hash', ['sha256', 'hash']],
  ])('words(%s)', (name, expected) => expect(words(name)).toEqual(expected));
  it('compact drops case and separators', () => expect(['api-key', 'apiKey', 'API_KEY'].map(compact)).toEqual(['apikey', 'apikey', 'apikey']));
});

describe('secretIn', () => {
  it.each([
    ['AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
    [`token ghp_${'a'.repeat(36)}`, 'a GitHub token'],
    [`Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${'s'.repeat(43)}`, 'a JSON Web Token'],
    ['-----BEGIN EC PRIVATE KEY-----\nabc', 'a private key'],
  ])('finds the secret in %s', (value, kind) => expect(secretIn(value)).toBe(kind));
  it.each(['ghp_EXAMPLE', '<your-api-key>', 'AKIA-not-a-key', 'just a sentence with eyJ in it'])('finds nothing in %s', (value) => expect(secretIn(value)).toBeNull());
});
