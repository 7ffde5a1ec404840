import { IBAN_START_G, BEARER_G, SECRET_PREFIX_G } from './patterns.js';
import { classRank } from './registry.js';
import type { TextSpan } from './types.js';
import {
  IBAN_LENGTHS,
  isEmail,
  isIbanCompact,
  isJwt,
  isObviouslyBenign,
  isPaymentCardDigits,
  knownSecretFormat,
  privateKeyLabelAt,
} from './validators.js';

/** Default bound on how much of a text is scanned; the redactor cuts what lies beyond. */
export const DEFAULT_MAX_TEXT_SCAN = 256 * 1024;

/** Longest value taken after `key=` or `"key":` in free text. */
const MAX_KV_VALUE = 2048;
const MAX_TOKEN = 16384;

/** What the text scanner needs from the classifier for `key=value` pairs. */
export interface TextScanDeps {
  /** Whether a key name (raw, as written in the text) has any key rule; cheap and memoised by the caller. */
  keyHasRules(key: string): boolean;
  /** Class of `value` under `key`, highest priority first, or null. */
  classifyPair(value: string, key: string): string | null;
  /**
   * Spans found by the scan under way, emptied when it starts and when it ends: owned by one classifier, whose
   * scans never overlap, so that a scan that finds nothing (most do) allocates nothing.
   */
  readonly found: FoundSpan[];
  /** Fresh or instance-owned copies of the global patterns: their `lastIndex` is per scan. */
  readonly secretPrefix: RegExp;
  readonly ibanStart: RegExp;
  readonly bearer: RegExp;
}

export function freshTextPatterns(): Pick<TextScanDeps, 'secretPrefix' | 'ibanStart' | 'bearer'> {
  return {
    secretPrefix: new RegExp(SECRET_PREFIX_G.source, SECRET_PREFIX_G.flags),
    ibanStart: new RegExp(IBAN_START_G.source, IBAN_START_G.flags),
    bearer: new RegExp(BEARER_G.source, BEARER_G.flags),
  };
}

/** A span before overlaps are merged, with its class's priority rank. */
export interface FoundSpan {
  readonly dataClass: string;
  readonly start: number;
  readonly end: number;
  readonly rank: number;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAlnum(c: number): boolean {
  const l = c | 32;
  return isDigit(c) || (l >= 97 && l <= 122);
}
/** base64url plus dot: the alphabet of JWTs and most provider tokens. */
function isTokenChar(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 45;
}
function isEmailLocalChar(c: number): boolean {
  return isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45 || c === 39;
}
function isDomainChar(c: number): boolean {
  return isAlnum(c) || c === 46 || c === 45;
}
function isKeyChar(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 45 || c === 46;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}
/** Ends an unquoted value in `key=value`: whitespace and the punctuation that separates fields. */
function endsUnquotedValue(c: number): boolean {
  return (
    c <= 32 || c === 38 || c === 59 || c === 44 || c === 34 || c === 39 || c === 60 || c === 62 ||
    c === 40 || c === 41 || c === 123 || c === 125 || c === 91 || c === 93
  );
}
function isBearerTokenChar(c: number): boolean {
  return isTokenChar(c) || c === 46 || c === 126 || c === 43 || c === 47 || c === 61;
}

function addSpan(found: FoundSpan[], dataClass: string, start: number, end: number): void {
  found.push({ dataClass, start, end, rank: classRank(dataClass) });
}

function scanPrivateKeys(text: string, limit: number, found: FoundSpan[]): void {
  let at = text.indexOf('-----BEGIN ');
  while (at !== -1 && at < limit) {
    const label = privateKeyLabelAt(text, at);
    if (label === null) {
      at = text.indexOf('-----BEGIN ', at + 11);
      continue;
    }
    const endMarker = `-----END ${label}-----`;
    const e = text.indexOf(endMarker, at);
    // An unterminated block is redacted to the end: whatever follows BEGIN is key material.
    if (e === -1 || e >= limit) {
      addSpan(found, 'private-key', at, limit);
      return;
    }
    const end = e + endMarker.length;
    addSpan(found, 'private-key', at, end);
    at = text.indexOf('-----BEGIN ', end);
  }
}

function scanJwts(text: string, limit: number, found: FoundSpan[]): void {
  let from = 0;
  for (;;) {
    const at = text.indexOf('eyJ', from);
    if (at === -1 || at >= limit) return;
    // Run of token characters and dots from `at`; the next search starts past it, which keeps the scan linear.
    let r = at;
    while (r < limit && r - at < MAX_TOKEN && (isTokenChar(text.charCodeAt(r)) || text.charCodeAt(r) === 46)) r++;
    from = r > at ? r : at + 1;
    if (at > 0 && isTokenChar(text.charCodeAt(at - 1))) continue;
    const d1 = text.indexOf('.', at);
    const d2 = d1 === -1 || d1 >= r ? -1 : text.indexOf('.', d1 + 1);
    if (d2 === -1 || d2 >= r) continue;
    const d3 = text.indexOf('.', d2 + 1);
    const end = d3 === -1 || d3 >= r ? r : d3;
    if (isJwt(text.slice(at, end))) addSpan(found, 'jwt', at, end);
  }
}

function scanKnownSecrets(text: string, limit: number, re: RegExp, found: FoundSpan[]): void {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && m.index < limit) {
    const webhook = m[0].startsWith('hooks');
    let start = m.index;
    if (webhook) {
      if (!text.startsWith('https://', start - 8)) continue;
      start -= 8;
    }
    if (start > 0 && (isTokenChar(text.charCodeAt(start - 1)) && !webhook)) continue;
    let end = m.index + m[0].length;
    while (end < limit && end - start < 400) {
      const c = text.charCodeAt(end);
      if (isTokenChar(c) || (webhook && c === 47)) end++;
      else break;
    }
    if (end > re.lastIndex) re.lastIndex = end;
    const cls = knownSecretFormat(text.slice(start, end));
    if (cls) addSpan(found, cls, start, end);
  }
}

