import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, requireBuiltCli, ROOT, runBuiltCli, type Run } from './fixtures/built-cli.js';
import { loadConfig } from '../config/config.js';
import type { Spec } from '../contracts/spec-registry.js';
import type { SpecImportResult } from '../spec/registry.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import type { Page } from '../store/store.js';

/**
 * `bulwark spec import` and `bulwark spec list` as a user runs them: the built command (`node
 * bin/bulwark.js`, from `dist/`) in a checkout-like directory of real spec files, with a temp data
 * directory, judged by exit code, stdout, stderr and what the store then holds.
 */

const CLI_FIXTURES = path.join(import.meta.dirname, 'fixtures', 'spec-audit');
const SPEC_FIXTURES = path.join(ROOT, 'src', 'spec', 'fixtures');


const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), `bulwark-spec-import-${prefix}-`));
  tempDirs.push(d);
  return d;
}

let repo: string;

function bulwark(args: string[]): Promise<Run> {
  return runBuiltCli(args, repo);
}

async function ok(args: string[]): Promise<Run> {
  const r = await bulwark(args);
  expect(r.code, `bulwark ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return r;
}

/** Node's deprecation warnings are not Bulwark's output. */
const RUNTIME_WARNING = /FSTDEP|trace-warnings/;

beforeAll(() => {
  requireBuiltCli();
  repo = tempDir('repo');
  mkdirSync(path.join(repo, 'specs'));
  for (const f of ['shop-insecure.yaml', 'shop-secure.yaml', 'broken.yaml', 'not-a-spec.json']) copyFileSync(path.join(CLI_FIXTURES, f), path.join(repo, 'specs', f));
  cpSync(path.join(SPEC_FIXTURES, 'multi'), path.join(repo, 'multi'), { recursive: true });
});

afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

describe('bulwark spec import', () => {
  it('imports a file as a new spec, prints its score, hosts and id, and keeps it in the data directory', async () => {
    const data = tempDir('data');
    const r = await ok(['--data-dir', data, 'spec', 'import', 'specs/shop-insecure.yaml']);
    const id = /of spec (spec_[0-9a-f]{16}) /.exec(r.stdout)?.[1];
    expect(id, r.stdout).toBeDefined();
    expect(r.stdout).toContain(`Imported specs/shop-insecure.yaml as version 1 of spec ${id} "Northwind Shop API" (OpenAPI 3.0.3, `);
    expect(r.stdout).toMatch(/^Score \d+(\.\d)?\/100 \(security [\d.]+\/70, data validation [\d.]+\/30\); findings: \d+ (critical|high)/m);
    expect(r.stdout).toContain('Hosts: api.northwind.example (from servers); application: none.');
    expect(r.stdout).toContain(`bulwark spec import <file> --spec-id ${id}`);

    const store = createSqliteStore({ path: loadConfig({ env: { BULWARK_DATA_DIR: data } }).store.path! });
    await store.init();
    try {
      const spec = await store.getSpec(id!);
      expect(spec).toMatchObject({ name: 'Northwind Shop API', latestVersion: 1, latest: { source: 'shop-insecure.yaml', createdBy: { kind: 'system', id: 'cli' } } });
      expect((await store.getSpecVersion(id!, 1))?.text).toBe(readFileSync(path.join(repo, 'specs', 'shop-insecure.yaml'), 'utf8'));
      expect((await store.listAudit({ action: 'spec.import' })).items).toMatchObject([{ actor: { kind: 'system', id: 'cli' }, target: { type: 'spec', id } }]);
    } finally {
      await store.close();
    }
  });

  it('adds versions with --spec-id: the same text adds none, a changed one is the next version', async () => {
    const data = tempDir('versions');
    const first = JSON.parse((await ok(['--data-dir', data, 'spec', 'import', 'specs/shop-insecure.yaml', '--json'])).stdout) as SpecImportResult;
    expect(first).toMatchObject({ created: true, version: { version: 1, dialect: 'openapi-3.0' }, spec: { hosts: ['api.northwind.example'] } });

    const same = await ok(['--data-dir', data, 'spec', 'import', 'specs/shop-insecure.yaml', '--spec-id', first.spec.id]);
    expect(same.stdout).toContain(`Unchanged: specs/shop-insecure.yaml is version 1 of spec ${first.spec.id} "Northwind Shop API" already; no version added.`);

    const next = JSON.parse(
      (await ok(['--data-dir', data, 'spec', 'import', 'specs/shop-secure.yaml', '--spec-id', first.spec.id, '--name', 'Northwind', '--host', 'API.Northwind.example', 'shop.northwind.example', '--json'])).stdout,
    ) as SpecImportResult;
    expect(next).toMatchObject({ created: true, version: { version: 2, source: 'shop-secure.yaml' }, spec: { name: 'Northwind', hosts: ['api.northwind.example', 'shop.northwind.example'], hostsSource: 'manual', latestVersion: 2 } });
    // The secure file scores better than the insecure one.
    expect(next.version.score.total).toBeGreaterThan(first.version.score.total);
  });

  it('follows $refs to files in the spec\'s own directory', async () => {
    const data = tempDir('multi');
    const r = JSON.parse((await ok(['--data-dir', data, 'spec', 'import', 'multi/api.yaml', '--json'])).stdout) as SpecImportResult;
    expect(r).toMatchObject({ created: true, spec: { name: 'Multi-file' }, version: { title: 'Multi-file', source: 'api.yaml' } });
    expect(r.version.operations).toBeGreaterThan(1);
  });

  it('answers a bad spec with one line naming file, line and column, exit 2, and stores nothing', async () => {
    const data = tempDir('bad');
    expectOneLineError(await bulwark(['--data-dir', data, 'spec', 'import', 'specs/broken.yaml']), 2, /^bulwark: invalid YAML at specs\/broken\.yaml:\d+:\d+: /, RUNTIME_WARNING);
    expectOneLineError(await bulwark(['--data-dir', data, 'spec', 'import', 'specs/not-a-spec.json']), 2, /specs\/not-a-spec\.json is not an OpenAPI 3\.0\/3\.1 or Swagger 2\.0 document/, RUNTIME_WARNING);
    writeFileSync(path.join(repo, 'specs', 'escape.yaml'), "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    $ref: '../../outside.yaml'\n");
    expectOneLineError(await bulwark(['--data-dir', data, 'spec', 'import', 'specs/escape.yaml']), 2, /^bulwark: cannot resolve \$ref '\.\.\/\.\.\/outside\.yaml' at specs\/escape\.yaml:5:5: .*path traversal refused/, RUNTIME_WARNING);
    expectOneLineError(await bulwark(['--data-dir', data, 'spec', 'import', 'specs/nope.yaml']), 4, /^bulwark: spec file not found: specs\/nope\.yaml$/, RUNTIME_WARNING);
    expectOneLineError(await bulwark(['--data-dir', data, 'spec', 'import', 'specs/shop-secure.yaml', '--spec-id', 'spec_0000000000000000']), 4, /^bulwark: spec spec_0000000000000000 not found$/, RUNTIME_WARNING);
    expectOneLineError(await bulwark(['--data-dir', data, 'spec', 'import', 'specs/shop-secure.yaml', '--application', 'app-nope']), 2, /^bulwark: application app-nope not found$/, RUNTIME_WARNING);
    expectOneLineError(await bulwark(['--data-dir', data, 'spec', 'import', 'specs/shop-secure.yaml', '--host', 'https://x/']), 2, /^bulwark: invalid hosts: 0: /, RUNTIME_WARNING);
    const list = JSON.parse((await ok(['--data-dir', data, 'spec', 'list', '--json'])).stdout) as Page<Spec>;
    expect(list.total).toBe(0);
  });
});

describe('bulwark spec list', () => {
  it('lists specs with their latest score and findings, filters, and pages', async () => {
    const data = tempDir('list');
    expect((await ok(['--data-dir', data, 'spec', 'list'])).stdout).toContain('No specs yet: import one with "bulwark spec import <file>".');
    await ok(['--data-dir', data, 'spec', 'import', 'specs/shop-insecure.yaml', '--name', 'Insecure shop']);
    await ok(['--data-dir', data, 'spec', 'import', 'specs/shop-secure.yaml', '--name', 'Secure shop', '--host', 'secure.example']);

    const text = (await ok(['--data-dir', data, 'spec', 'list'])).stdout;
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+VER\s+FORMAT\s+SCORE\s+CRIT\s+HIGH\s+MED\s+HOSTS\s+APPLICATION$/);
    expect(lines[2]).toMatch(/^spec_[0-9a-f]{16}\s+Insecure shop\s+1\s+OpenAPI 3\.0\.3\s+\d+\.\d\s+\d+\s+\d+\s+\d+\s+api\.northwind\.example\s+-$/);
    expect(lines[3]).toMatch(/^spec_[0-9a-f]{16}\s+Secure shop\s+1\s+OpenAPI 3\.0\.3 .*secure\.example/);
    expect(text).toContain('Specs 1-2 of 2');

    const worst = JSON.parse((await ok(['--data-dir', data, 'spec', 'list', '--sort', 'score', '--json', '--limit', '1'])).stdout) as Page<Spec>;
    expect(worst).toMatchObject({ total: 2, limit: 1, items: [{ name: 'Insecure shop' }] });
    const byHost = JSON.parse((await ok(['--data-dir', data, 'spec', 'list', '--host', 'secure.example', '--json'])).stdout) as Page<Spec>;
    expect(byHost.items.map((s) => s.name)).toEqual(['Secure shop']);
    const search = JSON.parse((await ok(['--data-dir', data, 'spec', 'list', '--search', 'INSECURE', '--json'])).stdout) as Page<Spec>;
    expect(search.items.map((s) => s.name)).toEqual(['Insecure shop']);
    expectOneLineError(await bulwark(['--data-dir', data, 'spec', 'list', '--limit', '0']), 2, /--limit must be a whole number from 1 to 500/, RUNTIME_WARNING);
  });
});
