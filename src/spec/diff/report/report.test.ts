import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFromObject } from '../../build-model.js';
import { sarifErrors } from '../../report/fixtures/sarif-schema.js';
import { FINGERPRINT_KEY } from '../../report/sarif.js';
import { DIFF_RULE_ERROR_ID, diffSpecs } from '../diff.js';
import { api } from '../fixtures/cases.js';
import { DIFF_RULES } from '../registry.js';
import { formatDiffReport } from './index.js';
import { SpecDiffJsonReport } from './json.js';
import type { SpecDiffResult } from './result.js';

const CWD = path.resolve('/work/repo');
const opts = { cwd: CWD, toolVersion: '0.1.0', informationUri: 'https://example.org/bulwark' };

/** v1 -> v2 of the shop, both under `specs/` in the working directory. */
function sample(edit?: (d: ReturnType<typeof api>) => void): SpecDiffResult {
  const old = modelFromObject(api(), path.join(CWD, 'specs/v1.yaml'));
  const next = modelFromObject(
    api((d) => {
      delete d.paths['/items/{id}'].delete;
      d.paths['/items/{id}'].get.security = [];
      d.paths['/items'].get.deprecated = true;
      d.servers.push({ url: 'http://api.shop.example/v1' });
      // A control character in a name from the spec: kept out of the terminal by the text report.
      d.components.schemas.User.properties['email\u001b[2J'] = { type: 'string' };
      edit?.(d);
    }),
    path.join(CWD, 'specs/v2.yaml'),
  );
  return { old, next, changes: diffSpecs(old, next), rules: DIFF_RULES };
}

interface SarifLog {
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string; properties: { tags: string[]; 'security-severity'?: string; kind: string } }> } };
    results: Array<{ ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } } }>; partialFingerprints: Record<string, string>; properties: { side: string; kind: string } }>;
    properties: { old: string; new: string; summary: Record<string, number> };
  }>;
}

