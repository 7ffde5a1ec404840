import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBulwark, type Bulwark } from '../app/context.js';
import { loadConfig } from '../config/config.js';
import type { ApiEvent } from '../contracts/api-event.js';
import type { OutboxMessage } from '../contracts/remediation.js';
import type { Caller } from '../identity/identity-service.js';
import { DEFAULT_LIMITS, normalizeEvent } from '../normalize/index.js';
import type { IngestRecord } from '../pipeline/pipeline.js';
import { createLogger } from '../util/logger.js';
import { SendError, type DeliveryChannel } from './delivery/channel.js';
import { createRemediationService, type RemediationService } from './service.js';
import { createSpecRegistry, LOCAL_OPERATOR } from '../spec/registry.js';

/*
 * Remediation on a real store and a real pipeline: traffic makes findings, findings make tasks, owners work
 * them, later traffic verifies or reopens them, and messages go through the stored outbox.
 */

const KEY = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
let tmp: string;
let bw: Bulwark;
let clock = Date.parse('2026-11-20T10:00:00.000Z');

function call(path: string, withKey: boolean): IngestRecord {
  const r = normalizeEvent(
    {
      timestamp: new Date((clock += 1000)).toISOString(),
      request: { method: 'GET', url: `https://shop.example${path}${withKey ? `?api_key=${KEY}` : ''}`, headers: { 'user-agent': 'shop-app/2.1' }, clientAddress: '198.51.100.7' },
      response: { status: 200, headers: { 'content-type': 'application/json', 'strict-transport-security': 'max-age=31536000', 'x-content-type-options': 'nosniff' }, body: { contentType: 'application/json', text: '{"ok":true}' } },
    },
    { source: 'ndjson', limits: DEFAULT_LIMITS },
  );
  if (!r.ok) throw new Error(r.reject.reason);
  return { kind: 'event', event: r.event as ApiEvent };
}
const calls = (n: number, withKey: boolean) => Array.from({ length: n }, () => call('/v1/orders', withKey));

const at = (iso: string) => new Date(iso);
const user = (id: string, role: 'workload-owner' | 'security-practitioner', applications: string[] | 'all'): Caller => ({
  principal: { kind: 'user', id, name: `${id}@example.com`, role, applications },
});
const owner = user('u-owner', 'workload-owner', ['app-shop']);
const stranger = user('u-other', 'workload-owner', ['app-other']);
const practitioner = user('u-prac', 'security-practitioner', 'all');

/** A channel that records what it was given, failing as told: the outbox's behaviour is under test here. */
function recordingChannel(name: string, kind: DeliveryChannel['kind'], fail?: () => SendError | null): DeliveryChannel & { got: OutboxMessage[] } {
  const got: OutboxMessage[] = [];
  return {
    name,
    kind,
    got,
    accepts: (m) => (kind === 'email' ? m.kind === 'digest' : kind === 'webhook' ? m.kind === 'task-change' : m.kind === 'ticket'),
    async send(m) {
      const err = fail?.();
      if (err) throw err;
      got.push(m);
      return kind === 'jira' ? { ticket: { system: 'jira', key: 'SEC-7', url: 'https://jira.example/browse/SEC-7', status: 'To Do', syncedAt: null } } : {};
    },
    async close() {},
  };
}

beforeEach(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-remediation-'));
  const config = loadConfig({ env: { BULWARK_DATA_DIR: join(tmp, 'data') }, overrides: { remediation: { verification: { minCalls: 5 } }, detection: { enabled: false } } });
  bw = await openBulwark(config, createLogger('silent'));
  const t = '2026-11-01T00:00:00.000Z';
  await bw.store.createApplication({ id: 'app-shop', name: 'Shop', owners: [], matchers: [{ host: 'shop.example' }], team: 'Shop team', contacts: ['shop-team@example.com'], criticality: 'high', dataTags: ['pci'], createdAt: t, updatedAt: t });
});
afterEach(async () => {
  await bw.close();
  rmSync(tmp, { recursive: true, force: true });
});

