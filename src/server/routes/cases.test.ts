import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBulwark, type Bulwark } from '../../app/context.js';
import { ACTOR_B, at, makeDraft, makeExchange } from '../../cases/fixtures/builders.js';
import { loadConfig } from '../../config/config.js';
import { pageOf } from '../../contracts/api.js';
import { CaseDetail, CaseSummary, CaseTimeline, FlagResult, Suppression, ThreatCase, ThreatDaily, ThreatIssue } from '../../contracts/cases.js';
import type { Role } from '../../contracts/identity.js';
import { TEST_SCRYPT_COST } from '../../identity/passwords.js';
import type { Principal } from '../../identity/permissions.js';
import { createLogger } from '../../util/logger.js';
import { buildServer } from '../app.js';
import { SESSION_COOKIE } from '../auth.js';
import { createServerContext } from '../context.js';
import { serverDeps } from '../serve.js';
import { issueToken } from '../tokens.js';
import { caseRoutes } from './cases.js';

/** `/api/v1/cases`, `/issues`, `/suppressions` and `/threats` in process (`fastify.inject`), on a real SQLite store in a temp dir. */

const PASSWORD = 'correct horse battery staple';

describe('/api/v1/cases and friends', () => {
  let dir: string;
  let bw: Bulwark;
  let app: FastifyInstance;
  let admin: string;
  let reader: string;
  const sessions = {} as Record<Role, { cookie: string; csrf: string }>;
  let analystId: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bulwark-cases-'));
    bw = await openBulwark(loadConfig({ env: { BULWARK_DATA_DIR: dir } }), createLogger('silent'), {}, { identity: { passwordCost: TEST_SCRYPT_COST } });
    app = buildServer(serverDeps(bw));
    await app.ready();
    admin = (await issueToken(bw.store, 'admin', ['admin'])).token;
    reader = (await issueToken(bw.store, 'reader', ['read'])).token;
    const root = await bw.identity.bootstrapAdmin({ email: 'admin@cases.example', password: PASSWORD });
    const caller = { principal: { kind: 'user' as const, id: root.id, name: root.email, role: 'admin' as const, applications: 'all' as const } };
    const shop = await bw.identity.createApplication(caller, { name: 'Shop', matchers: [{ host: 'api.shop.example' }] });
    for (const role of ['soc-analyst', 'auditor', 'workload-owner', 'security-practitioner'] as const) {
      const email = `${role}@cases.example`;
      const { invitation, user } = await bw.identity.inviteUser(caller, { email, role, ...(role === 'workload-owner' ? { applications: [shop.id] } : {}) });
      await bw.identity.acceptInvitation(invitation.token, PASSWORD);
      if (role === 'soc-analyst') analystId = user.id;
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email, password: PASSWORD }) });
      sessions[role] = { cookie: /bulwark_session=([^;]+)/.exec(String(res.headers['set-cookie']))![1]!, csrf: (res.json() as { csrfToken: string }).csrfToken };
    }
    await bw.cases.addIssues([
      makeDraft(),
      makeDraft({ at: at(5), location: { where: 'query', name: 'sort' }, exchange: makeExchange({ timestamp: at(5) }) }),
      makeDraft({ host: 'pay.example', endpointId: 'ep-pay', pathTemplate: '/pay', actor: { ...ACTOR_B }, category: 'xss', detector: 'xss-markup', severity: 'medium' }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await bw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
  const send = (method: Method, url: string, body?: unknown, token = admin) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  const as = (role: Role, method: Method, url: string, body?: unknown) =>
    app.inject({
      method,
      url,
      headers: { cookie: `${SESSION_COOKIE}=${sessions[role].cookie}`, 'x-csrf-token': sessions[role].csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  const shopCase = async () => pageOf(ThreatCase).parse((await send('GET', '/api/v1/cases?applicationId=')).json()).items.find((c) => c.host === 'api.shop.example')!;

  it('lists cases newest first with filters, and the queue summary', async () => {
    const page = pageOf(ThreatCase).parse((await send('GET', '/api/v1/cases')).json());
    expect(page.total).toBe(2);
    expect(page.items.map((c) => c.title)).toEqual(['SQL injection against Shop (api.shop.example)', 'Cross-site scripting against pay.example']);
    const shop = page.items[0]!;
    expect(shop).toMatchObject({ ref: 'C-1', target: expect.stringMatching(/^app:/), issueCount: 2, groupingReason: 'same address aaaaaaaa against application Shop within 60 min' });
    const q = async (qs: string) => pageOf(ThreatCase).parse((await send('GET', `/api/v1/cases?${qs}`)).json()).items.map((c) => c.ref);
    expect(await q('severity=medium')).toEqual(['C-2']);
    expect(await q('detector=sqli-tokens')).toEqual(['C-1']);
    expect(await q(`applicationId=${shop.applicationId}`)).toEqual(['C-1']);
    expect(await q('applicationId=none')).toEqual(['C-2']);
    expect(await q('assignee=none&status=new')).toEqual(['C-1', 'C-2']);
    expect(await q(`actorId=${ACTOR_B.id}`)).toEqual(['C-2']);
    expect(await q('q=pay.EXAMPLE')).toEqual(['C-2']);
    expect(await q('limit=1&offset=1')).toEqual(['C-2']);
    expect(CaseSummary.parse((await send('GET', '/api/v1/cases/summary')).json())).toMatchObject({ new: 2, investigating: 0, openBySeverity: { high: 1, medium: 1 } });
  });

  it('serves the investigation view and the actor timeline', async () => {
    const c = await shopCase();
    const detail = CaseDetail.parse((await send('GET', `/api/v1/cases/${c.id}`)).json());
    expect(detail.issues.map((i) => i.location.name)).toEqual(['sort', 'q']);
    expect(detail.issues[0]!.exchange).toEqual(makeExchange({ timestamp: at(5) }));
    expect(detail.endpoints.map((e) => e.endpointId)).toEqual(['ep-search']);
    const timeline = CaseTimeline.parse((await send('GET', `/api/v1/cases/${c.id}/timeline?limit=1`)).json());
    expect(timeline).toMatchObject({ total: 2, items: [{ caseRef: 'C-1', at: at(5) }] });
    expect((await send('GET', '/api/v1/cases/00000000-0000-0000-0000-000000000000')).statusCode).toBe(404);
  });

  it('works a case through its lifecycle as a SOC analyst, with comments and history', async () => {
    const c = await shopCase();
    const assign = await as('soc-analyst', 'PATCH', `/api/v1/cases/${c.id}`, { status: 'investigating', assignee: analystId });
    expect(assign.statusCode, assign.body).toBe(200);
    expect(ThreatCase.parse(assign.json())).toMatchObject({ status: 'investigating', assignee: analystId });
    expect(pageOf(ThreatCase).parse((await as('soc-analyst', 'GET', '/api/v1/cases?assignee=me')).json()).items.map((x) => x.id)).toEqual([c.id]);
    const comment = await as('soc-analyst', 'POST', `/api/v1/cases/${c.id}/comments`, { text: 'sqlmap user agent' });
    expect(comment.statusCode).toBe(201);
    expect(comment.json()).toMatchObject({ author: 'soc-analyst@cases.example', text: 'sqlmap user agent' });
    const resolved = await as('soc-analyst', 'PATCH', `/api/v1/cases/${c.id}`, { status: 'resolved', resolution: 'true-positive' });
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolution: 'true-positive' });
    const detail = CaseDetail.parse((await as('auditor', 'GET', `/api/v1/cases/${c.id}`)).json());
    expect(detail.comments).toHaveLength(1);
    expect(detail.history.map((h) => h.action)).toEqual(['case.update', 'case.comment', 'case.update']);
    expect(detail.history[0]!.actor).toEqual({ kind: 'user', id: analystId });
    const back = await as('soc-analyst', 'PATCH', `/api/v1/cases/${c.id}`, { status: 'investigating' });
    expect(back.json()).toMatchObject({ status: 'investigating', resolution: null, resolvedAt: null });
  });

  it('refuses bad input with 400 and a reason', async () => {
    const c = await shopCase();
    const bad: [Method, string, unknown][] = [
      ['PATCH', `/api/v1/cases/${c.id}`, { status: 'resolved' }],
      ['PATCH', `/api/v1/cases/${c.id}`, { status: 'closed' }],
      ['PATCH', `/api/v1/cases/${c.id}`, { priority: 1 }],
      ['PATCH', `/api/v1/cases/${c.id}`, { assignee: 'u-nobody' }],
      ['POST', `/api/v1/cases/${c.id}/comments`, { text: '' }],
      ['POST', `/api/v1/cases/${c.id}/comments`, { text: 'x'.repeat(4001) }],
      ['POST', '/api/v1/suppressions', { reason: 'no scope' }],
      ['POST', '/api/v1/suppressions', { actorId: 'not-hex', reason: 'r' }],
      ['POST', '/api/v1/suppressions', { detector: 'x', reason: 'r', expiresInDays: 400 }],
      ['GET', '/api/v1/cases?limit=501', undefined],
      ['GET', '/api/v1/cases?status=open', undefined],
      ['GET', '/api/v1/cases?actorId=zz', undefined],
      ['GET', '/api/v1/cases?unknown=1', undefined],
      ['GET', '/api/v1/cases/not%20an%20id', undefined],
      ['GET', '/api/v1/threats/daily?days=400', undefined],
      ['GET', `/api/v1/cases/${c.id}/timeline?limit=501`, undefined],
    ];
    for (const [method, url, body] of bad) {
      const res = await send(method, url, body);
      expect(res.statusCode, `${method} ${url} ${JSON.stringify(body)}: ${res.body}`).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'invalid_input', message: expect.any(String) } });
    }
    const noJson = await app.inject({ method: 'PATCH', url: `/api/v1/cases/${c.id}`, headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/plain' }, payload: 'status=new' });
    expect(noJson.statusCode).toBe(400);
    expect((await send('PATCH', '/api/v1/cases/00000000-0000-0000-0000-000000000000', { status: 'new' })).statusCode).toBe(404);
  });

  it('flags a case for a fix: the finding shows in the findings API', async () => {
    const c = await shopCase();
    const res = await as('soc-analyst', 'POST', `/api/v1/cases/${c.id}/flag`, { note: 'parameterise the search query' });
    expect(res.statusCode, res.body).toBe(200);
    const { finding, case: flagged } = FlagResult.parse(res.json());
    expect(flagged.flaggedFindingId).toBe(finding.id);
    expect(finding).toMatchObject({ ruleId: 'threat-flagged-for-fix', endpointId: 'ep-search', cwe: 'CWE-89', owasp: 'API8:2023' });
    const findings = (await send('GET', '/api/v1/findings?ruleId=threat-flagged-for-fix')).json() as { items: { id: string }[] };
    expect(findings.items.map((f) => f.id)).toEqual([finding.id]);
    expect((await send('GET', `/api/v1/findings/${finding.id}`)).json()).toMatchObject({ evidence: { summary: expect.stringMatching(/^Case C-1: 2 SQL injection issues from address aaaaaaaa/) } });
  });

  it('lists issues and serves one by id', async () => {
    const page = pageOf(ThreatIssue).parse((await send('GET', '/api/v1/issues?detector=sqli-tokens')).json());
    expect(page.total).toBe(2);
    const c = await shopCase();
    expect(pageOf(ThreatIssue).parse((await send('GET', `/api/v1/issues?caseId=${c.id}&limit=1`)).json()).items).toHaveLength(1);
    expect(pageOf(ThreatIssue).parse((await send('GET', '/api/v1/issues?endpointId=ep-pay')).json()).total).toBe(1);
    const one = ThreatIssue.parse((await send('GET', `/api/v1/issues/${page.items[0]!.id}`)).json());
    expect(one).toMatchObject({ id: page.items[0]!.id, caseId: c.id, applicationId: c.applicationId });
    expect((await send('GET', '/api/v1/issues/00000000-0000-0000-0000-000000000000')).statusCode).toBe(404);
  });

  it('creates, lists and deletes suppressions, which then drop matching issues', async () => {
    const created = await as('soc-analyst', 'POST', '/api/v1/suppressions', { detector: 'xss-markup', actorId: ACTOR_B.id, reason: 'known pentest', expiresInDays: 7 });
    expect(created.statusCode, created.body).toBe(201);
    const s = Suppression.parse(created.json());
    expect(await bw.cases.addIssues([makeDraft({ host: 'pay.example', actor: { ...ACTOR_B }, detector: 'xss-markup', category: 'xss', at: at(90) })])).toMatchObject({ suppressed: 1 });
    const list = pageOf(Suppression).parse((await as('auditor', 'GET', '/api/v1/suppressions?state=active')).json());
    expect(list.items).toEqual([{ ...s, hits: 1 }]);
    expect((await as('auditor', 'DELETE', `/api/v1/suppressions/${s.id}`)).statusCode).toBe(403);
    expect((await as('soc-analyst', 'DELETE', `/api/v1/suppressions/${s.id}`)).statusCode).toBe(204);
    expect((await as('soc-analyst', 'DELETE', `/api/v1/suppressions/${s.id}`)).statusCode).toBe(404);
  });

  it('answers issues per day and category', async () => {
    const daily = ThreatDaily.parse((await send('GET', '/api/v1/threats/daily?days=2')).json());
    expect(daily.days.map((d) => d.day)).toEqual(['2026-02-28', '2026-03-01']);
    expect(daily.days[1]!.counts).toMatchObject({ sqli: 2, xss: 1 });
    expect(ThreatDaily.parse((await send('GET', '/api/v1/threats/daily')).json()).days).toHaveLength(30);
  });

  it('exports cases as NDJSON, one case with its issues a line, filtered', async () => {
    const res = await as('auditor', 'GET', '/api/v1/cases/export?severity=high');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/attachment/);
    const lines = res.body.trimEnd().split('\n').map((l) => JSON.parse(l) as { case: ThreatCase; issues: ThreatIssue[] });
    expect(lines.map((l) => [l.case.ref, l.issues.length])).toEqual([['C-1', 2]]);
  });

  it('enforces the permission matrix: workload owners and read tokens get 403, auditors read but do not change', async () => {
    const c = await shopCase();
    for (const url of ['/api/v1/cases', '/api/v1/cases/summary', `/api/v1/cases/${c.id}`, '/api/v1/issues', '/api/v1/suppressions', '/api/v1/threats/daily', '/api/v1/cases/export']) {
      expect((await as('workload-owner', 'GET', url)).statusCode, url).toBe(403);
      expect((await send('GET', url, undefined, reader)).statusCode, url).toBe(403);
      expect((await as('auditor', 'GET', url)).statusCode, url).toBe(200);
      expect((await as('security-practitioner', 'GET', url)).statusCode, url).toBe(200);
    }
    for (const [method, url, body] of [
      ['PATCH', `/api/v1/cases/${c.id}`, { status: 'investigating' }],
      ['POST', `/api/v1/cases/${c.id}/comments`, { text: 'x' }],
      ['POST', `/api/v1/cases/${c.id}/flag`, {}],
      ['POST', '/api/v1/suppressions', { detector: 'x', reason: 'r' }],
    ] as const) {
      expect((await as('auditor', method, url, body)).statusCode, url).toBe(403);
      expect((await as('security-practitioner', method, url, body)).statusCode, url).toBe(403);
    }
    expect((await app.inject({ method: 'GET', url: '/api/v1/cases' })).statusCode).toBe(401);
  });

  it('bounds a caller scoped to applications to their cases (handler level: no role with cases:read is scoped today)', async () => {
    const ctx = createServerContext({ store: bw.store, pipeline: bw.pipeline, identity: bw.identity, config: bw.config, logger: bw.logger, cases: bw.cases, remediation: bw.remediation, trackers: bw.trackers, ownership: bw.ownership, classInfo: bw.classInfo, secureCookies: false });
    const shop = await shopCase();
    const principal: Principal = { kind: 'user', id: 'u-scoped', name: 'scoped@cases.example', role: 'soc-analyst', applications: [shop.applicationId!] };
    const call = (method: string, url: string, input: { query?: unknown; params?: unknown }) =>
      caseRoutes.find((r) => r.method === method && r.url === url)!.handler({ principal, query: input.query ?? {}, params: input.params ?? {}, body: undefined, req: { ip: '127.0.0.1' } as never, reply: {} as never, ctx });
    const list = (await call('GET', '/api/v1/cases', { query: {} })) as { items: ThreatCase[]; total: number };
    expect(list.items.map((c) => c.id)).toEqual([shop.id]);
    expect(list.total).toBe(1);
    const all = pageOf(ThreatCase).parse((await send('GET', '/api/v1/cases')).json()).items;
    const pay = all.find((c) => c.host === 'pay.example')!;
    await expect(call('GET', '/api/v1/cases/:id', { params: { id: pay.id } })).rejects.toMatchObject({ code: 'not_found' });
    expect(((await call('GET', '/api/v1/issues', { query: {} })) as { items: ThreatIssue[] }).items.every((i) => i.caseId === shop.id)).toBe(true);
    expect(((await call('GET', '/api/v1/cases/summary', {})) as CaseSummary).new + ((await call('GET', '/api/v1/cases/summary', {})) as CaseSummary).investigating).toBe(1);
  });
});
