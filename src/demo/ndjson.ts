import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { generateDemoTraffic, parseDemoOptions, type DemoTrafficOptions } from './traffic.js';

/** Lines are batched into chunks of about this size: one write per event would dominate the run time. */
const CHUNK_CHARS = 1 << 20;

/**
 * Writes the demo traffic as NDJSON (gzip when the path ends in `.gz`) and resolves to the event count.
 *
 * @example
 * const n = await writeDemoNdjson('demo.ndjson.gz', { seed: 7, events: 100_000 });
 */
export async function writeDemoNdjson(path: string, opts?: DemoTrafficOptions): Promise<number> {
  const options = parseDemoOptions(opts);
  let count = 0;
  async function* chunks(): AsyncGenerator<string> {
    let buf = '';
    for (const event of generateDemoTraffic(options)) {
      buf += JSON.stringify(event) + '\n';
      count++;
      if (buf.length >= CHUNK_CHARS) {
        yield buf;
        buf = '';
      }
    }
    if (buf.length > 0) yield buf;
  }
  const out = createWriteStream(path);
  await once(out, 'open');
  if (path.endsWith('.gz')) await pipeline(Readable.from(chunks()), createGzip(), out);
  else await pipeline(Readable.from(chunks()), out);
  return count;
}
