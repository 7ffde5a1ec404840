import type { ValueProfile } from './types.js';
import { ibanMod97Valid, luhnValid, nhsNumberValid, verhoeffValid } from './checksums.js';
import {
  ASCII_LETTER,
  AWS_ACCESS_KEY_ID,
  DATE_COMPACT,
  DATE_ISO,
  DATE_NUMERIC,
  E164_PHONE,
  EMAIL,
  GITHUB_PAT,
  GITHUB_TOKEN,
  GOOGLE_API_KEY,
  IN_PAN,
  ISO_TIMESTAMP,
  JWT,
  MEDICARE_MBI,
  NANP_PHONE,
  PHONE_CHARS,
  RETINA_LABEL,
  SEMVER,
  SLACK_TOKEN,
  SLACK_WEBHOOK,
  STREET_NUMBER,
  STRIPE_PUBLISHABLE_LIVE_KEY,
  STRIPE_SECRET_KEY,
  TRUNK_PHONE,
  UK_NINO,
  US_SSN,
  UUID,
} from './patterns.js';

/*
 * Whole-value validators. Each starts with the cheapest possible length/character test, because they run
 * on every string in every event and almost every string is not sensitive.
 */

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Digits of `value` when it holds only digits and the given separators, else null. */
export function digitsOnly(value: string, separators: string, maxLength: number): string | null {
  if (value.length > maxLength) return null;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isDigit(c)) out += value[i];
    else if (!separators.includes(value[i]!)) return null;
  }
  return out;
}

export function countDigits(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) if (isDigit(value.charCodeAt(i))) n++;
  return n;
}

/** A `ValueProfile` that `fillProfile` overwrites: one per classifier, reused for every value it classifies. */
export type MutableProfile = { -readonly [K in keyof ValueProfile]: ValueProfile[K] };

export function newProfile(): MutableProfile {
  return { length: 0, first: -1, digits: 0, upper: 0, lower: 0, at: 0, dash: 0, dot: 0, colon: 0, space: 0, other: 0 };
}

/** One pass over the value into `p` (returned); see `ValueProfile`. */
export function fillProfile(p: MutableProfile, value: string): MutableProfile {
  let digits = 0;
  let upper = 0;
  let lower = 0;
  let at = 0;
  let dash = 0;
  let dot = 0;
  let colon = 0;
  let space = 0;
  let other = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 97 && c <= 122) lower++;
    else if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) upper++;
    else if (c === 45) dash++;
    else if (c === 46) dot++;
    else if (c === 32) space++;
    else if (c === 64) at++;
    else if (c === 58) colon++;
    else other++;
  }
  p.length = value.length;
  p.first = value.length ? value.charCodeAt(0) : -1;
  p.digits = digits;
  p.upper = upper;
  p.lower = lower;
  p.at = at;
  p.dash = dash;
  p.dot = dot;
  p.colon = colon;
  p.space = space;
  p.other = other;
  return p;
}

// ---------------------------------------------------------------- contact data

export function isEmail(value: string): boolean {
  if (value.length < 6 || value.length > 254) return false;
  const at = value.indexOf('@');
  if (at < 1 || at !== value.lastIndexOf('@')) return false;
  if (!EMAIL.test(value)) return false;
  const local = value.slice(0, at);
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  const domain = value.slice(at + 1);
  if (domain.includes('..') || domain.startsWith('-')) return false;
  // `icon@2x.png`, `logo@3x.webp`: retina asset names, not mailboxes.
  if (RETINA_LABEL.test(domain.slice(0, domain.indexOf('.')))) return false;
  return true;
}

function phoneSeparatorsSane(value: string): boolean {
  let prevSep = false;
  let open = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '(') {
      if (open) return false;
      open = 1;
    } else if (ch === ')') {
      if (!open) return false;
      open = 0;
    }
    const sep = ch === ' ' || ch === '-' || ch === '.';
    if (sep && prevSep) return false;
    prevSep = sep;
  }
  return open === 0;
}

/**
 * Phone by value alone: E.164 (`+` and 8-15 digits) or a national format that has separators.
 * A bare digit run is never a phone by value: that is how ids and epoch timestamps look.
 */
