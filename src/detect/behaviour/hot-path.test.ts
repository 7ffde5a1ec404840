import { describe, expect, it } from 'vitest';
import { lowerCase } from '../../util/ascii-case.js';
import { isPrivateAddress } from './actor.js';
import { removeAt } from './state.js';
import { isNoneAlg } from '../../redact/credential-facts.js';

/**
 * The small helpers that replaced allocating expressions on the engine's hot path, each checked against the
 * expression it replaced (kept here as the oracle) on the inputs where they could differ: case, length,
 * non-ASCII characters that case-fold unusually (`İ` lower-cases to two characters, the Kelvin sign to `k`).
 */

const TRICKY = ['', 'n', 'none', 'NONE', 'None', 'nOnE', 'non', 'nonee', 'HS256', 'RS256', 'ES384', 'n\u0130ne', '\u212Aone', 'none\u0130', 'ｎｏｎｅ', 'n0ne', 'N\u00d4NE', ' none'];

describe('isNoneAlg', () => {
  it.each(TRICKY)('agrees with lowerCase(alg) === "none" on %j', (alg) => {
    expect(isNoneAlg(alg)).toBe(lowerCase(alg) === 'none');
  });
});

/** ORACLE, verbatim copy of the last branch of `isPrivateAddress` as it was before (it lower-cased a slice). */
function oraclePrivateTail(a: string): boolean {
  const lower = a.length > 4 ? a.slice(0, 4).toLowerCase() : a.toLowerCase();
  return lower.startsWith('fc') || lower.startsWith('fd') || lower.startsWith('fe80');
}

/** ORACLE, verbatim copy of `isPrivateAddress` as it was before. */
function oraclePrivate(a: string): boolean {
  const c = a.charCodeAt(0);
  if (c === 49) {
    if (a.startsWith('10.') || a.startsWith('127.') || a.startsWith('192.168.') || a.startsWith('169.254.')) return true;
    if (a.startsWith('172.')) {
      const dot = a.indexOf('.', 4);
      const second = Number(a.slice(4, dot));
      return second >= 16 && second <= 31;
    }
    return false;
  }
  if (c === 58) return a === '::1';
  return oraclePrivateTail(a);
}

describe('isPrivateAddress', () => {
  const ADDRESSES = [
    '', 'f', 'F', 'fc', 'FC', 'fd00::1', 'FD12:3456::1', 'fe80::1', 'FE80::1', 'Fe8', 'fe8', 'fe81::1', 'fe90::1', 'fb00::1',
    'fc', 'f\u0130', '\u0130c00::', 'fcx', 'ff02::1', '2001:db8::1', '::1', '::2', '10.0.0.1', '172.16.0.1', '172.32.0.1',
    '192.168.1.1', '198.51.100.7', '203.0.113.9', '8.8.8.8', 'e80::1', 'fE80', 'FE8\u0660',
  ];
  it.each(ADDRESSES)('agrees with the previous code on %j', (a) => {
    expect(isPrivateAddress(a)).toBe(oraclePrivate(a));
  });

  it('agrees on every string of up to three characters drawn from the characters that matter', () => {
    const chars = ['f', 'F', 'c', 'C', 'd', 'D', 'e', 'E', '8', '0', '1', ':', '.', '\u0130', '\u212A', 'g', ''];
    for (const x of chars) for (const y of chars) for (const z of chars) for (const w of ['', '0', '1']) {
      const a = x + y + z + w;
      expect([a, isPrivateAddress(a)]).toEqual([a, oraclePrivate(a)]);
    }
  });
});

describe('removeAt', () => {
  it('removes like splice(i, 1), keeping the order of the rest', () => {
    for (let n = 1; n <= 6; n++) {
      for (let i = 0; i < n; i++) {
        const a = Array.from({ length: n }, (_, k) => k * 10);
        const b = [...a];
        removeAt(a, i);
        b.splice(i, 1);
        expect(a).toEqual(b);
      }
    }
  });
});
