import { HTTP_METHODS, type ApiEvent, type ApiRequest, type ApiResponse, type Body, type HttpMethod, type Reject, type SourceKind } from '../contracts/api-event.js';
import { jsonTextTooDeep, jsonValueTooDeep } from './json-depth.js';
import type { NormalizeLimits } from './limits.js';
import { canonicalIso, msToIso, parseTimestamp } from './timestamp.js';
import { normalizePathEscapes, parsePort, parseQueryString, plainHost, pushQuery, splitAbsoluteUrl, splitHostPort } from './url.js';
import { fitsBytes, isWellFormed, truncateUtf8, utf8Length } from './utf8.js';
import { lowerCase } from '../util/ascii-case.js';
import { setOwn } from '../util/own-key.js';

export interface NormalizeContext {
  source: SourceKind;
  /** Where the event came from (file name, API key name...); goes to `source.name` and to rejects. */
  name?: string;
  /** 1-based line (or HAR entry index), copied to rejects. */
  line?: number;
  limits: NormalizeLimits;
  /** Fill-ins for what a source does not record (e.g. nginx without `$host`). */
  defaults?: { host?: string; scheme?: 'http' | 'https'; timestamp?: string };
}

export type NormalizeResult = { ok: true; event: ApiEvent } | { ok: false; reject: Reject };

/**
 * Turn one lenient input record (`ApiEventInput`-like, of unknown type) into a canonical, bounded
 * `ApiEvent`, or a reject whose reason names the field and the rule but never echoes the value
 * (values may be secrets).
 *
 * Checked by hand rather than with zod: this runs on every event and must stay in the low microseconds.
 *
 * @example
 * const r = normalizeEvent(
 *   { timestamp: 1700000000000, request: { method: 'get', url: 'https://API.example.com/users/1?x=1' } },
 *   { source: 'ndjson', limits: DEFAULT_LIMITS },
 * );
 * // r.ok && r.event.request -> { method: 'GET', scheme: 'https', host: 'api.example.com', path: '/users/1', query: { x: ['1'] }, ... }
 */
export function normalizeEvent(input: unknown, ctx: NormalizeContext): NormalizeResult {
  try {
    return { ok: true, event: build(input, ctx) };
  } catch (err) {
    const reason = err instanceof Invalid ? err.reason : 'could not normalize event (internal error)';
    const reject: Reject = { source: ctx.name ?? ctx.source, reason };
    if (ctx.line !== undefined) reject.line = ctx.line;
    return { ok: false, reject };
  }
}

/** Thrown (without a stack) to leave the builder early; caught in `normalizeEvent`. */
class Invalid {
  constructor(readonly reason: string) {}
}
function fail(reason: string): never {
  throw new Invalid(reason);
}

type Obj = Record<string, unknown>;
function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const METHODS = new Set<string>(HTTP_METHODS);
const HTTP_VERSIONS: Record<string, string> = {
  'http/1.0': 'HTTP/1.0', 'http/1.1': 'HTTP/1.1', 'http/2': 'HTTP/2', 'http/2.0': 'HTTP/2', h2: 'HTTP/2', h2c: 'HTTP/2',
  'http/3': 'HTTP/3', 'http/3.0': 'HTTP/3', h3: 'HTTP/3',
};
const BODY_KEYS = new Set(['contentType', 'text', 'encoding', 'size', 'truncated']);