function service(now: () => Date, channels: DeliveryChannel[] = [], maxAttempts = 3): RemediationService {
  return createRemediationService({ store: bw.store, config: { ...bw.config.remediation, delivery: { ...bw.config.remediation.delivery, maxAttempts, backoffSeconds: 60 } }, channels, logger: bw.logger, now });
}

describe('findings become tasks', () => {
  it('groups the findings of one rule on one endpoint into one task for the endpoint application, due by severity', async () => {
    await bw.pipeline.ingest(calls(3, true));
    const page = await bw.remediation.listTasks({}, null);
    expect(page.total).toBe(1);
    const t = page.items[0]!;
    expect(t).toMatchObject({ ref: 'T-1', ruleId: 'posture-credentials-in-url', source: 'traffic', severity: 'high', status: 'open', applicationId: 'app-shop', method: 'GET', pathTemplate: '/v1/orders', findingCount: 1, openFindings: 1, sla: 'on-track' });
    expect(Date.parse(t.dueAt) - Date.parse(t.createdAt)).toBe(14 * 86_400_000);

    // More of the same problem joins the same task.
    await bw.pipeline.ingest(calls(2, true));
    expect((await bw.remediation.listTasks({}, null)).total).toBe(1);
    const detail = await bw.remediation.taskDetail(t.id, null);
    expect(detail.findings).toHaveLength(1);
    expect(detail.findings[0]!.count).toBe(5);
    expect(detail.history.map((e) => e.kind)).toEqual(['created']);
    expect(detail.applicationName).toBe('Shop');
    // Redacted evidence only.
    expect(JSON.stringify(detail)).not.toContain(KEY);
  });

  it('moves tasks with their endpoint when ownership changes', async () => {
    await bw.pipeline.ingest(calls(1, true));
    const t = '2026-11-02T00:00:00.000Z';
    await bw.store.createApplication({ id: 'app-orders', name: 'Orders', owners: [], matchers: [], team: null, contacts: [], criticality: 'medium', dataTags: [], createdAt: t, updatedAt: t });
    const app = (await bw.store.getApplication('app-shop'))!;
    await bw.store.updateApplication({ ...app, matchers: [{ host: 'shop.example', pathPrefix: '/v2' }] });
    expect((await bw.remediation.listTasks({}, null)).items.map((x) => x.applicationId)).toEqual([null]);
    await bw.store.updateApplication({ ...(await bw.store.getApplication('app-orders'))!, matchers: [{ host: 'shop.example' }] });
    expect((await bw.remediation.listTasks({}, null)).items.map((x) => x.applicationId)).toEqual(['app-orders']);
  });

  it('shows owners only their applications\' tasks; others get not found', async () => {
    await bw.pipeline.ingest(calls(1, true));
    const t = (await bw.remediation.listTasks({}, null)).items[0]!;
    expect((await bw.remediation.listTasks({}, owner)).total).toBe(1);
    expect((await bw.remediation.listTasks({}, stranger)).total).toBe(0);
    await expect(bw.remediation.taskDetail(t.id, stranger)).rejects.toMatchObject({ code: 'not_found' });
    await expect(bw.remediation.updateTask(t.id, { status: 'fixed' }, stranger)).rejects.toMatchObject({ code: 'not_found' });
    // Owners work their tasks but do not set due dates or accept risk.
    await expect(bw.remediation.updateTask(t.id, { dueAt: '2027-01-01T00:00:00.000Z' }, owner)).rejects.toMatchObject({ code: 'not_allowed' });
    await expect(bw.remediation.acceptRisk(t.id, { reason: 'legacy client', expiresAt: '2027-01-01T00:00:00.000Z' }, owner)).rejects.toMatchObject({ code: 'not_allowed' });
  });
});

