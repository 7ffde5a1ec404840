import type { Severity } from '../../../contracts/finding.js';
import type { SpecModel } from '../../model.js';
import { dialectName } from '../../report/report.js';
import { CHANGE_KINDS, type ChangeKind, type DiffRule, type SpecChange } from '../rule.js';

/**
 * What every spec-diff report format is made from: the two models (what the reports show of them), the
 * changes (as `diffSpecs` sorts them), and the rules that ran. Formatters are pure functions of a
 * `SpecDiffResult` and the shared `ReportOptions`: the same diff always prints the same report.
 */
export interface SpecDiffResult {
  old: SpecSummaryModel;
  next: SpecSummaryModel;
  changes: readonly SpecChange[];
  rules: readonly DiffRule[];
}

export type SpecSummaryModel = Pick<SpecModel, 'file' | 'dialect' | 'declaredVersion' | 'info' | 'operations'>;

/** `OpenAPI 3.0.3, 4 operations`. */
export function specLine(model: SpecSummaryModel): string {
  const n = model.operations.length;
  return `${dialectName(model)}, ${n} operation${n === 1 ? '' : 's'}`;
}

export function countByKind(changes: readonly SpecChange[]): Record<ChangeKind, number> {
  const out = Object.fromEntries(CHANGE_KINDS.map((k) => [k, 0])) as Record<ChangeKind, number>;
  for (const c of changes) out[c.kind] += 1;
  return out;
}

export function countChangesBySeverity(changes: readonly SpecChange[]): Record<Severity, number> {
  const out: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const c of changes) out[c.severity] += 1;
  return out;
}

/** `3 breaking, 1 security, 4 other changes`; `no changes`. */
export function changeCounts(changes: readonly SpecChange[]): string {
  if (!changes.length) return 'no changes';
  const k = countByKind(changes);
  return `${k.breaking} breaking, ${k.security} security, ${k['non-breaking']} other change${changes.length === 1 ? '' : 's'}`;
}

/**
 * The rules a report describes: those that ran, then any rule a change names that is not among them
 * (a `diff-rule-error`), described from the change.
 */
export function describedDiffRules(result: SpecDiffResult): Array<Pick<DiffRule, 'id' | 'title' | 'kind' | 'severity' | 'owasp' | 'cwe' | 'tags' | 'rationale' | 'remediation'>> {
  const out: Array<Pick<DiffRule, 'id' | 'title' | 'kind' | 'severity' | 'owasp' | 'cwe' | 'tags' | 'rationale' | 'remediation'>> = [...result.rules];
  const ids = new Set(out.map((r) => r.id));
  for (const c of result.changes) {
    if (ids.has(c.ruleId)) continue;
    ids.add(c.ruleId);
    out.push({ id: c.ruleId, title: c.title, kind: c.kind, severity: c.severity, owasp: c.owasp, cwe: c.cwe, tags: [], rationale: c.title, remediation: c.remediation });
  }
  return out;
}