function build(input: unknown, ctx: NormalizeContext): ApiEvent {
  const limits = ctx.limits;
  if (!isObj(input)) fail('event: not a JSON object');
  const req = input.request;
  if (!isObj(req)) fail('request: missing or not an object');

  const method = normalizeMethod(req.method);
  const headers = normalizeHeaders(req.headers, 'request.headers', limits);

  let scheme: 'http' | 'https' | undefined;
  let host: string | undefined;
  let port: number | undefined;
  let target: string | undefined; // path plus optional query

  if (req.url !== undefined && req.url !== null) {
    const url = req.url;
    if (typeof url !== 'string') fail('request.url: must be a string');
    if (!fitsBytes(url, limits.maxUrlBytes)) fail(`request.url: too long (${utf8Length(url)} > ${limits.maxUrlBytes} bytes)`);
    if (url.charCodeAt(0) === 0x2f) {
      target = url;
    } else {
      const parts = splitAbsoluteUrl(url);
      if (parts === undefined) fail('request.url: not a valid URL');
      ({ scheme, host, port } = parts);
      target = parts.rest;
    }
  }
  if (scheme === undefined && req.scheme !== undefined && req.scheme !== null) {
    const s = typeof req.scheme === 'string' ? lowerCase(req.scheme) : undefined;
    if (s !== 'http' && s !== 'https') fail('request.scheme: must be "http" or "https"');
    scheme = s;
  }
  if (host === undefined) {
    const h = nonEmpty(req.host) ?? headers.host ?? pseudoAuthority(req.headers) ?? ctx.defaults?.host;
    if (h === undefined) fail('request.host: missing (no URL, host field, Host header or default host)');
    if (typeof h !== 'string') fail('request.host: must be a string');
    host = plainHost(h);
    if (host === undefined) {
      const hp = splitHostPort(h);
      if (hp === undefined) fail('request.host: not a valid host name or port');
      host = hp.host;
      port ??= hp.port;
    }
  }
  if (req.port !== undefined && req.port !== null) {
    const p = typeof req.port === 'number' ? req.port : typeof req.port === 'string' ? parsePort(req.port) : undefined;
    if (p === undefined || !Number.isInteger(p) || p < 1 || p > 65535) fail('request.port: must be an integer 1-65535');
    port ??= p;
  }
  if (target === undefined || target === '') {
    const p = req.path;
    if (p === undefined || p === null || p === '') {
      if (target === undefined) fail('request.path: missing (no URL or path)');
    } else {
      if (typeof p !== 'string') fail('request.path: must be a string');
      if (!fitsBytes(p, limits.maxUrlBytes)) fail(`request.path: too long (${utf8Length(p)} > ${limits.maxUrlBytes} bytes)`);
      target = p;
    }
  }
  if (scheme === undefined) {
    const fwd = headers['x-forwarded-proto'];
    const fp = fwd === undefined ? undefined : fwd.split(',')[0]!.trim().toLowerCase();
    scheme = fp === 'http' || fp === 'https' ? fp : port === 443 ? 'https' : port === 80 ? 'http' : ctx.defaults?.scheme ?? 'https';
  }
  // Compared rather than looked up in a table by the scheme string: this runs for every event.
  if (port === (scheme === 'https' ? 443 : 80)) port = undefined;

  // target is '' only for an absolute URL without a path, which means '/'.
  let path = target ?? '/';
  let qs = '';
  const hash = path.indexOf('#');
  if (hash >= 0) path = path.slice(0, hash);
  const qmark = path.indexOf('?');
  if (qmark >= 0) {
    qs = path.slice(qmark + 1);
    path = path.slice(0, qmark);
  }
  if (path === '') path = '/';
  if (path.charCodeAt(0) !== 0x2f && path !== '*') fail('request.path: must start with "/"');
  if (!isWellFormed(path)) fail('invalid UTF-8 in request.path');
  path = normalizePathEscapes(path);

  const query = req.query !== undefined && req.query !== null ? normalizeQuery(req.query, limits) : qs !== '' ? parseQuery(qs, limits) : {};

  const cookies = normalizeCookies(req.cookies, headers.cookie, limits);

  const body = normalizeBody(req.body, headers['content-type'], 'request.body', limits);
  const clientAddress = optionalString(req.clientAddress, 'request.clientAddress', 64);
  const tlsVersion = optionalString(req.tlsVersion, 'request.tlsVersion', 32);
  const hv = optionalString(req.httpVersion, 'request.httpVersion', 16);
  const httpVersion = hv === undefined || isCanonicalHttpVersion(hv) ? hv : knownHttpVersion(hv);
  let request: ApiRequest;
  if (port === undefined && clientAddress !== undefined && httpVersion !== undefined) {
    // What log sources record, built in one literal (same key order): fields added to an object after its literal
    // go to a separate property array, 40 to 100 bytes more per event.
    if (body === undefined) {
      request = tlsVersion === undefined
        ? { method, scheme, host, path, query, headers, cookies, clientAddress, httpVersion }
        : { method, scheme, host, path, query, headers, cookies, clientAddress, tlsVersion, httpVersion };
    } else {
      request = tlsVersion === undefined
        ? { method, scheme, host, path, query, headers, cookies, body, clientAddress, httpVersion }
        : { method, scheme, host, path, query, headers, cookies, body, clientAddress, tlsVersion, httpVersion };
    }
  } else {
    request = { method, scheme, host, path, query, headers, cookies };
    if (port !== undefined) request.port = port;
    if (body !== undefined) request.body = body;
    if (clientAddress !== undefined) request.clientAddress = clientAddress;
    if (tlsVersion !== undefined) request.tlsVersion = tlsVersion;
    if (httpVersion !== undefined) request.httpVersion = httpVersion;
  }

  const rawTs = input.timestamp ?? ctx.defaults?.timestamp;
  if (rawTs === undefined || rawTs === null) fail('timestamp: missing');
  let timestamp = typeof rawTs === 'string' ? canonicalIso(rawTs) : undefined;
  if (timestamp === undefined) {
    const ms = parseTimestamp(rawTs);
    timestamp = ms === undefined ? undefined : msToIso(ms);
  }
  if (timestamp === undefined) fail('timestamp: not a valid date (expected ISO 8601, CLF or epoch seconds/ms)');

  const src = input.source;
  const name = ctx.name ?? (isObj(src) && typeof src.name === 'string' ? src.name : undefined);
  const source = name === undefined ? { kind: ctx.source } : { kind: ctx.source, name: truncateUtf8(name, 512) };
  const response = input.response !== undefined && input.response !== null ? normalizeResponse(input.response, limits) : undefined;
  const latencyMs = normalizeLatency(input.latencyMs);
  // One literal for the usual event, as for the request.
  if (response !== undefined && latencyMs !== undefined) return { timestamp, source, request, response, latencyMs };
  const event: ApiEvent = { timestamp, source, request };
  if (response !== undefined) event.response = response;
  if (latencyMs !== undefined) event.latencyMs = latencyMs;
  return event;
}

