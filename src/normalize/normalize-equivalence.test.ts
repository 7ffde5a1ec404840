import { deepStrictEqual } from 'node:assert/strict';
import { describe, expect, it } from 'vitest';
import { HTTP_METHODS, type ApiEvent, type ApiRequest, type ApiResponse, type Body, type HttpMethod, type Reject } from '../contracts/api-event.js';
import { generateDemoTraffic } from '../demo/estate.js';
import { Rng } from '../demo/prng.js';
import { lowerCase } from '../util/ascii-case.js';
import { jsonTextTooDeep, jsonValueTooDeep } from './json-depth.js';
import { DEFAULT_LIMITS, type NormalizeLimits } from './limits.js';
import { normalizeEvent, type NormalizeContext, type NormalizeResult } from './normalize-event.js';
import { canonicalIso, msToIso, parseTimestamp } from './timestamp.js';
import { normalizePathEscapes, parsePort, parseQueryString, pushQuery, splitAbsoluteUrl, splitHostPort } from './url.js';
import { fitsBytes, isWellFormed, truncateUtf8, utf8Length } from './utf8.js';

/**
 * `normalizeEvent` as it was before it reused canonical cookie and query objects, built its objects whole and
 * read `:authority` only when needed, kept verbatim as the oracle: the current one must return the same events
 * (key order included) and the same rejects for any input.
 */
const reference = (() => {
  function normalizeEvent(input: unknown, ctx: NormalizeContext): NormalizeResult {
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
    // One change on purpose: an inherited name (`constructor`) was looked up on the table's prototype.
    if (hv !== undefined) request.httpVersion = Object.hasOwn(HTTP_VERSIONS, lowerCase(hv)) ? HTTP_VERSIONS[lowerCase(hv)]! : hv;

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
  return normalizeEvent;
})();

type Rec = Record<string, unknown>;

/** A deep copy keeping key order, prototypes and own `__proto__` keys, so each implementation gets its own input. */
function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (v === null || typeof v !== 'object') return v;
  const out = Object.create(Object.getPrototypeOf(v) as object | null) as Rec;
  for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: clone((v as Rec)[k]), enumerable: true, writable: true, configurable: true });
  return out as T;
}

const SMALL_LIMITS: NormalizeLimits = {
  maxBodyBytes: 64, maxHeaders: 6, maxHeaderBytes: 48, maxUrlBytes: 60, maxJsonDepth: 3, maxFieldBytes: 12, maxQueryParams: 3,
};

