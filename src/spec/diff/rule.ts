import type { Severity } from '../../contracts/finding.js';
import type { SourceLocation } from '../model.js';
import type { DiffContext } from './context.js';

/**
 * What a change between two versions of a spec means for the API's users:
 * - `breaking`: a client written against the old spec can fail against the new one;
 * - `security`: the new spec is weaker (less authentication, more data exposed, weaker transport);
 * - `non-breaking`: worth knowing (an added operation, a deprecation), nothing fails.
 */
export const CHANGE_KINDS = ['breaking', 'security', 'non-breaking'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** Which of the two specs a change's location is in: the new one, or the old one for what was removed. */
export type ChangeSide = 'old' | 'new';

/**
 * A spec-diff rule: a declarative record plus a pure function of the two models (through `DiffContext`,
 * which has them matched operation by operation). No I/O; a rule that throws becomes a `diff-rule-error`
 * change and the diff goes on (see `diff.ts`).
 *
 * @example
 *   export const operationRemoved: DiffRule = {
 *     id: 'diff-operation-removed', title: 'Operation removed', kind: 'breaking', severity: 'high', owasp: null, cwe: null,
 *     tags: ['operation'], detects: '…', rationale: '…', remediation: '…',
 *     *check(ctx) { for (const op of ctx.removed) yield { side: 'old', pointer: op.pointer, operation: opLabel(op), message: 'operation removed' }; },
 *   };
 */
export interface DiffRule {
  /** Stable kebab-case id with the `diff-` prefix. */
  id: string;
  title: string;
  kind: ChangeKind;
  severity: Severity;
  /** OWASP API Security Top 10 2023 category (`API2:2023`), for security changes; null for the others. */
  owasp: string | null;
  cwe: string | null;
  tags: string[];
  /** Exactly what difference makes the rule fire: the docs text. */
  detects: string;
  /** Why it matters to the API's users. */
  rationale: string;
  /** What to do about it. */
  remediation: string;
  check(ctx: DiffContext): Iterable<DiffHit>;
}

/**
 * One change a rule found. `pointer` is in the spec `side` names. Hits of one rule with the same side,
 * pointer and `key` are one change (a change in a shared component is found once per operation that
 * uses it): the first hit's message is kept and the operations of all of them are listed.
 */
export interface DiffHit {
  side: ChangeSide;
  pointer: string;
  /** One sentence, without the operation (it is put in front). */
  message: string;
  /** `GET /users/{id}`: the operation the change affects, when it is about one. */
  operation?: string;
  /** What makes two hits at the same pointer different changes; default: the message. */
  key?: string;
}

/** A change with its rule's record and its place in the old or new file. */
export interface SpecChange {
  ruleId: string;
  title: string;
  kind: ChangeKind;
  severity: Severity;
  owasp: string | null;
  cwe: string | null;
  /** `GET /users/{id}: query parameter "limit" is now required`; with more operations, `GET /a (and 2 more operations): …`. */
  message: string;
  side: ChangeSide;
  location: SourceLocation;
  /** The operations the change affects, in the order of the spec they are from; empty for document-level changes. */
  operations: string[];
  remediation: string;
  /** Stable across runs: rule id, side, pointer and key. */
  fingerprint: string;
}
