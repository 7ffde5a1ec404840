/**
 * One measurement of `bench/throughput.ts`, in a process of its own: plain `node`, no tsx. The tsx loader
 * turns on source maps for the whole process, and with them the pipeline runs about 30% slower than it does
 * under `bulwark ingest` (plain node on the compiled `dist/`), while the floor is barely touched; so every
 * child runs the way the CLI does.
 *
 *   node --expose-gc bench/throughput-child.mjs floor|pipeline|detect <file.ndjson>
 *
 * Prints one JSON line: { events, seconds, maxRssMb, retainedHeapMb?, endpoints?, issues?, cases? }.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const load = (p) => import(pathToFileURL(path.join(dist, p)).href);

async function floor(file) {
  // The fastest way to read and parse NDJSON we know: bytes in 1 MiB chunks, lines split on bytes, each line
  // decoded and parsed. A string stream (utf8 chunks, then split) is 2-3x slower on this decode alone, and
  // would flatter the pipeline, whose reader splits bytes the same way (src/sources/line-splitter.ts).
  const started = process.hrtime.bigint();
  let events = 0;
  let rest = null;
  for await (const raw of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    const chunk = rest ? Buffer.concat([rest, raw]) : raw;
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

async function pipeline(file, detect) {
  const { loadConfig } = await load('config/config.js');
  const { createLogger } = await load('util/logger.js');
  const { openBulwark } = await load('app/context.js');
  const { readEventBatches } = await load('sources/index.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-bench-'));
  try {
    const config = loadConfig({ env: { BULWARK_DATA_DIR: dir }, overrides: { detection: { enabled: detect } } });
    const bw = await openBulwark(config, createLogger('warn'));
    const started = process.hrtime.bigint();
    const report = await bw.pipeline.ingest(readEventBatches(file, { format: 'ndjson' }));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    globalThis.gc?.();
    const retainedHeapMb = process.memoryUsage().heapUsed / 2 ** 20;
    const cases = detect ? (await bw.cases.listCases({ limit: 1 }, null)).total : 0;
    await bw.close();
    if (report.rejected) throw new Error(`${report.rejected} events rejected`);
    return { events: report.accepted, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, retainedHeapMb, endpoints: report.endpoints, issues: report.detections, cases };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [mode, file] = process.argv.slice(2);
if (!['floor', 'pipeline', 'detect'].includes(mode) || !file) {
  process.stderr.write('usage: node --expose-gc bench/throughput-child.mjs floor|pipeline|detect <file.ndjson>\n');
  process.exit(2);
}
const r = mode === 'floor' ? await floor(file) : await pipeline(file, mode === 'detect');
process.stdout.write(JSON.stringify(r) + '\n');
