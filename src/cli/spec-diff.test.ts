import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, lineOf, requireBuiltCli, runBuiltCli, type Run } from './fixtures/built-cli.js';
import { sarifErrors } from '../spec/report/fixtures/sarif-schema.js';
import { SpecDiffJsonReport } from '../spec/diff/report/json.js';

/**
 * `bulwark spec diff` as CI runs it: the built command (`node bin/bulwark.js`, from `dist/`) in a
 * checkout-like working directory holding three versions of a real spec file, judged by exit code,
 * stdout, stderr and the report files it writes.
 *
 * - `shop-v1.yaml`: the old version.
 * - `shop-v1.1.yaml`: only non-breaking changes (an authenticated operation added, one deprecated).
 * - `shop-v2.yaml`: breaking changes (an operation removed, a parameter made required, a bound tightened, a
 *   response property removed) and security changes (authentication removed, a public operation added, a
 *   plain-HTTP server, personal data returned); the path parameter `{id}` renamed `{orderId}` is no change.
 */

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'spec-diff');

const V1 = 'specs/shop-v1.yaml';
const V11 = 'specs/shop-v1.1.yaml';
const V2 = 'specs/shop-v2.yaml';


let repo: string;

function bulwark(args: string[], cwd = repo): Promise<Run> {
  return runBuiltCli(args, cwd);
}

async function diff(args: string[], expectedCode: number): Promise<Run> {
  const r = await bulwark(['spec', 'diff', ...args]);
  expect(r.code, `bulwark spec diff ${args.join(' ')}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr}`).toBe(expectedCode);
  return r;
}


let v2: SpecDiffJsonReport;

beforeAll(async () => {
  requireBuiltCli();
  repo = mkdtempSync(path.join(tmpdir(), 'bulwark-spec-diff-'));
  mkdirSync(path.join(repo, 'specs'));
  for (const f of ['shop-v1.yaml', 'shop-v1.1.yaml', 'shop-v2.yaml', 'not-a-spec.json']) copyFileSync(path.join(FIXTURES, f), path.join(repo, 'specs', f));
  v2 = SpecDiffJsonReport.parse(JSON.parse((await diff([V1, V2, '--format', 'json', '--fail-on', 'none'], 0)).stdout));
});

afterAll(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
});

describe('bulwark spec diff: reports', () => {
  it('finds the breaking and security changes of v2, and takes a renamed path parameter for the same operation', () => {
    const got = v2.changes.map((c) => `${c.kind} ${c.ruleId} ${c.operations.join(',')}`);
    expect(got).toEqual([
      'breaking diff-operation-removed DELETE /orders/{id}',
      'breaking diff-param-made-required GET /orders',
      'breaking diff-request-constraint-tightened POST /orders',
      'breaking diff-response-property-removed GET /orders,POST /orders,GET /orders/{orderId}',
      'security diff-operation-added-unauthenticated GET /health',
      'security diff-security-removed GET /orders/{orderId}',
      'security diff-server-plain-http-added ',
      'security diff-response-personal-data-added GET /orders,POST /orders,GET /orders/{orderId}',
      'non-breaking diff-operation-added GET /health',
      'non-breaking diff-server-added ',
    ]);
    expect(v2.summary.byKind).toEqual({ breaking: 4, security: 4, 'non-breaking': 2 });
    expect(v2.old).toMatchObject({ file: V1, title: 'Orders API', version: '1.0.0', operations: 4 });
    expect(v2.new).toMatchObject({ file: V2, version: '2.0.0', operations: 4 });
  });

  it('points every change at the line and column of the element, in the old file for removals', () => {
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const c of v2.changes) {
      expect(c.location.file).toBe(c.side === 'old' ? V1 : V2);
      const line = lineOf(path.join(repo, c.location.file), c.location.line);
      const at = line.slice(c.location.column - 1);
      const listItem = /-\s*$/.test(line.slice(0, c.location.column - 1));
      const key = c.location.pointer.split('/').at(-1)!.replace(/~1/g, '/').replace(/~0/g, '~');
      // The element's own key, or a list item (just after its dash).
      const ok = new RegExp(`^['"]?${escape(key)}['"]?:`).test(at) || listItem;
      expect(ok, `${c.ruleId} ${c.location.pointer} -> ${c.location.line}:${c.location.column} ${JSON.stringify(at)}`).toBe(true);
    }
    const removed = v2.changes.find((c) => c.ruleId === 'diff-operation-removed')!;
    expect(lineOf(path.join(repo, V1), removed.location.line).trim()).toBe('delete:');
    const made = v2.changes.find((c) => c.ruleId === 'diff-param-made-required')!;
    expect(lineOf(path.join(repo, V2), made.location.line).trim()).toBe('required: true');
  });

  it('prints a text report grouped by kind, with file:line:column, and fails the default gate on breaking and security changes', async () => {
    const r = await diff([V1, V2], 1);
    expect(r.stdout.split('\n')[0]).toBe(`Bulwark spec diff: ${V1} (OpenAPI 3.0.3, 4 operations) -> ${V2} (OpenAPI 3.0.3, 4 operations)`);
    expect(r.stdout.split('\n').filter((l) => /^[A-Z]+ \(\d+\)$/.test(l))).toEqual(['BREAKING (4)', 'SECURITY (4)', 'OTHER (2)']);
    expect(r.stdout).toMatch(/^ {4}specs\/shop-v1\.yaml:\d+:\d+ \(old\) {2}DELETE \/orders\/\{id\}: operation removed$/m);
    expect(r.stdout).toMatch(/^ {4}specs\/shop-v2\.yaml:\d+:\d+ {2}GET \/orders\/\{orderId\}: authentication is no longer required$/m);
    expect(r.stdout).toContain('4 breaking, 4 security, 2 other changes');
    expectOneLineError(r, 1, /^bulwark: spec diff failed: 4 breaking changes, 4 security changes$/);
  });

  it('writes SARIF 2.1.0 that validates against the SARIF schema, with --output and a one-line summary', async () => {
    const r = await diff([V1, V2, '--format', 'sarif', '--output', 'diff.sarif', '--fail-on', 'none'], 0);
    expect(r.stdout).toBe('Wrote the sarif report to diff.sarif: 4 breaking, 4 security, 2 other changes.\n');
    const log = JSON.parse(readFileSync(path.join(repo, 'diff.sarif'), 'utf8')) as {
      version: string;
      runs: Array<{ tool: { driver: { name: string; rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; ruleIndex: number; locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }> }> }>;
    };
    expect(sarifErrors(log)).toEqual([]);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe('Bulwark');
    expect(run.results).toHaveLength(10);
    for (const res of run.results) expect(run.tool.driver.rules[res.ruleIndex]!.id).toBe(res.ruleId);
    expect(new Set(run.results.map((res) => res.locations[0]!.physicalLocation.artifactLocation.uri))).toEqual(new Set([V1, V2]));
  });

  it('gives the same report every run', async () => {
    const a = await diff([V1, V2, '--format', 'json', '--fail-on', 'none'], 0);
    const b = await diff([V1, V2, '--format', 'json', '--fail-on', 'none'], 0);
    expect(a.stdout).toBe(b.stdout);
  });
});

