import type { ApiEvent, Body } from '../contracts/api-event.js';
import { DRIFT_KINDS, type DriftLocation } from '../contracts/conformance.js';
import type { SchemaNode, SpecMediaType, SpecModel, SpecOperation, SpecParameter, SpecResponse } from '../spec/model.js';
import { isRedactionPlaceholder } from './json-schema.js';
import { createOperationMatcher, type MatchResult, type MatcherSpec, type OperationMatch } from './matcher.js';
import { createSpecValidators, type SpecValidators, type ValidatorOptions } from './validators.js';

/**
 * Conformance of one observed call to the operation it matched: parameters, request body, status,
 * response content type and body, against the spec's schemas.
 *
 * Messages never carry a value from the event (values are redacted already, but bodies are not echoed):
 * they name the field, the keyword that failed and at most a type, a format or a media type.
 *
 * @example
 *   const c = createConformanceChecker([{ specId: 'shop', version: 2, model }]);
 *   const { match, violations } = c.checkEvent(event);
 *   // match.kind === 'shadow': no operation documents this call
 *   // violations: [{ kind: 'parameter-schema', location: 'query', field: 'limit', message: 'must be integer', ... }]
 */

/** The drift kinds, plus `zombie` (a call to a deprecated operation). */
export const VIOLATION_KINDS = [...DRIFT_KINDS, 'zombie'] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

export type ViolationLocation = DriftLocation | 'operation';

export interface Violation {
  kind: ViolationKind;
  location: ViolationLocation;
  /** Parameter name, JSON pointer into a body (`/items/0/id`, '' for the whole body), `request`/`response` for content types, the status code for statuses. */
  field: string;
  message: string;
  /** JSON Schema keyword that failed, for schema violations. */
  keyword?: string;
  operation: { specId: string; version: number; method: string; path: string; operationId: string | null };
}

/**
 * Request headers never reported as undocumented: protocol, proxy, browser and caching headers that
 * OpenAPI does not expect a spec to describe (it forbids describing accept, content-type and
 * authorization as header parameters).
 */
const STANDARD_REQUEST_HEADERS = new Set([
  'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'cache-control', 'connection', 'content-length',
  'content-type', 'content-encoding', 'cookie', 'date', 'dnt', 'expect', 'forwarded', 'from', 'host', 'if-match',
  'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'keep-alive', 'max-forwards', 'origin',
  'pragma', 'priority', 'proxy-connection', 'range', 'referer', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'upgrade-insecure-requests', 'user-agent', 'via', 'traceparent', 'tracestate', 'baggage', 'x-request-id',
  'x-correlation-id', 'x-real-ip', 'x-amzn-trace-id', 'x-cloud-trace-context', 'access-control-request-method',
  'access-control-request-headers', 'cdn-loop', 'true-client-ip',
]);
const STANDARD_HEADER_PREFIXES = ['x-forwarded-', 'sec-', 'x-b3-', 'cf-', 'x-envoy-', 'x-amz-cf-', ':'];

const MAX_PARAM_VALUES = 100;

/**
 * Bodies already parsed (the redact stage parses JSON bodies once: `RedactionResult.requestJson`). A body
 * given here is not parsed again; one left out is parsed from its text when its media type is JSON.
 */
export interface ParsedBodies {
  requestJson?: unknown;
  responseJson?: unknown;
}

export interface ConformanceChecker {
  match(event: ApiEvent): MatchResult;
  /** Violations of `event` against the operation it matched. */
  check(event: ApiEvent, match: OperationMatch, bodies?: ParsedBodies): Violation[];
  /** Match, then check; a shadow call has no violations (it is reported as shadow). */
  checkEvent(event: ApiEvent): { match: MatchResult; violations: Violation[] };
  /** Compiled validator counts per spec version (`specId@version`). */
  stats(): Record<string, { cached: number; unchecked: number }>;
}

