import { kindParamName, tokenKind, type TokenKind } from './token-types.js';
import { lowerCase, upperCase } from '../util/ascii-case.js';

/**
 * Learns an API's path templates from concrete request paths.
 *
 * Per host, a prefix tree of segments. A segment whose shape is a value (number, UUID, hash, date, e-mail,
 * token) goes to the node's parameter child at once. Free text starts as a *pending* literal child with its
 * own sub-tree, so the evidence about it stays separate until it is judged:
 *
 * - a node becomes a parameter position when most of its pending literals were seen once
 *   (many distinct values, each rare: Good-Turing's "the next one will be new"); its rare literals are then
 *   merged into the parameter child, sub-trees and all, which is what keeps state bounded by endpoints;
 * - a pending literal beside such a parameter stays static when the distribution of what follows it
 *   (methods, next segments) differs from the parameter's, by a G-test: `public-key` beside `{secret_name}`,
 *   `search` beside `{customer}`, `me` beside `{username}` (all its requests are a GET that values rarely get);
 *   a popular value (`octocat`) follows the same distribution as the parameter and is merged;
 * - a node holds at most `maxPending` pending literals: beyond that the rarest are merged if the node looks
 *   like a parameter position, else its allowance grows up to `maxLiterals`; a host holds at most
 *   `maxNodesPerHost` nodes, after which new free text goes straight to parameters.
 *
 * Decisions need evidence, and early traffic looks alike for a 60-way static fan-out (`/v1/customers`,
 * `/v1/charges`...) and a parameter. So collapses happen online only under memory pressure; `templates()`
 * (and `settle()`) apply the full rule with all evidence seen so far.
 *
 * Values that span segments (git refs with `/`, file paths under `/contents/{path}`) first leave a chain of
 * parameters; `settle` folds a chain whose links end alike (same methods and static sub-paths) into one
 * multi-segment parameter, which `resolve` lets take any number of segments (`foldContinuations`).
 *
 * @example
 * const t = createPathTemplater();
 * t.observe('api.github.com', 'GET', '/repos/octocat/hello-world/issues/42');
 * // ...after enough traffic: { template: '/repos/{repo}/{name}/issues/{issue_id}', confidence: 0.9, origin: 'traffic' }
 */

export interface TemplaterOptions {
  /** Pending literals a node needs before it can be judged a parameter position. */
  minDistinct: number;
  /** Share of a node's pending literals seen once, at or above which it is a parameter position. */
  singletonShare: number;
  /** Pending literals a node keeps before merging the rarest (or, for a static-looking node, growing). */
  maxPending: number;
  /** Hard cap on literal children of one node. */
  maxLiterals: number;
  /** Node budget per host; past it, unknown free text goes to parameters. */
  maxNodesPerHost: number;
  /** Hosts learned; requests for further hosts are templated by token type only. */
  maxHosts: number;
  /** Segments of a path considered; the rest is ignored. */
  maxSegments: number;
  /** Requests a pending literal needs before it can be proved static beside a parameter. */
  minStaticHits: number;
  /** G statistic (log-likelihood ratio) above which a literal's follow-up distribution differs from its parameter sibling's. */
  staticG: number;
  /** Requests, as a multiple of a value's mean, above which a literal not mirroring the parameter's sub-paths is static. */
  frequencyRatio: number;
  /** Requests after which a typed segment that never changed (`/api/2/`) is read as a constant. */
  constantHits: number;
  /** Requests, as a multiple of the most requested value merged into the parameter, above which `frequencyRatio` applies. */
  headRatio: number;
}

export const DEFAULT_TEMPLATER_OPTIONS: Readonly<TemplaterOptions> = Object.freeze({
  minDistinct: 6,
  singletonShare: 0.5,
  maxPending: 64,
  maxLiterals: 512,
  maxNodesPerHost: 100_000,
  maxHosts: 1_000,
  maxSegments: 32,
  minStaticHits: 5,
  staticG: 20,
  frequencyRatio: 8,
  constantHits: 20,
  headRatio: 6,
});

export type TemplateOrigin = 'traffic' | 'spec';

export interface TemplateMatch {
  template: string;
  confidence: number;
  origin: TemplateOrigin;
}

export interface DiscoveredTemplate extends TemplateMatch {
  host: string;
  method: string;
  requests: number;
  evidence: string[];
}

export interface PathTemplater {
  /** Learns from one concrete path and returns the template it maps to now. O(segments) amortised. */
  observe(host: string, method: string, path: string): TemplateMatch;
  /**
   * `observe`, for the template only: the same template string, read from a per-host cache of paths while the
   * tree has not changed in a way that could rename one (the pipeline's per-event call).
   */
  learn(host: string, method: string, path: string): string;
  /** Maps a path, or a template returned earlier (possibly before a later collapse), to the current template, without learning. */
  resolve(host: string, method: string, pathOrTemplate: string): TemplateMatch;
  /** All current templates, after settling pending decisions with all evidence so far. */
  templates(host?: string): DiscoveredTemplate[];
  /** Templates from an OpenAPI spec: they win over learned ones (a `{param}` matches one segment). */
  addKnownTemplates(host: string, templates: Array<{ method?: string; path: string }>): void;
  /** Applies the full collapse rule now (`templates()` does this first). */
  settle(host?: string): void;
  /** Node count of a host's tree (for memory tests and metrics). */
  nodeCount(host: string): number;
  exportState(): unknown;
  importState(state: unknown): void;
}

const PENDING = 0;
const STATIC = 1;
const SPEC = 2;
type LitState = typeof PENDING | typeof STATIC | typeof SPEC;

interface Node {
  lit: Map<string, Node> | undefined;
  param: Node | undefined;
  hits: number;
  /** Parent's hits when this node was created: a literal's age. */
  born: number;
  methods: Map<string, number> | undefined;
  state: LitState;
  /** G statistic that made this literal static, for evidence. */
  g: number;
  // Counters over pending literal children, kept exact by `recount`.
  pend: number;
  single: number;
  /** Grown allowance of pending literals, 0 = default. */
  cap: number;
  // Parameter-node facts.
  name: string | undefined;
  kinds: Partial<Record<TokenKind | 'text', number>> | undefined;
  /** Distinct free-text values merged into this parameter. */
  values: number;
  /** True once free text has been merged here: the position is known to take arbitrary values. */
  text: boolean;
  spec: boolean;
  specMethods: Set<string> | undefined;
  /** The only typed value seen so far (`2` in `/api/2/...`), until a second one shows up. */
  sole: string | undefined;
  varied: boolean;
  /**
   * A parameter whose values may span segments (`/contents/{path}` for `src/a.ts`): resolve reads further
   * segments as part of the value until one is a judged literal child. Set by `foldContinuations`.
   */
  multi: boolean;
  /** Segments folded into a multi-segment parameter so far (for evidence). */
  depth: number;
  /** Requests of the most requested single value merged into this parameter: the head of its value distribution. */
  top: number;
}

