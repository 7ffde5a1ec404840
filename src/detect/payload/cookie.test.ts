import { describe, expect, it } from 'vitest';
import { COOKIE_SERIALIZED_OBJECT, serializedFormat } from './cookie.js';
import { COOKIE_CASES } from './fixtures/cookie.cases.js';
import { runCases } from './fixtures/run-cases.js';

describe('cookie-serialized-object', () => {
  runCases([COOKIE_SERIALIZED_OBJECT], COOKIE_CASES);

  it('rates a pickle with a code-running callable above a data-only one', () => {
    const c = (value: string) => COOKIE_SERIALIZED_OBJECT.detect({ location: 'cookie', name: 's', value })!.confidence;
    expect(c('gAJjcG9zaXgKc3lzdGVtCnEAWAIAAABpZHEBhXECUnEDLg==')).toBeGreaterThan(c('gASVIwAAAAAAAAB9lCiMBHVzZXKUjAVhbGljZZSMBGNhcnSUXZQoSwFLAmV1Lg=='));
  });

  it('shows the readable part of the decoded object as evidence', () => {
    const m = COOKIE_SERIALIZED_OBJECT.detect({ location: 'cookie', name: 's', value: 'gAJjcG9zaXgKc3lzdGVtCnEAWAIAAABpZHEBhXECUnEDLg==' });
    expect(m!.fragment).toContain('Python pickle (base64)');
    expect(m!.fragment).toContain('posix');
  });

  it.each([
    ['\u0080\u0004\u0095', 'pickle'],
    ['\u00ac\u00ed\u0000\u0005sr', 'java'],
    ['O:3:"Foo":0:{}', 'php-object'],
    ['hello', null],
  ] as const)('recognises the format of %j', (text, format) => {
    expect(serializedFormat(text)).toBe(format);
  });
});
