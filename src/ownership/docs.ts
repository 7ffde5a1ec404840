import { ruleRecordRows } from '../conformance/docs.js';
import { rulePageBottom, rulePageTop } from '../util/rule-doc.js';
import type { OwnershipFindingRule } from './unowned.js';

/**
 * The docs pages of the ownership finding rules (`docs/rules/<id>.md`), rendered from the rule records so
 * that page and code cannot disagree. `rules-meta.test.ts` compares the files with what this returns and
 * rewrites them when `UPDATE_RULE_DOCS=1`.
 */

export const REGENERATE_COMMAND = 'UPDATE_RULE_DOCS=1 npx vitest run src/ownership/rules-meta.test.ts';

export function renderOwnershipRuleDoc(rule: OwnershipFindingRule): string {
  return [
    ...rulePageTop({
      title: rule.title,
      note: `Generated from src/ownership/unowned.ts by \`${REGENERATE_COMMAND}\`. Edit the rule, not this page.`,
      record: ruleRecordRows(rule, 'a discovered endpoint (one finding per endpoint)'),
      trigger: ['What triggers it', rule.trigger],
      rationale: rule.rationale,
      remediation: rule.remediation,
    }),
    ...rulePageBottom({
      example: rule.example,
      falsePositives: rule.falsePositives,
      seeAlso: 'See [ownership](../ownership.md) for the rules file, the rule kinds and `bulwark owners test`.',
    }),
  ].join('\n');
}
