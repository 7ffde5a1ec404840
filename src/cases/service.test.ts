import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config/config.js';
import type { IssueDraft, ThreatCase, ThreatIssue } from '../contracts/cases.js';
import { APPLICATION_DEFAULTS, type Role } from '../contracts/identity.js';
import type { Caller } from '../identity/identity-service.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { makeEndpoint } from '../store/fixtures/builders.js';
import { manualClock, type ManualClock } from '../util/clock.js';
import { createLogger } from '../util/logger.js';
import { ACTOR_A, ACTOR_B, at, makeDraft } from './fixtures/builders.js';
import { createCaseService, type CaseService } from './service.js';

const RULES = ConfigSchema.parse({}).cases;

function caller(role: Role, applications: readonly string[] | 'all' = 'all', id = `u-${role}`): Caller {
  return { principal: { kind: 'user', id, name: `${role}@example.com`, role, applications }, clientAddress: '203.0.113.5' };
}
const ANALYST = caller('soc-analyst');

describe('case service', () => {
  let store: Store;
  let clock: ManualClock;
  let cases: CaseService;
  let logs: string[];
  let heard: { issue: ThreatIssue; case: ThreatCase }[][];

  beforeEach(async () => {
    store = createSqliteStore({ path: ':memory:' });
    await store.init();
    clock = manualClock('2026-03-02T09:00:00.000Z');
    logs = [];
    heard = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) });
    let n = 0;
    cases = createCaseService({
      store,
      config: RULES,
      logger: createLogger('debug', sink),
      now: () => clock.now(),
      newId: () => `id-${String(++n).padStart(4, '0')}`,
      onIssues: (items) => heard.push(items),
    });
    await store.createUser({
      id: 'u-soc-analyst', email: 'soc@example.com', displayName: 'Sam', role: 'soc-analyst', applications: [], status: 'active',
      failedLogins: 0, lockedUntil: null, lastLoginAt: null, createdAt: at(0), updatedAt: at(0), passwordHash: null,
    });
    await store.createUser({
      id: 'u-practitioner', email: 'pat@example.com', displayName: 'Pat', role: 'security-practitioner', applications: [], status: 'active',
      failedLogins: 0, lockedUntil: null, lastLoginAt: null, createdAt: at(0), updatedAt: at(0), passwordHash: null,
    });
  });
  afterEach(async () => {
    await store.close();
  });

  async function onlyCase(): Promise<ThreatCase> {
    const page = await cases.listCases({}, null);
    expect(page.total).toBe(1);
    return page.items[0]!;
  }

  describe('addIssues', () => {
    it('stores valid drafts grouped into a case, counts and logs bad ones without their values, and tells the listener', async () => {
      const bad = { ...makeDraft(), detector: '', evidence: 'SECRET-PAYLOAD' };
      const noTime = makeDraft({ at: 'yesterday' });
      const r = await cases.addIssues([makeDraft(), makeDraft({ at: at(10), location: { where: 'query', name: 'sort' } }), bad, noTime, 'junk']);
      expect(r).toEqual({ created: 2, folded: 0, suppressed: 0, invalid: 3, casesOpened: 1, casesReopened: 0 });
      const warn = logs.find((l) => l.includes('drafts rejected'))!;
      expect(JSON.parse(warn)).toMatchObject({ invalid: 3, reasons: ['detector: Too small: expected string to have >=1 characters', 'at: not a timestamp', '(root): Invalid input: expected object, received string'] });
      expect(logs.join('')).not.toContain('SECRET-PAYLOAD');
      const c = await onlyCase();
      expect(c).toMatchObject({ ref: 'C-1', issueCount: 2, title: 'SQL injection against api.shop.example', createdAt: '2026-03-02T09:00:00.000Z' });
      expect(heard).toHaveLength(1);
      expect(heard[0]!.map((h) => [h.issue.caseId, h.case.ref])).toEqual([[c.id, 'C-1'], [c.id, 'C-1']]);
      expect(heard[0]![0]!.issue).not.toHaveProperty('foldKey');
    });

    it('folds identical detections and does not call the listener for folds', async () => {
      await cases.addIssues([makeDraft()]);
      const r = await cases.addIssues([makeDraft({ at: '2026-03-01T10:00:30.000Z' })]);
      expect(r).toMatchObject({ created: 0, folded: 1 });
      expect(heard).toHaveLength(1);
      const issues = await cases.listIssues({}, null);
      expect(issues.items.map((i) => i.count)).toEqual([2]);
      expect(await onlyCase()).toMatchObject({ issueCount: 1, eventCount: 2 });
    });

    it('survives a listener that throws', async () => {
      const failing = createCaseService({ store, config: RULES, logger: createLogger('silent'), onIssues: () => { throw new Error('sink down'); } });
      await expect(failing.addIssues([makeDraft()])).resolves.toMatchObject({ created: 1 });
    });

    it('groups by event time: the same drafts group the same on any day they are replayed', async () => {
      const drafts = [0, 30, 200, 210].map((m) => makeDraft({ at: at(m), location: { where: 'query', name: `p${m}` } }));
      await cases.addIssues(drafts);
      clock.advance(400 * 86_400_000);
      const other = createSqliteStore({ path: ':memory:' });
      await other.init();
      try {
        const replay = createCaseService({ store: other, config: RULES, logger: createLogger('silent'), now: () => clock.now() });
        await replay.addIssues([...drafts].reverse());
        const shape = async (s: CaseService) => (await s.listCases({}, null)).items.map((c) => [c.ref, c.firstSeen, c.lastSeen, c.issueCount]);
        expect(await shape(replay)).toEqual(await shape(cases));
        expect(await shape(cases)).toHaveLength(2);
      } finally {
        await other.close();
      }
    });

    it('runs batches one at a time: two concurrent calls for one actor make one case', async () => {
      await Promise.all([cases.addIssues([makeDraft()]), cases.addIssues([makeDraft({ at: at(5), location: { where: 'query', name: 'x' } })])]);
      expect(await onlyCase()).toMatchObject({ issueCount: 2 });
    });

    it('targets the application claiming the endpoint, reading applications afresh per batch', async () => {
      await cases.addIssues([makeDraft()]);
      await store.createApplication({ ...APPLICATION_DEFAULTS, id: 'shop', name: 'Shop', owners: [], matchers: [{ host: 'api.shop.example' }], createdAt: at(0), updatedAt: at(0) });
      await cases.addIssues([makeDraft({ at: at(5), location: { where: 'query', name: 'x' } })]);
      const list = (await cases.listCases({}, null)).items;
      expect(list.map((c) => [c.target, c.title])).toEqual([
        ['app:shop', 'SQL injection against Shop (api.shop.example)'],
        ['host:api.shop.example', 'SQL injection against api.shop.example'],
      ]);
      expect(list[0]!.groupingReason).toBe('same address aaaaaaaa against application Shop within 60 min');
    });

    it('reopens a recently resolved case on a new matching issue and audits it as the system', async () => {
      await cases.addIssues([makeDraft()]);
      const c = await onlyCase();
      await cases.updateCase(c.id, { status: 'resolved', resolution: 'false-positive' }, ANALYST);
      const r = await cases.addIssues([makeDraft({ at: at(3 * 24 * 60), location: { where: 'query', name: 'x' } })]);
      expect(r).toMatchObject({ created: 1, casesOpened: 0, casesReopened: 1 });
      expect(await onlyCase()).toMatchObject({ status: 'new', resolution: null, resolvedAt: null, reopened: 1, issueCount: 2 });
      const detail = await cases.caseDetail(c.id, ANALYST);
      expect(detail.history.map((h) => [h.action, h.actor.kind])).toEqual([['case.update', 'user'], ['case.reopened', 'system']]);
      expect(detail.history[1]).toMatchObject({ before: { status: 'resolved', resolution: 'false-positive' }, after: { status: 'new', reopened: 1 } });
    });
  });

  describe('suppressions', () => {
    it('drops matching drafts, counts the hits, ignores expired ones, and audits creation and deletion', async () => {
      const s = await cases.createSuppression({ detector: 'sqli-tokens', parameter: 'q', reason: 'pentest this week', expiresInDays: 1 }, ANALYST);
      expect(s).toMatchObject({ actorId: null, endpointId: null, createdBy: 'soc-analyst@example.com', expiresAt: '2026-03-03T09:00:00.000Z', hits: 0 });
      const r = await cases.addIssues([makeDraft(), makeDraft({ actor: { ...ACTOR_B } }), makeDraft({ location: { where: 'query', name: 'sort' } }), makeDraft({ detector: 'sqli-error' })]);
      expect(r).toMatchObject({ suppressed: 2, created: 2 });
      expect((await cases.listSuppressions({}, ANALYST)).items[0]!.hits).toBe(2);
      clock.advance(86_400_000);
      expect((await cases.listSuppressions({ state: 'active' }, ANALYST)).total).toBe(0);
      expect((await cases.listSuppressions({ state: 'expired' }, ANALYST)).total).toBe(1);
      expect(await cases.addIssues([makeDraft({ at: at(100) })])).toMatchObject({ suppressed: 0, created: 1 });
      await cases.deleteSuppression(s.id, ANALYST);
      await expect(cases.deleteSuppression(s.id, ANALYST)).rejects.toMatchObject({ code: 'not_found' });
      const audit = await store.listAudit({ targetType: 'suppression', targetId: s.id, order: 'asc' });
      expect(audit.items.map((e) => e.action)).toEqual(['suppression.create', 'suppression.delete']);
    });

    it('refuses a suppression without scope, and one more than the active cap', async () => {
      await expect(cases.createSuppression({ reason: 'everything' } as never, ANALYST)).rejects.toMatchObject({ code: 'invalid_input' });
      for (let i = 0; i < 500; i++) await store.createSuppression({ id: `s${i}`, detector: 'x', endpointId: null, actorId: null, parameter: null, reason: 'r', createdBy: 'a', createdAt: at(0), expiresAt: '2027-01-01T00:00:00.000Z', hits: 0 });
      await expect(cases.createSuppression({ detector: 'y', reason: 'r' }, ANALYST)).rejects.toMatchObject({ code: 'conflict' });
    });
  });

  describe('lifecycle', () => {
    let c: ThreatCase;
    beforeEach(async () => {
      await cases.addIssues([makeDraft()]);
      c = await onlyCase();
    });

    it('resolves only with a resolution, clears it when leaving resolved, and audits each change with before and after', async () => {
      await expect(cases.updateCase(c.id, { status: 'resolved' }, ANALYST)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/needs a resolution/) });
      await expect(cases.updateCase(c.id, { resolution: 'benign' }, ANALYST)).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(cases.updateCase(c.id, { bogus: 1 } as never, ANALYST)).rejects.toMatchObject({ code: 'invalid_input' });
      clock.advance(60_000);
      const investigating = await cases.updateCase(c.id, { status: 'investigating' }, ANALYST);
      expect(investigating).toMatchObject({ status: 'investigating', updatedAt: '2026-03-02T09:01:00.000Z' });
      const resolved = await cases.updateCase(c.id, { status: 'resolved', resolution: 'true-positive' }, ANALYST);
      expect(resolved).toMatchObject({ status: 'resolved', resolution: 'true-positive', resolvedAt: '2026-03-02T09:01:00.000Z' });
      expect(await cases.updateCase(c.id, { resolution: 'benign' }, ANALYST)).toMatchObject({ resolution: 'benign', resolvedAt: '2026-03-02T09:01:00.000Z' });
      expect(await cases.updateCase(c.id, { status: 'new' }, ANALYST)).toMatchObject({ status: 'new', resolution: null, resolvedAt: null, reopened: 0 });
      // Nothing changes: nothing is audited.
      await cases.updateCase(c.id, { status: 'new' }, ANALYST);
      const history = (await cases.caseDetail(c.id, ANALYST)).history;
      expect(history.map((h) => [h.before, h.after])).toEqual([
        [{ status: 'new' }, { status: 'investigating' }],
        [{ status: 'investigating', resolution: null }, { status: 'resolved', resolution: 'true-positive' }],
        [{ resolution: 'true-positive' }, { resolution: 'benign' }],
        [{ status: 'resolved', resolution: 'benign' }, { status: 'new', resolution: null }],
      ]);
      expect(history[0]).toMatchObject({ action: 'case.update', actor: { kind: 'user', id: 'u-soc-analyst' } });
    });

    it('assigns only active users who may work cases', async () => {
      expect(await cases.updateCase(c.id, { assignee: 'me' }, ANALYST)).toMatchObject({ assignee: 'u-soc-analyst' });
      await cases.updateCase(c.id, { assignee: null }, ANALYST);
      expect(await cases.updateCase(c.id, { assignee: 'u-soc-analyst' }, ANALYST)).toMatchObject({ assignee: 'u-soc-analyst' });
      expect((await cases.listCases({ assignee: 'me' }, ANALYST)).total).toBe(1);
      expect((await cases.listCases({ assignee: 'none' }, ANALYST)).total).toBe(0);
      await expect(cases.updateCase(c.id, { assignee: 'u-practitioner' }, ANALYST)).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(cases.updateCase(c.id, { assignee: 'u-nobody' }, ANALYST)).rejects.toMatchObject({ code: 'invalid_input' });
      expect(await cases.updateCase(c.id, { assignee: null }, ANALYST)).toMatchObject({ assignee: null });
    });

    it("keeps the analyst's severity when more severe issues arrive", async () => {
      await cases.updateCase(c.id, { severity: 'low' }, ANALYST);
      await cases.addIssues([makeDraft({ at: at(5), severity: 'critical', location: { where: 'query', name: 'x' } })]);
      expect(await onlyCase()).toMatchObject({ severity: 'low', issueCount: 2 });
    });

    it('takes comments, audits them, and shows them in the investigation view', async () => {
      const comment = await cases.addComment(c.id, { text: 'Looks like sqlmap.' }, ANALYST);
      expect(comment).toMatchObject({ caseId: c.id, author: 'soc-analyst@example.com', text: 'Looks like sqlmap.', at: '2026-03-02T09:00:00.000Z' });
      await expect(cases.addComment(c.id, { text: '   ' }, ANALYST)).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(cases.addComment('nope', { text: 'x' }, ANALYST)).rejects.toMatchObject({ code: 'not_found' });
      const detail = await cases.caseDetail(c.id, ANALYST);
      expect(detail.comments).toEqual([comment]);
      expect(detail.history.at(-1)).toMatchObject({ action: 'case.comment', after: { commentId: comment.id, text: 'Looks like sqlmap.' } });
    });

    it('flags the main endpoint for a fix: a finding in the findings list, refreshed when flagged again', async () => {
      await store.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-search', host: 'api.shop.example', pathTemplate: '/search' }), state: {} }]);
      await cases.addIssues([
        makeDraft({ at: at(1), location: { where: 'query', name: 'sort' } }),
        makeDraft({ at: at(2), endpointId: 'ep-other', pathTemplate: '/other', category: 'xss', detector: 'xss-markup', severity: 'critical', owasp: 'API8:2023', cwe: 'n/a' }),
      ]);
      await cases.updateCase(c.id, { status: 'resolved', resolution: 'true-positive' }, ANALYST);
      const { finding, case: flagged } = await cases.flagForFix(c.id, { note: 'see parameter q' }, ANALYST);
      expect(finding).toMatchObject({
        ruleId: 'threat-flagged-for-fix',
        title: 'Flagged for a fix: Cross-site scripting',
        endpointId: 'ep-search',
        host: 'api.shop.example',
        method: 'GET',
        pathTemplate: '/search',
        severity: 'critical',
        owasp: 'API8:2023',
        cwe: 'CWE-693',
        status: 'open',
        evidence: { summary: 'Case C-1: 1 Cross-site scripting issue from address aaaaaaaa (true positive)' },
      });
      expect(finding.remediation).toMatch(/Encode output.*\n\nAnalyst note: see parameter q$/s);
      expect(flagged.flaggedFindingId).toBe(finding.id);
      const listed = await store.listFindings({ ruleId: 'threat-flagged-for-fix' });
      expect(listed.items.map((f) => f.id)).toEqual([finding.id]);
      const again = await cases.flagForFix(c.id, {}, ANALYST);
      expect(again.finding).toMatchObject({ id: finding.id, count: 2 });
      expect((await cases.caseDetail(c.id, ANALYST)).history.filter((h) => h.action === 'case.flag')).toHaveLength(2);
    });

    it('names the top issue (most severe, most events, newest) and counts its category issues', async () => {
      await cases.addIssues([makeDraft({ at: at(1), location: { where: 'query', name: 'sort' } })]);
      const { finding } = await cases.flagForFix(c.id, {}, ANALYST);
      expect(finding).toMatchObject({ cwe: 'CWE-89', endpointId: 'ep-search', method: 'GET', evidence: { summary: 'Case C-1: 2 SQL injection issues from address aaaaaaaa', location: 'query sort' } });
    });
  });

  describe('investigation view', () => {
    it('shows issues newest first, the endpoint context with owners, the actor timeline and similar cases', async () => {
      await store.createUser({
        id: 'u-owner', email: 'olga@example.com', displayName: 'Olga', role: 'workload-owner', applications: [], status: 'active',
        failedLogins: 0, lockedUntil: null, lastLoginAt: null, createdAt: at(0), updatedAt: at(0), passwordHash: null,
      });
      await store.createApplication({ ...APPLICATION_DEFAULTS, id: 'shop', name: 'Shop', owners: ['u-owner'], matchers: [{ host: 'api.shop.example' }], createdAt: at(0), updatedAt: at(0) });
      await store.saveEndpoints([{ endpoint: makeEndpoint({ id: 'ep-search', host: 'api.shop.example', pathTemplate: '/search', auth: { kinds: { none: 2, 'bearer-jwt': 8 }, jwt: null } }), state: {} }]);
      const draft = (m: number, over: Partial<IssueDraft> = {}) => makeDraft({ at: at(m), location: { where: 'query', name: `p${m}` }, ...over });
      await cases.addIssues([draft(0), draft(10), draft(20, { endpointId: 'ep-gone', pathTemplate: '/gone' }), draft(300), draft(5, { host: 'api.other.example', endpointId: 'ep-x' })]);
      const list = (await cases.listCases({}, ANALYST)).items;
      const first = list.find((x) => x.issueCount === 3)!;
      const detail = await cases.caseDetail(first.id, ANALYST);
      expect(detail.issues.map((i) => i.lastSeen)).toEqual([at(20), at(10), at(0)]);
      expect(detail.endpoints).toEqual([
        {
          // Traffic risk 1.5, plus 0.5 for Shop's business criticality (medium).
          endpointId: 'ep-search', host: 'api.shop.example', method: 'GET', pathTemplate: '/search', riskScore: 2, riskLevel: 'low', exposure: 'internal',
          authenticated: 'mixed', dataClasses: [], applicationId: 'shop', applicationName: 'Shop', owners: ['Olga <olga@example.com>'],
        },
        {
          endpointId: 'ep-gone', host: 'api.shop.example', method: 'GET', pathTemplate: '/gone', riskScore: null, riskLevel: null, exposure: null,
          authenticated: null, dataClasses: [], applicationId: null, applicationName: null, owners: [],
        },
      ]);
      expect(detail.similar.map((s) => s.id).sort()).toEqual(list.filter((x) => x.id !== first.id).map((x) => x.id).sort());
      const timeline = await cases.timeline(first.id, undefined, ANALYST);
      expect(timeline).toMatchObject({ actor: ACTOR_A, total: 5 });
      expect(timeline.items.map((i) => i.at)).toEqual([at(300), at(20), at(10), at(5), at(0)]);
      expect((await cases.timeline(first.id, 2, ANALYST)).items).toHaveLength(2);
    });

    it('exports the filtered cases with their issues, one JSON line each, and audits the export', async () => {
      await cases.addIssues([makeDraft(), makeDraft({ actor: { ...ACTOR_B }, severity: 'low' })]);
      const lines: string[] = [];
      for await (const line of cases.exportCases({ severity: 'high' }, ANALYST)) lines.push(line);
      expect(lines).toHaveLength(1);
      const row = JSON.parse(lines[0]!) as { case: ThreatCase; issues: ThreatIssue[]; issuesTotal: number };
      expect(row.case.actor.id).toBe(ACTOR_A.id);
      expect(row.issues).toHaveLength(1);
      expect(row.issuesTotal).toBe(1);
      expect((await store.listAudit({ action: 'case.export' })).items[0]).toMatchObject({ actor: { id: 'u-soc-analyst' }, after: { filters: { severity: 'high' } } });
    });

    it('answers daily counts and the summary', async () => {
      await cases.addIssues([makeDraft(), makeDraft({ at: at(24 * 60), category: 'xss', detector: 'xss-markup', location: { where: 'body', name: '/c' } })]);
      expect(await cases.daily(2, ANALYST)).toEqual({ days: [{ day: '2026-03-01', counts: { sqli: 1 }, total: 1 }, { day: '2026-03-02', counts: { xss: 1 }, total: 1 }] });
      expect(await cases.summary(ANALYST)).toMatchObject({ new: 2, openBySeverity: { high: 2 } });
    });
  });

  describe('permissions and application scope', () => {
    beforeEach(async () => {
      await store.createApplication({ ...APPLICATION_DEFAULTS, id: 'shop', name: 'Shop', owners: [], matchers: [{ host: 'api.shop.example' }], createdAt: at(0), updatedAt: at(0) });
      await cases.addIssues([makeDraft(), makeDraft({ host: 'pay.example', endpointId: 'ep-pay', actor: { ...ACTOR_B } })]);
    });

    it('refuses roles without cases:read or cases:write', async () => {
      const owner = caller('workload-owner', ['shop']);
      await expect(cases.listCases({}, owner)).rejects.toMatchObject({ code: 'not_allowed' });
      await expect(cases.summary(owner)).rejects.toMatchObject({ code: 'not_allowed' });
      const practitioner = caller('security-practitioner');
      const c = (await cases.listCases({}, practitioner)).items[0]!;
      await expect(cases.updateCase(c.id, { status: 'investigating' }, practitioner)).rejects.toMatchObject({ code: 'not_allowed' });
      await expect(cases.createSuppression({ detector: 'x', reason: 'r' }, caller('auditor'))).rejects.toMatchObject({ code: 'not_allowed' });
      expect((await cases.listCases({}, caller('auditor'))).total).toBe(2);
    });

    it('bounds a scoped caller to its applications: lists, counts, ids, issues and timelines', async () => {
      const scoped = caller('soc-analyst', ['shop'], 'u-scoped');
      const mine = await cases.listCases({}, scoped);
      expect(mine.items.map((c) => c.target)).toEqual(['app:shop']);
      expect(mine.total).toBe(1);
      const other = (await cases.listCases({}, null)).items.find((c) => c.target === 'host:pay.example')!;
      await expect(cases.getCase(other.id, scoped)).rejects.toMatchObject({ code: 'not_found' });
      await expect(cases.caseDetail(other.id, scoped)).rejects.toMatchObject({ code: 'not_found' });
      await expect(cases.updateCase(other.id, { status: 'investigating' }, scoped)).rejects.toMatchObject({ code: 'not_found' });
      expect((await cases.summary(scoped)).new).toBe(1);
      const issues = await cases.listIssues({}, scoped);
      expect(issues.items.map((i) => i.host)).toEqual(['api.shop.example']);
      const otherIssue = (await cases.listIssues({ caseId: other.id }, null)).items[0]!;
      await expect(cases.getIssue(otherIssue.id, scoped)).rejects.toMatchObject({ code: 'not_found' });
      expect((await cases.listCases({}, caller('soc-analyst', []))).total).toBe(0);
    });
  });
});
