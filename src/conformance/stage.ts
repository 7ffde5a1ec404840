import type { ApiEvent } from '../contracts/api-event.js';
import type { ConformanceEndpointRef, ConformanceSample, DriftKind, DriftLocation, OperationRef, SpecCoverage } from '../contracts/conformance.js';
import type { Finding } from '../contracts/finding.js';
import type { SpecModel, SpecOperation } from '../spec/model.js';
import type {
  ConformanceBatch,
  ConformanceSnapshot,
  StoredConformanceOperation,
  StoredConformanceSpec,
  StoredDriftItem,
  StoredShadowItem,
} from '../store/store.js';
import { endpointId } from '../aggregate/endpoint-state.js';
import { fingerprint } from '../risk/findings.js';
import { checkEvent, newCheckCache, type Violation } from './check.js';
import { evaluateConformance, type ConformanceTarget } from './findings.js';
import { createOperationMatcher, type MatchResult, type OperationMatch, type OperationMatcher } from './matcher.js';
import { isOrphan } from './report.js';
import { CONFORMANCE_RULES, REQUEST_SIDE_DRIFT, type ConformanceRule, type ConformanceSubject, type DriftView } from './rules.js';
import { createSpecValidators, type SpecValidators } from './validators.js';

/**
 * The conformance stage of the pipeline: live traffic against the latest version of every registered spec.
 *
 * Cost per event (every call): one `Map` lookup of the endpoint's slot, a count of the path's segments and
 * a few counter updates. The slot is resolved once per discovered endpoint: its template is matched against
 * the operation trie of the specs covering its host (`matchTemplate`), and when that answer holds for every
 * concrete path of the template (`exact`) all calls of the endpoint count for that operation (or as shadow)
 * without matching. Otherwise (a template parameter where the spec has a literal, such as `/users/me` beside
 * `/users/{id}`, or a call whose path has more segments than the template) the redacted concrete path is
 * matched with the trie, through a small per-endpoint memo. Calls are therefore counted exactly, per
 * operation and per shadow endpoint.
 *
 * Validation (parameters, bodies, status, content types: `check.ts`) runs only on events the pipeline
 * analyses anyway (it passes an endpoint's first `conformance.validateFirst` analysed events, then one in
 * `conformance.validateEvery`), on the redacted event and
 * the bodies the redact stage parsed. Redaction placeholders are never judged: a value that is, or contains,
 * a placeholder passes its schema (the validators' tolerant variant, and a check of the offending value).
 *
 * Memory is bounded by the specs' operations and the discovered endpoints: at most `maxDriftPerOperation`
 * drift items per operation (later ones are counted as dropped), `samplesPerItem` samples per item, 20
 * endpoints per item, 64 memoised paths per endpoint.
 *
 * Which specs cover a host is the registry's decision (the spec's hosts, from `servers` or set by hand):
 * servers are read as base paths only. Several specs on one host: the first by name wins a route both
 * document. A host no spec covers gets no conformance at all (not shadow: nothing documents it).
 *
 * @example
 *   const stage = createConformanceStage({ orphanAfterDays: 30, maxDriftPerOperation: 50, samplesPerItem: 3 });
 *   stage.setSpecs([{ specId: 'spec_1', name: 'Shop API', version: 2, hosts: ['api.shop.example'], model }]);
 *   stage.observe(state, '/v1/orders/42', ts);          // every event
 *   stage.analyse(state, redacted, requestJson, responseJson, ts); // analysed events
 *   const batch = stage.collect(new Date().toISOString()); // rows and findings to store
 */

/** The latest version of a registered spec, loaded. */
export interface ActiveSpec {
  specId: string;
  name: string;
  version: number;
  /** Lower-case, without port. */
  hosts: readonly string[];
  model: SpecModel;
}

export interface ConformanceStageOptions {
  /** An operation with no call in this many days before the newest event on its spec's hosts is orphan. */
  orphanAfterDays: number;
  maxDriftPerOperation: number;
  samplesPerItem: number;
  rules?: readonly ConformanceRule[];
}

/** What the stage needs of an endpoint's aggregate state. */
export interface EndpointKey {
  readonly host: string;
  readonly method: string;
  readonly template: string;
}

export interface ConformanceFlush extends ConformanceBatch {
  findings: Finding[];
}

