import type { ApiEvent } from '../contracts/api-event.js';
import type { HttpMethod, SpecModel, SpecOperation } from '../spec/model.js';

/**
 * Finds the spec operation an observed call belongs to, across the active spec versions.
 *
 * - Hosts come from `servers`: an absolute server URL (`https://api.example.com/v1`) matches its host
 *   (case-insensitive, port ignored: events carry the port apart); a server host with variables
 *   (`{region}.api.example.com`) matches label by label; a relative server (`/v1`) or no server
 *   matches any host. A host-specific route wins over an any-host one.
 * - The server's base path is a prefix of the template (`/v1` + `/users/{id}`); variables in it match
 *   one segment.
 * - Path templates are compiled into one segment trie per host: a lookup costs O(segments), whatever
 *   the number of operations. Literal segments beat mixed ones (`{id}.json`), which beat whole-segment
 *   parameters; the matcher backtracks (bounded) when a literal branch dead-ends.
 * - Trailing slashes are ignored (`/users/` is `/users`), empty segments too.
 * - Methods match exactly, except HEAD: with no HEAD operation on the path, HEAD matches GET (RFC 9110
 *   §9.3.2: HEAD is GET without the body; servers answer it for every GET route).
 * - Several specs documenting the same route: the first one given wins.
 * - `hostAgnostic`: every server is read as its base path only. The pipeline uses this: which hosts a
 *   spec covers is the registry's decision (its host links, from `servers` or set by hand), so it builds
 *   one matcher per set of specs that cover a host.
 * - `matchTemplate` matches a discovered path template (`/users/{id}`) and says whether the answer holds
 *   for every concrete path of the template (`exact`): then a whole endpoint is matched once, not per call.
 *
 * @example
 *   const m = createOperationMatcher([{ specId: 'github', version: 3, model }]);
 *   const r = m.match(event);
 *   if (r.kind === 'shadow') report('undocumented endpoint');
 *   else r.operation.operationId; // 'issues/list-for-repo', r.pathParams: { owner: 'o', repo: 'r' }
 */

export interface MatcherSpec {
  specId: string;
  version: number;
  model: SpecModel;
}

export interface OperationMatch {
  kind: 'match';
  specId: string;
  version: number;
  model: SpecModel;
  operation: SpecOperation;
  /** Path parameters by name, percent-decoded (`{id}` -> '42'); base path variables included. */
  pathParams: Record<string, string>;
  /** True when a HEAD request was matched to a GET operation. */
  headAsGet: boolean;
}

export type MatchResult = OperationMatch | { kind: 'shadow' };

export interface TemplateMatch {
  /** The match of the template itself (its `{param}` segments taken as parameter values). */
  result: MatchResult;
  /**
   * True when every concrete path with as many segments as the template gets this same result: no
   * template parameter stands where the spec has a literal or a mixed segment that could lead to an
   * operation (`/users/me` beside `/users/{id}` for the template `/users/{user}`, but not for
   * `/users/{user}/orders`), and no segment is partial. The caller checks the segment count (a
   * discovered parameter may span several segments).
   */
  exact: boolean;
  /** Non-empty segments of the template. */
  segments: number;
}

export interface MatcherOptions {
  /** Ignore the hosts of server URLs: route every server by its base path, whatever the host. */
  hostAgnostic?: boolean;
}

export interface OperationMatcher {
  match(event: Pick<ApiEvent, 'request'>): MatchResult;
  /** `match` on its parts. */
  matchPath(host: string, method: string, path: string): MatchResult;
  /** Matches a discovered template of `host` (see `TemplateMatch`). */
  matchTemplate(host: string, method: string, template: string): TemplateMatch;
  /** Every operation routed, for orphan detection (documented, never matched). */
  operations(): Array<{ specId: string; version: number; operation: SpecOperation }>;
}

/** Most trie nodes visited per lookup: bounds backtracking on adversarial specs. */
const MAX_VISITS = 512;

interface Route {
  spec: MatcherSpec;
  operation: SpecOperation;
  /** Parameter names in template order, with the segment they come from. */
  params: string[];
}

interface Mixed {
  /** Alternating literal parts and parameter names: literals at even indexes. */
  literals: string[];
  names: string[];
  node: TrieNode;
}

interface TrieNode {
  literal: Map<string, TrieNode>;
  mixed: Mixed[];
  param: TrieNode | null;
  methods: Map<HttpMethod, Route>;
}

const newNode = (): TrieNode => ({ literal: new Map(), mixed: [], param: null, methods: new Map() });

