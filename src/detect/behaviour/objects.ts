import { BOLA_DISTINCT_IDS, ENUM_FORCED_BROWSING, ENUM_OBJECT_IDS, SCRAPING_OBJECT_SWEEP } from './detectors.js';
import { countOf, hashRange, IdFilter, withHash } from './bounded.js';
import { isIdKey, nextJsonPair } from './json-scan.js';
import { confidenceOver, foldWindow, learnedThreshold, MINUTE, minutesSince, type EndpointState, type EventScope, type Tables } from './state.js';

/**
 * Object access across requests: which object ids (templated path segments; on a collection, its query
 * values) an actor uses on an endpoint within the object window, and how they were answered.
 *
 * - `bola-distinct-ids`: on an endpoint that anonymous callers cannot use (learned), an authenticated actor
 *   read (GET) many distinct ids that no earlier response gave it, most of the window's ids, a quarter of them
 *   at least answered 2xx (the rest 404: a walk through ids hits gaps; refused with 401 or 403, it is
 *   enumeration). "Given" is learned cheaply: the id-like fields (`id`, `orderId`, `order_id`, `sku`...) of the
 *   actor's successful collection reads and writes (`GET /orders`, `POST /checkout`; see `givesIds`) go into a
 *   per-actor Bloom filter (two generations of 256 ids; a false "given" hides an id, never invents one).
 * - `enum-object-ids`: many distinct ids, most requests answered 401, 403 or 404.
 * - `scraping-object-sweep`: many distinct objects (or pages) read (GET) with 2xx.
 * - `enum-forced-browsing`: across a host, many distinct paths answered 403 or 404.
 *
 * The first three compare the count with the endpoint's learned normal: the 99th percentile of the same count
 * over earlier actor windows, times a multiplier, never below a minimum (twice it before the endpoint has
 * `objectWarmupWindows` windows). A window that fired is not learned from.
 */

/** Characters of a collection's response read for ids; a write's response names its object first. */
const ID_SCAN = 8192;
const WRITE_SCAN = 512;
/** 2xx answers an endpoint with parameters needs before its collection's responses are read for ids. */
const MIN_JUDGED = 20;
const SEGMENT_CHARS = 256;

/**
 * Whether an endpoint's 2xx responses are worth reading for ids: writes (`POST /checkout` answers the new
 * `orderId`), and reads of a parameterless collection or singleton just under which the host has an
 * authenticated GET endpoint with parameters (`GET /v1/orders` for `/v1/orders/{id}`, `GET /v1/users/me` for `/v1/users/{id}/addresses`),
 * the only endpoints `bola-distinct-ids` judges. Other responses (`/v1/cart`, a feed, a public catalogue) are
 * never read: reading every body would be most of the engine's cost. An endpoint with parameters counts once it
 * has `MIN_JUDGED` 2xx answers, few of them to anonymous callers (junk templates from scans never do). Judged
 * again when the host gets a new endpoint with parameters, and every 64 answers.
 */
function givesIds(t: Tables, ep: EndpointState, method: string): boolean {
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') return true;
  if (method !== 'GET' || ep.traits.params.length > 0) return false;
  const prefixes = ep.host.prefixes;
  if (ep.idsJudgedAt < 0 || ep.ok2xx - ep.idsJudgedAt >= 64 || ep.idsJudgedPrefixes !== prefixes.length) {
    ep.idsJudgedAt = ep.ok2xx;
    ep.idsJudgedPrefixes = prefixes.length;
    ep.givesIds = false;
    for (const p of prefixes) {
      if (!under(ep.template, p.prefix) || p.ep.ok2xx < MIN_JUDGED || isPublic(t, p.ep)) continue;
      ep.givesIds = true;
      ep.collection ||= ep.template === p.prefix;
    }
  }
  return ep.givesIds;
}

/** `/v1/orders` and `/v1/users/me` are under `/v1/orders` and `/v1/users`; nothing is under a bare `/v1` or `/api`. */
function under(template: string, prefix: string): boolean {
  const last = prefix.lastIndexOf('/');
  const seg = prefix.slice(last + 1).toLowerCase();
  if (seg === '' || seg === 'api' || (seg.length <= 3 && seg.charCodeAt(0) === 118 && !Number.isNaN(Number(seg.slice(1))))) return false;
  if (template === prefix) return true;
  return template.startsWith(prefix) && template.charCodeAt(prefix.length) === 47 && template.indexOf('/', prefix.length + 1) < 0;
}

