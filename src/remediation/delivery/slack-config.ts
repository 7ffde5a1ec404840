import { z } from 'zod';
import type { TaskEventKind } from '../../contracts/remediation.js';
import { EnvName, TimeoutMs } from './http.js';
import { TaskEventFilter } from './webhook-channel-config.js';

/**
 * Slack (or a Slack-compatible chat: Mattermost, Rocket.Chat, …) incoming webhooks for task changes.
 * The webhook URL is the credential, so it is named, never given: `urlEnv` holds the name of an
 * environment variable read once at start. See docs/remediation-tickets.md.
 *
 * @example
 * slack:
 *   - urlEnv: BULWARK_SLACK_WEBHOOK_URL
 *     events: [created, verified, reopened, sla]
 */

/** What a chat channel hears by default: changes a person acts on, not bookkeeping (digests sent, finding counts). */
export const SLACK_DEFAULT_EVENTS: readonly TaskEventKind[] = ['created', 'status', 'assigned', 'comment', 'due', 'verified', 'reopened', 'ticket', 'sla'];

export const SlackChannelConfig = z
  .object({
    /** The environment variable holding the incoming webhook URL (`https://hooks.slack.com/services/…`). */
    urlEnv: EnvName,
    events: TaskEventFilter.default([...SLACK_DEFAULT_EVENTS]),
    timeoutMs: TimeoutMs(5000),
    /** Allow a plain `http:` URL to a host other than loopback (a self-hosted chat without TLS). */
    allowInsecureHttp: z.boolean().default(false),
  })
  .strict();
export type SlackChannelConfig = z.output<typeof SlackChannelConfig>;
export type SlackChannelConfigInput = z.input<typeof SlackChannelConfig>;
