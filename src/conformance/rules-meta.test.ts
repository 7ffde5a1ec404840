import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEVERITY_RANK } from '../contracts/finding.js';
import { OWASP_API_2023 } from '../contracts/owasp.js';
import { CWE_TITLES, INDEX_PAGE, REGENERATE_COMMAND, renderConformanceRuleDoc, renderConformanceRuleIndex } from './docs.js';
import { CONFORMANCE_RULES, DRIFT_RULE_IDS } from './rules.js';
import { DRIFT_KINDS } from '../contracts/conformance.js';

/**
 * Rules as data: every conformance rule has a well-formed record, table tests, and a docs page rendered
 * from the record (set UPDATE_RULE_DOCS=1 to rewrite the pages after changing a rule).
 */

const DOCS = new URL('../../docs/rules/', import.meta.url);
const UPDATE = process.env.UPDATE_RULE_DOCS === '1';
const TESTS = readFileSync(new URL('./rules.test.ts', import.meta.url), 'utf8');
const cases = CONFORMANCE_RULES.map((r) => [r.id, r] as const);

function compareOrWrite(file: string, expected: string): void {
  const url = new URL(file, DOCS);
  if (UPDATE) writeFileSync(url, expected);
  expect(existsSync(url), `docs/rules/${file} (run ${REGENERATE_COMMAND})`).toBe(true);
  expect(readFileSync(url, 'utf8'), `docs/rules/${file} is out of date: run ${REGENERATE_COMMAND}`).toBe(expected);
}

describe('conformance rule registry', () => {
  it('has unique ids, and a drift rule for every drift kind', () => {
    const ids = CONFORMANCE_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const kind of DRIFT_KINDS) expect(ids).toContain(DRIFT_RULE_IDS[kind]);
    for (const id of ['conformance-shadow-endpoint', 'conformance-zombie-operation', 'conformance-orphan-operation']) expect(ids).toContain(id);
  });

  it.each(cases)('%s: record is well formed', (id, rule) => {
    expect(id).toMatch(/^conformance-[a-z0-9]+(?:-[a-z0-9]+)*$/);
    expect(Object.keys(OWASP_API_2023)).toContain(rule.owasp);
    expect(rule.cwe).toMatch(/^CWE-[1-9]\d*$/);
    expect(CWE_TITLES[rule.cwe], `CWE title for ${rule.cwe}`).toBeDefined();
    expect(Object.keys(SEVERITY_RANK)).toContain(rule.severity);
    for (const text of [rule.title, rule.rationale, rule.remediation, rule.trigger, rule.falsePositives, rule.example]) expect(text.trim().length).toBeGreaterThan(10);
    expect(rule.tags.length).toBeGreaterThan(0);
    expect(typeof rule.evaluate).toBe('function');
  });

  it.each(cases)('%s: inventory rules map to API9:2023 Improper Inventory Management', (id, rule) => {
    if (!id.startsWith('conformance-drift-')) expect(rule.owasp).toBe('API9:2023');
    else expect(['API3:2023', 'API8:2023']).toContain(rule.owasp);
  });

  it.each(cases)('%s: has table tests in rules.test.ts', (id) => {
    expect(TESTS).toContain(`'${id}'`);
  });

  it.each(cases)('%s: has its docs page', (id, rule) => {
    compareOrWrite(`${id}.md`, renderConformanceRuleDoc(rule));
  });

  it('has the index page, linked from the rules README', () => {
    compareOrWrite(INDEX_PAGE, renderConformanceRuleIndex(CONFORMANCE_RULES));
    expect(readFileSync(new URL('README.md', DOCS), 'utf8')).toContain(`(${INDEX_PAGE})`);
  });

  it('has no docs page for a rule that is not registered', () => {
    const pages = readdirSync(DOCS).filter((f) => f.startsWith('conformance-') && f.endsWith('.md') && f !== INDEX_PAGE);
    expect(pages.map((f) => f.slice(0, -3)).sort()).toEqual(CONFORMANCE_RULES.map((r) => r.id).sort());
  });
});
