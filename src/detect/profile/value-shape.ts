/**
 * The shape of one parameter value, with no value kept: its type, its length and the character classes
 * it uses. Everything here is a single linear pass over the value (no regex on attacker input).
 */

/**
 * Character classes. Letters, digits, space, other non-ASCII and control characters are one class each;
 * every ASCII punctuation character is its own class, because which punctuation a field uses is what tells
 * `O'Brien` (a name field that has seen quotes) from `3'` (a quantity that never has).
 */
export const CHAR_CLASSES = [
  'lower', 'upper', 'digit', 'space', 'non-ascii', 'control',
  '!', '"', '#', '$', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.', '/',
  ':', ';', '<', '=', '>', '?', '@', '[', '\\', ']', '^', '_', '`', '{', '|', '}', '~',
] as const;
export type CharClass = (typeof CHAR_CLASSES)[number];
const CLASS_COUNT = CHAR_CLASSES.length;
const LOWER = 0;
const UPPER = 1;
const DIGIT = 2;
const SPACE = 3;
const NON_ASCII = 4;
const CONTROL = 5;
const PUNCT_BASE = 6;

/** ASCII punctuation code -> class index. */
const PUNCT_INDEX = new Int8Array(128).fill(-1);
for (let i = PUNCT_BASE; i < CLASS_COUNT; i++) PUNCT_INDEX[CHAR_CLASSES[i]!.charCodeAt(0)] = i;

/**
 * How strongly a class never seen in a field suggests an attack rather than a new normal value: the
 * metacharacters of SQL, shells, markup, templates and log lines weigh most, separators less, letters and
 * digits least (a type change reports those better).
 */
export const CLASS_WEIGHT: Readonly<Record<CharClass, number>> = Object.freeze({
  lower: 0.6, upper: 0.6, digit: 0.6, space: 0.75, 'non-ascii': 0.6, control: 1,
  '!': 0.85, '"': 1, '#': 0.85, $: 1, '%': 0.9, '&': 0.85, "'": 1, '(': 0.9, ')': 0.9, '*': 0.9, '+': 0.7, ',': 0.7,
  '-': 0.6, '.': 0.6, '/': 0.75, ':': 0.7, ';': 1, '<': 1, '=': 0.85, '>': 1, '?': 0.75, '@': 0.7, '[': 0.85, '\\': 1,
  ']': 0.85, '^': 0.85, _: 0.6, '`': 1, '{': 1, '|': 1, '}': 1, '~': 0.75,
});

/** Value types, most specific first. `text` is anything else. */
export const VALUE_TYPES = ['empty', 'bool', 'int', 'float', 'uuid', 'date', 'datetime', 'ip', 'email', 'url', 'hex', 'word', 'alnum', 'token', 'text'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/**
 * The types a field that has seen type `k` also accepts without surprise: a field of free `text` takes
 * anything, a field of `hex` ids takes an all-digit id, a `float` field takes an integer.
 */
const COVERS: Readonly<Record<ValueType, readonly ValueType[]>> = {
  empty: ['empty'],
  bool: ['bool'],
  int: ['int'],
  float: ['float', 'int'],
  uuid: ['uuid'],
  date: ['date'],
  datetime: ['datetime', 'date'],
  ip: ['ip'],
  email: ['email'],
  url: ['url'],
  hex: ['hex', 'int'],
  word: ['word', 'bool'],
  alnum: ['alnum', 'word', 'int', 'hex', 'bool'],
  token: ['token', 'alnum', 'word', 'int', 'hex', 'uuid', 'bool', 'float', 'date', 'ip'],
  text: VALUE_TYPES.filter((t) => t !== 'empty'),
};

/** Whether a field that has seen the types in `seen` would take a value of type `t` without surprise. */
export function typeCovered(seen: Iterable<ValueType>, t: ValueType): boolean {
  for (const s of seen) if (COVERS[s].includes(t)) return true;
  return false;
}

export interface ValueShape {
  readonly type: ValueType;
  /** Length in UTF-16 code units. */
  readonly length: number;
  /** Bit i set when CHAR_CLASSES[i] occurs (classes 0-31 in `lo`, the rest in `hi`). */
  readonly lo: number;
  readonly hi: number;
}

/** Values longer than this are typed and classed on their first `SHAPE_SCAN` units only (the length is exact). */
export const SHAPE_SCAN = 16_384;

/**
 * @example shapeOf("3' OR 1=1") // { type: 'text', length: 9, classes: digit, space, upper, "'", '=' }
 */
export function shapeOf(value: string): ValueShape {
  const n = Math.min(value.length, SHAPE_SCAN);
  let lo = 0;
  let hi = 0;
  let letters = 0;
  let digits = 0;
  let hexLetters = 0;
  let nonHexLetters = 0;
  let dots = 0;
  let dashes = 0;
  let colons = 0;
  let ats = 0;
  let other = 0; // punctuation outside the token alphabet
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    let k: number;
    if (c >= 0x61 && c <= 0x7a) {
      k = LOWER;
      letters++;
      if (c <= 0x66) hexLetters++;
      else nonHexLetters++;
    } else if (c >= 0x41 && c <= 0x5a) {
      k = UPPER;
      letters++;
      if (c <= 0x46) hexLetters++;
      else nonHexLetters++;
    } else if (c >= 0x30 && c <= 0x39) {
      k = DIGIT;
      digits++;
    } else if (c === 0x20) {
      k = SPACE;
      other++;
    } else if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) {
      k = CONTROL;
      other++;
    } else if (c >= 0x80) {
      k = NON_ASCII;
      // Accented letters count as letters for `word`; other non-ASCII makes it text.
      if (isLetterish(c)) letters++;
      else other++;
      nonHexLetters++;
    } else {
      k = PUNCT_INDEX[c]!;
      if (c === 0x2e) dots++;
      else if (c === 0x2d) dashes++;
      else if (c === 0x3a) colons++;
      else if (c === 0x40) ats++;
      else if (c !== 0x5f && c !== 0x7e && c !== 0x2b && c !== 0x2f && c !== 0x3d) other++;
    }
    if (k < 32) lo |= 1 << k;
    else hi |= 1 << (k - 32);
  }
  const type = typeOf(value, n, { letters, digits, hexLetters, nonHexLetters, dots, dashes, colons, ats, other });
  return { type, length: value.length, lo: lo >>> 0, hi: hi >>> 0 };
}

