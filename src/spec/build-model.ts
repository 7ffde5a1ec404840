/**
 * Parsed Swagger 2.0 / OpenAPI 3.0 / 3.1 document -> the one flat `SpecModel` (see `model.ts`). Synchronous
 * and free of I/O: other documents reached through `$ref` come from `resolveExternal` (see `load.ts`, which
 * reads and checks them first).
 *
 * Decisions worth knowing when writing a rule:
 * - Every `$ref` is followed. Schemas become `SchemaNode`s, one per definition: all references to the same
 *   target share one node, so a recursive schema is an object cycle. A `$ref`'s sibling keywords are
 *   ignored (OpenAPI 3.0 semantics; in 3.1 they would add to the target).
 * - Pointers are those of the definition. A definition in another file has the pointer
 *   `common.yaml#/components/schemas/Pet` (document id, `#`, pointer in that file); `locate` understands it.
 * - Swagger 2.0 is read as OpenAPI 3.0: non-body parameters and response headers get a schema made of their
 *   schema keywords (pointer: the parameter's); `in: body` becomes the request body with one media type per
 *   `consumes` entry; `in: formData` parameters become an object schema (pointer: the `parameters` list);
 *   response `schema` gets one media type per `produces` entry. Without `consumes` / `produces`,
 *   `application/json` is assumed (`multipart/form-data` or `application/x-www-form-urlencoded` for forms).
 * - Swagger servers are `scheme://host basePath` per scheme, `//host basePath` without schemes, and just the
 *   base path without a host. Server URLs are kept as written (`{variables}` not substituted).
 * - Webhooks (3.1 `webhooks`, and the `x-webhooks` extension in any dialect) go to `model.webhooks`, never to
 *   `model.operations`: the API sends them, it does not serve them.
 * - Types: a 3.1 `type` list as is; 3.0 / 2.0 `nullable: true` and 2.0 `x-nullable: true` add `'null'`
 *   (only to a schema that has a type: an untyped schema already allows null).
 *
 * @example
 *   const model = buildModel(YAML.parse(text), { file: 'api.yaml' });
 *   model.operations.filter((op) => op.securitySource === 'none');
 */
import { LineCounter, parseDocument, stringify } from 'yaml';
import { invalidInput } from '../errors/domain-errors.js';
import {
  HTTP_METHODS,
  pointerOf,
  type OAuthFlowName,
  type SchemaNode,
  type SecurityRequirement,
  type SourceLocation,
  type SpecDialect,
  type SpecMediaType,
  type SpecModel,
  type SpecOperation,
  type SpecParameter,
  type SpecResponse,
  type SpecSecurityScheme,
  type SpecServer,
} from './model.js';
import { yamlLocator } from './positions.js';
import {
  REMOTE_REFS_DISABLED,
  RefError,
  getAtPointer,
  isRemoteDocId,
  joinModelPointer,
  parseJsonPointer,
  resolveRefTarget,
  splitModelPointer,
} from './resolve.js';

export interface BuildOptions {
  /** The file the document came from (a display name for uploads); used in locations and errors. */
  file: string;
  /** Model pointer -> location. Default: line 0, column 0 (no positions known). */
  locate?: (pointer: string) => SourceLocation;
  /**
   * The parsed document with this id (`common.yaml`, relative to `file`'s directory; or an absolute URL).
   * Throw (an `Error` whose message says why) to refuse. Without it, references to other documents fail.
   */
  resolveExternal?: (docId: string) => unknown;
}

type Obj = Record<string, unknown>;

/** A place in one of the documents. */
interface Loc {
  docId: string;
  pointer: string;
}

/** Deeper than this, a (non-`$ref`) schema is refused: it can only be a cyclic in-memory object. */
const MAX_SCHEMA_POINTER_DEPTH = 1000;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);
const strList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const child = (loc: Loc, ...segs: Array<string | number>): Loc => ({ docId: loc.docId, pointer: loc.pointer + pointerOf(...segs) });
const modelPointer = (loc: Loc) => joinModelPointer(loc.docId, loc.pointer);

