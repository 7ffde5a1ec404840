import { describe, expect, it } from 'vitest';
import { RefError, collectRefs, getAtPointer, joinModelPointer, parseFragment, parseJsonPointer, resolveRefTarget, splitModelPointer } from './resolve.js';

describe('JSON pointers', () => {
  it.each([
    ['', []],
    ['/', ['']],
    ['/paths/~1users~1{id}/get', ['paths', '/users/{id}', 'get']],
    ['/a~0b/~01', ['a~b', '~1']],
  ])('parses %j', (pointer, segments) => {
    expect(parseJsonPointer(pointer)).toEqual(segments);
  });

  it('refuses a pointer without a leading slash', () => {
    expect(() => parseJsonPointer('paths')).toThrow(RefError);
  });

  it('percent-decodes fragments before unescaping', () => {
    expect(parseFragment('/paths/~1users~1%7Bid%7D')).toEqual(['paths', '/users/{id}']);
    expect(parseFragment('/components/schemas/My%20Schema')).toEqual(['components', 'schemas', 'My Schema']);
    expect(parseFragment('/a%7E1b')).toEqual(['a/b']); // %7E is '~'
    expect(() => parseFragment('/bad%zz')).toThrow(/malformed percent-encoding/);
    expect(() => parseFragment('anchor')).toThrow(/plain-name fragments/);
  });

  it('reads own properties only', () => {
    const doc = { a: [{ b: 1 }], 'x/y': 2 };
    expect(getAtPointer(doc, ['a', '0', 'b'])).toEqual({ found: true, value: 1 });
    expect(getAtPointer(doc, ['x/y'])).toEqual({ found: true, value: 2 });
    expect(getAtPointer(doc, ['a', '01'])).toEqual({ found: false });
    expect(getAtPointer(doc, ['a', '1'])).toEqual({ found: false });
    expect(getAtPointer(doc, ['constructor'])).toEqual({ found: false });
    expect(getAtPointer(doc, ['__proto__'])).toEqual({ found: false });
  });

  it('splits and joins model pointers', () => {
    expect(splitModelPointer('/a/b')).toEqual({ docId: '', pointer: '/a/b' });
    expect(splitModelPointer('')).toEqual({ docId: '', pointer: '' });
    expect(splitModelPointer('schemas/common.yaml#/X')).toEqual({ docId: 'schemas/common.yaml', pointer: '/X' });
    expect(splitModelPointer('pet.yaml')).toEqual({ docId: 'pet.yaml', pointer: '' });
    expect(joinModelPointer('', '/a')).toBe('/a');
    expect(joinModelPointer('c.yaml', '/a')).toBe('c.yaml#/a');
  });
});

describe('resolveRefTarget', () => {
  it.each([
    ['#/components/schemas/Pet', '', { docId: '', pointer: '/components/schemas/Pet' }],
    ['#/components/schemas/Pet', 'common.yaml', { docId: 'common.yaml', pointer: '/components/schemas/Pet' }],
    ['#/paths/~1a~1%7Bid%7D', '', { docId: '', pointer: '/paths/~1a~1{id}' }],
    ['./common.yaml#/components/schemas/X', '', { docId: 'common.yaml', pointer: '/components/schemas/X' }],
    ['common.yaml', '', { docId: 'common.yaml', pointer: '' }],
    ['common.yaml#', '', { docId: 'common.yaml', pointer: '' }],
    ['./pet.yaml', 'schemas/owner.yaml', { docId: 'schemas/pet.yaml', pointer: '' }],
    ['../common.yaml#/X', 'paths/pets.yaml', { docId: 'common.yaml', pointer: '/X' }],
    ['../api.yaml#/X', 'paths/pets.yaml', { docId: '', pointer: '/X' }],
    ['my%20tag.yaml', 'schemas/pet.yaml', { docId: 'schemas/my tag.yaml', pointer: '' }],
    ['https://example.com/a/b.yaml#/Pet', '', { docId: 'https://example.com/a/b.yaml', pointer: '/Pet' }],
    ['./c.yaml#/X', 'https://example.com/a/b.yaml', { docId: 'https://example.com/a/c.yaml', pointer: '/X' }],
    ['#/X', 'https://example.com/a/b.yaml', { docId: 'https://example.com/a/b.yaml', pointer: '/X' }],
  ])('%s from %j', (ref, from, target) => {
    expect(resolveRefTarget(ref, from, 'api.yaml')).toEqual(target);
  });

  it.each([
    ['../secret.yaml', '', /outside the spec's directory/],
    ['../../etc/passwd', 'schemas/pet.yaml', /outside the spec's directory/],
    ['schemas/../../x.yaml', '', /outside the spec's directory/],
    ['%2e%2e/x.yaml', '', /outside the spec's directory/],
    ['/etc/passwd', '', /absolute file reference/],
    ['file:///etc/passwd', '', /unsupported reference scheme/],
    ['C:\\x.yaml', '', /unsupported reference scheme/],
    ['dir\\x.yaml', '', /invalid file reference/],
    ['#anchor', '', /plain-name fragments/],
  ])('refuses %s', (ref, from, why) => {
    expect(() => resolveRefTarget(ref, from, 'api.yaml')).toThrow(why);
  });
});

describe('collectRefs', () => {
  it('finds references, skipping literal data but not names', () => {
    const doc = {
      a: { $ref: 'one.yaml' },
      list: [{ $ref: '#/two' }],
      example: { $ref: 'not-a-ref.yaml' },
      schema: { enum: [{ $ref: 'nor-this.yaml' }], properties: { example: { $ref: 'three.yaml' }, default: { $ref: 'four.yaml' } } },
      'x-ext': { $ref: 'five.yaml' },
    };
    expect(collectRefs(doc).map((r) => r.ref).sort()).toEqual(['#/two', 'five.yaml', 'four.yaml', 'one.yaml', 'three.yaml']);
    expect(collectRefs(doc).find((r) => r.ref === 'three.yaml')?.pointer).toBe('/schema/properties/example');
  });

  it('copes with shared and cyclic objects', () => {
    const shared = { $ref: 'x.yaml' };
    const cyclic: Record<string, unknown> = { $ref: 'y.yaml' };
    cyclic.self = cyclic;
    expect(collectRefs({ a: shared, b: shared, c: cyclic }).map((r) => r.ref).sort()).toEqual(['x.yaml', 'y.yaml']);
  });
});