function isLetterish(c: number): boolean {
  // Latin-1 Supplement and Latin Extended letters, Greek, Cyrillic: the letters of names and addresses.
  return (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0x370 && c <= 0x52f);
}

interface Counts {
  letters: number;
  digits: number;
  hexLetters: number;
  nonHexLetters: number;
  dots: number;
  dashes: number;
  colons: number;
  ats: number;
  other: number;
}

function typeOf(v: string, n: number, k: Counts): ValueType {
  const len = v.length;
  if (len === 0) return 'empty';
  if (v === 'true' || v === 'false' || v === 'TRUE' || v === 'FALSE' || v === 'True' || v === 'False') return 'bool';
  const sign = v.charCodeAt(0) === 0x2d || v.charCodeAt(0) === 0x2b ? 1 : 0;
  const rest = len - sign;
  if (k.digits === rest && rest > 0 && rest <= 18) return 'int';
  if (k.other === 0 && k.letters === 0 && k.dots === 1 && k.digits === rest - 1 && k.digits > 0 && rest <= 40) return 'float';
  if (len === 36 && k.dashes === 4 && isUuid(v)) return 'uuid';
  if (k.letters <= 2 && k.other <= 1 && len >= 8 && len <= 35) {
    const d = dateKind(v);
    if (d !== null) return d;
  }
  if (k.letters === 0 && k.other === 0 && k.dots === 3 && k.digits === len - 3 && len <= 15) return 'ip';
  if (k.ats === 1 && k.other === 0 && len <= 254 && isEmail(v)) return 'email';
  if (n === len && k.colons >= 1 && isUrl(v)) return 'url';
  const punct = k.dots + k.dashes + k.colons + k.ats + k.other;
  const alnum = k.letters + k.digits;
  if (punct === 0 && alnum === len) {
    if (k.nonHexLetters === 0 && len >= 8 && k.digits > 0) return 'hex';
    if (k.digits === 0) return 'word';
    return 'alnum';
  }
  // Tokens: ids, keys, base64 and JWTs: no spaces or metacharacters, only `._~+/=-` as punctuation.
  if (k.other === 0 && k.colons === 0 && k.ats === 0 && len <= SHAPE_SCAN) return 'token';
  return 'text';
}

function isDigitAt(v: string, i: number): boolean {
  const c = v.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}

function isUuid(v: string): boolean {
  for (let i = 0; i < 36; i++) {
    const c = v.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return false;
    } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46))) return false;
  }
  return true;
}

