import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBulwark, type Bulwark } from '../../app/context.js';
import { loadConfig } from '../../config/config.js';
import { plantedSecretSamples, writeDemoNdjson } from '../../demo/estate.js';
import { plantedEvents, plantedValues } from '../../pipeline/fixtures/planted-traffic.js';
import { readEventBatches } from '../../sources/index.js';
import { manualClock } from '../../util/clock.js';
import { createLogger } from '../../util/logger.js';
import { auditSpec, RULE_ERROR_ID } from '../audit/audit.js';
import { loadSpecText } from '../load.js';
import { LOCAL_OPERATOR } from '../registry.js';
import { oas31Errors } from './fixtures/oas31-schema.js';
import { GENERATE_HOST, generateFixtureEvents } from './fixtures/traffic.js';
import { createSpecGenerator, type SpecGenerator } from './service.js';

/**
 * `spec generate` end to end: the Northwind demo traffic, the privacy test's planted traffic and this
 * folder's fixture traffic go through the real pipeline into a real store; the generated document must
 * be valid OpenAPI 3.1 (the official schema, with ajv 2020), load in Bulwark's own spec loader and audit
 * without rule errors, and carry none of the planted values, in clear or as enum members.
 */

type Json = Record<string, any>;
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/;

let dir: string;
let bw: Bulwark;
let generator: SpecGenerator;
let yamlText: string;
let doc: Json;
/** `/v1/items/{…}`: whatever name discovery gives the item id, the tests follow it. */
let itemPath: string;
let itemParam: string;

function walk(v: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(v)) v.forEach((x) => walk(x, visit));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      visit(k, x);
      walk(x, visit);
    }
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bulwark-spec-generate-'));
  bw = await openBulwark(loadConfig({ env: { BULWARK_DATA_DIR: path.join(dir, 'data') } }), createLogger('silent'), {});
  const demo = path.join(dir, 'demo.ndjson');
  await writeDemoNdjson(demo, { events: 10_000, seed: 11 });
  const planted = path.join(dir, 'planted.ndjson');
  writeFileSync(planted, [...plantedEvents(3), ...generateFixtureEvents()].map((e) => JSON.stringify(e)).join('\n') + '\n');
  for (const file of [demo, planted]) await bw.pipeline.ingest(readEventBatches(file));
  generator = createSpecGenerator({ store: bw.store, clock: manualClock('2026-11-23T12:00:00.000Z'), version: '9.9.9' });
  const r = await generator.generate(LOCAL_OPERATOR, { format: 'yaml' });
  yamlText = r.text;
  doc = r.document as Json;
  itemPath = Object.keys(doc.paths).find((p) => /^\/v1\/items\/\{[^}]+\}$/.test(p))!;
  itemParam = /\{([^}]+)\}/.exec(itemPath ?? '')?.[1] ?? '';
}, 60_000);

