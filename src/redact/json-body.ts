import type { Direction } from '../contracts/data-class.js';
import type { HitSet, RedactCore } from './core.js';
import { setOwn } from '../util/own-key.js';

/** Deeper subtrees are replaced: walking them costs stack and nobody reads them downstream. */
export const MAX_JSON_DEPTH = 64;
export const DEPTH_PLACEHOLDER = '[TRUNCATED:depth]';

/** RFC 6901 token escaping. */
function pointerToken(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replaceAll('~', '~0').replaceAll('/', '~1') : key;
}


interface Walk {
  readonly core: RedactCore;
  readonly hits: HitSet;
  readonly direction: Direction;
  changed: boolean;
}

/** Hit name, built only when there is a hit: most leaves have none. */
function hitName(prefix: string, token: string): string {
  return `${prefix}/${pointerToken(token)}`;
}

function redactLeaf(
  w: Walk,
  value: unknown,
  key: string | undefined,
  parentKey: string | undefined,
  prefix: string,
  token: string,
): unknown {
  if (typeof value === 'string') {
    if (value.length === 0) return undefined;
    const r = w.core.scalar(value, key, parentKey);
    if (r === null) return undefined;
    const name = hitName(prefix, token);
    for (const c of r.classes) w.hits.add(c, w.direction, 'body', name);
    return r.value;
  }
  // Numbers only matter under a telling key (`cvv: 123`, `phone: 4155552671`) or when long enough to be a card
  // (13 digits and more, that is from 10^12 up); the digits are written out only then.
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    if (value >= 1e12 || (key !== undefined && w.core.classifier.hasKeyRules(key))) {
      const s = String(value);
      const matches = w.core.classifier.matchesOf(s, key, parentKey);
      if (matches.length > 0) {
        const name = hitName(prefix, token);
        for (const m of matches) w.hits.add(m.dataClass, w.direction, 'body', name);
        return w.core.placeholder(matches[0]!.dataClass, s);
      }
    }
  }
  return undefined;
}

function walk(w: Walk, node: object, key: string | undefined, pointer: string, depth: number): unknown {
  if (depth > MAX_JSON_DEPTH) {
    w.changed = true;
    return DEPTH_PLACEHOLDER;
  }
  if (Array.isArray(node)) {
    // One pointer for all the elements that are objects, made when the first one is met.
    let elementPointer: string | undefined;
    for (let i = 0; i < node.length; i++) {
      const v: unknown = node[i];
      const r =
        typeof v === 'object' && v !== null
          ? walk(w, v, key, (elementPointer ??= `${pointer}/*`), depth + 1)
          : redactLeaf(w, v, key, undefined, pointer, '*');
      if (r !== undefined) {
        node[i] = r;
        w.changed = true;
      }
    }
    return undefined;
  }
  const obj = node as Record<string, unknown>;
  let renamed: Map<string, string> | null = null;
  for (const k of Object.keys(obj)) {
    let outKey = k;
    // Object keys can be data too (`{"alice@example.com": {...}}`).
    const kr = w.core.key(k);
    if (kr !== null) {
      outKey = kr.value;
      for (const c of kr.classes) w.hits.add(c, w.direction, 'body', hitName(pointer, outKey));
      (renamed ??= new Map()).set(k, outKey);
    }
    // A key that was itself data says nothing about its value.
    const keyName = outKey === k ? k : undefined;
    const v = obj[k];
    const r =
      typeof v === 'object' && v !== null
        ? walk(w, v, keyName, hitName(pointer, outKey), depth + 1)
        : redactLeaf(w, v, keyName, key, pointer, outKey);
    if (r !== undefined) {
      setOwn(obj, k, r);
      w.changed = true;
    }
  }
  if (renamed) {
    // Rebuild to keep field order; the raw keys must not survive anywhere.
    const entries = Object.keys(obj).map((k) => [renamed.get(k) ?? k, obj[k]] as const);
    for (const k of Object.keys(obj)) delete obj[k];
    for (const [k, v] of entries) setOwn(obj, k, v);
    w.changed = true;
  }
  return undefined;
}

/**
 * Redacts a parsed JSON document in place (the caller owns it: it came from `JSON.parse`). Returns the
 * replacement for the root when the root itself must change (a bare string or a too-deep document),
 * and whether anything changed, so an unchanged body keeps its original text.
 */
export function redactJsonTree(
  core: RedactCore,
  hits: HitSet,
  direction: Direction,
  root: unknown,
): { root: unknown; changed: boolean } {
  const w: Walk = { core, hits, direction, changed: false };
  if (typeof root === 'object' && root !== null) {
    const r = walk(w, root, undefined, '', 0);
    return { root: r ?? root, changed: w.changed };
  }
  if (typeof root !== 'string' || root.length === 0) return { root, changed: false };
  const r = core.scalar(root);
  if (r === null) return { root, changed: false };
  for (const c of r.classes) hits.add(c, direction, 'body', '');
  return { root: r.value, changed: true };
}
