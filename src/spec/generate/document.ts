import { STATUS_CODES } from 'node:http';
import type { Endpoint, JwtObservation, Parameter } from '../../contracts/endpoint.js';
import type { SpecGenerateCounts, SpecGenerateFilters, SpecGenerateInfo } from '../../contracts/spec-generate.js';
import type { ReviewOutcome, ReviewedOperation } from './review.js';
import { addFacts, bodySchema, textSchema, REQUIRED_SHARE, type FieldFacts, type JsonSchema } from './schema.js';
import { isCredentialQuery, isInterfaceHeader, isSessionCookie, operationSecurity } from './security.js';
import { operationIdOf, segmentsOf } from './template.js';

/**
 * The OpenAPI 3.1 document from reviewed operations: servers from hosts and the schemes seen, one path
 * item per template, operations with parameters, request bodies, responses per status and media type,
 * security, and an `x-bulwark` record of the traffic behind each operation. Pure: the same operations,
 * evidence and options give the same document.
 */

/** Top-level fields of sampled JSON response bodies, by status class: which fields are an error's. */
export interface ResponseEvidence {
  success: Set<string>;
  error: Set<string>;
}

export interface DocumentOptions {
  /** Stamped in `x-bulwark.generatedAt` and the default `info.version`. */
  now: Date;
  /** `bulwark <version>`, in `x-bulwark.generator`. */
  generator: string;
  info?: SpecGenerateInfo;
  filters?: SpecGenerateFilters;
}

