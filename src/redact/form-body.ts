import type { Direction } from '../contracts/data-class.js';
import { recordHits } from './core.js';
import type { HitSet, RedactCore, Redaction } from './core.js';
import { credentialClassForQuery } from './names.js';

/** Decodes a form or query component (`+` as space); a malformed escape is kept as sent. */
export function decodeFormComponent(s: string): string {
  const plus = s.includes('+') ? s.replaceAll('+', ' ') : s;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

function pointerToken(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replaceAll('~', '~0').replaceAll('/', '~1') : key;
}

/** A single placeholder, which survives form and query parsing unencoded. */
export function isWholePlaceholder(s: string): boolean {
  return s.startsWith('[REDACTED:') && s.endsWith(']') && !s.includes(' ');
}

/**
 * `application/x-www-form-urlencoded`: each value is decoded, classified under its field name, and
 * replaced by its placeholder (left unencoded: `[`, `]` and `:` survive form parsing). A field name that is
 * itself data (an email used as a key) becomes its placeholder too. Untouched pairs keep their exact bytes.
 * Hits are named `/<field>` like JSON body fields.
 */
export function redactFormBody(core: RedactCore, hits: HitSet, direction: Direction, text: string): string {
  const pairs = text.split('&');
  let changed = false;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const name = decodeFormComponent(rawName);
    const nr = core.key(name);
    const outName = nr === null ? rawName : nr.value;
    if (nr !== null) {
      recordHits(hits, nr, direction, 'body', `/${pointerToken(outName)}`);
      changed = true;
    }
    const value = eq === -1 ? '' : decodeFormComponent(pair.slice(eq + 1));
    // A name that was itself data says nothing about its value.
    const keyName = nr === null ? name : undefined;
    const forcedClass = keyName === undefined || value.length === 0 ? undefined : credentialClassForQuery(keyName, value);
    let r: Redaction | null = null;
    if (value.length > 0) r = forcedClass !== undefined ? core.forced(value, keyName, forcedClass) : core.scalar(value, keyName);
    if (r === null) {
      if (nr !== null) pairs[i] = eq === -1 ? outName : `${outName}${pair.slice(eq)}`;
      continue;
    }
    let redacted = recordHits(hits, r, direction, 'body', `/${pointerToken(outName === rawName ? name : outName)}`);
    // A partly redacted value is re-encoded; a whole placeholder reads better as is.
    if (!isWholePlaceholder(redacted)) redacted = encodeURIComponent(redacted);
    pairs[i] = `${outName}=${redacted}`;
    changed = true;
  }
  return changed ? pairs.join('&') : text;
}
