/**
 * The bounded building blocks of per-actor state. Every table holds at most a fixed number of entries, every
 * set a fixed number of 32-bit hashes, every baseline a fixed number of buckets: a flood of distinct actors,
 * ids or usernames costs eviction, never memory. All operations are O(1) or O(cap) with a small constant cap.
 */

/** What a table entry must carry: the event time it was last seen, for expiry and eviction. */
export interface Seen {
  seen: number;
}

/**
 * Entries in insertion order with a hard cap and a time-to-live, replaced like the CLOCK page-replacement
 * algorithm: when full, or on `sweep`, entries are taken from the front and either dropped (idle past the TTL,
 * or, when making room, not seen since they were queued) or put back at the end (still active). O(1) per
 * insert (at most 8 second chances), no reordering on lookups. `seenOf` reads an entry's last event time
 * (-Infinity for an entry already removed elsewhere); `drop` is told about every entry that leaves.
 */
export class ClockRing<E> {
  private readonly ring: (E | undefined)[];
  /** When each entry was queued: an entry seen after that was used since, and earns a second chance. */
  private readonly queued: Float64Array;
  private head = 0;
  size = 0;
  evicted = 0;

  constructor(
    readonly capacity: number,
    readonly ttlMs: number,
    private readonly seenOf: (entry: E) => number,
    private readonly drop: (entry: E) => void,
  ) {
    this.ring = new Array<E | undefined>(capacity);
    this.queued = new Float64Array(capacity);
  }

  add(entry: E, now: number): void {
    if (this.size >= this.capacity) this.makeRoom(now);
    this.push(entry, now);
  }

  /** Drops up to `max` entries idle past the TTL at `now`, giving active ones another turn (amortised work per event). */
  sweep(now: number, max: number): void {
    for (let i = 0; i < max && this.size > 0; i++) {
      const queuedAt = this.queued[this.head]!;
      const entry = this.shift();
      const seen = this.seenOf(entry);
      if (now - seen > this.ttlMs) this.leave(entry);
      else this.push(entry, Math.max(seen, queuedAt));
    }
  }

  private push(entry: E, at: number): void {
    const i = (this.head + this.size) % this.capacity;
    this.ring[i] = entry;
    this.queued[i] = at;
    this.size++;
  }

  private shift(): E {
    const entry = this.ring[this.head]!;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
    return entry;
  }

  private makeRoom(now: number): void {
    // An entry used since it was queued, and not idle past the TTL, goes round again; up to 8 of them, then
    // the front goes whatever it is. A flood of one-time actors evicts itself at once.
    for (let i = 0; ; i++) {
      const queuedAt = this.queued[this.head]!;
      const entry = this.shift();
      const seen = this.seenOf(entry);
      if (i === 7 || now - seen > this.ttlMs || seen <= queuedAt) {
        this.leave(entry);
        return;
      }
      this.push(entry, seen);
    }
  }

  private leave(entry: E): void {
    this.evicted++;
    this.drop(entry);
  }
}

/**
 * A map with a hard size cap and time-to-live: a `Map` for lookups (a plain `get`, nothing reordered on the
 * hot path) and a `ClockRing` of its keys for eviction and expiry. `onEvict` sees every entry that leaves, so
 * its window can still be folded into a baseline. (A ring of keys rather than the `Map`'s own order:
 * iterating a `Map` from its front after many deletions skips every deleted slot, O(capacity) per call.)
 * Keys on the hot path should be numbers or strings the caller already holds: hashing a freshly
 * concatenated string costs about a microsecond.
 *
 * @example
 * const actors = new BoundedMap<ActorState>(20_000, 30 * 60_000, (key, a) => fold(a));
 * const a = actors.get(key) ?? actors.set(key, newActor(ts));
 */
export class BoundedMap<V extends Seen, K extends string | number = string> {
  private readonly map = new Map<K, V>();
  private readonly keys: ClockRing<K>;

  constructor(capacity: number, ttlMs: number, onEvict?: (key: K, value: V) => void) {
    this.keys = new ClockRing<K>(
      capacity,
      ttlMs,
      (key) => this.map.get(key)!.seen,
      (key) => {
        const value = this.map.get(key)!;
        this.map.delete(key);
        onEvict?.(key, value);
      },
    );
  }

  get size(): number {
    return this.map.size;
  }

