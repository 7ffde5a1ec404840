import { z } from 'zod';
import type { TicketMessage, TicketRef } from '../../contracts/remediation.js';
import type { DeliveryChannel, SendError } from './channel.js';
import type { GithubChannelConfig } from './github-config.js';
import { answerJson, createHttpClient, envSecret, postJson, retryAfterMs, shorten, statusError, type HttpAnswer, type HttpChannelDeps } from './http.js';
import { headerValue, verifyHubSignature, type HeaderValue } from './hub-signature.js';
import { isWebUrl, ticketBody, ticketTitle, ticketUpdate, type TicketBlock } from './ticket-text.js';
import { trackerChannel, unreadableCreation } from './tracker-channel.js';

/**
 * Tasks as GitHub issues (REST API, version 2022-11-28). A ticket message without a ticket in this
 * repository opens an issue (`POST /repos/{owner}/{repo}/issues`); one with a ticket there gets a comment
 * instead. GitHub's error answers (`{ message, documentation_url, errors? }`) become the `SendError` reason;
 * rate limits (429, or 403 with `x-ratelimit-remaining: 0` or `retry-after`) and 5xx are worth another try.
 *
 * @example
 * const github = createGithubChannel(GithubChannelConfig.parse({ repo: 'acme/shop-api', tokenEnv: 'GH_TOKEN' }), { env: process.env });
 * const { ticket } = await github.send({ kind: 'ticket', ticket: message }, { messageId: 'out_1' });
 * // ticket: { system: 'github', key: '#17', url: 'https://github.com/acme/shop-api/issues/17', status: 'open', syncedAt: '…' }
 */

export const GITHUB_API_VERSION = '2022-11-28';

/** GitHub caps a title at 256 characters. */
const MAX_TITLE = 256;

const CreatedIssue = z.object({ number: z.number().int().positive(), html_url: z.string().max(2000), state: z.string().max(20).optional() });

const GithubErrorBody = z.object({
  message: z.string().optional(),
  errors: z.array(z.unknown()).max(1000).optional(),
});

const FieldError = z.object({ field: z.string().optional(), code: z.string().optional(), message: z.string().optional() });

/** GitHub's message and, for 422, its field errors (`labels: invalid`); empty when it said nothing readable. */
export function githubErrorDetail(body: unknown): string {
  const parsed = GithubErrorBody.safeParse(body);
  if (!parsed.success) return '';
  const errors = (parsed.data.errors ?? []).slice(0, 10).map((e) => {
    if (typeof e === 'string') return e;
    const f = FieldError.safeParse(e);
    if (!f.success) return '';
    return f.data.message ?? [f.data.field, f.data.code].filter((s) => s !== undefined).join(': ');
  });
  return [parsed.data.message ?? '', ...errors].filter((s) => s !== '').join('; ');
}

const STATUS_HINTS: Record<number, string> = {
  401: 'bad credentials (check the token)',
  403: 'not allowed (the token lacks Issues: write on the repository)',
  404: 'repository or issue not found (or not visible to the token)',
  410: 'issues are disabled in the repository',
};

/**
 * GitHub answers a primary rate limit with 403 (or 429) and `x-ratelimit-remaining: 0`, and a secondary
 * one with 403 or 429 and `retry-after`: those are worth waiting for; any other 403 is a permission.
 */
function rateLimitWait(answer: HttpAnswer, now: Date): number | null | undefined {
  const after = retryAfterMs(answer.headers, now);
  if (after !== null) return after;
  if (answer.headers['x-ratelimit-remaining'] !== '0') return undefined;
  const reset = Number(answer.headers['x-ratelimit-reset']);
  return Number.isFinite(reset) && reset > 0 ? Math.min(Math.max(0, reset * 1000 - now.getTime()), 60 * 60 * 1000) : null;
}

function failure(answer: HttpAnswer, now: Date): SendError {
  const said = githubErrorDetail(answerJson(answer));
  const detail = said === '' ? (STATUS_HINTS[answer.status] ?? '') : said;
  const wait = answer.status === 403 || answer.status === 429 ? rateLimitWait(answer, now) : undefined;
  if (wait === undefined) return statusError(answer.status, detail);
  return statusError(answer.status, detail, { retryable: true, retryAfterMs: wait });
}

// ---- Markdown ----