function extensionsOf(v: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) if (k.startsWith('x-')) out[k] = x;
  return out;
}

/** The dialect and declared version, or a domain error saying the document is not OpenAPI/Swagger. */
export function detectDialect(doc: unknown, file: string): { dialect: SpecDialect; declaredVersion: string } {
  const notOpenApi = (why: string) =>
    invalidInput(`${file} is not an OpenAPI 3.0/3.1 or Swagger 2.0 document: ${why}`);
  if (!isObj(doc)) throw notOpenApi(`expected a mapping at the top level, found ${doc === null ? 'null' : Array.isArray(doc) ? 'a list' : typeof doc}`);
  // YAML reads an unquoted `swagger: 2.0` as the number 2.
  const version = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? `${v}.0` : String(v)) : typeof v === 'string' ? v : null);
  if (doc.openapi !== undefined) {
    const v = version(doc.openapi);
    if (v !== null && /^3\.0(\.\d+)?([-+].*)?$/.test(v)) return { dialect: 'openapi-3.0', declaredVersion: v };
    if (v !== null && /^3\.1(\.\d+)?([-+].*)?$/.test(v)) return { dialect: 'openapi-3.1', declaredVersion: v };
    throw notOpenApi(`unsupported "openapi" version ${JSON.stringify(doc.openapi)}`);
  }
  if (doc.swagger !== undefined) {
    const v = version(doc.swagger);
    if (v === '2.0') return { dialect: 'swagger-2.0', declaredVersion: v };
    throw notOpenApi(`unsupported "swagger" version ${JSON.stringify(doc.swagger)}`);
  }
  throw notOpenApi('it has no "openapi" or "swagger" field');
}

/**
 * Builds the model of a parsed document. Throws `invalidInput` for a document that is not OpenAPI /
 * Swagger, and for a `$ref` that cannot be followed (with the file, line and column of the `$ref`).
 */
export function buildModel(doc: unknown, opts: BuildOptions): SpecModel {
  const { dialect, declaredVersion } = detectDialect(doc, opts.file);
  return new Builder(doc as Obj, dialect, declaredVersion, opts).build();
}

/**
 * Test helper: the model of an in-memory document, with positions taken from the document's YAML
 * serialisation (`yaml.stringify(doc)`), so locations are real, stable line numbers of that text.
 * References to other documents are not available.
 *
 * @example
 *   const model = modelFromObject({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: {} });
 */
export function modelFromObject(doc: unknown, file = 'spec.yaml'): SpecModel {
  let locate: BuildOptions['locate'];
  try {
    const text = stringify(doc);
    const lineCounter = new LineCounter();
    const ydoc = parseDocument(text, { lineCounter });
    const where = yamlLocator(ydoc, lineCounter);
    locate = (pointer) => {
      const { docId, pointer: p } = splitModelPointer(pointer);
      if (docId !== '') return { file: docId, pointer: p, line: 0, column: 0 };
      return { file, pointer, ...where(pointer) };
    };
  } catch {
    locate = undefined;
  }
  return buildModel(doc, { file, locate });
}

class Builder {
  private readonly docs = new Map<string, unknown>();
  private readonly schemaCache = new Map<string, SchemaNode>();
  private readonly queue: Array<{ node: SchemaNode; loc: Loc }> = [];
  private readonly mainName: string;
  private readonly locate: (pointer: string) => SourceLocation;
  private readonly isSwagger: boolean;

  constructor(
    private readonly root: Obj,
    private readonly dialect: SpecDialect,
    private readonly declaredVersion: string,
    private readonly opts: BuildOptions,
  ) {
    this.docs.set('', root);
    this.mainName = opts.file.replace(/\\/g, '/').split('/').pop() || opts.file;
    this.isSwagger = dialect === 'swagger-2.0';
    this.locate =
      opts.locate ??
      ((pointer) => {
        const { docId, pointer: p } = splitModelPointer(pointer);
        return { file: docId === '' ? opts.file : docId, pointer: p, line: 0, column: 0 };
      });
  }

