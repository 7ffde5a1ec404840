import type { InspectedValue } from '../types.js';
import { CHAR, conf, type PayloadDetector, type PayloadMatch } from './detector.js';
import { lexSql, TK, type SqlToken } from './sql-lexer.js';

/**
 * SQL injection by tokenising. A value is injected into a query in one of three places: inside a
 * single-quoted string, inside a double-quoted string, or bare (a number or identifier). For each place the
 * value could sit in, the detector lexes what the SQL engine would see after the value leaves its place (after
 * the first quote that closes the string, or from the start when bare) and asks whether that is an attack:
 * a tautology (`' OR 'a'='a`), a boolean or time-based probe (`' AND SLEEP(5)`), `UNION SELECT`, a stacked
 * statement (`'; DROP TABLE`), or a comment that truncates the rest of the query (`admin'--`). Prose with
 * apostrophes ("O'Brien", "rock 'n' roll") and SQL words ("select your size", "drop-down") stays text: after
 * the apostrophe comes a word, not an operator or a statement.
 */

const LOGIC = new Set(['or', 'and', 'xor', '||', '&&']);
const COMPARE = new Set(['=', '<>', '!=', '<', '>', '<=', '>=', '<=>', 'like', 'rlike', 'regexp', 'is', 'in', 'between', 'sounds', 'glob']);
/** Functions that only make sense in probing: time delays, error-based extraction, file access. */
const PROBE_FUNCS = new Set([
  'sleep', 'benchmark', 'pg_sleep', 'randomblob', 'extractvalue', 'updatexml', 'load_file', 'dbms_pipe',
  'utl_inaddr', 'utl_http', 'dbms_xmlgen', 'xp_cmdshell', 'xp_dirtree', 'sp_executesql', 'ctxsys', 'exp', 'geometrycollection',
  'polygon', 'multipoint', 'json_keys', 'gtid_subset', 'make_set', 'elt', 'name_const',
]);
/** Functions common in blind extraction (`ASCII(SUBSTRING((SELECT …),1,1))>64`). */
const EXTRACT_FUNCS = new Set([
  'ascii', 'ord', 'substring', 'substr', 'mid', 'char', 'chr', 'concat', 'group_concat', 'concat_ws', 'length', 'len',
  'if', 'iif', 'ifnull', 'isnull', 'nullif', 'coalesce', 'case', 'cast', 'convert', 'version', 'database', 'user',
  'current_user', 'system_user', 'schema', 'db_name', 'hex', 'unhex', 'count', 'rand', 'floor', 'exists', 'select',
]);
const META_TABLES = new Set([
  'information_schema', 'sysobjects', 'syscolumns', 'sysusers', 'pg_catalog', 'pg_tables', 'pg_user', 'pg_shadow',
  'sqlite_master', 'sqlite_schema', 'all_tables', 'user_tables', 'all_users', 'msysobjects', 'mysql', 'sys',
  'master', 'dba_users', 'v$version',
]);
const TIME_WORDS = new Set(['delay', 'time']);
const NUMERIC_LITERALS = new Set(['true', 'false', 'null']);

/**
 * Words that make a bare value worth lexing (checked without allocating; see `triggerWords`). Weak ones
 * ("or", "and", "order") are everyday words: they only count next to an operator character.
 */
const STRONG_TRIGGERS = [
  'union', 'select', 'sleep', 'benchmark', 'waitfor', 'pg_sleep', 'drop', 'insert', 'delete', 'update', 'exec',
  'execute', 'declare', 'shutdown', 'truncate', 'alter', 'create', 'information_schema', 'load_file', 'outfile',
  'dumpfile', 'extractvalue', 'updatexml', 'procedure', 'xp_cmdshell', 'sysobjects', 'pg_catalog', 'sqlite_master',
];
const WEAK_TRIGGERS = ['or', 'and', 'xor', 'having', 'order', 'group', 'not'];
function wordHash(s: string, start: number, end: number): number {
  let h = 5381;
  for (let i = start; i < end; i++) h = ((h * 33) ^ (s.charCodeAt(i) | 32)) >>> 0;
  return h;
}
const STRONG_HASHES = new Set(STRONG_TRIGGERS.map((w) => wordHash(w, 0, w.length)));
const WEAK_HASHES = new Set(WEAK_TRIGGERS.map((w) => wordHash(w, 0, w.length)));
export const TRIGGER_NONE = 0;
export const TRIGGER_WEAK = 1;
export const TRIGGER_STRONG = 2;