/** Whether anonymous callers get 2xx answers from an endpoint (so its objects are not access-controlled). */
function isPublic(t: Tables, ep: EndpointState): boolean {
  return ep.anon2xx > t.cfg.bola.maxAnonymousShare * ep.ok2xx;
}

/** Learns the ids a successful response gave an authenticated actor (see `givesIds`): 8 KiB of a collection, 512 characters of anything else. */
export function learnReturnedIds(t: Tables, s: EventScope): void {
  const res = s.event.response;
  const text = res?.body?.text;
  if (text === undefined || s.actor.actor.kind === 'address' || s.status < 200 || s.status > 299 || res?.body?.encoding === 'base64') return;
  if (!givesIds(t, s.ep, s.event.request.method)) return;
  const c0 = text.charCodeAt(0);
  if (c0 !== 123 && c0 !== 91) return;
  const filter = (s.actor.returned ??= new IdFilter());
  // A collection lists its objects; a singleton (`/users/me`) or a write's answer names its own object first.
  const end = Math.min(text.length, s.event.request.method === 'GET' && s.ep.collection ? ID_SCAN : WRITE_SCAN);
  // The engine's scratch pair: a closure per response was most of what this allocated.
  const p = t.json;
  for (let i = 0; nextJsonPair(text, i, end, p); i = p.next) {
    if (isIdKey(text, p.keyStart, p.keyEnd) && p.valueEnd > p.valueStart) filter.add(hashRange(text, p.valueStart, Math.min(p.valueEnd, p.valueStart + SEGMENT_CHARS)));
  }
  t.counters.idScans!++;
}

/** The object a request names (reused: this runs on most events and must not allocate). */
const OBJECT = { key: 0, last: 0 };

/**
 * Hash of the object a request names into `OBJECT`: its templated path segments, or on a parameterless GET
 * its query values; `last` is the hash of the last path parameter alone (what a response would have
 * returned), or 0. False when the request names no object.
 */
function objectOf(s: EventScope): boolean {
  const params = s.ep.traits.params;
  const req = s.event.request;
  if (params.length > 0) {
    const path = req.path;
    let seg = 0;
    let start = 0;
    let key = 0x811c9dc5;
    let last = 0;
    let p = 0;
    for (let i = 0; i <= path.length && p < params.length; i++) {
      if (i === path.length || path.charCodeAt(i) === 47) {
        if (seg === params[p]) {
          last = hashRange(path, start, Math.min(i, start + SEGMENT_CHARS));
          key = Math.imul(key ^ last, 0x01000193) >>> 0;
          p++;
        }
        seg++;
        start = i + 1;
      }
    }
    OBJECT.key = key;
    OBJECT.last = last;
    return p > 0;
  }
  if (req.method !== 'GET') return false;
  let key = 0x811c9dc5;
  let any = false;
  let n = 0;
  for (const name in req.query) {
    if (++n > 16) break;
    const values = req.query[name]!;
    for (let k = 0; k < values.length && k < 4; k++) {
      const v = values[k]!;
      key = Math.imul(key ^ hashRange(v, 0, Math.min(v.length, SEGMENT_CHARS)), 0x01000193) >>> 0;
      any = true;
    }
  }
  OBJECT.key = key;
  OBJECT.last = 0;
  return any;
}

const pairScope = (s: EventScope) => `${s.actor.actor.key}\u0000${s.ep.key}`;

const isRefusal = (status: number) => status === 401 || status === 403 || status === 404 || status === 410;

