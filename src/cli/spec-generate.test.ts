import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, requireBuiltCli, runBuiltCli, type Run } from './fixtures/built-cli.js';
import { writeDemoNdjson } from '../demo/estate.js';
import { PLANTED } from '../pipeline/fixtures/planted-traffic.js';
import { oas31Errors } from '../spec/generate/fixtures/oas31-schema.js';
import { GENERATE_HOST, generateFixtureEvents } from '../spec/generate/fixtures/traffic.js';

/**
 * `bulwark spec generate` as a user runs it: the built command on a data directory filled by `bulwark
 * ingest` (demo traffic and planted values), writing a review file, applying an edited one, judged by
 * exit code, stdout, stderr and the files written.
 */

type Json = Record<string, any>;
const RUNTIME_WARNING = /FSTDEP|trace-warnings/;

let repo: string;
let data: string;

function bulwark(args: string[]): Promise<Run> {
  return runBuiltCli(['--data-dir', data, ...args], repo);
}

async function ok(args: string[]): Promise<Run> {
  const r = await bulwark(args);
  expect(r.code, `bulwark ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return r;
}

beforeAll(async () => {
  requireBuiltCli();
  repo = mkdtempSync(path.join(tmpdir(), 'bulwark-spec-generate-cli-'));
  data = path.join(repo, '.bulwark');
  await writeDemoNdjson(path.join(repo, 'demo.ndjson'), { events: 3000, seed: 5 });
  writeFileSync(path.join(repo, 'shop.ndjson'), generateFixtureEvents().map((e) => JSON.stringify(e)).join('\n') + '\n');
  await ok(['ingest', 'demo.ndjson', 'shop.ndjson']);
}, 60_000);

afterAll(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
});

describe('bulwark spec generate', () => {
  it('prints a valid OpenAPI 3.1 YAML document of the whole inventory, with no planted value in it', async () => {
    const r = await ok(['spec', 'generate']);
    const doc = parseYaml(r.stdout) as Json;
    expect(oas31Errors(doc)).toEqual([]);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).length).toBeGreaterThan(20);
    for (const v of [PLANTED.bodyEmail, PLANTED.password, PLANTED.card, PLANTED.apiKeyHeader, PLANTED.apiKeyQuery, PLANTED.jwt, PLANTED.sessionCookie]) expect(r.stdout).not.toContain(v);
    expect(r.stdout).not.toContain('REDACTED');
    expect(r.stderr.split('\n').filter((l) => l && !RUNTIME_WARNING.test(l))).toEqual([]);
  });

  it('writes JSON for an --output ending in .json, filtered by host, and says what it wrote', async () => {
    const r = await ok(['spec', 'generate', '--host', GENERATE_HOST, '--output', 'openapi.json']);
    expect(r.stdout).toBe(`Wrote OpenAPI 3.1 (json) to openapi.json: 3 operations on 3 paths from 3 endpoints (0 skipped, 0 merged, 0 added by splits).\n`);
    const doc = JSON.parse(readFileSync(path.join(repo, 'openapi.json'), 'utf8')) as Json;
    expect(oas31Errors(doc)).toEqual([]);
    expect(doc.servers).toEqual([{ url: `https://${GENERATE_HOST}` }]);
  });

  it('writes a review file, applies the reviewed one, and keeps decisions when the review is written again', async () => {
    const w = await ok(['spec', 'generate', '--host', GENERATE_HOST, '--write-review', 'spec-review.yaml']);
    expect(w.stdout).toBe('Wrote a review of 3 endpoints to spec-review.yaml. Edit it, then: bulwark spec generate --review spec-review.yaml\n');
    const file = path.join(repo, 'spec-review.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# Bulwark spec review/);
    const review = parseYaml(text) as { version: number; endpoints: Json[] };
    expect(review.version).toBe(1);
    const [post, latest, byId] = review.endpoints as [Json, Json, Json];
    const param = /^\/v1\/items\/\{([^}]+)\}$/.exec(byId.template)?.[1];
    expect(param, byId.template).toBeDefined();
    expect(review.endpoints.map((e) => [e.method, e.template, e.action])).toEqual([
      ['POST', '/v1/items', 'accept'],
      ['GET', '/v1/items/latest', 'accept'],
      ['GET', byId.template, 'accept'],
    ]);
    // What a reviewer does in an editor: skip one, rename and merge.
    const edited = text
      .replace(`template: ${byId.template}\n    calls: ${byId.calls}\n    confidence: ${byId.confidence}\n    action: accept`, `template: ${byId.template}\n    calls: ${byId.calls}\n    confidence: ${byId.confidence}\n    action: accept\n    rename: { ${param}: itemKey }`)
      .replace(`template: /v1/items/latest\n    calls: ${latest.calls}\n    confidence: ${latest.confidence}\n    action: accept`, `template: /v1/items/latest\n    calls: ${latest.calls}\n    confidence: ${latest.confidence}\n    action: accept\n    mergeInto: ${byId.id}`)
      .replace(`id: ${post.id}\n    method: POST\n    host: ${GENERATE_HOST}\n    template: /v1/items\n    calls: ${post.calls}\n    confidence: ${post.confidence}\n    action: accept`, `id: ${post.id}\n    method: POST\n    host: ${GENERATE_HOST}\n    template: /v1/items\n    calls: ${post.calls}\n    confidence: ${post.confidence}\n    action: skip`)
      .replace('version: 1\n', 'version: 1\ninfo: { title: Items API, version: 2.0.0 }\n');
    expect(edited).not.toBe(text);
    writeFileSync(file, edited);

    const g = await ok(['spec', 'generate', '--host', GENERATE_HOST, '--review', 'spec-review.yaml', '--output', 'openapi.yaml']);
    expect(g.stdout).toBe('Wrote OpenAPI 3.1 (yaml) to openapi.yaml: 1 operation on 1 path from 3 endpoints (1 skipped, 1 merged, 0 added by splits).\n');
    const doc = parseYaml(readFileSync(path.join(repo, 'openapi.yaml'), 'utf8')) as Json;
    expect(oas31Errors(doc)).toEqual([]);
    expect(doc.info).toMatchObject({ title: 'Items API', version: '2.0.0' });
    expect(Object.keys(doc.paths)).toEqual(['/v1/items/{itemKey}']);
    expect(doc.paths['/v1/items/{itemKey}'].get['x-bulwark'].endpoints).toEqual([byId.id, latest.id]);

    // A refreshed review (here: all hosts) keeps the reviewer's decisions and adds the other endpoints.
    const again = await ok(['spec', 'generate', '--review', 'spec-review.yaml', '--write-review', 'spec-review.yaml']);
    expect(again.stdout).toMatch(/^Wrote a review of \d+ endpoints to spec-review\.yaml \(3 decisions of spec-review\.yaml kept\)\. /);
    const refreshed = parseYaml(readFileSync(file, 'utf8')) as { info: Json; endpoints: Json[] };
    expect(refreshed.info).toEqual({ title: 'Items API', version: '2.0.0' });
    expect(refreshed.endpoints.find((e) => e.id === byId.id)).toMatchObject({ rename: { [param!]: 'itemKey' } });
    expect(refreshed.endpoints.find((e) => e.id === latest.id)).toMatchObject({ mergeInto: byId.id });
    expect(refreshed.endpoints.find((e) => e.id === post.id)).toMatchObject({ action: 'skip' });
    expect(refreshed.endpoints.length).toBeGreaterThan(20);
  });

  it('warns on standard error about decisions for endpoints that are gone', async () => {
    writeFileSync(path.join(repo, 'stale.yaml'), 'version: 1\nendpoints:\n  - { id: 0123456789abcdef, method: GET, template: /gone, action: skip }\n');
    const r = await ok(['spec', 'generate', '--host', GENERATE_HOST, '--review', 'stale.yaml', '--output', 'stale-out.yaml']);
    expect(r.stderr.split('\n').filter((l) => l && !RUNTIME_WARNING.test(l))).toEqual([
      'bulwark: warning: the review names endpoint 0123456789abcdef (GET /gone), which is not in the selection: its decision is ignored',
    ]);
  });

  it('fails with one line and exit 2 for decisions that contradict the inventory, naming the problem', async () => {
    const review = parseYaml(readFileSync(path.join(repo, 'spec-review.yaml'), 'utf8')) as { endpoints: Json[] };
    const byId = review.endpoints.find((e) => /^\/v1\/items\/\{[^}]+\}$/.test(e.template))!;
    const param = /\{([^}]+)\}/.exec(byId.template)![1]!;
    writeFileSync(path.join(repo, 'bad.yaml'), `version: 1\nendpoints:\n  - id: ${byId.id}\n    rename: { nope: itemKey }\n`);
    const r = await bulwark(['spec', 'generate', '--review', 'bad.yaml']);
    expectOneLineError(r, 2, /^bulwark: review: 1 problem: endpoint [0-9a-f]{16} \(GET shop\.generate\.example\/v1\/items\/\{[^}]+\}\): rename: no path parameter "nope" /, RUNTIME_WARNING);
    expect(r.stderr).toContain(`(it has "${param}")`);
  });

  it('fails with exit 2 and the line for an invalid review file, exit 4 for a missing one', async () => {
    writeFileSync(path.join(repo, 'broken.yaml'), 'version: 1\nendpoints:\n  - id: 0123456789abcdef\n    action: maybe\n');
    expectOneLineError(await bulwark(['spec', 'generate', '--review', 'broken.yaml']), 2, /^bulwark: review file broken\.yaml:4:13: endpoints\.0\.action: /, RUNTIME_WARNING);
    writeFileSync(path.join(repo, 'not-yaml.yaml'), 'version: 1\nendpoints: [\n');
    expectOneLineError(await bulwark(['spec', 'generate', '--review', 'not-yaml.yaml']), 2, /^bulwark: review file not-yaml\.yaml:\d+:\d+: not valid YAML/, RUNTIME_WARNING);
    expectOneLineError(await bulwark(['spec', 'generate', '--review', 'missing.yaml']), 4, /^bulwark: review file missing\.yaml not found$/, RUNTIME_WARNING);
    const usage = await bulwark(['spec', 'generate', '--format', 'xml']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/option '--format <format>' argument 'xml' is invalid/);
  });
});
