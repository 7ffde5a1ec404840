import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-errors.js';
import { findRulesetFile, loadRulesetFile, parseRuleset } from './ruleset-file.js';
import { SAMPLE_RULES, sampleModel } from './report/fixtures/sample.js';
import type { SpecRule } from './audit/rule.js';
import { SPEC_RULES } from './audit/registry.js';
import { loadSpec } from './load.js';

const BUILT_IN: SpecRule[] = SAMPLE_RULES.map((r) =>
  r.id === 'spec-security-operation-unprotected'
    ? { ...r, *check(model) { for (const op of model.operations) if (!op.security.length) yield { pointer: op.pointer, message: `${op.path} open` }; } }
    : r,
);
const ids = (rules: SpecRule[]) => rules.map((r) => r.id);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return err as DomainError;
  }
  throw new Error('expected an error');
}

const CUSTOM = `
custom:
  - id: spec-custom-pets-need-auth
    title: Pet operations require authentication
    severity: high
    owasp: API2:2023
    cwe: CWE-306
    given: operations
    where: { field: path, matches: '^/pets' }
    then: { field: security, exists: true }
    message: '{{label}} ({{operationId}}) has no authentication'
    remediation: Add a security requirement.
`;

describe('parseRuleset', () => {
  it('runs every built-in rule, unchanged, for an empty file', () => {
    const r = parseRuleset('', 'r.yaml', BUILT_IN);
    expect(r.rules).toEqual(BUILT_IN);
    expect(r).toMatchObject({ source: 'r.yaml', disabled: [], rerated: [], custom: [] });
  });

  it('switches rules off with off, false or enabled: false', () => {
    const r = parseRuleset(
      'rules:\n  spec-security-http-server: off\n  spec-info-no-contact: false\n  spec-schema-string-unbounded: { enabled: false }\n',
      'r.yaml',
      BUILT_IN,
    );
    expect(ids(r.rules)).toEqual(['spec-security-operation-unprotected', 'spec-security-apikey-in-query', 'spec-schema-no-additional-properties']);
    expect(r.disabled).toEqual(['spec-info-no-contact', 'spec-schema-string-unbounded', 'spec-security-http-server']);
  });

  it('re-rates rules, and the re-rated rule still finds what it found', () => {
    const r = parseRuleset('rules:\n  spec-security-operation-unprotected: low\n  spec-security-apikey-in-query: { severity: critical }\n', 'r.yaml', BUILT_IN);
    const unprotected = r.rules.find((x) => x.id === 'spec-security-operation-unprotected')!;
    expect(unprotected.severity).toBe('low');
    expect([...unprotected.check(sampleModel())]).toEqual([{ pointer: '/paths/~1pets/get', message: '/pets open' }]);
    expect(r.rules.find((x) => x.id === 'spec-security-apikey-in-query')!.severity).toBe('critical');
    expect(r.rerated).toEqual([
      { id: 'spec-security-apikey-in-query', from: 'high', to: 'critical' },
      { id: 'spec-security-operation-unprotected', from: 'critical', to: 'low' },
    ]);
    // The built-in records are not changed.
    expect(BUILT_IN[0]!.severity).toBe('critical');
  });

  it('reads JSON too', () => {
    const r = parseRuleset('{"rules": {"spec-security-http-server": "off"}}', 'r.json', BUILT_IN);
    expect(r.disabled).toEqual(['spec-security-http-server']);
  });

  it('names an unknown rule id, and the id it probably meant', () => {
    const e = errorOf(() => parseRuleset('rules:\n  spec-security-htp-server: off\n', 'r.yaml', BUILT_IN));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toBe('ruleset file r.yaml: rules: unknown rule id "spec-security-htp-server" (did you mean "spec-security-http-server"?)');
    expect(errorOf(() => parseRuleset('rules:\n  something-else: off\n', 'r.yaml', BUILT_IN)).message).toBe('ruleset file r.yaml: rules: unknown rule id "something-else"');
  });

  it('adds custom rules after the built-in ones, and they can be re-rated or switched off like any other', () => {
    const r = parseRuleset(CUSTOM, 'r.yaml', BUILT_IN);
    expect(ids(r.rules).at(-1)).toBe('spec-custom-pets-need-auth');
    expect(r.custom).toEqual(['spec-custom-pets-need-auth']);
    const rule = r.rules.at(-1)!;
    expect(rule).toMatchObject({ severity: 'high', owasp: 'API2:2023', cwe: 'CWE-306', category: 'security', tags: ['custom'] });
    expect([...rule.check(sampleModel())]).toEqual([{ pointer: '/paths/~1pets/get', message: 'GET /pets (listPets) has no authentication' }]);

    expect(parseRuleset(`${CUSTOM}rules:\n  spec-custom-pets-need-auth: medium\n`, 'r.yaml', BUILT_IN).rules.at(-1)!.severity).toBe('medium');
    expect(ids(parseRuleset(`${CUSTOM}rules:\n  spec-custom-pets-need-auth: off\n`, 'r.yaml', BUILT_IN).rules)).not.toContain('spec-custom-pets-need-auth');
  });

  it.each([
    ['not YAML', 'rules: [unclosed', /^ruleset file r\.yaml is not valid YAML: /],
    ['an unknown top-level key', 'rule:\n  a: off\n', /^ruleset file r\.yaml: \(top level\): .*rule/],
    ['a bad setting', 'rules:\n  spec-security-http-server: severe\n', /^ruleset file r\.yaml: rules\.spec-security-http-server: a rule setting is off, a severity/],
    ['a custom id without the prefix', CUSTOM.replace('spec-custom-pets-need-auth', 'pets-need-auth'), /custom\.0\.id: custom rule ids are kebab-case and start with "spec-custom-"/],
    ['a custom id used twice', CUSTOM.replace('spec-custom-pets-need-auth', 'spec-custom-x') + CUSTOM.replace('custom:\n', '').replace('spec-custom-pets-need-auth', 'spec-custom-x'), /custom\.1\.id: "spec-custom-x" is already the id of another custom rule/],
    ['a bad OWASP category', CUSTOM.replace('API2:2023', 'A01:2021'), /custom\.0\.owasp/],
    ['an unknown collection', CUSTOM.replace('given: operations', 'given: endpoints'), /custom\.0\.given/],
    ['a condition with two operators', CUSTOM.replace("{ field: path, matches: '^/pets' }", "{ field: path, matches: '^/pets', exists: true }"), /custom\.0\.where\.0: a condition has exactly one of/],
    ['a condition without an operator', CUSTOM.replace("{ field: security, exists: true }", '{ field: security }'), /custom\.0\.then\.0: a condition has exactly one of/],
    ['a super-linear-only pattern', CUSTOM.replace("'^/pets'", "'^(?=/pets)'"), /custom\.0\.where\.0\.matches: pattern not accepted: look-arounds/],
    ['a back-reference', CUSTOM.replace("'^/pets'", "'(a)\\1'"), /back-references are not supported/],
    ['a too long pattern', CUSTOM.replace("'^/pets'", `'${'a'.repeat(300)}'`), /pattern longer than 256 characters/],
    ['an unknown key in a custom rule', CUSTOM.replace('given:', 'severityy: high\n    given:'), /custom\.0: .*severityy/],
  ])('rejects %s, saying where', (_name, text, message) => {
    const e = errorOf(() => parseRuleset(text, 'r.yaml', BUILT_IN));
    expect(e.code).toBe('invalid_input');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(message);
  });

  it('rejects a custom rule that reuses a built-in id (with the custom prefix, as a later built-in could)', () => {
    const withCustomBuiltIn = [...BUILT_IN, { ...BUILT_IN[0]!, id: 'spec-custom-pets-need-auth' }];
    expect(errorOf(() => parseRuleset(CUSTOM, 'r.yaml', withCustomBuiltIn)).message).toMatch(/custom\.0\.id: "spec-custom-pets-need-auth" is already the id of a built-in rule/);
  });
});

