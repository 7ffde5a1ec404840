import { loadSpec } from './load.js';
import { SPEC_RULES } from './audit/registry.js';
import { auditSpec } from './audit/audit.js';
import { findRulesetFile, loadRulesetFile, type ResolvedRuleset } from './ruleset-file.js';
import { scoreSpec } from './score.js';
import type { SpecAuditResult } from './report/report.js';

/**
 * One spec file through the whole audit: load and model it, apply the ruleset file (the one given, else
 * `.bulwark-spec-rules.yaml` in `cwd` if there is one), run the rules, score. The CLI formats the result;
 * bad input (unreadable spec, invalid ruleset) is a domain error from the step that found it.
 *
 * @example
 *   const result = await auditSpecFile('openapi.yaml', { cwd: process.cwd() });
 *   result.score.total; // 81.4
 */
export async function auditSpecFile(file: string, opts: { cwd: string; rulesetFile?: string | null }): Promise<SpecAuditResult> {
  const rulesetFile = opts.rulesetFile ?? findRulesetFile(opts.cwd);
  // The ruleset is read first: a typo in it is reported before a long spec is parsed.
  const ruleset: ResolvedRuleset | null = rulesetFile ? loadRulesetFile(rulesetFile, SPEC_RULES) : null;
  const rules = ruleset ? ruleset.rules : [...SPEC_RULES];
  const model = await loadSpec(file);
  const findings = auditSpec(model, rules);
  return {
    model,
    findings,
    score: scoreSpec(findings, model),
    rules,
    ruleset: ruleset && { source: ruleset.source, disabled: ruleset.disabled, rerated: ruleset.rerated, custom: ruleset.custom },
  };
}
