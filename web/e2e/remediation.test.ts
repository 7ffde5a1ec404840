/**
 * The remediation loop end to end, in real headless Chromium, against a real Bulwark server on loopback
 * (opened from the source on a fresh data directory) and a real SMTP server on loopback:
 *
 * traffic sends an API key in the URL -> Bulwark opens a task for the Shop application -> the practitioner
 * sees it on the board under Shop and sends it -> the owner's digest arrives by email and its link opens
 * the task -> the owner marks the task in progress with a comment, then fixed -> clean traffic comes in ->
 * the task is verified, with the evidence.
 *
 * Everything is seeded through the HTTP API (users invited and accepted, the application, the traffic);
 * the remediation sync runs after each ingestion flush, the outbox on its own schedule. Screenshots go to
 * `test-output/remediation/`. Needs Debian's `chromium` and a built console (`npm run build`).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OneTimeLink } from '../../src/contracts/api.js';
import type { Application } from '../../src/contracts/identity.js';
import type { RemediationTask, TaskDetail } from '../../src/contracts/remediation.js';
import { openBulwark, type Bulwark } from '../../src/app/context.js';
import { loadConfig } from '../../src/config/config.js';
import { TEST_SCRYPT_COST } from '../../src/identity/passwords.js';
import { closedPort, startSmtpServer, type ReceivedMail, type SmtpTestServer } from '../../src/remediation/delivery/fixtures/smtp-test-server.js';
import { ensureAdminToken, ensureAdminUser, startServer, type RunningServer } from '../../src/server/serve.js';
import { createLogger } from '../../src/util/logger.js';
import { CHROMIUM, CHROMIUM_FLAGS, consoleBrowser, ROOT, titled, type Account, type ConsoleBrowser } from './harness.js';

const SHOTS = path.join(ROOT, 'test-output', 'remediation');
const PASSWORD = 'correct horse battery staple';
const HOST = 'shop.example';
/** A live-looking key: it must never reach the page (the pipeline redacts it before storing anything). */
const API_KEY = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
const OWNER = { email: 'olivia@shop.example', displayName: 'Olivia Owner' };
const PRACTITIONER = { email: 'pat@security.example', displayName: 'Pat Practitioner' };
/** Clean calls after "fixed" that verify the task (remediation.verification.minCalls below). */
const MIN_CALLS = 5;

let dataDir: string;
let smtp: SmtpTestServer;
let bw: Bulwark;
let server: RunningServer;
let browser: Browser;
let run: ConsoleBrowser;
let token: string;

/** The API with the admin token; throws with the answer on any non-2xx. */
async function api<T>(method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}/api/v1${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Invites a user and accepts the invitation as they would: the account is active with a known password. */
async function account(role: string, who: { email: string; displayName: string }): Promise<{ account: Account; id: string }> {
  const link = await api<OneTimeLink>('POST', '/users', { email: who.email, role, displayName: who.displayName });
  const res = await fetch(`${server.url}/api/v1/auth/accept-invitation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: link.token, password: PASSWORD }),
  });
  expect(res.status, await res.text()).toBe(200);
  return { account: { role, email: who.email, password: PASSWORD }, id: link.user.id };
}

/** One call to the shop's orders endpoint: with the API key in the query string, or (fixed) in the Authorization header. */
function orderCall(i: number, fixed: boolean) {
  return {
    timestamp: new Date(Date.now() - 60_000 + i * 100).toISOString(),
    request: {
      method: 'GET',
      url: fixed ? `https://${HOST}/v1/orders` : `https://${HOST}/v1/orders?api_key=${API_KEY}`,
      headers: fixed ? { authorization: `Bearer ${API_KEY}` } : {},
      clientAddress: '203.0.113.9',
    },
    // The security headers are there, so that the key in the URL is the only problem.
    response: {
      status: 200,
      headers: { 'content-type': 'application/json', 'strict-transport-security': 'max-age=63072000', 'x-content-type-options': 'nosniff' },
      body: '{"orders":[]}',
    },
    latencyMs: 12,
  };
}

