import { stringify } from 'yaml';
import { OWASP_API_2023 } from '../../contracts/owasp.js';
import { pointerOf } from '../model.js';
import { valueAt } from './facts.js';
import type { AuditRule } from './rules/kit.js';
import { SPECTRAL_OWASP_2023_RULES } from './spectral.js';
import { rulePageTop } from '../../util/rule-doc.js';

/**
 * The docs pages of the built-in rules (`docs/rules/<id>.md`) and their index, rendered from the rule
 * records and their test cases, so the page and the code cannot disagree. Pure functions: the registry
 * test compares the files with what these return and rewrites them when `UPDATE_RULE_DOCS=1`.
 */

export const REGENERATE_COMMAND = 'UPDATE_RULE_DOCS=1 npx vitest run src/spec/audit/registry.test.ts';

/** Titles of the CWE entries the rules map to (MITRE CWE names). */
export const CWE_TITLES: Readonly<Record<string, string>> = Object.freeze({
  'CWE-20': 'Improper Input Validation',
  'CWE-22': "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
  'CWE-89': "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')",
  'CWE-185': 'Incorrect Regular Expression',
  'CWE-190': 'Integer Overflow or Wraparound',
  'CWE-200': 'Exposure of Sensitive Information to an Unauthorized Actor',
  'CWE-209': 'Generation of Error Message Containing Sensitive Information',
  'CWE-213': 'Exposure of Sensitive Information Due to Incompatible Policies',
  'CWE-250': 'Execution with Unnecessary Privileges',
  'CWE-285': 'Improper Authorization',
  'CWE-287': 'Improper Authentication',
  'CWE-306': 'Missing Authentication for Critical Function',
  'CWE-307': 'Improper Restriction of Excessive Authentication Attempts',
  'CWE-319': 'Cleartext Transmission of Sensitive Information',
  'CWE-328': 'Use of Weak Hash',
  'CWE-347': 'Improper Verification of Cryptographic Signature',
  'CWE-346': 'Origin Validation Error',
  'CWE-352': 'Cross-Site Request Forgery (CSRF)',
  'CWE-359': 'Exposure of Private Personal Information to an Unauthorized Actor',
  'CWE-400': 'Uncontrolled Resource Consumption',
  'CWE-436': 'Interpretation Conflict',
  'CWE-477': 'Use of Obsolete Function',
  'CWE-489': 'Active Debug Code',
  'CWE-522': 'Insufficiently Protected Credentials',
  'CWE-549': 'Missing Password Field Masking',
  'CWE-598': 'Use of GET Request Method With Sensitive Query Strings',
  'CWE-601': "URL Redirection to Untrusted Site ('Open Redirect')",
  'CWE-611': 'Improper Restriction of XML External Entity Reference',
  'CWE-613': 'Insufficient Session Expiration',
  'CWE-625': 'Permissive Regular Expression',
  'CWE-639': 'Authorization Bypass Through User-Controlled Key',
  'CWE-650': 'Trusting HTTP Permission Methods on the Server Side',
  'CWE-668': 'Exposure of Resource to Wrong Sphere',
  'CWE-693': 'Protection Mechanism Failure',
  'CWE-694': 'Use of Multiple Resources with Duplicate Identifier',
  'CWE-755': 'Improper Handling of Exceptional Conditions',
  'CWE-770': 'Allocation of Resources Without Limits or Throttling',
  'CWE-798': 'Use of Hard-coded Credentials',
  'CWE-915': 'Improperly Controlled Modification of Dynamically-Determined Object Attributes',
  'CWE-918': 'Server-Side Request Forgery (SSRF)',
  'CWE-942': 'Permissive Cross-domain Policy with Untrusted Domains',
  'CWE-1059': 'Insufficient Technical Documentation',
  'CWE-1164': 'Irrelevant Code',
  'CWE-1188': 'Initialization of a Resource with an Insecure Default',
  'CWE-1284': 'Improper Validation of Specified Quantity in Input',
  'CWE-1333': 'Inefficient Regular Expression Complexity',
  'CWE-1390': 'Weak Authentication',
});

