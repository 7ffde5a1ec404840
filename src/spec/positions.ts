/**
 * Where a JSON pointer is written in a source text: 1-based line and column of the element's key (of the
 * item itself inside a list, of the document for the root), or of the nearest written ancestor when the
 * pointer names nothing written.
 *
 * Two sources of positions:
 * - YAML: the `yaml` package's document AST and `LineCounter` (aliases and `<<` merge keys are followed).
 * - JSON: `JSON.parse` gives the value fast but no positions, so `jsonLocator` scans the text once, on the
 *   first `locate` call, into a flat index (typed arrays: node kind, key offset, value offset, end of
 *   subtree, in document order) and builds a name -> child map per object lazily, the first time a
 *   pointer goes through it. GitHub's 13 MB spec indexes in well under a second and costs ~20 bytes a node.
 *
 * @example
 *   const locate = jsonLocator('{\n  "a": {"b": 1}\n}');
 *   locate('/a/b') // -> { line: 2, column: 9 }
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import { parseJsonPointer } from './resolve.js';

export interface Position {
  line: number;
  column: number;
}

/** Pointer -> position; never throws (a malformed pointer gives the root's position). */
export type Locator = (pointer: string) => Position;

function segmentsOf(pointer: string): string[] {
  try {
    return parseJsonPointer(pointer);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------- YAML

/** Positions from a parsed YAML (or JSON-as-YAML) document. */
export function yamlLocator(doc: Document, lineCounter: LineCounter): Locator {
  const index = new WeakMap<object, Map<string, Pair>>();
  const pos = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const deref = (n: unknown): unknown => {
    for (let i = 0; i < 100 && isAlias(n); i++) n = n.resolve(doc);
    return n;
  };
  const pairsOf = (map: unknown): Map<string, Pair> => {
    let m = index.get(map as object);
    if (m) return m;
    m = new Map();
    // Merge keys (`<<: *base`) first, so the map's own keys win, as in the loaded value.
    const own: Pair[] = [];
    const merged: Pair[] = [];
    for (const item of (map as { items: unknown[] }).items) {
      if (!isPair(item)) continue;
      const key = isScalar(item.key) ? item.key.value : item.key;
      // With `merge: true` the key's value is a symbol whose source is `<<`.
      if (isScalar(item.key) && (key === '<<' || (typeof key === 'symbol' && (item.key as { source?: unknown }).source === '<<'))) {
        const v = deref(item.value);
        const sources = isSeq(v) ? v.items.map(deref) : [v];
        for (const src of sources) if (isMap(src)) for (const p of pairsOf(src).values()) merged.push(p);
      } else {
        own.push(item);
      }
    }
    for (const p of [...merged, ...own]) {
      const key = isScalar(p.key) ? p.key.value : p.key;
      if (key === null || (typeof key !== 'object' && typeof key !== 'symbol')) m.set(String(key), p);
    }
    index.set(map as object, m);
    return m;
  };
  return (pointer) => {
    let node: unknown = deref(doc.contents);
    let at = (node as Node | null)?.range?.[0] ?? 0;
    for (const seg of segmentsOf(pointer)) {
      if (isMap(node)) {
        const pair = pairsOf(node).get(seg);
        if (!pair) break;
        at = (pair.key as Node | null)?.range?.[0] ?? (pair.value as Node | null)?.range?.[0] ?? at;
        node = deref(pair.value);
      } else if (isSeq(node)) {
        if (!/^(0|[1-9]\d*)$/.test(seg)) break;
        const item = node.items[Number(seg)];
        if (item === undefined) break;
        at = (item as Node | null)?.range?.[0] ?? at;
        node = deref(item);
      } else {
        break;
      }
    }
    return pos(at);
  };
}

// ---------------------------------------------------------------- line index

/** Offset -> 1-based line and column (in UTF-16 code units, as editors count for most text). */
export function lineIndex(text: string): (offset: number) => Position {
  let starts: Int32Array | null = null;
  return (offset) => {
    if (!starts) {
      let n = 1;
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
      starts = new Int32Array(n);
      let k = 1;
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts[k++] = i + 1;
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}

// ---------------------------------------------------------------- JSON

const KIND_SCALAR = 0;
const KIND_OBJECT = 1;
const KIND_ARRAY = 2;

interface JsonIndex {
  kind: Uint8Array;
  keyStart: Int32Array;
  valueStart: Int32Array;
  /** Index of the first node after this node's subtree. */
  end: Int32Array;
  count: number;
}

const isWs = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/** Index of the closing quote of the string whose opening quote is at `start` (or the text's length). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 92) i += 2;
    else if (c === 34) return i;
    else i++;
  }
  return text.length;
}

/**
 * One linear pass over text that `JSON.parse` accepted. Iterative (an explicit stack of open
 * containers), so nesting depth costs no call stack.
 */
function buildJsonIndex(text: string): JsonIndex {
  let cap = Math.max(16, text.length >> 4);
  let kind = new Uint8Array(cap);
  let keyStart = new Int32Array(cap);
  let valueStart = new Int32Array(cap);
  let end = new Int32Array(cap);
  let count = 0;
  const open: number[] = [];
  let expectKey = false;
  let pendingKey = -1;
  const add = (k: number, valStart: number): number => {
    if (count === cap) {
      cap *= 2;
      const grow = <A extends Int32Array | Uint8Array>(a: A, make: (n: number) => A): A => {
        const b = make(cap);
        b.set(a);
        return b;
      };
      kind = grow(kind, (n) => new Uint8Array(n));
      keyStart = grow(keyStart, (n) => new Int32Array(n));
      valueStart = grow(valueStart, (n) => new Int32Array(n));
      end = grow(end, (n) => new Int32Array(n));
    }
    kind[count] = k;
    keyStart[count] = pendingKey;
    valueStart[count] = valStart;
    end[count] = count + 1;
    pendingKey = -1;
    return count++;
  };
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isWs(c) || c === 58 /* : */) {
      i++;
    } else if (c === 44 /* , */) {
      expectKey = open.length > 0 && kind[open[open.length - 1]!] === KIND_OBJECT;
      i++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      const n = open.pop();
      if (n !== undefined) end[n] = count;
      expectKey = false;
      i++;
    } else if (c === 34 /* " */ && expectKey) {
      pendingKey = i;
      expectKey = false;
      i = stringEnd(text, i) + 1;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      open.push(add(c === 123 ? KIND_OBJECT : KIND_ARRAY, i));
      expectKey = c === 123;
      i++;
    } else if (c === 34) {
      add(KIND_SCALAR, i);
      i = stringEnd(text, i) + 1;
    } else {
      add(KIND_SCALAR, i);
      while (i < text.length) {
        const d = text.charCodeAt(i);
        if (isWs(d) || d === 44 || d === 125 || d === 93) break;
        i++;
      }
    }
  }
  while (open.length) end[open.pop()!] = count;
  return { kind, keyStart, valueStart, end, count };
}

/**
 * Positions in JSON text that `JSON.parse` accepted (leading BOM already removed). Nothing is scanned
 * until the first call.
 */
export function jsonLocator(text: string): Locator {
  let index: JsonIndex | null = null;
  const objects = new Map<number, Map<string, number>>();
  const arrays = new Map<number, number[]>();
  const toPos = lineIndex(text);
  const keyOf = (ix: JsonIndex, n: number): string => {
    const ks = ix.keyStart[n]!;
    const ke = stringEnd(text, ks);
    const raw = text.slice(ks + 1, ke);
    if (!raw.includes('\\')) return raw;
    try {
      return JSON.parse(text.slice(ks, ke + 1)) as string;
    } catch {
      return raw;
    }
  };
  const childrenOfObject = (ix: JsonIndex, n: number): Map<string, number> => {
    let m = objects.get(n);
    if (!m) {
      m = new Map();
      // Later duplicates win, as with JSON.parse.
      for (let c = n + 1; c < ix.end[n]!; c = ix.end[c]!) if (ix.keyStart[c]! >= 0) m.set(keyOf(ix, c), c);
      objects.set(n, m);
    }
    return m;
  };
  const childrenOfArray = (ix: JsonIndex, n: number): number[] => {
    let a = arrays.get(n);
    if (!a) {
      a = [];
      for (let c = n + 1; c < ix.end[n]!; c = ix.end[c]!) a.push(c);
      arrays.set(n, a);
    }
    return a;
  };
  return (pointer) => {
    index ??= buildJsonIndex(text);
    const ix = index;
    if (ix.count === 0) return { line: 1, column: 1 };
    let n = 0;
    for (const seg of segmentsOf(pointer)) {
      let next: number | undefined;
      if (ix.kind[n] === KIND_OBJECT) next = childrenOfObject(ix, n).get(seg);
      else if (ix.kind[n] === KIND_ARRAY && /^(0|[1-9]\d*)$/.test(seg)) next = childrenOfArray(ix, n)[Number(seg)];
      if (next === undefined) break;
      n = next;
    }
    const ks = ix.keyStart[n]!;
    return toPos(ks >= 0 ? ks : ix.valueStart[n]!);
  };
}

/**
 * The first syntax error in JSON text, with its offset, or null when the text is valid JSON. Used to
 * report `file:line:column` when `JSON.parse` fails (its messages differ between Node versions and do
 * not always carry a position). Iterative, so deep nesting is fine.
 */
export function findJsonSyntaxError(text: string): { offset: number; message: string } | null {
  let i = 0;
  const n = text.length;
  const fail = (message: string, at = i) => ({ offset: Math.min(at, n), message });
  const ws = () => {
    while (i < n && isWs(text.charCodeAt(i))) i++;
  };
  const show = (at: number) => (at >= n ? 'end of input' : `'${text[at]}'`);
  // Each open container: 'o' object, 'a' array.
  const stack: Array<'o' | 'a'> = [];

  const scalar = (): { offset: number; message: string } | null => {
    const c = text[i];
    if (c === '"') {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 34) {
          i++;
          return null;
        }
        if (d < 0x20) return fail('control character in string');
        if (d === 92) {
          const e = text[i + 1];
          if (e === 'u') {
            if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail('invalid \\u escape');
            i += 6;
          } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
            i += 2;
          } else {
            return fail('invalid escape in string');
          }
        } else {
          i++;
        }
      }
      return fail('unterminated string', start);
    }
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return null;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m && m[0].length > 0 && m[0] !== '-') {
      i += m[0].length;
      return null;
    }
    return fail(`unexpected ${show(i)}`);
  };

  ws();
  if (i >= n) return fail('empty document');
  // State machine: 'value' expects a value, 'after' expects ',' / close / end, 'key' expects a key.
  let state: 'value' | 'after' | 'key' | 'firstKey' | 'firstValue' = 'value';
  for (;;) {
    ws();
    const c = text[i];
    if (state === 'value' || state === 'firstValue') {
      if (state === 'firstValue' && c === ']') {
        stack.pop();
        i++;
        state = 'after';
      } else if (c === '{') {
        stack.push('o');
        i++;
        state = 'firstKey';
      } else if (c === '[') {
        stack.push('a');
        i++;
        state = 'firstValue';
      } else {
        const err = scalar();
        if (err) return err;
        state = 'after';
      }
    } else if (state === 'key' || state === 'firstKey') {
      if (state === 'firstKey' && c === '}') {
        stack.pop();
        i++;
        state = 'after';
        continue;
      }
      if (c !== '"') return fail(`expected a property name, found ${show(i)}`);
      const err = scalar();
      if (err) return err;
      ws();
      if (text[i] !== ':') return fail(`expected ':', found ${show(i)}`);
      i++;
      state = 'value';
    } else {
      const top = stack[stack.length - 1];
      if (top === undefined) return i >= n ? null : fail(`unexpected ${show(i)} after the document`);
      if (c === ',') {
        i++;
        state = top === 'o' ? 'key' : 'value';
      } else if ((c === '}' && top === 'o') || (c === ']' && top === 'a')) {
        stack.pop();
        i++;
      } else {
        return fail(`expected ',' or '${top === 'o' ? '}' : ']'}', found ${show(i)}`);
      }
    }
  }
}
