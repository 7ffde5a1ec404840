import { z } from 'zod';
import type { TicketMessage, TicketRef } from '../../contracts/remediation.js';
import type { DeliveryChannel } from './channel.js';
import { SendError } from './channel.js';
import { answerJson, createHttpClient, envSecret, postJson, retryAfterMs, statusError, type HttpAnswer, type HttpChannelDeps } from './http.js';
import { verifyHubSignature, type HeaderValue } from './hub-signature.js';
import type { JiraChannelConfig } from './jira-config.js';
import { toAdf, toWiki } from './jira-markup.js';
import { day, ticketBody, ticketTitle, ticketUpdate, type TicketBlock } from './ticket-text.js';
import { trackerChannel, unreadableCreation } from './tracker-channel.js';

/**
 * Tasks as Jira issues (REST API v2 or v3). A ticket message without a Jira ticket opens an issue
 * (`POST /rest/api/{v}/issue`); one with a ticket on this site adds a comment to it instead, so a task has
 * one issue however often it is sent. Jira's error answers (`{ errorMessages: [], errors: { field: msg } }`)
 * become the `SendError` reason; 429 and 5xx are worth another try, other failures are not.
 *
 * @example
 * const jira = createJiraChannel(JiraChannelConfig.parse(raw), { env: process.env });
 * const { ticket } = await jira.send({ kind: 'ticket', ticket: message }, { messageId: 'out_1' });
 * // ticket: { system: 'jira', key: 'SEC-42', url: 'https://example.atlassian.net/browse/SEC-42', status: null, syncedAt: '…' }
 */

/** Jira caps a summary at 255 characters. */
const MAX_SUMMARY = 255;

const ISSUE_KEY = /^[A-Za-z][A-Za-z0-9_]{0,254}-\d{1,12}$/;

const CreatedIssue = z.object({ id: z.string().max(64), key: z.string().regex(ISSUE_KEY) });

const JiraErrorBody = z.object({
  errorMessages: z.array(z.unknown()).max(1000).optional(),
  errors: z.record(z.string(), z.unknown()).optional(),
});

/** What Jira said in its error format, field errors as `field: message`; empty when it said nothing readable. */
export function jiraErrorDetail(body: unknown): string {
  const parsed = JiraErrorBody.safeParse(body);
  if (!parsed.success) return '';
  const messages = (parsed.data.errorMessages ?? []).filter((m): m is string => typeof m === 'string').slice(0, 5);
  const fields = Object.entries(parsed.data.errors ?? {})
    .slice(0, 10)
    .map(([field, message]) => `${field}: ${typeof message === 'string' ? message : JSON.stringify(message)}`);
  return [...messages, ...fields].join('; ');
}

/** Said when Jira's answer explains nothing (401s come with an HTML page or nothing). */
const STATUS_HINTS: Record<number, string> = {
  400: 'Jira refused the issue',
  401: 'authentication failed (check the email and the token)',
  403: 'not allowed (the account lacks a permission in the project)',
  404: 'project or issue not found (or not visible to the account)',
};

function failure(answer: HttpAnswer, now: Date): SendError {
  const said = jiraErrorDetail(answerJson(answer));
  return statusError(answer.status, said === '' ? (STATUS_HINTS[answer.status] ?? '') : said, { retryAfterMs: retryAfterMs(answer.headers, now) });
}

function authorization(config: JiraChannelConfig, env: HttpChannelDeps['env']): string {
  const token = envSecret(env, config.auth.tokenEnv, 'jira.auth.tokenEnv');
  if (config.auth.kind === 'bearer') return `Bearer ${token}`;
  return `Basic ${Buffer.from(`${config.auth.email}:${token}`, 'utf8').toString('base64')}`;
}

