import type { ApiEvent } from '../../contracts/api-event.js';
import { createClassifier, type Classifier } from '../../classify/index.js';
import { fnv1a } from '../../redact/credential-facts.js';
import type { Detection, DetectorInfo, ValueLocation } from '../types.js';
import { PARAMETER_PROFILE, UNKNOWN_ENDPOINT, UNKNOWN_PARAMETER } from './detectors.js';
import { endpointParams, hostKey, hostParams, isTemplateParam, pathParamsOf, pathSegments, type ParamValue } from './extract.js';
import type { EndpointProfile, ParamProfile, ParamSet, ProfileModel } from './model.js';
import { CHAR_CLASSES, CLASS_WEIGHT, firstIndexOfClass, formatOf, hasClass, shapeOf, typeCovered, VALUE_TYPES, type ValueType } from './value-shape.js';

/**
 * Scores a request against the learned model. Every judgement is of the same form: how surprising is
 * something never seen in the baseline, given how often the baseline itself produced things seen only once?
 * That is the Good-Turing estimate of the chance that the next observation is new, (singletons + 1) / (n + 2);
 * its complement is the confidence that a novelty is a departure. A parameter that took 5,000 digit-only
 * values and never a quote is sure about a quote; a free-text field whose punctuation kept changing is not.
 * Each kind of novelty is then weighted by how much it suggests an attack (CLASS_WEIGHT for characters).
 *
 * @example
 * const scorer = createProfileScorer(model);
 * scorer.score(event) // [{ detector: 'anomaly-parameter-profile', confidence: 0.97, location: { where: 'query', name: 'cantidad' }, ... }]
 */

export interface ProfileScorerOptions {
  /** Values a parameter needs in the baseline before its profile is used. */
  readonly minSamples: number;
  /** Values a small value set needs before an unknown value counts. */
  readonly minEnumSamples: number;
  /** Requests an endpoint (or a host's headers) needs before unknown parameter names count. */
  readonly minSetRequests: number;
  /** Requests a host needs before unknown endpoints count. */
  readonly minHostRequests: number;
  /** Share of requests, at or above which a parameter's absence counts. */
  readonly requiredPresence: number;
  /** Used to keep sensitive values out of evidence. */
  readonly classifier?: Classifier;
}

export const DEFAULT_SCORER_OPTIONS: Readonly<Omit<ProfileScorerOptions, 'classifier'>> = Object.freeze({
  minSamples: 10,
  minEnumSamples: 20,
  minSetRequests: 10,
  minHostRequests: 30,
  requiredPresence: 0.995,
});

/** Weights of the departures that are not character classes. */
const W_TYPE = 0.8;
const W_ENUM = 0.9;
const W_LENGTH = 0.95;
const W_SHORT = 0.8;
const W_FORMAT = 0.85;
/** Values at which length bounds count for half: n / (n + LENGTH_SUPPORT). */
const LENGTH_SUPPORT = 30;
const W_MISSING = 0.6;
const W_UNKNOWN_PARAM: Record<ValueLocation, number> = { path: 0.8, query: 0.8, body: 0.8, 'body-raw': 0.8, cookie: 0.8, header: 0.45 };
const W_UNKNOWN_ENDPOINT = 0.75;
const MAX_CONFIDENCE = 0.99;

export interface ProfileScorer {
  score(event: ApiEvent): Detection[];
}

interface CParam {
  readonly p: ParamProfile;
  readonly counts: Float64Array;
  /** Classes seen in exactly one value. */
  readonly k1: number;
  readonly types: ValueType[];
  readonly t1: number;
  readonly enumSet: Set<number> | undefined;
  readonly v1: number;
  readonly formats: Set<string> | undefined;
  /** Formats seen in exactly one value. */
  readonly f1: number;
}

interface CSet {
  readonly requests: number;
  readonly params: Map<string, CParam>;
  /** Names seen in exactly one request. */
  readonly n1: number;
  readonly open: boolean;
  readonly required: CParam[];
}

interface CEndpoint extends CSet {
  readonly method: string;
  readonly template: string;
  readonly slash: number;
}

interface Node {
  lit: Map<string, Node> | undefined;
  param: Node | undefined;
  endpoints: Map<string, CEndpoint> | undefined;
}

interface CHost {
  readonly root: Node;
  readonly shared: CSet;
  readonly requests: number;
  readonly endpoints: number;
  readonly singletonEndpoints: number;
  readonly open: boolean;
}

