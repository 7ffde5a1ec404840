import { tryParseJson } from '../../util/json.js';
import type { ApiRequest } from '../../contracts/api-event.js';
import type { InspectedValue, ValueLocation } from '../types.js';
import { decodeValueWith } from './decode.js';
import { lowerCase } from '../../util/ascii-case.js';

/**
 * Every attacker-controlled value of a request, decoded (see `decode.ts`), as the payload detectors see it.
 *
 * Where the values come from and how they are named:
 * - `path`: each non-empty segment, named by its 0-based position (`/users/42` gives `0` = `users`, `1` = `42`);
 *   plus the whole path, named `*`, when it holds a literal `..` segment or a backslash (traversal spans segments);
 * - `query`: each value, named by its parameter; and each parameter name that is not a plain word
 *   (`user[$ne]`, `id'--`), as a value named after itself;
 * - `cookie`: each cookie of the `Cookie` header (duplicates kept: a second `session=` is part of an attack), and
 *   any cookie the source listed outside the header;
 * - `header`: every header value except the framing or credential ones in `SKIPPED_HEADERS`, and except
 *   negotiation headers (`STRUCTURAL_HEADERS`) whose value is a plain token list;
 * - `body`: form fields (urlencoded or multipart) by name, JSON string leaves by JSON pointer, and JSON object
 *   keys that are not plain words, named by the pointer of their member;
 * - `body-raw`: any other body (XML, text, unparsable JSON), as one value named ``.
 *
 * Work is bounded: at most `maxValues` values (path, query, cookies and headers come before the body), each cut to
 * `maxChars` characters before decoding, JSON parsed only up to `maxJsonChars` and walked to `maxJsonDepth`.
 */
export interface InspectLimits {
  readonly maxValues: number;
  readonly maxChars: number;
  readonly maxJsonChars: number;
  readonly maxJsonDepth: number;
  readonly maxMultipartParts: number;
}

export const DEFAULT_INSPECT_LIMITS: InspectLimits = Object.freeze({
  maxValues: 256,
  maxChars: 8 * 1024,
  maxJsonChars: 256 * 1024,
  maxJsonDepth: 32,
  maxMultipartParts: 64,
});

/**
 * Headers that are framing, routing or credentials: `host` and `content-length` are checked by the server
 * before any application sees them, `authorization` holds secrets (never evidence), `cookie` is inspected
 * cookie by cookie instead.
 */
export const SKIPPED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'connection',
  'authorization',
  'proxy-authorization',
  'cookie',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
]);

/**
 * Negotiation and caching headers with a fixed grammar of tokens. A value made only of token characters
 * (`text/html;q=0.8`, `gzip, deflate`, `no-cache`, a date) cannot carry any payload the detectors look for,
 * so it is not inspected; anything else in them (`${jndi:…}` in `Accept-Encoding`, a quote) is.
 */
export const STRUCTURAL_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-encoding',
  'accept-charset',
  'accept-language',
  'cache-control',
  'pragma',
  'content-type',
  'content-encoding',
  'te',
  'dnt',
  'upgrade-insecure-requests',
  'sec-fetch-site',
  'sec-fetch-mode',
  'sec-fetch-user',
  'sec-fetch-dest',
  'sec-ch-ua-mobile',
  'date',
  'if-modified-since',
  'if-unmodified-since',
  'priority',
  'x-requested-with',
]);

/** Letters, digits, space and `,;=./+_:?-*`: the characters of media types, codings, language tags, q-values and dates. */
function isTokenList(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ||
      c === 32 || c === 44 || c === 59 || c === 61 || c === 46 || c === 47 || c === 42 || c === 43 || c === 95 || c === 58 || c === 45 || c === 63;
    if (!ok) return false;
  }
  return true;
}

/** A parameter or key name that cannot carry a payload: letters, digits, `_`, `-`, `.`. */
function isPlainName(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46;
    if (!ok) return false;
  }
  return true;
}

