import { SEVERITY_RANK, type Severity } from '../contracts/finding.js';
import type { SpecFinding } from './audit/rule.js';
import type { SpecScore } from './score.js';

/**
 * The CI gate of `bulwark spec audit`: fail when a finding is at least `failOn` severe, or when the score
 * is below `minScore`. Pure, so the policy is tested without running the command.
 *
 * @example
 *   gateSpecAudit(findings, score, { failOn: 'high', minScore: 70 })
 *   // { failed: true, reasons: ['2 findings at or above high (1 critical, 1 high)'] }
 */
export interface GatePolicy {
  failOn: Severity | 'none';
  minScore: number | null;
}

export function gateSpecAudit(findings: readonly SpecFinding[], score: Pick<SpecScore, 'total'>, policy: GatePolicy): { failed: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (policy.failOn !== 'none') {
    const threshold = SEVERITY_RANK[policy.failOn];
    const over = findings.filter((f) => SEVERITY_RANK[f.severity] >= threshold);
    if (over.length) {
      const counts = (['critical', 'high', 'medium', 'low', 'info'] as const)
        .map((s) => [s, over.filter((f) => f.severity === s).length] as const)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`);
      reasons.push(`${over.length} finding${over.length === 1 ? '' : 's'} at or above ${policy.failOn} (${counts.join(', ')})`);
    }
  }
  if (policy.minScore !== null && score.total < policy.minScore) reasons.push(`score ${score.total} is below --min-score ${policy.minScore}`);
  return { failed: reasons.length > 0, reasons };
}
