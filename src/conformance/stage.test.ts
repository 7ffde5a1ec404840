import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../contracts/api-event.js';
import type { Finding } from '../contracts/finding.js';
import { endpointId } from '../aggregate/endpoint-state.js';
import { modelFromObject } from '../spec/build-model.js';
import type { ConformanceSnapshot } from '../store/store.js';
import { createConformanceStage, type ActiveSpec, type ConformanceStageOptions, type EndpointKey } from './stage.js';
import { eventOf, json } from './test-helpers.js';

const HOST = 'api.shop.test';
const T0 = Date.parse('2026-11-20T10:00:00.000Z');
const DAY = 86_400_000;

const shop = (over: { deprecatedDelete?: boolean; extraPath?: boolean } = {}) =>
  modelFromObject({
    openapi: '3.0.3',
    info: { title: 'shop', version: '1' },
    servers: [{ url: `https://${HOST}/v1` }],
    components: {
      schemas: {
        Item: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          properties: { id: { type: 'integer' }, email: { type: 'string', format: 'email' }, note: { type: 'string', maxLength: 12 } },
        },
      },
    },
    paths: {
      '/items': {
        get: {
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } }],
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Item' } } } } }, '400': { description: 'bad' } },
        },
        post: {
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } },
          responses: { '201': { description: 'created' }, '400': { description: 'bad' } },
        },
      },
      '/items/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } } } },
        delete: { deprecated: over.deprecatedDelete ?? true, responses: { '204': { description: 'gone' } } },
      },
      '/users/me': { get: { responses: { '200': { description: 'me' } } } },
      '/users/{userId}': { get: { responses: { '200': { description: 'user' } } } },
      '/reports': { get: { responses: { '200': { description: 'report' } } } },
      ...(over.extraPath ? { '/internal/export': { get: { responses: { '200': { description: 'export' } } } } } : {}),
    },
  });

const spec = (version = 1, model = shop()): ActiveSpec => ({ specId: 'spec_shop', name: 'Shop API', version, hosts: [HOST], model });
const OPTS: ConformanceStageOptions = { orphanAfterDays: 30, maxDriftPerOperation: 50, samplesPerItem: 3 };
const ep = (method: string, template: string, host = HOST): EndpointKey => ({ host, method, template });

function stageWith(opts: Partial<ConformanceStageOptions> = {}, specs = [spec()]) {
  const stage = createConformanceStage({ ...OPTS, ...opts });
  stage.setSpecs(specs);
  return stage;
}

const byRule = (fs: Finding[], rule: string) => fs.filter((f) => f.ruleId === rule);
const at = (ms: number) => new Date(ms).toISOString();

/** An analysed call: the event, with its JSON bodies parsed as the redact stage would hand them over. */
function analysed(method: ApiEvent['request']['method'], url: string, over: Parameters<typeof eventOf>[2] = {}, ts = T0): [ApiEvent, unknown, unknown, number] {
  const e = eventOf(method, url, over);
  e.timestamp = at(ts);
  const parse = (b: { text?: string } | undefined) => (b?.text ? (JSON.parse(b.text) as unknown) : undefined);
  return [e, parse(e.request.body), parse(e.response?.body), ts];
}