function scanEmails(text: string, limit: number, found: FoundSpan[]): void {
  for (const sep of ['@', '%40']) {
    let from = 0;
    for (;;) {
      const at = text.indexOf(sep, from);
      if (at === -1 || at >= limit) break;
      let l = at;
      while (l > 0 && at - l < 64 && isEmailLocalChar(text.charCodeAt(l - 1))) l--;
      while (l < at && text.charCodeAt(l) === 46) l++;
      let r = at + sep.length;
      while (r < limit && r - at < 254 && isDomainChar(text.charCodeAt(r))) r++;
      while (r > at + sep.length && (text.charCodeAt(r - 1) === 46 || text.charCodeAt(r - 1) === 45)) r--;
      from = r > at + sep.length ? r : at + sep.length;
      if (l === at || r === at + sep.length) continue;
      const candidate = sep === '@' ? text.slice(l, r) : `${text.slice(l, at)}@${text.slice(at + 3, r)}`;
      if (isEmail(candidate)) addSpan(found, 'email', l, r);
    }
  }
}

const CARD_LAYOUTS: readonly (readonly number[])[] = [
  [4, 4, 4, 4],
  [4, 6, 5],
  [4, 6, 4],
  [4, 4, 4, 4, 3],
];

function sameLayout(groups: ReadonlyArray<readonly [number, number]>, from: number, layout: readonly number[]): boolean {
  if (from + layout.length > groups.length) return false;
  for (let k = 0; k < layout.length; k++) {
    const g = groups[from + k]!;
    if (g[1] - g[0] !== layout[k]) return false;
  }
  return true;
}

function digitsOf(text: string, start: number, end: number): string {
  let d = '';
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) d += text[i];
  }
  return d;
}

function ssnGroupsValid(text: string, groups: ReadonlyArray<readonly [number, number]>): boolean {
  const d = digitsOf(text, groups[0]![0], groups[groups.length - 1]![1]);
  const area = Number(d.slice(0, 3));
  return d.length === 9 && area !== 0 && area !== 666 && area < 900 && d.slice(3, 5) !== '00' && d.slice(5) !== '0000';
}

function ssnContextBefore(text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - 40), start).toLowerCase();
  return before.includes('ssn') || before.includes('social security') || before.includes('soc sec');
}

/**
 * Runs of digit groups joined by single spaces or dashes, evaluated as cards (whole run, a single long
 * group, or a standard 4-4-4-4 / 4-6-5 layout inside the run) and as US SSNs. One pass over the text.
 */
