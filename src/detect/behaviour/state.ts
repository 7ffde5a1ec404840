import type { ApiEvent } from '../../contracts/api-event.js';
import type { CredentialFacts } from '../../redact/credential-facts.js';
import type { Detection, DetectorInfo } from '../types.js';
import type { ActorKey } from './actor.js';
import { BoundedMap, ClockRing, IdFilter, LogHistogram, type Seen } from './bounded.js';
import type { BehaviourConfig } from './config.js';
import { jsonPair, type JsonPair } from './json-scan.js';
import type { EndpointTraits } from './paths.js';

/**
 * The state behind the behavioural detectors, and the shared plumbing of their families: bounded tables of
 * actors, (actor, endpoint) pairs, endpoints, hosts, login sources and usernames, and the emitter that turns
 * a crossed threshold into at most one detection per cooldown. Every table is a `BoundedMap` (size cap plus
 * TTL); every set inside an entry an array of at most `distinctCap` hashes (`addHash`); every learned baseline
 * a `LogHistogram`.
 */

export const MINUTE = 60_000;

/** What the pipeline tells the engine about an event besides the event itself (see `index.ts`). */
export interface BehaviourContext {
  /** Event time, epoch ms. */
  ts: number;
  /** Credential facts from `src/redact/credential-facts.ts`, read from the raw event. */
  facts: CredentialFacts;
  /** `${host} ${method} ${template}`: the inventory endpoint. */
  endpointKey: string;
  /** Path template, e.g. `/v1/orders/{orderId}`. */
  template: string;
  /** Names of templated segments by index of `path.split('/')`; null for literal segments. */
  pathParamNames: readonly (string | null)[];
  /** True/false when this event's response was classified (sensitive personal, financial or credential data found or not); undefined when not analysed. */
  responseSensitive?: boolean;
}

export interface HostState extends Seen {
  events: number;
  /** The host's GET endpoints with parameters, and their templates cut before the first one (`/v1/orders` of `/v1/orders/{id}`). */
  readonly prefixes: Array<{ prefix: string; ep: EndpointState }>;
  /** Classes of principal that called any admin operation of the host while it was learning. */
  adminClasses: Set<string>;
  jwt: number;
  algNone: number;
}

export interface EndpointState extends Seen {
  readonly key: string;
  readonly template: string;
  readonly traits: EndpointTraits;
  readonly host: HostState;
  /** Name of the last path parameter, for evidence (`orderId`). */
  readonly idName: string;
  /** Whether its 2xx responses give ids for other endpoints (see `learnReturnedIds`), as judged at its `idsJudgedAt`-th 2xx. */
  givesIds: boolean;
  /** Its template is the collection of an endpoint with parameters (`/v1/orders` of `/v1/orders/{id}`). */
  collection: boolean;
  idsJudgedAt: number;
  idsJudgedPrefixes: number;
  /** 2xx answers, and those to anonymous callers (decayed together). */
  ok2xx: number;
  anon2xx: number;
  /** Analysed responses, and those with sensitive data. */
  analysed: number;
  sensitive: number;
  /** Requests per actor-minute. */
  readonly rate: LogHistogram;
  /** Sizes of 2xx responses. */
  size: LogHistogram | undefined;
  /** Per actor-window: distinct unknown ids (2xx or 404), distinct ids answered 401/403/404, distinct objects answered 2xx. */
  unknownBase: LogHistogram | undefined;
  errorBase: LogHistogram | undefined;
  objectBase: LogHistogram | undefined;
  /** Admin endpoints: calls seen and the classes learned on it. */
  calls: number;
  classes: Set<string> | undefined;
  /** Whether the endpoint was first seen after its host had learned (then its own warm-up learns only known admin classes). */
  readonly lateOnHost: boolean;
  /** Login endpoints: failures in the current bucket, and the baseline of failures per bucket. */
  bucketStart: number;
  bucketFails: number;
  /** A login detector fired in the bucket (it is not learned); the spike detector itself fired in it. */
  bucketFired: boolean;
  spikeFired: boolean;
  failBase: LogHistogram | undefined;
}

export interface ActorState extends Seen {
  readonly actor: ActorKey;
  /** The actor's (actor, endpoint) pairs, at most `MAX_PAIRS_PER_ACTOR`, and their endpoints at the same indexes (a scan of a few pointers beats hashing). */
  readonly pairs: PairState[];
  readonly pairEndpoints: EndpointState[];
  /** Ids this actor was given in responses. */
  returned: IdFilter | undefined;
  /** Credentialed actors: distinct client addresses in the token window, and requests away from the usual address. */
  addrStart: number;
  addrRequests: number;
  addrs: number[] | undefined;
  foreign: number;
  /** Share of requests away from home in earlier quiet windows (EWMA; -1 before any), and whether this window fired. */
  foreignRate: number;
  addrFired: boolean;
  /** Hash of the usual address (majority vote across windows) and its weight. */
  home: number;
  homeWeight: number;
  /** The last request's client address and forwarded-for header, and the hash of its address unit. */
  lastDirect: string | undefined;
  lastForwarded: string | undefined;
  lastHash: number;
  /** Forced browsing: requests, 403/404 answers and distinct refused paths in the enumeration window. */
  browseStart: number;
  browseRequests: number;
  browseErrors: number;
  browsePaths: number[] | undefined;
}

