import type { Parameter } from '../../contracts/endpoint.js';

/**
 * JSON Schemas (OpenAPI 3.1 dialect) from observed parameters: types, formats, required fields and
 * enums, and nothing taken from a value but the members of a vetted small value set (`values`, see
 * `smallValueSet` in `discover/params.ts`). No examples, no defaults.
 */

export type JsonSchema = Record<string, unknown>;

/** What is known about one field: a `Parameter` without its place. */
export type FieldFacts = Pick<Parameter, 'types' | 'formats' | 'dataClasses' | 'seen' | 'values'>;

/** "Nearly all": a field present in at least this share of the bodies it could appear in is required. */
export const REQUIRED_SHARE = 0.95;
/** A format covering at least this share of a field's string values is the field's format. */
const FORMAT_SHARE = 0.9;

/**
 * Formats with a meaning in JSON Schema / OpenAPI, by what discovery records: its own formats, and the
 * data classes whose redaction placeholders it saw (`[REDACTED:email:…]` counts as format `email`).
 */
const FORMATS: Record<string, string> = {
  uuid: 'uuid',
  date: 'date',
  'date-time': 'date-time',
  uri: 'uri',
  ipv4: 'ipv4',
  email: 'email',
  password: 'password',
};

const TYPE_ORDER = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'];

/** `[REDACTED:<class>:<hex>]`: a key or value that was data; never a property name of a schema. */
export const PLACEHOLDER = /^\[REDACTED:[a-z0-9-]{1,48}:[0-9a-f]{16}\]$/;

function typesOf(facts: FieldFacts | undefined, fallback: string[]): string[] {
  const seen = Object.keys(facts?.types ?? {}).filter((t) => (facts!.types[t] ?? 0) > 0 && TYPE_ORDER.includes(t));
  let types = seen.length ? seen : fallback;
  if (types.includes('integer') && types.includes('number')) types = types.filter((t) => t !== 'integer');
  return [...types].sort((a, b) => TYPE_ORDER.indexOf(a) - TYPE_ORDER.indexOf(b));
}

function formatOf(facts: FieldFacts): string | null {
  const strings = facts.types.string ?? 0;
  if (strings === 0) return null;
  for (const [f, n] of Object.entries(facts.formats)) {
    if (FORMATS[f] && n >= FORMAT_SHARE * strings) return FORMATS[f]!;
  }
  return null;
}

/** The vetted value set as enum members, sorted; only for fields that were never anything but strings. */
function enumOf(facts: FieldFacts, types: string[]): string[] | null {
  if (!facts.values || facts.dataClasses.length > 0) return null;
  if (types.length !== 1 || types[0] !== 'string') return null;
  const members = Object.keys(facts.values).filter((v) => !v.includes('[REDACTED:'));
  return members.length ? members.sort() : null;
}

function annotate(schema: JsonSchema, facts: FieldFacts | undefined, types: string[]): JsonSchema {
  if (!facts) return schema;
  if (types.includes('string')) {
    const f = formatOf(facts);
    if (f) schema.format = f;
    const e = enumOf(facts, types);
    if (e) schema.enum = e;
  }
  // Where data of a class was seen: reviewers and the spec audit's sensitive-data rules read it.
  if (facts.dataClasses.length > 0) schema['x-bulwark-data-classes'] = [...facts.dataClasses].sort();
  return schema;
}

function typeKeyword(types: string[]): string | string[] {
  return types.length === 1 ? types[0]! : types;
}

/**
 * The schema of a query, path, header or cookie parameter: values arrive as text, typed by their look
 * (`42` integer, `true` boolean). Text can always be a string, so a mix with strings is a string.
 */
export function textSchema(facts: FieldFacts | undefined): JsonSchema {
  let types = typesOf(facts, ['string']).filter((t) => t !== 'null' && t !== 'object' && t !== 'array');
  if (types.length === 0 || types.includes('string') || (types.includes('boolean') && types.length > 1)) types = ['string'];
  return annotate({ type: typeKeyword(types) }, facts, types);
}

interface Node {
  facts?: FieldFacts;
  children: Map<string, Node>;
}

/** RFC 6901 unescaping of one token. */
function unescapeToken(t: string): string {
  return t.replace(/~1/g, '/').replace(/~0/g, '~');
}

function newNode(): Node {
  return { children: new Map() };
}

/** Body fields by JSON pointer (`/items/*\/id`) -> a tree. */
function treeOf(fields: ReadonlyArray<{ pointer: string; facts: FieldFacts }>): Node {
  const root = newNode();
  for (const { pointer, facts } of fields) {
    if (!pointer.startsWith('/')) continue;
    let node = root;
    for (const raw of pointer.slice(1).split('/')) {
      const token = unescapeToken(raw);
      let child = node.children.get(token);
      if (!child) node.children.set(token, (child = newNode()));
      node = child;
    }
    node.facts = node.facts ? addFacts(node.facts, facts) : facts;
  }
  return root;
}

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
  return out;
}

