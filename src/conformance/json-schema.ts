import type { SchemaNode, SpecDialect } from '../spec/model.js';

/**
 * Turns a `SchemaNode` graph (resolved, possibly cyclic) back into plain JSON Schema that ajv can
 * compile, for one dialect:
 *
 * - a node reached through a `$ref` to a named schema (`refName`), and any other node that is the target
 *   of a cycle, is emitted once as its own schema (`$id` `bulwark:/<key>`) and referred to by `$ref`
 *   everywhere else, so cycles compile and shared schemas are compiled once per spec;
 * - OpenAPI 3.0 / Swagger 2.0 (`nullable`, boolean `exclusiveMinimum`) become draft-07; 3.1 is 2020-12;
 * - keywords ajv would refuse to compile (`required: true`, `type: file`, over-long `pattern`s) are
 *   dropped rather than failing the whole operation: conformance is best effort, never a crash.
 *
 * With `tolerateRedaction`, every node that accepts strings or numbers also accepts a value that is
 * exactly a redaction placeholder (`[REDACTED:email:0123456789abcdef]`): events reach this stage
 * redacted, and the placeholder stands for a value we can no longer check.
 */

export const REDACTION_FORMAT = 'bulwark-redacted';
/** `[REDACTED:<class>:<hex>]` as `src/redact/placeholder.ts` writes it. */
export const isRedactionPlaceholder = (v: unknown): boolean =>
  typeof v === 'string' && v.length <= 128 && v.startsWith('[REDACTED:') && v.endsWith(']') && !/\s/.test(v);

type Json = Record<string, unknown>;

/** Longest `pattern` kept; longer ones are dropped (and cannot be compiled by the linear engine anyway). */
export const MAX_SCHEMA_PATTERN_LENGTH = 256;

const MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'dependentSchemas']);
const SINGLE_KEYWORDS = new Set(['items', 'additionalProperties', 'additionalItems', 'not', 'contains', 'propertyNames', 'if', 'then', 'else', 'unevaluatedProperties', 'unevaluatedItems']);
const LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
/** Keywords never copied: references (already resolved into children), identifiers, OpenAPI annotations. */
const DROP = new Set([
  '$ref', '$id', 'id', '$schema', '$anchor', '$dynamicRef', '$dynamicAnchor', '$recursiveRef', '$recursiveAnchor',
  '$defs', 'definitions', '$comment', 'nullable', 'x-nullable', 'discriminator', 'xml', 'externalDocs', 'example',
  'examples', 'description', 'title', 'deprecated', 'readOnly', 'writeOnly', 'default', '$vocabulary',
]);
const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const SCALAR_HINTS = ['format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'enum', 'const'];

export interface SchemaEmitter {
  /** JSON Schema for `node`; named / cyclic nodes inside it are `$ref`s to schemas passed to `register`. */
  emit(node: SchemaNode): Json;
}

/**
 * One emitter per (spec, tolerateRedaction): it remembers which shared schemas it has registered.
 * `register(id, schema)` must make `schema` resolvable by `$ref: id` (ajv's `addSchema`).
 */
export function createSchemaEmitter(
  dialect: SpecDialect,
  tolerateRedaction: boolean,
  register: (id: string, schema: Json) => void,
): SchemaEmitter {
  const ids = new Map<SchemaNode, string>();
  const usedKeys = new Set<string>();
  const legacy = dialect !== 'openapi-3.1';

  const keyFor = (node: SchemaNode): string => {
    const base = (node.refName ?? `anon${usedKeys.size}`).replace(/[^A-Za-z0-9._-]/g, '_') + (tolerateRedaction ? '.r' : '');
    let key = base;
    for (let i = 2; usedKeys.has(key); i++) key = `${base}~${i}`;
    usedKeys.add(key);
    return `bulwark:/${key}`;
  };

  /** Targets of back edges among the unnamed nodes under `root` (named ones are cut: they get ids anyway). */
  const cycleTargets = (root: SchemaNode): Set<SchemaNode> => {
    const out = new Set<SchemaNode>();
    const state = new Map<SchemaNode, 1 | 2>();
    const stack: Array<{ node: SchemaNode; i: number }> = [{ node: root, i: 0 }];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const next = top.node.children[top.i++];
      if (!next) {
        state.set(top.node, 2);
        stack.pop();
        continue;
      }
      const c = next.schema;
      if (c.refName !== null || ids.has(c)) continue;
      const s = state.get(c);
      if (s === 1) out.add(c);
      else if (s === undefined) {
        state.set(c, 1);
        stack.push({ node: c, i: 0 });
      }
    }
    return out;
  };

  let cyclic = new Set<SchemaNode>();

  const refTo = (node: SchemaNode): Json => {
    let id = ids.get(node);
    if (id === undefined) {
      id = keyFor(node);
      ids.set(node, id);
      const saved = cyclic;
      cyclic = cycleTargets(node);
      const body = convert(node);
      cyclic = saved;
      register(id, { $id: id, ...body });
    }
    return { $ref: id };
  };

  const sub = (node: SchemaNode): Json => (node.refName !== null || ids.has(node) || cyclic.has(node) ? refTo(node) : convert(node));

  const convert = (node: SchemaNode): Json => {
    const raw = node.raw;
    const out: Json = {};
    for (const [k, v] of Object.entries(raw)) {
      if (DROP.has(k) || k.startsWith('x-')) continue;
      if (MAP_KEYWORDS.has(k)) {
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          const m: Json = {};
          for (const [name, x] of Object.entries(v)) if (typeof x === 'boolean') m[name] = x;
          out[k] = m;
        }
      } else if (SINGLE_KEYWORDS.has(k)) {
        if (typeof v === 'boolean') out[k] = v;
        else if (k === 'items' && Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'boolean' ? x : {}));
      } else if (LIST_KEYWORDS.has(k)) {
        if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'boolean' ? x : {}));
      } else out[k] = v;
    }
    for (const { via, schema } of node.children) {
      const slash = via.indexOf('/');
      const kw = slash < 0 ? via : via.slice(0, slash);
      const rest = slash < 0 ? null : via.slice(slash + 1);
      const s = sub(schema);
      if (rest === null) out[kw] = s;
      else if (MAP_KEYWORDS.has(kw)) ((out[kw] ??= {}) as Json)[rest] = s;
      else {
        const list = Array.isArray(out[kw]) ? (out[kw] as unknown[]) : (out[kw] = []);
        (list as unknown[])[Number(rest)] = s;
      }
    }
    // Tuple `items: [..]` is `prefixItems` in 2020-12.
    if (!legacy && Array.isArray(out.items)) {
      out.prefixItems = out.items;
      delete out.items;
    }
    sanitize(out, raw, legacy);
    if (tolerateRedaction && acceptsScalar(node)) {
      // if/else rather than anyOf: a failure inside `out` keeps its own pointer and keyword.
      return { if: { type: 'string', format: REDACTION_FORMAT }, else: out };
    }
    return out;
  };

  return {
    emit: (node) => {
      const saved = cyclic;
      cyclic = cycleTargets(node);
      try {
        return sub(node);
      } finally {
        cyclic = saved;
      }
    },
  };
}

