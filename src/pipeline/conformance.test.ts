import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBulwark, type Bulwark } from '../app/context.js';
import { loadConfig } from '../config/config.js';
import type { ApiEvent } from '../contracts/api-event.js';
import { DEFAULT_LIMITS, normalizeEvent } from '../normalize/index.js';
import { createSpecRegistry, LOCAL_OPERATOR } from '../spec/registry.js';
import { systemClock } from '../util/clock.js';
import { createLogger } from '../util/logger.js';
import type { IngestRecord } from './pipeline.js';

/**
 * Conformance end to end: a spec imported through the registry, traffic through the real pipeline
 * (normalize, redact, discover, conformance), rows, coverage and findings read back from the store.
 */

const SPEC = `openapi: 3.0.3
info: { title: Shop API, version: "1" }
servers:
  - url: https://api.shop.test/v1
paths:
  /orders:
    get:
      parameters:
        - { name: limit, in: query, schema: { type: integer, maximum: 50 } }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: { $ref: '#/components/schemas/Order' }
  /orders/{orderId}:
    get:
      parameters:
        - { name: orderId, in: path, required: true, schema: { type: integer } }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Order' }
  /legacy/orders:
    get:
      deprecated: true
      responses: { '200': { description: ok } }
  /reports:
    get:
      responses: { '200': { description: ok } }
components:
  schemas:
    Order:
      type: object
      additionalProperties: false
      required: [id]
      properties:
        id: { type: integer }
        contact: { type: string, format: email }
        total: { type: number }
`;

let tmp: string;
let b: Bulwark;
beforeEach(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-conformance-'));
  b = await openBulwark(loadConfig({ env: { BULWARK_DATA_DIR: tmp } }), createLogger('silent'), {});
});
afterEach(async () => {
  await b.close();
  rmSync(tmp, { recursive: true, force: true });
});

let clock = Date.parse('2026-11-20T10:00:00.000Z');
function call(method: string, url: string, status: number, json?: unknown): IngestRecord {
  const res: Record<string, unknown> = { status, headers: { 'content-type': 'application/json' } };
  if (json !== undefined) res.body = { contentType: 'application/json', text: JSON.stringify(json) };
  const r = normalizeEvent(
    { timestamp: new Date((clock += 1000)).toISOString(), request: { method, url, headers: { accept: 'application/json' }, clientAddress: '198.51.100.7' }, response: res, latencyMs: 5 },
    { source: 'ndjson', limits: DEFAULT_LIMITS },
  );
  if (!r.ok) throw new Error(r.reject.reason);
  return { kind: 'event', event: r.event as ApiEvent };
}

async function importSpec(text = SPEC) {
  const registry = createSpecRegistry({ store: b.store, audit: b.identity.audit, clock: systemClock });
  return (await registry.importSpec(LOCAL_OPERATOR, { text, fileName: 'shop.yaml' })).spec;
}