/**
 * The strongest trigger word in `s`, case-insensitive, as a whole word or glued upper-case to a value
 * (`registroAND`, `5OR`; "color" is prose). Hash collisions only cost a lex.
 */
export function triggerWords(s: string): number {
  let found = TRIGGER_NONE;
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    const l = c | 32;
    if ((l >= 97 && l <= 122) || c === 95) {
      let j = i + 1;
      while (j < n) {
        const d = s.charCodeAt(j);
        const m = d | 32;
        if ((m >= 97 && m <= 122) || d === 95) j++;
        else break;
      }
      const len = j - i;
      if (len >= 2 && len <= 18) {
        const h = wordHash(s, i, j);
        if (STRONG_HASHES.has(h)) return TRIGGER_STRONG;
        if (WEAK_HASHES.has(h)) found = TRIGGER_WEAK;
      }
      if (len > 2 && isUpper(s.charCodeAt(j - 1)) && isUpper(s.charCodeAt(j - 2))) {
        const k = isUpper(s.charCodeAt(j - 3)) && j - 3 > i ? j - 3 : j - 2;
        if (k > i && !isUpper(s.charCodeAt(k - 1)) && WEAK_HASHES.has(wordHash(s, k, j))) found = TRIGGER_WEAK;
      }
      i = j;
    } else {
      i++;
    }
  }
  return found;
}

/** Characters without which a weak trigger cannot form an attack: `1 OR 1=1`, `1 AND (…)`, `1 ORDER BY 2--`. */
function hasOperatorChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 61 || c === 60 || c === 62 || c === 40 || c === 59 || c === 35 || c === 45 || c === 42 || c === 124 || c === 38 || (c >= 48 && c <= 57)) return true;
  }
  return false;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

interface Hit {
  confidence: number;
  start: number;
  end: number;
}

const isLiteral = (t: SqlToken | undefined): boolean =>
  t !== undefined && (t.type === TK.NUM || t.type === TK.STR || (t.type === TK.WORD && NUMERIC_LITERALS.has(t.text)));
const isOperand = (t: SqlToken | undefined): boolean =>
  t !== undefined && (isLiteral(t) || t.type === TK.VAR || (t.type === TK.WORD && !LOGIC.has(t.text) && !COMPARE.has(t.text)));
const isWord = (t: SqlToken | undefined, ...words: string[]): boolean => t !== undefined && t.type === TK.WORD && words.includes(t.text);
const isLogic = (t: SqlToken | undefined): boolean => t !== undefined && (t.type === TK.WORD || t.type === TK.OP) && LOGIC.has(t.text);
const isCompare = (t: SqlToken | undefined): boolean => t !== undefined && (t.type === TK.WORD || t.type === TK.OP) && COMPARE.has(t.text);
const isCall = (ts: readonly SqlToken[], i: number): boolean => ts[i]?.type === TK.WORD && ts[i + 1]?.type === TK.LP;

/** End position of the token run from `i` while it stays on one "line" of SQL (for the evidence fragment). */
function endOf(ts: readonly SqlToken[], i: number, max = 12): number {
  const last = ts[Math.min(ts.length - 1, i + max)];
  return last === undefined ? 0 : last.end;
}

/** Skip what completes the surrounding expression: `,'0','0')`, `))`. Returns the index after it. */
function skipContinuation(ts: readonly SqlToken[], i: number): number {
  let j = i;
  for (;;) {
    const t = ts[j];
    if (t === undefined) return j;
    if (t.type === TK.RP) {
      j++;
      continue;
    }
    if (t.type === TK.COMMA && isOperand(ts[j + 1]) && !isWord(ts[j + 1], 'select')) {
      j += 2;
      continue;
    }
    return j;
  }
}