/** A literal `..` path segment, or a backslash (a Windows separator). */
function pathHasTraversalShape(path: string): boolean {
  if (path.indexOf('\\') >= 0) return true;
  let i = path.indexOf('..');
  while (i >= 0) {
    const before = i === 0 ? 47 : path.charCodeAt(i - 1);
    const after = i + 2 >= path.length ? 47 : path.charCodeAt(i + 2);
    if ((before === 47 || before === 59) && (after === 47 || after === 59 || after === 63)) return true;
    i = path.indexOf('..', i + 2);
  }
  return false;
}

function escapePointer(key: string): string {
  return key.indexOf('~') < 0 && key.indexOf('/') < 0 ? key : key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Whether a raw value (before cutting and decoding) at this location and name is already known to be clean: the
 * detect stage's cache of values no detector matched. Decoding is a function of the raw text, `plusAsSpace` and
 * `maxChars`, so with the same limits the same raw text decodes to the same value and gets the same verdict.
 */
export type KnownClean = (location: ValueLocation, name: string, raw: string, plusAsSpace: boolean) => boolean;

/** What a caller with a clean-value cache tells the collector. */
export interface KnownValues {
  readonly known: KnownClean;
  /**
   * Whole paths on none of whose values any detector matched, with the number of values each one took toward the
   * `maxValues` bound: a repeated path is skipped whole, without cutting it into segments, and still takes its share
   * of the bound, so the values after it are the same as without a cache.
   */
  readonly paths: ReadonlyMap<string, number>;
}

/** The values of a request for a caller with a cache, and how many of the bound the path took (skipped values included). */
export interface Collected {
  readonly values: InspectedValue[];
  readonly pathTaken: number;
  /** The path was skipped whole: the cache already knows it. */
  readonly pathKnown: boolean;
}

/** A value as collected for a caller with a cache: with the raw text it was decoded from, and how. */
export interface CollectedValue extends InspectedValue {
  readonly raw: string;
  /** Whether `+` was read as a space (form fields), which the cache must tell apart. */
  readonly plus: boolean;
}

class Collector {
  readonly values: InspectedValue[] = [];
  /** Values taken, known clean ones included, so the `maxValues` bound picks the same values with or without a cache. */
  private taken = 0;
  constructor(
    readonly limits: InspectLimits,
    private readonly known?: KnownClean,
  ) {}
  get full(): boolean {
    return this.taken >= this.limits.maxValues;
  }
  get count(): number {
    return this.taken;
  }
  /** Counts `n` values toward the bound without collecting them (a path known clean as a whole). */
  skip(n: number): void {
    this.taken += n;
  }
  add(location: ValueLocation, name: string, raw: string, plusAsSpace = false): void {
    if (raw === '' || this.full) return;
    this.taken++;
    const known = this.known;
    if (known === undefined) {
      this.values.push({ location, name, value: decodeValueWith(raw, plusAsSpace, this.limits.maxChars) });
      return;
    }
    // A value seen clean before costs one lookup: no decoding, no record.
    if (known(location, name, raw, plusAsSpace)) return;
    const v: CollectedValue = { location, name, value: decodeValueWith(raw, plusAsSpace, this.limits.maxChars), raw, plus: plusAsSpace };
    this.values.push(v);
  }
}

/** Names of the first path segments (`0`, `1`...), made once instead of per event. */
const SEGMENT_NAMES: readonly string[] = Array.from({ length: 64 }, (_, i) => String(i));

function addPath(c: Collector, path: string): void {
  let idx = 0;
  let start = path.charCodeAt(0) === 47 ? 1 : 0;
  while (start <= path.length && !c.full) {
    let end = path.indexOf('/', start);
    if (end < 0) end = path.length;
    if (end > start) c.add('path', SEGMENT_NAMES[idx] ?? String(idx), path.slice(start, end));
    idx++;
    start = end + 1;
  }
  if (pathHasTraversalShape(path)) c.add('path', '*', path);
}

function addQuery(c: Collector, query: Record<string, string[]>): void {
  for (const name in query) {
    if (c.full) return;
    if (!isPlainName(name)) c.add('query', name, name);
    const values = query[name];
    if (!Array.isArray(values)) continue;
    for (const v of values) c.add('query', name, v);
  }
}

function addCookies(c: Collector, header: string | undefined, cookies: Record<string, string>): void {
  // Names read from the header; without one (most calls), no set is made.
  let seen: Set<string> | undefined;
  if (header !== undefined) {
    seen = new Set();
    let start = 0;
    while (start < header.length && !c.full) {
      let end = header.indexOf(';', start);
      if (end < 0) end = header.length;
      const pair = header.slice(start, end).trim();
      start = end + 1;
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = eq < 0 ? '' : pair.slice(0, eq).trim();
      const value = eq < 0 ? pair : pair.slice(eq + 1).trim();
      seen.add(name);
      if (!isPlainName(name)) c.add('cookie', name, name);
      c.add('cookie', name, value);
    }
  }
  for (const name in cookies) {
    if (seen?.has(name) !== true) c.add('cookie', name, cookies[name] ?? '');
  }
}

function addHeaders(c: Collector, headers: Record<string, string>): void {
  for (const name in headers) {
    if (c.full) return;
    if (SKIPPED_HEADERS.has(name)) continue;
    const value = headers[name] ?? '';
    if (STRUCTURAL_HEADERS.has(name) && isTokenList(value)) continue;
    c.add('header', name, value);
  }
}

function addForm(c: Collector, text: string): void {
  let start = 0;
  while (start < text.length && !c.full) {
    let end = text.indexOf('&', start);
    if (end < 0) end = text.length;
    const pair = text.slice(start, end);
    start = end + 1;
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const name = decodeValueWith(rawName, true, c.limits.maxChars);
    if (!isPlainName(name)) c.add('body', name, name);
    if (eq >= 0) c.add('body', name, pair.slice(eq + 1), true);
  }
}

function addJson(c: Collector, root: unknown): void {
  // Iterative walk: attacker-controlled depth must not reach the call stack.
  type Item = { v: unknown; ptr: string; depth: number; key?: string };
  const stack: Item[] = [{ v: root, ptr: '', depth: 0 }];
  while (stack.length > 0 && !c.full) {
    const { v, ptr, depth, key } = stack.pop()!;
    if (key !== undefined) {
      c.add('body', ptr, key);
    } else if (typeof v === 'string') {
      c.add('body', ptr, v);
    } else if (v !== null && typeof v === 'object' && depth < c.limits.maxJsonDepth) {
      const children: Item[] = [];
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length && i < c.limits.maxValues; i++) children.push({ v: v[i], ptr: `${ptr}/${i}`, depth: depth + 1 });
      } else {
        for (const k of Object.keys(v)) {
          const childPtr = `${ptr}/${escapePointer(k)}`;
          // A key that is not a plain word is a value too (`$ne`), read just before its member.
          if (!isPlainName(k)) children.push({ v: null, ptr: childPtr, depth: depth + 1, key: k });
          children.push({ v: (v as Record<string, unknown>)[k], ptr: childPtr, depth: depth + 1 });
          if (children.length >= c.limits.maxValues) break;
        }
      }
      // Reverse so the walk visits members in document order.
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }
}

