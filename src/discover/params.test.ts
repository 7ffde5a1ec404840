import { describe, expect, it } from 'vitest';
import {
  inferFormat,
  inferTextType,
  observeJson,
  observeText,
  parseForm,
  mergeParams,
  smallValueSet,
  MAX_PARAMS_PER_ENDPOINT,
  MAX_TRACKED_PARAMS,
  MAX_TRACKED_VALUES,
  type ParamMap,
  type ParamState,
} from './params.js';

describe('parameter inference', () => {
  it.each([
    ['42', 'integer'],
    ['-3', 'integer'],
    ['4.5', 'number'],
    ['true', 'boolean'],
    ['abc', 'string'],
    ['1e5', 'string'],
  ])('text %s is %s', (v, t) => expect(inferTextType(v)).toBe(t));

  it.each([
    ['3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'uuid'],
    ['2026-11-23', 'date'],
    ['2026-11-23T10:00:00Z', 'date-time'],
    ['https://example.com/a', 'uri'],
    ['10.0.0.1', 'ipv4'],
    ['[REDACTED:email:0123456789abcdef]', 'email'],
    ['hello', null],
  ])('format of %s is %s', (v, f) => expect(inferFormat(v)).toBe(f));

  it('records JSON fields by pointer, array items as *, once per body', () => {
    const params: ParamMap = {};
    observeJson(params, 'response', { items: [{ id: 1, email: '[REDACTED:email:0123456789abcdef]' }, { id: 2 }], 'a/b': true });
    expect(params['response|body|/items']?.types).toEqual({ array: 1 });
    expect(params['response|body|/items/*/id']).toEqual({ types: { integer: 2 }, formats: {}, seen: 1 });
    expect(params['response|body|/items/*/email']?.formats).toEqual({ email: 1 });
    expect(params['response|body|/a~1b']?.types).toEqual({ boolean: 1 });
  });

  it('bounds the number of parameters an attacker can create', () => {
    const params: ParamMap = {};
    for (let i = 0; i < MAX_PARAMS_PER_ENDPOINT + 500; i++) observeText(params, 'request', 'query', `p${i}`, 'x');
    expect(Object.keys(params)).toHaveLength(MAX_PARAMS_PER_ENDPOINT);
  });

  it('merges by adding counts', () => {
    const a: ParamMap = {};
    const b: ParamMap = {};
    observeText(a, 'request', 'query', 'q', '1');
    observeText(b, 'request', 'query', 'q', 'x');
    mergeParams(a, b);
    expect(a['request|query|q']).toEqual({ types: { integer: 1, string: 1 }, formats: {}, seen: 2 });
  });

  it('parses form bodies, tolerating bad escapes', () => {
    expect(parseForm('a=1&b=hello+world&c=%ZZ&d')).toEqual([
      ['a', '1'],
      ['b', 'hello world'],
      ['c', '%ZZ'],
      ['d', ''],
    ]);
  });
});

describe('small value sets (the source of enums in generated specs)', () => {
  const PH = '[REDACTED:email:0123456789abcdef]';
  const repeat = (params: ParamMap, values: string[], times: number, location: 'query' | 'header' | 'cookie' | 'path' = 'query', name = 'status') => {
    for (let i = 0; i < times; i++) for (const v of values) observeText(params, 'request', location, name, v);
  };

  it('counts the distinct short string values of a parameter', () => {
    const params: ParamMap = {};
    repeat(params, ['open', 'closed'], 3);
    expect(params['request|query|status']?.values).toEqual({ open: 3, closed: 3 });
    observeJson(params, 'response', { state: 'shipped', n: 1 });
    observeJson(params, 'response', { state: 'pending', n: 2 });
    expect(params['response|body|/state']?.values).toEqual({ shipped: 1, pending: 1 });
  });

  it('stops for good past the cap, and keeps nothing', () => {
    const params: ParamMap = {};
    for (let i = 0; i < MAX_TRACKED_VALUES; i++) observeText(params, 'request', 'query', 'q', `v${String.fromCharCode(97 + i)}`);
    expect(Object.keys(params['request|query|q']!.values!)).toHaveLength(MAX_TRACKED_VALUES);
    observeText(params, 'request', 'query', 'q', 'one-more');
    expect(params['request|query|q']!.values).toBeUndefined();
    observeText(params, 'request', 'query', 'q', 'va');
    expect(params['request|query|q']!.values).toBeUndefined();
  });

  it.each([
    ['a redaction placeholder', PH],
    ['a value with a placeholder inside', `contact ${PH} today`],
    ['a number', '42'],
    ['a boolean', 'true'],
    ['a recognised format (uuid)', '3f2504e0-4f89-11d3-9a0c-0305e82c3301'],
    ['a long value', 'x'.repeat(65)],
    ['an empty value', ''],
  ])('never keeps %s, and forgets the values seen before it', (_what, value) => {
    const params: ParamMap = {};
    repeat(params, ['open'], 3);
    observeText(params, 'request', 'query', 'status', value);
    expect(params['request|query|status']!.values).toBeUndefined();
  });

  it('never tracks cookies, nor JSON numbers, booleans or nulls', () => {
    const params: ParamMap = {};
    repeat(params, ['dark'], 3, 'cookie', 'theme');
    expect(params['request|cookie|theme']!.values).toBeUndefined();
    observeJson(params, 'request', { n: 1, b: true, z: null, s: 'x' });
    expect(params['request|body|/n']!.values).toBeUndefined();
    expect(params['request|body|/b']!.values).toBeUndefined();
    expect(params['request|body|/z']!.values).toBeUndefined();
    expect(params['request|body|/s']!.values).toEqual({ x: 1 });
  });

  it('counts attacker-chosen values such as __proto__ as plain keys', () => {
    const params: ParamMap = {};
    repeat(params, ['__proto__', 'constructor', 'toString'], 2);
    const values = params['request|query|status']!.values!;
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    expect(Object.entries(values)).toEqual([
      ['__proto__', 2],
      ['constructor', 2],
      ['toString', 2],
    ]);
    expect(JSON.parse(JSON.stringify(values))).toEqual(values);
  });

  it('bounds the parameters tracked at once per endpoint', () => {
    const params: ParamMap = {};
    for (let i = 0; i < MAX_TRACKED_PARAMS + 10; i++) observeText(params, 'request', 'query', `p${i}`, 'x');
    const tracked = Object.values(params).filter((p) => p.values).length;
    expect(tracked).toBe(MAX_TRACKED_PARAMS);
  });

  it('merges by union; a side that stopped (or predates tracking) stops the result', () => {
    const a: ParamMap = {};
    const b: ParamMap = {};
    repeat(a, ['open'], 2);
    repeat(b, ['closed'], 3);
    mergeParams(a, b);
    expect(a['request|query|status']!.values).toEqual({ open: 2, closed: 3 });

    const legacy: ParamMap = { 'request|query|status': { types: { string: 50 }, formats: {}, seen: 50 } };
    const fresh: ParamMap = {};
    mergeParams(fresh, legacy);
    repeat(fresh, ['open'], 3);
    expect(fresh['request|query|status']!.values).toBeUndefined();

    const many: ParamMap = {};
    const few: ParamMap = {};
    for (let i = 0; i < MAX_TRACKED_VALUES; i++) observeText(many, 'request', 'query', 'status', `v${String.fromCharCode(97 + i)}`);
    repeat(few, ['other'], 1);
    mergeParams(many, few);
    expect(many['request|query|status']!.values).toBeUndefined();
  });

  describe('smallValueSet: what may be shown as an enum', () => {
    const state = (values: Record<string, number>): ParamState => ({ types: { string: 1 }, formats: {}, seen: 1, values });

    it('keeps a closed-looking set of short words seen often enough', () => {
      expect(smallValueSet(state({ open: 25, closed: 15 }), 'query', 'status')).toEqual({ open: 25, closed: 15 });
      expect(smallValueSet(state({ asc: 12, desc: 12 }), 'body', '/sort/order')).toEqual({ asc: 12, desc: 12 });
    });

    it.each([
      ['too few observations', { open: 10, closed: 9 }, 'query', 'status'],
      ['a value seen once', { open: 40, closed: 1 }, 'query', 'status'],
      ['fewer than five observations per value', { a: 4, b: 4, c: 4, d: 4, e: 4, f: 4 }, 'query', 'kind'],
      ['number-like values', { '2024': 30, '2025': 30 }, 'query', 'year'],
      ['free text', { 'hello, world!': 30 }, 'query', 'greeting'],
      ['a personal name field', { Alice: 30, Bob: 30 }, 'body', '/customer/firstName'],
      ['a secret-looking field', { letmein: 30 }, 'body', '/password'],
      ['a short personal word', { a1: 30 }, 'query', 'pin'],
      ['a header', { v2: 30 }, 'header', 'x-api-version'],
      ['a cookie', { dark: 30 }, 'cookie', 'theme'],
    ] as const)('drops %s', (_what, values, location, name) => {
      expect(smallValueSet(state({ ...values }), location, name)).toBeUndefined();
    });

    it('does not mistake longer words for personal ones (shipping is not a pin)', () => {
      expect(smallValueSet(state({ express: 20, standard: 20 }), 'body', '/shipping')).toEqual({ express: 20, standard: 20 });
    });

    it('keeps the media types of the content-type header, whatever their count', () => {
      expect(smallValueSet(state({ 'application/json; charset=utf-8': 1 }), 'header', 'content-type')).toEqual({ 'application/json; charset=utf-8': 1 });
      expect(smallValueSet(state({ 'not a media type': 3 }), 'header', 'content-type')).toBeUndefined();
    });
  });
});