function normalizeLatency(lat: unknown): number | undefined {
  if (lat === undefined || lat === null) return undefined;
  const n = typeof lat === 'number' ? lat : typeof lat === 'string' && lat !== '' ? Number(lat) : Number.NaN;
  if (!Number.isFinite(n) || n < 0) fail('latencyMs: must be a non-negative number');
  return n;
}

/** The canonical spelling of a version the table knows, else `hv` as given (never an inherited name such as `constructor`). */
function knownHttpVersion(hv: string): string {
  const k = lowerCase(hv);
  return Object.hasOwn(HTTP_VERSIONS, k) ? HTTP_VERSIONS[k]! : hv;
}

/**
 * Whether `hv` is already one of the canonical versions `HTTP_VERSIONS` maps to (each maps to itself there), so
 * the usual `HTTP/2` and `HTTP/1.1` are kept without lower-casing them (a new string) for the lookup.
 */
function isCanonicalHttpVersion(hv: string): boolean {
  return hv === 'HTTP/2' || hv === 'HTTP/1.1' || hv === 'HTTP/1.0' || hv === 'HTTP/3';
}

function normalizeMethod(m: unknown): HttpMethod {
  if (m === undefined || m === null || m === '') fail('request.method: missing');
  if (typeof m !== 'string') fail('request.method: must be a string');
  if (METHODS.has(m)) return m as HttpMethod;
  const up = m.length <= 16 ? m.toUpperCase() : '';
  if (!METHODS.has(up)) fail('request.method: not a known HTTP method');
  return up as HttpMethod;
}

