import { readdirSync, readFileSync } from 'node:fs';
import { isSafe } from 'redos-detector';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { ApiRequest } from '../../contracts/api-event.js';
import { decodeValue } from './decode.js';
import { charClasses, passesPrefilter } from './detector.js';
import { detectPayloads, PAYLOAD_DETECTORS } from './index.js';
import { lexSql } from './sql-lexer.js';

/**
 * No attacker-controlled value can make a payload detector take super-linear time. Three proofs:
 * 1. every regular expression in the detector sources (found by parsing them, so a new pattern cannot be
 *    forgotten; patterns built at run time must be exported constants and are checked too) passes
 *    `redos-detector`: no input can be matched two ways from one starting position;
 * 2. every quantifier of a pattern that searches (is not anchored at the start) is bounded (`{0,8}`, never
 *    `*` or `+`), so one attempt costs a constant and a search over n characters costs O(n). Together with 1
 *    this is why the check runs on the pattern anchored: `redos-detector` models an unanchored search as
 *    `[^]*?pattern` and rates any alternation after a literal as unbounded ("infinite") even when every attempt
 *    is bounded; the search loop is linear by 2, the attempt is unambiguous by 1;
 * 3. adversarial inputs (long runs of quotes, brackets, `../`, lookups, escapes…) scale linearly: an input four
 *    times longer takes well under the sixteen-fold of quadratic behaviour. Timing is relative (n against 4n in
 *    the same run, best of several runs), so a slow or busy machine does not make it flaky.
 */

const DIR = new URL('./', import.meta.url);
const SOURCES = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

interface FoundPattern {
  readonly where: string;
  readonly re: RegExp;
}

