import type { Direction, ValueLocation } from '../contracts/data-class.js';
import { bump } from '../aggregate/sketches.js';

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
  if (s.length > 2048) return null;
  const ph = PLACEHOLDER.exec(s);
  if (ph) return ph[1]!;
  if (UUID.test(s)) return 'uuid';
  if (DATE.test(s)) return 'date';
  if (DATE_TIME.test(s)) return 'date-time';
  if (URI.test(s)) return 'uri';
  if (IPV4.test(s)) return 'ipv4';
  if (HEX.test(s)) return 'hex';
  return null;
}

/** Type of a value seen as text (query, header, path, form): what it would be in a typed schema. */
export function inferTextType(s: string): string {
  if (INTEGER.test(s)) return 'integer';
  if (NUMBER.test(s)) return 'number';
  if (s === 'true' || s === 'false') return 'boolean';
  return 'string';
}

function touch(params: ParamMap, key: string): ParamState | null {
  let p = params[key];
  if (!p) {
    // Attacker-controlled names must not grow state without bound.
    let count = 0;
    let tracked = 0;
    for (const k in params) {
      count++;
      if (params[k]!.values) tracked++;
    }
    if (count >= MAX_PARAMS_PER_ENDPOINT) return null;
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
  else Object.defineProperty(values, value, { value: n, enumerable: true, writable: true, configurable: true });
}

export function paramKey(direction: Direction, location: ValueLocation, name: string): string {
  return `${direction}|${location}|${name}`;
}

export function observeText(params: ParamMap, direction: Direction, location: ValueLocation, name: string, value: string): void {
  const p = touch(params, paramKey(direction, location, name));
  if (!p) return;
  p.seen++;
  const t = inferTextType(value);
  bump(p.types, t);
  const f = inferFormat(value);
  if (f) bump(p.formats, f);
  // Cookies are sessions, preferences and trackers: none is an enum worth a spec, all could identify someone.
  trackValue(p, t === 'string' && f === null && location !== 'cookie' ? value : null);
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Escapes a key for a JSON pointer (RFC 6901). */
function pointerToken(key: string): string {
  return key.length > 100 ? key.slice(0, 100) : key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Walks a parsed JSON body and records every field by JSON pointer (array items as `*`), bounded in
 * depth and field count. Each pointer counts once per body, however many array items carry it.
 */
export function observeJson(params: ParamMap, direction: Direction, body: unknown): void {
  const seenInBody = new Set<string>();
  let fields = 0;
  const walk = (v: unknown, pointer: string, depth: number): void => {
    if (fields >= MAX_JSON_FIELDS) return;
    fields++;
    const t = jsonType(v);
    if (pointer !== '') {
      const key = paramKey(direction, 'body', pointer);
      const p = touch(params, key);
      if (p) {
        if (!seenInBody.has(key)) {
          seenInBody.add(key);
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
    }
    if (depth >= MAX_JSON_DEPTH) return;
    if (t === 'array') {
      const arr = v as unknown[];
      // A few items describe the item schema; walking thousands would only cost time.
      for (let i = 0; i < arr.length && i < 5; i++) walk(arr[i], `${pointer}/*`, depth + 1);
    } else if (t === 'object') {
      for (const k in v as Record<string, unknown>) walk((v as Record<string, unknown>)[k], `${pointer}/${pointerToken(k)}`, depth + 1);
    }
  };
  walk(body, '', 0);
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