/** A statement after `;` that is SQL and not prose: `DROP TABLE`, `SELECT * FROM`, `EXEC xp_…`, `WAITFOR DELAY`. */
function statementAt(ts: readonly SqlToken[], i: number): number {
  const t = ts[i];
  if (t?.type !== TK.WORD) return 0;
  const n1 = ts[i + 1];
  const n2 = ts[i + 2];
  switch (t.text) {
    case 'drop':
    case 'truncate':
    case 'alter':
    case 'create':
      return isWord(n1, 'table', 'database', 'schema', 'user', 'login', 'view', 'procedure', 'function', 'index', 'trigger', 'role') ? 0.95 : 0;
    case 'select':
      return selectListAt(ts, i + 1) ? 0.95 : 0;
    case 'insert':
      return isWord(n1, 'into') ? 0.95 : 0;
    case 'delete':
      return isWord(n1, 'from') ? 0.95 : 0;
    case 'update':
      return isOperand(n1) && isWord(n2, 'set') ? 0.95 : 0;
    case 'exec':
    case 'execute':
      return n1?.type === TK.WORD || n1?.type === TK.LP || n1?.type === TK.VAR ? 0.9 : 0;
    case 'declare':
      return n1?.type === TK.VAR ? 0.95 : 0;
    case 'waitfor':
      return isWord(n1, 'delay', 'time') ? 0.95 : 0;
    case 'shutdown':
      return n1 === undefined || n1.type === TK.COMMENT || n1.type === TK.SEMI || isWord(n1, 'with') ? 0.9 : 0;
    case 'grant':
    case 'revoke':
      return isWord(n2, 'on', 'to') || isWord(n1, 'all') ? 0.9 : 0;
    case 'set':
      return n1?.type === TK.VAR ? 0.8 : 0;
    default:
      return 0;
  }
}

/** A select list: `*`, `NULL,NULL`, `1,2`, `@@version`, `user()`, `a.b`, `'x'`, `CHAR(…)`; not "your size". */
function selectListAt(ts: readonly SqlToken[], i: number): boolean {
  let j = i;
  if (isWord(ts[j], 'all', 'distinct', 'top')) j++;
  if (ts[j]?.type === TK.NUM && isWord(ts[j - 1], 'top')) j++;
  const t = ts[j];
  if (t === undefined) return false;
  if (t.type === TK.OP && t.text === '*') return true;
  if (t.type === TK.VAR || t.type === TK.NUM || t.type === TK.STR || t.type === TK.LP) return true;
  if (isWord(t, 'null')) return true;
  if (isCall(ts, j)) return true;
  if (t.type === TK.WORD) {
    const n = ts[j + 1];
    if (n === undefined) return false;
    if (n.type === TK.COMMA || n.type === TK.DOT) return true;
    if (isWord(n, 'from') && ts[j + 2]?.type === TK.WORD) return true;
  }
  return false;
}

/** A comparison starting at `i`: `1=1`, `'a'='a`, `x LIKE 'y'`, `2>1`. */
function comparisonAt(ts: readonly SqlToken[], i: number): { literal: boolean; same: boolean; end: number } | null {
  let j = i;
  if (isWord(ts[j], 'not')) j++;
  // Opening parentheses balance the ones the value closed: 1) OR (1=1
  for (let k = 0; k < 3 && ts[j]?.type === TK.LP; k++) j++;
  const a = ts[j];
  const op = ts[j + 1];
  const b = ts[j + 2];
  if (!isOperand(a) || !isCompare(op)) return null;
  if (op!.text === 'is') {
    const nb = isWord(b, 'not') ? ts[j + 3] : b;
    return isWord(nb, 'null', 'true', 'false') ? { literal: isLiteral(a), same: false, end: j + 3 } : null;
  }
  if (b === undefined || !(isOperand(b) || b.type === TK.LP)) return null;
  const literal = isLiteral(a) && isLiteral(b);
  const same = a!.type !== TK.LP && b.type !== TK.LP && a!.text === b.text && (op!.text === '=' || op!.text === 'like' || op!.text === '<=>' || op!.text === '>=' || op!.text === '<=');
  return { literal, same, end: j + 3 };
}

/** A call of a probing or extraction function, or a sub-select, at `i`: `SLEEP(5)`, `(SELECT …)`, `ASCII(…)`. */
function probeAt(ts: readonly SqlToken[], i: number): number {
  const t = ts[i];
  if (t === undefined) return 0;
  if (t.type === TK.LP && isWord(ts[i + 1], 'select')) return 0.9;
  if (isCall(ts, i)) {
    if (PROBE_FUNCS.has(t.text)) return 0.9;
    if (EXTRACT_FUNCS.has(t.text)) return 0.75;
  }
  if (isWord(t, 'waitfor') && TIME_WORDS.has(ts[i + 1]?.text ?? '')) return 0.95;
  if (isWord(t, 'exists') && ts[i + 1]?.type === TK.LP) return 0.85;
  return 0;
}

