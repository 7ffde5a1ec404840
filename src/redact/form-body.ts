import type { Direction } from '../contracts/data-class.js';
import { recordHits } from './core.js';
import type { HitSet, RedactCore } from './core.js';
import { credentialClassForQuery } from './names.js';

function decodeFormComponent(s: string): string {
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

/**
 * `application/x-www-form-urlencoded`: each value is decoded, classified under its field name, and
 * replaced by its placeholder (left unencoded: `[`, `]` and `:` survive form parsing). Untouched pairs keep
 * their exact bytes. Hits are named `/<field>` like JSON body fields.
 */
export function redactFormBody(core: RedactCore, hits: HitSet, direction: Direction, text: string): string {
  const pairs = text.split('&');
  let changed = false;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const name = decodeFormComponent(pair.slice(0, eq));
    const value = decodeFormComponent(pair.slice(eq + 1));
    if (value.length === 0) continue;
    const forcedClass = credentialClassForQuery(name);
    const r = forcedClass !== undefined ? core.forced(value, name, forcedClass) : core.scalar(value, name);
    if (r === null) continue;
    let redacted = recordHits(hits, r, direction, 'body', `/${pointerToken(name)}`);
    // A partly redacted value is re-encoded; a whole placeholder reads better as is.
    if (!(redacted.startsWith('[REDACTED:') && redacted.endsWith(']') && !redacted.includes(' '))) {
      redacted = encodeURIComponent(redacted);
    }
    pairs[i] = `${pair.slice(0, eq)}=${redacted}`;
    changed = true;
  }
  return changed ? pairs.join('&') : text;
}
