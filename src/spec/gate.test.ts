import { describe, expect, it } from 'vitest';
import { gateSpecAudit } from './gate.js';
import { sampleFindings } from './report/fixtures/sample.js';

const findings = sampleFindings(); // 1 critical, 1 high, 1 medium, 2 low, 1 info

describe('gateSpecAudit', () => {
  it('fails on findings at or above the --fail-on severity', () => {
    expect(gateSpecAudit(findings, { total: 90 }, { failOn: 'high', minScore: null })).toEqual({ failed: true, reasons: ['2 findings at or above high (1 critical, 1 high)'] });
    expect(gateSpecAudit(findings, { total: 90 }, { failOn: 'low', minScore: null }).reasons).toEqual(['5 findings at or above low (1 critical, 1 high, 1 medium, 2 low)']);
    expect(gateSpecAudit(findings.filter((f) => f.severity === 'low'), { total: 90 }, { failOn: 'medium', minScore: null })).toEqual({ failed: false, reasons: [] });
    expect(gateSpecAudit(findings, { total: 90 }, { failOn: 'none', minScore: null }).failed).toBe(false);
  });

  it('fails when the score is below --min-score, and passes at exactly the minimum', () => {
    expect(gateSpecAudit([], { total: 69.9 }, { failOn: 'none', minScore: 70 }).reasons).toEqual(['score 69.9 is below --min-score 70']);
    expect(gateSpecAudit([], { total: 70 }, { failOn: 'none', minScore: 70 }).failed).toBe(false);
  });

  it('gives both reasons when both hold', () => {
    const { reasons } = gateSpecAudit(findings, { total: 50 }, { failOn: 'critical', minScore: 60 });
    expect(reasons).toEqual(['1 finding at or above critical (1 critical)', 'score 50 is below --min-score 60']);
  });
});
