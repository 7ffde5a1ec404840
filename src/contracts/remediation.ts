import { z } from 'zod';
import { Finding, Severity } from './finding.js';

/**
 * Remediation contracts: tasks that group findings for an application owner, their history, and the
 * messages Bulwark sends about them (email digests, tickets, webhooks). A task is the unit a workload owner
 * fixes; Bulwark verifies the fix from later traffic, spec versions or audits.
 */

/**
 * `fixed`: the owner says it is fixed; Bulwark has not yet seen proof. `verified`: Bulwark saw the problem
 * gone. `risk-accepted`: an approver accepted the risk until an expiry. `reopened`: the problem came back
 * after `fixed`/`verified`, or a risk acceptance expired.
 */
export const TASK_STATUSES = ['open', 'in-progress', 'fixed', 'verified', 'risk-accepted', 'reopened'] as const;
export const TaskStatus = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** Statuses in which the owner still has work to do; the SLA clock runs only in these. */
export const ACTIVE_TASK_STATUSES: readonly TaskStatus[] = ['open', 'in-progress', 'reopened'];

/** `met`: closed (fixed, verified or accepted) by the due date; `missed`: closed after it. */
export const SlaState = z.enum(['on-track', 'approaching', 'overdue', 'met', 'missed']);
export type SlaState = z.infer<typeof SlaState>;

/** Where a task's findings come from. */
export const FindingSource = z.enum(['traffic', 'conformance', 'spec-audit', 'case']);
export type FindingSource = z.infer<typeof FindingSource>;

export const TaskActor = z.object({ kind: z.enum(['user', 'token', 'system', 'integration']), id: z.string().nullable(), label: z.string() });
export type TaskActor = z.infer<typeof TaskActor>;

export const RiskAcceptance = z.object({
  approver: TaskActor,
  reason: z.string(),
  acceptedAt: z.string(),
  expiresAt: z.string(),
});
export type RiskAcceptance = z.infer<typeof RiskAcceptance>;

/** What showed the problem gone (or back): a sentence a reviewer can check, and where it came from. */
export const VerificationEvidence = z.object({
  at: z.string(),
  source: z.enum(['traffic', 'spec-version', 'audit', 'finding-resolved']),
  summary: z.string(),
});
export type VerificationEvidence = z.infer<typeof VerificationEvidence>;

export const TicketSystem = z.enum(['jira', 'github']);
export type TicketSystem = z.infer<typeof TicketSystem>;

/** The ticket a task was sent to; `status` is the tracker's own status name, synced back by its webhook. */
export const TicketRef = z.object({
  system: TicketSystem,
  key: z.string(),
  url: z.string(),
  status: z.string().nullable(),
  syncedAt: z.string().nullable(),
});
export type TicketRef = z.infer<typeof TicketRef>;

/**
 * A remediation task: related findings of one application (same rule on the same endpoint, spec or host),
 * with a due date from the highest severity. `id` is the fingerprint of the group, so the same problem
 * found again joins the same task.
 *
 * @example
 * { id: '4be1…', ref: 'T-12', title: 'Unauthenticated access to sensitive data', ruleId: 'auth-sensitive-unauthenticated',
 *   applicationId: 'app_shop', endpointId: 'ep_…', status: 'open', severity: 'high', dueAt: '2026-12-08T…', sla: 'on-track', … }
 */
export const RemediationTask = z.object({
  id: z.string(),
  ref: z.string(),
  title: z.string(),
  ruleId: z.string(),
  source: FindingSource,
  severity: Severity,
  owasp: z.string(),
  cwe: z.string(),
  applicationId: z.string().nullable(),
  /** The grouped place: an endpoint, a spec, or a host when the finding has neither. */
  endpointId: z.string().nullable(),
  specId: z.string().nullable(),
  host: z.string(),
  method: z.string().nullable(),
  pathTemplate: z.string().nullable(),
  remediation: z.string(),
  /** Findings grouped in the task, and how many of them are still open. */
  findingCount: z.number().int(),
  openFindings: z.number().int(),
  status: TaskStatus,
  assignee: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  dueAt: z.string(),
  sla: SlaState,
  closedAt: z.string().nullable(),
  riskAcceptance: RiskAcceptance.nullable(),
  verification: VerificationEvidence.nullable(),
  ticket: TicketRef.nullable(),
  reopenCount: z.number().int(),
});
export type RemediationTask = z.infer<typeof RemediationTask>;

export const TASK_EVENT_KINDS = ['created', 'status', 'assigned', 'comment', 'due', 'findings', 'verified', 'reopened', 'ticket', 'notified', 'sla'] as const;
export const TaskEventKind = z.enum(TASK_EVENT_KINDS);
export type TaskEventKind = z.infer<typeof TaskEventKind>;

/** One line of a task's history; comments are history entries of kind `comment`. */
export const TaskEvent = z.object({
  id: z.string(),
  taskId: z.string(),
  at: z.string(),
  actor: TaskActor,
  kind: TaskEventKind,
  from: z.string().nullable(),
  to: z.string().nullable(),
  text: z.string().nullable(),
});
export type TaskEvent = z.infer<typeof TaskEvent>;

// ---- API payloads ----

