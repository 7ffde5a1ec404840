import { HTTP_METHODS, type ApiEvent, type ApiRequest, type ApiResponse, type Body, type HttpMethod, type Reject, type SourceKind } from '../contracts/api-event.js';
import { jsonTextTooDeep, jsonValueTooDeep } from './json-depth.js';
import type { NormalizeLimits } from './limits.js';
import { canonicalIso, msToIso, parseTimestamp } from './timestamp.js';
import { normalizePathEscapes, parsePort, parseQueryString, pushQuery, splitAbsoluteUrl, splitHostPort } from './url.js';
import { fitsBytes, isWellFormed, truncateUtf8, utf8Length } from './utf8.js';
import { lowerCase } from '../util/ascii-case.js';

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
const DEFAULT_PORT = { http: 80, https: 443 } as const;
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
  const pseudo: Pseudo = {};
  const headers = normalizeHeaders(req.headers, 'request.headers', limits, pseudo);

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
    const h = nonEmpty(req.host) ?? headers.host ?? pseudo.authority ?? ctx.defaults?.host;
    if (h === undefined) fail('request.host: missing (no URL, host field, Host header or default host)');
    if (typeof h !== 'string') fail('request.host: must be a string');
    const hp = splitHostPort(h);
    if (hp === undefined) fail('request.host: not a valid host name or port');
    host = hp.host;
    port ??= hp.port;
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
  if (port === DEFAULT_PORT[scheme]) port = undefined;

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

  const query: Record<string, string[]> = {};
  let queryCount = 0;
  if (req.query !== undefined && req.query !== null) {
    queryCount = normalizeQuery(req.query, query, limits);
  } else if (qs !== '') {
    queryCount = parseQueryString(qs, query);
  }
  if (queryCount > limits.maxQueryParams) fail(`request.query: too many parameters (${queryCount} > ${limits.maxQueryParams})`);

  const cookies = normalizeCookies(req.cookies, headers.cookie, limits);

  const request: ApiRequest = { method, scheme, host, path, query, headers, cookies };
  if (port !== undefined) request.port = port;
  const reqBody = normalizeBody(req.body, headers['content-type'], 'request.body', limits);
  if (reqBody !== undefined) request.body = reqBody;
  const client = optionalString(req.clientAddress, 'request.clientAddress', 64);
  if (client !== undefined) request.clientAddress = client;
  const tls = optionalString(req.tlsVersion, 'request.tlsVersion', 32);
  if (tls !== undefined) request.tlsVersion = tls;
  const hv = optionalString(req.httpVersion, 'request.httpVersion', 16);
  if (hv !== undefined) request.httpVersion = HTTP_VERSIONS[lowerCase(hv)] ?? hv;

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
  const event: ApiEvent = { timestamp, source: name === undefined ? { kind: ctx.source } : { kind: ctx.source, name: truncateUtf8(name, 512) }, request };

  if (input.response !== undefined && input.response !== null) event.response = normalizeResponse(input.response, limits);

  const lat = input.latencyMs;
  if (lat !== undefined && lat !== null) {
    const n = typeof lat === 'number' ? lat : typeof lat === 'string' && lat !== '' ? Number(lat) : Number.NaN;
    if (!Number.isFinite(n) || n < 0) fail('latencyMs: must be a non-negative number');
    event.latencyMs = n;
  }
  return event;
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
  const headers = normalizeHeaders(raw.headers, 'response.headers', limits, undefined);
  const response: ApiResponse = { status, headers };
  const body = normalizeBody(raw.body, headers['content-type'], 'response.body', limits);
  if (body !== undefined) response.body = body;
  return response;
}

interface Pseudo {
  authority?: string;
}

/** Header names are safe to name in a reason only when they look like ordinary tokens. */
function describeHeader(name: string): string {
  return name.length <= 64 && /^[a-z0-9-]+$/.test(name) ? `"${name}"` : 'a header';
}

