/**
 * A single-pass reader of `"key": value` pairs in JSON text, for the two things the behavioural detectors
 * need from bodies: the username of a login request and the ids a response gave an actor. It never builds
 * the document (no `JSON.parse`, no allocation per pair), reads at most `limit` characters, and visits each
 * character once, so an attacker's body costs linear time whatever its shape. It is a scanner, not a
 * validator: on malformed JSON it reads what pairs it can.
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

export function scanJsonPairs(text: string, limit: number, visit: PairVisitor): void {
  const n = Math.min(text.length, limit);
  let i = 0;
  while (i < n) {
    if (text.charCodeAt(i) !== QUOTE) {
      i++;
      continue;
    }
    const keyEnd = stringEnd(text, i, n);
    if (keyEnd < 0) return;
    let j = keyEnd + 1;
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    if (j >= n || text.charCodeAt(j) !== COLON) {
      // A string value (or an array item), not a key: go on after it.
      i = keyEnd + 1;
      continue;
    }
    j++;
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    if (j >= n) return;
    const c = text.charCodeAt(j);
    if (c === QUOTE) {
      const end = stringEnd(text, j, n);
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
      // Objects, arrays, literals: their own keys are found as the scan goes on.
      i = j;
    }
  }
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
