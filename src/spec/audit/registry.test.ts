import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEVERITY_RANK } from '../../contracts/finding.js';
import { OWASP_API_2023 } from '../../contracts/owasp.js';
import { modelFromObject } from '../build-model.js';
import { auditSpec } from './audit.js';
import { CWE_TITLES, renderRuleDoc, renderRuleIndex, REGENERATE_COMMAND, type DocExample } from './docs.js';
import { valueAt } from './facts.js';
import { oas, oas31, type RuleCase } from './fixtures/cases-kit.js';
import { INVENTORY_CASES } from './fixtures/inventory.cases.js';
import { OPERATION_SECURITY_CASES } from './fixtures/operations-security.cases.js';
import { PARAMETER_CASES } from './fixtures/parameters.cases.js';
import { RESPONSE_CASES } from './fixtures/responses.cases.js';
import { SCHEMA_CASES } from './fixtures/schemas.cases.js';
import { SECURITY_SCHEME_CASES } from './fixtures/security-schemes.cases.js';
import { SENSITIVE_DATA_CASES } from './fixtures/sensitive-data.cases.js';
import { SERVER_CASES } from './fixtures/servers.cases.js';
import { BUILT_IN_RULES, RULE_FAMILIES, SPEC_RULES } from './registry.js';
import type { AuditRule } from './rules/kit.js';
import { INVENTORY_RULES } from './rules/inventory.js';
import { OPERATION_SECURITY_RULES } from './rules/operations-security.js';
import { PARAMETER_RULES } from './rules/parameters.js';
import { RESPONSE_RULES } from './rules/responses.js';
import { SCHEMA_RULES } from './rules/schemas.js';
import { SECURITY_SCHEME_RULES } from './rules/security-schemes.js';
import { SENSITIVE_DATA_RULES } from './rules/sensitive-data.js';
import { SERVER_RULES } from './rules/servers.js';
import { SPECTRAL_OWASP_2023_RULES } from './spectral.js';

/**
 * Rules as data: every registered spec rule has a well-formed record, table tests with positive and
 * negative cases, and a docs page that matches the record (generated: set UPDATE_RULE_DOCS=1 to rewrite
 * the pages after changing a rule). Together the rules cover the Spectral OWASP ruleset, and none fires on
 * the clean reference document.
 */

const DOCS = new URL('../../../docs/rules/', import.meta.url);
const UPDATE = process.env.UPDATE_RULE_DOCS === '1';
const INDEX_PAGE = 'spec-audit-rules.md';

const FAMILIES: ReadonlyArray<[string, readonly AuditRule[]]> = [
  ['security-schemes', SECURITY_SCHEME_RULES],
  ['operations-security', OPERATION_SECURITY_RULES],
  ['servers', SERVER_RULES],
  ['responses', RESPONSE_RULES],
  ['schemas', SCHEMA_RULES],
  ['parameters', PARAMETER_RULES],
  ['sensitive-data', SENSITIVE_DATA_RULES],
  ['inventory', INVENTORY_RULES],
];
const SOURCE = new Map(FAMILIES.flatMap(([file, rules]) => rules.map((r) => [r.id, `src/spec/audit/rules/${file}.ts`] as const)));
const ALL_CASES: readonly RuleCase[] = [
  ...SECURITY_SCHEME_CASES,
  ...OPERATION_SECURITY_CASES,
  ...SERVER_CASES,
  ...RESPONSE_CASES,
  ...SCHEMA_CASES,
  ...PARAMETER_CASES,
  ...SENSITIVE_DATA_CASES,
  ...INVENTORY_CASES,
];
const cases = BUILT_IN_RULES.map((r) => [r.id, r] as const);

/** The nearest pointer at or above `pointer` that names something in `doc` (never the whole document for a deeper pointer). */
function nearestWritten(doc: unknown, pointer: string): string | null {
  let p = pointer;
  while (valueAt(doc, p) === undefined) {
    if (p === '') return null;
    p = p.slice(0, p.lastIndexOf('/'));
  }
  return p === '' && pointer !== '' ? null : p;
}

/** The page's worked examples: the rule's first positive case, and a negative one shown at the same place. */
function examplesOf(rule: AuditRule): { flagged: DocExample; passing: DocExample | null } {
  const own = ALL_CASES.filter((c) => c.rule === rule.id);
  const pos = own.find((c) => c.hits.length > 0)!;
  const hitPointer = pos.hits[0]!;
  const hit = [...rule.check(modelFromObject(pos.doc))].find((h) => h.pointer === hitPointer)!;
  const pointer = pos.show ?? hitPointer;
  const neg = own.filter((c) => c.hits.length === 0);
  const comparable = neg.find((c) => valueAt(c.doc, c.show ?? pointer) !== undefined) ?? neg.find((c) => nearestWritten(c.doc, c.show ?? pointer) !== null) ?? neg[0];
  return {
    flagged: { name: pos.name, doc: pos.doc, pointer, finding: { pointer: hit.pointer, message: hit.message } },
    passing: comparable ? { name: comparable.name, doc: comparable.doc, pointer: nearestWritten(comparable.doc, comparable.show ?? pointer) ?? '-' } : null,
  };
}

