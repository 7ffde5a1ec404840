import type { Direction, ValueLocation } from '../contracts/data-class.js';
import { bump } from '../aggregate/sketches.js';
import { setOwn } from '../util/own-key.js';

/** Observed facts about one parameter of an endpoint; mergeable by adding counts. */
export interface ParamState {
  types: Record<string, number>;
  formats: Record<string, number>;
  seen: number;
  /**
   * The distinct values seen so far with their counts, while the parameter looks like a small set of
   * short plain strings (`status: active|closed`): the source of inferred enums. Removed for good once
   * a value is not a short plain string (a number, a recognised format, a redaction placeholder, too
   * long) or once there are more than `MAX_TRACKED_VALUES` distinct values. Absent also in states
   * stored before values were tracked, which then never start tracking (their earlier values are unknown).
   */
  values?: Record<string, number>;
}
/** Keyed by `${direction}|${location}|${name}`. */
export type ParamMap = Record<string, ParamState>;

export const MAX_PARAMS_PER_ENDPOINT = 300;
/** Distinct values tracked per parameter; one more and the parameter stops being tracked. */
export const MAX_TRACKED_VALUES = 10;
/** Longest tracked value (UTF-16 units): room for a media type with a charset, not for free text. */
export const MAX_TRACKED_VALUE_LENGTH = 64;
/** Parameters of one endpoint whose values are tracked at once: bounds the state an attacker's fields can add. */
export const MAX_TRACKED_PARAMS = 64;
const MAX_JSON_FIELDS = 400;
const MAX_JSON_DEPTH = 10;

const PLACEHOLDER = /^\[REDACTED:([a-z0-9-]{1,48}):[0-9a-f]{16}\]$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;
const INTEGER = /^-?\d{1,18}$/;
const NUMBER = /^-?\d{1,18}\.\d{1,18}$/;
const URI = /^[a-z][a-z0-9+.-]{1,15}:\/\/[^\s]{1,2000}$/i;
const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;
const HEX = /^[0-9a-f]{16,128}$/i;

/** Recognised string formats, in OpenAPI's vocabulary where one exists. Linear-time patterns only. */
export function inferFormat(s: string): string | null {
  // Every format is 6 characters or more (`ab://x`) and starts with `[`, a digit or a letter: most
  // values fail these tests and run no pattern at all; those that pass run only the patterns that can
  // match their first character and length, in the same order, so the answer is the same.
  if (s.length < 6 || s.length > 2048) return null;
  const c = s.charCodeAt(0);
  if (c === 0x5b) return PLACEHOLDER.exec(s)?.[1] ?? null;
  const digit = c >= 0x30 && c <= 0x39;
  if (!digit && !isAsciiLetter(c)) return null;
  if (s.length === 36 && UUID.test(s)) return 'uuid';
  if (digit) {
    if (s.length === 10 && DATE.test(s)) return 'date';
    if (DATE_TIME.test(s)) return 'date-time';
    if (IPV4.test(s)) return 'ipv4';
  } else if (URI.test(s)) return 'uri';
  if (s.length >= 16 && s.length <= 128 && HEX.test(s)) return 'hex';
  return null;
}

/** `A`-`Z` or `a`-`z`: setting bit 0x20 lower-cases an ASCII letter and leaves no other code unit in range. */
function isAsciiLetter(c: number): boolean {
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x7a;
}

/** Type of a value seen as text (query, header, path, form): what it would be in a typed schema. */
export function inferTextType(s: string): string {
  // Numbers start with a digit or `-`: anything else skips both patterns.
  const c = s.charCodeAt(0);
  if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
    if (INTEGER.test(s)) return 'integer';
    if (NUMBER.test(s)) return 'number';
  }
  if (s === 'true' || s === 'false') return 'boolean';
  return 'string';
}

/**
 * Derived keys of one parameter map, cached so that a parameter seen before costs no string building
 * and no hashing of a fresh string: the JSON fields of bodies as a tree by field name, and the names of
 * text values. Kept beside the map (a `WeakMap` keyed by it), not in it: the map is a plain record that
 * is serialised as is, and a map made elsewhere (merged, loaded) simply starts with an empty index.
 * Every entry is a parameter the map holds, so the index is bounded like the map.
 */
