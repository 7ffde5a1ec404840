import type { SchemaNode, SpecModel, SpecOperation, SpecParameter, SpecResponse, SpecSecurityScheme } from '../model.js';
import { pointerSegment } from '../model.js';
import { RULE_PATTERNS } from './rules/patterns.js';

/**
 * Facts about a model that many rules need, computed once per model and shared by every rule: which
 * schema nodes are reachable from requests and from responses, every object property with its name,
 * the distinct parameters and responses with the operations that use them, a JSON-pointer reader on the
 * raw document. Rules stay pure functions of the model: `factsOf(model)` is a cache, keyed by the model
 * object itself in a `WeakMap`, so it holds no state a caller can observe and goes away with the model.
 *
 * Why: a spec like GitHub's has tens of thousands of schema nodes; twenty schema rules each walking
 * them, with their own visited sets, cost twenty walks. One walk, then twenty cheap loops over arrays.
 *
 * @example
 *   for (const s of factsOf(model).schemas) if (s.node.types.includes('array') && !('maxItems' in s.node.raw)) yield hit(s.node.pointer);
 */
export interface SpecFacts {
  /**
   * Every distinct schema node reachable without going through `not` (a negated schema forbids, it does not
   * accept): named schemas, and those of operations and webhooks.
   */
  schemas: SchemaFact[];
  /** Every `properties/<name>` edge of the nodes in `schemas`. */
  properties: PropertyFact[];
  /** Distinct parameters (by pointer), each with the operations that take it. */
  parameters: Array<{ param: SpecParameter; ops: SpecOperation[] }>;
  /** Distinct responses (by pointer), each with the operations that answer with it. */
  responses: Array<{ response: SpecResponse; ops: SpecOperation[] }>;
  schemeByName: ReadonlyMap<string, SpecSecurityScheme>;
  /** The value written at a pointer of the raw document, or undefined. */
  at(pointer: string): unknown;
  /** `base + '/' + field` when that field is written in the document, else `base`: the most precise location. */
  field(base: string, ...fields: string[]): string;
  /** Every string written under an `example`, `examples`, `default` or `x-example(s)` key, with its pointer. */
  exampleStrings(): Array<{ pointer: string; value: string }>;
}

export interface SchemaFact {
  node: SchemaNode;
  /** Reachable from a parameter or request body (not through `readOnly` properties). */
  request: boolean;
  /** Reachable from a response body or header (not through `writeOnly` properties). */
  response: boolean;
  /** Reached as a branch of `allOf`/`anyOf`/`oneOf` somewhere: its object may legitimately stay open. */
  composed: boolean;
}

export interface PropertyFact {
  parent: SchemaNode;
  name: string;
  schema: SchemaNode;
  /** The parent is reachable from a request and the property is not `readOnly`. */
  request: boolean;
  /** The parent is reachable from a response and the property is not `writeOnly`. */
  response: boolean;
}

const cache = new WeakMap<SpecModel, SpecFacts>();

export function factsOf(model: SpecModel): SpecFacts {
  let facts = cache.get(model);
  if (!facts) {
    facts = computeFacts(model);
    cache.set(model, facts);
  }
  return facts;
}

const isNegation = (via: string) => via === 'not' || via.startsWith('not/');
const isComposition = (via: string) => via.startsWith('allOf/') || via.startsWith('anyOf/') || via.startsWith('oneOf/');
const propertyName = (via: string) => (via.startsWith('properties/') ? via.slice('properties/'.length) : null);

/** Nodes reachable from `roots`, skipping `not` and the edges `skip` rejects; iterative, each node once. */
function reach(roots: Iterable<SchemaNode | null | undefined>, skip: (via: string, child: SchemaNode) => boolean): Set<SchemaNode> {
  const seen = new Set<SchemaNode>();
  const stack: SchemaNode[] = [];
  for (const r of roots) {
    if (r && !seen.has(r)) {
      seen.add(r);
      stack.push(r);
    }
  }
  while (stack.length) {
    const node = stack.pop()!;
    for (const { via, schema } of node.children) {
      if (seen.has(schema) || isNegation(via) || skip(via, schema)) continue;
      seen.add(schema);
      stack.push(schema);
    }
  }
  return seen;
}

