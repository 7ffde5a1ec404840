import type { DataClassHit, Direction, ValueLocation } from '../contracts/data-class.js';
import { keyMayHoldData } from '../classify/index.js';
import type { Classifier, TextSpan } from '../classify/index.js';
import type { PlaceholderFn } from './placeholder.js';

/** Strings shorter than this are only classified whole; nothing worth finding fits inside them with context. */
const MIN_TEXT_SCAN = 12;

/** Collects deduplicated hits for one event. */
export class HitSet {
  readonly list: DataClassHit[] = [];
  // Most calls have no hit at all: the set is made on the first one.
  private seen: Set<string> | undefined;

  add(dataClass: string, direction: Direction, location: ValueLocation, name: string): void {
    const k = `${dataClass}\u0000${direction}\u0000${location}\u0000${name}`;
    this.seen ??= new Set();
    if (this.seen.has(k)) return;
    this.seen.add(k);
    this.list.push({ dataClass, direction, location, name });
  }
}

/** A replacement and the classes that caused it; the caller names the location only when there is one. */
export interface Redaction {
  readonly value: string;
  readonly classes: readonly string[];
}

export function recordHits(
  hits: HitSet,
  r: Redaction,
  direction: Direction,
  location: ValueLocation,
  name: string,
): string {
  for (const c of r.classes) hits.add(c, direction, location, name);
  return r.value;
}

export interface RedactCore {
  readonly classifier: Classifier;
  readonly placeholder: PlaceholderFn;
  /**
   * The redaction of one value, or null when nothing sensitive is in it. A value that classifies as a
   * whole becomes one placeholder; otherwise sensitive spans inside it are replaced in place.
   */
  scalar(value: string, keyName?: string, parentKey?: string): Redaction | null;
  /** Replaces sensitive spans in free text; null when there are none. */
  text(text: string): Redaction | null;
  /** For values that must go whatever they look like; the class is refined when the value tells more. */
  forced(value: string, keyName: string | undefined, fallbackClass: string): Redaction;
  /**
   * A field or key name that is itself data (`{"alice@example.com": …}`, `alice%40example.com=1`) as its
   * placeholder, or null for ordinary names, which a cheap gate turns away before any classification.
   */
  key(name: string): Redaction | null;
}

export function replaceSpans(text: string, spans: readonly TextSpan[], placeholder: PlaceholderFn): string {
  let out = '';
  let pos = 0;
  for (const s of spans) {
    out += text.slice(pos, s.start) + placeholder(s.dataClass, text.slice(s.start, s.end));
    pos = s.end;
  }
  return out + text.slice(pos);
}

export function createCore(classifier: Classifier, placeholder: PlaceholderFn): RedactCore {
  const text = (value: string): Redaction | null => {
    const spans = classifier.findInText(value);
    if (spans.length === 0) return null;
    return { value: replaceSpans(value, spans, placeholder), classes: spans.map((s) => s.dataClass) };
  };
  return {
    classifier,
    placeholder,
    scalar(value, keyName, parentKey) {
      const matches = classifier.classifyValue(value, keyName, parentKey === undefined ? undefined : { parentKey });
      if (matches.length > 0) {
        return { value: placeholder(matches[0]!.dataClass, value), classes: matches.map((m) => m.dataClass) };
      }
      return value.length < MIN_TEXT_SCAN ? null : text(value);
    },
    text,
    forced(value, keyName, fallbackClass) {
      const matches = classifier.classifyValue(value, keyName);
      if (matches.length === 0) return { value: placeholder(fallbackClass, value), classes: [fallbackClass] };
      return { value: placeholder(matches[0]!.dataClass, value), classes: matches.map((m) => m.dataClass) };
    },
    key(name) {
      if (!keyMayHoldData(name)) return null;
      const matches = classifier.classifyValue(name);
      if (matches.length === 0) return null;
      return { value: placeholder(matches[0]!.dataClass, name), classes: matches.map((m) => m.dataClass) };
    },
  };
}