afterAll(async () => {
  await bw?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a document generated from ingested traffic', () => {
  it('is valid OpenAPI 3.1 by the official schema, in YAML and in JSON', async () => {
    expect(parseYaml(yamlText)).toEqual(doc);
    expect(oas31Errors(doc)).toEqual([]);
    const json = await generator.generate(LOCAL_OPERATOR, { format: 'json' });
    expect(JSON.parse(json.text)).toEqual(doc);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(40);
  });

  it("loads in Bulwark's spec loader and audits without rule errors", async () => {
    const model = await loadSpecText(yamlText, 'generated.yaml');
    expect(model.dialect).toBe('openapi-3.1');
    expect(model.operations).toHaveLength(doc['x-bulwark'].counts.operations);
    const findings = auditSpec(model);
    expect(findings.filter((f) => f.ruleId === RULE_ERROR_ID)).toEqual([]);
    // The audit reads what the generator inferred: the JWT scheme, the unauthenticated operations.
    expect(findings.some((f) => f.ruleId.startsWith('spec-security-'))).toBe(true);
  });

  it('carries no planted secret or personal value, no placeholder, no example', () => {
    const values = [...plantedValues(), ...plantedSecretSamples(11).map((s) => ({ label: s.kind, value: s.value }))];
    const leaks = values.filter((v) => yamlText.includes(v.value) || yamlText.includes(JSON.stringify(v.value).slice(1, -1)));
    expect(leaks.map((v) => v.label)).toEqual([]);
    expect(yamlText).not.toContain('REDACTED');
    expect(yamlText).not.toMatch(EMAIL);
    const keys = new Set<string>();
    walk(doc, (k, v) => {
      // A body field may be called `default`; the keyword is a value, never an object of properties.
      if (k !== 'default' || typeof v !== 'object' || v === null || !('type' in v || 'description' in v)) keys.add(k);
    });
    for (const k of ['example', 'examples', 'default', 'const']) expect(keys.has(k), k).toBe(false);
  });

  it('infers enums only from small sets of plain values', () => {
    const enums: string[][] = [];
    walk(doc, (k, v) => {
      if (k === 'enum') enums.push(v as string[]);
    });
    expect(enums.length).toBeGreaterThan(3);
    for (const members of enums) for (const m of members) expect(m).toMatch(/^[\p{L}\p{N}][\p{L}\p{N} _.:-]{0,31}$/u);
    const items = doc.paths[itemPath].get;
    expect(items.parameters.find((p: Json) => p.name === 'status').schema).toEqual({ type: 'string', enum: ['closed', 'open'] });
    // The email query parameter was redacted every time: typed, never enumerated; the API key is a scheme.
    expect(items.parameters.find((p: Json) => p.name === 'contact').schema).toEqual({ type: 'string', format: 'email', 'x-bulwark-data-classes': ['email'] });
    expect(items.parameters.map((p: Json) => p.name)).not.toContain('api_key');
    const created = doc.paths['/v1/items'].post;
    expect(created.requestBody.content['application/json'].schema.properties.kind).toEqual({ type: 'string', enum: ['gadget', 'gizmo'] });
    expect(created.requestBody.content['application/json'].schema.properties.password).toMatchObject({ type: 'string', 'x-bulwark-data-classes': ['password'] });
    expect(created.requestBody.content['application/json'].schema.properties.password).not.toHaveProperty('enum');
  });

  it('describes authentication as schemes, and errors with their own bodies', () => {
    const schemes = doc.components.securitySchemes as Json;
    expect(schemes.bearerJwt).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(schemes.basicAuth).toEqual({ type: 'http', scheme: 'basic' });
    expect(schemes['apiKeyHeader_x-api-key']).toEqual({ type: 'apiKey', in: 'header', name: 'x-api-key' });
    expect(doc.paths[itemPath].get.security).toEqual([{ bearerJwt: [] }]);
    const responses = doc.paths['/v1/items'].post.responses;
    expect(Object.keys(responses['201'].content['application/json'].schema.properties).sort()).toEqual(['id', 'kind']);
    expect(Object.keys(responses['400'].content['application/json'].schema.properties).sort()).toEqual(['detail', 'error']);
    expect(doc.paths[itemPath].get.servers).toEqual([{ url: `https://${GENERATE_HOST}` }]);
  });

  it('is the same text for the same inventory', async () => {
    expect((await generator.generate(LOCAL_OPERATOR, { format: 'yaml' })).text).toBe(yamlText);
  });

  it('applies a review: skip, rename, merge and split, and stays valid', async () => {
    const review = await generator.review(LOCAL_OPERATOR, { hosts: [GENERATE_HOST.toUpperCase()] });
    expect(review.items.map((e) => `${e.method} ${e.template}`)).toEqual(['POST /v1/items', 'GET /v1/items/latest', `GET ${itemPath}`]);
    expect(review.items.every((e) => e.action === 'accept' && e.host === GENERATE_HOST)).toBe(true);
    const id = (template: string) => review.items.find((e) => e.template === template)!.id;
    const r = await generator.generate(LOCAL_OPERATOR, {
      hosts: [GENERATE_HOST],
      format: 'json',
      info: { title: 'Items API', version: '1.4.0' },
      decisions: [
        { id: id(itemPath), rename: { [itemParam]: 'itemKey' }, split: ['/v1/items/featured', '/v1/items/{itemKey}'] },
        { id: id('/v1/items/latest'), mergeInto: id(itemPath) },
        { id: id('/v1/items'), action: 'skip' },
      ],
    });
    const d = JSON.parse(r.text) as Json;
    expect(oas31Errors(d)).toEqual([]);
    expect(d.info).toMatchObject({ title: 'Items API', version: '1.4.0' });
    expect(Object.keys(d.paths)).toEqual(['/v1/items/featured', '/v1/items/{itemKey}']);
    expect(d.paths['/v1/items/{itemKey}'].get['x-bulwark'].endpoints).toEqual([id(itemPath), id('/v1/items/latest')]);
    expect(d.paths['/v1/items/{itemKey}'].get.parameters[0]).toEqual({ name: 'itemKey', in: 'path', required: true, schema: { type: 'integer' } });
    expect(r.counts).toEqual({ endpoints: 3, skipped: 1, merged: 1, split: 1, operations: 2, paths: 2 });
    await expect(generator.generate(LOCAL_OPERATOR, { hosts: [GENERATE_HOST], decisions: [{ id: id(itemPath), mergeInto: id('/v1/items/latest') }] })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('merge the other way round'),
    });
  });
});
