import { OWASP_API_2023 } from '../contracts/owasp.js';
import type { ConformanceRule } from './rules.js';
import { rulePageBottom, rulePageTop } from '../util/rule-doc.js';

/**
 * The docs pages of the conformance rules (`docs/rules/<id>.md`) and their index
 * (`docs/rules/conformance-rules.md`), rendered from the rule records so that page and code cannot
 * disagree. `rules-meta.test.ts` compares the files with what these return and rewrites them when
 * `UPDATE_RULE_DOCS=1`.
 */

export const REGENERATE_COMMAND = 'UPDATE_RULE_DOCS=1 npx vitest run src/conformance/rules-meta.test.ts';
export const INDEX_PAGE = 'conformance-rules.md';

/** MITRE CWE names of the weaknesses the rules map to. */
export const CWE_TITLES: Readonly<Record<string, string>> = Object.freeze({
  'CWE-20': 'Improper Input Validation',
  'CWE-213': 'Exposure of Sensitive Information Due to Incompatible Policies',
  'CWE-436': 'Interpretation Conflict',
  'CWE-477': 'Use of Obsolete Function',
  'CWE-755': 'Improper Handling of Exceptional Conditions',
  'CWE-912': 'Hidden Functionality',
  'CWE-1059': 'Insufficient Technical Documentation',
});

const owaspLabel = (id: string) => `${id} ${OWASP_API_2023[id] ?? ''}`.trim();
const cweLabel = (id: string) => (CWE_TITLES[id] ? `${id}: ${CWE_TITLES[id]}` : id);
const SUBJECTS: Record<ConformanceRule['subject'], string> = {
  shadow: 'a discovered endpoint (one finding per endpoint)',
  operation: 'a spec operation (one finding per operation, attached to the first endpoint that called it)',
};

/** The record table of a rule's page (conformance and ownership rules): id, severity, OWASP, CWE, tags, subject. */
export function ruleRecordRows(rule: Pick<ConformanceRule, 'id' | 'severity' | 'owasp' | 'cwe' | 'tags'>, reportedOn: string): Array<[string, string]> {
  return [
    ['Id', `\`${rule.id}\``],
    ['Severity', `\`${rule.severity}\``],
    ['OWASP API Top 10 2023', owaspLabel(rule.owasp)],
    ['CWE', cweLabel(rule.cwe)],
    ['Tags', rule.tags.join(', ')],
    ['Reported on', reportedOn],
  ];
}

/** The docs page of one rule. */
export function renderConformanceRuleDoc(rule: ConformanceRule): string {
  return [
    ...rulePageTop({
      title: rule.title,
      note: `Generated from src/conformance/rules.ts by \`${REGENERATE_COMMAND}\`. Edit the rule, not this page.`,
      record: ruleRecordRows(rule, SUBJECTS[rule.subject]),
      trigger: ['What triggers it', rule.trigger],
      rationale: rule.rationale,
      remediation: rule.remediation,
    }),
    ...rulePageBottom({
      example: rule.example,
      falsePositives: rule.falsePositives,
      seeAlso: 'See [conformance](../conformance.md) for how traffic is matched to specs and what is counted.',
    }),
  ].join('\n');
}

/** The index of the conformance rules. */
export function renderConformanceRuleIndex(rules: readonly ConformanceRule[]): string {
  return [
    '# Conformance rules',
    '',
    `<!-- Generated from src/conformance/rules.ts by \`${REGENERATE_COMMAND}\`. -->`,
    '',
    'Conformance rules turn what the pipeline\'s conformance stage aggregates (calls per spec operation and per',
    'shadow endpoint, drift items of analysed calls; see [conformance](../conformance.md)) into findings. Each rule',
    'is a declarative record plus a pure function in `src/conformance/rules.ts`, with table tests in',
    '`src/conformance/rules.test.ts`; `src/conformance/rules-meta.test.ts` renders these pages from the records.',
    '',
    'A finding\'s fingerprint is (rule, endpoint) for shadow endpoints and (rule, spec, method, path) for operations,',
    'so the same problem seen again is one finding whose count grows; a finding whose rule stops firing (the',
    'endpoint got documented, the operation was called again, a new spec version cleared the drift) is resolved.',
    '',
    '| Id | Title | Severity | OWASP API Top 10 2023 | CWE |',
    '|---|---|---|---|---|',
    ...rules.map((r) => `| [\`${r.id}\`](${r.id}.md) | ${r.title} | ${r.severity} | ${owaspLabel(r.owasp)} | ${r.cwe} |`),
    '',
  ].join('\n');
}
