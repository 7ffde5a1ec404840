import { createHash } from 'node:crypto';
import type { ApiEvent } from '../contracts/api-event.js';
import type { DataClassHit } from '../contracts/data-class.js';
import type { CredentialFacts } from '../redact/credential-facts.js';
import { fnv1a } from '../redact/credential-facts.js';
import { isCredentialClass } from '../classify/registry.js';
import { Hll, LatencyHistogram, addCapped, bump, mergeCounts } from './sketches.js';
import { mergeParams, type ParamMap } from '../discover/params.js';

/**
 * The mergeable aggregate of one endpoint. It holds counters and sketches only, never raw values, so
 * it can be persisted as is; two states of the same endpoint merge exactly (`mergeState`), which is
 * what a template collapse (`/users/alice` + `/users/bob` -> `/users/{username}`) and, later,
 * scale-out workers rely on.
 */
export interface EndpointState {
  host: string;
  method: string;
  template: string;
  firstSeen: number;
  lastSeen: number;
  calls: number;
  status: Record<string, number>;
  latency: LatencyHistogram;
  consumers: Hll;
  authKinds: Record<string, number>;
  jwt: { algs: Record<string, number>; withoutExp: number; claims: string[]; issuers: string[] };
  plainHttp: number;
  tls: number;
  tlsVersions: Record<string, number>;
  publicCalls: number;
  privateCalls: number;
  /** Events that went through full analysis (bodies, parameters, data classes). */
  analysed: number;
  params: ParamMap;
  /** status -> content type -> count */
  responses: Record<string, Record<string, number>>;
  /** `${class}|${direction}|${location}` -> parameter names (capped) */
  dataClasses: Record<string, string[]>;
  /** Posture signal counters, see `risk/signals.ts`. */
  signals: Record<string, number>;
  /** Signal counts already reported in findings, so that each flush reports only what is new. */
  reported: Record<string, number>;
  /** Hour index (ms / 3,600,000) -> [calls, 2xx, 3xx, 4xx, 5xx]; the newest `MAX_TIMELINE_HOURS` hours. */
  timeline: Record<string, number[]>;
}

/** Two weeks of hourly buckets per endpoint: enough for "traffic over time" without growing with traffic. */
export const MAX_TIMELINE_HOURS = 24 * 14;
const HOUR_MS = 3_600_000;

const MAX_SIGNAL_KEYS = 200;
const MAX_CLASS_KEYS = 100;
const MAX_NAMES = 20;

export function endpointId(host: string, method: string, template: string): string {
  return createHash('sha256').update(`${host}\n${method}\n${template}`).digest('hex').slice(0, 16);
}

export function newState(host: string, method: string, template: string, ts: number): EndpointState {
  return {
    host,
    method,
    template,
    firstSeen: ts,
    lastSeen: ts,
    calls: 0,
    status: {},
    latency: new LatencyHistogram(),
    consumers: new Hll(),
    authKinds: {},
    jwt: { algs: {}, withoutExp: 0, claims: [], issuers: [] },
    plainHttp: 0,
    tls: 0,
    tlsVersions: {},
    publicCalls: 0,
    privateCalls: 0,
    analysed: 0,
    params: {},
    responses: {},
    dataClasses: {},
    signals: {},
    reported: {},
    timeline: {},
  };
}

function bucketOf(state: EndpointState, hour: number): number[] {
  let b = state.timeline[hour];
  if (!b) {
    b = state.timeline[hour] = [0, 0, 0, 0, 0];
    pruneTimeline(state.timeline);
  }
  return b;
}

/** Drops the oldest hours beyond the cap (integer-like keys iterate in ascending order). */
function pruneTimeline(timeline: Record<string, number[]>): void {
  const keys = Object.keys(timeline);
  for (let i = 0; i < keys.length - MAX_TIMELINE_HOURS; i++) delete timeline[keys[i]!];
}

/** The timeline as points, oldest first. */
export function timelinePoints(state: EndpointState): { t: string; calls: number; s2xx: number; s3xx: number; s4xx: number; s5xx: number }[] {
  return Object.keys(state.timeline).map((k) => {
    const b = state.timeline[k]!;
    return { t: new Date(Number(k) * HOUR_MS).toISOString(), calls: b[0]!, s2xx: b[1]!, s3xx: b[2]!, s4xx: b[3]!, s5xx: b[4]! };
  });
}

export function signal(state: EndpointState, key: string, n = 1): void {
  if (state.signals[key] === undefined && Object.keys(state.signals).length >= MAX_SIGNAL_KEYS) return;
  bump(state.signals, key, n);
}

