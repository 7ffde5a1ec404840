import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryChannel } from './channel.js';
import { fakeService, rejection, type FakeService, type Received, type Reply } from './fixtures/service.js';
import { ticketMessage } from './fixtures/messages.js';
import { createJiraChannel, parseJiraWebhook, verifyJiraWebhook } from './jira.js';
import { JiraChannelConfig, type JiraChannelConfigInput } from './jira-config.js';
import { escapeWiki } from './jira-markup.js';

/**
 * The Jira channel against a loopback server that answers as Jira's REST API does (v2 and v3): 201
 * `{ id, key, self }` for a new issue, 201 for a comment, and errors in Jira's format
 * `{ errorMessages: [], errors: { field: message } }`.
 */

const TOKEN = 'atl-api-token-123';
const NOW = new Date('2026-11-24T12:00:00.000Z');
const open: Array<FakeService | DeliveryChannel> = [];

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

const basic = `Basic ${Buffer.from(`bulwark@example.com:${TOKEN}`).toString('base64')}`;

/** Jira's REST API as far as the channel uses it; `override` answers instead (for error cases). */
async function jira(override?: (req: Received) => Reply | undefined) {
  const service = await fakeService((req) => {
    const forced = override?.(req);
    if (forced !== undefined) return forced;
    const auth = req.headers.authorization;
    if (auth !== basic && auth !== `Bearer ${TOKEN}`) return { status: 401, body: { errorMessages: ['You are not authenticated.'], errors: {} } };
    const create = /^\/rest\/api\/([23])\/issue$/.exec(req.path);
    if (req.method === 'POST' && create !== null) return { status: 201, body: { id: '10042', key: 'SEC-42', self: `http://jira/rest/api/${create[1]}/issue/10042` } };
    if (req.method === 'POST' && /^\/rest\/api\/[23]\/issue\/SEC-42\/comment$/.test(req.path)) return { status: 201, body: { id: '20001', self: 'http://jira/comment/20001' } };
    return { status: 404, body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} } };
  });
  open.push(service);
  return service;
}

function channel(service: FakeService, over: Partial<JiraChannelConfigInput> = {}) {
  const config = JiraChannelConfig.parse({
    baseUrl: service.url,
    projectKey: 'SEC',
    auth: { kind: 'basic', email: 'bulwark@example.com', tokenEnv: 'JIRA_TOKEN' },
    timeoutMs: 2000,
    ...over,
  });
  const c = createJiraChannel(config, { env: { JIRA_TOKEN: TOKEN }, now: () => NOW, userAgent: 'Bulwark/test' });
  open.push(c);
  return c;
}

const send = (c: DeliveryChannel, message = ticketMessage()) => c.send({ kind: 'ticket', ticket: message }, { messageId: 'out_1' });

const ADF_MARKS = new Set(['strong', 'code', 'link']);

