import { displayPath, type ReportOptions } from '../../report/report.js';
import { sarifLog, sarifTags } from '../../report/sarif.js';
import { countByKind, describedDiffRules, type SpecDiffResult } from './result.js';

/**
 * SARIF 2.1.0 for the diff, built with the spec-audit log's building blocks (`sarifLog`): one run, the
 * diff rules in `tool.driver.rules`, one result per change at its place in the old or new spec file.
 * Security changes are tagged `security` (with OWASP / CWE tags and a `security-severity`, which GitHub
 * code scanning reads only for such rules); breaking and other changes are tagged `api-diff` and their kind.
 */
export function toDiffSarif(result: SpecDiffResult, opts: ReportOptions): Record<string, unknown> {
  const rules = describedDiffRules(result).map((r) => ({
    id: r.id,
    title: r.title,
    severity: r.severity,
    rationale: r.rationale,
    remediation: r.remediation,
    owasp: r.owasp,
    cwe: r.cwe,
    tags: sarifTags([...(r.kind === 'security' ? ['security'] : []), 'api-diff', r.kind, ...r.tags], r.owasp, r.cwe),
    properties: { kind: r.kind, ...(r.owasp ? { owasp: r.owasp } : {}), ...(r.cwe ? { cwe: r.cwe } : {}) },
  }));
  const results = result.changes.map((c) => ({
    ruleId: c.ruleId,
    severity: c.severity,
    message: c.message,
    location: c.location,
    fingerprint: c.fingerprint,
    properties: { kind: c.kind, severity: c.severity, side: c.side, pointer: c.location.pointer, operations: c.operations, ...(c.owasp ? { owasp: c.owasp } : {}), ...(c.cwe ? { cwe: c.cwe } : {}) },
  }));
  const byKind = countByKind(result.changes);
  return sarifLog(rules, results, {
    old: displayPath(result.old.file, opts.cwd),
    new: displayPath(result.next.file, opts.cwd),
    summary: { breaking: byKind.breaking, security: byKind.security, nonBreaking: byKind['non-breaking'] },
  }, opts);
}

export function formatDiffSarif(result: SpecDiffResult, opts: ReportOptions): string {
  return JSON.stringify(toDiffSarif(result, opts), null, 2) + '\n';
}
