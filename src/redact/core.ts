import type { DataClassHit, Direction, ValueLocation } from '../contracts/data-class.js';
import { keyMayHoldData } from '../classify/index.js';
import type { Classifier, DataClassMatch, TextSpan } from '../classify/index.js';
import type { PlaceholderFn } from './placeholder.js';

/** Strings shorter than this are only classified whole; nothing worth finding fits inside them with context. */
const MIN_TEXT_SCAN = 12;

/** Hits per event up to which duplicates are found by comparing fields; beyond it a set of joined keys takes over. */
const LINEAR_HITS = 16;

function hitKey(dataClass: string, direction: Direction, location: ValueLocation, name: string): string {
  return `${dataClass}\u0000${direction}\u0000${location}\u0000${name}`;
}

/** Collects deduplicated hits for one event. */
export class HitSet {
  readonly list: DataClassHit[] = [];
  // An event has a handful of hits: comparing four fields costs less than joining them into a key and hashing
  // it. A body with many distinct hit names switches to the set, which keeps the work linear.
  private seen: Set<string> | undefined;

  add(dataClass: string, direction: Direction, location: ValueLocation, name: string): void {
    const list = this.list;
    if (this.seen === undefined) {
      for (let i = 0; i < list.length; i++) {
        const h = list[i]!;
        if (h.name === name && h.dataClass === dataClass && h.location === location && h.direction === direction) return;
      }
      list.push({ dataClass, direction, location, name });
      if (list.length > LINEAR_HITS) {
        const seen = new Set<string>();
        for (const h of list) seen.add(hitKey(h.dataClass, h.direction, h.location, h.name));
        this.seen = seen;
      }
      return;
    }
    const k = hitKey(dataClass, direction, location, name);
    if (this.seen.has(k)) return;
    this.seen.add(k);
    list.push({ dataClass, direction, location, name });
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

function classesOf(matches: readonly DataClassMatch[]): string[] {
  const out = new Array<string>(matches.length);
  for (let i = 0; i < matches.length; i++) out[i] = matches[i]!.dataClass;
  return out;
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
      const matches = classifier.matchesOf(value, keyName, parentKey);
      if (matches.length > 0) return { value: placeholder(matches[0]!.dataClass, value), classes: classesOf(matches) };
      return value.length < MIN_TEXT_SCAN ? null : text(value);
    },
    text,
    forced(value, keyName, fallbackClass) {
      const matches = classifier.matchesOf(value, keyName);
      if (matches.length === 0) return { value: placeholder(fallbackClass, value), classes: [fallbackClass] };
      return { value: placeholder(matches[0]!.dataClass, value), classes: classesOf(matches) };
    },
    key(name) {
      if (!keyMayHoldData(name)) return null;
      const matches = classifier.matchesOf(name);
      if (matches.length === 0) return null;
      return { value: placeholder(matches[0]!.dataClass, name), classes: classesOf(matches) };
    },
  };
}
