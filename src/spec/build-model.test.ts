import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DomainError } from '../errors/domain-errors.js';
import { buildModel, modelFromObject } from './build-model.js';
import { walkSchemas, type SchemaNode, type SpecModel, type SpecOperation } from './model.js';

const fixture = (name: string): unknown => {
  const text = readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8');
  return name.endsWith('.json') ? JSON.parse(text) : parse(text);
};

const op = (m: SpecModel, method: string, path: string): SpecOperation => {
  const found = m.operations.find((o) => o.method === method && o.path === path);
  if (!found) throw new Error(`no ${method} ${path}`);
  return found;
};
const prop = (s: SchemaNode | null | undefined, name: string): SchemaNode => {
  const c = s?.children.find((x) => x.via === `properties/${name}`);
  if (!c) throw new Error(`no property ${name}`);
  return c.schema;
};
const named = (m: SpecModel, name: string): SchemaNode => {
  const s = m.schemas.find((x) => x.name === name)?.schema;
  if (!s) throw new Error(`no schema ${name}`);
  return s;
};
const errorOf = (f: () => unknown): DomainError => {
  try {
    f();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
};

describe('buildModel: dialects', () => {
  it.each([
    [{ swagger: '2.0' }, 'swagger-2.0', '2.0'],
    [{ swagger: 2 }, 'swagger-2.0', '2.0'], // unquoted `swagger: 2.0` in YAML
    [{ openapi: '3.0.0' }, 'openapi-3.0', '3.0.0'],
    [{ openapi: '3.0.3' }, 'openapi-3.0', '3.0.3'],
    [{ openapi: '3.1.0' }, 'openapi-3.1', '3.1.0'],
    [{ openapi: 3.1 }, 'openapi-3.1', '3.1'],
  ])('%j is %s', (doc, dialect, version) => {
    const m = buildModel({ info: {}, paths: {}, ...doc }, { file: 'a.yaml' });
    expect(m.dialect).toBe(dialect);
    expect(m.declaredVersion).toBe(version);
  });

  it.each([
    [{ openapi: '2.0' }, 'unsupported "openapi" version'],
    [{ openapi: '4.0.0' }, 'unsupported "openapi" version'],
    [{ swagger: '1.2' }, 'unsupported "swagger" version'],
    [{ info: { title: 'x' } }, 'no "openapi" or "swagger" field'],
    [['openapi', '3.0.0'], 'found a list'],
    ['openapi: 3.0.0', 'found string'],
    [null, 'found null'],
  ])('refuses %j as not OpenAPI/Swagger', (doc, why) => {
    const err = errorOf(() => buildModel(doc, { file: 'x.yaml' }));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toContain('x.yaml is not an OpenAPI 3.0/3.1 or Swagger 2.0 document');
    expect(err.message).toContain(why);
  });
});

describe('buildModel: Swagger 2.0', () => {
  const m = buildModel(fixture('petstore-swagger2.yaml'), { file: 'petstore-swagger2.yaml' });

  it('reads info, tags and extensions', () => {
    expect(m.info).toEqual({
      title: 'Swagger Petstore',
      version: '1.0.0',
      description: 'A Swagger 2.0 fixture covering every model field.',
      contact: { name: 'API team', email: 'api@example.com', url: 'https://example.com/support' },
      license: { name: 'Apache 2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      extensions: { 'x-audience': 'public' },
    });
    expect(m.tags).toEqual([
      { name: 'pets', description: 'Everything about pets', pointer: '/tags/0' },
      { name: 'store', description: null, pointer: '/tags/1' },
    ]);
    expect(m.extensions).toEqual({ 'x-owner': 'pets-team' });
    expect(m.file).toBe('petstore-swagger2.yaml');
    expect((m.raw as { host: string }).host).toBe('petstore.example.com');
  });

  it('turns schemes + host + basePath into servers', () => {
    expect(m.servers).toEqual([
      { url: 'https://petstore.example.com/v1', description: null, pointer: '/schemes/0' },
      { url: 'http://petstore.example.com/v1', description: null, pointer: '/schemes/1' },
    ]);
    expect(op(m, 'get', '/pets/{petId}').servers).toEqual([
      { url: 'https://petstore.example.com/v1', description: null, pointer: '/paths/~1pets~1{petId}/get/schemes/0' },
    ]);
    expect(op(m, 'get', '/pets').servers).toBe(m.servers);
  });

  it.each([
    [{ host: 'h.example' }, ['//h.example']],
    [{ host: 'h.example', basePath: '/b' }, ['//h.example/b']],
    [{ basePath: '/b', schemes: ['https'] }, ['/b']],
    [{}, []],
  ])('servers of %j', (fields, urls) => {
    const doc = { swagger: '2.0', info: {}, paths: {}, ...fields };
    expect(buildModel(doc, { file: 's.yaml' }).servers.map((s) => s.url)).toEqual(urls);
  });

  it('maps security definitions (basic -> http/basic, oauth2 flow names)', () => {
    const byName = Object.fromEntries(m.securitySchemes.map((s) => [s.name, s]));
    expect(byName.basicAuth).toMatchObject({ type: 'http', scheme: 'basic', description: 'HTTP basic', pointer: '/securityDefinitions/basicAuth' });
    expect(byName.apiKey).toMatchObject({ type: 'apiKey', in: 'header', paramName: 'X-API-Key', scheme: null, flows: {} });
    expect(byName.petstoreAuth?.flows).toEqual({
      authorizationCode: {
        authorizationUrl: 'https://auth.example.com/authorize',
        tokenUrl: 'https://auth.example.com/token',
        refreshUrl: null,
        scopes: ['read:pets', 'write:pets'],
      },
    });
    expect(byName.machineAuth?.flows).toEqual({
      clientCredentials: { authorizationUrl: null, tokenUrl: 'https://auth.example.com/token', refreshUrl: null, scopes: [] },
    });
  });

  it('computes effective security and its source', () => {
    expect(m.security).toEqual([{ apiKey: [] }]);
    expect(op(m, 'get', '/pets')).toMatchObject({ security: [{ apiKey: [] }], securitySource: 'document' });
    expect(op(m, 'post', '/pets')).toMatchObject({ security: [{ petstoreAuth: ['write:pets'] }], securitySource: 'operation' });
    expect(op(m, 'post', '/pets/{petId}')).toMatchObject({ security: [], securitySource: 'operation' });
    expect(op(m, 'get', '/health').security).toEqual([{ basicAuth: [] }, {}]);
  });

  it('reads operations with merged parameters (operation wins by name + in)', () => {
    const get = op(m, 'get', '/pets/{petId}');
    expect(get).toMatchObject({ operationId: 'getPet', deprecated: true, extensions: { 'x-internal': true }, pointer: '/paths/~1pets~1{petId}/get' });
    expect(get.parameters.map((p) => [p.name, p.in, p.description, p.pointer])).toEqual([
      ['petId', 'path', null, '/paths/~1pets~1{petId}/parameters/0'],
      ['X-Trace', 'header', 'operation-level', '/paths/~1pets~1{petId}/get/parameters/0'],
    ]);
    expect(get.parameters[0]).toMatchObject({ required: true, deprecated: false });
    expect(get.parameters[0]!.schema).toMatchObject({ types: ['string'], pointer: '/paths/~1pets~1{petId}/parameters/0' });
  });

  it('gives non-body parameters a schema made of their keywords, $refs resolved', () => {
    const [limit, status] = op(m, 'get', '/pets').parameters;
    expect(limit).toMatchObject({ name: 'limit', in: 'query', pointer: '/parameters/limitParam' });
    expect(limit!.schema).toMatchObject({ types: ['integer'], format: 'int32', raw: { type: 'integer', format: 'int32', maximum: 100 } });
    expect(status!.schema!.children.map((c) => [c.via, c.schema.types, c.schema.raw.enum])).toEqual([['items', ['string'], ['available', 'sold']]]);
    expect(op(m, 'get', '/pets').summary).toBe('List pets');
    expect(op(m, 'get', '/pets').tags).toEqual(['pets']);
  });

  it('turns a body parameter into a request body with the consumes types', () => {
    const body = op(m, 'post', '/pets').requestBody!;
    expect(body.required).toBe(true);
    expect(body.pointer).toBe('/paths/~1pets/post/parameters/0');
    expect(body.content.map((c) => c.contentType)).toEqual(['application/json', 'application/xml']);
    expect(body.content[0]!.schema).toBe(named(m, 'Pet'));
    expect(op(m, 'post', '/pets').parameters).toEqual([]);
  });

  it('turns formData parameters into an object schema', () => {
    const body = op(m, 'post', '/pets/{petId}').requestBody!;
    expect(body.content.map((c) => c.contentType)).toEqual(['multipart/form-data']);
    expect(body.required).toBe(true);
    const schema = body.content[0]!.schema!;
    expect(schema.types).toEqual(['object']);
    expect(schema.raw.required).toEqual(['photo']);
    expect(schema.children.map((c) => [c.via, c.schema.types])).toEqual([
      ['properties/photo', ['file']],
      ['properties/caption', ['string']],
    ]);
    // Path-level parameters still apply; formData ones are not parameters.
    expect(op(m, 'post', '/pets/{petId}').parameters.map((p) => p.name)).toEqual(['petId', 'X-Trace']);
  });

  it('reads responses with headers and produces -> content types', () => {
    const [ok, dflt] = op(m, 'get', '/pets').responses;
    expect(ok).toMatchObject({ status: '200', description: 'A list of pets', pointer: '/paths/~1pets/get/responses/200' });
    expect(ok!.headers).toHaveLength(1);
    expect(ok!.headers[0]).toMatchObject({ name: 'X-Rate-Limit', pointer: '/paths/~1pets/get/responses/200/headers/X-Rate-Limit' });
    expect(ok!.headers[0]!.schema).toMatchObject({ types: ['integer'], format: 'int32' });
    expect(ok!.content.map((c) => c.contentType)).toEqual(['application/json', 'application/xml']);
    expect(ok!.content[0]!.schema!.children[0]!.schema).toBe(named(m, 'Pet'));
    expect(dflt!.content[0]!.schema).toBe(named(m, 'Error'));
    // The operation's produces overrides the document's.
    expect(op(m, 'get', '/pets/{petId}').responses[0]!.content.map((c) => c.contentType)).toEqual(['application/json']);
    expect(op(m, 'post', '/pets').responses[0]!.content).toEqual([]);
  });

  it('builds definitions as a shared, cyclic schema graph', () => {
    const pet = named(m, 'Pet');
    const owner = named(m, 'Owner');
    expect(pet).toMatchObject({ pointer: '/definitions/Pet', refName: 'Pet', types: ['object'] });
    expect(prop(pet, 'owner')).toBe(owner);
    expect(prop(owner, 'pets').children[0]!.schema).toBe(pet);
    expect(prop(pet, 'friends').children[0]).toEqual({ via: 'items', schema: pet });
    expect(prop(pet, 'tag').types).toEqual(['string', 'null']);
    expect(prop(pet, 'id')).toMatchObject({ format: 'int64', refName: null, pointer: '/definitions/Pet/properties/id' });
    expect(prop(owner, 'address').children.map((c) => c.via)).toEqual(['additionalProperties']);
  });
});

describe('buildModel: OpenAPI 3.0', () => {
  const m = buildModel(fixture('petstore-openapi30.yaml'), { file: 'petstore-openapi30.yaml' });

  it('reads servers with the operation > path > document precedence', () => {
    expect(m.servers).toEqual([
      { url: 'https://api.example.com/v2', description: 'Production', pointer: '/servers/0' },
      { url: 'http://{region}.example.com/v2', description: null, pointer: '/servers/1' },
    ]);
    expect(op(m, 'get', '/pets').servers.map((s) => [s.url, s.pointer])).toEqual([['https://pets.example.com', '/paths/~1pets/servers/0']]);
    expect(op(m, 'post', '/pets').servers.map((s) => s.url)).toEqual(['https://write.example.com']);
    expect(op(m, 'get', '/pets/{petId}').servers).toBe(m.servers);
  });

  it('reads security schemes', () => {
    const byName = Object.fromEntries(m.securitySchemes.map((s) => [s.name, s]));
    expect(byName.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', pointer: '/components/securitySchemes/bearerAuth' });
    expect(byName.apiKeyCookie).toMatchObject({ type: 'apiKey', in: 'cookie', paramName: 'session' });
    expect(byName.oauth?.flows).toEqual({
      clientCredentials: { authorizationUrl: null, tokenUrl: 'https://auth.example.com/token', refreshUrl: null, scopes: [] },
      authorizationCode: {
        authorizationUrl: 'https://auth.example.com/authorize',
        tokenUrl: 'https://auth.example.com/token',
        refreshUrl: 'https://auth.example.com/refresh',
        scopes: ['read:pets', 'write:pets'],
      },
    });
    expect(byName.oidc).toMatchObject({ type: 'openIdConnect', openIdConnectUrl: 'https://auth.example.com/.well-known/openid-configuration' });
  });

  it('computes effective security', () => {
    expect(op(m, 'get', '/pets')).toMatchObject({ securitySource: 'document', security: [{ bearerAuth: [] }, { apiKeyCookie: [] }] });
    expect(op(m, 'post', '/pets')).toMatchObject({ securitySource: 'operation', security: [{ oauth: ['write:pets'] }] });
    expect(op(m, 'get', '/pets/{petId}')).toMatchObject({ securitySource: 'operation', security: [] });
    expect(op(m, 'delete', '/pets/{petId}').security).toEqual([{}, { oidc: [] }]);
  });

  it('resolves and merges parameters', () => {
    const [limit, filter] = op(m, 'get', '/pets').parameters;
    expect(limit).toMatchObject({ name: 'limit', pointer: '/components/parameters/Limit' });
    expect(limit!.schema).toMatchObject({ pointer: '/components/parameters/Limit/schema', types: ['integer'] });
    // A parameter described by `content` takes the first media type's schema.
    expect(filter!.schema).toBe(named(m, 'Filter'));
    const get = op(m, 'get', '/pets/{petId}');
    expect(get.parameters.map((p) => [p.name, p.in, p.deprecated, p.schema?.types])).toEqual([
      ['petId', 'path', false, ['string']],
      ['verbose', 'query', true, ['integer']],
    ]);
    expect(get.parameters[0]!.schema!.format).toBe('uuid');
  });

  it('reads request bodies through $ref, lower-casing content types', () => {
    const body = op(m, 'post', '/pets').requestBody!;
    expect(body).toMatchObject({ required: true, pointer: '/components/requestBodies/PetBody' });
    expect(body.content.map((c) => [c.contentType, c.pointer])).toEqual([
      ['application/json', '/components/requestBodies/PetBody/content/Application~1JSON'],
      ['application/x-www-form-urlencoded', '/components/requestBodies/PetBody/content/application~1x-www-form-urlencoded'],
    ]);
    expect(body.content[0]!.schema).toBe(named(m, 'Pet'));
    expect(op(m, 'get', '/pets').requestBody).toBeNull();
  });

  it('reads responses, response $refs, headers and header $refs', () => {
    const [list, clientError] = op(m, 'get', '/pets').responses;
    expect(list).toMatchObject({ status: '200', description: 'Pets', pointer: '/components/responses/PetList' });
    expect(list!.headers.map((h) => [h.name, h.schema?.types, h.pointer])).toEqual([['X-Next', ['string'], '/components/responses/PetList/headers/X-Next']]);
    expect(list!.content[0]!.schema!.children[0]!.schema).toBe(named(m, 'Pet'));
    expect(clientError).toMatchObject({ status: '4XX', content: [{ contentType: 'application/problem+json' }] });
    const created = op(m, 'post', '/pets').responses[0]!;
    expect(created.headers[0]).toMatchObject({ name: 'Location', pointer: '/components/headers/Location' });
    expect(created.headers[0]!.schema!.format).toBe('uri');
  });

  it('builds schemas: nullable, shared targets, cycles, allOf/oneOf/not', () => {
    const pet = named(m, 'Pet');
    const cat = named(m, 'Cat');
    expect(prop(pet, 'nickname').types).toEqual(['string', 'null']);
    expect(prop(pet, 'parent')).toBe(pet);
    expect(prop(pet, 'tags').children[0]!.schema).toBe(named(m, 'Tag'));
    expect(prop(pet, 'extra').children).toEqual([]); // additionalProperties: true is not a schema node
    expect(prop(pet, 'kind').children.map((c) => [c.via, c.schema.refName])).toEqual([
      ['oneOf/0', 'Cat'],
      ['oneOf/1', 'Dog'],
    ]);
    expect(cat.children.map((c) => c.via)).toEqual(['allOf/0', 'allOf/1']);
    expect(cat.children[0]!.schema).toBe(pet);
    expect(named(m, 'Dog').children).toEqual([{ via: 'not', schema: cat }]);
    expect(m.schemas.map((s) => s.name)).toEqual(['Pet', 'Cat', 'Dog', 'Tag', 'Filter', 'Error']);
  });

  it('walkSchemas visits each node once despite cycles', () => {
    const nodes = [...walkSchemas(m)];
    expect(new Set(nodes).size).toBe(nodes.length);
    expect(nodes).toContain(named(m, 'Pet'));
    expect(new Set(nodes.map((n) => n.pointer)).size).toBe(nodes.length);
  });

  it('keeps info and document extensions', () => {
    expect(m.info).toMatchObject({ title: 'Petstore 3.0', version: '2.1', contact: null, license: null, extensions: { 'x-logo': 'logo.png' } });
    expect(m.extensions).toEqual({ 'x-rate-limited': true });
    expect(m.tags).toEqual([{ name: 'pets', description: null, pointer: '/tags/0' }]);
  });
});

describe('buildModel: OpenAPI 3.1', () => {
  const m = buildModel(fixture('petstore-openapi31.json'), { file: 'petstore-openapi31.json' });

  it('has no document security and no servers', () => {
    expect(m.security).toBeNull();
    expect(m.servers).toEqual([]);
    expect(op(m, 'get', '/pets/{petId}')).toMatchObject({ security: [], securitySource: 'none', servers: [] });
    expect(op(m, 'put', '/pets/{petId}')).toMatchObject({ security: [{ mtls: [] }], securitySource: 'operation' });
    expect(m.operations).toHaveLength(2); // webhooks are not operations
    expect(m.webhooks.map((w) => w.pointer)).toEqual(['/webhooks/newPet/post']);
  });

  it('reads type lists, prefixItems, patternProperties; ignores nullable', () => {
    const pet = named(m, 'Pet');
    expect(prop(pet, 'name').types).toEqual(['string', 'null']);
    expect(prop(pet, 'legacy').types).toEqual(['string']);
    expect(prop(pet, 'location').children.map((c) => [c.via, c.schema.types])).toEqual([
      ['prefixItems/0', ['number']],
      ['prefixItems/1', ['number']],
    ]);
    expect(prop(pet, 'labels').children.map((c) => [c.via, c.schema.pointer])).toEqual([
      ['patternProperties/^x-', '/components/schemas/Pet/properties/labels/patternProperties/^x-'],
    ]);
    expect(op(m, 'get', '/pets/{petId}').parameters[0]!.schema!.types).toEqual(['string', 'integer']);
    expect(op(m, 'get', '/pets/{petId}').parameters[1]).toMatchObject({ name: 'session', in: 'cookie' });
  });

  it('decodes percent-encoding and ~0/~1 in $ref pointers', () => {
    const body = op(m, 'put', '/pets/{petId}').requestBody!;
    expect(body.required).toBe(false);
    const target = body.content[0]!.schema!;
    expect(target).toMatchObject({ refName: 'a/b c~d', pointer: '/components/schemas/a~1b c~0d' });
    expect(target).toBe(named(m, 'a/b c~d'));
    expect(prop(target, 'pet')).toBe(named(m, 'Pet'));
  });

  it('maps mutualTLS and unknown scheme types', () => {
    expect(m.securitySchemes.map((s) => [s.name, s.type, s.description])).toEqual([
      ['mtls', 'mutualTLS', 'client certificates'],
      ['weird', 'unknown', null],
    ]);
    expect(m.info.license).toEqual({ name: 'MIT', url: null });
  });
});

describe('buildModel: webhooks', () => {
  const payload = { type: 'object', properties: { id: { type: 'string' } } };
  const m = modelFromObject({
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    security: [{ key: [] }],
    servers: [{ url: 'https://api.example.com' }],
    paths: { '/pets': { get: { responses: { '200': { description: 'ok' } } } } },
    webhooks: {
      newPet: { post: { operationId: 'newPet', requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } }, responses: { '200': { description: 'ok' } } } },
      petGone: { $ref: '#/components/pathItems/PetGone' },
      'x-note': { post: {} },
    },
    'x-webhooks': {
      'pet-sold': {
        parameters: [{ name: 'X-Event', in: 'header', schema: { type: 'string' } }],
        post: { security: [{ key: [] }], requestBody: { content: { 'application/json': { schema: payload } } }, responses: { '204': { description: 'received' } } },
      },
    },
    components: {
      schemas: { Pet: { type: 'object', properties: { name: { type: 'string' } } } },
      pathItems: { PetGone: { delete: { responses: { '200': { description: 'ok' } } } } },
      securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } },
    },
  });
  const hook = (name: string) => {
    const found = m.webhooks.find((w) => w.path === name);
    if (!found) throw new Error(`no webhook ${name}`);
    return found;
  };

  it('reads 3.1 webhooks and x-webhooks into model.webhooks, never into operations', () => {
    expect(m.operations.map((o) => o.pointer)).toEqual(['/paths/~1pets/get']);
    expect(m.webhooks.map((w) => [w.method, w.path, w.pointer])).toEqual([
      ['post', 'newPet', '/webhooks/newPet/post'],
      ['delete', 'petGone', '/components/pathItems/PetGone/delete'], // a $ref'd path item: the definition's pointer
      ['post', 'pet-sold', '/x-webhooks/pet-sold/post'],
    ]);
    expect(hook('newPet').operationId).toBe('newPet');
    expect(hook('newPet').requestBody?.content[0]?.schema).toBe(named(m, 'Pet'));
    expect(m.locate('/x-webhooks/pet-sold/post').line).toBeGreaterThan(1);
  });

  it('merges path-item parameters, and inherits neither the document security nor its servers', () => {
    const sold = hook('pet-sold');
    expect(sold.parameters.map((p) => [p.name, p.in, p.schema?.pointer])).toEqual([['X-Event', 'header', '/x-webhooks/pet-sold/parameters/0/schema']]);
    expect(sold).toMatchObject({ security: [{ key: [] }], securitySource: 'operation', servers: [] });
    expect(hook('newPet')).toMatchObject({ security: [], securitySource: 'none', servers: [] });
    expect(sold.responses.map((r) => [r.status, r.pointer])).toEqual([['204', '/x-webhooks/pet-sold/post/responses/204']]);
  });

  it('walkSchemas reaches webhook parameter and body schemas', () => {
    const pointers = [...walkSchemas(m)].map((n) => n.pointer);
    expect(pointers).toEqual(expect.arrayContaining([
      '/x-webhooks/pet-sold/parameters/0/schema',
      '/x-webhooks/pet-sold/post/requestBody/content/application~1json/schema',
      '/x-webhooks/pet-sold/post/requestBody/content/application~1json/schema/properties/id',
    ]));
  });

  it('has no webhooks when the document has none', () => {
    expect(modelFromObject({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: {} }).webhooks).toEqual([]);
  });
});

