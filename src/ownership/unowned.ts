import type { EndpointSummary } from '../contracts/endpoint.js';
import type { Finding } from '../contracts/finding.js';
import { fingerprint, ruleFinding } from '../risk/findings.js';
import type { RuleInfo } from '../risk/posture-rules.js';

/**
 * Unowned endpoints are a finding of their own: nobody will fix what belongs to no one. A rule record like
 * the posture and conformance rules (docs rendered from it by `docs.ts`), and a pure function from an
 * endpoint to its finding. The ownership service decides when (`service.ts`: `syncUnowned`); the store
 * never creates findings.
 */
export interface OwnershipFindingRule extends RuleInfo {
  /** What triggers it, for the docs page. */
  trigger: string;
  example: string;
  falsePositives: string;
}

export const UNOWNED_ENDPOINT_RULE: OwnershipFindingRule = {
  id: 'ownership-unowned-endpoint',
  title: 'Endpoint without an owner',
  severity: 'low',
  owasp: 'API9:2023',
  cwe: 'CWE-1059',
  tags: ['inventory', 'ownership'],
  trigger:
    'A discovered endpoint that no ownership rule claims: no host rule matches its host and path, and no spec rule matches the spec that documents it (or of which it is shadow). ' +
    'One finding per endpoint. It is reported only once at least one ownership rule exists (before that, ownership is not in use), and it resolves as soon as a rule claims the endpoint.',
  rationale:
    'An endpoint that belongs to no application has no owner team and no contacts: its findings reach nobody, no remediation task is sent for it, and nobody is accountable for its exposure. Unowned endpoints are often forgotten or shadow APIs.',
  remediation:
    'Add an ownership rule that assigns the endpoint to its application: by host and path prefix, or by the spec that documents it (title, tag or x-owner). `bulwark owners test --endpoint <id>` shows which rules were tried and why they did not match; add the rule to the rules file and `bulwark owners apply` it.',
  example: [
    'Endpoint without an owner  [low]',
    'GET api.shop.example /v1/internal/export',
    'no ownership rule matches this endpoint (12 rules tried)',
  ].join('\n'),
  falsePositives: [
    '- Infrastructure paths answered on an API host (`/healthz`, `/metrics`): give them to the team that runs the host with a host rule, or a path-prefix rule.',
    '- An endpoint of an application whose rules are still being written: the finding resolves when the rule is added.',
  ].join('\n'),
};

export const OWNERSHIP_FINDING_RULES: readonly OwnershipFindingRule[] = [UNOWNED_ENDPOINT_RULE];

/** The finding of an unowned endpoint, at the endpoint's last sighting. */
export function unownedEndpointFinding(e: Pick<EndpointSummary, 'id' | 'host' | 'method' | 'pathTemplate' | 'lastSeen'>, rulesTried: number): Finding {
  const rule = UNOWNED_ENDPOINT_RULE;
  return ruleFinding(
    rule,
    { endpointId: e.id, host: e.host, method: e.method, pathTemplate: e.pathTemplate },
    { summary: `no ownership rule matches this endpoint (${rulesTried} rule${rulesTried === 1 ? '' : 's'} tried)`, location: 'ownership rules' },
    { id: fingerprint(rule.id, e.id, ''), firstSeen: e.lastSeen, lastSeen: e.lastSeen, count: 1, status: 'open' },
  );
}
