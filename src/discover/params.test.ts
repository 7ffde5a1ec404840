import { describe, expect, it } from 'vitest';
import { inferFormat, inferTextType, observeJson, observeText, parseForm, mergeParams, MAX_PARAMS_PER_ENDPOINT, type ParamMap } from './params.js';

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
