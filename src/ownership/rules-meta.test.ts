import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CWE_TITLES } from '../conformance/docs.js';
import { SEVERITY_RANK } from '../contracts/finding.js';
import { OWASP_API_2023 } from '../contracts/owasp.js';
import { REGENERATE_COMMAND, renderOwnershipRuleDoc } from './docs.js';
import { OWNERSHIP_FINDING_RULES } from './unowned.js';

/**
 * Rules as data: every ownership finding rule has a well-formed record, tests, and a docs page rendered from
 * the record (set UPDATE_RULE_DOCS=1 to rewrite the pages after changing a rule), listed in the rules index.
 */

const DOCS = new URL('../../docs/rules/', import.meta.url);
const UPDATE = process.env.UPDATE_RULE_DOCS === '1';
const TESTS = readFileSync(new URL('./service.test.ts', import.meta.url), 'utf8');
const cases = OWNERSHIP_FINDING_RULES.map((r) => [r.id, r] as const);

describe('ownership finding rules', () => {
  it.each(cases)('%s: record is well formed', (id, rule) => {
    expect(id).toMatch(/^ownership-[a-z0-9]+(?:-[a-z0-9]+)*$/);
    expect(Object.keys(OWASP_API_2023)).toContain(rule.owasp);
    expect(CWE_TITLES[rule.cwe], `CWE title for ${rule.cwe}`).toBeDefined();
    expect(Object.keys(SEVERITY_RANK)).toContain(rule.severity);
    for (const text of [rule.title, rule.rationale, rule.remediation, rule.trigger, rule.falsePositives, rule.example]) expect(text.trim().length).toBeGreaterThan(10);
    expect(rule.tags.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s: is tested in service.test.ts', (id) => {
    expect(TESTS).toContain(`'${id}'`);
  });

  it.each(cases)('%s: has its docs page, listed in the rules index', (id, rule) => {
    const url = new URL(`${id}.md`, DOCS);
    const expected = renderOwnershipRuleDoc(rule);
    if (UPDATE) writeFileSync(url, expected);
    expect(existsSync(url), `docs/rules/${id}.md (run ${REGENERATE_COMMAND})`).toBe(true);
    expect(readFileSync(url, 'utf8'), `docs/rules/${id}.md is out of date: run ${REGENERATE_COMMAND}`).toBe(expected);
    const row = readFileSync(new URL('README.md', DOCS), 'utf8').split('\n').find((l) => l.includes(`(${id}.md)`));
    expect(row, id).toBeDefined();
    expect(row).toContain(rule.owasp);
    expect(row).toContain(rule.cwe);
  });

  it('has no docs page for a rule that is not registered', () => {
    const pages = readdirSync(DOCS).filter((f) => f.startsWith('ownership-') && f.endsWith('.md'));
    expect(pages.map((f) => f.slice(0, -3)).sort()).toEqual(OWNERSHIP_FINDING_RULES.map((r) => r.id).sort());
  });
});
