import type { ApiEvent } from '../../contracts/api-event.js';
import { createClassifier, type Classifier } from '../../classify/index.js';
import { createPathTemplater, type PathTemplater, type TemplaterOptions } from '../../discover/path-templater.js';
import { fnv1a } from '../../redact/credential-facts.js';
import type { ValueLocation } from '../types.js';
import { decodeSegment, endpointParams, hostKey, hostParams, isTemplateParam, pathParamsOf, pathSegments, type ParamValue } from './extract.js';
import { PROFILE_MODEL_KIND, PROFILE_MODEL_VERSION, type EndpointProfile, type EnumEntry, type HostProfile, type ParamProfile, type ParamSet, type ProfileModel } from './model.js';
import { CHAR_CLASSES, formatOf, shapeOf, VALUE_TYPES, type ValueType } from './value-shape.js';

/**
 * Learns the positive model from traffic known to be normal (a baseline file, or the pipeline's learning
 * period): endpoints by path template (the discovery stage's templater), and a profile of every parameter.
 * Memory is bounded by the caps below whatever the traffic; attacker-chosen names and values cannot grow it
 * past them.
 *
 * @example
 * const learner = createProfileLearner();
 * for (const e of baselineEvents) learner.learn(e);
 * writeFileSync('model.json', JSON.stringify(learner.finish()));
 */

export interface ProfileLearnerOptions {
  /** Hosts learned; events for further hosts are counted as dropped. */
  readonly maxHosts: number;
  /** Endpoints kept per host in the model (the most requested); past it the host's endpoint set is "open". */
  readonly maxEndpointsPerHost: number;
  /** Distinct parameter names kept per endpoint (and per host for headers and cookies). */
  readonly maxParams: number;
  /** Endpoints learned across all hosts (the per-host caps alone would multiply). */
  readonly maxTotalEndpoints: number;
  /** Parameter profiles learned across all endpoints and hosts: the bound on the learner's memory (about 1 KiB each). */
  readonly maxTotalParams: number;
  /** Distinct values a value set may hold; one more and the parameter is free-valued. */
  readonly maxEnumValues: number;
  /** Distinct value formats kept per parameter; one more and the parameter's format is free. */
  readonly maxFormats: number;
  /** Longest value kept in plain text in a value set (longer ones: hash only). */
  readonly maxPlainValueLength: number;
  /** Used to keep personal data and secrets out of value sets. */
  readonly classifier?: Classifier;
  readonly templater?: Partial<TemplaterOptions>;
}

export const DEFAULT_LEARNER_OPTIONS: Readonly<Omit<ProfileLearnerOptions, 'classifier' | 'templater'>> = Object.freeze({
  maxHosts: 256,
  maxEndpointsPerHost: 5_000,
  maxParams: 128,
  maxTotalEndpoints: 20_000,
  maxTotalParams: 200_000,
  maxEnumValues: 16,
  maxFormats: 16,
  maxPlainValueLength: 32,
});

export interface ProfileLearner {
  learn(event: ApiEvent): void;
  /** Settles the path templates and returns the model (the learner can go on learning afterwards). */
  finish(now?: Date): ProfileModel;
  /** Events learned from, and events dropped by the caps. */
  stats(): { events: number; dropped: number };
}

/** A parameter profile while learning: moments instead of mean/sd, and the value set as a map. */
interface LearnParam {
  in: ValueLocation;
  name: string;
  requests: number;
  values: number;
  types: Map<ValueType, number>;
  min: number;
  max: number;
  sum: number;
  sumSq: number;
  chars: Float64Array;
  /** format -> count; undefined once there were more than `maxFormats`. */
  formats: Map<string, number> | undefined;
  /** hash -> [count, plain value or undefined]; undefined once free-valued or sensitive. */
  set: Map<number, { n: number; v: string | undefined }> | undefined;
  sensitive: string | undefined;
  /** Last request (sequence number) that counted towards `requests`. */
  lastReq: number;
}

interface LearnSet {
  requests: number;
  params: Map<string, LearnParam>;
  open: boolean;
}

interface LearnEndpoint extends LearnSet {
  method: string;
  template: string;
  slash: number;
}

