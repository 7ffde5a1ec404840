import { compact } from '../audit/rules/kit.js';
import { pointerSegment, type SchemaNode, type SpecMediaType, type SpecModel, type SpecOperation, type SpecParameter, type SpecResponse } from '../model.js';
import { compareSchemas, type Direction, type SchemaDelta } from './schema-compare.js';

/**
 * The two models matched up, computed once per diff and shared by every rule: which operations are the
 * same operation in both versions, which were added and removed, their parameters, bodies and responses
 * paired, and the schema deltas of each pair (memoised: a component used by a hundred operations is
 * compared once). A plain factory over two immutable models: no state outlives the diff.
 *
 * Operations are matched by method and path template with parameter names ignored (`/users/{id}` is
 * `/users/{userId}`): exact paths first, then the normalised ones, so a spec that (wrongly) has both
 * `/a/{x}` and `/a/{y}` still pairs each with its namesake.
 *
 * @example
 *   const ctx = createDiffContext(oldModel, newModel);
 *   for (const { old, next } of ctx.pairs) if (old.deprecated !== next.deprecated) …;
 */
export interface DiffContext {
  old: SpecModel;
  next: SpecModel;
  /** Operations in both versions, in the new spec's order. */
  pairs: readonly OperationPair[];
  /** Operations only in the new version. */
  added: readonly SpecOperation[];
  /** Operations only in the old version. */
  removed: readonly SpecOperation[];
  /** The parameters of a pair, matched (path parameters by position in the template). */
  params(pair: OperationPair): readonly ParamPair[];
  /** Schemas to compare for a pair, in one direction: parameters and request bodies, or success response bodies. */
  schemaRoots(pair: OperationPair, direction: Direction): readonly SchemaRoot[];
  /** The deltas of one root (memoised by old node, new node and direction). */
  deltas(root: SchemaRoot): readonly SchemaDelta[];
  /**
   * Every property an operation's success responses can return (not `writeOnly`, not under `not`), by
   * compact name (`first_name` and `firstName` are one), with the first place it is declared.
   */
  responseFields(op: SpecOperation): ReadonlyMap<string, ResponseField>;
}

export interface ResponseField {
  name: string;
  /** The `properties` entry declaring it. */
  pointer: string;
  schema: SchemaNode;
}

export interface OperationPair {
  old: SpecOperation;
  next: SpecOperation;
  /** `GET /users/{id}`, as the new spec writes it. */
  label: string;
}

export interface ParamPair {
  /** `query:limit`, `header:x-request-id`, `path:#0` (the first template variable). */
  key: string;
  old: SpecParameter | null;
  next: SpecParameter | null;
}

export interface SchemaRoot {
  direction: Direction;
  /** How messages name the place: `query parameter "limit"`, `request body (application/json)`, `response 200 (application/json)`. */
  where: string;
  /** Set for a parameter root: its display name, which a path inside it extends (`ids[]`). */
  param: { in: SpecParameter['in']; name: string } | null;
  old: SchemaNode;
  next: SchemaNode;
}

/** `GET /users/{id}`: how messages name an operation. */
export const opLabel = (op: SpecOperation) => `${op.method.toUpperCase()} ${op.path}`;

/** `/users/{id}` and `/users/{userId}` -> `/users/{}`. A scan, no regular expression. */
export function normalizePath(path: string): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '{') {
      const end = path.indexOf('}', i + 1);
      if (end < 0) return out + path.slice(i);
      out += '{}';
      i = end;
    } else out += c;
  }
  return out;
}

/** The template variables of a path, in order: `/a/{x}/b/{y}` -> `x`, `y`. */
export function templateVariables(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('{'); i >= 0; i = path.indexOf('{', i + 1)) {
    const end = path.indexOf('}', i + 1);
    if (end < 0) break;
    out.push(path.slice(i + 1, end));
    i = end;
  }
  return out;
}

/** `application/json; charset=utf-8` -> `application/json`. */
export const mediaTypeKey = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase();

/** `200`, `201`, `2XX`: what a client treats as success. */
export const isSuccessStatus = (status: string) => status.length === 3 && status[0] === '2';