export function isPhone(value: string): boolean {
  const n = value.length;
  if (n < 10 || n > 26) return false;
  const first = value.charCodeAt(0);
  if (first === 43 /* + */) {
    if (!E164_PHONE.test(value) || !phoneSeparatorsSane(value)) return false;
    const d = countDigits(value);
    return d >= 8 && d <= 15;
  }
  if (!isDigit(first) && first !== 40 /* ( */) return false;
  // A plain digit run is an id or a timestamp, not a phone.
  if (countDigits(value) === n) return false;
  return NANP_PHONE.test(value) || TRUNK_PHONE.test(value);
}

/** Under a phone-ish key any plausible digit count will do, separators or not. */
export function isPhoneLoose(value: string): boolean {
  if (value.length < 7 || value.length > 24 || !PHONE_CHARS.test(value)) return false;
  const d = countDigits(value);
  return d >= 7 && d <= 15 && phoneSeparatorsSane(value);
}

// ---------------------------------------------------------------- financial

/** IIN ranges of the major schemes with the lengths they issue. */
function cardPrefixAndLengthValid(d: string): boolean {
  const len = d.length;
  const p1 = d.charCodeAt(0) - 48;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  const p6 = Number(d.slice(0, 6));
  if (p1 === 4) return len === 13 || len === 16 || len === 19; // Visa
  if (p2 >= 51 && p2 <= 55) return len === 16; // Mastercard
  if (p4 >= 2221 && p4 <= 2720) return len === 16; // Mastercard 2-series
  if (p4 >= 2200 && p4 <= 2204) return len >= 16 && len <= 19; // Mir
  if (p2 === 34 || p2 === 37) return len === 15; // Amex
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) {
    return len >= 16 && len <= 19; // Discover
  }
  if (p2 === 62) return len >= 16 && len <= 19; // UnionPay
  if (p4 >= 3528 && p4 <= 3589) return len >= 16 && len <= 19; // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) return len >= 14 && len <= 19; // Diners
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return len >= 13 && len <= 19; // Maestro
  return false;
}

/** Card number as digits (spaces or dashes allowed): length 13-19, a known IIN range, Luhn. */
export function isPaymentCardDigits(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  return cardPrefixAndLengthValid(digits) && luhnValid(digits);
}

export function isPaymentCard(value: string): boolean {
  if (value.length < 13 || value.length > 23) return false;
  const d = digitsOnly(value, ' -', 23);
  return d !== null && isPaymentCardDigits(d);
}

/** Under a card-number key: any 13-19 digit value, checksum or not (test and masked-at-source numbers included). */
export function isCardDigitsLoose(value: string): boolean {
  const d = digitsOnly(value, ' -', 27);
  return d !== null && d.length >= 12 && d.length <= 19;
}

export function isCardSecurityCode(value: string): boolean {
  return (value.length === 3 || value.length === 4) && digitsOnly(value, '', 4) !== null;
}

/** IBAN length per country (SWIFT IBAN registry). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31,
  SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

/** Compact (no spaces, upper-case) IBAN: known country, that country's length, mod 97. */
export function isIbanCompact(compact: string): boolean {
  const expected = IBAN_LENGTHS[compact.slice(0, 2)];
  if (expected === undefined || compact.length !== expected) return false;
  if (!isDigit(compact.charCodeAt(2)) || !isDigit(compact.charCodeAt(3))) return false;
  return ibanMod97Valid(compact);
}

export function isIban(value: string): boolean {
  if (value.length < 15 || value.length > 42) return false;
  const c0 = value.charCodeAt(0) | 32;
  if (c0 < 97 || c0 > 122 || !isDigit(value.charCodeAt(2))) return false;
  let compact = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === ' ') {
      if (value[i - 1] === ' ') return false;
      continue;
    }
    compact += ch;
  }
  return isIbanCompact(compact.toUpperCase());
}

// ---------------------------------------------------------------- national ids

function ssnPartsValid(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  // Published in advertising and widely reused as a fake; not a real person's number.
  if (area === '078' && group === '05' && serial === '1120') return false;
  return true;
}

/** US SSN by value alone: only the dashed `AAA-GG-SSSS` form, which little else uses. */
export function isUsSsn(value: string): boolean {
  if (value.length !== 11 || value[3] !== '-') return false;
  const m = US_SSN.exec(value);
  return m !== null && ssnPartsValid(m[1]!, m[3]!, m[4]!);
}