describe('verification', () => {
  it('verifies a fixed task after enough clean calls, and reopens it with a fresh due date when the problem comes back', async () => {
    await bw.pipeline.ingest(calls(3, true));
    const t = (await bw.remediation.listTasks({}, null)).items[0]!;
    await bw.remediation.updateTask(t.id, { status: 'in-progress', comment: 'rotating the key and moving it to a header' }, owner);
    const fixed = await bw.remediation.updateTask(t.id, { status: 'fixed' }, owner);
    expect(fixed.status).toBe('fixed');

    await bw.pipeline.ingest(calls(4, false));
    expect((await bw.remediation.taskDetail(t.id, null)).task.status).toBe('fixed');
    await bw.pipeline.ingest(calls(1, false));
    const verified = await bw.remediation.taskDetail(t.id, null);
    expect(verified.task.status).toBe('verified');
    expect(verified.task.verification).toMatchObject({ source: 'traffic' });
    expect(verified.task.verification!.summary).toMatch(/^5 calls to GET \/v1\/orders since it was marked fixed/);
    expect(verified.task.sla).toBe('met');
    // The finding is resolved with it, so the inventory agrees.
    expect(verified.findings.map((f) => f.status)).toEqual(['resolved']);
    expect(verified.task.openFindings).toBe(0);

    await bw.pipeline.ingest(calls(1, true));
    const reopened = await bw.remediation.taskDetail(t.id, null);
    expect(reopened.task.status).toBe('reopened');
    expect(reopened.task.reopenCount).toBe(1);
    expect(reopened.findings.map((f) => f.status)).toEqual(['open']);
    expect(reopened.task.verification!.summary).toMatch(/seen again: 1 more occurrence/);
    expect(reopened.history.map((e) => e.kind)).toEqual(['reopened', 'verified', 'status', 'comment', 'status', 'created']);
  });

  it('does not verify while the problem is still seen', async () => {
    await bw.pipeline.ingest(calls(1, true));
    const t = (await bw.remediation.listTasks({}, null)).items[0]!;
    await bw.remediation.updateTask(t.id, { status: 'fixed' }, owner);
    await bw.pipeline.ingest([...calls(3, false), ...calls(1, true), ...calls(3, false)]);
    expect((await bw.remediation.taskDetail(t.id, null)).task.status).toBe('reopened');
  });
});

describe('spec-audit findings', () => {
  const spec = (withSecurity: boolean) => `openapi: 3.0.3
info: { title: Shop API, version: '1' }
servers: [{ url: 'https://shop.example/v1' }]
${withSecurity ? 'security: [{ key: [] }]\n' : ''}components:
  securitySchemes: { key: { type: apiKey, in: header, name: X-Api-Key } }
paths:
  /orders:
    get:
      operationId: listOrders
      responses:
        '200': { description: ok }
        '401': { description: no }
        '500': { description: error }
`;

  it('make tasks on the spec, verified when a new version drops the problem', async () => {
    const registry = createSpecRegistry({ store: bw.store, audit: bw.identity.audit, clock: { now: () => new Date() } });
    const first = await registry.importSpec(LOCAL_OPERATOR, { text: spec(false), fileName: 'shop.yaml' });
    await bw.remediation.sync();
    const tasks = (await bw.remediation.listTasks({ q: '' }, null)).items.filter((t) => t.specId === first.spec.id);
    // One task per rule on the spec: two error responses without a schema are one task with two findings.
    expect(tasks.find((t) => t.ruleId === 'spec-response-error-no-schema')).toMatchObject({ findingCount: 2, method: 'GET', pathTemplate: '/orders' });
    const security = tasks.find((t) => t.ruleId === 'spec-security-read-unprotected')!;
    expect(security).toMatchObject({ source: 'spec-audit', specId: first.spec.id, applicationId: 'app-shop', host: 'shop.example', endpointId: null });

    // The owner fixes the spec; the next version no longer has the finding.
    await bw.remediation.updateTask(security.id, { status: 'fixed' }, owner);
    await registry.importSpec(LOCAL_OPERATOR, { specId: first.spec.id, text: spec(true), fileName: 'shop.yaml' });
    await bw.remediation.sync();
    const after = await bw.remediation.taskDetail(security.id, null);
    expect(after.task.status).toBe('verified');
    expect(after.task.verification).toMatchObject({ source: 'spec-version' });
    expect(after.task.verification!.summary).toMatch(/^the latest spec version no longer has/);

    // Pinned to another application: the spec's tasks follow it.
    const t = '2026-11-02T00:00:00.000Z';
    await bw.store.createApplication({ id: 'app-api', name: 'API team', owners: [], matchers: [], team: null, contacts: [], criticality: 'medium', dataTags: [], createdAt: t, updatedAt: t });
    await registry.importSpec(LOCAL_OPERATOR, { specId: first.spec.id, text: spec(true), fileName: 'shop.yaml', applicationId: 'app-api' });
    expect((await bw.remediation.taskDetail(security.id, null)).task.applicationId).toBe('app-api');

    // A later version brings the problem back: the task reopens.
    await registry.importSpec(LOCAL_OPERATOR, { specId: first.spec.id, text: spec(false), fileName: 'shop.yaml' });
    await bw.remediation.sync();
    expect((await bw.remediation.taskDetail(security.id, null)).task).toMatchObject({ status: 'reopened', reopenCount: 1 });
  });
});

