import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scoreSpec } from '../score.js';
import { FINGERPRINT_KEY, formatSarif } from './sarif.js';
import { SAMPLE_RULES, sampleFindings, sampleModel, SPEC_FILE } from './fixtures/sample.js';
import { sarifErrors, validateSarif as validate } from './fixtures/sarif-schema.js';
import type { SpecAuditResult } from './report.js';

const CWD = path.resolve('/work/repo');
const opts = { cwd: CWD, toolVersion: '0.1.0', informationUri: 'https://example.org/bulwark' };

function sample(file = SPEC_FILE): SpecAuditResult {
  const model = sampleModel(file);
  const findings = sampleFindings(model);
  return { model, findings, score: scoreSpec(findings, model), rules: SAMPLE_RULES, ruleset: null };
}

function expectValid(log: unknown) {
  expect(sarifErrors(log), 'SARIF schema errors').toEqual([]);
}

interface SarifLog {
  $schema: string;
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; informationUri?: string; rules: Array<{ id: string; name: string; help: { text: string }; properties: Record<string, unknown>; defaultConfiguration: { level: string } }> } };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn: number } } }>;
      partialFingerprints: Record<string, string>;
    }>;
    properties: { score: { total: number } };
  }>;
}

describe('formatSarif', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    expectValid(JSON.parse(formatSarif(sample(), opts)));
  });

  it('is checked by a validator that can fail', () => {
    const log = JSON.parse(formatSarif(sample(), opts)) as SarifLog;
    log.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine = 0;
    expect(validate(log)).toBe(false);
    const noVersion = JSON.parse(formatSarif(sample(), opts)) as Record<string, unknown>;
    delete noVersion.version;
    expect(validate(noVersion)).toBe(false);
    // String formats are checked too.
    expect(validate({ ...JSON.parse(formatSarif(sample(), opts)), $schema: 'not a uri' })).toBe(false);
  });

  it('describes the tool and every rule that ran, with OWASP/CWE tags and a numeric security-severity', () => {
    const log = JSON.parse(formatSarif(sample(), opts)) as SarifLog;
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0]!.tool.driver;
    expect(driver).toMatchObject({ name: 'Bulwark', version: '0.1.0', informationUri: 'https://example.org/bulwark' });
    expect(driver.rules.map((r) => r.id)).toEqual(SAMPLE_RULES.map((r) => r.id));
    const unprotected = driver.rules[0]!;
    expect(unprotected).toMatchObject({
      name: 'TitleOfSpecSecurityOperationUnprotected',
      help: { text: 'Fix spec-security-operation-unprotected like <this> & "that".' },
      defaultConfiguration: { level: 'error' },
      properties: { 'security-severity': '9.5', owasp: 'API2:2023', cwe: 'CWE-306' },
    });
    expect(unprotected.properties.tags).toEqual(expect.arrayContaining(['security', 'API2:2023', 'external/cwe/cwe-306']));
    for (const r of driver.rules) {
      const sev = r.properties['security-severity'];
      if (sev !== undefined) expect(Number(sev)).toBeGreaterThan(0);
    }
    // info: no security-severity, shown as a note
    expect(driver.rules.at(-1)!.properties['security-severity']).toBeUndefined();
    expect(log.runs[0]!.properties.score.total).toBe(sample().score.total);
  });

  it('gives each finding a result with its rule, level, place relative to the working directory, and fingerprint', () => {
    const log = JSON.parse(formatSarif(sample(), opts)) as SarifLog;
    const run = log.runs[0]!;
    expect(run.results).toHaveLength(sampleFindings().length);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
    const first = run.results[0]!;
    expect(first).toMatchObject({
      ruleId: 'spec-security-operation-unprotected',
      level: 'error',
      message: { text: 'GET /pets requires no authentication' },
      partialFingerprints: { [FINGERPRINT_KEY]: 'fp-spec-security-operation-unprotected-/paths/~1pets/get' },
    });
    expect(first.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'specs/pets%20%26%20%22friends%22.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 8, startColumn: 5 },
    });
    expect(run.originalUriBaseIds['%SRCROOT%']!.uri).toBe(pathToFileURL(CWD).href + '/');
    expect(run.results.map((r) => r.level)).toEqual(['error', 'error', 'warning', 'note', 'note', 'note']);
  });

  it('uses the same relative URI for an absolute path inside the working directory, and a file: URI outside it', () => {
    const inside = JSON.parse(formatSarif(sample(path.join(CWD, 'api.yaml')), opts)) as SarifLog;
    expect(inside.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'api.yaml', uriBaseId: '%SRCROOT%' });
    const outside = JSON.parse(formatSarif(sample('/elsewhere/api.yaml'), opts)) as SarifLog;
    expectValid(outside);
    expect(outside.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'file:///elsewhere/api.yaml' });
  });

  it('describes a rule a finding names but that did not run (a runner error finding), and stays valid', () => {
    const r = sample();
    const model = r.model as ReturnType<typeof sampleModel>;
    const odd = { ...r.findings[0]!, ruleId: 'spec-rule-error', title: 'Rule failed', severity: 'info' as const, location: model.locate('/nowhere') };
    const log = JSON.parse(formatSarif({ ...r, findings: [...r.findings, odd] }, opts)) as SarifLog;
    expectValid(log);
    const result = log.runs[0]!.results.find((x) => x.ruleId === 'spec-rule-error')!;
    expect(log.runs[0]!.tool.driver.rules[result.ruleIndex]!.id).toBe('spec-rule-error');
  });

  it('is valid with no findings and without an informationUri, and is the same text every time', () => {
    const r = sample();
    const empty = { ...r, findings: [], score: scoreSpec([], r.model) };
    const log = JSON.parse(formatSarif(empty, { cwd: CWD, toolVersion: '0.1.0' })) as SarifLog;
    expectValid(log);
    expect(log.runs[0]!.results).toEqual([]);
    expect(log.runs[0]!.tool.driver.informationUri).toBeUndefined();
    expect(formatSarif(sample(), opts)).toBe(formatSarif({ ...sample(), findings: [...sample().findings].reverse() }, opts));
  });
});