/** Under an ssn key: also nine bare digits or spaced groups. */
export function isUsSsnLoose(value: string): boolean {
  if (value.length < 9 || value.length > 11) return false;
  const m = US_SSN.exec(value);
  return m !== null && ssnPartsValid(m[1]!, m[3]!, m[4]!);
}

const NINO_BAD_PREFIXES = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

/** UK National Insurance number: prefix letter rules, six digits, suffix A-D. */
export function isUkNino(value: string): boolean {
  if (value.length < 9 || value.length > 13) return false;
  const v = value.toUpperCase();
  return UK_NINO.test(v) && !NINO_BAD_PREFIXES.has(v.slice(0, 2));
}

function sinDigitsValid(d: string): boolean {
  // 0 is never issued and 8 is reserved for business numbers.
  return d.length === 9 && d[0] !== '0' && d[0] !== '8' && luhnValid(d);
}

/** Canadian SIN by value alone: grouped `123 456 782` / `123-456-782` with Luhn (bare 9 digits are too common). */
export function isCaSin(value: string): boolean {
  if (value.length !== 11) return false;
  const sep = value[3];
  if ((sep !== ' ' && sep !== '-') || value[7] !== sep) return false;
  const d = digitsOnly(value, sep, 11);
  return d !== null && sinDigitsValid(d);
}

export function isCaSinLoose(value: string): boolean {
  const d = digitsOnly(value, ' -', 11);
  return d !== null && sinDigitsValid(d);
}

export function isInPan(value: string): boolean {
  return value.length === 10 && IN_PAN.test(value);
}

function aadhaarDigitsValid(d: string): boolean {
  return d.length === 12 && d[0] !== '0' && d[0] !== '1' && verhoeffValid(d);
}

/** Aadhaar by value alone: the printed `2345 6789 0124` grouping with Verhoeff (bare 12 digits are too common). */
export function isInAadhaar(value: string): boolean {
  if (value.length !== 14) return false;
  const sep = value[4];
  if ((sep !== ' ' && sep !== '-') || value[9] !== sep) return false;
  const d = digitsOnly(value, sep, 14);
  return d !== null && aadhaarDigitsValid(d);
}

export function isInAadhaarLoose(value: string): boolean {
  const d = digitsOnly(value, ' -', 14);
  return d !== null && aadhaarDigitsValid(d);
}

// ---------------------------------------------------------------- health

export function isMedicareMbi(value: string): boolean {
  return (value.length === 11 || value.length === 13) && MEDICARE_MBI.test(value.toUpperCase());
}

export function isNhsNumber(value: string): boolean {
  const d = digitsOnly(value, ' -', 12);
  return d !== null && nhsNumberValid(d);
}

/** A record number under an mrn-ish key: 4-32 characters with at least one digit. */
export function isRecordNumber(value: string): boolean {
  if (value.length < 4 || value.length > 32) return false;
  let digits = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isDigit(c)) digits++;
    else if (!((c | 32) >= 97 && (c | 32) <= 122) && c !== 45 && c !== 32) return false;
  }
  return digits > 0;
}

// ---------------------------------------------------------------- dates and addresses

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function dateValid(y: number, m: number, d: number): boolean {
  return y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= DAYS_IN_MONTH[m - 1]!;
}

/** ISO, compact or numeric day/month/year (either order) date with a real calendar day. */
export function isPlausibleDate(value: string): boolean {
  if (value.length < 8 || value.length > 40) return false;
  let m = DATE_ISO.exec(value);
  if (m) return dateValid(Number(m[1]), Number(m[2]), Number(m[3]));
  m = DATE_COMPACT.exec(value);
  if (m) return dateValid(Number(m[1]), Number(m[2]), Number(m[3]));
  m = DATE_NUMERIC.exec(value);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const y = Number(m[3]);
    return dateValid(y, b, a) || dateValid(y, a, b);
  }
  return false;
}

const STREET_TYPES = new Set([
  'street', 'st', 'avenue', 'ave', 'road', 'rd', 'boulevard', 'blvd', 'lane', 'ln', 'drive', 'dr',
  'court', 'ct', 'way', 'place', 'pl', 'terrace', 'parkway', 'pkwy', 'highway', 'hwy', 'square', 'sq',
  'crescent', 'close', 'strasse', 'straße',
]);
const AFTER_STREET_TYPE = new Set(['n', 's', 'e', 'w', 'ne', 'nw', 'se', 'sw', 'apt', 'suite', 'unit', 'fl', 'floor']);

