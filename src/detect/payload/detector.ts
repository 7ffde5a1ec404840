import type { DetectorInfo, InspectedValue, ValueLocation } from '../types.js';

/** What a payload detector reports for one value: how sure it is and the part of the value that matched. */
export interface PayloadMatch {
  /** 0..1. */
  readonly confidence: number;
  /** The matched part of the decoded value (not yet redacted or bounded: `detectPayloads` does that). */
  readonly fragment: string;
}

/**
 * A payload signature: a declarative record plus a pure function of one decoded value.
 *
 * The optional prefilters are optimisations declared as data; `detect` stays correct without them, and the
 * meta-test checks that every positive table case passes them:
 * - `gate`: character classes (bits of `CHAR`) of which the value must contain at least one;
 * - `gateAlso`: a second such set, also required (so `gate: LETTER | QUOTES, gateAlso: QUOTES | SPACE` reads
 *   "a quote, or a letter together with a space");
 * - `locations`: the only locations the detector reads (a cookie detector never looks at a header).
 * `detectPayloads` computes each value's classes once and skips detectors whose prefilters fail.
 *
 * `cheap` declares that `detect` costs no more than a lookup in the clean-value cache on the values that reach
 * it (a name lookup, one anchored pattern on a path segment): a value that only cheap detectors can read is
 * run through them each time rather than remembered, which keeps the cache for values worth it.
 *
 * @example
 * const d: PayloadDetector = { id: 'xss-markup', ..., gate: CHAR.LT | CHAR.COLON, detect: (v) => null };
 */
export interface PayloadDetector extends DetectorInfo {
  detect(v: InspectedValue): PayloadMatch | null;
  readonly gate?: number;
  readonly gateAlso?: number;
  readonly locations?: readonly ValueLocation[];
  readonly cheap?: boolean;
}

/** Whether a value with character classes `classes` at `location` can reach `d.detect` at all. */
export function passesPrefilter(d: PayloadDetector, classes: number, location: ValueLocation): boolean {
  if (d.gate !== undefined && (classes & d.gate) === 0) return false;
  if (d.gateAlso !== undefined && (classes & d.gateAlso) === 0) return false;
  return d.locations === undefined || d.locations.includes(location);
}

/** Character classes of a value, one bit each, for detector gates. */
export const CHAR = {
  SQUOTE: 1 << 0,
  DQUOTE: 1 << 1,
  BACKTICK: 1 << 2,
  SEMI: 1 << 3,
  LT: 1 << 4,
  GT: 1 << 5,
  PAREN: 1 << 6,
  DOLLAR: 1 << 7,
  BRACE: 1 << 8,
  PIPE: 1 << 9,
  AMP: 1 << 10,
  DOT: 1 << 11,
  SLASH: 1 << 12,
  BSLASH: 1 << 13,
  COLON: 1 << 14,
  NEWLINE: 1 << 15,
  EQ: 1 << 16,
  HASH: 1 << 17,
  DASH: 1 << 18,
  STAR: 1 << 19,
  PERCENT: 1 << 20,
  AT: 1 << 21,
  SPACE: 1 << 22,
  BRACKET: 1 << 23,
  CONTROL: 1 << 24,
  NON_ASCII: 1 << 25,
  LETTER: 1 << 26,
  DIGIT: 1 << 27,
  COMMA: 1 << 28,
  PLUS: 1 << 29,
} as const;

/** Every class: a detector with this gate always runs. */
export const ANY_CHAR = (1 << 30) - 1;

const TABLE = new Uint32Array(128);
(() => {
  const set = (chars: string, bit: number) => {
    for (let i = 0; i < chars.length; i++) TABLE[chars.charCodeAt(i)]! |= bit;
  };
  for (let c = 0; c < 32; c++) TABLE[c] = CHAR.CONTROL;
  TABLE[127] = CHAR.CONTROL;
  set('\n\r', CHAR.NEWLINE);
  set("'", CHAR.SQUOTE);
  set('"', CHAR.DQUOTE);
  set('`', CHAR.BACKTICK);
  set(';', CHAR.SEMI);
  set('<', CHAR.LT);
  set('>', CHAR.GT);
  set('()', CHAR.PAREN);
  set('$', CHAR.DOLLAR);
  set('{}', CHAR.BRACE);
  set('|', CHAR.PIPE);
  set('&', CHAR.AMP);
  set('.', CHAR.DOT);
  set('/', CHAR.SLASH);
  set('\\', CHAR.BSLASH);
  set(':', CHAR.COLON);
  set('=', CHAR.EQ);
  set('#', CHAR.HASH);
  set('-', CHAR.DASH);
  set('*', CHAR.STAR);
  set('%', CHAR.PERCENT);
  set('@', CHAR.AT);
  set(' \t', CHAR.SPACE);
  set('[]', CHAR.BRACKET);
  set(',', CHAR.COMMA);
  set('+', CHAR.PLUS);
  set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_', CHAR.LETTER);
  set('0123456789', CHAR.DIGIT);
})();

/** The character classes present in `s` (one pass; non-ASCII characters set `NON_ASCII`). */
export function charClasses(s: string): number {
  let m = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    m |= c < 128 ? TABLE[c]! : CHAR.NON_ASCII;
  }
  return m;
}

/** Clamp to 0..1 with two decimals, so confidences compare and print stably. */
export function conf(x: number): number {
  return x <= 0 ? 0 : x >= 1 ? 1 : Math.round(x * 100) / 100;
}

/** The part of `s` around [start, end), widened by `pad` characters each side. */
export function around(s: string, start: number, end: number, pad = 24): string {
  return s.slice(Math.max(0, start - pad), Math.min(s.length, end + pad));
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}
export function isAsciiDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
export function isWordChar(c: number): boolean {
  return isAsciiLetter(c) || isAsciiDigit(c) || c === 95;
}
export function isSpaceChar(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}