const key = (loc: string, name: string) => `${loc}\u0000${name}`;

export function createProfileScorer(model: ProfileModel, options: Partial<ProfileScorerOptions> = {}): ProfileScorer {
  const opts = { ...DEFAULT_SCORER_OPTIONS, ...options };
  const classifier = options.classifier ?? createClassifier();
  const hosts = new Map<string, CHost>();
  for (const h of model.hosts) {
    const root: Node = newNode();
    for (const e of h.endpoints) insert(root, e, compileSet(e, opts));
    hosts.set(h.host, { root, shared: compileSet(h.shared, opts), requests: h.requests, endpoints: h.endpoints.length, singletonEndpoints: h.singletonEndpoints, open: h.open });
  }

  function score(event: ApiEvent): Detection[] {
    const req = event.request;
    const host = hosts.get(hostKey(req.host, req.port));
    if (host === undefined) return [];
    const out: Detection[] = [];
    const segs = pathSegments(req.path);
    const found = match(host.root, segs, req.method);
    if (found === undefined || !found.endpoints?.has(req.method)) {
      if (!host.open && host.requests >= opts.minHostRequests) {
        const conf = W_UNKNOWN_ENDPOINT * closed(host.singletonEndpoints, host.requests);
        const known = found?.endpoints ? [...found.endpoints.keys()].sort().join(', ') : '';
        const what = known ? `method ${req.method} never seen on this path (learned: ${known})` : `path never seen on this host (${host.endpoints} learned endpoints)`;
        out.push(detection(UNKNOWN_ENDPOINT, conf, 'request', `${req.method} ${clip(req.path, 80)}`, `${what}; ${host.requests} requests learned`));
      }
    } else {
      const ep = found.endpoints.get(req.method)!;
      const slash = req.path.length > 1 && req.path.charCodeAt(req.path.length - 1) === 0x2f;
      if (ep.requests >= opts.minSetRequests && (slash ? ep.slash === 0 : ep.slash === ep.requests)) {
        // `/index.jsp/` is not `/index.jsp` to every server: probing with a trailing slash is a variant never seen.
        const conf = W_UNKNOWN_ENDPOINT * closed(0, ep.requests);
        out.push(detection(UNKNOWN_ENDPOINT, conf, 'request', `${req.method} ${clip(req.path, 80)}`, `path ${slash ? 'with' : 'without'} a trailing slash, never seen on ${ep.method} ${clip(ep.template, 80)} (${ep.requests} requests learned)`));
      }
      scoreSet(ep, endpointParams(req, pathParamsOf(ep.template, req.path)), out, `${ep.method} ${ep.template}`);
    }
    scoreSet(host.shared, hostParams(req), out, 'this host');
    return out;
  }

  function scoreSet(set: CSet, values: ParamValue[], out: Detection[], where: string): void {
    const present = new Set<string>();
    const reported = new Set<string>();
    for (const pv of values) {
      const k = key(pv.in, pv.name);
      present.add(k);
      if (reported.has(k)) continue;
      const cp = set.params.get(k);
      if (cp === undefined) {
        if (!set.open && set.requests >= opts.minSetRequests) {
          reported.add(k);
          const conf = W_UNKNOWN_PARAM[pv.in] * closed(set.n1, set.requests);
          out.push(detection(UNKNOWN_PARAMETER, conf, pv.in, pv.name, `${describe(pv)}${valueNote(pv)} never seen on ${where} (${set.requests} requests, ${set.params.size} known parameters)`));
        }
        continue;
      }
      const d = scoreValue(cp, pv);
      if (d !== undefined) {
        reported.add(k);
        out.push(d);
      }
    }
    for (const cp of set.required) {
      if (present.has(key(cp.p.in, cp.p.name))) continue;
      const conf = W_MISSING * closed(set.requests - cp.p.requests, set.requests);
      out.push(detection(PARAMETER_PROFILE, conf, cp.p.in, cp.p.name, `${cp.p.in} "${clip(cp.p.name, 40)}" missing; present in ${cp.p.requests} of ${set.requests} learned requests`));
    }
  }

  function scoreValue(cp: CParam, pv: ParamValue): Detection | undefined {
    const p = cp.p;
    if (p.values < opts.minSamples) return undefined;
    const s = shapeOf(pv.value);
    const reasons: Array<{ c: number; text: string; at: number }> = [];

    // New character classes.
    const newClasses: number[] = [];
    let classConf = 0;
    const gtClasses = closed(cp.k1, p.values);
    for (let i = 0; i < CHAR_CLASSES.length; i++) {
      if (!hasClass(s, i) || cp.counts[i]! > 0) continue;
      newClasses.push(i);
      classConf = 1 - (1 - classConf) * (1 - CLASS_WEIGHT[CHAR_CLASSES[i]!] * gtClasses);
    }
    if (newClasses.length > 0) {
      const names = newClasses.map((i) => CHAR_CLASSES[i]!).join(' ');
      const at = Math.min(...newClasses.map((i) => firstIndexOfClass(pv.value, i)).filter((x) => x >= 0));
      reasons.push({ c: classConf, text: `new characters ${names} (never in ${p.values} learned values: ${learnedClasses(p)})`, at: Number.isFinite(at) ? at : 0 });
    }

    // Type change.
    if (!typeCovered(cp.types, s.type)) {
      reasons.push({ c: W_TYPE * closed(cp.t1, p.values), text: `type ${s.type}, learned ${cp.types.join('/')}`, at: 0 });
    }

    // Length: how far past the learned bounds, on the scale of the learned spread (a fixed-length field
    // has no spread, so one character more is already far). A new maximum is what 1 in n+1 normal values
    // set anyway, so bounds learned from few values count for less (four-digit ids do grow a fifth digit).
    const scale = Math.max(0.5, p.len.sd, (p.len.max - p.len.min) / 4);
    const support = p.values / (p.values + LENGTH_SUPPORT);
    if (s.length > p.len.max) {
      const g = 1 - Math.exp(-(s.length - p.len.max) / scale);
      reasons.push({ c: W_LENGTH * g * support, text: `length ${s.length}, learned ${p.len.min}-${p.len.max}`, at: p.len.max });
    } else if (s.length < p.len.min) {
      const g = 1 - Math.exp(-(p.len.min - s.length) / scale);
      reasons.push({ c: W_SHORT * g * support, text: `length ${s.length}, learned ${p.len.min}-${p.len.max}`, at: 0 });
    }

    // A format the parameter never had, when its formats are few (`9A` for an id card number).
    if (cp.formats !== undefined) {
      const f = formatOf(pv.value);
      if (f === undefined || !cp.formats.has(f)) {
        const shown = [...cp.formats.keys()].slice(0, 3).map((x) => JSON.stringify(x)).join(', ');
        reasons.push({ c: W_FORMAT * closed(cp.f1, p.values), text: `format ${f === undefined ? '(long)' : JSON.stringify(f)}, learned ${shown}${cp.formats.size > 3 ? ', ...' : ''}`, at: 0 });
      }
    }

    // Unknown member of a small value set.
    if (cp.enumSet !== undefined && p.values >= opts.minEnumSamples && !cp.enumSet.has(fnv1a(pv.value))) {
      const shown = p.enum!.filter((e) => e.v !== undefined).slice(0, 4).map((e) => JSON.stringify(e.v));
      const list = shown.length > 0 ? `: ${shown.join(', ')}${p.enum!.length > shown.length ? ', ...' : ''}` : '';
      reasons.push({ c: W_ENUM * closed(cp.v1, p.values), text: `value not among the ${p.enum!.length} learned values${list}`, at: 0 });
    }

    if (reasons.length === 0) return undefined;
    let conf = 0;
    for (const r of reasons) conf = 1 - (1 - conf) * (1 - r.c);
    reasons.sort((a, b) => b.c - a.c);
    // The value first: evidence is cut at 200 characters, and the value is what an analyst reads first.
    return detection(PARAMETER_PROFILE, conf, pv.in, pv.name, `${describe(pv)}${valueNote(pv, reasons[0]!.at, p.sensitive)}: ${reasons.map((r) => r.text).join('; ')}`);
  }

  /** ` = "...'; DROP..."` (40 characters around the first departure), or the data class in place of a value that is personal data or a secret. */
  function valueNote(pv: ParamValue, at = 0, sensitive?: string): string {
    if (sensitive !== undefined) return ` (value withheld: ${sensitive})`;
    const cls = pv.value.length <= 8192 ? classifier.classifyValue(pv.value, pv.in === 'body' ? pv.name.slice(pv.name.lastIndexOf('/') + 1) : pv.name) : [];
    if (cls.length > 0) return ` = [REDACTED:${cls[0]!.dataClass}]`;
    const start = Math.max(0, at - 10);
    const snippet = pv.value.slice(start, start + 40);
    return ` = ${start > 0 ? '...' : ''}${JSON.stringify(snippet)}${start + 40 < pv.value.length ? '...' : ''}`;
  }

  return { score };
}