/** The same result from both, key order included (`deepStrictEqual` also checks prototypes and `undefined` members). */
function expectSame(input: unknown, ctx: NormalizeContext): NormalizeResult {
  const expected = reference(clone(input), ctx);
  const actual = normalizeEvent(clone(input), ctx);
  deepStrictEqual(actual, expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  return actual;
}

const pick = <T,>(rng: Rng, items: readonly T[]): T => rng.pick(items);
const randomCase = (rng: Rng, s: string) => [...s].map((c) => (rng.chance(0.3) ? c.toUpperCase() : c)).join('');

/** Each edits a copy of a demo input into one of the shapes sources send, or one of the inputs that must be rejected. */
const MUTATIONS: Array<(rng: Rng, e: Rec, req: Rec) => void> = [
  (rng, _e, req) => {
    // Headers as a HAR-style list: mixed case, repeats, pseudo-headers, numbers.
    const list = Object.entries((req.headers ?? {}) as Rec).map(([name, value]) => ({ name: randomCase(rng, name), value }));
    if (rng.chance(0.5)) list.push({ name: pick(rng, [':authority', ':Authority', ':method', ':path']), value: pick(rng, ['H2.Example.com:8443', 'h2.example.com', 'GET']) });
    if (rng.chance(0.3)) list.push({ name: 'Accept', value: pick(rng, ['a/b', 7, true]) });
    if (rng.chance(0.2)) list.push({ name: pick(rng, ['__proto__', 'constructor', '', 'x'.repeat(20)]), value: 'v' });
    if (rng.chance(0.1)) list.push({ name: 'set-cookie', value: pick(rng, ['a=1', null, {}]) as unknown });
    req.headers = list;
  },
  (rng, _e, req) => {
    // Headers as an object needing a copy: upper case, array and numeric values, pseudo-headers, JSON `__proto__`.
    const h = { ...((req.headers ?? {}) as Rec) };
    const out: Rec = rng.chance(0.3) ? (JSON.parse('{"__proto__":"p"}') as Rec) : {};
    for (const [k, v] of Object.entries(h)) out[rng.chance(0.5) ? randomCase(rng, k) : k] = v;
    out[pick(rng, ['Set-Cookie', 'x-num', ':authority', 'Cookie', 'host', 'X-Forwarded-Proto'])] =
      pick(rng, [['a=1', 'b=2'], 42, 'h.example.com', 'sid=1; theme=dark; sid=2; =x; flag', 'Example.ORG:8080', 'HTTP, https', [], [1, false], undefined, null]);
    req.headers = out;
  },
  (rng, _e, req) => {
    req.headers = pick(rng, ['x', 5, [{ name: 1, value: 'v' }], [['a', 'b']], { a: { b: 1 } }, null, Object.create(null) as Rec, { a: 'x'.repeat(70) }]);
  },
  (rng, _e, req) => {
    delete req.host;
    if (rng.chance(0.5)) req.headers = { ...((req.headers ?? {}) as Rec), host: pick(rng, ['Shop.Example.com:8080', 'shop.example.com', '']) };
  },
  (rng, _e, req) => {
    req.host = pick(rng, [
      'API.Example.com', 'a.example.com:8080', 'a.example.com:443', 'a.example.com:80', 'a.example.com.', '.', 'a..b', 'under_score.example',
      '[::1]:8443', '[::1]', '[::1', '[::1]x', '[]', 'bad host', '', 'x:0', 'x:99999', 'x:', 'x:8a', 'ünï.example', 'h'.repeat(256), 5, null,
    ]);
  },
  (rng, _e, req) => {
    req.url = pick(rng, [
      'https://u:p@Host.Example:8443/p/%7e/%2f?q=1&q=2&r#frag', 'http://h.example/', 'ws://h.example/x', 'WSS://h.example:443/x?', 'ftp://h.example/x',
      '/rel/path?x=1&y', 'https://h.example', 'https://h.example?x=1', 'https://:80/x', 'https://h.example:0/', '/a\ud800', '//x', 'rel', `/${'a'.repeat(70)}`, 7,
    ]);
  },
  (rng, _e, req) => {
    req.path = pick(rng, ['*', 'nopath', '/a%7eb%2f%zz%4', '/a\ud800', '', null, '/x?a=1#b', '/x#?y', 5, `/${'p'.repeat(70)}`]);
  },
  (rng, _e, req) => {
    req.port = pick(rng, [443, 80, '8080', 0, 70000, 'abc', 8443.5, '', null, 8443]);
  },
  (rng, _e, req) => {
    if (rng.chance(0.5)) delete req.scheme;
    else req.scheme = pick(rng, ['HTTPS', 'http', 'ftp', 1, null]);
    if (rng.chance(0.5)) req.headers = { ...((req.headers ?? {}) as Rec), 'x-forwarded-proto': pick(rng, ['HTTP, https', 'https', 'gopher']) };
  },
  (rng, _e, req) => {
    req.query = pick(rng, [
      'a=1&a=2&b', '?x=%zz&y=a+b', '', { tag: ['x', 'y'], page: 2, debug: true, off: false }, { a: [] }, { a: [], b: ['1'] }, { a: ['x'], b: 'y' },
      { a: null, b: undefined }, { a: { b: 1 } }, { a: [1, 'b'] }, JSON.parse('{"__proto__":["x"],"a":["b"]}') as unknown, {}, { a: 'x'.repeat(20) },
      { ['k'.repeat(20)]: ['v'] }, { a: ['1', '2'], b: ['3', '4'] }, { 2: ['x'], a: ['y'], 1: ['z'] }, Object.create(null) as Rec, 5, ['a'],
      { a: ['x'.repeat(20)] }, { a: [undefined] }, `${'a=1&'.repeat(5)}`,
    ]);
  },
  (rng, _e, req) => {
    req.cookies = pick(rng, [
      [{ name: 'sid', value: 'a' }, { name: 'sid', value: 'b' }], [{ name: 'sid', value: 1 }], { a: 1 }, JSON.parse('{"__proto__":"x","a":"b"}') as unknown, {},
      { '': 'e', b: 'c' }, { long: 'x'.repeat(60) }, { ['n'.repeat(20)]: 'v' }, { a: '1', b: '2', c: '3', d: '4' }, { toString: 'x', constructor: 'y' },
      'sid=1', Object.create(null) as Rec, { 2: 'x', a: 'y' }, null,
    ]);
    if (rng.chance(0.5)) req.headers = { ...((req.headers ?? {}) as Rec), cookie: pick(rng, ['sid=1; theme=dark; sid=2; =x; flag', 'a=1;a=2;b=3;c=4;d=5', '']) };
  },
  (rng, e, req) => {
    const body = pick(rng, [
      'plain', { text: Buffer.from('hello world').toString('base64'), encoding: 'base64', contentType: 'image/png' }, { size: 512 }, { text: '', size: 0 },
      { text: '', size: 12 }, { text: 'abc', size: 999 }, { text: 'abc', truncated: true }, { user: { id: 1 } }, JSON.parse('{"a":'.repeat(5) + '1' + '}'.repeat(5)) as unknown,
      { text: '['.repeat(10) + ']'.repeat(10), contentType: 'application/json' }, { text: '{"a":"[[[[[[[["}' }, `x\ud800`, 42, true, 'é'.repeat(50),
      { text: 'x'.repeat(200), encoding: 'base64' }, { text: 'x', contentType: 'c'.repeat(300) }, { text: 'x', encoding: 'utf16' }, { text: 5 }, { extra: 1, text: 'x' },
      [1, 2], { contentType: '', text: '{"a":1}' }, { text: null, size: 3 }, Symbol.iterator,
    ]);
    if (rng.chance(0.5)) req.body = body;
    else if (isRec(e.response)) e.response.body = body;
  },
  (rng, _e, req) => {
    req[pick(rng, ['clientAddress', 'tlsVersion', 'httpVersion'])] = pick(rng, [
      undefined, '', 'x'.repeat(70), 5, 'h2', 'H2C', 'HTTP/2.0', 'Http/1.1', 'HTTP/1.0', 'HTTP/3', 'http/3.0', 'HTTP/2', 'SPDY/3', 'constructor', 'toString', '__proto__', 'hasOwnProperty',
    ]);
  },
  (rng, _e, req) => {
    req.method = pick(rng, ['get', 'Get', 'FOO', '', 5, 'x'.repeat(20), undefined, 'delete', 'OPTIONS']);
  },
  (rng, e) => {
    e.timestamp = pick(rng, [
      1767323045, 1767323045123, 1767323045.5, '1767323045', '2026-01-02T03:04:05Z', '2026-01-02 03:04:05', '02/Jan/2026:05:04:05 +0200', '2026-13-45T00:00:00Z',
      '2026-02-29T00:00:00.000Z', '2024-02-29T00:00:00.000Z', 'nope', '', null, undefined, -5, 1e30, {},
    ]);
  },
  (rng, e) => {
    e.latencyMs = pick(rng, ['12', '', -1, 'NaN', 12.5, 0, null, undefined, Infinity, {}]);
  },
  (rng, e) => {
    e.response = pick(rng, [
      undefined, null, 'x', { status: '201' }, { status: 'abc' }, { status: 99 }, { status: 200.5 }, { status: 204, headers: [{ name: 'X-A', value: 1 }] },
      { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' },
    ]);
  },
  (rng, e) => {
    e.source = pick(rng, [{ name: 'other.ndjson' }, { name: 'é'.repeat(300) }, { name: 5 }, 'x', undefined]);
  },
  (_rng, e) => {
    delete e.request;
  },
];

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function contextFor(rng: Rng, i: number): NormalizeContext {
  const ctx: NormalizeContext = { source: pick(rng, ['ndjson', 'har', 'ingest-api'] as const), limits: rng.chance(0.2) ? SMALL_LIMITS : DEFAULT_LIMITS };
  if (rng.chance(0.5)) ctx.name = pick(rng, ['events.ndjson', 'é'.repeat(300)]);
  if (rng.chance(0.7)) ctx.line = i;
  if (rng.chance(0.3)) ctx.defaults = pick(rng, [{ host: 'fallback.local', scheme: 'http' as const }, { timestamp: '2026-05-05T00:00:00.000Z' }, { host: 'Bad Host' }]);
  return ctx;
}

describe('normalizeEvent equivalence with the previous implementation', () => {
  it('returns the same events for demo traffic, as objects and as parsed NDJSON', () => {
    let n = 0;
    for (const input of generateDemoTraffic({ seed: 11, events: 4000 })) {
      const ctx: NormalizeContext = { source: 'ndjson', line: ++n, limits: DEFAULT_LIMITS };
      expect(expectSame(input, ctx).ok).toBe(true);
      expectSame(JSON.parse(JSON.stringify(input)), ctx);
    }
  });

  it('returns the same events and rejects for mutated demo traffic (every source shape, every limit)', () => {
    const rng = new Rng(7);
    let i = 0;
    const outcomes = { ok: 0, rejected: 0 };
    for (const demo of generateDemoTraffic({ seed: 3, events: 6000 })) {
      for (let round = 0; round < 4; round++) {
        const input = JSON.parse(JSON.stringify(demo)) as Rec;
        const req = input.request as Rec;
        for (const mutate of MUTATIONS) if (rng.chance(0.12)) mutate(rng, input, req);
        const r = expectSame(input, contextFor(rng, ++i));
        outcomes[r.ok ? 'ok' : 'rejected']++;
      }
    }
    // Both outcomes are well covered.
    expect(outcomes.ok).toBeGreaterThan(4000);
    expect(outcomes.rejected).toBeGreaterThan(4000);
  });

  it('returns the same results for hand-made edge cases', () => {
    const base = (request: Rec, extra: Rec = {}) => ({ timestamp: '2026-01-02T03:04:05.000Z', request: { method: 'GET', url: 'https://api.example.com/v1/users', ...request }, ...extra });
    const cases: unknown[] = [
      'nope', null, [], { timestamp: 1 }, { timestamp: 1, request: [] },
      base({ headers: [{ name: ':authority', value: 'first.example' }, { name: ':authority', value: 'Second.Example:8080' }], url: undefined, path: '/a' }),
      base({ headers: { ':authority': ['a.example', 'b.example'] }, url: undefined, path: '/a' }),
      base({ headers: { ':authority': 443 }, url: undefined, path: '/a' }),
      base({ headers: { host: 'Shop.Example.com:8080', ':authority': 'h2.example' }, url: undefined, path: '/a' }),
      base({ url: undefined, host: 'a.example', path: '/x', port: 443, scheme: 'http' }),
      base({ url: undefined, host: 'a.example', path: '/x', port: 80 }),
      base({ url: undefined, host: 'a.example', path: '/x', port: 8080, clientAddress: '1.2.3.4', httpVersion: 'HTTP/2' }),
      base({ clientAddress: '1.2.3.4', httpVersion: 'h2', tlsVersion: 'TLSv1.3', body: 'x' }, { latencyMs: 3, response: { status: 200 } }),
      base({ clientAddress: '1.2.3.4', httpVersion: 'constructor' }, { latencyMs: 3, response: { status: 200 } }),
      base({ clientAddress: '1.2.3.4', httpVersion: '__proto__' }),
      base({ clientAddress: '1.2.3.4', httpVersion: 'toString' }),
      base({ query: { a: ['1'], b: ['2', '3'] }, cookies: { sid: 'x' } }),
      base({ query: { a: ['1'], b: ['2', '3'] }, cookies: {}, headers: { cookie: 'a=1; b=2' } }),
      base({ cookies: [], headers: { cookie: 'a=1; a=2' } }),
      base({ query: JSON.parse('{"__proto__":["x"]}') as unknown, cookies: JSON.parse('{"__proto__":"x"}') as unknown }),
      base({ body: { text: 'a'.repeat(70_000) } }),
      base({ body: { text: Buffer.alloc(70_000).toString('base64'), encoding: 'base64' } }),
      base({ body: { text: `${'a'.repeat(100)}\ud800` } }),
    ];
    for (const [i, input] of cases.entries()) {
      expectSame(input, { source: 'ndjson', name: 'events.ndjson', line: i, limits: DEFAULT_LIMITS });
      expectSame(input, { source: 'har', limits: SMALL_LIMITS, defaults: { host: 'fallback.local' } });
    }
  });

  it('keeps an HTTP version named like an inherited property as given', () => {
    for (const httpVersion of ['constructor', '__proto__', 'toString']) {
      const r = normalizeEvent({ timestamp: '2026-01-02T03:04:05.000Z', request: { method: 'GET', url: 'https://api.example.com/', httpVersion } }, { source: 'ndjson', limits: DEFAULT_LIMITS });
      expect(r.ok && r.event.request.httpVersion).toBe(httpVersion);
    }
  });
});
