import type { SpecFinding } from '../audit/rule.js';
import { countBySeverity, dialectName, displayPath, SEVERITIES_DESC, sortFindings, type ReportOptions, type SpecAuditResult } from './report.js';

/**
 * The human-readable report: the score, then the findings grouped by severity and by rule, each with
 * `file:line:column` (which terminals and editors turn into links) and the fix once per rule.
 */
export function formatText(result: SpecAuditResult, opts: ReportOptions): string {
  const { model, score } = result;
  const file = displayPath(model.file, opts.cwd);
  const ops = model.operations.length;
  const lines = [
    `Bulwark spec audit of ${file} (${dialectName(model)}, ${ops} operation${ops === 1 ? '' : 's'})`,
    '',
    `Score ${score.total}/100: security ${score.security}/70, data validation ${score.dataValidation}/30`,
  ];

  const findings = sortFindings(result.findings);
  for (const severity of SEVERITIES_DESC) {
    const ofSeverity = findings.filter((f) => f.severity === severity);
    if (!ofSeverity.length) continue;
    lines.push('', `${severity.toUpperCase()} (${ofSeverity.length})`);
    const byRule = new Map<string, SpecFinding[]>();
    for (const f of ofSeverity) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
    for (const [ruleId, group] of byRule) {
      const first = group[0]!;
      lines.push(`  ${ruleId}: ${first.title} [${first.owasp}, ${first.cwe}]`);
      for (const f of group) lines.push(`    ${displayPath(f.location.file, opts.cwd)}:${f.location.line}:${f.location.column}  ${oneLine(f.message)}`);
      lines.push(`    fix: ${oneLine(first.remediation)}`);
    }
  }

  const counts = countBySeverity(findings);
  const breakdown = SEVERITIES_DESC.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`).join(', ');
  lines.push(
    '',
    findings.length
      ? `${findings.length} finding${findings.length === 1 ? '' : 's'} (${breakdown}) from ${result.rules.length} rules.`
      : `No findings from ${result.rules.length} rules.`,
  );
  const rs = result.ruleset;
  if (rs?.source) {
    const parts = [
      rs.disabled.length && `${rs.disabled.length} off`,
      rs.rerated.length && `${rs.rerated.length} re-rated`,
      rs.custom.length && `${rs.custom.length} custom`,
    ].filter(Boolean);
    lines.push(`Ruleset ${displayPath(rs.source, opts.cwd)}${parts.length ? `: ${parts.join(', ')}` : ''}.`);
  }
  return lines.join('\n') + '\n';
}

/** Messages come from the spec (names, paths): one line each, no terminal control characters. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');
}