/** A task with what its page shows: findings (redacted evidence), history, and its deliveries. */
export const TaskDetail = z.object({
  task: RemediationTask,
  findings: z.array(Finding),
  history: z.array(TaskEvent),
  deliveries: z.array(z.lazy(() => OutboxEntry)),
  applicationName: z.string().nullable(),
});
export type TaskDetail = z.infer<typeof TaskDetail>;

export const TASK_SORTS = ['due', 'severity', 'updated', 'created'] as const;

export const TaskListQuery = z.object({
  status: z.union([TaskStatus, z.array(TaskStatus)]).optional(),
  /** `active`: open, in progress or reopened; `closed`: fixed, verified or accepted. */
  state: z.enum(['active', 'closed', 'all']).optional(),
  sla: z.union([SlaState, z.array(SlaState)]).optional(),
  severity: z.union([Severity, z.array(Severity)]).optional(),
  application: z.string().max(64).optional(),
  assignee: z.string().max(64).optional(),
  endpointId: z.string().max(64).optional(),
  q: z.string().max(200).optional(),
  sort: z.enum(TASK_SORTS).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
});
export type TaskListQuery = z.infer<typeof TaskListQuery>;

const Comment = z.string().trim().min(1).max(4000);

/** What an owner or practitioner may change by hand; verification and reopening are Bulwark's. */
export const TaskUpdate = z
  .object({
    status: z.enum(['open', 'in-progress', 'fixed']).optional(),
    assignee: z.string().min(1).max(64).nullable().optional(),
    dueAt: z.string().datetime().optional(),
    comment: Comment.optional(),
  })
  .strict();
export type TaskUpdate = z.infer<typeof TaskUpdate>;

export const AcceptRiskInput = z.object({
  reason: z.string().trim().min(3).max(2000),
  /** At most a year ahead. */
  expiresAt: z.string().datetime(),
});
export type AcceptRiskInput = z.infer<typeof AcceptRiskInput>;

export const TaskCommentInput = z.object({ text: Comment });

export const BulkTaskInput = z.object({
  ids: z.array(z.string().min(1).max(64)).min(1).max(200),
  assignee: z.string().min(1).max(64).nullable().optional(),
  /** Send the tasks now: a digest to each owner, and tickets where a tracker is configured. */
  send: z.boolean().optional(),
});
export type BulkTaskInput = z.infer<typeof BulkTaskInput>;

/** One owner's group on the remediation board. */
export const OwnerGroup = z.object({
  applicationId: z.string().nullable(),
  applicationName: z.string().nullable(),
  team: z.string().nullable(),
  active: z.number().int(),
  overdue: z.number().int(),
  approaching: z.number().int(),
  bySeverity: z.record(Severity, z.number().int()),
});
export type OwnerGroup = z.infer<typeof OwnerGroup>;

// ---- messages ----

export const DeliveryChannelKind = z.enum(['email', 'jira', 'github', 'webhook', 'slack']);
export type DeliveryChannelKind = z.infer<typeof DeliveryChannelKind>;

/** A task as a message shows it: enough for a reader to act, with a link to the console. */
export const TaskBrief = RemediationTask.pick({
  id: true,
  ref: true,
  title: true,
  severity: true,
  status: true,
  dueAt: true,
  sla: true,
  host: true,
  method: true,
  pathTemplate: true,
  remediation: true,
  ruleId: true,
}).extend({ url: z.string(), findings: z.number().int() });
export type TaskBrief = z.infer<typeof TaskBrief>;

/** One owner's digest: their new and overdue tasks. */
export const DigestMessage = z.object({
  applicationId: z.string().nullable(),
  applicationName: z.string(),
  team: z.string().nullable(),
  to: z.array(z.string()).min(1),
  newTasks: z.array(TaskBrief),
  overdueTasks: z.array(TaskBrief),
  consoleUrl: z.string(),
  generatedAt: z.string(),
});
export type DigestMessage = z.infer<typeof DigestMessage>;

/** A task to open (or update) in a tracker. */
export const TicketMessage = z.object({
  task: TaskBrief.extend({ owasp: z.string(), cwe: z.string(), applicationName: z.string().nullable(), evidence: z.array(z.string()) }),
  /** The ticket already made for this task, if any: the channel updates it instead of opening another. */
  ticket: TicketRef.nullable(),
});
export type TicketMessage = z.infer<typeof TicketMessage>;

/** A task change, for webhooks and chat. */
export const TaskChangeMessage = z.object({
  event: TaskEvent,
  task: TaskBrief,
  applicationName: z.string().nullable(),
});
export type TaskChangeMessage = z.infer<typeof TaskChangeMessage>;

export const OutboxMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('digest'), digest: DigestMessage }),
  z.object({ kind: z.literal('ticket'), ticket: TicketMessage }),
  z.object({ kind: z.literal('task-change'), change: TaskChangeMessage }),
]);
export type OutboxMessage = z.infer<typeof OutboxMessage>;

/** A queued message and how its delivery went; `dead` after the last try failed. */
export const OutboxEntry = z.object({
  id: z.string(),
  channel: z.string(),
  kind: z.enum(['digest', 'ticket', 'task-change']),
  taskId: z.string().nullable(),
  status: z.enum(['pending', 'sent', 'dead']),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;
