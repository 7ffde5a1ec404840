import { isUtf8 } from 'node:buffer';
import type { MapResult } from './types.js';
import { hexVal } from '../normalize/url.js';

/**
 * Raw HTTP/1.x request dumps: one or more requests one after another, each a request line, header lines,
 * a blank line and a body framed by `Content-Length` or `Transfer-Encoding: chunked` (none without them,
 * as RFC 9112 says for requests). This is the shape of the CSIC 2010 files (absolute-form targets,
 * `GET http://localhost:8080/tienda1/index.jsp HTTP/1.1`) and of a proxy's "save request"/"copy to file"
 * (origin-form target plus a `Host` header). Blank lines between requests are skipped.
 *
 * The scanner works on bytes, so bodies are framed by their byte length whatever the charset, memory is
 * bounded by one line plus the kept part of one body, and a bad request costs one counted reject:
 * after a malformed request line it skips to the next line that looks like a request line.
 *
 * Charset: header bytes and bodies are UTF-8 or ISO-8859-1 (CSIC is ISO-8859-1). `auto` (the default)
 * reads a part as UTF-8 when it is valid UTF-8, else as ISO-8859-1; a body's declared `charset=` wins.
 * Percent-escapes are charset-bearing too: `A%F1adir` is `Añadir` to a server that decodes ISO-8859-1
 * (Tomcat's default, and CSIC's). In latin1 mode, and in auto mode when a target's or form body's
 * high escapes are not valid UTF-8, they are re-encoded as the UTF-8 escapes of the same characters
 * (`%F1` -> `%C3%B1`), so every later stage decodes one convention.
 */

export const RAW_HTTP_CHARSETS = ['auto', 'utf8', 'latin1'] as const;
export type RawHttpCharset = (typeof RAW_HTTP_CHARSETS)[number];

export interface RawHttpScanOptions {
  /** Request line plus headers plus body above this many bytes is a reject (the body is skipped unread). */
  maxRequestBytes: number;
  /** A request line or header line longer than this is a reject. */
  maxLineBytes: number;
  /** More header lines than this is a reject. */
  maxHeaders: number;
  /** A request line plus headers above this many bytes is a reject (the rest of the head is skipped unkept). */
  maxHeadBytes: number;
  /** Body bytes kept per request; the rest is counted, not held (normalize cuts bodies at its own limit). */
  maxBodyKeep: number;
}

export const DEFAULT_RAW_HTTP_SCAN: Readonly<RawHttpScanOptions> = Object.freeze({
  maxRequestBytes: 32 * 1024 * 1024,
  maxLineBytes: 64 * 1024,
  maxHeaders: 200,
  maxHeadBytes: 1024 * 1024,
  maxBodyKeep: 1024 * 1024,
});

/** One scanned request (head lines without their line ends) or a reject, with the 1-based line of its request line. */
export type RawHttpItem =
  | { kind: 'request'; line: number; head: Buffer[]; body: Buffer | undefined; bodySize: number }
  | { kind: 'error'; line: number; reason: string };

/** `GET http://h/p HTTP/1.1`, `POST /p HTTP/1.0`, `OPTIONS * HTTP/1.1`: method token, one target, version. */
export const REQUEST_LINE = /^([A-Z][A-Z_-]{0,19}) (\S+) HTTP\/(\d(?:\.\d)?)$/;
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const DIGITS = /^\d{1,15}$/;
const HEX_SIZE = /^[0-9A-Fa-f]{1,8}$/;
const MAX_FOLDS = 100;

type Mode = 'idle' | 'resync' | 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers';

interface Current {
  line: number;
  head: Buffer[];
  headBytes: number;
  headers: number;
  folds: number;
  /** First reason this request will be rejected for; framing is still followed so the next request is found. */
  error: string | undefined;
  contentLength: number | undefined;
  chunked: boolean;
  body: Buffer[];
  kept: number;
  size: number;
  remaining: number;
}