function newNode(): Node {
  return { lit: undefined, param: undefined, endpoints: undefined };
}

function insert(root: Node, e: EndpointProfile, set: CSet): void {
  let node = root;
  for (const seg of pathSegments(e.template)) {
    if (isTemplateParam(seg)) {
      node.param ??= newNode();
      node = node.param;
    } else {
      node.lit ??= new Map();
      let next = node.lit.get(seg);
      if (next === undefined) {
        next = newNode();
        node.lit.set(seg, next);
      }
      node = next;
    }
  }
  node.endpoints ??= new Map();
  node.endpoints.set(e.method, { ...set, method: e.method, template: e.template, slash: e.slash });
}

/**
 * The learned endpoint a path belongs to, literal segments first. Each trie node sits at one depth and is
 * reached by one route, so the search visits every node at most once: linear in the model, whatever the path.
 * Prefers a node that has the request's method; else returns the first node with any endpoint.
 */
function match(root: Node, segs: string[], method: string): Node | undefined {
  let fallback: Node | undefined;
  const walk = (node: Node, i: number): Node | undefined => {
    if (i === segs.length) {
      if (node.endpoints === undefined) return undefined;
      if (node.endpoints.has(method)) return node;
      fallback ??= node;
      return undefined;
    }
    const lit = node.lit?.get(segs[i]!);
    if (lit !== undefined) {
      const r = walk(lit, i + 1);
      if (r !== undefined) return r;
    }
    return node.param !== undefined ? walk(node.param, i + 1) : undefined;
  };
  return walk(root, 0) ?? fallback;
}