function scanDigitRuns(text: string, limit: number, found: FoundSpan[]): void {
  let i = 0;
  while (i < limit) {
    if (!isDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const runStart = i;
    // Count first without allocating: most digit runs (versions, prices, dates) are far too short.
    let total = 0;
    let j = i;
    for (;;) {
      while (j < limit && isDigit(text.charCodeAt(j))) {
        j++;
        total++;
      }
      const c = text.charCodeAt(j);
      if (j + 1 < limit && (c === 32 || c === 45) && isDigit(text.charCodeAt(j + 1))) j++;
      else break;
    }
    if (total < 9) {
      i = j;
      continue;
    }
    const groups: Array<readonly [number, number]> = [];
    let seps = '';
    for (;;) {
      const gs = i;
      while (i < limit && isDigit(text.charCodeAt(i))) i++;
      groups.push([gs, i]);
      const c = text.charCodeAt(i);
      if (i + 1 < limit && (c === 32 || c === 45) && isDigit(text.charCodeAt(i + 1)) && groups.length < 64) {
        seps += text[i];
        i++;
        continue;
      }
      break;
    }
    const runEnd = i;
    const boundedLeft = runStart === 0 || !isAlnum(text.charCodeAt(runStart - 1));
    const boundedRight = runEnd >= text.length || !isAlnum(text.charCodeAt(runEnd));
    if (!boundedLeft || !boundedRight) continue;

    let isCard = false;
    const all = digitsOf(text, runStart, runEnd);
    if (all.length >= 13 && all.length <= 19 && isPaymentCardDigits(all)) {
      addSpan(found, 'payment-card', runStart, runEnd);
      isCard = true;
    }
    if (!isCard && groups.length > 1) {
      for (let g = 0; g < groups.length; g++) {
        const [gs, ge] = groups[g]!;
        if (ge - gs >= 13 && ge - gs <= 19 && isPaymentCardDigits(text.slice(gs, ge))) {
          addSpan(found, 'payment-card', gs, ge);
          continue;
        }
        for (const layout of CARD_LAYOUTS) {
          if (!sameLayout(groups, g, layout)) continue;
          const end = groups[g + layout.length - 1]![1];
          if (isPaymentCardDigits(digitsOf(text, gs, end))) {
            addSpan(found, 'payment-card', gs, end);
            g += layout.length - 1;
            break;
          }
        }
      }
    }
    if (isCard) continue;
    const lens = groups.map(([s, e]) => e - s).join(',');
    if (lens === '3,2,4' && seps === '--' && ssnGroupsValid(text, groups)) addSpan(found, 'us-ssn', runStart, runEnd);
    else if ((lens === '3,2,4' || lens === '9') && ssnGroupsValid(text, groups) && ssnContextBefore(text, runStart)) {
      addSpan(found, 'us-ssn', runStart, runEnd);
    }
  }
}

function scanIbans(text: string, limit: number, re: RegExp, found: FoundSpan[]): void {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && m.index < limit) {
    const start = m.index;
    if (start > 0 && isAlnum(text.charCodeAt(start - 1))) continue;
    const expected = IBAN_LENGTHS[m[0].slice(0, 2)];
    if (expected === undefined) continue;
    let compact = '';
    let j = start;
    while (j < limit && compact.length < expected) {
      const c = text.charCodeAt(j);
      if (isDigit(c) || (c >= 65 && c <= 90)) {
        compact += text[j];
        j++;
      } else if (c === 32 && j > start && text.charCodeAt(j - 1) !== 32 && j + 1 < limit && isAlnum(text.charCodeAt(j + 1))) {
        j++;
      } else break;
    }
    if (compact.length !== expected || (j < text.length && isAlnum(text.charCodeAt(j)))) continue;
    if (isIbanCompact(compact)) {
      addSpan(found, 'iban', start, j);
      if (j > re.lastIndex) re.lastIndex = j;
    }
  }
}

const AUTH_SCHEMES = ['bearer', 'basic', 'token', 'digest', 'negotiate', 'apikey'];

/**
 * `password=…`, `"client_secret": "…"`, `Authorization: Bearer …` in log lines, URLs, broken JSON.
 * For each `=` or `:` the key is read backwards (at most 64 characters) and only keys that have a key rule
 * go on to read a value; after a value is read the scan resumes past it, so the work stays linear.
 */
