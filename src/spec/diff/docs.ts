import { OWASP_API_2023 } from '../../contracts/owasp.js';
import { CWE_TITLES } from '../audit/docs.js';
import type { DiffRule } from './rule.js';

/**
 * The change list of `docs/spec-diff.md`, rendered from the rule records so the page and the code cannot
 * disagree: `registry.test.ts` compares the part of the page between the markers with what this returns,
 * and rewrites it when `UPDATE_DIFF_DOCS=1`.
 */

export const DIFF_DOCS_BEGIN = '<!-- BEGIN GENERATED: spec-diff changes (src/spec/diff/docs.ts) -->';
export const DIFF_DOCS_END = '<!-- END GENERATED: spec-diff changes -->';
export const DIFF_DOCS_REGENERATE = 'UPDATE_DIFF_DOCS=1 npx vitest run src/spec/diff/registry.test.ts';

const KIND_TEXT: Record<DiffRule['kind'], string> = { breaking: 'breaking', security: 'security', 'non-breaking': 'other' };

/** Table cells: one line, no pipe breaking the table. */
const cell = (s: string) => s.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

function mapping(r: DiffRule): string {
  const parts: string[] = [];
  if (r.owasp) parts.push(`${r.owasp} ${OWASP_API_2023[r.owasp] ?? ''}`.trim());
  if (r.cwe) parts.push(`${r.cwe} ${CWE_TITLES[r.cwe] ?? ''}`.trim());
  return parts.join('; ');
}

/** The generated section: a summary table per family, then each rule's full description. */
export function renderDiffRuleDocs(families: ReadonlyArray<{ title: string; source: string; rules: readonly DiffRule[] }>): string {
  const out: string[] = [DIFF_DOCS_BEGIN, `<!-- Do not edit by hand: ${DIFF_DOCS_REGENERATE} -->`, ''];
  const total = families.reduce((n, f) => n + f.rules.length, 0);
  out.push(`${total} rules, in ${families.length} families. Kind \`breaking\` and \`security\` changes fail the default gate; \`other\` changes never do.`, '');
  for (const f of families) {
    out.push(`### ${f.title}`, '', `Source: \`${f.source}\``, '', '| Rule | Kind | Severity | OWASP / CWE | Title |', '|---|---|---|---|---|');
    for (const r of f.rules) out.push(`| [\`${r.id}\`](#${r.id}) | ${KIND_TEXT[r.kind]} | ${r.severity} | ${cell([r.owasp, r.cwe].filter(Boolean).join(', ') || '-')} | ${cell(r.title)} |`);
    out.push('');
  }
  out.push('### Rule reference', '');
  for (const f of families) {
    for (const r of f.rules) {
      out.push(`#### ${r.id}`, '', `**${r.title}**: ${KIND_TEXT[r.kind]}, ${r.severity}${mapping(r) ? ` (${mapping(r)})` : ''}.`, '');
      out.push(`- What triggers it: ${cell(r.detects)}`, `- Why it matters: ${cell(r.rationale)}`, `- What to do: ${cell(r.remediation)}`, '');
    }
  }
  out.push(DIFF_DOCS_END);
  return out.join('\n');
}

/** The page with its generated section replaced; null when the page has no markers. */
export function withGeneratedSection(page: string, section: string): string | null {
  const start = page.indexOf(DIFF_DOCS_BEGIN);
  const end = page.indexOf(DIFF_DOCS_END);
  if (start < 0 || end < start) return null;
  return page.slice(0, start) + section + page.slice(end + DIFF_DOCS_END.length);
}