function stripDot(w: string): string {
  return w.endsWith('.') ? w.slice(0, -1) : w;
}

function isNameWord(w: string): boolean {
  if (w.length === 0 || w.length > 30) return false;
  const c0 = w.charCodeAt(0) | 32;
  if (c0 < 97 || c0 > 122) return false;
  for (let i = 1; i < w.length; i++) {
    const c = w.charCodeAt(i);
    const lc = c | 32;
    if (!(lc >= 97 && lc <= 122) && c !== 39 && c !== 46 && c !== 45 && c < 128) return false;
  }
  return true;
}

/**
 * Conservative street address by value: house number, one to four name words, a street-type word, then
 * the end, a comma, or a direction/unit word. `3 Way handshake` and `2 Drive units` do not match.
 */
export function isStreetAddress(value: string): boolean {
  if (value.length < 8 || value.length > 160 || !isDigit(value.charCodeAt(0))) return false;
  const m = STREET_NUMBER.exec(value);
  if (!m) return false;
  const comma = value.indexOf(',', m[0].length);
  const head = value.slice(m[0].length, comma === -1 ? value.length : comma);
  const words = head.split(' ').filter((w) => w.length > 0);
  if (words.length < 2) return false;
  for (let i = 1; i < words.length && i <= 4; i++) {
    const w = stripDot(words[i]!.toLowerCase());
    if (!STREET_TYPES.has(w)) continue;
    let namesOk = true;
    for (let j = 0; j < i; j++) if (!isNameWord(words[j]!)) namesOk = false;
    if (!namesOk) return false;
    const next = words[i + 1];
    return next === undefined || AFTER_STREET_TYPE.has(stripDot(next.toLowerCase())) || next.startsWith('#');
  }
  return false;
}

/** Under an address-ish key: free text with letters and a space or comma. */
export function isAddressText(value: string): boolean {
  if (value.length < 5 || value.length > 300) return false;
  if (!ASCII_LETTER.test(value)) return false;
  return value.includes(' ') || value.includes(',');
}

/** Under a name key: letters, at most a few words, no digits or markup. */
export function isPersonNameText(value: string): boolean {
  if (value.length < 1 || value.length > 100) return false;
  let letters = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isDigit(c) || c === 64 || c === 60 || c === 62) return false;
    if (((c | 32) >= 97 && (c | 32) <= 122) || c > 127) letters++;
  }
  return letters > 0;
}

// ---------------------------------------------------------------- network

export function isIpv4(value: string): boolean {
  const n = value.length;
  if (n < 7 || n > 15) return false;
  let parts = 0;
  let start = 0;
  for (let i = 0; i <= n; i++) {
    if (i === n || value.charCodeAt(i) === 46) {
      const len = i - start;
      if (len < 1 || len > 3) return false;
      if (len > 1 && value.charCodeAt(start) === 48) return false;
      let v = 0;
      for (let k = start; k < i; k++) {
        const c = value.charCodeAt(k);
        if (!isDigit(c)) return false;
        v = v * 10 + (c - 48);
      }
      if (v > 255) return false;
      parts++;
      start = i + 1;
    }
  }
  return parts === 4;
}

