import type { Finding } from '../contracts/finding.js';
import type { FindingSource } from '../contracts/remediation.js';
import { FLAG_RULE_ID } from '../cases/flag.js';
import { fingerprint } from '../risk/findings.js';

/** Where a finding came from, by its rule's family prefix. */
export function sourceOf(ruleId: string): FindingSource {
  if (ruleId === FLAG_RULE_ID) return 'case';
  if (ruleId.startsWith('conformance-')) return 'conformance';
  if (ruleId.startsWith('spec-')) return 'spec-audit';
  return 'traffic';
}

/** The place a task groups findings on: the finding's endpoint, else its spec, else its host. */
export interface TaskPlace {
  key: string;
  endpointId: string | null;
  specId: string | null;
}

export function taskPlaceOf(f: Pick<Finding, 'endpointId' | 'host'> & { specId?: string | null }): TaskPlace {
  if (f.endpointId !== null) return { key: `endpoint:${f.endpointId}`, endpointId: f.endpointId, specId: null };
  if (f.specId) return { key: `spec:${f.specId}`, endpointId: null, specId: f.specId };
  return { key: `host:${f.host.toLowerCase()}`, endpointId: null, specId: null };
}

/**
 * The task a finding belongs to: one task per rule and place, so the findings of one rule on one endpoint
 * (several parameters, several drift items) are fixed, tracked and verified together. The id does not
 * depend on the application: a task follows its endpoint when ownership changes.
 *
 * @example
 * taskIdOf({ ruleId: 'auth-unauthenticated-sensitive', endpointId: 'ep1', host: 'shop.example' }) // '9c0d…' (24 hex)
 */
export function taskIdOf(f: Pick<Finding, 'ruleId' | 'endpointId' | 'host'> & { specId?: string | null }): string {
  return fingerprint('remediation-task', f.ruleId, taskPlaceOf(f).key);
}