describe('conformance through the pipeline', () => {
  it('counts operations and shadow endpoints, reports zombie, orphan and drift, and marks endpoint coverage', async () => {
    const spec = await importSpec();
    const traffic: IngestRecord[] = [];
    for (let i = 1; i <= 30; i++) traffic.push(call('GET', `https://api.shop.test/v1/orders/${i}`, 200, { id: i, contact: `buyer${i}@example.com`, total: 9.5 }));
    for (let i = 0; i < 12; i++) traffic.push(call('GET', 'https://api.shop.test/v1/orders?limit=10&debug=1', 200, [{ id: 1, internalNote: 'x' }]));
    for (let i = 0; i < 5; i++) traffic.push(call('GET', 'https://api.shop.test/v1/legacy/orders', 200));
    for (let i = 0; i < 7; i++) traffic.push(call('GET', 'https://api.shop.test/v1/admin/export', 200));
    traffic.push(call('GET', 'https://other.test/ping', 200));
    // The spec is imported after the pipeline opened: `ingest` loads it first.
    const report = await b.pipeline.ingest(traffic);
    expect(report.accepted).toBe(traffic.length);

    const rows = await b.store.specConformance(spec.id, { hosts: spec.hosts, limit: 100 });
    expect(rows.spec).toMatchObject({ version: 1, firstEvent: expect.any(String), lastEvent: expect.any(String) });
    const calls = Object.fromEntries(rows.operations.map((o) => [`${o.method} ${o.path}`, o.calls]));
    expect(calls).toEqual({ 'GET /orders': 12, 'GET /orders/{orderId}': 30, 'GET /legacy/orders': 5, 'GET /reports': 0 });
    expect(rows.shadow.map((s) => [s.method, s.pathTemplate, s.calls])).toEqual([['GET', '/v1/admin/export', 7]]);
    const drift = rows.drift.map((d) => `${d.kind} ${d.location} ${d.field}`).sort();
    // The e-mail address was redacted to a placeholder: its `format: email` is not judged.
    expect(drift).toEqual(['response-body-schema response body /*/internalNote', 'undocumented-parameter query debug']);

    // Every endpoint says how the specs see it: the discovered templates are the spec's.
    const byPath = Object.fromEntries((await b.store.listEndpoints({ limit: 100 })).items.map((e) => [`${e.host}${e.pathTemplate}`, e.coverage]));
    expect(byPath['api.shop.test/v1/orders/{orderId}']).toMatchObject({ status: 'documented', specName: 'Shop API', version: 1, operation: { method: 'GET', path: '/orders/{orderId}' } });
    expect(byPath['api.shop.test/v1/legacy/orders']).toMatchObject({ status: 'documented', operation: { deprecated: true } });
    expect(byPath['api.shop.test/v1/admin/export']).toMatchObject({ status: 'shadow', specId: spec.id, operation: null });
    expect(byPath['other.test/ping']).toBeNull();
    expect((await b.store.listEndpoints({ coverage: 'shadow' })).items.map((e) => e.pathTemplate)).toEqual(['/v1/admin/export']);
    expect((await b.store.listEndpoints({ documented: true })).total).toBe(3);

    const findings = (await b.store.listFindings({ limit: 500, search: '' })).items.filter((f) => f.ruleId.startsWith('conformance-'));
    const summary = Object.fromEntries(findings.map((f) => [`${f.ruleId} ${f.method} ${f.pathTemplate}`, f.count]));
    expect(summary).toEqual({
      'conformance-shadow-endpoint GET /v1/admin/export': 7,
      'conformance-zombie-operation GET /v1/legacy/orders': 5,
      'conformance-orphan-operation GET /v1/reports': 1,
      'conformance-drift-undocumented-parameter GET /v1/orders': 12,
      'conformance-drift-response-body-schema GET /v1/orders': 12,
    });
    expect(findings.find((f) => f.ruleId === 'conformance-orphan-operation')).toMatchObject({ endpointId: null, host: 'api.shop.test', owasp: 'API9:2023' });

    // More of the same traffic: counts grow, the same findings count up instead of repeating.
    await b.pipeline.ingest([call('GET', 'https://api.shop.test/v1/admin/export', 200), call('GET', 'https://api.shop.test/v1/reports', 200)]);
    const again = (await b.store.listFindings({ limit: 500 })).items.filter((f) => f.ruleId.startsWith('conformance-'));
    expect(again.find((f) => f.ruleId === 'conformance-shadow-endpoint')).toMatchObject({ count: 8, status: 'open' });
    expect(again.find((f) => f.ruleId === 'conformance-orphan-operation')).toMatchObject({ status: 'resolved' });
    expect(again).toHaveLength(findings.length);
  });

  it('resumes after a restart, and follows a new spec version (the shadow endpoint it documents stops being shadow)', async () => {
    const spec = await importSpec();
    await b.pipeline.ingest([call('GET', 'https://api.shop.test/v1/admin/export', 200), call('GET', 'https://api.shop.test/v1/orders/1', 200, { id: 1 })]);
    await b.close();
    b = await openBulwark(loadConfig({ env: { BULWARK_DATA_DIR: tmp } }), createLogger('silent'), {});
    await b.pipeline.ingest([call('GET', 'https://api.shop.test/v1/orders/2', 200, { id: 2 })]);
    let rows = await b.store.specConformance(spec.id, { hosts: spec.hosts, limit: 100 });
    expect(rows.operations.find((o) => o.path === '/orders/{orderId}')?.calls).toBe(2);
    expect(rows.shadow.map((s) => s.calls)).toEqual([1]);

    const registry = createSpecRegistry({ store: b.store, audit: b.identity.audit, clock: systemClock });
    await registry.importSpec(LOCAL_OPERATOR, { specId: spec.id, text: SPEC.replace('  /reports:', '  /admin/export:\n    get:\n      responses: { \'200\': { description: ok } }\n  /reports:') });
    await b.pipeline.ingest([]);
    rows = await b.store.specConformance(spec.id, { hosts: spec.hosts, limit: 100 });
    expect(rows.spec?.version).toBe(2);
    expect(rows.shadow).toEqual([]);
    expect(rows.operations.find((o) => o.path === '/admin/export')).toMatchObject({ calls: 0 });
    const shadowFinding = (await b.store.listFindings({ ruleId: 'conformance-shadow-endpoint' })).items;
    expect(shadowFinding).toEqual([expect.objectContaining({ status: 'resolved' })]);
    const exportEndpoint = (await b.store.listEndpoints({ search: 'admin' })).items[0]!;
    expect(exportEndpoint.coverage).toMatchObject({ status: 'documented', version: 2 });
  });

  it('a deleted spec takes its conformance along; its hosts go back to unknown', async () => {
    const spec = await importSpec();
    await b.pipeline.ingest([call('GET', 'https://api.shop.test/v1/admin/export', 200)]);
    const registry = createSpecRegistry({ store: b.store, audit: b.identity.audit, clock: systemClock });
    await registry.deleteSpec(LOCAL_OPERATOR, spec.id);
    await b.pipeline.ingest([call('GET', 'https://api.shop.test/v1/admin/export', 200)]);
    expect(await b.store.loadConformance()).toEqual({ specs: [], operations: [], drift: [], shadow: [] });
    expect((await b.store.listEndpoints({})).items.map((e) => e.coverage)).toEqual([null]);
    expect(b.pipeline.conformanceStats()).toMatchObject({ specs: 0, operations: 0, shadowEndpoints: 0 });
  });
});