/** A strict reading of the ADF structure the channel may send (doc → block nodes → inline nodes). */
function assertAdf(doc: unknown): void {
  const d = doc as { type?: unknown; version?: unknown; content?: unknown };
  expect(d.type).toBe('doc');
  expect(d.version).toBe(1);
  expect(Array.isArray(d.content) && d.content.length > 0).toBe(true);
  const inline = (n: { type: string; text?: unknown; marks?: Array<{ type: string; attrs?: { href?: unknown } }> }) => {
    if (n.type === 'hardBreak') return;
    expect(n.type).toBe('text');
    expect(typeof n.text === 'string' && n.text.length > 0).toBe(true);
    for (const m of n.marks ?? []) {
      expect(ADF_MARKS.has(m.type)).toBe(true);
      if (m.type === 'link') expect(m.attrs?.href).toMatch(/^https?:\/\//);
    }
  };
  const paragraph = (p: { type: string; content?: Array<Parameters<typeof inline>[0]> }) => {
    expect(p.type).toBe('paragraph');
    for (const n of p.content ?? []) inline(n);
  };
  for (const block of d.content as Array<{ type: string; content?: Array<Record<string, unknown>> }>) {
    if (block.type === 'paragraph') paragraph(block as Parameters<typeof paragraph>[0]);
    else if (block.type === 'bulletList') {
      for (const item of block.content ?? []) {
        expect(item.type).toBe('listItem');
        for (const p of item.content as Array<Parameters<typeof paragraph>[0]>) paragraph(p);
      }
    } else if (block.type === 'codeBlock') {
      for (const t of block.content ?? []) {
        expect(t).toEqual({ type: 'text', text: expect.any(String) });
      }
    } else throw new Error(`unexpected ADF node ${block.type}`);
  }
}

/** All text in an ADF document, in order. */
const adfText = (node: unknown): string => {
  const n = node as { text?: string; content?: unknown[] };
  return (n.text ?? '') + (n.content ?? []).map(adfText).join('');
};

describe('createJiraChannel: new issues', () => {
  it('v3: POSTs one issue with the mapped fields and an ADF description, and returns the key and browse URL', async () => {
    const service = await jira();
    const result = await send(channel(service));
    expect(service.received).toHaveLength(1);
    const [req] = service.received;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/rest/api/3/issue');
    expect(req?.headers.authorization).toBe(basic);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers.accept).toBe('application/json');
    expect(req?.headers['user-agent']).toBe('Bulwark/test');
    const fields = (req?.json as { fields: Record<string, unknown> }).fields;
    expect(fields).toMatchObject({
      project: { key: 'SEC' },
      summary: '[Bulwark] T-12 Unauthenticated access to sensitive data',
      issuetype: { name: 'Bug' },
      priority: { name: 'High' },
      labels: ['bulwark', 'security'],
    });
    expect(fields).not.toHaveProperty('duedate');
    assertAdf(fields.description);
    const text = adfText(fields.description);
    expect(text).toContain('GET /users/{id}/orders on api.shop.example');
    expect(text).toContain('auth-sensitive-unauthenticated');
    expect(text).toContain('GET /users/42/orders -> 200 without Authorization');
    expect(JSON.stringify(fields.description)).toContain('"href":"https://bulwark.example/remediation/tasks/4be1c0ffee"');
    expect(result.ticket).toEqual({ system: 'jira', key: 'SEC-42', url: `${service.url}/browse/SEC-42`, status: null, syncedAt: NOW.toISOString() });
  });

  it('v2 with a Data Center token: wiki markup with hostile text escaped, evidence in {noformat}', async () => {
    const service = await jira();
    const c = channel(service, { apiVersion: 2, auth: { kind: 'bearer', tokenEnv: 'JIRA_TOKEN' } });
    await send(c, ticketMessage({ evidence: ['body: {noformat}[~admin]'], applicationName: '[~admin] *team*' }));
    const [req] = service.received;
    expect(req?.path).toBe('/rest/api/2/issue');
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const description = (req?.json as { fields: { description: unknown } }).fields.description;
    expect(typeof description).toBe('string');
    const wiki = description as string;
    expect(wiki).toContain('{{GET /users/\\{id\\}/orders on api.shop.example}}');
    expect(wiki).toContain('* *Application:* \\[\\~admin\\] \\*team\\*');
    expect(wiki).toContain('{noformat}\nbody: { noformat}[~admin]\n{noformat}');
    expect(wiki).toContain('[Open T\\-12 in Bulwark|https://bulwark.example/remediation/tasks/4be1c0ffee]');
    // the remediation's line break is a wiki line break, not a new (possibly list or heading) line
    expect(wiki).toContain('Require a valid token on this endpoint. \\\\ Return 401 without one.');
  });

  it('maps severities to priorities (configurable), and passes extra fields and the due date through', async () => {
    const service = await jira();
    const c = channel(service, { priorities: { critical: 'P1' }, setDueDate: true, fields: { customfield_10010: 42, components: [{ name: 'API' }] } });
    await send(c, ticketMessage({ severity: 'critical' }));
    await send(c, ticketMessage({ severity: 'info' }));
    const [first, second] = service.received.map((r) => (r.json as { fields: Record<string, unknown> }).fields);
    expect(first).toMatchObject({ priority: { name: 'P1' }, duedate: '2026-12-08', customfield_10010: 42, components: [{ name: 'API' }] });
    expect(second).toMatchObject({ priority: { name: 'Lowest' } });
  });

  it('leaves the priority out when told to', async () => {
    const service = await jira();
    await send(channel(service, { setPriority: false }));
    expect((service.received[0]?.json as { fields: Record<string, unknown> }).fields).not.toHaveProperty('priority');
  });

  it('opens a new issue for a ticket on another site', async () => {
    const service = await jira();
    const elsewhere = { system: 'jira' as const, key: 'OLD-1', url: 'https://old.atlassian.net/browse/OLD-1', status: 'Done', syncedAt: null };
    const result = await send(channel(service), ticketMessage({}, elsewhere));
    expect(service.received.map((r) => r.path)).toEqual(['/rest/api/3/issue']);
    expect(result.ticket?.key).toBe('SEC-42');
  });
});