function checkPage(file: string, expected: string): void {
  const url = new URL(file, DOCS);
  if (UPDATE) writeFileSync(url, expected);
  expect(existsSync(url), `docs/rules/${file} exists (regenerate: ${REGENERATE_COMMAND})`).toBe(true);
  expect(readFileSync(url, 'utf8'), `docs/rules/${file} is up to date (regenerate: ${REGENERATE_COMMAND})`).toBe(expected);
}

describe('spec rule registry', () => {
  it('has at least 80 rules, with unique ids, and registers them all as SPEC_RULES', () => {
    expect(BUILT_IN_RULES.length).toBeGreaterThanOrEqual(80);
    const ids = BUILT_IN_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(SPEC_RULES).toBe(BUILT_IN_RULES);
    expect(FAMILIES.flatMap(([, rules]) => rules.map((r) => r.id)).sort()).toEqual([...ids].sort());
  });

  it.each(cases)('%s: record is well formed', (id, rule) => {
    expect(id).toMatch(/^spec-[a-z0-9]+(?:-[a-z0-9]+)+$/);
    expect(RULE_FAMILIES.some((f) => id.startsWith(f.prefix)), 'id has a known family prefix').toBe(true);
    expect(rule.owasp).toMatch(/^API(?:10|[1-9]):2023$/);
    expect(OWASP_API_2023[rule.owasp]).toBeDefined();
    expect(rule.cwe).toMatch(/^CWE-[1-9]\d*$/);
    expect(CWE_TITLES[rule.cwe], `title of ${rule.cwe} in docs.ts`).toBeDefined();
    expect(Object.keys(SEVERITY_RANK)).toContain(rule.severity);
    expect(['security', 'data-validation']).toContain(rule.category);
    expect(rule.title.trim().length).toBeGreaterThan(5);
    expect(rule.detects.trim().length).toBeGreaterThan(20);
    expect(rule.rationale.trim().length).toBeGreaterThan(40);
    expect(rule.remediation.trim().length).toBeGreaterThan(20);
    expect(rule.tags.length).toBeGreaterThan(0);
    for (const s of rule.spectral ?? []) expect(s).toMatch(/^owasp:api(?:10|[1-9]):2023-[A-Za-z0-9-]+$/);
    expect(typeof rule.check).toBe('function');
  });

  it.each(cases)('%s: has table tests with positive and negative cases', (id) => {
    const own = ALL_CASES.filter((c) => c.rule === id);
    expect(own.filter((c) => c.hits.length > 0).length, 'positive cases').toBeGreaterThan(0);
    expect(own.filter((c) => c.hits.length === 0).length, 'negative cases').toBeGreaterThan(0);
  });

  it('has no case for a rule that is not registered', () => {
    const ids = new Set(BUILT_IN_RULES.map((r) => r.id));
    expect(ALL_CASES.filter((c) => !ids.has(c.rule)).map((c) => c.rule)).toEqual([]);
  });

  it.each(cases)('%s: has an up-to-date docs page', (id, rule) => {
    checkPage(`${id}.md`, renderRuleDoc(rule, SOURCE.get(id)!, examplesOf(rule)));
  });

  it('has an up-to-date index page and no page for an unregistered rule', () => {
    checkPage(INDEX_PAGE, renderRuleIndex(BUILT_IN_RULES, RULE_FAMILIES));
    const pages = readdirSync(DOCS).filter((f) => f.startsWith('spec-') && f.endsWith('.md') && f !== INDEX_PAGE);
    expect(pages.map((f) => f.slice(0, -3)).sort()).toEqual(BUILT_IN_RULES.map((r) => r.id).sort());
  });

  it('covers every rule of the Spectral OWASP ruleset (2023)', () => {
    const covered = new Set(BUILT_IN_RULES.flatMap((r) => r.spectral ?? []));
    expect(SPECTRAL_OWASP_2023_RULES.filter((s) => !covered.has(s))).toEqual([]);
    expect(SPECTRAL_OWASP_2023_RULES.length).toBe(28);
  });

  it.each([
    ['OpenAPI 3.0', oas()],
    ['OpenAPI 3.1', oas31()],
  ])('finds nothing in the clean %s reference document', (_name, doc) => {
    const findings = auditSpec(modelFromObject(doc));
    expect(findings.map((f) => `${f.ruleId} ${f.location.pointer}: ${f.message}`)).toEqual([]);
  });
});
