import { afterEach, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../cases/export/signature.js';
import type { DeliveryChannel } from './channel.js';
import { fakeService, rejection, type FakeService, type Reply } from './fixtures/service.js';
import { taskChange, ticketMessage } from './fixtures/messages.js';
import { createWebhookChannel } from './webhook-channel.js';
import { WebhookChannelConfig, type WebhookChannelConfigInput } from './webhook-channel-config.js';

/** Task-change webhooks against a loopback receiver that checks the signature as a receiver would. */

const SECRET = 'a-webhook-secret-of-some-length';
const NOW = new Date('2026-11-24T12:00:00.000Z');
const open: Array<FakeService | DeliveryChannel> = [];

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function receiver(reply: (n: number) => Reply = () => ({ status: 200 })) {
  const service = await fakeService((_req, n) => reply(n));
  open.push(service);
  return service;
}

function channel(service: FakeService, over: Partial<WebhookChannelConfigInput> = {}, index = 0) {
  const config = WebhookChannelConfig.parse({ url: `${service.url}/hooks/bulwark?token=receiver-token`, secretEnv: 'HOOK_SECRET', timeoutMs: 2000, ...over });
  const c = createWebhookChannel(config, { env: { HOOK_SECRET: SECRET }, now: () => NOW, userAgent: 'Bulwark/test', index });
  open.push(c);
  return c;
}

const change = taskChange();

describe('createWebhookChannel', () => {
  it('POSTs the change as signed JSON, named by its event kind, with the message id', async () => {
    const service = await receiver();
    const c = channel(service, {}, 2);
    expect(c.name).toBe('webhook:2');
    expect(c.kind).toBe('webhook');
    expect(await c.send({ kind: 'task-change', change }, { messageId: 'out_7' })).toEqual({});
    const [req] = service.received;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/hooks/bulwark?token=receiver-token');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['x-bulwark-event-id']).toBe('out_7');
    const signature = req?.headers['x-bulwark-signature'] as string;
    expect(verifyWebhookSignature(SECRET, signature, req?.raw ?? '', 300, NOW.getTime() / 1000)).toBe(true);
    expect(verifyWebhookSignature('another-secret-entirely', signature, req?.raw ?? '', 300, NOW.getTime() / 1000)).toBe(false);
    expect(req?.json).toEqual({ type: 'task.status', id: 'out_7', occurred_at: change.event.at, event: change.event, task: change.task, applicationName: 'Shop API' });
  });

  it('a retried message carries the same event id, so the receiver can drop the copy', async () => {
    const service = await receiver((n) => ({ status: n === 0 ? 503 : 200 }));
    const c = channel(service);
    expect(await rejection(c.send({ kind: 'task-change', change }, { messageId: 'out_8' }))).toMatchObject({ retryable: true, reason: 'HTTP 503' });
    await c.send({ kind: 'task-change', change }, { messageId: 'out_8' });
    expect(service.received.map((r) => r.headers['x-bulwark-event-id'])).toEqual(['out_8', 'out_8']);
    expect(service.received[0]?.raw.equals(service.received[1]?.raw ?? Buffer.alloc(0))).toBe(true);
  });

  it('takes task changes of the listed kinds only (all by default)', async () => {
    const service = await receiver();
    const all = channel(service);
    const some = channel(service, { events: ['verified', 'reopened'] }, 1);
    expect(all.accepts({ kind: 'task-change', change })).toBe(true);
    expect(all.accepts({ kind: 'task-change', change: taskChange({ kind: 'notified', from: null, to: null }) })).toBe(true);
    expect(some.accepts({ kind: 'task-change', change })).toBe(false);
    expect(some.accepts({ kind: 'task-change', change: taskChange({ kind: 'verified', from: 'fixed', to: 'verified' }) })).toBe(true);
    expect(all.accepts({ kind: 'ticket', ticket: ticketMessage() })).toBe(false);
    expect((await rejection(all.send({ kind: 'ticket', ticket: ticketMessage() }, { messageId: 'x' }))).retryable).toBe(false);
  });

  const outcomes: Array<{ status: number; headers?: Record<string, string>; retryable: boolean | 'ok'; reason?: string }> = [
    { status: 200, retryable: 'ok' },
    { status: 202, retryable: 'ok' },
    { status: 204, retryable: 'ok' },
    { status: 301, headers: { location: 'https://elsewhere.example/' }, retryable: false, reason: 'HTTP 301: redirect not followed' },
    { status: 400, retryable: false, reason: 'HTTP 400' },
    { status: 401, retryable: false, reason: 'HTTP 401' },
    { status: 404, retryable: false, reason: 'HTTP 404' },
    { status: 410, retryable: false, reason: 'HTTP 410' },
    { status: 408, retryable: true, reason: 'HTTP 408' },
    { status: 429, headers: { 'retry-after': '12' }, retryable: true, reason: 'HTTP 429 (retry after 12 s)' },
    { status: 500, retryable: true, reason: 'HTTP 500' },
    { status: 503, retryable: true, reason: 'HTTP 503' },
  ];
  for (const o of outcomes) {
    it(`answer ${o.status}: ${o.retryable === 'ok' ? 'delivered' : o.retryable ? 'worth another try' : 'not worth another try'}`, async () => {
      const service = await receiver(() => ({ status: o.status, headers: o.headers, body: 'receiver says: secret internals' }));
      const sending = channel(service).send({ kind: 'task-change', change }, { messageId: 'out_1' });
      if (o.retryable === 'ok') {
        await expect(sending).resolves.toEqual({});
        return;
      }
      const err = await rejection(sending);
      expect(err).toMatchObject({ retryable: o.retryable, reason: o.reason });
      expect(service.received).toHaveLength(1);
    });
  }

  it('a timeout and a refused connection are worth another try', async () => {
    const hanging = await receiver(() => ({ status: 200, hang: true }));
    expect(await rejection(channel(hanging, { timeoutMs: 200 }).send({ kind: 'task-change', change }, { messageId: 'a' }))).toMatchObject({ retryable: true, reason: 'timeout' });
    const gone = await receiver();
    const c = channel(gone);
    await gone.close();
    expect(await rejection(c.send({ kind: 'task-change', change }, { messageId: 'b' }))).toMatchObject({ retryable: true, reason: 'ECONNREFUSED' });
  });

  it('needs a secret of at least 16 characters, https off loopback, and no credentials in the URL', () => {
    const config = WebhookChannelConfig.parse({ url: 'https://hooks.example.com/x', secretEnv: 'S' });
    expect(config.events).toHaveLength(11);
    expect(() => createWebhookChannel(config, { env: {}, index: 0 })).toThrow(/S set/);
    expect(() => createWebhookChannel(config, { env: { S: 'short' }, index: 0 })).toThrow(/16 characters/);
    expect(WebhookChannelConfig.safeParse({ url: 'http://hooks.example.com/x', secretEnv: 'S' }).success).toBe(false);
    expect(WebhookChannelConfig.safeParse({ url: 'http://hooks.example.com/x', secretEnv: 'S', allowInsecureHttp: true }).success).toBe(true);
    expect(WebhookChannelConfig.safeParse({ url: 'https://u:p@hooks.example.com/x', secretEnv: 'S' }).success).toBe(false);
    expect(WebhookChannelConfig.safeParse({ url: 'https://hooks.example.com/x', secretEnv: 'S', events: ['nope'] }).success).toBe(false);
  });
});