function acceptsScalar(node: SchemaNode): boolean {
  if (node.types.length) return node.types.some((t) => t === 'string' || t === 'number' || t === 'integer');
  return SCALAR_HINTS.some((k) => node.raw[k] !== undefined);
}

function sanitize(out: Json, raw: Json, legacy: boolean): void {
  // Types: drop unknown ones (Swagger's `file`); nullable (3.0 / 2.0) adds null.
  let types: string[] | null = null;
  if (typeof out.type === 'string') types = [out.type];
  else if (Array.isArray(out.type)) types = out.type.filter((t): t is string => typeof t === 'string');
  if (types) {
    types = types.filter((t) => JSON_TYPES.has(t));
    if (types.length === 0) delete out.type;
    else out.type = types.length === 1 ? types[0] : types;
  }
  const nullable = legacy && (raw.nullable === true || raw['x-nullable'] === true);
  if (nullable) {
    if (types && types.length) {
      if (!types.includes('null')) out.type = [...types, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else {
      // No type: the keywords (often an `allOf` of one `$ref`) apply to non-null values only (if/else keeps
      // the inner failure's pointer, where anyOf would report the outer one).
      const inner = { ...out };
      for (const k of Object.keys(out)) delete out[k];
      out.if = { type: 'null' };
      out.else = inner;
      return;
    }
  }
  if (out.required !== undefined && !(Array.isArray(out.required) && out.required.every((x) => typeof x === 'string'))) delete out.required;
  if (out.pattern !== undefined && (typeof out.pattern !== 'string' || out.pattern.length > MAX_SCHEMA_PATTERN_LENGTH)) delete out.pattern;
  if (out.format !== undefined && typeof out.format !== 'string') delete out.format;
  if (out.enum !== undefined && !Array.isArray(out.enum)) delete out.enum;
  for (const k of ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'multipleOf']) {
    if (out[k] !== undefined && typeof out[k] !== 'number') delete out[k];
  }
  if (legacy) {
    // Draft 4 / OpenAPI 3.0 boolean exclusive bounds -> draft-07 numbers.
    for (const [ex, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
      if (typeof out[ex] === 'boolean') {
        if (out[ex] === true && typeof out[bound] === 'number') {
          out[ex] = out[bound];
          delete out[bound];
        } else delete out[ex];
      }
    }
  }
}