/** One actor on one endpoint. */
export interface PairState extends Seen {
  /** Set when the pair is made, or refilled from `Tables.spare`. */
  ep: EndpointState;
  owner: ActorState;
  /** Left its actor's list (its window folded); the ring drops it when it comes round. */
  dead: boolean;
  minuteStart: number;
  perMinute: number;
  minuteFired: boolean;
  windowStart: number;
  requests: number;
  errors: number;
  objects: number[] | undefined;
  /** Distinct objects by first answer: 2xx; never returned to the actor and answered 2xx or 404 (and of those, 2xx); 401/403/404. */
  ok: number;
  unknown: number;
  unknownOk: number;
  refused: number;
  missing: number;
  windowFired: boolean;
}

/** A client address on one login endpoint (or, for 401s of credentialed calls, on one host). */
export interface SourceState extends Seen {
  readonly actor: ActorKey;
  windowStart: number;
  attempts: number;
  fails: number;
  /** Distinct usernames that failed (undefined: none; see `addHash`). */
  failedUsers: number[] | undefined;
  burstStart: number;
  burstFails: number;
}

export interface UsernameState extends Seen {
  windowStart: number;
  fails: number;
  /** Distinct sources it failed from (undefined: none). */
  sources: number[] | undefined;
}

/** A detection of the behavioural family: the actor it is about rides along (in memory only). */
export interface BehaviourDetection extends Detection {
  readonly location: { readonly where: 'actor'; readonly name: string };
  readonly actor: ActorKey;
}

/** Everything a family needs for one event (one object per engine, refilled for each event). */
export interface EventScope {
  event: ApiEvent;
  ctx: BehaviourContext;
  ts: number;
  status: number;
  actor: ActorState;
  ep: EndpointState;
  pair: PairState;
}

export interface Tables {
  readonly cfg: BehaviourConfig;
  readonly hosts: BoundedMap<HostState>;
  readonly endpoints: BoundedMap<EndpointState>;
  readonly actors: BoundedMap<ActorState, string | number>;
  /** Every pair, for the global cap and expiry (lookups go through `ActorState.pairs`). */
  readonly pairs: ClockRing<PairState>;
  /**
   * Pairs the ring dropped, referenced from nowhere else (off their actor's list, out of the ring), for
   * `pairOf` to refill instead of allocating; at most `MAX_SPARE_PAIRS`.
   */
  readonly spare: PairState[];
  /** Scratch for reading JSON bodies pair by pair (one per engine: no closure or object per body). */
  readonly json: JsonPair;
  readonly sources: BoundedMap<SourceState>;
  readonly usernames: BoundedMap<UsernameState, number>;
  readonly cooldowns: BoundedMap<Seen>;
  readonly counters: Record<string, number>;
  /** Time of the event being observed (cooldowns are in event time). */
  now: number;
  /** Emits `info` for `actor` unless the same (detector, scope) fired within the cooldown; returns whether it did. */
  emit(info: DetectorInfo, actor: ActorKey, scope: string, name: string, confidence: number, evidence: string, severity?: DetectorInfo['severity']): boolean;
  /** Detections of the current event (reset by the engine per event). */
  out: BehaviourDetection[];
}

/**
 * `max(minimum, multiplier x q99)` once the baseline has `warmup` samples, twice the minimum before; never
 * above `cap` (a saturated distinct set counts `cap`, so a higher bar could never be reached).
 */
export function learnedThreshold(base: LogHistogram | undefined, minimum: number, multiplier: number, warmup: number, cap = Infinity): number {
  const thr = base === undefined || base.samples < warmup ? 2 * minimum : Math.max(minimum, Math.ceil(multiplier * base.quantile(0.99)));
  return Math.min(thr, cap);
}

/** Confidence of a count that crossed `threshold`: 0.6 at the threshold, towards 0.95 far above it. */
export function confidenceOver(value: number, threshold: number, floor = 0.6): number {
  const over = threshold > 0 ? 1 - threshold / Math.max(value, threshold) : 1;
  return Math.round(Math.min(0.95, floor + (0.95 - floor) * over * 1.5) * 100) / 100;
}

/** Whole minutes from `start` to `now`, at least 1 (evidence). */
export function minutesSince(start: number, now: number): number {
  return Math.max(1, Math.ceil((now - start) / MINUTE));
}