describe('buildModel: references', () => {
  const base = { openapi: '3.0.3', info: { title: 't', version: '1' } };
  const withSchema = (schemas: Record<string, unknown>, paths: Record<string, unknown> = {}) => ({ ...base, paths, components: { schemas } });

  it('errors on an unresolvable $ref, naming it and its place', () => {
    const doc = withSchema({ A: { properties: { b: { $ref: '#/components/schemas/Missing' } } } });
    const err = errorOf(() => buildModel(doc, { file: 'api.yaml' }));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toBe(
      "unresolvable $ref '#/components/schemas/Missing' at api.yaml#/components/schemas/A/properties/b/$ref: nothing at '/components/schemas/Missing'",
    );
  });

  it('gives the line and column of the $ref when positions are known', () => {
    const doc = withSchema({ A: { properties: { b: { $ref: '#/components/schemas/Missing' } } } });
    const err = errorOf(() => modelFromObject(doc, 'api.yaml'));
    expect(err.message).toMatch(/^unresolvable \$ref '#\/components\/schemas\/Missing' at api\.yaml:\d+:\d+: /);
  });

  it('errors on a $ref that refers to itself', () => {
    const doc = withSchema({ A: { $ref: '#/components/schemas/B' }, B: { $ref: '#/components/schemas/A' } });
    expect(errorOf(() => buildModel(doc, { file: 'api.yaml' })).message).toBe(
      "circular $ref '#/components/schemas/A' at api.yaml#/components/schemas/B/$ref: a chain of references that leads back to itself",
    );
  });

  it('follows chains of $refs to the final definition', () => {
    const m = buildModel(withSchema({ A: { $ref: '#/components/schemas/B' }, B: { type: 'string' } }), { file: 'api.yaml' });
    expect(named(m, 'A')).toBe(named(m, 'B'));
    expect(named(m, 'A')).toMatchObject({ refName: 'B', pointer: '/components/schemas/B' });
  });

  it('refuses remote references without fetching them', () => {
    const doc = withSchema({ A: { $ref: 'https://schemas.example.com/pet.json#/Pet' } });
    const err = errorOf(() => buildModel(doc, { file: 'api.yaml' }));
    expect(err.message).toContain("cannot resolve $ref 'https://schemas.example.com/pet.json#/Pet'");
    expect(err.message).toContain('remote references are not enabled');
  });

  it('refuses path traversal and absolute paths', () => {
    const up = errorOf(() => buildModel(withSchema({ A: { $ref: '../../etc/passwd' } }), { file: 'api.yaml' }));
    expect(up.message).toContain('outside the spec');
    const abs = errorOf(() => buildModel(withSchema({ A: { $ref: '/etc/passwd#/x' } }), { file: 'api.yaml' }));
    expect(abs.message).toContain('absolute file reference');
    const scheme = errorOf(() => buildModel(withSchema({ A: { $ref: 'file:///etc/passwd' } }), { file: 'api.yaml' }));
    expect(scheme.message).toContain('unsupported reference scheme');
  });

  it('reads other documents through resolveExternal, with file-prefixed pointers', () => {
    const common = { components: { schemas: { Err: { type: 'object', properties: { self: { $ref: '#/components/schemas/Err' }, pet: { $ref: 'api.yaml#/components/schemas/Pet' } } } } } };
    const doc = withSchema({ Pet: { type: 'object' }, E: { $ref: './common.yaml#/components/schemas/Err' } });
    const asked: string[] = [];
    const m = buildModel(doc, {
      file: 'specs/api.yaml',
      resolveExternal: (id) => {
        asked.push(id);
        return common;
      },
    });
    const err = named(m, 'E');
    expect(err).toMatchObject({ pointer: 'common.yaml#/components/schemas/Err', refName: 'Err' });
    expect(prop(err, 'self')).toBe(err);
    expect(prop(err, 'pet')).toBe(named(m, 'Pet')); // a reference back to the main file by name
    expect(asked).toEqual(['common.yaml']);
  });

  it('reports what resolveExternal refuses', () => {
    const doc = withSchema({ E: { $ref: 'common.yaml#/x' } });
    const err = errorOf(() =>
      buildModel(doc, {
        file: 'api.yaml',
        resolveExternal: () => {
          throw new Error('file not found');
        },
      }),
    );
    expect(err.message).toBe("cannot resolve $ref 'common.yaml#/x' at api.yaml#/components/schemas/E/$ref: file not found");
  });

  it('resolves $ref path items', () => {
    const doc = {
      ...base,
      paths: { '/a': { $ref: '#/x-paths/a' } },
      'x-paths': { a: { get: { responses: { '200': { description: 'ok' } } } } },
    };
    const m = buildModel(doc, { file: 'api.yaml' });
    expect(m.operations.map((o) => [o.path, o.pointer])).toEqual([['/a', '/x-paths/a/get']]);
  });

  it('survives a cyclic in-memory object with an error, not a hang', () => {
    const s: Record<string, unknown> = { type: 'object' };
    s.properties = { self: s };
    const err = errorOf(() => buildModel(withSchema({ S: s }), { file: 'api.yaml' }));
    expect(err.message).toContain('nested too deeply');
  });
});

