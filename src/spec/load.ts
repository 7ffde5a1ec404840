/**
 * Reading a spec: file or uploaded text -> parsed document with positions -> `SpecModel`.
 *
 * - Format by content: text starting with `{` or `[` is parsed with `JSON.parse` (positions come later,
 *   lazily, from `jsonLocator`); anything else, or JSON that fails but is not named `.json`, with the
 *   `yaml` package, keeping its AST for positions.
 * - Bounded: file size (default 50 MB), nesting depth (default 256, checked on the YAML token tree
 *   *before* the recursive YAML composer runs, and on the JSON text before anything walks it), YAML
 *   alias expansion (default 100, against "billion laughs"), number of referenced documents (100).
 *   Every failure is a domain error with `file:line:column` when there is one; nothing here crashes on
 *   bad input.
 * - Other documents reached by `$ref` are read before the model is built: local files only inside the
 *   spec's directory (symbolic links are followed, then checked), remote URLs only through the caller's
 *   `fetchRemote`. A document that cannot be read is an error only if the model needs it, and then it
 *   names the `$ref` and where it is written.
 *
 * @example
 *   const model = await loadSpec('specs/petstore.yaml');
 *   const upload = await loadSpecText(body, 'upload.json');
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { Composer, LineCounter, Parser, visit, type Document } from 'yaml';
import { DomainError, invalidInput, notFound, tooLarge } from '../errors/domain-errors.js';
import { buildModel } from './build-model.js';
import type { SourceLocation, SpecModel } from './model.js';
import { findJsonSyntaxError, jsonLocator, lineIndex, yamlLocator, type Locator } from './positions.js';
import { REMOTE_REFS_DISABLED, collectRefs, isRemoteDocId, resolveRefTarget, splitModelPointer } from './resolve.js';

export interface LoadOptions {
  /** Largest document read, in bytes (each file, and each referenced one). Default 50 MiB. */
  maxBytes?: number;
  /** Deepest nesting of mappings / lists accepted. Default 256. */
  maxDepth?: number;
  /** YAML alias expansion budget (the `yaml` package's `maxAliasCount`). Default 100. */
  maxAliasCount?: number;
  /** Most other documents read through `$ref`. Default 100. */
  maxDocuments?: number;
  /**
   * Reads a remote (http/https) referenced document. Without it, remote references are refused with
   * "remote references are not enabled". The caller owns the policy (allow list, timeouts, SSRF checks).
   */
  fetchRemote?: (url: string) => Promise<string>;
}

export interface LoadTextOptions extends LoadOptions {
  /** Directory that relative file references of an uploaded text are read from; without it they are refused. */
  baseDir?: string;
}

export interface ParsedSpecText {
  value: unknown;
  format: 'json' | 'yaml';
  /** In-document pointer -> 1-based position (nearest written ancestor). */
  locate: Locator;
}

const DEFAULTS = { maxBytes: 50 * 1024 * 1024, maxDepth: 256, maxAliasCount: 100, maxDocuments: 100 };

/** Reads and models a spec file. Errors: `not_found`, `too_large`, `invalid_input` (with file:line:column). */
export async function loadSpec(file: string, opts: LoadOptions = {}): Promise<SpecModel> {
  const abs = resolve(file);
  const text = await readSpecFile(abs, file, opts.maxBytes ?? DEFAULTS.maxBytes);
  return modelOf(text, file, dirname(abs), opts);
}

/** Models an uploaded spec text; `name` is shown in locations and errors. */
export async function loadSpecText(text: string, name: string, opts: LoadTextOptions = {}): Promise<SpecModel> {
  checkSize(Buffer.byteLength(text, 'utf8'), name, opts.maxBytes ?? DEFAULTS.maxBytes);
  return modelOf(stripBom(text), name, opts.baseDir === undefined ? null : resolve(opts.baseDir), opts);
}

/**
 * Parses spec text (JSON or YAML, by content) with positions, applying the depth and alias bounds.
 * Synchronous; throws `invalid_input` with `file:line:column` for syntax errors.
 */