/** What every event contributes, analysed or not: cheap counters only. */
export function observeEvent(
  state: EndpointState,
  event: ApiEvent,
  ts: number,
  facts: CredentialFacts,
  client: { address: string | null; public: boolean | null },
): void {
  state.calls++;
  if (ts < state.firstSeen) state.firstSeen = ts;
  if (ts > state.lastSeen) state.lastSeen = ts;
  const status = event.response?.status;
  if (status !== undefined) bump(state.status, String(status));
  if (Number.isFinite(ts)) {
    const b = bucketOf(state, Math.floor(ts / HOUR_MS));
    b[0]!++;
    if (status !== undefined && status >= 200 && status < 600) b[Math.floor(status / 100) - 1]!++;
  }
  if (event.latencyMs !== undefined) state.latency.add(event.latencyMs);
  const consumer = facts.principal ?? (client.address ? fnv1a(client.address) : null);
  if (consumer !== null) state.consumers.add(consumer);
  bump(state.authKinds, facts.kind);
  if (facts.jwt) {
    bump(state.jwt.algs, facts.jwt.alg);
    if (!facts.jwt.hasExp) state.jwt.withoutExp++;
    for (const c of facts.jwt.claims) addCapped(state.jwt.claims, c, 40);
    if (facts.jwt.iss) addCapped(state.jwt.issuers, facts.jwt.iss, 10);
  }
  if (event.request.scheme === 'http') state.plainHttp++;
  else {
    state.tls++;
    if (event.request.tlsVersion) bump(state.tlsVersions, event.request.tlsVersion);
  }
  if (client.public === true) state.publicCalls++;
  else if (client.public === false) state.privateCalls++;
}

/** Records data classes found by the redact stage. Path hits are named by the template's parameter. */
export function observeHits(state: EndpointState, hits: readonly DataClassHit[], pathParamNames: readonly (string | null)[]): void {
  for (const h of hits) {
    // The request's own credentials (Authorization, API-key headers, session cookies) are what
    // authentication facts describe; as data classes they would mark every protected endpoint.
    if (h.direction === 'request' && (h.location === 'header' || h.location === 'cookie') && isCredentialClass(h.dataClass)) continue;
    // Client addresses in forwarding headers describe the caller, not data the endpoint handles.
    if (h.direction === 'request' && h.location === 'header' && h.dataClass === 'ip-address') continue;
    let name = h.name;
    if (h.location === 'path') {
      const idx = Number(name.startsWith('/') ? name.slice(1) : name);
      const p = Number.isInteger(idx) ? pathParamNames[idx] : undefined;
      if (p) name = p;
    }
    const key = `${h.dataClass}|${h.direction}|${h.location}`;
    let names = state.dataClasses[key];
    if (!names) {
      if (Object.keys(state.dataClasses).length >= MAX_CLASS_KEYS) continue;
      names = state.dataClasses[key] = [];
    }
    addCapped(names, name, MAX_NAMES);
  }
}

export function observeResponseType(state: EndpointState, status: number, contentType: string | undefined): void {
  const ct = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase().slice(0, 100) || '(none)';
  const byType = (state.responses[String(status)] ??= {});
  if (byType[ct] === undefined && Object.keys(byType).length >= 20) return;
  bump(byType, ct);
}

export function mergeState(into: EndpointState, from: EndpointState): void {
  into.calls += from.calls;
  into.firstSeen = Math.min(into.firstSeen, from.firstSeen);
  into.lastSeen = Math.max(into.lastSeen, from.lastSeen);
  mergeCounts(into.status, from.status);
  into.latency.merge(from.latency);
  into.consumers.merge(from.consumers);
  mergeCounts(into.authKinds, from.authKinds);
  mergeCounts(into.jwt.algs, from.jwt.algs);
  into.jwt.withoutExp += from.jwt.withoutExp;
  for (const c of from.jwt.claims) addCapped(into.jwt.claims, c, 40);
  for (const c of from.jwt.issuers) addCapped(into.jwt.issuers, c, 10);
  into.plainHttp += from.plainHttp;
  into.tls += from.tls;
  mergeCounts(into.tlsVersions, from.tlsVersions);
  into.publicCalls += from.publicCalls;
  into.privateCalls += from.privateCalls;
  into.analysed += from.analysed;
  mergeParams(into.params, from.params);
  for (const s in from.responses) {
    const byType = (into.responses[s] ??= {});
    mergeCounts(byType, from.responses[s]!);
  }
  for (const k in from.dataClasses) {
    const names = (into.dataClasses[k] ??= []);
    for (const n of from.dataClasses[k]!) addCapped(names, n, MAX_NAMES);
  }
  for (const k in from.timeline) {
    const src = from.timeline[k]!;
    const dst = bucketOf(into, Number(k));
    for (let i = 0; i < dst.length; i++) dst[i]! += src[i] ?? 0;
  }
  // `reported` is not merged: the merged-in endpoint's findings are deleted with it, so its
  // occurrences must be reported again under the endpoint they now belong to.
  for (const k in from.signals) signal(into, k, from.signals[k]);
}

export function serializeState(s: EndpointState): unknown {
  return { ...s, latency: s.latency.toJSON(), consumers: s.consumers.toJSON() };
}

export function deserializeState(raw: unknown): EndpointState | null {
  const v = raw as Partial<Record<keyof EndpointState, unknown>> | null;
  if (!v || typeof v.host !== 'string' || typeof v.method !== 'string' || typeof v.template !== 'string') return null;
  const base = newState(v.host, v.method, v.template, Number(v.firstSeen) || 0);
  return {
    ...base,
    ...(v as object),
    latency: LatencyHistogram.fromJSON(v.latency),
    consumers: Hll.fromJSON(v.consumers),
  } as EndpointState;
}
