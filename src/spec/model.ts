/**
 * The one flat, typed model of an API specification. Swagger 2.0, OpenAPI 3.0 and 3.1 files, in YAML or
 * JSON, all become a `SpecModel` (see `build-model.ts`) before any rule runs, so rules read operations,
 * parameters, responses and schemas without caring which dialect the file was written in, and without
 * following `$ref`s themselves.
 *
 * Every element carries the JSON pointer of where it is written in the original document (after a
 * `$ref`, the pointer of the definition, where a fix would go) and `locate` turns a pointer into a file,
 * line and column.
 *
 * @example
 *   const model = await loadSpec('petstore.yaml');
 *   for (const op of model.operations) if (op.security.length === 0) report(op.pointer);
 */

export type SpecDialect = 'swagger-2.0' | 'openapi-3.0' | 'openapi-3.1';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Where something is written: 1-based line and column in `file`, and its JSON pointer in that file. */
export interface SourceLocation {
  file: string;
  pointer: string;
  line: number;
  column: number;
}

/**
 * A JSON Schema node as written (resolved: no `$ref` left, except in `refName`'s record), possibly part
 * of a cycle: walk with `walkSchemas` or keep a visited set. Swagger 2.0 schemas are read as OpenAPI 3.0
 * ones (`x-nullable` -> `nullable`).
 */
export interface SchemaNode {
  /** Pointer of this schema's definition (the component, when it came through a `$ref`). */
  pointer: string;
  /** `#/components/schemas/User` -> `User`, when this node was reached through a `$ref` to a named schema. */
  refName: string | null;
  /** The schema object itself, as written (its sub-schemas are raw too: use `children` to walk). */
  raw: Record<string, unknown>;
  /** `type` as a list (`['string']`, `['string', 'null']`); empty when not given. */
  types: string[];
  format: string | null;
  /** Sub-schemas with the keyword that leads to them: `properties/name`, `items`, `allOf/0`, `additionalProperties`... */
  children: Array<{ via: string; schema: SchemaNode }>;
}

export interface SpecServer {
  url: string;
  description: string | null;
  pointer: string;
}

export type OAuthFlowName = 'implicit' | 'password' | 'clientCredentials' | 'authorizationCode';

export interface SpecSecurityScheme {
  /** Its key under `components/securitySchemes` (or `securityDefinitions`). */
  name: string;
  /** Swagger 2.0 `basic` becomes `http` with scheme `basic`. */
  type: 'apiKey' | 'http' | 'oauth2' | 'openIdConnect' | 'mutualTLS' | 'unknown';
  /** For `http`: `basic`, `bearer`, `digest`... lower-cased. */
  scheme: string | null;
  bearerFormat: string | null;
  /** For `apiKey`: where the key goes, and its parameter name. */
  in: 'query' | 'header' | 'cookie' | null;
  paramName: string | null;
  flows: Partial<Record<OAuthFlowName, { authorizationUrl: string | null; tokenUrl: string | null; refreshUrl: string | null; scopes: string[] }>>;
  openIdConnectUrl: string | null;
  description: string | null;
  pointer: string;
}

/** One alternative of a `security` list: scheme name -> scopes. `{}` (an empty object) means "no auth is fine". */
export type SecurityRequirement = Record<string, string[]>;

export interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  deprecated: boolean;
  description: string | null;
  schema: SchemaNode | null;
  pointer: string;
}

export interface SpecMediaType {
  /** `application/json`, as written (lower-cased). */
  contentType: string;
  schema: SchemaNode | null;
  pointer: string;
}

export interface SpecResponse {
  /** `200`, `4XX`, `default`, as written. */
  status: string;
  description: string | null;
  headers: Array<{ name: string; schema: SchemaNode | null; pointer: string }>;
  content: SpecMediaType[];
  pointer: string;
}

