import { tryParseJson } from '../../util/json.js';
import type { ApiRequest } from '../../contracts/api-event.js';
import { parseForm } from '../../discover/params.js';
import { fnv1a } from '../../redact/credential-facts.js';
import type { ValueLocation } from '../types.js';

/**
 * The parameters of a request as the profile model sees them: one (location, name, value) per value.
 * Endpoint parameters (path, query, body) are profiled per endpoint; headers and cookies per host, because
 * clients send the same ones to every endpoint and per-endpoint profiles of them would learn slowly.
 *
 * Names are bounded: a name longer than `MAX_NAME` (data used as a key) is replaced by `#` and its hash,
 * so the model never stores it and the same name still maps to the same profile.
 */

export interface ParamValue {
  readonly in: ValueLocation;
  readonly name: string;
  readonly value: string;
}

export interface ExtractLimits {
  /** Values taken from one request (beyond: ignored). */
  readonly maxValues: number;
  /** JSON nesting followed into a body. */
  readonly maxJsonDepth: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = Object.freeze({ maxValues: 400, maxJsonDepth: 12 });

export const MAX_NAME = 96;

/** Headers that say nothing about the caller's input, or that are profiled elsewhere (cookies). */
const SKIP_HEADERS = new Set(['host', 'cookie']);

export function boundedName(name: string): string {
  return name.length <= MAX_NAME ? name : `#${fnv1a(name).toString(16).padStart(8, '0')}`;
}

/** Values of the request's query, body and path parameters (`pathParams` from the matched template). */
export function endpointParams(req: ApiRequest, pathParams: ReadonlyArray<readonly [string, string]>, limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS): ParamValue[] {
  const out: ParamValue[] = [];
  const push = (loc: ValueLocation, name: string, value: string): boolean => {
    if (out.length >= limits.maxValues) return false;
    out.push({ in: loc, name: boundedName(name), value });
    return true;
  };
  for (const [name, value] of pathParams) push('path', name, value);
  for (const name in req.query) {
    for (const v of req.query[name]!) if (!push('query', name, v)) return out;
  }
  const body = req.body;
  if (body?.text !== undefined && body.text !== '' && body.encoding !== 'base64') {
    const ct = body.contentType?.toLowerCase() ?? '';
    const text = body.text;
    const first = text.charCodeAt(0);
    if (ct.includes('x-www-form-urlencoded')) {
      for (const [k, v] of parseForm(text)) if (!push('body', k, v)) return out;
    } else if (ct.includes('json') || ((first === 0x7b || first === 0x5b) && ct === '')) {
      const parsed = tryParseJson(text)?.value;
      if (typeof parsed === 'object' && parsed !== null) jsonLeaves(parsed, '', 0, limits, push);
      else push('body-raw', '', text);
    } else {
      push('body-raw', '', text);
    }
  }
  return out;
}

/** Header and cookie values, profiled per host. */
export function hostParams(req: ApiRequest, limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS): ParamValue[] {
  const out: ParamValue[] = [];
  for (const name in req.headers) {
    if (SKIP_HEADERS.has(name)) continue;
    if (out.length >= limits.maxValues) return out;
    out.push({ in: 'header', name: boundedName(name), value: req.headers[name]! });
  }
  for (const name in req.cookies) {
    if (out.length >= limits.maxValues) return out;
    out.push({ in: 'cookie', name: boundedName(name), value: req.cookies[name]! });
  }
  return out;
}

/** JSON leaves as pointers (`/user/name`); array items share one name (`/items/*`/id), so arrays do not grow the name space. */
function jsonLeaves(v: unknown, pointer: string, depth: number, limits: ExtractLimits, push: (loc: ValueLocation, name: string, value: string) => boolean): boolean {
  if (v === null || typeof v !== 'object') {
    return push('body', pointer === '' ? '/' : pointer, v === null ? 'null' : String(v));
  }
  if (depth >= limits.maxJsonDepth) return push('body', pointer === '' ? '/' : pointer, '[nested]');
  if (Array.isArray(v)) {
    if (v.length === 0) return push('body', pointer + '/*', '');
    for (const item of v) if (!jsonLeaves(item, pointer + '/*', depth + 1, limits, push)) return false;
    return true;
  }
  for (const k in v as Record<string, unknown>) {
    const key = k.replace(/~/g, '~0').replace(/\//g, '~1');
    if (!jsonLeaves((v as Record<string, unknown>)[k], `${pointer}/${key}`, depth + 1, limits, push)) return false;
  }
  return true;
}

/** A path segment as the application sees it: percent-decoded where that is valid. */
export function decodeSegment(seg: string): string {
  if (seg.indexOf('%') < 0) return seg;
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

/** `/a/b//c` -> ['a', 'b', 'c'] (empty segments dropped, as the path templater does), at most `max`. */
export function pathSegments(path: string, max = 32): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= path.length && out.length < max; i++) {
    if (i === path.length || path.charCodeAt(i) === 0x2f) {
      if (i > start) out.push(path.slice(start, i));
      start = i + 1;
    }
  }
  return out;
}

export function isTemplateParam(seg: string): boolean {
  return seg.length >= 2 && seg.charCodeAt(0) === 0x7b && seg.charCodeAt(seg.length - 1) === 0x7d;
}

/** The model's host key: the host, with the port when it is not the scheme's default. */
export function hostKey(host: string, port: number | undefined): string {
  return port === undefined ? host : `${host}:${port}`;
}

/** The values of a template's parameters in a concrete path: `/users/{user}` + `/users/ada` -> [['user', 'ada']]. */
export function pathParamsOf(template: string, path: string): Array<[string, string]> {
  if (template.indexOf('{') < 0) return [];
  const t = pathSegments(template);
  const p = pathSegments(path);
  if (t.length !== p.length) return [];
  const out: Array<[string, string]> = [];
  for (let i = 0; i < t.length; i++) {
    const seg = t[i]!;
    if (isTemplateParam(seg)) out.push([seg.slice(1, -1), decodeSegment(p[i]!)]);
  }
  return out;
}

