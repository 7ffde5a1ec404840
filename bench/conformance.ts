/**
 * Conformance validation throughput: events per second through matching and validation, against a
 * plain compiled-ajv floor on the same events and schemas.
 *
 *   npm run bench:conformance                       # 200k events on GitHub's REST spec
 *   npm run bench:conformance -- --events 50000
 *
 * Events: for every GET/POST/PUT/PATCH operation of GitHub's spec whose 2xx response is JSON, one call
 * with its path parameters filled in, required query parameters set, a JSON request body and a JSON
 * response body generated from the schemas (a small bounded example generator). Events cycle through
 * the operations.
 *   bulwark  `createConformanceChecker(...).checkEvent(event)`: host + path + method matching, then every
 *            check (parameters with coercion, undocumented parameters, status, content types, request
 *            and response bodies parsed from text and validated).
 *   floor    the harness already knows each event's operation (no matching) and runs only plain ajv
 *            (default options, native RegExp, precompiled for the same JSON Schemas) on the request and
 *            response body, also parsed from text.
 * Both run once untimed (compilation, JIT), then timed. Single process, single thread.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { performance } from 'node:perf_hooks';
import type { ApiEvent } from '../src/contracts/api-event.js';
import { createConformanceChecker } from '../src/conformance/check.js';
import { createSchemaEmitter } from '../src/conformance/json-schema.js';
import { loadSpec } from '../src/spec/load.js';
import type { SchemaNode, SpecOperation } from '../src/spec/model.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const SPEC = 'node_modules/@octokit/openapi/generated/api.github.com.json';
const N = Number(arg('events', '200000'));

/** A value valid for `node` (best effort), bounded in depth and size. */
function example(node: SchemaNode | null, depth = 0): unknown {
  if (!node) return {};
  const raw = node.raw;
  if (raw.example !== undefined && depth > 0 && typeof raw.example !== 'object') return raw.example;
  if (Array.isArray(raw.enum) && raw.enum.length) return raw.enum.find((x) => x !== null) ?? raw.enum[0];
  if (raw.const !== undefined) return raw.const;
  const kids = (prefix: string) => node.children.filter((c) => c.via.startsWith(prefix));
  const allOf = kids('allOf/');
  if (allOf.length) {
    const out: Record<string, unknown> = {};
    for (const c of allOf) Object.assign(out, example(c.schema, depth + 1) as object);
    for (const c of kids('properties/')) out[c.via.slice(11)] ??= example(c.schema, depth + 1);
    return out;
  }
  const alt = kids('oneOf/')[0] ?? kids('anyOf/')[0];
  if (alt) return example(alt.schema, depth + 1);
  const type = node.types.find((t) => t !== 'null') ?? (kids('properties/').length ? 'object' : 'string');
  if (depth > 8) return node.types.includes('null') ? null : type === 'array' ? [] : type === 'object' ? {} : type === 'string' ? 'x' : 0;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const c of kids('properties/')) out[c.via.slice(11)] = example(c.schema, depth + 1);
      return out;
    }
    case 'array': {
      const items = node.children.find((c) => c.via === 'items')?.schema ?? null;
      return [example(items, depth + 1)];
    }
    case 'integer':
    case 'number':
      return typeof raw.minimum === 'number' ? raw.minimum : 1;
    case 'boolean':
      return true;
    default:
      switch (node.format) {
        case 'date-time': return '2026-11-23T10:00:00Z';
        case 'date': return '2026-11-23';
        case 'email': return 'octo@example.com';
        case 'uri': return 'https://example.com/x';
        case 'uuid': return '123e4567-e89b-12d3-a456-426614174000';
        default: return typeof raw.minLength === 'number' ? 'x'.repeat(raw.minLength) : 'octo';
      }
  }
}

const jsonOf = (m: SpecOperation['responses'][number]['content']) => m.find((c) => c.contentType === 'application/json' && c.schema);

interface Case {
  event: ApiEvent;
  req: SchemaNode | null;
  res: SchemaNode;
}