/** One worked example of a docs page: a document, where the rule reports, and what it says. */
export interface DocExample {
  name: string;
  doc: unknown;
  /** Where to show the document. */
  pointer: string;
  /** The finding, for a flagged example. */
  finding?: { pointer: string; message: string };
}

const MAX_EXCERPT_LINES = 40;

const decode = (seg: string) => seg.replace(/~1/g, '/').replace(/~0/g, '~');

/** `value` with everything deeper than `depth` levels shown as `…`: an excerpt shows the place, not the whole tree. */
function prune(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth === 0) return '…';
  if (Array.isArray(value)) return value.map((v) => prune(v, depth - 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, prune(v, depth - 1)]));
}

/**
 * The part of `doc` around `pointer`, as YAML nested under its path: the object at the pointer (or the
 * object holding it, for a scalar) three levels deep, wrapped in the keys that lead to it. Cut at 40 lines.
 */
export function excerpt(doc: unknown, pointer: string): string | null {
  let segs = pointer === '' ? [] : pointer.slice(1).split('/').map(decode);
  let value = valueAt(doc, pointer);
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') {
    if (segs.length === 0) return null;
    segs = segs.slice(0, -1);
    value = valueAt(doc, pointerOf(...segs));
  }
  let wrapped: unknown = prune(value, segs.length === 0 ? 1 : 3);
  for (let i = segs.length - 1; i >= 0; i--) {
    const parent = valueAt(doc, pointerOf(...segs.slice(0, i)));
    wrapped = Array.isArray(parent) ? [wrapped] : { [segs[i]!]: wrapped };
  }
  const lines = stringify(wrapped, { lineWidth: 0, aliasDuplicateObjects: false }).trimEnd().split('\n');
  return lines.length > MAX_EXCERPT_LINES ? [...lines.slice(0, MAX_EXCERPT_LINES), '# …'].join('\n') : lines.join('\n');
}

const owaspLabel = (id: string) => `${id} ${OWASP_API_2023[id] ?? ''}`.trim();
const cweLabel = (id: string) => (CWE_TITLES[id] ? `${id}: ${CWE_TITLES[id]}` : id);
const categoryLabel = (c: AuditRule['category']) => (c === 'security' ? 'security (counts in the security half of the score)' : 'data validation (counts in the data-validation half of the score)');

function exampleBlock(label: string, ex: DocExample): string {
  const text = excerpt(ex.doc, ex.pointer);
  const parts = [`${label}: ${ex.name}.`];
  if (text) parts.push('', '```yaml', text, '```');
  if (ex.finding) parts.push('', `Finding at \`${ex.finding.pointer || '(document root)'}\`: ${ex.finding.message}.`);
  return parts.join('\n');
}

/** The docs page of one rule. */
export function renderRuleDoc(rule: AuditRule, source: string, examples: { flagged: DocExample; passing: DocExample | null }): string {
  const rows: Array<[string, string]> = [
    ['Id', `\`${rule.id}\``],
    ['Severity', `\`${rule.severity}\``],
    ['Category', categoryLabel(rule.category)],
    ['OWASP API Top 10 2023', owaspLabel(rule.owasp)],
    ['CWE', cweLabel(rule.cwe)],
    ['Tags', rule.tags.join(', ')],
    ['Spectral OWASP equivalent', rule.spectral?.length ? rule.spectral.map((s) => `\`${s}\``).join(', ') : 'none (Bulwark only)'],
  ];
  const out = [
    ...rulePageTop({
      title: rule.title,
      note: `Generated from ${source} and its test cases by \`${REGENERATE_COMMAND}\`. Edit the rule, not this page.`,
      record: rows,
      trigger: ['What triggers it', rule.detects],
      rationale: rule.rationale,
      remediation: rule.remediation,
    }),
    '## Example',
    '',
    exampleBlock('Flagged', examples.flagged),
  ];
  if (examples.passing) out.push('', exampleBlock('Passes', examples.passing));
  out.push(
    '',
    '## False positives',
    '',
    rule.falsePositives ?? 'None known: the rule reads only what the description states. If the description is wrong, fix the description.',
    '',
    '## Switching it off or re-rating it',
    '',
    'In `.bulwark-spec-rules.yaml` next to the spec (or the file given with `--ruleset`):',
    '',
    '```yaml',
    'rules:',
    `  ${rule.id}: off      # or a severity: info, low, medium, high, critical`,
    '```',
    '',
  );
  return out.join('\n');
}

