import { pointerSegment, type SchemaNode } from '../model.js';

/**
 * Structural comparison of two schemas, the old and the new version of the same place (a parameter, a
 * request body, a response body), from the side of the client:
 * - `request`: what the client sends. A change is breaking when the new schema refuses something the old
 *   one accepted: a type narrowed, an enum value gone, a bound tightened, a property newly required.
 * - `response`: what the client reads. A change is breaking when the client can receive something it was
 *   not promised, or stops receiving something it was: a type widened, a new enum value, a property
 *   removed or no longer required. Properties added to a response are reported too (for the sensitive-data
 *   rules), as `property-added`.
 *
 * Schemas are graphs with cycles (`Node.children: Node[]`) and shared components: the walk keeps a visited
 * set of (old node, new node) pairs, so each pair is compared once per root, and stops at `MAX_DEPTH`
 * nested levels and `MAX_PAIRS` pairs, reporting a `truncated` delta when it does. `allOf` members are
 * merged into one view (properties, required, bounds), so moving properties into an `allOf` is no change;
 * `oneOf` / `anyOf` alternatives are paired by component name, else by position when both have as many.
 *
 * @example
 *   compareSchemas(oldParam.schema, newParam.schema, 'request')
 *   // [{ kind: 'constraint', path: '', detail: 'maxLength lowered from 100 to 50', … }]
 */

export type Direction = 'request' | 'response';

export type SchemaDeltaKind =
  | 'type'
  | 'enum-removed'
  | 'enum-added'
  | 'constraint'
  | 'property-removed'
  | 'property-added'
  | 'required-added'
  | 'required-removed'
  | 'truncated';

export interface SchemaDelta {
  kind: SchemaDeltaKind;
  /** Where inside the compared root: `owner.email`, `items[].id`, `[]`; empty for the root itself. */
  path: string;
  /**
   * The most precise place of the change: the new spec's keyword (`…/maxLength`, `…/required/2`,
   * `…/properties/email`), or for `property-removed` the old spec's `properties` entry.
   */
  side: 'old' | 'new';
  pointer: string;
  /** What changed, for people: `integer -> string`, `maxLength lowered from 100 to 50`, `value "gold"`. */
  detail: string;
  /** The property a `property-*` / `required-*` delta is about. */
  name?: string;
  /** For `property-added`: the new property's schema (the sensitive-data rules walk it). */
  schema?: SchemaNode;
}

/** Deeper than this many nested schema levels, a comparison stops (and says so). */
export const MAX_DEPTH = 48;
/** More (old, new) pairs than this in one comparison, and it stops (and says so). */
export const MAX_PAIRS = 20_000;
/** `allOf` nesting merged into one view, at most. */
const MAX_ALLOF_DEPTH = 16;

type Bound = { value: number; exclusive: boolean };

