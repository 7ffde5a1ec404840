import type { Severity } from '../../contracts/finding.js';
import type { SourceLocation, SpecModel } from '../model.js';

/**
 * A spec-audit rule: a declarative record plus a pure function of the model. No I/O; a rule that throws
 * becomes an error finding with its cause and the audit goes on (see `audit.ts`).
 *
 * Ids are stable kebab-case with the `spec-` family prefix (`spec-security-…`, `spec-schema-…`).
 *
 * @example
 *   export const noSecurity: SpecRule = {
 *     id: 'spec-security-operation-unprotected', title: 'Operation without security', severity: 'high',
 *     owasp: 'API2:2023', cwe: 'CWE-306', category: 'security', tags: ['authentication'],
 *     rationale: '…', remediation: '…',
 *     *check(model) { for (const op of model.operations) if (!op.security.length) yield { pointer: op.pointer, message: `${op.method.toUpperCase()} ${op.path} requires no authentication` }; },
 *   };
 */
export interface SpecRule {
  id: string;
  title: string;
  severity: Severity;
  /** OWASP API Security Top 10 2023 category, e.g. `API2:2023`. */
  owasp: string;
  cwe: string;
  /** Which half of the score the rule counts in. */
  category: 'security' | 'data-validation';
  tags: string[];
  rationale: string;
  remediation: string;
  /** Spectral OWASP ruleset rules (`owasp:api2:2023-…`) whose intent this rule covers, for the coverage benchmark. */
  spectral?: string[];
  check(model: SpecModel): Iterable<RuleHit>;
}

/** One problem a rule found: where (the pointer of the element to fix) and what, in one sentence. */
export interface RuleHit {
  pointer: string;
  message: string;
}

/** A rule hit with the rule's record and its place in the original file. */
export interface SpecFinding {
  ruleId: string;
  title: string;
  severity: Severity;
  owasp: string;
  cwe: string;
  category: SpecRule['category'];
  message: string;
  location: SourceLocation;
  remediation: string;
  /** Stable across runs and versions: rule id + pointer + message. */
  fingerprint: string;
}
