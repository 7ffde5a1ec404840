/**
 * A labelled generator of behavioural attack scenarios mixed into the demo estate's benign traffic, for
 * `bench/detect-scenarios.ts`. Benign traffic is the demo generator's (`generateLabelledDemoTraffic`, its
 * own BOLA and credential-stuffing episodes kept and labelled as scenario episodes of variant "demo ...",
 * its other attacks labelled `other` and left out of both the detection and the false-positive counts).
 * Each variant of `scenarios-episodes.ts` runs `perVariant` times at seeded random times after the warm-up
 * share of the span; every event is normalised as the pipeline would and yielded in event-time order.
 *
 * @example
 * const { events, episodes } = generateScenarioTraffic({ seed: 2, events: 500_000, spanMs: 3 * 86_400_000 });
 * for (const { event, label } of events) engine.observe(event, ...);
 */
import type { ApiEvent } from '../../src/contracts/api-event.js';
import { generateLabelledDemoTraffic } from '../../src/demo/estate.js';
import { Ctx } from '../../src/demo/kit.js';
import { buildPools } from '../../src/demo/pools.js';
import { mixSeed, Rng } from '../../src/demo/prng.js';
import { DEFAULT_LIMITS, normalizeEvent } from '../../src/normalize/index.js';
import { VARIANTS, type ScenarioKind, type Step, type Variant } from './scenarios-episodes.js';

export { ACCEPTED_CATEGORIES, SCENARIO_KINDS, VARIANTS, type ScenarioKind } from './scenarios-episodes.js';

export interface ScenarioOptions {
  seed: number;
  /** Benign (demo) events. */
  events: number;
  spanMs: number;
  start?: string;
  /** Episodes of each variant. */
  perVariant?: number;
  /** Share of the span before the first episode: the detectors' learning time. */
  warmupShare?: number;
}

export interface Episode {
  id: string;
  kind: ScenarioKind;
  variant: string;
  hard?: string;
  /** 'demo' for the demo generator's own episodes. */
  origin: 'scenario' | 'demo';
  start: number;
  end: number;
  requests: number;
}

export type Label = { kind: 'episode'; episode: Episode; index: number } | { kind: 'other' } | null;

export interface ScenarioEvent {
  event: ApiEvent;
  label: Label;
}

const DEMO_KIND: Record<string, ScenarioKind | undefined> = { bola: 'bola', 'credential-stuffing': 'credential-stuffing' };

function normalized(input: Parameters<typeof normalizeEvent>[0]): ApiEvent | null {
  const r = normalizeEvent(input, { source: 'demo', limits: DEFAULT_LIMITS });
  return r.ok ? r.event : null;
}

export function generateScenarioTraffic(opts: ScenarioOptions): { events: Iterable<ScenarioEvent>; episodes: Episode[] } {
  const start = Date.parse(opts.start ?? '2026-11-16T00:00:00.000Z');
  const perVariant = opts.perVariant ?? 4;
  const rng = new Rng(mixSeed(opts.seed, 909));
  const ctx = new Ctx(rng, buildPools(opts.seed), opts.seed, start, opts.spanMs);
  const from = start + (opts.warmupShare ?? 0.25) * opts.spanMs;
  const room = start + opts.spanMs - from - 4 * 3_600_000;

  // Episode starts: every variant `perVariant` times, shuffled over the rest of the span.
  const plan: Array<{ variant: Variant; n: number }> = [];
  for (const variant of VARIANTS) for (let n = 0; n < perVariant; n++) plan.push({ variant, n });
  rng.shuffle(plan);
  const episodes: Episode[] = [];
  const steps: Array<{ step: Step; episode: Episode; index: number }> = [];
  plan.forEach(({ variant }, i) => {
    const t0 = Math.floor(from + ((i + rng.float()) / plan.length) * room);
    const own = variant.steps(ctx, rng, t0);
    const episode: Episode = {
      id: `s${i + 1}`, kind: variant.kind, variant: variant.name, origin: 'scenario', start: own[0]!.t, end: own[own.length - 1]!.t, requests: own.length,
      ...(variant.hard ? { hard: variant.hard } : {}),
    };
    episodes.push(episode);
    own.forEach((step, index) => steps.push({ step, episode, index }));
  });
  steps.sort((a, b) => a.step.t - b.step.t);

  const demoEpisodes = new Map<number, Episode>();
  function* merged(): Generator<ScenarioEvent> {
    let next = 0;
    const attack = function* (until: number): Generator<ScenarioEvent> {
      while (next < steps.length && steps[next]!.step.t <= until) {
        const { step, episode, index } = steps[next++]!;
        ctx.begin(step.t);
        const ex = step.build(ctx);
        const event = normalized({ timestamp: new Date(step.t).toISOString(), source: { kind: 'demo' }, request: ex.request, response: ex.response, latencyMs: 40 });
        if (event) yield { event, label: { kind: 'episode', episode, index } };
      }
    };
    for (const { event: input, label } of generateLabelledDemoTraffic({ seed: opts.seed, events: opts.events, start: opts.start ?? '2026-11-16T00:00:00.000Z', spanMs: opts.spanMs })) {
      const t = Date.parse(String(input.timestamp));
      yield* attack(t);
      const event = normalized(input);
      if (!event) continue;
      const demo = label?.attack;
      if (demo === undefined) {
        yield { event, label: null };
        continue;
      }
      const kind = DEMO_KIND[demo.kind];
      if (kind === undefined) {
        yield { event, label: { kind: 'other' } };
        continue;
      }
      let episode = demoEpisodes.get(demo.episode);
      if (episode === undefined) {
        episode = { id: `d${demo.episode}`, kind, variant: kind === 'bola' ? 'demo BOLA walk' : 'demo credential stuffing', origin: 'demo', start: t, end: t, requests: 0 };
        demoEpisodes.set(demo.episode, episode);
        episodes.push(episode);
      }
      episode.end = t;
      yield { event, label: { kind: 'episode', episode, index: episode.requests++ } };
    }
    yield* attack(Number.POSITIVE_INFINITY);
  }
  return { events: { [Symbol.iterator]: merged }, episodes };
}