describe('conformance stage: counting', () => {
  it('counts every call exactly per operation and per shadow endpoint; endpoints matched once when the template answer holds', () => {
    const stage = stageWith();
    const items = ep('GET', '/v1/items/{id}');
    const list = ep('GET', '/v1/items');
    const shadow = ep('GET', '/v1/internal/export');
    for (let i = 0; i < 25; i++) stage.observe(items, `/v1/items/${i}`, T0 + i);
    for (let i = 0; i < 7; i++) stage.observe(list, '/v1/items', T0 + i);
    for (let i = 0; i < 3; i++) stage.observe(shadow, '/v1/internal/export', T0 + i);
    stage.observe(ep('GET', '/health', 'other.host.test'), '/health', T0); // no spec covers it

    const out = stage.collect(at(T0 + DAY));
    const calls = Object.fromEntries(out.operations.map((o) => [`${o.method} ${o.path}`, o.calls]));
    expect(calls).toMatchObject({ 'GET /items/{id}': 25, 'GET /items': 7, 'GET /reports': 0 });
    expect(out.shadow).toEqual([expect.objectContaining({ endpointId: endpointId(HOST, 'GET', '/v1/internal/export'), calls: 3, pathTemplate: '/v1/internal/export' })]);
    expect(out.operations.find((o) => o.path === '/items/{id}' && o.method === 'GET')!.endpoints).toEqual([{ id: endpointId(HOST, 'GET', '/v1/items/{id}'), host: HOST, pathTemplate: '/v1/items/{id}' }]);
    expect(stage.stats().slots).toEqual({ exact: 3, dynamic: 0, none: 1 });
    expect(stage.coverageOf(items)).toMatchObject({ status: 'documented', specName: 'Shop API', version: 1, operation: { method: 'GET', path: '/items/{id}' } });
    expect(stage.coverageOf(shadow)).toMatchObject({ status: 'shadow', specId: 'spec_shop', operation: null });
    expect(stage.coverageOf(ep('GET', '/health', 'other.host.test'))).toBeNull();
  });

  it('a template parameter where the spec has a literal is matched per call: /users/me and /users/{userId} each get their own calls', () => {
    const stage = stageWith();
    const users = ep('GET', '/v1/users/{id}');
    for (const p of ['/v1/users/me', '/v1/users/me', '/v1/users/42', '/v1/users/43', '/v1/users/me']) stage.observe(users, p, T0);
    // A discovered parameter spanning segments: more segments than the template, so matched per call.
    stage.observe(users, '/v1/users/a/b', T0);
    const out = stage.collect(at(T0));
    const calls = Object.fromEntries(out.operations.map((o) => [`${o.method} ${o.path}`, o.calls]));
    expect(calls['GET /users/me']).toBe(3);
    expect(calls['GET /users/{userId}']).toBe(2);
    expect(out.shadow.map((s) => [s.pathTemplate, s.calls])).toEqual([['/v1/users/{id}', 1]]);
    expect(stage.stats().slots).toMatchObject({ exact: 0, dynamic: 1 });
  });
});