/**
 * Push bytes in, get completed requests and rejects out; `end()` reports a request cut by the end of input.
 *
 * @example
 * const s = new RawHttpScanner();
 * const items = [...s.push(chunk1), ...s.push(chunk2), ...s.end()];
 */
export class RawHttpScanner {
  private readonly opts: RawHttpScanOptions;
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Lines consumed so far (LFs seen, including those inside bodies). */
  private lineNo = 0;
  private mode: Mode = 'idle';
  /** Inside a line longer than the limit: bytes are dropped until its LF. */
  private skippingLine = false;
  private cur: Current | undefined;
  private out: RawHttpItem[] = [];
  private eof = false;
  /** Whether the last line handed out ended with an LF (false only for a final line cut by the end of input). */
  private lastHadLf = true;
  /** Line number of the last over-long line. */
  private longLine = 0;

  constructor(opts: Partial<RawHttpScanOptions> = {}) {
    this.opts = { ...DEFAULT_RAW_HTTP_SCAN, ...opts };
  }

  push(chunk: Buffer): RawHttpItem[] {
    if (chunk.length === 0) return [];
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
    this.pos = 0;
    this.run();
    // Keep only the unconsumed tail (at most one partial line), copied so the chunk can be freed.
    this.buf = Buffer.from(this.buf.subarray(this.pos));
    this.pos = 0;
    return this.take();
  }

  end(): RawHttpItem[] {
    this.eof = true;
    this.run();
    const c = this.cur;
    if (c !== undefined) {
      if (this.mode === 'head') {
        // A saved single request often ends right after its last header: fine when that line was whole
        // and no body was announced. A line cut mid-way, or an announced body, means the input was truncated.
        if (c.error === undefined && this.lastHadLf && c.contentLength === undefined && !c.chunked && c.head.length > 0) this.emit();
        else this.reject(c.line, c.error ?? 'truncated request: end of input inside the headers');
      } else if (this.mode === 'body') {
        this.reject(c.line, c.error ?? `truncated request: Content-Length is ${c.contentLength} but the input ends after ${c.size} body bytes`);
      } else {
        this.reject(c.line, c.error ?? 'truncated request: end of input inside the chunked body');
      }
      this.cur = undefined;
    }
    this.mode = 'idle';
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    return this.take();
  }

  private take(): RawHttpItem[] {
    const items = this.out;
    this.out = [];
    return items;
  }

  private reject(line: number, reason: string): void {
    this.out.push({ kind: 'error', line, reason });
  }

  /**
   * The next line without its CR LF; `null` when more input is needed. A line over the limit is dropped
   * as it streams past and reported once, as `'too-long'`.
   */
  private nextLine(): Buffer | 'too-long' | null {
    const nl = this.buf.indexOf(0x0a, this.pos);
    if (this.skippingLine) {
      if (nl < 0) {
        this.pos = this.buf.length;
        return null;
      }
      this.pos = nl + 1;
      this.lineNo++;
      this.skippingLine = false;
      return this.nextLine();
    }
    if (nl < 0) {
      const rest = this.buf.length - this.pos;
      if (rest > this.opts.maxLineBytes) {
        this.pos = this.buf.length;
        this.skippingLine = true;
        this.longLine = this.lineNo + 1;
        return 'too-long';
      }
      if (!this.eof || rest === 0) return null;
      const line = this.buf.subarray(this.pos);
      this.pos = this.buf.length;
      this.lineNo++;
      this.lastHadLf = false;
      return stripCr(line);
    }
    const line = this.buf.subarray(this.pos, nl);
    this.pos = nl + 1;
    this.lineNo++;
    this.lastHadLf = true;
    if (line.length > this.opts.maxLineBytes) {
      this.longLine = this.lineNo;
      return 'too-long';
    }
    return stripCr(line);
  }