export function createJiraChannel(config: JiraChannelConfig, deps: HttpChannelDeps): DeliveryChannel {
  const now = deps.now ?? (() => new Date());
  const base = config.baseUrl.replace(/\/+$/, '');
  const headers = {
    authorization: authorization(config, deps.env),
    accept: 'application/json',
    'content-type': 'application/json',
    'user-agent': deps.userAgent ?? 'Bulwark',
  };
  const client = createHttpClient({ timeoutMs: config.timeoutMs });
  const api = (path: string) => new URL(`${base}/rest/api/${config.apiVersion}${path}`);
  const description = (blocks: TicketBlock[]) => (config.apiVersion === 3 ? toAdf(blocks) : toWiki(blocks));

  const post = (path: string, payload: unknown) => postJson(client, api(path), headers, payload, (answer) => failure(answer, now()));

  /** The ticket to update: a Jira one on this site (a ticket elsewhere, e.g. before a move, gets a new issue here). */
  function existing(ticket: TicketRef | null): { ticket: TicketRef } | null {
    if (ticket === null || ticket.system !== 'jira') return null;
    return ticket.url.startsWith(`${base}/`) ? { ticket } : null;
  }

  async function create(task: TicketMessage['task']): Promise<TicketRef> {
    const fields: Record<string, unknown> = {
      ...config.fields,
      project: { key: config.projectKey },
      summary: ticketTitle(task, MAX_SUMMARY),
      description: description(ticketBody(task)),
      issuetype: { name: config.issueType },
      labels: config.labels,
    };
    if (config.setPriority) fields.priority = { name: config.priorities[task.severity] };
    if (config.setDueDate) fields.duedate = day(task.dueAt);
    const answer = await post('/issue', { fields });
    const created = CreatedIssue.safeParse(answerJson(answer));
    if (!created.success) throw unreadableCreation(answer.status, 'issue key');
    const key = created.data.key;
    return { system: 'jira', key, url: `${base}/browse/${encodeURIComponent(key)}`, status: null, syncedAt: now().toISOString() };
  }

  async function update(task: TicketMessage['task'], { ticket }: { ticket: TicketRef }): Promise<void> {
    if (!ISSUE_KEY.test(ticket.key)) throw new SendError(`not a Jira issue key: ${ticket.key.slice(0, 40)}`, false);
    await post(`/issue/${encodeURIComponent(ticket.key)}/comment`, { body: description(ticketUpdate(task)) });
  }

  return trackerChannel({ system: 'jira', existing, create, update, now, close: () => client.close() });
}

// ---- status sync-back ----

export const JIRA_SIGNATURE_HEADER = 'x-hub-signature';

/**
 * True when Jira signed `rawBody` with the webhook's secret (`X-Hub-Signature: sha256=<hex>`, sent by Jira
 * Cloud admin webhooks that have a secret). Check this before parsing the body.
 */
export function verifyJiraWebhook(secret: string, signatureHeader: HeaderValue, rawBody: string | Buffer): boolean {
  return verifyHubSignature(secret, signatureHeader, rawBody);
}

const JiraIssueEvent = z.object({
  webhookEvent: z.enum(['jira:issue_updated', 'jira:issue_created']),
  issue: z.object({
    key: z.string().max(300).regex(ISSUE_KEY),
    fields: z.object({
      status: z.object({
        name: z.string().trim().min(1).max(255),
        statusCategory: z.object({ key: z.enum(['new', 'indeterminate', 'done']) }),
      }),
    }),
  }),
});

export interface JiraStatusChange {
  key: string;
  statusName: string;
  /** Jira's fixed categories behind every workflow's own status names: to do, in progress, done. */
  statusCategory: 'new' | 'indeterminate' | 'done';
}

/**
 * The issue and its status from a `jira:issue_updated` (or `jira:issue_created`) webhook body, or null
 * for anything else (other events, missing fields, values out of bounds).
 *
 * @example
 * parseJiraWebhook({ webhookEvent: 'jira:issue_updated', issue: { key: 'SEC-42', fields: { status: { name: 'Done', statusCategory: { key: 'done' } } } } })
 * // { key: 'SEC-42', statusName: 'Done', statusCategory: 'done' }
 */
export function parseJiraWebhook(body: unknown): JiraStatusChange | null {
  const parsed = JiraIssueEvent.safeParse(body);
  if (!parsed.success) return null;
  const { key, fields } = parsed.data.issue;
  return { key, statusName: fields.status.name, statusCategory: fields.status.statusCategory.key };
}
