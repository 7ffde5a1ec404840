import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, lineOf, requireBuiltCli, ROOT, runBuiltCli, type Run } from './fixtures/built-cli.js';
import { sarifErrors } from '../spec/report/fixtures/sarif-schema.js';
import type { SpecAuditJsonReport } from '../spec/report/json.js';

/**
 * `bulwark spec audit` as CI runs it: the built command (`node bin/bulwark.js`, from `dist/`) in a
 * checkout-like working directory holding real spec files, judged by exit code, stdout, stderr and the
 * report files it writes.
 */

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'spec-audit');

const INSECURE = 'specs/shop-insecure.yaml';
const SECURE = 'specs/shop-secure.yaml';


const tempDirs: string[] = [];
/** A fresh checkout-like directory with the fixture specs under `specs/`. */
function checkout(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-spec-audit-'));
  tempDirs.push(dir);
  mkdirSync(path.join(dir, 'specs'));
  for (const f of ['shop-insecure.yaml', 'shop-secure.yaml', 'broken.yaml', 'not-a-spec.json']) copyFileSync(path.join(FIXTURES, f), path.join(dir, 'specs', f));
  return dir;
}

let repo: string;

function bulwark(args: string[], cwd = repo): Promise<Run> {
  return runBuiltCli(args, cwd);
}

async function audit(args: string[], expectedCode: number, cwd = repo): Promise<Run> {
  const r = await bulwark(['spec', 'audit', ...args], cwd);
  expect(r.code, `bulwark spec audit ${args.join(' ')}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr}`).toBe(expectedCode);
  return r;
}

async function jsonReport(args: string[], cwd = repo): Promise<SpecAuditJsonReport> {
  const r = await audit(['--format', 'json', '--fail-on', 'none', ...args], 0, cwd);
  return JSON.parse(r.stdout) as SpecAuditJsonReport;
}


let insecure: SpecAuditJsonReport;

beforeAll(async () => {
  requireBuiltCli();
  repo = checkout();
  insecure = await jsonReport([INSECURE]);
});

afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

