/**
 * The console end to end, in real headless Chromium, against the real `bulwark demo` server on loopback
 * (the demo estate ingested through the real pipeline, the demo accounts created by the real CLI).
 * Screenshots of every page go to `test-output/console/`.
 *
 * Needs Debian's `chromium` at /usr/bin/chromium (`apt-get install -y chromium`) and a built console
 * (`npm run build`, which `npm test` runs first). Without either the tests fail; they never skip.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startConsoleRun, titled, type Account, type ConsoleRun } from './harness.js';

const NARROW = { width: 390, height: 844 };

let run: ConsoleRun;

beforeAll(async () => {
  run = await startConsoleRun(path.join(ROOT, 'test-output', 'console'));
}, 120_000);

afterAll(async () => {
  await run?.tearDown();
});

const newPage = (viewport?: { width: number; height: number }) => run.newPage(viewport);
const signIn = (page: Page, role: string) => run.signIn(page, role);
const shot = (page: Page, name: string) => run.shot(page, name);
const api = <T>(route: string) => run.api<T>(route);

function account(role: string): Account {
  const a = run.demo.accounts.get(role);
  if (!a) throw new Error(`the demo printed no ${role} account`);
  return a;
}

async function navLabels(page: Page): Promise<string[]> {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
}

describe('the console in a real browser, on the demo estate', () => {
  it('the practitioner walks from the dashboard to the riskiest endpoint and its redacted evidence', async () => {
    const { context, page } = await newPage();
    try {
      await signIn(page, 'security-practitioner');
      await titled(page, 'API security dashboard');
      expect(page.url()).toMatch(/#\/dashboard$/);
      const tiles = page.getByRole('list', { name: 'Key figures' });
      await tiles.getByRole('listitem').nth(3).waitFor();
      await shot(page, 'dashboard');

      // The riskiest endpoint on the dashboard is the first row of the inventory sorted by risk.
      const top = (await api<{ items: Array<{ id: string; method: string; pathTemplate: string }> }>('/endpoints?sort=risk&order=desc&limit=1')).items[0]!;
      const riskiest = page.locator('section', { has: page.getByRole('heading', { name: 'Riskiest endpoints' }) });
      const firstLink = riskiest.getByRole('link').filter({ hasText: '/' }).first();
      expect(await firstLink.getAttribute('href')).toBe(`#/endpoints/${encodeURIComponent(top.id)}`);
      await firstLink.click();
      await titled(page, new RegExp(`${top.method}.*${top.pathTemplate.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      await page.getByRole('heading', { name: 'Risk score' }).waitFor();
      await page.getByRole('heading', { name: /^Parameters \(\d+\)$/ }).waitFor();
      const samplesHeading = page.getByRole('heading', { name: /^Sample requests and responses \(\d+\)$/ });
      const sampleCount = Number(/\((\d+)\)/.exec((await samplesHeading.textContent()) ?? '')![1]);
      expect(sampleCount).toBeGreaterThan(0);

      // Evidence: open the first sample; what it shows has passed redaction (typed keyed placeholders).
      const samples = page.locator('section', { has: samplesHeading });
      const first = samples.locator('details').first();
      if ((await first.getAttribute('open')) === null) await first.locator('summary').first().click();
      await first.getByRole('region', { name: 'Request of sample 1' }).waitFor();
      await first.getByRole('region', { name: 'Response of sample 1' }).waitFor();
      const evidence = (await samples.textContent()) ?? '';
      expect(evidence).toMatch(/\[REDACTED:[a-z0-9-]+:[0-9a-f]{16}\]/);
      expect(evidence).not.toMatch(/Bearer eyJ[\w-]+\.[\w-]+/);
      await shot(page, 'endpoint');

      // ...and from the endpoint to one of its findings, with the remediation advice.
      const findings = page.locator('section', { has: page.getByRole('heading', { name: /^Findings \(\d+\)$/ }) });
      const findingLink = findings.locator('a[href^="#/findings/"]').first();
      await findingLink.click();
      await page.locator('main h1').first().waitFor();
      expect(page.url()).toMatch(/#\/findings\/[\w-]+$/);
      await expect(page.getByRole('heading', { name: /Remediation/i }).count()).resolves.toBeGreaterThan(0);
      await shot(page, 'finding');
    } finally {
      await context.close();
    }
  });

  it('the inventory filters, sorts and pages on the server, and links every row', async () => {
    const { context, page } = await newPage();
    try {
      await signIn(page, 'security-practitioner');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API inventory' }).click();
      await titled(page, 'API inventory');
      const rows = page.getByRole('table').locator('tbody tr');
      await rows.first().waitFor();
      const all = (await api<{ total: number }>('/endpoints?limit=1')).total;
      await page.getByText(new RegExp(`of ${all.toLocaleString('en')}`)).first().waitFor();
      await shot(page, 'inventory');

      await page.getByLabel('Risk level').selectOption('high');
      await page.waitForURL(/riskLevel=high/);
      const high = (await api<{ total: number }>('/endpoints?riskLevel=high&limit=1')).total;
      expect(high).toBeGreaterThan(0);
      expect(high).toBeLessThan(all);
      await page.getByText(new RegExp(`of ${high.toLocaleString('en')}`)).first().waitFor();
      const levels = await page.getByRole('table').locator('tbody tr .risk-badge, tbody tr [data-risk-level]').allTextContents();
      for (const l of levels) expect(l.toLowerCase()).toContain('high');

      await page.getByRole('button', { name: /^Host/ }).click();
      await page.waitForURL(/sort=host/);
      // The header announces the new order once the page has re-rendered.
      await page.locator('th[aria-sort="ascending"]', { hasText: 'Host' }).waitFor();
      await shot(page, 'inventory-filtered');

      const exportLink = page.getByRole('link', { name: 'Export CSV' });
      const href = await exportLink.getAttribute('href');
      expect(href).toMatch(/^\/api\/v1\/endpoints\/export\.csv\?/);
      expect(href).toContain('riskLevel=high');
      const csv = await page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).text(), href!);
      expect(csv.trim().split('\n').length).toBe(high + 1);
    } finally {
      await context.close();
    }
  });

  it('each role signs in and sees exactly the pages its permissions give', async () => {
    const expected: Record<string, string[]> = {
      admin: ['Dashboard', 'API inventory', 'Findings', 'API specifications', 'Generate spec', 'My tasks', 'Remediation board', 'Cases', 'Users', 'API tokens', 'Applications', 'Ownership rules', 'Audit log'],
      'security-practitioner': ['Dashboard', 'API inventory', 'Findings', 'API specifications', 'Generate spec', 'My tasks', 'Remediation board', 'Cases', 'Applications', 'Ownership rules'],
      'soc-analyst': ['Dashboard', 'API inventory', 'Findings', 'Remediation board', 'Cases', 'Applications', 'Ownership rules'],
      'workload-owner': ['Dashboard', 'API inventory', 'Findings', 'API specifications', 'Generate spec', 'My tasks', 'Remediation board', 'Applications', 'Ownership rules'],
      auditor: ['Dashboard', 'API inventory', 'Findings', 'API specifications', 'Remediation board', 'Cases', 'Users', 'API tokens', 'Applications', 'Ownership rules', 'Audit log'],
    };
    // Workload owners start at their tasks; everyone else at the dashboard.
    const home = (role: string) => (role === 'workload-owner' ? 'My tasks' : 'API security dashboard');
    for (const [role, labels] of Object.entries(expected)) {
      const { context, page } = await newPage();
      try {
        await signIn(page, role);
        await titled(page, home(role));
        expect(await navLabels(page), role).toEqual(labels);
        await shot(page, `home-${role}`);
        // A page the role does not have is refused in the console (and by the API behind it).
        if (!labels.includes('Users')) {
          await page.goto('/#/settings/users');
          await titled(page, 'Not available for your role');
        }
      } finally {
        await context.close();
      }
    }
  });

  it("a workload owner sees only their application's endpoints and findings, and not another's by id", async () => {
    const apps = await api<{ items: Array<{ id: string; name: string }> }>('/applications?limit=100');
    const payments = apps.items.find((a) => a.name === 'Payments API')!;
    const other = (await api<{ items: Array<{ id: string; applicationId: string | null }> }>('/endpoints?limit=500')).items.find(
      (e) => e.applicationId !== payments.id,
    )!;
    const ownTotal = (await api<{ total: number }>(`/endpoints?application=${payments.id}&limit=1`)).total;
    expect(ownTotal).toBeGreaterThan(0);

    const { context, page } = await newPage();
    try {
      await signIn(page, 'workload-owner');
      await page.goto('/#/inventory');
      await titled(page, 'API inventory');
      await page.getByText(new RegExp(`of ${ownTotal.toLocaleString('en')}`)).first().waitFor();
      const appCells = await page.getByRole('table').locator('tbody tr').evaluateAll((trs) =>
        trs.map((tr) => {
          const headers = [...tr.closest('table')!.querySelectorAll('thead th')].map((th) => th.textContent ?? '');
          const col = headers.findIndex((h) => h.startsWith('Application'));
          return tr.children[col]?.textContent ?? '';
        }),
      );
      expect(appCells.length).toBeGreaterThan(0);
      expect(new Set(appCells)).toEqual(new Set(['Payments API']));
      await shot(page, 'inventory-workload-owner');

      await page.goto(`/#/endpoints/${encodeURIComponent(other.id)}`);
      await page.getByText(/not found/i).first().waitFor();
      await shot(page, 'endpoint-out-of-scope');

      await page.goto('/#/findings');
      await titled(page, 'Findings');
      await shot(page, 'findings-workload-owner');
    } finally {
      await context.close();
    }
  });

  it('the admin and the auditor read users, tokens, applications and the audit log', async () => {
    for (const role of ['admin', 'auditor']) {
      const { context, page } = await newPage();
      try {
        await signIn(page, role);
        const nav = page.getByRole('navigation', { name: 'Main' });
        for (const [label, title] of [
          ['Findings', 'Findings'],
          ['Users', 'Users'],
          ['API tokens', 'API tokens'],
          ['Applications', 'Applications'],
          ['Audit log', 'Audit log'],
        ] as const) {
          await nav.getByRole('link', { name: label, exact: true }).click();
          await titled(page, title);
          await page.getByRole('table').locator('tbody tr').first().waitFor();
          await shot(page, `${label.toLowerCase().replace(/\s+/g, '-')}-${role}`);
        }
        // Only the admin gets the controls that change things.
        await nav.getByRole('link', { name: 'Users', exact: true }).click();
        await page.getByRole('table').locator('tbody tr').first().waitFor();
        const invite = await page.getByRole('button', { name: /invite/i }).count();
        expect(invite > 0, `${role} sees an invite button`).toBe(role === 'admin');
      } finally {
        await context.close();
      }
    }
  });

  it('the practitioner uploads a spec, reads its score and each finding on the spec source, then a second version', async () => {
    const insecure = path.join(ROOT, 'src', 'cli', 'fixtures', 'spec-audit', 'shop-insecure.yaml');
    const secure = path.join(ROOT, 'src', 'cli', 'fixtures', 'spec-audit', 'shop-secure.yaml');
    const source = readFileSync(insecure, 'utf8').split('\n');
    const { context, page } = await newPage();
    try {
      await signIn(page, 'security-practitioner');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API specifications' }).click();
      await titled(page, 'API specifications');
      await page.getByLabel(/Specification file/).setInputFiles(insecure);
      await page.getByRole('button', { name: 'Upload and audit' }).click();
      await page.waitForURL(/#\/specs\/[\w-]+$/);
      await page.getByRole('heading', { name: /^Versions \(1\)$/ }).waitFor();
      const findingsHeading = page.getByRole('heading', { name: /^Findings of version 1 \((\d+)\)$/ });
      await findingsHeading.waitFor();
      const shownTotal = Number(/\((\d+)\)/.exec((await findingsHeading.textContent()) ?? '')![1]);
      // The page shows what the API computed for this version.
      const specId = /#\/specs\/([\w-]+)$/.exec(page.url())![1]!;
      const v1 = await api<{ findingsTotal: number; findings: Array<{ ruleId: string; location: { line: number } }> }>(`/specs/${specId}/versions/1`);
      expect(shownTotal).toBe(v1.findingsTotal);
      expect(v1.findingsTotal).toBeGreaterThan(0);

      // A finding is shown on the uploaded source, at its line.
      const first = v1.findings[0]!;
      const rule = page.locator('details.spec-rule', { hasText: first.ruleId }).first();
      await rule.locator('summary').click();
      const hit = rule.locator('.source-hit').first();
      await hit.waitFor();
      const hitText = (await hit.textContent()) ?? '';
      expect(hitText).toContain(`${first.location.line} ▶`);
      expect(hitText).toContain(source[first.location.line - 1]!.trim().slice(0, 40));
      await shot(page, 'spec');

      // A second version: the better spec scores higher, and both versions are listed.
      await page.getByLabel('Specification file', { exact: true }).setInputFiles(secure);
      await page.getByRole('button', { name: 'Upload version' }).click();
      await page.getByRole('heading', { name: /^Versions \(2\)$/ }).waitFor();
      await page.getByRole('heading', { name: /^Findings of version 2 / }).waitFor();
      const versions = await api<{ versions: { items: Array<{ version: number; score: { total: number } }> } }>(`/specs/${specId}`);
      const [v2s, v1s] = versions.versions.items;
      expect(v2s!.version).toBe(2);
      expect(v2s!.score.total).toBeGreaterThan(v1s!.score.total);
      await shot(page, 'spec-version-2');

      // Compare versions: previous -> shown by default, the same changes the API finds for the pair.
      const compare = page.getByRole('region', { name: 'Compare versions' });
      expect(await compare.getByLabel('From version').inputValue()).toBe('1');
      expect(await compare.getByLabel('To version').inputValue()).toBe('2');
      type Diff = { total: number; changes: Array<{ message: string; side: string; location: { file: string; line: number; column: number } }> };
      const diff12 = await api<Diff>(`/specs/${specId}/diff?from=1&to=2`);
      expect(diff12.total).toBeGreaterThan(0);
      const summary = compare.getByRole('status');
      await summary.filter({ hasText: /from version 1 to version 2/ }).waitFor();
      expect(Number(/^(\d+) changes? from/.exec((await summary.textContent()) ?? '')![1])).toBe(diff12.total);
      const items = compare.locator('li.spec-change');
      expect(await items.count()).toBe(diff12.changes.length);
      const firstChange = diff12.changes[0]!;
      const firstText = (await items.first().textContent()) ?? '';
      expect(firstText).toContain(firstChange.message);
      expect(firstText).toContain(`${firstChange.location.file}:${firstChange.location.line}:${firstChange.location.column}`);
      expect(firstText).toContain(`in version ${firstChange.side === 'old' ? 1 : 2} (${firstChange.side})`);
      await shot(page, 'spec-compare');
      // Backwards, from the keyboard: the selects are reachable and change the comparison.
      await compare.getByLabel('From version').focus();
      await page.keyboard.press('ArrowUp');
      await compare.getByLabel('To version').selectOption('1');
      await summary.filter({ hasText: /from version 2 to version 1/ }).waitFor();
      const diff21 = await api<Diff>(`/specs/${specId}/diff?from=2&to=1`);
      expect(Number(/^(\d+) changes? from/.exec((await summary.textContent()) ?? '')![1])).toBe(diff21.total);

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API specifications' }).click();
      await page.getByRole('table').locator('tbody tr').first().waitFor();
      await shot(page, 'specs');
    } finally {
      await context.close();
    }
  });

  it('the spec page shows how the demo traffic conforms to the spec, with links to the endpoints concerned', async () => {
    const { context, page } = await newPage();
    try {
      await signIn(page, 'security-practitioner');
      const specs = await api<{ items: Array<{ id: string; name: string }> }>('/specs?search=Storefront');
      const spec = specs.items.find((sp) => sp.name === 'Northwind Storefront API')!;
      type Conf = { summary: Record<string, number>; shadow: Array<{ endpointId: string; pathTemplate: string }>; orphan: Array<{ fullPath: string }>; drift: Array<{ field: string }> };
      const conf = await api<Conf>(`/specs/${spec.id}/conformance`);
      // The demo plants each kind: undocumented endpoints, a retired operation, drift (zombies are the payments spec's).
      expect(conf.summary.shadow).toBeGreaterThan(0);
      expect(conf.summary.orphan).toBeGreaterThan(0);
      expect(conf.summary.drift).toBeGreaterThan(0);

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API specifications' }).click();
      await page.getByRole('link', { name: 'Northwind Storefront API' }).click();
      const section = page.getByRole('region', { name: 'Conformance of traffic' });
      const figures = section.getByRole('list', { name: 'Conformance figures' });
      await figures.waitFor();
      for (const [label, key] of [['Shadow endpoints', 'shadow'], ['Orphan operations', 'orphan'], ['Drift', 'drift']] as const) {
        const tile = figures.getByRole('listitem').filter({ hasText: label });
        expect((await tile.locator('.tile-value').textContent())?.replace(/,/g, ''), label).toBe(String(conf.summary[key]));
      }
      await section.getByRole('heading', { name: `Shadow endpoints (${conf.summary.shadow})` }).waitFor();
      await section.getByText(conf.orphan[0]!.fullPath).first().waitFor();
      await shot(page, 'spec-conformance');

      // From the most called shadow endpoint to its page, which says it is in no spec.
      const top = conf.shadow[0]!;
      await section.locator(`a[href="#/endpoints/${encodeURIComponent(top.endpointId)}"]`).first().click();
      await titled(page, new RegExp(top.pathTemplate.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      const specFact = page.locator('dl.facts div', { has: page.locator('dt', { hasText: /^Spec$/ }) });
      await expect(specFact.textContent()).resolves.toMatch(/Shadow.*not in any spec/);

      // The inventory filters by coverage, and each row says which spec documents it.
      await page.goto(`/#/inventory?coverage=shadow`);
      const shadowTotal = (await api<{ total: number }>('/endpoints?coverage=shadow&limit=1')).total;
      await page.getByText(new RegExp(`of ${shadowTotal.toLocaleString('en')}`)).first().waitFor();
      expect(await page.getByRole('table').locator('tbody tr').count()).toBe(shadowTotal);
      await page.getByLabel('Spec coverage').selectOption('documented');
      await page.waitForURL(/coverage=documented/);
      await page.getByRole('table').locator('tbody tr a.tag', { hasText: /Northwind .* v\d/ }).first().waitFor();
      await shot(page, 'inventory-documented');
    } finally {
      await context.close();
    }
  });

  it('works from the keyboard alone: sign in, skip link, sortable headers', async () => {
    const { context, page } = await newPage();
    try {
      const a = account('soc-analyst');
      await page.goto('/');
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      // The email field has focus on arrival.
      await page.keyboard.type(a.email);
      await page.keyboard.press('Tab');
      await page.keyboard.type(a.password);
      await page.keyboard.press('Enter');
      await titled(page, 'API security dashboard');

      await page.goto('/#/inventory');
      await page.reload();
      await page.getByRole('table').locator('tbody tr').first().waitFor();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

      const method = page.getByRole('button', { name: /^Method/ });
      await method.focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/sort=method/);
      // The header announces the new order once the page has re-rendered.
      await page.locator('th[aria-sort="ascending"]', { hasText: 'Method' }).waitFor();

      // Every form control in the page has an accessible name.
      const unnamed = await page.locator('input, select, button, textarea').evaluateAll((els) =>
        els
          .filter((el) => {
            const e = el as HTMLInputElement;
            const label = e.labels?.length ? e.labels[0]!.textContent : '';
            return !(label?.trim() || e.getAttribute('aria-label') || e.textContent?.trim() || e.getAttribute('title'));
          })
          .map((el) => el.outerHTML.slice(0, 120)),
      );
      expect(unnamed).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('is readable on a narrow screen: no sideways scrolling of the page, navigation behind a menu button', async () => {
    const { context, page } = await newPage(NARROW);
    try {
      await signIn(page, 'security-practitioner');
      for (const route of ['dashboard', 'inventory', 'findings']) {
        await page.goto(`/#/${route}`);
        await page.locator('main h1').first().waitFor();
        await shot(page, `narrow-${route}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${route} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
      }
      const menu = page.getByRole('button', { name: 'Menu' });
      await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');
      await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Findings' }).isVisible()).resolves.toBe(false);
      await menu.click();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Findings' }).waitFor({ state: 'visible' });
      await shot(page, 'narrow-menu');
    } finally {
      await context.close();
    }
  });

  it('a wrong password is refused with a message, and signing out ends the session', async () => {
    const { context, page } = await newPage();
    try {
      const a = account('auditor');
      await page.goto('/');
      await page.getByLabel('Email').fill(a.email);
      await page.getByLabel('Password').fill(`${a.password}x`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').first().waitFor();
      await shot(page, 'sign-in-refused');

      await signIn(page, 'auditor');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      const status = await page.evaluate(async () => (await fetch('/api/v1/auth/session', { credentials: 'same-origin' })).status);
      expect(status).toBe(401);
    } finally {
      await context.close();
    }
  });

  it('no page raised an error, logged one, or broke the content security policy', () => {
    expect(run.problems).toEqual([]);
  });
});