describe('buildModel: tolerance of odd but parseable documents', () => {
  it('skips malformed parts instead of throwing', () => {
    const doc = {
      openapi: '3.0.0',
      info: 'not an object',
      servers: [{ description: 'no url' }, 'nope'],
      security: 'all',
      tags: [{ description: 'no name' }, 3],
      paths: {
        'x-meta': { get: {} },
        '/a': {
          get: { parameters: [{ in: 'query' }, 'nope', { name: 'q', in: 'body' }], responses: { 'x-note': 1, '200': 'nope' }, tags: ['t', 3] },
          post: 'nope',
          summary: 'not a method',
        },
        '/b': 'nope',
      },
      components: { schemas: { A: true, B: { items: [{ type: 'string' }] } }, securitySchemes: { s: 'nope' } },
    };
    const m = buildModel(doc, { file: 'odd.yaml' });
    expect(m.info).toMatchObject({ title: null, contact: null });
    expect(m.servers).toEqual([]);
    expect(m.security).toBeNull();
    expect(m.tags).toEqual([]);
    expect(m.operations).toHaveLength(1);
    expect(m.operations[0]).toMatchObject({ parameters: [], responses: [], tags: ['t'], securitySource: 'none' });
    expect(m.schemas.map((s) => s.name)).toEqual(['B']);
    expect(named(m, 'B').children.map((c) => c.via)).toEqual(['items/0']);
    expect(m.securitySchemes).toEqual([]);
  });

  it('locate defaults to line 0 with the pointer', () => {
    const m = buildModel({ swagger: '2.0', info: {}, paths: {} }, { file: 'x.json' });
    expect(m.locate('/paths')).toEqual({ file: 'x.json', pointer: '/paths', line: 0, column: 0 });
    expect(m.locate('common.yaml#/a')).toEqual({ file: 'common.yaml', pointer: '/a', line: 0, column: 0 });
  });
});

describe('modelFromObject', () => {
  it('locates pointers in the YAML serialisation of the object', () => {
    const m = modelFromObject({
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: { '/users/{id}': { get: { responses: { '200': { description: 'ok' } } } } },
    });
    // openapi / info / title / version / paths / /users/{id} / get
    expect(m.locate('/paths/~1users~1{id}/get')).toEqual({ file: 'spec.yaml', pointer: '/paths/~1users~1{id}/get', line: 7, column: 5 });
    expect(m.locate('/info/title').line).toBe(3);
    expect(m.locate('/paths/~1users~1{id}/get/nothing/here').line).toBe(7);
    expect(m.file).toBe('spec.yaml');
    expect(modelFromObject({ swagger: '2.0', info: {}, paths: {} }, 'other.yaml').locate('/info').file).toBe('other.yaml');
  });
});