/** Object-id detectors for one event. */
export function observeObjects(t: Tables, s: EventScope): void {
  const { cfg } = t;
  const pair = s.pair;
  if (s.ts - pair.windowStart > cfg.objectWindowMinutes * MINUTE) {
    foldWindow(pair);
    pair.windowStart = s.ts;
  }
  if (!objectOf(s)) return;
  const obj = OBJECT;
  pair.requests++;
  const refused = isRefusal(s.status);
  if (refused) pair.errors++;
  const cap = cfg.memory.distinctCap;
  const objects = withHash(pair.objects, cap, obj.key);
  if (objects === null) return;
  pair.objects = objects;
  // Reads only: many distinct objects written or deleted with success is an operator at work, not harvesting.
  const method = s.event.request.method;
  const read = method === 'GET' || method === 'HEAD';
  const ok = read && s.status >= 200 && s.status <= 299;
  const missing = s.status === 404 || s.status === 410;
  if (ok) pair.ok++;
  if (refused) pair.refused++;
  if (missing) pair.missing++;
  // Unknown: an id no response gave this actor, read with success or found missing (a walk hits gaps).
  if (read && (ok || missing) && obj.last !== 0 && s.actor.actor.kind !== 'address' && !s.actor.returned?.has(obj.last)) {
    pair.unknown++;
    if (ok) pair.unknownOk++;
  }

  const ep = s.ep;
  const warm = cfg.objectWarmupWindows;
  const name = ep.idName;
  const mins = minutesSince(pair.windowStart, s.ts);

  if (ok && obj.last !== 0 && s.actor.actor.kind !== 'address' && ep.ok2xx >= cfg.exposure.warmupResponses && !isPublic(t, ep)) {
    const bc = cfg.bola;
    const thr = learnedThreshold(ep.unknownBase, bc.minIds, bc.multiplier, warm, cfg.memory.distinctCap);
    if (pair.unknown >= thr && pair.unknownOk >= Math.max(2, bc.minSuccessShare * pair.unknown) && pair.unknown >= bc.minUnknownShare * (pair.ok + pair.missing)) {
      const evidence =
        `${pair.unknown} distinct ${name} values never returned to this actor read in ${mins} min, ${pair.unknownOk} answered 2xx ` +
        `(${countOf(objects, cap)} distinct in all, ${pair.refused} refused); normal at most ${thr - 1}`;
      if (t.emit(BOLA_DISTINCT_IDS, s.actor.actor, pairScope(s), ep.template, confidenceOver(pair.unknown, thr, 0.65), evidence)) pair.windowFired = true;
    }
  }
  if (refused) {
    const thr = learnedThreshold(ep.errorBase, cfg.enumeration.minIds, cfg.enumeration.multiplier, warm, cfg.memory.distinctCap);
    if (pair.refused >= thr && pair.errors >= cfg.enumeration.minErrorShare * pair.requests) {
      const evidence = `${countOf(objects, cap)} distinct ${name} values in ${mins} min, ${pair.refused} of them answered 401/403/404 (${pair.errors} of ${pair.requests} requests); normal at most ${thr - 1}`;
      if (t.emit(ENUM_OBJECT_IDS, s.actor.actor, pairScope(s), ep.template, confidenceOver(pair.refused, thr), evidence)) pair.windowFired = true;
    }
  }
  if (ok) {
    const thr = learnedThreshold(ep.objectBase, cfg.scraping.minObjects, cfg.scraping.multiplier, warm, cfg.memory.distinctCap);
    if (pair.ok >= thr) {
      const what = ep.traits.params.length > 0 ? `${name} values` : 'query variants';
      const evidence = `${pair.ok} distinct ${what} read with 2xx in ${mins} min; normal at most ${thr - 1}`;
      if (t.emit(SCRAPING_OBJECT_SWEEP, s.actor.actor, pairScope(s), ep.template, confidenceOver(pair.ok, thr), evidence)) pair.windowFired = true;
    }
  }
}

/** `enum-forced-browsing`: distinct refused paths of one actor across a host. */
export function observeBrowsing(t: Tables, s: EventScope): void {
  const { cfg } = t;
  const a = s.actor;
  if (s.ts - a.browseStart > cfg.enumeration.windowMinutes * MINUTE) {
    a.browseStart = s.ts;
    a.browseRequests = 0;
    a.browseErrors = 0;
    a.browsePaths = undefined;
  }
  a.browseRequests++;
  const status = s.status;
  if (status !== 403 && status !== 404 && status !== 410) return;
  a.browseErrors++;
  const path = s.event.request.path;
  const cap = cfg.memory.distinctCap;
  const h = hashRange(path, 0, Math.min(path.length, 1024));
  const paths = withHash(a.browsePaths, cap, h);
  if (paths === null) return;
  a.browsePaths = paths;
  const min = cfg.enumeration.minPaths;
  if (paths.length >= min && a.browseErrors >= cfg.enumeration.minErrorShare * a.browseRequests) {
    const host = s.event.request.host;
    const evidence =
      `${countOf(paths, cap)} distinct paths of ${host} answered 403/404 in ${minutesSince(a.browseStart, s.ts)} min ` +
      `(${a.browseErrors} of ${a.browseRequests} requests refused)`;
    t.emit(ENUM_FORCED_BROWSING, a.actor, `${a.actor.key}\u0000${host}`, s.ep.template, confidenceOver(paths.length, min), evidence);
  }
}