interface LearnHost {
  host: string;
  requests: number;
  endpoints: Map<string, LearnEndpoint>;
  shared: LearnSet;
}


export function createProfileLearner(options: Partial<ProfileLearnerOptions> = {}): ProfileLearner {
  const opts = { ...DEFAULT_LEARNER_OPTIONS, ...options };
  const classifier = options.classifier ?? createClassifier();
  const templater: PathTemplater = createPathTemplater(options.templater);
  const hosts = new Map<string, LearnHost>();
  // Endpoint keys while learning are the templates of the moment; later collapses merge them in finish().
  const maxLearnEndpoints = opts.maxEndpointsPerHost * 4;
  let events = 0;
  let dropped = 0;
  let seq = 0;
  let totalEndpoints = 0;
  let totalParams = 0;

  function newSet(): LearnSet {
    return { requests: 0, params: new Map(), open: false };
  }

  /** `learning` is false while finish() merges: its copies are transient and must not use up the learning budget. */
  function param(set: LearnSet, loc: ValueLocation, name: string, learning = true): LearnParam | undefined {
    const key = `${loc}\u0000${name}`;
    let p = set.params.get(key);
    if (p === undefined) {
      if (set.params.size >= opts.maxParams || (learning && totalParams >= opts.maxTotalParams)) {
        set.open = true;
        return undefined;
      }
      if (learning) totalParams++;
      p = {
        in: loc, name, requests: 0, values: 0, types: new Map(), min: Number.POSITIVE_INFINITY, max: 0, sum: 0, sumSq: 0,
        chars: new Float64Array(CHAR_CLASSES.length), formats: new Map(), set: new Map(), sensitive: undefined, lastReq: -1,
      };
      set.params.set(key, p);
    }
    return p;
  }

  function observe(p: LearnParam, value: string, weight: number): void {
    const s = shapeOf(value);
    p.values += weight;
    p.types.set(s.type, (p.types.get(s.type) ?? 0) + weight);
    if (s.length < p.min) p.min = s.length;
    if (s.length > p.max) p.max = s.length;
    p.sum += s.length * weight;
    p.sumSq += s.length * s.length * weight;
    for (let i = 0; i < 32; i++) if ((s.lo >>> i) & 1) p.chars[i]! += weight;
    for (let i = 32; i < CHAR_CLASSES.length; i++) if ((s.hi >>> (i - 32)) & 1) p.chars[i]! += weight;
    if (p.formats !== undefined) {
      const f = formatOf(value);
      if (f === undefined || (!p.formats.has(f) && p.formats.size >= opts.maxFormats)) p.formats = undefined;
      else p.formats.set(f, (p.formats.get(f) ?? 0) + weight);
    }
    trackValue(p, value, weight);
  }

  function trackValue(p: LearnParam, value: string, weight: number): void {
    const set = p.set;
    if (set === undefined) return;
    if (value.includes('[REDACTED:')) {
      // Values that arrive redacted (the pipeline) carry data of some class: no value set, ever.
      p.sensitive = /\[REDACTED:([a-z0-9-]{1,48})/.exec(value)?.[1] ?? 'redacted';
      p.set = undefined;
      return;
    }
    const h = fnv1a(value);
    const e = set.get(h);
    if (e !== undefined) {
      e.n += weight;
      return;
    }
    if (set.size >= opts.maxEnumValues) {
      p.set = undefined;
      return;
    }
    // Each distinct value is classified once, while the set is small: a set of personal data or secrets is
    // not a value set to keep, so the parameter gets none.
    const cls = classifier.classifyValue(value, p.in === 'body' ? lastPointerPart(p.name) : p.name);
    if (cls.length > 0) {
      p.sensitive = cls[0]!.dataClass;
      p.set = undefined;
      return;
    }
    const plain = value.length <= opts.maxPlainValueLength && !hasControl(value) && !identityName(p.name);
    set.set(h, { n: weight, v: plain ? value : undefined });
  }

  function observeAll(set: LearnSet, values: ParamValue[], req: number): void {
    set.requests++;
    for (const pv of values) {
      const p = param(set, pv.in, pv.name);
      if (p === undefined) continue;
      if (p.lastReq !== req) {
        p.lastReq = req;
        p.requests++;
      }
      observe(p, pv.value, 1);
    }
  }

  function learn(event: ApiEvent): void {
    const req = event.request;
    const hk = hostKey(req.host, req.port);
    let h = hosts.get(hk);
    if (h === undefined) {
      if (hosts.size >= opts.maxHosts) {
        dropped++;
        return;
      }
      h = { host: hk, requests: 0, endpoints: new Map(), shared: newSet() };
      hosts.set(hk, h);
    }
    const match = templater.observe(hk, req.method, req.path);
    const key = `${req.method} ${match.template}`;
    let ep = h.endpoints.get(key);
    if (ep === undefined) {
      if (h.endpoints.size >= maxLearnEndpoints || totalEndpoints >= opts.maxTotalEndpoints) {
        dropped++;
        return;
      }
      totalEndpoints++;
      ep = { method: req.method, template: match.template, slash: 0, ...newSet() };
      h.endpoints.set(key, ep);
    }
    if (req.path.length > 1 && req.path.charCodeAt(req.path.length - 1) === 0x2f) ep.slash++;
    events++;
    h.requests++;
    const r = seq++;
    observeAll(ep, endpointParams(req, pathParamsOf(match.template, req.path)), r);
    observeAll(h.shared, hostParams(req), r);
  }

  function finish(now = new Date()): ProfileModel {
    templater.settle();
    const out: HostProfile[] = [];
    for (const h of hosts.values()) {
      const merged = new Map<string, LearnEndpoint>();
      for (const src of h.endpoints.values()) {
        const final = templater.resolve(h.host, src.method, src.template).template;
        const key = `${src.method} ${final}`;
        let dst = merged.get(key);
        if (dst === undefined) {
          dst = { method: src.method, template: final, slash: 0, ...newSet() };
          merged.set(key, dst);
        }
        mergeEndpoint(dst, src);
      }
      let endpoints = [...merged.values()].sort((a, b) => b.requests - a.requests);
      const open = endpoints.length > opts.maxEndpointsPerHost;
      if (open) endpoints = endpoints.slice(0, opts.maxEndpointsPerHost);
      endpoints.sort((a, b) => (a.template === b.template ? a.method.localeCompare(b.method) : a.template < b.template ? -1 : 1));
      out.push({
        host: h.host,
        requests: h.requests,
        singletonEndpoints: endpoints.filter((e) => e.requests === 1).length,
        open,
        endpoints: endpoints.map((e): EndpointProfile => ({ method: e.method, template: e.template, slash: e.slash, ...toSet(e) })),
        shared: toSet(h.shared),
      });
    }
    out.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
    return { kind: PROFILE_MODEL_KIND, version: PROFILE_MODEL_VERSION, createdAt: now.toISOString(), events, hosts: out };
  }

  /**
   * Adds `src` (learned under an earlier template) into `dst` (its settled template). A literal path segment
   * of `src` where `dst` has a parameter becomes that parameter's value, seen once per request of `src`.
   */
  function mergeEndpoint(dst: LearnEndpoint, src: LearnEndpoint): void {
    dst.requests += src.requests;
    dst.slash += src.slash;
    dst.open ||= src.open;
    const dSegs = pathSegments(dst.template);
    const sSegs = pathSegments(src.template);
    const rename = new Map<string, string>();
    if (dSegs.length === sSegs.length) {
      for (let i = 0; i < dSegs.length; i++) {
        const d = dSegs[i]!;
        const s = sSegs[i]!;
        if (!isTemplateParam(d)) continue;
        const dName = d.slice(1, -1);
        if (isTemplateParam(s)) {
          rename.set(s.slice(1, -1), dName);
        } else {
          const p = param(dst, 'path', dName, false);
          if (p === undefined) continue;
          p.requests += src.requests;
          observe(p, decodeSegment(s), src.requests);
        }
      }
    }
    for (const sp of src.params.values()) {
      const name = sp.in === 'path' ? (rename.get(sp.name) ?? sp.name) : sp.name;
      if (sp.in === 'path' && !rename.has(sp.name)) continue;
      const dp = param(dst, sp.in, name, false);
      if (dp === undefined) continue;
      mergeParam(dp, sp);
    }
  }

  function mergeParam(d: LearnParam, s: LearnParam): void {
    d.requests += s.requests;
    d.values += s.values;
    for (const [t, n] of s.types) d.types.set(t, (d.types.get(t) ?? 0) + n);
    d.min = Math.min(d.min, s.min);
    d.max = Math.max(d.max, s.max);
    d.sum += s.sum;
    d.sumSq += s.sumSq;
    for (let i = 0; i < d.chars.length; i++) d.chars[i]! += s.chars[i]!;
    if (d.formats !== undefined) {
      if (s.formats === undefined) d.formats = undefined;
      else {
        for (const [f, n] of s.formats) d.formats.set(f, (d.formats.get(f) ?? 0) + n);
        if (d.formats.size > opts.maxFormats) d.formats = undefined;
      }
    }
    d.sensitive ??= s.sensitive;
    if (d.sensitive !== undefined || s.set === undefined || d.set === undefined) {
      d.set = undefined;
      return;
    }
    for (const [h, e] of s.set) {
      const prev = d.set.get(h);
      if (prev !== undefined) prev.n += e.n;
      else if (d.set.size >= opts.maxEnumValues) {
        d.set = undefined;
        return;
      } else d.set.set(h, { n: e.n, v: e.v });
    }
  }

  function toSet(s: LearnSet): ParamSet {
    const params = [...s.params.values()]
      .filter((p) => p.values > 0)
      .sort((a, b) => (a.in === b.in ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.in < b.in ? -1 : 1))
      .map(toProfile);
    return { requests: s.requests, params, open: s.open };
  }

  function toProfile(p: LearnParam): ParamProfile {
    const mean = p.values > 0 ? p.sum / p.values : 0;
    const variance = p.values > 1 ? Math.max(0, (p.sumSq - p.sum * mean) / (p.values - 1)) : 0;
    const types: ParamProfile['types'] = {};
    for (const t of VALUE_TYPES) {
      const n = p.types.get(t);
      if (n !== undefined) types[t] = n;
    }
    const chars: ParamProfile['chars'] = {};
    CHAR_CLASSES.forEach((c, i) => {
      if (p.chars[i]! > 0) chars[c] = p.chars[i]!;
    });
    const out: ParamProfile = {
      in: p.in, name: p.name, requests: p.requests, values: p.values, types,
      len: { min: p.min === Number.POSITIVE_INFINITY ? 0 : p.min, max: p.max, mean: round(mean), sd: round(Math.sqrt(variance)) },
      chars,
    };
    if (p.formats !== undefined) out.formats = [...p.formats.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([f, n]) => ({ f, n }));
    if (p.set !== undefined && p.sensitive === undefined) {
      out.enum = [...p.set.entries()]
        .sort((a, b) => b[1].n - a[1].n || a[0] - b[0])
        .map(([h, e]): EnumEntry => (e.v === undefined ? { h, n: e.n } : { h, n: e.n, v: e.v }));
    }
    if (p.sensitive !== undefined) out.sensitive = p.sensitive;
    return out;
  }

  return { learn, finish, stats: () => ({ events, dropped }) };
}

/** `/user/address/city` -> `city`: key rules look at the field's own name. */
function lastPointerPart(pointer: string): string {
  const i = pointer.lastIndexOf('/');
  return i >= 0 ? pointer.slice(i + 1) : pointer;
}

/**
 * Names of fields that identify people or accounts (`login`, `username`, `customerName`, `owner`...): a small set
 * of their values is still personal data (the few users of a test baseline), so it keeps hashes only, even when
 * the classifier, which needs a value to look like a name or an e-mail, does not flag it.
 */
const IDENTITY_NAME = /user|login|account|owner|customer|member|person|nick|handle|author|mail|phone|name|addr/;

function identityName(name: string): boolean {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return n !== 'useragent' && IDENTITY_NAME.test(n);
}

function hasControl(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