describe('createJiraChannel: existing tickets', () => {
  it('adds a comment with the change to the ticket instead of opening a second issue', async () => {
    const service = await jira();
    const ticket = { system: 'jira' as const, key: 'SEC-42', url: `${service.url}/browse/SEC-42`, status: 'In Progress', syncedAt: '2026-11-20T00:00:00.000Z' };
    const result = await send(channel(service), ticketMessage({ status: 'fixed' }, ticket));
    expect(service.received.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /rest/api/3/issue/SEC-42/comment']);
    const body = (service.received[0]?.json as { body: unknown }).body;
    assertAdf(body);
    expect(adfText(body)).toContain('T-12 is now fixed; due 2026-12-08 (SLA on-track); 3 open findings.');
    expect(result.ticket).toEqual({ ...ticket, syncedAt: NOW.toISOString() });
  });

  it('v2 comments are wiki markup', async () => {
    const service = await jira();
    const ticket = { system: 'jira' as const, key: 'SEC-42', url: `${service.url}/browse/SEC-42`, status: null, syncedAt: null };
    await send(channel(service, { apiVersion: 2 }), ticketMessage({}, ticket));
    expect(service.received[0]?.path).toBe('/rest/api/2/issue/SEC-42/comment');
    expect((service.received[0]?.json as { body: unknown }).body).toMatch(/^\*Bulwark update:\* T\\-12 is now open/);
  });

  it('a deleted issue is not found, and not worth another try', async () => {
    const service = await jira();
    const ticket = { system: 'jira' as const, key: 'SEC-7', url: `${service.url}/browse/SEC-7`, status: null, syncedAt: null };
    const err = await rejection(send(channel(service), ticketMessage({}, ticket)));
    expect(err).toMatchObject({ retryable: false, reason: 'HTTP 404: Issue does not exist or you do not have permission to see it.' });
  });
});

describe('createJiraChannel: errors', () => {
  const cases: Array<{ name: string; reply: Reply; retryable: boolean; reason: string | RegExp; retryAfterMs?: number | null }> = [
    {
      name: '400 with a field error (priority not on the screen)',
      reply: { status: 400, body: { errorMessages: [], errors: { priority: "Field 'priority' cannot be set. It is not on the appropriate screen, or unknown." } } },
      retryable: false,
      reason: "HTTP 400: priority: Field 'priority' cannot be set. It is not on the appropriate screen, or unknown.",
    },
    {
      name: '400 with an error message and two field errors',
      reply: { status: 400, body: { errorMessages: ['Bad request.'], errors: { project: 'valid project is required', issuetype: 'valid issue type is required' } } },
      retryable: false,
      reason: 'HTTP 400: Bad request.; project: valid project is required; issuetype: valid issue type is required',
    },
    { name: '401 with an HTML page', reply: { status: 401, body: '<html><body>Unauthorized</body></html>' }, retryable: false, reason: 'HTTP 401: authentication failed (check the email and the token)' },
    {
      name: '403',
      reply: { status: 403, body: { errorMessages: ['You do not have permission to create issues in this project.'], errors: {} } },
      retryable: false,
      reason: 'HTTP 403: You do not have permission to create issues in this project.',
    },
    { name: '404 without a body', reply: { status: 404 }, retryable: false, reason: 'HTTP 404: project or issue not found (or not visible to the account)' },
    { name: '429 with Retry-After', reply: { status: 429, headers: { 'retry-after': '30' }, body: { errorMessages: ['Rate limit exceeded.'] } }, retryable: true, reason: 'HTTP 429: Rate limit exceeded. (retry after 30 s)', retryAfterMs: 30_000 },
    { name: '503', reply: { status: 503, body: '' }, retryable: true, reason: 'HTTP 503', retryAfterMs: null },
    { name: '302 to a login page', reply: { status: 302, headers: { location: 'https://id.example/login' } }, retryable: false, reason: 'HTTP 302: redirect not followed' },
    { name: '201 without a key', reply: { status: 201, body: 'created' }, retryable: false, reason: /no issue key/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const service = await jira(() => c.reply);
      const err = await rejection(send(channel(service)));
      expect(err.retryable).toBe(c.retryable);
      if (typeof c.reason === 'string') expect(err.reason).toBe(c.reason);
      else expect(err.reason).toMatch(c.reason);
      if (c.retryAfterMs !== undefined) expect(err.retryAfterMs).toBe(c.retryAfterMs);
      expect(err.reason).not.toContain(TOKEN);
    });
  }

  it('a wrong token is refused by Jira and not retried', async () => {
    const service = await jira();
    const c = createJiraChannel(
      JiraChannelConfig.parse({ baseUrl: service.url, projectKey: 'SEC', auth: { kind: 'bearer', tokenEnv: 'T' } }),
      { env: { T: 'wrong' } },
    );
    open.push(c);
    expect(await rejection(send(c))).toMatchObject({ retryable: false, reason: 'HTTP 401: You are not authenticated.' });
  });

  it('a timeout and a refused connection are worth another try', async () => {
    const hanging = await jira(() => ({ status: 200, hang: true }));
    expect(await rejection(send(channel(hanging, { timeoutMs: 200 })))).toMatchObject({ retryable: true, reason: 'timeout' });
    const gone = await jira();
    const c = channel(gone);
    await gone.close();
    expect(await rejection(send(c))).toMatchObject({ retryable: true, reason: 'ECONNREFUSED' });
  });
});

