import type { Endpoint, Parameter } from '../contracts/endpoint.js';
import type { DataClassId, Direction, ValueLocation } from '../contracts/data-class.js';
import type { HttpMethod } from '../contracts/api-event.js';
import type { RiskConfig } from '../config/config.js';
import type { ClassInfo } from '../risk/posture-rules.js';
import { scoreRisk } from '../risk/score.js';
import { endpointId, timelinePoints, type EndpointState } from './endpoint-state.js';
import { smallValueSet } from '../discover/params.js';
import { isNoneAlg } from '../redact/credential-facts.js';

export interface TemplateInfo {
  confidence: number;
  evidence: string[];
  origin: 'traffic' | 'spec';
}

const VERSION_SEGMENT = /^(?:v\d{1,3}(?:\.\d{1,3})?|api|rest|graphql)$/i;

/** The API (service) an endpoint belongs to: its host plus leading `api`/version segments. */
export function apiOf(host: string, template: string): string {
  const segs = template.split('/').filter(Boolean);
  const base: string[] = [];
  for (const s of segs.slice(0, 2)) {
    if (!VERSION_SEGMENT.test(s)) break;
    base.push(s);
  }
  return base.length ? `${host}/${base.join('/')}` : host;
}

/** Builds the inventory record of an endpoint from its aggregate state. Pure: same state, same record. */
export function toEndpoint(
  state: EndpointState,
  template: TemplateInfo,
  documented: boolean,
  classInfo: (id: string) => ClassInfo,
  risk: RiskConfig,
): Endpoint {
  const params: Parameter[] = [];
  const classesByParam = new Map<string, Set<string>>();
  const dataClasses: Endpoint['dataClasses'] = [];
  for (const key of Object.keys(state.dataClasses).sort()) {
    const [dataClass, direction, location] = key.split('|') as [string, Direction, ValueLocation];
    const names = [...state.dataClasses[key]!].sort();
    dataClasses.push({ dataClass, direction, location, names });
    for (const n of names) {
      const pk = `${direction}|${location}|${n}`;
      let s = classesByParam.get(pk);
      if (!s) classesByParam.set(pk, (s = new Set()));
      s.add(dataClass);
    }
  }
  for (const key of Object.keys(state.params).sort()) {
    const p = state.params[key]!;
    const [direction, location, ...rest] = key.split('|') as [Direction, ValueLocation, ...string[]];
    const name = rest.join('|');
    const classes = [...(classesByParam.get(key) ?? [])].sort() as DataClassId[];
    const values = classes.length === 0 ? smallValueSet(p, location, name) : undefined;
    params.push({
      direction,
      location,
      name,
      types: { ...p.types },
      formats: { ...p.formats },
      dataClasses: classes,
      seen: p.seen,
      ...(values ? { values } : {}),
    });
  }
  const calls = Math.max(1, state.calls);
  const none = state.authKinds.none ?? 0;
  const weakAuth: string[] = [];
  if (state.authKinds.basic) weakAuth.push('basic');
  if (state.authKinds.digest) weakAuth.push('digest');
  if (state.authKinds['api-key-query']) weakAuth.push('api-key-query');
  if (Object.keys(state.jwt.algs).some(isNoneAlg)) weakAuth.push('jwt-alg-none');
  const uniqueClasses = [...new Set(dataClasses.map((d) => d.dataClass))].sort();
  const internetExposed = state.publicCalls > 0;
  const riskResult = scoreRisk(
    {
      method: state.method,
      pathTemplate: state.template,
      calls: state.calls,
      internetExposed,
      unauthenticatedShare: none / calls,
      plainHttpShare: state.plainHttp / calls,
      weakAuth,
      dataClasses: uniqueClasses.map((id) => ({ id, sensitivity: classInfo(id).sensitivity })),
      documented,
    },
    risk,
  );
  const responses = Object.keys(state.responses)
    .sort()
    .map((s) => {
      const contentTypes = { ...state.responses[s]! };
      return { status: Number(s), contentTypes, count: Object.values(contentTypes).reduce((a, b) => a + b, 0) };
    });
  const algs = Object.keys(state.jwt.algs).sort();
  return {
    id: endpointId(state.host, state.method, state.template),
    host: state.host,
    api: apiOf(state.host, state.template),
    applicationId: null,
    method: state.method as HttpMethod,
    pathTemplate: state.template,
    template: { confidence: template.confidence, evidence: template.evidence, origin: template.origin },
    firstSeen: new Date(state.firstSeen).toISOString(),
    lastSeen: new Date(state.lastSeen).toISOString(),
    calls: state.calls,
    statusCodes: { ...state.status },
    latencyMs: state.latency.total
      ? { p50: state.latency.quantile(0.5), p90: state.latency.quantile(0.9), p99: state.latency.quantile(0.99), max: state.latency.max }
      : null,
    consumers: state.consumers.estimate(),
    auth: {
      kinds: { ...state.authKinds },
      jwt: algs.length ? { algs, withoutExp: state.jwt.withoutExp, claims: [...state.jwt.claims].sort(), issuers: [...state.jwt.issuers].sort() } : null,
    },
    encryption: { plainHttpCalls: state.plainHttp, tlsCalls: state.tls, tlsVersions: { ...state.tlsVersions } },
    exposure: { internetExposed, publicClientCalls: state.publicCalls, privateClientCalls: state.privateCalls },
    parameters: params,
    responses,
    dataClasses,
    documented,
    risk: riskResult,
    traffic: timelinePoints(state),
  };
}