function normalizeResponse(raw: unknown, limits: NormalizeLimits): ApiResponse {
  if (!isObj(raw)) fail('response: not an object');
  const s = raw.status;
  const status = typeof s === 'number' ? s : typeof s === 'string' && /^\d{3}$/.test(s) ? Number(s) : Number.NaN;
  if (!Number.isInteger(status) || status < 100 || status > 599) fail('response.status: not a valid HTTP status (expected an integer 100-599)');
  const headers = normalizeHeaders(raw.headers, 'response.headers', limits);
  const body = normalizeBody(raw.body, headers['content-type'], 'response.body', limits);
  // Built whole: adding `body` afterwards would grow the object into a separate property array.
  return body === undefined ? { status, headers } : { status, headers, body };
}

/** Header names are safe to name in a reason only when they look like ordinary tokens. */
function describeHeader(name: string): string {
  return name.length <= 64 && /^[a-z0-9-]+$/.test(name) ? `"${name}"` : 'a header';
}

function addHeader(out: Record<string, string>, name: string, value: string, where: string, limits: NormalizeLimits): void {
  if (name === '') fail(`${where}: empty header name`);
  if (!fitsBytes(name, limits.maxFieldBytes)) fail(`${where}: header name too long (> ${limits.maxFieldBytes} bytes)`);
  const lname = lowerCase(name);
  if (!fitsBytes(value, limits.maxHeaderBytes)) {
    fail(`${where}: value of ${describeHeader(lname)} too long (${utf8Length(value)} > ${limits.maxHeaderBytes} bytes)`);
  }
  // HTTP/2 pseudo-headers (Chrome puts them in HAR) are not headers; `pseudoAuthority` reads :authority, the host.
  if (lname.charCodeAt(0) === 0x3a) return;
  const prev = out[lname];
  if (typeof prev === 'string') {
    out[lname] = prev + (lname === 'set-cookie' ? '\n' : ', ') + value;
  } else {
    setOwn(out, lname, value);
  }
}

function normalizeHeaders(raw: unknown, where: string, limits: NormalizeLimits): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (Array.isArray(raw)) {
    if (raw.length > limits.maxHeaders) fail(`too many headers in ${where} (${raw.length} > ${limits.maxHeaders})`);
    const out: Record<string, string> = {};
    for (const h of raw) {
      if (!isObj(h) || typeof h.name !== 'string') fail(`${where}: each header must be a {name, value} object`);
      addHeader(out, h.name, scalarHeader(h.value, where), where, limits);
    }
    return out;
  }
  if (!isObj(raw)) fail(`${where}: must be an object or a list of {name, value}`);
  if (isCanonicalHeaders(raw, limits)) return raw as Record<string, string>;
  const out: Record<string, string> = {};
  let n = 0;
  for (const k in raw) {
    if (++n > limits.maxHeaders) fail(`too many headers in ${where} (${Object.keys(raw).length} > ${limits.maxHeaders})`);
    const v = raw[k];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) {
      for (const item of v) addHeader(out, k, scalarHeader(item, where), where, limits);
    } else {
      addHeader(out, k, scalarHeader(v, where), where, limits);
    }
  }
  return out;
}

/**
 * Whether a headers object is already what `normalizeHeaders` would build: string values within the limits
 * under lower-case names, none of them a pseudo-header or `__proto__`. Most sources send exactly that, and
 * the object is then used as it is instead of copied name by name (a copy per event is measurable).
 */
