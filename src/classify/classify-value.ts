import type { DataClassInfo } from '../contracts/data-class.js';
import { compileCustomClasses, matchCustomClass } from './custom-classes.js';
import type { CompiledCustomClass, CustomClass } from './custom-classes.js';
import { DEFAULT_MAX_TEXT_SCAN, freshTextPatterns, scanText } from './find-in-text.js';
import type { TextScanDeps } from './find-in-text.js';
import { MAX_KEY_NAME_LENGTH, hasParentedRules, isIdLikeKey, keyRulesFor, normalizeKey, parentedRulesFor } from './key-names.js';
import type { KeyRuleRef } from './key-names.js';
import { DATA_CLASSES, DATA_CLASS_INFOS, classRank } from './registry.js';
import type { ClassifyContext, DataClassMatch, TextSpan, ValueProfile } from './types.js';
import { containsPrivateKey, fillProfile, isObviouslyBenign, newProfile } from './validators.js';
import type { MutableProfile } from './validators.js';
import { boundedMemo } from '../util/bounded-memo.js';

/**
 * Values longer than this are only checked for an embedded private key by the whole-value detectors (the
 * redactor runs `findInText` on them instead). No token, id or personal value is that long.
 */
export const MAX_VALUE_DETECT = 8192;

interface Detector {
  readonly id: string;
  readonly quick: (p: ValueProfile) => boolean;
  readonly detect: (value: string) => boolean;
  readonly skipUnderIdKeys: boolean;
  /** Can match a value with no digit, no `@`, fewer than two `:` and fewer than ten `-`. */
  readonly textual: boolean;
}

const always = (): boolean => true;

/**
 * The registry's detectors as records of one shape: the registry entries differ in which optional fields
 * they set, and reading those in the hot loop would make every property access megamorphic.
 */
const DETECTORS: readonly Detector[] = DATA_CLASSES.flatMap((c) =>
  c.detect === undefined
    ? []
    : [
        {
          id: c.id,
          quick: c.quick ?? always,
          detect: c.detect,
          skipUnderIdKeys: c.skipValueUnderIdKeys === true,
          textual: c.id === 'jwt' || c.id === 'api-key' || c.id === 'secret',
        },
      ],
);
const TEXTUAL_DETECTORS = DETECTORS.filter((d) => d.textual);

/** What the classifier knows about one key name; memoised per raw key by `createClassifier`. */
interface KeyFacts {
  readonly normalized: string;
  readonly rules: readonly KeyRuleRef[];
  readonly idLike: boolean;
}

interface KeyLookup {
  factsFor(rawKey: string): KeyFacts;
}

const NO_KEY: KeyFacts = { normalized: '', rules: [], idLike: false };

function keyFacts(rawKey: string): KeyFacts {
  if (rawKey.length > MAX_KEY_NAME_LENGTH) return NO_KEY;
  const normalized = normalizeKey(rawKey);
  return { normalized, rules: keyRulesFor(normalized), idLike: isIdLikeKey(normalized) };
}

const uncachedLookup: KeyLookup = { factsFor: keyFacts };

type Evidence = DataClassMatch['evidence'];
type MutableMatch = { dataClass: string; evidence: Evidence };

/** What most values classify as; shared, so a clean value costs no array. Frozen: a caller cannot fill it. */
const NO_MATCHES: readonly DataClassMatch[] = Object.freeze([]);

/** `out` is made on the first match: most values have none. */
function addMatch(out: MutableMatch[] | null, dataClass: string, evidence: 'key' | 'value'): MutableMatch[] {
  if (out === null) return [{ dataClass, evidence }];
  for (const m of out) {
    if (m.dataClass === dataClass) {
      if (m.evidence !== evidence) m.evidence = 'key+value';
      return out;
    }
  }
  out.push({ dataClass, evidence });
  return out;
}

const byRank = (a: DataClassMatch, b: DataClassMatch): number => classRank(a.dataClass) - classRank(b.dataClass);

/**
 * The matches of one value, or the shared empty list. `parentKey` is passed as is rather than in a context
 * object, which would be one more allocation per JSON leaf; `profile` is the caller's scratch record, filled
 * here and read only during this call (the detectors are pure and never classify in turn).
 */
