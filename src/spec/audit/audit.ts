import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SEVERITY_RANK, Severity } from '../../contracts/finding.js';
import type { SourceLocation, SpecModel } from '../model.js';
import { SPEC_RULES } from './registry.js';
import type { SpecFinding, SpecRule } from './rule.js';

/** The rule id of the finding that stands in for a rule that threw. */
export const RULE_ERROR_ID = 'spec-rule-error';

/** Per-rule settings from a ruleset file: switch a rule off, or re-rate it. */
export const SpecRuleOverride = z.strictObject({
  enabled: z.boolean().optional(),
  severity: Severity.optional(),
});
export type SpecRuleOverride = z.infer<typeof SpecRuleOverride>;

/**
 * Rule id -> override. Validate a ruleset file's `rules` section with it; ids that are not rules are
 * reported by `unknownOverrideIds` (the audit itself ignores them).
 *
 * @example
 *   const overrides = SpecRuleOverrides.parse({ 'spec-schema-string-unrestricted': { enabled: false }, 'spec-server-http': { severity: 'critical' } });
 *   auditSpec(model, SPEC_RULES, { overrides });
 */
export const SpecRuleOverrides = z.record(z.string(), SpecRuleOverride);
export type SpecRuleOverrides = z.infer<typeof SpecRuleOverrides>;

export interface AuditOptions {
  overrides?: SpecRuleOverrides;
}

/** Stable across runs and versions: the same rule, at the same place, saying the same thing. */
export function specFingerprint(ruleId: string, pointer: string, message: string): string {
  return createHash('sha256').update(`${ruleId}\n${pointer}\n${message}`).digest('hex').slice(0, 24);
}

/** Override ids that name no rule in `rules`: typos a ruleset loader should report. */
export function unknownOverrideIds(overrides: SpecRuleOverrides, rules: readonly SpecRule[] = SPEC_RULES): string[] {
  const known = new Set(rules.map((r) => r.id));
  return Object.keys(overrides).filter((id) => !known.has(id)).sort();
}

const MAX_ERROR_MESSAGE = 200;

/**
 * Runs every enabled rule on the model and returns its findings: located in the original file
 * (`model.locate`), fingerprinted, de-duplicated (the same rule, pointer and message once), and sorted by
 * severity (highest first), then line, then rule id (then file, column, pointer, message, so the order is
 * total and the output byte-for-byte reproducible).
 *
 * A rule that throws, or yields something that is not a hit, becomes one `spec-rule-error` finding
 * (severity `info`) naming the rule and the cause, and the audit goes on. The hits the rule yielded before
 * failing are kept: each of them is a real finding.
 *
 * @example
 *   const findings = auditSpec(await loadSpec('openapi.yaml'));
 *   const strict = auditSpec(model, SPEC_RULES, { overrides: { 'spec-server-http': { severity: 'critical' } } });
 */
export function auditSpec(model: SpecModel, rules: readonly SpecRule[] = SPEC_RULES, opts: AuditOptions = {}): SpecFinding[] {
  const found = new Map<string, SpecFinding>();
  const add = (f: SpecFinding) => {
    if (!found.has(f.fingerprint)) found.set(f.fingerprint, f);
  };
  for (const rule of rules) {
    const override = Object.prototype.hasOwnProperty.call(opts.overrides ?? {}, rule.id) ? opts.overrides![rule.id] : undefined;
    if (override?.enabled === false) continue;
    const severity = override?.severity ?? rule.severity;
    try {
      for (const hit of rule.check(model)) {
        if (!hit || typeof hit.pointer !== 'string' || typeof hit.message !== 'string') throw new Error('the rule yielded a malformed hit (pointer and message must be strings)');
        add({
          ruleId: rule.id,
          title: rule.title,
          severity,
          owasp: rule.owasp,
          cwe: rule.cwe,
          category: rule.category,
          message: hit.message,
          location: model.locate(hit.pointer),
          remediation: rule.remediation,
          fingerprint: specFingerprint(rule.id, hit.pointer, hit.message),
        });
      }
    } catch (err) {
      add(ruleErrorFinding(model, rule, err));
    }
  }
  return [...found.values()].sort(compareFindings);
}

function ruleErrorFinding(model: SpecModel, rule: SpecRule, err: unknown): SpecFinding {
  const cause = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, MAX_ERROR_MESSAGE);
  const message = `rule ${rule.id} failed: ${cause}`;
  let location: SourceLocation;
  try {
    location = model.locate('');
  } catch {
    location = { file: model.file, pointer: '', line: 0, column: 0 };
  }
  return {
    ruleId: RULE_ERROR_ID,
    title: `Rule ${rule.id} failed`,
    severity: 'info',
    owasp: rule.owasp,
    cwe: rule.cwe,
    category: rule.category,
    message,
    location,
    remediation: 'Report this to the Bulwark maintainers with the spec that triggered it; the other rules ran normally.',
    fingerprint: specFingerprint(RULE_ERROR_ID, rule.id, cause),
  };
}

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

export function compareFindings(a: SpecFinding, b: SpecFinding): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    a.location.line - b.location.line ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.location.file, b.location.file) ||
    a.location.column - b.location.column ||
    cmp(a.location.pointer, b.location.pointer) ||
    cmp(a.message, b.message)
  );
}