  build(): SpecModel {
    const root = this.root;
    const rootLoc: Loc = { docId: '', pointer: '' };
    const servers = this.isSwagger ? this.swaggerServers(root.schemes, child(rootLoc, 'schemes')) : this.servers(root.servers, child(rootLoc, 'servers'));
    const security = Array.isArray(root.security) ? securityList(root.security) : null;
    const model: SpecModel = {
      dialect: this.dialect,
      declaredVersion: this.declaredVersion,
      file: this.opts.file,
      info: this.info(),
      servers,
      securitySchemes: this.securitySchemes(),
      security,
      operations: this.operations(servers, security),
      webhooks: this.webhooks(),
      schemas: this.namedSchemas(),
      tags: this.tags(),
      extensions: extensionsOf(root),
      raw: root,
      locate: this.locate,
    };
    this.drain();
    return model;
  }

  // ------------------------------------------------------------ references

  private where(loc: Loc): string {
    const l = this.locate(modelPointer(loc));
    return l.line > 0 ? `${l.file}:${l.line}:${l.column}` : `${l.file}#${l.pointer}`;
  }

  private document(docId: string): unknown {
    if (this.docs.has(docId)) return this.docs.get(docId);
    if (!this.opts.resolveExternal) {
      throw new RefError(isRemoteDocId(docId) ? REMOTE_REFS_DISABLED : `references to other files are not available here`);
    }
    let doc: unknown;
    try {
      doc = this.opts.resolveExternal(docId);
    } catch (err) {
      throw new RefError(err instanceof Error ? err.message : String(err));
    }
    this.docs.set(docId, doc);
    return doc;
  }

  /** Follows `$ref`s (chains too) from `value` written at `loc`; returns the definition and its place. */
  private deref(loc: Loc, value: unknown): { loc: Loc; value: unknown } {
    const seen = new Set<string>([modelPointer(loc)]);
    while (isObj(value) && typeof value.$ref === 'string') {
      const ref = value.$ref;
      const refLoc = child(loc, '$ref');
      let target: Loc;
      let found: ReturnType<typeof getAtPointer>;
      try {
        target = resolveRefTarget(ref, loc.docId, this.mainName);
        const doc = this.document(target.docId);
        found = getAtPointer(doc, parseJsonPointer(target.pointer));
      } catch (err) {
        if (err instanceof RefError) throw invalidInput(`cannot resolve $ref '${ref}' at ${this.where(refLoc)}: ${err.message}`);
        throw err;
      }
      if (!found.found) {
        const inDoc = target.docId === '' ? '' : ` in ${target.docId}`;
        throw invalidInput(`unresolvable $ref '${ref}' at ${this.where(refLoc)}: nothing at '${target.pointer}'${inDoc}`);
      }
      const key = modelPointer(target);
      if (seen.has(key)) throw invalidInput(`circular $ref '${ref}' at ${this.where(refLoc)}: a chain of references that leads back to itself`);
      seen.add(key);
      loc = target;
      value = found.value;
    }
    return { loc, value };
  }

  /** Follows `$ref`s to an object; null when the definition is not an object. */
  private derefObj(loc: Loc, value: unknown): { loc: Loc; value: Obj } | null {
    const r = this.deref(loc, value);
    return isObj(r.value) ? { loc: r.loc, value: r.value } : null;
  }

  // ------------------------------------------------------------ schemas

  private schemaAt(loc: Loc, value: unknown): SchemaNode | null {
    if (value === undefined) return null;
    const r = this.deref(loc, value);
    if (!isObj(r.value)) return null;
    const key = modelPointer(r.loc);
    const cached = this.schemaCache.get(key);
    if (cached) return cached;
    const node = this.newNode(r.loc, r.value);
    this.schemaCache.set(key, node);
    return node;
  }