const HTTP_METHOD_ORDER = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** Leading segments that name the API rather than a resource (as `apiOf` reads them). */
const VERSION_SEGMENT = /^(?:v\d{1,3}(?:\.\d{1,3})?|api|rest|graphql)$/i;
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]{1,64}\/[a-z0-9!#$&^_.+-]{1,128}$/;

const isJson = (ct: string) => ct === 'application/json' || ct.endsWith('+json');
const isForm = (ct: string) => ct === 'application/x-www-form-urlencoded';
const noBodyStatus = (status: number) => status < 200 || status === 204 || status === 304;

interface MergedParam extends FieldFacts {
  direction: Parameter['direction'];
  location: Parameter['location'];
  name: string;
}

/** Everything the sources of one operation observed, with path parameters under the operation's names. */
interface Observed {
  params: Map<string, MergedParam>;
  /** status -> media type -> analysed responses */
  responses: Map<number, Record<string, number>>;
  statuses: Set<number>;
  kinds: Record<string, number>;
  jwt: JwtObservation | null;
  origins: Set<string>;
  calls: number;
  confidence: number;
  firstSeen: string;
  lastSeen: string;
  endpointIds: string[];
  evidence: ResponseEvidence;
  /** Events with a response among the analysed ones: the denominator for request parameters. */
  analysed: number;
}

function originsOf(e: Endpoint): string[] {
  const out: string[] = [];
  if (e.encryption.tlsCalls > 0 || e.encryption.plainHttpCalls === 0) out.push(`https://${e.host}`);
  if (e.encryption.plainHttpCalls > 0) out.push(`http://${e.host}`);
  return out;
}

function observe(op: ReviewedOperation, evidence: ReadonlyMap<string, ResponseEvidence>): Observed {
  const o: Observed = {
    params: new Map(),
    responses: new Map(),
    statuses: new Set(),
    kinds: {},
    jwt: null,
    origins: new Set(),
    calls: 0,
    confidence: 1,
    firstSeen: '',
    lastSeen: '',
    endpointIds: [],
    evidence: { success: new Set(), error: new Set() },
    analysed: 0,
  };
  for (const { endpoint: e, pathNames, removed } of op.sources) {
    o.endpointIds.push(e.id);
    o.calls += e.calls;
    o.confidence = Math.min(o.confidence, e.template.confidence);
    if (!o.firstSeen || e.firstSeen < o.firstSeen) o.firstSeen = e.firstSeen;
    if (e.lastSeen > o.lastSeen) o.lastSeen = e.lastSeen;
    for (const origin of originsOf(e)) o.origins.add(origin);
    for (const [k, n] of Object.entries(e.auth.kinds)) o.kinds[k] = (o.kinds[k] ?? 0) + n;
    if (e.auth.jwt) {
      o.jwt = o.jwt
        ? { ...o.jwt, algs: [...new Set([...o.jwt.algs, ...e.auth.jwt.algs])], withoutExp: o.jwt.withoutExp + e.auth.jwt.withoutExp }
        : e.auth.jwt;
    }
    for (const s of Object.keys(e.statusCodes)) o.statuses.add(Number(s));
    for (const r of e.responses) {
      o.statuses.add(r.status);
      const byType = o.responses.get(r.status) ?? {};
      for (const [ct, n] of Object.entries(r.contentTypes)) {
        byType[ct] = (byType[ct] ?? 0) + n;
        o.analysed += n;
      }
      o.responses.set(r.status, byType);
    }
    for (const p of e.parameters) {
      let name = p.name;
      if (p.location === 'path') {
        if (removed.has(p.name) || !pathNames.has(p.name)) continue;
        name = pathNames.get(p.name)!;
      }
      const key = `${p.direction}|${p.location}|${name}`;
      const prev = o.params.get(key);
      const facts: FieldFacts = { types: p.types, formats: p.formats, dataClasses: p.dataClasses, seen: p.seen, ...(p.values ? { values: p.values } : {}) };
      const sum = prev ? addFacts(prev, facts) : facts;
      // A value set only one source tracked is not known to be the whole set.
      if (prev && !(prev.values && p.values)) delete sum.values;
      o.params.set(key, { ...sum, direction: p.direction, location: p.location, name });
    }
    const ev = evidence.get(e.id);
    if (ev) {
      for (const k of ev.success) o.evidence.success.add(k);
      for (const k of ev.error) o.evidence.error.add(k);
    }
  }
  return o;
}

/** Names that can be written into a spec: not redaction placeholders (keys that were data), not huge. */
function describable(name: string): boolean {
  return name.length > 0 && name.length <= 200 && !name.includes('[REDACTED:');
}

function requestParameters(op: ReviewedOperation, o: Observed, denominator: number): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const seg of segmentsOf(op.template)) {
    if (seg.kind !== 'param') continue;
    out.push({ name: seg.name, in: 'path', required: true, schema: textSchema(o.params.get(`request|path|${seg.name}`)) });
  }
  const byLocation = (location: 'query' | 'header' | 'cookie', keep: (name: string) => boolean) =>
    [...o.params.values()].filter((p) => p.direction === 'request' && p.location === location && describable(p.name) && keep(p.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
  const add = (p: MergedParam, where: string) => {
    const param: JsonSchema = { name: p.name, in: where };
    if (denominator > 0 && p.seen >= REQUIRED_SHARE * denominator) param.required = true;
    param.schema = textSchema(p);
    out.push(param);
  };
  for (const p of byLocation('query', (n) => !isCredentialQuery(n))) add(p, 'query');
  for (const p of byLocation('header', isInterfaceHeader)) add(p, 'header');
  for (const p of byLocation('cookie', (n) => !isSessionCookie(n))) add(p, 'cookie');
  return out;
}

function bodyFields(o: Observed, direction: 'request' | 'response'): Array<{ pointer: string; facts: FieldFacts }> {
  return [...o.params.values()].filter((p) => p.direction === direction && p.location === 'body').map((p) => ({ pointer: p.name, facts: p }));
}

function requestBody(method: string, o: Observed, denominator: number): JsonSchema | null {
  const fields = bodyFields(o, 'request');
  const ct = o.params.get('request|header|content-type');
  const declared = Object.keys(ct?.values ?? {})
    .map((v) => v.split(';', 1)[0]!.trim().toLowerCase())
    .filter((v) => MEDIA_TYPE.test(v));
  const types = [...new Set(declared)].sort();
  if (fields.length === 0 && (types.length === 0 || ['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(method))) return null;
  const bodies = ct?.seen ?? fields.reduce((n, f) => (f.pointer.indexOf('/', 1) < 0 ? Math.max(n, f.facts.seen) : n), 0);
  const schema = fields.length ? bodySchema(fields, bodies) : null;
  const content: JsonSchema = {};
  const structured = types.filter((t) => isJson(t) || isForm(t));
  for (const t of fields.length && structured.length === 0 ? ['application/json', ...types] : types) {
    content[t] = schema && (isJson(t) || isForm(t)) ? { schema } : {};
  }
  const body: JsonSchema = { content };
  if (denominator > 0 && bodies >= REQUIRED_SHARE * denominator) body.required = true;
  return body;
}

function responsesOf(method: string, o: Observed): JsonSchema {
  const fields = bodyFields(o, 'response');
  let success = 0;
  let error = 0;
  for (const [status, byType] of o.responses) {
    for (const [ct, n] of Object.entries(byType)) {
      if (!isJson(ct)) continue;
      if (status >= 200 && status < 300) success += n;
      else error += n;
    }
  }
  const tops = new Set(fields.map((f) => f.pointer.slice(1).split('/', 1)[0]!.replace(/~1/g, '/').replace(/~0/g, '~')));
  let successSchema: JsonSchema | null = null;
  let errorSchema: JsonSchema | null = null;
  if (fields.length > 0) {
    const errorOnly = new Set([...o.evidence.error].filter((k) => !o.evidence.success.has(k)));
    if (error === 0) successSchema = bodySchema(fields, success);
    else if (success === 0) errorSchema = bodySchema(fields, error);
    else if (o.evidence.error.size > 0) {
      successSchema = bodySchema(fields, success, new Set([...tops].filter((k) => !errorOnly.has(k))));
      errorSchema = bodySchema(fields, error, o.evidence.error);
    } else successSchema = bodySchema(fields, success + error);
  }
  const out: JsonSchema = {};
  for (const status of [...o.statuses].filter((s) => Number.isInteger(s) && s >= 100 && s <= 599).sort((a, b) => a - b)) {
    const response: JsonSchema = { description: STATUS_CODES[status] ?? `Status ${status}` };
    const byType = o.responses.get(status) ?? {};
    const types = Object.keys(byType)
      .filter((t) => t !== '(none)' && MEDIA_TYPE.test(t))
      .sort();
    if (types.length && !noBodyStatus(status) && method !== 'HEAD') {
      const content: JsonSchema = {};
      const schema = status >= 200 && status < 300 ? successSchema : errorSchema;
      for (const t of types) content[t] = isJson(t) && schema && Object.keys(schema).length ? { schema } : {};
      response.content = content;
    }
    out[String(status)] = response;
  }
  if (Object.keys(out).length === 0) out.default = { description: 'No response was observed' };
  return out;
}

function tagOf(template: string): string {
  const segs = segmentsOf(template);
  let i = 0;
  while (i < 2 && i < segs.length && segs[i]!.kind === 'static' && VERSION_SEGMENT.test((segs[i] as { value: string }).value)) i++;
  const first = segs.slice(i).find((s) => s.kind === 'static' && s.value !== '');
  return first?.kind === 'static' ? first.value : 'root';
}

/** `/` then the path; `{`, `}` only around parameter names. A discovered template is one already. */
function pathKey(template: string): string {
  return template.startsWith('/') ? template : `/${template}`;
}

/**
 * @example
 * const { document } = buildDocument(applyReview(endpoints), new Map(), { now: new Date(), generator: 'bulwark 0.1.0' });
 * document.openapi; // '3.1.0'
 */
export function buildDocument(
  outcome: ReviewOutcome,
  evidence: ReadonlyMap<string, ResponseEvidence>,
  opts: DocumentOptions,
): { document: Record<string, unknown>; counts: SpecGenerateCounts } {
  const observed = outcome.operations.map((op) => ({ op, o: observe(op, evidence) }));
  const allOrigins = [...new Set(observed.flatMap(({ o }) => [...o.origins]))].sort();
  const hosts = [...new Set(observed.flatMap(({ op }) => op.sources.map((s) => s.endpoint.host)))].sort();
  const schemes: Record<string, JsonSchema> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  const usedIds = new Set<string>();
  let first = '';
  let last = '';

  for (const { op, o } of observed) {
    const denominator = Math.max(
      o.analysed,
      [...o.params.values()].reduce((n, p) => (p.direction === 'request' && p.location !== 'body' ? Math.max(n, p.seen) : n), 0),
    );
    const security = operationSecurity(o.kinds, [...o.params.values()].map(toParameter), o.jwt);
    for (const [id, scheme] of security.schemes) {
      const prev = schemes[id];
      if (!prev) schemes[id] = { ...scheme };
      else if (Array.isArray(scheme['x-bulwark-jwt-algorithms'])) {
        const algs = new Set([...((prev['x-bulwark-jwt-algorithms'] as string[] | undefined) ?? []), ...(scheme['x-bulwark-jwt-algorithms'] as string[])]);
        prev['x-bulwark-jwt-algorithms'] = [...algs].sort();
      }
    }
    let operationId = operationIdOf(op.method, op.template);
    for (let n = 2; usedIds.has(operationId); n++) operationId = `${operationIdOf(op.method, op.template)}_${n}`;
    usedIds.add(operationId);
    const tag = tagOf(op.template);
    tags.add(tag);

    const operation: Record<string, unknown> = { operationId, tags: [tag] };
    const parameters = requestParameters(op, o, denominator);
    if (parameters.length) operation.parameters = parameters;
    const body = requestBody(op.method, o, denominator);
    if (body) operation.requestBody = body;
    operation.responses = responsesOf(op.method, o);
    operation.security = security.requirements;
    const origins = [...o.origins].sort();
    if (allOrigins.length > 1 && origins.join(' ') !== allOrigins.join(' ')) operation.servers = origins.map((url) => ({ url }));
    operation['x-bulwark'] = {
      endpoints: o.endpointIds,
      calls: o.calls,
      confidence: Math.round(o.confidence * 100) / 100,
      firstSeen: o.firstSeen,
      lastSeen: o.lastSeen,
      ...(op.splitFrom ? { splitFrom: op.splitFrom } : {}),
    };
    const item = (paths[pathKey(op.template)] ??= {});
    item[op.method.toLowerCase()] = operation;
    if (!first || o.firstSeen < first) first = o.firstSeen;
    if (o.lastSeen > last) last = o.lastSeen;
  }

  const sortedPaths: Record<string, Record<string, unknown>> = {};
  for (const p of Object.keys(paths).sort()) {
    const item = paths[p]!;
    sortedPaths[p] = Object.fromEntries(Object.keys(item).sort((a, b) => HTTP_METHOD_ORDER.indexOf(a) - HTTP_METHOD_ORDER.indexOf(b)).map((m) => [m, item[m]]));
  }

  const day = opts.now.toISOString().slice(0, 10);
  const title = opts.info?.title ?? (hosts.length === 1 ? `${hosts[0]} (discovered)` : hosts.length === 0 ? 'Discovered API' : `Discovered APIs: ${hosts.join(', ')}`.slice(0, 200));
  const between = first && last ? ` between ${first.slice(0, 10)} and ${last.slice(0, 10)}` : '';
  const description =
    opts.info?.description ??
    `Generated by Bulwark from the API traffic it observed${between}. Schemas are inferred from a sample of that traffic: review them before publishing.`;
  const counts: SpecGenerateCounts = {
    ...outcome.counts,
    operations: outcome.operations.length,
    paths: Object.keys(sortedPaths).length,
  };
  const document: Record<string, unknown> = {
    openapi: '3.1.0',
    info: { title, version: opts.info?.version ?? day, description },
  };
  if (allOrigins.length) document.servers = allOrigins.map((url) => ({ url }));
  if (tags.size) document.tags = [...tags].sort().map((name) => ({ name }));
  document.paths = sortedPaths;
  if (Object.keys(schemes).length) document.components = { securitySchemes: Object.fromEntries(Object.keys(schemes).sort().map((k) => [k, schemes[k]])) };
  document['x-bulwark'] = {
    generator: opts.generator,
    generatedAt: opts.now.toISOString(),
    ...(opts.filters && (opts.filters.hosts?.length || opts.filters.application) ? { filters: opts.filters } : {}),
    counts,
  };
  return { document, counts };
}

function toParameter(p: MergedParam): Parameter {
  return { direction: p.direction, location: p.location, name: p.name, types: p.types, formats: p.formats, dataClasses: p.dataClasses as Parameter['dataClasses'], seen: p.seen };
}
