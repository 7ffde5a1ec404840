import { z } from 'zod';
import { Severity } from '../contracts/finding.js';
import { EmailChannelConfig } from './delivery/email-config.js';
import { GithubChannelConfig } from './delivery/github-config.js';
import { JiraChannelConfig } from './delivery/jira-config.js';
import { SlackChannelConfig } from './delivery/slack-config.js';
import { WebhookChannelConfig } from './delivery/webhook-channel-config.js';

/**
 * The `remediation` config section: how findings become tasks, when they are due, how fixes are verified,
 * and when digests go out. Delivery channels (email, trackers, webhooks, chat) are configured beside it.
 */
export const RemediationCoreConfig = z.object({
  enabled: z.boolean().default(true),
  /** Findings below this severity make no task (info findings are notes, not work). */
  minSeverity: Severity.default('low'),
  /** Days from a task's creation to its due date, by its highest severity. */
  dueDays: z
    .object({
      critical: z.number().positive().max(3650).default(7),
      high: z.number().positive().max(3650).default(14),
      medium: z.number().positive().max(3650).default(30),
      low: z.number().positive().max(3650).default(90),
      info: z.number().positive().max(3650).default(180),
    })
    .prefault({}),
  /** Where links in emails, tickets and messages point: the console's public address. */
  consoleUrl: z.string().url().default('http://127.0.0.1:8787'),
  verification: z
    .object({
      /**
       * A task marked fixed is verified from traffic once its endpoint has had this many calls since, with
       * none of them showing the problem again; spec and audit findings verify when a new version drops them.
       */
      minCalls: z.number().int().min(1).max(1_000_000).default(20),
    })
    .prefault({}),
  /** The longest a risk acceptance may run before it expires and the task reopens. */
  maxAcceptanceDays: z.number().int().min(1).max(3650).default(365),
  digest: z
    .object({
      enabled: z.boolean().default(true),
      /** Digests go out once a day at this hour (UTC). */
      hourUtc: z.number().int().min(0).max(23).default(8),
    })
    .prefault({}),
  delivery: z
    .object({
      /** Tries per message before it is dead-lettered (kept, shown, and retryable by hand). */
      maxAttempts: z.number().int().min(1).max(50).default(8),
      /** Backoff: `backoffSeconds` x 2^(try - 1), capped, with up to 20% jitter. */
      backoffSeconds: z.number().min(0.01).max(3600).default(30),
      maxBackoffSeconds: z.number().min(1).max(86_400).default(3600),
      /** How often the outbox looks for due messages. */
      pollSeconds: z.number().min(0.05).max(3600).default(5),
    })
    .prefault({}),
  /** How often findings are read into tasks and fixes checked, besides after each ingestion flush. */
  syncSeconds: z.number().min(1).max(86_400).default(60),
  /** How often SLA states and risk acceptance expiries are checked. */
  slaCheckMinutes: z.number().min(0.1).max(1440).default(15),
});
export type RemediationCoreConfig = z.output<typeof RemediationCoreConfig>;

/** The whole section: the core plus the delivery channels (each absent unless configured). */
export const RemediationConfig = RemediationCoreConfig.extend({
  /** Email digests through SMTP (docs/remediation-email.md). */
  email: EmailChannelConfig.optional(),
  /** Tickets (docs/remediation-tickets.md): new tasks go to the first tracker configured, Jira before GitHub. */
  jira: JiraChannelConfig.optional(),
  github: GithubChannelConfig.optional(),
  /** Signed webhooks for task changes. */
  webhooks: z.array(WebhookChannelConfig).max(20).default([]),
  /** Slack-compatible incoming webhooks for task changes. */
  slack: z.array(SlackChannelConfig).max(20).default([]),
});
export type RemediationConfig = z.output<typeof RemediationConfig>;
