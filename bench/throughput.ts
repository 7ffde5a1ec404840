/**
 * Pipeline throughput and memory, against the physical floor on the same events.
 *
 *   npm run bench:throughput                 # 1M events in 5 rounds, plus a 3M run for the memory comparison
 *   npm run bench:throughput -- --events 200000 --rounds 1 --no-memory
 *
 * Each measurement runs in its own child process (`throughput-child.mjs`: plain node on the compiled `dist/`,
 * one core, `taskset` when available) so that peak RSS belongs to that run alone:
 *   floor     read the NDJSON file, split lines, JSON.parse each event: nothing else;
 *   pipeline  the real ingestion path: read + parse + normalize + redact + discover + classify +
 *             conformance + aggregate, into a SQLite store on disk, with threat detection off
 *             (issue 2's figure);
 *   detect    the same with every threat detector on, issues and cases stored (what `bulwark ingest`
 *             does by default; issue 5's figure, compared with `pipeline` in the same run).
 * The events come from the demo estate generator (seeded), written once under bench/out/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, 'out');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function ensureEvents(n: number): Promise<string> {
  const file = path.join(outDir, `demo-events-${n}.ndjson`);
  if (existsSync(file) && statSync(file).size > 0) return file;
  mkdirSync(outDir, { recursive: true });
  const { writeDemoNdjson } = await import('../src/demo/estate.js');
  process.stderr.write(`writing ${n.toLocaleString('en')} demo events to ${file} (once) ...\n`);
  await writeDemoNdjson(file + '.tmp', { events: n, seed: 2026 });
  execFileSync('mv', [file + '.tmp', file]);
  return file;
}

interface RunResult {
  events: number;
  seconds: number;
  maxRssMb: number;
  /** Heap still in use after a forced full GC at the end of the run: what the pipeline retains. */
  retainedHeapMb?: number;
  endpoints?: number;
  issues?: number;
  cases?: number;
}

function runChild(mode: 'floor' | 'pipeline' | 'detect', file: string): RunResult {
  // Plain node, as `bulwark ingest` runs: see throughput-child.mjs for why not tsx.
  const args = ['--expose-gc', path.join(here, 'throughput-child.mjs'), mode, file];
  const pinned = spawnSync('taskset', ['--version']).status === 0;
  const r = pinned
    ? spawnSync('taskset', ['-c', '1', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 })
    : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${mode} run failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as RunResult;
}

const rate = (r: RunResult) => r.events / r.seconds;

/** The middle item by `by` (rounds are odd, so the median is one run's own figure). */
function median<T>(xs: readonly T[], by: (x: T) => number): T {
  return [...xs].sort((a, b) => by(a) - by(b))[Math.floor(xs.length / 2)]!;
}

async function main(): Promise<void> {
  const n = Number(arg('events', '1000000'));
  // Rounds of floor, pipeline, detect, one after the other: the same build moves by up to 40% between runs on a
  // shared machine, so each figure is the median of its rounds, and each round's ratios are shown too.
  // Odd, so that the median is one run's figure.
  const asked = Math.max(1, Math.floor(Number(arg('rounds', '5'))) || 1);
  const rounds = asked % 2 === 1 ? asked : asked + 1;
  process.stderr.write('building dist/ (the pipeline runs compiled, as the CLI does) ...\n');
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const memory = !process.argv.includes('--no-memory');
  const file = await ensureEvents(n);
  const mb = statSync(file).size / 1e6;
  console.log(`Throughput: ${n.toLocaleString('en')} demo events, ${mb.toFixed(0)} MB of NDJSON (${Math.round((mb * 1e6) / n)} bytes/event), one core, median of ${rounds} round(s)`);
  const fmt = (x: number) => Math.round(x).toLocaleString('en');
  const all: Record<'floor' | 'pipeline' | 'detect', RunResult[]> = { floor: [], pipeline: [], detect: [] };
  for (let i = 1; i <= rounds; i++) {
    const f = runChild('floor', file);
    const p = runChild('pipeline', file);
    const d = runChild('detect', file);
    all.floor.push(f);
    all.pipeline.push(p);
    all.detect.push(d);
    console.log(
      `  round ${i}: floor ${fmt(rate(f))}, pipeline ${fmt(rate(p))} (${(rate(f) / rate(p)).toFixed(2)} x floor), detect ${fmt(rate(d))} (${(rate(p) / rate(d)).toFixed(2)} x pipeline) events/s`,
    );
  }
  const row = (name: string, r: RunResult, runs?: RunResult[]) =>
    `  ${name.padEnd(9)} ${fmt(rate(r)).padStart(9)} events/s  ${r.seconds.toFixed(1).padStart(6)} s  peak RSS ${r.maxRssMb.toFixed(0)} MB` +
    (r.retainedHeapMb === undefined ? '' : `  retained heap ${r.retainedHeapMb.toFixed(1)} MB`) +
    (runs && runs.length > 1 ? `  (range ${fmt(Math.min(...runs.map(rate)))} to ${fmt(Math.max(...runs.map(rate)))})` : '');
  const floor = median(all.floor, rate);
  const pipe = median(all.pipeline, rate);
  const det = median(all.detect, rate);
  const roundRatios = (num: RunResult[], den: RunResult[]) => median(num.map((r, i) => rate(r) / rate(den[i]!)), (x) => x);
  console.log(
    `Medians (of the rounds' own ratios: pipeline ${roundRatios(all.floor, all.pipeline).toFixed(2)} x floor, detect ${roundRatios(all.pipeline, all.detect).toFixed(2)} x pipeline):`,
  );
  console.log(row('floor', floor, all.floor));
  console.log(row('pipeline', pipe, all.pipeline) + `  ${pipe.endpoints} endpoints`);
  console.log(`  pipeline cost = ${(rate(floor) / rate(pipe)).toFixed(2)} x the floor (target <= 4x); target >= 50,000 events/s: ${rate(pipe) >= 50_000 ? 'met' : 'NOT met'}`);
  console.log(row('detect', det, all.detect) + `  ${det.issues} issues in ${det.cases} cases`);
  const cost = rate(pipe) / rate(det);
  console.log(
    `  detection cost = ${cost.toFixed(2)} x the pipeline without it (target <= 2x); target >= 25,000 events/s: ${rate(det) >= 25_000 && cost <= 2 ? 'met' : 'NOT met'}`,
  );
  if (memory) {
    const big = n * 3;
    const file3 = await ensureEvents(big);
    const pipe3 = runChild('pipeline', file3);
    console.log(`Memory at a fixed estate: ${n.toLocaleString('en')} vs ${big.toLocaleString('en')} events`);
    console.log(row(`${n / 1e6}M`, pipe));
    console.log(row(`${big / 1e6}M`, pipe3) + `  ${pipe3.endpoints} endpoints`);
    console.log(`  peak RSS ratio ${(pipe3.maxRssMb / pipe.maxRssMb).toFixed(2)}, retained heap ratio ${(pipe3.retainedHeapMb! / pipe.retainedHeapMb!).toFixed(2)} for 3x the events (flat means ~1.0)`);
  }
}

await main();
