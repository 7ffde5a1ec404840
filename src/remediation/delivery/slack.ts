import type { OutboxMessage, TaskChangeMessage } from '../../contracts/remediation.js';
import { invalidInput } from '../../errors/domain-errors.js';
import type { DeliveryChannel, DeliveryResult } from './channel.js';
import { SendError } from './channel.js';
import { createHttpClient, envSecret, postJson, retryAfterMs, serviceUrlProblem, shorten, statusError, type HttpChannelDeps } from './http.js';
import type { SlackChannelConfig } from './slack-config.js';
import { day, isWebUrl } from './ticket-text.js';
import { acceptsTaskChange } from './webhook-channel-config.js';

/**
 * Task changes as Slack incoming-webhook messages (`{ text, blocks }`), which Slack-compatible chats
 * (Mattermost, Rocket.Chat) also take. Paths, titles, names and comments come from traffic and people, so
 * every one is escaped (`&`, `<`, `>`, as Slack asks) and the blocks are `verbatim`: Slack then makes no
 * link, channel or mention out of plain text, and the only link is Bulwark's own, to the task.
 *
 * Digests are not sent here: each is one owner's list of tasks, addressed to that owner by email; a chat
 * channel is shared.
 *
 * Slack answers 200 `ok`; 400 `invalid_payload`, 403 `invalid_token`, 404 `channel_not_found`, 410
 * `channel_is_archived` are not worth another try; 429 (with `Retry-After`) and 5xx are.
 *
 * @example
 * const slack = createSlackChannel(SlackChannelConfig.parse({ urlEnv: 'SLACK_URL' }), { env: process.env, index: 0 });
 * await slack.send({ kind: 'task-change', change }, { messageId: 'out_9' });
 */

/** `&`, `<` and `>`: the only characters Slack asks to escape; with them escaped no `<…>` link or mention can form. */
export const escapeSlack = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Inline code; mrkdwn cannot escape a backtick inside one, so it becomes a look-alike. */
const code = (text: string): string => `\`${escapeSlack(text.replace(/`/g, '\u02cb')) || ' '}\``;

/**
 * For the top-level `text` (notifications, and chats that ignore blocks), which has no `verbatim`: a
 * zero-width space after `.`, `:`, `@` and `#` keeps a name from turning into a link or a mention.
 */
const defuse = (text: string): string => escapeSlack(text).replace(/([.:@#])(?=\S)/g, '$1\u200b');

/** Slack caps a section's text at 3000 characters and a field's at 2000. */
const MAX_SECTION = 2900;
const MAX_FIELD = 1900;

const KIND_WORDS: Record<TaskChangeMessage['event']['kind'], string> = {
  created: 'new task',
  status: 'status',
  assigned: 'assignee',
  comment: 'comment',
  due: 'due date',
  findings: 'findings',
  verified: 'verified',
  reopened: 'reopened',
  ticket: 'ticket',
  notified: 'owner notified',
  sla: 'SLA',
};

/** `status: open → fixed`, `assignee: alice`, `verified`: what happened, in words (raw text). */
export function changeSummary(change: TaskChangeMessage): string {
  const { event } = change;
  const word = KIND_WORDS[event.kind];
  const value = (v: string | null) => (v === null || v === '' ? 'none' : event.kind === 'due' ? day(v) : v);
  if (event.from !== null && event.to !== null) return shorten(`${word}: ${value(event.from)} → ${value(event.to)}`, 300);
  if (event.to !== null) return shorten(`${word}: ${value(event.to)}`, 300);
  return word;
}

interface TextObject {
  type: 'mrkdwn';
  text: string;
  verbatim: true;
}

const mrkdwn = (text: string, max: number): TextObject => ({ type: 'mrkdwn', text: text.length <= max ? text : `${text.slice(0, max - 1)}…`, verbatim: true });

/** The message for a change: a fallback line and Block Kit blocks. */
export function slackMessage(change: TaskChangeMessage): { text: string; blocks: unknown[] } {
  const { task, event } = change;
  const summary = changeSummary(change);
  const ref = isWebUrl(task.url) ? `<${escapeSlack(task.url)}|${escapeSlack(task.ref)}>` : escapeSlack(task.ref);
  const place = task.pathTemplate === null ? task.host : `${task.method ?? '*'} ${task.pathTemplate}`;
  const fields = [
    `*Severity*\n${escapeSlack(task.severity)}`,
    `*Status*\n${escapeSlack(task.status)}`,
    `*Due*\n${escapeSlack(day(task.dueAt))} (${escapeSlack(task.sla)})`,
    `*Endpoint*\n${code(shorten(place, 300))}`,
    ...(change.applicationName === null ? [] : [`*Application*\n${escapeSlack(shorten(change.applicationName, 200))}`]),
  ];
  const blocks: unknown[] = [
    { type: 'section', text: mrkdwn(`*${ref}* ${escapeSlack(shorten(task.title, 300))}\n${escapeSlack(summary)}`, MAX_SECTION) },
    { type: 'section', fields: fields.map((f) => mrkdwn(f, MAX_FIELD)) },
  ];
  const said = event.text?.trim() ?? '';
  if (said !== '') blocks.push({ type: 'section', text: mrkdwn(escapeSlack(said.slice(0, MAX_SECTION)).replace(/^/gm, '>'), MAX_SECTION) });
  blocks.push({ type: 'context', elements: [mrkdwn(`${escapeSlack(shorten(event.actor.label, 200))} · ${escapeSlack(event.at)}`, MAX_FIELD)] });
  return { text: defuse(shorten(`Bulwark ${task.ref} ${summary}: ${task.title}`, 500)), blocks };
}

/** Slack's error answers are short codes (`channel_not_found`); anything else is not repeated. */
const slackErrorCode = (body: Buffer): string => {
  const text = body.toString('utf8').trim();
  return /^[a-z][a-z0-9_]{0,63}$/.test(text) ? text : '';
};

export function createSlackChannel(config: SlackChannelConfig, deps: HttpChannelDeps & { index: number }): DeliveryChannel {
  const name = `slack:${deps.index}`;
  const now = deps.now ?? (() => new Date());
  const raw = envSecret(deps.env, config.urlEnv, name);
  // The URL is the credential: a problem with it is named, the URL itself never repeated.
  const problem = serviceUrlProblem(raw, config.allowInsecureHttp);
  if (problem !== null) throw invalidInput(`${name}: the URL in ${config.urlEnv} is refused: ${problem}`);
  const url = new URL(raw);
  const client = createHttpClient({ timeoutMs: config.timeoutMs, maxAnswerBytes: 4096 });

  return {
    name,
    kind: 'slack',
    accepts: (message: OutboxMessage) => acceptsTaskChange(config.events, message),
    async send(message): Promise<DeliveryResult> {
      if (message.kind !== 'task-change') throw new SendError(`${name} does not send ${message.kind} messages`, false);
      const headers = { 'content-type': 'application/json; charset=utf-8', 'user-agent': deps.userAgent ?? 'Bulwark' };
      await postJson(client, url, headers, slackMessage(message.change), (answer) =>
        statusError(answer.status, slackErrorCode(answer.body), { retryAfterMs: retryAfterMs(answer.headers, now()) }),
      );
      return {};
    },
    async close() {
      client.close();
    },
  };
}