describe('spec diff reports', () => {
  it('text: groups changes by kind and rule, with file:line:column, (old) for removals, and the fix once per rule', () => {
    const r = sample();
    const text = formatDiffReport('text', r, opts);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Bulwark spec diff: specs/v1.yaml (OpenAPI 3.0.3, 4 operations) -> specs/v2.yaml (OpenAPI 3.0.3, 3 operations)');
    expect(lines.filter((l) => /^[A-Z]+ \(\d+\)$/.test(l))).toEqual(['BREAKING (1)', 'SECURITY (3)', 'OTHER (2)']);
    const removed = r.changes.find((c) => c.ruleId === 'diff-operation-removed')!;
    expect(text).toContain(
      [
        'BREAKING (1)',
        '  diff-operation-removed: Operation removed [high]',
        `    specs/v1.yaml:${removed.location.line}:${removed.location.column} (old)  DELETE /items/{id}: operation removed`,
        `    fix: ${removed.remediation}`,
      ].join('\n'),
    );
    expect(text).toMatch(/^ {2}diff-security-removed: Authentication removed from an operation \[high, API2:2023, CWE-306\]\n {4}specs\/v2\.yaml:\d+:\d+ {2}GET \/items\/\{id\}: authentication is no longer required$/m);
    expect(text).toContain('1 breaking, 3 security, 2 other changes (30 rules).');
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });

  it('text: says when there is no change', () => {
    const old = modelFromObject(api(), path.join(CWD, 'a.yaml'));
    const text = formatDiffReport('text', { old, next: old, changes: [], rules: DIFF_RULES }, opts);
    expect(text).toContain(`No changes found by ${DIFF_RULES.length} rules.`);
    expect(text).not.toContain('BREAKING');
  });

  it('json: follows its published schema, with both specs, counts by kind, and each change\'s side and operations', () => {
    const r = sample();
    const report = SpecDiffJsonReport.parse(JSON.parse(formatDiffReport('json', r, opts)));
    expect(report).toMatchObject({
      reportVersion: 1,
      tool: { name: 'Bulwark', version: '0.1.0' },
      old: { file: 'specs/v1.yaml', dialect: 'openapi-3.0', title: 'Shop API', operations: 4 },
      new: { file: 'specs/v2.yaml', operations: 3 },
      summary: { changes: 6, byKind: { breaking: 1, security: 3, 'non-breaking': 2 }, rules: DIFF_RULES.length },
    });
    expect(report.changes.map((c) => c.kind)).toEqual(['breaking', 'security', 'security', 'security', 'non-breaking', 'non-breaking']);
    expect(report.changes[0]).toMatchObject({ ruleId: 'diff-operation-removed', side: 'old', owasp: null, cwe: null, operations: ['DELETE /items/{id}'], location: { file: 'specs/v1.yaml', pointer: '/paths/~1items~1{id}/delete' } });
    expect(report.changes.find((c) => c.ruleId === 'diff-response-personal-data-added')).toMatchObject({ side: 'new', owasp: 'API3:2023', cwe: 'CWE-359', operations: ['GET /items', 'POST /items', 'GET /items/{id}'] });
    // JSON keeps the name as written (escaped by JSON); only the text report replaces control characters.
    expect(report.changes.find((c) => c.ruleId === 'diff-response-personal-data-added')!.message).toContain('\u001b[2J');
    expect(report.rules.map((r) => r.id)).toEqual(DIFF_RULES.map((r) => r.id));
    // The same diff prints the same text.
    expect(formatDiffReport('json', sample(), opts)).toBe(formatDiffReport('json', r, opts));
  });

  it('sarif: validates against the SARIF 2.1.0 schema, tags only security changes as security, and points removals at the old file', () => {
    const log = JSON.parse(formatDiffReport('sarif', sample(), opts)) as SarifLog;
    expect(sarifErrors(log)).toEqual([]);
    const run = log.runs[0]!;
    const rule = (id: string) => run.tool.driver.rules.find((r) => r.id === id)!;
    expect(rule('diff-security-removed').properties).toMatchObject({ kind: 'security', 'security-severity': '8.0' });
    expect(rule('diff-security-removed').properties.tags).toEqual(expect.arrayContaining(['security', 'api-diff', 'API2:2023', 'external/cwe/cwe-306']));
    expect(rule('diff-operation-removed').properties.tags).not.toContain('security');
    expect(rule('diff-operation-removed').properties['security-severity']).toBeUndefined();
    expect(run.results).toHaveLength(6);
    for (const res of run.results) expect(run.tool.driver.rules[res.ruleIndex]!.id).toBe(res.ruleId);
    const removed = run.results.find((x) => x.ruleId === 'diff-operation-removed')!;
    expect(removed).toMatchObject({ level: 'error', properties: { side: 'old', kind: 'breaking' } });
    expect(removed.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'specs/v1.yaml', uriBaseId: '%SRCROOT%' });
    expect(removed.partialFingerprints[FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{24}$/);
    expect(run.results.find((x) => x.ruleId === 'diff-security-removed')!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('specs/v2.yaml');
    expect(run.properties).toEqual({ old: 'specs/v1.yaml', new: 'specs/v2.yaml', summary: { breaking: 1, security: 3, nonBreaking: 2 } });
  });

  it('sarif: stays valid with no changes, and describes a rule-error change that names no registered rule', () => {
    const r = sample();
    expect(sarifErrors(JSON.parse(formatDiffReport('sarif', { ...r, changes: [] }, { cwd: CWD, toolVersion: '0.1.0' })))).toEqual([]);
    const error = { ...r.changes[0]!, ruleId: DIFF_RULE_ERROR_ID, title: 'Rule x failed', kind: 'non-breaking' as const, severity: 'info' as const };
    const log = JSON.parse(formatDiffReport('sarif', { ...r, changes: [...r.changes, error] }, opts)) as SarifLog;
    expect(sarifErrors(log)).toEqual([]);
    const res = log.runs[0]!.results.at(-1)!;
    expect(log.runs[0]!.tool.driver.rules[res.ruleIndex]!.id).toBe(DIFF_RULE_ERROR_ID);
  });
});
