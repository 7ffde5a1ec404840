/**
 * Recognises path segments whose shape alone says "this is a value, not a name": numbers, UUIDs, hashes,
 * dates, e-mails, opaque tokens. Such segments become parameters on first sight; everything else is free
 * text and is left to the traffic-learning templater.
 *
 * Every check is a single left-to-right scan over at most MAX_SEGMENT characters (no regular expressions),
 * because segments are attacker-controlled and this runs on every request.
 */

export type TokenKind =
  | 'int'
  | 'uuid'
  | 'hex'
  | 'date'
  | 'datetime'
  | 'email'
  | 'version'
  | 'hash'
  | 'token'
  | 'ip'
  | 'redacted';

/** Longer segments are never literal path words; scanning stops here. */
const MAX_SEGMENT = 512;

const enum C {
  Digit = 1,
  Lower = 2,
  Upper = 4,
  Other = 8,
}

function cls(code: number): C {
  if (code >= 48 && code <= 57) return C.Digit;
  if (code >= 97 && code <= 122) return C.Lower;
  if (code >= 65 && code <= 90) return C.Upper;
  return C.Other;
}

function isHexCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 102) || (code >= 65 && code <= 70);
}

function allDigits(s: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isUuid(s: string): boolean {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!isHexCode(c)) return false;
  }
  return true;
}

/** Hex of 8+ characters; a digit is required below 16 characters so that words like `deadbeef`, `facade` stay words. */
function isHex(s: string, from = 0): boolean {
  const n = s.length - from;
  if (n < 8) return false;
  let digit = false;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isHexCode(c)) return false;
    if (c <= 57) digit = true;
  }
  return digit || n >= 16;
}

function isDate(s: string): boolean {
  return (
    s.length >= 10 &&
    allDigits(s, 0, 4) &&
    s.charCodeAt(4) === 45 &&
    allDigits(s, 5, 7) &&
    s.charCodeAt(7) === 45 &&
    allDigits(s, 8, 10)
  );
}

/** After a date: `T` or space (or `%20`), then HH:MM with `:` or `%3A`; the rest (seconds, zone) is only checked for charset. */
function isDateTimeTail(s: string): boolean {
  let i = 10;
  const sep = s.charCodeAt(i);
  if (sep === 84 || sep === 116 || sep === 32) i += 1;
  else if (s.startsWith('%20', i)) i += 3;
  else return false;
  if (!allDigits(s, i, i + 2)) return false;
  i += 2;
  if (s.charCodeAt(i) === 58) i += 1;
  else if (s.startsWith('%3A', i) || s.startsWith('%3a', i)) i += 3;
  else return false;
  if (!allDigits(s, i, i + 2)) return false;
  for (i += 2; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 48 && c <= 58) || c === 46 || c === 43 || c === 45 || c === 90 || c === 122 || c === 37 || c === 65 || c === 97;
    if (!ok) return false;
  }
  return true;
}

function isEmail(s: string): boolean {
  let at = s.indexOf('@');
  let width = 1;
  if (at < 0) {
    at = s.indexOf('%40');
    width = 3;
  }
  if (at <= 0) return false;
  const domain = s.slice(at + width);
  const dot = domain.lastIndexOf('.');
  if (dot <= 0 || dot >= domain.length - 2) return false;
  if (domain.includes('@') || domain.includes('%40')) return false;
  for (let i = 0; i < domain.length; i++) {
    const c = domain.charCodeAt(i);
    if (cls(c) === C.Other && c !== 46 && c !== 45) return false;
  }
  return true;
}

/** `1.2.3`, `v1.2.3`, `1.2.3-beta.1`: three numeric parts at least. Plain `v1` / `v2.1` are API versions and stay static. */
function isVersion(s: string): boolean {
  let i = s.charCodeAt(0) === 118 || s.charCodeAt(0) === 86 ? 1 : 0;
  let parts = 0;
  for (;;) {
    const start = i;
    while (i < s.length && cls(s.charCodeAt(i)) === C.Digit) i++;
    if (i === start) return false;
    parts++;
    if (i >= s.length) break;
    const c = s.charCodeAt(i);
    if (c === 46 && parts < 3) {
      i++;
      continue;
    }
    if ((c === 45 || c === 43 || c === 46) && parts >= 3) return true;
    return false;
  }
  return parts >= 3;
}

/** `sha256:ab12...`, `sha1-ab12...`: an algorithm name, a separator, then a long hex digest. */
function isHash(s: string): boolean {
  for (let i = 1; i < Math.min(s.length, 16); i++) {
    const c = s.charCodeAt(i);
    if (c === 58 || c === 45 || c === 61) return isHex(s, i + 1) && s.length - i - 1 >= 16;
    if (c === 37 && s.startsWith('%3A', i)) return isHex(s, i + 3) && s.length - i - 3 >= 16;
    if (cls(c) === C.Other) return false;
  }
  return false;
}

/**
 * Opaque identifiers: base64/base64url blobs and random alphanumerics (`cus_NffrFeUfNV2Hib`, `a1b2c3d4e5`).
 * Random strings switch character class (lower, upper, digit) often; identifiers made of words
 * (`repositoriesV2`, `ubuntu2204`, `hello-world-2024`) switch rarely, so the test is the switch rate of the
 * longest `-`/`_`-separated part.
 */