/** The index of all spec-audit rules, by family, with the Spectral OWASP coverage table. */
export function renderRuleIndex(rules: readonly AuditRule[], families: ReadonlyArray<{ prefix: string; title: string }>): string {
  const out = [
    '# Spec-audit rules',
    '',
    `<!-- Generated from src/spec/audit/registry.ts by \`${REGENERATE_COMMAND}\`. -->`,
    '',
    'The spec audit (`bulwark spec audit <file>`) reads an OpenAPI 3.0/3.1 or Swagger 2.0 description and reports',
    'problems in the description itself: weak authentication schemes, unprotected operations, plain-HTTP servers,',
    'undocumented errors and rate limits, unbounded inputs, sensitive data in URLs, inventory gaps. Each rule is a',
    'record plus a pure function of the spec model (`src/spec/audit/rules/`), registered in',
    '`src/spec/audit/registry.ts`, with table tests (`src/spec/audit/fixtures/*.cases.ts`) that also provide the',
    'examples on its page. Findings carry the JSON pointer, file, line and column of what to fix, and a fingerprint',
    '(rule, pointer, message) that is stable across runs.',
    '',
    `${rules.length} rules. Severity and on/off can be changed per rule in \`.bulwark-spec-rules.yaml\`.`,
    '',
    '## Adding or changing a rule',
    '',
    '1. Write the record in its family file under `src/spec/audit/rules/`: id (`spec-<family>-…`), severity, OWASP',
    '   category, CWE, `detects` (exactly what fires it), rationale, remediation, the Spectral OWASP rules it covers, and',
    '   `check(model)`, which yields `{ pointer, message }` for the element to fix. No I/O; read the model, not the file.',
    '2. Rules about schemas, properties, parameters or responses loop over `factsOf(model)` (`src/spec/audit/facts.ts`):',
    '   one walk of the schema graph per model, shared by all rules, instead of one walk per rule.',
    '3. Add cases to `src/spec/audit/fixtures/<family>.cases.ts`: at least one document where the rule fires (with the',
    '   exact pointers) and one where it stays silent. Start from `oas()`, the clean reference document.',
    `4. Regenerate these pages: \`${REGENERATE_COMMAND}\`.`,
    '',
  ];
  const seenTitles = new Set<string>();
  for (const fam of families) {
    if (seenTitles.has(fam.title)) continue;
    seenTitles.add(fam.title);
    const prefixes = families.filter((f) => f.title === fam.title).map((f) => f.prefix);
    const members = rules.filter((r) => prefixes.some((p) => r.id.startsWith(p)));
    if (!members.length) continue;
    out.push(`## ${fam.title}`, '', '| Id | Title | Severity | OWASP API Top 10 2023 | CWE | Spectral OWASP |', '|---|---|---|---|---|---|');
    for (const r of members) {
      out.push(`| [\`${r.id}\`](${r.id}.md) | ${r.title} | ${r.severity} | ${owaspLabel(r.owasp)} | ${r.cwe} | ${(r.spectral ?? []).map((s) => `\`${s.replace('owasp:', '')}\``).join(', ')} |`);
    }
    out.push('');
  }
  out.push('## Coverage of the Spectral OWASP ruleset (2023)', '', '| Spectral rule | Covered by |', '|---|---|');
  for (const s of SPECTRAL_OWASP_2023_RULES) {
    const by = rules.filter((r) => r.spectral?.includes(s)).map((r) => `[\`${r.id}\`](${r.id}.md)`);
    out.push(`| \`${s}\` | ${by.join(', ') || '**not covered**'} |`);
  }
  out.push('');
  return out.join('\n');
}
