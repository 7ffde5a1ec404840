import { randomUUID } from 'node:crypto';
import {
  ACTIVE_TASK_STATUSES,
  AcceptRiskInput,
  BulkTaskInput,
  TaskListQuery,
  TaskUpdate,
  type DigestMessage,
  type OutboxMessage,
  type OutboxEntry,
  type OwnerGroup,
  type RemediationTask,
  type TaskActor,
  type TaskDetail,
  type TaskEvent,
  type TicketRef,
  type TicketSystem,
} from '../contracts/remediation.js';
import { invalidInput, notFound } from '../errors/domain-errors.js';
import { createAuditLog } from '../identity/audit-log.js';
import { activeUserWhoMay, assertReaderCan, readerScope, readerSees, type Reader } from '../identity/reader.js';
import type { Caller } from '../identity/identity-service.js';
import { assertCan, inScope } from '../identity/permissions.js';
import { UNASSIGNED_APPLICATION, type NewOutboxEntry, type Page, type StoredTask, type Store, type TaskBatch, type TaskQuery, type TaskRecord } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import type { RemediationCoreConfig } from './config.js';
import { SendError, type DeliveryChannel, type DeliveryResult } from './delivery/channel.js';
import { HttpSendError } from './delivery/http.js';
import { slaState } from './due.js';
import { taskIdOf } from './grouping.js';
import { changeMessage, routeMessage, taskBrief, ticketMessage } from './notify.js';
import { markFixed, expireAcceptance, planSync, stripStored, taskEvent, verifyTasks, SYNC_CURSOR_KEY, type SyncChange } from './sync.js';

export interface RemediationDeps {
  store: Store;
  config: RemediationCoreConfig;
  /** Configured delivery channels (email, trackers, webhooks, chat); none is fine. */
  channels: readonly DeliveryChannel[];
  logger: Logger;
  now?: () => Date;
  newId?: () => string;
}

export type { Reader };

export interface SyncReport {
  findings: number;
  created: number;
  verified: number;
  reopened: number;
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  dead: number;
}

/**
 * Remediation (issue 6): findings become tasks for application owners, with due dates and SLA states;
 * owners work them; Bulwark verifies fixes from later traffic, spec versions and audits, reopens what comes
 * back, and tells people through the outbox (email digests, tickets, webhooks, chat). Every change is one
 * store transaction with its history entry and its outgoing messages, so no update is lost between them.
 *
 * @example
 * const remediation = createRemediationService({ store, config: config.remediation, channels, logger });
 * await remediation.sync();                                   // after ingestion: findings -> tasks, verification
 * await remediation.updateTask(id, { status: 'fixed' }, caller);
 * await remediation.deliverDue();                             // the outbox worker
 */
export interface RemediationService {
  /**
   * Findings changed since the last sync into tasks, then verification. `traffic`: right after an ingestion
   * flush (both its endpoint calls and its findings stored), when fixed tasks may be verified from traffic.
   */
  sync(opts?: { traffic?: boolean }): Promise<SyncReport>;
  listTasks(query: TaskListQuery, caller: Reader): Promise<Page<RemediationTask>>;
  taskDetail(id: string, caller: Reader): Promise<TaskDetail>;
  updateTask(id: string, patch: TaskUpdate, caller: Caller): Promise<RemediationTask>;
  acceptRisk(id: string, input: AcceptRiskInput, caller: Caller): Promise<RemediationTask>;
  addComment(id: string, text: string, caller: Caller): Promise<TaskEvent>;
  /** Assign and/or send several tasks at once (practitioners). */
  bulk(input: BulkTaskInput, caller: Caller): Promise<{ updated: number; queued: number }>;
  board(caller: Reader): Promise<OwnerGroup[]>;
  /** Queues one digest per owner with their new and overdue tasks (the daily job, or `taskIds` for a send). */
  queueDigests(opts?: { taskIds?: readonly string[] }): Promise<{ digests: number; tasks: number }>;
  /** Expires risk acceptances and announces SLA changes (approaching, overdue). */
  checkSla(): Promise<{ expired: number; announced: number }>;
  /** Sends the outbox messages that are due; retries with backoff; dead-letters after the last try. */
  deliverDue(): Promise<DeliveryReport>;
  listOutbox(query: { status?: OutboxEntry['status']; taskId?: string; limit?: number; offset?: number }, caller: Reader): Promise<Page<OutboxEntry>>;
  retryOutbox(id: string, caller: Caller): Promise<void>;
  /**
   * A tracker's webhook reported a ticket's status (Jira's status categories; `other` for a state that is
   * neither, such as closed as not planned): done -> fixed, in progress -> in progress, back to new before
   * Bulwark verified the fix -> open; the history notes every report. False when no task has the ticket.
   */
  ticketStatus(system: TicketSystem, key: string, status: { name: string; category: 'new' | 'indeterminate' | 'done' | 'other' }): Promise<boolean>;
}

