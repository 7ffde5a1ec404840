import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEVERITY_RANK } from '../../contracts/finding.js';
import { OWASP_API_2023 } from '../../contracts/owasp.js';
import { CWE_TITLES } from '../audit/docs.js';
import { DIFF_DOCS_BEGIN, DIFF_DOCS_REGENERATE, renderDiffRuleDocs, withGeneratedSection } from './docs.js';
import { DIFF_CASES } from './fixtures/cases.js';
import { DIFF_RULE_FAMILIES, DIFF_RULES } from './registry.js';
import { CHANGE_KINDS } from './rule.js';

/**
 * Rules as data: every registered diff rule has a well-formed record (security changes mapped to OWASP and
 * CWE), table cases with positive and negative examples, and an entry in `docs/spec-diff.md` that matches
 * the record (generated: set UPDATE_DIFF_DOCS=1 to rewrite it after changing a rule).
 */

const PAGE = new URL('../../../docs/spec-diff.md', import.meta.url);
const rules = DIFF_RULES.map((r) => [r.id, r] as const);

describe('spec diff rule registry', () => {
  it('has unique ids, and its families list every rule once', () => {
    const ids = DIFF_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(25);
    expect(DIFF_RULE_FAMILIES.flatMap((f) => f.rules.map((r) => r.id))).toEqual(ids);
  });

  it.each(rules)('%s: record is well formed', (id, rule) => {
    expect(id).toMatch(/^diff-[a-z0-9]+(?:-[a-z0-9]+)+$/);
    expect(CHANGE_KINDS).toContain(rule.kind);
    expect(Object.keys(SEVERITY_RANK)).toContain(rule.severity);
    if (rule.kind === 'security') {
      expect(rule.owasp, 'a security change has an OWASP category').not.toBeNull();
      expect(rule.cwe, 'a security change has a CWE').not.toBeNull();
    }
    if (rule.owasp !== null) expect(OWASP_API_2023[rule.owasp]).toBeDefined();
    if (rule.cwe !== null) expect(CWE_TITLES[rule.cwe], `title of ${rule.cwe} in src/spec/audit/docs.ts`).toBeDefined();
    expect(rule.title.trim().length).toBeGreaterThan(5);
    expect(rule.detects.trim().length).toBeGreaterThan(20);
    expect(rule.rationale.trim().length).toBeGreaterThan(40);
    expect(rule.remediation.trim().length).toBeGreaterThan(20);
    expect(rule.tags.length).toBeGreaterThan(0);
  });

  it.each(rules)('%s: has table cases, positive and negative', (id) => {
    const own = DIFF_CASES.filter((c) => c.rule === id);
    expect(own.filter((c) => c.hits.length > 0).length, 'positive cases').toBeGreaterThan(0);
    expect(own.filter((c) => c.hits.length === 0).length, 'negative cases').toBeGreaterThan(0);
  });

  it('has no case for a rule that is not registered', () => {
    const ids = new Set(DIFF_RULES.map((r) => r.id));
    expect(DIFF_CASES.filter((c) => !ids.has(c.rule)).map((c) => c.rule)).toEqual([]);
  });

  it('is described, rule by rule, in an up-to-date docs/spec-diff.md', () => {
    const page = readFileSync(PAGE, 'utf8');
    const expected = withGeneratedSection(page, renderDiffRuleDocs(DIFF_RULE_FAMILIES));
    expect(expected, `docs/spec-diff.md has the ${DIFF_DOCS_BEGIN} markers`).not.toBeNull();
    if (process.env.UPDATE_DIFF_DOCS === '1') writeFileSync(PAGE, expected!);
    expect(readFileSync(PAGE, 'utf8'), `docs/spec-diff.md is up to date (regenerate: ${DIFF_DOCS_REGENERATE})`).toBe(expected);
    for (const r of DIFF_RULES) expect(page).toContain(`#### ${r.id}`);
  });
});