/**
 * What the tokens from `i` on do to a query, if the value's own text ended just before them.
 * `quoted`: the value sat in a string (the injection had to break out of it, which is itself a signal).
 */
function attackAt(ts: readonly SqlToken[], i: number, quoted: boolean, glue: string, breakAt = -1): Hit | null {
  const j = skipContinuation(ts, i);
  const t = ts[j];
  const scale = quoted ? 1 : 0.95;
  if (t === undefined) return null;
  const start = ts[i]!.start;
  const hit = (c: number, endIdx: number): Hit => ({ confidence: c * scale, start, end: endOf(ts, endIdx) });

  // Tautologies and boolean/time probes: ' OR 1=1, ' AND 'a'='a, 1 AND SLEEP(5), ' OR 1--
  if (isLogic(t)) {
    const k = j + 1;
    const cmp = comparisonAt(ts, k);
    if (cmp) {
      if (cmp.same) return hit(0.95, cmp.end);
      if (cmp.literal) return hit(quoted ? 0.9 : 0.85, cmp.end);
      const oneLiteral = isLiteral(ts[k]) || isLiteral(ts[k + 2]);
      return hit(quoted ? 0.85 : oneLiteral ? 0.6 : 0.35, cmp.end);
    }
    const probe = probeAt(ts, isWord(ts[k], 'not') ? k + 1 : k);
    if (probe > 0) return hit(probe, k + 4);
    // A keyword glued between quotes, `'OR'`, `"AND"`: SQL written without spaces, never prose.
    if (quoted && t.start === breakAt + 1 && ts[k]?.type === TK.STR && ts[k]!.start === t.end) return hit(0.85, k + 2);
    if (isOperand(ts[k])) {
      const after = ts[k + 1];
      const ends = after === undefined || after.type === TK.COMMENT || after.type === TK.SEMI;
      if (quoted && ends) return hit(after?.type === TK.COMMENT ? 0.85 : 0.7, k + 1);
      if (!quoted && after?.type === TK.COMMENT && isLiteral(ts[k])) return hit(0.75, k + 1);
      if (quoted && isLiteral(ts[k]) && after !== undefined && (after.type === TK.LP || after.type === TK.OP)) return hit(0.6, k + 2);
    }
    return null;
  }
  // UNION [ALL|DISTINCT] SELECT
  if (isWord(t, 'union')) {
    const k = isWord(ts[j + 1], 'all', 'distinct') ? j + 2 : j + 1;
    if (isWord(ts[k], 'select')) return hit(selectListAt(ts, k + 1) ? 0.95 : 0.8, k + 3);
    if (ts[k]?.type === TK.LP && isWord(ts[k + 1], 'select')) return hit(0.95, k + 3);
    return null;
  }
  // A statement straight after the break: ' DELETE FROM users (SQL Server needs no `;`). A word glued to a
  // quote inside prose ("The 'select' keyword") is a quotation instead.
  if (quoted && (t.start > breakAt + 1 || !/\s/.test(glue))) {
    const st = statementAt(ts, j);
    if (st > 0) return hit(st * 0.9, j + 4);
  }
  // Stacked statements: '; DROP TABLE x, 1; EXEC xp_cmdshell, '; --
  if (t.type === TK.SEMI) {
    const st = statementAt(ts, j + 1);
    if (st > 0) return hit(st, j + 4);
    if (quoted && ts[j + 1]?.type === TK.COMMENT) return hit(0.8, j + 1);
    return null;
  }
  // Comment truncation: admin'--, admin'#, 1)--
  if (t.type === TK.COMMENT) {
    if (!quoted) return null;
    const plainPrefix = glue.length <= 64 && !/\s/.test(glue);
    return hit(plainPrefix ? 0.75 : 0.4, j);
  }
  // Clauses appended to the query: ' ORDER BY 5--, ' HAVING 1=1, ' INTO OUTFILE, ' PROCEDURE ANALYSE
  if (isWord(t, 'order', 'group') && isWord(ts[j + 1], 'by')) {
    return ts[j + 2]?.type === TK.NUM ? hit(quoted ? 0.85 : 0.7, j + 3) : quoted ? hit(0.6, j + 3) : null;
  }
  if (isWord(t, 'having') && comparisonAt(ts, j + 1)) return hit(0.85, j + 4);
  if (isWord(t, 'into') && isWord(ts[j + 1], 'outfile', 'dumpfile')) return hit(0.95, j + 3);
  if (isWord(t, 'procedure') && isWord(ts[j + 1], 'analyse', 'analyze')) return hit(0.9, j + 3);
  if (isWord(t, 'limit') && ts[j + 1]?.type === TK.NUM && quoted) return hit(0.6, j + 3);
  // Concatenation or arithmetic with a probe: '||(SELECT …)||', '+SLEEP(5)+'
  if (t.type === TK.OP && ['||', '+', '-', '*', '/', '|', '&', '^'].includes(t.text)) {
    const probe = probeAt(ts, j + 1);
    if (probe > 0) return hit(probe * (quoted ? 1 : 0.9), j + 4);
    return null;
  }
  // Time delay straight after the break: '; WAITFOR DELAY is stacked; this is ' WAITFOR DELAY '0:0:5'
  if (isWord(t, 'waitfor') && isWord(ts[j + 1], 'delay', 'time')) return hit(0.95, j + 3);
  // x'='x: the broken-out comparison repeats the value before the quote.
  if (quoted && t.type === TK.OP && (t.text === '=' || t.text === 'like') && ts[j + 1]?.type === TK.STR) {
    return hit(ts[j + 1]!.text === glue.toLowerCase() ? 0.9 : 0.55, j + 2);
  }
  return null;
}

