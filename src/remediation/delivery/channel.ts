import type { DeliveryChannelKind, OutboxMessage, TicketRef } from '../../contracts/remediation.js';

export { SendError, toSendError } from '../../cases/export/delivery.js';

/**
 * A way out for remediation messages: email, a tracker (Jira, GitHub Issues), a webhook or a chat
 * incoming webhook. The outbox (see `../outbox.ts`) stores every message before it is sent and calls
 * `send` until it succeeds or its tries run out, so a channel never queues or retries by itself.
 *
 * `send` resolves when the message went out, and throws a `SendError` when it did not: `retryable` true for
 * failures another try may fix (timeouts, network errors, 429, 5xx), false for those it cannot (400, 401,
 * 403, 404, 422: bad configuration or a bad request). The error's `reason` is logged and stored, so it
 * names the cause (status, the tracker's own error message, shortened) and never carries a secret.
 *
 * @example
 * const result = await channel.send({ kind: 'ticket', ticket }, { messageId: 'out_12' });
 * result.ticket // { system: 'jira', key: 'SEC-42', url: 'https://jira.example/browse/SEC-42', status: 'To Do', syncedAt: … }
 */
export interface DeliveryChannel {
  /** Unique among configured channels: `email`, `jira`, `github`, `webhook:0`, `slack:1`. */
  readonly name: string;
  readonly kind: DeliveryChannelKind;
  /** Whether this channel sends this kind of message (email: digests; trackers: tickets; webhooks and chat: task changes). */
  accepts(message: OutboxMessage): boolean;
  send(message: OutboxMessage, ctx: { messageId: string }): Promise<DeliveryResult>;
  /** Releases sockets; called once at shutdown. */
  close(): Promise<void>;
}

export interface DeliveryResult {
  /** Trackers: the ticket opened or updated, kept on the task. */
  ticket?: TicketRef;
}