  private run(): void {
    for (;;) {
      switch (this.mode) {
        case 'idle':
        case 'resync': {
          const line = this.nextLine();
          if (line === null) return;
          if (line === 'too-long') {
            if (this.mode === 'idle') this.reject(this.longLine, `line longer than ${this.opts.maxLineBytes} bytes where a request line was expected`);
            this.mode = 'resync';
            continue;
          }
          if (isBlank(line)) continue;
          if (!looksLikeRequestLine(line)) {
            if (this.mode === 'idle') this.reject(this.lineNo, 'not an HTTP request line (expected "METHOD target HTTP/1.1"); skipped to the next request line');
            this.mode = 'resync';
            continue;
          }
          this.cur = {
            line: this.lineNo, head: [Buffer.from(line)], headBytes: line.length + 2, headers: 0, folds: 0, error: undefined,
            contentLength: undefined, chunked: false, body: [], kept: 0, size: 0, remaining: 0,
          };
          this.mode = 'head';
          continue;
        }
        case 'head': {
          const c = this.cur!;
          const line = this.nextLine();
          if (line === null) return;
          if (line === 'too-long') {
            c.error ??= `header line longer than ${this.opts.maxLineBytes} bytes`;
            continue;
          }
          c.headBytes += line.length + 2;
          if (line.length === 0) {
            this.startBody(c);
            continue;
          }
          this.headerLine(c, line);
          continue;
        }
        case 'body': {
          const c = this.cur!;
          if (!this.feedBody(c)) return;
          if (c.remaining === 0) this.finish();
          continue;
        }
        case 'chunk-size': {
          const c = this.cur!;
          const line = this.nextLine();
          if (line === null) return;
          const text = line === 'too-long' ? '' : line.toString('latin1');
          const semi = text.indexOf(';');
          const hex = (semi >= 0 ? text.slice(0, semi) : text).trim();
          if (!HEX_SIZE.test(hex)) {
            c.error ??= 'malformed chunk size in a chunked body';
            this.abandon();
            continue;
          }
          const size = parseInt(hex, 16);
          if (size === 0) {
            this.mode = 'trailers';
            continue;
          }
          if (c.headBytes + c.size + size > this.opts.maxRequestBytes) {
            c.error ??= `request larger than ${this.opts.maxRequestBytes} bytes`;
            this.abandon();
            continue;
          }
          c.remaining = size;
          this.mode = 'chunk-data';
          continue;
        }
        case 'chunk-data': {
          const c = this.cur!;
          if (!this.feedBody(c)) return;
          if (c.remaining === 0) this.mode = 'chunk-end';
          continue;
        }
        case 'chunk-end': {
          const line = this.nextLine();
          if (line === null) return;
          if (line === 'too-long' || line.length !== 0) {
            this.cur!.error ??= 'chunk data is not followed by CRLF';
            this.abandon();
            continue;
          }
          this.mode = 'chunk-size';
          continue;
        }
        case 'trailers': {
          const line = this.nextLine();
          if (line === null) return;
          if (line !== 'too-long' && line.length === 0) this.finish();
          continue;
        }
      }
    }
  }