export function createConformanceChecker(specs: MatcherSpec[], opts: ValidatorOptions = {}): ConformanceChecker {
  const matcher = createOperationMatcher(specs);
  const validators = new Map<SpecModel, SpecValidators>();
  const validatorsFor = (model: SpecModel) => {
    let v = validators.get(model);
    if (!v) validators.set(model, (v = createSpecValidators(model, opts)));
    return v;
  };
  const cache = newCheckCache();
  const check = (event: ApiEvent, match: OperationMatch, bodies?: ParsedBodies) => checkEvent(event, match, validatorsFor(match.model), cache, bodies);
  return {
    match: (event) => matcher.match(event),
    check,
    checkEvent(event) {
      const match = matcher.match(event);
      return { match, violations: match.kind === 'match' ? check(event, match) : [] };
    },
    stats() {
      const out: Record<string, { cached: number; unchecked: number }> = {};
      for (const s of specs) {
        const v = validators.get(s.model);
        if (v) out[`${s.specId}@${s.version}`] = v.stats();
      }
      return out;
    },
  };
}

/**
 * Violations of `event` against `match.operation`, with `validators` of `match.model`; `cache` keeps what
 * is worked out per parameter and operation (pass one per checker).
 */
export function checkEvent(event: ApiEvent, match: OperationMatch, validators: SpecValidators, cache: CheckCache = newCheckCache(), bodies: ParsedBodies = {}): Violation[] {
  const op = match.operation;
  const ref = { specId: match.specId, version: match.version, method: op.method, path: op.path, operationId: op.operationId };
  const out: Violation[] = [];
  const add = (v: Omit<Violation, 'operation'>) => out.push({ ...v, operation: ref });

  if (op.deprecated) add({ kind: 'zombie', location: 'operation', field: `${op.method.toUpperCase()} ${op.path}`, message: 'the operation is deprecated but still called' });

  checkParameters(event, match, validators, cache, add);
  checkRequestBody(event, op, validators, add, bodies.requestJson);
  if (event.response) checkResponse(event, match, validators, add, bodies.responseJson);
  return out;
}

type Add = (v: Omit<Violation, 'operation'>) => void;

/** What checking an operation's parameters needs, worked out once per operation (`CheckCache.plans`). */
interface ParamPlan {
  params: Array<{ p: SpecParameter; style: string; explode: boolean; objectValued: boolean }>;
  documented: { query: Set<string>; header: Set<string>; cookie: Set<string> };
  queryPrefixes: string[];
  anyQueryAllowed: boolean;
  /** A security scheme of the operation sends `Authorization`. */
  authorizationCovered: boolean;
}

function planOf(cache: CheckCache, match: OperationMatch): ParamPlan {
  const op = match.operation;
  const hit = cache.plans.get(op);
  if (hit) return hit;
  const plan: ParamPlan = { params: [], documented: { query: new Set(), header: new Set(), cookie: new Set() }, queryPrefixes: [], anyQueryAllowed: false, authorizationCovered: false };
  for (const p of op.parameters) {
    if (p.in !== 'path') plan.documented[p.in].add(p.in === 'header' ? p.name.toLowerCase() : p.name);
    const style = styleOf(cache.defs, match.model, p);
    const explode = explodeOf(cache.defs, match.model, p, style);
    const objectValued = !!p.schema && isObjectSchema(p.schema);
    if (p.in === 'query' && objectValued) {
      if (style === 'deepObject') plan.queryPrefixes.push(`${p.name}[`);
      else if (explode) {
        // form + explode object: its properties are the query keys.
        const props = p.schema!.children.filter((c) => c.via.startsWith('properties/')).map((c) => c.via.slice('properties/'.length));
        if (props.length === 0) plan.anyQueryAllowed = true;
        for (const name of props) plan.documented.query.add(name);
      }
    }
    plan.params.push({ p, style, explode, objectValued });
  }
  // Security schemes that put credentials in a parameter or in Authorization.
  const schemes = new Map(match.model.securitySchemes.map((s) => [s.name, s]));
  for (const requirement of op.security) {
    for (const name of Object.keys(requirement)) {
      const s = schemes.get(name);
      if (!s) continue;
      if (s.type === 'apiKey' && s.in && s.paramName) plan.documented[s.in].add(s.in === 'header' ? s.paramName.toLowerCase() : s.paramName);
      if (s.type === 'http' || s.type === 'oauth2' || s.type === 'openIdConnect') plan.authorizationCovered = true;
    }
  }
  cache.plans.set(op, plan);
  return plan;
}

