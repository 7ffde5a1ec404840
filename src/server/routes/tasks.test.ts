import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBulwark, type Bulwark } from '../../app/context.js';
import { loadConfig } from '../../config/config.js';
import { pageOf } from '../../contracts/api.js';
import type { ApiEvent } from '../../contracts/api-event.js';
import type { Role } from '../../contracts/identity.js';
import { OwnerGroup, RemediationTask, TaskDetail, TaskEvent } from '../../contracts/remediation.js';
import { TEST_SCRYPT_COST } from '../../identity/passwords.js';
import { DEFAULT_LIMITS, normalizeEvent } from '../../normalize/index.js';
import { stripStored } from '../../remediation/sync.js';
import { createLogger } from '../../util/logger.js';
import { buildServer } from '../app.js';
import { serverDeps } from '../serve.js';
import { issueToken } from '../tokens.js';

/** `/api/v1/tasks` and the tracker webhooks in process (`fastify.inject`), on a real SQLite store and pipeline. */

const PASSWORD = 'correct horse battery staple';
const JIRA_SECRET = 'jira-webhook-secret-for-tests-0123456789';

describe('/api/v1/tasks', () => {
  let dir: string;
  let bw: Bulwark;
  let app: FastifyInstance;
  let admin: string;
  let taskId: string;
  const sessions = {} as Record<Role, { cookie: string; csrf: string; id: string }>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bulwark-tasks-'));
    const config = loadConfig({
      env: { BULWARK_DATA_DIR: dir },
      overrides: { detection: { enabled: false }, remediation: { jira: { baseUrl: 'http://127.0.0.1:9', projectKey: 'SEC', auth: { kind: 'bearer', tokenEnv: 'JIRA_TOKEN' }, webhookSecretEnv: 'JIRA_HOOK' } } },
    });
    bw = await openBulwark(config, createLogger('silent'), { JIRA_TOKEN: 'jira-token-for-tests', JIRA_HOOK: JIRA_SECRET }, { identity: { passwordCost: TEST_SCRYPT_COST } });
    app = buildServer(serverDeps(bw));
    await app.ready();
    admin = (await issueToken(bw.store, 'admin', ['admin'])).token;
    const root = await bw.identity.bootstrapAdmin({ email: 'admin@tasks.example', password: PASSWORD });
    const caller = { principal: { kind: 'user' as const, id: root.id, name: root.email, role: 'admin' as const, applications: 'all' as const } };
    const shop = await bw.identity.createApplication(caller, { name: 'Shop', matchers: [{ host: 'shop.example' }] });
    await bw.identity.createApplication(caller, { name: 'Other', matchers: [{ host: 'other.example' }] });
    for (const role of ['workload-owner', 'security-practitioner', 'auditor'] as const) {
      const email = `${role}@tasks.example`;
      const { invitation, user } = await bw.identity.inviteUser(caller, { email, role, ...(role === 'workload-owner' ? { applications: [shop.id] } : {}) });
      await bw.identity.acceptInvitation(invitation.token, PASSWORD);
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email, password: PASSWORD }) });
      sessions[role] = { cookie: /bulwark_session=([^;]+)/.exec(String(res.headers['set-cookie']))![1]!, csrf: (res.json() as { csrfToken: string }).csrfToken, id: user.id };
    }
    let clock = Date.parse('2026-11-20T10:00:00.000Z');
    const event = (host: string): ApiEvent => {
      const r = normalizeEvent(
        {
          timestamp: new Date((clock += 1000)).toISOString(),
          request: { method: 'GET', url: `https://${host}/v1/orders?api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc`, headers: {}, clientAddress: '198.51.100.7' },
          response: { status: 200, headers: { 'strict-transport-security': 'max-age=1', 'x-content-type-options': 'nosniff' } },
        },
        { source: 'ndjson', limits: DEFAULT_LIMITS },
      );
      if (!r.ok) throw new Error(r.reject.reason);
      return r.event;
    };
    await bw.pipeline.ingest([event('shop.example'), event('other.example')].map((e) => ({ kind: 'event' as const, event: e })));
    const tasks = await bw.remediation.listTasks({}, null);
    taskId = tasks.items.find((t) => t.host === 'shop.example')!.id;
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await bw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  type Method = 'GET' | 'POST' | 'PATCH';
  const send = (method: Method, url: string, body?: unknown) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${admin}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
  const as = (role: Role, method: Method, url: string, body?: unknown) =>
    app.inject({
      method,
      url,
      headers: { cookie: `bulwark_session=${sessions[role].cookie}`, 'x-csrf-token': sessions[role].csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });

  it('lists, filters and shows tasks; owners see only their applications', async () => {
    const all = pageOf(RemediationTask).parse((await send('GET', '/api/v1/tasks?state=active&sla=on-track,approaching&severity=high&sort=severity')).json());
    expect(all.total).toBe(2);
    const mine = pageOf(RemediationTask).parse((await as('workload-owner', 'GET', '/api/v1/tasks')).json());
    expect(mine.items.map((t) => t.id)).toEqual([taskId]);
    const other = all.items.find((t) => t.id !== taskId)!;
    expect((await as('workload-owner', 'GET', `/api/v1/tasks/${other.id}`)).statusCode).toBe(404);
    const detail = TaskDetail.parse((await as('workload-owner', 'GET', `/api/v1/tasks/${taskId}`)).json());
    expect(detail).toMatchObject({ applicationName: 'Shop', task: { ruleId: 'posture-credentials-in-url', status: 'open' } });
    expect(detail.findings[0]!.evidence.summary).toContain('api_key');
    expect((await send('GET', '/api/v1/tasks?status=nope')).statusCode).toBe(400);
    const board = OwnerGroup.array().parse((await as('security-practitioner', 'GET', '/api/v1/tasks/board')).json());
    expect(board.map((g) => g.applicationName).sort()).toEqual(['Other', 'Shop']);
  });

  it('lets owners work their task and keeps managing to practitioners', async () => {
    const res = await as('workload-owner', 'PATCH', `/api/v1/tasks/${taskId}`, { status: 'in-progress', comment: 'moving the key to a header' });
    expect(res.statusCode).toBe(200);
    expect(RemediationTask.parse(res.json()).status).toBe('in-progress');
    expect((await as('workload-owner', 'PATCH', `/api/v1/tasks/${taskId}`, { status: 'verified' })).statusCode).toBe(400);
    expect((await as('workload-owner', 'POST', `/api/v1/tasks/${taskId}/accept-risk`, { reason: 'legacy', expiresAt: '2027-01-01T00:00:00.000Z' })).statusCode).toBe(403);
    expect((await as('auditor', 'PATCH', `/api/v1/tasks/${taskId}`, { status: 'fixed' })).statusCode).toBe(403);
    const assigned = await as('security-practitioner', 'PATCH', `/api/v1/tasks/${taskId}`, { assignee: sessions['workload-owner'].id });
    expect(RemediationTask.parse(assigned.json()).assignee).toBe(sessions['workload-owner'].id);
    const comment = await as('workload-owner', 'POST', `/api/v1/tasks/${taskId}/comments`, { text: 'deployed to staging' });
    expect(comment.statusCode).toBe(201);
    expect(TaskEvent.parse(comment.json())).toMatchObject({ kind: 'comment', text: 'deployed to staging' });
    const mine = pageOf(RemediationTask).parse((await as('workload-owner', 'GET', '/api/v1/tasks?assignee=me')).json());
    expect(mine.total).toBe(1);
  });

  it('moves a task when its Jira ticket is done, only for a correctly signed webhook', async () => {
    const t = (await bw.store.getTask(taskId))!;
    await bw.store.saveTaskBatch({ tasks: [{ ...stripStored(t), ticket: { system: 'jira', key: 'SEC-42', url: 'http://jira.example/browse/SEC-42', status: 'To Do', syncedAt: null } }] });
    const body = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { key: 'SEC-42', fields: { status: { name: 'Done', statusCategory: { key: 'done' } } } } });
    const signed = (secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const post = (signature?: string) =>
      app.inject({ method: 'POST', url: '/api/v1/integrations/jira/webhook', headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature': signature } : {}) }, payload: body });
    expect((await post()).statusCode).toBe(401);
    expect((await post(signed('wrong-secret'))).statusCode).toBe(401);
    const ok = await post(signed(JIRA_SECRET));
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ applied: true });
    // The same signed delivery again (a replay, or the tracker retrying): recognised and ignored.
    await send('PATCH', `/api/v1/tasks/${taskId}`, { status: 'open' });
    const replay = await post(signed(JIRA_SECRET));
    expect(replay.json()).toEqual({ applied: false, duplicate: true });
    expect(TaskDetail.parse((await send('GET', `/api/v1/tasks/${taskId}`)).json()).task.status).toBe('open');
    await send('PATCH', `/api/v1/tasks/${taskId}`, { status: 'fixed' });
    const after = TaskDetail.parse((await send('GET', `/api/v1/tasks/${taskId}`)).json());
    expect(after.task).toMatchObject({ status: 'fixed', ticket: { key: 'SEC-42', status: 'Done' } });
    expect(after.history.find((e) => e.actor.kind === 'integration')).toMatchObject({ kind: 'status', to: 'fixed', actor: { label: 'jira SEC-42' } });
    // No GitHub webhook is configured: its route does not exist for callers.
    expect((await app.inject({ method: 'POST', url: '/api/v1/integrations/github/webhook', headers: { 'content-type': 'application/json' }, payload: '{}' })).statusCode).toBe(404);
  });
});