  private headerLine(c: Current, line: Buffer): void {
    const first = line[0];
    if (first === 0x20 || first === 0x09) {
      // obs-fold: a continuation of the previous header's value (RFC 9112 5.2 lets a recipient unfold it).
      // Each fold copies the header so far, so folds are capped to keep that linear in practice.
      if (++c.folds > MAX_FOLDS) c.error ??= `more than ${MAX_FOLDS} folded header lines`;
      else if (c.headBytes > this.opts.maxHeadBytes) c.error ??= `request head larger than ${this.opts.maxHeadBytes} bytes`;
      if (c.error !== undefined) return;
      if (c.head.length > 1) {
        const prev = c.head.length - 1;
        c.head[prev] = Buffer.concat([c.head[prev]!, Buffer.from(' '), trimStart(line)]);
      } else {
        c.error ??= 'header continuation line before any header';
      }
      return;
    }
    const colon = line.indexOf(0x3a);
    const name = colon > 0 ? line.subarray(0, colon).toString('latin1') : '';
    if (!HEADER_NAME.test(name)) {
      c.error ??= `malformed header line ${this.lineNo} (expected "Name: value")`;
      return;
    }
    if (++c.headers > this.opts.maxHeaders) c.error ??= `too many headers (more than ${this.opts.maxHeaders})`;
    else if (c.headBytes > this.opts.maxHeadBytes) c.error ??= `request head larger than ${this.opts.maxHeadBytes} bytes`;
    // A request that will be rejected keeps no more lines; its framing headers are still read to find its end.
    if (c.error === undefined) c.head.push(Buffer.from(line));
    const lname = name.toLowerCase();
    if (lname === 'content-length') {
      const v = line.subarray(colon + 1).toString('latin1').trim();
      const n = DIGITS.test(v) ? Number(v) : Number.NaN;
      if (Number.isNaN(n) || (c.contentLength !== undefined && c.contentLength !== n)) c.error ??= 'invalid or conflicting Content-Length';
      else c.contentLength = n;
    } else if (lname === 'transfer-encoding') {
      const v = line.subarray(colon + 1).toString('latin1').trim().toLowerCase();
      c.chunked = v === 'chunked' || v.endsWith(',chunked') || v.endsWith(', chunked');
      if (!c.chunked) c.error ??= `unsupported Transfer-Encoding "${v.slice(0, 40)}"`;
    }
  }

  private startBody(c: Current): void {
    if (c.chunked) {
      this.mode = 'chunk-size';
      return;
    }
    const len = c.contentLength ?? 0;
    if (c.error !== undefined && /Content-Length|Transfer-Encoding/.test(c.error)) {
      // The framing cannot be trusted: skip to the next request line rather than guess where this body ends.
      this.abandon();
      return;
    }
    if (c.headBytes + len > this.opts.maxRequestBytes) {
      c.error ??= `request larger than ${this.opts.maxRequestBytes} bytes (Content-Length ${len})`;
      this.abandon();
      return;
    }
    if (len === 0) {
      this.finish();
      return;
    }
    c.remaining = len;
    this.mode = 'body';
  }

  /** Feeds the buffered bytes of the current body or chunk, up to what remains of it; false when none are buffered. */
  private feedBody(c: Current): boolean {
    const avail = this.buf.length - this.pos;
    if (avail === 0) return false;
    const n = Math.min(avail, c.remaining);
    this.bodyBytes(c, this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    c.remaining -= n;
    return true;
  }

  private bodyBytes(c: Current, bytes: Buffer): void {
    c.size += bytes.length;
    for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) this.lineNo++;
    const room = this.opts.maxBodyKeep - c.kept;
    if (room <= 0) return;
    const part = bytes.length <= room ? bytes : bytes.subarray(0, room);
    c.body.push(Buffer.from(part));
    c.kept += part.length;
  }

  private finish(): void {
    const c = this.cur!;
    if (c.error !== undefined) this.reject(c.line, c.error);
    else this.emit();
    this.cur = undefined;
    this.mode = 'idle';
  }

  private emit(): void {
    const c = this.cur!;
    const body = c.size > 0 ? Buffer.concat(c.body, c.kept) : undefined;
    this.out.push({ kind: 'request', line: c.line, head: c.head, body, bodySize: c.size });
  }

  /** Report the current request and skip to the next line that looks like a request line. */
  private abandon(): void {
    const c = this.cur!;
    this.reject(c.line, c.error ?? 'malformed request');
    this.cur = undefined;
    this.mode = 'resync';
  }
}

function stripCr(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, line.length - 1) : line;
}

function trimStart(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x09)) i++;
  return b.subarray(i);
}

function isBlank(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0x20 && b[i] !== 0x09) return false;
  return true;
}

function looksLikeRequestLine(line: Buffer): boolean {
  // Request lines are short ASCII up to the target; the cheap first-byte test keeps body lines fast to skip.
  const c = line[0];
  if (c === undefined || c < 0x41 || c > 0x5a) return false;
  return REQUEST_LINE.test(line.toString('latin1'));
}

