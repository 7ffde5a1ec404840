/**
 * A small SQL lexer for injection detection. It does not parse SQL: it splits text into the tokens a SQL
 * engine would see (strings, numbers, words, variables, operators, punctuation, comments) in one linear
 * pass without regular expressions, so the detector can reason about what a value does to a query instead
 * of matching keywords. It follows the common ground of MySQL, PostgreSQL, SQL Server, Oracle and SQLite:
 * - strings in `'…'` or `"…"`, a doubled quote inside escapes it, backslashes do not (standard SQL);
 *   an unterminated string runs to the end (`closed: false`);
 * - comments `--…`, `#…` (MySQL) and `/*…*\/`; a closed block comment is whitespace (attackers use
 *   `UNION/**\/SELECT`), except MySQL's executable `/*!50000 … *\/`, whose content is lexed as code;
 * - numbers: decimal, `0x…` hex, `0b…` binary; digits glued to letters split (`1AND` is `1`, `AND`).
 */

export const TK = {
  STR: 1,
  NUM: 2,
  WORD: 3,
  VAR: 4,
  OP: 5,
  LP: 6,
  RP: 7,
  COMMA: 8,
  SEMI: 9,
  DOT: 10,
  COMMENT: 11,
  OTHER: 12,
} as const;
export type TokenType = (typeof TK)[keyof typeof TK];

export interface SqlToken {
  readonly type: TokenType;
  readonly start: number;
  readonly end: number;
  /** Lower-cased text of a word, variable or operator; content of a string (without quotes). */
  readonly text: string;
  /** Strings only: whether the closing quote was seen. */
  readonly closed?: boolean;
}

/** Most tokens lexed per call: a value longer than this is judged on its beginning (8 KiB values: plenty). */
export const MAX_SQL_TOKENS = 2048;

function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
}
function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57) || c === 36;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHex(c: number): boolean {
  return isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 102);
}
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0;
}

const TWO_CHAR_OPS = new Set(['<>', '!=', '<=', '>=', '||', '&&', ':=', '::', '<<', '>>', '=>', '^=', '|=', '&=']);
const OP_CHARS = '=<>!|&^~+-*/%:?';

/**
 * Tokens of `s` from `from` to its end.
 *
 * @example
 * lexSql("' OR 1=1--", 1).map((t) => t.type) // [WORD, NUM, OP, NUM, COMMENT]
 */
