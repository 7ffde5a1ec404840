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
  const matches = core.classifier.classifyValue(value, name);
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

/** `Set-Cookie` lines (joined with "\n" by normalize): the value goes, name and attributes stay. */
export function redactSetCookie(core: RedactCore, hits: HitSet, direction: Direction, header: string): string {
  const lines = header.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const semi = line.indexOf(';');
    const pair = semi === -1 ? line : line.slice(0, semi);
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const redacted = redactCookieValue(core, hits, direction, name, value);
    if (redacted !== value) lines[i] = `${pair.slice(0, eq + 1)}${redacted}${semi === -1 ? '' : line.slice(semi)}`;
  }
  return lines.join('\n');
}
