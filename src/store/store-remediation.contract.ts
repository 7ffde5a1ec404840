import { beforeEach, describe, expect, it } from 'vitest';
import type { OutboxMessage } from '../contracts/remediation.js';
import { makeEndpoint, makeFinding } from './fixtures/builders.js';
import type { Store, TaskRecord } from './store.js';

/**
 * The remediation part of the store contract (issue 6): the findings' change feed, tasks with their
 * counts read through the links, SLA filters computed at the query's `now`, history, owner groups, and
 * the outbox's delivery states. Declared inside `storeContract`, which opens a fresh store for every test.
 */
export function remediationContract(current: () => Store): void {
  describe('remediation', () => {
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    const DAY = 86_400_000;
    const T0 = '2026-11-01T00:00:00.000Z';
    const plus = (days: number) => new Date(Date.parse(T0) + days * DAY).toISOString();

    function task(id: string, over: Partial<TaskRecord> = {}): TaskRecord {
      return {
        id,
        title: 'Credentials in the URL',
        ruleId: 'posture-credentials-in-url',
        source: 'traffic',
        severity: 'high',
        owasp: 'API2:2023',
        cwe: 'CWE-598',
        applicationId: null,
        endpointId: null,
        specId: null,
        host: 'api.example.com',
        method: 'GET',
        pathTemplate: '/users/{id}',
        remediation: 'Send credentials in a header.',
        status: 'open',
        assignee: null,
        createdAt: T0,
        updatedAt: T0,
        dueAt: plus(14),
        closedAt: null,
        riskAcceptance: null,
        verification: null,
        ticket: null,
        reopenCount: 0,
        fixCheck: null,
        notified: false,
        slaAnnounced: null,
        dueFrom: T0,
        ...over,
      };
    }

    it('numbers every saved or resolved finding, so a reader resumes after its cursor', async () => {
      await store.saveEndpoints([{ endpoint: makeEndpoint(), state: null }]);
      await store.saveFindings([makeFinding({ ruleId: 'a' }), makeFinding({ ruleId: 'b' })]);
      const first = await store.findingsChangedSince(0, 10);
      expect(first.map((c) => c.finding.ruleId)).toEqual(['a', 'b']);
      expect(first[1]!.seq).toBeGreaterThan(first[0]!.seq);
      // Seen again: a new number, after the others.
      await store.saveFindings([makeFinding({ ruleId: 'a', count: 2 })]);
      const next = await store.findingsChangedSince(first[1]!.seq, 10);
      expect(next.map((c) => [c.finding.ruleId, c.finding.count])).toEqual([['a', 3]]);
      expect(await store.findingsChangedSince(next[0]!.seq, 10)).toEqual([]);
      // The limit bounds a read.
      expect(await store.findingsChangedSince(0, 1)).toHaveLength(1);
    });

    it('keeps tasks with references, counts through their links, and history newest first', async () => {
      await store.saveEndpoints([{ endpoint: makeEndpoint(), state: null }]);
      const a = makeFinding({ ruleId: 'r', id: 'f1', count: 2 });
      const b = makeFinding({ ruleId: 'r', id: 'f2', count: 3, status: 'resolved' });
      await store.saveFindings([a, b]);
      const ev = (id: string, kind: 'created' | 'comment', text: string | null) => ({ id, taskId: 't1', at: T0, actor: { kind: 'system' as const, id: null, label: 'Bulwark' }, kind, from: null, to: null, text });
      await store.saveTaskBatch({
        tasks: [task('t1'), task('t2')],
        links: [
          { findingId: 'f1', taskId: 't1' },
          { findingId: 'f2', taskId: 't1' },
        ],
        events: [ev('e1', 'created', null), ev('e2', 'comment', 'looking')],
        meta: { 'remediation.cursor': 7 },
      });
      const t1 = await store.getTask('t1');
      expect(t1).toMatchObject({ ref: 'T-1', findingCount: 2, openFindings: 1, findingCountSum: 5 });
      expect((await store.getTask('t2'))!.ref).toBe('T-2');
      expect(await store.getMeta('remediation.cursor')).toBe(7);
      // Saving again keeps the reference; the same event id is written once.
      await store.saveTaskBatch({ tasks: [task('t1', { status: 'in-progress' })], events: [ev('e2', 'comment', 'looking')] });
      expect(await store.getTask('t1')).toMatchObject({ ref: 'T-1', status: 'in-progress' });
      expect((await store.listTaskEvents('t1', 10)).map((e) => e.id)).toEqual(['e2', 'e1']);
      expect((await store.taskFindings('t1', 10)).map((f) => f.id)).toEqual(['f1', 'f2']);
      expect(await store.getTasks(['t2', 'missing', 't1'])).toHaveLength(2);
    });

    it('filters by SLA state at the query instant, status, severity, assignee and text, and sorts by due date', async () => {
      await store.saveTaskBatch({
        tasks: [
          task('soon', { dueAt: plus(14) }),
          task('late', { dueAt: plus(7), severity: 'critical', assignee: 'u1' }),
          task('done', { status: 'verified', closedAt: plus(3), dueAt: plus(30), severity: 'low' }),
          task('missed', { status: 'fixed', closedAt: plus(40), dueAt: plus(30), severity: 'medium', title: 'Verbose errors' }),
        ],
      });
      const ids = async (q: Parameters<Store['listTasks']>[0]) => (await store.listTasks(q)).items.map((t) => t.id);
      // Day 10: `late` (due day 7) is overdue; `soon` (14 days, approaching from day 10.5) is on track.
      expect(await ids({ now: plus(10), sla: ['overdue'] })).toEqual(['late']);
      expect(await ids({ now: plus(10), sla: ['on-track'] })).toEqual(['soon']);
      expect(await ids({ now: plus(11), sla: ['approaching'] })).toEqual(['soon']);
      expect(await ids({ now: plus(11), sla: ['met', 'missed'] })).toEqual(['done', 'missed']);
      expect(await ids({ now: plus(11), statuses: ['open'], sort: 'due' })).toEqual(['late', 'soon']);
      expect(await ids({ now: plus(11), sort: 'severity' })).toEqual(['late', 'soon', 'missed', 'done']);
      expect(await ids({ now: plus(11), assignee: 'u1' })).toEqual(['late']);
      expect(await ids({ now: plus(11), assignee: null, search: 'verbose' })).toEqual(['missed']);
      expect(await ids({ now: plus(11), severities: ['low', 'medium'] })).toEqual(['done', 'missed']);
      // Digests: active tasks not yet announced, or overdue.
      await store.saveTaskBatch({ tasks: [task('soon', { notified: true })] });
      expect(await ids({ now: plus(1), digestable: true })).toEqual(['late']);
      expect(await ids({ now: plus(20), digestable: true })).toEqual(['late', 'soon']);
    });

    it('finds what the SLA check and the trackers need exactly: unannounced SLA states, expired acceptances, a ticket', async () => {
      const acceptance = (expiresAt: string) => ({ approver: { kind: 'user' as const, id: 'u', label: 'u' }, reason: 'r', acceptedAt: T0, expiresAt });
      const ticket = (key: string) => ({ system: 'jira' as const, key, url: `http://jira/browse/${key}`, status: null, syncedAt: null });
      await store.saveTaskBatch({
        tasks: [
          task('late', { dueAt: plus(7) }),
          task('told', { dueAt: plus(7), slaAnnounced: 'overdue' }),
          task('near', { dueAt: plus(14), slaAnnounced: 'overdue', ticket: ticket('SEC-4') }),
          task('gone', { status: 'risk-accepted', riskAcceptance: acceptance(plus(9)), ticket: ticket('SEC-42') }),
          task('kept', { status: 'risk-accepted', riskAcceptance: acceptance(plus(30)) }),
        ],
      });
      const ids = async (q: Parameters<Store['listTasks']>[0]) => (await store.listTasks(q)).items.map((t) => t.id).sort();
      // Day 11: `late` is overdue and not yet told; `near` approaches (its last announcement was another state).
      expect(await ids({ now: plus(11), slaUnannounced: true })).toEqual(['late', 'near']);
      expect(await ids({ now: plus(10), acceptanceExpired: true })).toEqual(['gone']);
      expect(await ids({ now: plus(10), ticket: { system: 'jira', key: 'SEC-4' } })).toEqual(['near']);
      expect(await ids({ now: plus(10), ticket: { system: 'github', key: 'SEC-4' } })).toEqual([]);
    });

    it('remembers tracker deliveries for a window: the same id again is a replay, an expired one is forgotten', async () => {
      expect(await store.firstTrackerDelivery('jira:abc', T0, 10 * DAY)).toBe(true);
      expect(await store.firstTrackerDelivery('jira:abc', plus(1), 10 * DAY)).toBe(false);
      expect(await store.firstTrackerDelivery('github:abc', plus(1), 10 * DAY)).toBe(true);
      expect(await store.firstTrackerDelivery('jira:abc', plus(11), 10 * DAY)).toBe(true);
    });

    it('bounds lists to the caller\'s applications and groups active tasks by application', async () => {
      await store.saveTaskBatch({ tasks: [task('x', { applicationId: null }), task('y', { applicationId: null, status: 'verified', closedAt: T0 })] });
      expect((await store.listTasks({ now: T0, scope: [] })).total).toBe(0);
      expect((await store.listTasks({ now: T0, scope: 'all' })).total).toBe(2);
      const groups = await store.taskOwnerGroups('all', plus(20));
      expect(groups).toEqual([{ applicationId: null, active: 1, overdue: 1, approaching: 0, bySeverity: { info: 0, low: 0, medium: 0, high: 1, critical: 0 } }]);
      expect(await store.taskOwnerGroups([], plus(20))).toEqual([]);
    });

    it('queues messages with their change, hands out due ones, and records sent, retried and dead', async () => {
      const message: OutboxMessage = {
        kind: 'digest',
        digest: { applicationId: null, applicationName: 'Shop', team: null, to: ['a@example.com'], newTasks: [], overdueTasks: [], consoleUrl: 'http://x', generatedAt: T0 },
      };
      await store.saveTaskBatch({ outbox: [{ id: 'm1', channel: 'email', taskId: null, message, createdAt: T0 }, { id: 'm2', channel: 'email', taskId: 't9', message, createdAt: plus(1) }] });
      expect((await store.dueOutbox(T0, 10)).map((m) => m.id)).toEqual(['m1']);
      const due = await store.dueOutbox(plus(1), 10);
      expect(due.map((m) => m.id)).toEqual(['m1', 'm2']);
      expect(due[0]!.message).toEqual(message);
      await store.settleOutbox('m1', { status: 'sent', at: plus(1) });
      await store.settleOutbox('m2', { status: 'pending', nextAttemptAt: plus(2), error: 'ECONNREFUSED' });
      expect(await store.dueOutbox(plus(1), 10)).toEqual([]);
      expect((await store.dueOutbox(plus(2), 10)).map((m) => [m.id, m.attempts, m.lastError])).toEqual([['m2', 1, 'ECONNREFUSED']]);
      await store.settleOutbox('m2', { status: 'dead', error: '550 no such user' });
      expect((await store.listOutbox({ status: 'dead' })).items).toEqual([expect.objectContaining({ id: 'm2', attempts: 2, lastError: '550 no such user', nextAttemptAt: null })]);
      expect((await store.listOutbox({ taskId: 't9' })).total).toBe(1);
      expect(await store.retryOutbox('m1', plus(3))).toBe(false);
      expect(await store.retryOutbox('m2', plus(3))).toBe(true);
      expect((await store.dueOutbox(plus(3), 10)).map((m) => m.id)).toEqual(['m2']);
    });
  });
}
