/**
 * Quick generation-speed check (not a test): `npx tsx src/demo/speed.ts [events] [seed]`.
 * Prints events/s for bare generation and for generation plus JSON serialisation.
 */
import { generateDemoTraffic } from '../../src/demo/traffic.js';

const events = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);

function run(serialise: boolean): number {
  const t0 = process.hrtime.bigint();
  let n = 0;
  let bytes = 0;
  for (const e of generateDemoTraffic({ seed, events })) {
    n++;
    if (serialise) bytes += JSON.stringify(e).length;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${serialise ? 'generate+stringify' : 'generate'}: ${n} events in ${s.toFixed(2)} s = ${Math.round(n / s).toLocaleString('en-US')} events/s${serialise ? `, ${(bytes / n).toFixed(0)} B/event` : ''}`);
  return n / s;
}

run(false);
run(false);
run(true);
