import type { SpecFinding } from '../audit/rule.js';
import { describedRules, displayPath, sortFindings, type ReportOptions, type SpecAuditResult } from './report.js';

/**
 * JUnit XML for CI test dashboards: one test suite for the spec, one test case per rule that ran. A rule
 * with findings fails with one `<failure>` that lists every finding (`file:line:column message`);
 * one failure per test case because Jenkins, GitLab and most JUnit readers show only the first.
 * The case's `file` and `line` attributes point at the first finding, for tools that annotate code.
 */
export function formatJunit(result: SpecAuditResult, opts: ReportOptions): string {
  const file = displayPath(result.model.file, opts.cwd);
  const byRule = new Map<string, SpecFinding[]>();
  for (const f of sortFindings(result.findings)) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  const rules = describedRules(result);
  const failures = rules.filter((r) => byRule.has(r.id)).length;
  const { score } = result;

  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="Bulwark spec audit" tests="${rules.length}" failures="${failures}" errors="0" time="0">`,
    `  <testsuite name="${attr(`spec audit: ${file}`)}" tests="${rules.length}" failures="${failures}" errors="0" skipped="0" time="0">`,
    '    <properties>',
    ...[
      ['file', file],
      ['score', String(score.total)],
      ['score.security', String(score.security)],
      ['score.dataValidation', String(score.dataValidation)],
      ['score.formula', score.formula],
    ].map(([name, value]) => `      <property name="${attr(name!)}" value="${attr(value!)}"/>`),
    '    </properties>',
  ];
  for (const r of rules) {
    const found = byRule.get(r.id);
    const name = attr(`${r.id}: ${r.title}`);
    const classname = attr(`bulwark.spec.${r.category}`);
    if (!found) {
      out.push(`    <testcase name="${name}" classname="${classname}" time="0"/>`);
      continue;
    }
    const first = found[0]!;
    const where = (f: SpecFinding) => `${displayPath(f.location.file, opts.cwd)}:${f.location.line}:${f.location.column}`;
    const body = [
      ...found.map((f) => `${f.severity} ${where(f)} ${f.message}`),
      '',
      `${r.owasp}, ${r.cwe}`,
      `Fix: ${r.remediation}`,
    ].join('\n');
    const message = `${found.length} finding${found.length === 1 ? '' : 's'}: ${first.message}${found.length > 1 ? ' (and more)' : ''}`;
    out.push(
      `    <testcase name="${name}" classname="${classname}" file="${attr(displayPath(first.location.file, opts.cwd))}" line="${first.location.line}" time="0">`,
      `      <failure type="${attr(first.severity)}" message="${attr(message)}">${text(body)}</failure>`,
      '    </testcase>',
    );
  }
  out.push('  </testsuite>', '</testsuites>');
  return out.join('\n') + '\n';
}

/**
 * Characters XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF) become
 * U+FFFD; a spec can put them in a name and the report must still parse.
 */
function xmlSafe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\uFFFD');
}

function text(s: string): string {
  return xmlSafe(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