export function createTables(cfg: BehaviourConfig): Tables {
  const m = cfg.memory;
  const spare: PairState[] = [];
  const counters: Record<string, number> = { detections: 0, suppressedByCooldown: 0, algNoneNorm: 0, publicSensitive: 0, idScans: 0 };

  const tables: Tables = {
    cfg,
    hosts: new BoundedMap<HostState>(m.maxHosts, 7 * 24 * 60 * MINUTE),
    endpoints: new BoundedMap<EndpointState>(m.maxEndpoints, 7 * 24 * 60 * MINUTE),
    actors: new BoundedMap<ActorState, string | number>(m.maxActors, Math.max(cfg.token.windowMinutes, cfg.enumeration.windowMinutes, cfg.objectWindowMinutes) * MINUTE),
    pairs: new ClockRing<PairState>(m.maxActorEndpoints, cfg.objectWindowMinutes * MINUTE, (p) => (p.dead ? -Infinity : p.seen), (p) => {
      if (!p.dead) retirePair(p);
      if (spare.length < MAX_SPARE_PAIRS) spare.push(p);
    }),
    spare,
    json: jsonPair(),
    sources: new BoundedMap<SourceState>(m.maxSources, Math.max(cfg.login.windowMinutes, cfg.login.burstMinutes) * MINUTE),
    usernames: new BoundedMap<UsernameState, number>(m.maxUsernames, cfg.login.usernameWindowMinutes * MINUTE),
    cooldowns: new BoundedMap<Seen>(Math.max(1000, m.maxActors), cfg.cooldownMinutes * MINUTE),
    counters,
    now: 0,
    out: [],
    emit(info, actor, scope, name, confidence, evidence, severity) {
      const key = `${info.id}\u0000${scope}`;
      const now = tables.now;
      const last = tables.cooldowns.get(key);
      if (last !== undefined && now - last.seen < cfg.cooldownMinutes * MINUTE) {
        counters.suppressedByCooldown!++;
        return false;
      }
      if (last !== undefined) last.seen = now;
      else tables.cooldowns.set(key, { seen: now });
      counters.detections!++;
      tables.out.push({
        detector: info.id,
        category: info.category,
        severity: severity ?? info.severity,
        confidence,
        owasp: info.owasp,
        mitre: info.mitre,
        location: { where: 'actor', name },
        evidence: evidence.length > 200 ? evidence.slice(0, 199) + '…' : evidence,
        actor,
      });
      return true;
    },
  };
  return tables;
}

/** Most endpoints one actor keeps state for; the least recently used pair makes room. */
export const MAX_PAIRS_PER_ACTOR = 32;
/** Dropped pairs kept for reuse: the ring drops at most `PAIR_SWEEP` (16) at a time, and one per new pair when full. */
const MAX_SPARE_PAIRS = 64;

/** A pair leaving memory: off its actor's list, its open windows folded into the endpoint's baselines (unless they fired). */
export function retirePair(p: PairState): void {
  p.dead = true;
  const pairs = p.owner.pairs;
  const i = pairs.indexOf(p);
  if (i >= 0) {
    removeAt(pairs, i);
    removeAt(p.owner.pairEndpoints, i);
  }
  foldMinute(p);
  foldWindow(p);
}

/** `list.splice(i, 1)` without the array of removed items that `splice` allocates and returns. */
export function removeAt<E>(list: E[], i: number): void {
  const last = list.length - 1;
  for (let k = i; k < last; k++) list[k] = list[k + 1]!;
  list.pop();
}

/** Closes a pair's minute: its count joins the endpoint's rate baseline (unless the minute was an anomaly). */
export function foldMinute(p: PairState): void {
  if (p.perMinute > 0 && !p.minuteFired) p.ep.rate.add(p.perMinute);
  p.perMinute = 0;
  p.minuteFired = false;
}

/** Closes a pair's object window into the endpoint's distinct-object baselines. */
export function foldWindow(p: PairState): void {
  if (p.objects !== undefined && p.objects.length > 0 && !p.windowFired) {
    const ep = p.ep;
    (ep.unknownBase ??= new LogHistogram(5000)).add(p.unknown);
    (ep.errorBase ??= new LogHistogram(5000)).add(p.refused);
    (ep.objectBase ??= new LogHistogram(5000)).add(p.ok);
  }
  clearWindow(p);
}

/** Empties a pair's object window (after folding it, or when `pairOf` refills a dropped pair). */
export function clearWindow(p: PairState): void {
  p.objects = undefined;
  p.requests = 0;
  p.errors = 0;
  p.ok = 0;
  p.unknown = 0;
  p.unknownOk = 0;
  p.refused = 0;
  p.missing = 0;
  p.windowFired = false;
}