interface ParamIndex {
  /** Set once the map has `MAX_PARAMS_PER_ENDPOINT` parameters: parameters are never removed, so it stays full. */
  full: boolean;
  /** Bodies walked so far: the current one's mark in `Slot.body`. */
  bodies: number;
  /** The slot of every body parameter met in a walk, by key. */
  readonly slots: Map<string, Slot>;
  readonly requestBody: Branch;
  readonly responseBody: Branch;
  /** Keys of text parameters, by location then name. */
  readonly requestText: Map<ValueLocation, Map<string, string>>;
  readonly responseText: Map<ValueLocation, Map<string, string>>;
}

/** A body parameter: one per key, however many paths spell its pointer (array items and fields named `*`, names alike in their first 100 characters). */
interface Slot {
  readonly key: string;
  /** The last body that counted this parameter as seen: `seen` counts once per body. */
  body: number;
}

/** A JSON value's cached children: fields by name as JSON.parse made it (an interned string, cheap to hash) and array items. */
interface Branch {
  readonly pointer: string;
  fields: Map<string, FieldNode> | undefined;
  items: FieldNode | undefined;
}

/** A field or array item that is a parameter of the map. */
interface FieldNode extends Branch {
  readonly slot: Slot;
}

const indexes = new WeakMap<ParamMap, ParamIndex>();

function indexOf(params: ParamMap): ParamIndex {
  let index = indexes.get(params);
  if (!index) {
    index = {
      full: false,
      bodies: 0,
      slots: new Map(),
      requestBody: { pointer: '', fields: undefined, items: undefined },
      responseBody: { pointer: '', fields: undefined, items: undefined },
      requestText: new Map(),
      responseText: new Map(),
    };
    indexes.set(params, index);
  }
  return index;
}

/**
 * The state of parameter `key`, created while the endpoint has room for it, else null. With the map's
 * index, a full map answers without counting its parameters again.
 */
function touch(params: ParamMap, key: string, index?: ParamIndex): ParamState | null {
  let p = params[key];
  if (!p) {
    if (index?.full) return null;
    // Attacker-controlled names must not grow state without bound.
    let count = 0;
    let tracked = 0;
    for (const k in params) {
      count++;
      if (params[k]!.values) tracked++;
    }
    if (count >= MAX_PARAMS_PER_ENDPOINT) {
      if (index) index.full = true;
      return null;
    }
    p = tracked < MAX_TRACKED_PARAMS ? { types: {}, formats: {}, seen: 0, values: {} } : { types: {}, formats: {}, seen: 0 };
    params[key] = p;
  }
  return p;
}

/**
 * Counts `value` in the parameter's small value set, or stops tracking it. Values arrive redacted: a
 * value that is or contains a placeholder means the parameter carries data of some class, and its
 * values are never kept, not even the ones before.
 */
function trackValue(p: ParamState, value: string | null): void {
  const values = p.values;
  if (!values) return;
  if (value === null || value.length === 0 || value.length > MAX_TRACKED_VALUE_LENGTH || value.includes('[REDACTED:') || value.includes('[TRUNCATED')) {
    delete p.values;
    return;
  }
  if (!Object.hasOwn(values, value) && Object.keys(values).length >= MAX_TRACKED_VALUES) {
    delete p.values;
    return;
  }
  countValue(values, value, 1);
}

/** Values are attacker-controlled keys: `__proto__` or `constructor` must count like any other. */
function countValue(values: Record<string, number>, value: string, n: number): void {
  if (Object.hasOwn(values, value)) values[value]! += n;
  else setOwn(values, value, n);
}

export function paramKey(direction: Direction, location: ValueLocation, name: string): string {
  return `${direction}|${location}|${name}`;
}

export function observeText(params: ParamMap, direction: Direction, location: ValueLocation, name: string, value: string): void {
  const index = indexOf(params);
  const keys = textKeys(index, direction, location);
  let key = keys.get(name);
  let p: ParamState | null;
  if (key !== undefined) p = touch(params, key, index);
  else {
    key = paramKey(direction, location, name);
    p = touch(params, key, index);
    // Only names that are parameters are cached: the map's bound is the cache's.
    if (p) keys.set(name, key);
  }
  if (!p) return;
  p.seen++;
  const t = inferTextType(value);
  bump(p.types, t);
  const f = inferFormat(value);
  if (f) bump(p.formats, f);
  // Cookies are sessions, preferences and trackers: none is an enum worth a spec, all could identify someone.
  trackValue(p, t === 'string' && f === null && location !== 'cookie' ? value : null);
}

