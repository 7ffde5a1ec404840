import { describe, expect, it } from 'vitest';
import { CHAR_CLASSES, classesOf, formatOf, MAX_FORMAT, shapeOf, typeCovered, type ValueType } from './value-shape.js';

const classes = (v: string) => classesOf(shapeOf(v)).map((i) => CHAR_CLASSES[i]);

describe('shapeOf: value types', () => {
  it.each<[string, ValueType]>([
    ['', 'empty'],
    ['true', 'bool'],
    ['42', 'int'],
    ['-7', 'int'],
    ['3.25', 'float'],
    ['0b1c8a42-3f4e-4d5a-9b6c-7d8e9f0a1b2c', 'uuid'],
    ['2024-05-06', 'date'],
    ['06/05/2024', 'date'],
    ['2024-05-06T07:08:09.123Z', 'datetime'],
    ['10.0.0.1', 'ip'],
    ['ana.lopez@example.com', 'email'],
    ['https://shop.example/a?b=1', 'url'],
    ['1f767f17239c9b670a39', 'hex'],
    ['Rioja', 'word'],
    ['José', 'word'],
    ['abc123', 'alnum'],
    ['eyJhbGciOiJIUzI1NiJ9.e30.sig-_x', 'token'],
    ['Vino Rioja', 'text'],
    ["3' OR 1=1", 'text'],
    ['${jndi:ldap://x}', 'text'],
  ])('%j is %s', (value, type) => {
    expect(shapeOf(value).type).toBe(type);
  });

  it('a 19-digit number is not an int (ids past 2^63 are tokens to a parser), nor is an e-mail without a domain', () => {
    expect(shapeOf('1234567890123456789').type).toBe('hex');
    expect(shapeOf('ana@localhost').type).toBe('text');
  });
});

describe('shapeOf: character classes', () => {
  it('names each punctuation character, and letters, digits, space, non-ASCII and control as classes', () => {
    expect(classes("3' OR 1=1")).toEqual(['upper', 'digit', 'space', "'", '=']);
    expect(classes('Añadir\r\nX')).toEqual(['lower', 'upper', 'non-ascii', 'control']);
    expect(classes('<script>')).toEqual(['lower', '<', '>']);
  });

  it('measures the full length of a huge value but classes only its first 16 KiB, in linear time', () => {
    const v = 'a'.repeat(2_000_000) + "'";
    const t = process.hrtime.bigint();
    const s = shapeOf(v);
    expect(Number(process.hrtime.bigint() - t) / 1e6).toBeLessThan(200);
    expect(s.length).toBe(2_000_001);
    expect(classesOf(s).map((i) => CHAR_CLASSES[i])).toEqual(['lower']);
  });
});

describe('formatOf', () => {
  it.each([
    ['36813756W', '9A'],
    ['5A958042P', '9A9A'],
    ['Jamón Ibérico', 'Aa Aa'],
    ['2024-05-06', '9-9-9'],
    ['ana.lopez@example.com', 'a.a@a.a'],
    ['--', '--'],
    ['a\nb', 'a^a'],
  ])('%j -> %j', (value, format) => {
    expect(formatOf(value)).toBe(format);
  });

  it('gives up on free text (a format longer than the cap), and keeps no letter or digit of the value', () => {
    expect(formatOf('Calle Alvarez De Castro 197, 3-B, Bajo izquierda, Madrid')).toBeUndefined();
    const f = formatOf('Zoe-99_x.y')!;
    expect(f.length).toBeLessThanOrEqual(MAX_FORMAT);
    expect(f).not.toMatch(/[b-zB-Z0-8]/);
  });
});

describe('typeCovered', () => {
  it('free text covers everything but empty; a number field does not take words; hex ids take all-digit ids', () => {
    expect(typeCovered(['text'], 'int')).toBe(true);
    expect(typeCovered(['text'], 'empty')).toBe(false);
    expect(typeCovered(['int'], 'word')).toBe(false);
    expect(typeCovered(['int'], 'float')).toBe(false);
    expect(typeCovered(['float'], 'int')).toBe(true);
    expect(typeCovered(['hex'], 'int')).toBe(true);
    expect(typeCovered(['uuid', 'int'], 'text')).toBe(false);
  });
});
