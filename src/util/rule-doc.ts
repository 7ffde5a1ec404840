/**
 * The top of a generated docs page for a rule or detector (spec audit rules, conformance rules, payload
 * detectors): title, the generated-file note, the record as a two-column table, then what triggers it, why it
 * matters and how to fix it. Each generator appends its own sections (examples, false positives, ...).
 *
 * @example
 * [...rulePageTop({ title, note: 'Generated from ...', record: [['Id', '`x`']], trigger: ['What triggers it', text], rationale, remediation }), '## Example', ...]
 */
export function rulePageTop(page: {
  title: string;
  /** The HTML comment's text, without `<!--`/`-->`. */
  note: string;
  record: ReadonlyArray<readonly [string, string]>;
  /** The first section: its heading and text. */
  trigger: readonly [string, string];
  rationale: string;
  remediation: string;
}): string[] {
  return [
    `# ${page.title}`,
    '',
    `<!-- ${page.note} -->`,
    '',
    '| | |',
    '|---|---|',
    ...page.record.map(([k, v]) => `| **${k}** | ${v} |`),
    '',
    `## ${page.trigger[0]}`,
    '',
    page.trigger[1],
    '',
    '## Why it matters',
    '',
    page.rationale,
    '',
    '## How to fix',
    '',
    page.remediation,
    '',
  ];
}

/**
 * The end of a rule's page for rules with one example and a false-positive list (conformance and ownership
 * rules): the example in a code block, the false positives, and a line pointing to the guide.
 */
export function rulePageBottom(page: { example: string; falsePositives: string; seeAlso: string }): string[] {
  return ['## Example of evidence', '', '```', page.example, '```', '', '## False positives', '', page.falsePositives, '', page.seeAlso, ''];
}
