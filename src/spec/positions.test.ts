import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { findJsonSyntaxError, jsonLocator, lineIndex, yamlLocator } from './positions.js';

const yaml = (text: string) => {
  const lineCounter = new LineCounter();
  return yamlLocator(parseDocument(text, { lineCounter, merge: true }), lineCounter);
};

describe('jsonLocator', () => {
  const text = [
    '{',
    '  "a": {"b": [10, {"c": true}], "d\\"q": "x"},',
    '  "p/q": {"~t": null},',
    '  "dup": 1, "dup": {"late": 2},',
    '  "s": "brace } and [ in a string",',
    '  "after": 1',
    '}',
  ].join('\n');
  const locate = jsonLocator(text);

  it.each([
    ['', 1, 1],
    ['/a', 2, 3],
    ['/a/b', 2, 9],
    ['/a/b/0', 2, 15],
    ['/a/b/1', 2, 19],
    ['/a/b/1/c', 2, 20],
    ['/a/d"q', 2, 33],
    ['/p~1q/~0t', 3, 11],
    ['/dup/late', 4, 21], // duplicate keys: the last one wins, as with JSON.parse
    ['/after', 6, 3], // not confused by brackets inside strings
  ])('%s is at %i:%i', (pointer, line, column) => {
    expect(locate(pointer)).toEqual({ line, column });
  });

  it('gives the nearest written ancestor for pointers naming nothing', () => {
    expect(locate('/a/b/7')).toEqual({ line: 2, column: 9 });
    expect(locate('/a/b/1/c/deeper')).toEqual({ line: 2, column: 20 });
    expect(locate('/nope/x')).toEqual({ line: 1, column: 1 });
    expect(locate('not a pointer')).toEqual({ line: 1, column: 1 });
  });

  it('indexes a scalar document and deep nesting without recursion', () => {
    expect(jsonLocator('  42')('/x')).toEqual({ line: 1, column: 3 });
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(jsonLocator(deep)('/0/0/0')).toEqual({ line: 1, column: 4 });
  });
});

describe('findJsonSyntaxError', () => {
  it.each([
    ['{"a": 1}', null],
    ['[1, -2.5e3, "x\\u00e9", true, false, null, {}]', null],
    ['{"a": 1,}', 8],
    ['{"a" 1}', 5],
    ['[1 2]', 3],
    ['{"a": tru}', 6],
    ['{"a": "x\ny"}', 8],
    ['{"a": "\\x"}', 7],
    ['{"a": 01}', 7],
    ['{"a": "open', 6],
    ['{"a": 1} x', 9],
    ['', 0],
    ['[', 1],
    ["{'a': 1}", 1],
  ])('%j fails at %j', (text, offset) => {
    const err = findJsonSyntaxError(text);
    if (offset === null) expect(err).toBeNull();
    else expect(err?.offset).toBe(offset);
  });

  it('agrees with JSON.parse on validity', () => {
    for (const text of ['{"a":[1,{"b":null}]}', '{"a":[1,{"b":nul}]}', '  "s"  ', '[1,]', '{"\\u12"}', '-', '1.', '[-0.0e+1]']) {
      let ok = true;
      try {
        JSON.parse(text);
      } catch {
        ok = false;
      }
      expect(findJsonSyntaxError(text) === null, text).toBe(ok);
    }
  });

  it('handles deep nesting without recursion', () => {
    expect(findJsonSyntaxError('['.repeat(200_000) + ']'.repeat(199_999))?.message).toContain('end of input');
  });
});

describe('yamlLocator', () => {
  const locate = yaml(
    [
      'base: &base', // 1
      '  type: object', // 2
      '  title: Base', // 3
      'list:', // 4
      '  - first', // 5
      '  - name: second', // 6
      "    '200': quoted", // 7
      'merged:', // 8
      '  <<: *base', // 9
      '  title: Own', // 10
      'alias: *base', // 11
      '"a/b": {"~x": [1, 2]}', // 12
    ].join('\n'),
  );

  it.each([
    ['', 1, 1],
    ['/base/title', 3, 3],
    ['/list/0', 5, 5],
    ['/list/1', 6, 5],
    ['/list/1/name', 6, 5],
    ['/list/1/200', 7, 5],
    ['/merged/title', 10, 3], // own key wins over the merged one
    ['/merged/type', 2, 3], // found through the merge key: where it is written
    ['/alias/type', 2, 3], // through an alias
    ['/a~1b/~0x/1', 12, 19],
    ['/list/9', 4, 1],
    ['/base/title/deeper', 3, 3],
  ])('%s is at %i:%i', (pointer, line, column) => {
    expect(locate(pointer)).toEqual({ line, column });
  });
});

describe('lineIndex', () => {
  it('maps offsets to 1-based lines and columns', () => {
    const at = lineIndex('ab\ncd\n\nef');
    expect([0, 1, 3, 4, 6, 7, 8].map((o) => at(o))).toEqual([
      { line: 1, column: 1 },
      { line: 1, column: 2 },
      { line: 2, column: 1 },
      { line: 2, column: 2 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
      { line: 4, column: 2 },
    ]);
  });
});