/** `2024-05-06`, `06/05/2024`, `2024-05-06T07:08:09Z`, `2024-05-06 07:08:09.123+02:00`. */
function dateKind(v: string): 'date' | 'datetime' | null {
  let datePart = -1;
  if (v.length >= 10 && isDigitAt(v, 0) && isDigitAt(v, 1) && isDigitAt(v, 2) && isDigitAt(v, 3) && v[4] === '-' && isDigitAt(v, 5) && isDigitAt(v, 6) && v[7] === '-' && isDigitAt(v, 8) && isDigitAt(v, 9)) datePart = 10;
  else if (v.length >= 10 && isDigitAt(v, 0) && isDigitAt(v, 1) && v[2] === '/' && isDigitAt(v, 3) && isDigitAt(v, 4) && v[5] === '/' && isDigitAt(v, 6) && isDigitAt(v, 7) && isDigitAt(v, 8) && isDigitAt(v, 9)) datePart = 10;
  if (datePart < 0) return null;
  if (v.length === 10) return 'date';
  const sep = v[10];
  if (sep !== 'T' && sep !== ' ' && sep !== 't') return null;
  // hh:mm[:ss[.fff]][Z|±hh:mm]
  if (!(isDigitAt(v, 11) && isDigitAt(v, 12) && v[13] === ':' && isDigitAt(v, 14) && isDigitAt(v, 15))) return null;
  for (let i = 16; i < v.length; i++) {
    const c = v[i]!;
    if (!(isDigitAt(v, i) || c === ':' || c === '.' || c === 'Z' || c === 'z' || c === '+' || c === '-')) return null;
  }
  return 'datetime';
}

function isEmail(v: string): boolean {
  const at = v.indexOf('@');
  if (at < 1 || at > 64) return false;
  const domain = v.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  if (dot < 1 || domain.length - dot - 1 < 2) return false;
  for (let i = dot + 1; i < domain.length; i++) {
    const c = domain.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) return false;
  }
  return true;
}

function isUrl(v: string): boolean {
  const sep = v.indexOf('://');
  if (sep < 2 || sep > 10) return false;
  for (let i = 0; i < sep; i++) {
    const c = v.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) return false;
  }
  return v.length > sep + 3 && v.indexOf(' ') < 0;
}

/** The class indexes set in a shape, in CHAR_CLASSES order. */
export function classesOf(shape: ValueShape): number[] {
  const out: number[] = [];
  for (let i = 0; i < CLASS_COUNT; i++) if (hasClass(shape, i)) out.push(i);
  return out;
}

export function hasClass(shape: { lo: number; hi: number }, i: number): boolean {
  return i < 32 ? ((shape.lo >>> i) & 1) === 1 : ((shape.hi >>> (i - 32)) & 1) === 1;
}

/** The index of the first character of `value` in class `i`, for evidence. */
export function firstIndexOfClass(value: string, i: number): number {
  const n = Math.min(value.length, SHAPE_SCAN);
  for (let j = 0; j < n; j++) if (classIndex(value.charCodeAt(j)) === i) return j;
  return -1;
}

export function classIndex(c: number): number {
  if (c >= 0x61 && c <= 0x7a) return LOWER;
  if (c >= 0x41 && c <= 0x5a) return UPPER;
  if (c >= 0x30 && c <= 0x39) return DIGIT;
  if (c === 0x20) return SPACE;
  if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) return CONTROL;
  if (c >= 0x80) return NON_ASCII;
  return PUNCT_INDEX[c]!;
}

/** Longest format kept; a longer one means free text, whose formats are not a small set. */
export const MAX_FORMAT = 24;

/**
 * A value's format: each run of letters, digits or spaces collapsed to one symbol (`a`, `A`, `9`, ` `; other
 * non-ASCII `ñ`), punctuation kept. A Spanish DNI is `9A`, a date `9-9-9`, an e-mail `a@a.a`; a value
 * that is not a number or a name, or a DNI with a letter in the middle (`9A9A`), has another format.
 * `undefined` when the format is longer than MAX_FORMAT. Formats hold no value: no letter or digit survives.
 *
 * @example formatOf('36813756W') // '9A'
 */
export function formatOf(value: string): string | undefined {
  let out = '';
  let last = '';
  const n = Math.min(value.length, SHAPE_SCAN);
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    let sym: string;
    if (c >= 0x61 && c <= 0x7a) sym = 'a';
    else if (c >= 0x41 && c <= 0x5a) sym = 'A';
    else if (c >= 0x30 && c <= 0x39) sym = '9';
    else if (c === 0x20) sym = ' ';
    else if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) sym = '^';
    else if (c >= 0x80) sym = isLetterish(c) ? (String.fromCharCode(c).toLowerCase() === String.fromCharCode(c) ? 'a' : 'A') : 'ñ';
    else sym = value[i]!;
    // Runs collapse for letters, digits and spaces; punctuation repeats are kept (`--` is not `-`).
    if (sym === last && (sym === 'a' || sym === 'A' || sym === '9' || sym === ' ' || sym === 'ñ')) continue;
    out += sym;
    last = sym;
    if (out.length > MAX_FORMAT) return undefined;
  }
  return out;
}
