import { z } from 'zod';
import { TaskEventKind, type OutboxMessage } from '../../contracts/remediation.js';
import { EnvName, serviceUrlProblem, TimeoutMs } from './http.js';

/**
 * Generic outgoing webhooks for task changes: each one a URL that receives every task change (or the
 * kinds listed in `events`) as signed JSON. See docs/remediation-tickets.md.
 *
 * @example
 * webhooks:
 *   - url: https://soar.example.com/hooks/bulwark-tasks
 *     secretEnv: BULWARK_TASK_WEBHOOK_SECRET
 *     events: [created, status, verified, reopened]
 */

/** Which task event kinds a webhook or chat channel sends; absent: its default. */
export const TaskEventFilter = z.array(TaskEventKind).min(1).max(TaskEventKind.options.length);

/** True for a task change whose event kind is in `events`. */
export function acceptsTaskChange(events: readonly TaskEventKind[], message: OutboxMessage): boolean {
  return message.kind === 'task-change' && events.includes(message.change.event.kind);
}

export const WebhookChannelConfig = z
  .object({
    /** Where each change is POSTed. Only its origin ever appears in logs. */
    url: z.url(),
    /** The environment variable holding the HMAC-SHA256 key (at least 16 characters). */
    secretEnv: EnvName,
    /** Default: every kind. */
    events: TaskEventFilter.default([...TaskEventKind.options]),
    timeoutMs: TimeoutMs(5000),
    /** Allow plain `http:` to a host other than loopback (signed, but readable by anyone on the path). */
    allowInsecureHttp: z.boolean().default(false),
  })
  .strict()
  .superRefine((w, ctx) => {
    const problem = serviceUrlProblem(w.url, w.allowInsecureHttp);
    if (problem !== null) ctx.addIssue({ code: 'custom', path: ['url'], message: `webhook url: ${problem}` });
  });
export type WebhookChannelConfig = z.output<typeof WebhookChannelConfig>;
export type WebhookChannelConfigInput = z.input<typeof WebhookChannelConfig>;
