import { describe, expect, it } from 'vitest';
import { decodeEntities, decodeValue, foldFullWidth, MAX_DECODE_ROUNDS, percentDecode, unescapeJs } from './decode.js';

describe('decodeValue', () => {
  it.each([
    ['plain text stays', 'hello world', 'hello world'],
    ['percent', '%27%20OR%201%3D1', "' OR 1=1"],
    ['double percent', '%2527', "'"],
    ['triple percent', '%25252e%25252e%25252f', '../'],
    ['lower-case hex', '%3cscript%3e', '<script>'],
    ['UTF-8 sequence', 'A%C3%B1adir', 'Añadir'],
    ['ISO-8859-1 byte (CSIC)', 'A%F1adir', 'Añadir'],
    ['overlong slash', '..%c0%af', '../'],
    ['overlong dot, 3 bytes', '%e0%80%ae%e0%80%ae/', '../'],
    ['IIS %u', '%u003cscript%u003e', '<script>'],
    ['bare percent kept', '100% sure', '100% sure'],
    ['truncated escape kept', 'x%2', 'x%2'],
    ['named entities', '&lt;b&gt; &amp; &quot;', '<b> & "'],
    ['numeric entities with and without ;', '&#60;&#x3c;&#X3C&#0000060', '<<<<'],
    ['legacy entity without ;', '&ltscript&gt', '<script>'],
    ['unknown entity kept', '&copy; &foo;', '&copy; &foo;'],
    ['entity in prose kept', 'Tom & Jerry', 'Tom & Jerry'],
    ['JS \\u escape', '\\u003cscript\\u003e', '<script>'],
    ['JS \\x escape', '\\x3cscript\\x3e', '<script>'],
    ['JS \\u{} escape', '\\u{3c}b', '<b'],
    ['Windows path kept', 'C:\\Windows\\win.ini', 'C:\\Windows\\win.ini'],
    ['percent then entity', '%26lt%3Bscript%26gt%3B', '<script>'],
    ['entity then percent', '&#37;3Cscript&#37;3E', '<script>'],
    ['full-width', '＜script＞', '<script>'],
    ['NUL byte', 'a%00b', 'a\u0000b'],
  ])('%s', (_name, input, expected) => {
    expect(decodeValue(input)).toBe(expected);
  });

  it('turns + into a space only for form-encoded values, and not an escaped plus', () => {
    expect(decodeValue('a+b%2Bc', { plusAsSpace: true })).toBe('a b+c');
    expect(decodeValue('a+b%2Bc')).toBe('a+b+c');
  });

  it('cuts the value before decoding', () => {
    expect(decodeValue('%41'.repeat(10), { maxChars: 6 })).toBe('AA');
  });

  it(`stops after ${MAX_DECODE_ROUNDS} rounds`, () => {
    let s = '<';
    for (let i = 0; i < MAX_DECODE_ROUNDS + 2; i++) s = encodeURIComponent(s);
    expect(decodeValue(s)).not.toBe('<');
    expect(decodeValue(s).length).toBeLessThan(s.length);
  });

  it('never grows the text and never throws on garbage', () => {
    for (const s of ['%', '%%', '%u', '%uZZZZ', '\\', '\\u', '\\u{', '\\u{110000}', '&#', '&#x', '&#99999999;', '%ff%fe%fd', '%c0', '%e0%80']) {
      expect(decodeValue(s).length).toBeLessThanOrEqual(s.length);
    }
  });

  it('exposes the single passes', () => {
    expect(percentDecode('%2541')).toBe('%41');
    expect(unescapeJs('\\u0041\\x42')).toBe('AB');
    expect(decodeEntities('&amp;lt;')).toBe('&lt;');
    expect(foldFullWidth('ａｂｃ')).toBe('abc');
  });
});
