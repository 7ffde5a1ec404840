import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryChannel } from './channel.js';
import { fakeService, rejection, type FakeService, type Reply } from './fixtures/service.js';
import { taskChange, ticketMessage } from './fixtures/messages.js';
import { createSlackChannel, escapeSlack } from './slack.js';
import { SlackChannelConfig, type SlackChannelConfigInput } from './slack-config.js';

/**
 * Slack incoming webhooks against a loopback server that answers as Slack does: 200 `ok`, or an error
 * status with a short code as plain text (`invalid_payload`, `channel_not_found`, …).
 */

const NOW = new Date('2026-11-24T12:00:00.000Z');
const HOOK_PATH = '/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX';
const open: Array<FakeService | DeliveryChannel> = [];

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function slack(reply: () => Reply = () => ({ status: 200, body: 'ok' })) {
  const service = await fakeService((req) => {
    if (req.path !== HOOK_PATH) return { status: 404, body: 'no_service' };
    const blocks = (req.json as { blocks?: unknown } | undefined)?.blocks;
    if (req.json === undefined || !Array.isArray(blocks)) return { status: 400, body: 'invalid_payload' };
    return reply();
  });
  open.push(service);
  return service;
}

function channel(service: FakeService, over: Partial<SlackChannelConfigInput> = {}, index = 0) {
  const config = SlackChannelConfig.parse({ urlEnv: 'SLACK_URL', timeoutMs: 2000, ...over });
  const c = createSlackChannel(config, { env: { SLACK_URL: `${service.url}${HOOK_PATH}` }, now: () => NOW, index });
  open.push(c);
  return c;
}

interface TextObject {
  type: string;
  text: string;
  verbatim?: boolean;
}

/** Every text object of a message's blocks. */
function texts(blocks: unknown[]): TextObject[] {
  return (blocks as Array<{ text?: TextObject; fields?: TextObject[]; elements?: TextObject[] }>).flatMap((b) => [
    ...(b.text === undefined ? [] : [b.text]),
    ...(b.fields ?? []),
    ...(b.elements ?? []),
  ]);
}

/** The `<…>` tokens Slack would turn into links or mentions. */
const angleTokens = (text: string): string[] => text.match(/<[^>]*>/g) ?? [];

