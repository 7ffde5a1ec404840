import { createHash } from 'node:crypto';
import { SEVERITY_RANK } from '../../contracts/finding.js';
import type { SourceLocation, SpecModel } from '../model.js';
import { createDiffContext } from './context.js';
import { DIFF_RULES } from './registry.js';
import { CHANGE_KINDS, type DiffHit, type DiffRule, type SpecChange } from './rule.js';

/** The rule id of the change that stands in for a rule that threw. */
export const DIFF_RULE_ERROR_ID = 'diff-rule-error';

const MAX_ERROR_MESSAGE = 200;

/** Stable across runs and versions: the same rule, on the same side, at the same place, about the same thing. */
export function changeFingerprint(ruleId: string, side: string, pointer: string, key: string): string {
  return createHash('sha256').update(`${ruleId}\n${side}\n${pointer}\n${key}`).digest('hex').slice(0, 24);
}

/**
 * The changes from `old` to `next`: every rule run on the two models matched up (`createDiffContext`),
 * each hit located in the spec it names (`model.locate`), hits of one rule at one place about one thing
 * merged into one change that lists the operations it affects, fingerprinted, and sorted: by kind
 * (breaking, security, non-breaking), severity (highest first), rule, file, line, column. Pure: the same
 * two models always give the same list.
 *
 * A rule that throws, or yields something that is not a hit, becomes one `diff-rule-error` change
 * (non-breaking, `info`) naming the rule and the cause, and the diff goes on; the hits it yielded before
 * failing are kept.
 *
 * @example
 *   const changes = diffSpecs(await loadSpec('v1.yaml'), await loadSpec('v2.yaml'));
 *   changes.filter((c) => c.kind === 'breaking').map((c) => c.message);
 *   // ['DELETE /pets/{id}: operation removed', 'GET /pets: query parameter "limit" is now required']
 */
export function diffSpecs(old: SpecModel, next: SpecModel, rules: readonly DiffRule[] = DIFF_RULES): SpecChange[] {
  const ctx = createDiffContext(old, next);
  const found = new Map<string, { change: SpecChange; message: string; operations: string[] }>();
  for (const rule of rules) {
    try {
      for (const hit of rule.check(ctx) as Iterable<DiffHit | null | undefined>) {
        if (!hit || typeof hit.pointer !== 'string' || typeof hit.message !== 'string' || (hit.side !== 'old' && hit.side !== 'new')) {
          throw new Error('the rule yielded a malformed hit (side must be "old" or "new", pointer and message strings)');
        }
        const fingerprint = changeFingerprint(rule.id, hit.side, hit.pointer, hit.key ?? hit.message);
        let entry = found.get(fingerprint);
        if (!entry) {
          const model = hit.side === 'old' ? old : next;
          entry = {
            message: hit.message,
            operations: [],
            change: {
              ruleId: rule.id,
              title: rule.title,
              kind: rule.kind,
              severity: rule.severity,
              owasp: rule.owasp,
              cwe: rule.cwe,
              message: '',
              side: hit.side,
              location: model.locate(hit.pointer),
              operations: [],
              remediation: rule.remediation,
              fingerprint,
            },
          };
          found.set(fingerprint, entry);
        }
        if (hit.operation && !entry.operations.includes(hit.operation)) entry.operations.push(hit.operation);
      }
    } catch (err) {
      const change = ruleError(next, rule, err);
      if (!found.has(change.fingerprint)) found.set(change.fingerprint, { change, message: change.message, operations: [] });
    }
  }
  return [...found.values()].map(({ change, message, operations }) => ({ ...change, operations, message: withOperations(message, operations) })).sort(compareChanges);
}

/** `GET /a: message`, `GET /a (and 2 more operations): message`. */
function withOperations(message: string, operations: readonly string[]): string {
  const [first] = operations;
  if (first === undefined) return message;
  const more = operations.length - 1;
  return `${first}${more ? ` (and ${more} more operation${more === 1 ? '' : 's'})` : ''}: ${message}`;
}

function ruleError(next: SpecModel, rule: DiffRule, err: unknown): SpecChange {
  const cause = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, MAX_ERROR_MESSAGE);
  let location: SourceLocation;
  try {
    location = next.locate('');
  } catch {
    location = { file: next.file, pointer: '', line: 0, column: 0 };
  }
  return {
    ruleId: DIFF_RULE_ERROR_ID,
    title: `Rule ${rule.id} failed`,
    kind: 'non-breaking',
    severity: 'info',
    owasp: null,
    cwe: null,
    message: `rule ${rule.id} failed: ${cause}`,
    side: 'new',
    location,
    operations: [],
    remediation: 'Report this to the Bulwark maintainers with the two specs that triggered it; the other rules ran normally.',
    fingerprint: changeFingerprint(DIFF_RULE_ERROR_ID, 'new', rule.id, cause),
  };
}

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** Kind (breaking, security, non-breaking), severity (highest first), rule, then place: a total order. */
export function compareChanges(a: SpecChange, b: SpecChange): number {
  return (
    CHANGE_KINDS.indexOf(a.kind) - CHANGE_KINDS.indexOf(b.kind) ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.location.file, b.location.file) ||
    a.location.line - b.location.line ||
    a.location.column - b.location.column ||
    cmp(a.location.pointer, b.location.pointer) ||
    cmp(a.fingerprint, b.fingerprint)
  );
}
