import { z } from 'zod';
import { OwaspApi, Severity } from '../../contracts/finding.js';
import { SCORE_FORMULA } from '../score.js';
import { countBySeverity, describedRules, displayPath, sortFindings, TOOL_NAME, type ReportOptions, type SpecAuditResult } from './report.js';

/**
 * The JSON report: a stable contract for scripts (`jq '.score.total'`). `reportVersion` changes when a
 * field is removed or changes meaning; new fields may be added within a version.
 */
export const SpecAuditJsonReport = z.object({
  reportVersion: z.literal(1),
  tool: z.object({ name: z.literal(TOOL_NAME), version: z.string() }),
  file: z.string(),
  spec: z.object({
    dialect: z.enum(['swagger-2.0', 'openapi-3.0', 'openapi-3.1']),
    declaredVersion: z.string(),
    title: z.string().nullable(),
    version: z.string().nullable(),
    operations: z.number().int().min(0),
  }),
  score: z.object({
    formula: z.literal(SCORE_FORMULA),
    total: z.number().min(0).max(100),
    security: z.number().min(0).max(70),
    dataValidation: z.number().min(0).max(30),
    max: z.object({ total: z.literal(100), security: z.literal(70), dataValidation: z.literal(30) }),
    operations: z.number().int().min(1),
    deductions: z.array(z.object({ ruleId: z.string(), category: z.enum(['security', 'data-validation']), severity: Severity, findings: z.number().int(), points: z.number() })),
  }),
  summary: z.object({ findings: z.number().int(), bySeverity: z.record(Severity, z.number().int()), rules: z.number().int() }),
  ruleset: z
    .object({
      file: z.string().nullable(),
      disabled: z.array(z.string()),
      rerated: z.array(z.object({ id: z.string(), from: Severity, to: Severity })),
      custom: z.array(z.string()),
    })
    .nullable(),
  findings: z.array(
    z.object({
      ruleId: z.string(),
      title: z.string(),
      severity: Severity,
      category: z.enum(['security', 'data-validation']),
      owasp: OwaspApi,
      cwe: z.string(),
      message: z.string(),
      location: z.object({ file: z.string(), line: z.number().int().min(1), column: z.number().int().min(1), pointer: z.string() }),
      remediation: z.string(),
      fingerprint: z.string(),
    }),
  ),
  rules: z.array(
    z.object({ id: z.string(), title: z.string(), severity: Severity, category: z.enum(['security', 'data-validation']), owasp: z.string(), cwe: z.string(), tags: z.array(z.string()) }),
  ),
});
export type SpecAuditJsonReport = z.infer<typeof SpecAuditJsonReport>;

export function toJsonReport(result: SpecAuditResult, opts: ReportOptions): SpecAuditJsonReport {
  const findings = sortFindings(result.findings);
  return {
    reportVersion: 1,
    tool: { name: TOOL_NAME, version: opts.toolVersion },
    file: displayPath(result.model.file, opts.cwd),
    spec: {
      dialect: result.model.dialect,
      declaredVersion: result.model.declaredVersion,
      title: result.model.info.title,
      version: result.model.info.version,
      operations: result.model.operations.length,
    },
    score: result.score,
    summary: { findings: findings.length, bySeverity: countBySeverity(findings), rules: result.rules.length },
    ruleset: result.ruleset && {
      file: result.ruleset.source && displayPath(result.ruleset.source, opts.cwd),
      disabled: result.ruleset.disabled,
      rerated: result.ruleset.rerated,
      custom: result.ruleset.custom,
    },
    findings: findings.map((f) => ({
      ruleId: f.ruleId,
      title: f.title,
      severity: f.severity,
      category: f.category,
      owasp: f.owasp,
      cwe: f.cwe,
      message: f.message,
      location: { file: displayPath(f.location.file, opts.cwd), line: Math.max(1, f.location.line), column: Math.max(1, f.location.column), pointer: f.location.pointer },
      remediation: f.remediation,
      fingerprint: f.fingerprint,
    })),
    rules: describedRules(result).map((r) => ({ id: r.id, title: r.title, severity: r.severity, category: r.category, owasp: r.owasp, cwe: r.cwe, tags: r.tags })),
  };
}

export function formatJson(result: SpecAuditResult, opts: ReportOptions): string {
  return JSON.stringify(toJsonReport(result, opts), null, 2) + '\n';
}