function compileSet(s: ParamSet, opts: Readonly<Omit<ProfileScorerOptions, 'classifier'>>): CSet {
  const params = new Map<string, CParam>();
  let n1 = 0;
  const required: CParam[] = [];
  for (const p of s.params) {
    const cp = compileParam(p);
    params.set(key(p.in, p.name), cp);
    if (p.requests === 1) n1++;
    if (s.requests >= opts.minSetRequests && p.requests >= opts.requiredPresence * s.requests && p.in !== 'header') required.push(cp);
  }
  return { requests: s.requests, params, n1, open: s.open, required };
}

function compileParam(p: ParamProfile): CParam {
  const counts = new Float64Array(CHAR_CLASSES.length);
  let k1 = 0;
  CHAR_CLASSES.forEach((c, i) => {
    const n = p.chars[c] ?? 0;
    counts[i] = n;
    if (n === 1) k1++;
  });
  const types: ValueType[] = [];
  let t1 = 0;
  for (const t of VALUE_TYPES) {
    const n = p.types[t];
    if (n === undefined || n === 0) continue;
    types.push(t);
    if (n === 1) t1++;
  }
  let enumSet: Set<number> | undefined;
  let v1 = 0;
  if (p.enum !== undefined) {
    enumSet = new Set(p.enum.map((e) => e.h));
    v1 = p.enum.filter((e) => e.n === 1).length;
  }
  let formats: Set<string> | undefined;
  let f1 = 0;
  if (p.formats !== undefined) {
    formats = new Set(p.formats.map((f) => f.f));
    f1 = p.formats.filter((f) => f.n === 1).length;
  }
  return { p, counts, k1, types, t1, enumSet, v1, formats, f1 };
}

/** Good-Turing: the confidence that something never seen in `n` observations, of which `singletons` were seen once, is a departure. */
export function closed(singletons: number, n: number): number {
  return 1 - (singletons + 1) / (n + 2);
}

function detection(info: DetectorInfo, confidence: number, where: Detection['location']['where'], name: string, evidence: string): Detection {
  return {
    detector: info.id,
    category: info.category,
    severity: info.severity,
    confidence: Math.round(Math.min(MAX_CONFIDENCE, Math.max(0, confidence)) * 1000) / 1000,
    owasp: info.owasp,
    mitre: info.mitre,
    location: { where, name },
    evidence: clip(evidence, 200),
  };
}

function describe(pv: ParamValue): string {
  return `${pv.in === 'body-raw' ? 'body' : pv.in} ${pv.name === '' ? '' : `"${clip(pv.name, 40)}"`}`.trim();
}

function learnedClasses(p: ParamProfile): string {
  const names = Object.keys(p.chars);
  return names.length > 0 ? clip(names.join(' '), 60) : 'none';
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 3) + '...';
}
