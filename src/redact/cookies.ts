import type { Direction } from '../contracts/data-class.js';
import { recordHits } from './core.js';
import type { HitSet, RedactCore } from './core.js';

/**
 * Cookie values are session state more often than not, and their names say little (`_ga`, `ak_bmsc`,
 * `a1`), so every value is redacted unless it is obviously a preference: a short word (`dark`, `en-US`,
 * `accepted`), `true`/`false`, or a number of at most four digits.
 */
export function isBenignCookieValue(value: string): boolean {
  const n = value.length;
  if (n === 0) return true;
  if (n > 16) return false;
  let digits = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (!(((c | 32) >= 97 && (c | 32) <= 122) || c === 45 || c === 95)) return false;
  }
  return digits === 0 || (digits === n && n <= 4);
}

export function redactCookieValue(core: RedactCore, hits: HitSet, direction: Direction, name: string, value: string): string {
  if (value.length === 0) return value;
  const matches = core.classifier.matchesOf(value, name);
  if (matches.length > 0) {
    for (const m of matches) hits.add(m.dataClass, direction, 'cookie', name);
    return core.placeholder(matches[0]!.dataClass, value);
  }
  if (isBenignCookieValue(value)) return value;
  return recordHits(hits, core.forced(value, undefined, 'session-token'), direction, 'cookie', name);
}

/** `Cookie: a=1; sid=abc` -> names and separators kept, values redacted. */
export function redactCookieHeader(core: RedactCore, hits: HitSet, direction: Direction, header: string): string {
  const parts = header.split(';');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1);
    const redacted = redactCookieValue(core, hits, direction, name, value.trim());
    if (redacted !== value.trim()) parts[i] = `${part.slice(0, eq + 1)}${redacted}`;
  }
  return parts.join(';');
}

/** RFC 6265 cookie-name characters: a token, so no space, separator or control character. */
function isCookieNameChar(c: number): boolean {
  return (
    c > 32 && c < 127 && c !== 44 && c !== 59 && c !== 61 && c !== 34 && c !== 40 && c !== 41 && c !== 60 &&
    c !== 62 && c !== 64 && c !== 58 && c !== 92 && c !== 47 && c !== 91 && c !== 93 && c !== 63 && c !== 123 &&
    c !== 125
  );
}

/**
 * Offsets where a `Set-Cookie` line folded with ", " starts a new cookie: a comma followed by `name=`.
 * The comma of `Expires=Wed, 21 Oct 2026 07:28:00 GMT` is followed by a space and a date, so it stays.
 * Linear: the look-ahead after a comma stops at the next non-name character, and a comma is one.
 */
function foldedCookieStarts(line: string): number[] {
  const starts = [0];
  let comma = line.indexOf(',');
  while (comma !== -1) {
    let p = comma + 1;
    while (p < line.length && (line.charCodeAt(p) === 32 || line.charCodeAt(p) === 9)) p++;
    const nameStart = p;
    while (p < line.length && isCookieNameChar(line.charCodeAt(p))) p++;
    if (p > nameStart && line.charCodeAt(p) === 61) starts.push(nameStart);
    comma = line.indexOf(',', comma + 1);
  }
  return starts;
}

/** One `name=value; Attr=…` cookie: the value goes, name and attributes stay. */
function redactOneSetCookie(core: RedactCore, hits: HitSet, direction: Direction, cookie: string): string {
  const semi = cookie.indexOf(';');
  const pair = semi === -1 ? cookie : cookie.slice(0, semi);
  const eq = pair.indexOf('=');
  if (eq === -1) return cookie;
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  const redacted = redactCookieValue(core, hits, direction, name, value);
  return redacted === value ? cookie : `${pair.slice(0, eq + 1)}${redacted}${semi === -1 ? '' : cookie.slice(semi)}`;
}

/**
 * `Set-Cookie` lines (joined with "\n" by normalize, or folded into one line with ", " by some proxies and
 * HAR exporters): each cookie's value goes, names and attributes stay.
 */
export function redactSetCookie(core: RedactCore, hits: HitSet, direction: Direction, header: string): string {
  const lines = header.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const starts = line.includes(',') ? foldedCookieStarts(line) : [0];
    let out = '';
    for (let k = 0; k < starts.length; k++) {
      const from = starts[k]!;
      const to = k + 1 < starts.length ? starts[k + 1]! : line.length;
      // The ", " that folded the next cookie on is kept as is, outside the cookie.
      const cut = to === line.length ? to : line.lastIndexOf(',', to - 1);
      out += redactOneSetCookie(core, hits, direction, line.slice(from, cut)) + line.slice(cut, to);
    }
    lines[i] = out;
  }
  return lines.join('\n');
}
