import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SEVERITY_RANK, type Severity } from '../../contracts/finding.js';
import type { SpecModel } from '../model.js';
import type { SpecFinding, SpecRule } from '../audit/rule.js';
import type { SpecScore } from '../score.js';
import type { ResolvedRuleset } from '../ruleset-file.js';

/**
 * What every spec-audit report format is made from: the audit's result, computed once. Formatters are
 * pure functions of a `SpecAuditResult` and `ReportOptions` to a string: no clock, no environment, so the
 * same audit always prints the same report.
 */
export interface SpecAuditResult {
  model: Pick<SpecModel, 'file' | 'dialect' | 'declaredVersion' | 'info' | 'operations'>;
  findings: readonly SpecFinding[];
  score: SpecScore;
  /** The rules that ran (after the ruleset), in their order. */
  rules: readonly SpecRule[];
  /** What the ruleset file changed; null when none was used. */
  ruleset: Pick<ResolvedRuleset, 'source' | 'disabled' | 'rerated' | 'custom'> | null;
}

export interface ReportOptions {
  /** File paths in the report are relative to this directory (the repository root in CI). */
  cwd: string;
  toolVersion: string;
  /** Where to read about Bulwark (SARIF `informationUri`); left out when not known. */
  informationUri?: string | null;
}

export const TOOL_NAME = 'Bulwark';

export const SEVERITIES_DESC: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Most severe first, then by place in the file, then by rule: a stable order for every format. */
export function sortFindings(findings: readonly SpecFinding[]): SpecFinding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      cmp(a.location.file, b.location.file) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      cmp(a.ruleId, b.ruleId) ||
      cmp(a.fingerprint, b.fingerprint),
  );
}

export const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function countBySeverity(findings: readonly SpecFinding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}

/** A file as the report shows it: relative to `cwd` with `/` separators when inside it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return abs;
  return rel.split(path.sep).join('/');
}

/** A SARIF artifact location: a relative URI reference under `%SRCROOT%` when inside `cwd`, else a `file:` URI. */
export function artifactUri(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const shown = displayPath(file, cwd);
  if (path.isAbsolute(shown)) return { uri: pathToFileURL(shown).href };
  return { uri: shown.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

export const SRCROOT = '%SRCROOT%';

/** `Swagger 2.0`, `OpenAPI 3.1.0`. */
export function dialectName(model: SpecAuditResult['model']): string {
  return `${model.dialect === 'swagger-2.0' ? 'Swagger' : 'OpenAPI'} ${model.declaredVersion}`;
}

/**
 * The rules a report describes: those that ran, then any rule a finding names that is not among them
 * (a runner's error finding, for instance), described from the finding.
 */
export function describedRules(result: SpecAuditResult): Array<Pick<SpecRule, 'id' | 'title' | 'severity' | 'owasp' | 'cwe' | 'category' | 'tags' | 'rationale' | 'remediation'>> {
  const out: Array<Pick<SpecRule, 'id' | 'title' | 'severity' | 'owasp' | 'cwe' | 'category' | 'tags' | 'rationale' | 'remediation'>> = [...result.rules];
  const ids = new Set(out.map((r) => r.id));
  for (const f of sortFindings(result.findings)) {
    if (ids.has(f.ruleId)) continue;
    ids.add(f.ruleId);
    out.push({ id: f.ruleId, title: f.title, severity: f.severity, owasp: f.owasp, cwe: f.cwe, category: f.category, tags: [], rationale: f.title, remediation: f.remediation });
  }
  return out;
}