export function lexSql(s: string, from = 0): SqlToken[] {
  const out: SqlToken[] = [];
  const n = s.length;
  let i = from;
  while (i < n && out.length < MAX_SQL_TOKENS) {
    const c = s.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    // Strings.
    if (c === 39 || c === 34) {
      let j = i + 1;
      let doubled = false;
      let closed = false;
      while (j < n) {
        j = s.indexOf(s[i]!, j);
        if (j < 0) {
          j = n;
          break;
        }
        if (s.charCodeAt(j + 1) === c) {
          doubled = true;
          j += 2;
          continue;
        }
        closed = true;
        break;
      }
      const raw = s.slice(i + 1, j);
      const q = s[i]!;
      out.push({ type: TK.STR, start: i, end: closed ? j + 1 : n, text: doubled ? raw.replaceAll(q + q, q) : raw, closed });
      i = closed ? j + 1 : n;
      continue;
    }
    // Comments.
    if ((c === 45 && s.charCodeAt(i + 1) === 45) || c === 35) {
      let j = i + 1;
      while (j < n && s.charCodeAt(j) !== 10 && s.charCodeAt(j) !== 13) j++;
      out.push({ type: TK.COMMENT, start: i, end: j, text: c === 35 ? '#' : '--' });
      i = j;
      continue;
    }
    if (c === 47 && s.charCodeAt(i + 1) === 42) {
      if (s.charCodeAt(i + 2) === 33) {
        // MySQL executable comment: its content is code; skip the optional version number.
        i += 3;
        while (i < n && isDigit(s.charCodeAt(i))) i++;
        continue;
      }
      const close = s.indexOf('*/', i + 2);
      if (close < 0) {
        out.push({ type: TK.COMMENT, start: i, end: n, text: '/*' });
        i = n;
      } else {
        i = close + 2;
      }
      continue;
    }
    if (c === 42 && s.charCodeAt(i + 1) === 47) {
      // The end of an executable comment (or a stray one): whitespace.
      i += 2;
      continue;
    }
    // Numbers.
    if (isDigit(c) || (c === 46 && isDigit(s.charCodeAt(i + 1)))) {
      let j = i;
      if (c === 48 && ((s.charCodeAt(i + 1) | 32) === 120 || (s.charCodeAt(i + 1) | 32) === 98)) {
        j = i + 2;
        while (j < n && isHex(s.charCodeAt(j))) j++;
      } else {
        while (j < n && isDigit(s.charCodeAt(j))) j++;
        if (s.charCodeAt(j) === 46) {
          j++;
          while (j < n && isDigit(s.charCodeAt(j))) j++;
        }
        if ((s.charCodeAt(j) | 32) === 101 && (isDigit(s.charCodeAt(j + 1)) || ((s.charCodeAt(j + 1) === 45 || s.charCodeAt(j + 1) === 43) && isDigit(s.charCodeAt(j + 2))))) {
          j += 2;
          while (j < n && isDigit(s.charCodeAt(j))) j++;
        }
      }
      out.push({ type: TK.NUM, start: i, end: j, text: s.slice(i, j).toLowerCase() });
      i = j;
      continue;
    }
    // Words (identifiers and keywords); non-ASCII letters are word characters.
    if (isWordStart(c)) {
      let j = i + 1;
      while (j < n && isWordPart(s.charCodeAt(j))) j++;
      out.push({ type: TK.WORD, start: i, end: j, text: s.slice(i, j).toLowerCase() });
      i = j;
      continue;
    }
    // Variables: @x, @@version.
    if (c === 64) {
      let j = i + 1;
      if (s.charCodeAt(j) === 64) j++;
      while (j < n && isWordPart(s.charCodeAt(j))) j++;
      out.push({ type: TK.VAR, start: i, end: j, text: s.slice(i, j).toLowerCase() });
      i = j;
      continue;
    }
    // Quoted identifiers: `name`, [name] are words.
    if (c === 96) {
      const close = s.indexOf('`', i + 1);
      const end = close < 0 ? n : close + 1;
      out.push({ type: TK.WORD, start: i, end, text: s.slice(i + 1, close < 0 ? n : close).toLowerCase() });
      i = end;
      continue;
    }
    if (c === 40) {
      out.push({ type: TK.LP, start: i, end: i + 1, text: '(' });
      i++;
      continue;
    }
    if (c === 41) {
      out.push({ type: TK.RP, start: i, end: i + 1, text: ')' });
      i++;
      continue;
    }
    if (c === 44) {
      out.push({ type: TK.COMMA, start: i, end: i + 1, text: ',' });
      i++;
      continue;
    }
    if (c === 59) {
      out.push({ type: TK.SEMI, start: i, end: i + 1, text: ';' });
      i++;
      continue;
    }
    if (c === 46) {
      out.push({ type: TK.DOT, start: i, end: i + 1, text: '.' });
      i++;
      continue;
    }
    if (OP_CHARS.indexOf(s[i]!) >= 0) {
      const two = s.slice(i, i + 2);
      if (TWO_CHAR_OPS.has(two)) {
        const three = s.slice(i, i + 3) === '<=>' ? 3 : 2;
        out.push({ type: TK.OP, start: i, end: i + three, text: s.slice(i, i + three) });
        i += three;
      } else {
        out.push({ type: TK.OP, start: i, end: i + 1, text: s[i]! });
        i++;
      }
      continue;
    }
    out.push({ type: TK.OTHER, start: i, end: i + 1, text: s[i]! });
    i++;
  }
  return out;
}