export interface ConformanceStats {
  specs: number;
  operations: number;
  shadowEndpoints: number;
  driftItems: number;
  /** Drift occurrences not kept because an operation reached `maxDriftPerOperation` items. */
  driftDropped: number;
  /** Slots resolved per endpoint: `exact` ones never match per event. */
  slots: { exact: number; dynamic: number; none: number };
  /** Analysed events whose check failed unexpectedly (counted, never thrown). */
  checkErrors: number;
}

export interface ConformanceStage {
  /**
   * Replaces the active specs; answers whether anything changed (specs added, removed, new versions, new
   * hosts or names). Counts of operations that stay are kept; a new version clears its drift items.
   */
  setSpecs(specs: readonly ActiveSpec[]): boolean;
  /** Resumes from stored rows (call before the first `setSpecs`). */
  load(snapshot: ConformanceSnapshot): void;
  /** Counts one call of the endpoint (`path`: the call's redacted path). */
  observe(endpoint: EndpointKey, path: string, ts: number): void;
  /** Checks one analysed (redacted) call of the endpoint against its operation. */
  analyse(endpoint: EndpointKey, event: ApiEvent, requestJson: unknown, responseJson: unknown, ts: number): void;
  /** How the endpoint relates to the specs; null when no spec covers its host. */
  coverageOf(endpoint: EndpointKey): SpecCoverage | null;
  /** Endpoints merged into a new template: their aggregates follow (ids old -> new). */
  renamed(ids: ReadonlyMap<string, string>, endpoints: ReadonlyMap<string, EndpointKey>): void;
  /** Rows changed since the last call and the findings they give. */
  collect(at: string): ConformanceFlush;
  stats(): ConformanceStats;
}

const DAY_MS = 86_400_000;
const MAX_ENDPOINTS_PER_ITEM = 20;
const MAX_MEMO_PATHS = 64;
const MAX_FIELD_LENGTH = 200;
const MAX_REQUEST_LINE = 300;
const MAX_VALUE_TEXT = 200;

interface Counter {
  calls: number;
  first: number;
  last: number;
  dirty: boolean;
}

interface SpecAgg {
  specId: string;
  name: string;
  version: number;
  hosts: readonly string[];
  model: SpecModel | null;
  first: number;
  last: number;
  active: boolean;
}

interface DriftAgg extends DriftView {
  id: string;
  first: number;
  last: number;
  endpoints: Map<string, ConformanceEndpointRef>;
  samples: ConformanceSample[];
  dirty: boolean;
}

interface OpAgg extends Counter {
  key: string;
  specId: string;
  version: number;
  ref: OperationRef;
  fullPath: string;
  /** False once the operation left its spec: its findings resolve, then it is dropped. */
  active: boolean;
  endpoints: Map<string, ConformanceEndpointRef>;
  samples: ConformanceSample[];
  drift: Map<string, DriftAgg>;
  driftDropped: number;
  reported: Record<string, number>;
  /** Analysed calls seen in this process (for sampling). */
  analysed: number;
}

interface ShadowAgg extends Counter {
  endpointId: string;
  /** Analysed calls seen in this process (for sampling). */
  analysed: number;
  host: string;
  method: string;
  template: string;
  samples: ConformanceSample[];
  reported: Record<string, number>;
  active: boolean;
}

/** The specs covering one set of hosts, and their trie. */
interface Group {
  specs: SpecAgg[];
  matcher: OperationMatcher;
}

interface Slot {
  group: Group;
  endpointId: string;
  endpoint: EndpointKey;
  /** Non-empty segments of the template. */
  segments: number;
  /** The operation or shadow aggregate every call counts for, when the template's match is exact. */
  target: Counter | null;
  memo: Map<string, Counter> | null;
  coverage: SpecCoverage;
}

const NO_SPEC = null;

const opKeyOf = (specId: string, method: string, path: string) => `${specId} ${method.toUpperCase()} ${path}`;
const iso = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
const ms = (t: string | null): number => (t === null ? Number.NaN : Date.parse(t));

/** Non-empty `/`-separated segments: what the matcher and the templater count. */
function countSegments(path: string): number {
  let n = 0;
  let inSeg = false;
  for (let i = 0; i < path.length; i++) {
    if (path.charCodeAt(i) === 47) inSeg = false;
    else if (!inSeg) {
      inSeg = true;
      n++;
    }
  }
  return n;
}

