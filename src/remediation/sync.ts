import { SEVERITY_RANK, type Finding, type Severity } from '../contracts/finding.js';
import { ACTIVE_TASK_STATUSES, type TaskActor, type TaskEvent, type VerificationEvidence } from '../contracts/remediation.js';
import type { StoredTask, TaskBatch, TaskRecord } from '../store/store.js';
import type { RemediationCoreConfig } from './config.js';
import { dueAt } from './due.js';
import { sourceOf, taskIdOf, taskPlaceOf } from './grouping.js';

/** The actor of Bulwark's own changes (sync, verification, expiry). */
export const SYSTEM_ACTOR: TaskActor = { kind: 'system', id: null, label: 'Bulwark' };

export const SYNC_CURSOR_KEY = 'remediation.findingCursor';

/** A task change the sync made, for messages: the task after it, and the history entry. */
export interface SyncChange {
  task: TaskRecord;
  event: TaskEvent;
}

export interface PlannedSync {
  batch: TaskBatch;
  /** Tasks the batch touched: the caller re-reads them (with fresh counts) to check verification. */
  touched: string[];
  /** New tasks and their `created` entries (the batch holds the other writes). */
  changes: SyncChange[];
}

const maxSeverity = (a: Severity, b: Severity): Severity => (SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b);

/**
 * Turns changed findings into task writes: a finding joins the task of its rule and place (a new task for
 * an open finding at or above `minSeverity`), raises the task's severity (and brings its due date forward)
 * when more severe, and moves the task to the finding's application. Resolved findings with no task are
 * left alone. Verification needs the counts after the links are written: see `verifyTasks`.
 */
export function planSync(
  changed: ReadonlyArray<{ seq: number; finding: Finding }>,
  existing: ReadonlyMap<string, StoredTask>,
  config: RemediationCoreConfig,
  at: string,
  newId: () => string,
): PlannedSync {
  const tasks = new Map<string, TaskRecord>();
  const links: TaskBatch['links'] = [];
  const events: TaskEvent[] = [];
  const changes: SyncChange[] = [];
  const minRank = SEVERITY_RANK[config.minSeverity];
  for (const { finding: f } of changed) {
    const id = taskIdOf(f);
    let t: TaskRecord | undefined = tasks.get(id) ?? existing.get(id);
    const qualifies = f.status === 'open' && SEVERITY_RANK[f.severity] >= minRank;
    if (!t) {
      if (!qualifies) continue;
      const place = taskPlaceOf(f);
      t = {
        id,
        title: f.title,
        ruleId: f.ruleId,
        source: sourceOf(f.ruleId),
        severity: f.severity,
        owasp: f.owasp,
        cwe: f.cwe,
        applicationId: f.applicationId ?? null,
        endpointId: place.endpointId,
        specId: place.specId,
        host: f.host,
        method: f.method,
        pathTemplate: f.pathTemplate,
        remediation: f.remediation,
        status: 'open',
        assignee: null,
        createdAt: at,
        updatedAt: at,
        dueAt: dueAt(at, f.severity, config.dueDays),
        closedAt: null,
        riskAcceptance: null,
        verification: null,
        ticket: null,
        reopenCount: 0,
        fixCheck: null,
        notified: false,
        slaAnnounced: null,
        dueFrom: at,
      };
      changes.push({ task: t, event: taskEvent(newId, id, at, 'created', null, 'open', `${f.title} on ${where(f)}`) });
    } else {
      t = stripStored(t);
      if (qualifies && SEVERITY_RANK[f.severity] > SEVERITY_RANK[t.severity]) {
        const before = t.severity;
        t.severity = maxSeverity(t.severity, f.severity);
        const sooner = dueAt(at, t.severity, config.dueDays);
        if (ACTIVE_TASK_STATUSES.includes(t.status) && sooner < t.dueAt) {
          t.dueAt = sooner;
          t.dueFrom = at;
        }
        events.push(taskEvent(newId, id, at, 'findings', before, t.severity, `severity raised by a new ${f.severity} finding`));
      }
      if (f.applicationId !== undefined) t.applicationId = f.applicationId;
      t.updatedAt = at;
    }
    tasks.set(id, t);
    links.push({ findingId: f.id, taskId: id });
  }
  const last = changed.at(-1);
  const batch: TaskBatch = { tasks: [...tasks.values()], links, events };
  if (last) batch.meta = { [SYNC_CURSOR_KEY]: last.seq };
  return { batch, touched: [...tasks.keys()], changes };
}

/**
 * Verification after the links are written, on fresh counts:
 * - a fixed or verified task whose findings occurred again since it was marked fixed reopens;
 * - a task whose findings are all resolved (a new spec version, a re-audit, a resolved finding) is verified,
 *   whatever its status but risk-accepted ones keep their acceptance until it expires;
 * - a fixed task on an endpoint that has had `minCalls` calls since, none showing the problem, is verified
 *   (only with `traffic`: right after a flush stored both the calls and the findings, never between them);
 * - a task verified when its findings were resolved reopens when one is open again.
 * `endpointCalls` gives the current calls of an endpoint (null when it is gone).
 */
