import type Database from 'better-sqlite3';
import { SEVERITY_RANK, type Finding, type Severity } from '../contracts/finding.js';
import { ACTIVE_TASK_STATUSES, type OutboxEntry, type OutboxMessage, type TaskEvent } from '../contracts/remediation.js';
import { approachMs } from '../remediation/due.js';
import type { findingChangeNumbers } from './finding-changes.js';
import { pageBounds } from './paging.js';
import { conditions, isEmptyScope } from './sqlite-conditions.js';
import type {
  ApplicationScope,
  OutboxQuery,
  OutboxSettlement,
  OwnerGroupRow,
  Page,
  StoredOutboxEntry,
  StoredTask,
  TaskBatch,
  TaskQuery,
  TaskRecord,
} from './store.js';
import { timestampMs } from './timestamps.js';

/** Schema step 8: remediation tasks, their finding links and history, the outbox, and the findings' change numbers. */
export const REMEDIATION_SCHEMA = `
  -- Every saved or resolved finding takes the next number: the remediation sync reads what changed since its cursor.
  ALTER TABLE findings ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX findings_change ON findings (change_seq);
  -- Spec-audit findings: the spec they belong to (they have no endpoint; a new version resolves what it drops).
  ALTER TABLE findings ADD COLUMN spec_id TEXT;
  CREATE INDEX findings_spec ON findings (spec_id, status) WHERE spec_id IS NOT NULL;

  -- doc: the TaskRecord; columns are what lists filter and sort on. active: 1 for open, in-progress, reopened.
  -- approach_ms: from then on an active task is "approaching" its due date.
  CREATE TABLE remediation_tasks (
    id             TEXT PRIMARY KEY,
    ref_no         INTEGER NOT NULL UNIQUE,
    status         TEXT NOT NULL,
    active         INTEGER NOT NULL,
    severity_rank  INTEGER NOT NULL,
    application_id TEXT,
    assignee       TEXT,
    endpoint_id    TEXT,
    due_ms         INTEGER NOT NULL,
    approach_ms    INTEGER NOT NULL,
    closed_ms      INTEGER,
    created_ms     INTEGER NOT NULL,
    updated_ms     INTEGER NOT NULL,
    expires_ms     INTEGER,
    notified       INTEGER NOT NULL,
    -- The last SLA state announced, so that each change is announced once.
    sla_announced  TEXT,
    -- '<system>:<key>' of the task's ticket, for the trackers' webhooks.
    ticket_ref     TEXT,
    search_text    TEXT NOT NULL,
    doc            TEXT NOT NULL
  ) STRICT;
  CREATE INDEX remediation_tasks_active      ON remediation_tasks (active, due_ms, id);
  CREATE INDEX remediation_tasks_application ON remediation_tasks (application_id, active, due_ms);
  CREATE INDEX remediation_tasks_assignee    ON remediation_tasks (assignee, active, due_ms);
  CREATE INDEX remediation_tasks_status      ON remediation_tasks (status, updated_ms);
  CREATE INDEX remediation_tasks_endpoint    ON remediation_tasks (endpoint_id);
  CREATE INDEX remediation_tasks_expires     ON remediation_tasks (expires_ms) WHERE expires_ms IS NOT NULL;
  CREATE INDEX remediation_tasks_ticket      ON remediation_tasks (ticket_ref) WHERE ticket_ref IS NOT NULL;

  -- A finding belongs to one task (its group); no foreign key to findings: a deleted endpoint's findings go,
  -- the task keeps its history and counts only what is left.
  CREATE TABLE remediation_task_findings (
    finding_id TEXT PRIMARY KEY,
    task_id    TEXT NOT NULL REFERENCES remediation_tasks (id) ON DELETE CASCADE
  ) STRICT;
  CREATE INDEX remediation_task_findings_task ON remediation_task_findings (task_id);

  CREATE TABLE remediation_events (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    id      TEXT NOT NULL UNIQUE,
    task_id TEXT NOT NULL REFERENCES remediation_tasks (id) ON DELETE CASCADE,
    doc     TEXT NOT NULL
  ) STRICT;
  CREATE INDEX remediation_events_task ON remediation_events (task_id, seq);

  -- Messages are written with the change they announce and kept after sending (status, tries, last error).
  CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    channel         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    task_id         TEXT,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_ms INTEGER,
    last_error      TEXT,
    created_ms      INTEGER NOT NULL,
    sent_ms         INTEGER,
    message         TEXT NOT NULL
  ) STRICT;
  CREATE INDEX outbox_due  ON outbox (status, next_attempt_ms, seq);
  CREATE INDEX outbox_task ON outbox (task_id, seq);
`;

