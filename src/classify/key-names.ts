import { NON_KEY_CHARS_G } from './patterns.js';
import { DATA_CLASSES } from './registry.js';
import type { KeyRule } from './types.js';
import { knownSecretFormat } from './validators.js';

/** A key rule together with the class it reveals. */
export interface KeyRuleRef {
  readonly dataClass: string;
  readonly rule: KeyRule;
}

/** Key names longer than this are not looked up: no real field name is that long. */
export const MAX_KEY_NAME_LENGTH = 128;

/** `X-Api-Key`, `api_key`, `apiKey` -> `apikey`. */
export function normalizeKey(key: string): string {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) {
      return key.toLowerCase().replace(NON_KEY_CHARS_G, '');
    }
  }
  return key;
}

interface KeyIndex {
  readonly exact: ReadonlyMap<string, readonly KeyRuleRef[]>;
  readonly suffixes: ReadonlyArray<{ readonly suffix: string; readonly ref: KeyRuleRef }>;
  readonly parented: ReadonlyMap<string, ReadonlyArray<{ readonly parents: ReadonlySet<string>; readonly ref: KeyRuleRef }>>;
}

function buildIndex(): KeyIndex {
  const exact = new Map<string, KeyRuleRef[]>();
  const suffixes: Array<{ suffix: string; ref: KeyRuleRef }> = [];
  const parented = new Map<string, Array<{ parents: ReadonlySet<string>; ref: KeyRuleRef }>>();
  for (const def of DATA_CLASSES) {
    for (const rule of def.keyNames ?? []) {
      const ref: KeyRuleRef = { dataClass: def.id, rule };
      if (rule.parents) {
        const parents = new Set(rule.parents);
        for (const name of rule.names ?? []) {
          const list = parented.get(name) ?? [];
          list.push({ parents, ref });
          parented.set(name, list);
        }
        continue;
      }
      for (const name of rule.names ?? []) {
        const list = exact.get(name) ?? [];
        list.push(ref);
        exact.set(name, list);
      }
      for (const suffix of rule.suffixes ?? []) suffixes.push({ suffix, ref });
    }
  }
  return { exact, suffixes, parented };
}

const INDEX: KeyIndex = buildIndex();

/**
 * Key rules that apply to a normalised key name, without parent context. Pure; the classifier memoises it
 * because the same few hundred key names recur in every event.
 */
export function keyRulesFor(normalizedKey: string): readonly KeyRuleRef[] {
  if (normalizedKey.length === 0 || normalizedKey.length > MAX_KEY_NAME_LENGTH) return [];
  const out: KeyRuleRef[] = [...(INDEX.exact.get(normalizedKey) ?? [])];
  for (const { suffix, ref } of INDEX.suffixes) {
    if (!normalizedKey.endsWith(suffix) || out.includes(ref)) continue;
    if (ref.rule.except?.includes(normalizedKey)) continue;
    out.push(ref);
  }
  return out.filter((ref) => !ref.rule.except?.includes(normalizedKey));
}

export function hasParentedRules(normalizedKey: string): boolean {
  return INDEX.parented.has(normalizedKey);
}

const NO_RULES: readonly KeyRuleRef[] = Object.freeze([]);

/** Rules that only count inside a given parent object (`name` under `customer`). */
export function parentedRulesFor(normalizedKey: string, normalizedParent: string): readonly KeyRuleRef[] {
  const list = INDEX.parented.get(normalizedKey);
  if (!list) return [];
  const singular = normalizedParent.endsWith('s') ? normalizedParent.slice(0, -1) : normalizedParent;
  // Most parents match no rule (`name` under `product`): those share one empty list.
  let out: KeyRuleRef[] | null = null;
  for (const { parents, ref } of list) {
    if (parents.has(normalizedParent) || parents.has(singular)) (out ??= []).push(ref);
  }
  return out ?? NO_RULES;
}

/** Keys that name an identifier or version, under which weak value-only detectors stay quiet. */
export function isIdLikeKey(normalizedKey: string): boolean {
  return (
    normalizedKey === 'id' ||
    normalizedKey.endsWith('id') ||
    normalizedKey.endsWith('ids') ||
    normalizedKey.endsWith('uuid') ||
    normalizedKey.endsWith('version')
  );
}

/**
 * Whether a key (a JSON object key, a form, multipart or query field name) could itself be a value that
 * classifies by value: an email, phone, card, IBAN, SSN, IP address, JWT or known token format. A cheap
 * gate in front of `classifyValue`, which ordinary schema keys (`created_at`, `customerId`) never pass.
 *
 * @example
 * keyMayHoldData('alice@example.com') // true
 * keyMayHoldData('shippingAddress')   // false
 */
export function keyMayHoldData(key: string): boolean {
  const n = key.length;
  if (n < 6) return false;
  let digits = 0;
  let colons = 0;
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    // '@' (email), '.' (IPv4, email, JWT)
    if (c === 64 || c === 46) return true;
    if (c >= 48 && c <= 57) {
      // Cards, phones, IBANs and SSNs all have at least nine digits.
      if (++digits >= 9) return true;
    } else if (c === 58 && ++colons >= 2) return true; // IPv6
  }
  return key.startsWith('eyJ') || knownSecretFormat(key) !== null;
}