  private newNode(loc: Loc, raw: Obj, pointer = modelPointer(loc)): SchemaNode {
    const node: SchemaNode = {
      pointer,
      refName: refNameOf(loc.pointer),
      raw,
      types: this.typesOf(raw),
      format: typeof raw.format === 'string' ? raw.format : null,
      children: [],
    };
    this.queue.push({ node, loc });
    return node;
  }

  private typesOf(raw: Obj): string[] {
    const types = typeof raw.type === 'string' ? [raw.type] : strList(raw.type);
    const nullable = this.dialect !== 'openapi-3.1' && (raw.nullable === true || raw['x-nullable'] === true);
    if (nullable && types.length > 0) types.push('null');
    return [...new Set(types)];
  }

  /** Fills in `children` of every node created so far (and of those that creates): no recursion. */
  private drain(): void {
    for (let item = this.queue.pop(); item; item = this.queue.pop()) {
      const { node, loc } = item;
      if (loc.pointer.split('/').length > MAX_SCHEMA_POINTER_DEPTH) {
        throw invalidInput(`schema at ${this.where(loc)} is nested too deeply`);
      }
      const raw = node.raw;
      const add = (via: string, l: Loc, v: unknown) => {
        const s = this.schemaAt(l, v);
        if (s) node.children.push({ via, schema: s });
      };
      for (const kw of ['properties', 'patternProperties', 'dependentSchemas']) {
        const m = raw[kw];
        if (isObj(m)) for (const [name, v] of Object.entries(m)) add(`${kw}/${name}`, child(loc, kw, name), v);
      }
      for (const kw of ['items', 'additionalProperties', 'additionalItems', 'not', 'contains', 'propertyNames', 'if', 'then', 'else', 'unevaluatedProperties', 'unevaluatedItems']) {
        const v = raw[kw];
        // `items: [a, b]` (draft 4 tuple form) is a list of schemas.
        if (kw === 'items' && Array.isArray(v)) v.forEach((x, i) => add(`items/${i}`, child(loc, kw, i), x));
        else if (isObj(v)) add(kw, child(loc, kw), v);
      }
      for (const kw of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) {
        const v = raw[kw];
        if (Array.isArray(v)) v.forEach((x, i) => add(`${kw}/${i}`, child(loc, kw, i), x));
      }
    }
  }

  /** Swagger 2.0 non-body parameter / header: its schema keywords, as a schema written where it is. */
  private inlineSchema(loc: Loc, def: Obj): SchemaNode | null {
    const key = `inline:${modelPointer(loc)}`;
    const cached = this.schemaCache.get(key);
    if (cached) return cached;
    const raw: Obj = {};
    for (const k of SWAGGER_SCHEMA_KEYWORDS) if (def[k] !== undefined) raw[k] = def[k];
    if (Object.keys(raw).length === 0) return null;
    const node = this.newNode(loc, raw);
    node.refName = null;
    this.schemaCache.set(key, node);
    return node;
  }

  private namedSchemas(): SpecModel['schemas'] {
    const base: Loc = this.isSwagger ? { docId: '', pointer: '/definitions' } : { docId: '', pointer: '/components/schemas' };
    const defs = this.isSwagger ? this.root.definitions : isObj(this.root.components) ? this.root.components.schemas : undefined;
    const out: SpecModel['schemas'] = [];
    if (!isObj(defs)) return out;
    for (const [name, v] of Object.entries(defs)) {
      const schema = this.schemaAt(child(base, name), v);
      if (schema) out.push({ name, schema });
    }
    return out;
  }

  // ------------------------------------------------------------ document parts

  private info(): SpecModel['info'] {
    const info = isObj(this.root.info) ? this.root.info : {};
    const contact = isObj(info.contact) ? { name: str(info.contact.name), email: str(info.contact.email), url: str(info.contact.url) } : null;
    const license = isObj(info.license) ? { name: str(info.license.name), url: str(info.license.url) } : null;
    return { title: str(info.title), version: str(info.version), description: str(info.description), contact, license, extensions: extensionsOf(info) };
  }

