import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, requireBuiltCli, runBuiltCli, type Run } from './fixtures/built-cli.js';

/**
 * `bulwark owners export | apply | test` as a user runs them: the built command on a rules file in a
 * checkout-like directory, with traffic ingested into the same data directory, judged by exit code and output.
 */

const RULES = `version: 1
applications:
  - id: shop
    name: Shop
    team: commerce
    contacts: [shop-team@example.com]
    criticality: critical
    dataTags: [pci]
  - id: ops
    name: Ops
rules:
  - id: shop-orders
    application: shop
    match: { host: orders.example.com, pathPrefix: /v2 }
`;

const event = (i: number, host: string, path: string) =>
  JSON.stringify({
    timestamp: `2026-03-02T09:00:${String(i).padStart(2, '0')}Z`,
    request: { method: 'GET', url: `https://${host}${path}`, headers: { authorization: 'Bearer cli-owners-secret-0001' }, clientAddress: '10.0.0.7' },
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' },
  });
const TRAFFIC = [
  ...[1001, 1002, 1003, 1004, 1005, 1006].map((n, i) => event(i, 'orders.example.com', `/v2/orders/${n}`)),
  event(10, 'status.example.com', '/healthz'),
  event(11, 'status.example.com', '/healthz'),
].join('\n');

const tempDirs: string[] = [];
let repo: string;
let data: string;