interface HostState {
  root: Node;
  nodes: number;
  events: number;
  /**
   * Bumped by every change that can change a template `resolveIn` names: a node made or removed, a literal's
   * state, a parameter's text, multi, sole or varied flag, its leading kind, its hits reaching `constantHits`.
   * Counters that only move confidence (hits, values, methods) leave it alone.
   */
  shape: number;
  /** Templates by concrete path, valid for `routesShape` (see `learn`). */
  routes: Map<string, string>;
  routesShape: number;
}

function newNode(born: number): Node {
  return {
    lit: undefined,
    param: undefined,
    hits: 0,
    born,
    methods: undefined,
    state: PENDING,
    g: 0,
    pend: 0,
    single: 0,
    cap: 0,
    name: undefined,
    kinds: undefined,
    values: 0,
    text: false,
    spec: false,
    specMethods: undefined,
    sole: undefined,
    varied: false,
    multi: false,
    depth: 0,
    top: 0,
  };
}

function newHost(root: Node, nodes: number, events: number): HostState {
  return { root, nodes, events, shape: 0, routes: new Map(), routesShape: 0 };
}

/** Paths `learn` remembers across all hosts before it forgets them all (a path and its template each). */
const MAX_ROUTES = 16_384;
/** Longer paths are resolved afresh: they are rarely repeated, and the cache must stay small. */
const MAX_ROUTE_PATH = 512;

/** The kind a parameter is named after (`labelFor`): the most frequent, the first seen on a tie. */
function leadingKind(kinds: Partial<Record<TokenKind | 'text', number>>): string | undefined {
  let kind: string | undefined;
  let best = -1;
  for (const k in kinds) {
    const n = kinds[k as TokenKind | 'text'] ?? 0;
    if (n > best) {
      best = n;
      kind = k;
    }
  }
  return kind;
}

const METHOD_MAX = 16;

function normMethod(method: string): string {
  return upperCase(method.length > METHOD_MAX ? method.slice(0, METHOD_MAX) : method);
}

function normHost(host: string): string {
  return lowerCase(host.length > 255 ? host.slice(0, 255) : host);
}

/** Path part only, split on `/`, empty segments dropped (so `//a/` is `/a`). */
function splitPath(path: string, max: number): string[] {
  let end = path.length;
  const q = path.indexOf('?');
  if (q >= 0) end = q;
  const h = path.indexOf('#');
  if (h >= 0 && h < end) end = h;
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= end && out.length < max; i++) {
    if (i === end || path.charCodeAt(i) === 47) {
      if (i > start) out.push(path.slice(start, i));
      start = i + 1;
    }
  }
  return out;
}

function isTemplateSegment(seg: string): boolean {
  return seg.length >= 2 && seg.charCodeAt(0) === 123 && seg.charCodeAt(seg.length - 1) === 125;
}

/** `users` -> `user`, `categories` -> `category`, `addresses` -> `address`, `check-runs` -> `check_run`. */
export function singular(word: string): string {
  let w = word.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  if (w.length > 40) w = w.slice(0, 40);
  if (w.endsWith('ies') && w.length > 4) return w.slice(0, -3) + 'y';
  if (/(ss|sh|ch|x)es$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && w.length > 3) return w.slice(0, -1);
  return w;
}

