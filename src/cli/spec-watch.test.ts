import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Spec, SpecRow } from '../contracts/spec-registry.js';
import { loadConfig } from '../config/config.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import type { Page } from '../store/store.js';
import { requireBuiltCli, serveBuiltCli } from './fixtures/built-cli.js';

/**
 * `bulwark serve` with `specs.watch` in the config file of the working directory, as an operator runs it:
 * the built command, real spec files, a temp data directory; judged by what it prints, what its API
 * answers and what the store holds.
 */

const CLI_FIXTURES = path.join(import.meta.dirname, 'fixtures', 'spec-audit');

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), `bulwark-spec-watch-${prefix}-`));
  tempDirs.push(d);
  return d;
}

beforeAll(() => requireBuiltCli());
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

const get = async <T>(url: string, token: string): Promise<T> => {
  const r = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  expect(r.status, url).toBe(200);
  return (await r.json()) as T;
};

/** Replaces a file's content with a later modification time, as an editor's save does. */
function save(file: string, from: string): void {
  const before = statSync(file).mtimeMs / 1000;
  copyFileSync(from, file);
  utimesSync(file, before + 5, before + 5);
}

describe('bulwark serve with specs.watch', () => {
  it('imports the watched file at start, each change as the next version, reports a bad save with file:line:column, and adds nothing on restart', async () => {
    const repo = tempDir('repo');
    const data = tempDir('data');
    mkdirSync(path.join(repo, 'specs'));
    const file = path.join(repo, 'specs', 'shop.yaml');
    copyFileSync(path.join(CLI_FIXTURES, 'shop-insecure.yaml'), file);
    // The default config file of the working directory; a short interval keeps the test quick.
    writeFileSync(path.join(repo, 'bulwark.config.yaml'), 'specs:\n  watch:\n    - specs/shop.yaml\n  watchIntervalMs: 100\n  watchSettleMs: 0\n');

    const first = await serveBuiltCli(['--data-dir', data, 'serve', '--port', '0'], repo);
    let specId: string;
    let token: string;
    try {
      expect(first.stdout()).toContain('Watching specs/shop.yaml for spec changes (every 0.1 s): 1 imported, 0 unchanged');
      token = /It is shown only this once:\n\s+(bwk_\S+)/.exec(first.stdout())?.[1] ?? '';
      expect(token, first.stdout()).not.toBe('');
      const list = await get<Page<SpecRow>>(`${first.url}/api/v1/specs`, token);
      expect(list.items).toMatchObject([{ name: 'Northwind Shop API', latestVersion: 1, latest: { source: 'shop.yaml', createdBy: { kind: 'system', id: 'spec-watch' } } }]);
      specId = list.items[0]!.id;

      save(file, path.join(CLI_FIXTURES, 'shop-secure.yaml'));
      await vi.waitFor(async () => expect((await get<{ spec: Spec }>(`${first.url}/api/v1/specs/${specId}`, token)).spec.latestVersion).toBe(2), { timeout: 10_000, interval: 100 });

      // A broken save: logged with file, line and column; the spec keeps version 2.
      save(file, path.join(CLI_FIXTURES, 'broken.yaml'));
      await vi.waitFor(() => expect(first.stderr()).toMatch(/spec watch: specs\/shop\.yaml not imported \(no version added\): invalid YAML at specs\/shop\.yaml:\d+:\d+: /), { timeout: 10_000, interval: 100 });
      expect((await get<{ spec: Spec }>(`${first.url}/api/v1/specs/${specId}`, token)).spec.latestVersion).toBe(2);

      // Fixed back to version 2's text: nothing to add (the restart below checks it).
      save(file, path.join(CLI_FIXTURES, 'shop-secure.yaml'));
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect(first.stderr()).not.toMatch(/internal error|\n\s+at /);

    const second = await serveBuiltCli(['--data-dir', data, 'serve', '--port', '0'], repo);
    try {
      expect(second.stdout()).toContain('Watching specs/shop.yaml for spec changes (every 0.1 s): 0 imported, 1 unchanged');
      const spec = await get<{ spec: Spec }>(`${second.url}/api/v1/specs/${specId}`, token);
      expect(spec.spec).toMatchObject({ latestVersion: 2 });
    } finally {
      expect(await second.stop()).toBe(0);
    }

    const store = createSqliteStore({ path: loadConfig({ env: { BULWARK_DATA_DIR: data } }).store.path! });
    await store.init();
    try {
      expect((await store.listSpecs({})).total).toBe(1);
      const imports = (await store.listAudit({ action: 'spec.import', order: 'asc' })).items;
      expect(imports).toMatchObject([
        { actor: { kind: 'system', id: 'spec-watch' }, target: { id: specId }, after: { version: 1, created: true } },
        { actor: { kind: 'system', id: 'spec-watch' }, target: { id: specId }, after: { version: 2, created: true } },
      ]);
      expect((await store.getSpecVersion(specId, 2))?.text).toBe(readFileSync(path.join(CLI_FIXTURES, 'shop-secure.yaml'), 'utf8'));
    } finally {
      await store.close();
    }
  });
});
