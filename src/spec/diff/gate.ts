import { invalidInput } from '../../errors/domain-errors.js';
import type { SpecChange } from './rule.js';

/** The kinds of change `--fail-on` can gate on. */
export const GATE_KINDS = ['breaking', 'security'] as const;
export type GateKind = (typeof GATE_KINDS)[number];

/** `--fail-on` when not given: a breaking or a security change fails the build. */
export const DEFAULT_FAIL_ON = 'breaking,security';

/**
 * Parses `--fail-on`: a comma-separated list of `breaking` and `security`, or `none`. Throws `invalidInput`
 * (exit 2) for anything else.
 *
 * @example
 *   parseFailOn('breaking,security') // ['breaking', 'security']
 *   parseFailOn('none')              // []
 */
export function parseFailOn(value: string): GateKind[] {
  const parts = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (parts.length === 1 && parts[0] === 'none') return [];
  const bad = parts.filter((p) => !(GATE_KINDS as readonly string[]).includes(p));
  if (!parts.length || bad.length) throw invalidInput(`--fail-on must be "breaking", "security", "breaking,security" or "none", not "${value}"`);
  return GATE_KINDS.filter((k) => parts.includes(k));
}

/**
 * The CI gate of `bulwark spec diff`: fail when there is a change of a kind in `failOn`. Pure, so the
 * policy is tested without running the command.
 *
 * @example
 *   gateSpecDiff(changes, ['breaking', 'security']) // { failed: true, reasons: ['2 breaking changes', '1 security change'] }
 */
export function gateSpecDiff(changes: readonly SpecChange[], failOn: readonly GateKind[]): { failed: boolean; reasons: string[] } {
  const reasons: string[] = [];
  for (const kind of failOn) {
    const n = changes.filter((c) => c.kind === kind).length;
    if (n) reasons.push(`${n} ${kind} change${n === 1 ? '' : 's'}`);
  }
  return { failed: reasons.length > 0, reasons };
}