function classifyWith(
  value: string,
  keyName: string | undefined,
  parentKey: string | undefined,
  lookup: KeyLookup,
  custom: readonly CompiledCustomClass[],
  profile: MutableProfile,
): readonly DataClassMatch[] {
  if (value.length === 0) return NO_MATCHES;
  let out: MutableMatch[] | null = null;
  let idKey = false;
  if (keyName !== undefined && keyName.length <= MAX_KEY_NAME_LENGTH) {
    const facts = lookup.factsFor(keyName);
    const rules = facts.rules;
    for (let i = 0; i < rules.length; i++) {
      const ref = rules[i]!;
      if (ref.rule.accepts(value)) out = addMatch(out, ref.dataClass, 'key');
    }
    if (parentKey !== undefined && parentKey.length <= MAX_KEY_NAME_LENGTH && hasParentedRules(facts.normalized)) {
      // The parent's normalised name comes from the same memo as the key's.
      for (const ref of parentedRulesFor(facts.normalized, lookup.factsFor(parentKey).normalized)) {
        if (ref.rule.accepts(value)) out = addMatch(out, ref.dataClass, 'key');
      }
    }
    idKey = facts.idLike;
  }
  if (value.length <= MAX_VALUE_DETECT) {
    if (!isObviouslyBenign(value)) {
      const p = fillProfile(profile, value);
      // Most strings are words and prose: only token formats can match those.
      const detectors = p.digits === 0 && p.at === 0 && p.colon < 2 && p.dash < 10 ? TEXTUAL_DETECTORS : DETECTORS;
      for (let i = 0; i < detectors.length; i++) {
        const d = detectors[i]!;
        if ((idKey && d.skipUnderIdKeys) || !d.quick(p)) continue;
        if (d.detect(value)) out = addMatch(out, d.id, 'value');
      }
    }
  } else if (containsPrivateKey(value)) {
    out = addMatch(out, 'private-key', 'value');
  }
  for (let i = 0; i < custom.length; i++) {
    const c = custom[i]!;
    const ev = matchCustomClass(c, value, keyName);
    if (ev) (out ??= []).push({ dataClass: c.info.id, evidence: ev });
  }
  if (out === null) return NO_MATCHES;
  if (out.length > 1) out.sort(byRank);
  return out;
}

/**
 * Data classes of one value, most specific first, from the value itself and from the key it sits under.
 * Ids, timestamps, UUIDs and version strings never match by value; checksums are validated.
 *
 * @example
 * classifyValue('4111 1111 1111 1111')          // [{ dataClass: 'payment-card', evidence: 'value' }]
 * classifyValue('hunter2', 'password')           // [{ dataClass: 'password', evidence: 'key' }]
 * classifyValue('Ada', 'name', { parentKey: 'customer' }) // [{ dataClass: 'person-name', evidence: 'key' }]
 */
export function classifyValue(value: string, keyName?: string, context?: ClassifyContext): DataClassMatch[] {
  return classifyWith(value, keyName, context?.parentKey, uncachedLookup, [], newProfile()).slice();
}

function textDeps(lookup: KeyLookup, custom: readonly CompiledCustomClass[], profile: MutableProfile): TextScanDeps {
  return {
    ...freshTextPatterns(),
    found: [],
    keyHasRules: (key) => lookup.factsFor(key).rules.length > 0,
    classifyPair: (value, key) => classifyWith(value, key, undefined, lookup, custom, profile)[0]?.dataClass ?? null,
  };
}

/**
 * Sensitive spans in free text, sorted and non-overlapping. See `scanText` for what is found.
 *
 * @example
 * findInText('mail alice@example.com')  // [{ dataClass: 'email', start: 5, end: 22 }]
 */
export function findInText(text: string, maxScan: number = DEFAULT_MAX_TEXT_SCAN): TextSpan[] {
  return scanText(text, textDeps(uncachedLookup, [], newProfile()), maxScan);
}

export interface Classifier {
  classifyValue(value: string, keyName?: string, context?: ClassifyContext): DataClassMatch[];
  /**
   * `classifyValue` for hot paths: the parent key passed as is, and a list that is shared and frozen when
   * empty (the usual answer), so it must not be kept or changed.
   *
   * @example
   * classifier.matchesOf('Ada', 'name', 'customer') // [{ dataClass: 'person-name', evidence: 'key' }]
   */
  matchesOf(value: string, keyName?: string, parentKey?: string): readonly DataClassMatch[];
  /** Custom classes are not applied to free text: their patterns are only run on short whole values. */
  findInText(text: string, maxScan?: number): TextSpan[];
  /** Whether any built-in key rule looks at this key name (the value still has to fit). */
  hasKeyRules(keyName: string): boolean;
  /** Built-in and custom classes. */
  readonly classes: readonly DataClassInfo[];
}

export interface ClassifierOptions {
  readonly customClasses?: readonly CustomClass[];
  /** Distinct key names remembered; the memo is dropped when full. */
  readonly keyCacheSize?: number;
}

/**
 * A classifier with custom classes compiled once and key-name lookups memoised, for the hot path.
 */
export function createClassifier(opts: ClassifierOptions = {}): Classifier {
  const custom = compileCustomClasses(opts.customClasses ?? []);
  const cacheSize = opts.keyCacheSize ?? 4096;
  const lookup: KeyLookup = { factsFor: boundedMemo(cacheSize, keyFacts) };
  // One scratch profile per classifier: classification is synchronous and never re-entered.
  const profile = newProfile();
  const deps = textDeps(lookup, custom, profile);
  return {
    classifyValue: (value, keyName, context) => classifyWith(value, keyName, context?.parentKey, lookup, custom, profile).slice(),
    matchesOf: (value, keyName, parentKey) => classifyWith(value, keyName, parentKey, lookup, custom, profile),
    findInText: (text, maxScan = DEFAULT_MAX_TEXT_SCAN) => scanText(text, deps, maxScan),
    hasKeyRules: (keyName) => lookup.factsFor(keyName).rules.length > 0,
    classes: [...DATA_CLASS_INFOS, ...custom.map((c) => c.info)],
  };
}
