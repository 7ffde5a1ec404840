import http from 'node:http';
import https from 'node:https';
import type { WebhookSinkConfig } from './config.js';
import { SendError, toSendError, type DeliveryTarget } from './delivery.js';
import type { IssueDocument } from './payload.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhookBody } from './signature.js';

/**
 * POSTs each issue document to a webhook, signed (see signature.ts), one issue a request, over one
 * kept-alive connection. 2xx is delivered; 408, 429, 5xx, timeouts and network errors are worth a retry;
 * any other answer (a redirect included: it is not followed) fails at once.
 *
 * @example
 * const target = createWebhookTarget(config, { secret, now: () => new Date(), userAgent: 'Bulwark/0.1.0' });
 * await target.send(doc);
 */

export interface WebhookTargetDeps {
  /** The HMAC key, resolved from `secret` or `secretEnv`. */
  secret: string;
  now: () => Date;
  userAgent: string;
}

/** Answer bodies are read only to keep the connection reusable; beyond this the connection is dropped. */
const MAX_ANSWER_BYTES = 64 * 1024;

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export function createWebhookTarget(config: WebhookSinkConfig, deps: WebhookTargetDeps): DeliveryTarget<IssueDocument> {
  const url = new URL(config.url);
  const client = url.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true, maxSockets: 1 });

  function post(body: Buffer, eventId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const signature = signWebhookBody(deps.secret, body, deps.now().getTime() / 1000);
      const req = client.request(url, {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          'user-agent': deps.userAgent,
          [SIGNATURE_HEADER]: signature,
          [EVENT_ID_HEADER]: eventId,
        },
      });
      const timer = setTimeout(() => req.destroy(new SendError('timeout', true)), config.timeoutMs);
      const settle = (err?: unknown) => {
        clearTimeout(timer);
        if (err === undefined) resolve();
        else reject(toSendError(err));
      };
      req.on('error', settle);
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        res.on('error', () => undefined);
        res.on('close', () => {
          if (status >= 200 && status < 300) settle();
          else settle(new SendError(`HTTP ${status}`, isRetryableStatus(status)));
        });
      });
      req.end(body);
    });
  }

  return {
    send: (doc) => post(Buffer.from(JSON.stringify(doc), 'utf8'), doc.event_id),
    async close() {
      agent.destroy();
    },
  };
}