async function ingest(calls: unknown[]): Promise<void> {
  const r = await api<{ accepted: number; rejected: number }>('POST', '/events', calls);
  expect(r).toMatchObject({ accepted: calls.length, rejected: 0 });
}

/** Waits (bounded) for the SMTP server to have received a message for `to`. */
async function mailTo(to: string, timeoutMs = 15_000): Promise<ReceivedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = smtp.received.find((m) => m.rcptTo.includes(to));
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error(`no email to ${to} within ${timeoutMs} ms (received: ${smtp.received.map((m) => m.rcptTo.join(',')).join('; ') || 'none'})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install it with: apt-get install -y chromium`);
  if (!existsSync(path.join(ROOT, 'dist', 'web', 'index.html'))) throw new Error('the console is not built: run `npm run build` first (`npm test` does)');
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'bulwark-e2e-remediation-'));
  [smtp, browser] = await Promise.all([startSmtpServer(), chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: 30_000 })]);
  // The console's address goes into the emails' links, so the port is chosen before the server starts.
  const port = await closedPort();
  const config = loadConfig({
    env: { BULWARK_DATA_DIR: dataDir },
    overrides: {
      server: { port },
      remediation: {
        consoleUrl: `http://127.0.0.1:${port}`,
        verification: { minCalls: MIN_CALLS },
        delivery: { pollSeconds: 0.2, backoffSeconds: 0.2 },
        // A loopback SMTP server without TLS: 'never' says so knowingly.
        email: { host: '127.0.0.1', port: smtp.port, starttls: 'never', from: 'bulwark@security.example', timeoutMs: 5000 },
      },
    },
  });
  bw = await openBulwark(config, createLogger('warn'), {}, { identity: { passwordCost: TEST_SCRYPT_COST } });
  server = await startServer(bw, { port });
  // The first start's admin account and token, as `bulwark serve` creates them.
  token = (await ensureAdminToken(bw))!;
  const admin = (await ensureAdminUser(bw))!;
  const owner = await account('workload-owner', OWNER);
  const practitioner = await account('security-practitioner', PRACTITIONER);
  await api<Application>('POST', '/applications', {
    name: 'Shop',
    owners: [owner.id],
    matchers: [{ host: HOST }],
    team: 'commerce',
    contacts: ['shop-team@example.com'],
    criticality: 'high',
    dataTags: ['pci', 'pii'],
  });
  const accounts = new Map<string, Account>([
    ['admin', { role: 'admin', ...admin }],
    ['workload-owner', owner.account],
    ['security-practitioner', practitioner.account],
  ]);
  run = consoleBrowser(browser, { url: server.url, token, accounts }, SHOTS);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await bw?.close();
  await smtp?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('remediation: from a finding to a verified fix', () => {
  let task: RemediationTask;

  it('traffic with an API key in the URL opens a task for the Shop application', async () => {
    await ingest(Array.from({ length: 3 }, (_, i) => orderCall(i, false)));
    const tasks = await api<{ items: RemediationTask[] }>('GET', '/tasks?state=all');
    expect(tasks.items.map((t) => t.ruleId)).toEqual(['posture-credentials-in-url']);
    task = tasks.items[0]!;
    expect(task).toMatchObject({ status: 'open', sla: 'on-track', host: HOST, method: 'GET', pathTemplate: '/v1/orders' });
  });

  it('the practitioner finds it on the board under Shop, sends it to the owners, takes it and moves its due date', async () => {
    const { context, page } = await run.newPage();
    try {
      await run.signIn(page, 'security-practitioner');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Remediation board' }).click();
      await titled(page, 'Remediation board');

      const shop = page.getByRole('list', { name: 'Owners' }).getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Shop' }) });
      await shop.waitFor();
      await shop.getByText('Team commerce').waitFor();
      expect(await shop.locator('.owner-counts').innerText()).toMatch(/Active\s+1\s+Overdue\s+0\s+Approaching\s+0/i);
      await shop.getByText('High', { exact: true }).waitFor();

      const row = page.getByRole('row', { name: new RegExp(`${task.ref} Credentials in the URL`) });
      await row.getByText('On track').waitFor();
      await row.getByText(/^due in \d+ days$/).waitFor();
      await row.getByRole('checkbox', { name: `Select ${task.ref} Credentials in the URL` }).check();
      const bulk = page.getByRole('group', { name: 'Bulk actions' });
      await bulk.getByText('1 task selected').waitFor();
      await run.shot(page, 'board-selected');

      await bulk.getByRole('button', { name: 'Send to owners' }).click();
      await bulk.getByRole('status').filter({ hasText: 'Sent 1 task: queued 1 message to the owners' }).waitFor();
      await run.shot(page, 'board-sent');

      // Bulk assign: the practitioner takes it; it is then in their "My tasks".
      await row.getByRole('checkbox', { name: `Select ${task.ref} Credentials in the URL` }).check();
      await bulk.getByLabel('Assign to').selectOption({ label: 'Me' });
      await bulk.getByRole('button', { name: 'Assign' }).click();
      await bulk.getByRole('status').filter({ hasText: 'Assigned 1 task to You (1 changed).' }).waitFor();
      await row.getByRole('cell', { name: 'You' }).waitFor();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My tasks' }).click();
      await titled(page, 'My tasks');
      await row.waitFor();

      // On the task page the practitioner moves the due date; an acceptance longer than allowed is refused in place.
      await row.getByRole('link', { name: 'Credentials in the URL' }).click();
      await titled(page, `${task.ref} Credentials in the URL`);
      const manage = page.getByRole('region', { name: 'Manage' });
      const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
      await manage.getByLabel('Due date (UTC)').fill(day(10));
      await manage.getByRole('button', { name: 'Change due date' }).click();
      await page.getByRole('region', { name: 'History' }).getByText(/moved the due date from .* to/).waitFor();
      await page.locator('dl.facts').getByText('due in 10 days', { exact: true }).waitFor();
      const accept = manage.getByRole('form', { name: 'Accept the risk' });
      await accept.getByLabel('Reason').fill('Legacy mobile app still sends the key; retiring it next quarter.');
      await accept.getByLabel('Expires on (UTC)').fill(day(800));
      await accept.getByRole('button', { name: 'Accept risk' }).click();
      await accept.getByRole('alert').getByText(/at most 365 days/).waitFor();
      await page.locator('.page-header').getByText('Open', { exact: true }).waitFor();
      await run.shot(page, 'task-manage');

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Remediation board' }).click();
      await titled(page, 'Remediation board');

      // The card's link filters the list to the application.
      await shop.getByRole('link', { name: 'Shop' }).click();
      await page.waitForURL(/#\/remediation\?application=/);
      await row.waitFor();
    } finally {
      await context.close();
    }
  });

  it("the owner's digest arrives by email, in plain text and HTML, with a link to the task", async () => {
    const mail = await mailTo(OWNER.email);
    expect(mail.rcptTo.sort()).toEqual(['olivia@shop.example', 'shop-team@example.com']);
    expect(mail.parsed.subject).toBe('[Bulwark] Shop: 1 new remediation task');
    const text = mail.parsed.text ?? '';
    expect(text).toContain(`${task.ref}  HIGH  Credentials in the URL`);
    expect(text).not.toContain(API_KEY);
    expect(String(mail.parsed.html)).toContain('Credentials in the URL');
    const link = new RegExp(`${server.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\S*${task.id}`).exec(text)?.[0];
    expect(link, `no link to task ${task.id} in the digest:\n${text}`).toBeDefined();
    expect(String(mail.parsed.html)).toContain(link);

    // The owner follows the link, signed in: it opens the task's page in the console.
    const { context, page } = await run.newPage();
    try {
      await run.signIn(page, 'workload-owner');
      // The console routes by the hash: the link opens the console's page and the task's route (a link to
      // `/tasks/<id>` would reach the API's 404).
      const url = new URL(link!);
      expect(`${url.pathname}${url.hash}`).toBe(`/#/tasks/${task.id}`);
      await page.goto(link!);
      await titled(page, `${task.ref} Credentials in the URL`);
    } finally {
      await context.close();
    }
  });

  it('the owner lands on My tasks, opens the task, marks it in progress with a comment, then fixed', async () => {
    const { context, page } = await run.newPage();
    try {
      await run.signIn(page, 'workload-owner');
      // An owner's start page is their tasks.
      await titled(page, 'My tasks');
      expect(page.url()).toMatch(/#\/tasks$/);
      await page.getByRole('row', { name: new RegExp(`${task.ref} Credentials in the URL`) }).waitFor();
      expect(await page.getByRole('group', { name: 'Bulk actions' }).count(), 'owners have no bulk actions').toBe(0);
      await run.shot(page, 'my-tasks');

      await page.getByRole('link', { name: 'Credentials in the URL' }).click();
      await titled(page, `${task.ref} Credentials in the URL`);
      const facts = page.locator('dl.facts');
      await facts.getByText('Shop', { exact: true }).waitFor();
      await facts.getByRole('link', { name: `Endpoint GET ${HOST}/v1/orders` }).waitFor();
      const findings = page.getByRole('region', { name: 'Findings (1)' });
      await findings.getByText('api-key sent in query parameter "api_key"').waitFor();
      await page.getByRole('region', { name: 'How to fix it' }).getByText(/Send credentials in the Authorization header/).waitFor();
      expect(await page.locator('main').innerText()).not.toContain(API_KEY);

      const work = page.getByRole('region', { name: 'Work on this task' });
      await work.getByLabel(/^Comment/).fill('Moving the key to the Authorization header; rotating it today.');
      await work.getByRole('button', { name: 'Mark in progress' }).click();
      await page.locator('.page-header').getByText('In progress', { exact: true }).waitFor();
      const history = page.getByRole('region', { name: 'History' });
      await history.getByText('Moving the key to the Authorization header; rotating it today.').waitFor();
      await history.getByText(/changed the status from Open to\s*In progress/).waitFor();

      await work.getByText('Bulwark verifies the fix from later traffic or the next spec version').waitFor();
      await work.getByRole('button', { name: 'Mark fixed' }).click();
      await page.locator('.page-header').getByText('Fixed, awaiting verification', { exact: true }).waitFor();
      await page.getByRole('status').filter({ hasText: 'Bulwark verifies the fix from later traffic' }).waitFor();
      await run.shot(page, 'task-fixed');

      // Clean traffic: the key now travels in the Authorization header. The sync after the flush verifies.
      await ingest(Array.from({ length: MIN_CALLS + 1 }, (_, i) => orderCall(100 + i, true)));
      const detail = await api<TaskDetail>('GET', `/tasks/${encodeURIComponent(task.id)}`);
      expect(detail.task.status).toBe('verified');

      await page.reload();
      await page.locator('.page-header').getByText('Verified', { exact: true }).waitFor();
      const verified = page.getByRole('status').filter({ hasText: 'Verified from later traffic' });
      await verified.getByText(/\d+ calls to GET \/v1\/orders since it was marked fixed .*; none showed "Credentials in the URL" again/).waitFor();
      await page.getByRole('region', { name: 'History' }).getByText('verified the fix').waitFor();
      expect(await page.getByRole('button', { name: 'Mark fixed' }).count()).toBe(0);
      await run.shot(page, 'task-verified');
    } finally {
      await context.close();
    }
  });

  it('the admin sees the unowned endpoints, edits the application, reads the ownership rules and tests which owner gets an endpoint', async () => {
    // A host no rule claims.
    await ingest([{ ...orderCall(200, true), request: { method: 'GET', url: 'https://legacy.example/ping', headers: {}, clientAddress: '203.0.113.9' } }]);
    const { context, page } = await run.newPage();
    try {
      await run.signIn(page, 'admin');
      await titled(page, 'API security dashboard');
      const unowned = page.getByRole('list', { name: 'Key figures' }).getByRole('link', { name: /Unowned endpoints/ });
      await unowned.getByText('no ownership rule claims them').waitFor();
      expect(await unowned.locator('.tile-value').innerText()).toBe('1');
      await unowned.click();
      await titled(page, 'API inventory');
      await page.waitForURL(/#\/inventory\?application=none/);
      await page.getByRole('table').getByText('legacy.example').first().waitFor();
      expect(await page.getByRole('table').getByText(HOST).count(), 'an owned endpoint in the unowned list').toBe(0);

      await page.goto('/#/settings/applications');
      await titled(page, 'Applications');
      const row = page.getByRole('row', { name: /Shop/ });
      await row.getByText('commerce').waitFor();
      await row.getByText('pci').waitFor();
      await row.getByRole('button', { name: 'Edit Shop' }).click();
      await page.getByLabel('Owner team').fill('commerce-platform');
      await page.getByLabel('Business criticality').selectOption('critical');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Saved Shop.' }).waitFor();
      await row.getByText('commerce-platform').waitFor();
      await row.getByText('Critical').waitFor();
      await run.shot(page, 'applications');

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ownership rules' }).click();
      await titled(page, 'Ownership rules');
      await page.getByLabel('Rule 1 host').waitFor();
      expect(await page.getByLabel('Rule 1 host').inputValue()).toBe(HOST);

      // Which owner gets the legacy host? Nobody yet: every rule says why it does not match.
      const tester = page.getByRole('form', { name: 'Test the ownership rules' });
      const answer = page.getByRole('status', { name: 'Ownership test result' });
      await tester.getByLabel('Host', { exact: true }).fill('legacy.example');
      await tester.getByLabel('Path', { exact: true }).fill('/ping');
      await tester.getByRole('button', { name: 'Test' }).click();
      await answer.getByText('no rule matches').waitFor();
      await answer.getByText('Every rule, and why it did not match').waitFor();
      await answer.getByText(/host legacy\.example is not shop\.example/).waitFor();

      // A rule for it, moved first, saved: the list is replaced and the endpoint moves to Shop.
      const rules = page.getByRole('form', { name: 'Ownership rules' });
      await rules.getByRole('button', { name: 'Add rule' }).click();
      await rules.getByLabel('Rule 2 id').fill('legacy-ping');
      await rules.getByLabel('Rule 2 application').selectOption({ label: 'Shop' });
      await rules.getByLabel('Rule 2 host').fill('legacy.example');
      await rules.getByLabel('Rule 2 note').fill('the old status host, until it is retired');
      await rules.getByRole('button', { name: 'Move up rule 2' }).click();
      expect(await rules.getByLabel('Rule 1 id').inputValue()).toBe('legacy-ping');
      await rules.getByText('Unsaved changes').waitFor();
      await rules.getByRole('button', { name: 'Save rules' }).click();
      await page.getByRole('region', { name: 'Rules, in order' }).getByRole('status').filter({ hasText: 'Saved 2 rules; 1 endpoint changed application.' }).waitFor();
      expect(await rules.getByLabel('Rule 1 id').inputValue(), 'the saved order, as the server has it').toBe('legacy-ping');
      expect(await rules.getByText('Unsaved changes').count()).toBe(0);

      // Now the shop's endpoint is claimed by rule 2, and the tester says why rule 1 did not claim it.
      await tester.getByLabel('Host', { exact: true }).fill(HOST);
      await tester.getByLabel('Path', { exact: true }).fill('/v1/orders');
      await tester.getByRole('button', { name: 'Test' }).click();
      await answer.getByText(/rule 2 .* matched/).waitFor();
      await answer.getByText('Shop', { exact: true }).waitFor();
      await answer.getByText('Earlier rules, and why they did not match').waitFor();
      await answer.getByText(/legacy-ping/).waitFor();
      await run.shot(page, 'ownership-rules');
    } finally {
      await context.close();
    }
  });

  it('fits an 800 px screen: no sideways scrolling of the board, the task page or the rules', async () => {
    const scroll = await run.sidewaysScroll('security-practitioner', [
      ['board', '#/remediation?state=all'],
      ['task', `#/tasks/${encodeURIComponent(task.id)}`],
      ['rules', '#/settings/ownership'],
    ]);
    expect(scroll, 'pixels each page scrolls sideways').toEqual({ board: 0, task: 0, rules: 0 });
  });

  it('no page raised an error, logged one, or broke the content security policy', () => {
    // The refused risk acceptance answers 400, which the browser logs on the task page; nothing else may.
    expect(run.problems.filter((p) => !/#\/tasks\/\S+: Failed to load resource: .* status of 400 \(Bad Request\)$/.test(p))).toEqual([]);
  });
});
