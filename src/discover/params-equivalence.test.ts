import { deepStrictEqual } from 'node:assert/strict';
import { describe, expect, it } from 'vitest';
import type { Direction, ValueLocation } from '../contracts/data-class.js';
import { bump } from '../aggregate/sketches.js';
import { generateDemoTraffic } from '../demo/estate.js';
import { Rng } from '../demo/prng.js';
import {
  MAX_PARAMS_PER_ENDPOINT,
  MAX_TRACKED_PARAMS,
  MAX_TRACKED_VALUES,
  MAX_TRACKED_VALUE_LENGTH,
  inferFormat,
  inferTextType,
  mergeParams,
  observeJson,
  observeText,
  type ParamMap,
  type ParamState,
} from './params.js';

/**
 * The inference as it was before keys were cached per map (string keys built per field, a Set per body,
 * a regex cascade per string), kept verbatim as the oracle: the cached one must build the same maps,
 * key order included, from any sequence of observations.
 */
const reference = (() => {
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

  function inferFormat(s: string): string | null {
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

  function inferTextType(s: string): string {
    if (INTEGER.test(s)) return 'integer';
    if (NUMBER.test(s)) return 'number';
    if (s === 'true' || s === 'false') return 'boolean';
    return 'string';
  }

  function touch(params: ParamMap, key: string): ParamState | null {
    let p = params[key];
    if (!p) {
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

  function countValue(values: Record<string, number>, value: string, n: number): void {
    if (Object.hasOwn(values, value)) values[value]! += n;
    else Object.defineProperty(values, value, { value: n, enumerable: true, writable: true, configurable: true });
  }

  function paramKey(direction: Direction, location: ValueLocation, name: string): string {
    return `${direction}|${location}|${name}`;
  }

  function observeText(params: ParamMap, direction: Direction, location: ValueLocation, name: string, value: string): void {
    const p = touch(params, paramKey(direction, location, name));
    if (!p) return;
    p.seen++;
    const t = inferTextType(value);
    bump(p.types, t);
    const f = inferFormat(value);
    if (f) bump(p.formats, f);
    trackValue(p, t === 'string' && f === null && location !== 'cookie' ? value : null);
  }

  function jsonType(v: unknown): string {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'array';
    if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
    return typeof v;
  }

  function pointerToken(key: string): string {
    return key.length > 100 ? key.slice(0, 100) : key.replace(/~/g, '~0').replace(/\//g, '~1');
  }

  function observeJson(params: ParamMap, direction: Direction, body: unknown): void {
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
          if (t !== 'object' && t !== 'array') trackValue(p, t === 'string' && f === null ? (v as string) : null);
          else if (p.values) delete p.values;
        }
      }
      if (depth >= MAX_JSON_DEPTH) return;
      if (t === 'array') {
        const arr = v as unknown[];
        for (let i = 0; i < arr.length && i < 5; i++) walk(arr[i], `${pointer}/*`, depth + 1);
      } else if (t === 'object') {
        for (const k in v as Record<string, unknown>) walk((v as Record<string, unknown>)[k], `${pointer}/${pointerToken(k)}`, depth + 1);
      }
    };
    walk(body, '', 0);
  }

  return { inferFormat, inferTextType, observeText, observeJson };
})();

/** Deep-equal, and every object's own keys in the same order (deepStrictEqual ignores order; JSON text does not). */
function expectSameMaps(actual: ParamMap, expected: ParamMap): void {
  deepStrictEqual(actual, expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

const PH = (cls: string, rng: Rng) => `[REDACTED:${cls}:${rng.hex(16)}]`;
const LONG = 'k'.repeat(100);

/** Field names an attacker or an API may use: escapes, pointer look-alikes, prototype names, long names alike in their first 100 characters. */
function fieldName(rng: Rng): string {
  const r = rng.int(20);
  if (r < 8) return rng.pick(['id', 'name', 'items', 'status', 'email', 'price', 'data', 'meta', 'tags', 'user']);
  if (r < 10) return rng.pick(['a/b', 'a~b', '~1', '~0', '/', '~', '*', '', '0', '1', '10', 'a//b~~']);
  if (r < 12) return rng.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']);
  if (r < 14) return rng.pick([LONG, `${LONG}a`, `${LONG}b/c`, `${LONG.slice(1)}/`, `${LONG.slice(2)}~x`, `x${LONG}`]);
  if (r < 16) return `f${rng.int(40)}`;
  return `n${rng.int(1000)}`;
}

function textValue(rng: Rng): string {
  switch (rng.int(22)) {
    case 0:
      return PH(rng.pick(['email', 'card-pan', 'jwt', 'a', 'x'.repeat(48)]), rng);
    case 1:
      return `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`;
    case 2:
      return `${rng.hex(8).toUpperCase()}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`;
    case 3:
      return rng.pick(['2026-11-23', '2026-11-23T10:00:00Z', '2026-11-23 10:00', '2026-11-23t10:00:00.123+01:00', '2026-1-23', '20261123']);
    case 4:
      return rng.pick(['https://example.com/a', 'ab://x', 'a://x', 'HTTP://X.Y', 'mailto:x@y', 'x1+.-://y z', 'https://', '1http://x']);
    case 5:
      return rng.pick(['10.0.0.1', '1.2.3.4', '999.1.1.1', '1.2.3', '1.2.3.4.5', '1234.1.1.1']);
    case 6:
      return rng.hex(rng.pick([15, 16, 32, 64, 128, 129]));
    case 7:
      return rng.pick(['42', '-3', '4.5', '-0.25', '1e5', '-', '', '0', '1234567890123456789', 'true', 'false', 'TRUE']);
    case 8:
      return rng.pick(['open', 'closed', 'pending', '__proto__', 'constructor', 'a b', 'Ünïcode', '[TRUNCATED]', `x ${PH('email', rng)}`]);
    case 9:
      return 'v'.repeat(rng.pick([63, 64, 65, 2048, 2049]));
    case 10:
      return `${rng.pick(['[', ']', '-', ' ', '"', '@', '`', '{'])}${rng.hex(rng.int(40))}`;
    default:
      return rng.pick(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l']) + (rng.chance(0.3) ? String(rng.int(20)) : '');
  }
}

/** A random JSON value; set through defineProperty so `__proto__` stays an own field through JSON.stringify. */
function jsonValue(rng: Rng, depth: number): unknown {
  const r = rng.int(depth > 12 ? 6 : 10);
  if (r === 0) return null;
  if (r === 1) return rng.chance(0.5);
  if (r === 2) return rng.chance(0.5) ? rng.int(1000) : rng.float() * 100;
  if (r < 6) return textValue(rng);
  if (r < 8) return Array.from({ length: rng.pick([0, 1, 2, 6, 9]) }, () => jsonValue(rng, depth + 1));
  const o: Record<string, unknown> = {};
  const n = rng.pick([0, 1, 3, 5, 8]);
  for (let i = 0; i < n; i++) Object.defineProperty(o, fieldName(rng), { value: jsonValue(rng, depth + 1), enumerable: true, writable: true, configurable: true });
  return o;
}

/** A body as the pipeline has it: parsed from text, field names interned. */
function body(rng: Rng): unknown {
  const r = rng.int(10);
  if (r === 0) {
    // Wide: past the field cap and the parameter cap in one body.
    const o: Record<string, unknown> = {};
    for (let i = 0; i < 500; i++) o[`w${rng.int(2000)}`] = rng.int(3);
    return JSON.parse(JSON.stringify(o));
  }
  if (r === 1) {
    // Deep: past the depth cap.
    let v: unknown = textValue(rng);
    for (let i = 0; i < 14; i++) v = rng.chance(0.5) ? [v, textValue(rng)] : { [fieldName(rng)]: v, '*': [textValue(rng)] };
    return JSON.parse(JSON.stringify(v));
  }
  return JSON.parse(JSON.stringify(jsonValue(rng, 0)) ?? 'null');
}

const LOCATIONS: readonly ValueLocation[] = ['path', 'query', 'header', 'cookie', 'body'];

/** Applies the same random observation to both maps. */
function observeBoth(rng: Rng, mine: ParamMap, ref: ParamMap): void {
  const direction: Direction = rng.chance(0.6) ? 'response' : 'request';
  if (rng.chance(0.6)) {
    const b = body(rng);
    observeJson(mine, direction, b);
    reference.observeJson(ref, direction, b);
  } else {
    const location = rng.pick(LOCATIONS);
    const name = location === 'body' ? `/${fieldName(rng)}` : fieldName(rng);
    const value = textValue(rng);
    observeText(mine, direction, location, name, value);
    reference.observeText(ref, direction, location, name, value);
  }
}

describe('cached parameter inference equals the reference', () => {
  it('infers the same formats and text types', () => {
    const rng = new Rng(11);
    for (let i = 0; i < 20_000; i++) {
      const s = textValue(rng);
      expect(inferFormat(s), s).toBe(reference.inferFormat(s));
      expect(inferTextType(s), s).toBe(reference.inferTextType(s));
    }
  });

  it.each([1, 2, 3, 4])('builds the same maps from random observations (seed %i)', (seed) => {
    const rng = new Rng(seed);
    for (let m = 0; m < 6; m++) {
      let mine: ParamMap = {};
      let ref: ParamMap = {};
      for (let i = 0; i < 120; i++) {
        observeBoth(rng, mine, ref);
        if (rng.chance(0.02)) {
          // A map loaded from the store, or made by a merge, carries no cache: both go on from a copy.
          const copy = JSON.parse(JSON.stringify(mine)) as ParamMap;
          mine = rng.chance(0.5) ? copy : Object.assign({}, copy);
          ref = JSON.parse(JSON.stringify(ref)) as ParamMap;
        }
        if (rng.chance(0.02)) {
          // Parameters added behind the cache's back.
          const other: ParamMap = {};
          const otherRef: ParamMap = {};
          for (let j = 0; j < 5; j++) observeBoth(rng, other, otherRef);
          mergeParams(mine, other);
          mergeParams(ref, otherRef);
        }
      }
      expectSameMaps(mine, ref);
    }
  });

  it('stays equal once the map is full, with the same parameters left out', () => {
    const rng = new Rng(99);
    const mine: ParamMap = {};
    const ref: ParamMap = {};
    for (let i = 0; i < 400; i++) observeBoth(rng, mine, ref);
    expect(Object.keys(mine)).toHaveLength(MAX_PARAMS_PER_ENDPOINT);
    expectSameMaps(mine, ref);
  });

  it('builds the same maps from demo traffic, per endpoint', () => {
    const mine = new Map<string, ParamMap>();
    const ref = new Map<string, ParamMap>();
    const json = (b: string | { text?: string } | undefined): unknown => {
      const text = typeof b === 'string' ? b : b?.text;
      if (!text) return undefined;
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
    };
    for (const e of generateDemoTraffic({ seed: 5, events: 5000 })) {
      const key = `${e.request.method} ${e.request.host} ${(e.request.path ?? '').split('/').slice(0, 3).join('/')}`;
      if (!mine.has(key)) {
        mine.set(key, {});
        ref.set(key, {});
      }
      const a = mine.get(key)!;
      const b = ref.get(key)!;
      for (const [h, v] of Object.entries(e.request.headers ?? {})) {
        const value = Array.isArray(v) ? v.join(',') : String(v);
        observeText(a, 'request', 'header', h.toLowerCase(), value);
        reference.observeText(b, 'request', 'header', h.toLowerCase(), value);
      }
      for (const [q, v] of Object.entries(e.request.query ?? {})) {
        for (const value of Array.isArray(v) ? v : [v]) {
          observeText(a, 'request', 'query', q, String(value));
          reference.observeText(b, 'request', 'query', q, String(value));
        }
      }
      const req = json(e.request.body);
      if (req !== undefined) {
        observeJson(a, 'request', req);
        reference.observeJson(b, 'request', req);
      }
      const res = json(e.response?.body);
      if (res !== undefined) {
        observeJson(a, 'response', res);
        reference.observeJson(b, 'response', res);
      }
    }
    expect(mine.size).toBeGreaterThan(10);
    for (const [key, map] of mine) expectSameMaps(map, ref.get(key)!);
  });
});