/**
 * Text that reads as itself in GitHub Markdown: punctuation backslash-escaped, and a zero-width space after
 * `@` so an observed value never mentions (and notifies) a user or team.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, '\\$&').replace(/@/g, '@\u200b');
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/** A code span (CommonMark §6.1) for any text: no links, mentions or references happen inside one. */
export function codeSpan(text: string): string {
  const fence = '`'.repeat(longestBacktickRun(text) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function codeFence(text: string): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return `${fence}text\n${text}\n${fence}`;
}

/** A link target in angle brackets, which may not hold `<`, `>` or line breaks. */
const href = (url: string): string => `<${url.replace(/[<>\s]/g, (c) => encodeURIComponent(c))}>`;

function markdownBlock(block: TicketBlock): string {
  switch (block.kind) {
    case 'facts':
      return block.facts.map((f) => `- **${f.label}:** ${f.code ? codeSpan(f.value) : escapeMarkdown(f.value)}`).join('\n');
    case 'text':
      return `**${block.label}:** ${escapeMarkdown(block.text).replace(/\r?\n/g, '  \n')}`;
    case 'code':
      return `**${block.label}:**\n\n${codeFence(block.text)}`;
    case 'link':
      return isWebUrl(block.url) ? `[${escapeMarkdown(block.text)}](${href(block.url)})` : `${escapeMarkdown(block.text)}: ${codeSpan(block.url)}`;
  }
}

export const toMarkdown = (blocks: readonly TicketBlock[]): string => blocks.map(markdownBlock).join('\n\n');

// ---- the channel ----

export function createGithubChannel(config: GithubChannelConfig, deps: HttpChannelDeps): DeliveryChannel {
  const now = deps.now ?? (() => new Date());
  const [owner = '', repo = ''] = config.repo.split('/');
  const headers = {
    authorization: `Bearer ${envSecret(deps.env, config.tokenEnv, 'github.tokenEnv')}`,
    accept: 'application/vnd.github+json',
    'x-github-api-version': GITHUB_API_VERSION,
    'content-type': 'application/json',
    'user-agent': deps.userAgent ?? 'Bulwark',
  };
  const client = createHttpClient({ timeoutMs: config.timeoutMs });
  const issues = `${config.apiUrl.replace(/\/+$/, '')}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/issues`;

  const post = (url: string, payload: unknown) => postJson(client, new URL(url), headers, payload, (answer) => failure(answer, now()));

  /** A ticket in this repository, with its issue number; null for none (or one elsewhere: a new issue is opened here). */
  function existing(ticket: TicketRef | null): { ticket: TicketRef; number: number } | null {
    if (ticket === null || ticket.system !== 'github') return null;
    const n = /^#(\d{1,10})$/.exec(ticket.key)?.[1];
    if (n === undefined) return null;
    const inRepo = ticket.url.toLowerCase().endsWith(`/${config.repo.toLowerCase()}/issues/${n}`);
    return inRepo ? { ticket, number: Number(n) } : null;
  }

  function assigneesFor(applicationName: string | null): string[] {
    return (applicationName === null ? undefined : config.assignees[applicationName]) ?? config.assignees['*'] ?? [];
  }

  async function create(task: TicketMessage['task']): Promise<TicketRef> {
    const labels = config.severityLabels ? [...config.labels, `severity:${task.severity}`] : config.labels;
    const assignees = assigneesFor(task.applicationName);
    const payload = { title: ticketTitle(task, MAX_TITLE), body: toMarkdown(ticketBody(task)), labels, ...(assignees.length > 0 ? { assignees } : {}) };
    const answer = await post(issues, payload);
    const created = CreatedIssue.safeParse(answerJson(answer));
    if (!created.success) throw unreadableCreation(answer.status, 'issue number');
    const { number, html_url: url, state } = created.data;
    return { system: 'github', key: `#${number}`, url, status: shorten(state ?? 'open', 20), syncedAt: now().toISOString() };
  }

  async function update(task: TicketMessage['task'], { number }: { ticket: TicketRef; number: number }): Promise<void> {
    await post(`${issues}/${number}/comments`, { body: toMarkdown(ticketUpdate(task)) });
  }

  return trackerChannel({ system: 'github', existing, create, update, now, close: () => client.close() });
}

// ---- state sync-back ----

export const GITHUB_SIGNATURE_HEADER = 'x-hub-signature-256';

/** True when GitHub signed `rawBody` with the webhook's secret (`X-Hub-Signature-256: sha256=<hex>`). Check before parsing. */
export function verifyGithubWebhook(secret: string, signatureHeader: HeaderValue, rawBody: string | Buffer): boolean {
  return verifyHubSignature(secret, signatureHeader, rawBody);
}

const IssuesEvent = z.object({
  action: z.enum(['closed', 'reopened']),
  issue: z.object({
    number: z.number().int().positive().max(1e10),
    state: z.enum(['open', 'closed']),
    state_reason: z.string().max(40).nullable().optional(),
  }),
  repository: z.object({ full_name: z.string().max(200).regex(/^[^/\s]+\/[^/\s]+$/) }),
});

export interface GithubStateChange {
  key: string;
  /** `owner/name`, to match against the configured repository. */
  repo: string;
  state: 'open' | 'closed';
  /** GitHub's reason: `completed`, `not_planned`, `duplicate`, `reopened`, or null. */
  stateReason: string | null;
}

/**
 * The issue and its state from an `issues` webhook delivery (`X-GitHub-Event: issues`, action `closed` or
 * `reopened`), or null for anything else (pings, other events and actions, bodies out of shape).
 *
 * @example
 * parseGithubWebhook({ 'x-github-event': 'issues' }, { action: 'closed', issue: { number: 17, state: 'closed', state_reason: 'completed' }, repository: { full_name: 'acme/shop-api' } })
 * // { key: '#17', repo: 'acme/shop-api', state: 'closed', stateReason: 'completed' }
 */
export function parseGithubWebhook(headers: Headers | Record<string, HeaderValue>, body: unknown): GithubStateChange | null {
  if (headerValue(headers, 'x-github-event') !== 'issues') return null;
  const parsed = IssuesEvent.safeParse(body);
  if (!parsed.success) return null;
  const { issue, repository } = parsed.data;
  return { key: `#${issue.number}`, repo: repository.full_name, state: issue.state, stateReason: issue.state_reason ?? null };
}