function scanKeyValues(text: string, limit: number, deps: TextScanDeps, found: FoundSpan[]): void {
  let i = 0;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c !== 61 && c !== 58) {
      i++;
      continue;
    }
    const sepAt = i;
    i++;
    let k = sepAt - 1;
    let spaces = 0;
    while (k >= 0 && isSpace(text.charCodeAt(k)) && spaces < 4) {
      k--;
      spaces++;
    }
    const kq = text.charCodeAt(k);
    if (kq === 34 || kq === 39) k--;
    const keyEnd = k + 1;
    while (k >= 0 && keyEnd - k <= 64 && isKeyChar(text.charCodeAt(k))) k--;
    const keyStart = k + 1;
    if (keyEnd - keyStart < 2 || (k >= 0 && isKeyChar(text.charCodeAt(k)))) continue;
    const key = text.slice(keyStart, keyEnd);
    if (!deps.keyHasRules(key)) continue;

    let v = sepAt + 1;
    spaces = 0;
    while (v < limit && isSpace(text.charCodeAt(v)) && spaces < 4) {
      v++;
      spaces++;
    }
    const q = text.charCodeAt(v);
    let valStart: number;
    let valEnd: number;
    if (q === 34 || q === 39) {
      valStart = v + 1;
      valEnd = valStart;
      while (valEnd < limit && valEnd - valStart < MAX_KV_VALUE && text.charCodeAt(valEnd) !== q) {
        valEnd += text.charCodeAt(valEnd) === 92 ? 2 : 1;
      }
      if (valEnd > limit) valEnd = limit;
    } else {
      valStart = v;
      valEnd = v;
      while (valEnd < limit && valEnd - valStart < MAX_KV_VALUE && !endsUnquotedValue(text.charCodeAt(valEnd))) valEnd++;
      // `Authorization: Bearer abc`: keep the scheme word, take the credential after it.
      const word = text.slice(valStart, valEnd).toLowerCase();
      if (AUTH_SCHEMES.includes(word) && isSpace(text.charCodeAt(valEnd))) {
        valStart = valEnd;
        while (valStart < limit && isSpace(text.charCodeAt(valStart))) valStart++;
        valEnd = valStart;
        while (valEnd < limit && valEnd - valStart < MAX_TOKEN && isBearerTokenChar(text.charCodeAt(valEnd))) valEnd++;
      }
    }
    if (valEnd > valStart) {
      const cls = deps.classifyPair(text.slice(valStart, valEnd), key);
      if (cls) addSpan(found, cls, valStart, valEnd);
    }
    if (valEnd > i) i = valEnd;
  }
}

/** Longest element name (with its namespace prefix) read in `<wsse:Password>`. */
const MAX_TAG_NAME = 64;
/** Longest run of attributes skipped between an element name and its `>`. */
const MAX_TAG_ATTRS = 1024;

function isXmlNameChar(c: number): boolean {
  return isKeyChar(c) || c === 58;
}
function isXmlSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * `<password>…</password>`, `<wsse:Password Type="…">…</wsse:Password>`, `<token><![CDATA[…]]></token>` in
 * XML and SOAP bodies: the element's local name is the key, its text content the value. Attributes are
 * `key="value"` pairs and left to `scanKeyValues`. Every stretch read (name, attributes, value) is bounded
 * and the scan resumes past it, so the work stays linear.
 */
function scanXmlElements(text: string, limit: number, deps: TextScanDeps, found: FoundSpan[]): void {
  let i = text.indexOf('<');
  while (i !== -1 && i < limit) {
    const nameStart = i + 1;
    let p = nameStart;
    let localStart = nameStart;
    while (p < limit && p - nameStart <= MAX_TAG_NAME && isXmlNameChar(text.charCodeAt(p))) {
      if (text.charCodeAt(p) === 58) localStart = p + 1;
      p++;
    }
    let next = p > nameStart ? p : nameStart;
    const after = text.charCodeAt(p);
    if (p - localStart >= 2 && p - nameStart <= MAX_TAG_NAME && (after === 62 || isXmlSpace(after)) && deps.keyHasRules(text.slice(localStart, p))) {
      let q = p;
      while (q < limit && q - p < MAX_TAG_ATTRS) {
        const c = text.charCodeAt(q);
        if (c === 62 || c === 60) break;
        q++;
      }
      next = q > p ? q : p;
      // Not `<password/>` (empty) nor a tag cut short by `<`.
      if (q < limit && text.charCodeAt(q) === 62 && text.charCodeAt(q - 1) !== 47) {
        let vs = q + 1;
        let ve: number;
        if (text.startsWith('<![CDATA[', vs)) {
          vs += 9;
          ve = vs;
          while (ve < limit && ve - vs < MAX_KV_VALUE && !(text.charCodeAt(ve) === 93 && text.startsWith(']]>', ve))) ve++;
          next = ve;
        } else {
          ve = vs;
          while (ve < limit && ve - vs < MAX_KV_VALUE && text.charCodeAt(ve) !== 60) ve++;
          next = ve;
          while (vs < ve && isXmlSpace(text.charCodeAt(vs))) vs++;
          while (ve > vs && isXmlSpace(text.charCodeAt(ve - 1))) ve--;
        }
        if (ve > vs) {
          const cls = deps.classifyPair(text.slice(vs, ve), text.slice(localStart, p));
          if (cls) addSpan(found, cls, vs, ve);
        }
      }
    }
    i = text.indexOf('<', next);
  }
}

