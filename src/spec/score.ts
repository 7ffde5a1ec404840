import { SEVERITY_RANK, type Severity } from '../contracts/finding.js';
import type { SpecModel } from './model.js';
import type { SpecFinding, SpecRule } from './audit/rule.js';

/**
 * The spec-audit score: 0 to 100, split into security (at most 70) and data validation (at most 30), like
 * 42Crunch's split. Each half starts at its maximum and loses points per rule that found something:
 *
 *   deduction(rule) = weight(severity) × half × (1/2 + 1/2 × min(1, findings / operations))
 *   half score      = max(0, half − Σ deductions of its rules)
 *   total           = security + data validation
 *
 * - weight: critical 0.5, high 0.25, medium 0.1, low 0.04, info 0 (of the half's maximum).
 * - Diminishing returns per rule: a rule costs half its weight as soon as it fires once, and at most its
 *   full weight however many findings it has, so one problem repeated 200 times is not 200 problems.
 * - Normalised by size: the second half of the weight grows with the share of operations affected
 *   (findings / operations, at most 1), so a big spec is not punished for its size alone.
 * - Deterministic: rules are summed in id order, halves rounded to one decimal, the total is the sum of
 *   the rounded halves. The same findings on the same model always give the same score.
 *
 * The formula is versioned (`SCORE_FORMULA`): a change to it is a new version, so scores stay comparable.
 *
 * @example
 *   const score = scoreSpec(auditSpec(model), model);
 *   // { total: 81.4, security: 56.4, dataValidation: 25, ... }
 */
export const SCORE_FORMULA = 'bulwark-spec-score/1';

export const SCORE_MAX = { security: 70, dataValidation: 30 } as const;

/** Share of a half's maximum that one rule can cost at most, by the severity of its findings. */
export const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 0.5, high: 0.25, medium: 0.1, low: 0.04, info: 0 };

export type ScoreCategory = SpecRule['category'];

export interface ScoreDeduction {
  ruleId: string;
  category: ScoreCategory;
  /** The highest severity among the rule's findings. */
  severity: Severity;
  findings: number;
  /** Points taken off the rule's half, rounded to two decimals. */
  points: number;
}

export interface SpecScore {
  formula: typeof SCORE_FORMULA;
  /** 0 to 100: `security + dataValidation`. */
  total: number;
  /** 0 to 70. */
  security: number;
  /** 0 to 30. */
  dataValidation: number;
  max: { total: 100; security: 70; dataValidation: 30 };
  /** The operation count the deductions were normalised by (at least 1). */
  operations: number;
  /** Rules that cost points, most points first. */
  deductions: ScoreDeduction[];
}

const round = (x: number, places: number) => {
  const f = 10 ** places;
  return Math.round(x * f) / f;
};

export function scoreSpec(findings: readonly SpecFinding[], model: Pick<SpecModel, 'operations'>): SpecScore {
  const operations = Math.max(1, model.operations.length);
  const byRule = new Map<string, { category: ScoreCategory; severity: Severity; findings: number }>();
  for (const f of findings) {
    const cur = byRule.get(f.ruleId);
    if (!cur) byRule.set(f.ruleId, { category: f.category, severity: f.severity, findings: 1 });
    else {
      cur.findings += 1;
      if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[cur.severity]) cur.severity = f.severity;
    }
  }

  const deductions: ScoreDeduction[] = [];
  const lost = { security: 0, dataValidation: 0 };
  for (const ruleId of [...byRule.keys()].sort()) {
    const r = byRule.get(ruleId)!;
    const half = r.category === 'security' ? 'security' : 'dataValidation';
    const spread = Math.min(1, r.findings / operations);
    const points = SEVERITY_WEIGHT[r.severity] * SCORE_MAX[half] * (0.5 + 0.5 * spread);
    lost[half] += points;
    if (points > 0) deductions.push({ ruleId, category: r.category, severity: r.severity, findings: r.findings, points: round(points, 2) });
  }
  deductions.sort((a, b) => b.points - a.points || (a.ruleId < b.ruleId ? -1 : 1));

  const security = round(Math.max(0, SCORE_MAX.security - lost.security), 1);
  const dataValidation = round(Math.max(0, SCORE_MAX.dataValidation - lost.dataValidation), 1);
  return {
    formula: SCORE_FORMULA,
    total: round(security + dataValidation, 1),
    security,
    dataValidation,
    max: { total: 100, security: 70, dataValidation: 30 },
    operations,
    deductions,
  };
}