function isCanonicalHeaders(raw: Obj, limits: NormalizeLimits): boolean {
  let n = 0;
  for (const k in raw) {
    if (++n > limits.maxHeaders) return false;
    const v = raw[k];
    if (typeof v !== 'string' || k === '' || k.charCodeAt(0) === 0x3a || k === '__proto__') return false;
    if (!fitsBytes(k, limits.maxFieldBytes) || !fitsBytes(v, limits.maxHeaderBytes) || lowerCase(k) !== k) return false;
  }
  return Object.getPrototypeOf(raw) === Object.prototype;
}

/**
 * The value of the last `:authority` pseudo-header among request headers that `normalizeHeaders` accepted, as it
 * would have added it (HTTP/2 sources such as Chrome's HAR give the host only there). Read again from the raw
 * headers when the host is needed from it, which is rare, rather than collected into an object for every event.
 */
function pseudoAuthority(raw: unknown): string | undefined {
  let authority: string | undefined;
  if (Array.isArray(raw)) {
    for (const h of raw as Obj[]) {
      if (isAuthority(h.name as string)) authority = scalarHeader(h.value, 'request.headers');
    }
  } else if (isObj(raw)) {
    for (const k in raw) {
      const v = raw[k];
      if (!isAuthority(k) || v === undefined || v === null) continue;
      if (!Array.isArray(v)) authority = scalarHeader(v, 'request.headers');
      else for (const item of v) authority = scalarHeader(item, 'request.headers');
    }
  }
  return authority;
}

function isAuthority(name: string): boolean {
  return name.charCodeAt(0) === 0x3a && lowerCase(name) === ':authority';
}

function scalarHeader(v: unknown, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  fail(`${where}: header values must be strings`);
}

function normalizeQuery(raw: unknown, limits: NormalizeLimits): Record<string, string[]> {
  if (typeof raw === 'string') {
    if (!fitsBytes(raw, limits.maxUrlBytes)) fail(`request.query: too long (> ${limits.maxUrlBytes} bytes)`);
    return parseQuery(raw, limits);
  }
  if (!isObj(raw)) fail('request.query: must be a string or an object');
  if (isCanonicalQuery(raw, limits)) return raw as Record<string, string[]>;
  const query: Record<string, string[]> = {};
  let count = 0;
  for (const k in raw) {
    const v = raw[k];
    if (Array.isArray(v)) for (const item of v) count = addQueryValue(query, k, item, count, limits);
    else if (v !== undefined && v !== null) count = addQueryValue(query, k, v, count, limits);
  }
  return query;
}

/** A query string parsed into a new query map, within the parameter limit. */
function parseQuery(qs: string, limits: NormalizeLimits): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  const count = parseQueryString(qs, query);
  if (count > limits.maxQueryParams) fail(`request.query: too many parameters (${count} > ${limits.maxQueryParams})`);
  return query;
}

/** Add the `count + 1`th value of a query object under `k`; returns the new count. */
function addQueryValue(query: Record<string, string[]>, k: string, v: unknown, count: number, limits: NormalizeLimits): number {
  // Kong logs a bare flag (`?debug`) as `true`.
  const s = typeof v === 'string' ? v : v === true ? '' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  if (s === undefined) fail('request.query: values must be strings');
  if (!fitsBytes(s, limits.maxFieldBytes) || !fitsBytes(k, limits.maxFieldBytes)) fail(`request.query: parameter too long (> ${limits.maxFieldBytes} bytes)`);
  if (count >= limits.maxQueryParams) fail(`request.query: too many parameters (> ${limits.maxQueryParams})`);
  pushQuery(query, k, s);
  return count + 1;
}

/**
 * Whether a query object is already what `normalizeQuery` would build from it: non-empty lists of strings within
 * the limits, at most `maxQueryParams` values in all, a plain object (an own `__proto__` key is fine: the copy gets
 * one too). It is then used as it is, like canonical headers; an empty query (most events) is one.
 */