export function createPathTemplater(options: Partial<TemplaterOptions> = {}): PathTemplater {
  const opts: TemplaterOptions = { ...DEFAULT_TEMPLATER_OPTIONS, ...options };
  const hosts = new Map<string, HostState>();

  function host(name: string, create: boolean): HostState | undefined {
    let h = hosts.get(name);
    if (!h && create && hosts.size < opts.maxHosts) {
      h = newHost(newNode(0), 1, 0);
      hosts.set(name, h);
    }
    return h;
  }

  function bump(map: Map<string, number>, key: string, n: number): void {
    map.set(key, (map.get(key) ?? 0) + n);
  }

  function ensureParam(h: HostState, node: Node, parentKey: string | undefined, kind: TokenKind | 'text'): Node {
    let p = node.param;
    if (!p) {
      p = newNode(node.hits);
      // Display names are derived when rendering (`labelFor`); the stored name is only the spec's.
      p.name = kindParamName(kind);
      p.kinds = {};
      node.param = p;
      h.nodes++;
      h.shape++;
    }
    return p;
  }

  // Names are asked for on every call that resolves to a parameter; the literals before parameters are few.
  const namesByKind = new Map<TokenKind | 'text', Map<string, string>>();
  function paramName(parentKey: string, kind: TokenKind | 'text'): string {
    let names = namesByKind.get(kind);
    if (names === undefined) namesByKind.set(kind, (names = new Map()));
    let name = names.get(parentKey);
    if (name === undefined) {
      name = deriveParamName(parentKey, kind);
      if (names.size >= 4096) names.clear();
      names.set(parentKey, name);
    }
    return name;
  }

  function deriveParamName(parentKey: string, kind: TokenKind | 'text'): string {
    const base = singular(parentKey);
    if (kind === 'text') return base || 'name';
    if (kind === 'int' || kind === 'uuid' || kind === 'token' || kind === 'redacted') return `${base}_id`;
    return `${base}_${kindParamName(kind)}`;
  }

  function recount(node: Node): void {
    let pend = 0;
    let single = 0;
    if (node.lit) {
      for (const c of node.lit.values()) {
        if (c.state !== PENDING) continue;
        pend++;
        if (c.hits <= 1) single++;
      }
    }
    node.pend = pend;
    node.single = single;
  }

  /** Most pending literals rare: a parameter position (or too little evidence to say otherwise, see class doc). */
  function looksVariable(node: Node): boolean {
    return node.pend >= opts.minDistinct && node.single >= opts.singletonShare * node.pend;
  }

  /** Moves `src` (a pending literal or a parameter) into `dst`, adding counts and merging sub-trees. */
  function mergeInto(h: HostState, src: Node, dst: Node, srcIsValue: boolean): void {
    h.shape++;
    dst.hits += src.hits;
    if (srcIsValue) {
      dst.top = Math.max(dst.top, src.hits);
      dst.values += 1;
      dst.kinds ??= {};
      dst.kinds.text = (dst.kinds.text ?? 0) + src.hits;
    } else {
      dst.top = Math.max(dst.top, src.top);
      dst.values += src.values;
      if (src.kinds) {
        dst.kinds ??= {};
        for (const [k, n] of Object.entries(src.kinds) as Array<[TokenKind | 'text', number]>) dst.kinds[k] = (dst.kinds[k] ?? 0) + n;
      }
    }
    if (src.methods) {
      dst.methods ??= new Map();
      for (const [m, n] of src.methods) bump(dst.methods, m, n);
    }
    if (src.specMethods) {
      dst.specMethods ??= new Set();
      for (const m of src.specMethods) dst.specMethods.add(m);
    }
    if (src.text) dst.text = true;
    if (src.multi) dst.multi = true;
    dst.depth = Math.max(dst.depth, src.depth);
    if (src.varied || dst.varied || (src.sole !== undefined && dst.sole !== undefined && src.sole !== dst.sole)) dst.varied = true;
    else dst.sole ??= src.sole;
    if (srcIsValue || src.kinds?.text) dst.varied = true;
    if (src.param) {
      if (dst.param) {
        mergeInto(h, src.param, dst.param, false);
        h.nodes--;
      } else {
        dst.param = src.param;
      }
    }
    if (src.lit) {
      for (const [key, child] of src.lit) {
        const existing = dst.lit?.get(key);
        if (existing) {
          if (child.state > existing.state) existing.state = child.state;
          mergeInto(h, child, existing, false);
          h.nodes--;
        } else {
          dst.lit ??= new Map();
          child.born = Math.min(child.born, dst.hits);
          dst.lit.set(key, child);
        }
      }
      recount(dst);
      if (dst.pend > pendingCap(dst)) relieve(h, dst);
    }
  }

  function pendingCap(node: Node): number {
    return node.cap || opts.maxPending;
  }

  function makeParam(h: HostState, node: Node, key: string | undefined): Node {
    const p = ensureParam(h, node, key, 'text');
    if (!p.text || !p.varied) {
      p.text = true;
      p.varied = true;
      h.shape++;
    }
    return p;
  }

  function mergeLiteral(h: HostState, node: Node, key: string, child: Node, parentKey: string | undefined): void {
    const p = makeParam(h, node, parentKey);
    node.lit?.delete(key);
    mergeInto(h, child, p, true);
    h.nodes--;
  }

  /** Memory pressure on one node: merge the rarest pending literals, or grow the allowance of a static-looking node. */
  function relieve(h: HostState, node: Node, parentKey?: string): void {
    if (!node.lit) return;
    h.shape++;

    // Early on, a wide static fan-out (70 sub-resources of `/repos/{owner}/{repo}`, each seen once) looks
    // exactly like a parameter. Merge only once the node has had several requests per literal, or when the
    // allowance has already grown four-fold; until then grow.
    // Siblings that share sub-structure are values of one parameter, whatever their counts.
    const shared = node.param?.text || node.param?.spec ? undefined : siblingsShareStructure(node);
    if (shared) {
      for (const [k, c] of shared) if (node.lit.get(k) === c && c.state === PENDING) mergeLiteral(h, node, k, c, parentKey);
      for (const [k, c] of [...node.lit]) if (c.state === PENDING && c.hits <= 2) mergeLiteral(h, node, k, c, parentKey);
      recount(node);
      return;
    }
    const sure = node.param?.text || node.param?.spec || (looksVariable(node) && (node.hits >= 4 * node.pend || pendingCap(node) >= 4 * opts.maxPending));
    if (!sure && pendingCap(node) < opts.maxLiterals) {
      node.cap = Math.min(opts.maxLiterals, pendingCap(node) * 2);
      return;
    }
    const pending: Array<[string, Node]> = [];
    for (const e of node.lit) if (e[1].state === PENDING) pending.push(e);
    pending.sort((a, b) => a[1].hits - b[1].hits || a[1].born - b[1].born);
    const n = Math.max(1, pending.length >> 1);
    for (let i = 0; i < n; i++) {
      const e = pending[i];
      if (e) mergeLiteral(h, node, e[0], e[1], parentKey);
    }
    recount(node);
  }

  /**
   * The structural signal: `pods`, `services` under many namespace values, `issues` two levels down
   * under many owners. Returns the pending children that send most of their traffic into a literal
   * descendant (one or two levels down) shared with at least two siblings, when they are most of the
   * children that have descendants at all. A static fan-out's children (`customers`, `charges`) have mostly
   * distinct descendants; statics followed by a parameter (`/files/{path}`, `/folders/{path}`) share only
   * the parameter's popular values, which take a small part of their traffic.
   */
  function siblingsShareStructure(node: Node): Array<[string, Node]> | undefined {
    if (!node.lit) return undefined;
    const keysOf = new Map<Node, string[]>();
    const freq = new Map<string, number>();
    for (const c of node.lit.values()) {
      if (c.state !== PENDING || !c.lit) continue;
      const keys = new Set<string>();
      let i = 0;
      for (const [k, g] of c.lit) {
        if (i++ >= 16) break;
        keys.add(k);
        if (!g.lit) continue;
        let j = 0;
        for (const k2 of g.lit.keys()) {
          if (j++ >= 16) break;
          keys.add('*/' + k2);
        }
      }
      const list = [...keys];
      keysOf.set(c, list);
      for (const k of list) freq.set(k, (freq.get(k) ?? 0) + 1);
    }
    if (keysOf.size < opts.minDistinct) return undefined;
    const shared = (k: string) => (freq.get(k) ?? 0) >= 3;
    const out: Array<[string, Node]> = [];
    for (const [k, c] of node.lit) {
      if (!keysOf.has(c) || !c.lit) continue;
      // Traffic into shared descendants, out of all the traffic that goes on below `c` (popular children come
      // first, so the first few children alone would overstate it).
      let into = 0;
      let all = c.hits;
      if (c.methods) for (const n of c.methods.values()) all -= n;
      let i = 0;
      for (const [k1, g] of c.lit) {
        if (i++ >= 64) break;
        if (shared(k1)) {
          into += g.hits;
          continue;
        }
        if (!g.lit) continue;
        let j = 0;
        for (const [k2, g2] of g.lit) {
          if (j++ >= 16) break;
          if (shared('*/' + k2)) into += g2.hits;
        }
      }
      if (into > 0 && 2 * into >= all) out.push([k, c]);
    }
    return out.length >= opts.minDistinct && out.length >= 0.5 * keysOf.size ? out : undefined;
  }

  /** What follows a node: methods that end there and the next segments, as (key, count). */
  function profile(node: Node, out: Array<[string, number]>): void {
    if (node.methods) for (const [m, n] of node.methods) out.push(['$' + m, n]);
    if (node.lit) for (const [k, c] of node.lit) out.push([k, c.hits]);
    if (node.param) out.push(['{}', node.param.hits]);
  }

  function refCount(p: Node, key: string): number | undefined {
    // Before `p`'s own position is settled, its literals seen once are its values.
    if (key === '{}') return (p.param?.hits ?? 0) + (p.param?.text ? 0 : p.single);
    if (key.charCodeAt(0) === 36) return p.methods?.get(key.slice(1)) ?? 0;
    const lit = p.lit?.get(key);
    if (lit) return lit.hits;
    return undefined;
  }

  /**
   * Log-likelihood ratio (G) of "what follows `c`" against "what follows the parameter `p`". Rare
   * next-segments of `c` that `p` has never seen are values of a deeper position: they count as `p`'s
   * parameter when it has one and are ignored otherwise, so that a popular value's own values do not
   * make it look static.
   */
  function gStatistic(c: Node, p: Node): { g: number; n: number; df: number; mirrored: number; deeper: number } {
    const prof: Array<[string, number]> = [];
    profile(c, prof);
    const keys = new Map<string, number>();
    let n = 0;
    for (const [k, cnt] of prof) {
      let key = k;
      if (refCount(p, k) === undefined) {
        const minor = cnt < opts.minStaticHits || cnt * 4 < c.hits;
        // A popular next segment that ends as `p` does (`hotfix/login` beside `{branch}`, then GET, DELETE
        // and `/release` like `{branch}`) is the rest of a value spanning two segments.
        const next = minor || k === '{}' || k.charCodeAt(0) === 36 ? undefined : c.lit?.get(k);
        if (minor || (next && sameFollowUps(p, next))) key = '{}';
        else if (cnt <= 2) continue;
      }
      keys.set(key, (keys.get(key) ?? 0) + cnt);
      n += cnt;
    }
    if (n === 0) return { g: 0, n, df: 0, mirrored: 0, deeper: 0 };
    const kinds = (p.methods?.size ?? 0) + (p.lit?.size ?? 0) + (p.param ? 1 : 0) + 1;
    const denom = p.hits + 0.5 * kinds;
    let g = 0;
    let below = 0;
    let shared = 0;
    for (const [k, cnt] of keys) {
      const ref = refCount(p, k) ?? 0;
      g += cnt * Math.log(cnt / (n * ((ref + 0.5) / denom)));
      if (k.charCodeAt(0) !== 36) {
        below += cnt;
        if (ref > 0) shared += cnt;
      }
    }
    return { g: 2 * g, n, df: keys.size - 1, mirrored: below ? shared / below : 0, deeper: below };
  }

  /**
   * Far more requests than a value of `p` gets, and not mirroring `p`'s sub-paths: a static sibling with the
   * same shape as the parameter (`GET /boards/{id}/actions` beside `GET /boards/{id}/{field}`). A popular
   * value (`octocat`) is as frequent but repeats the parameter's sub-paths, so it stays a value.
   *
   * "Far more" is measured against the mean and against the head of the value distribution (the most
   * requested value merged so far): popularity is heavy-tailed, so the most requested of 60 values gets
   * about ten times the mean, and only about twice the next one. A leaf value at the head
   * (`/stickers/{sticker}`'s favourite) is then merged, not kept as a static leaf.
   */
  function frequencyStatic(c: Node, p: Node): boolean {
    let values = p.values;
    // Typed values (ids, UUIDs) rarely repeat: one value per request.
    if (p.kinds) for (const [k, n] of Object.entries(p.kinds)) if (k !== 'text') values += n ?? 0;
    if (c.hits < 2 * opts.minStaticHits || values === 0) return false;
    const mean = p.hits / values;
    if (c.hits < opts.frequencyRatio * mean) return false;
    if (c.hits < opts.headRatio * p.top) return false;
    return gStatistic(c, p).mirrored < 0.5;
  }

  function judge(c: Node, p: Node): boolean {
    if (c.hits < opts.minStaticHits) return false;
    const { g, n, df, mirrored, deeper } = gStatistic(c, p);
    // Most of its traffic goes on to sub-paths the parameter also has: a popular value, whatever G says
    // (a popular value's own popular sub-values make its distribution lumpy).
    if (deeper >= 0.5 * n && mirrored >= 0.8) {
      if (c.state === STATIC) c.state = PENDING;
      return false;
    }
    // G is chi-square distributed with df degrees of freedom when `c` is a value: the bar rises with df
    // (about p < 1e-4), else a popular value with many sub-paths would pass on noise alone.
    const bar = opts.staticG + df + 4 * Math.sqrt(2 * df);
    if ((n >= opts.minStaticHits && g >= bar) || frequencyStatic(c, p)) {
      c.state = STATIC;
      c.g = g;
      return true;
    }
    if (c.state === STATIC) c.state = PENDING;
    return false;
  }

  function step(h: HostState, node: Node, seg: string, parentKey: string | undefined): Node {
    const lit = node.lit?.get(seg);
    if (lit) {
      lit.hits++;
      if (lit.hits === opts.constantHits) h.shape++;
      if (lit.state === PENDING) {
        if (lit.hits === 2) node.single--;
        // Judge at powers of two: enough to catch a static sibling early, amortised O(1).
        if (node.param?.text && lit.hits >= opts.minStaticHits && (lit.hits & (lit.hits - 1)) === 0) {
          h.shape++;
          if (judge(lit, node.param)) recount(node);
        }
      }
      return lit;
    }
    const kind = tokenKind(seg);
    if (kind) {
      const p = ensureParam(h, node, parentKey, kind);
      countKind(h, p, kind);
      p.hits++;
      if (p.hits === opts.constantHits) h.shape++;
      if (!p.varied && p.sole !== seg) {
        if (p.sole === undefined && p.hits === 1) p.sole = seg;
        else p.varied = true;
        h.shape++;
      }
      return p;
    }
    if ((node.param && node.param.spec) || h.nodes >= opts.maxNodesPerHost || (node.lit?.size ?? 0) >= opts.maxLiterals) {
      const p = makeParam(h, node, parentKey);
      countKind(h, p, 'text');
      p.values++;
      p.hits++;
      return p;
    }
    const child = newNode(node.hits);
    child.hits = 1;
    node.lit ??= new Map();
    node.lit.set(seg, child);
    h.shape++;
    h.nodes++;
    node.pend++;
    node.single++;
    if (node.pend > pendingCap(node)) {
      relieve(h, node, parentKey);
      const still = node.lit.get(seg);
      if (!still) return node.param as Node;
    }
    return child;
  }

  /** Counts a value of `kind` at parameter `p`; a kind that takes the lead renames the parameter (`labelFor`). */
  function countKind(h: HostState, p: Node, kind: TokenKind | 'text'): void {
    const kinds = (p.kinds ??= {});
    const n = kinds[kind];
    if (n === undefined) {
      kinds[kind] = 1;
      h.shape++;
      return;
    }
    const lead = leadingKind(kinds);
    kinds[kind] = n + 1;
    if (lead !== kind && leadingKind(kinds) !== lead) h.shape++;
  }

  /** Learns from one path: counts it down the tree, making nodes as needed; returns its segments. */
  function walk(h: HostState, m: string, path: string): string[] {
    const segs = splitPath(path, opts.maxSegments);
    h.events++;
    let node = h.root;
    node.hits++;
    let parentKey: string | undefined;
    for (const seg of segs) {
      node = step(h, node, seg, parentKey);
      parentKey = seg;
    }
    node.methods ??= new Map();
    bump(node.methods, m, 1);
    return segs;
  }

  function observe(hostName: string, method: string, path: string): TemplateMatch {
    const h = host(normHost(hostName), true);
    if (!h) return tokenOnlyMatch(path);
    const m = normMethod(method);
    return resolveIn(h, m, walk(h, m, path));
  }

  let routeCount = 0;
  function learn(hostName: string, method: string, path: string): string {
    const h = host(normHost(hostName), true);
    if (!h) return tokenOnlyMatch(path).template;
    const m = normMethod(method);
    const segs = walk(h, m, path);
    if (h.routesShape !== h.shape) {
      routeCount -= h.routes.size;
      h.routes.clear();
      h.routesShape = h.shape;
    }
    let template = h.routes.get(path);
    if (template === undefined) {
      template = resolveIn(h, m, segs).template;
      if (path.length <= MAX_ROUTE_PATH) {
        if (routeCount >= MAX_ROUTES) {
          for (const other of hosts.values()) other.routes.clear();
          routeCount = 0;
        }
        h.routes.set(path, template);
        routeCount++;
      }
    }
    return template;
  }

  function tokenOnlyMatch(path: string): TemplateMatch {
    const segs = splitPath(path, opts.maxSegments).map((s) => {
      const k = tokenKind(s);
      return k ? `{${kindParamName(k)}}` : s;
    });
    return { template: '/' + segs.join('/'), confidence: 0.3, origin: 'traffic' };
  }

  /**
   * Walks without learning. A pending literal beside a free-text parameter is read as that parameter (it
   * is on probation), and the rest of the path is resolved in the parameter's sub-tree, which holds the
   * pooled evidence.
   */
  function resolveIn(h: HostState, method: string, segs: string[]): TemplateMatch {
    let node: Node | undefined = h.root;
    const out: string[] = [];
    // Made on the first parameter: most calls resolve to static templates, and this runs on every call.
    let used: Map<string, number> | undefined;
    let confidence = 1;
    let spec = true;
    let prevLiteral: string | undefined;
    for (const seg of segs) {
      // Inside a multi-segment value, a segment is part of the value unless it is a judged literal child.
      if (node?.multi && (node.lit?.get(seg)?.state ?? PENDING) === PENDING) continue;
      const before = out.length;
      let next: Node | undefined;
      let asParam = false;
      if (node) {
        if (isTemplateSegment(seg)) {
          next = node.param;
          asParam = true;
          if (!next) next = node.lit?.get(seg);
        } else {
          const lit: Node | undefined = node.lit?.get(seg);
          if (lit && !(lit.state === PENDING && node.param?.text)) {
            next = lit;
          } else if (node.param && (lit || node.param.text || tokenKind(seg))) {
            next = node.param;
            asParam = true;
          } else {
            next = lit;
          }
        }
      }
      if (next && asParam && isConstant(next) && (seg === next.sole || isTemplateSegment(seg))) {
        // A typed segment that never varied in plenty of traffic is a constant of the API (`/api/2/`).
        out.push(next.sole as string);
      } else if (next && asParam) {
        out.push(uniqueName(labelFor(next, prevLiteral), (used ??= new Map())));
        confidence = Math.min(confidence, paramConfidence(next));
        if (!next.spec) spec = false;
      } else if (next) {
        out.push(seg);
        confidence = Math.min(confidence, staticConfidence(node as Node, next));
        if (next.state !== SPEC) spec = false;
      } else {
        const k = isTemplateSegment(seg) ? undefined : tokenKind(seg);
        out.push(k ? uniqueName(kindParamName(k), (used ??= new Map())) : seg);
        confidence = Math.min(confidence, 0.2);
        spec = false;
      }
      const last = out[before];
      prevLiteral = last !== undefined && !isTemplateSegment(last) ? last : undefined;
      node = next;
    }
    if (spec && node && !(node.specMethods?.has(method) || node.specMethods?.has('*'))) spec = false;
    if (node === h.root && segs.length > 0) spec = false;
    return { template: render(out), confidence: round(confidence), origin: spec && segs.length > 0 ? 'spec' : 'traffic' };
  }

  /**
   * Parameter names come from the static segment before them (`/users/{user}`, `/orders/{order_id}`), else
   * from the value kind; never from a value, so no observed value leaks into a template.
   */
  function labelFor(p: Node, prevLiteral: string | undefined): string {
    if (p.spec && p.name) return p.name;
    let kind: TokenKind | 'text' = 'text';
    let best = -1;
    if (p.kinds) {
      for (const k in p.kinds) {
        const n = p.kinds[k as TokenKind | 'text'] ?? 0;
        if (n > best) {
          best = n;
          kind = k as TokenKind | 'text';
        }
      }
    }
    return prevLiteral ? paramName(prevLiteral, kind) : kindParamName(kind);
  }

  function isConstant(p: Node): boolean {
    return !p.varied && !p.spec && p.sole !== undefined && p.hits >= opts.constantHits;
  }

  function render(parts: string[]): string {
    return '/' + parts.join('/');
  }

  function uniqueName(name: string, used: Map<string, number>): string {
    const n = (used.get(name) ?? 0) + 1;
    used.set(name, n);
    return n === 1 ? `{${name}}` : `{${name}${n}}`;
  }

  function paramConfidence(p: Node): number {
    if (p.spec) return 1;
    const text = p.kinds?.text ?? 0;
    let typed = 0;
    if (p.kinds) for (const k in p.kinds) if (k !== 'text') typed += p.kinds[k as TokenKind] ?? 0;
    if (text === 0) return typed > 0 ? 0.99 : 0.5;
    // Free text: more distinct values, more certainty that this is a parameter.
    const v = Math.max(p.values, 1);
    return Math.min(0.99, v / (v + 3));
  }

  function staticConfidence(parent: Node, c: Node): number {
    if (c.state === SPEC) return 1;
    if (c.state === STATIC) return Math.min(0.99, 0.6 + c.g / (10 * opts.staticG));
    // Pending beside no parameter: as sure as the node is not a parameter position, and as the literal has repeated.
    const rare = parent.pend > 0 ? parent.single / parent.pend : 0;
    const repeat = 1 - Math.exp(-c.hits / 3);
    return Math.max(0.05, Math.min(0.99, (1 - rare) * repeat));
  }

  function round(x: number): number {
    return Math.round(x * 1000) / 1000;
  }

  function resolve(hostName: string, method: string, pathOrTemplate: string): TemplateMatch {
    const h = host(normHost(hostName), false);
    if (!h) return tokenOnlyMatch(pathOrTemplate);
    return resolveIn(h, normMethod(method), splitPath(pathOrTemplate, opts.maxSegments));
  }

  function settleNode(h: HostState, node: Node, key: string | undefined): void {
    // Settling judges, merges and folds: whatever it changes, `learn` must not serve a template named before.
    h.shape++;
    if (node.lit && node.lit.size > 0) {
      const typed = node.param;
      if (!typed?.text && !typed?.spec && looksVariable(node)) makeParam(h, node, key);
      else if (typed && !typed.text && !typed.spec && typed.hits >= 20) {
        // Beside a typed parameter (`{id}`), a free-text literal seen once or twice is a value whose shape
        // the token rules missed; a real static sibling (`me`, `latest`) repeats.
        for (const [k, c] of [...node.lit]) if (c.state === PENDING && c.hits <= 2 && typed.hits >= 20 * c.hits) mergeLiteral(h, node, k, c, key);
      }
      const p = node.param;
      if (p && (p.text || p.spec)) {
        // Rare literals first: they cannot be proved static, and they are the evidence the rest is judged
        // against. Literals judged static online, against a younger parameter, are judged again.
        const pending = [...node.lit].filter((e) => e[1].state !== SPEC).sort((a, b) => a[1].hits - b[1].hits);
        for (const [k, c] of pending) {
          if (c.hits >= opts.minStaticHits && p.hits >= opts.minStaticHits && judge(c, p)) continue;
          mergeLiteral(h, node, k, c, key);
        }
      }
      recount(node);
    }
    if (node.lit) for (const [k, c] of node.lit) settleNode(h, c, k);
    if (node.param) {
      settleNode(h, node.param, undefined);
      foldContinuations(h, node.param);
      foldPrefixes(h, node, key);
    }
  }

  /**
   * A popular first segment of multi-segment values (`src` in `src/a.ts`, beside `/contents/{path}`) is
   * requested too often to be merged as a rare value, and what follows it is a parameter, not the
   * parameter's own sub-paths. Beside a parameter whose values span segments, it is a value all the same
   * when nothing but a value follows it, and that value ends as the parameter does (same methods and
   * static sub-paths).
   */
  /**
   * `c` and everything below it read as the start of `p`'s values (`shared/team/` before a file name): it
   * goes on into a value, and wherever a path below it ends, it ends as `p` does.
   */
  function valuePrefix(p: Node, c: Node, depth: number, budget = { n: 256 }): boolean {
    // Bounded work: a sub-tree too wide or deep to check is not read as a value.
    if (depth > 4 || --budget.n < 0 || c.state === SPEC || c.spec) return false;
    const q = c.param;
    if (depth === 0 && !q && !c.lit?.size) return false;
    if (q && (!q.text || q.spec || !sameFollowUps(p, q))) return false;
    if (c.methods?.size && !sameFollowUps(p, c)) return false;
    if (c.lit) for (const g of c.lit.values()) if (!valuePrefix(p, g, depth + 1, budget)) return false;
    return true;
  }

  function foldPrefixes(h: HostState, node: Node, key: string | undefined): void {
    const p = node.param;
    // Only beside a parameter already shown to span segments: `/users/search/{query}` beside a leaf
    // `/users/{user}` is a static with a parameter of its own.
    if (!p?.multi || p.spec || !node.lit) return;
    let folded = false;
    for (const [k, c] of [...node.lit]) {
      if (c.state === SPEC || !valuePrefix(p, c, 0)) continue;
      mergeLiteral(h, node, k, c, key);
      folded = true;
    }
    if (folded) {
      recount(node);
      foldContinuations(h, p);
    }
  }

  /**
   * A value that spans segments (`src/a.ts`, `feature/login`) leaves a chain of free-text parameters whose
   * follow-ups (methods that end there, static sub-paths) are those of the first: `/contents/{}` and
   * `/contents/{}/{}` both end in GET, PUT and DELETE; `/branches/{}/protect` and `/branches/{}/{}/protect`.
   * A genuine second parameter has follow-ups of its own (`/boards/{id}` has `actions`, `cards`...,
   * `/boards/{id}/{field}` only GET), which the same G-test that keeps statics beside a parameter tells.
   * Such a chain is folded into one multi-segment parameter; a pending literal under it is a further value
   * segment unless what follows it differs.
   */
  function foldContinuations(h: HostState, p: Node): void {
    if (!p.text || (p.spec && !p.multi)) return;
    // Absorbing a literal can bring a parameter back (its own next segment): repeat until none is left.
    for (let round = 0; round < opts.maxSegments; round++) {
      let changed = false;
      while (p.param && (p.multi || continues(p, p.param))) {
        // Once a parameter spans segments, resolve reads any parameter after it as more of the value.
        const q = p.param;
        p.param = undefined;
        absorb(h, q, p, false, Math.max(p.depth, 1) + Math.max(q.depth, 1));
        changed = true;
      }
      if (!p.multi || !p.lit) return;
      // Literals judged against the parameter before the fold are judged again against the folded evidence.
      for (const [k, c] of [...p.lit]) {
        if (c.state === SPEC || (!valuePrefix(p, c, 0) && judge(c, p))) continue;
        p.lit.delete(k);
        absorb(h, c, p, true, Math.max(p.depth, 1 + Math.max(c.depth, 1)));
        changed = true;
      }
      recount(p);
      if (!changed || !p.param) return;
    }
  }

  /** Folds `src`, a further segment of `p`'s values, into `p`: its follow-ups become `p`'s own. */
  function absorb(h: HostState, src: Node, p: Node, srcIsValue: boolean, depth: number): void {
    const hits = p.hits;
    mergeInto(h, src, p, srcIsValue);
    h.nodes--;
    // Its requests went through `p` already.
    p.hits = hits;
    p.multi = true;
    p.depth = Math.min(depth, opts.maxSegments);
  }

  /**
   * Whether `q` (the parameter after `p`) is a further segment of `p`'s values: its follow-ups, apart from
   * yet another value segment, are distributed as `p`'s are (a two-sample G-test, the same bar as `judge`).
   */
  function continues(p: Node, q: Node): boolean {
    return q.text && !q.spec && sameFollowUps(p, q);
  }

  /** What ends at or follows `q` (apart from a further value segment) is distributed as for `p`. */
  function sameFollowUps(p: Node, q: Node): boolean {
    if (q.hits < opts.minStaticHits) return false;
    const a: Array<[string, number]> = [];
    const b: Array<[string, number]> = [];
    profile(p, a);
    profile(q, b);
    const table = new Map<string, [number, number]>();
    let na = 0;
    let nb = 0;
    for (const [k, n] of a) {
      if (k === '{}') continue;
      table.set(k, [n, 0]);
      na += n;
    }
    for (const [k, n] of b) {
      if (k === '{}') continue;
      const row = table.get(k);
      // A rare next segment that `p` never had is a deeper value segment.
      if (!row && n < opts.minStaticHits) continue;
      if (row) row[1] += n;
      else table.set(k, [0, n]);
      nb += n;
    }
    if (nb < opts.minStaticHits || na === 0) return false;
    const total = na + nb;
    let g = 0;
    for (const [x, y] of table.values()) {
      const col = x + y;
      if (x > 0) g += x * Math.log((x * total) / (na * col));
      if (y > 0) g += y * Math.log((y * total) / (nb * col));
    }
    g *= 2;
    const df = table.size - 1;
    const bar = opts.staticG + df + 4 * Math.sqrt(2 * df);
    return g < bar;
  }

  function settle(hostName?: string): void {
    const list = hostName === undefined ? [...hosts.values()] : [host(normHost(hostName), false)];
    for (const h of list) if (h) settleNode(h, h.root, undefined);
  }

  function evidenceFor(path: Array<{ key: string; node: Node; parent: Node }>, labels: string[]): string[] {
    const ev: string[] = [];
    for (let i = 0; i < path.length; i++) {
      const { node, parent } = path[i]!;
      const key = labels[i] ?? path[i]!.key;
      if (node === parent.param) {
        if (node.spec) {
          ev.push(`${key}: from spec`);
          continue;
        }
        const kinds = Object.entries(node.kinds ?? {})
          .filter(([k]) => k !== 'text')
          .map(([k]) => k);
        const parts: string[] = [];
        if (kinds.length) parts.push(`${kinds.join(', ')} values`);
        if (node.values > 0) parts.push(`${node.values} distinct free-text values, most seen once`);
        if (node.multi) parts.push(`values span up to ${Math.max(node.depth, 2)} segments, and what follows a value does not depend on its length`);
        ev.push(`${key}: ${parts.join('; ') || 'parameter'}`);
      } else if (node.state === STATIC && parent.param) {
        ev.push(`${key}: static beside a parameter, ${node.hits} requests, what follows it differs (G=${Math.round(node.g)})`);
      } else if (node.state === SPEC) {
        ev.push(`${key}: from spec`);
      }
    }
    return ev;
  }

  function templates(hostName?: string): DiscoveredTemplate[] {
    settle(hostName);
    const out: DiscoveredTemplate[] = [];
    const names = hostName === undefined ? [...hosts.keys()] : [normHost(hostName)];
    for (const name of names) {
      const h = hosts.get(name);
      if (!h) continue;
      const trail: Array<{ key: string; node: Node; parent: Node }> = [];
      const segs: string[] = [];
      const visit = (node: Node): void => {
        const methods = new Set<string>([...(node.methods?.keys() ?? []), ...(node.specMethods ?? [])]);
        methods.delete('*');
        if (node.specMethods?.has('*') && methods.size === 0) methods.add('GET');
        for (const m of methods) {
          const match = resolveIn(h, m, segs);
          const requests = node.methods?.get(m) ?? 0;
          const seen = 1 - Math.exp(-(requests + (node.specMethods?.has(m) ? 10 : 0)) / 3);
          out.push({
            host: name,
            method: m,
            template: match.template,
            confidence: round(match.confidence * seen),
            origin: match.origin,
            requests,
            evidence: [`${requests} requests`, ...evidenceFor(trail, match.template.split('/').slice(1))],
          });
        }
        if (node.lit) {
          for (const [k, c] of node.lit) {
            trail.push({ key: k, node: c, parent: node });
            segs.push(k);
            visit(c);
            segs.pop();
            trail.pop();
          }
        }
        if (node.param) {
          trail.push({ key: '{}', node: node.param, parent: node });
          segs.push('{}');
          visit(node.param);
          segs.pop();
          trail.pop();
        }
      };
      visit(h.root);
    }
    return out;
  }

  function addKnownTemplates(hostName: string, list: Array<{ method?: string; path: string }>): void {
    const h = host(normHost(hostName), true);
    if (!h) return;
    h.shape++;
    for (const t of list) {
      let node = h.root;
      let parentKey: string | undefined;
      for (const seg of splitPath(t.path, opts.maxSegments)) {
        if (seg.includes('{')) {
          // `{id}.json` and other partial templates are read as a whole-segment parameter.
          const p = ensureParam(h, node, parentKey, 'text');
          p.spec = true;
          p.text = true;
          if (isTemplateSegment(seg)) {
            // `{+path}` and `{path*}` (RFC 6570 reserved and exploded expansion) take values with `/`.
            let inner = seg.slice(1, -1);
            if (inner.startsWith('+') || inner.endsWith('*')) {
              p.multi = true;
              inner = inner.replace(/^\+/, '').replace(/\*$/, '');
            }
            p.name = inner.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64) || p.name;
          }
          node = p;
        } else {
          node.lit ??= new Map();
          let c = node.lit.get(seg);
          if (!c) {
            c = newNode(node.hits);
            node.lit.set(seg, c);
            h.nodes++;
          }
          c.state = SPEC;
          recount(node);
          node = c;
        }
        parentKey = seg;
      }
      node.specMethods ??= new Set();
      node.specMethods.add(t.method ? normMethod(t.method) : '*');
    }
  }

  function nodeCount(hostName: string): number {
    return hosts.get(normHost(hostName))?.nodes ?? 0;
  }

  // ---- state ------------------------------------------------------------------------------------------

  interface NodeJson {
    h: number;
    b: number;
    s?: LitState;
    g?: number;
    c?: number;
    m?: Record<string, number>;
    l?: Record<string, NodeJson>;
    p?: NodeJson;
    n?: string;
    k?: Record<string, number>;
    v?: number;
    t?: 1;
    sp?: 1;
    sm?: string[];
    so?: string;
    va?: 1;
    /** Multi-segment parameter, and the most segments folded into it (absent in older state). */
    mu?: 1;
    d?: number;
    /** Requests of the most requested value merged in (absent in older state: the head test then waits for new merges). */
    tp?: number;
  }

  function toJson(node: Node): NodeJson {
    const j: NodeJson = { h: node.hits, b: node.born };
    if (node.state) j.s = node.state;
    if (node.g) j.g = round(node.g);
    if (node.cap) j.c = node.cap;
    if (node.methods) j.m = Object.fromEntries(node.methods);
    if (node.lit?.size) j.l = Object.fromEntries([...node.lit].map(([k, c]) => [k, toJson(c)]));
    if (node.param) j.p = toJson(node.param);
    if (node.name !== undefined) j.n = node.name;
    if (node.kinds) j.k = node.kinds as Record<string, number>;
    if (node.values) j.v = node.values;
    if (node.text) j.t = 1;
    if (node.spec) j.sp = 1;
    if (node.specMethods) j.sm = [...node.specMethods];
    if (node.sole !== undefined) j.so = node.sole;
    if (node.varied) j.va = 1;
    if (node.multi) j.mu = 1;
    if (node.depth) j.d = node.depth;
    if (node.top) j.tp = node.top;
    return j;
  }

  function num(x: unknown): number {
    return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0;
  }

  function fromJson(j: unknown, count: { n: number }, depth: number): Node {
    if (!j || typeof j !== 'object' || depth > opts.maxSegments + 1) throw new Error('path templater state: bad node');
    const o = j as Record<string, unknown>;
    count.n++;
    if (count.n > opts.maxNodesPerHost * 2) throw new Error('path templater state: too many nodes');
    const node = newNode(num(o.b));
    node.hits = num(o.h);
    node.state = o.s === STATIC || o.s === SPEC ? o.s : PENDING;
    node.g = num(o.g);
    node.cap = Math.min(num(o.c), opts.maxLiterals);
    if (o.m && typeof o.m === 'object') node.methods = new Map(Object.entries(o.m as Record<string, unknown>).map(([k, v]) => [normMethod(k), num(v)]));
    if (o.l && typeof o.l === 'object') {
      node.lit = new Map();
      for (const [k, c] of Object.entries(o.l as Record<string, unknown>)) node.lit.set(k, fromJson(c, count, depth + 1));
      recount(node);
    }
    if (o.p !== undefined) node.param = fromJson(o.p, count, depth + 1);
    if (typeof o.n === 'string') node.name = o.n.slice(0, 64);
    if (o.k && typeof o.k === 'object') {
      node.kinds = {};
      for (const [k, v] of Object.entries(o.k as Record<string, unknown>)) (node.kinds as Record<string, number>)[k] = num(v);
    }
    node.values = num(o.v);
    node.text = o.t === 1;
    node.spec = o.sp === 1;
    if (typeof o.so === 'string') node.sole = o.so.slice(0, 512);
    node.varied = o.va === 1;
    node.multi = o.mu === 1;
    node.depth = Math.min(num(o.d), opts.maxSegments);
    node.top = num(o.tp);
    if (Array.isArray(o.sm)) node.specMethods = new Set(o.sm.filter((x): x is string => typeof x === 'string').map(normMethod));
    return node;
  }

  function exportState(): unknown {
    return {
      version: 1,
      hosts: Object.fromEntries([...hosts].map(([name, h]) => [name, { events: h.events, root: toJson(h.root) }])),
    };
  }

  function importState(state: unknown): void {
    const s = state as { version?: unknown; hosts?: unknown } | null;
    if (!s || s.version !== 1 || !s.hosts || typeof s.hosts !== 'object') throw new Error('path templater state: unknown format');
    const next = new Map<string, HostState>();
    for (const [name, raw] of Object.entries(s.hosts as Record<string, unknown>)) {
      if (next.size >= opts.maxHosts) break;
      const r = raw as { events?: unknown; root?: unknown };
      const count = { n: 0 };
      const root = fromJson(r.root, count, 0);
      next.set(normHost(name), newHost(root, count.n, num(r.events)));
    }
    hosts.clear();
    for (const [k, v] of next) hosts.set(k, v);
    routeCount = 0;
  }

  return { observe, learn, resolve, templates, addKnownTemplates, settle, nodeCount, exportState, importState };
}
