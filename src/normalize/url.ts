/**
 * Hand-written URL splitting. `new URL()` costs about a microsecond and normalises in ways we do not
 * want (it rewrites paths and hosts silently); this splits only what the event needs and reports failure.
 */
import { lowerCase } from '../util/ascii-case.js';
import { setOwn } from '../util/own-key.js';

export interface SplitUrl {
  scheme: 'http' | 'https';
  /** Lower-cased host, IPv6 kept in brackets; empty when the URL has none. */
  host: string;
  port?: number;
  /** Path plus query, without the fragment; '' when the URL has no path. */
  rest: string;
}

const SCHEMES: Record<string, 'http' | 'https'> = { http: 'http', https: 'https', ws: 'http', wss: 'https' };

/** `https://user:pw@Api.Example.com:8443/a?b=1#c` -> { scheme, host: 'api.example.com', port: 8443, rest: '/a?b=1' }. */
export function splitAbsoluteUrl(url: string): SplitUrl | undefined {
  const sep = url.indexOf('://');
  if (sep <= 0 || sep > 5) return undefined;
  const scheme = SCHEMES[url.slice(0, sep).toLowerCase()];
  if (scheme === undefined) return undefined;
  let end = url.length;
  for (let i = sep + 3; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23) {
      end = i;
      break;
    }
  }
  let authority = url.slice(sep + 3, end);
  // Userinfo is a credential: never carried into the event.
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  const hp = splitHostPort(authority);
  if (hp === undefined || hp.host === '') return undefined;
  let rest = url.slice(end);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const out: SplitUrl = { scheme, host: hp.host, rest };
  if (hp.port !== undefined) out.port = hp.port;
  return out;
}

/** `Example.com:8080` -> { host: 'example.com', port: 8080 }; undefined when the port is not 1..65535 or the host is malformed. */
export function splitHostPort(authority: string): { host: string; port?: number } | undefined {
  let host = authority;
  let portText: string | undefined;
  if (host.charCodeAt(0) === 0x5b) {
    const close = host.indexOf(']');
    if (close < 0) return undefined;
    if (close + 1 < host.length) {
      if (host.charCodeAt(close + 1) !== 0x3a) return undefined;
      portText = host.slice(close + 2);
    }
    host = host.slice(0, close + 1);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      portText = host.slice(colon + 1);
      host = host.slice(0, colon);
    }
  }
  host = lowerCase(host);
  if (host.length > 1 && host.charCodeAt(host.length - 1) === 0x2e) host = host.slice(0, -1);
  if (!isValidHost(host)) return undefined;
  if (portText === undefined || portText === '') return { host };
  const port = parsePort(portText);
  if (port === undefined) return undefined;
  return { host, port };
}

/**
 * `authority` itself when it is a host name already as `splitHostPort` would return it (lower case, no port, no
 * brackets, no trailing dot), which is what most sources send; else undefined, and `splitHostPort` decides.
 * Unlike it, allocates nothing.
 *
 * @example plainHost('api.example.com') // 'api.example.com'; plainHost('API.example.com:8080') // undefined
 */
export function plainHost(authority: string): string | undefined {
  const n = authority.length;
  if (n === 0 || n > 255 || (n > 1 && authority.charCodeAt(n - 1) === 0x2e)) return undefined;
  for (let i = 0; i < n; i++) {
    const c = authority.charCodeAt(i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x5f;
    if (!ok) return undefined;
  }
  return authority;
}

export function parsePort(text: string): number | undefined {
  if (text.length === 0 || text.length > 5) return undefined;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
    n = n * 10 + (c - 0x30);
  }
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** Registered names (letters, digits, '-', '_', '.'), IPv4, or bracketed IPv6. Expects lower case. */
export function isValidHost(host: string): boolean {
  if (host.length === 0 || host.length > 255) return false;
  if (host.charCodeAt(0) === 0x5b) {
    if (host.charCodeAt(host.length - 1) !== 0x5d) return false;
    for (let i = 1; i < host.length - 1; i++) {
      const c = host.charCodeAt(i);
      const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || c === 0x3a || c === 0x2e;
      if (!ok) return false;
    }
    return host.length > 2;
  }
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x5f;
    if (!ok) return false;
  }
  return true;
}

/** The value of one hex digit's character code, or -1. */
export function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function isUnreserved(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e
  );
}

/**
 * Decode percent-escapes only where RFC 3986 says it changes nothing (unreserved characters), and
 * upper-case the rest, so `/users/%7Ealice` and `/users/~alice` are one endpoint, while `%2F` stays
 * an escaped slash and never becomes a path separator.
 */
export function normalizePathEscapes(path: string): string {
  if (path.indexOf('%') < 0) return path;
  let out = '';
  let last = 0;
  let i = path.indexOf('%');
  while (i >= 0) {
    if (i + 2 < path.length) {
      const h = hexVal(path.charCodeAt(i + 1));
      const l = hexVal(path.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        const code = h * 16 + l;
        out += path.slice(last, i);
        out += isUnreserved(code) ? String.fromCharCode(code) : `%${path.slice(i + 1, i + 3).toUpperCase()}`;
        last = i + 3;
        i = path.indexOf('%', last);
        continue;
      }
    }
    i = path.indexOf('%', i + 1);
  }
  return last === 0 ? path : out + path.slice(last);
}

function decodeComponent(s: string): string {
  if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s;
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    // Malformed escapes (e.g. a bare '%') are kept as sent rather than losing the parameter.
    return plus;
  }
}

/** Append `value` under `key`, safe for keys such as `__proto__` or `constructor`. */
export function pushQuery(query: Record<string, string[]>, key: string, value: string): void {
  const prev = query[key];
  if (Array.isArray(prev)) {
    prev.push(value);
  } else {
    setOwn(query, key, [value]);
  }
}

/** `a=1&a=2&b` -> { a: ['1', '2'], b: [''] }, form-decoded. Returns the number of parameters seen. */
export function parseQueryString(qs: string, into: Record<string, string[]>): number {
  let count = 0;
  let start = qs.charCodeAt(0) === 0x3f ? 1 : 0;
  while (start <= qs.length) {
    let amp = qs.indexOf('&', start);
    if (amp < 0) amp = qs.length;
    if (amp > start) {
      const pair = qs.slice(start, amp);
      const eq = pair.indexOf('=');
      const k = eq < 0 ? pair : pair.slice(0, eq);
      const v = eq < 0 ? '' : pair.slice(eq + 1);
      pushQuery(into, decodeComponent(k), decodeComponent(v));
      count++;
    }
    start = amp + 1;
  }
  return count;
}