/** Signals that need no context: `xp_cmdshell`, `information_schema.tables`, `WAITFOR DELAY '0:0:5'`. */
function anywhere(ts: readonly SqlToken[]): Hit | null {
  let best = 0;
  let from = 0;
  let to = 0;
  let hasSelect = false;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (t.type !== TK.WORD && t.type !== TK.VAR) continue;
    if (t.text === 'select') hasSelect = true;
    let c = 0;
    let j = i;
    if (t.type === TK.VAR && t.text.startsWith('@@') && t.text.length > 3) c = 0.6;
    else if (t.text === 'xp_cmdshell' || t.text === 'sp_oacreate' || t.text === 'xp_dirtree') c = 0.9;
    else if (t.text === 'waitfor' && TIME_WORDS.has(ts[i + 1]?.text ?? '') && ts[i + 2]?.type === TK.STR) [c, j] = [0.9, i + 2];
    else if (META_TABLES.has(t.text) && ts[i + 1]?.type === TK.DOT && ts[i + 2]?.type === TK.WORD) [c, j] = [hasSelect || isWord(ts[i - 1], 'from') ? 0.9 : 0.65, i + 2];
    else if (t.text === 'information_schema') c = 0.6;
    else if (isCall(ts, i) && ANYWHERE_CALLS.has(t.text) && ts[i + 2]?.type !== TK.RP) [c, j] = [0.7, i + 3];
    else if (isCall(ts, i) && t.text === 'sleep' && ts[i + 2]?.type === TK.NUM && ts[i + 3]?.type === TK.RP) [c, j] = [0.55, i + 3];
    if (c > best) {
      best = c;
      from = t.start;
      to = endOf(ts, j, 0);
    }
  }
  return best > 0 ? { confidence: best, start: from, end: to } : null;
}
const ANYWHERE_CALLS = new Set(['benchmark', 'pg_sleep', 'load_file', 'extractvalue', 'updatexml']);

/** How much of `ts` is SQL punctuation and clause keywords (0 for prose such as "Delete from my list"). */
function sqlShape(ts: readonly SqlToken[]): number {
  let n = 0;
  for (let i = 0; i < ts.length && i < 64; i++) {
    const t = ts[i]!;
    if (t.type === TK.OP && t.text === '*') n += 2;
    else if (t.type === TK.OP || t.type === TK.SEMI || t.type === TK.COMMENT || t.type === TK.LP || t.type === TK.VAR || t.type === TK.STR) n++;
    else if (t.type === TK.WORD && SHAPE_WORDS.has(t.text)) n++;
  }
  return n;
}
const SHAPE_WORDS = new Set(['where', 'table', 'values', 'set', 'into', 'null', 'limit', 'join', 'union', 'having', 'group', 'order', 'by']);

/** The first unescaped `quote` in `s` (a doubled quote is an escaped one), or -1. */
function firstBreak(s: string, quote: string): number {
  let i = s.indexOf(quote);
  while (i >= 0 && s[i + 1] === quote) i = s.indexOf(quote, i + 2);
  return i;
}

