/**
 * The SOC analyst's Cases & Issues console end to end, in real headless Chromium, against the real
 * `bulwark demo` (its traffic carries attack episodes that the real pipeline turns into issues and cases).
 * Screenshots go to `test-output/cases/`.
 *
 * Needs Debian's `chromium` at /usr/bin/chromium and a built console (`npm run build`); without either the
 * tests fail, they never skip.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseSummary, ThreatCase } from '../../src/contracts/cases.js';
import type { Finding } from '../../src/contracts/finding.js';
import { ROOT, startConsoleRun, titled, type ConsoleRun } from './harness.js';

const SHOTS = path.join(ROOT, 'test-output', 'cases');

let run: ConsoleRun;

beforeAll(async () => {
  run = await startConsoleRun(SHOTS);
}, 120_000);

afterAll(async () => {
  await run?.tearDown();
});

type CasePage = { items: ThreatCase[]; total: number };

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The value of the key-figure tile labelled `label` in the list named `list`, as a number. */
async function tileValue(page: Page, list: string, label: string): Promise<number> {
  const tile = page.getByRole('list', { name: list }).getByRole('listitem').filter({ has: page.locator('.tile-label', { hasText: new RegExp(`^${escapeRegExp(label)}$`, 'i') }) });
  return Number(((await tile.locator('.tile-value').textContent()) ?? '').replace(/,/g, ''));
}