function textKeys(index: ParamIndex, direction: Direction, location: ValueLocation): Map<string, string> {
  const byLocation = direction === 'request' ? index.requestText : index.responseText;
  let keys = byLocation.get(location);
  if (!keys) byLocation.set(location, (keys = new Map()));
  return keys;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Escapes a key for a JSON pointer (RFC 6901). */
function pointerToken(key: string): string {
  if (key.length > 100) return key.slice(0, 100);
  // Most names need no escape: two searches instead of two regex replaces.
  return key.indexOf('~') < 0 && key.indexOf('/') < 0 ? key : key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Whether a field may have a node in the index: only one that its pointer token spells alone, so that
 * no two nodes share a parameter and the index never holds more nodes than the map holds parameters. A
 * name over 100 characters is cut (every name alike in its first 100 characters would get a node, and
 * keep its long name alive), and `*` also spells array items; both take the uncached path, which is rare.
 */
function cacheableName(name: string): boolean {
  return name.length <= 100 && name !== '*';
}

/** One body being walked. */
interface BodyWalk {
  readonly params: ParamMap;
  readonly index: ParamIndex;
  readonly direction: Direction;
  readonly body: number;
  fields: number;
}

/**
 * Walks a parsed JSON body and records every field by JSON pointer (array items as `*`), bounded in
 * depth and field count. Each pointer counts once per body, however many array items carry it.
 */
export function observeJson(params: ParamMap, direction: Direction, body: unknown): void {
  const index = indexOf(params);
  // The body itself is the first of its `MAX_JSON_FIELDS` fields.
  const w: BodyWalk = { params, index, direction, body: ++index.bodies, fields: 1 };
  walkChildren(w, body, jsonType(body), direction === 'request' ? index.requestBody : index.responseBody, '', 0);
}

/** Visits the items or fields of `v`, a value of type `t` at `pointer` (with its cached children, if any). */
function walkChildren(w: BodyWalk, v: unknown, t: string, branch: Branch | undefined, pointer: string, depth: number): void {
  if (depth >= MAX_JSON_DEPTH) return;
  if (t === 'array') {
    const arr = v as unknown[];
    // A few items describe the item schema; walking thousands would only cost time.
    for (let i = 0; i < arr.length && i < 5; i++) visit(w, arr[i], branch, null, pointer, depth + 1);
  } else if (t === 'object') {
    for (const k in v as Record<string, unknown>) visit(w, (v as Record<string, unknown>)[k], branch, k, pointer, depth + 1);
  }
}

/**
 * Records one value: field `name` (null for an array item) of the value at `parentPointer`. A field
 * with a node in `parent` needs no new string; one without gets a node once it is a parameter.
 */
function visit(w: BodyWalk, v: unknown, parent: Branch | undefined, name: string | null, parentPointer: string, depth: number): void {
  if (w.fields >= MAX_JSON_FIELDS) return;
  w.fields++;
  const t = jsonType(v);
  let node = parent && (name === null ? parent.items : parent.fields?.get(name));
  let pointer: string;
  if (node) {
    pointer = node.pointer;
    const p = touch(w.params, node.slot.key, w.index);
    if (p) record(p, node.slot, w.body, v, t);
  } else {
    pointer = `${parentPointer}/${name === null ? '*' : pointerToken(name)}`;
    const key = paramKey(w.direction, 'body', pointer);
    const p = touch(w.params, key, w.index);
    if (p) {
      const slot = slotOf(w.index, key);
      record(p, slot, w.body, v, t);
      if (parent && (name === null || cacheableName(name))) node = addNode(parent, name, slot, pointer);
    }
  }
  walkChildren(w, v, t, node, pointer, depth);
}

function slotOf(index: ParamIndex, key: string): Slot {
  let slot = index.slots.get(key);
  if (!slot) index.slots.set(key, (slot = { key, body: 0 }));
  return slot;
}

function addNode(parent: Branch, name: string | null, slot: Slot, pointer: string): FieldNode {
  const node: FieldNode = { pointer, slot, fields: undefined, items: undefined };
  if (name === null) parent.items = node;
  else (parent.fields ??= new Map()).set(name, node);
  return node;
}

/** Counts a value of type `t` in its parameter's state, and the parameter as seen once in body `body`. */
function record(p: ParamState, slot: Slot, body: number, v: unknown, t: string): void {
  if (slot.body !== body) {
    slot.body = body;
    p.seen++;
  }
  bump(p.types, t);
  let f: string | null = null;
  if (t === 'string') {
    f = inferFormat(v as string);
    if (f) bump(p.formats, f);
  }
  // Objects and arrays have no value of their own; any other non-string ends tracking.
  if (t !== 'object' && t !== 'array') trackValue(p, t === 'string' && f === null ? (v as string) : null);
  else if (p.values) delete p.values;
}

export function mergeParams(into: ParamMap, from: ParamMap): void {
  for (const key in from) {
    const src = from[key]!;
    const dst = touch(into, key);
    if (!dst) continue;
    mergeValues(dst, src);
    dst.seen += src.seen;
    for (const t in src.types) bump(dst.types, t, src.types[t]);
    for (const f in src.formats) bump(dst.formats, f, src.formats[f]);
  }
}

/** A value that may be shown as an enum member: a short word or code, not free text, not number-like. */
const ENUM_VALUE = /^[\p{L}\p{N}][\p{L}\p{N} _.:-]{0,31}$/u;
const ENUM_MIN_OBSERVATIONS = 20;
const ENUM_MIN_REPEATS = 5;
/** `application/json`, `application/json; charset=utf-8`: a media type with at most simple parameters. */
const MEDIA_TYPE_VALUE = /^[A-Za-z0-9!#$&^_.+-]{1,64}\/[A-Za-z0-9!#$&^_.+-]{1,64}(?:; ?[A-Za-z0-9_-]{1,32}=[A-Za-z0-9_.-]{1,32})?$/;
/**
 * Parameter names whose values are personal or secret even when no detector recognised them: parts of a
 * name (`firstName`, `user_email`), and short words only as whole words (`pin`, not `shipping`).
 */
const PERSONAL_PART = /pass|secret|token|auth|sess|cookie|credential|signature|mail|phone|mobile|name|addr|street|user|login|account|iban|card|birth|tenant|customer|owner|postcode|postal|apikey/;
const PERSONAL_WORD = /^(?:pin|sig|ip|dob|otp|ssn|key|sid|zip|pwd|city|cvv|cvc|host)$/;

function personalName(name: string): boolean {
  if (PERSONAL_PART.test(name.toLowerCase())) return true;
  // `clientIp`, `api_key`, `ip-address` -> words.
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/);
  return words.some((w) => PERSONAL_WORD.test(w));
}

/** Four digits or more: years, ids, PINs, phone fragments, not members of a closed set. */
function manyDigits(v: string): boolean {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57 && ++n >= 4) return true;
  return false;
}

/**
 * The tracked values of a parameter that may appear as an enum in a generated spec, or undefined. Only
 * query, path and body parameters (headers carry versions, tenants and client ids; cookies are never
 * tracked), never one whose name suggests personal or secret data, and only a set that looks closed:
 * every value a short plain word, each seen at least twice, at least 20 observations and on average 5 per
 * value. The one header kept is `content-type`: its media types key a generated request body. The caller
 * drops the set of a parameter with a data class.
 *
 * @example
 * smallValueSet({ types: { string: 40 }, formats: {}, seen: 40, values: { open: 25, closed: 15 } }, 'query', 'status') // { open: 25, closed: 15 }
 */
export function smallValueSet(p: ParamState, location: ValueLocation, name: string): Record<string, number> | undefined {
  const values = p.values;
  if (!values) return undefined;
  // The request's media types: protocol, not data, and what a generated request body is keyed by.
  if (location === 'header' && name === 'content-type') {
    return Object.keys(values).every((v) => MEDIA_TYPE_VALUE.test(v)) ? Object.fromEntries(Object.entries(values)) : undefined;
  }
  if (location !== 'query' && location !== 'path' && location !== 'body') return undefined;
  const leaf = name.slice(name.lastIndexOf('/') + 1);
  if (personalName(leaf)) return undefined;
  const entries = Object.entries(values);
  if (entries.length === 0) return undefined;
  let total = 0;
  for (const [v, n] of entries) {
    if (n < 2 || !ENUM_VALUE.test(v) || manyDigits(v)) return undefined;
    total += n;
  }
  if (total < ENUM_MIN_OBSERVATIONS || total < ENUM_MIN_REPEATS * entries.length) return undefined;
  return Object.fromEntries(entries);
}

/** Unions value sets; a side that stopped tracking (or never tracked) stops the other. */
function mergeValues(dst: ParamState, src: ParamState): void {
  if (src.seen === 0 || !dst.values) return;
  if (!src.values) {
    delete dst.values;
    return;
  }
  for (const v of Object.keys(src.values)) {
    if (!Object.hasOwn(dst.values, v) && Object.keys(dst.values).length >= MAX_TRACKED_VALUES) {
      delete dst.values;
      return;
    }
    countValue(dst.values, v, src.values[v]!);
  }
}

/** Parses an application/x-www-form-urlencoded body into pairs; bounded. */
export function parseForm(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const part of text.split('&', 500)) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    out.push(eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return out;
}