describe('conformance stage: shadow, zombie, orphan findings', () => {
  it('shadow: one finding per endpoint, its count the new calls; resolved once a new version documents the endpoint', () => {
    const stage = stageWith();
    const shadow = ep('GET', '/v1/internal/export');
    for (let i = 0; i < 4; i++) stage.observe(shadow, '/v1/internal/export', T0 + i);
    const first = byRule(stage.collect(at(T0)).findings, 'conformance-shadow-endpoint');
    expect(first).toEqual([
      expect.objectContaining({ endpointId: endpointId(HOST, 'GET', '/v1/internal/export'), count: 4, status: 'open', owasp: 'API9:2023', severity: 'medium', method: 'GET', pathTemplate: '/v1/internal/export' }),
    ]);
    expect(first[0]!.evidence.summary).toContain('no operation of Shop API documents');
    stage.observe(shadow, '/v1/internal/export', T0 + 10);
    const second = byRule(stage.collect(at(T0)).findings, 'conformance-shadow-endpoint');
    expect(second.map((f) => [f.id, f.count])).toEqual([[first[0]!.id, 1]]);
    expect(byRule(stage.collect(at(T0)).findings, 'conformance-shadow-endpoint')).toEqual([]);

    expect(stage.setSpecs([spec(2, shop({ extraPath: true }))])).toBe(true);
    const after = stage.collect(at(T0));
    expect(byRule(after.findings, 'conformance-shadow-endpoint')).toEqual([expect.objectContaining({ id: first[0]!.id, status: 'resolved', count: 0 })]);
    expect(after.removedShadow).toEqual([endpointId(HOST, 'GET', '/v1/internal/export')]);
    expect(stage.coverageOf(shadow)).toMatchObject({ status: 'documented', version: 2 });
  });

  it('zombie: calls to a deprecated operation, with redacted samples from analysed calls; resolved when no longer deprecated', () => {
    const stage = stageWith();
    const del = ep('DELETE', '/v1/items/{id}');
    for (let i = 0; i < 5; i++) stage.observe(del, `/v1/items/${i}`, T0 + i);
    stage.analyse(del, ...analysed('DELETE', `https://${HOST}/v1/items/3?token=[REDACTED:api-key:0123456789abcdef]`, { response: { status: 204 } }));
    const out = stage.collect(at(T0));
    const z = byRule(out.findings, 'conformance-zombie-operation');
    expect(z).toEqual([expect.objectContaining({ count: 5, owasp: 'API9:2023', cwe: 'CWE-477', endpointId: endpointId(HOST, 'DELETE', '/v1/items/{id}') })]);
    const row = out.operations.find((o) => o.method === 'DELETE')!;
    expect(row).toMatchObject({ deprecated: true, calls: 5 });
    expect(row.samples).toEqual([{ at: at(T0), endpointId: endpointId(HOST, 'DELETE', '/v1/items/{id}'), request: 'DELETE /v1/items/3?token=[REDACTED:api-key:0123456789abcdef]', status: 204 }]);

    stage.setSpecs([spec(2, shop({ deprecatedDelete: false }))]);
    expect(byRule(stage.collect(at(T0)).findings, 'conformance-zombie-operation')).toEqual([expect.objectContaining({ id: z[0]!.id, status: 'resolved' })]);
  });

  it('orphan: no call within the period before the newest event on the spec hosts; resolves when called again', () => {
    const stage = stageWith({ orphanAfterDays: 30 });
    // No traffic on the hosts yet: nothing can be called orphan.
    expect(byRule(stage.collect(at(T0)).findings, 'conformance-orphan-operation')).toEqual([]);
    stage.observe(ep('GET', '/v1/reports'), '/v1/reports', T0);
    stage.observe(ep('GET', '/v1/items'), '/v1/items', T0 + 40 * DAY);
    const orphans = byRule(stage.collect(at(T0 + 40 * DAY)).findings, 'conformance-orphan-operation');
    // Everything but GET /items: /reports was last called 40 days before the newest event.
    expect(orphans.map((f) => `${f.method} ${f.pathTemplate}`).sort()).toEqual(['DELETE /v1/items/{id}', 'GET /v1/items/{id}', 'GET /v1/reports', 'GET /v1/users/me', 'GET /v1/users/{userId}', 'POST /v1/items']);
    const reports = orphans.find((f) => f.pathTemplate === '/v1/reports')!;
    expect(reports).toMatchObject({ severity: 'low', owasp: 'API9:2023', cwe: 'CWE-1059', count: 1, endpointId: endpointId(HOST, 'GET', '/v1/reports') });
    expect(reports.evidence.summary).toContain('has not been called since 2026-11-20T10:00:00.000Z');
    // Found once: the next flush does not count them again.
    expect(byRule(stage.collect(at(T0 + 40 * DAY)).findings, 'conformance-orphan-operation')).toEqual([]);
    stage.observe(ep('GET', '/v1/reports'), '/v1/reports', T0 + 41 * DAY);
    expect(byRule(stage.collect(at(T0)).findings, 'conformance-orphan-operation')).toEqual([expect.objectContaining({ id: reports.id, status: 'resolved' })]);
  });
});