interface HostPattern {
  labels: Array<string | null>;
  trie: TrieNode;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

/** `{a}.{b}` -> literals ['', '.', ''], names [a, b]; plain `{a}` -> null (a whole-segment parameter). */
function parseSegment(seg: string): { kind: 'literal' } | { kind: 'param'; name: string } | { kind: 'mixed'; literals: string[]; names: string[] } {
  if (!seg.includes('{')) return { kind: 'literal' };
  const whole = /^\{([^{}]+)\}$/.exec(seg);
  if (whole) return { kind: 'param', name: whole[1]! };
  const literals: string[] = [];
  const names: string[] = [];
  let i = 0;
  let lit = '';
  while (i < seg.length) {
    const open = seg.indexOf('{', i);
    const close = open < 0 ? -1 : seg.indexOf('}', open);
    if (open < 0 || close < 0) {
      lit += seg.slice(i);
      break;
    }
    lit += seg.slice(i, open);
    literals.push(lit);
    lit = '';
    names.push(seg.slice(open + 1, close));
    i = close + 1;
  }
  literals.push(lit);
  return { kind: 'mixed', literals, names };
}

/** Left-to-right match of literal parts; each parameter takes the shortest non-empty text before the next literal. */
function matchMixed(seg: string, m: Mixed): string[] | null {
  const first = m.literals[0]!;
  if (!seg.startsWith(first)) return null;
  let pos = first.length;
  const values: string[] = [];
  for (let k = 0; k < m.names.length; k++) {
    const next = m.literals[k + 1]!;
    const last = k === m.names.length - 1;
    let end: number;
    if (last) {
      if (!seg.endsWith(next) || seg.length - next.length <= pos) return null;
      end = seg.length - next.length;
    } else if (next === '') {
      end = pos + 1; // adjacent parameters: ambiguous, give the first one character
    } else {
      end = seg.indexOf(next, pos + 1);
      if (end < 0) return null;
    }
    values.push(seg.slice(pos, end));
    pos = end + next.length;
  }
  return values;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function parseServer(url: string): { host: string | null; basePath: string } {
  const abs = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)/i.exec(url);
  if (abs) {
    const authority = abs[1]!.replace(/^.*@/, '');
    const host = authority.replace(/:[^:\]]*$/, '').toLowerCase();
    return { host: host || null, basePath: abs[2] ?? '' };
  }
  // `//host/path` (protocol-relative) or a relative path.
  const rel = /^\/\/([^/?#]*)([^?#]*)/.exec(url);
  if (rel) return { host: rel[1]!.replace(/:[^:\]]*$/, '').toLowerCase() || null, basePath: rel[2] ?? '' };
  return { host: null, basePath: url.replace(/[?#].*$/, '') };
}

function insert(root: TrieNode, template: string, route: Omit<Route, 'params'>): void {
  let node = root;
  const params: string[] = [];
  for (const seg of splitPath(template)) {
    const p = parseSegment(seg);
    if (p.kind === 'literal') {
      let next = node.literal.get(seg);
      if (!next) node.literal.set(seg, (next = newNode()));
      node = next;
    } else if (p.kind === 'param') {
      node = node.param ??= newNode();
      params.push(p.name);
    } else {
      const key = p.literals.join('{}');
      let m = node.mixed.find((x) => x.literals.join('{}') === key);
      if (!m) node.mixed.push((m = { literals: p.literals, names: p.names, node: newNode() }));
      node = m.node;
      params.push(...p.names);
    }
  }
  // First spec (and first server) wins: do not overwrite.
  if (!node.methods.has(route.operation.method)) node.methods.set(route.operation.method, { ...route, params });
}

/** `{name}`: a whole-segment template parameter. */
const isWholeParam = (seg: string) => seg.length > 2 && seg.charCodeAt(0) === 123 && seg.charCodeAt(seg.length - 1) === 125 && seg.indexOf('{', 1) < 0;

export function createOperationMatcher(specs: MatcherSpec[], opts: MatcherOptions = {}): OperationMatcher {
  const byHost = new Map<string, TrieNode>();
  const hostPatterns: HostPattern[] = [];
  const anyHost = newNode();
  const all: Array<{ specId: string; version: number; operation: SpecOperation }> = [];

  for (const spec of specs) {
    for (const operation of spec.model.operations) {
      all.push({ specId: spec.specId, version: spec.version, operation });
      const servers = operation.servers.length ? operation.servers.map((s) => s.url) : ['/'];
      for (const url of servers) {
        const parsed = parseServer(url);
        const host = opts.hostAgnostic ? null : parsed.host;
        const basePath = parsed.basePath;
        let trie: TrieNode;
        if (host === null) trie = anyHost;
        else if (host.includes('{')) {
          const labels = host.split('.').map((l) => (l.includes('{') ? null : l));
          let hp = hostPatterns.find((h) => h.labels.join('.') === labels.join('.'));
          if (!hp) hostPatterns.push((hp = { labels, trie: newNode() }));
          trie = hp.trie;
        } else {
          trie = byHost.get(host) ?? newNode();
          byHost.set(host, trie);
        }
        insert(trie, `${basePath}/${operation.path}`, { spec, operation });
      }
    }
  }

  /**
   * Whether some concrete path of the template's segments from `i` on could end at an operation of
   * `method` under `node` (template parameters stand for any segment). Bounded: past the budget it answers
   * yes, which only makes a template inexact.
   */
  const reachable = (start: TrieNode, segs: string[], from: number, method: HttpMethod): boolean => {
    let budget = MAX_VISITS;
    const go = (node: TrieNode, i: number): boolean => {
      if (--budget < 0) return true;
      if (i === segs.length) return node.methods.has(method) || (method === 'head' && node.methods.has('get'));
      const seg = segs[i]!;
      if (isWholeParam(seg)) {
        for (const c of node.literal.values()) if (go(c, i + 1)) return true;
        for (const mx of node.mixed) if (go(mx.node, i + 1)) return true;
      } else {
        const lit = node.literal.get(seg);
        if (lit && go(lit, i + 1)) return true;
        for (const mx of node.mixed) if (matchMixed(seg, mx) && go(mx.node, i + 1)) return true;
      }
      return node.param !== null && go(node.param, i + 1);
    };
    return go(start, from);
  };

  /**
   * `template`: `segs` are a discovered template; its `{param}` segments only take parameter branches, and
   * `inexact.seen` is set when one stands where a literal or mixed branch exists (or a segment is partial).
   */
  const lookup = (root: TrieNode, segs: string[], method: HttpMethod, inexact?: { seen: boolean }): { route: Route; values: string[]; headAsGet: boolean } | null => {
    let visits = 0;
    const values: string[] = [];
    const walk = (node: TrieNode, i: number): { route: Route; headAsGet: boolean } | null => {
      if (++visits > MAX_VISITS) {
        if (inexact) inexact.seen = true;
        return null;
      }
      if (i === segs.length) {
        const exact = node.methods.get(method);
        if (exact) return { route: exact, headAsGet: false };
        if (method === 'head') {
          const get = node.methods.get('get');
          if (get) return { route: get, headAsGet: true };
        }
        return null;
      }
      const seg = segs[i]!;
      if (inexact) {
        if (isWholeParam(seg)) {
          // A concrete value could take a literal or mixed branch first: that matters only if the rest of
          // the template can end at an operation there (`/users/me` does not bother `/users/{id}/orders`).
          if (!inexact.seen && (node.literal.size > 0 || node.mixed.length > 0)) {
            for (const child of node.literal.values()) if (!inexact.seen && reachable(child, segs, i + 1, method)) inexact.seen = true;
            for (const mx of node.mixed) if (!inexact.seen && reachable(mx.node, segs, i + 1, method)) inexact.seen = true;
          }
          if (!node.param) return null;
          values.push(seg);
          const r = walk(node.param, i + 1);
          if (r) return r;
          values.pop();
          return null;
        }
        if (seg.includes('{')) inexact.seen = true;
      }
      const lit = node.literal.get(seg);
      if (lit) {
        const r = walk(lit, i + 1);
        if (r) return r;
      }
      for (const m of node.mixed) {
        const vs = matchMixed(seg, m);
        if (!vs) continue;
        const depth = values.length;
        values.push(...vs);
        const r = walk(m.node, i + 1);
        if (r) return r;
        values.length = depth;
      }
      if (node.param) {
        values.push(seg);
        const r = walk(node.param, i + 1);
        if (r) return r;
        values.pop();
      }
      return null;
    };
    const r = walk(root, 0);
    return r ? { ...r, values: [...values] } : null;
  };

  const hostTries = (host: string): TrieNode[] => {
    const h = host.toLowerCase().replace(/:\d+$/, '');
    const out: TrieNode[] = [];
    const exact = byHost.get(h);
    if (exact) out.push(exact);
    if (hostPatterns.length) {
      const labels = h.split('.');
      for (const hp of hostPatterns) {
        if (hp.labels.length === labels.length && hp.labels.every((l, i) => l === null || l === labels[i])) out.push(hp.trie);
      }
    }
    out.push(anyHost);
    return out;
  };

  const SHADOW: MatchResult = Object.freeze({ kind: 'shadow' as const });

  const matchSegments = (host: string, methodName: string, segs: string[], inexact?: { seen: boolean }): MatchResult => {
    const method = methodName.toLowerCase() as HttpMethod;
    for (const trie of hostTries(host)) {
      const found = lookup(trie, segs, method, inexact);
      if (!found) continue;
      const pathParams: Record<string, string> = {};
      found.route.params.forEach((name, i) => {
        const v = found.values[i];
        if (v !== undefined) pathParams[name] = decode(v);
      });
      const { spec, operation } = found.route;
      return { kind: 'match', specId: spec.specId, version: spec.version, model: spec.model, operation, pathParams, headAsGet: found.headAsGet };
    }
    return SHADOW;
  };

  return {
    match: (event) => matchSegments(event.request.host, event.request.method, splitPath(event.request.path)),
    matchPath: (host, method, path) => matchSegments(host, method, splitPath(path)),
    matchTemplate(host, method, template) {
      const segs = splitPath(template);
      const inexact = { seen: false };
      // Host-specific tries are tried before the any-host one: a template that dead-ends in the first
      // could still match the next, so exactness holds only if it held along every trie tried.
      const result = matchSegments(host, method, segs, inexact);
      return { result, exact: !inexact.seen, segments: segs.length };
    },
    operations: () => all,
  };
}