/** A schema node with its `allOf` members merged: what a value must satisfy. */
interface View {
  node: SchemaNode;
  types: string[];
  properties: Map<string, SchemaNode>;
  /** Property name -> the node (this one or an `allOf` member) that declares it. */
  propertyOwner: Map<string, SchemaNode>;
  /** Required name -> the pointer of its entry in a `required` list. */
  required: Map<string, string>;
  items: SchemaNode | null;
  /** `false` when unknown properties are refused; a schema; or null (allowed, unconstrained). */
  additional: SchemaNode | false | null;
  alternatives: SchemaNode[];
  enumValues: unknown[] | null;
  raw: Record<string, unknown>[];
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function view(node: SchemaNode): View {
  const v: View = { node, types: [], properties: new Map(), propertyOwner: new Map(), required: new Map(), items: null, additional: null, alternatives: [], enumValues: null, raw: [] };
  const seen = new Set<SchemaNode>();
  const visit = (n: SchemaNode, depth: number) => {
    if (seen.has(n) || depth > MAX_ALLOF_DEPTH) return;
    seen.add(n);
    v.raw.push(n.raw);
    if (!v.types.length && n.types.length) v.types = [...n.types];
    if (Array.isArray(n.raw.required)) n.raw.required.forEach((r, i) => typeof r === 'string' && !v.required.has(r) && v.required.set(r, `${n.pointer}/required/${i}`));
    if (v.enumValues === null) {
      if (Array.isArray(n.raw.enum)) v.enumValues = n.raw.enum;
      else if (n.raw.const !== undefined) v.enumValues = [n.raw.const];
    }
    if (n.raw.additionalProperties === false) v.additional = false;
    for (const { via, schema } of n.children) {
      if (via.startsWith('properties/')) {
        const name = via.slice('properties/'.length);
        if (!v.properties.has(name)) {
          v.properties.set(name, schema);
          v.propertyOwner.set(name, n);
        }
      } else if (via === 'items' && !v.items) v.items = schema;
      else if (via === 'additionalProperties' && v.additional === null) v.additional = schema;
      else if (depth === 0 && (via.startsWith('oneOf/') || via.startsWith('anyOf/'))) v.alternatives.push(schema);
    }
    for (const { via, schema } of n.children) if (via.startsWith('allOf/')) visit(schema, depth + 1);
  };
  visit(node, 0);
  if (!v.types.length) {
    if (v.properties.size || v.additional !== null) v.types = ['object'];
    else if (v.items) v.types = ['array'];
  }
  return v;
}

/** Does a schema of `types` accept a value of type `t`? (`number` accepts integers.) */
const accepts = (types: readonly string[], t: string) => types.includes(t) || (t === 'integer' && types.includes('number'));
/** The types of `from` that `to` does not accept: `['null']` when `nullable` was dropped. */
const notAccepted = (from: readonly string[], to: readonly string[]) => from.filter((t) => !accepts(to, t));
const typeText = (types: readonly string[]) => types.join(' | ');

/** The tightest of the bounds the view's members give (`allOf`: every one applies). */
function upper(v: View, key: 'maximum' | 'maxLength' | 'maxItems' | 'maxProperties'): Bound | null {
  let best: Bound | null = null;
  for (const raw of v.raw) {
    const candidates: Bound[] = [];
    if (isNum(raw[key])) candidates.push({ value: raw[key], exclusive: key === 'maximum' && raw.exclusiveMaximum === true });
    if (key === 'maximum' && isNum(raw.exclusiveMaximum)) candidates.push({ value: raw.exclusiveMaximum, exclusive: true });
    for (const c of candidates) if (!best || c.value < best.value || (c.value === best.value && c.exclusive)) best = c;
  }
  return best;
}

function lower(v: View, key: 'minimum' | 'minLength' | 'minItems' | 'minProperties'): Bound | null {
  let best: Bound | null = null;
  for (const raw of v.raw) {
    const candidates: Bound[] = [];
    if (isNum(raw[key])) candidates.push({ value: raw[key], exclusive: key === 'minimum' && raw.exclusiveMinimum === true });
    if (key === 'minimum' && isNum(raw.exclusiveMinimum)) candidates.push({ value: raw.exclusiveMinimum, exclusive: true });
    for (const c of candidates) if (!best || c.value > best.value || (c.value === best.value && c.exclusive)) best = c;
  }
  return best;
}

const firstOf = (v: View, key: string): unknown => v.raw.find((r) => r[key] !== undefined)?.[key];
const boundText = (b: Bound) => `${b.exclusive ? '<' : ''}${b.value}`;

/** Integer and number formats by width: a narrower one refuses values the wider one accepted. */
const NUMBER_FORMAT_WIDTH: Record<string, number> = { int8: 1, uint8: 1, int16: 2, int32: 3, int64: 4, float: 5, double: 6 };

/** How the new schema refuses what the old one accepted, beyond type and enum: one entry per keyword. */
function tightenedConstraints(o: View, n: View): Array<{ keyword: string; detail: string }> {
  const out: Array<{ keyword: string; detail: string }> = [];
  const push = (keyword: string, detail: string) => out.push({ keyword, detail });
  for (const key of ['maxLength', 'maxItems', 'maxProperties', 'maximum'] as const) {
    const a = upper(o, key);
    const b = upper(n, key);
    if (!b) continue;
    if (!a) push(key, `${key} ${boundText(b)} added`);
    else if (b.value < a.value || (b.value === a.value && b.exclusive && !a.exclusive)) push(key, `${key} lowered from ${boundText(a)} to ${boundText(b)}`);
  }
  for (const key of ['minLength', 'minItems', 'minProperties', 'minimum'] as const) {
    const a = lower(o, key);
    const b = lower(n, key);
    if (!b) continue;
    if (!a) {
      // `minLength: 0` / `minItems: 0` refuse nothing.
      if (key !== 'minimum' && b.value <= 0 && !b.exclusive) continue;
      push(key, `${key} ${boundText(b)} added`);
    } else if (b.value > a.value || (b.value === a.value && b.exclusive && !a.exclusive)) push(key, `${key} raised from ${boundText(a)} to ${boundText(b)}`);
  }
  const op = firstOf(o, 'pattern');
  const np = firstOf(n, 'pattern');
  if (typeof np === 'string' && np !== op) push('pattern', typeof op === 'string' ? `pattern changed from ${JSON.stringify(op)} to ${JSON.stringify(np)}` : `pattern ${JSON.stringify(np)} added`);
  const om = firstOf(o, 'multipleOf');
  const nm = firstOf(n, 'multipleOf');
  // Every multiple of the old step is a multiple of the new one only when the old step is a multiple of the new.
  if (isNum(nm) && nm > 0 && !(isNum(om) && om > 0 && Number.isInteger(om / nm))) push('multipleOf', isNum(om) ? `multipleOf changed from ${om} to ${nm}` : `multipleOf ${nm} added`);
  if (firstOf(n, 'uniqueItems') === true && firstOf(o, 'uniqueItems') !== true) push('uniqueItems', 'uniqueItems added');
  const of = o.node.format;
  const nf = n.node.format;
  if (nf && nf !== of) {
    const ow = of ? NUMBER_FORMAT_WIDTH[of] : undefined;
    const nw = NUMBER_FORMAT_WIDTH[nf];
    // A number format added to an untyped-width number (`integer` -> `integer, int64`) documents, it does not restrict.
    if (ow !== undefined && nw !== undefined) {
      if (nw < ow) push('format', `format narrowed from ${of} to ${nf}`);
    } else if (!(of === null && nw !== undefined)) push('format', of ? `format changed from ${of} to ${nf}` : `format ${nf} added`);
  }
  if (n.additional === false && o.additional !== false && n.types.includes('object')) push('additionalProperties', 'unknown properties no longer accepted (additionalProperties: false)');
  return out;
}

const valueKey = (v: unknown) => JSON.stringify(v) ?? 'undefined';
const valueText = (values: unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');

const isReadOnly = (s: SchemaNode) => s.raw.readOnly === true;
const isWriteOnly = (s: SchemaNode) => s.raw.writeOnly === true;

/** `owner` + `email` -> `owner.email`. */
const join = (path: string, name: string) => (path === '' ? name : `${path}.${name}`);

/** `node/keyword` when the node itself writes the keyword, else the node: where to look. */
const keywordPointer = (node: SchemaNode, keyword: string) => (node.raw[keyword] !== undefined ? `${node.pointer}/${pointerSegment(keyword)}` : node.pointer);
const propertyPointer = (owner: SchemaNode, name: string) => `${owner.pointer}/properties/${pointerSegment(name)}`;

/**
 * The deltas between `old` and `next` as seen from `direction`, in a stable order (depth first, properties
 * in the order the new schema writes them).
 */
export function compareSchemas(old: SchemaNode, next: SchemaNode, direction: Direction): SchemaDelta[] {
  const out: SchemaDelta[] = [];
  // Two pairs can lead to the same change (an old cycle of 2 against a new one of 3): reported once, at its first path.
  const reported = new Set<string>();
  const add = (d: SchemaDelta) => {
    const key = `${d.kind}\n${d.side}\n${d.pointer}\n${d.detail}`;
    if (reported.has(key)) return;
    reported.add(key);
    out.push(d);
  };
  const visited = new Map<SchemaNode, Set<SchemaNode>>();
  let pairs = 0;
  let truncated = false;
  const stop = (path: string, n: SchemaNode, why: string) => {
    if (truncated) return;
    truncated = true;
    out.push({ kind: 'truncated', path, side: 'new', pointer: n.pointer, detail: why });
  };
  // An explicit stack (no recursion): deep schemas cannot overflow the call stack.
  const stack: Array<{ o: SchemaNode; n: SchemaNode; path: string; depth: number }> = [{ o: old, n: next, path: '', depth: 0 }];
  while (stack.length) {
    const { o, n, path, depth } = stack.pop()!;
    let seen = visited.get(o);
    if (!seen) visited.set(o, (seen = new Set()));
    if (seen.has(n)) continue;
    seen.add(n);
    if (++pairs > MAX_PAIRS) {
      stop(path, n, `more than ${MAX_PAIRS} schema pairs`);
      break;
    }
    if (depth > MAX_DEPTH) {
      stop(path, n, `nested more than ${MAX_DEPTH} levels deep`);
      continue;
    }
    const ov = view(o);
    const nv = view(n);
    const children: Array<{ o: SchemaNode; n: SchemaNode; path: string }> = [];
    const at = (kind: SchemaDeltaKind, pointer: string, detail: string, extra: Partial<SchemaDelta> = {}) => add({ kind, path, side: 'new', pointer, detail, ...extra });

    // Types: compared only when both are known (an untyped schema is usually a composition being refactored).
    if (ov.types.length && nv.types.length) {
      const lost = direction === 'request' ? notAccepted(ov.types, nv.types) : notAccepted(nv.types, ov.types);
      // `nullable: true` added to a response: the place to look is `nullable`, not `type`.
      const keyword = lost.every((t) => t === 'null') && n.raw.nullable !== undefined ? 'nullable' : 'type';
      if (lost.length) at('type', keywordPointer(n, keyword), `${typeText(ov.types)} -> ${typeText(nv.types)}`);
    }

    // Enumerations.
    const oe = ov.enumValues;
    const ne = nv.enumValues;
    const enumAt = keywordPointer(n, n.raw.enum !== undefined ? 'enum' : 'const');
    if (direction === 'request' && ne) {
      if (oe) {
        const kept = new Set(ne.map(valueKey));
        const gone = oe.filter((x) => !kept.has(valueKey(x)));
        if (gone.length) at('enum-removed', enumAt, `value${gone.length === 1 ? '' : 's'} ${valueText(gone)}`);
      } else at('constraint', enumAt, `now restricted to ${ne.length} value${ne.length === 1 ? '' : 's'} (enum added)`);
    }
    if (direction === 'response' && oe) {
      if (ne) {
        const known = new Set(oe.map(valueKey));
        const added = ne.filter((x) => !known.has(valueKey(x)));
        if (added.length) at('enum-added', enumAt, `value${added.length === 1 ? '' : 's'} ${valueText(added)}`);
      } else at('enum-added', n.pointer, 'any value (the enum was removed)');
    }

    if (direction === 'request') for (const c of tightenedConstraints(ov, nv)) at('constraint', keywordPointer(n, c.keyword), c.detail);

    // Properties.
    if (direction === 'request') {
      for (const [name, where] of nv.required) {
        if (ov.required.has(name)) continue;
        const prop = nv.properties.get(name);
        if (prop && isReadOnly(prop)) continue;
        at('required-added', where, ov.properties.has(name) ? 'now required' : 'new required property', { path: join(path, name), name });
      }
      for (const [name, np] of nv.properties) {
        const op = ov.properties.get(name);
        if (op && !isReadOnly(np)) children.push({ o: op, n: np, path: join(path, name) });
      }
    } else {
      for (const [name, op] of ov.properties) {
        if (isWriteOnly(op) || nv.properties.has(name)) continue;
        add({ kind: 'property-removed', path: join(path, name), side: 'old', pointer: propertyPointer(ov.propertyOwner.get(name)!, name), detail: 'removed', name });
      }
      for (const [name, np] of nv.properties) {
        if (isWriteOnly(np)) continue;
        const op = ov.properties.get(name);
        const where = propertyPointer(nv.propertyOwner.get(name)!, name);
        if (!op || isWriteOnly(op)) {
          at('property-added', where, 'added', { path: join(path, name), name, schema: np });
          continue;
        }
        if (ov.required.has(name) && !nv.required.has(name)) at('required-removed', where, 'no longer required', { path: join(path, name), name });
        children.push({ o: op, n: np, path: join(path, name) });
      }
    }

    if (ov.items && nv.items) children.push({ o: ov.items, n: nv.items, path: `${path}[]` });
    if (ov.additional && nv.additional) children.push({ o: ov.additional, n: nv.additional, path: join(path, '*') });
    if (ov.alternatives.length && nv.alternatives.length) {
      const byIndex = ov.alternatives.length === nv.alternatives.length;
      nv.alternatives.forEach((na, i) => {
        const named = na.refName !== null ? ov.alternatives.find((oa) => oa.refName === na.refName) : undefined;
        const oa = named ?? (byIndex ? ov.alternatives[i] : undefined);
        if (oa) children.push({ o: oa, n: na, path });
      });
    }

    // Reversed so that the stack pops them in the order the schema writes them.
    for (let i = children.length - 1; i >= 0; i--) stack.push({ ...children[i]!, depth: depth + 1 });
  }
  return out;
}