// ---------------------------------------------------------------------------------------------------
// Mapping one scanned request to an ApiEventInput

export interface RawHttpMapContext {
  charset: RawHttpCharset;
  /** Host for origin-form requests without a Host header. */
  defaultHost?: string;
  /** ISO timestamp for requests without a `Date` header (raw dumps record no time): the file's mtime. */
  defaultTimestamp: string;
}

const TEXTUAL = /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|x-www-form-urlencoded|javascript|graphql|x-ndjson)\b|multipart\/form-data)/i;

/**
 * One scanned request -> an `ApiEventInput`-like object for `normalize` (no response: a dump holds
 * requests only), or a reason.
 *
 * @example
 * mapRawHttpRequest(item, { charset: 'latin1', defaultTimestamp: '2026-01-01T00:00:00Z' })
 * // { ok: true, input: { request: { method: 'GET', url: 'http://localhost:8080/tienda1/index.jsp', headers: [...] }, timestamp } }
 */
export function mapRawHttpRequest(item: Extract<RawHttpItem, { kind: 'request' }>, ctx: RawHttpMapContext): MapResult {
  const headUtf8 = ctx.charset === 'latin1' ? false : item.head.every((b) => isAscii(b) || isUtf8(b));
  if (ctx.charset === 'utf8' && !headUtf8) return { ok: false, reason: 'invalid UTF-8 in the request head (read the file with --charset latin1)' };
  const enc: BufferEncoding = headUtf8 ? 'utf8' : 'latin1';
  const m = REQUEST_LINE.exec(item.head[0]!.toString(enc));
  if (m === null) return { ok: false, reason: 'not an HTTP request line' };
  const method = m[1]!;
  let target = m[2]!;
  const version = m[3]!;
  const headers: Array<{ name: string; value: string }> = [];
  let contentType: string | undefined;
  let date: string | undefined;
  for (let i = 1; i < item.head.length; i++) {
    const line = item.head[i]!.toString(enc);
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    headers.push({ name, value });
    const lname = name.toLowerCase();
    if (lname === 'content-type') contentType = value;
    else if (lname === 'date') date = value;
  }

  const req: Record<string, unknown> = { method, headers, httpVersion: `HTTP/${version}` };
  if (method === 'CONNECT') return { ok: false, reason: 'CONNECT (a tunnel) carries no API request' };
  if (target.charCodeAt(0) === 0x2f || target === '*') {
    req.path = transcodeEscapes(target, ctx.charset);
  } else if (/^https?:\/\//i.test(target)) {
    target = transcodeEscapes(target, ctx.charset);
    req.url = target;
  } else {
    return { ok: false, reason: 'request target is neither a path ("/...") nor an absolute http(s) URL' };
  }
  if (ctx.defaultHost !== undefined && req.url === undefined && !headers.some((h) => h.name.toLowerCase() === 'host')) req.host = ctx.defaultHost;

  if (item.body !== undefined) {
    const body = decodeBody(item.body, item.bodySize, contentType, ctx.charset);
    if (!body.ok) return body;
    req.body = body.body;
  }

  const ms = date === undefined ? Number.NaN : Date.parse(date);
  const timestamp = Number.isFinite(ms) ? new Date(ms).toISOString() : ctx.defaultTimestamp;
  return { ok: true, input: { timestamp, request: req } };
}

