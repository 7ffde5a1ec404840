/**
 * The console's "Generate spec" page end to end, in real headless Chromium, against the real `bulwark
 * demo` server on loopback: review the demo inventory (skip an endpoint, rename a path parameter, try a
 * merge the server refuses), preview, download the document and check it. Screenshots go to
 * `test-output/spec-generate/`.
 *
 * Needs Debian's `chromium` at /usr/bin/chromium and a built console (`npm run build`); the same harness
 * as `console.test.ts`. Without either the tests fail; they never skip.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_FLAGS, consoleBrowser, ROOT, startDemo, type Demo } from './harness.js';

const SHOTS = path.join(ROOT, 'test-output', 'spec-generate');

let demo: Demo;
let browser: Browser;
let dataDir: string;
const pageProblems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install it with: apt-get install -y chromium`);
  if (!existsSync(path.join(ROOT, 'dist', 'web', 'index.html')) || !existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('the console is not built: run `npm run build` first (`npm test` does)');
  }
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'bulwark-e2e-generate-'));
  [demo, browser] = await Promise.all([startDemo(dataDir), chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: 30_000 })]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const signIn = (page: Page, role: string) => consoleBrowser(browser, demo, SHOTS).signIn(page, role);
const shot = (page: Page, name: string) => consoleBrowser(browser, demo, SHOTS).shot(page, name);

describe('Generate spec, in a real browser on the demo estate', () => {
  it('the practitioner reviews endpoints, previews and downloads a valid OpenAPI 3.1 document', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: demo.url, acceptDownloads: true });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('pageerror', (e) => pageProblems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      // The session check before sign-in answers 401; the refused merge below answers 400: both are answers the page shows.
      if (m.type() === 'error' && !/status of (400|401)/.test(m.text())) pageProblems.push(`console error: ${m.text()}`);
    });
    try {
      await signIn(page, 'security-practitioner');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Generate spec' }).click();
      await page.getByRole('heading', { level: 1, name: 'Generate a spec from traffic' }).waitFor();
      expect(page.url()).toMatch(/#\/specs\/generate$/);
      const review = page.getByRole('heading', { name: /^Review \(\d+ endpoints, 0 skipped\)$/ });
      await review.waitFor();

      // Only one host: the storefront API.
      await page.getByLabel('Hosts (comma-separated)').fill('api.northwind.example');
      await page.getByRole('button', { name: 'Load endpoints' }).click();
      await page.getByRole('checkbox', { name: 'Include GET api.northwind.example/v1/users/me' }).waitFor();
      const rows = page.getByRole('region', { name: 'Endpoints to review' }).getByRole('row');
      expect(await rows.count()).toBeGreaterThan(15);

      // Skip the health check, rename a parameter.
      await page.getByRole('checkbox', { name: 'Include GET api.northwind.example/healthz' }).uncheck();
      await page.getByRole('heading', { name: /^Review \(\d+ endpoints, 1 skipped\)$/ }).waitFor();
      await page.getByLabel(/^New name of \{[^}]+\} in GET api\.northwind\.example\/v1\/users\/\{[^}]+\}\/addresses$/).fill('userId');

      // A merge the server refuses (/v1/users/me into /v1/categories/{…}): the error is shown, nothing is generated.
      const merge = page.getByLabel('Merge GET api.northwind.example/v1/users/me into', { exact: true });
      const categories = (await merge.locator('option').allTextContents()).find((o) => o.startsWith('api.northwind.example/v1/categories/{'));
      expect(categories).toBeDefined();
      await merge.selectOption({ label: categories! });
      await page.getByLabel('Title').fill('Northwind Storefront');
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.getByText(/cannot merge into .*segment 2 differs/).waitFor();
      await merge.selectOption({ label: '(keep)' });

      await page.getByRole('button', { name: 'Preview' }).click();
      const status = page.getByRole('status').filter({ hasText: /operations on \d+ paths/ });
      await status.waitFor();
      expect(await status.textContent()).toMatch(/1 skipped/);
      const preview = (await page.getByLabel('Generated document').textContent()) ?? '';
      expect(preview).toContain('openapi: 3.1.0');
      expect(preview).toContain('/v1/users/{userId}/addresses:');
      expect(preview).not.toContain('/healthz:');
      expect(preview).not.toContain('REDACTED');
      await shot(page, 'generate-preview');

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download openapi.yaml' }).click()]);
      expect(download.suggestedFilename()).toBe('openapi.yaml');
      const file = path.join(dataDir, 'downloaded.yaml');
      await download.saveAs(file);
      const doc = parseYaml(readFileSync(file, 'utf8')) as { openapi: string; info: { title: string }; paths: Record<string, unknown> };
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.info.title).toBe('Northwind Storefront');
      expect(Object.keys(doc.paths)).toContain('/v1/users/{userId}/addresses');

      // Import it as a spec: the spec page opens with the generated document audited.
      await page.getByRole('button', { name: 'Import as a spec' }).click();
      await page.getByRole('heading', { level: 1, name: /Northwind Storefront/ }).waitFor();
      expect(page.url()).toMatch(/#\/specs\/spec_[0-9a-f]+$/);
      expect(pageProblems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('is not offered to roles without specs:write', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: demo.url });
    const page = await context.newPage();
    try {
      await signIn(page, 'auditor');
      const labels = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
      expect(labels).not.toContain('Generate spec');
      await page.goto('/#/specs/generate');
      await page.getByRole('heading', { level: 1, name: 'Not available for your role' }).waitFor();
    } finally {
      await context.close();
    }
  }, 60_000);
});