const TASK_SELECT = `
  SELECT t.doc, t.ref_no, t.application_id,
    (SELECT COUNT(*) FROM remediation_task_findings l WHERE l.task_id = t.id) AS finding_count,
    (SELECT COUNT(*) FROM remediation_task_findings l JOIN findings f ON f.id = l.finding_id WHERE l.task_id = t.id AND f.status = 'open') AS open_findings,
    (SELECT COALESCE(SUM(f.count), 0) FROM remediation_task_findings l JOIN findings f ON f.id = l.finding_id WHERE l.task_id = t.id) AS count_sum
  FROM remediation_tasks t`;

/** The application of a task's most recent finding. */
const TASK_APPLICATION = `
  SELECT f.application_id FROM remediation_task_findings l JOIN findings f ON f.id = l.finding_id
  WHERE l.task_id = remediation_tasks.id ORDER BY f.last_seen_ms DESC, f.id LIMIT 1`;
/** Sets tasks' applications from their findings (tasks without findings keep theirs); callers add a condition. */
const TASK_FOLLOWS = `
  UPDATE remediation_tasks SET application_id = (${TASK_APPLICATION})
  WHERE EXISTS (SELECT 1 FROM remediation_task_findings l WHERE l.task_id = remediation_tasks.id)`;

interface TaskRow {
  doc: string;
  application_id: string | null;
  ref_no: number;
  finding_count: number;
  open_findings: number;
  count_sum: number;
}

const SORT_SQL: Record<NonNullable<TaskQuery['sort']>, string> = {
  due: 't.due_ms',
  severity: 't.severity_rank',
  updated: 't.updated_ms',
  created: 't.created_ms',
};

const ACTIVE = new Set<string>(ACTIVE_TASK_STATUSES);

function toStored(r: TaskRow): StoredTask {
  const record = JSON.parse(r.doc) as TaskRecord;
  // The application is the store's (the column follows the findings' applications), as for findings.
  return { ...record, applicationId: r.application_id, ref: `T-${r.ref_no}`, findingCount: r.finding_count, openFindings: r.open_findings, findingCountSum: r.count_sum };
}

function searchText(t: TaskRecord): string {
  return [t.title, t.ruleId, t.host, t.method ?? '', t.pathTemplate ?? '', t.ticket?.key ?? ''].join('\n').toLowerCase();
}

interface OutboxRow {
  id: string;
  channel: string;
  kind: string;
  task_id: string | null;
  status: string;
  attempts: number;
  next_attempt_ms: number | null;
  last_error: string | null;
  created_ms: number;
  sent_ms: number | null;
  message?: string;
}

const OUTBOX_COLUMNS = 'id, channel, kind, task_id, status, attempts, next_attempt_ms, last_error, created_ms, sent_ms';

function toOutboxEntry(r: OutboxRow): OutboxEntry {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: r.id,
    channel: r.channel,
    kind: r.kind as OutboxEntry['kind'],
    taskId: r.task_id,
    status: r.status as OutboxEntry['status'],
    attempts: r.attempts,
    nextAttemptAt: iso(r.next_attempt_ms),
    lastError: r.last_error,
    createdAt: new Date(r.created_ms).toISOString(),
    sentAt: iso(r.sent_ms),
  };
}

/**
 * The SQLite side of remediation (schema step 8). A task row is its document plus the columns lists filter
 * and sort on, rewritten together; its finding counts are read through the links, so they never go stale.
 */