function computeFacts(model: SpecModel): SpecFacts {
  const requestRoots: Array<SchemaNode | null> = [];
  const responseRoots: Array<SchemaNode | null> = [];
  const params = new Map<string, { param: SpecParameter; ops: SpecOperation[] }>();
  const responses = new Map<string, { response: SpecResponse; ops: SpecOperation[] }>();
  for (const op of model.operations) {
    for (const p of op.parameters) {
      requestRoots.push(p.schema);
      const entry = params.get(p.pointer);
      if (entry) entry.ops.push(op);
      else params.set(p.pointer, { param: p, ops: [op] });
    }
    for (const m of op.requestBody?.content ?? []) requestRoots.push(m.schema);
    for (const r of op.responses) {
      for (const h of r.headers) responseRoots.push(h.schema);
      for (const m of r.content) responseRoots.push(m.schema);
      const entry = responses.get(r.pointer);
      if (entry) entry.ops.push(op);
      else responses.set(r.pointer, { response: r, ops: [op] });
    }
  }

  const flag = (child: SchemaNode, key: 'readOnly' | 'writeOnly') => child.raw[key] === true;
  const inRequest = reach(requestRoots, (via, child) => propertyName(via) !== null && flag(child, 'readOnly'));
  const inResponse = reach(responseRoots, (via, child) => propertyName(via) !== null && flag(child, 'writeOnly'));
  // Webhook schemas are audited like any schema, but they are neither a request the API accepts nor a
  // response it returns to its caller (the API sends them), so they feed `schemas` and `properties` only:
  // not `request`/`response`, not `parameters`/`responses`, which operation rules read.
  const webhookRoots: Array<SchemaNode | null> = [];
  for (const hook of model.webhooks) {
    for (const p of hook.parameters) webhookRoots.push(p.schema);
    for (const m of hook.requestBody?.content ?? []) webhookRoots.push(m.schema);
    for (const r of hook.responses) {
      for (const h of r.headers) webhookRoots.push(h.schema);
      for (const m of r.content) webhookRoots.push(m.schema);
    }
  }
  const all = reach([...model.schemas.map((s) => s.schema), ...requestRoots, ...responseRoots, ...webhookRoots], () => false);

  const composed = new Set<SchemaNode>();
  const schemas: SchemaFact[] = [];
  const properties: PropertyFact[] = [];
  for (const node of all) {
    for (const { via, schema } of node.children) {
      if (isComposition(via)) composed.add(schema);
    }
  }
  for (const node of all) {
    const request = inRequest.has(node);
    const response = inResponse.has(node);
    schemas.push({ node, request, response, composed: composed.has(node) });
    for (const { via, schema } of node.children) {
      const name = propertyName(via);
      if (name === null) continue;
      properties.push({ parent: node, name, schema, request: request && !flag(schema, 'readOnly'), response: response && !flag(schema, 'writeOnly') });
    }
  }

  const at = (pointer: string) => valueAt(model.raw, pointer);
  let examples: Array<{ pointer: string; value: string }> | null = null;
  return {
    schemas,
    properties,
    parameters: [...params.values()],
    responses: [...responses.values()],
    schemeByName: new Map(model.securitySchemes.map((s) => [s.name, s])),
    at,
    field(base, ...fields) {
      let ptr = base;
      for (const f of fields) {
        const next = `${ptr}/${pointerSegment(f)}`;
        if (at(next) === undefined) return ptr;
        ptr = next;
      }
      return ptr;
    },
    exampleStrings() {
      examples ??= collectExampleStrings(model.raw);
      return examples;
    },
  };
}

/** RFC 6901 lookup in a parsed document; undefined when any segment is missing. */
export function valueAt(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  if (!pointer.startsWith('/')) return undefined;
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      if (!RULE_PATTERNS.arrayIndex.test(seg)) return undefined;
      cur = cur[Number(seg)];
    } else if (cur !== null && typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, seg)) {
      cur = (cur as Record<string, unknown>)[seg];
    } else {
      return undefined;
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

const EXAMPLE_KEYS = new Set(['example', 'examples', 'default', 'x-example', 'x-examples']);

/** One iterative pass over the raw document; strings under an example-like key, with their pointers. */
function collectExampleStrings(doc: unknown): Array<{ pointer: string; value: string }> {
  // Pointers are built only for the strings reported: each frame links to its parent.
  interface Frame { value: unknown; parent: Frame | null; seg: string; inExample: boolean }
  const pointerOfFrame = (f: Frame): string => {
    const segs: string[] = [];
    for (let x: Frame | null = f; x && x.parent; x = x.parent) segs.push(x.seg);
    return segs.reverse().map((s) => `/${pointerSegment(s)}`).join('');
  };
  const out: Array<{ pointer: string; value: string }> = [];
  const stack: Frame[] = [{ value: doc, parent: null, seg: '', inExample: false }];
  const seen = new Set<object>();
  while (stack.length) {
    const f = stack.pop()!;
    const { value } = f;
    if (typeof value === 'string') {
      if (f.inExample) out.push({ pointer: pointerOfFrame(f), value });
      continue;
    }
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    // Only objects, and strings that will be reported, become frames: most values are neither.
    const visit = (v: unknown, seg: string, inExample: boolean) => {
      if ((typeof v === 'string' && inExample) || (v !== null && typeof v === 'object')) stack.push({ value: v, parent: f, seg, inExample });
    };
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) visit(value[i], String(i), f.inExample);
    } else {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        // A property *named* `default` or `example` is a schema, not an example value.
        visit((value as Record<string, unknown>)[k], k, f.inExample || (EXAMPLE_KEYS.has(k) && f.seg !== 'properties'));
      }
    }
  }
  return out;
}