/** The facts of two observations of one field (two endpoints merged, or map entries folded together). */
export function addFacts(a: FieldFacts, b: FieldFacts): FieldFacts {
  let values: Record<string, number> | undefined;
  if (a.values && b.values) {
    values = addCounts(a.values, b.values);
    if (Object.keys(values).length > 10) values = undefined;
  }
  return {
    types: addCounts(a.types, b.types),
    formats: addCounts(a.formats, b.formats),
    dataClasses: [...new Set([...a.dataClasses, ...b.dataClasses])].sort(),
    seen: a.seen + b.seen,
    ...(values ? { values } : {}),
  };
}

function mergeNodes(nodes: Node[]): Node {
  const out = newNode();
  for (const n of nodes) {
    if (n.facts) out.facts = out.facts ? addFacts(out.facts, n.facts) : n.facts;
    for (const [k, c] of n.children) {
      const mine = out.children.get(k);
      out.children.set(k, mine ? mergeNodes([mine, c]) : c);
    }
  }
  return out;
}

/** How many times a node occurred as an object: its children are required against this. */
function occurrences(node: Node): number {
  const f = node.facts;
  if (!f) return 0;
  // Under arrays `types` counts items while `seen` counts bodies, as children's `seen` does: the smaller fits.
  return Math.min(f.seen, f.types.object ?? f.seen);
}

/** Fewer keys than this are an object's fields, however rarely each appears. */
const MAP_MIN_KEYS = 8;

/**
 * An object whose keys are mostly rare (each in at most a tenth of its occurrences, over at least five)
 * is a map keyed by data (user names, SKUs, dates) that no detector redacted: its keys must not become
 * property names, the schema describes its values only.
 */
function looksLikeMap(node: Node, keys: readonly string[], denominator: number): boolean {
  if (keys.length < MAP_MIN_KEYS || denominator < 5) return false;
  const rare = keys.filter((k) => (node.children.get(k)!.facts?.seen ?? 0) <= 0.1 * denominator).length;
  return rare >= 0.8 * keys.length;
}

function schemaOfNode(node: Node, total: number | null): JsonSchema {
  const hasItems = node.children.has('*');
  const named = [...node.children.keys()].filter((k) => k !== '*');
  const fallback: string[] = [];
  if (hasItems) fallback.push('array');
  if (named.length || !hasItems) fallback.push('object');
  let types = typesOf(node.facts, fallback);
  // A node with fields but facts lost to the field cap: still an object.
  if (named.length && !types.includes('object')) types = [...types, 'object'];
  const schema: JsonSchema = { type: typeKeyword(types) };
  if (types.includes('object')) {
    const denominator = total ?? occurrences(node);
    let keys = named.filter((k) => !PLACEHOLDER.test(k)).sort();
    let mapEntries = named.filter((k) => PLACEHOLDER.test(k));
    if (looksLikeMap(node, keys, denominator)) {
      mapEntries = named;
      keys = [];
    }
    if (keys.length) {
      const properties: JsonSchema = {};
      const required: string[] = [];
      for (const k of keys) {
        const child = node.children.get(k)!;
        properties[k] = schemaOfNode(child, null);
        if (denominator > 0 && (child.facts?.seen ?? 0) >= REQUIRED_SHARE * denominator) required.push(k);
      }
      schema.properties = properties;
      if (required.length) schema.required = required;
    }
    // Keys that were themselves data (emails, ids as keys): a map, described by its values only.
    if (mapEntries.length) schema.additionalProperties = schemaOfNode(mergeNodes(mapEntries.map((k) => node.children.get(k)!)), null);
  }
  if (types.includes('array')) schema.items = hasItems ? schemaOfNode(node.children.get('*')!, null) : {};
  return annotate(schema, node.facts, types);
}

/**
 * The schema of a JSON (or form) body from its fields by pointer. `bodies` is how many bodies the
 * fields were observed over: top-level fields present in nearly all of them are required. `only`, when
 * given, keeps just these top-level fields (a response class's own fields).
 *
 * @example
 * bodySchema([{ pointer: '/id', facts: { types: { integer: 9 }, formats: {}, dataClasses: [], seen: 9 } }], 9)
 * // { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] }
 */
export function bodySchema(fields: ReadonlyArray<{ pointer: string; facts: FieldFacts }>, bodies: number, only?: ReadonlySet<string>): JsonSchema {
  const root = treeOf(fields);
  if (only) for (const k of [...root.children.keys()]) if (!only.has(k)) root.children.delete(k);
  if (root.children.size === 0) return {};
  if (root.children.size === 1 && root.children.has('*')) {
    return { type: 'array', items: schemaOfNode(root.children.get('*')!, null) };
  }
  const top = [...root.children.values()].reduce((n, c) => Math.max(n, c.facts?.seen ?? 0), 0);
  return schemaOfNode(root, Math.max(bodies, top));
}
