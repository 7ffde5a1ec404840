/**
 * Regular expressions that run in linear time, whatever the pattern: a small Thompson-NFA (Pike VM)
 * matcher for the common subset of JavaScript regex syntax. For patterns that come from configuration
 * (ruleset files) and run on text from files under audit, where a backtracking engine could be made to
 * take exponential time (ReDoS) by the pattern, the text or both.
 *
 * Supported: literals, `.`, `^`, `$` (whole-input anchors), `[...]` / `[^...]` with ranges, `\d \w \s`
 * and their negations, `\t \n \r \f \v \xHH \uHHHH`, escaped punctuation, `(...)`, `(?:...)`, `|`,
 * `* + ? {n} {n,} {n,m}` (lazy `?` suffixes accepted: they do not change whether a match exists).
 * Rejected with a reason: look-arounds, back-references, named groups, `\b`, unicode property escapes.
 *
 * Cost: O(text length × program size); the pattern is at most `MAX_PATTERN_LENGTH` characters and
 * compiles to at most `MAX_PROGRAM_SIZE` instructions, so a test is bounded by the text's length.
 *
 * @example
 *   const re = compileLinearRegex('^/admin(/|$)');   // throws LinearRegexError on unsupported syntax
 *   re.test('/admin/users');                         // true
 */

export const MAX_PATTERN_LENGTH = 256;
export const MAX_PROGRAM_SIZE = 2000;
const MAX_REPEAT = 100;

export class LinearRegexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinearRegexError';
  }
}

export interface LinearRegex {
  readonly source: string;
  /** Whether the pattern matches anywhere in `text` (like `RegExp.prototype.test`). */
  test(text: string): boolean;
}

type CharPred = (c: number) => boolean;

type Node =
  | { k: 'char'; pred: CharPred }
  | { k: 'bol' }
  | { k: 'eol' }
  | { k: 'empty' }
  | { k: 'cat'; items: Node[] }
  | { k: 'alt'; items: Node[] }
  | { k: 'rep'; node: Node; min: number; max: number | null };