describe('createJiraChannel: config and contract', () => {
  it('takes ticket messages only', async () => {
    const service = await jira();
    const c = channel(service);
    expect(c.name).toBe('jira');
    expect(c.kind).toBe('jira');
    expect(c.accepts({ kind: 'ticket', ticket: ticketMessage() })).toBe(true);
    expect(c.accepts({ kind: 'digest', digest: { applicationId: null, applicationName: 'a', team: null, to: ['a@b.c'], newTasks: [], overdueTasks: [], consoleUrl: 'x', generatedAt: 'x' } })).toBe(false);
  });

  it('refuses a missing token, fields Bulwark sets, and plain http to another host', () => {
    const config = JiraChannelConfig.parse({ baseUrl: 'https://example.atlassian.net', projectKey: 'SEC', auth: { kind: 'bearer', tokenEnv: 'NOPE' } });
    expect(() => createJiraChannel(config, { env: {} })).toThrow(/NOPE/);
    expect(JiraChannelConfig.safeParse({ ...config, fields: { summary: 'x' } }).success).toBe(false);
    expect(JiraChannelConfig.safeParse({ baseUrl: 'http://jira.example', projectKey: 'SEC', auth: { kind: 'bearer', tokenEnv: 'T' } }).success).toBe(false);
    expect(JiraChannelConfig.safeParse({ baseUrl: 'https://u:p@jira.example', projectKey: 'SEC', auth: { kind: 'bearer', tokenEnv: 'T' } }).success).toBe(false);
    expect(JiraChannelConfig.safeParse({ baseUrl: 'https://jira.example', projectKey: 'SEC', auth: { kind: 'basic', tokenEnv: 'T' } }).success).toBe(false);
    expect(config.priorities).toEqual({ critical: 'Highest', high: 'High', medium: 'Medium', low: 'Low', info: 'Lowest' });
  });

  it('escapes every wiki markup character', () => {
    expect(escapeWiki('{code}[~admin]|*b*_i_-s-+u+^s^~s~!img!#h?c?')).toBe('\\{code\\}\\[\\~admin\\]\\|\\*b\\*\\_i\\_\\-s\\-\\+u\\+\\^s\\^\\~s\\~\\!img\\!\\#h\\?c\\?');
    expect(escapeWiki('a\\b')).toBe('a\uff3cb');
  });
});