describe('createSlackChannel', () => {
  it('POSTs { text, blocks } with the change, verbatim mrkdwn, and only the link to the task', async () => {
    const service = await slack();
    const c = channel(service, {}, 1);
    expect(c.name).toBe('slack:1');
    expect(c.kind).toBe('slack');
    expect(await c.send({ kind: 'task-change', change: taskChange() }, { messageId: 'out_1' })).toEqual({});
    const [req] = service.received;
    expect(req?.method).toBe('POST');
    expect(req?.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = req?.json as { text: string; blocks: unknown[] };
    expect(body.text).toContain('T-12 status: open → in-progress');
    const all = texts(body.blocks);
    expect(all.length).toBeGreaterThan(3);
    for (const t of all) expect(t).toMatchObject({ type: 'mrkdwn', verbatim: true });
    const joined = all.map((t) => t.text).join('\n');
    expect(joined).toContain('*<https://bulwark.example/remediation/tasks/4be1c0ffee|T-12>* Unauthenticated access to sensitive data');
    expect(joined).toContain('*Endpoint*\n`GET /users/{id}/orders`');
    expect(joined).toContain('*Due*\n2026-12-08 (on-track)');
    expect(joined).toContain('alice@example.com · 2026-11-24T10:00:00.000Z');
    expect(angleTokens(joined)).toEqual(['<https://bulwark.example/remediation/tasks/4be1c0ffee|T-12>']);
  });

  it('untrusted title, path, application and comment make no link, mention or broken code', async () => {
    const service = await slack();
    const change = {
      ...taskChange({ kind: 'comment', from: null, to: null, text: 'ping <!channel> and <@U123>\nsee <https://evil.example|here> & more' }, { title: 'Leak <!here> via <https://evil.example|docs>', pathTemplate: '/a`b/<@U999>' }),
      applicationName: '<!subteam^S1> shop',
    };
    await channel(service).send({ kind: 'task-change', change }, { messageId: 'out_2' });
    const body = service.received[0]?.json as { text: string; blocks: unknown[] };
    const joined = texts(body.blocks).map((t) => t.text).join('\n');
    expect(angleTokens(joined)).toEqual(['<https://bulwark.example/remediation/tasks/4be1c0ffee|T-12>']);
    expect(angleTokens(body.text)).toEqual([]);
    expect(joined).toContain('Leak &lt;!here&gt; via &lt;https://evil.example|docs&gt;');
    expect(joined).toContain('`GET /a\u02cbb/&lt;@U999&gt;`');
    expect(joined).toContain('&lt;!subteam^S1&gt; shop');
    expect(joined).toContain('>ping &lt;!channel&gt; and &lt;@U123&gt;\n>see &lt;https://evil.example|here&gt; &amp; more');
    // the fallback has no verbatim: a zero-width space keeps the URL from being linked
    expect(body.text).not.toContain('https://evil');
  });

  it("maps Slack's answers: 4xx codes are final, 429 and 5xx are worth another try", async () => {
    const cases: Array<{ reply: Reply; retryable: boolean; reason: string; retryAfterMs?: number }> = [
      { reply: { status: 400, body: 'invalid_payload' }, retryable: false, reason: 'HTTP 400: invalid_payload' },
      { reply: { status: 403, body: 'invalid_token' }, retryable: false, reason: 'HTTP 403: invalid_token' },
      { reply: { status: 404, body: 'channel_not_found' }, retryable: false, reason: 'HTTP 404: channel_not_found' },
      { reply: { status: 410, body: 'channel_is_archived' }, retryable: false, reason: 'HTTP 410: channel_is_archived' },
      { reply: { status: 429, headers: { 'retry-after': '30' }, body: 'rate_limited' }, retryable: true, reason: 'HTTP 429: rate_limited (retry after 30 s)', retryAfterMs: 30_000 },
      { reply: { status: 500, body: 'rollup_error' }, retryable: true, reason: 'HTTP 500: rollup_error' },
      { reply: { status: 503, body: '<html><body>Service Unavailable</body></html>' }, retryable: true, reason: 'HTTP 503' },
    ];
    for (const c of cases) {
      const service = await slack(() => c.reply);
      const err = await rejection(channel(service).send({ kind: 'task-change', change: taskChange() }, { messageId: 'out_3' }));
      expect(err).toMatchObject({ retryable: c.retryable, reason: c.reason });
      if (c.retryAfterMs !== undefined) expect(err.retryAfterMs).toBe(c.retryAfterMs);
    }
  });

  it('a wrong webhook URL is final and the reason never holds the URL', async () => {
    const service = await slack();
    const config = SlackChannelConfig.parse({ urlEnv: 'SLACK_URL' });
    const c = createSlackChannel(config, { env: { SLACK_URL: `${service.url}/services/T000/B000/wrong` }, index: 0 });
    open.push(c);
    const err = await rejection(c.send({ kind: 'task-change', change: taskChange() }, { messageId: 'out_4' }));
    expect(err).toMatchObject({ retryable: false, reason: 'HTTP 404: no_service' });
    expect(err.reason).not.toContain('wrong');
  });

  it('a timeout is worth another try', async () => {
    const service = await slack(() => ({ status: 200, hang: true }));
    const err = await rejection(channel(service, { timeoutMs: 200 }).send({ kind: 'task-change', change: taskChange() }, { messageId: 'out_5' }));
    expect(err).toMatchObject({ retryable: true, reason: 'timeout' });
  });

  it('takes the task changes a person acts on by default, and no digests or tickets', async () => {
    const service = await slack();
    const c = channel(service);
    expect(c.accepts({ kind: 'task-change', change: taskChange() })).toBe(true);
    expect(c.accepts({ kind: 'task-change', change: taskChange({ kind: 'notified', from: null, to: null }) })).toBe(false);
    expect(c.accepts({ kind: 'task-change', change: taskChange({ kind: 'findings', from: '3', to: '2' }) })).toBe(false);
    expect(c.accepts({ kind: 'ticket', ticket: ticketMessage() })).toBe(false);
    const onlySla = channel(service, { events: ['sla'] }, 1);
    expect(onlySla.accepts({ kind: 'task-change', change: taskChange({ kind: 'sla', from: 'on-track', to: 'overdue' }) })).toBe(true);
    expect(onlySla.accepts({ kind: 'task-change', change: taskChange() })).toBe(false);
  });

  it('refuses a missing URL, and plain http off loopback without repeating the URL', () => {
    const config = SlackChannelConfig.parse({ urlEnv: 'SLACK_URL' });
    expect(() => createSlackChannel(config, { env: {}, index: 0 })).toThrow(/SLACK_URL/);
    let message = '';
    try {
      createSlackChannel(config, { env: { SLACK_URL: 'http://chat.example/hooks/s3cr3t' }, index: 0 });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/allowInsecureHttp/);
    expect(message).not.toContain('s3cr3t');
  });

  it('escapes &, < and > as Slack asks', () => {
    expect(escapeSlack('a & <b> <!here>')).toBe('a &amp; &lt;b&gt; &lt;!here&gt;');
  });
});