describe('risk acceptance and SLA', () => {
  it('records the approver, refuses long acceptances, and reopens the task when the acceptance expires', async () => {
    await bw.pipeline.ingest(calls(1, true));
    const t = (await bw.remediation.listTasks({}, null)).items[0]!;
    let now = at('2026-11-25T00:00:00.000Z');
    const svc = service(() => now);
    await expect(svc.acceptRisk(t.id, { reason: 'partner app, migrating', expiresAt: '2028-01-01T00:00:00.000Z' }, practitioner)).rejects.toMatchObject({ code: 'invalid_input' });
    const accepted = await svc.acceptRisk(t.id, { reason: 'partner app, migrating', expiresAt: '2026-12-01T00:00:00.000Z' }, practitioner);
    expect(accepted).toMatchObject({ status: 'risk-accepted', riskAcceptance: { approver: { id: 'u-prac' }, reason: 'partner app, migrating' } });
    expect(await svc.checkSla()).toEqual({ expired: 0, announced: 0 });
    now = at('2026-12-02T00:00:00.000Z');
    expect((await svc.checkSla()).expired).toBe(1);
    const after = await svc.taskDetail(t.id, null);
    expect(after.task).toMatchObject({ status: 'reopened', riskAcceptance: null });
    expect(after.task.verification!.summary).toContain('risk acceptance by u-prac@example.com expired');
    expect(Date.parse(after.task.dueAt)).toBe(now.getTime() + 14 * 86_400_000);
  });

  it('computes SLA states from the due date and announces each change once', async () => {
    await bw.pipeline.ingest(calls(1, true));
    const t = (await bw.remediation.listTasks({}, null)).items[0]!;
    const created = Date.parse(t.createdAt);
    let now = new Date(created + 2 * 86_400_000);
    const hook = recordingChannel('webhook:0', 'webhook');
    const svc = service(() => now, [hook]);
    expect((await svc.listTasks({ sla: 'on-track' }, null)).total).toBe(1);
    now = new Date(created + 11 * 86_400_000); // the last quarter of 14 days
    expect((await svc.listTasks({ sla: 'approaching' }, null)).items.map((x) => x.sla)).toEqual(['approaching']);
    expect((await svc.checkSla()).announced).toBe(1);
    expect((await svc.checkSla()).announced).toBe(0);
    now = new Date(created + 15 * 86_400_000);
    expect((await svc.listTasks({ sla: 'overdue' }, null)).total).toBe(1);
    expect((await svc.checkSla()).announced).toBe(1);
    await svc.deliverDue();
    expect(hook.got.map((m) => (m.kind === 'task-change' ? `${m.change.event.kind}:${m.change.event.to}` : m.kind))).toEqual(['sla:approaching', 'sla:overdue']);
    const board = await svc.board(null);
    expect(board).toEqual([expect.objectContaining({ applicationId: 'app-shop', applicationName: 'Shop', team: 'Shop team', active: 1, overdue: 1 })]);
  });
});