export function verifyTasks(
  tasks: readonly StoredTask[],
  endpointCalls: ReadonlyMap<string, number | null>,
  config: RemediationCoreConfig,
  at: string,
  newId: () => string,
  opts: { traffic: boolean } = { traffic: true },
): SyncChange[] {
  const out: SyncChange[] = [];
  for (const stored of tasks) {
    const t = stripStored(stored);
    const check = t.fixCheck;
    if ((t.status === 'fixed' || t.status === 'verified') && check && stored.findingCountSum > check.findingCountSum) {
      const more = stored.findingCountSum - check.findingCountSum;
      out.push(reopen(t, at, newId, config, `seen again: ${more} more occurrence${more === 1 ? '' : 's'} since it was marked fixed at ${check.at}`));
      continue;
    }
    if (t.status === 'verified' && stored.openFindings > 0 && !check) {
      // Verified without a fix check (its findings were resolved): a finding open again is the problem back.
      out.push(reopen(t, at, newId, config, `seen again: ${stored.openFindings} finding${stored.openFindings === 1 ? ' is' : 's are'} open again after the task was verified`));
      continue;
    }
    if (t.status === 'verified' || t.status === 'risk-accepted') continue;
    if (stored.findingCount > 0 && stored.openFindings === 0) {
      const source: VerificationEvidence['source'] = t.source === 'spec-audit' ? 'spec-version' : 'finding-resolved';
      const what = t.source === 'spec-audit' ? 'the latest spec version no longer has' : 'every finding of the task is resolved:';
      out.push(verify(t, stored.findingCountSum, at, newId, { at, source, summary: `${what} ${t.title} (${stored.findingCount} finding${stored.findingCount === 1 ? '' : 's'})` }));
      continue;
    }
    if (!opts.traffic) continue;
    if (t.status === 'fixed' && check && check.endpointCalls !== null && t.endpointId !== null) {
      const calls = endpointCalls.get(t.endpointId);
      if (calls === undefined || calls === null) continue;
      const since = calls - check.endpointCalls;
      if (since >= config.verification.minCalls) {
        const summary = `${since} calls to ${t.method ?? ''} ${t.pathTemplate ?? t.host} since it was marked fixed at ${check.at}; none showed "${t.title}" again`.replace(/\s+/g, ' ');
        out.push(verify(t, stored.findingCountSum, at, newId, { at, source: 'traffic', summary }));
      }
    }
  }
  return out;
}

/** The owner (or the tracker) says it is fixed: what Bulwark will compare later traffic with. */
export function markFixed(t: TaskRecord, stored: Pick<StoredTask, 'findingCountSum'>, endpointCalls: number | null, at: string): TaskRecord {
  return { ...t, status: 'fixed', fixCheck: { at, endpointCalls, findingCountSum: stored.findingCountSum }, closedAt: at, updatedAt: at };
}

/** A risk acceptance past its expiry reopens its task. */
export function expireAcceptance(t: TaskRecord, config: RemediationCoreConfig, at: string, newId: () => string): SyncChange {
  const who = t.riskAcceptance?.approver.label ?? 'an approver';
  return reopen(stripStored(t), at, newId, config, `the risk acceptance by ${who} expired at ${t.riskAcceptance?.expiresAt ?? at}`);
}

/** Verified; the fix check is kept (or taken now), so that the problem coming back reopens the task. */
function verify(t: TaskRecord, findingCountSum: number, at: string, newId: () => string, evidence: VerificationEvidence): SyncChange {
  const from = t.status;
  t.fixCheck = t.fixCheck ?? { at, endpointCalls: null, findingCountSum };
  t.status = 'verified';
  t.verification = evidence;
  t.closedAt = t.closedAt ?? at;
  t.updatedAt = at;
  return { task: t, event: taskEvent(newId, t.id, at, 'verified', from, 'verified', evidence.summary) };
}

/** Reopened work gets a fresh window: a regression is new work, due by its severity from now. */
function reopen(t: TaskRecord, at: string, newId: () => string, config: RemediationCoreConfig, why: string): SyncChange {
  const from = t.status;
  t.dueAt = dueAt(at, t.severity, config.dueDays);
  t.dueFrom = at;
  t.status = 'reopened';
  t.reopenCount += 1;
  t.closedAt = null;
  t.fixCheck = null;
  t.riskAcceptance = null;
  t.verification = { at, source: 'finding-resolved', summary: why };
  t.notified = false;
  t.slaAnnounced = null;
  t.updatedAt = at;
  return { task: t, event: taskEvent(newId, t.id, at, 'reopened', from, 'reopened', why) };
}

export function taskEvent(
  newId: () => string,
  taskId: string,
  at: string,
  kind: TaskEvent['kind'],
  from: string | null,
  to: string | null,
  text: string | null,
  actor: TaskActor = SYSTEM_ACTOR,
): TaskEvent {
  return { id: newId(), taskId, at, actor, kind, from, to, text };
}

/** A `TaskRecord` copy without the store's read-only fields. */
export function stripStored(t: TaskRecord | StoredTask): TaskRecord {
  const { ref: _r, findingCount: _c, openFindings: _o, findingCountSum: _s, ...rest } = t as StoredTask;
  return { ...rest };
}

function where(f: Finding): string {
  return f.endpointId !== null && f.method && f.pathTemplate ? `${f.method} ${f.host}${f.pathTemplate}` : f.host;
}