function addHeader(out: Record<string, string>, name: string, value: string, where: string, limits: NormalizeLimits, pseudo: Pseudo | undefined): void {
  if (name === '') fail(`${where}: empty header name`);
  if (!fitsBytes(name, limits.maxFieldBytes)) fail(`${where}: header name too long (> ${limits.maxFieldBytes} bytes)`);
  const lname = lowerCase(name);
  if (!fitsBytes(value, limits.maxHeaderBytes)) {
    fail(`${where}: value of ${describeHeader(lname)} too long (${utf8Length(value)} > ${limits.maxHeaderBytes} bytes)`);
  }
  // HTTP/2 pseudo-headers (Chrome puts them in HAR) are not headers; :authority is the host.
  if (lname.charCodeAt(0) === 0x3a) {
    if (lname === ':authority' && pseudo !== undefined) pseudo.authority = value;
    return;
  }
  const prev = out[lname];
  if (typeof prev === 'string') {
    out[lname] = prev + (lname === 'set-cookie' ? '\n' : ', ') + value;
  } else if (lname === '__proto__') {
    Object.defineProperty(out, lname, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[lname] = value;
  }
}

function normalizeHeaders(raw: unknown, where: string, limits: NormalizeLimits, pseudo: Pseudo | undefined): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (Array.isArray(raw)) {
    if (raw.length > limits.maxHeaders) fail(`too many headers in ${where} (${raw.length} > ${limits.maxHeaders})`);
    const out: Record<string, string> = {};
    for (const h of raw) {
      if (!isObj(h) || typeof h.name !== 'string') fail(`${where}: each header must be a {name, value} object`);
      addHeader(out, h.name, scalarHeader(h.value, where), where, limits, pseudo);
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
      for (const item of v) addHeader(out, k, scalarHeader(item, where), where, limits, pseudo);
    } else {
      addHeader(out, k, scalarHeader(v, where), where, limits, pseudo);
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

function scalarHeader(v: unknown, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  fail(`${where}: header values must be strings`);
}

function normalizeQuery(raw: unknown, into: Record<string, string[]>, limits: NormalizeLimits): number {
  if (typeof raw === 'string') {
    if (!fitsBytes(raw, limits.maxUrlBytes)) fail(`request.query: too long (> ${limits.maxUrlBytes} bytes)`);
    return parseQueryString(raw, into);
  }
  if (!isObj(raw)) fail('request.query: must be a string or an object');
  let count = 0;
  const add = (k: string, v: unknown): void => {
    // Kong logs a bare flag (`?debug`) as `true`.
    const s = typeof v === 'string' ? v : v === true ? '' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
    if (s === undefined) fail('request.query: values must be strings');
    if (!fitsBytes(s, limits.maxFieldBytes) || !fitsBytes(k, limits.maxFieldBytes)) fail(`request.query: parameter too long (> ${limits.maxFieldBytes} bytes)`);
    if (++count > limits.maxQueryParams) fail(`request.query: too many parameters (> ${limits.maxQueryParams})`);
    pushQuery(into, k, s);
  };
  for (const k in raw) {
    const v = raw[k];
    if (Array.isArray(v)) for (const item of v) add(k, item);
    else if (v !== undefined && v !== null) add(k, v);
  }
  return count;
}

function setCookie(out: Record<string, string>, name: string, value: string): void {
  // First wins: browsers send the most specific cookie of a name first.
  if (typeof out[name] === 'string') return;
  if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  else out[name] = value;
}

function normalizeCookies(raw: unknown, header: string | undefined, limits: NormalizeLimits): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  const add = (name: string, value: string): void => {
    if (++count > limits.maxQueryParams) fail(`request.cookies: too many cookies (> ${limits.maxQueryParams})`);
    if (!fitsBytes(value, limits.maxHeaderBytes) || !fitsBytes(name, limits.maxFieldBytes)) fail('request.cookies: cookie too long');
    setCookie(out, name, value);
  };
  if (raw !== undefined && raw !== null) {
    if (Array.isArray(raw)) {
      for (const c of raw) {
        if (!isObj(c) || typeof c.name !== 'string' || typeof c.value !== 'string') fail('request.cookies: each cookie must be a {name, value} object');
        add(c.name, c.value);
      }
    } else if (isObj(raw)) {
      for (const k in raw) {
        const v = raw[k];
        if (typeof v !== 'string') fail('request.cookies: values must be strings');
        add(k, v);
      }
    } else {
      fail('request.cookies: must be an object or a list of {name, value}');
    }
    // A source that lists cookies explicitly may still have cookies only in the header.
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
    if (name !== '') add(name, eq < 0 ? '' : part.slice(eq + 1).trim());
    start = semi + 1;
  }
  return out;
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
    const body: Body = { size: givenSize, truncated, encoding };
    if (contentType !== undefined) body.contentType = contentType;
    return body;
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
  const body: Body = { text, size, truncated, encoding };
  if (contentType !== undefined) body.contentType = contentType;
  return body;
}

function isBodyShape(o: Obj): boolean {
  let any = false;
  for (const k in o) {
    if (!BODY_KEYS.has(k)) return false;
    any = true;
  }
  return any;
}
