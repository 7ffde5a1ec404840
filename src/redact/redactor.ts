import type { ApiEvent, ApiRequest, ApiResponse, Body } from '../contracts/api-event.js';
import type { DataClassHit, Direction } from '../contracts/data-class.js';
import { JSON_START, TEXTUAL_CONTENT_TYPE, createClassifier, isJwt } from '../classify/index.js';
import type { CustomClass } from '../classify/index.js';
import { HitSet, createCore, recordHits } from './core.js';
import type { RedactCore } from './core.js';
import { redactCookieHeader, redactCookieValue, redactSetCookie } from './cookies.js';
import { redactFormBody } from './form-body.js';
import { redactJsonTree } from './json-body.js';
import { multipartBoundary, redactMultipartBody } from './multipart-body.js';
import { IP_LIST_HEADERS, STRUCTURAL_HEADERS, URL_HEADERS, credentialClassForHeader, credentialClassForQuery } from './names.js';
import { createPlaceholder } from './placeholder.js';
import { redactUrlHeader } from './url-header.js';
import { lowerCase } from '../util/ascii-case.js';
import { boundedMemo } from '../util/bounded-memo.js';
import { setOwn } from '../util/own-key.js';

/** Default bound on the characters of one body or text that are scanned; what lies beyond is cut. */
export const DEFAULT_MAX_SCAN_BYTES = 256 * 1024;
/** Appended where `redactText` cut an over-long text. */
export const TRUNCATION_MARK = '…[TRUNCATED]';
/** Hit name for `request.clientAddress` (location `header`: the address the connection came from). */
export const CLIENT_ADDRESS_HIT = 'client-address';
/** Distinct header or parameter names a name memo remembers per redactor. */
const NAME_MEMO_SIZE = 2048;
/** Distinct clean (previous segment, segment) pairs remembered per redactor. */
const SEGMENT_MEMO_SIZE = 16_384;
/** Distinct clean whole paths remembered per redactor, and the longest one remembered. */
const PATH_MEMO_SIZE = 16_384;
const MAX_MEMO_PATH = 256;
/** Longer segments are classified every time: they are rarely repeated and would bloat the memo. */
const MAX_MEMO_SEGMENT = 64;

export interface RedactorOptions {
  /** Installation secret (at least 16 bytes) keying the placeholder HMAC. */
  readonly secret: Buffer | string;
  readonly customClasses?: readonly CustomClass[];
  /**
   * Characters of one body or text that are scanned (≈ bytes for ASCII). Text beyond it is dropped, the
   * body marked `truncated`: unscanned text could hold anything, so it is never passed on.
   */
  readonly maxScanBytes?: number;
}

export interface RedactionResult {
  /** Redacted copy of the event. */
  readonly event: ApiEvent;
  /**
   * Every class found, deduplicated by (class, direction, location, name). `name` is the header, query or
   * cookie name (`client-address`, location `header`, for `request.clientAddress`); `/2` for the second
   * path segment; a JSON pointer for body fields with array indexes as `*` (`/items/*\/email`), `/<field>`
   * for form and multipart fields, and `` (the whole body) for free-text bodies.
   */
  readonly hits: DataClassHit[];
  /** The parsed, redacted request body when it was JSON, so later stages need not parse it again. */
  readonly requestJson?: unknown;
  readonly responseJson?: unknown;
}

export interface Redactor {
  /** Returns a redacted deep copy; the input is not modified. */
  redactEvent(event: ApiEvent): RedactionResult;
  /**
   * Only the URL of a request (path and query), for stages that need every call's URL but not its
   * headers or bodies: cheaper than `redactEvent` on an event stripped to its URL, with the same result.
   */
  redactUrl(request: Pick<ApiRequest, 'path' | 'query'>): { path: string; query: ApiRequest['query']; hits: DataClassHit[] };
  /** For log lines and error messages. */
  redactText(text: string): string;
  /** `[REDACTED:<class>:<16 hex of HMAC-SHA256(secret, class + ':' + value)>]` */
  placeholder(dataClass: string, value: string): string;
}

function isTextual(contentType: string): boolean {
  return TEXTUAL_CONTENT_TYPE.test(contentType) || (contentType.startsWith('application/') && (contentType.includes('json') || contentType.includes('xml')));
}

/**
 * Where to cut a text at `limit` so that no token is cut in half: a half JWT or half key would slip
 * past the scanners. Falls back to dropping the last 16 KiB when there is no delimiter there.
 */