  private servers(list: unknown, loc: Loc): SpecServer[] {
    if (!Array.isArray(list)) return [];
    const out: SpecServer[] = [];
    list.forEach((s, i) => {
      const r = this.derefObj(child(loc, i), s);
      const url = r ? str(r.value.url) : null;
      if (r && url !== null) out.push({ url, description: str(r.value.description), pointer: modelPointer(r.loc) });
    });
    return out;
  }

  private swaggerServers(schemes: unknown, schemesLoc: Loc): SpecServer[] {
    const host = str(this.root.host);
    const basePath = str(this.root.basePath) ?? '';
    const list = strList(schemes);
    if (host) {
      if (list.length === 0) return [{ url: `//${host}${basePath}`, description: null, pointer: '/host' }];
      return list.map((s, i) => ({ url: `${s.toLowerCase()}://${host}${basePath}`, description: null, pointer: modelPointer(child(schemesLoc, i)) }));
    }
    if (basePath || list.length > 0) return [{ url: basePath || '/', description: null, pointer: basePath ? '/basePath' : modelPointer(child(schemesLoc, 0)) }];
    return [];
  }

  private tags(): SpecModel['tags'] {
    const out: SpecModel['tags'] = [];
    if (Array.isArray(this.root.tags)) {
      this.root.tags.forEach((t, i) => {
        if (isObj(t) && typeof t.name === 'string') out.push({ name: t.name, description: str(t.description), pointer: pointerOf('tags', i) });
      });
    }
    return out;
  }

  private securitySchemes(): SpecSecurityScheme[] {
    const base: Loc = this.isSwagger ? { docId: '', pointer: '/securityDefinitions' } : { docId: '', pointer: '/components/securitySchemes' };
    const defs = this.isSwagger ? this.root.securityDefinitions : isObj(this.root.components) ? this.root.components.securitySchemes : undefined;
    const out: SpecSecurityScheme[] = [];
    if (!isObj(defs)) return out;
    for (const [name, v] of Object.entries(defs)) {
      const r = this.derefObj(child(base, name), v);
      if (!r) continue;
      const d = r.value;
      const rawType = str(d.type);
      const swaggerBasic = this.isSwagger && rawType === 'basic';
      const type: SpecSecurityScheme['type'] = swaggerBasic
        ? 'http'
        : rawType === 'apiKey' || rawType === 'http' || rawType === 'oauth2' || rawType === 'openIdConnect' || rawType === 'mutualTLS'
          ? rawType
          : 'unknown';
      const inValue = str(d.in);
      out.push({
        name,
        type,
        scheme: swaggerBasic ? 'basic' : type === 'http' ? (str(d.scheme)?.toLowerCase() ?? null) : null,
        bearerFormat: str(d.bearerFormat),
        in: type === 'apiKey' && (inValue === 'query' || inValue === 'header' || inValue === 'cookie') ? inValue : null,
        paramName: type === 'apiKey' ? str(d.name) : null,
        flows: type === 'oauth2' ? (this.isSwagger ? swaggerFlows(d) : oauthFlows(d.flows)) : {},
        openIdConnectUrl: str(d.openIdConnectUrl),
        description: str(d.description),
        pointer: modelPointer(r.loc),
      });
    }
    return out;
  }

  // ------------------------------------------------------------ operations

  private operations(docServers: SpecServer[], docSecurity: SecurityRequirement[] | null): SpecOperation[] {
    const out: SpecOperation[] = [];
    const paths = this.root.paths;
    if (!isObj(paths)) return out;
    for (const [path, rawItem] of Object.entries(paths)) {
      if (path.startsWith('x-')) continue;
      const item = this.derefObj({ docId: '', pointer: pointerOf('paths', path) }, rawItem);
      if (!item) continue;
      const pathParams = this.parameterDefs(item.value.parameters, child(item.loc, 'parameters'));
      const pathServers = !this.isSwagger && Array.isArray(item.value.servers) ? this.servers(item.value.servers, child(item.loc, 'servers')) : null;
      for (const method of HTTP_METHODS) {
        const op = item.value[method];
        if (!isObj(op)) continue;
        const opLoc = child(item.loc, method);
        out.push(this.operation(path, method, op, opLoc, pathParams, pathServers ?? docServers, docSecurity));
      }
    }
    return out;
  }

