import { z } from 'zod';
import { pageOf } from '../../contracts/api.js';
import { Severity } from '../../contracts/finding.js';
import {
  AcceptRiskInput,
  BulkTaskInput,
  OutboxEntry,
  OwnerGroup,
  RemediationTask,
  SlaState,
  TASK_SORTS,
  TaskCommentInput,
  TaskDetail,
  TaskEvent,
  TaskStatus,
  TaskUpdate,
} from '../../contracts/remediation.js';
import { IdParams, Paging, qEnum, qOpt, qString, route } from '../route-kit.js';
import { callerOf, type ServerContext } from '../context.js';

/**
 * Remediation tasks over HTTP (issue 6). Reads need `tasks:read`; working a task (in progress, fixed,
 * comment, taking it) `tasks:write`; assigning others, due dates, accepting risk, sending and retrying
 * deliveries `tasks:manage`. A workload owner sees only the tasks of their applications; any other task
 * answers 404 as if it did not exist.
 */

/** A comma-separated list of enum values (`status=open,reopened`). */
const qList = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.split(',').map((x) => x.trim()) : undefined),
    z.array(z.enum(values)).max(values.length).optional(),
  );

const TaskFilters = {
  status: qList(TaskStatus.options as unknown as readonly [string, ...string[]]),
  state: qEnum(['active', 'closed', 'all'] as const),
  sla: qList(SlaState.options as unknown as readonly [string, ...string[]]),
  severity: qList(Severity.options as unknown as readonly [string, ...string[]]),
  /** An application id, or `none`. */
  application: qString(64),
  /** A user id, `me` or `none`. */
  assignee: qString(64),
  endpointId: qString(64),
  q: qString(200),
  sort: qEnum(TASK_SORTS),
  order: qEnum(['asc', 'desc'] as const),
};

const TrackerWebhookAnswer = z.object({ applied: z.boolean(), duplicate: z.boolean().optional() });
const rawBody = (body: unknown): Buffer => (Buffer.isBuffer(body) ? body : Buffer.alloc(0));

export const taskRoutes = [
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/tasks',
    tag: 'remediation',
    summary: 'Remediation tasks: filtered by status, state (active/closed), SLA state, severity, application, assignee (user id, me, none), endpoint or text; sorted by due date (default), severity, updated or created',
    action: 'tasks:read',
    query: z.object({ ...Paging, ...TaskFilters }).strict(),
    response: pageOf(RemediationTask),
    handler: async ({ principal, query, req, ctx }) => ctx.remediation.listTasks(query, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/tasks/board',
    tag: 'remediation',
    summary: 'The remediation board: active tasks per application owner, with overdue and approaching counts and counts by severity',
    action: 'tasks:read',
    response: z.array(OwnerGroup),
    handler: async ({ principal, req, ctx }) => ctx.remediation.board(callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/tasks/bulk',
    tag: 'remediation',
    summary: 'Assign several tasks and/or send them now (a digest to each owner, and a ticket where a tracker is configured)',
    action: 'tasks:manage',
    body: BulkTaskInput,
    response: z.object({ updated: z.number().int(), queued: z.number().int() }),
    handler: async ({ principal, body, req, ctx }) => ctx.remediation.bulk(body, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/tasks/:id',
    tag: 'remediation',
    summary: 'A task with its findings (redacted evidence), history and deliveries',
    action: 'tasks:read',
    params: IdParams,
    response: TaskDetail,
    handler: async ({ principal, params, req, ctx }) => ctx.remediation.taskDetail(params.id, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'PATCH',
    url: '/api/v1/tasks/:id',
    tag: 'remediation',
    summary: 'Work a task: status (open, in-progress, fixed), assignee, due date, with an optional comment. Verified and reopened are set by Bulwark',
    action: 'tasks:write',
    params: IdParams,
    body: TaskUpdate,
    response: RemediationTask,
    handler: async ({ principal, params, body, req, ctx }) => ctx.remediation.updateTask(params.id, body, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/tasks/:id/accept-risk',
    tag: 'remediation',
    summary: 'Accept the risk of a task until an expiry (at most remediation.maxAcceptanceDays); the approver and reason are recorded, and the task reopens when it expires',
    action: 'tasks:manage',
    params: IdParams,
    body: AcceptRiskInput,
    response: RemediationTask,
    handler: async ({ principal, params, body, req, ctx }) => ctx.remediation.acceptRisk(params.id, body, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/tasks/:id/comments',
    tag: 'remediation',
    summary: 'Comment on a task',
    action: 'tasks:write',
    params: IdParams,
    body: TaskCommentInput,
    response: TaskEvent,
    status: 201,
    handler: async ({ principal, params, body, req, ctx }) => ctx.remediation.addComment(params.id, body.text, callerOf(principal, req)),
  }),
  // Tracker webhooks authenticate by their HMAC signature over the raw body, not by a Bulwark credential.
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/integrations/jira/webhook',
    tag: 'remediation',
    summary: "Jira's issue webhook (signed with X-Hub-Signature: sha256=…): a Bulwark ticket's status moves its task; 404 unless remediation.jira.webhookSecretEnv is set",
    action: 'public',
    response: TrackerWebhookAnswer,
    handler: async ({ req, ctx }) => ctx.trackers.jira(req.headers, rawBody(req.body)),
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/integrations/github/webhook',
    tag: 'remediation',
    summary: "GitHub's issues webhook (signed with X-Hub-Signature-256): closing or reopening a Bulwark issue moves its task; 404 unless remediation.github.webhookSecretEnv is set",
    action: 'public',
    response: TrackerWebhookAnswer,
    handler: async ({ req, ctx }) => ctx.trackers.github(req.headers, rawBody(req.body)),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/remediation/outbox',
    tag: 'remediation',
    summary: 'Outgoing remediation messages (digests, tickets, webhooks, chat) with their delivery state; dead ones failed for good and can be retried',
    action: 'tasks:read',
    query: z.object({ ...Paging, status: qOpt(z.enum(['pending', 'sent', 'dead'])), taskId: qString(64) }).strict(),
    response: pageOf(OutboxEntry),
    handler: async ({ principal, query, req, ctx }) => ctx.remediation.listOutbox(query, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/remediation/outbox/:id/retry',
    tag: 'remediation',
    summary: 'Send a dead-lettered message again',
    action: 'tasks:manage',
    params: IdParams,
    response: null,
    handler: async ({ principal, params, req, ctx }) => ctx.remediation.retryOutbox(params.id, callerOf(principal, req)),
  }),
];