export interface SpecOperation {
  method: HttpMethod;
  /** The path template as written under `paths` (`/users/{id}`). */
  path: string;
  operationId: string | null;
  summary: string | null;
  description: string | null;
  tags: string[];
  deprecated: boolean;
  /**
   * The security that applies: the operation's own `security` if it has one, else the document's.
   * An empty list means no authentication; a list containing `{}` means authentication is optional.
   */
  security: SecurityRequirement[];
  /** Where `security` comes from. */
  securitySource: 'operation' | 'document' | 'none';
  /** Path-level and operation-level parameters merged (the operation's win), `$ref`s resolved. */
  parameters: SpecParameter[];
  /** Swagger 2.0 `in: body` / `in: formData` parameters become a request body. */
  requestBody: { required: boolean; content: SpecMediaType[]; pointer: string } | null;
  responses: SpecResponse[];
  /** The servers that apply (the operation's, the path's, else the document's). */
  servers: SpecServer[];
  /** `x-*` keys of the operation. */
  extensions: Record<string, unknown>;
  /** `/paths/~1users~1{id}/get` */
  pointer: string;
}

export interface SpecModel {
  dialect: SpecDialect;
  /** The declared `openapi` or `swagger` string. */
  declaredVersion: string;
  /** The file the document was read from (display name for uploads). */
  file: string;
  info: {
    title: string | null;
    version: string | null;
    description: string | null;
    contact: { name: string | null; email: string | null; url: string | null } | null;
    license: { name: string | null; url: string | null } | null;
    extensions: Record<string, unknown>;
  };
  servers: SpecServer[];
  securitySchemes: SpecSecurityScheme[];
  /** The document's `security`, or null when it has none. */
  security: SecurityRequirement[] | null;
  /** The operations the API serves: the requests it receives, from `paths`. Webhooks are not among them. */
  operations: SpecOperation[];
  /**
   * The requests the API *sends*: OpenAPI 3.1's top-level `webhooks` and the `x-webhooks` extension (read in
   * every dialect; GitHub's 3.0 spec has 270). Built like operations, but `path` is the webhook's name, and
   * the API is the client here: rules about endpoints the API serves (authentication, 401/429 responses,
   * rate limits, servers) must not read them; schema rules do (see `walkSchemas`). Security and servers are
   * the webhook's own only: the document's describe the API's endpoints, not the subscriber's.
   *
   * @example
   *   // webhooks: { newPet: { post: { requestBody: … } } }  ->
   *   // { method: 'post', path: 'newPet', pointer: '/webhooks/newPet/post', … }
   *   // (`/x-webhooks/newPet/post` for the extension; a `$ref`'d path item has its definition's pointer)
   */
  webhooks: SpecOperation[];
  /** Named schemas (`components/schemas`, `definitions`). */
  schemas: Array<{ name: string; schema: SchemaNode }>;
  tags: Array<{ name: string; description: string | null; pointer: string }>;
  /** Document-level `x-*` keys. */
  extensions: Record<string, unknown>;
  /** The parsed document as written (`$ref`s not resolved), for rules that need something the model lacks. */
  raw: Record<string, unknown>;
  /** File, line and column of a pointer; the nearest written ancestor's when the pointer names nothing written. */
  locate(pointer: string): SourceLocation;
}

/**
 * Every distinct schema node reachable from the model once (cycles and shared `$ref` targets are
 * visited once): named schemas, and those of operations and webhooks.
 */
export function* walkSchemas(model: SpecModel): Generator<SchemaNode> {
  const seen = new Set<SchemaNode>();
  const stack: SchemaNode[] = [];
  const push = (s: SchemaNode | null) => {
    if (s && !seen.has(s)) {
      seen.add(s);
      stack.push(s);
    }
  };
  for (const { schema } of model.schemas) push(schema);
  for (const op of [...model.operations, ...model.webhooks]) {
    for (const p of op.parameters) push(p.schema);
    for (const m of op.requestBody?.content ?? []) push(m.schema);
    for (const r of op.responses) {
      for (const h of r.headers) push(h.schema);
      for (const m of r.content) push(m.schema);
    }
  }
  while (stack.length) {
    const s = stack.pop()!;
    yield s;
    for (const c of s.children) push(c.schema);
  }
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function pointerSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Joins segments into a pointer: `pointerOf('paths', '/users', 'get')` -> `/paths/~1users/get`. */
export function pointerOf(...segments: Array<string | number>): string {
  return segments.map((s) => `/${pointerSegment(String(s))}`).join('');
}