function isHexGroup(g: string): boolean {
  if (g.length < 1 || g.length > 4) return false;
  for (let i = 0; i < g.length; i++) {
    const c = g.charCodeAt(i) | 32;
    if (!(isDigit(g.charCodeAt(i)) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

export function isIpv6(value: string): boolean {
  const n = value.length;
  if (n < 2 || n > 45 || value.indexOf(':') === -1) return false;
  const dbl = value.indexOf('::');
  if (dbl !== -1 && value.indexOf('::', dbl + 1) !== -1) return false;
  const countGroups = (s: string, allowV4Tail: boolean): number => {
    if (s === '') return 0;
    const groups = s.split(':');
    let count = 0;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (allowV4Tail && i === groups.length - 1 && g.includes('.')) {
        if (!isIpv4(g)) return -1;
        count += 2;
      } else if (isHexGroup(g)) count++;
      else return -1;
    }
    return count;
  };
  if (dbl === -1) return countGroups(value, true) === 8;
  const left = countGroups(value.slice(0, dbl), false);
  const right = countGroups(value.slice(dbl + 2), true);
  return left >= 0 && right >= 0 && left + right <= 7;
}

export function isIpAddress(value: string): boolean {
  const c = value.charCodeAt(0);
  return isDigit(c) && value.length <= 15 && value.indexOf(':') === -1 ? isIpv4(value) : isIpv6(value);
}

// ---------------------------------------------------------------- credentials

/** JWS compact token whose header decodes to a JSON object with an `alg`. */
export function isJwt(value: string): boolean {
  if (value.length < 20 || value.charCodeAt(0) !== 101 /* e */ || !value.startsWith('eyJ')) return false;
  if (!JWT.test(value)) return false;
  const header = value.slice(0, value.indexOf('.'));
  // `{"alg":"` is how nearly every header starts; the regex above already checked the alphabet.
  if (header.startsWith('eyJhbGciOiJ')) return true;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

/** Provider token formats with a fixed prefix; the prefix makes false positives practically impossible. */
export function knownSecretFormat(value: string): 'api-key' | 'secret' | null {
  const n = value.length;
  if (n < 20 || n > 300) return null;
  switch (value.charCodeAt(0)) {
    case 65 /* A */:
      if (AWS_ACCESS_KEY_ID.test(value) || GOOGLE_API_KEY.test(value)) return 'api-key';
      return null;
    case 103 /* g */:
      if (GITHUB_TOKEN.test(value) || GITHUB_PAT.test(value)) return 'api-key';
      return null;
    case 114 /* r */:
    case 115 /* s */:
      return STRIPE_SECRET_KEY.test(value) ? 'api-key' : null;
    case 112 /* p */:
      return STRIPE_PUBLISHABLE_LIVE_KEY.test(value) ? 'api-key' : null;
    case 120 /* x */:
      return SLACK_TOKEN.test(value) ? 'api-key' : null;
    case 104 /* h */:
      return SLACK_WEBHOOK.test(value) ? 'secret' : null;
    default:
      return null;
  }
}

/** Label of a PEM private key block starting at `at`, or null. */
export function privateKeyLabelAt(text: string, at: number): string | null {
  if (!text.startsWith('-----BEGIN ', at)) return null;
  const labelStart = at + 11;
  const labelEnd = text.indexOf('-----', labelStart);
  if (labelEnd === -1 || labelEnd - labelStart > 60) return null;
  const label = text.slice(labelStart, labelEnd);
  return label.includes('PRIVATE KEY') ? label : null;
}

export function containsPrivateKey(value: string): boolean {
  let at = value.indexOf('-----BEGIN ');
  while (at !== -1) {
    if (privateKeyLabelAt(value, at) !== null) return true;
    at = value.indexOf('-----BEGIN ', at + 11);
  }
  return false;
}

/**
 * Looks like a generated credential: long enough, one token, and either mixes letters with digits or
 * mixes cases, with real character spread. `page_token_next`, `verylongconfigname` fail.
 */
export function isHighEntropy(value: string): boolean {
  const n = value.length;
  if (n < 16 || n > 4096) return false;
  let digits = 0;
  let upper = 0;
  let lower = 0;
  const counts = new Uint16Array(128);
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c <= 32) return false;
    if (isDigit(c)) digits++;
    else if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    counts[c & 127]!++;
  }
  const letters = upper + lower;
  if (!((digits > 0 && letters > 0) || (upper > 0 && lower > 0 && n >= 20))) return false;
  let entropy = 0;
  for (let i = 0; i < 128; i++) {
    const k = counts[i]!;
    if (k) {
      const p = k / n;
      entropy -= p * Math.log2(p);
    }
  }
  return entropy >= 3;
}

export function isNonEmpty(value: string): boolean {
  return value.trim().length > 0;
}

// ---------------------------------------------------------------- benign shapes

/**
 * Shapes that are never sensitive by value alone (they can still be by key name): UUIDs, timestamps,
 * version strings. Checked before the value detectors so that, e.g., a date is never a phone.
 */
export function isObviouslyBenign(value: string): boolean {
  const n = value.length;
  if (n === 36 && value[8] === '-' && value[13] === '-') return UUID.test(value);
  const c0 = value.charCodeAt(0);
  if (n >= 16 && isDigit(c0) && value[4] === '-' && ISO_TIMESTAMP.test(value)) return true;
  if ((isDigit(c0) || c0 === 118 /* v */) && n <= 90 && value.indexOf('.') !== -1 && SEMVER.test(value)) return true;
  return false;
}
