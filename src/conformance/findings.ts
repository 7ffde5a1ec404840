import type { Finding } from '../contracts/finding.js';
import { fingerprint, ruleErrorFinding, ruleFinding } from '../risk/findings.js';
import type { ConformanceRule, ConformanceSubject } from './rules.js';

/** What a conformance finding is attached to. */
export interface ConformanceTarget {
  /** The fingerprint's target: the endpoint id of a shadow endpoint, `specId METHOD path` of an operation. */
  key: string;
  endpointId: string | null;
  host: string;
  method: string | null;
  pathTemplate: string | null;
  firstSeen: string;
  lastSeen: string;
}

/**
 * Runs the rules of `subject.kind` on one subject and returns the findings with what is new since the last
 * report: `reported` (rule id -> occurrences reported so far) is updated in place. A rule that stops
 * firing after it was reported gives its finding once more with `status: 'resolved'` and count 0. A rule
 * that throws becomes a `rule-error` finding; the other rules still run.
 *
 * @example
 *   const reported = {};
 *   evaluateConformance(CONFORMANCE_RULES, shadow, target, reported, at); // [conformance-shadow-endpoint, count 12]
 *   evaluateConformance(CONFORMANCE_RULES, shadow, target, reported, at); // [] (nothing new)
 */
export function evaluateConformance(
  rules: readonly ConformanceRule[],
  subject: ConformanceSubject,
  target: ConformanceTarget,
  reported: Record<string, number>,
  at: string,
): Finding[] {
  const out: Finding[] = [];
  const base = { endpointId: target.endpointId, host: target.host, method: target.method, pathTemplate: target.pathTemplate };
  for (const rule of rules) {
    if (rule.subject !== subject.kind) continue;
    let drafts;
    try {
      drafts = rule.evaluate(subject);
    } catch (err) {
      out.push(ruleErrorFinding(rule, base, target.key, err, at));
      continue;
    }
    const before = reported[rule.id] ?? 0;
    const finding = (d: { summary: string; location?: string; severity?: Finding['severity'] }, count: number, status: Finding['status']): Finding =>
      ruleFinding(rule, base, d, { id: fingerprint(rule.id, target.key, ''), firstSeen: target.firstSeen, lastSeen: target.lastSeen, count, status });
    const d = drafts[0];
    if (!d) {
      if (before > 0) {
        out.push(finding({ summary: `no longer applies: ${rule.title.toLowerCase()}` }, 0, 'resolved'));
        delete reported[rule.id];
      }
      continue;
    }
    // Totals can fall (a renamed endpoint starts again): report from the new total.
    const fresh = d.occurrences >= before ? d.occurrences - before : d.occurrences;
    if (fresh <= 0) continue;
    reported[rule.id] = d.occurrences;
    out.push(finding(d, fresh, 'open'));
  }
  return out;
}