function checkParameters(event: ApiEvent, match: OperationMatch, validators: SpecValidators, cache: CheckCache, add: Add): void {
  const req = event.request;
  const { params, documented, queryPrefixes, anyQueryAllowed, authorizationCovered } = planOf(cache, match);

  for (const { p, style, explode, objectValued } of params) {
    const raw = rawValues(event, match, p);
    if (raw === null) {
      if (p.required) add({ kind: 'missing-required-parameter', location: p.in, field: p.name, message: `required ${p.in} parameter is missing` });
      continue;
    }
    if (!p.schema || objectValued) continue; // object-valued parameters: presence only
    if (raw.some(isRedactionPlaceholder)) continue;
    const check = validators.get(p.schema);
    if (check.kind !== 'ready') continue;
    const value = coerce(raw, p.schema, style, explode);
    const err = check.validate(value, { redacted: false });
    if (err) add({ kind: 'parameter-schema', location: p.in, field: p.name + (err.pointer && err.pointer !== '' ? err.pointer : ''), keyword: err.keyword, message: err.message });
  }

  if (!anyQueryAllowed) {
    for (const name in req.query) {
      if (documented.query.has(name) || (queryPrefixes.length > 0 && queryPrefixes.some((pre) => name.startsWith(pre)))) continue;
      add({ kind: 'undocumented-parameter', location: 'query', field: name, message: 'query parameter is not in the spec' });
    }
  }
  for (const name in req.headers) {
    const n = name.toLowerCase();
    if (documented.header.has(n) || STANDARD_REQUEST_HEADERS.has(n) || STANDARD_HEADER_PREFIXES.some((p) => n.startsWith(p))) continue;
    if (n === 'authorization' && authorizationCovered) continue;
    add({ kind: 'undocumented-parameter', location: 'header', field: n, message: n === 'authorization' ? 'Authorization header sent but no security scheme of the operation uses it' : 'header is not in the spec' });
  }
  // Browsers attach every cookie of the site: report cookies only for operations that document some.
  if (documented.cookie.size > 0) {
    for (const name in req.cookies) {
      if (!documented.cookie.has(name)) add({ kind: 'undocumented-parameter', location: 'cookie', field: name, message: 'cookie is not in the spec' });
    }
  }
}

/**
 * `style` / `explode` as written: the model does not carry them, so they are read from the document
 * at the parameter's pointer (in-document parameters only; others get the defaults).
 */
type ParamDefs = WeakMap<SpecParameter, { style?: unknown; explode?: unknown }>;

/**
 * What a checker works out once and keeps: parameters' `style` / `explode`, and each operation's parameter
 * plan. Keyed weakly by model objects, so a spec version that is dropped takes its entries along. One per
 * checker (`newCheckCache()`).
 */
export interface CheckCache {
  defs: ParamDefs;
  plans: WeakMap<SpecOperation, ParamPlan>;
}