describe('the SOC analyst works the case queue', () => {
  it('opens the newest case, reads its redacted evidence, resolves it as a true positive and flags it for a fix', async () => {
    const summary = await run.api<CaseSummary>('/cases/summary');
    const newest = (await run.api<CasePage>('/cases?limit=1')).items[0];
    expect(newest, 'the demo traffic produced no case').toBeDefined();
    expect(summary.new).toBeGreaterThan(0);

    const { context, page } = await run.newPage();
    try {
      await run.signIn(page, 'soc-analyst');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases', exact: true }).click();
      await titled(page, 'Cases');
      // The header counts what the API counts.
      await page.getByRole('list', { name: 'Case counts' }).waitFor();
      expect(await tileValue(page, 'Case counts', 'New')).toBe(summary.new);
      expect(await tileValue(page, 'Case counts', 'Investigating')).toBe(summary.investigating);
      const rows = page.getByRole('table').locator('tbody tr');
      await rows.first().waitFor();
      await run.shot(page, 'queue');

      // Filters live in the URL and are applied by the server.
      await page.getByLabel('Status').selectOption('new');
      await page.waitForURL(/status=new/);
      await page.getByText(new RegExp(`of ${summary.new.toLocaleString('en')}$`)).first().waitFor();
      await page.getByRole('button', { name: 'Clear filters' }).last().click();
      await page.waitForURL((u) => !u.hash.includes('status='));

      // The first row is the newest case.
      const link = rows.first().getByRole('link').first();
      expect(await link.getAttribute('href')).toBe(`#/cases/${encodeURIComponent(newest!.id)}`);
      await link.click();
      await titled(page, new RegExp(escapeRegExp(newest!.title)));

      // Evidence: the triggering request, redacted.
      const detail = await run.api<CaseDetail>(`/cases/${encodeURIComponent(newest!.id)}`);
      const withExchange = detail.issues.findIndex((i) => i.exchange !== null);
      expect(withExchange, 'the newest case has no issue with a triggering request').toBeGreaterThanOrEqual(0);
      expect(withExchange, 'the issue with a request is not among the first shown').toBeLessThan(5);
      const evidence = page.getByRole('region', { name: /^Evidence \(\d+ issues?\)$/ });
      const card = evidence.locator('article.issue-card').nth(withExchange);
      const exchangeDetails = card.locator('details.exchange-details');
      if ((await exchangeDetails.getAttribute('open')) === null) await exchangeDetails.locator('summary').click();
      const request = card.getByRole('region', { name: `Request of issue ${withExchange + 1}` });
      await request.waitFor();
      const issue = detail.issues[withExchange]!;
      const requestText = (await request.textContent()) ?? '';
      expect(requestText).toContain(`${issue.exchange!.request.method} ${issue.exchange!.request.path}`);
      const shown = (await evidence.textContent()) ?? '';
      expect(shown).not.toMatch(/Bearer eyJ/);
      expect(shown.replace(/\[REDACTED:[^\]]*\]/g, '')).not.toMatch(/[\w.+-]+@[\w-]+(\.[\w-]+)+/);
      await card.getByText(issue.detector, { exact: true }).first().waitFor();
      await run.shot(page, 'case');

      // Resolve as a true positive...
      const triage = page.getByRole('region', { name: 'Triage' });
      await triage.getByRole('radio', { name: 'True positive' }).check();
      await triage.getByRole('button', { name: 'Resolve case' }).click();
      await triage.getByText(/Resolved as\s*True positive/).waitFor();
      await page.locator('.page-header').getByText('Resolved · True positive').waitFor();

      // ...and flag it for a fix: a finding for remediation, linked from the case.
      await triage.getByRole('button', { name: 'Flag for fix' }).click();
      await triage.getByLabel(/Note for the fix/).fill('Confirmed attack: fix the injectable parameter.');
      await triage.getByRole('button', { name: 'Create finding' }).click();
      const flagged = triage.getByRole('status').filter({ hasText: 'Flagged for a fix' });
      await flagged.waitFor();
      const findingHref = await flagged.getByRole('link').getAttribute('href');
      expect(findingHref).toMatch(/^#\/findings\/.+/);
      await run.shot(page, 'case-resolved');

      const after = await run.api<CaseDetail>(`/cases/${encodeURIComponent(newest!.id)}`);
      expect(after.case.status).toBe('resolved');
      expect(after.case.resolution).toBe('true-positive');
      expect(after.case.flaggedFindingId).not.toBeNull();
      expect(findingHref).toBe(`#/findings/${encodeURIComponent(after.case.flaggedFindingId!)}`);
      // The history records the resolution and the flag.
      const history = page.getByRole('region', { name: 'History' });
      await history.getByText(/resolution: .* → True positive/).first().waitFor();
      await history.getByText(/flagged it for a fix/).first().waitFor();

      // The finding is in the Findings page.
      const finding = await run.api<Finding>(`/findings/${encodeURIComponent(after.case.flaggedFindingId!)}`);
      await page.goto(`/#/findings?ruleId=${encodeURIComponent(finding.ruleId)}`);
      await titled(page, 'Findings');
      await page.locator(`tbody a[href="${findingHref}"]`).waitFor();
      await run.shot(page, 'findings-flagged');
      await page.locator(`tbody a[href="${findingHref}"]`).click();
      await titled(page, finding.title);
    } finally {
      await context.close();
    }
  });

  it('the dashboard shows emerging threats by category and the new cases, linking to the queue', async () => {
    const summary = await run.api<CaseSummary>('/cases/summary');
    const daily = await run.api<{ days: Array<{ total: number }> }>('/threats/daily?days=30');
    const issues = daily.days.reduce((s, d) => s + d.total, 0);
    expect(issues).toBeGreaterThan(0);
    const { context, page } = await run.newPage();
    try {
      await run.signIn(page, 'soc-analyst');
      await titled(page, 'API security dashboard');
      const panel = page.getByRole('region', { name: 'Emerging threats' });
      await panel.getByRole('list', { name: 'Cases and issues' }).waitFor();
      expect(await tileValue(page, 'Cases and issues', 'New cases')).toBe(summary.new);
      expect(await tileValue(page, 'Cases and issues', 'Issues, 30 days')).toBe(issues);
      await panel.getByRole('img', { name: /^Threat issues per day by category/ }).waitFor();
      expect(await panel.getByRole('list', { name: 'Legend' }).getByRole('listitem').count()).toBeGreaterThan(0);
      await run.shot(page, 'dashboard');
      await panel.screenshot({ path: path.join(SHOTS, 'dashboard-panel.png') });
      await panel.getByRole('link', { name: /New cases/ }).click();
      await titled(page, 'Cases');
      await page.waitForURL(/#\/cases\?status=new/);
    } finally {
      await context.close();
    }
  });

  it('shows the queue to roles with cases:read only, and the triage controls to those who may change cases', async () => {
    for (const role of ['workload-owner', 'auditor']) {
      const { context, page } = await run.newPage();
      try {
        await run.signIn(page, role);
        // A workload owner starts at their tasks; the dashboard is a click away.
        await titled(page, role === 'workload-owner' ? 'My tasks' : 'API security dashboard');
        if (role === 'workload-owner') {
          await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
          await titled(page, 'API security dashboard');
        }
        const nav = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
        expect(nav.includes('Cases'), `${role} sees Cases in the navigation`).toBe(role === 'auditor');
        expect(await page.getByRole('region', { name: 'Emerging threats' }).count()).toBe(role === 'auditor' ? 1 : 0);
        await page.goto('/#/cases');
        if (role === 'workload-owner') {
          await titled(page, 'Not available for your role');
          continue;
        }
        await titled(page, 'Cases');
        await page.getByRole('table').locator('tbody tr a').first().click();
        await page.getByRole('region', { name: /^Evidence/ }).waitFor();
        await page.getByText('Your role can read cases but not change them').waitFor();
        expect(await page.getByRole('button', { name: 'Resolve case' }).count()).toBe(0);
        expect(await page.getByRole('button', { name: 'Flag for fix' }).count()).toBe(0);
        expect(await page.getByLabel('Add a comment').count()).toBe(0);
        await run.shot(page, `case-${role}`);
      } finally {
        await context.close();
      }
    }
  });

  it('fits an 800 px screen: no sideways scrolling of the page', async () => {
    const newest = (await run.api<CasePage>('/cases?limit=1')).items[0]!;
    const scroll = await run.sidewaysScroll('soc-analyst', [
      ['queue', '#/cases'],
      ['case', `#/cases/${encodeURIComponent(newest.id)}`],
      ['dashboard', '#/dashboard'],
    ]);
    expect(scroll, 'pixels each page scrolls sideways').toEqual({ queue: 0, case: 0, dashboard: 0 });
  });

  it('no page raised an error, logged one, or broke the content security policy', () => {
    expect(run.problems).toEqual([]);
  });
});