const bulwark = (...args: string[]): Promise<Run> => runBuiltCli(['--data-dir', data, ...args], repo);
async function ok(...args: string[]): Promise<Run> {
  const r = await bulwark(...args);
  expect(r.code, `bulwark ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return r;
}
const RUNTIME_WARNING = /FSTDEP|trace-warnings/;

beforeAll(() => {
  requireBuiltCli();
  repo = mkdtempSync(path.join(tmpdir(), 'bulwark-owners-repo-'));
  data = mkdtempSync(path.join(tmpdir(), 'bulwark-owners-data-'));
  tempDirs.push(repo, data);
  writeFileSync(path.join(repo, 'owners.yaml'), RULES);
  writeFileSync(path.join(repo, 'traffic.ndjson'), TRAFFIC);
});

afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

describe('bulwark owners', () => {
  it('applies a rules file (dry run first), tests endpoints against it, and keeps unowned endpoints as findings', async () => {
    const dry = await ok('owners', 'apply', 'owners.yaml', '--dry-run');
    expect(dry.stdout).toContain('Dry run of owners.yaml: nothing was changed.');
    expect(dry.stdout).toContain('Applications: 2 added (shop, ops), 0 changed, 0 removed');
    expect(dry.stdout).toContain('Rules: 1 added (shop-orders), 0 changed, 0 removed');
    expect((await ok('owners', 'export')).stdout).toContain('applications: []');

    const applied = await ok('owners', 'apply', 'owners.yaml');
    expect(applied.stdout).toContain('Applied owners.yaml.');
    expect(applied.stdout).toContain('Endpoints that changed owner: 0');

    // Traffic after the rules: the flush assigns owners and reports the endpoint no rule claims.
    await ok('ingest', 'traffic.ndjson');
    const unowned = JSON.parse((await ok('findings', '--rule', 'ownership-unowned-endpoint', '--json')).stdout) as { items: { host: string; pathTemplate: string; severity: string; endpointId: string }[] };
    expect(unowned.items.map((f) => [f.host, f.pathTemplate, f.severity])).toEqual([['status.example.com', '/healthz', 'low']]);
    const healthz = unowned.items[0]!.endpointId;

    const shop = await ok('owners', 'test', '--host', 'orders.example.com', '--path', '/v2/orders/77');
    expect(shop.stdout).toContain('Owner: Shop (shop), team commerce, criticality critical');
    expect(shop.stdout).toContain('Matched by rule 1 shop-orders: path /v2/orders/77 is under /v2');
    const none = await ok('owners', 'test', '--endpoint', healthz);
    expect(none.stdout).toContain(`GET status.example.com /healthz (endpoint ${healthz})`);
    expect(none.stdout).toContain('rule 1 shop-orders (shop): host status.example.com is not orders.example.com');
    expect(none.stdout).toContain('Unowned: no rule matches (1 rule tried).');
    const json = JSON.parse((await ok('owners', 'test', '--endpoint', healthz, '--json')).stdout) as { matched: unknown; tried: unknown[] };
    expect(json).toMatchObject({ matched: null, tried: [{ index: 0, ruleId: 'shop-orders', matched: false }] });

    // The shop's criticality is in its endpoints' risk.
    const inventory = JSON.parse((await ok('inventory', '--json', '--host', 'orders.example.com')).stdout) as { items: { id: string }[] };
    const detail = JSON.parse((await ok('endpoint', inventory.items[0]!.id, '--json')).stdout) as { endpoint: { applicationId: string; risk: { factors: { id: string; detail?: string }[] } } };
    expect(detail.endpoint.applicationId).toBe('shop');
    expect(detail.endpoint.risk.factors).toContainEqual(expect.objectContaining({ id: 'business-criticality', detail: 'Shop: critical' }));

    // A rule for the status host: the endpoint changes owner and its finding resolves.
    writeFileSync(
      path.join(repo, 'owners.yaml'),
      `${RULES}  - id: ops-status\n    application: ops\n    match: { host: status.example.com }\n    note: health checks\n`,
    );
    const second = await ok('owners', 'apply', 'owners.yaml');
    expect(second.stdout).toContain('Rules: 1 added (ops-status), 0 changed, 0 removed');
    expect(second.stdout).toContain('Endpoints that changed owner: 1');
    const open = JSON.parse((await ok('findings', '--rule', 'ownership-unowned-endpoint', '--json')).stdout) as { items: { status: string }[] };
    expect(open.items.map((f) => f.status)).toEqual(['resolved']);

    // Export writes what apply reads: applying the export changes nothing.
    const exported = await ok('owners', 'export', '--out', 'exported.yaml');
    expect(exported.stdout).toBe('Wrote 2 applications and 2 rules to exported.yaml.\n');
    expect(readFileSync(path.join(repo, 'exported.yaml'), 'utf8')).toContain('note: health checks');
    const again = await ok('owners', 'apply', 'exported.yaml', '--dry-run', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({
      applications: { added: [], changed: [], removed: [] },
      rules: { added: [], changed: [], removed: [], reordered: false },
      endpointsReassigned: 0,
      applied: false,
    });
    // Some twenty runs of the command, each opening the store: more than the default test time on a busy machine.
  }, 120_000);

  it('reports a bad rules file with its line and field, a missing one, and a test without a subject, each in one line', async () => {
    writeFileSync(path.join(repo, 'bad.yaml'), RULES.replace('{ host: orders.example.com, pathPrefix: /v2 }', '{ specTag: orders, pathPrefix: /v2 }'));
    expectOneLineError(await bulwark('owners', 'apply', 'bad.yaml'), 2, /^bulwark: rules file bad\.yaml:14:43: rules\.0\.match\.pathPrefix: pathPrefix goes with host only$/, RUNTIME_WARNING);
    writeFileSync(path.join(repo, 'bad2.yaml'), RULES.replace('criticality: critical', 'criticality: urgent'));
    expectOneLineError(await bulwark('owners', 'apply', 'bad2.yaml', '--dry-run'), 2, /bad2\.yaml:7:18: applications\.0\.criticality/, RUNTIME_WARNING);
    expectOneLineError(await bulwark('owners', 'apply', 'missing.yaml'), 4, /rules file missing\.yaml not found/, RUNTIME_WARNING);
    expectOneLineError(await bulwark('owners', 'test', '--host', 'a.example'), 2, /give --host and --path/, RUNTIME_WARNING);
    expectOneLineError(await bulwark('owners', 'test', '--endpoint', 'nope'), 4, /endpoint nope not found/, RUNTIME_WARNING);
  });
});