/** OpenAPI: header parameters named `Accept`, `Content-Type` or `Authorization` "SHALL be ignored". */
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);
const counts = (p: SpecParameter) => !(p.in === 'header' && IGNORED_HEADERS.has(p.name.toLowerCase()));

function paramKey(p: SpecParameter, vars: string[]): string {
  if (p.in === 'path') {
    const i = vars.indexOf(p.name);
    return i >= 0 ? `path:#${i}` : `path:${p.name}`;
  }
  // Header names are case-insensitive.
  return `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
}

function matchOperations(old: SpecModel, next: SpecModel) {
  const exact = (op: SpecOperation) => `${op.method} ${op.path}`;
  const loose = (op: SpecOperation) => `${op.method} ${normalizePath(op.path)}`;
  const matched = new Map<SpecOperation, SpecOperation>();
  const oldMatched = new Set<SpecOperation>();
  for (const key of [exact, loose]) {
    const unmatchedOld = new Map<string, SpecOperation>();
    for (const op of old.operations) {
      if (oldMatched.has(op)) continue;
      const k = key(op);
      if (!unmatchedOld.has(k)) unmatchedOld.set(k, op);
    }
    for (const op of next.operations) {
      if (matched.has(op)) continue;
      const o = unmatchedOld.get(key(op));
      if (o) {
        matched.set(op, o);
        oldMatched.add(o);
        unmatchedOld.delete(key(op));
      }
    }
  }
  return {
    pairs: next.operations.filter((op) => matched.has(op)).map((op) => ({ old: matched.get(op)!, next: op, label: opLabel(op) })),
    added: next.operations.filter((op) => !matched.has(op)),
    removed: old.operations.filter((op) => !oldMatched.has(op)),
  };
}

function pairMedia(old: readonly SpecMediaType[], next: readonly SpecMediaType[]): Array<{ old: SpecMediaType; next: SpecMediaType }> {
  const out: Array<{ old: SpecMediaType; next: SpecMediaType }> = [];
  for (const n of next) {
    const o = old.find((m) => mediaTypeKey(m.contentType) === mediaTypeKey(n.contentType));
    if (o) out.push({ old: o, next: n });
  }
  return out;
}

/** The old response a new one continues: the same status, else the range it falls in (`200` was `2XX`), else the other way round. */
export function matchResponse(old: readonly SpecResponse[], status: string): SpecResponse | undefined {
  const range = `${status[0]}XX`;
  return old.find((r) => r.status === status) ?? old.find((r) => r.status.toUpperCase() === range) ?? old.find((r) => status.toUpperCase() === `${r.status[0]}XX`);
}

export function createDiffContext(old: SpecModel, next: SpecModel): DiffContext {
  const { pairs, added, removed } = matchOperations(old, next);
  const paramMemo = new Map<OperationPair, ParamPair[]>();
  const rootMemo = new Map<OperationPair, Record<Direction, SchemaRoot[]>>();
  const deltaMemo = new Map<SchemaNode, Map<SchemaNode, Partial<Record<Direction, SchemaDelta[]>>>>();

  const params = (pair: OperationPair): ParamPair[] => {
    let out = paramMemo.get(pair);
    if (out) return out;
    const oldVars = templateVariables(pair.old.path);
    const newVars = templateVariables(pair.next.path);
    const byKey = new Map<string, ParamPair>();
    for (const p of pair.next.parameters.filter(counts)) {
      const key = paramKey(p, newVars);
      if (!byKey.has(key)) byKey.set(key, { key, old: null, next: p });
    }
    const oldOnly: ParamPair[] = [];
    for (const p of pair.old.parameters.filter(counts)) {
      const key = paramKey(p, oldVars);
      const both = byKey.get(key);
      if (both) {
        if (!both.old) both.old = p;
      } else oldOnly.push({ key, old: p, next: null });
    }
    out = [...byKey.values(), ...oldOnly];
    paramMemo.set(pair, out);
    return out;
  };

  const schemaRoots = (pair: OperationPair, direction: Direction): SchemaRoot[] => {
    let memo = rootMemo.get(pair);
    if (!memo) {
      const request: SchemaRoot[] = [];
      for (const p of params(pair)) {
        if (p.old?.schema && p.next?.schema) {
          request.push({ direction: 'request', where: `${p.next.in} parameter "${p.next.name}"`, param: { in: p.next.in, name: p.next.name }, old: p.old.schema, next: p.next.schema });
        }
      }
      for (const m of pairMedia(pair.old.requestBody?.content ?? [], pair.next.requestBody?.content ?? [])) {
        if (m.old.schema && m.next.schema) request.push({ direction: 'request', where: `request body (${m.next.contentType})`, param: null, old: m.old.schema, next: m.next.schema });
      }
      const response: SchemaRoot[] = [];
      for (const r of pair.next.responses) {
        if (!isSuccessStatus(r.status)) continue;
        const o = matchResponse(pair.old.responses, r.status);
        if (!o) continue;
        for (const m of pairMedia(o.content, r.content)) {
          if (m.old.schema && m.next.schema) response.push({ direction: 'response', where: `response ${r.status} (${m.next.contentType})`, param: null, old: m.old.schema, next: m.next.schema });
        }
      }
      memo = { request, response };
      rootMemo.set(pair, memo);
    }
    return memo[direction];
  };

  const deltas = (root: SchemaRoot): SchemaDelta[] => {
    let byNew = deltaMemo.get(root.old);
    if (!byNew) deltaMemo.set(root.old, (byNew = new Map()));
    let byDirection = byNew.get(root.next);
    if (!byDirection) byNew.set(root.next, (byDirection = {}));
    return (byDirection[root.direction] ??= compareSchemas(root.old, root.next, root.direction));
  };

  const fieldMemo = new Map<SchemaNode, Map<string, ResponseField>>();
  const fieldsOf = (root: SchemaNode): Map<string, ResponseField> => {
    let out = fieldMemo.get(root);
    if (out) return out;
    out = new Map();
    const seen = new Set<SchemaNode>([root]);
    const stack = [root];
    while (stack.length && seen.size <= MAX_FIELD_NODES) {
      const node = stack.pop()!;
      for (const { via, schema } of node.children) {
        if (via === 'not' || schema.raw.writeOnly === true) continue;
        if (via.startsWith('properties/')) {
          const name = via.slice('properties/'.length);
          const key = compact(name);
          if (key && !out.has(key)) out.set(key, { name, pointer: `${node.pointer}/properties/${pointerSegment(name)}`, schema });
        }
        if (!seen.has(schema)) {
          seen.add(schema);
          stack.push(schema);
        }
      }
    }
    fieldMemo.set(root, out);
    return out;
  };
  const opFieldMemo = new Map<SpecOperation, Map<string, ResponseField>>();
  const responseFields = (op: SpecOperation): Map<string, ResponseField> => {
    let out = opFieldMemo.get(op);
    if (out) return out;
    out = new Map();
    for (const r of op.responses) {
      if (!isSuccessStatus(r.status)) continue;
      for (const m of r.content) {
        if (!m.schema) continue;
        for (const [k, f] of fieldsOf(m.schema)) if (!out.has(k)) out.set(k, f);
      }
    }
    opFieldMemo.set(op, out);
    return out;
  };

  return { old, next, pairs, added, removed, params, schemaRoots, deltas, responseFields };
}

const MAX_PATH_SHOWN = 80;

/** Schema nodes walked for one response body's fields, at most. */
const MAX_FIELD_NODES = 50_000;

/** How a message names a place inside a root: `query parameter "ids[]"`, `request body (application/json) field "address.zip"`. */
export function placeName(root: Pick<SchemaRoot, 'where' | 'param'>, path: string): string {
  if (path === '') return root.where;
  // A path through a deep schema is cut at the front: its end names the field.
  if (path.length > MAX_PATH_SHOWN) path = `…${path.slice(-MAX_PATH_SHOWN)}`;
  if (root.param) return `${root.param.in} parameter "${root.param.name}${path.startsWith('[') ? '' : '.'}${path}"`;
  return `${root.where} field "${path}"`;
}
