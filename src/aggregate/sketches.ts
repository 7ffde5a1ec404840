/**
 * Mergeable, bounded sketches used by endpoint aggregates, so that memory and the store grow with
 * endpoints, not with traffic, and two aggregates of the same endpoint (two workers, or a template
 * collapse) merge exactly.
 */

/** Murmur3 finaliser: spreads a weak 32-bit hash (FNV) over all bits before HyperLogLog uses it. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const HLL_P = 10;
const HLL_M = 1 << HLL_P;

/** HyperLogLog with 1024 registers: about 3% standard error on distinct counts. */
export class Hll {
  readonly registers: Uint8Array;
  constructor(registers?: Uint8Array) {
    this.registers = registers ?? new Uint8Array(HLL_M);
  }
  add(hash32: number): void {
    const h = mix32(hash32);
    const idx = h >>> (32 - HLL_P);
    const rest = (h << HLL_P) >>> 0;
    const rank = rest === 0 ? 32 - HLL_P + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers[idx]!) this.registers[idx] = rank;
  }
  merge(other: Hll): void {
    for (let i = 0; i < HLL_M; i++) if (other.registers[i]! > this.registers[i]!) this.registers[i] = other.registers[i]!;
  }
  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < HLL_M; i++) {
      const r = this.registers[i]!;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / HLL_M);
    const raw = (alpha * HLL_M * HLL_M) / sum;
    if (raw <= 2.5 * HLL_M && zeros > 0) return Math.round(HLL_M * Math.log(HLL_M / zeros));
    return Math.round(raw);
  }
  toJSON(): string {
    return Buffer.from(this.registers).toString('base64');
  }
  static fromJSON(value: unknown): Hll {
    if (typeof value !== 'string') return new Hll();
    const buf = Buffer.from(value, 'base64');
    return buf.length === HLL_M ? new Hll(new Uint8Array(buf)) : new Hll();
  }
}

const LAT_BASE = Math.log(1.08);
// 8% buckets from 0.1 ms: 280 of them reach past a day (ln(8.64e8) / ln(1.08) = 267).
const LAT_BUCKETS = 280;

/** Log-bucketed latency histogram (8% bucket width, 0.1 ms .. more than a day). */
export class LatencyHistogram {
  readonly counts: number[];
  max = 0;
  total = 0;
  constructor(counts?: number[], max = 0) {
    this.counts = counts && counts.length === LAT_BUCKETS ? counts : new Array<number>(LAT_BUCKETS).fill(0);
    this.max = max;
    for (const c of this.counts) this.total += c;
  }
  add(ms: number): void {
    const idx = Math.min(LAT_BUCKETS - 1, Math.max(0, Math.floor(Math.log(ms * 10 + 1) / LAT_BASE)));
    this.counts[idx]!++;
    this.total++;
    if (ms > this.max) this.max = ms;
  }
  merge(o: LatencyHistogram): void {
    for (let i = 0; i < LAT_BUCKETS; i++) this.counts[i]! += o.counts[i]!;
    this.total += o.total;
    if (o.max > this.max) this.max = o.max;
  }
  /** Upper edge of the bucket holding quantile q, capped at the observed maximum. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const target = Math.ceil(q * this.total);
    let seen = 0;
    for (let i = 0; i < LAT_BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= target) return Math.min(this.max, Math.round(((Math.exp((i + 1) * LAT_BASE) - 1) / 10) * 100) / 100);
    }
    return this.max;
  }
  toJSON(): { c: Record<string, number>; max: number } {
    const c: Record<string, number> = {};
    this.counts.forEach((n, i) => {
      if (n) c[i] = n;
    });
    return { c, max: this.max };
  }
  static fromJSON(value: unknown): LatencyHistogram {
    const v = value as { c?: Record<string, number>; max?: number } | null;
    const counts = new Array<number>(LAT_BUCKETS).fill(0);
    for (const [k, n] of Object.entries(v?.c ?? {})) {
      const i = Number(k);
      if (i >= 0 && i < LAT_BUCKETS && Number.isFinite(n)) counts[i] = n;
    }
    return new LatencyHistogram(counts, typeof v?.max === 'number' ? v.max : 0);
  }
}

/** Adds `n` to counter `key`. */
export function bump(map: Record<string, number>, key: string, n = 1): void {
  map[key] = (map[key] ?? 0) + n;
}

export function mergeCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const k in from) into[k] = (into[k] ?? 0) + from[k]!;
}

/** Adds to a set kept as a sorted-on-output array, capped so per-endpoint state stays bounded. */
export function addCapped(list: string[], value: string, cap: number): void {
  if (list.length < cap && !list.includes(value)) list.push(value);
}
