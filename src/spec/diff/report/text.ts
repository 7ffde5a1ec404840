import { displayPath, type ReportOptions } from '../../report/report.js';
import type { ChangeKind, SpecChange } from '../rule.js';
import { changeCounts, specLine, type SpecDiffResult } from './result.js';

const HEADINGS: ReadonlyArray<[ChangeKind, string]> = [
  ['breaking', 'BREAKING'],
  ['security', 'SECURITY'],
  ['non-breaking', 'OTHER'],
];

/**
 * The human-readable report: the changes grouped by kind (breaking, security, other) and by rule, each
 * with `file:line:column` (in the old spec, marked `(old)`, for what was removed) and the fix once per rule.
 */
export function formatDiffText(result: SpecDiffResult, opts: ReportOptions): string {
  const lines = [
    `Bulwark spec diff: ${displayPath(result.old.file, opts.cwd)} (${specLine(result.old)}) -> ${displayPath(result.next.file, opts.cwd)} (${specLine(result.next)})`,
  ];
  for (const [kind, heading] of HEADINGS) {
    const ofKind = result.changes.filter((c) => c.kind === kind);
    if (!ofKind.length) continue;
    lines.push('', `${heading} (${ofKind.length})`);
    const byRule = new Map<string, SpecChange[]>();
    for (const c of ofKind) byRule.set(c.ruleId, [...(byRule.get(c.ruleId) ?? []), c]);
    for (const [ruleId, group] of byRule) {
      const first = group[0]!;
      const mapping = [first.severity, first.owasp, first.cwe].filter(Boolean).join(', ');
      lines.push(`  ${ruleId}: ${first.title} [${mapping}]`);
      for (const c of group) {
        const where = `${displayPath(c.location.file, opts.cwd)}:${c.location.line}:${c.location.column}${c.side === 'old' ? ' (old)' : ''}`;
        lines.push(`    ${where}  ${oneLine(c.message)}`);
      }
      lines.push(`    fix: ${oneLine(first.remediation)}`);
    }
  }
  const n = result.changes.length;
  lines.push('', n ? `${changeCounts(result.changes)} (${result.rules.length} rules).` : `No changes found by ${result.rules.length} rules.`);
  return lines.join('\n') + '\n';
}

/** Messages come from the specs (names, paths): one line each, no terminal control characters. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');
}