  /**
   * 3.1 `webhooks`, then `x-webhooks`: name -> path item (or `$ref` to one, e.g. `#/components/pathItems/…`).
   * No document security or servers are inherited: those are the API's, and here the API is the client.
   */
  private webhooks(): SpecOperation[] {
    const out: SpecOperation[] = [];
    for (const key of ['webhooks', 'x-webhooks']) {
      const hooks = this.root[key];
      if (!isObj(hooks)) continue;
      for (const [name, rawItem] of Object.entries(hooks)) {
        if (key === 'webhooks' && name.startsWith('x-')) continue;
        const item = this.derefObj({ docId: '', pointer: pointerOf(key, name) }, rawItem);
        if (!item) continue;
        const pathParams = this.parameterDefs(item.value.parameters, child(item.loc, 'parameters'));
        const itemServers = !this.isSwagger && Array.isArray(item.value.servers) ? this.servers(item.value.servers, child(item.loc, 'servers')) : [];
        for (const method of HTTP_METHODS) {
          const op = item.value[method];
          if (isObj(op)) out.push(this.operation(name, method, op, child(item.loc, method), pathParams, itemServers, null));
        }
      }
    }
    return out;
  }

  private operation(
    path: string,
    method: SpecOperation['method'],
    op: Obj,
    opLoc: Loc,
    pathParams: ParamDef[],
    inheritedServers: SpecServer[],
    docSecurity: SecurityRequirement[] | null,
  ): SpecOperation {
    // Merge by (name, in): an operation parameter replaces the path-level one in place.
    const defs = [...pathParams];
    for (const p of this.parameterDefs(op.parameters, child(opLoc, 'parameters'))) {
      const i = defs.findIndex((d) => d.name === p.name && d.in === p.in);
      if (i >= 0) defs[i] = p;
      else defs.push(p);
    }
    const parameters: SpecParameter[] = [];
    for (const d of defs) if (d.in === 'path' || d.in === 'query' || d.in === 'header' || d.in === 'cookie') parameters.push(this.parameter(d));

    let security: SecurityRequirement[];
    let securitySource: SpecOperation['securitySource'];
    if (Array.isArray(op.security)) {
      security = securityList(op.security);
      securitySource = 'operation';
    } else if (docSecurity) {
      security = docSecurity;
      securitySource = 'document';
    } else {
      security = [];
      securitySource = 'none';
    }

    let servers = inheritedServers;
    if (this.isSwagger && Array.isArray(op.schemes)) servers = this.swaggerServers(op.schemes, child(opLoc, 'schemes'));
    else if (!this.isSwagger && Array.isArray(op.servers)) servers = this.servers(op.servers, child(opLoc, 'servers'));

    return {
      method,
      path,
      operationId: str(op.operationId),
      summary: str(op.summary),
      description: str(op.description),
      tags: strList(op.tags),
      deprecated: op.deprecated === true,
      security,
      securitySource,
      parameters,
      requestBody: this.isSwagger ? this.swaggerBody(op, opLoc, defs) : this.requestBody(op.requestBody, child(opLoc, 'requestBody')),
      responses: this.responses(op, child(opLoc, 'responses')),
      servers,
      extensions: extensionsOf(op),
      pointer: modelPointer(opLoc),
    };
  }

  private parameterDefs(list: unknown, loc: Loc): ParamDef[] {
    const out: ParamDef[] = [];
    if (!Array.isArray(list)) return out;
    list.forEach((p, i) => {
      const r = this.derefObj(child(loc, i), p);
      if (r && typeof r.value.name === 'string' && typeof r.value.in === 'string') out.push({ name: r.value.name, in: r.value.in, def: r.value, loc: r.loc, listLoc: loc });
    });
    return out;
  }

