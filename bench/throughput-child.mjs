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
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const load = (p) => import(pathToFileURL(path.join(dist, p)).href);

async function floor(file) {
  // The fastest way to read and parse NDJSON we know: bytes read synchronously into one reused 1 MiB buffer (no
  // thread-pool round trip, no buffer per chunk), lines split on bytes, each line decoded and parsed. A read stream
  // costs about 10% more here, and a string stream (utf8 chunks, then split) 2-3x more on this decode alone; either
  // would flatter the pipeline, whose reader splits bytes the same way (src/sources/line-splitter.ts) and reads
  // files synchronously too (src/sources/byte-input.ts `fileChunks`).
  const started = process.hrtime.bigint();
  let events = 0;
  const size = 1024 * 1024;
  let buf = Buffer.allocUnsafe(2 * size);
  let have = 0;
  const fd = openSync(file, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buf, have, size, null);
      if (n === 0) break;
      const end = have + n;
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl >= 0 && nl < end; nl = buf.indexOf(10, start)) {
        if (nl > start) {
          JSON.parse(buf.toString('utf8', start, nl));
          events++;
        }
        start = nl + 1;
      }
      // The unfinished line moves to the front; a line longer than the buffer grows it.
      buf.copy(buf, 0, start, end);
      have = end - start;
      if (have + size > buf.length) {
        const grown = Buffer.allocUnsafe(have + size);
        buf.copy(grown, 0, 0, have);
        buf = grown;
      }
    }
  } finally {
    closeSync(fd);
  }
  if (have > 0 && buf.toString('utf8', 0, have).trim()) {
    JSON.parse(buf.toString('utf8', 0, have));
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
