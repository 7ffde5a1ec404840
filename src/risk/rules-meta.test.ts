import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { OWASP_API_2023 } from '../contracts/owasp.js';
import { describe, expect, it } from 'vitest';
import { SEVERITY_RANK } from '../contracts/finding.js';
import { POSTURE_RULES } from './posture-rules.js';

/**
 * Rules as data: every registered posture rule has a well-formed record, a docs page and table tests.
 * Adding a rule without them fails here, naming the rule.
 */
const DOCS = new URL('../../docs/rules/', import.meta.url);
const TESTS = readFileSync(new URL('./posture-rules.test.ts', import.meta.url), 'utf8');
const OWASP_NAMES = OWASP_API_2023;
const docOf = (id: string) => readFileSync(new URL(`${id}.md`, DOCS), 'utf8');
const cases = POSTURE_RULES.map((r) => [r.id, r] as const);

describe('posture rule registry', () => {
  it('has rules, with unique ids', () => {
    expect(POSTURE_RULES.length).toBeGreaterThan(0);
    const ids = POSTURE_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(cases)('%s: record is well formed', (id, rule) => {
    expect(id).toMatch(/^posture-[a-z0-9]+(?:-[a-z0-9]+)*$/);
    expect(rule.owasp).toMatch(/^API(?:10|[1-9]):2023$/);
    expect(rule.cwe).toMatch(/^CWE-[1-9]\d*$/);
    expect(Object.keys(SEVERITY_RANK)).toContain(rule.severity);
    expect(rule.title.trim().length).toBeGreaterThan(0);
    expect(rule.rationale.trim().length).toBeGreaterThan(20);
    expect(rule.remediation.trim().length).toBeGreaterThan(20);
    expect(rule.tags.length).toBeGreaterThan(0);
    expect(typeof rule.evaluate).toBe('function');
  });

  it.each(cases)('%s: has a docs page naming its id, severity, OWASP category and CWE', (id, rule) => {
    expect(existsSync(new URL(`${id}.md`, DOCS)), `docs/rules/${id}.md`).toBe(true);
    const doc = docOf(id);
    expect(doc).toContain(id);
    expect(doc).toContain(`${rule.owasp} ${OWASP_NAMES[rule.owasp]}`);
    expect(doc).toMatch(new RegExp(`\\b${rule.cwe}\\b`));
    expect(doc).toMatch(new RegExp(`Severity[^\\n]*\`${rule.severity}\``));
    for (const section of ['## What triggers it', '## Why it matters', '## How to fix', '## Example of evidence', '## False positives']) expect(doc, section).toContain(section);
  });

  it.each(cases)('%s: has table tests in posture-rules.test.ts', (id) => {
    expect(TESTS).toContain(`'${id}'`);
  });

  it.each(cases)('%s: is listed in the docs index', (id, rule) => {
    const index = readFileSync(new URL('README.md', DOCS), 'utf8');
    const row = index.split('\n').find((l) => l.includes(`(${id}.md)`));
    expect(row, id).toBeDefined();
    expect(row).toContain(rule.owasp);
    expect(row).toContain(rule.cwe);
  });

  it('has no docs page for a rule that is not registered', () => {
    const pages = readdirSync(DOCS).filter((f) => f.startsWith('posture-') && f.endsWith('.md'));
    expect(pages.map((f) => f.slice(0, -3)).sort()).toEqual(POSTURE_RULES.map((r) => r.id).sort());
  });
});