function safeCut(text: string, limit: number): number {
  const floor = Math.max(0, limit - 16 * 1024);
  for (let i = limit - 1; i >= floor; i--) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === 44 || c === 59 || c === 38 || c === 34 || c === 60 || c === 62) return i + 1;
  }
  return floor;
}

function pathSegmentValue(seg: string): string {
  if (!seg.includes('%')) return seg;
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

/**
 * The redaction stage: nothing downstream of it sees a raw secret or personal value.
 *
 * @example
 * const redactor = createRedactor({ secret: installationSecret });
 * const { event, hits, requestJson } = redactor.redactEvent(rawEvent);
 * logger.warn(redactor.redactText(`rejected ${line}`));
 */
export function createRedactor(opts: RedactorOptions): Redactor {
  const placeholder = createPlaceholder(opts.secret);
  const classifier = createClassifier({ customClasses: opts.customClasses ?? [] });
  const core: RedactCore = createCore(classifier, placeholder);
  const maxScan = opts.maxScanBytes ?? DEFAULT_MAX_SCAN_BYTES;
  // Header names recur in every event; their credential class is worked out once. Names only, no values.
  const headerClassOf = boundedMemo(NAME_MEMO_SIZE, (name) => credentialClassForHeader(name) ?? null);
  const headerClass = (name: string): string | undefined => headerClassOf(name) ?? undefined;

  // Path segments repeat in nearly every call (`v1`, `orders`, popular ids). Those found clean under their
  // previous segment are remembered, so a call's URL is classified once per distinct (key, segment) pair.
  // Only clean pairs are kept, only in memory, and the memo is dropped when full. Nested sets rather than
  // concatenated keys: hashing a fresh concatenation would cost about as much as classifying.
  const cleanSegments = new Map<string, Set<string>>();
  let cleanCount = 0;
  // Whole paths found clean: most calls repeat a path seen before (`/v1/products`), and one lookup of the
  // path costs less than splitting it and looking up each segment.
  const cleanPaths = new Set<string>();
  function redactPath(path: string, hits: HitSet): string {
    const memoPath = path.length <= MAX_MEMO_PATH;
    if (memoPath && cleanPaths.has(path)) return path;
    const segs = path.split('/');
    let changed = false;
    let prevKey: string | undefined;
    for (let i = 1; i < segs.length; i++) {
      const raw = segs[i]!;
      if (raw.length === 0) continue;
      const memo = raw.length <= MAX_MEMO_SEGMENT ? cleanSegments.get(prevKey ?? '') : undefined;
      if (memo !== undefined && memo.has(raw)) {
        prevKey = raw.includes('%') ? pathSegmentValue(raw) : raw;
        continue;
      }
      const value = pathSegmentValue(raw);
      // The previous segment acts as the key: `/password-reset/<token>`, `/session/<id>`.
      const r = core.scalar(value, prevKey);
      if (r !== null) {
        segs[i] = recordHits(hits, r, 'request', 'path', `/${i}`);
        changed = true;
      } else if (raw.length <= MAX_MEMO_SEGMENT) {
        if (cleanCount >= SEGMENT_MEMO_SIZE) {
          cleanSegments.clear();
          cleanCount = 0;
        }
        let set = cleanSegments.get(prevKey ?? '');
        if (set === undefined) cleanSegments.set(prevKey ?? '', (set = new Set()));
        set.add(raw);
        cleanCount++;
      }
      prevKey = value.length <= 64 ? value : undefined;
    }
    if (changed) return segs.join('/');
    if (memoPath) {
      if (cleanPaths.size >= PATH_MEMO_SIZE) cleanPaths.clear();
      cleanPaths.add(path);
    }
    return path;
  }

  // Whether a query parameter name can be a credential by name (`token`, `api_key`); names only, no values.
  // Nearly none is, so the value-dependent check of `credentialClassForQuery` is skipped for the rest.
  const mayBeCredentialQuery = boundedMemo(NAME_MEMO_SIZE, (name) => credentialClassForQuery(name) !== undefined);

  function redactQuery(query: ApiRequest['query'], hits: HitSet): ApiRequest['query'] {
    const out: ApiRequest['query'] = {};
    // Own names only, as `Object.entries` gave them: a query object whose prototype was replaced (an assigned
    // `__proto__`) must not bring in inherited names.
    for (const rawName of Object.keys(query)) {
      const values = query[rawName]!;
      // A parameter name can be data itself (`?alice@example.com=1`); then it says nothing about its values.
      const nr = core.key(rawName);
      const name = nr === null ? rawName : nr.value;
      if (nr !== null) recordHits(hits, nr, 'request', 'query', name);
      const keyName = nr === null ? rawName : undefined;
      const credential = keyName !== undefined && mayBeCredentialQuery(keyName);
      const redacted = new Array<string>(values.length);
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (v.length === 0) {
          redacted[i] = v;
          continue;
        }
        const forcedClass = credential ? credentialClassForQuery(keyName!, v) : undefined;
        const r = forcedClass !== undefined ? core.forced(v, keyName, forcedClass) : core.scalar(v, keyName);
        redacted[i] = r === null ? v : recordHits(hits, r, 'request', 'query', name);
      }
      setOwn(out, name, redacted);
    }
    return out;
  }

  function redactAuthorization(value: string, direction: Direction, name: string, hits: HitSet): string {
    const sp = value.indexOf(' ');
    if (sp <= 0) return recordHits(hits, core.forced(value, undefined, 'api-key'), direction, 'header', name);
    const scheme = value.slice(0, sp);
    const cred = value.slice(sp + 1).trim();
    if (cred.length === 0) return value;
    const lower = scheme.toLowerCase();
    let cls: string;
    if (lower === 'basic') cls = 'password';
    else if (isJwt(cred)) cls = 'jwt';
    else cls = classifier.matchesOf(cred)[0]?.dataClass ?? (lower === 'bearer' || lower === 'token' ? 'api-key' : 'secret');
    hits.add(cls, direction, 'header', name);
    return `${scheme} ${placeholder(cls, cred)}`;
  }

  function redactIpList(value: string, direction: Direction, name: string, hits: HitSet): string {
    if (name === 'forwarded') {
      return value.includes('for=') ? recordHits(hits, core.forced(value, undefined, 'ip-address'), direction, 'header', name) : value;
    }
    // Each comma-separated part keeps its leading blanks and loses what trails the address, read in place.
    let out = '';
    let from = 0;
    for (;;) {
      const comma = value.indexOf(',', from);
      const to = comma === -1 ? value.length : comma;
      const part = value.slice(from, to);
      const ip = part.trim();
      out += ip.length === 0 ? part : part.slice(0, part.indexOf(ip)) + recordHits(hits, core.forced(ip, undefined, 'ip-address'), direction, 'header', name);
      if (comma === -1) return out;
      out += ',';
      from = comma + 1;
    }
  }

  function redactHeaders(headers: Record<string, string>, direction: Direction, hits: HitSet): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name in headers) {
      const value = headers[name]!;
      if (value.length === 0 || STRUCTURAL_HEADERS.has(name)) {
        out[name] = value;
        continue;
      }
      if (name === 'authorization' || name === 'proxy-authorization') {
        out[name] = redactAuthorization(value, direction, name, hits);
      } else if (name === 'cookie') {
        out[name] = redactCookieHeader(core, hits, direction, value);
      } else if (name === 'set-cookie') {
        out[name] = redactSetCookie(core, hits, direction, value);
      } else if (IP_LIST_HEADERS.has(name) || name === 'forwarded') {
        out[name] = redactIpList(value, direction, name, hits);
      } else if (name === 'user-agent') {
        // Product tokens and versions only; a bot's contact address or an injected key=value is all that can hide here.
        const r = value.includes('@') || value.includes('=') ? core.text(value) : null;
        out[name] = r === null ? value : recordHits(hits, r, direction, 'header', name);
      } else if (URL_HEADERS.has(name)) {
        out[name] = redactUrlHeader(core, hits, direction, name, value);
      } else {
        const forcedClass = headerClass(name);
        if (forcedClass !== undefined && name.endsWith('authorization')) {
          // `X-Authorization: Bearer …` keeps its scheme word like Authorization does.
          out[name] = redactAuthorization(value, direction, name, hits);
          continue;
        }
        const r = forcedClass !== undefined ? core.forced(value, name, forcedClass) : core.scalar(value, name);
        out[name] = r === null ? value : recordHits(hits, r, direction, 'header', name);
      }
    }
    return out;
  }

  function redactCookies(cookies: Record<string, string>, hits: HitSet): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of Object.keys(cookies)) setOwn(out, name, redactCookieValue(core, hits, 'request', name, cookies[name]!));
    return out;
  }

  function redactBody(
    body: Body | undefined,
    headers: Record<string, string>,
    direction: Direction,
    hits: HitSet,
  ): { body: Body | undefined; json?: unknown } {
    if (body === undefined) return { body: undefined };
    if (body.text === undefined || body.text.length === 0) return { body: { ...body } };
    const contentType = lowerCase(body.contentType ?? headers['content-type'] ?? '');
    let text = body.text;
    let encoding = body.encoding;
    if (encoding === 'base64') {
      // Binary payloads cannot be scanned, so they are not passed on; textual ones are decoded and scanned.
      if (!isTextual(contentType)) {
        const { text: _dropped, ...rest } = body;
        return { body: rest };
      }
      text = Buffer.from(text, 'base64').toString('utf8');
      encoding = 'utf8';
    }
    let truncated = body.truncated;
    if (text.length > maxScan) {
      text = text.slice(0, safeCut(text, maxScan));
      truncated = true;
    }
    const looksJson = contentType.includes('json') || (contentType === '' && JSON_START.test(text.slice(0, 64)));
    if (looksJson && !truncated) {
      let parsed: unknown;
      let ok = false;
      try {
        parsed = JSON.parse(text);
        ok = true;
      } catch {
        // Falls through to the free-text scan: broken JSON still gets its secrets removed.
      }
      if (ok) {
        const r = redactJsonTree(core, hits, direction, parsed);
        return {
          body: { ...body, text: r.changed ? JSON.stringify(r.root) : text, encoding, truncated },
          json: r.root,
        };
      }
    }
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      return { body: { ...body, text: redactFormBody(core, hits, direction, text), encoding, truncated } };
    }
    if (contentType.startsWith('multipart/')) {
      const boundary = multipartBoundary(body.contentType ?? '') ?? multipartBoundary(headers['content-type'] ?? '');
      const redacted = boundary === null ? null : redactMultipartBody(core, hits, direction, text, boundary);
      if (redacted !== null) return { body: { ...body, text: redacted, encoding, truncated } };
    }
    const r = core.text(text);
    return { body: { ...body, text: r === null ? text : recordHits(hits, r, direction, 'body', ''), encoding, truncated } };
  }

  function redactRequest(req: ApiRequest, hits: HitSet): { request: ApiRequest; json?: unknown } {
    const { body, json } = redactBody(req.body, req.headers, 'request', hits);
    const request: ApiRequest = {
      ...req,
      path: redactPath(req.path, hits),
      query: redactQuery(req.query, hits),
      headers: redactHeaders(req.headers, 'request', hits),
      cookies: redactCookies(req.cookies, hits),
    };
    if (req.clientAddress !== undefined && req.clientAddress.length > 0) {
      // Exposure reads the raw address before this stage; what is kept is the same placeholder as in X-Forwarded-For.
      request.clientAddress = placeholder('ip-address', req.clientAddress);
      hits.add('ip-address', 'request', 'header', CLIENT_ADDRESS_HIT);
    }
    if (body === undefined) delete request.body;
    else request.body = body;
    return json === undefined ? { request } : { request, json };
  }

  function redactResponse(res: ApiResponse, hits: HitSet): { response: ApiResponse; json?: unknown } {
    const { body, json } = redactBody(res.body, res.headers, 'response', hits);
    const response: ApiResponse = { status: res.status, headers: redactHeaders(res.headers, 'response', hits) };
    if (body !== undefined) response.body = body;
    return json === undefined ? { response } : { response, json };
  }

  return {
    redactUrl(request) {
      const hits = new HitSet();
      const path = redactPath(request.path, hits);
      let query = request.query;
      for (const _ in query) {
        query = redactQuery(query, hits);
        break;
      }
      return { path, query, hits: hits.list };
    },
    redactEvent(event) {
      const hits = new HitSet();
      const req = redactRequest(event.request, hits);
      const redacted: ApiEvent = { ...event, source: { ...event.source }, request: req.request };
      let responseJson: unknown;
      if (event.response !== undefined) {
        const res = redactResponse(event.response, hits);
        redacted.response = res.response;
        responseJson = res.json;
      }
      const result: { event: ApiEvent; hits: DataClassHit[]; requestJson?: unknown; responseJson?: unknown } = {
        event: redacted,
        hits: hits.list,
      };
      if (req.json !== undefined) result.requestJson = req.json;
      if (responseJson !== undefined) result.responseJson = responseJson;
      return result;
    },
    redactText(text) {
      if (text.length <= maxScan) return core.text(text)?.value ?? text;
      const cut = text.slice(0, safeCut(text, maxScan));
      return (core.text(cut)?.value ?? cut) + TRUNCATION_MARK;
    },
    placeholder,
  };
}