function better(a: Hit | null, b: Hit | null): Hit | null {
  if (b === null) return a;
  if (a === null) return b;
  return b.confidence > a.confidence ? b : a;
}

/** Score one value (exported for the lexer tests and the benchmark). */
export function analyseSql(s: string): Hit | null {
  let best: Hit | null = null;
  for (const q of ["'", '"']) {
    const at = firstBreak(s, q);
    if (at < 0) continue;
    const ts = lexSql(s, at + 1);
    if (ts.length > 0) best = better(best, attackAt(ts, 0, true, s.slice(0, at), at));
    if (best !== null && best.confidence >= 0.95) return best;
  }
  const trigger = triggerWords(s);
  if (trigger === TRIGGER_STRONG || (trigger === TRIGGER_WEAK && hasOperatorChar(s))) {
    const ts = lexSql(s);
    // Bare: the value starts a number or name, and what follows is the attack (1 OR 1=1, 1;DROP…, OR 1=1).
    let i = 0;
    if (isOperand(ts[0]) && !isWord(ts[0], 'union', 'select', 'order', 'group', 'having', 'waitfor', 'into', 'procedure')) i = 1;
    if (ts.length > i) best = better(best, attackAt(ts, i, false, ''));
    // Logic glued to the value by naive appending: `registroAND 1=1`, `carritoOR 1=1`.
    for (let k = 0; k < ts.length - 3 && k < 64; k++) {
      const w = ts[k]!;
      if (w.type !== TK.WORD || w.end - w.start <= 3) continue;
      const raw = s.slice(w.start, w.end);
      if (!/[a-z0-9](?:AND|OR)$/.test(raw)) continue;
      const cmp = comparisonAt(ts, k + 1);
      if (cmp?.same || cmp?.literal) best = better(best, { confidence: cmp.same ? 0.8 : 0.6, start: w.start, end: endOf(ts, cmp.end) });
    }
    // A whole statement as a value, with SQL around its keywords: SELECT * FROM users; DROP TABLE x--. Context only:
    // search boxes and SQL consoles carry such text legitimately; injection needs a break out of a value.
    const st = statementAt(ts, 0);
    if (st > 0 && sqlShape(ts) >= 2) best = better(best, { confidence: 0.45, start: ts[0]!.start, end: endOf(ts, 6) });
    best = better(best, anywhere(ts));
  }
  return best;
}

export const SQLI_TOKENS: PayloadDetector = {
  id: 'sqli-tokens',
  title: 'SQL injection',
  category: 'sqli',
  severity: 'high',
  owasp: 'API8:2023',
  cwe: 'CWE-89',
  mitre: 'T1190',
  rationale:
    'A value that closes the string or number it was meant to be and continues with SQL (a tautology, UNION SELECT, a stacked statement, a time delay or a comment that cuts the rest of the query) changes the meaning of the query it is pasted into. Against a vulnerable endpoint this reads or changes any data the database account can reach, bypasses logins, and on some engines runs operating-system commands.',
  remediation:
    'Use parameterised queries or prepared statements for every value (ORMs do this unless raw SQL is built with string concatenation); never build SQL from request text. Validate types (an id is an integer), run the application with a least-privilege database account, and do not return database errors to clients.',
  // A quote to break out of, or a word with something to join it to more SQL.
  gate: CHAR.SQUOTE | CHAR.DQUOTE | CHAR.LETTER,
  gateAlso: CHAR.SQUOTE | CHAR.DQUOTE | CHAR.SPACE | CHAR.PAREN | CHAR.SEMI | CHAR.EQ | CHAR.DASH | CHAR.HASH | CHAR.STAR | CHAR.PLUS | CHAR.PIPE | CHAR.AMP | CHAR.COMMA | CHAR.NEWLINE | CHAR.CONTROL | CHAR.SLASH | CHAR.LT | CHAR.GT,
  detect(v: InspectedValue): PayloadMatch | null {
    const hit = analyseSql(v.value);
    if (hit === null) return null;
    // A little of what came before the break shows the analyst where the value stopped being data.
    return { confidence: conf(hit.confidence), fragment: v.value.slice(Math.max(0, hit.start - 16), Math.max(hit.end, hit.start + 1)) };
  },
};