export function newCheckCache(): CheckCache {
  return { defs: new WeakMap(), plans: new WeakMap() };
}
function paramDef(styleCache: ParamDefs, model: SpecModel, p: SpecParameter): { style?: unknown; explode?: unknown } {
  let def = styleCache.get(p);
  if (def) return def;
  def = {};
  if (p.pointer.startsWith('/')) {
    let node: unknown = model.raw;
    for (const seg of p.pointer.slice(1).split('/')) {
      const key = seg.replace(/~1/g, '/').replace(/~0/g, '~');
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
    if (node && typeof node === 'object') def = node as { style?: unknown; explode?: unknown };
  }
  styleCache.set(p, def);
  return def;
}

function styleOf(defs: ParamDefs, model: SpecModel, p: SpecParameter): string {
  const s = paramDef(defs, model, p).style;
  if (typeof s === 'string') return s;
  return p.in === 'query' || p.in === 'cookie' ? 'form' : 'simple';
}

function explodeOf(defs: ParamDefs, model: SpecModel, p: SpecParameter, style: string): boolean {
  const e = paramDef(defs, model, p).explode;
  if (typeof e === 'boolean') return e;
  return style === 'form';
}

function isObjectSchema(s: SchemaNode): boolean {
  return s.types.includes('object') || (s.types.length === 0 && s.children.some((c) => c.via.startsWith('properties/')));
}

/** The parameter's raw string values, or null when absent. */
function rawValues(event: ApiEvent, match: OperationMatch, p: SpecParameter): string[] | null {
  const req = event.request;
  switch (p.in) {
    case 'path': {
      const v = match.pathParams[p.name];
      return v === undefined ? null : [v];
    }
    case 'query': {
      const v = req.query[p.name];
      return v && v.length ? v.slice(0, MAX_PARAM_VALUES) : null;
    }
    case 'header': {
      const v = req.headers[p.name.toLowerCase()];
      return v === undefined ? null : [v];
    }
    case 'cookie': {
      const v = req.cookies[p.name];
      return v === undefined ? null : [v];
    }
  }
}

const DELIMITERS: Record<string, string> = { form: ',', simple: ',', spaceDelimited: ' ', pipeDelimited: '|' };

/** Strings -> the types the schema asks for (`'42'` -> 42 for an integer); arrays split per style. */
function coerce(raw: string[], schema: SchemaNode, style: string, explode: boolean): unknown {
  if (schema.types.includes('array')) {
    const items = schema.children.find((c) => c.via === 'items')?.schema ?? null;
    const parts = raw.length > 1 || explode ? raw : raw[0]!.split(DELIMITERS[style] ?? ',');
    return parts.slice(0, MAX_PARAM_VALUES).map((s) => scalar(s, items));
  }
  return scalar(raw[0]!, schema);
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function scalar(s: string, schema: SchemaNode | null): unknown {
  const types = schema?.types ?? [];
  if ((types.includes('integer') || types.includes('number')) && s.length <= 64 && NUMBER.test(s)) return Number(s);
  if (types.includes('boolean') && (s === 'true' || s === 'false')) return s === 'true';
  if (types.includes('null') && s === '') return null;
  return s;
}

// ---------- bodies ----------

/** `application/json; charset=utf-8` -> `application/json`. */
function essence(ct: string | undefined): string | null {
  if (!ct) return null;
  const e = ct.split(';')[0]!.trim().toLowerCase();
  return e.length > 0 && e.length <= 100 ? e : null;
}

/** Exact media type, then `type/*`, then `*\/*`. */
function findMedia(content: SpecMediaType[], ct: string): SpecMediaType | null {
  let range: SpecMediaType | null = null;
  let any: SpecMediaType | null = null;
  const major = ct.split('/')[0];
  for (const m of content) {
    const k = essence(m.contentType);
    if (k === ct) return m;
    if (k === `${major}/*`) range ??= m;
    if (k === '*/*') any ??= m;
  }
  return range ?? any;
}

const isJson = (ct: string) => ct === 'application/json' || ct.endsWith('+json') || ct === 'text/json';

/** Media type names in messages: token/token only, so a forged header cannot put text in a finding. */
const safeMediaType = (ct: string) => (/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+*-]+$/.test(ct) ? ct : 'an unrecognised media type');

function hasBody(body: Body | undefined): body is Body {
  return !!body && (body.size > 0 || (body.text !== undefined && body.text.length > 0));
}

function bodyContentType(body: Body, headers: Record<string, string>): string | null {
  return essence(body.contentType ?? headers['content-type']);
}

/**
 * Parsed JSON of a complete UTF-8 body (`parsed` when the caller has it already), `undefined` when it
 * cannot be checked, or a parse failure marker.
 */
function parseJson(body: Body, parsed: unknown): { ok: true; value: unknown; redacted: boolean } | { ok: false } | undefined {
  if (body.truncated || body.encoding === 'base64' || body.text === undefined) return undefined;
  if (parsed !== undefined) return { ok: true, value: parsed, redacted: body.text.includes('[REDACTED:') };
  try {
    return { ok: true, value: JSON.parse(body.text), redacted: body.text.includes('[REDACTED:') };
  } catch {
    return { ok: false };
  }
}

function checkRequestBody(event: ApiEvent, op: SpecOperation, validators: SpecValidators, add: Add, parsed: unknown): void {
  const body = event.request.body;
  if (!hasBody(body)) {
    if (op.requestBody?.required) add({ kind: 'request-body-schema', location: 'request body', field: '', keyword: 'required', message: 'required request body is missing' });
    return;
  }
  const ct = bodyContentType(body, event.request.headers);
  const content = op.requestBody?.content ?? [];
  const media = ct ? findMedia(content, ct) : content.length === 1 ? content[0]! : null;
  if (!media) {
    add({ kind: 'undocumented-content-type', location: 'content-type', field: 'request', message: op.requestBody ? `request content type ${ct ? safeMediaType(ct) : '(none)'} is not in the spec` : 'the operation documents no request body' });
    return;
  }
  validateBody(body, ct, media, validators, 'request body', 'request-body-schema', add, parsed);
}

function validateBody(
  body: Body,
  ct: string | null,
  media: SpecMediaType,
  validators: SpecValidators,
  location: 'request body' | 'response body',
  kind: 'request-body-schema' | 'response-body-schema',
  add: Add,
  given: unknown,
): void {
  if (!media.schema || !isJson(ct ?? essence(media.contentType) ?? '')) return;
  const parsed = parseJson(body, given);
  if (parsed === undefined) return;
  if (!parsed.ok) {
    add({ kind, location, field: '', keyword: 'json', message: 'body is not valid JSON' });
    return;
  }
  const check = validators.get(media.schema);
  if (check.kind !== 'ready') return;
  const err = check.validate(parsed.value, { redacted: parsed.redacted });
  if (err) add({ kind, location, field: err.pointer, keyword: err.keyword, message: err.message });
}

/** Exact status, then `4XX`, then `default`. */
export function findResponse(responses: SpecResponse[], status: number): SpecResponse | null {
  const exact = String(status);
  const range = `${exact[0]}XX`;
  let ranged: SpecResponse | null = null;
  let fallback: SpecResponse | null = null;
  for (const r of responses) {
    const s = r.status.toUpperCase();
    if (s === exact) return r;
    if (s === range) ranged = r;
    if (s === 'DEFAULT') fallback = r;
  }
  return ranged ?? fallback;
}

function checkResponse(event: ApiEvent, match: OperationMatch, validators: SpecValidators, add: Add, parsed: unknown): void {
  const res = event.response!;
  const response = findResponse(match.operation.responses, res.status);
  if (!response) {
    add({ kind: 'undocumented-status', location: 'status', field: String(res.status), message: `status ${res.status} is not documented (no exact, range or default response)` });
    return;
  }
  const body = res.body;
  if (match.headAsGet || event.request.method === 'HEAD' || !hasBody(body)) return;
  const ct = bodyContentType(body, res.headers);
  const media = ct ? findMedia(response.content, ct) : response.content.length === 1 ? response.content[0]! : null;
  if (!media) {
    add({ kind: 'undocumented-content-type', location: 'content-type', field: 'response', message: response.content.length ? `response content type ${ct ? safeMediaType(ct) : '(none)'} is not documented for status ${response.status}` : `status ${response.status} documents no response body` });
    return;
  }
  validateBody(body, ct, media, validators, 'response body', 'response-body-schema', add, parsed);
}