const isDigit: CharPred = (c) => c >= 48 && c <= 57;
const isWord: CharPred = (c) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
// The characters JavaScript's `\s` matches.
const SPACE = new Set([9, 10, 11, 12, 13, 32, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]);
const isSpace: CharPred = (c) => SPACE.has(c) || (c >= 0x2000 && c <= 0x200a);
const isLineTerminator = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
const not = (p: CharPred): CharPred => (c) => !p(c);

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alt();
    if (this.i < this.src.length) this.fail(this.src[this.i] === ')' ? 'unbalanced ")"' : `unexpected "${this.src[this.i]}"`);
    return node;
  }

  private fail(why: string): never {
    throw new LinearRegexError(`${why} at position ${this.i}`);
  }

  private peek(): string | undefined {
    return this.src[this.i];
  }

  private alt(): Node {
    const items = [this.cat()];
    while (this.peek() === '|') {
      this.i++;
      items.push(this.cat());
    }
    return items.length === 1 ? items[0]! : { k: 'alt', items };
  }

  private cat(): Node {
    const items: Node[] = [];
    for (let c = this.peek(); c !== undefined && c !== '|' && c !== ')'; c = this.peek()) items.push(this.repeat());
    return items.length === 0 ? { k: 'empty' } : items.length === 1 ? items[0]! : { k: 'cat', items };
  }

  private repeat(): Node {
    const atomAt = this.i;
    const node = this.atom();
    const q = this.quantifier();
    if (!q) return node;
    if (node.k === 'bol' || node.k === 'eol') {
      this.i = atomAt;
      this.fail('nothing to repeat');
    }
    if (this.quantifier()) this.fail('nothing to repeat');
    return { k: 'rep', node, ...q };
  }

  private quantifier(): { min: number; max: number | null } | null {
    const c = this.peek();
    let q: { min: number; max: number | null } | null = null;
    if (c === '*') q = { min: 0, max: null };
    else if (c === '+') q = { min: 1, max: null };
    else if (c === '?') q = { min: 0, max: 1 };
    else if (c === '{') {
      const m = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(this.src.slice(this.i));
      if (!m) this.fail('"{" must start a {n}, {n,} or {n,m} repetition (escape it as "\\{")');
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? null : Number(m[3]);
      if (max !== null && max < min) this.fail('repetition {n,m} with m < n');
      if (min > MAX_REPEAT || (max ?? 0) > MAX_REPEAT) this.fail(`repetition counts above ${MAX_REPEAT}`);
      this.i += m[0].length - 1;
      q = { min, max };
    }
    if (!q) return null;
    this.i++;
    if (this.peek() === '?') this.i++; // lazy: same set of matches
    return q;
  }

  private atom(): Node {
    const c = this.peek()!;
    switch (c) {
      case '(': {
        this.i++;
        if (this.peek() === '?') {
          if (this.src[this.i + 1] !== ':') this.fail('look-arounds and named groups are not supported (only "(?:")');
          this.i += 2;
        }
        const inner = this.alt();
        if (this.peek() !== ')') this.fail('missing ")"');
        this.i++;
        return inner;
      }
      case '[':
        return { k: 'char', pred: this.charClass() };
      case '.':
        this.i++;
        return { k: 'char', pred: not(isLineTerminator) };
      case '^':
        this.i++;
        return { k: 'bol' };
      case '$':
        this.i++;
        return { k: 'eol' };
      case '\\':
        return { k: 'char', pred: this.escape(false) };
      case '*':
      case '+':
      case '?':
        return this.fail('nothing to repeat');
      case '{':
        return this.fail('"{" must follow something to repeat (escape it as "\\{")');
      default:
        this.i++;
        return { k: 'char', pred: eq(c.charCodeAt(0)) };
    }
  }

  /** At a backslash; returns the predicate of the escape (in a class, `\b` is a backspace). */
  private escape(inClass: boolean): CharPred {
    this.i++;
    const c = this.peek();
    if (c === undefined) this.fail('"\\" at the end of the pattern');
    this.i++;
    switch (c) {
      case 'd': return isDigit;
      case 'D': return not(isDigit);
      case 'w': return isWord;
      case 'W': return not(isWord);
      case 's': return isSpace;
      case 'S': return not(isSpace);
      case 't': return eq(9);
      case 'n': return eq(10);
      case 'v': return eq(11);
      case 'f': return eq(12);
      case 'r': return eq(13);
      case '0':
        if (isDigit(this.src.charCodeAt(this.i))) this.fail('octal escapes are not supported');
        return eq(0);
      case 'x':
      case 'u': {
        const len = c === 'x' ? 2 : 4;
        const hex = this.src.slice(this.i, this.i + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) this.fail(`"\\${c}" needs ${len} hex digits`);
        this.i += len;
        return eq(parseInt(hex, 16));
      }
      case 'b':
        if (inClass) return eq(8);
        return this.fail('"\\b" (word boundary) is not supported');
      default:
        if (/[0-9]/.test(c)) this.fail('back-references are not supported');
        if (/[A-Za-z]/.test(c)) this.fail(`"\\${c}" is not supported`);
        return eq(c.charCodeAt(0));
    }
  }

  private charClass(): CharPred {
    this.i++; // [
    let negate = false;
    if (this.peek() === '^') {
      negate = true;
      this.i++;
    }
    const parts: CharPred[] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('missing "]"');
      if (c === ']' && !first) {
        this.i++;
        break;
      }
      if (c === ']') this.fail('empty character class');
      first = false;
      const lo = this.classAtom();
      if (this.peek() === '-' && this.src[this.i + 1] !== ']' && this.src[this.i + 1] !== undefined) {
        this.i++;
        const hi = this.classAtom();
        if (lo.code === null || hi.code === null) this.fail('a range cannot use a class escape such as "\\d"');
        if (hi.code < lo.code) this.fail('range out of order in character class');
        const [a, b] = [lo.code, hi.code];
        parts.push((x) => x >= a && x <= b);
      } else parts.push(lo.pred);
    }
    const inClass: CharPred = (x) => parts.some((p) => p(x));
    return negate ? not(inClass) : inClass;
  }

  private classAtom(): { pred: CharPred; code: number | null } {
    const c = this.peek()!;
    if (c === '\\') {
      const before = this.i;
      const pred = this.escape(true);
      const letter = this.src[before + 1]!;
      return { pred, code: /[dDwWsS]/.test(letter) ? null : singleCode(pred) };
    }
    this.i++;
    const code = c.charCodeAt(0);
    return { pred: eq(code), code };
  }
}

const eq = (code: number): CharPred => Object.assign((c: number) => c === code, { code });
const singleCode = (p: CharPred): number | null => (p as CharPred & { code?: number }).code ?? null;