describe('findRulesetFile and loadRulesetFile', () => {
  it('finds .bulwark-spec-rules.yaml in a directory, and nothing where there is none', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-ruleset-'));
    dirs.push(dir);
    expect(findRulesetFile(dir)).toBeNull();
    writeFileSync(path.join(dir, '.bulwark-spec-rules.yaml'), 'rules:\n  spec-security-http-server: off\n');
    const file = findRulesetFile(dir)!;
    expect(file).toBe(path.join(dir, '.bulwark-spec-rules.yaml'));
    expect(loadRulesetFile(file, BUILT_IN).disabled).toEqual(['spec-security-http-server']);
  });

  it('reports a missing file as not found, an unreadable or oversized one as invalid input', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-ruleset-'));
    dirs.push(dir);
    const missing = errorOf(() => loadRulesetFile(path.join(dir, 'nope.yaml'), BUILT_IN));
    expect(missing.code).toBe('not_found');
    expect(missing.message).toMatch(/nope\.yaml not found/);
    expect(errorOf(() => loadRulesetFile(dir, BUILT_IN)).message).toMatch(/cannot be read/);
    const big = path.join(dir, 'big.yaml');
    writeFileSync(big, `# ${'x'.repeat(1024 * 1024)}\n`);
    expect(errorOf(() => loadRulesetFile(big, BUILT_IN)).message).toMatch(/larger than 1024 KiB/);
  });
});

describe('the example in docs/spec-audit.md', () => {
  it('is a valid ruleset for the built-in rules, and its custom rules find what they say on a real spec', async () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/spec-audit.md'), 'utf8');
    const example = /```yaml\n(# \.bulwark-spec-rules\.yaml\n[\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const r = parseRuleset(example!, '.bulwark-spec-rules.yaml', SPEC_RULES);
    expect(r.custom).toEqual(['spec-custom-admin-needs-auth', 'spec-custom-ids-are-uuids', 'spec-custom-rate-limit-documented']);
    expect(r.disabled.length + r.rerated.length).toBeGreaterThan(0);
    const model = await loadSpec(path.resolve(import.meta.dirname, '../cli/fixtures/spec-audit/shop-insecure.yaml'));
    const hits = (id: string) => [...r.rules.find((x) => x.id === id)!.check(model)].map((h) => h.message);
    expect(hits('spec-custom-admin-needs-auth')).toEqual(['GET /admin/users is an admin operation without authentication']);
    expect(hits('spec-custom-ids-are-uuids')).toEqual(['Path parameter id of delete /orders/{id} is not a UUID']);
    expect(hits('spec-custom-rate-limit-documented')).toHaveLength(4);
  });
});
