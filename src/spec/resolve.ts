/**
 * `$ref` resolution, the pure half: JSON pointers (RFC 6901, with the percent-encoding of URI fragments),
 * where a reference points (which document, which pointer), and which references a document contains.
 * No I/O here: `load.ts` reads the referenced files (after the checks below) and hands them to
 * `buildModel` through `resolveExternal`.
 *
 * Documents are named by a *document id*: `''` for the main document, a POSIX path relative to the main
 * document's directory for other local files (`schemas/common.yaml`), an absolute URL for remote ones.
 * A pointer into another document is written `docId#pointer` (`common.yaml#/components/schemas/Pet`);
 * pointers into the main document are plain (`/components/schemas/Pet`), so they always start with `/`
 * (or are empty, for the root).
 *
 * @example
 *   resolveRefTarget('./common.yaml#/components/schemas/Pet', '', 'api.yaml')
 *   // -> { docId: 'common.yaml', pointer: '/components/schemas/Pet' }
 *   resolveRefTarget('../../etc/passwd', '', 'api.yaml') // throws RefError (outside the spec's directory)
 */
import { posix } from 'node:path';
import { pointerOf } from './model.js';

/** Why a reference cannot be followed; callers add the place of the `$ref`. */
export class RefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefError';
  }
}

/** The message every refused remote reference carries. */
export const REMOTE_REFS_DISABLED = 'remote references are not enabled';

export interface RefTarget {
  /** `''` for the main document. */
  docId: string;
  /** Canonical (RFC 6901-escaped, not percent-encoded) pointer inside that document. */
  pointer: string;
}

/** Parses a JSON pointer (`''` or `/a/b~1c`) into its unescaped segments; throws `RefError` when malformed. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new RefError(`'${pointer}' is not a JSON pointer (it must start with '/')`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The segments of a URI fragment (`/paths/~1users~1%7Bid%7D`): percent-decoded first, then RFC 6901. */
export function parseFragment(fragment: string): string[] {
  let decoded: string;
  try {
    decoded = decodeURIComponent(fragment);
  } catch {
    throw new RefError(`malformed percent-encoding in '#${fragment}'`);
  }
  if (decoded !== '' && !decoded.startsWith('/')) {
    throw new RefError(`'#${fragment}' is not a JSON pointer (plain-name fragments are not supported)`);
  }
  return parseJsonPointer(decoded);
}

/** Splits a model pointer (`common.yaml#/x` or `/x`) into its document id and in-document pointer. */
export function splitModelPointer(modelPointer: string): RefTarget {
  if (modelPointer === '' || modelPointer.startsWith('/')) return { docId: '', pointer: modelPointer };
  const hash = modelPointer.indexOf('#');
  if (hash < 0) return { docId: modelPointer, pointer: '' };
  return { docId: modelPointer.slice(0, hash), pointer: modelPointer.slice(hash + 1) };
}

/** The inverse of `splitModelPointer`. */
export function joinModelPointer(docId: string, pointer: string): string {
  return docId === '' ? pointer : `${docId}#${pointer}`;
}

export function isRemoteDocId(docId: string): boolean {
  return /^https?:\/\//i.test(docId);
}

/**
 * What a `$ref` written in document `fromDocId` points to. `mainName` is the main document's file name
 * (its path relative to the spec's directory), so that a reference back to the main file by name is the
 * main document. Throws `RefError` for references that must not be followed: paths leaving the spec's
 * directory, absolute paths, schemes other than http(s), malformed pointers.
 */
export function resolveRefTarget(ref: string, fromDocId: string, mainName: string): RefTarget {
  const hash = ref.indexOf('#');
  const uriPart = hash < 0 ? ref : ref.slice(0, hash);
  const fragment = hash < 0 ? '' : ref.slice(hash + 1);
  const pointer = pointerOf(...parseFragment(fragment));
  if (uriPart === '') return { docId: fromDocId, pointer };
  if (/^[a-z][a-z0-9+.-]*:/i.test(uriPart)) {
    if (!/^https?:/i.test(uriPart)) throw new RefError(`unsupported reference scheme in '${ref}' (only relative files and http(s) URLs)`);
    return { docId: canonicalUrl(uriPart, undefined, ref), pointer };
  }
  if (isRemoteDocId(fromDocId)) return { docId: canonicalUrl(uriPart, fromDocId, ref), pointer };
  if (uriPart.includes('\\') || uriPart.includes('\0')) throw new RefError(`invalid file reference '${ref}'`);
  if (uriPart.startsWith('/')) throw new RefError(`absolute file reference '${ref}' refused: references must be relative to the spec`);
  let path: string;
  try {
    path = decodeURIComponent(uriPart);
  } catch {
    throw new RefError(`malformed percent-encoding in '${ref}'`);
  }
  const from = fromDocId === '' ? mainName : fromDocId;
  const joined = posix.normalize(posix.join(posix.dirname(from), path));
  if (joined === '..' || joined.startsWith('../') || posix.isAbsolute(joined)) {
    throw new RefError(`'${ref}' points outside the spec's directory (path traversal refused)`);
  }
  if (joined === posix.normalize(mainName)) return { docId: '', pointer };
  return { docId: joined, pointer };
}

function canonicalUrl(url: string, base: string | undefined, ref: string): string {
  try {
    const u = new URL(url, base);
    u.hash = '';
    return u.href;
  } catch {
    throw new RefError(`malformed URL in '${ref}'`);
  }
}

/** The value at `segments` in `doc`, by own properties only (so `__proto__` and friends never match). */
export function getAtPointer(doc: unknown, segments: readonly string[]): { found: true; value: unknown } | { found: false } {
  let cur: unknown = doc;
  for (const seg of segments) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(seg)) return { found: false };
      const i = Number(seg);
      if (i >= cur.length) return { found: false };
      cur = cur[i];
    } else if (cur !== null && typeof cur === 'object' && Object.hasOwn(cur, seg)) {
      cur = (cur as Record<string, unknown>)[seg];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: cur };
}

/** Keys whose values are literal data in OpenAPI / JSON Schema, so a `$ref` inside them is not a reference. */
const LITERAL_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const']);
/** Keys whose values are maps of names, where `example` or `default` is a name, not literal data. */
const NAME_MAP_KEYS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas', 'schemas', 'parameters', 'responses', 'headers']);

/**
 * Every `$ref` string in a parsed document, with the pointer of the object holding it, skipping literal
 * data (`example`, `default`, `enum`...). Extensions (`x-*`) are searched: a local `$ref` may lead into
 * them. Iterative, and visits each object once, so it is safe on deep or shared (YAML alias) structures.
 */
export function collectRefs(doc: unknown): Array<{ ref: string; pointer: string }> {
  const out: Array<{ ref: string; pointer: string }> = [];
  const seen = new Set<object>();
  const stack: Array<{ value: unknown; pointer: string; key: string }> = [{ value: doc, pointer: '', key: '' }];
  while (stack.length) {
    const { value, pointer, key } = stack.pop()!;
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, pointer: `${pointer}/${i}`, key: String(i) }));
      continue;
    }
    const obj = value as Record<string, unknown>;
    if (typeof obj.$ref === 'string') out.push({ ref: obj.$ref, pointer });
    const namesHere = NAME_MAP_KEYS.has(key);
    for (const [k, v] of Object.entries(obj)) {
      if (!namesHere && LITERAL_KEYS.has(k)) continue;
      stack.push({ value: v, pointer: pointer + pointerOf(k), key: k });
    }
  }
  return out;
}
