import type { ApiEvent } from '../../contracts/api-event.js';
import type { DetectorInfo } from '../types.js';
import { observeAdmin, observeExposure } from './access.js';
import { actorOf, actorTableKey } from './actor.js';
import { LogHistogram } from './bounded.js';
import { BehaviourConfig, type BehaviourConfigInput } from './config.js';
import { BEHAVIOUR_DETECTORS } from './detectors.js';
import { observeLogin, observeRejectedCredential } from './login.js';
import { learnReturnedIds, observeBrowsing, observeObjects } from './objects.js';
import { createClassReader, endpointTraits } from './paths.js';
import { clearWindow, createTables, MAX_PAIRS_PER_ACTOR, retirePair, type ActorState, type BehaviourContext, type BehaviourDetection, type EndpointState, type EventScope, type HostState, type PairState, type Tables } from './state.js';
import { observeTokens } from './tokens.js';
import { observeRate, observeSize } from './volume.js';

/** The behavioural engine: one per pipeline, fed every event in event-time order. */
export interface BehaviourEngine {
  /**
   * Called for every event, raw (before redaction), in event-time order per source. Returns the new
   * detections (almost always none: a detector reports an actor and endpoint once per cooldown).
   */
  observe(event: ApiEvent, ctx: BehaviourContext): BehaviourDetection[];
  readonly detectors: readonly DetectorInfo[];
  /** Sizes of the state tables (tracked actors, pairs, endpoints...) and event counters, for tests and stats. */
  stats(): Record<string, number>;
}

const NONE: BehaviourDetection[] = [];
/**
 * Amortised expiry. Pairs are swept often (`PAIR_SWEEP` every `PAIR_SWEEP_EVERY` events: about as fast as
 * new pairs appear), because a pair leaving folds its windows into the endpoint's baselines; the other tables
 * only free memory, and swept entries are cold in the CPU cache, so they are swept lightly (the caps, not the
 * sweep, bound memory).
 */
const PAIR_SWEEP_EVERY = 64;
const PAIR_SWEEP = 16;
const SWEEP_EVERY = 1024;
const SWEEP_BATCH = 24;

function endpointOf(t: Tables, event: ApiEvent, ctx: BehaviourContext): EndpointState {
  let ep = t.endpoints.get(ctx.endpointKey);
  if (ep === undefined) {
    const host = hostOf(t, event.request.host, ctx.ts);
    const method = event.request.method;
    const traits = endpointTraits(method, ctx.template, ctx.pathParamNames);
    let idName = 'id';
    for (const n of ctx.pathParamNames) if (n) idName = n.slice(0, 40);
    ep = t.endpoints.set(ctx.endpointKey, {
      seen: ctx.ts,
      key: ctx.endpointKey,
      template: ctx.template,
      traits,
      host,
      idName,
      givesIds: false,
      collection: false,
      idsJudgedAt: -1,
      idsJudgedPrefixes: 0,
      ok2xx: 0,
      anon2xx: 0,
      analysed: 0,
      sensitive: 0,
      rate: new LogHistogram(),
      size: undefined,
      unknownBase: undefined,
      errorBase: undefined,
      objectBase: undefined,
      calls: 0,
      classes: undefined,
      lateOnHost: host.events > t.cfg.bfla.hostWarmupEvents,
      bucketStart: ctx.ts,
      bucketFails: 0,
      bucketFired: false,
      spikeFired: false,
      failBase: undefined,
    });
    if (method === 'GET' && traits.params.length > 0 && host.prefixes.length < 256) {
      const cut = ctx.template.indexOf('/{');
      if (cut > 0) host.prefixes.push({ prefix: ctx.template.slice(0, cut), ep });
    }
  }
  ep.seen = ctx.ts;
  return ep;
}

function hostOf(t: Tables, name: string, ts: number): HostState {
  let h = t.hosts.get(name);
  if (h === undefined) h = t.hosts.set(name, { seen: ts, events: 0, prefixes: [], adminClasses: new Set(), jwt: 0, algNone: 0 });
  h.seen = ts;
  return h;
}

function actorStateOf(t: Tables, event: ApiEvent, ctx: BehaviourContext): ActorState {
  const key = actorTableKey(event, ctx.facts);
  let a = t.actors.get(key);
  if (a === undefined) {
    a = t.actors.set(key, {
      seen: ctx.ts, actor: actorOf(event, ctx.facts), pairs: [], pairEndpoints: [], returned: undefined,
      addrStart: ctx.ts, addrRequests: 0, addrs: undefined, foreign: 0, foreignRate: -1, addrFired: false, home: 0, homeWeight: 0, lastDirect: undefined, lastForwarded: undefined, lastHash: 0,
      browseStart: ctx.ts, browseRequests: 0, browseErrors: 0, browsePaths: undefined,
    });
  }
  a.seen = ctx.ts;
  return a;
}

