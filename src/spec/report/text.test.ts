import { describe, expect, it } from 'vitest';
import { scoreSpec } from '../score.js';
import { formatText } from './text.js';
import { SAMPLE_RULES, sampleFindings, sampleModel } from './fixtures/sample.js';
import type { SpecAuditResult } from './report.js';

const opts = { cwd: '/work/repo', toolVersion: '0.1.0' };

function sample(): SpecAuditResult {
  const model = sampleModel();
  const findings = sampleFindings(model);
  return { model, findings, score: scoreSpec(findings, model), rules: SAMPLE_RULES, ruleset: null };
}

describe('formatText', () => {
  it('shows the score, then findings grouped by severity with file:line:column and the fix', () => {
    const r = sample();
    const text = formatText(r, opts);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Bulwark spec audit of specs/pets & "friends".yaml (OpenAPI 3.0.3, 2 operations)');
    expect(lines[2]).toBe(`Score ${r.score.total}/100: security ${r.score.security}/70, data validation ${r.score.dataValidation}/30`);
    const headings = lines.filter((l) => /^[A-Z]+ \(\d+\)$/.test(l));
    expect(headings).toEqual(['CRITICAL (1)', 'HIGH (1)', 'MEDIUM (1)', 'LOW (2)', 'INFO (1)']);
    expect(text).toContain(
      [
        'CRITICAL (1)',
        '  spec-security-operation-unprotected: Title of spec-security-operation-unprotected [API2:2023, CWE-306]',
        '    specs/pets & "friends".yaml:8:5  GET /pets requires no authentication',
        '    fix: Fix spec-security-operation-unprotected like <this> & "that".',
      ].join('\n'),
    );
    // Two findings of one rule: both places, one fix.
    expect(text.match(/fix: Fix spec-schema-string-unbounded/g)).toHaveLength(1);
    expect(text).toContain('    specs/pets & "friends".yaml:23:5  Path parameter "id" has no maxLength\n    specs/pets & "friends".yaml:40:5  String "name"');
    expect(text).toContain('6 findings (1 critical, 1 high, 1 medium, 2 low, 1 info) from 6 rules.');
  });

  it('keeps terminal control characters from the spec out of the output', () => {
    expect(formatText(sample(), opts)).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });

  it('says when nothing was found, and what the ruleset changed', () => {
    const r = sample();
    const text = formatText(
      { ...r, findings: [], score: scoreSpec([], r.model), ruleset: { source: '/work/repo/.bulwark-spec-rules.yaml', disabled: ['a', 'b'], rerated: [], custom: ['spec-custom-x'] } },
      opts,
    );
    expect(text).toContain('Score 100/100: security 70/70, data validation 30/30');
    expect(text).toContain('No findings from 6 rules.');
    expect(text).toContain('Ruleset .bulwark-spec-rules.yaml: 2 off, 1 custom.');
  });
});