describe('digests, tickets and the outbox', () => {
  it('sends each owner one digest of new tasks, then only overdue ones, and keeps the ticket key on the task', async () => {
    await bw.pipeline.ingest(calls(1, true));
    const t = (await bw.remediation.listTasks({}, null)).items[0]!;
    const email = recordingChannel('email', 'email');
    const jira = recordingChannel('jira', 'jira');
    const now = at('2026-11-25T08:00:00.000Z');
    const svc = service(() => now, [email, jira]);
    expect(await svc.queueDigests()).toEqual({ digests: 1, tasks: 1 });
    expect(await svc.queueDigests()).toEqual({ digests: 0, tasks: 0 });
    expect(await svc.bulk({ ids: [t.id], send: true }, practitioner)).toEqual({ updated: 0, queued: 2 });
    expect(await svc.deliverDue()).toEqual({ sent: 3, retried: 0, dead: 0 });
    const digest = email.got[0]!;
    expect(digest.kind === 'digest' && digest.digest).toMatchObject({ applicationName: 'Shop', to: ['shop-team@example.com'], newTasks: [{ ref: 'T-1', url: `http://127.0.0.1:8787/#/tasks/${t.id}` }] });
    const detail = await svc.taskDetail(t.id, null);
    expect(detail.task.ticket).toMatchObject({ system: 'jira', key: 'SEC-7' });
    expect(detail.deliveries.map((d) => `${d.channel}:${d.status}`).sort()).toEqual(['jira:sent']);

    // The tracker says done: the task is fixed, awaiting Bulwark's verification.
    expect(await svc.ticketStatus('jira', 'SEC-7', { name: 'Done', category: 'done' })).toBe(true);
    expect((await svc.taskDetail(t.id, null)).task.status).toBe('fixed');
    expect(await svc.ticketStatus('jira', 'SEC-404', { name: 'Done', category: 'done' })).toBe(false);
  });

  it('retries a failed delivery with backoff, dead-letters it after the last try, and keeps it across a restart', async () => {
    await bw.pipeline.ingest(calls(1, true));
    let now = at('2026-11-25T08:00:00.000Z');
    const down = recordingChannel('email', 'email', () => new SendError('ECONNREFUSED', true));
    const svc = service(() => now, [down], 2);
    await svc.queueDigests();
    expect(await svc.deliverDue()).toEqual({ sent: 0, retried: 1, dead: 0 });
    const pending = (await svc.listOutbox({}, null)).items[0]!;
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, lastError: 'ECONNREFUSED' });
    const wait = Date.parse(pending.nextAttemptAt!) - now.getTime();
    expect(wait).toBeGreaterThanOrEqual(60_000);
    expect(wait).toBeLessThanOrEqual(72_000);
    expect(await svc.deliverDue()).toEqual({ sent: 0, retried: 0, dead: 0 });

    now = new Date(Date.parse(pending.nextAttemptAt!));
    expect(await svc.deliverDue()).toEqual({ sent: 0, retried: 0, dead: 1 });
    const dead = (await svc.listOutbox({ status: 'dead' }, null)).items[0]!;
    expect(dead.lastError).toBe('ECONNREFUSED (after 2 tries)');

    // A new process with a working channel: the dead message is still there and can be sent again.
    const up = recordingChannel('email', 'email');
    const restarted = service(() => now, [up], 2);
    await restarted.retryOutbox(dead.id, practitioner);
    expect(await restarted.deliverDue()).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(up.got).toHaveLength(1);
  });

  it('dead-letters at once a failure no retry can fix', async () => {
    await bw.pipeline.ingest(calls(1, true));
    const now = at('2026-11-25T08:00:00.000Z');
    const svc = service(() => now, [recordingChannel('email', 'email', () => new SendError('535 authentication failed', false))]);
    await svc.queueDigests();
    expect(await svc.deliverDue()).toEqual({ sent: 0, retried: 0, dead: 1 });
  });
});
