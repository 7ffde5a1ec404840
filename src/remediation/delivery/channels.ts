import type { Logger } from '../../util/logger.js';
import type { RemediationConfig } from '../config.js';
import type { DeliveryChannel } from './channel.js';
import { createEmailChannel } from './email.js';
import { createGithubChannel } from './github.js';
import { createJiraChannel } from './jira.js';
import { createSlackChannel } from './slack.js';
import { createWebhookChannel } from './webhook-channel.js';

/**
 * The delivery channels the config names: email, Jira and GitHub Issues, webhooks, Slack-compatible chat.
 * Secrets are read from the environment variables the config names, once, here: a missing one fails the
 * start with its name, rather than every delivery later. Trackers come in the order new tickets try them.
 */
export function createDeliveryChannels(
  config: RemediationConfig,
  deps: { env: Record<string, string | undefined>; logger: Logger; now?: () => Date; userAgent?: string },
): DeliveryChannel[] {
  const now = deps.now ?? (() => new Date());
  const http = { env: deps.env, now, userAgent: deps.userAgent ?? 'Bulwark' };
  const channels: DeliveryChannel[] = [];
  if (config.email) channels.push(createEmailChannel(config.email, { env: deps.env, now, logger: deps.logger }));
  if (config.jira) channels.push(createJiraChannel(config.jira, http));
  if (config.github) channels.push(createGithubChannel(config.github, http));
  config.webhooks.forEach((w, index) => channels.push(createWebhookChannel(w, { ...http, index })));
  config.slack.forEach((s, index) => channels.push(createSlackChannel(s, { ...http, index })));
  return channels;
}