  private parameter(d: ParamDef): SpecParameter {
    const p = d.def;
    let schema: SchemaNode | null = null;
    if (this.isSwagger) schema = this.inlineSchema(d.loc, p);
    else if (p.schema !== undefined) schema = this.schemaAt(child(d.loc, 'schema'), p.schema);
    else schema = this.firstContentSchema(p.content, child(d.loc, 'content'));
    return {
      name: d.name,
      in: d.in as SpecParameter['in'],
      required: p.required === true,
      deprecated: p.deprecated === true,
      description: str(p.description),
      schema,
      pointer: modelPointer(d.loc),
    };
  }

  private firstContentSchema(content: unknown, loc: Loc): SchemaNode | null {
    if (!isObj(content)) return null;
    const first = Object.entries(content)[0];
    if (!first || !isObj(first[1])) return null;
    return this.schemaAt(child(loc, first[0], 'schema'), first[1].schema);
  }

  private content(content: unknown, loc: Loc): SpecMediaType[] {
    const out: SpecMediaType[] = [];
    if (!isObj(content)) return out;
    for (const [type, media] of Object.entries(content)) {
      const mloc = child(loc, type);
      out.push({
        contentType: type.toLowerCase(),
        schema: isObj(media) ? this.schemaAt(child(mloc, 'schema'), media.schema) : null,
        pointer: modelPointer(mloc),
      });
    }
    return out;
  }

  private requestBody(body: unknown, loc: Loc): SpecOperation['requestBody'] {
    if (body === undefined) return null;
    const r = this.derefObj(loc, body);
    if (!r) return null;
    return { required: r.value.required === true, content: this.content(r.value.content, child(r.loc, 'content')), pointer: modelPointer(r.loc) };
  }

  private mediaTypes(opList: unknown, docList: unknown, fallback: string[]): string[] {
    const list = Array.isArray(opList) ? strList(opList) : Array.isArray(docList) ? strList(docList) : [];
    return (list.length ? list : fallback).map((t) => t.toLowerCase());
  }

  private swaggerBody(op: Obj, opLoc: Loc, defs: ParamDef[]): SpecOperation['requestBody'] {
    const body = defs.find((d) => d.in === 'body');
    if (body) {
      const schema = this.schemaAt(child(body.loc, 'schema'), body.def.schema);
      const pointer = modelPointer(body.loc);
      const types = this.mediaTypes(op.consumes, this.root.consumes, ['application/json']);
      return { required: body.def.required === true, content: types.map((contentType) => ({ contentType, schema, pointer })), pointer };
    }
    const form = defs.filter((d) => d.in === 'formData');
    const first = form[0];
    if (!first) return null;
    const listLoc = first.listLoc;
    const key = `form:${modelPointer(opLoc)}`;
    let schema = this.schemaCache.get(key);
    if (!schema) {
      const properties: Obj = {};
      const required: string[] = [];
      for (const d of form) {
        properties[d.name] = d.def;
        if (d.def.required === true) required.push(d.name);
      }
      const raw: Obj = { type: 'object', properties, ...(required.length ? { required } : {}) };
      schema = { pointer: modelPointer(listLoc), refName: null, raw, types: ['object'], format: null, children: [] };
      for (const d of form) {
        const s = this.inlineSchema(d.loc, d.def);
        if (s) schema.children.push({ via: `properties/${d.name}`, schema: s });
      }
      this.schemaCache.set(key, schema);
    }
    const hasFile = form.some((d) => d.def.type === 'file');
    const declared = this.mediaTypes(op.consumes, this.root.consumes, []);
    const formTypes = declared.filter((t) => t.startsWith('multipart/form-data') || t.startsWith('application/x-www-form-urlencoded'));
    const types = formTypes.length ? formTypes : [hasFile ? 'multipart/form-data' : 'application/x-www-form-urlencoded'];
    const pointer = modelPointer(listLoc);
    return { required: form.some((d) => d.def.required === true), content: types.map((contentType) => ({ contentType, schema: schema!, pointer })), pointer };
  }

