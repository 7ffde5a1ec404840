import { describe, expect, it } from 'vitest';
import { rng } from './fixtures/kit.js';
import { jsonPair, nextJsonPair, scanJsonPairs, type PairVisitor } from './json-scan.js';

/**
 * ORACLE, verbatim copy of `scanJsonPairs` as it was before the cursor (`nextJsonPair`) replaced it on the
 * hot path. Kept only to prove that the cursor finds the same pairs, at the same offsets, in the same order,
 * and stops at the same place; do not use it elsewhere.
 */
function oracleScanJsonPairs(text: string, limit: number, visit: PairVisitor): void {
  const QUOTE = 34;
  const BACKSLASH = 92;
  const COLON = 58;
  const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
  const stringEnd = (i: number, lim: number): number => {
    for (let j = i + 1; j < lim; j++) {
      const c = text.charCodeAt(j);
      if (c === BACKSLASH) j++;
      else if (c === QUOTE) return j;
    }
    return -1;
  };
  const n = Math.min(text.length, limit);
  let i = 0;
  while (i < n) {
    if (text.charCodeAt(i) !== QUOTE) {
      i++;
      continue;
    }
    const keyEnd = stringEnd(i, n);
    if (keyEnd < 0) return;
    let j = keyEnd + 1;
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    if (j >= n || text.charCodeAt(j) !== COLON) {
      i = keyEnd + 1;
      continue;
    }
    j++;
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    if (j >= n) return;
    const c = text.charCodeAt(j);
    if (c === QUOTE) {
      const end = stringEnd(j, n);
      if (end < 0) return;
      if (visit(i + 1, keyEnd, j + 1, end, true)) return;
      i = end + 1;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      let end = j + 1;
      while (end < n) {
        const d = text.charCodeAt(end);
        if (!((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45)) break;
        end++;
      }
      if (visit(i + 1, keyEnd, j, end, false)) return;
      i = end;
    } else {
      i = j;
    }
  }
}

type Visit = [number, number, number, number, boolean];

/** Pairs as the oracle visits them, stopping after `stopAfter`. */
function viaOracle(text: string, limit: number, stopAfter = Infinity): Visit[] {
  const out: Visit[] = [];
  oracleScanJsonPairs(text, limit, (ks, ke, vs, ve, s) => (out.push([ks, ke, vs, ve, s]), out.length >= stopAfter));
  return out;
}

/** Pairs as the cursor finds them. */
function viaCursor(text: string, limit: number, stopAfter = Infinity): Visit[] {
  const out: Visit[] = [];
  const p = jsonPair();
  const end = Math.min(text.length, limit);
  for (let i = 0; out.length < stopAfter && nextJsonPair(text, i, end, p); i = p.next) out.push([p.keyStart, p.keyEnd, p.valueStart, p.valueEnd, p.isString]);
  return out;
}

/** Random JSON-ish text: valid documents, and their pieces cut and spliced (the scanner must not care). */
function fuzzText(r: () => number): string {
  const atoms = ['"id"', '"orderId"', ':', ' ', '\n', ',', '{', '}', '[', ']', '"a\\"b"', '"x"', '-1.5e+3', '42', 'true', 'null', '"', '\\', '"k": "v"', '"n":7', '"é"'];
  let s = '';
  const len = Math.floor(r() * 60);
  for (let k = 0; k < len; k++) s += atoms[Math.floor(r() * atoms.length)]!;
  return s;
}

describe('nextJsonPair finds exactly the pairs the visitor scan found', () => {
  const DOCS = [
    '{"id":1,"orderId":"o-9","items":[{"sku":"S1","qty":2},{"sku":"S2"}],"paid":true}',
    '{"user": {"email" :  "a@b.example", "name":"A \\"quoted\\" name"}, "n": -12.5e3}',
    '["a", "b", {"c": "d"}]',
    '{"cut": "unterminated',
    '{"k":',
    '{"k": ',
    '"lonely string"',
    '',
    '{"a":{"b":{"c":[1,2,{"id":"x"}]}}}',
  ];

  it.each(DOCS)('%j', (doc) => {
    for (const limit of [0, 5, 17, 40, Infinity]) expect(viaCursor(doc, limit)).toEqual(viaOracle(doc, limit));
  });

  it('on 5,000 random fragments, whole and with the scan stopped after the first pair', () => {
    const r = rng(7);
    for (let k = 0; k < 5000; k++) {
      const text = fuzzText(r);
      const limit = r() < 0.3 ? Math.floor(r() * text.length) : Infinity;
      expect(viaCursor(text, limit)).toEqual(viaOracle(text, limit));
      expect(viaCursor(text, limit, 1)).toEqual(viaOracle(text, limit, 1));
    }
  });

  it('scanJsonPairs (now built on the cursor) visits the same pairs and stops when told', () => {
    const doc = DOCS[0]!;
    const got: Visit[] = [];
    scanJsonPairs(doc, Infinity, (ks, ke, vs, ve, s) => (got.push([ks, ke, vs, ve, s]), got.length === 3));
    expect(got).toEqual(viaOracle(doc, Infinity, 3));
    expect(got.map(([ks, ke]) => doc.slice(ks, ke))).toEqual(['id', 'orderId', 'sku']);
  });

  it('reports where to go on, so a reused pair object reads a whole body', () => {
    const text = '{"id":12,"name":"x"}';
    const p = jsonPair();
    expect(nextJsonPair(text, 0, text.length, p)).toBe(true);
    expect([text.slice(p.keyStart, p.keyEnd), text.slice(p.valueStart, p.valueEnd), p.isString]).toEqual(['id', '12', false]);
    expect(nextJsonPair(text, p.next, text.length, p)).toBe(true);
    expect([text.slice(p.keyStart, p.keyEnd), text.slice(p.valueStart, p.valueEnd), p.isString]).toEqual(['name', 'x', true]);
    expect(nextJsonPair(text, p.next, text.length, p)).toBe(false);
  });
});
