import type { Direction, ValueLocation } from '../contracts/data-class.js';
import { bump } from '../aggregate/sketches.js';

/** Observed facts about one parameter of an endpoint; mergeable by adding counts. */
export interface ParamState {
  types: Record<string, number>;
  formats: Record<string, number>;
  seen: number;
}
/** Keyed by `${direction}|${location}|${name}`. */
export type ParamMap = Record<string, ParamState>;

export const MAX_PARAMS_PER_ENDPOINT = 300;
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
    if (Object.keys(params).length >= MAX_PARAMS_PER_ENDPOINT) return null;
    p = { types: {}, formats: {}, seen: 0 };
    params[key] = p;
  }
  return p;
}

export function paramKey(direction: Direction, location: ValueLocation, name: string): string {
  return `${direction}|${location}|${name}`;
}

export function observeText(params: ParamMap, direction: Direction, location: ValueLocation, name: string, value: string): void {
  const p = touch(params, paramKey(direction, location, name));
  if (!p) return;
  p.seen++;
  bump(p.types, inferTextType(value));
  const f = inferFormat(value);
  if (f) bump(p.formats, f);
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
        if (t === 'string') {
          const f = inferFormat(v as string);
          if (f) bump(p.formats, f);
        }
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
    dst.seen += src.seen;
    for (const t in src.types) bump(dst.types, t, src.types[t]);
    for (const f in src.formats) bump(dst.formats, f, src.formats[f]);
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
