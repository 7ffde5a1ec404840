import type { OutboxMessage, TaskChangeMessage } from '../../contracts/remediation.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhookBody } from '../../cases/export/signature.js';
import { invalidInput } from '../../errors/domain-errors.js';
import type { DeliveryChannel, DeliveryResult } from './channel.js';
import { SendError } from './channel.js';
import { createHttpClient, envSecret, isSuccess, jsonBody, retryAfterMs, statusError, type HttpChannelDeps } from './http.js';
import { acceptsTaskChange, type WebhookChannelConfig } from './webhook-channel-config.js';

/**
 * Task changes POSTed to a generic webhook as JSON, signed like Bulwark's issue exports
 * (`X-Bulwark-Signature`, see `cases/export/signature.ts`), with `X-Bulwark-Event-Id` set to the outbox
 * message id: a retried delivery carries the same id, so a receiver can drop what it has already seen.
 * 2xx is delivered; 408, 429, 5xx, timeouts and network errors are worth another try; any other answer
 * (a redirect included: it is not followed) is not.
 *
 * @example
 * const hook = createWebhookChannel(WebhookChannelConfig.parse({ url, secretEnv: 'HOOK_SECRET' }), { env: process.env, index: 0 });
 * await hook.send({ kind: 'task-change', change }, { messageId: 'out_7' });
 * // body: { type: 'task.status', id: 'out_7', occurred_at: '2026-…', event: {…}, task: {…}, applicationName: 'Shop API' }
 */

/** The body a receiver gets: the change, named by its event kind, with the delivery's id. */
export function taskChangeDocument(change: TaskChangeMessage, messageId: string) {
  return { type: `task.${change.event.kind}`, id: messageId, occurred_at: change.event.at, ...change };
}

/** The webhook's HMAC key is at least this long (as for issue export webhooks). */
const MIN_SECRET_CHARS = 16;

export function createWebhookChannel(config: WebhookChannelConfig, deps: HttpChannelDeps & { index: number }): DeliveryChannel {
  const name = `webhook:${deps.index}`;
  const now = deps.now ?? (() => new Date());
  const secret = envSecret(deps.env, config.secretEnv, name);
  if (secret.length < MIN_SECRET_CHARS) throw invalidInput(`${name} needs ${config.secretEnv} to hold at least ${MIN_SECRET_CHARS} characters`);
  const url = new URL(config.url);
  const client = createHttpClient({ timeoutMs: config.timeoutMs, maxAnswerBytes: 16 * 1024 });

  return {
    name,
    kind: 'webhook',
    accepts: (message: OutboxMessage) => acceptsTaskChange(config.events, message),
    async send(message, ctx): Promise<DeliveryResult> {
      if (message.kind !== 'task-change') throw new SendError(`${name} does not send ${message.kind} messages`, false);
      const body = jsonBody(taskChangeDocument(message.change, ctx.messageId));
      const headers = {
        'content-type': 'application/json',
        'user-agent': deps.userAgent ?? 'Bulwark',
        [SIGNATURE_HEADER]: signWebhookBody(secret, body, now().getTime() / 1000),
        [EVENT_ID_HEADER]: ctx.messageId,
      };
      const answer = await client.request({ method: 'POST', url, headers, body });
      // The receiver's answer is not kept: it is not ours to store.
      if (!isSuccess(answer.status)) throw statusError(answer.status, '', { retryAfterMs: retryAfterMs(answer.headers, now()) });
      return {};
    },
    async close() {
      client.close();
    },
  };
}