function scanBearer(text: string, limit: number, re: RegExp, found: FoundSpan[]): void {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && m.index < limit) {
    const start = m.index + m[0].length;
    let end = start;
    while (end < limit && end - start < MAX_TOKEN && isBearerTokenChar(text.charCodeAt(end))) end++;
    if (end > re.lastIndex) re.lastIndex = end;
    if (end - start < 8) continue;
    addSpan(found, isJwt(text.slice(start, end)) ? 'jwt' : 'api-key', start, end);
  }
}

/**
 * Sensitive spans in free text (text/plain, XML, HTML, log lines, URLs): private keys, JWTs, known token
 * formats, `Bearer` credentials, `key=value` pairs and XML elements whose key is sensitive, emails,
 * Luhn-valid cards, IBANs, dashed US SSNs (or bare ones right after "SSN"). Scans at most `maxScan`
 * characters; every scanner is linear in the scanned length.
 */
export function scanText(text: string, deps: TextScanDeps, maxScan: number = DEFAULT_MAX_TEXT_SCAN): TextSpan[] {
  const limit = Math.min(text.length, maxScan);
  if (limit === 0 || (limit <= 90 && isObviouslyBenign(text))) return [];
  const found = deps.found;
  found.length = 0;
  // One cheap pass decides which scanners can possibly find something; most strings need none.
  let digits = 0;
  let upper = 0;
  let at = false;
  let sep = false;
  let space = false;
  let dashOrUnderscore = false;
  let slash = false;
  let lt = false;
  for (let i = 0; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) upper++;
    else if (c === 64 || c === 37) at = true;
    else if (c === 61 || c === 58) sep = true;
    else if (c === 32 || c === 9) space = true;
    else if (c === 45 || c === 95) dashOrUnderscore = true;
    else if (c === 47) slash = true;
    else if (c === 60) lt = true;
  }
  if (dashOrUnderscore) scanPrivateKeys(text, limit, found);
  if (limit >= 20) {
    scanJwts(text, limit, found);
    // Every known format has an upper-case prefix (AKIA, AIza), an underscore, a dash or a slash (webhook URL).
    if (upper >= 4 || dashOrUnderscore || slash) scanKnownSecrets(text, limit, deps.secretPrefix, found);
  }
  if (space && limit >= 15 && (text.includes('earer') || text.includes('EARER'))) scanBearer(text, limit, deps.bearer, found);
  if (sep) scanKeyValues(text, limit, deps, found);
  if (lt && limit >= 10) scanXmlElements(text, limit, deps, found);
  if (at) scanEmails(text, limit, found);
  if (digits >= 9) scanDigitRuns(text, limit, found);
  if (digits >= 2 && upper >= 2 && limit >= 15) scanIbans(text, limit, deps.ibanStart, found);
  if (found.length === 0) return [];
  found.sort(byStartThenLongest);
  // Overlapping spans merge into one that covers both, named after the higher-priority class.
  const out: TextSpan[] = [];
  let cur: FoundSpan = found[0]!;
  for (let k = 1; k < found.length; k++) {
    const next = found[k]!;
    if (next.start < cur.end) {
      cur = {
        dataClass: next.rank < cur.rank ? next.dataClass : cur.dataClass,
        rank: Math.min(cur.rank, next.rank),
        start: cur.start,
        end: Math.max(cur.end, next.end),
      };
    } else {
      out.push({ dataClass: cur.dataClass, start: cur.start, end: cur.end });
      cur = next;
    }
  }
  out.push({ dataClass: cur.dataClass, start: cur.start, end: cur.end });
  found.length = 0;
  return out;
}

const byStartThenLongest = (a: FoundSpan, b: FoundSpan): number => a.start - b.start || b.end - a.end;