function cases(ops: SpecOperation[]): Case[] {
  const out: Case[] = [];
  for (const op of ops) {
    if (!['get', 'post', 'put', 'patch'].includes(op.method)) continue;
    const ok = op.responses.find((r) => /^2\d\d$/.test(r.status) && jsonOf(r.content));
    if (!ok) continue;
    const res = jsonOf(ok.content)!.schema!;
    const reqMedia = op.requestBody ? jsonOf(op.requestBody.content) : undefined;
    const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const p = op.parameters.find((x) => x.in === 'path' && x.name === name);
      const v = example(p?.schema ?? null, 1);
      return encodeURIComponent(String(v));
    });
    const query: Record<string, string[]> = {};
    for (const p of op.parameters) if (p.in === 'query' && p.required) query[p.name] = [String(example(p.schema, 1))];
    const headers: Record<string, string> = { accept: 'application/vnd.github+json', 'user-agent': 'bench', authorization: '[REDACTED:bearer:0123456789abcdef]' };
    for (const p of op.parameters) if (p.in === 'header' && p.required) headers[p.name.toLowerCase()] = String(example(p.schema, 1));
    const text = (v: unknown) => {
      const t = JSON.stringify(v);
      return { contentType: 'application/json; charset=utf-8', text: t, encoding: 'utf8' as const, size: t.length, truncated: false };
    };
    const event: ApiEvent = {
      timestamp: '2026-11-23T10:00:00.000Z',
      source: { kind: 'ndjson' },
      request: { method: op.method.toUpperCase() as ApiEvent['request']['method'], scheme: 'https', host: 'api.github.com', path, query, headers, cookies: {}, ...(reqMedia?.schema ? { body: text(example(reqMedia.schema)) } : {}) },
      response: { status: Number(ok.status), headers: { 'content-type': 'application/json; charset=utf-8' }, body: text(example(res)) },
    };
    out.push({ event, req: reqMedia?.schema ?? null, res });
  }
  return out;
}

async function main() {
  const model = await loadSpec(SPEC);
  const all = cases(model.operations);
  const events = Array.from({ length: N }, (_, i) => all[i % all.length]!);
  process.stderr.write(`${model.operations.length} operations, ${all.length} with generated events, ${N.toLocaleString('en')} events\n`);

  // Bulwark: match + full check.
  const checker = createConformanceChecker([{ specId: 'github', version: 1, model }]);
  let compileStart = performance.now();
  let violations = 0;
  let shadows = 0;
  const byKind = new Map<string, number>();
  for (const c of all) {
    const r = checker.checkEvent(c.event);
    if (r.match.kind === 'shadow') shadows++;
    for (const v of r.violations) {
      violations++;
      byKind.set(v.kind, (byKind.get(v.kind) ?? 0) + 1);
    }
  }
  const bulwarkWarm = performance.now() - compileStart;
  let t0 = performance.now();
  for (const c of events) checker.checkEvent(c.event);
  const bulwarkMs = performance.now() - t0;

  // Floor: plain ajv on the same JSON Schemas, operation known.
  const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false, logger: false });
  addFormats(ajv);
  for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(f, true);
  const emitter = createSchemaEmitter(model.dialect, false, (id, s) => ajv.addSchema(s, id));
  const compiled = new Map<SchemaNode, ValidateFunction>();
  const get = (n: SchemaNode) => {
    let v = compiled.get(n);
    if (!v) compiled.set(n, (v = ajv.compile(emitter.emit(n))));
    return v;
  };
  compileStart = performance.now();
  const floorCases = all.map((c) => ({ c, req: c.req ? get(c.req) : null, res: get(c.res) }));
  const floorWarm = performance.now() - compileStart;
  const floorEvents = Array.from({ length: N }, (_, i) => floorCases[i % floorCases.length]!);
  let sink = 0;
  const floorPass = () => {
    for (const { c, req, res } of floorEvents) {
      if (req && c.event.request.body?.text !== undefined && req(JSON.parse(c.event.request.body.text))) sink++;
      if (res(JSON.parse(c.event.response!.body!.text!))) sink++;
    }
  };
  t0 = performance.now();
  floorPass();
  const floorMs = performance.now() - t0;

  const bulwarkEps = N / (bulwarkMs / 1000);
  const floorEps = N / (floorMs / 1000);
  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  console.log(`conformance validation, GitHub REST spec (${model.operations.length} operations, ${all.length} exercised), ${fmt(N)} events`);
  console.log(`  bulwark (match + full check): ${fmt(bulwarkEps)} events/s  (${(bulwarkMs / 1000).toFixed(2)} s; first pass with lazy compilation ${(bulwarkWarm / 1000).toFixed(2)} s)`);
  console.log(`  floor (plain ajv, bodies only, operation known): ${fmt(floorEps)} events/s  (${(floorMs / 1000).toFixed(2)} s; compilation ${(floorWarm / 1000).toFixed(2)} s)`);
  console.log(`  ratio bulwark / floor: ${(bulwarkEps / floorEps).toFixed(2)}`);
  console.log(`  generated events: ${shadows} shadow, ${violations} violations over ${all.length} distinct events ${JSON.stringify(Object.fromEntries(byKind))}`);
  console.log(`  validators: ${JSON.stringify(checker.stats())}; floor sink ${sink}`);
}

await main();