describe('bulwark spec diff: the gate', () => {
  it('passes a release with only non-breaking changes', async () => {
    const r = await diff([V1, V11], 0);
    expect(r.stdout).toContain('diff-operation-added: Operation added');
    expect(r.stdout).toContain('diff-deprecation-added');
    expect(r.stdout).toContain('0 breaking, 0 security, 2 other changes');
    expect(r.stderr).toBe('');
  });

  it('passes two identical specs, and says there is no change', async () => {
    const r = await diff([V1, V1], 0);
    expect(r.stdout).toMatch(/^No changes found by \d+ rules\.$/m);
  });

  it.each([
    [['--fail-on', 'breaking'], 1, /^bulwark: spec diff failed: 4 breaking changes$/],
    [['--fail-on', 'security'], 1, /^bulwark: spec diff failed: 4 security changes$/],
    [['--fail-on', 'security,breaking'], 1, /^bulwark: spec diff failed: 4 breaking changes, 4 security changes$/],
  ])('fails on the kinds given: %j', async (args, code, message) => {
    expectOneLineError(await diff([V1, V2, ...args], code), code, message);
  });

  it('exits 0 with --fail-on none, the report still printed', async () => {
    const r = await diff([V1, V2, '--fail-on', 'none'], 0);
    expect(r.stdout).toContain('BREAKING (4)');
    expect(r.stderr).toBe('');
  });
});

describe('bulwark spec diff: errors and usage', () => {
  it('exits 4 for a spec file that does not exist, old or new', async () => {
    expectOneLineError(await bulwark(['spec', 'diff', 'specs/missing.yaml', V2]), 4, /missing\.yaml/);
    expectOneLineError(await bulwark(['spec', 'diff', V1, 'specs/missing.yaml']), 4, /missing\.yaml/);
  });

  it('exits 2 for a file that is not an OpenAPI or Swagger document', async () => {
    expectOneLineError(await bulwark(['spec', 'diff', V1, 'specs/not-a-spec.json']), 2, /not-a-spec\.json/);
  });

  it.each([
    [['--format', 'junit'], /--format/],
    [['--fail-on', 'high'], /--fail-on must be "breaking", "security", "breaking,security" or "none", not "high"/],
    [['--fail-on', ''], /--fail-on must be/],
  ])('exits 2 for a usage error: %j', async (args, message) => {
    const r = await bulwark(['spec', 'diff', V1, V2, ...args]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('exits 2 without the new file', async () => {
    const r = await bulwark(['spec', 'diff', V1]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument 'new'/);
  });

  it('exits 2 when --output cannot be written', async () => {
    expectOneLineError(await bulwark(['spec', 'diff', V1, V2, '--output', 'no/such/dir/diff.txt']), 2, /--output no\/such\/dir\/diff\.txt cannot be written/);
  });

  it('documents formats, options and exit codes in --help', async () => {
    const r = await bulwark(['spec', 'diff', '--help']);
    expect(r.code).toBe(0);
    for (const s of ['<old>', '<new>', '--format', 'text', 'json', 'sarif', '--fail-on', 'breaking,security', '--output', 'Exit codes:', '  0  ', '  1  ', '  2  ', '  4  ', 'docs/spec-diff.md']) expect(r.stdout).toContain(s);
  });
});