function isToken(s: string): boolean {
  if (s.length < 10) return false;
  let digits = 0;
  let bestLen = 0;
  let bestSwitches = 0;
  let partLen = 0;
  let switches = 0;
  let prev: C | 0 = 0;
  for (let i = 0; i <= s.length; i++) {
    const code = i < s.length ? s.charCodeAt(i) : 45;
    if (code === 45 || code === 95 || code === 46 || code === 126) {
      if (partLen > bestLen || (partLen === bestLen && switches > bestSwitches)) {
        bestLen = partLen;
        bestSwitches = switches;
      }
      partLen = 0;
      switches = 0;
      prev = 0;
      continue;
    }
    const k = cls(code);
    if (k === C.Other && code !== 61 && code !== 43) return false;
    if (k === C.Digit) digits++;
    if (prev !== 0 && k !== prev) switches++;
    prev = k;
    partLen++;
  }
  if (digits === 0) {
    // All-letter blobs with many case switches (random ids, base64 without digits) are still tokens;
    // camelCase words switch once per word.
    return bestLen >= 12 && bestSwitches >= bestLen / 4 && bestSwitches >= 4;
  }
  if (bestLen >= 32) return true;
  return bestLen >= 8 && bestSwitches >= Math.max(3, bestLen / 5);
}

/** Dotted-quad IPv4, or IPv6 (hex groups and colons, `%3A` accepted). */
function isIp(s: string): boolean {
  let dots = 0;
  let run = 0;
  let v4 = true;
  for (let i = 0; i < s.length && v4; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (run === 0) v4 = false;
      dots++;
      run = 0;
    } else if (c >= 48 && c <= 57 && run < 3) run++;
    else v4 = false;
  }
  if (v4 && dots === 3 && run > 0) return true;
  const t = s.replace(/%3a/gi, ':');
  let colons = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 58) colons++;
    else if (!isHexCode(c) && c !== 46) return false;
  }
  return colons >= 2 && t.length >= 3;
}

/** `[REDACTED:kind:0123456789abcdef]`: what the redact stage leaves in place of a secret. */
function isRedacted(s: string): boolean {
  return s.startsWith('[REDACTED:') || s.startsWith('%5BREDACTED');
}

/**
 * The value kind of a path segment, or `undefined` for free text (names, slugs, words).
 *
 * @example tokenKind('42') === 'int'; tokenKind('2024-01-15') === 'date'; tokenKind('octocat') === undefined
 */
export function tokenKind(segment: string): TokenKind | undefined {
  const s = segment;
  if (s.length === 0) return undefined;
  if (s.length > MAX_SEGMENT) return 'token';
  const first = cls(s.charCodeAt(0));
  if (first === C.Digit) {
    if (allDigits(s, 0, s.length)) return 'int';
    if (isIp(s)) return 'ip';
    if (isDate(s)) return s.length === 10 ? 'date' : isDateTimeTail(s) ? 'datetime' : undefined;
  }
  if (isUuid(s)) return 'uuid';
  if (s.includes(':') || s.includes('%3A') || s.includes('%3a')) {
    if (isIp(s)) return 'ip';
  }
  if (isHex(s)) return 'hex';
  if (isEmail(s)) return 'email';
  if (isRedacted(s)) return 'redacted';
  if (first === C.Digit || s.charCodeAt(0) === 118 || s.charCodeAt(0) === 86) {
    if (isVersion(s)) return 'version';
  }
  if (isHash(s)) return 'hash';
  if (isToken(s)) return 'token';
  // API words never carry percent-escapes, dot-dot or a run of five digits; ids and codes do
  // (`NW-CAR-010365`, `ci_18973866`), and so do probes (`..%2F..%2Fetc%2Fpasswd`).
  if (hasIdMarks(s)) return 'token';
  return undefined;
}

function hasIdMarks(s: string): boolean {
  if (s.includes('%') || s.includes('..')) return true;
  let run = 0;
  // A part (between `_`, `-`, `.`) of 8+ hex characters with 3+ digits: a prefixed id (`ci_1959e613`).
  let hexLen = 0;
  let hexDigits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 45;
    const digit = c >= 48 && c <= 57;
    run = digit ? run + 1 : 0;
    if (run >= 5) return true;
    if (c === 95 || c === 45 || c === 46) {
      if (hexLen >= 8 && hexDigits >= 3) return true;
      hexLen = 0;
      hexDigits = 0;
    } else if (digit || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)) {
      hexLen++;
      if (digit) hexDigits++;
    } else {
      hexLen = -1e9;
    }
  }
  return false;
}

/** The parameter name a kind suggests when nothing better (a preceding static segment) is known. */
export function kindParamName(kind: TokenKind | 'text'): string {
  switch (kind) {
    case 'int':
    case 'token':
    case 'redacted':
      return 'id';
    case 'uuid':
      return 'uuid';
    case 'hex':
    case 'hash':
      return 'hash';
    case 'date':
    case 'datetime':
      return 'date';
    case 'email':
      return 'email';
    case 'version':
      return 'version';
    case 'ip':
      return 'ip';
    case 'text':
      return 'name';
  }
}

/** Kinds that the baseline (plain token typing) recognises: numbers, UUIDs and hex only. */
export function isBaselineKind(kind: TokenKind | undefined): boolean {
  return kind === 'int' || kind === 'uuid' || kind === 'hex';
}
