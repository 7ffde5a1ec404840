import { describe, expect, it } from 'vitest';
import { scoreSpec } from '../score.js';
import { formatJson, SpecAuditJsonReport } from './json.js';
import { SAMPLE_RULES, sampleFindings, sampleModel } from './fixtures/sample.js';
import type { SpecAuditResult } from './report.js';

const opts = { cwd: '/work/repo', toolVersion: '0.1.0' };

function sample(): SpecAuditResult {
  const model = sampleModel();
  const findings = sampleFindings(model);
  return { model, findings, score: scoreSpec(findings, model), rules: SAMPLE_RULES, ruleset: { source: '/work/repo/rules.yaml', disabled: [], rerated: [], custom: [] } };
}

describe('formatJson', () => {
  it('follows its published schema, with the score, a summary and the findings most severe first', () => {
    const report = SpecAuditJsonReport.parse(JSON.parse(formatJson(sample(), opts)));
    expect(report).toMatchObject({
      reportVersion: 1,
      tool: { name: 'Bulwark', version: '0.1.0' },
      file: 'specs/pets & "friends".yaml',
      spec: { dialect: 'openapi-3.0', declaredVersion: '3.0.3', title: 'Pets', operations: 2 },
      summary: { findings: 6, bySeverity: { critical: 1, high: 1, medium: 1, low: 2, info: 1 }, rules: 6 },
      ruleset: { file: 'rules.yaml' },
    });
    expect(report.score.total).toBe(sample().score.total);
    expect(report.findings.map((f) => f.severity)).toEqual(['critical', 'high', 'medium', 'low', 'low', 'info']);
    expect(report.findings[0]!.location).toEqual({ file: 'specs/pets & "friends".yaml', line: 8, column: 5, pointer: '/paths/~1pets/get' });
    expect(report.rules.map((r) => r.id)).toEqual(SAMPLE_RULES.map((r) => r.id));
  });

  it('prints the same text for the same audit, whatever the order of findings', () => {
    const r = sample();
    expect(formatJson({ ...r, findings: [...r.findings].reverse() }, opts)).toBe(formatJson(r, opts));
  });
});
