/**
 * Pipeline throughput and memory, against the physical floor on the same events.
 *
 *   npm run bench:throughput                 # 1M events, plus a 3M run for the memory comparison
 *   npm run bench:throughput -- --events 200000 --no-memory
 *
 * Each measurement runs in its own child process (one core, `taskset` when available) so that peak
 * RSS belongs to that run alone:
 *   floor     read the NDJSON file, split lines, JSON.parse each event: nothing else;
 *   pipeline  the real ingestion path: read + parse + normalize + redact + discover + classify +
 *             conformance + aggregate, into a SQLite store on disk, with threat detection off
 *             (issue 2's figure);
 *   detect    the same with every threat detector on, issues and cases stored (what `bulwark ingest`
 *             does by default; issue 5's figure, compared with `pipeline` in the same run).
 * The events come from the demo estate generator (seeded), written once under bench/out/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
  const node = process.execPath;
  const args = ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, '--file', file];
  const pinned = spawnSync('taskset', ['--version']).status === 0;
  const r = pinned
    ? spawnSync('taskset', ['-c', '1', node, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 })
    : spawnSync(node, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${mode} run failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as RunResult;
}

async function childFloor(file: string): Promise<RunResult> {
  // The fastest way to read and parse NDJSON we know: bytes in 1 MiB chunks, lines split on bytes, each line
  // decoded and parsed. A string stream (utf8 chunks, then split) is 2-3x slower on this decode alone, and
  // would flatter the pipeline, whose reader splits bytes the same way (sources/line-splitter.ts).
  const started = process.hrtime.bigint();
  let events = 0;
  let rest: Buffer | null = null;
  for await (const raw of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    const chunk: Buffer = rest ? Buffer.concat([rest, raw as Buffer]) : (raw as Buffer);
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      if (nl > start) {
        JSON.parse(chunk.toString('utf8', start, nl));
        events++;
      }
      start = nl + 1;
    }
    rest = start < chunk.length ? Buffer.from(chunk.subarray(start)) : null;
  }
  if (rest && rest.toString('utf8').trim()) {
    JSON.parse(rest.toString('utf8'));
    events++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { events, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

async function childPipeline(file: string, detect: boolean): Promise<RunResult> {
  // The compiled build, as `bulwark ingest` runs it (tsx's transform adds helpers on hot paths).
  const dist = path.join(here, '..', 'dist');
  const load = <T>(p: string) => import(pathToFileURL(path.join(dist, p)).href) as Promise<T>;
  const { loadConfig } = await load<typeof import('../src/config/config.js')>('config/config.js');
  const { createLogger } = await load<typeof import('../src/util/logger.js')>('util/logger.js');
  const { openBulwark } = await load<typeof import('../src/app/context.js')>('app/context.js');
  const { readEventBatches } = await load<typeof import('../src/sources/index.js')>('sources/index.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-bench-'));
  try {
    const config = loadConfig({ env: { BULWARK_DATA_DIR: dir }, overrides: { detection: { enabled: detect } } });
    const bw = await openBulwark(config, createLogger('warn'));
    const started = process.hrtime.bigint();
    const report = await bw.pipeline.ingest(readEventBatches(file, { format: 'ndjson' }));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    (globalThis as { gc?: () => void }).gc?.();
    const retainedHeapMb = process.memoryUsage().heapUsed / 2 ** 20;
    const cases = detect ? (await bw.cases.listCases({ limit: 1 }, null)).total : 0;
    await bw.close();
    if (report.rejected) throw new Error(`${report.rejected} events rejected`);
    return { events: report.accepted, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, retainedHeapMb, endpoints: report.endpoints, issues: report.detections, cases };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const child = process.argv.indexOf('--child');
  if (child >= 0) {
    const mode = process.argv[child + 1];
    const file = arg('file', '');
    const r = mode === 'floor' ? await childFloor(file) : await childPipeline(file, mode === 'detect');
    process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  const n = Number(arg('events', '1000000'));
  process.stderr.write('building dist/ (the pipeline runs compiled, as the CLI does) ...\n');
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const memory = !process.argv.includes('--no-memory');
  const file = await ensureEvents(n);
  const mb = statSync(file).size / 1e6;
  console.log(`Throughput: ${n.toLocaleString('en')} demo events, ${mb.toFixed(0)} MB of NDJSON (${Math.round((mb * 1e6) / n)} bytes/event), one core`);
  const floor = runChild('floor', file);
  const pipe = runChild('pipeline', file);
  const rate = (r: RunResult) => r.events / r.seconds;
  const row = (name: string, r: RunResult) =>
    `  ${name.padEnd(9)} ${Math.round(rate(r)).toLocaleString('en').padStart(9)} events/s  ${r.seconds.toFixed(1).padStart(6)} s  peak RSS ${r.maxRssMb.toFixed(0)} MB` +
    (r.retainedHeapMb === undefined ? '' : `  retained heap ${r.retainedHeapMb.toFixed(1)} MB`);
  console.log(row('floor', floor));
  console.log(row('pipeline', pipe) + `  (${pipe.endpoints} endpoints)`);
  console.log(`  pipeline cost = ${(rate(floor) / rate(pipe)).toFixed(2)} x the floor (target <= 4x); target >= 50,000 events/s: ${rate(pipe) >= 50_000 ? 'met' : 'NOT met'}`);
  const det = runChild('detect', file);
  console.log(row('detect', det) + `  (${det.issues} issues in ${det.cases} cases)`);
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
    console.log(row(`${big / 1e6}M`, pipe3) + `  (${pipe3.endpoints} endpoints)`);
    console.log(`  peak RSS ratio ${(pipe3.maxRssMb / pipe.maxRssMb).toFixed(2)}, retained heap ratio ${(pipe3.retainedHeapMb! / pipe.retainedHeapMb!).toFixed(2)} for 3x the events (flat means ~1.0)`);
  }
}

await main();
