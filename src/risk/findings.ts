import { createHash } from 'node:crypto';
import type { Finding } from '../contracts/finding.js';
import type { EndpointState } from '../aggregate/endpoint-state.js';
import type { PostureContext, PostureRule, RuleInfo } from './posture-rules.js';

/** Stable fingerprint: the same rule on the same target for the same reason is one finding. */
export function fingerprint(ruleId: string, target: string, discriminator: string): string {
  return createHash('sha256').update(`${ruleId}\n${target}\n${discriminator}`).digest('hex').slice(0, 24);
}

/** Where a finding is: its endpoint, or an operation of a spec with no endpoint. */
type FindingPlace = Pick<Finding, 'endpointId' | 'host' | 'method' | 'pathTemplate'>;

/** What a rule reported, as posture and conformance rules both draft it. */
interface RuleDraft {
  summary: string;
  location?: string;
  severity?: Finding['severity'];
}

/** A rule's finding at a place: the rule's record, the draft's evidence and severity, and the caller's counts. */
export function ruleFinding(
  rule: Pick<RuleInfo, 'id' | 'title' | 'severity' | 'owasp' | 'cwe' | 'remediation'>,
  place: FindingPlace,
  d: RuleDraft,
  fields: Pick<Finding, 'id' | 'firstSeen' | 'lastSeen' | 'count' | 'status'>,
): Finding {
  const evidence: Finding['evidence'] = { summary: d.summary };
  if (d.location) evidence.location = d.location;
  return {
    ...place,
    ruleId: rule.id,
    title: rule.title,
    severity: d.severity ?? rule.severity,
    owasp: rule.owasp,
    cwe: rule.cwe,
    evidence,
    remediation: rule.remediation,
    ...fields,
  };
}

/** A rule that threw becomes this info finding, fingerprinted by `target`; the other rules still run. */
export function ruleErrorFinding(rule: { id: string; owasp: string; cwe: string }, place: FindingPlace, target: string, err: unknown, at: string): Finding {
  return {
    ...place,
    id: fingerprint('rule-error', target, rule.id),
    ruleId: 'rule-error',
    title: `Rule ${rule.id} failed`,
    severity: 'info',
    owasp: rule.owasp,
    cwe: rule.cwe,
    evidence: { summary: `rule ${rule.id} threw: ${err instanceof Error ? err.message.slice(0, 200) : 'unknown error'}` },
    remediation: 'Report this to the Bulwark maintainers; the other rules ran normally.',
    firstSeen: at,
    lastSeen: at,
    count: 1,
    status: 'open',
  };
}

/**
 * Runs posture rules on one endpoint and returns the findings with what is new since the last call:
 * `count` is the number of occurrences not yet reported. A rule that throws becomes an error finding
 * naming the rule and the cause; the other rules still run.
 */
export function evaluatePosture(rules: readonly PostureRule[], ctx: PostureContext, state: EndpointState, at: string): Finding[] {
  const { endpoint } = ctx;
  const out: Finding[] = [];
  const base = {
    endpointId: endpoint.id,
    host: endpoint.host,
    method: endpoint.method,
    pathTemplate: endpoint.pathTemplate,
  };
  for (const rule of rules) {
    let drafts;
    try {
      drafts = rule.evaluate(ctx);
    } catch (err) {
      out.push(ruleErrorFinding(rule, base, endpoint.id, err, at));
      continue;
    }
    for (const d of drafts) {
      let count = 0;
      for (const k of d.signals) {
        count += (state.signals[k] ?? 0) - (state.reported[k] ?? 0);
        state.reported[k] = state.signals[k] ?? 0;
      }
      if (count <= 0) continue;
      out.push(ruleFinding(rule, base, d, { id: fingerprint(rule.id, endpoint.id, d.discriminator), firstSeen: endpoint.lastSeen, lastSeen: endpoint.lastSeen, count, status: 'open' }));
    }
  }
  return out;
}