/** The event's time comes from `t.now`: a time passed as an argument to a call that is not inlined is boxed, 16 bytes per event. */
function pairOf(t: Tables, a: ActorState, ep: EndpointState): PairState {
  const ts = t.now;
  // The endpoints sit in their own array, so finding one compares pointers without touching each pair (a
  // plain loop: most actors have one to three pairs, less than the call into `indexOf` costs).
  const eps = a.pairEndpoints;
  const pairs = a.pairs;
  for (let i = 0; i < eps.length; i++) {
    if (eps[i] === ep) {
      const p = pairs[i]!;
      p.seen = ts;
      return p;
    }
  }
  if (pairs.length >= MAX_PAIRS_PER_ACTOR) {
    let oldest = pairs[0]!;
    for (let i = 1; i < pairs.length; i++) if (pairs[i]!.seen < oldest.seen) oldest = pairs[i]!;
    retirePair(oldest);
  }
  // About one event in three makes a pair (new actors, expired windows): one the ring dropped is refilled
  // rather than a new one allocated (with the boxes of its three time fields).
  let p = t.spare.pop();
  if (p === undefined) {
    p = {
      seen: ts, ep, owner: a, dead: false, minuteStart: ts, perMinute: 0, minuteFired: false,
      windowStart: ts, requests: 0, errors: 0, objects: undefined, ok: 0, unknown: 0, unknownOk: 0, refused: 0, missing: 0, windowFired: false,
    };
  } else {
    p.seen = ts;
    p.ep = ep;
    p.owner = a;
    p.dead = false;
    p.minuteStart = ts;
    p.perMinute = 0;
    p.minuteFired = false;
    p.windowStart = ts;
    clearWindow(p);
  }
  pairs.push(p);
  a.pairEndpoints.push(ep);
  t.pairs.add(p, ts);
  return p;
}

/**
 * Creates the behavioural detectors' engine (see docs/detection.md, "Behaviour across requests"). State is
 * per engine (no module-level state) and bounded by `config.memory` whatever the traffic.
 *
 * @example
 * const behaviour = createBehaviourEngine(config.detection.behaviour);
 * const readFacts = createCredentialReader();
 * for (const event of events) {
 *   const ts = Date.parse(event.timestamp);
 *   const template = templater.observe(event.request.host, event.request.method, event.request.path).template;
 *   const found = behaviour.observe(event, {
 *     ts, facts: readFacts(event, ts), template, pathParamNames: pathParamNames(template),
 *     endpointKey: `${event.request.host} ${event.request.method} ${template}`,
 *   });
 *   for (const d of found) console.log(d.severity, d.detector, d.actor.kind, d.evidence);
 * }
 */
export function createBehaviourEngine(config: BehaviourConfigInput = {}): BehaviourEngine {
  const cfg = BehaviourConfig.parse(config);
  const t = createTables(cfg);
  const classOf = createClassReader();
  let scope: EventScope | undefined;
  let events = 0;

  function sweep(ts: number): void {
    t.actors.sweep(ts, SWEEP_BATCH);
    t.sources.sweep(ts, SWEEP_BATCH);
    t.usernames.sweep(ts, SWEEP_BATCH);
    t.cooldowns.sweep(ts, SWEEP_BATCH);
    t.endpoints.sweep(ts, 1);
    t.hosts.sweep(ts, 1);
  }

  function observe(event: ApiEvent, ctx: BehaviourContext): BehaviourDetection[] {
    if (!cfg.enabled) return NONE;
    const ts = ctx.ts;
    events++;
    t.now = ts;
    if ((events & (PAIR_SWEEP_EVERY - 1)) === 0) {
      t.pairs.sweep(ts, PAIR_SWEEP);
      if ((events & (SWEEP_EVERY - 1)) === 0) sweep(ts);
    }
    const ep = endpointOf(t, event, ctx);
    ep.host.events++;
    const actor = actorStateOf(t, event, ctx);
    const pair = pairOf(t, actor, ep);
    const status = event.response?.status ?? 0;
    // One scope object for the engine's life: the families read it synchronously, and it saves an allocation per event.
    let s = scope;
    if (s === undefined) s = scope = { event, ctx, ts, status, actor, ep, pair };
    else {
      s.event = event;
      s.ctx = ctx;
      s.ts = ts;
      s.status = status;
      s.actor = actor;
      s.ep = ep;
      s.pair = pair;
    }

    observeRate(t, s);
    observeObjects(t, s);
    observeBrowsing(t, s);
    observeSize(t, s);
    observeExposure(t, s);
    if (ep.traits.login) observeLogin(t, s);
    else if (s.status === 401) observeRejectedCredential(t, s);
    if (ep.traits.admin) observeAdmin(t, s, classOf);
    if (ctx.facts.principal !== null) {
      observeTokens(t, s);
      learnReturnedIds(t, s);
    }

    if (t.out.length === 0) return NONE;
    const out = t.out;
    t.out = [];
    return out;
  }

  return {
    observe,
    detectors: BEHAVIOUR_DETECTORS,
    stats() {
      return {
        ...t.counters,
        events,
        actors: t.actors.size,
        actorEndpoints: t.pairs.size,
        endpoints: t.endpoints.size,
        hosts: t.hosts.size,
        sources: t.sources.size,
        usernames: t.usernames.size,
        cooldowns: t.cooldowns.size,
        evicted: t.actors.evicted + t.pairs.evicted + t.sources.evicted + t.usernames.evicted + t.endpoints.evicted + t.hosts.evicted,
      };
    },
  };
}