  private responses(op: Obj, loc: Loc): SpecResponse[] {
    const out: SpecResponse[] = [];
    if (!isObj(op.responses)) return out;
    for (const [status, v] of Object.entries(op.responses)) {
      if (status.startsWith('x-')) continue;
      const r = this.derefObj(child(loc, status), v);
      if (!r) continue;
      const res = r.value;
      const headers: SpecResponse['headers'] = [];
      if (isObj(res.headers)) {
        for (const [name, h] of Object.entries(res.headers)) {
          const hr = this.derefObj(child(r.loc, 'headers', name), h);
          if (!hr) continue;
          let schema: SchemaNode | null;
          if (this.isSwagger) schema = this.inlineSchema(hr.loc, hr.value);
          else if (hr.value.schema !== undefined) schema = this.schemaAt(child(hr.loc, 'schema'), hr.value.schema);
          else schema = this.firstContentSchema(hr.value.content, child(hr.loc, 'content'));
          headers.push({ name, schema, pointer: modelPointer(hr.loc) });
        }
      }
      let content: SpecMediaType[];
      if (this.isSwagger) {
        if (res.schema === undefined) content = [];
        else {
          const sloc = child(r.loc, 'schema');
          const schema = this.schemaAt(sloc, res.schema);
          const pointer = modelPointer(sloc);
          content = this.mediaTypes(op.produces, this.root.produces, ['application/json']).map((contentType) => ({ contentType, schema, pointer }));
        }
      } else {
        content = this.content(res.content, child(r.loc, 'content'));
      }
      out.push({ status, description: str(res.description), headers, content, pointer: modelPointer(r.loc) });
    }
    return out;
  }
}

interface ParamDef {
  name: string;
  in: string;
  def: Obj;
  /** Where the definition is (after `$ref`). */
  loc: Loc;
  /** The `parameters` list it was listed in. */
  listLoc: Loc;
}

/** Schema keywords a Swagger 2.0 parameter, items or header object carries. */
const SWAGGER_SCHEMA_KEYWORDS = [
  'type',
  'format',
  'items',
  'collectionFormat',
  'default',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'enum',
  'multipleOf',
  'x-nullable',
  'allowEmptyValue',
];

/** `/components/schemas/Pet` or `/definitions/Pet` -> `Pet`. */
function refNameOf(pointer: string): string | null {
  const m = /^\/(?:components\/schemas|definitions)\/([^/]+)$/.exec(pointer);
  return m ? m[1]!.replace(/~1/g, '/').replace(/~0/g, '~') : null;
}

function securityList(list: unknown[]): SecurityRequirement[] {
  const out: SecurityRequirement[] = [];
  for (const req of list) {
    if (!isObj(req)) continue;
    const r: SecurityRequirement = {};
    for (const [name, scopes] of Object.entries(req)) r[name] = strList(scopes);
    out.push(r);
  }
  return out;
}

type Flows = SpecSecurityScheme['flows'];

function flow(f: Obj): NonNullable<Flows[OAuthFlowName]> {
  return {
    authorizationUrl: str(f.authorizationUrl),
    tokenUrl: str(f.tokenUrl),
    refreshUrl: str(f.refreshUrl),
    scopes: isObj(f.scopes) ? Object.keys(f.scopes) : [],
  };
}

function oauthFlows(flows: unknown): Flows {
  const out: Flows = {};
  if (!isObj(flows)) return out;
  for (const name of ['implicit', 'password', 'clientCredentials', 'authorizationCode'] as const) {
    const f = flows[name];
    if (isObj(f)) out[name] = flow(f);
  }
  return out;
}

const SWAGGER_FLOWS: Record<string, OAuthFlowName> = {
  implicit: 'implicit',
  password: 'password',
  application: 'clientCredentials',
  accessCode: 'authorizationCode',
};

function swaggerFlows(def: Obj): Flows {
  const name = typeof def.flow === 'string' && Object.hasOwn(SWAGGER_FLOWS, def.flow) ? SWAGGER_FLOWS[def.flow] : undefined;
  return name ? { [name]: flow(def) } : {};
}
