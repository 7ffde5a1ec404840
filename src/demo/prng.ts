/**
 * Seeded randomness for the demo estate. Everything the generator emits must be a pure function of the
 * seed (tests, benchmarks and `bulwark demo` runs compare byte for byte), so nothing here touches
 * `Math.random` or the clock.
 */

/** Mixes a seed with a stream number, so independent streams (tokens, secrets, pools) never correlate. */
export function mixSeed(seed: number, stream: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream | 0, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

const HEX = '0123456789abcdef';

/** sfc32: small state, fast in V8 (32-bit integer ops only), good enough statistically for test traffic. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = mixSeed(seed, 1);
    this.b = mixSeed(seed, 2);
    this.c = mixSeed(seed, 3);
    this.d = 1;
    // The first outputs of sfc32 still echo the seed; discard them.
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi], both inclusive. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** Standard normal (Box-Muller); the second variate is dropped to keep the state a plain sequence. */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median: latencies have a long right tail, not a bell. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  hex(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += HEX[this.u32() & 15];
    return s;
  }

  chars(length: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }

  digits(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(48 + this.int(10));
    return s;
  }

  /** Fisher-Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}

/** Samples indexes by weight with a cumulative table and binary search: O(log n), no allocation. */
export class WeightedSampler {
  private readonly cumulative: Float64Array;

  constructor(weights: readonly number[]) {
    if (weights.length === 0) throw new Error('WeightedSampler needs at least one weight');
    this.cumulative = new Float64Array(weights.length);
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      total += Math.max(0, weights[i]!);
      this.cumulative[i] = total;
    }
    if (total <= 0) throw new Error('WeightedSampler needs a positive total weight');
    for (let i = 0; i < weights.length; i++) this.cumulative[i] = this.cumulative[i]! / total;
  }

  get size(): number {
    return this.cumulative.length;
  }

  sample(rng: Rng): number {
    const x = rng.float();
    const c = this.cumulative;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/**
 * Zipf-like popularity over n items: rank k has weight 1/(k+1)^s. Ranks are shuffled onto item indexes
 * so the hottest product is not always product 0 (discovery must not learn "low ids are popular").
 */
export class ZipfSampler {
  private readonly sampler: WeightedSampler;
  private readonly rankToItem: Uint32Array;

  constructor(n: number, s: number, rng: Rng) {
    const weights = new Array<number>(n);
    for (let k = 0; k < n; k++) weights[k] = 1 / Math.pow(k + 1, s);
    this.sampler = new WeightedSampler(weights);
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    this.rankToItem = Uint32Array.from(order);
  }

  sample(rng: Rng): number {
    return this.rankToItem[this.sampler.sample(rng)]!;
  }
}
