import { OWASP_API_2023 } from '../../contracts/owasp.js';
import type { AttackCategory, ValueLocation } from '../types.js';
import { CHAR, type PayloadDetector } from './detector.js';
import { rulePageTop } from '../../util/rule-doc.js';

/**
 * Generated documentation of the payload detectors: one page per detector (`docs/detectors/<id>.md`) and an
 * index (`docs/detectors/payload-detectors.md`), rendered from the records, the module comments and the table
 * cases. The registry test compares the pages with this output; `UPDATE_DETECTOR_DOCS=1` rewrites them.
 */

export const REGENERATE_COMMAND = 'UPDATE_DETECTOR_DOCS=1 npx vitest run src/detect/payload/registry.test.ts';
export const INDEX_PAGE = 'payload-detectors.md';

/** Id prefix of each attack family the payload detectors cover. */
export const FAMILY_PREFIX: Readonly<Partial<Record<AttackCategory, string>>> = Object.freeze({
  sqli: 'sqli-',
  nosqli: 'nosqli-',
  xss: 'xss-',
  'command-injection': 'cmdi-',
  'path-traversal': 'traversal-',
  ssrf: 'ssrf-',
  xxe: 'xxe-',
  ssti: 'ssti-',
  log4shell: 'log4shell-',
  'crlf-injection': 'crlf-',
  'log-forging': 'logforge-',
  'cookie-injection': 'cookie-',
  scanner: 'scanner-',
});

export const CWE_TITLES: Readonly<Record<string, string>> = Object.freeze({
  'CWE-22': "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
  'CWE-74': "Improper Neutralization of Special Elements in Output Used by a Downstream Component ('Injection')",
  'CWE-78': "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')",
  'CWE-79': "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
  'CWE-89': "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')",
  'CWE-97': 'Improper Neutralization of Server-Side Includes (SSI) Within a Web Page',
  'CWE-98': "Improper Control of Filename for Include/Require Statement in PHP Program ('PHP Remote File Inclusion')",
  'CWE-113': "Improper Neutralization of CRLF Sequences in HTTP Headers ('HTTP Request/Response Splitting')",
  'CWE-117': 'Improper Output Neutralization for Logs',
  'CWE-200': 'Exposure of Sensitive Information to an Unauthorized Actor',
  'CWE-502': 'Deserialization of Untrusted Data',
  'CWE-530': 'Exposure of Backup File to an Unauthorized Control Sphere',
  'CWE-611': 'Improper Restriction of XML External Entity Reference',
  'CWE-917': "Improper Neutralization of Special Elements used in an Expression Language Statement ('Expression Language Injection')",
  'CWE-918': 'Server-Side Request Forgery (SSRF)',
  'CWE-943': 'Improper Neutralization of Special Elements in Data Query Logic',
  'CWE-1336': 'Improper Neutralization of Special Elements Used in a Template Engine',
});

export const MITRE_TITLES: Readonly<Record<string, string>> = Object.freeze({
  T1005: 'Data from Local System',
  T1059: 'Command and Scripting Interpreter',
  T1083: 'File and Directory Discovery',
  T1189: 'Drive-by Compromise',
  T1190: 'Exploit Public-Facing Application',
  'T1552.005': 'Unsecured Credentials: Cloud Instance Metadata API',
  'T1565.001': 'Data Manipulation: Stored Data Manipulation',
  'T1595.002': 'Active Scanning: Vulnerability Scanning',
  'T1595.003': 'Active Scanning: Wordlist Scanning',
});

const CHAR_LABELS: Readonly<Record<string, string>> = Object.freeze({
  SQUOTE: "`'`", DQUOTE: '`"`', BACKTICK: 'backtick', SEMI: '`;`', LT: '`<`', GT: '`>`', PAREN: '`(` `)`', DOLLAR: '`$`',
  BRACE: '`{` `}`', PIPE: '`|`', AMP: '`&`', DOT: '`.`', SLASH: '`/`', BSLASH: '`\\`', COLON: '`:`', NEWLINE: 'CR/LF',
  EQ: '`=`', HASH: '`#`', DASH: '`-`', STAR: '`*`', PERCENT: '`%`', AT: '`@`', SPACE: 'space', BRACKET: '`[` `]`',
  CONTROL: 'control characters', NON_ASCII: 'non-ASCII', LETTER: 'letters', DIGIT: 'digits', COMMA: '`,`', PLUS: '`+`',
});

function charList(mask: number): string {
  return Object.entries(CHAR)
    .filter(([, bit]) => (mask & bit) !== 0)
    .map(([name]) => CHAR_LABELS[name] ?? name)
    .join(', ');
}

export interface DocExample {
  readonly name: string;
  readonly value: string;
  readonly location: ValueLocation;
  readonly param: string;
  /** Confidence and redacted evidence, or null when the detector stays silent. */
  readonly result: { readonly confidence: number; readonly evidence: string } | null;
}

/** The `/** … *\/` comment that opens a module's documentation, as Markdown paragraphs. */
export function moduleComment(source: string): string {
  const start = source.indexOf('\n/**');
  const end = start < 0 ? -1 : source.indexOf('*/', start);
  if (end < 0) return '';
  return source
    .slice(start + 4, end)
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
}

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', '\\n');
const code = (s: string) => (s.includes('`') ? `\`\` ${cell(s)} \`\`` : `\`${cell(s)}\``);
const where = (e: DocExample) => (e.param === '' ? e.location : `${e.location} \`${cell(e.param)}\``);

