import { describe, expect, it } from 'vitest';
import { scoreSpec, SCORE_FORMULA } from './score.js';
import { finding, sampleFindings, sampleModel } from './report/fixtures/sample.js';
import type { SpecModel } from './model.js';
import type { SpecFinding } from './audit/rule.js';

const model = sampleModel();
/** A model with `n` operations: only the count matters to the score. */
const opsModel = (n: number) => ({ operations: Array.from({ length: n }, () => model.operations[0]!) }) as Pick<SpecModel, 'operations'>;
const many = (ruleId: string, n: number, over: Partial<SpecFinding> = {}) =>
  Array.from({ length: n }, (_, i) => finding(ruleId, '/paths/~1pets/get', `hit ${i}`, { fingerprint: `fp${i}`, ...over }));

describe('scoreSpec', () => {
  it('gives a spec without findings the full 100, split 70/30', () => {
    expect(scoreSpec([], model)).toMatchObject({ formula: SCORE_FORMULA, total: 100, security: 70, dataValidation: 30, deductions: [] });
  });

  it('takes points off the half of the rule, by severity', () => {
    // critical, 1 finding on 2 operations: 0.5 × 70 × (0.5 + 0.5 × 1/2) = 26.25
    const s = scoreSpec(many('spec-security-operation-unprotected', 1), model);
    expect(s.security).toBe(43.8);
    expect(s.dataValidation).toBe(30);
    expect(s.total).toBe(73.8);
    expect(s.deductions).toEqual([{ ruleId: 'spec-security-operation-unprotected', category: 'security', severity: 'critical', findings: 1, points: 26.25 }]);
    // low data-validation rule, 2 findings on 2 operations: 0.04 × 30 × 1 = 1.2
    const d = scoreSpec(many('spec-schema-string-unbounded', 2), model);
    expect(d).toMatchObject({ security: 70, dataValidation: 28.8, total: 98.8 });
  });

  it('orders severities: a critical costs more than a high, a high more than a medium, info nothing', () => {
    const cost = (sev: SpecFinding['severity']) => 100 - scoreSpec(many('spec-security-x', 1, { severity: sev }), opsModel(10)).total;
    expect(cost('critical')).toBeGreaterThan(cost('high'));
    expect(cost('high')).toBeGreaterThan(cost('medium'));
    expect(cost('medium')).toBeGreaterThan(cost('low'));
    expect(cost('low')).toBeGreaterThan(0);
    expect(cost('info')).toBe(0);
  });

  it('has diminishing returns per rule: one rule never costs more than its full weight', () => {
    const once = scoreSpec(many('spec-security-apikey-in-query', 1), opsModel(10)).security;
    const tenTimes = scoreSpec(many('spec-security-apikey-in-query', 10), opsModel(10)).security;
    const thousand = scoreSpec(many('spec-security-apikey-in-query', 1000), opsModel(10)).security;
    expect(once).toBeGreaterThan(tenTimes);
    expect(tenTimes).toBe(thousand); // capped: every operation affected
    expect(thousand).toBe(70 - 0.25 * 70); // high: a quarter of the half at most
  });

  it('normalises by operations: the same 3 findings cost less in a 100-operation spec than in a 3-operation one', () => {
    const small = scoreSpec(many('spec-security-http-server', 3), opsModel(3)).total;
    const large = scoreSpec(many('spec-security-http-server', 3), opsModel(100)).total;
    expect(large).toBeGreaterThan(small);
    // ...and the same share of operations costs the same in both
    expect(scoreSpec(many('spec-security-http-server', 50), opsModel(100)).total).toBe(scoreSpec(many('spec-security-http-server', 3), opsModel(6)).total);
  });

  it('never goes below 0, in either half', () => {
    const findings = ['a', 'b', 'c', 'd', 'e'].flatMap((r) => [
      ...many(`spec-security-${r}`, 5, { severity: 'critical', category: 'security' }),
      ...many(`spec-schema-${r}`, 5, { severity: 'critical', category: 'data-validation' }),
    ]);
    expect(scoreSpec(findings, opsModel(5))).toMatchObject({ total: 0, security: 0, dataValidation: 0 });
  });

  it('counts a rule at the highest severity among its findings (re-rated findings)', () => {
    const mixed = [...many('spec-security-x', 1, { severity: 'low' }), ...many('spec-security-x', 1, { severity: 'high' })];
    expect(scoreSpec(mixed, opsModel(2)).deductions[0]).toMatchObject({ severity: 'high', findings: 2, points: 17.5 });
  });

  it('is deterministic: the same findings in any order give the same score', () => {
    const f = sampleFindings();
    const a = scoreSpec(f, model);
    const b = scoreSpec([...f].reverse(), model);
    expect(b).toEqual(a);
    expect(a.total).toBe(Math.round((a.security + a.dataValidation) * 10) / 10);
    expect(a.deductions.map((d) => d.ruleId)).toEqual([
      'spec-security-operation-unprotected',
      'spec-security-apikey-in-query',
      'spec-security-http-server',
      'spec-schema-string-unbounded',
    ]);
  });

  it('treats a spec without operations as one operation', () => {
    expect(scoreSpec(many('spec-security-x', 1, { severity: 'high' }), opsModel(0))).toMatchObject({ operations: 1, security: 52.5 });
  });
});