  get evicted(): number {
    return this.keys.evicted;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Inserts (or replaces) and returns `value`; makes room first when full. */
  set(key: K, value: V): V {
    const known = this.map.has(key);
    this.map.set(key, value);
    if (!known) this.keys.add(key, value.seen);
    return value;
  }

  sweep(now: number, max: number): void {
    this.keys.sweep(now, max);
  }
}

/**
 * Sets of at most `cap` 32-bit hashes (ids, usernames, addresses) as plain arrays with a linear scan: for the
 * small caps used here (128 by default) faster and far smaller than a `Set`, with no wrapper object (one
 * cache miss less on the hot path), growing only as values arrive (most hold one or two). Past the cap a set
 * is saturated: `addHash` returns false and the length stays at the cap (counts are then lower bounds).
 * An empty set is `undefined`, and a set is born as `[h]` holding its first value: most sets never get a
 * second one, and a push onto an empty array reserves 17 slots (152 bytes) where `[h]` takes one (24). For
 * the same reason a set is emptied by dropping it (`= undefined`), not with `length = 0`, which frees the
 * slots anyway.
 *
 * @example
 * const objects = withHash(pair.objects, cap, h);
 * if (objects === null) return; // already there, or saturated
 * pair.objects = objects;
 */
export function addHash(set: number[], cap: number, h: number): boolean {
  if (set.length >= cap) return false;
  for (let i = 0; i < set.length; i++) if (set[i] === h) return false;
  set.push(h);
  return true;
}

/** `set` (or a new `[h]` for none yet) with `h` added; null when `h` was already there or the set is saturated. */
export function withHash(set: number[] | undefined, cap: number, h: number): number[] | null {
  if (set === undefined) return [h];
  return addHash(set, cap, h) ? set : null;
}

/** `12`, or `128+` for a saturated set (evidence). */
export function countOf(set: readonly number[], cap: number): string {
  return set.length >= cap ? `${set.length}+` : String(set.length);
}

/**
 * Membership of ids an actor was given in responses: two generations of a 1,024-bit Bloom filter with two
 * probes, in one typed array. A generation holds 256 ids (false-positive rate about 6%); then the older one
 * is cleared and becomes the current one, so the filter forgets slowly and never grows.
 */
export class IdFilter {
  private readonly bits = new Uint32Array(64);
  /** Word offset of the current generation (0 or 32). */
  private cur = 0;
  private added = 0;

  add(h: number): void {
    if (this.added >= 256) {
      this.cur = 32 - this.cur;
      this.bits.fill(0, this.cur, this.cur + 32);
      this.added = 0;
    }
    const a = h & 1023;
    const b = (h >>> 10) & 1023;
    this.bits[this.cur + (a >>> 5)]! |= 1 << (a & 31);
    this.bits[this.cur + (b >>> 5)]! |= 1 << (b & 31);
    this.added++;
  }

  has(h: number): boolean {
    const a = h & 1023;
    const b = (h >>> 10) & 1023;
    const bits = this.bits;
    for (let off = 0; off <= 32; off += 32) {
      if ((bits[off + (a >>> 5)]! & (1 << (a & 31))) !== 0 && (bits[off + (b >>> 5)]! & (1 << (b & 31))) !== 0) return true;
    }
    return false;
  }
}

const BUCKETS = 128;
/** Buckets per doubling: a quantile is known within about 19%, up to 2^32 (bytes of a response). */
const PER_OCTAVE = 4;

/**
 * A decaying histogram of positive values on a logarithmic scale (0 and 1 share the first bucket): learned
 * baselines (requests per actor-minute, distinct ids per actor-window, response sizes) with a fixed 512 bytes
 * of memory. When it holds `halfLife` samples, every bucket is halved, so old traffic fades and the baseline
 * follows the endpoint. Quantiles are cached and recomputed every 32 samples.
 *
 * @example
 * const h = new LogHistogram(); for (const n of perMinute) h.add(n); h.quantile(0.99) // ~ the 99th percentile
 */
export class LogHistogram {
  /** Allocated on the first sample: many endpoints never produce one. */
  private counts: Float32Array | undefined;
  private total = 0;
  /** Samples ever added (not decayed): how much evidence there is. */
  samples = 0;
  private cachedQ = -1;
  private cachedAt = -1;
  private cachedValue = 0;

  constructor(private readonly halfLife = 20_000) {}

  add(x: number): void {
    const i = x <= 1 ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log2(x) * PER_OCTAVE));
    const counts = (this.counts ??= new Float32Array(BUCKETS));
    counts[i]! += 1;
    this.total += 1;
    this.samples++;
    if (this.total >= this.halfLife) {
      for (let k = 0; k < BUCKETS; k++) counts[k]! *= 0.5;
      this.total *= 0.5;
    }
  }

  /** The upper edge of the bucket holding quantile `q` (0 when empty). */
  quantile(q: number): number {
    if (this.cachedQ === q && this.samples - this.cachedAt < 32) return this.cachedValue;
    const counts = this.counts;
    if (counts === undefined) return 0;
    const target = q * this.total;
    let acc = 0;
    let i = 0;
    for (; i < BUCKETS - 1; i++) {
      acc += counts[i]!;
      if (acc >= target) break;
    }
    this.cachedQ = q;
    this.cachedAt = this.samples;
    this.cachedValue = i === 0 ? 1 : Math.pow(2, i / PER_OCTAVE);
    return this.cachedValue;
  }
}

/** FNV-1a over `text[start, end)`, without slicing; ASCII upper case folded when `fold` (usernames). */
export function hashRange(text: string, start: number, end: number, fold = false): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i);
    if (fold && c >= 65 && c <= 90) c += 32;
    h ^= c;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
