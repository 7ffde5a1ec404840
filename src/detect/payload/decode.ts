import { hexVal } from '../../normalize/url.js';
/**
 * Decoding for payload inspection: undo what attackers layer on top of a payload so the detectors see the
 * text the vulnerable component eventually sees. Never throws, never grows the text, and does a bounded
 * amount of work (`MAX_DECODE_ROUNDS` passes of linear scans over at most the value's length).
 *
 * Undone, repeatedly until nothing changes:
 * - percent-escapes (`%27`, `%2527`, lower or upper case), decoded as UTF-8 with overlong forms accepted
 *   (`%c0%af` is `/`, `%e0%80%ae` is `.`) and any byte that is not part of a sequence read as ISO-8859-1;
 * - IIS `%uXXXX` escapes;
 * - JavaScript/JSON escapes `\uXXXX`, `\u{X…}` and `\xXX`;
 * - HTML character references: named (`&lt;`, `&quot;`, `&colon;`…), decimal and hex (`&#60;`, `&#x3c`), with
 *   or without the final `;` as browsers accept them;
 * - full-width ASCII forms (`＜script＞`), which some servers fold to ASCII.
 * `+` becomes a space only in the first pass and only where the caller says the value was form-encoded.
 */

/** Decoding passes per value: enough for triple encoding plus one entity layer. */
export const MAX_DECODE_ROUNDS = 4;


function hexAt(s: string, i: number, n: number): number {
  if (i + n > s.length) return -1;
  let v = 0;
  for (let k = 0; k < n; k++) {
    const h = hexVal(s.charCodeAt(i + k));
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

function fromCodePointSafe(cp: number): string {
  return cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
}

/**
 * Decode a run of bytes leniently: UTF-8 sequences (overlong ones included, as old decoders and some
 * filters did), everything else one byte per ISO-8859-1 character.
 */
function decodeBytes(bytes: number[], n: number): string {
  let out = '';
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    const need = b >= 0xc0 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf7 ? 3 : 0;
    let ok = need > 0 && i + need < n;
    if (ok) {
      for (let k = 1; k <= need; k++) {
        const c = bytes[i + k];
        if (c === undefined || c < 0x80 || c > 0xbf) {
          ok = false;
          break;
        }
      }
    }
    if (!ok) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) cp = (cp << 6) | (bytes[i + k]! & 0x3f);
    out += fromCodePointSafe(cp);
    i += need + 1;
  }
  return out;
}

/** One pass of percent-decoding (`%XX` runs as lenient UTF-8, `%uXXXX`), optionally `+` as space. */
export function percentDecode(raw: string, plusAsSpace = false): string {
  // `+` first: an escaped `%2B` is a literal plus.
  const s = plusAsSpace && raw.indexOf('+') >= 0 ? raw.replaceAll('+', ' ') : raw;
  let p = s.indexOf('%');
  if (p < 0) return s;
  const byteBuf: number[] = [];
  let out = '';
  let last = 0;
  const n = s.length;
  while (p >= 0 && p < n) {
    // A run of %XX bytes.
    let q = p;
    let nb = 0;
    while (q + 2 < n && s.charCodeAt(q) === 37) {
      const v = hexAt(s, q + 1, 2);
      if (v < 0) break;
      byteBuf[nb++] = v;
      q += 3;
    }
    if (nb > 0) {
      out += s.slice(last, p) + decodeBytes(byteBuf, nb);
      last = q;
      p = s.indexOf('%', q);
      continue;
    }
    // %uXXXX
    const u = s.charCodeAt(p + 1);
    if (u === 117 || u === 85) {
      const v = hexAt(s, p + 2, 4);
      if (v >= 0) {
        out += s.slice(last, p) + String.fromCharCode(v);
        last = p + 6;
        p = s.indexOf('%', last);
        continue;
      }
    }
    p = s.indexOf('%', p + 1);
  }
  return last === 0 ? s : out + s.slice(last);
}