function exampleTable(rows: readonly DocExample[], withResult: boolean): string[] {
  const head = withResult ? ['| Case | Value | Where | Confidence | Evidence |', '|---|---|---|---|---|'] : ['| Case | Value | Where |', '|---|---|---|'];
  return [
    ...head,
    ...rows.map((e) => {
      const v = code(e.value.length > 90 ? `${e.value.slice(0, 89)}…` : e.value);
      return withResult ? `| ${cell(e.name)} | ${v} | ${where(e)} | ${e.result?.confidence ?? '-'} | ${e.result ? code(e.result.evidence) : '-'} |` : `| ${cell(e.name)} | ${v} | ${where(e)} |`;
    }),
  ];
}

/** The docs page of one payload detector. */
export function renderDetectorDoc(d: PayloadDetector, source: { path: string; comment: string }, flagged: readonly DocExample[], passing: readonly DocExample[]): string {
  const rows: Array<[string, string]> = [
    ['Id', `\`${d.id}\``],
    ['Category', `\`${d.category}\``],
    ['Severity', `\`${d.severity}\``],
    ['OWASP API Top 10 2023', `${d.owasp} ${OWASP_API_2023[d.owasp] ?? ''}`.trim()],
    ['CWE', CWE_TITLES[d.cwe] ? `${d.cwe}: ${CWE_TITLES[d.cwe]}` : d.cwe],
    ['MITRE ATT&CK', MITRE_TITLES[d.mitre] ? `${d.mitre} ${MITRE_TITLES[d.mitre]}` : d.mitre],
    ['Reads', d.locations ? d.locations.map((l) => `\`${l}\``).join(', ') : 'every inspected value (path, query, cookies, headers, body)'],
    ['Runs only on values with', [d.gate ? `one of ${charList(d.gate)}` : '', d.gateAlso ? `and one of ${charList(d.gateAlso)}` : ''].filter(Boolean).join(' ') || 'any value'],
  ];
  return [
    ...rulePageTop({
      title: d.title,
      note: `Generated from ${source.path} and its table cases by \`${REGENERATE_COMMAND}\`. Edit the record, not this page.`,
      record: rows,
      trigger: ['How it detects', source.comment],
      rationale: d.rationale,
      remediation: d.remediation,
    }),
    '## Examples',
    '',
    `Reported (from the table tests in \`src/detect/payload/fixtures/\`; values as sent, evidence as an analyst sees it):`,
    '',
    ...exampleTable(flagged, true),
    '',
    'Not reported (benign look-alikes from the same tests):',
    '',
    ...exampleTable(passing, false),
    '',
    '## Confidence and tuning',
    '',
    'Each detection carries a confidence from 0 to 1. `detectPayloads` drops detections below 0.5 by default',
    '(`minConfidence` changes it); lower-confidence matches are context for an analyst, not alerts. Suppress a',
    'false positive for one endpoint or parameter with a scoped exception in the cases module rather than by',
    'switching the detector off.',
    '',
  ].join('\n');
}

/** The index of all payload detectors. */
export function renderDetectorIndex(detectors: readonly PayloadDetector[]): string {
  return [
    '# Payload detectors',
    '',
    `<!-- Generated from src/detect/payload/index.ts by \`${REGENERATE_COMMAND}\`. -->`,
    '',
    'Signatures that look at each decoded value of a request (path segments, query names and values, cookies,',
    'headers, form fields, JSON strings and keys, raw XML or text bodies) for attack payloads. Values are decoded',
    'first (repeated percent-encoding, `%uXXXX`, HTML entities, JavaScript escapes, overlong UTF-8, full-width',
    'forms), bounded (256 values per request, 8 KiB each), and every pattern is checked for super-linear',
    'backtracking by `src/detect/payload/redos.test.ts`. Each detector is a record plus a pure function',
    '(`src/detect/payload/`), registered in `PAYLOAD_DETECTORS`, with table tests in `fixtures/*.cases.ts`.',
    '',
    `${detectors.length} detectors.`,
    '',
    '| Detector | Category | Severity | OWASP | CWE | MITRE |',
    '|---|---|---|---|---|---|',
    ...detectors.map((d) => `| [\`${d.id}\`](${d.id}.md) ${cell(d.title)} | ${d.category} | ${d.severity} | ${d.owasp} | ${d.cwe} | ${d.mitre} |`),
    '',
    '## Adding a detector',
    '',
    '1. Write the record and its `detect(value)` in the family module (or a new one) under `src/detect/payload/`:',
    '   id with the family prefix, title, category, severity, OWASP, CWE, MITRE technique, rationale, remediation,',
    '   and prefilters (`gate`, `gateAlso`, `locations`) if the detector can only match values with certain characters.',
    '2. Export every `RegExp` it uses from its module (the ReDoS test checks every literal in the folder).',
    '3. Add positive cases (attack tools, encodings, dataset samples) and negative cases (realistic benign look-alikes)',
    '   to `fixtures/<family>.cases.ts` and run them from the family test.',
    '4. Register it in `PAYLOAD_DETECTORS` and regenerate the pages with',
    `   \`${REGENERATE_COMMAND}\`.`,
    '',
  ].join('\n');
}
