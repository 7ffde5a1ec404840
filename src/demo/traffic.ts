import { z } from 'zod';
import type { ApiEventInput } from '../contracts/api-event.js';
import { DomainError } from '../errors/domain-errors.js';
import { startEpisode, type Episode } from './attacks.js';
import { ESTATE_ENDPOINTS } from './estate-model.js';
import { DiurnalClock, IsoFormatter } from './clock.js';
import { Ctx, type Exchange } from './kit.js';
import { ATTACK_KINDS, type AttackKind, type DemoLabel, type LabelledDemoEvent } from './labels.js';
import { PLANTED_EVENTS, secretsByKind } from './planted.js';
import { buildPools } from './pools.js';
import { Rng, WeightedSampler, mixSeed } from './prng.js';
import { plantedSecretSamples, type PlantedSecretKind } from './secrets.js';

export const DemoTrafficOptions = z.object({
  seed: z.number().int().default(1),
  events: z.number().int().nonnegative().default(20_000),
  /** ISO 8601 time of the first possible event. */
  start: z.string().datetime({ offset: true }).default('2026-11-16T00:00:00.000Z'),
  spanMs: z.number().int().positive().default(7 * 86_400_000),
  attacks: z.boolean().default(true),
  /** Share of events that belong to attack episodes. */
  attackRate: z.number().min(0).max(0.5).default(0.005),
});
export type DemoTrafficOptions = z.input<typeof DemoTrafficOptions>;

export function parseDemoOptions(opts: DemoTrafficOptions | undefined): z.output<typeof DemoTrafficOptions> {
  const parsed = DemoTrafficOptions.safeParse(opts ?? {});
  if (!parsed.success) throw new DomainError('invalid_input', `invalid demo options: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

const SOURCE = 'demo' as const;
/** Attack requests are mostly rejected early (validation, auth), so they are fast whatever the endpoint. */
const ATTACK_LATENCY = [40, 0.5] as const;

/**
 * The generator's engine, as a pull iterator rather than a generator function: `next()` is on the hot
 * path of the million-event benchmark, and the label lives in a field so unlabelled consumers pay for
 * no wrapper object.
 */
class DemoTrafficStream {
  label: DemoLabel | null = null;
  private i = 0;
  private last: number;
  private readonly n: number;
  private readonly rng: Rng;
  private readonly ctx: Ctx;
  private readonly clock: DiurnalClock;
  private readonly iso = new IsoFormatter();
  private readonly sampler: WeightedSampler;
  private readonly end: number;
  private readonly attackRate: number;
  private readonly plantedAt = new Map<number, number>();
  private readonly secrets: Record<PlantedSecretKind, string>;
  private episode: Episode | undefined;
  private episodeClock = 0;
  private episodes = 0;
  private attackEvents = 0;
  private readonly kindCycle: AttackKind[] = [];

  constructor(o: z.output<typeof DemoTrafficOptions>) {
    const start = Date.parse(o.start);
    this.n = o.events;
    this.end = start + o.spanMs - 1;
    this.last = start;
    this.rng = new Rng(mixSeed(o.seed, 202));
    this.ctx = new Ctx(this.rng, buildPools(o.seed), o.seed, start, o.spanMs);
    this.clock = new DiurnalClock(start, o.spanMs);
    this.sampler = new WeightedSampler(ESTATE_ENDPOINTS.map((e) => e.weight));
    this.attackRate = o.attacks ? o.attackRate : 0;
    this.secrets = secretsByKind(plantedSecretSamples(o.seed));
    // Spread the planted events evenly, so any reasonably long run carries all of them.
    const k = PLANTED_EVENTS.length;
    for (let p = 0; p < k; p++) {
      const at = Math.floor((this.n * (p + 1)) / (k + 1));
      if (at < this.n && !this.plantedAt.has(at)) this.plantedAt.set(at, p);
    }
  }

  next(): ApiEventInput | undefined {
    const i = this.i;
    if (i >= this.n) return undefined;
    this.i = i + 1;
    const { rng, ctx } = this;
    const slot = this.clock.at((i + rng.float()) / this.n);
    let t = slot > this.last ? slot : this.last;
    let latencyModel: readonly [number, number];
    let ex: Exchange;
    let label: DemoLabel | null = null;

    const planted = this.plantedAt.get(i);
    if (planted !== undefined) {
      const p = PLANTED_EVENTS[planted]!;
      ctx.begin(t);
      latencyModel = p.ep.latency;
      ex = p.build(ctx, this.secrets);
      label = { secrets: [...p.carries] };
    } else {
      if (this.episode === undefined && this.attackRate > 0 && this.attackEvents < this.attackRate * i && rng.chance(0.02)) {
        this.episode = startEpisode(ctx, this.nextKind(), ++this.episodes);
        this.episodeClock = t;
      }
      const episode = this.episode;
      if (episode !== undefined) {
        // The episode runs on its own clock, whatever the spacing of ordinary events; later ordinary
        // events are held at the episode's last time until their own slots catch up.
        this.episodeClock += episode.gapMs * (0.5 + rng.float());
        t = Math.max(this.last, Math.min(this.end, Math.floor(this.episodeClock)));
        ctx.begin(t);
        ex = episode.step(ctx);
        latencyModel = ATTACK_LATENCY;
        label = { attack: { kind: episode.kind, episode: episode.id } };
        this.attackEvents++;
        if (--episode.remaining <= 0) this.episode = undefined;
      } else {
        const ep = ESTATE_ENDPOINTS[this.sampler.sample(rng)]!;
        ctx.begin(t);
        ex = ep.build(ctx, ep);
        latencyModel = ep.latency;
      }
    }
    this.last = t;
    this.label = label;

    const status = ex.response.status;
    let latency = rng.logNormal(latencyModel[0], latencyModel[1]);
    if (status >= 500) latency *= 4;
    else if (status >= 400) latency *= 0.6;
    return {
      timestamp: this.iso.format(t),
      source: { kind: SOURCE },
      request: ex.request,
      response: ex.response,
      latencyMs: Math.round(latency * 10) / 10,
    };
  }

  /** Attack kinds in shuffled rounds, so every kind shows up even in a short demo. */
  private nextKind(): AttackKind {
    if (this.kindCycle.length === 0) this.kindCycle.push(...this.rng.shuffle([...ATTACK_KINDS]));
    return this.kindCycle.pop()!;
  }
}

/**
 * Deterministic traffic of the Northwind Outfitters estate: the same options always give the same events.
 *
 * @example
 * for (const event of generateDemoTraffic({ seed: 7, events: 1000 })) await ingest(event);
 */
export function* generateDemoTraffic(opts?: DemoTrafficOptions): Generator<ApiEventInput> {
  const stream = new DemoTrafficStream(parseDemoOptions(opts));
  for (let e = stream.next(); e !== undefined; e = stream.next()) yield e;
}

/** The same events as `generateDemoTraffic` with the same options, each with its ground-truth label. */
export function* generateLabelledDemoTraffic(opts?: DemoTrafficOptions): Generator<LabelledDemoEvent> {
  const stream = new DemoTrafficStream(parseDemoOptions(opts));
  for (let e = stream.next(); e !== undefined; e = stream.next()) yield { event: e, label: stream.label };
}
