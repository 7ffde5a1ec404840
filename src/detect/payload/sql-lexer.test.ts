import { describe, expect, it } from 'vitest';
import { lexSql, MAX_SQL_TOKENS, TK } from './sql-lexer.js';

const kinds = (s: string, from = 0) => lexSql(s, from).map((t) => `${Object.entries(TK).find(([, v]) => v === t.type)![0]}:${t.text}`);

describe('SQL lexer', () => {
  it.each([
    ["' OR 1=1--", ["STR: OR 1=1--"]],
    ['1 OR 1=1--', ['NUM:1', 'WORD:or', 'NUM:1', 'OP:=', 'NUM:1', 'COMMENT:--']],
    ["'it''s' + x", ["STR:it's", 'OP:+', 'WORD:x']],
    ['1/**/UNION/**/SELECT', ['NUM:1', 'WORD:union', 'WORD:select']],
    ['/*!50000UNION*/SELECT', ['WORD:union', 'WORD:select']],
    ['1AND 2', ['NUM:1', 'WORD:and', 'NUM:2']],
    ['0x7e,@@version', ['NUM:0x7e', 'COMMA:,', 'VAR:@@version']],
    ['a <> b <=> c', ['WORD:a', 'OP:<>', 'WORD:b', 'OP:<=>', 'WORD:c']],
    ['x # rest', ['WORD:x', 'COMMENT:#']],
    ['`tbl`.col;', ['WORD:tbl', 'DOT:.', 'WORD:col', 'SEMI:;']],
    ['"dq" /* open', ['STR:dq', 'COMMENT:/*']],
    ['Añadir (3.5e2)', ['WORD:añadir', 'LP:(', 'NUM:3.5e2', 'RP:)']],
  ] as const)('lexes %j', (input, expected) => {
    expect(kinds(input)).toEqual(expected);
  });

  it('starts where it is told (after a breaking quote)', () => {
    expect(kinds("x' OR 1=1", 2)).toEqual(['WORD:or', 'NUM:1', 'OP:=', 'NUM:1']);
  });

  it('marks unterminated strings and stops at the token bound', () => {
    expect(lexSql("'abc")[0]).toMatchObject({ type: TK.STR, closed: false, text: 'abc' });
    expect(lexSql('a '.repeat(5000)).length).toBe(MAX_SQL_TOKENS);
  });
});
