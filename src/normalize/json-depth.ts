/**
 * Nesting checks for JSON bodies. Downstream stages (classify, detect) walk bodies recursively, so
 * depth is bounded at the door; these checks are iterative so a hostile body cannot blow the stack here.
 */

/** True when JSON text nests objects/arrays deeper than `max`. Ignores brackets inside strings. */
export function jsonTextTooDeep(text: string, max: number): boolean {
  // Native indexOf counting is ~10x cheaper than a char loop; most bodies have too few brackets to
  // nest past the limit at all, so the full scan only runs for bracket-heavy bodies.
  let openers = 0;
  for (let i = text.indexOf('{'); i >= 0 && openers <= max; i = text.indexOf('{', i + 1)) openers++;
  for (let i = text.indexOf('['); i >= 0 && openers <= max; i = text.indexOf('[', i + 1)) openers++;
  if (openers <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** True when a parsed JSON value nests deeper than `max` (objects and arrays count one level each). */
export function jsonValueTooDeep(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: Array<{ v: object; d: number }> = [{ v: value, d: 1 }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top.d > max) return true;
    const children = Array.isArray(top.v) ? top.v : Object.values(top.v);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push({ v: child as object, d: top.d + 1 });
    }
  }
  return false;
}