const BOUNDARY = /boundary=(?:"([^"]{1,200})"|([^\s;]{1,200}))/i;
const PART_NAME = /\bname="([^"]{0,200})"/i;

function addMultipart(c: Collector, text: string, contentType: string): void {
  const m = BOUNDARY.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (boundary === undefined) {
    c.add('body-raw', '', text);
    return;
  }
  const delim = `--${boundary}`;
  let at = text.indexOf(delim);
  let parts = 0;
  while (at >= 0 && !c.full && parts++ < c.limits.maxMultipartParts) {
    const next = text.indexOf(delim, at + delim.length);
    const part = text.slice(at + delim.length, next < 0 ? text.length : next);
    at = next;
    const headEnd = part.indexOf('\r\n\r\n') >= 0 ? part.indexOf('\r\n\r\n') : part.indexOf('\n\n');
    if (headEnd < 0) continue;
    const head = part.slice(0, Math.min(headEnd, 1024));
    const sep = part.charCodeAt(headEnd) === 13 ? 4 : 2;
    let body = part.slice(headEnd + sep);
    if (body.endsWith('\r\n')) body = body.slice(0, -2);
    else if (body.endsWith('\n')) body = body.slice(0, -1);
    const name = PART_NAME.exec(head)?.[1] ?? '';
    c.add('body', name, body);
  }
}

