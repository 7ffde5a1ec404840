import { z } from 'zod';
import { OwaspApi, Severity } from '../../../contracts/finding.js';
import { displayPath, TOOL_NAME, type ReportOptions } from '../../report/report.js';
import { CHANGE_KINDS } from '../rule.js';
import { countByKind, countChangesBySeverity, describedDiffRules, type SpecDiffResult, type SpecSummaryModel } from './result.js';

const ChangeKind = z.enum(CHANGE_KINDS);

const SpecSummary = z.object({
  file: z.string(),
  dialect: z.enum(['swagger-2.0', 'openapi-3.0', 'openapi-3.1']),
  declaredVersion: z.string(),
  title: z.string().nullable(),
  version: z.string().nullable(),
  operations: z.number().int().min(0),
});

/**
 * The JSON report of `bulwark spec diff`: a stable contract for scripts
 * (`jq '[.changes[] | select(.kind == "breaking")] | length'`). `reportVersion` changes when a field is
 * removed or changes meaning; new fields may be added within a version.
 */
export const SpecDiffJsonReport = z.object({
  reportVersion: z.literal(1),
  tool: z.object({ name: z.literal(TOOL_NAME), version: z.string() }),
  old: SpecSummary,
  new: SpecSummary,
  summary: z.object({
    changes: z.number().int().min(0),
    byKind: z.record(ChangeKind, z.number().int().min(0)),
    bySeverity: z.record(Severity, z.number().int().min(0)),
    rules: z.number().int().min(0),
  }),
  changes: z.array(
    z.object({
      ruleId: z.string(),
      title: z.string(),
      kind: ChangeKind,
      severity: Severity,
      owasp: OwaspApi.nullable(),
      cwe: z.string().regex(/^CWE-\d+$/).nullable(),
      message: z.string(),
      /** Which spec `location` is in: `old` for what was removed. */
      side: z.enum(['old', 'new']),
      location: z.object({ file: z.string(), line: z.number().int().min(1), column: z.number().int().min(1), pointer: z.string() }),
      operations: z.array(z.string()),
      remediation: z.string(),
      fingerprint: z.string(),
    }),
  ),
  rules: z.array(
    z.object({ id: z.string(), title: z.string(), kind: ChangeKind, severity: Severity, owasp: z.string().nullable(), cwe: z.string().nullable(), tags: z.array(z.string()) }),
  ),
});
export type SpecDiffJsonReport = z.infer<typeof SpecDiffJsonReport>;

function summaryOf(model: SpecSummaryModel, cwd: string): z.infer<typeof SpecSummary> {
  return {
    file: displayPath(model.file, cwd),
    dialect: model.dialect,
    declaredVersion: model.declaredVersion,
    title: model.info.title,
    version: model.info.version,
    operations: model.operations.length,
  };
}

export function toDiffJsonReport(result: SpecDiffResult, opts: ReportOptions): SpecDiffJsonReport {
  return {
    reportVersion: 1,
    tool: { name: TOOL_NAME, version: opts.toolVersion },
    old: summaryOf(result.old, opts.cwd),
    new: summaryOf(result.next, opts.cwd),
    summary: { changes: result.changes.length, byKind: countByKind(result.changes), bySeverity: countChangesBySeverity(result.changes), rules: result.rules.length },
    changes: result.changes.map((c) => ({
      ruleId: c.ruleId,
      title: c.title,
      kind: c.kind,
      severity: c.severity,
      owasp: c.owasp,
      cwe: c.cwe,
      message: c.message,
      side: c.side,
      location: { file: displayPath(c.location.file, opts.cwd), line: Math.max(1, c.location.line), column: Math.max(1, c.location.column), pointer: c.location.pointer },
      operations: c.operations,
      remediation: c.remediation,
      fingerprint: c.fingerprint,
    })),
    rules: describedDiffRules(result).map((r) => ({ id: r.id, title: r.title, kind: r.kind, severity: r.severity, owasp: r.owasp, cwe: r.cwe, tags: r.tags })),
  };
}

export function formatDiffJson(result: SpecDiffResult, opts: ReportOptions): string {
  return JSON.stringify(toDiffJsonReport(result, opts), null, 2) + '\n';
}