describe('conformance stage: drift', () => {
  const get = ep('GET', '/v1/items/{id}');
  const list = ep('GET', '/v1/items');
  const post = ep('POST', '/v1/items');

  it('undocumented parameters, statuses and schema violations by field, with counts, first/last seen and redacted samples', () => {
    const stage = stageWith();
    stage.analyse(list, ...analysed('GET', `https://${HOST}/v1/items?debug=1&limit=500`, { response: { status: 200, body: json([{ id: 1 }, { id: 2, secret: 'x' }]) } }, T0));
    stage.analyse(list, ...analysed('GET', `https://${HOST}/v1/items?debug=2`, { response: { status: 200, body: json([{ id: 1, secret: 'y' }]) } }, T0 + 5000));
    stage.analyse(get, ...analysed('GET', `https://${HOST}/v1/items/7`, { response: { status: 500, body: json({ error: 'boom' }) } }, T0 + 9000));
    const out = stage.collect(at(T0));
    const items = Object.fromEntries(out.drift.map((d) => [`${d.kind} ${d.location} ${d.field}`, d]));
    expect(Object.keys(items).sort()).toEqual([
      'parameter-schema query limit',
      'response-body-schema response body /*/secret',
      'undocumented-parameter query debug',
      'undocumented-status status 500',
    ]);
    expect(items['undocumented-parameter query debug']).toMatchObject({
      count: 2,
      accepted: 2,
      firstSeen: at(T0),
      lastSeen: at(T0 + 5000),
      operation: { method: 'GET', path: '/items' },
      endpoints: [{ id: endpointId(HOST, 'GET', '/v1/items'), host: HOST, pathTemplate: '/v1/items' }],
    });
    expect(items['undocumented-parameter query debug']!.samples.map((s) => [s.request, s.value])).toEqual([
      ['GET /v1/items?debug=1&limit=500', '"1"'],
      ['GET /v1/items?debug=2', '"2"'],
    ]);
    expect(items['response-body-schema response body /*/secret']).toMatchObject({ keyword: 'additionalProperties', count: 2 });
    expect(items['parameter-schema query limit']).toMatchObject({ keyword: 'maximum', count: 1 });

    const rules = out.findings.map((f) => `${f.ruleId} ${f.count}`).filter((r) => r.startsWith('conformance-drift')).sort();
    expect(rules).toEqual([
      'conformance-drift-parameter-schema 1',
      'conformance-drift-response-body-schema 2',
      'conformance-drift-undocumented-parameter 2',
      'conformance-drift-undocumented-status 1',
    ]);
    const exposure = out.findings.find((f) => f.ruleId === 'conformance-drift-response-body-schema')!;
    expect(exposure).toMatchObject({ owasp: 'API3:2023', cwe: 'CWE-213' });
    expect(exposure.evidence.summary).toContain('response body /*/secret (additionalProperties) ×2');
  });

  it('request drift the API rejected (4xx) is kept as drift but is not a finding', () => {
    const stage = stageWith();
    stage.analyse(post, ...analysed('POST', `https://${HOST}/v1/items`, { request: { body: json({ id: 'x' }) }, response: { status: 400 } }));
    const out = stage.collect(at(T0));
    expect(out.drift).toEqual([expect.objectContaining({ kind: 'request-body-schema', field: '/id', count: 1, accepted: 0 })]);
    expect(out.findings.filter((f) => f.ruleId.startsWith('conformance-drift'))).toEqual([]);
    stage.analyse(post, ...analysed('POST', `https://${HOST}/v1/items`, { request: { body: json({ id: 'y' }) }, response: { status: 201 } }));
    expect(stage.collect(at(T0)).findings.map((f) => [f.ruleId, f.count])).toEqual([['conformance-drift-request-body-schema', 1]]);
  });

  it('redaction placeholders never count as schema violations, whole or inside a value', () => {
    const stage = stageWith();
    const ph = '[REDACTED:email:0123456789abcdef]';
    // email format, maxLength 12 and integer type would all fail on the placeholder text itself.
    stage.analyse(get, ...analysed('GET', `https://${HOST}/v1/items/${encodeURIComponent('[REDACTED:pan:0123456789abcdef]')}`, { response: { status: 200, body: json({ id: 1, email: ph, note: `to ${ph}` }) } }));
    stage.analyse(list, ...analysed('GET', `https://${HOST}/v1/items?limit=${encodeURIComponent(ph)}`, { response: { status: 200, body: json([{ id: '[REDACTED:pan:0123456789abcdef]' }]) } }));
    expect(stage.collect(at(T0)).drift).toEqual([]);
    // The same fields with plain values do fail: the test can fail.
    stage.analyse(get, ...analysed('GET', `https://${HOST}/v1/items/7`, { response: { status: 200, body: json({ id: 1, email: 'not-an-email', note: 'much too long for twelve' }) } }));
    expect(stage.collect(at(T0)).drift.map((d) => d.field)).toEqual(['/email']);
  });

  it('bounded memory: at most maxDriftPerOperation items per operation (the rest counted as dropped), samplesPerItem samples each', () => {
    const stage = stageWith({ maxDriftPerOperation: 5, samplesPerItem: 2 });
    for (let i = 0; i < 40; i++) stage.analyse(list, ...analysed('GET', `https://${HOST}/v1/items?p${i}=1&same=${i}`, { response: { status: 200, body: json([]) } }, T0 + i));
    const out = stage.collect(at(T0));
    expect(out.drift).toHaveLength(5);
    // p0..p3 and 'same' are kept; p4..p39 are dropped.
    expect(stage.stats()).toMatchObject({ driftItems: 5, driftDropped: 36 });
    const same = out.drift.find((d) => d.field === 'same')!;
    expect(same.count).toBe(40);
    // The first two, then the 2^k-th occurrences replace the oldest: the 16th and 32nd calls (values 15 and 31).
    expect(same.samples.map((s) => s.value)).toEqual(['"15"', '"31"']);
  });

  it('a new version clears drift: its drift findings resolve and the store is told to drop the old items', () => {
    const stage = stageWith();
    stage.analyse(list, ...analysed('GET', `https://${HOST}/v1/items?debug=1`, { response: { status: 200, body: json([]) } }));
    const f = stage.collect(at(T0)).findings.find((x) => x.ruleId === 'conformance-drift-undocumented-parameter')!;
    stage.setSpecs([spec(2)]);
    const out = stage.collect(at(T0));
    expect(out.clearDrift).toEqual(['spec_shop']);
    expect(out.findings.filter((x) => x.id === f.id)).toEqual([expect.objectContaining({ status: 'resolved', count: 0 })]);
  });
});