export function connectRemediation(db: Database.Database, cached: (sql: string) => Database.Statement, changes: ReturnType<typeof findingChangeNumbers>) {
  const st = {
    changed: db.prepare(`SELECT change_seq, doc, status, application_id FROM findings WHERE change_seq > ? ORDER BY change_seq LIMIT ?`),
    nextRef: db.prepare('SELECT COALESCE(MAX(ref_no), 0) + 1 FROM remediation_tasks').pluck(),
    refOf: db.prepare('SELECT ref_no FROM remediation_tasks WHERE id = ?').pluck(),
    upsertTask: db.prepare(`
      INSERT INTO remediation_tasks (id, ref_no, status, active, severity_rank, application_id, assignee, endpoint_id, due_ms, approach_ms,
        closed_ms, created_ms, updated_ms, expires_ms, notified, sla_announced, ticket_ref, search_text, doc)
      VALUES (@id, @ref_no, @status, @active, @severity_rank, @application_id, @assignee, @endpoint_id, @due_ms, @approach_ms,
        @closed_ms, @created_ms, @updated_ms, @expires_ms, @notified, @sla_announced, @ticket_ref, @search_text, @doc)
      ON CONFLICT (id) DO UPDATE SET status = excluded.status, active = excluded.active, severity_rank = excluded.severity_rank,
        assignee = excluded.assignee, endpoint_id = excluded.endpoint_id,
        due_ms = excluded.due_ms, approach_ms = excluded.approach_ms, closed_ms = excluded.closed_ms, updated_ms = excluded.updated_ms,
        expires_ms = excluded.expires_ms, notified = excluded.notified, sla_announced = excluded.sla_announced,
        ticket_ref = excluded.ticket_ref, search_text = excluded.search_text, doc = excluded.doc`),
    link: db.prepare('INSERT INTO remediation_task_findings (finding_id, task_id) VALUES (?, ?) ON CONFLICT (finding_id) DO UPDATE SET task_id = excluded.task_id'),
    insertEvent: db.prepare('INSERT OR IGNORE INTO remediation_events (id, task_id, doc) VALUES (?, ?, ?)'),
    insertOutbox: db.prepare(`
      INSERT OR IGNORE INTO outbox (id, channel, kind, task_id, status, attempts, next_attempt_ms, last_error, created_ms, sent_ms, message)
      VALUES (?, ?, ?, ?, 'pending', 0, ?, NULL, ?, NULL, ?)`),
    openTaskFindings: db.prepare(`SELECT f.id FROM remediation_task_findings l JOIN findings f ON f.id = l.finding_id WHERE l.task_id = ? AND f.status = 'open'`).pluck(),
    setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    getTask: db.prepare(`${TASK_SELECT} WHERE t.id = ?`),
    taskFindings: db.prepare(`
      SELECT f.doc, f.status, f.application_id FROM remediation_task_findings l JOIN findings f ON f.id = l.finding_id
      WHERE l.task_id = ? ORDER BY f.status = 'open' DESC, f.severity_rank DESC, f.last_seen_ms DESC, f.id LIMIT ?`),
    events: db.prepare('SELECT doc FROM remediation_events WHERE task_id = ? ORDER BY seq DESC LIMIT ?').pluck(),
    dueOutbox: db.prepare(`SELECT ${OUTBOX_COLUMNS}, message FROM outbox WHERE status = 'pending' AND next_attempt_ms <= ? ORDER BY next_attempt_ms, seq LIMIT ?`),
    sent: db.prepare("UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_ms = ?, next_attempt_ms = NULL WHERE id = ?"),
    retryLater: db.prepare("UPDATE outbox SET status = 'pending', attempts = attempts + 1, next_attempt_ms = ?, last_error = ? WHERE id = ?"),
    dead: db.prepare("UPDATE outbox SET status = 'dead', attempts = attempts + 1, next_attempt_ms = NULL, last_error = ? WHERE id = ?"),
    revive: db.prepare("UPDATE outbox SET status = 'pending', next_attempt_ms = ? WHERE id = ? AND status = 'dead'"),
    // Spec-audit findings belong to their spec's application (the host match of the re-assignment is not theirs).
    specFindingsFollow: db.prepare(`
      UPDATE findings SET application_id = s.application_id FROM specs s
      WHERE s.id = findings.spec_id AND findings.application_id IS NOT s.application_id`),
    // A task belongs to its findings' application (its most recent finding's, should they differ): for every
    // task after an ownership change, and for the tasks of a batch once its links are written.
    tasksFollow: db.prepare(`${TASK_FOLLOWS} AND application_id IS NOT (${TASK_APPLICATION})`),
    taskFollows: db.prepare(`${TASK_FOLLOWS} AND id = ?`),
    pruneDeliveries: db.prepare('DELETE FROM tracker_deliveries WHERE at_ms < ?'),
    recordDelivery: db.prepare('INSERT OR IGNORE INTO tracker_deliveries (id, at_ms) VALUES (?, ?)'),
    endpointTasksFollow: db.prepare('UPDATE remediation_tasks SET application_id = ? WHERE endpoint_id = ? AND application_id IS NOT ?'),
  };

  const saveTaskBatch = db.transaction((b: TaskBatch) => {
    let next = st.nextRef.get() as number;
    for (const t of b.tasks ?? []) {
      const known = st.refOf.get(t.id) as number | undefined;
      const createdMs = timestampMs(t.createdAt);
      const dueMs = timestampMs(t.dueAt);
      st.upsertTask.run({
        id: t.id,
        ref_no: known ?? next++,
        status: t.status,
        active: ACTIVE.has(t.status) ? 1 : 0,
        severity_rank: SEVERITY_RANK[t.severity],
        application_id: t.applicationId,
        assignee: t.assignee,
        endpoint_id: t.endpointId,
        due_ms: dueMs,
        approach_ms: approachMs(timestampMs(t.dueFrom), dueMs),
        closed_ms: t.closedAt === null ? null : timestampMs(t.closedAt),
        created_ms: createdMs,
        updated_ms: timestampMs(t.updatedAt),
        expires_ms: t.status === 'risk-accepted' && t.riskAcceptance ? timestampMs(t.riskAcceptance.expiresAt) : null,
        notified: t.notified ? 1 : 0,
        sla_announced: t.slaAnnounced,
        ticket_ref: t.ticket ? `${t.ticket.system}:${t.ticket.key}` : null,
        search_text: searchText(t),
        doc: JSON.stringify(t),
      });
    }
    for (const l of b.links ?? []) st.link.run(l.findingId, l.taskId);
    for (const t of b.tasks ?? []) st.taskFollows.run(t.id);
    for (const e of b.events ?? []) st.insertEvent.run(e.id, e.taskId, JSON.stringify(e));
    for (const o of b.outbox ?? []) {
      const ms = timestampMs(o.createdAt);
      st.insertOutbox.run(o.id, o.channel, o.message.kind, o.taskId, ms, ms, JSON.stringify(o.message));
    }
    for (const [k, v] of Object.entries(b.meta ?? {})) st.setMeta.run(k, JSON.stringify(v));
    if (b.resolveFindingsOf?.taskIds.length) {
      changes.resolve(b.resolveFindingsOf.taskIds.flatMap((taskId) => st.openTaskFindings.all(taskId) as string[]), b.resolveFindingsOf.at);
    }
  });

  const listTasks = db.transaction((q: TaskQuery): Page<StoredTask> => {
    const { limit, offset } = pageBounds(q.limit, q.offset);
    const scope = q.scope ?? 'all';
    if (isEmptyScope(scope)) return { items: [], total: 0, limit, offset };
    const w = conditions();
    w.scope(scope, (list) => `t.application_id IN ${list}`);
    const nowMs = timestampMs(q.now);
    if (q.statuses?.length) w.add(`t.status IN (${q.statuses.map(() => '?').join(', ')})`, ...q.statuses);
    if (q.severities?.length) w.add(`t.severity_rank IN (${q.severities.map(() => '?').join(', ')})`, ...q.severities.map((s) => SEVERITY_RANK[s]));
    if (q.application !== undefined) {
      if (q.application === 'none') w.add('t.application_id IS NULL');
      else w.add('t.application_id = ?', q.application);
    }
    if (q.assignee === null) w.add('t.assignee IS NULL');
    else if (q.assignee !== undefined) w.add('t.assignee = ?', q.assignee);
    if (q.endpointId !== undefined) w.add('t.endpoint_id = ?', q.endpointId);
    if (q.digestable) w.add('t.active = 1 AND (t.notified = 0 OR t.due_ms <= ?)', nowMs);
    if (q.slaUnannounced) {
      w.add(
        "t.active = 1 AND ((t.due_ms <= ? AND t.sla_announced IS NOT 'overdue') OR (t.approach_ms <= ? AND t.due_ms > ? AND t.sla_announced IS NOT 'approaching'))",
        nowMs,
        nowMs,
        nowMs,
      );
    }
    if (q.acceptanceExpired) w.add("t.status = 'risk-accepted' AND t.expires_ms <= ?", nowMs);
    if (q.ticket) w.add('t.ticket_ref = ?', `${q.ticket.system}:${q.ticket.key}`);
    if (q.sla?.length) {
      const parts: string[] = [];
      const params: number[] = [];
      for (const s of new Set(q.sla)) {
        if (s === 'overdue') parts.push('(t.active = 1 AND t.due_ms <= ?)'), params.push(nowMs);
        if (s === 'approaching') parts.push('(t.active = 1 AND t.approach_ms <= ? AND t.due_ms > ?)'), params.push(nowMs, nowMs);
        if (s === 'on-track') parts.push('(t.active = 1 AND t.approach_ms > ?)'), params.push(nowMs);
        if (s === 'met') parts.push('(t.active = 0 AND t.closed_ms <= t.due_ms)');
        if (s === 'missed') parts.push('(t.active = 0 AND t.closed_ms > t.due_ms)');
      }
      w.add(`(${parts.join(' OR ')})`, ...params);
    }
    if (q.search) w.add('instr(t.search_text, ?) > 0', q.search.toLowerCase());
    const total = cached(`SELECT COUNT(*) FROM remediation_tasks t ${w.sql()}`).pluck().get(...w.params) as number;
    const dir = q.order === 'desc' ? 'DESC' : 'ASC';
    const sort = q.sort ?? 'due';
    // Severity reads naturally most severe first: its default order is descending.
    const sortDir = sort === 'severity' && q.order === undefined ? 'DESC' : dir;
    const rows =
      limit === 0
        ? []
        : (cached(`${TASK_SELECT} ${w.sql()} ORDER BY ${SORT_SQL[sort]} ${sortDir}, t.due_ms ASC, t.ref_no ${sortDir} LIMIT ? OFFSET ?`).all(
            ...w.params,
            limit,
            offset,
          ) as TaskRow[]);
    return { items: rows.map(toStored), total, limit, offset };
  });

  const ownerGroups = db.transaction((scope: ApplicationScope, now: string): OwnerGroupRow[] => {
    if (isEmptyScope(scope)) return [];
    const w = conditions();
    w.add('active = 1');
    w.scope(scope);
    const nowMs = timestampMs(now);
    const rows = cached(`
      SELECT application_id, severity_rank, COUNT(*) AS n, SUM(due_ms <= ?) AS overdue, SUM(approach_ms <= ? AND due_ms > ?) AS approaching
      FROM remediation_tasks ${w.sql()} GROUP BY application_id, severity_rank`).all(nowMs, nowMs, nowMs, ...w.params) as {
      application_id: string | null;
      severity_rank: number;
      n: number;
      overdue: number;
      approaching: number;
    }[];
    const byApp = new Map<string | null, OwnerGroupRow>();
    const severities = Object.keys(SEVERITY_RANK) as Severity[];
    for (const r of rows) {
      let g = byApp.get(r.application_id);
      if (!g) {
        g = { applicationId: r.application_id, active: 0, overdue: 0, approaching: 0, bySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 0 } };
        byApp.set(r.application_id, g);
      }
      g.active += r.n;
      g.overdue += r.overdue;
      g.approaching += r.approaching;
      const sev = severities.find((s) => SEVERITY_RANK[s] === r.severity_rank);
      if (sev) g.bySeverity[sev] += r.n;
    }
    return [...byApp.values()].sort((a, b) => b.overdue - a.overdue || b.active - a.active || String(a.applicationId).localeCompare(String(b.applicationId)));
  });

  const listOutbox = db.transaction((q: OutboxQuery): Page<OutboxEntry> => {
    const { limit, offset } = pageBounds(q.limit, q.offset);
    const w = conditions();
    if (q.status) w.add('status = ?', q.status);
    if (q.taskId) w.add('task_id = ?', q.taskId);
    const total = cached(`SELECT COUNT(*) FROM outbox ${w.sql()}`).pluck().get(...w.params) as number;
    const rows = cached(`SELECT ${OUTBOX_COLUMNS} FROM outbox ${w.sql()} ORDER BY seq DESC LIMIT ? OFFSET ?`).all(...w.params, limit, offset) as OutboxRow[];
    return { items: rows.map(toOutboxEntry), total, limit, offset };
  });

  function findingOf(r: { doc: string; status: string; application_id: string | null }): Finding {
    return { ...(JSON.parse(r.doc) as Finding), status: r.status as Finding['status'], applicationId: r.application_id };
  }

  const firstTrackerDelivery = db.transaction((id: string, at: string, windowMs: number): boolean => {
    const atMs = timestampMs(at);
    st.pruneDeliveries.run(atMs - windowMs);
    return st.recordDelivery.run(id.slice(0, 200), atMs).changes > 0;
  });

  return {
    firstTrackerDelivery: (id: string, at: string, windowMs: number) => firstTrackerDelivery.immediate(id, at, windowMs),
    /** After an ownership change, inside its transaction: spec findings follow their spec, tasks their findings. */
    followOwnership(): void {
      st.specFindingsFollow.run();
      st.tasksFollow.run();
    },
    /** An endpoint moved to another application when saved: its tasks move with it (inside the save). */
    followEndpoint(endpointId: string, applicationId: string | null): void {
      st.endpointTasksFollow.run(applicationId, endpointId, applicationId);
    },
    findingsChangedSince(afterSeq: number, limit: number) {
      const rows = st.changed.all(afterSeq, Math.max(1, Math.min(limit, 5000))) as { change_seq: number; doc: string; status: string; application_id: string | null }[];
      return rows.map((r) => ({ seq: r.change_seq, finding: findingOf(r) }));
    },
    saveTaskBatch: (b: TaskBatch) => saveTaskBatch.immediate(b),
    getTask(id: string): StoredTask | null {
      const row = st.getTask.get(id) as TaskRow | undefined;
      return row ? toStored(row) : null;
    },
    getTasks(ids: readonly string[]): StoredTask[] {
      const out: StoredTask[] = [];
      for (const id of new Set(ids)) {
        const row = st.getTask.get(id) as TaskRow | undefined;
        if (row) out.push(toStored(row));
      }
      return out;
    },
    listTasks: (q: TaskQuery) => listTasks.deferred(q),
    taskFindings(taskId: string, limit: number): Finding[] {
      const rows = st.taskFindings.all(taskId, Math.max(1, Math.min(limit, 1000))) as { doc: string; status: string; application_id: string | null }[];
      return rows.map(findingOf);
    },
    listTaskEvents(taskId: string, limit: number): TaskEvent[] {
      return (st.events.all(taskId, Math.max(1, Math.min(limit, 1000))) as string[]).map((d) => JSON.parse(d) as TaskEvent);
    },
    taskOwnerGroups: (scope: ApplicationScope, now: string) => ownerGroups.deferred(scope, now),
    dueOutbox(now: string, limit: number): StoredOutboxEntry[] {
      const rows = st.dueOutbox.all(timestampMs(now), Math.max(1, Math.min(limit, 500))) as OutboxRow[];
      return rows.map((r) => ({ ...toOutboxEntry(r), message: JSON.parse(r.message!) as OutboxMessage }));
    },
    settleOutbox(id: string, s: OutboxSettlement): void {
      if (s.status === 'sent') st.sent.run(timestampMs(s.at), id);
      else if (s.status === 'pending') st.retryLater.run(timestampMs(s.nextAttemptAt), s.error.slice(0, 500), id);
      else st.dead.run(s.error.slice(0, 500), id);
    },
    listOutbox: (q: OutboxQuery) => listOutbox.deferred(q),
    retryOutbox(id: string, now: string): boolean {
      return st.revive.run(timestampMs(now), id).changes > 0;
    },
  };
}