function decodeBody(bytes: Buffer, size: number, contentType: string | undefined, charset: RawHttpCharset): { ok: true; body: Record<string, unknown> } | { ok: false; reason: string } {
  const out: Record<string, unknown> = { size, truncated: bytes.length < size };
  if (contentType !== undefined) out.contentType = contentType;
  const declared = declaredCharset(contentType);
  const textual = contentType === undefined || TEXTUAL.test(contentType);
  const utf8 = isAscii(bytes) || isUtf8(bytes.subarray(0, cutAtCharBoundary(bytes)));
  let enc: BufferEncoding;
  if (declared !== undefined) enc = declared;
  else if (charset === 'latin1') enc = 'latin1';
  else if (utf8) enc = 'utf8';
  else if (!textual) {
    out.text = bytes.toString('base64');
    out.encoding = 'base64';
    return { ok: true, body: out };
  } else if (charset === 'utf8') return { ok: false, reason: 'invalid UTF-8 in the request body (read the file with --charset latin1)' };
  else enc = 'latin1';
  let text = enc === 'utf8' ? bytes.toString('utf8', 0, cutAtCharBoundary(bytes)) : bytes.toString('latin1');
  if (contentType !== undefined && /^application\/x-www-form-urlencoded/i.test(contentType)) {
    text = transcodeEscapes(text, declared === 'latin1' ? 'latin1' : declared === 'utf8' ? 'utf8' : charset);
  }
  out.text = text;
  return { ok: true, body: out };
}

function declaredCharset(contentType: string | undefined): BufferEncoding | undefined {
  if (contentType === undefined) return undefined;
  const m = /;\s*charset="?([\w.:-]{1,40})/i.exec(contentType);
  if (m === null) return undefined;
  const cs = m[1]!.toLowerCase();
  if (cs === 'utf-8' || cs === 'utf8') return 'utf8';
  if (cs === 'iso-8859-1' || cs === 'latin1' || cs === 'iso8859-1' || cs === 'us-ascii' || cs === 'windows-1252' || cs === 'cp1252') return 'latin1';
  return undefined;
}

/** A kept body prefix may end inside a UTF-8 sequence: judge and decode it up to the last whole character. */
function cutAtCharBoundary(b: Buffer): number {
  let end = b.length;
  let back = 0;
  while (end > 0 && back < 3 && ((b[end - 1] ?? 0) & 0xc0) === 0x80) {
    end--;
    back++;
  }
  if (end > 0 && (b[end - 1] ?? 0) >= 0xc0) {
    const lead = b[end - 1]!;
    const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1;
    return back >= need ? b.length : end - 1;
  }
  return b.length;
}

function isAscii(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return false;
  return true;
}


/**
 * In latin1 mode, or in auto mode when the high (>= %80) escapes of `s` do not form valid UTF-8,
 * rewrite each high escape as the UTF-8 escapes of the same ISO-8859-1 character. Other text is kept.
 *
 * @example transcodeEscapes('B1=A%F1adir', 'auto') // 'B1=A%C3%B1adir'
 */
export function transcodeEscapes(s: string, charset: RawHttpCharset): string {
  if (charset === 'utf8' || s.indexOf('%') < 0) return s;
  if (charset === 'auto' && highEscapesAreUtf8(s)) return s;
  let out = '';
  let last = 0;
  for (let i = s.indexOf('%'); i >= 0 && i + 2 < s.length; i = s.indexOf('%', i + 1)) {
    const h = hexVal(s.charCodeAt(i + 1));
    const l = hexVal(s.charCodeAt(i + 2));
    if (h < 8 || l < 0) continue;
    const code = h * 16 + l;
    out += s.slice(last, i) + `%${((code >> 6) | 0xc0).toString(16).toUpperCase()}%${((code & 0x3f) | 0x80).toString(16).toUpperCase()}`;
    last = i + 3;
    i += 2;
  }
  return last === 0 ? s : out + s.slice(last);
}

/** Whether every run of adjacent high escapes decodes as UTF-8 (true when there are none). */
function highEscapesAreUtf8(s: string): boolean {
  const run: number[] = [];
  const flush = (): boolean => {
    if (run.length === 0) return true;
    const ok = isUtf8(Buffer.from(run));
    run.length = 0;
    return ok;
  };
  let i = 0;
  while (i < s.length) {
    if (s.charCodeAt(i) === 0x25 && i + 2 < s.length) {
      const h = hexVal(s.charCodeAt(i + 1));
      const l = hexVal(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        const code = h * 16 + l;
        if (code >= 0x80) {
          run.push(code);
          i += 3;
          continue;
        }
      }
    }
    if (!flush()) return false;
    i++;
  }
  return flush();
}
