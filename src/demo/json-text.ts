/**
 * A JSON string literal with every non-ASCII character escaped as `\uXXXX` (what Python's `json.dumps`
 * and Jackson's ESCAPE_NON_ASCII emit). Keeping every JSON body pure ASCII lets a body's byte size be its
 * `length`: measuring UTF-8 size forces V8 to flatten the concatenated string, which halved generation speed.
 */
export function jsonString(s: string): string {
  const quoted = JSON.stringify(s);
  return NON_ASCII.test(quoted) ? quoted.replace(NON_ASCII_G, escapeChar) : quoted;
}

const NON_ASCII = /[^\x00-\x7f]/;
const NON_ASCII_G = /[^\x00-\x7f]/g;

function escapeChar(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
}