/** The base path of a server URL (`https://h/v2` -> `/v2`, `/` -> ''). */
function basePathOf(url: string): string {
  const m = /^(?:[a-z][a-z0-9+.-]*:)?\/\/[^/?#]*([^?#]*)/i.exec(url);
  const path = m ? (m[1] ?? '') : url.replace(/[?#].*$/, '');
  return path.replace(/\/+$/, '');
}

/** The paths traffic requests for an operation: each distinct server base path + the template. */
export function operationPaths(op: SpecOperation): string[] {
  const bases = op.servers.length ? [...new Set(op.servers.map((s) => basePathOf(s.url)))] : [''];
  return bases.map((b) => (b.startsWith('/') || b === '' ? b : `/${b}`) + (op.path.startsWith('/') ? op.path : `/${op.path}`));
}

function refOf(op: SpecOperation): OperationRef {
  return { method: op.method.toUpperCase() as OperationRef['method'], path: op.path, operationId: op.operationId, deprecated: op.deprecated };
}

/** Body pointers with array indexes as `*`, so `/items/0/id` and `/items/7/id` are one field; bounded. */
function fieldOf(v: Violation): string {
  const f = v.location === 'request body' || v.location === 'response body' ? v.field.replace(/\/\d+(?=\/|$)/g, '/*') : v.field;
  return f.length > MAX_FIELD_LENGTH ? f.slice(0, MAX_FIELD_LENGTH) : f;
}

function valueAtPointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let cur = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(key)] : (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** The value a violation is about, as the redacted event carries it (undefined when there is none). */
function offendingValue(v: Violation, event: ApiEvent, match: OperationMatch, requestJson: unknown, responseJson: unknown): unknown {
  const req = event.request;
  const name = (field: string, has: (n: string) => boolean) => (has(field) ? field : field.split('/')[0]!);
  switch (v.location) {
    case 'query': {
      const n = name(v.field, (f) => f in req.query);
      const vs = req.query[n];
      return vs && vs.length > 1 ? vs : vs?.[0];
    }
    case 'header':
      return req.headers[name(v.field.toLowerCase(), (f) => f in req.headers)];
    case 'cookie':
      return req.cookies[name(v.field, (f) => f in req.cookies)];
    case 'path':
      return match.pathParams[name(v.field, (f) => f in match.pathParams)];
    case 'request body':
      return v.keyword === 'required' ? undefined : valueAtPointer(requestJson, v.field);
    case 'response body':
      return v.keyword === 'required' ? undefined : valueAtPointer(responseJson, v.field);
    case 'status':
      return event.response?.status;
    case 'content-type':
      return v.field === 'request' ? (req.body?.contentType ?? req.headers['content-type']) : (event.response?.body?.contentType ?? event.response?.headers['content-type']);
    default:
      return undefined;
  }
}

/** A body without any placeholder text cannot hold one anywhere (a scan of the text, not of the tree). */
function mayHoldPlaceholder(v: Violation, event: ApiEvent): boolean {
  if (v.location === 'request body') return event.request.body?.text?.includes('[REDACTED:') ?? false;
  if (v.location === 'response body') return event.response?.body?.text?.includes('[REDACTED:') ?? false;
  return true;
}

/** A placeholder stands for a value that can no longer be judged: its schema violation is not reported. */
function holdsPlaceholder(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('[REDACTED:');
  if (Array.isArray(value)) return value.some(holdsPlaceholder);
  return false;
}

const SCHEMA_KINDS: ReadonlySet<DriftKind> = new Set(['parameter-schema', 'request-body-schema', 'response-body-schema']);

function valueText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    return undefined;
  }
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT - 1)}…` : text;
}

function requestLine(event: ApiEvent): string {
  const r = event.request;
  let line = `${r.method} ${r.path}`;
  const parts: string[] = [];
  for (const k in r.query) for (const v of r.query[k]!) parts.push(`${k}=${v}`);
  if (parts.length) line += `?${parts.join('&')}`;
  return line.length > MAX_REQUEST_LINE ? `${line.slice(0, MAX_REQUEST_LINE - 1)}…` : line;
}

/**
 * Whether the `n`-th occurrence of an item is kept as a sample: the first `max`, then the 2^k-th ones, so
 * samples stay recent-ish while building one costs O(log n) over an item's life, not one per occurrence.
 */
function keepSample(n: number, max: number): boolean {
  return max > 0 && (n <= max || (n & (n - 1)) === 0);
}

function pushSample(list: ConformanceSample[], sample: ConformanceSample, max: number): void {
  if (max <= 0) return;
  if (list.length >= max) list.shift();
  list.push(sample);
}

function addEndpoint(map: Map<string, ConformanceEndpointRef>, id: string, e: EndpointKey): boolean {
  if (map.has(id) || map.size >= MAX_ENDPOINTS_PER_ITEM) return false;
  map.set(id, { id, host: e.host, pathTemplate: e.template });
  return true;
}

function minMs(a: number, b: number): number {
  return Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b);
}

function maxMs(a: number, b: number): number {
  return Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b);
}

export function createConformanceStage(opts: ConformanceStageOptions): ConformanceStage {
  const rules = opts.rules ?? CONFORMANCE_RULES;
  const periodMs = opts.orphanAfterDays * DAY_MS;

  const specs = new Map<string, SpecAgg>();
  const ops = new Map<string, OpAgg>();
  const shadows = new Map<string, ShadowAgg>();
  /** Host -> the specs covering it. */
  let groups = new Map<string, Group>();
  /** Endpoint aggregate state -> its slot (or `NO_SPEC`); dropped whenever specs or templates change. */
  let slots = new Map<EndpointKey, Slot | typeof NO_SPEC>();
  const validators = new Map<SpecModel, SpecValidators>();
  const checkCache = newCheckCache();
  /** Specs whose stored drift must go before this flush's rows are written. */
  const clearDrift = new Set<string>();
  /** Of the specs last given; the first `setSpecs` always applies (it settles what `load` brought). */
  let signature: string | null = null;
  let checkErrors = 0;

  const validatorsFor = (model: SpecModel) => {
    let v = validators.get(model);
    if (!v) validators.set(model, (v = createSpecValidators(model)));
    return v;
  };

  function newOp(specId: string, version: number, key: string, ref: OperationRef, fullPath: string): OpAgg {
    return { key, specId, version, ref, fullPath, active: true, calls: 0, first: Number.NaN, last: Number.NaN, dirty: true, endpoints: new Map(), samples: [], drift: new Map(), driftDropped: 0, reported: {}, analysed: 0 };
  }

  function shadowOf(slot: Slot): ShadowAgg {
    let s = shadows.get(slot.endpointId);
    if (!s) {
      const e = slot.endpoint;
      s = { endpointId: slot.endpointId, analysed: 0, host: e.host, method: e.method, template: e.template, calls: 0, first: Number.NaN, last: Number.NaN, dirty: true, samples: [], reported: {}, active: true };
      shadows.set(slot.endpointId, s);
    }
    s.active = true;
    return s;
  }

  function opOf(m: OperationMatch): OpAgg | undefined {
    return ops.get(opKeyOf(m.specId, m.operation.method, m.operation.path));
  }

  function targetOf(slot: Slot, r: MatchResult): Counter {
    if (r.kind === 'match') {
      const op = opOf(r);
      if (op) {
        if (addEndpoint(op.endpoints, slot.endpointId, slot.endpoint)) op.dirty = true;
        return op;
      }
    }
    return shadowOf(slot);
  }

  function coverageFor(group: Group, r: MatchResult): SpecCoverage {
    if (r.kind === 'match') {
      const spec = specs.get(r.specId)!;
      return { status: 'documented', specId: spec.specId, specName: spec.name, version: spec.version, operation: refOf(r.operation) };
    }
    const first = group.specs[0]!;
    return { status: 'shadow', specId: first.specId, specName: first.name, version: first.version, operation: null };
  }

  function resolve(e: EndpointKey): Slot | typeof NO_SPEC {
    const group = groups.get(e.host.toLowerCase());
    if (!group) {
      slots.set(e, NO_SPEC);
      return NO_SPEC;
    }
    const tm = group.matcher.matchTemplate(e.host, e.method, e.template);
    const slot: Slot = { group, endpointId: endpointId(e.host, e.method, e.template), endpoint: e, segments: tm.segments, target: null, memo: null, coverage: coverageFor(group, tm.result) };
    if (tm.exact) slot.target = targetOf(slot, tm.result);
    slots.set(e, slot);
    return slot;
  }

  function slotOf(e: EndpointKey): Slot | typeof NO_SPEC {
    const s = slots.get(e);
    return s === undefined ? resolve(e) : s;
  }

  /** The aggregate of one concrete call of a slot whose template answer does not hold for it. */
  function perCall(slot: Slot, path: string): Counter {
    const memo = (slot.memo ??= new Map());
    let t = memo.get(path);
    if (t === undefined) {
      t = targetOf(slot, slot.group.matcher.matchPath(slot.endpoint.host, slot.endpoint.method, path));
      if (memo.size < MAX_MEMO_PATHS) memo.set(path, t);
    }
    return t;
  }

  function observe(e: EndpointKey, path: string, ts: number): void {
    let slot = slots.get(e);
    if (slot === undefined) slot = resolve(e);
    if (slot === NO_SPEC) return;
    const covering = slot.group.specs;
    for (let i = 0; i < covering.length; i++) {
      const s = covering[i]!;
      if (!(ts <= s.last)) s.last = ts;
      if (!(ts >= s.first)) s.first = ts;
    }
    let t = slot.target;
    if (t === null || countSegments(path) !== slot.segments) t = perCall(slot, path);
    t.calls++;
    // NaN-safe: the first call sets both.
    if (!(ts <= t.last)) t.last = ts;
    if (!(ts >= t.first)) t.first = ts;
    t.dirty = true;
  }

  function addDrift(op: OpAgg, v: Violation, slot: Slot, event: ApiEvent, value: () => unknown, ts: number): void {
    const kind = v.kind as DriftKind;
    const field = fieldOf(v);
    const itemKey = `${kind}\n${v.location}\n${field}\n${v.keyword ?? ''}\n${v.message}`;
    let d = op.drift.get(itemKey);
    if (!d) {
      if (op.drift.size >= opts.maxDriftPerOperation) {
        op.driftDropped++;
        return;
      }
      d = {
        id: fingerprint('conformance-drift', op.key, itemKey),
        kind,
        location: v.location as DriftLocation,
        field,
        keyword: v.keyword ?? null,
        message: v.message,
        count: 0,
        accepted: 0,
        first: ts,
        last: ts,
        endpoints: new Map(),
        samples: [],
        dirty: true,
      };
      op.drift.set(itemKey, d);
    }
    d.count++;
    const status = event.response?.status ?? null;
    if (!REQUEST_SIDE_DRIFT.has(kind) || status === null || status < 400) d.accepted++;
    if (ts > d.last) d.last = ts;
    if (ts < d.first) d.first = ts;
    addEndpoint(d.endpoints, slot.endpointId, slot.endpoint);
    if (keepSample(d.count, opts.samplesPerItem)) {
      const sample: ConformanceSample = { at: event.timestamp, endpointId: slot.endpointId, request: requestLine(event), status };
      const text = valueText(value());
      if (text !== undefined) sample.value = text;
      pushSample(d.samples, sample, opts.samplesPerItem);
    }
    d.dirty = true;
    op.dirty = true;
  }

  function analyse(e: EndpointKey, event: ApiEvent, requestJson: unknown, responseJson: unknown, ts: number): void {
    const slot = slotOf(e);
    if (slot === NO_SPEC) return;
    try {
      const r = event.request;
      const m = slot.group.matcher.matchPath(r.host, r.method, r.path);
      const sample = (): ConformanceSample => ({ at: event.timestamp, endpointId: slot.endpointId, request: requestLine(event), status: event.response?.status ?? null });
      if (m.kind === 'shadow') {
        const s = shadowOf(slot);
        if (keepSample(++s.analysed, opts.samplesPerItem)) pushSample(s.samples, sample(), opts.samplesPerItem);
        s.dirty = true;
        return;
      }
      const op = opOf(m);
      if (!op) return;
      if (op.ref.deprecated && keepSample(++op.analysed, opts.samplesPerItem)) {
        pushSample(op.samples, sample(), opts.samplesPerItem);
        op.dirty = true;
      }
      const violations = checkEvent(event, m, validatorsFor(m.model), checkCache, { requestJson, responseJson });
      for (const v of violations) {
        if (v.kind === 'zombie') continue; // an operation-level fact, counted on every call
        // The offending value is looked up only where it matters: a schema violation of a value that may
        // hold a placeholder, or a sample about to be kept.
        const value = (): unknown => offendingValue(v, event, m, requestJson, responseJson);
        if (SCHEMA_KINDS.has(v.kind as DriftKind) && mayHoldPlaceholder(v, event) && holdsPlaceholder(value())) continue;
        addDrift(op, v, slot, event, value, ts);
      }
    } catch {
      // A checker bug must not cost the event: counted, and the pipeline goes on.
      checkErrors++;
    }
  }

  function buildGroups(): void {
    const byHost = new Map<string, SpecAgg[]>();
    // Specs arrive in name order: the first documenting a route wins it.
    for (const s of specs.values()) {
      if (!s.active || !s.model) continue;
      for (const h of s.hosts) {
        const host = h.toLowerCase();
        let list = byHost.get(host);
        if (!list) byHost.set(host, (list = []));
        if (!list.includes(s)) list.push(s);
      }
    }
    const bySet = new Map<string, Group>();
    groups = new Map();
    for (const [host, list] of byHost) {
      const setKey = list.map((s) => s.specId).join('\n');
      let g = bySet.get(setKey);
      if (!g) {
        g = { specs: list, matcher: createOperationMatcher(list.map((s) => ({ specId: s.specId, version: s.version, model: s.model! })), { hostAgnostic: true }) };
        bySet.set(setKey, g);
      }
      groups.set(host, g);
    }
  }

  function setSpecs(list: readonly ActiveSpec[]): boolean {
    const sig = list.map((s) => `${s.specId}@${s.version}:${s.name}:${[...s.hosts].sort().join(',')}`).join('\n');
    if (sig === signature && list.every((s) => specs.get(s.specId)?.model === s.model)) return false;
    signature = sig;
    const seen = new Set<string>();
    // Keep the given (name) order in the map.
    const previous = new Map(specs);
    specs.clear();
    for (const a of list) {
      seen.add(a.specId);
      const old = previous.get(a.specId);
      if (old && old.version !== a.version) clearDrift.add(a.specId);
      specs.set(a.specId, { specId: a.specId, name: a.name, version: a.version, hosts: a.hosts, model: a.model, first: old?.first ?? Number.NaN, last: old?.last ?? Number.NaN, active: true });
      const keys = new Set<string>();
      for (const op of a.model.operations) {
        const key = opKeyOf(a.specId, op.method, op.path);
        if (keys.has(key)) continue;
        keys.add(key);
        const ref = refOf(op);
        const fullPath = operationPaths(op)[0]!;
        const agg = ops.get(key);
        if (!agg) ops.set(key, newOp(a.specId, a.version, key, ref, fullPath));
        else {
          if (agg.version !== a.version) {
            // A new version is checked afresh: its drift starts empty (findings of the old drift resolve).
            agg.drift.clear();
            agg.driftDropped = 0;
            clearDrift.add(a.specId);
          }
          agg.version = a.version;
          agg.ref = ref;
          agg.fullPath = fullPath;
          agg.active = true;
          agg.dirty = true;
        }
      }
      for (const agg of ops.values()) {
        if (agg.specId === a.specId && !keys.has(agg.key)) agg.active = false;
      }
    }
    for (const agg of ops.values()) if (!seen.has(agg.specId)) agg.active = false;
    buildGroups();
    slots = new Map();
    // Shadow endpoints that a spec now documents, or whose host lost its spec, stop being shadow.
    for (const s of shadows.values()) {
      const g = groups.get(s.host.toLowerCase());
      if (!g) {
        s.active = false;
        continue;
      }
      const tm = g.matcher.matchTemplate(s.host, s.method, s.template);
      if (tm.exact && tm.result.kind === 'match') s.active = false;
    }
    return true;
  }

  function load(snapshot: ConformanceSnapshot): void {
    for (const s of snapshot.specs) {
      specs.set(s.specId, { specId: s.specId, name: '', version: s.version, hosts: [], model: null, first: ms(s.firstEvent), last: ms(s.lastEvent), active: false });
    }
    const byOp = new Map<string, OpAgg>();
    for (const o of snapshot.operations) {
      const key = opKeyOf(o.specId, o.method, o.path);
      const st = (o.state ?? {}) as { reported?: Record<string, number>; driftDropped?: number };
      const agg = newOp(o.specId, o.version, key, { method: o.method, path: o.path, operationId: o.operationId, deprecated: o.deprecated }, o.fullPath);
      agg.calls = o.calls;
      agg.first = ms(o.firstSeen);
      agg.last = ms(o.lastSeen);
      agg.dirty = false;
      agg.reported = { ...(st.reported ?? {}) };
      agg.driftDropped = st.driftDropped ?? 0;
      for (const e of o.endpoints) agg.endpoints.set(e.id, e);
      agg.samples = [...o.samples];
      ops.set(key, agg);
      byOp.set(key, agg);
    }
    for (const d of snapshot.drift) {
      const op = byOp.get(opKeyOf(d.specId, d.operation.method, d.operation.path));
      if (!op) continue;
      const itemKey = `${d.kind}\n${d.location}\n${d.field}\n${d.keyword ?? ''}\n${d.message}`;
      op.drift.set(itemKey, {
        id: d.id,
        kind: d.kind,
        location: d.location,
        field: d.field,
        keyword: d.keyword,
        message: d.message,
        count: d.count,
        accepted: d.accepted,
        first: Date.parse(d.firstSeen),
        last: Date.parse(d.lastSeen),
        endpoints: new Map(d.endpoints.map((e) => [e.id, e])),
        samples: [...d.samples],
        dirty: false,
      });
    }
    for (const s of snapshot.shadow) {
      const st = (s.state ?? {}) as { reported?: Record<string, number> };
      shadows.set(s.endpointId, {
        endpointId: s.endpointId,
        analysed: 0,
        host: s.host,
        method: s.method,
        template: s.pathTemplate,
        calls: s.calls,
        first: Date.parse(s.firstSeen),
        last: Date.parse(s.lastSeen),
        dirty: false,
        samples: [...s.samples],
        reported: { ...(st.reported ?? {}) },
        active: true,
      });
    }
  }

  function renamed(ids: ReadonlyMap<string, string>, endpoints: ReadonlyMap<string, EndpointKey>): void {
    if (ids.size === 0) return;
    slots = new Map();
    for (const [oldId, newId] of ids) {
      const s = shadows.get(oldId);
      if (s) {
        // The store deleted the old endpoint with its findings and shadow row: report afresh under the new id.
        shadows.delete(oldId);
        const e = endpoints.get(newId);
        const target = shadows.get(newId);
        if (target) {
          target.calls += s.calls;
          target.first = minMs(target.first, s.first);
          target.last = maxMs(target.last, s.last);
          target.samples = [...target.samples, ...s.samples].slice(-opts.samplesPerItem);
          target.dirty = true;
        } else if (e) {
          shadows.set(newId, { ...s, endpointId: newId, host: e.host, method: e.method, template: e.template, reported: {}, dirty: true });
        }
      }
    }
    const remap = (m: Map<string, ConformanceEndpointRef>): boolean => {
      let changed = false;
      for (const [oldId, newId] of ids) {
        if (!m.has(oldId)) continue;
        m.delete(oldId);
        const e = endpoints.get(newId);
        if (e && !m.has(newId)) m.set(newId, { id: newId, host: e.host, pathTemplate: e.template });
        changed = true;
      }
      return changed;
    };
    for (const op of ops.values()) {
      const primary = op.endpoints.keys().next().value;
      if (remap(op.endpoints)) {
        // Findings hang on the operation's first endpoint, which the store deleted: report them again.
        if (primary !== undefined && ids.has(primary)) op.reported = {};
        op.dirty = true;
      }
      for (const d of op.drift.values()) if (remap(d.endpoints)) d.dirty = true;
      for (const smp of op.samples) smp.endpointId = ids.get(smp.endpointId) ?? smp.endpointId;
    }
  }


  function opTarget(op: OpAgg, spec: SpecAgg | undefined, at: string): ConformanceTarget {
    const e = op.endpoints.values().next().value as ConformanceEndpointRef | undefined;
    const firstSeen = iso(op.first) ?? at;
    const lastSeen = iso(op.last) ?? at;
    if (e) return { key: op.key, endpointId: e.id, host: e.host, method: op.ref.method, pathTemplate: e.pathTemplate, firstSeen, lastSeen };
    return { key: op.key, endpointId: null, host: spec?.hosts[0] ?? '', method: op.ref.method, pathTemplate: op.fullPath, firstSeen, lastSeen };
  }

  function opRow(op: OpAgg): StoredConformanceOperation {
    return {
      specId: op.specId,
      version: op.version,
      ...op.ref,
      fullPath: op.fullPath,
      calls: op.calls,
      firstSeen: iso(op.first),
      lastSeen: iso(op.last),
      endpoints: [...op.endpoints.values()],
      samples: [...op.samples],
      state: { reported: op.reported, driftDropped: op.driftDropped },
    };
  }

  function driftRow(op: OpAgg, d: DriftAgg): StoredDriftItem {
    return {
      specId: op.specId,
      id: d.id,
      operation: op.ref,
      kind: d.kind,
      location: d.location,
      field: d.field,
      keyword: d.keyword,
      message: d.message,
      count: d.count,
      accepted: d.accepted,
      firstSeen: iso(d.first)!,
      lastSeen: iso(d.last)!,
      endpoints: [...d.endpoints.values()],
      samples: [...d.samples],
    };
  }

  function collect(at: string): ConformanceFlush {
    const findings: Finding[] = [];
    const out: ConformanceFlush = { specs: [], operations: [], removedOperations: [], clearDrift: [...clearDrift], drift: [], shadow: [], removedShadow: [], findings };
    clearDrift.clear();
    for (const s of specs.values()) {
      if (!s.active) continue;
      const row: StoredConformanceSpec = { specId: s.specId, version: s.version, firstEvent: iso(s.first), lastEvent: iso(s.last) };
      out.specs.push(row);
    }
    for (const op of [...ops.values()]) {
      const spec = specs.get(op.specId);
      const orphan = op.active && spec !== undefined && isOrphan(op.calls, op.last, spec.last, periodMs);
      const orphanChanged = (op.reported['conformance-orphan-operation'] ?? 0) !== (orphan ? 1 : 0);
      if (op.dirty || !op.active || orphanChanged) {
        const subject: ConformanceSubject = {
          kind: 'operation',
          active: op.active,
          specName: spec?.name ?? op.specId,
          version: op.version,
          method: op.ref.method,
          path: op.ref.path,
          deprecated: op.ref.deprecated,
          calls: op.calls,
          lastSeen: iso(op.last),
          orphan,
          orphanAfterDays: opts.orphanAfterDays,
          drift: [...op.drift.values()],
          driftDropped: op.driftDropped,
        };
        const before = JSON.stringify(op.reported);
        const found = evaluateConformance(rules, subject, opTarget(op, spec, at), op.reported, at);
        findings.push(...found);
        if (found.length > 0 || JSON.stringify(op.reported) !== before) op.dirty = true;
      }
      if (!op.active) {
        ops.delete(op.key);
        // Still in the store only if its spec still exists; a deleted spec took its rows along.
        out.removedOperations.push({ specId: op.specId, method: op.ref.method, path: op.ref.path });
        continue;
      }
      if (!op.dirty) continue;
      op.dirty = false;
      out.operations.push(opRow(op));
      for (const d of op.drift.values()) {
        if (!d.dirty && !out.clearDrift.includes(op.specId)) continue;
        d.dirty = false;
        out.drift.push(driftRow(op, d));
      }
    }
    for (const s of [...shadows.values()]) {
      if (!s.dirty && s.active) continue;
      const g = groups.get(s.host.toLowerCase());
      const subject: ConformanceSubject = {
        kind: 'shadow',
        active: s.active,
        method: s.method,
        pathTemplate: s.template,
        calls: s.calls,
        specNames: g ? g.specs.map((x) => x.name) : [],
      };
      const target: ConformanceTarget = { key: s.endpointId, endpointId: s.endpointId, host: s.host, method: s.method, pathTemplate: s.template, firstSeen: iso(s.first) ?? at, lastSeen: iso(s.last) ?? at };
      findings.push(...evaluateConformance(rules, subject, target, s.reported, at));
      s.dirty = false;
      if (!s.active) {
        shadows.delete(s.endpointId);
        out.removedShadow.push(s.endpointId);
        continue;
      }
      if (!Number.isFinite(s.first)) continue;
      out.shadow.push({
        endpointId: s.endpointId,
        host: s.host,
        method: s.method as StoredShadowItem['method'],
        pathTemplate: s.template,
        calls: s.calls,
        firstSeen: iso(s.first)!,
        lastSeen: iso(s.last)!,
        samples: [...s.samples],
        state: { reported: s.reported },
      });
    }
    return out;
  }

  return {
    setSpecs,
    load,
    observe,
    analyse,
    coverageOf(e) {
      const slot = slotOf(e);
      return slot === NO_SPEC ? null : slot.coverage;
    },
    renamed,
    collect,
    stats() {
      const slotCounts = { exact: 0, dynamic: 0, none: 0 };
      for (const s of slots.values()) {
        if (s === NO_SPEC) slotCounts.none++;
        else if (s.target) slotCounts.exact++;
        else slotCounts.dynamic++;
      }
      let driftItems = 0;
      let driftDropped = 0;
      for (const op of ops.values()) {
        driftItems += op.drift.size;
        driftDropped += op.driftDropped;
      }
      return { specs: [...specs.values()].filter((s) => s.active).length, operations: ops.size, shadowEndpoints: shadows.size, driftItems, driftDropped, slots: slotCounts, checkErrors };
    },
  };
}