describe('conformance stage: restarts and renames', () => {
  it('resumes from stored rows without counting or reporting again', () => {
    const stage = stageWith();
    const shadow = ep('GET', '/v1/internal/export');
    stage.observe(shadow, '/v1/internal/export', T0);
    stage.observe(ep('DELETE', '/v1/items/{id}'), '/v1/items/1', T0);
    stage.analyse(ep('GET', '/v1/items'), ...analysed('GET', `https://${HOST}/v1/items?debug=1`, { response: { status: 200, body: json([]) } }));
    const first = stage.collect(at(T0));
    const snapshot: ConformanceSnapshot = { specs: first.specs, operations: first.operations, drift: first.drift, shadow: first.shadow };

    const again = createConformanceStage(OPTS);
    again.load(snapshot);
    again.setSpecs([spec()]);
    const quiet = again.collect(at(T0));
    expect(quiet.findings).toEqual([]);
    again.observe(shadow, '/v1/internal/export', T0 + 1);
    const next = again.collect(at(T0));
    expect(next.shadow[0]!.calls).toBe(2);
    expect(next.findings.map((f) => [f.ruleId, f.count])).toEqual([['conformance-shadow-endpoint', 1]]);
  });

  it('a shadow endpoint merged into a new template follows it and is reported again under the new id', () => {
    const stage = stageWith();
    const a = ep('GET', '/v1/internal/export');
    stage.observe(a, '/v1/internal/export', T0);
    stage.collect(at(T0));
    const b = ep('GET', '/v1/internal/{name}');
    const oldId = endpointId(HOST, 'GET', a.template);
    const newId = endpointId(HOST, 'GET', b.template);
    stage.renamed(new Map([[oldId, newId]]), new Map([[newId, b]]));
    const out = stage.collect(at(T0));
    expect(out.shadow).toEqual([expect.objectContaining({ endpointId: newId, calls: 1, pathTemplate: '/v1/internal/{name}' })]);
    expect(out.findings.map((f) => [f.ruleId, f.endpointId, f.count])).toEqual([['conformance-shadow-endpoint', newId, 1]]);
  });
});