// Pike VM program.
type Inst =
  | { op: 'char'; pred: CharPred }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; x: number }
  | { op: 'bol' }
  | { op: 'eol' }
  | { op: 'match' };

function compile(node: Node): Inst[] {
  const prog: Inst[] = [];
  const emit = (inst: Inst) => {
    if (prog.length >= MAX_PROGRAM_SIZE) throw new LinearRegexError(`pattern too complex (more than ${MAX_PROGRAM_SIZE} steps once repetitions are expanded)`);
    prog.push(inst);
    return prog.length - 1;
  };
  const gen = (n: Node): void => {
    switch (n.k) {
      case 'char':
        emit({ op: 'char', pred: n.pred });
        return;
      case 'bol':
      case 'eol':
        emit({ op: n.k });
        return;
      case 'empty':
        return;
      case 'cat':
        n.items.forEach(gen);
        return;
      case 'alt': {
        // split L1, next; L1: a; jmp end; next: split L2, ... ; last
        const jumps: number[] = [];
        n.items.forEach((item, idx) => {
          if (idx < n.items.length - 1) {
            const split = emit({ op: 'split', x: 0, y: 0 });
            (prog[split] as { x: number }).x = prog.length;
            gen(item);
            jumps.push(emit({ op: 'jmp', x: 0 }));
            (prog[split] as { y: number }).y = prog.length;
          } else gen(item);
        });
        for (const j of jumps) (prog[j] as { x: number }).x = prog.length;
        return;
      }
      case 'rep': {
        for (let k = 0; k < n.min; k++) gen(n.node);
        if (n.max === null) {
          const split = emit({ op: 'split', x: 0, y: 0 });
          (prog[split] as { x: number }).x = prog.length;
          gen(n.node);
          emit({ op: 'jmp', x: split });
          (prog[split] as { y: number }).y = prog.length;
        } else {
          const splits: number[] = [];
          for (let k = n.min; k < n.max; k++) {
            const split = emit({ op: 'split', x: 0, y: 0 });
            (prog[split] as { x: number }).x = prog.length;
            splits.push(split);
            gen(n.node);
          }
          for (const s of splits) (prog[s] as { y: number }).y = prog.length;
        }
        return;
      }
    }
  };
  gen(node);
  emit({ op: 'match' });
  return prog;
}

function run(prog: Inst[], text: string): boolean {
  const n = prog.length;
  const mark = new Int32Array(n).fill(-1);
  let clist: number[] = [];
  let nlist: number[] = [];
  let gen = 0;
  const add = (list: number[], pc: number, pos: number): boolean => {
    // Iterative epsilon closure: no recursion depth to blow on long alternations.
    const stack = [pc];
    while (stack.length) {
      const p = stack.pop()!;
      if (mark[p] === gen) continue;
      mark[p] = gen;
      const inst = prog[p]!;
      switch (inst.op) {
        case 'jmp':
          stack.push(inst.x);
          break;
        case 'split':
          stack.push(inst.y, inst.x);
          break;
        case 'bol':
          if (pos === 0) stack.push(p + 1);
          break;
        case 'eol':
          if (pos === text.length) stack.push(p + 1);
          break;
        case 'match':
          return true;
        case 'char':
          list.push(p);
          break;
      }
    }
    return false;
  };
  for (let pos = 0; ; pos++) {
    // Unanchored search: a new thread starts at every position.
    if (add(clist, 0, pos)) return true;
    if (pos === text.length) return false;
    const c = text.charCodeAt(pos);
    gen++;
    nlist.length = 0;
    for (const pc of clist) {
      const inst = prog[pc] as { op: 'char'; pred: CharPred };
      if (inst.pred(c) && add(nlist, pc + 1, pos + 1)) return true;
    }
    [clist, nlist] = [nlist, clist];
    // The next position's start thread must join the same closure generation as the threads just added.
    // (gen stays as is: add() above already marked this generation.)
  }
}

/** Compiles `pattern` or throws `LinearRegexError` saying why it is not accepted. */
export function compileLinearRegex(pattern: string): LinearRegex {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new LinearRegexError(`pattern longer than ${MAX_PATTERN_LENGTH} characters`);
  const prog = compile(new Parser(pattern).parse());
  return { source: pattern, test: (text: string) => run(prog, text) };
}