describe('bulwark spec audit: reports', () => {
  it('prints a text report with the score and file:line:column places, and fails the default gate on high findings', async () => {
    expect(insecure.findings.some((f) => f.severity === 'high' || f.severity === 'critical')).toBe(true);
    const r = await audit([INSECURE], 1);
    expect(r.stdout).toMatch(/^Bulwark spec audit of specs\/shop-insecure\.yaml \(OpenAPI 3\.0\.3, 4 operations\)$/m);
    expect(r.stdout).toContain(`Score ${insecure.score.total}/100: security ${insecure.score.security}/70, data validation ${insecure.score.dataValidation}/30`);
    expect(r.stdout).toMatch(/^ {4}specs\/shop-insecure\.yaml:\d+:\d+ {2}\S/m);
    expectOneLineError(r, 1, /^bulwark: spec audit failed: \d+ findings? at or above high \(/);
  });

  it('points every finding at the line and column of the element to fix (or of its nearest written ancestor)', async () => {
    const file = path.join(repo, INSECURE);
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const f of insecure.findings) {
      const line = lineOf(file, f.location.line);
      const at = line.slice(f.location.column - 1);
      const listItem = /-\s*$/.test(line.slice(0, f.location.column - 1));
      const keys = f.location.pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      // The key of the element or of an ancestor, a list item (just after its dash), or the document's start.
      const ok = keys.some((k) => new RegExp(`^['"]?${escape(k)}['"]?:`).test(at)) || listItem || (f.location.line === 1 && f.location.column === 1);
      expect(ok, `${f.ruleId} ${f.location.pointer} -> ${f.location.line}:${f.location.column} ${JSON.stringify(at)}`).toBe(true);
    }
  });

  it('writes SARIF 2.1.0 that validates against the SARIF schema, with paths relative to the working directory', async () => {
    const r = await audit([INSECURE, '--format', 'sarif', '--output', 'bulwark.sarif'], 1);
    expect(r.stdout).toMatch(/^Wrote the sarif report to bulwark\.sarif: \d+ findings?, score [\d.]+\/100\.\n$/);
    const log = JSON.parse(readFileSync(path.join(repo, 'bulwark.sarif'), 'utf8')) as {
      version: string;
      runs: Array<{ tool: { driver: { name: string; version: string; rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; ruleIndex: number; locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } } }>; partialFingerprints: Record<string, string> }> }>;
    };
    expect(sarifErrors(log)).toEqual([]);
    const run = log.runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: 'Bulwark', version: JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version });
    expect(run.results).toHaveLength(insecure.findings.length);
    for (const res of run.results) {
      expect(run.tool.driver.rules[res.ruleIndex]!.id).toBe(res.ruleId);
      expect(res.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'specs/shop-insecure.yaml', uriBaseId: '%SRCROOT%' });
      expect(Object.values(res.partialFingerprints)[0]).toMatch(/\S/);
    }
  });

  it('writes JUnit XML that parses, one test case per rule', async () => {
    const r = await audit([INSECURE, '--format', 'junit', '--fail-on', 'none'], 0);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    expect(r.stdout.match(/<testcase /g)).toHaveLength(insecure.rules.length);
    expect(r.stdout.match(/<failure /g)).toHaveLength(new Set(insecure.findings.map((f) => f.ruleId)).size);
  });

  it('scores a hardened spec above the insecure one, and gives the same report every run', async () => {
    const secure = await jsonReport([SECURE]);
    expect(secure.score.total).toBeGreaterThan(insecure.score.total);
    expect(secure.score.security).toBeGreaterThan(insecure.score.security);
    expect(await jsonReport([INSECURE])).toEqual(insecure);
    const a = await audit([INSECURE, '--format', 'sarif', '--fail-on', 'none'], 0);
    const b = await audit([INSECURE, '--format', 'sarif', '--fail-on', 'none'], 0);
    expect(a.stdout).toBe(b.stdout);
  });
});

describe('bulwark spec audit: the gate', () => {
  it('exits 0 when nothing reaches --fail-on', async () => {
    const worst = insecure.findings[0]!.severity; // most severe first
    expect(worst).not.toBe('info');
    const r = await audit([INSECURE, '--fail-on', 'none'], 0);
    expect(r.stderr).toBe('');
  });

  it('exits 1 when the score is below --min-score, and 0 when it is not', async () => {
    const r = await audit([INSECURE, '--fail-on', 'none', '--min-score', String(Math.floor(insecure.score.total) + 1)], 1);
    expectOneLineError(r, 1, new RegExp(`score ${insecure.score.total.toString().replace('.', '\\.')} is below --min-score`));
    expect(r.stdout).toContain('Score '); // the report is still printed
    await audit([INSECURE, '--fail-on', 'none', '--min-score', String(Math.floor(insecure.score.total))], 0);
  });
});