function isCanonicalQuery(raw: Obj, limits: NormalizeLimits): boolean {
  let count = 0;
  for (const k in raw) {
    const v = raw[k];
    if (!Array.isArray(v) || v.length === 0 || !fitsBytes(k, limits.maxFieldBytes)) return false;
    count += v.length;
    if (count > limits.maxQueryParams) return false;
    for (let i = 0; i < v.length; i++) {
      const s: unknown = v[i];
      if (typeof s !== 'string' || !fitsBytes(s, limits.maxFieldBytes)) return false;
    }
  }
  return Object.getPrototypeOf(raw) === Object.prototype;
}

function normalizeCookies(raw: unknown, header: string | undefined, limits: NormalizeLimits): Record<string, string> {
  const n = isObj(raw) ? canonicalCookieCount(raw, limits) : -1;
  // A source that lists cookies explicitly may still have cookies only in the header: those need the copy.
  if (n > 0 || (n === 0 && header === undefined)) return raw as Record<string, string>;
  return copyCookies(raw, header, limits);
}

/**
 * The number of cookies in `raw` when it is already what `copyCookies` would build from it (string values within
 * the limits, a plain object; an own `__proto__` cookie is fine: the copy gets one too), else -1. Most sources send
 * exactly that, and the object is then used as it is instead of copied.
 */
function canonicalCookieCount(raw: Obj, limits: NormalizeLimits): number {
  let n = 0;
  for (const k in raw) {
    const v = raw[k];
    if (typeof v !== 'string' || ++n > limits.maxQueryParams || !fitsBytes(v, limits.maxHeaderBytes) || !fitsBytes(k, limits.maxFieldBytes)) return -1;
  }
  return Object.getPrototypeOf(raw) === Object.prototype ? n : -1;
}

function copyCookies(raw: unknown, header: string | undefined, limits: NormalizeLimits): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  if (raw !== undefined && raw !== null) {
    if (Array.isArray(raw)) {
      for (const c of raw) {
        if (!isObj(c) || typeof c.name !== 'string' || typeof c.value !== 'string') fail('request.cookies: each cookie must be a {name, value} object');
        count = addCookie(out, c.name, c.value, count, limits);
      }
    } else if (isObj(raw)) {
      for (const k in raw) {
        const v = raw[k];
        if (typeof v !== 'string') fail('request.cookies: values must be strings');
        count = addCookie(out, k, v, count, limits);
      }
    } else {
      fail('request.cookies: must be an object or a list of {name, value}');
    }
    if (count > 0 || header === undefined) return out;
  }
  if (header === undefined) return out;
  let start = 0;
  while (start < header.length) {
    let semi = header.indexOf(';', start);
    if (semi < 0) semi = header.length;
    const part = header.slice(start, semi);
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (name !== '') count = addCookie(out, name, eq < 0 ? '' : part.slice(eq + 1).trim(), count, limits);
    start = semi + 1;
  }
  return out;
}

/** Add the `count + 1`th cookie within the limits; returns the new count. */
function addCookie(out: Record<string, string>, name: string, value: string, count: number, limits: NormalizeLimits): number {
  if (count >= limits.maxQueryParams) fail(`request.cookies: too many cookies (> ${limits.maxQueryParams})`);
  if (!fitsBytes(value, limits.maxHeaderBytes) || !fitsBytes(name, limits.maxFieldBytes)) fail('request.cookies: cookie too long');
  // First wins: browsers send the most specific cookie of a name first.
  if (typeof out[name] === 'string') return count + 1;
  setOwn(out, name, value);
  return count + 1;
}

function optionalString(v: unknown, where: string, max: number): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') fail(`${where}: must be a string`);
  if (!fitsBytes(v, max)) fail(`${where}: too long (> ${max} bytes)`);
  return v;
}

function nonEmpty(v: unknown): unknown {
  return v === '' || v === null ? undefined : v;
}