/** One pass of JavaScript/JSON escape decoding: `\uXXXX`, `\u{X…}`, `\xXX`. */
export function unescapeJs(s: string): string {
  let p = s.indexOf('\\');
  if (p < 0) return s;
  let out = '';
  let last = 0;
  while (p >= 0 && p + 1 < s.length) {
    const k = s.charCodeAt(p + 1);
    let cp = -1;
    let len = 0;
    if (k === 117 /* u */) {
      if (s.charCodeAt(p + 2) === 123 /* { */) {
        const close = s.indexOf('}', p + 3);
        if (close > p + 3 && close - (p + 3) <= 6) {
          cp = hexAt(s, p + 3, close - (p + 3));
          len = close + 1 - p;
        }
      } else {
        cp = hexAt(s, p + 2, 4);
        len = 6;
      }
    } else if (k === 120 /* x */) {
      cp = hexAt(s, p + 2, 2);
      len = 4;
    }
    if (cp >= 0) {
      out += s.slice(last, p) + fromCodePointSafe(cp);
      last = p + len;
      p = s.indexOf('\\', last);
    } else {
      p = s.indexOf('\\', p + 2);
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

/** Named character references worth knowing for payloads (the rest are left as written). */
const NAMED: Readonly<Record<string, string>> = Object.freeze({
  lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ', tab: '\t', newline: '\n', colon: ':', semi: ';',
  lpar: '(', rpar: ')', sol: '/', bsol: '\\', comma: ',', period: '.', excl: '!', num: '#', dollar: '$',
  percnt: '%', lbrace: '{', rbrace: '}', lcub: '{', rcub: '}', lsqb: '[', rsqb: ']', lbrack: '[', rbrack: ']',
  equals: '=', grave: '`', plus: '+', ast: '*', quest: '?', verbar: '|', vert: '|', hyphen: '-', dash: '-',
  lowbar: '_', commat: '@', hat: '^', Hat: '^',
});
/** Entities browsers also accept without the final `;` (legacy). */
const LEGACY_NO_SEMI = ['quot', 'nbsp', 'amp', 'lt', 'gt', 'QUOT', 'AMP', 'LT', 'GT'];
const MAX_ENTITY_NAME = 8;

/** One pass of HTML character-reference decoding. */
export function decodeEntities(s: string): string {
  let p = s.indexOf('&');
  if (p < 0) return s;
  let out = '';
  let last = 0;
  const n = s.length;
  while (p >= 0 && p + 1 < n) {
    let rep: string | undefined;
    let end = p;
    if (s.charCodeAt(p + 1) === 35 /* # */) {
      const hex = (s.charCodeAt(p + 2) | 32) === 120;
      let i = p + (hex ? 3 : 2);
      const start = i;
      let v = 0;
      while (i < n && i - start < 8) {
        const c = s.charCodeAt(i);
        const d = hex ? hexVal(c) : c >= 48 && c <= 57 ? c - 48 : -1;
        if (d < 0) break;
        v = v * (hex ? 16 : 10) + d;
        i++;
      }
      if (i > start) {
        rep = fromCodePointSafe(v === 0 ? 0xfffd : v);
        end = s.charCodeAt(i) === 59 ? i + 1 : i;
      }
    } else {
      let i = p + 1;
      while (i < n && i - p - 1 < MAX_ENTITY_NAME) {
        const c = s.charCodeAt(i) | 32;
        if (c < 97 || c > 122) break;
        i++;
      }
      if (i > p + 1) {
        const name = s.slice(p + 1, i);
        if (s.charCodeAt(i) === 59) {
          rep = NAMED[name] ?? NAMED[name.toLowerCase()];
          end = i + 1;
        } else {
          // Without `;`, browsers take the longest legacy name at the start: `&ltscript` is `<script`.
          for (const legacy of LEGACY_NO_SEMI) {
            if (name.startsWith(legacy)) {
              rep = NAMED[legacy.toLowerCase()];
              end = p + 1 + legacy.length;
              break;
            }
          }
        }
      }
    }
    if (rep !== undefined) {
      out += s.slice(last, p) + rep;
      last = end;
      p = s.indexOf('&', end);
    } else {
      p = s.indexOf('&', p + 1);
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

/** Full-width ASCII (U+FF01..U+FF5E) folded to ASCII; other text unchanged. */
export function foldFullWidth(s: string): string {
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) break;
  }
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0xff01 && c <= 0xff5e ? String.fromCharCode(c - 0xfee0) : s[i];
  }
  return out;
}

function mayNeedDecoding(s: string, plus: boolean): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 || c === 38 || c === 92 || (plus && c === 43) || c >= 0xff01) return true;
  }
  return false;
}

/**
 * Fully decode one value (see the module comment), after cutting it to `maxChars`.
 *
 * @example
 * decodeValue('%253Cscript%253E') // '<script>'
 * decodeValue('a+b', { plusAsSpace: true }) // 'a b'
 */
export function decodeValue(raw: string, opts: { plusAsSpace?: boolean; maxChars?: number } = {}): string {
  return decodeValueWith(raw, opts.plusAsSpace === true, opts.maxChars);
}

/** `decodeValue` with positional options (no options object per value on the hot path). */
export function decodeValueWith(raw: string, plus: boolean, maxChars: number | undefined): string {
  let s = maxChars !== undefined && raw.length > maxChars ? raw.slice(0, maxChars) : raw;
  if (!mayNeedDecoding(s, plus)) return s;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    const t = foldFullWidth(decodeEntities(unescapeJs(percentDecode(s, plus && round === 0))));
    if (t === s) break;
    s = t;
  }
  return s;
}