const SYNC_BATCH = 1000;
const SYNC_MAX_BATCHES = 200;
const DETAIL_FINDINGS = 200;
const DETAIL_HISTORY = 200;
const DIGEST_PAGE = 200;
const DIGEST_MAX_TASKS = 10_000;
const DELIVERY_BATCH = 50;
const DAY_MS = 86_400_000;
/** Fixed tasks checked against traffic per sync, and SLA changes handled per run. */
const MAX_FIXED_CHECKED = 10_000;
const SLA_BATCH = 500;

export function createRemediationService(deps: RemediationDeps): RemediationService {
  const { store, config, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const channels = new Map(deps.channels.map((c) => [c.name, c]));
  const audit = createAuditLog({ store, clock: { now } });
  // One writer at a time: a sync, a digest and a user change must not plan from the same stale task.
  let chain: Promise<unknown> = Promise.resolve();
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(fn);
    chain = run.catch(() => undefined);
    return run;
  }

  const actorOf = (caller: Caller): TaskActor => ({ kind: caller.principal.kind, id: caller.principal.id, label: caller.principal.name });

  function view(t: StoredTask): RemediationTask {
    const { fixCheck: _f, notified: _n, slaAnnounced: _s, findingCountSum: _c, dueFrom: _d, ...rest } = t;
    return { ...rest, sla: slaState(t, now()) };
  }

  async function visibleTask(id: string, caller: Reader): Promise<StoredTask> {
    const t = await store.getTask(id);
    if (!t || !readerSees(caller, t.applicationId)) throw notFound(`task ${id} not found`);
    return t;
  }

  async function applicationNames(ids: Iterable<string | null>): Promise<Map<string, { name: string; team: string | null; contacts: string[]; owners: string[] }>> {
    const out = new Map<string, { name: string; team: string | null; contacts: string[]; owners: string[] }>();
    for (const id of new Set(ids)) {
      if (id === null || out.has(id)) continue;
      const app = await store.getApplication(id);
      if (app) out.set(id, { name: app.name, team: app.team ?? null, contacts: app.contacts ?? [], owners: app.owners });
    }
    return out;
  }

  /** Messages for changes: task-change to webhooks and chat; ticket updates to the tracker that holds the ticket. */
  async function messagesFor(changes: readonly SyncChange[], at: string, known: ReadonlyMap<string, StoredTask>): Promise<NewOutboxEntry[]> {
    if (changes.length === 0 || channels.size === 0) return [];
    const names = await applicationNames(changes.map((c) => c.task.applicationId));
    const out: NewOutboxEntry[] = [];
    for (const { task, event } of changes) {
      const stored = known.get(task.id) ?? (await store.getTask(task.id));
      const t: RemediationTask = view({ ...(stored ?? { ref: '', findingCount: 0, openFindings: 0, findingCountSum: 0 }), ...task });
      const appName = task.applicationId === null ? null : (names.get(task.applicationId)?.name ?? null);
      out.push(...routeMessage([...channels.values()], changeMessage(event, t, appName, config.consoleUrl), task.id, at, newId));
      if (task.ticket && (event.kind === 'status' || event.kind === 'verified' || event.kind === 'reopened')) {
        const tracker = [...channels.values()].find((c) => c.kind === task.ticket!.system);
        const msg = { kind: 'ticket' as const, ticket: ticketMessage(t, [], appName, config.consoleUrl) };
        if (tracker?.accepts(msg)) out.push({ id: newId(), channel: tracker.name, taskId: task.id, message: msg, createdAt: at });
      }
    }
    return out;
  }

  /** `known`: the changed tasks as already read (their counts for the messages), so they are not read again. */
  async function commit(changes: SyncChange[], extra: TaskBatch = {}, known: ReadonlyMap<string, StoredTask> = new Map()): Promise<void> {
    const at = now().toISOString();
    const outbox = await messagesFor(changes, at, known);
    const tasks = new Map<string, TaskRecord>();
    for (const t of extra.tasks ?? []) tasks.set(t.id, t);
    for (const c of changes) tasks.set(c.task.id, c.task);
    await store.saveTaskBatch({
      ...extra,
      tasks: [...tasks.values()],
      events: [...changes.map((c) => c.event), ...(extra.events ?? [])],
      outbox: [...(extra.outbox ?? []), ...outbox],
    });
  }

  async function endpointCallsOf(tasks: readonly StoredTask[]): Promise<Map<string, number | null>> {
    const out = new Map<string, number | null>();
    for (const t of tasks) {
      if (t.status !== 'fixed' || t.endpointId === null || out.has(t.endpointId)) continue;
      out.set(t.endpointId, await endpointCalls(t.endpointId));
    }
    return out;
  }

  /** Fixed tasks, all of them (bounded): a working fix changes no finding, so only this list reaches it. */
  async function fixedTasks(): Promise<StoredTask[]> {
    const out: StoredTask[] = [];
    for (let offset = 0; offset < MAX_FIXED_CHECKED; offset += DIGEST_PAGE) {
      const page = await store.listTasks({ statuses: ['fixed'], now: now().toISOString(), limit: DIGEST_PAGE, offset, sort: 'created' });
      out.push(...page.items);
      if (page.items.length < DIGEST_PAGE) break;
    }
    return out;
  }

  async function syncOnce(traffic: boolean): Promise<SyncReport> {
    const report: SyncReport = { findings: 0, created: 0, verified: 0, reopened: 0 };
    let cursor = (await store.getMeta<number>(SYNC_CURSOR_KEY)) ?? 0;
    const touched = new Set<string>();
    for (let i = 0; i < SYNC_MAX_BATCHES; i++) {
      const changed = await store.findingsChangedSince(cursor, SYNC_BATCH);
      if (changed.length === 0) break;
      report.findings += changed.length;
      const existing = new Map((await store.getTasks(changed.map((c) => taskIdOf(c.finding)))).map((t) => [t.id, t]));
      const at = now().toISOString();
      const plan = planSync(changed, existing, config, at, newId);
      report.created += plan.changes.length;
      await commit(plan.changes, plan.batch);
      for (const id of plan.touched) touched.add(id);
      cursor = changed.at(-1)!.seq;
    }
    // Verification: the tasks the findings touched, plus, after a flush, every fixed task (traffic may have verified it).
    const fixed = traffic ? (await fixedTasks()).filter((t) => !touched.has(t.id)) : [];
    const candidates = [...(await store.getTasks([...touched])), ...fixed];
    const at = now().toISOString();
    const changes = verifyTasks(candidates, traffic ? await endpointCallsOf(candidates) : new Map(), config, at, newId, { traffic });
    for (const c of changes) {
      if (c.event.kind === 'verified') report.verified++;
      if (c.event.kind === 'reopened') report.reopened++;
    }
    // Verified from traffic: the findings are resolved too, so the inventory agrees (they reopen with the problem).
    const fromTraffic = changes.filter((c) => c.task.status === 'verified' && c.task.verification?.source === 'traffic').map((c) => c.task.id);
    if (changes.length) await commit(changes, fromTraffic.length ? { resolveFindingsOf: { taskIds: fromTraffic, at } } : {}, new Map(candidates.map((t) => [t.id, t])));
    return report;
  }

  function storeQuery(q: TaskListQuery, caller: Reader): TaskQuery {
    const list = <T>(v: T | T[] | undefined): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
    const out: TaskQuery = { scope: readerScope(caller), now: now().toISOString(), limit: q.limit ?? 50, offset: q.offset ?? 0 };
    const statuses = list(q.status) ?? (q.state === 'active' ? [...ACTIVE_TASK_STATUSES] : q.state === 'closed' ? (['fixed', 'verified', 'risk-accepted'] as const).slice() : undefined);
    if (statuses) out.statuses = statuses;
    const sla = list(q.sla);
    if (sla) out.sla = sla;
    const severities = list(q.severity);
    if (severities) out.severities = severities;
    if (q.application !== undefined) out.application = q.application === 'none' ? UNASSIGNED_APPLICATION : q.application;
    if (q.assignee !== undefined) out.assignee = q.assignee === 'none' ? null : q.assignee === 'me' ? (caller?.principal.id ?? null) : q.assignee;
    if (q.endpointId !== undefined) out.endpointId = q.endpointId;
    if (q.q) out.search = q.q;
    if (q.sort) out.sort = q.sort;
    if (q.order) out.order = q.order;
    return out;
  }

  async function checkAssignee(userId: string, applicationId: string | null): Promise<void> {
    const user = await activeUserWhoMay(store, userId, 'tasks:write', 'work tasks');
    if (user.role === 'workload-owner' && applicationId !== null) {
      const app = await store.getApplication(applicationId);
      const owns = user.applications.includes(applicationId) || (app?.owners.includes(user.id) ?? false);
      if (!owns) throw invalidInput(`assignee ${userId} does not own the task's application`);
    }
  }

  async function record(caller: Caller, action: string, id: string, before: unknown, after: unknown): Promise<void> {
    await audit.append({ actor: { kind: caller.principal.kind, id: caller.principal.id }, action, target: { type: 'task', id }, before, after, clientAddress: caller.clientAddress ?? null });
  }

  /** Queues digests for the given tasks (all digestable ones when absent), one per application with recipients. */
  async function digestsFor(tasks: readonly StoredTask[], at: string, isNew: (t: StoredTask) => boolean): Promise<{ batch: TaskBatch; digests: number; tasks: number }> {
    const byApp = new Map<string | null, StoredTask[]>();
    for (const t of tasks) {
      const list = byApp.get(t.applicationId);
      if (list) list.push(t);
      else byApp.set(t.applicationId, [t]);
    }
    const apps = await applicationNames(byApp.keys());
    const batch: TaskBatch = { tasks: [], events: [], outbox: [] };
    let digests = 0;
    let counted = 0;
    const nowDate = new Date(at);
    for (const [appId, list] of byApp) {
      const app = appId === null ? undefined : apps.get(appId);
      if (!app) continue; // unowned tasks have no one to send to: the board shows them, and the unowned tile
      const to = new Set(app.contacts.map((c) => c.toLowerCase()));
      for (const ownerId of app.owners) {
        const user = await store.getUser(ownerId);
        if (user && user.status === 'active') to.add(user.email.toLowerCase());
      }
      if (to.size === 0) continue;
      const fresh = list.filter(isNew);
      const overdue = list.filter((t) => !isNew(t) && slaState(t, nowDate) === 'overdue');
      if (fresh.length === 0 && overdue.length === 0) continue;
      const digest: DigestMessage = {
        applicationId: appId,
        applicationName: app.name,
        team: app.team,
        to: [...to].sort(),
        newTasks: fresh.map((t) => taskBrief(view(t), config.consoleUrl)),
        overdueTasks: overdue.map((t) => taskBrief(view(t), config.consoleUrl)),
        consoleUrl: config.consoleUrl,
        generatedAt: at,
      };
      const routed = routeMessage([...channels.values()], { kind: 'digest', digest }, null, at, newId);
      if (routed.length === 0) continue;
      batch.outbox!.push(...routed);
      digests++;
      for (const t of fresh) {
        counted++;
        batch.tasks!.push({ ...stripStored(t), notified: true });
        batch.events!.push(taskEvent(newId, t.id, at, 'notified', null, null, `sent to ${digest.to.join(', ')}`));
      }
      counted += overdue.length;
    }
    return { batch, digests, tasks: counted };
  }

  async function ticketsFor(tasks: readonly StoredTask[], at: string): Promise<NewOutboxEntry[]> {
    const trackers = [...channels.values()].filter((c) => c.kind === 'jira' || c.kind === 'github');
    if (trackers.length === 0) return [];
    const names = await applicationNames(tasks.map((t) => t.applicationId));
    const out: NewOutboxEntry[] = [];
    for (const t of tasks) {
      const findings = await store.taskFindings(t.id, 10);
      const msg = { kind: 'ticket' as const, ticket: ticketMessage(view(t), findings, t.applicationId === null ? null : (names.get(t.applicationId)?.name ?? null), config.consoleUrl) };
      // A task with a ticket updates that tracker only; a new one goes to the first tracker configured.
      const tracker = t.ticket ? trackers.find((c) => c.kind === t.ticket!.system) : trackers[0];
      if (tracker?.accepts(msg)) out.push({ id: newId(), channel: tracker.name, taskId: t.id, message: msg, createdAt: at });
    }
    return out;
  }

  async function endpointCalls(endpointId: string | null): Promise<number | null> {
    const e = endpointId === null ? null : await store.getEndpoint(endpointId);
    return e ? e.calls : null;
  }

  /**
   * A ticket message as of now: a ticket opened since it was queued (an earlier message of the same task) is
   * updated instead of a second one being opened.
   */
  async function current(message: OutboxMessage, taskId: string | null): Promise<OutboxMessage> {
    if (message.kind !== 'ticket' || taskId === null || message.ticket.ticket !== null) return message;
    const t = await store.getTask(taskId);
    return t?.ticket ? { kind: 'ticket', ticket: { ...message.ticket, ticket: t.ticket } } : message;
  }

  function backoffMs(attempts: number): number {
    const base = config.delivery.backoffSeconds * 1000 * 2 ** Math.max(0, attempts - 1);
    const capped = Math.min(base, config.delivery.maxBackoffSeconds * 1000);
    return Math.round(capped * (1 + Math.random() * 0.2));
  }

  /** The ticket a send made or updated, onto the task as it is now (a status a webhook set meanwhile is kept). */
  async function applyTicket(taskId: string, ticket: TicketRef): Promise<void> {
    const t = await store.getTask(taskId);
    if (!t) return;
    const at = now().toISOString();
    const before = t.ticket?.key ?? null;
    const same = t.ticket !== null && t.ticket.system === ticket.system && t.ticket.key === ticket.key;
    const record = { ...stripStored(t), ticket: same ? { ...t.ticket!, url: ticket.url } : ticket, updatedAt: at };
    const events = before === ticket.key ? [] : [taskEvent(newId, t.id, at, 'ticket', before, ticket.key, `${ticket.system} ${ticket.key} ${ticket.url}`)];
    await store.saveTaskBatch({ tasks: [record], events });
  }

  return {
    sync: (opts = {}) => serial(() => syncOnce(opts.traffic ?? false)),

    async listTasks(query, caller) {
      assertReaderCan(caller, 'tasks:read');
      const q = TaskListQuery.parse(query);
      const page = await store.listTasks(storeQuery(q, caller));
      return { ...page, items: page.items.map(view) };
    },

    async taskDetail(id, caller) {
      assertReaderCan(caller, 'tasks:read');
      const t = await visibleTask(id, caller);
      const [findings, history, deliveries, names] = await Promise.all([
        store.taskFindings(id, DETAIL_FINDINGS),
        store.listTaskEvents(id, DETAIL_HISTORY),
        store.listOutbox({ taskId: id, limit: 50 }),
        applicationNames([t.applicationId]),
      ]);
      return { task: view(t), findings, history, deliveries: deliveries.items, applicationName: t.applicationId === null ? null : (names.get(t.applicationId)?.name ?? null) };
    },

    updateTask(id, patch, caller) {
      return serial(async () => {
        const p = TaskUpdate.parse(patch);
        assertReaderCan(caller, 'tasks:write');
        const t = await visibleTask(id, caller);
        const managing = p.dueAt !== undefined || (p.assignee !== undefined && p.assignee !== caller.principal.id);
        if (managing) assertCan(caller.principal, 'tasks:manage', { applicationId: t.applicationId });
        const at = now().toISOString();
        const actor = actorOf(caller);
        const next = stripStored(t);
        const changes: SyncChange[] = [];
        const events: TaskEvent[] = [];
        if (p.status !== undefined && p.status !== t.status) {
          if (t.status === 'verified' || t.status === 'risk-accepted') {
            throw invalidInput(`task ${t.ref} is ${t.status}: Bulwark reopens it when the problem comes back${t.status === 'risk-accepted' ? ' or the acceptance expires' : ''}`);
          }
          if (p.status === 'fixed') Object.assign(next, markFixed(next, t, await endpointCalls(t.endpointId), at));
          else Object.assign(next, { status: p.status, fixCheck: null, closedAt: null });
          changes.push({ task: next, event: taskEvent(newId, id, at, 'status', t.status, p.status, null, actor) });
        }
        if (p.assignee !== undefined && p.assignee !== t.assignee) {
          if (p.assignee !== null) await checkAssignee(p.assignee, t.applicationId);
          next.assignee = p.assignee;
          events.push(taskEvent(newId, id, at, 'assigned', t.assignee, p.assignee, null, actor));
        }
        if (p.dueAt !== undefined && p.dueAt !== t.dueAt) {
          next.dueAt = new Date(p.dueAt).toISOString();
          next.dueFrom = at;
          next.slaAnnounced = null;
          events.push(taskEvent(newId, id, at, 'due', t.dueAt, next.dueAt, null, actor));
        }
        if (p.comment !== undefined) events.push(taskEvent(newId, id, at, 'comment', null, null, p.comment, actor));
        if (changes.length === 0 && events.length === 0) return view(t);
        next.updatedAt = at;
        await commit(changes, { tasks: [next], events });
        await record(caller, 'task.update', id, { status: t.status, assignee: t.assignee, dueAt: t.dueAt }, { status: next.status, assignee: next.assignee, dueAt: next.dueAt });
        return view((await store.getTask(id))!);
      });
    },

    acceptRisk(id, input, caller) {
      return serial(async () => {
        const body = AcceptRiskInput.parse(input);
        const t = await visibleTask(id, caller);
        assertCan(caller.principal, 'tasks:manage', { applicationId: t.applicationId });
        const at = now();
        const expires = Date.parse(body.expiresAt);
        if (expires <= at.getTime()) throw invalidInput('expiresAt must be in the future');
        if (expires > at.getTime() + config.maxAcceptanceDays * DAY_MS) throw invalidInput(`a risk acceptance may run at most ${config.maxAcceptanceDays} days`);
        if (t.status === 'verified') throw invalidInput(`task ${t.ref} is verified: there is no risk left to accept`);
        const iso = at.toISOString();
        const next: TaskRecord = {
          ...stripStored(t),
          status: 'risk-accepted',
          riskAcceptance: { approver: actorOf(caller), reason: body.reason, acceptedAt: iso, expiresAt: new Date(expires).toISOString() },
          closedAt: iso,
          updatedAt: iso,
        };
        await commit([{ task: next, event: taskEvent(newId, id, iso, 'status', t.status, 'risk-accepted', `${body.reason} (until ${next.riskAcceptance!.expiresAt})`, actorOf(caller)) }]);
        await record(caller, 'task.accept-risk', id, { status: t.status }, { status: 'risk-accepted', expiresAt: next.riskAcceptance!.expiresAt, reason: body.reason });
        return view((await store.getTask(id))!);
      });
    },

    addComment(id, text, caller) {
      return serial(async () => {
        assertReaderCan(caller, 'tasks:write');
        const t = await visibleTask(id, caller);
        const body = text.trim();
        if (body.length === 0 || body.length > 4000) throw invalidInput('a comment has 1 to 4000 characters');
        const at = now().toISOString();
        const event = taskEvent(newId, id, at, 'comment', null, null, body, actorOf(caller));
        await store.saveTaskBatch({ tasks: [{ ...stripStored(t), updatedAt: at }], events: [event] });
        return event;
      });
    },

    bulk(input, caller) {
      return serial(async () => {
        const body = BulkTaskInput.parse(input);
        assertCan(caller.principal, 'tasks:manage');
        const tasks = (await store.getTasks(body.ids)).filter((t) => inScope(caller.principal, t.applicationId));
        if (tasks.length !== new Set(body.ids).size) throw notFound('some tasks were not found');
        const at = now().toISOString();
        const batch: TaskBatch = { tasks: [], events: [], outbox: [] };
        let updated = 0;
        if (body.assignee !== undefined) {
          for (const t of tasks) {
            if (t.assignee === body.assignee) continue;
            if (body.assignee !== null) await checkAssignee(body.assignee, t.applicationId);
            batch.tasks!.push({ ...stripStored(t), assignee: body.assignee, updatedAt: at });
            batch.events!.push(taskEvent(newId, t.id, at, 'assigned', t.assignee, body.assignee, null, actorOf(caller)));
            updated++;
          }
        }
        let queued = 0;
        if (body.send) {
          const sendable = (batch.tasks!.length ? tasks.map((t) => ({ ...t, ...(batch.tasks!.find((b) => b.id === t.id) ?? {}) })) : tasks).filter((t) => ACTIVE_TASK_STATUSES.includes(t.status));
          const digests = await digestsFor(sendable, at, () => true);
          const tickets = await ticketsFor(sendable, at);
          batch.outbox!.push(...digests.batch.outbox!, ...tickets);
          // The digest marks tasks notified; an assignment in the same request is kept.
          for (const d of digests.batch.tasks!) {
            const i = batch.tasks!.findIndex((b) => b.id === d.id);
            if (i >= 0) batch.tasks![i] = { ...batch.tasks![i]!, notified: true };
            else batch.tasks!.push(d);
          }
          batch.events!.push(...digests.batch.events!);
          queued = digests.batch.outbox!.length + tickets.length;
        }
        await store.saveTaskBatch(batch);
        await record(caller, 'task.bulk', body.ids.slice(0, 20).join(','), null, { ids: body.ids.length, assignee: body.assignee, send: body.send ?? false, queued });
        return { updated, queued };
      });
    },

    async board(caller) {
      assertReaderCan(caller, 'tasks:read');
      const rows = await store.taskOwnerGroups(readerScope(caller), now().toISOString());
      const names = await applicationNames(rows.map((r) => r.applicationId));
      return rows.map((r) => ({
        ...r,
        applicationName: r.applicationId === null ? null : (names.get(r.applicationId)?.name ?? null),
        team: r.applicationId === null ? null : (names.get(r.applicationId)?.team ?? null),
      }));
    },

    queueDigests(opts = {}) {
      return serial(async () => {
        const at = now().toISOString();
        let tasks: StoredTask[];
        if (opts.taskIds) tasks = await store.getTasks(opts.taskIds);
        else {
          tasks = [];
          for (let offset = 0; offset < DIGEST_MAX_TASKS; offset += DIGEST_PAGE) {
            const page = await store.listTasks({ digestable: true, now: at, limit: DIGEST_PAGE, offset, sort: 'due' });
            tasks.push(...page.items);
            if (page.items.length < DIGEST_PAGE) break;
          }
        }
        const { batch, digests, tasks: count } = await digestsFor(tasks, at, (t) => !t.notified);
        if (digests > 0) await store.saveTaskBatch(batch);
        return { digests, tasks: count };
      });
    },

    checkSla() {
      return serial(async () => {
        const at = now();
        const iso = at.toISOString();
        const changes: SyncChange[] = [];
        // Both lists shrink as they are handled (expired acceptances reopen, announced states are marked): the
        // first page is always what is left, up to a bound per run.
        for (const t of (await store.listTasks({ acceptanceExpired: true, now: iso, limit: SLA_BATCH, sort: 'due' })).items) {
          changes.push(expireAcceptance(t, config, iso, newId));
        }
        const expired = changes.length;
        for (const t of (await store.listTasks({ slaUnannounced: true, now: iso, limit: SLA_BATCH, sort: 'due' })).items) {
          const state = slaState(t, at);
          const next = { ...stripStored(t), slaAnnounced: state };
          changes.push({ task: next, event: taskEvent(newId, t.id, iso, 'sla', t.slaAnnounced, state, state === 'overdue' ? `overdue since ${t.dueAt}` : `due ${t.dueAt}`) });
        }
        if (changes.length) await commit(changes);
        return { expired, announced: changes.length - expired };
      });
    },

    async deliverDue() {
      const report: DeliveryReport = { sent: 0, retried: 0, dead: 0 };
      const due = await store.dueOutbox(now().toISOString(), DELIVERY_BATCH);
      for (const entry of due) {
        const channel = channels.get(entry.channel);
        const tries = entry.attempts + 1;
        if (!channel) {
          await store.settleOutbox(entry.id, { status: 'dead', error: `channel ${entry.channel} is not configured any more` });
          report.dead++;
          continue;
        }
        let result: DeliveryResult;
        try {
          result = await channel.send(await current(entry.message, entry.taskId), { messageId: entry.id });
        } catch (err) {
          const e = err instanceof SendError ? err : new SendError((err as Error)?.message?.slice(0, 200) ?? 'error', true);
          if (!e.retryable || tries >= config.delivery.maxAttempts) {
            await store.settleOutbox(entry.id, { status: 'dead', error: `${e.reason} (after ${tries} tr${tries === 1 ? 'y' : 'ies'})` });
            logger.warn({ channel: entry.channel, message: entry.id, reason: e.reason, tries }, 'remediation message dead-lettered');
            report.dead++;
          } else {
            // A service that says how long to wait (Retry-After, rate-limit reset) is waited for at least that long.
            const waitMs = Math.max(backoffMs(tries), e instanceof HttpSendError ? (e.retryAfterMs ?? 0) : 0);
            await store.settleOutbox(entry.id, { status: 'pending', nextAttemptAt: new Date(now().getTime() + waitMs).toISOString(), error: e.reason });
            report.retried++;
          }
          continue;
        }
        await store.settleOutbox(entry.id, { status: 'sent', at: now().toISOString() });
        report.sent++;
        if (result.ticket && entry.taskId) await serial(() => applyTicket(entry.taskId!, result.ticket!));
      }
      return report;
    },

    async listOutbox(query, caller) {
      assertReaderCan(caller, 'tasks:read');
      if (caller && caller.principal.applications !== 'all') {
        // Owners see the deliveries of their own tasks only, through the task page.
        if (!query.taskId) throw invalidInput('taskId is required');
        await visibleTask(query.taskId, caller);
      }
      return store.listOutbox(query);
    },

    async retryOutbox(id, caller) {
      assertCan(caller.principal, 'tasks:manage');
      if (!(await store.retryOutbox(id, now().toISOString()))) throw notFound(`no dead message ${id}`);
      await record(caller, 'task.delivery-retry', id, null, null);
    },

    ticketStatus(system, key, status) {
      return serial(async () => {
        const t = (await store.listTasks({ ticket: { system, key }, now: now().toISOString(), limit: 1 })).items[0];
        if (!t) return false;
        const at = now().toISOString();
        const next: TaskRecord = { ...stripStored(t), ticket: { ...t.ticket!, status: status.name, syncedAt: at }, updatedAt: at };
        const actor: TaskActor = { kind: 'integration', id: null, label: `${system} ${key}` };
        const changes: SyncChange[] = [];
        const events: TaskEvent[] = [];
        const active = ACTIVE_TASK_STATUSES.includes(t.status);
        if (status.category === 'done' && active) {
          Object.assign(next, markFixed(next, t, await endpointCalls(t.endpointId), at));
          changes.push({ task: next, event: taskEvent(newId, t.id, at, 'status', t.status, 'fixed', `${system} ${key} is ${status.name}`, actor) });
        } else if (status.category === 'indeterminate' && (t.status === 'open' || t.status === 'reopened')) {
          next.status = 'in-progress';
          changes.push({ task: next, event: taskEvent(newId, t.id, at, 'status', t.status, 'in-progress', `${system} ${key} is ${status.name}`, actor) });
        } else if (status.category === 'new' && t.status === 'fixed') {
          // The ticket was reopened before Bulwark verified the fix: the work is not done.
          next.status = 'open';
          next.fixCheck = null;
          next.closedAt = null;
          changes.push({ task: next, event: taskEvent(newId, t.id, at, 'status', t.status, 'open', `${system} ${key} is ${status.name}`, actor) });
        } else {
          events.push(taskEvent(newId, t.id, at, 'ticket', t.ticket?.status ?? null, status.name, `${system} ${key} is ${status.name}`, actor));
        }
        // Status changes that came from the tracker are not sent back to it.
        await store.saveTaskBatch({ tasks: [next], events: [...events, ...changes.map((c) => c.event)] });
        return true;
      });
    },
  };
}