function base64DecodedSize(text: string): number {
  let pad = 0;
  if (text.endsWith('==')) pad = 2;
  else if (text.endsWith('=')) pad = 1;
  return Math.max(0, Math.floor((text.length * 3) / 4) - pad);
}

function looksLikeJson(text: string, contentType: string | undefined): boolean {
  if (contentType !== undefined && contentType.includes('json')) return true;
  const c = text.charCodeAt(0);
  return c === 0x7b || c === 0x5b;
}

function normalizeBody(raw: unknown, headerType: string | undefined, where: string, limits: NormalizeLimits): Body | undefined {
  if (raw === undefined || raw === null) return undefined;
  let text: string | undefined;
  let encoding: 'utf8' | 'base64' = 'utf8';
  let contentType = headerType;
  let givenSize: number | undefined;
  let truncated = false;

  if (typeof raw === 'string') {
    text = raw;
  } else if (isObj(raw) && isBodyShape(raw)) {
    if (raw.text !== undefined && raw.text !== null) {
      if (typeof raw.text !== 'string') fail(`${where}.text: must be a string`);
      text = raw.text;
    }
    if (raw.encoding === 'base64') encoding = 'base64';
    else if (raw.encoding !== undefined && raw.encoding !== null && raw.encoding !== 'utf8') fail(`${where}.encoding: must be "utf8" or "base64"`);
    if (typeof raw.contentType === 'string' && raw.contentType !== '') contentType = raw.contentType;
    if (typeof raw.size === 'number' && Number.isInteger(raw.size) && raw.size >= 0) givenSize = raw.size;
    truncated = raw.truncated === true;
  } else if (typeof raw === 'object') {
    // A JSON payload given as a value (ingest API clients do this) rather than as text.
    if (jsonValueTooDeep(raw, limits.maxJsonDepth)) fail(`${where}: JSON nested deeper than ${limits.maxJsonDepth} levels`);
    text = JSON.stringify(raw);
    contentType ??= 'application/json';
  } else if (typeof raw === 'number' || typeof raw === 'boolean') {
    text = String(raw);
  } else {
    fail(`${where}: must be a string or an object`);
  }

  if (contentType !== undefined && contentType.length > 256) contentType = truncateUtf8(contentType, 256);
  if (text === undefined || (text === '' && !givenSize)) {
    if (givenSize === undefined || givenSize === 0) return undefined;
    return contentType === undefined ? { size: givenSize, truncated, encoding } : { size: givenSize, truncated, encoding, contentType };
  }

  let size: number;
  if (encoding === 'base64') {
    size = base64DecodedSize(text);
    if (size > limits.maxBodyBytes) {
      text = text.slice(0, Math.floor(limits.maxBodyBytes / 3) * 4);
      truncated = true;
    }
  } else {
    if (!isWellFormed(text)) fail(`invalid UTF-8 in ${where}`);
    size = utf8Length(text);
    if (size > limits.maxBodyBytes) {
      text = truncateUtf8(text, limits.maxBodyBytes);
      truncated = true;
    }
    if (text.length > 2 * limits.maxJsonDepth && looksLikeJson(text, contentType) && jsonTextTooDeep(text, limits.maxJsonDepth)) {
      fail(`${where}: JSON nested deeper than ${limits.maxJsonDepth} levels`);
    }
  }
  // A source may report the size as sent (HAR content.size) when its text was already cut.
  if (givenSize !== undefined && givenSize > size) {
    size = givenSize;
    truncated = true;
  }
  // Built whole: adding `contentType` afterwards would grow the object into a separate property array.
  return contentType === undefined ? { text, size, truncated, encoding } : { text, size, truncated, encoding, contentType };
}

function isBodyShape(o: Obj): boolean {
  let any = false;
  for (const k in o) {
    if (!BODY_KEYS.has(k)) return false;
    any = true;
  }
  return any;
}
