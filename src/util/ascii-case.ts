/**
 * Case folding that returns the string itself when there is nothing to fold. V8's `toLowerCase` and
 * `toUpperCase` allocate a new string even for a string already in the wanted case, and the pipeline folds
 * header names, hosts, methods and media types of every event, nearly all of them already folded.
 * Non-ASCII text goes through the built-ins, so the result is always theirs.
 *
 * @example lowerCase('content-type') === 'content-type' // the same string, nothing allocated
 */
export function lowerCase(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return s.toLowerCase();
  }
  return s;
}

/** `s.toUpperCase()`, returning `s` itself when it has no lower-case or non-ASCII character. */
export function upperCase(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || c > 127) return s.toUpperCase();
  }
  return s;
}