/** Every regex literal of a source file, and the exported names initialised with `new RegExp(…)`. */
function patternsIn(file: string): { literals: FoundPattern[]; dynamic: string[]; unexportedDynamic: string[] } {
  const text = readFileSync(new URL(file, DIR), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const literals: FoundPattern[] = [];
  const dynamic: string[] = [];
  const unexportedDynamic: string[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const { line } = sf.getLineAndCharacterOfPosition(node.getStart());
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiling our own source's literal
      literals.push({ where: `${file}:${line + 1} ${node.getText()}`, re: new Function(`return ${node.getText()}`)() as RegExp });
    }
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
      const decl = node.parent;
      const stmt = decl?.parent?.parent;
      const exported =
        decl !== undefined && ts.isVariableDeclaration(decl) && stmt !== undefined && ts.isVariableStatement(stmt) &&
        (stmt.modifiers ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (exported) dynamic.push((decl.name as ts.Identifier).text);
      else unexportedDynamic.push(`${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { literals, dynamic, unexportedDynamic };
}

const found = SOURCES.map((f) => ({ file: f, ...patternsIn(f) }));
const literalCases = found.flatMap((f) => f.literals.map((p) => [p.where, p.re] as const));

/** Quantifiers of `source` without an upper bound (`*`, `+`, `{n,}`), outside character classes. */
function unboundedQuantifiers(source: string): string[] {
  const out: string[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if ((c === '*' || c === '+') && i > 0) out.push(`${c} at ${i}`);
    else if (c === '{') {
      const close = source.indexOf('}', i);
      if (close > i && /^\{\d+,\}$/.test(source.slice(i, close + 1))) out.push(`${source.slice(i, close + 1)} at ${i}`);
    }
  }
  return out;
}

/** `^…` with no alternative at the top level: one attempt per search. */
function anchoredAtStart(source: string): boolean {
  if (!source.startsWith('^')) return false;
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return false;
  }
  return true;
}

function checkPattern(re: RegExp): void {
  const anchored = new RegExp(`^(?:${re.source})`, re.flags.replace('g', ''));
  const r = isSafe(anchored);
  expect(r.safe, `redos-detector: ${JSON.stringify({ score: r.score, error: r.error })}`).toBe(true);
  if (!anchoredAtStart(re.source)) expect(unboundedQuantifiers(re.source), 'unbounded quantifiers in a searching pattern').toEqual([]);
}

describe('payload detector patterns are ReDoS-safe', () => {
  it('finds the patterns (the scan works)', () => {
    expect(literalCases.length).toBeGreaterThan(40);
  });

  it('tells bounded from unbounded quantifiers', () => {
    expect(unboundedQuantifiers('a{0,8}[*+]\\*b')).toEqual([]);
    expect(unboundedQuantifiers('a+b*c{2,}')).toEqual(['+ at 1', '* at 3', '{2,} at 5']);
    expect(anchoredAtStart('^a(?:b|c)$')).toBe(true);
    expect(anchoredAtStart('^a|b')).toBe(false);
  });

  it('builds patterns at run time only as exported constants (so they are checked below)', () => {
    expect(found.flatMap((f) => f.unexportedDynamic)).toEqual([]);
  });

  it.each(literalCases)('%s', (_where, re) => {
    checkPattern(re);
  });

  it('checks the exported run-time patterns', async () => {
    const names = found.flatMap((f) => f.dynamic.map((n) => [f.file, n] as const));
    expect(names.length).toBeGreaterThan(0);
    for (const [file, name] of names) {
      const mod = (await import(/* @vite-ignore */ new URL(file, DIR).href)) as Record<string, unknown>;
      const re = mod[name];
      expect(re, `${file} exports ${name}`).toBeInstanceOf(RegExp);
      checkPattern(re as RegExp);
    }
  });
});

/** Inputs that push backtracking, lexing and decoding to their worst: repeated near-matches of every pattern. */
const UNITS = [
  "'", '"', "' OR ", '((((', '))))', '{{', '${', '${${lower:', '../', '..\\', '....//', '<', '<a ', '<script', '<!ENTITY x ', '<!DOCTYPE x [',
  '%', '%25', '%c0', '&#', '&lt', '\\u', '\\x', 'javascript', 'java\tscript:', ':', '; id ', '| ', '`', '$(', '\n', '\r\nX-A: b',
  '\nERROR: ', '=', '/*', '--', '#', '0x', '1 or ', 'union select ', 'AND', '@', '.', 'http://', 'http://127.', '[::', '__class__',
  '{{7*', 'a', ' ', 'ab ', 'x@y.', 'gAJj', 'O:8:"', 'a;', '\\', '-e ', 'on', '"onx', '$ne', '[$', 'set-cookie:', '\u001b[', '0177.',
];
const repeatTo = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

/** Linear is 4; quadratic would be 16. The margin absorbs noise on a shared machine. */
const MAX_RATIO = 9;
const N = 16 * 1024;

/** Time of `reps` calls of `fn(input)`, in ms. */
function timeOf(fn: (input: string) => unknown, input: string, reps: number): number {
  const t0 = performance.now();
  for (let k = 0; k < reps; k++) fn(input);
  return performance.now() - t0;
}

/**
 * How much longer `fn` takes on 4n characters of `unit` than on n: best of `runs` interleaved measurements,
 * each repeated until the small one takes at least `floorMs` (so timer resolution does not matter).
 */
function ratioOnce(fn: (input: string) => unknown, unit: string, n: number, runs: number, floorMs: number): number {
  const small = repeatTo(unit, n);
  const large = repeatTo(unit, 4 * n);
  let reps = 1;
  while (timeOf(fn, small, reps) < floorMs && reps < 1 << 16) reps *= 4;
  let s = Number.POSITIVE_INFINITY;
  let l = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    s = Math.min(s, timeOf(fn, small, reps));
    l = Math.min(l, timeOf(fn, large, reps));
  }
  return l / Math.max(s, 1e-3);
}

/** A quick screen, confirmed by a careful measurement only when it looks non-linear (a busy machine is noisy). */
function scaling(fn: (input: string) => unknown, unit: string, n: number): number {
  const quick = ratioOnce(fn, unit, n, 2, 1);
  return quick <= MAX_RATIO ? quick : ratioOnce(fn, unit, n, 7, 5);
}

describe('payload detectors scale linearly on adversarial input', () => {
  it.each(PAYLOAD_DETECTORS.map((d) => [d.id, d] as const))('%s', (_id, d) => {
    const ratios: Array<[string, number]> = [];
    for (const location of d.locations ?? (['query'] as const)) {
      for (const unit of UNITS) {
        // Inputs the prefilter keeps from the detector never reach it in the pipeline.
        if (!passesPrefilter(d, charClasses(unit), location)) continue;
        const name = location === 'header' ? 'user-agent' : 'url';
        const ratio = scaling((value) => d.detect({ location, name, value }), unit, N);
        ratios.push([`${JSON.stringify(unit)}@${location}`, Number(ratio.toFixed(1))]);
      }
    }
    expect(ratios.length).toBeGreaterThan(0);
    expect(ratios.filter(([, r]) => r > MAX_RATIO), `ratios above ${MAX_RATIO}`).toEqual([]);
  });

  it.each(['%25', '&#', '&amp;', '\\u', '%u', '%c0%af'])('decoding %j', (unit) => {
    expect(scaling((s) => decodeValue(s), unit, N)).toBeLessThan(MAX_RATIO);
  });

  it.each(["'", "''", 'a ', '/*', '--\n', '((', '0x'])('lexing %j', (unit) => {
    expect(scaling((s) => lexSql(s), unit, N)).toBeLessThan(MAX_RATIO);
  });

  it('bounds the work on a whole request, however large', () => {
    const request = (n: number): ApiRequest => {
      const text = JSON.stringify({ items: Array.from({ length: n }, (_, i) => ({ [`k${i}'`]: "' OR 1=1 <script>".repeat(50) })) });
      return {
        method: 'POST', scheme: 'https', host: 'x', path: `/${'../'.repeat(n)}`, query: { q: ["'".repeat(n * 100)] },
        headers: { 'user-agent': '${'.repeat(n * 10) }, cookies: {},
        body: { text, contentType: 'application/json', encoding: 'utf8', size: text.length, truncated: false },
      };
    };
    // Four times more input is no more work: every value and the number of values are capped.
    const small = request(500);
    const large = request(2000);
    const time = (r: ApiRequest) => {
      let best = Number.POSITIVE_INFINITY;
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        detectPayloads(r);
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    time(small);
    // JSON parsing of the larger body is the only part that grows, and it is linear.
    expect(time(large) / time(small)).toBeLessThan(MAX_RATIO);
  });
});