describe('bulwark spec audit: ruleset file', () => {
  it('switches rules off, re-rates and adds custom rules from .bulwark-spec-rules.yaml in the working directory', async () => {
    const dir = checkout();
    const severe = [...new Set(insecure.findings.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => f.ruleId))];
    const mild = insecure.findings.find((f) => f.severity !== 'high' && f.severity !== 'critical');
    writeFileSync(
      path.join(dir, '.bulwark-spec-rules.yaml'),
      [
        'rules:',
        ...severe.map((id) => `  ${id}: off`),
        'custom:',
        '  - id: spec-custom-admin-needs-auth',
        '    title: Admin operations require authentication',
        '    severity: medium',
        '    owasp: API5:2023',
        '    cwe: CWE-285',
        '    given: operations',
        "    where: { field: path, matches: '^/admin(/|$)' }",
        '    then: { field: security, exists: true }',
        "    message: '{{label}} is an admin operation without authentication'",
        '    remediation: Require an OAuth2 scheme with an admin scope.',
        '',
      ].join('\n'),
    );
    const report = await jsonReport([INSECURE], dir);
    expect(report.ruleset).toMatchObject({ file: '.bulwark-spec-rules.yaml', disabled: [...severe].sort(), custom: ['spec-custom-admin-needs-auth'] });
    expect(report.findings.filter((f) => severe.includes(f.ruleId))).toEqual([]);
    expect(report.findings.filter((f) => f.ruleId === 'spec-custom-admin-needs-auth')).toEqual([
      expect.objectContaining({ severity: 'medium', message: 'GET /admin/users is an admin operation without authentication', location: expect.objectContaining({ file: INSECURE }) }),
    ]);
    // Nothing high is left: the default gate passes.
    await audit([INSECURE], 0, dir);

    if (mild) {
      writeFileSync(path.join(dir, 'strict.yaml'), `rules:\n  ${mild.ruleId}: critical\n`);
      const rerated = await jsonReport([INSECURE, '--ruleset', 'strict.yaml'], dir);
      expect(rerated.findings.filter((f) => f.ruleId === mild.ruleId).every((f) => f.severity === 'critical')).toBe(true);
      await audit([INSECURE, '--ruleset', 'strict.yaml', '--fail-on', 'critical'], 1, dir);
    }
  });

  it('rejects a ruleset with an unknown rule id, naming it (exit 2)', async () => {
    const dir = checkout();
    const id = insecure.findings[0]!.ruleId;
    writeFileSync(path.join(dir, '.bulwark-spec-rules.yaml'), `rules:\n  ${id}x: off\n`);
    const r = await bulwark(['spec', 'audit', INSECURE], dir);
    expectOneLineError(r, 2, new RegExp(`unknown rule id "${id}x" \\(did you mean "${id}"\\?\\)`));
    expect(r.stdout).toBe('');
  });

  it('reports a --ruleset file that does not exist (exit 4)', async () => {
    expectOneLineError(await bulwark(['spec', 'audit', INSECURE, '--ruleset', 'nope.yaml']), 4, /ruleset file nope\.yaml not found/);
  });
});

describe('bulwark spec audit: errors and usage', () => {
  it('exits 4 for a spec file that does not exist', async () => {
    expectOneLineError(await bulwark(['spec', 'audit', 'specs/missing.yaml']), 4, /missing\.yaml/);
  });

  it('exits 2 for a spec that is not valid YAML, naming the place', async () => {
    expectOneLineError(await bulwark(['spec', 'audit', 'specs/broken.yaml']), 2, /broken\.yaml:\d+:\d+/);
  });

  it('exits 2 for a file that is not an OpenAPI or Swagger document', async () => {
    expectOneLineError(await bulwark(['spec', 'audit', 'specs/not-a-spec.json']), 2, /not-a-spec\.json/);
  });

  it.each([
    [['--format', 'xml'], /--format/],
    [['--fail-on', 'severe'], /--fail-on/],
    [['--min-score', '101'], /--min-score must be a number from 0 to 100/],
    [['--min-score', 'lots'], /--min-score must be a number from 0 to 100/],
  ])('exits 2 for a usage error: %j', async (args, message) => {
    const r = await bulwark(['spec', 'audit', INSECURE, ...args]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('exits 2 without a file', async () => {
    const r = await bulwark(['spec', 'audit']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument 'file'/);
  });

  it('documents formats, options and exit codes in --help', async () => {
    const r = await bulwark(['spec', 'audit', '--help']);
    expect(r.code).toBe(0);
    for (const s of ['--format', 'text', 'json', 'sarif', 'junit', '--fail-on', '--min-score', '--ruleset', '--output', 'Exit codes:', '  0  ', '  1  ', '  2  ', '  4  ']) expect(r.stdout).toContain(s);
  });
});
