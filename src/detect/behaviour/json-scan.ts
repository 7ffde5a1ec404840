/**
 * A single-pass reader of `"key": value` pairs in JSON text, for the two things the behavioural detectors
 * need from bodies: the username of a login request and the ids a response gave an actor. It never builds
 * the document (no `JSON.parse`, no allocation per pair), reads at most `limit` characters, and visits each
 * character once, so an attacker's body costs linear time whatever its shape. It is a scanner, not a
 * validator: on malformed JSON it reads what pairs it can.
 *
 * Two forms: `nextJsonPair`, a cursor that fills a caller's `JsonPair` (the detectors' hot path: no closure
 * per body, nothing allocated per pair), and `scanJsonPairs`, a visitor over the same pairs.
 */

/** Called for each pair whose value is a string or a number; return true to stop. Offsets index `text`. */
export type PairVisitor = (keyStart: number, keyEnd: number, valueStart: number, valueEnd: number, isString: boolean) => boolean;

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** End (exclusive, at the closing quote) of the string opening at `i` (the quote), or -1 when cut. */
function stringEnd(text: string, i: number, limit: number): number {
  for (let j = i + 1; j < limit; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j;
  }
  return -1;
}

/** A pair found by `nextJsonPair`: offsets into the text, and where the scan goes on. */
export interface JsonPair {
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
  isString: boolean;
  /** Where the next call starts. */
  next: number;
}

/** A `JsonPair` to fill (one per caller, reused for every pair it reads). */
export function jsonPair(): JsonPair {
  return { keyStart: 0, keyEnd: 0, valueStart: 0, valueEnd: 0, isString: false, next: 0 };
}

/**
 * Finds the first pair whose value is a string or a number at or after `from`, reading no further than `n`
 * (`min(text.length, limit)`), into `out`; false when there is none (or the text is cut inside one).
 *
 * @example
 * const p = jsonPair();
 * const end = Math.min(text.length, 8192);
 * for (let i = 0; nextJsonPair(text, i, end, p); i = p.next) use(p.keyStart, p.keyEnd, p.valueStart, p.valueEnd);
 */
export function nextJsonPair(text: string, from: number, n: number, out: JsonPair): boolean {
  let i = from;
  while (i < n) {
    if (text.charCodeAt(i) !== QUOTE) {
      i++;
      continue;
    }
    const keyEnd = stringEnd(text, i, n);
    if (keyEnd < 0) return false;
    let j = keyEnd + 1;
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    if (j >= n || text.charCodeAt(j) !== COLON) {
      // A string value (or an array item), not a key: go on after it.
      i = keyEnd + 1;
      continue;
    }
    j++;
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    if (j >= n) return false;
    const c = text.charCodeAt(j);
    if (c === QUOTE) {
      const close = stringEnd(text, j, n);
      if (close < 0) return false;
      return found(out, i + 1, keyEnd, j + 1, close, true, close + 1);
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      let close = j + 1;
      while (close < n) {
        const d = text.charCodeAt(close);
        if (!((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45)) break;
        close++;
      }
      return found(out, i + 1, keyEnd, j, close, false, close);
    } else {
      // Objects, arrays, literals: their own keys are found as the scan goes on.
      i = j;
    }
  }
  return false;
}

function found(out: JsonPair, keyStart: number, keyEnd: number, valueStart: number, valueEnd: number, isString: boolean, next: number): true {
  out.keyStart = keyStart;
  out.keyEnd = keyEnd;
  out.valueStart = valueStart;
  out.valueEnd = valueEnd;
  out.isString = isString;
  out.next = next;
  return true;
}

/** Visits every pair `nextJsonPair` finds in the first `limit` characters, until `visit` returns true. */
export function scanJsonPairs(text: string, limit: number, visit: PairVisitor): void {
  const end = Math.min(text.length, limit);
  const p = jsonPair();
  for (let i = 0; nextJsonPair(text, i, end, p); i = p.next) if (visit(p.keyStart, p.keyEnd, p.valueStart, p.valueEnd, p.isString)) return;
}

/** Whether `text[start, end)` equals `word` (ASCII), without slicing. */
export function rangeEquals(text: string, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (text.charCodeAt(start + k) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * Whether a key names an object id: `id`, `sku`, `uuid`, `slug`, or camel/snake/kebab case ending in id
 * (`orderId`, `order_id`, `order-id`, `orderID`), never a word that merely ends in "id" (`paid`, `valid`).
 */
export function isIdKey(text: string, start: number, end: number): boolean {
  const len = end - start;
  if (len < 2 || len > 64) return false;
  const a = text.charCodeAt(end - 2);
  const b = text.charCodeAt(end - 1);
  if (len === 2) return (a === 105 || a === 73) && (b === 100 || b === 68);
  if ((a === 73 && (b === 100 || b === 68)) || ((a === 105 || a === 73) && b === 100 && (text.charCodeAt(end - 3) === 95 || text.charCodeAt(end - 3) === 45))) return true;
  return rangeEquals(text, start, end, 'sku') || rangeEquals(text, start, end, 'uuid') || rangeEquals(text, start, end, 'slug');
}