/** A `jira:issue_updated` delivery as Jira Cloud sends it (trimmed of fields the parser ignores). */
const issueUpdated = {
  timestamp: 1764000000000,
  webhookEvent: 'jira:issue_updated',
  issue_event_type_name: 'issue_generic',
  user: { accountId: '5b10a2844c20165700ede21g', displayName: 'Alice' },
  issue: {
    id: '10042',
    self: 'https://example.atlassian.net/rest/api/2/issue/10042',
    key: 'SEC-42',
    fields: {
      summary: '[Bulwark] T-12 Unauthenticated access to sensitive data',
      status: {
        self: 'https://example.atlassian.net/rest/api/2/status/10001',
        description: '',
        name: 'Done',
        id: '10001',
        statusCategory: { self: 'https://example.atlassian.net/rest/api/2/statuscategory/3', id: 3, key: 'done', colorName: 'green', name: 'Done' },
      },
      labels: ['bulwark', 'security'],
    },
  },
  changelog: { id: '10100', items: [{ field: 'status', fieldtype: 'jira', from: '3', fromString: 'In Progress', to: '10001', toString: 'Done' }] },
};

describe('Jira webhooks', () => {
  it('reads the key and status of an issue_updated delivery', () => {
    expect(parseJiraWebhook(issueUpdated)).toEqual({ key: 'SEC-42', statusName: 'Done', statusCategory: 'done' });
    const inProgress = structuredClone(issueUpdated);
    inProgress.issue.fields.status.name = 'In Progress';
    inProgress.issue.fields.status.statusCategory.key = 'indeterminate';
    expect(parseJiraWebhook(inProgress)).toEqual({ key: 'SEC-42', statusName: 'In Progress', statusCategory: 'indeterminate' });
  });

  it('ignores other events and bodies out of shape', () => {
    expect(parseJiraWebhook({ ...issueUpdated, webhookEvent: 'comment_created' })).toBeNull();
    expect(parseJiraWebhook({ ...issueUpdated, issue: { ...issueUpdated.issue, key: 'not a key' } })).toBeNull();
    const unknownCategory = structuredClone(issueUpdated) as { issue: { fields: { status: { statusCategory: { key: string } } } } };
    unknownCategory.issue.fields.status.statusCategory.key = 'undefined';
    expect(parseJiraWebhook(unknownCategory)).toBeNull();
    const longName = structuredClone(issueUpdated);
    longName.issue.fields.status.name = 'x'.repeat(256);
    expect(parseJiraWebhook(longName)).toBeNull();
    expect(parseJiraWebhook(null)).toBeNull();
    expect(parseJiraWebhook('jira:issue_updated')).toBeNull();
  });

  it('verifies X-Hub-Signature over the raw body and refuses anything else', () => {
    const secret = 'jira-webhook-secret';
    const raw = Buffer.from(JSON.stringify(issueUpdated));
    const header = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
    expect(verifyJiraWebhook(secret, header, raw)).toBe(true);
    expect(verifyJiraWebhook(secret, header.toUpperCase().replace('SHA256=', 'sha256='), raw)).toBe(true);
    expect(verifyJiraWebhook(secret, header, Buffer.concat([raw, Buffer.from(' ')]))).toBe(false);
    expect(verifyJiraWebhook('another-secret', header, raw)).toBe(false);
    expect(verifyJiraWebhook(secret, header.replace('sha256=', 'sha1='), raw)).toBe(false);
    expect(verifyJiraWebhook(secret, undefined, raw)).toBe(false);
    expect(verifyJiraWebhook(secret, [header, header], raw)).toBe(false);
    expect(verifyJiraWebhook('', `sha256=${createHmac('sha256', '').update(raw).digest('hex')}`, raw)).toBe(false);
  });
});