function looksLikeForm(text: string): boolean {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq > 128) return false;
  for (let i = 0; i < eq; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === 60 || c === 123 || c === 91 || c === 34) return false;
  }
  return true;
}

function addBody(c: Collector, request: ApiRequest): void {
  const body = request.body;
  if (body?.text === undefined || body.text === '') return;
  const max = c.limits.maxJsonChars;
  const text =
    body.encoding === 'base64' ? Buffer.from(body.text.slice(0, Math.ceil((max * 4) / 3)), 'base64').toString('utf8') : body.text;
  const ct = lowerCase(body.contentType ?? request.headers['content-type'] ?? '');
  const first = text.trimStart().charCodeAt(0);
  if (ct.includes('json') || ((ct === '' || ct.startsWith('text/')) && (first === 123 || first === 91))) {
    if (text.length <= max) {
      const parsed = tryParseJson(text);
      if (parsed !== undefined) {
        addJson(c, parsed.value);
        return;
      }
    }
    c.add('body-raw', '', text);
    return;
  }
  if (ct.includes('x-www-form-urlencoded') || (ct === '' && looksLikeForm(text))) {
    addForm(c, text.length > max ? text.slice(0, max) : text);
    return;
  }
  if (ct.startsWith('multipart/form-data')) {
    addMultipart(c, text.length > max ? text.slice(0, max) : text, body.contentType ?? request.headers['content-type'] ?? '');
    return;
  }
  c.add('body-raw', '', text);
}

/**
 * The decoded values of a request, in a stable order: path, query, cookies, headers, body.
 *
 * @example
 * inspectValues({ method: 'GET', path: '/p/%2527x', query: { q: ['1 OR 1=1'] }, headers: {}, cookies: {}, ... })
 * // [{ location: 'path', name: '0', value: 'p' }, { location: 'path', name: '1', value: "'x" },
 * //  { location: 'query', name: 'q', value: '1 OR 1=1' }]
 */
export function inspectValues(request: ApiRequest, limits: InspectLimits = DEFAULT_INSPECT_LIMITS): InspectedValue[] {
  const c = new Collector(limits);
  addPath(c, request.path);
  addRest(c, request);
  return c.values;
}

/** `inspectValues`, leaving out the values `cache` knows are clean; each value collected is a `CollectedValue`. */
export function collectValues(request: ApiRequest, cache: KnownValues, limits: InspectLimits = DEFAULT_INSPECT_LIMITS): Collected {
  const c = new Collector(limits, cache.known);
  // The path comes first: the bound's count is 0 before it, so what it took is the count after it.
  const known = cache.paths.get(request.path);
  if (known !== undefined) c.skip(known);
  else addPath(c, request.path);
  const pathTaken = c.count;
  addRest(c, request);
  return { values: c.values, pathTaken, pathKnown: known !== undefined };
}

/** Everything after the path, in order. */
function addRest(c: Collector, request: ApiRequest): void {
  addQuery(c, request.query);
  addCookies(c, request.headers.cookie, request.cookies);
  addHeaders(c, request.headers);
  addBody(c, request);
}
