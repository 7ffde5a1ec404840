import { describe, expect, it } from 'vitest';
import { escapeCefExtension, escapeCefHeader } from './cef.js';
import { escapeParamValue } from './rfc5424.js';

/**
 * Hostile values (titles, evidence and paths come from attacker traffic) through each escaper, in one
 * table: RFC 5424 PARAM-VALUE (§6.3.3), CEF header fields and CEF extension values (ArcSight CEF spec).
 */
const ESCAPERS = { 'sd-param': escapeParamValue, 'cef-header': escapeCefHeader, 'cef-extension': escapeCefExtension };

describe('escaping of hostile values', () => {
  it.each([
    ['sd-param', 'plain', 'plain'],
    ['sd-param', '"', '\\"'],
    ['sd-param', '\\', '\\\\'],
    ['sd-param', ']', '\\]'],
    ['sd-param', 'a\nb\tc', 'a b c'],
    ['sd-param', '=|', '=|'],
    ['sd-param', 'ünï 🎯', 'ünï 🎯'],
    ['cef-header', 'a|b', 'a\\|b'],
    ['cef-header', 'a\\b', 'a\\\\b'],
    ['cef-header', 'a=b', 'a=b'],
    ['cef-header', 'line1\nline2', 'line1 line2'],
    ['cef-header', 'ünïcødé', 'ünïcødé'],
    ['cef-extension', 'plain text', 'plain text'],
    ['cef-extension', 'a=b', 'a\\=b'],
    ['cef-extension', 'a\\b', 'a\\\\b'],
    ['cef-extension', 'a|b', 'a|b'],
    ['cef-extension', 'l1\nl2', 'l1\\nl2'],
    ['cef-extension', 'l1\r\nl2', 'l1\\nl2'],
    ['cef-extension', 'l1\rl2', 'l1\\rl2'],
    ['cef-extension', 'tab\there', 'tab here'],
    ['cef-extension', '\\n literal', '\\\\n literal'],
  ] as const)('%s: %j -> %j', (escaper, input, expected) => {
    expect(ESCAPERS[escaper](input)).toBe(expected);
  });

  it.each([
    ['sd-param', 256],
    ['cef-header', 200],
    ['cef-extension', 512],
  ] as const)('%s bounds a very long value to %i characters before escaping', (escaper, max) => {
    const out = ESCAPERS[escaper]('x'.repeat(100_000));
    expect(out).toHaveLength(max);
    expect(out.endsWith('…')).toBe(true);
  });
});