export function parseSpecText(text: string, file: string, opts: LoadOptions = {}): ParsedSpecText {
  const maxDepth = opts.maxDepth ?? DEFAULTS.maxDepth;
  const body = stripBom(text);
  const first = /\S/.exec(body)?.[0];
  try {
    if (first === '{' || first === '[') {
      let jsonError: DomainError;
      try {
        return parseJson(body, file, maxDepth);
      } catch (err) {
        if (!(err instanceof DomainError) || !err.message.startsWith('invalid JSON') || /\.json$/i.test(file)) throw err;
        jsonError = err;
      }
      // Not JSON, but maybe YAML flow style; if that fails too, the JSON error is the useful one.
      try {
        return parseYaml(body, file, maxDepth, opts.maxAliasCount ?? DEFAULTS.maxAliasCount);
      } catch {
        throw jsonError;
      }
    }
    return parseYaml(body, file, maxDepth, opts.maxAliasCount ?? DEFAULTS.maxAliasCount);
  } catch (err) {
    if (err instanceof DomainError) throw err;
    if (err instanceof RangeError) throw invalidInput(`${file} is nested too deeply to read`);
    throw invalidInput(`cannot parse ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// ------------------------------------------------------------------ parsing

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function checkSize(bytes: number, file: string, maxBytes: number): void {
  if (bytes > maxBytes) throw tooLarge(`${file} is ${bytes} bytes, more than the ${maxBytes}-byte limit for a spec`);
}

function parseJson(text: string, file: string, maxDepth: number): ParsedSpecText {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const e = findJsonSyntaxError(text) ?? { offset: 0, message: 'not valid JSON' };
    const { line, column } = lineIndex(text)(e.offset);
    throw invalidInput(`invalid JSON at ${file}:${line}:${column}: ${e.message}`);
  }
  const deep = jsonTooDeepAt(text, maxDepth);
  if (deep >= 0) {
    const { line, column } = lineIndex(text)(deep);
    throw invalidInput(`${file}:${line}:${column}: nested more than ${maxDepth} levels deep`);
  }
  return { value, format: 'json', locate: jsonLocator(text) };
}

/** Offset of the first `{` / `[` deeper than `max` in valid JSON, or -1. */
function jsonTooDeepAt(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > max) return i;
    } else if (c === 125 || c === 93) {
      depth--;
    }
  }
  return -1;
}

interface CstItem {
  key?: unknown;
  value?: unknown;
}
interface CstToken {
  type?: string;
  offset?: number;
  items?: CstItem[];
  value?: unknown;
}

/** Offset of the first collection deeper than `max` in the YAML token tree (iterative), or -1. */
function yamlTooDeepAt(tokens: unknown[], max: number): number {
  const stack: Array<{ t: unknown; d: number }> = tokens.map((t) => ({ t, d: 0 }));
  while (stack.length) {
    const { t, d } = stack.pop()!;
    if (t === null || typeof t !== 'object') continue;
    const tok = t as CstToken;
    if (tok.type === 'document') {
      stack.push({ t: tok.value, d });
    } else if (tok.type === 'block-map' || tok.type === 'block-seq' || tok.type === 'flow-collection') {
      if (d + 1 > max) return tok.offset ?? 0;
      for (const item of tok.items ?? []) {
        stack.push({ t: item.key, d: d + 1 });
        stack.push({ t: item.value, d: d + 1 });
      }
    }
  }
  return -1;
}

/** Depth of a loaded value (aliases can nest shared parts into each other), iteratively; true if deeper than max. */
function valueTooDeep(value: unknown, max: number): boolean {
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 0 }];
  while (stack.length) {
    const { v, d } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > max) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v)) if (x !== null && typeof x === 'object') stack.push({ v: x, d: d + 1 });
  }
  return false;
}

function parseYaml(text: string, file: string, maxDepth: number, maxAliasCount: number): ParsedSpecText {
  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  // The lexer and parser are iterative; the composer recurses. Deep input must stop before it.
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const deep = yamlTooDeepAt(tokens, maxDepth);
  if (deep >= 0) throw invalidInput(`${at(deep)}: nested more than ${maxDepth} levels deep`);
  const docs: Document.Parsed[] = Array.from(new Composer({ merge: true, uniqueKeys: true, prettyErrors: false }).compose(tokens, true, text.length));
  const doc = docs[0];
  if (!doc) throw invalidInput(`${file} is empty`);
  const error = doc.errors[0];
  if (error) throw invalidInput(`invalid YAML at ${at(error.pos[0])}: ${error.message.split('\n')[0]}`);
  if (docs.length > 1) throw invalidInput(`invalid YAML at ${at(docs[1]!.range[0])}: a spec must be a single YAML document`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount });
  } catch (err) {
    if (err instanceof ReferenceError && /excessive alias count/i.test(err.message)) {
      throw invalidInput(`${file} expands YAML aliases too much (more than ${maxAliasCount}; a "billion laughs" document?)`);
    }
    let offset = 0;
    visit(doc, {
      Alias(_, node) {
        if (node.resolve(doc) !== undefined) return undefined;
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    throw invalidInput(`invalid YAML at ${at(offset)}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  if (valueTooDeep(value, maxDepth)) throw invalidInput(`${file} is nested more than ${maxDepth} levels deep (through YAML aliases)`);
  return { value, format: 'yaml', locate: yamlLocator(doc, lineCounter) };
}

// ------------------------------------------------------------------ files

function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return stripBom(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalidInput(`${file} is not UTF-8 text`);
  }
}

async function readSpecFile(abs: string, file: string, maxBytes: number): Promise<string> {
  try {
    const info = await stat(abs);
    if (!info.isFile()) throw invalidInput(`${file} is not a file`);
    checkSize(info.size, file, maxBytes);
    const bytes = await readFile(abs);
    checkSize(bytes.length, file, maxBytes);
    return decodeUtf8(bytes, file);
  } catch (err) {
    if (err instanceof DomainError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw notFound(`spec file not found: ${file}`);
    throw invalidInput(`cannot read ${file}${code ? ` (${code})` : ''}`);
  }
}

// ------------------------------------------------------------------ documents and model

type External = { ok: true; parsed: ParsedSpecText; file: string } | { ok: false; reason: string };

async function modelOf(text: string, file: string, rootDir: string | null, opts: LoadOptions): Promise<SpecModel> {
  const main = parseSpecText(text, file, opts);
  const mainName = basename(file);
  const externals = await loadReferencedDocuments(main.value, mainName, file, rootDir, opts);
  const displayOf = (docId: string) => (isRemoteDocId(docId) ? docId : join(dirname(file), docId));
  const locate = (modelPointer: string): SourceLocation => {
    const { docId, pointer } = splitModelPointer(modelPointer);
    if (docId === '') return { file, pointer, ...main.locate(pointer) };
    const e = externals.get(docId);
    if (e?.ok) return { file: e.file, pointer, ...e.parsed.locate(pointer) };
    return { file: displayOf(docId), pointer, line: 0, column: 0 };
  };
  return buildModel(main.value, {
    file,
    locate,
    resolveExternal: (docId) => {
      const e = externals.get(docId);
      if (!e) throw new Error(isRemoteDocId(docId) && !opts.fetchRemote ? REMOTE_REFS_DISABLED : `${displayOf(docId)} was not read`);
      if (!e.ok) throw new Error(e.reason);
      return e.parsed.value;
    },
  });
}

/** Reads every document reachable through `$ref` from the main one (breadth first, bounded). */
async function loadReferencedDocuments(
  mainValue: unknown,
  mainName: string,
  file: string,
  rootDir: string | null,
  opts: LoadOptions,
): Promise<Map<string, External>> {
  const maxDocuments = opts.maxDocuments ?? DEFAULTS.maxDocuments;
  const docs = new Map<string, External>();
  const queue: Array<{ docId: string; value: unknown }> = [{ docId: '', value: mainValue }];
  let realRoot: string | null = null;
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const { ref } of collectRefs(next.value)) {
      let docId: string;
      try {
        docId = resolveRefTarget(ref, next.docId, mainName).docId;
      } catch {
        continue; // buildModel reports it, with its place, if the model needs it
      }
      if (docId === '' || docs.has(docId)) continue;
      if (docs.size >= maxDocuments) {
        docs.set(docId, { ok: false, reason: `the spec references more than ${maxDocuments} other documents` });
        continue;
      }
      let entry: External;
      if (isRemoteDocId(docId)) {
        entry = await readRemote(docId, opts);
      } else if (rootDir === null) {
        entry = { ok: false, reason: 'references to other files are not available for an uploaded spec' };
      } else {
        realRoot ??= await realpath(rootDir).catch(() => rootDir);
        entry = await readLocal(docId, join(dirname(file), docId), rootDir, realRoot, opts);
      }
      docs.set(docId, entry);
      if (entry.ok) queue.push({ docId, value: entry.parsed.value });
    }
  }
  return docs;
}

async function readLocal(docId: string, display: string, rootDir: string, realRoot: string, opts: LoadOptions): Promise<External> {
  const abs = resolve(rootDir, ...docId.split('/'));
  let real: string;
  try {
    real = await realpath(abs);
  } catch {
    return { ok: false, reason: `file not found: ${display}` };
  }
  if (real !== realRoot && !real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) {
    return { ok: false, reason: `${display} resolves outside the spec's directory (path traversal refused)` };
  }
  try {
    const text = await readSpecFile(real, display, opts.maxBytes ?? DEFAULTS.maxBytes);
    return { ok: true, parsed: parseSpecText(text, display, opts), file: display };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

async function readRemote(url: string, opts: LoadOptions): Promise<External> {
  if (!opts.fetchRemote) return { ok: false, reason: REMOTE_REFS_DISABLED };
  try {
    const text = await opts.fetchRemote(url);
    checkSize(Buffer.byteLength(text, 'utf8'), url, opts.maxBytes ?? DEFAULTS.maxBytes);
    return { ok: true, parsed: parseSpecText(text, url, opts), file: url };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
