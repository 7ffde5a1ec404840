import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryChannel } from './channel.js';
import { fakeService, rejection, type FakeService, type Received, type Reply } from './fixtures/service.js';
import { ticketMessage } from './fixtures/messages.js';
import { codeSpan, createGithubChannel, escapeMarkdown, parseGithubWebhook, verifyGithubWebhook } from './github.js';
import { GithubChannelConfig, type GithubChannelConfigInput } from './github-config.js';

/**
 * The GitHub Issues channel against a loopback server that answers as GitHub's REST API does: 201 with the
 * issue (`number`, `html_url`, `state`), 201 for a comment, and errors as `{ message, documentation_url, errors? }`.
 */

const TOKEN = 'github_pat_11AAAA';
const NOW = new Date('2026-11-24T12:00:00.000Z');
const DOCS = 'https://docs.github.com/rest/issues/issues#create-an-issue';
const open: Array<FakeService | DeliveryChannel> = [];

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

/** GitHub's API under `prefix` (`/api/v3` for Enterprise Server); `override` answers instead. */
async function github(override?: (req: Received) => Reply | undefined, prefix = '') {
  const service = await fakeService((req) => {
    const forced = override?.(req);
    if (forced !== undefined) return forced;
    if (req.headers['user-agent'] === undefined) return { status: 403, body: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header' };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
    if (req.method === 'POST' && req.path === `${prefix}/repos/acme/shop-api/issues`) {
      return { status: 201, body: { id: 1, node_id: 'I_1', number: 17, html_url: 'https://github.com/acme/shop-api/issues/17', state: 'open', title: (req.json as { title: string }).title } };
    }
    if (req.method === 'POST' && req.path === `${prefix}/repos/acme/shop-api/issues/17/comments`) {
      return { status: 201, body: { id: 99, html_url: 'https://github.com/acme/shop-api/issues/17#issuecomment-99' } };
    }
    return { status: 404, body: { message: 'Not Found', documentation_url: DOCS } };
  });
  open.push(service);
  return service;
}

function channel(service: FakeService, over: Partial<GithubChannelConfigInput> = {}, prefix = '') {
  const config = GithubChannelConfig.parse({ apiUrl: `${service.url}${prefix}`, repo: 'acme/shop-api', tokenEnv: 'GH_TOKEN', timeoutMs: 2000, ...over });
  const c = createGithubChannel(config, { env: { GH_TOKEN: TOKEN }, now: () => NOW, userAgent: 'Bulwark/test' });
  open.push(c);
  return c;
}

const send = (c: DeliveryChannel, message = ticketMessage()) => c.send({ kind: 'ticket', ticket: message }, { messageId: 'out_1' });

const sent = (service: FakeService, i = 0) => service.received[i]?.json as { title: string; body: string; labels: string[]; assignees?: string[] };

describe('createGithubChannel: new issues', () => {
  it('POSTs one issue with the required headers, a Markdown body and labels, and returns #number and html_url', async () => {
    const service = await github();
    const result = await send(channel(service));
    expect(service.received).toHaveLength(1);
    const [req] = service.received;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/repos/acme/shop-api/issues');
    expect(req?.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'Bulwark/test',
      'content-type': 'application/json',
    });
    const issue = sent(service);
    expect(issue.title).toBe('[Bulwark] T-12 Unauthenticated access to sensitive data');
    expect(issue.labels).toEqual(['security', 'bulwark', 'severity:high']);
    expect(issue).not.toHaveProperty('assignees');
    expect(issue.body).toContain('- **Severity:** high');
    expect(issue.body).toContain('- **Endpoint:** `GET /users/{id}/orders on api.shop.example`');
    expect(issue.body).toContain('```text\nGET /users/42/orders -> 200 without Authorization\nresponse: {"email":"[REDACTED]"}\n```');
    expect(issue.body).toContain('[Open T\\-12 in Bulwark](<https://bulwark.example/remediation/tasks/4be1c0ffee>)');
    expect(result.ticket).toEqual({ system: 'github', key: '#17', url: 'https://github.com/acme/shop-api/issues/17', status: 'open', syncedAt: NOW.toISOString() });
  });

  it('works against GitHub Enterprise Server (/api/v3), without severity labels when turned off', async () => {
    const service = await github(undefined, '/api/v3');
    await send(channel(service, { severityLabels: false, labels: ['appsec'] }, '/api/v3'));
    expect(service.received[0]?.path).toBe('/api/v3/repos/acme/shop-api/issues');
    expect(sent(service).labels).toEqual(['appsec']);
  });

  it("assigns the application's people, or the '*' default", async () => {
    const service = await github();
    const c = channel(service, { assignees: { 'Shop API': ['octocat', 'hubot'], '*': ['secteam-bot'] } });
    await send(c);
    await send(c, ticketMessage({ applicationName: 'Billing' }));
    await send(c, ticketMessage({ applicationName: null }));
    expect(service.received.map((r) => (r.json as { assignees?: string[] }).assignees)).toEqual([['octocat', 'hubot'], ['secteam-bot'], ['secteam-bot']]);
  });

  it('observed text cannot mention, link or break out of its code', async () => {
    const service = await github();
    await send(
      channel(service),
      ticketMessage({ applicationName: '@acme/security [click](https://evil.example) <img src=x>', pathTemplate: '/a`b', evidence: ['```\n@octocat see https://evil.example'] }),
    );
    const { body } = sent(service);
    expect(body).not.toMatch(/@acme|\]\(https:\/\/evil/);
    expect(body).toContain('@\u200bacme/security \\[click\\]\\(https://evil\\.example\\) \\<img src=x\\>');
    expect(body).toContain('``GET /a`b on api.shop.example``');
    expect(body).toContain('````text\n```\n@octocat see https://evil.example\n````');
  });

  it('opens a new issue for a ticket of another repository', async () => {
    const service = await github();
    const other = { system: 'github' as const, key: '#17', url: 'https://github.com/acme/old-repo/issues/17', status: 'open', syncedAt: null };
    await send(channel(service), ticketMessage({}, other));
    expect(service.received.map((r) => r.path)).toEqual(['/repos/acme/shop-api/issues']);
  });
});

describe('createGithubChannel: existing tickets', () => {
  it('comments on the issue instead of opening a second one', async () => {
    const service = await github();
    const ticket = { system: 'github' as const, key: '#17', url: 'https://github.com/acme/shop-api/issues/17', status: 'open', syncedAt: null };
    const result = await send(channel(service), ticketMessage({ status: 'in-progress' }, ticket));
    expect(service.received.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /repos/acme/shop-api/issues/17/comments']);
    expect((service.received[0]?.json as { body: string }).body).toMatch(/^\*\*Bulwark update:\*\* T\\-12 is now in\\-progress; due 2026\\-12\\-08/);
    expect(result.ticket).toEqual({ ...ticket, syncedAt: NOW.toISOString() });
  });
});

describe('createGithubChannel: errors', () => {
  const cases: Array<{ name: string; reply: Reply; retryable: boolean; reason: string; retryAfterMs?: number | null }> = [
    { name: '401 bad credentials', reply: { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } }, retryable: false, reason: 'HTTP 401: Bad credentials' },
    {
      name: '403 without a rate limit: a permission',
      reply: { status: 403, headers: { 'x-ratelimit-remaining': '4999' }, body: { message: 'Resource not accessible by integration', documentation_url: DOCS } },
      retryable: false,
      reason: 'HTTP 403: Resource not accessible by integration',
    },
    {
      name: '403 with x-ratelimit-remaining: 0: the primary rate limit, until x-ratelimit-reset',
      reply: {
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW.getTime() / 1000 + 120) },
        body: { message: 'API rate limit exceeded for user ID 1.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' },
      },
      retryable: true,
      reason: 'HTTP 403: API rate limit exceeded for user ID 1. (retry after 120 s)',
      retryAfterMs: 120_000,
    },
    {
      name: '403 with retry-after: a secondary rate limit',
      reply: { status: 403, headers: { 'retry-after': '60' }, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: DOCS } },
      retryable: true,
      reason: 'HTTP 403: You have exceeded a secondary rate limit. Please wait a few minutes before you try again. (retry after 60 s)',
      retryAfterMs: 60_000,
    },
    { name: '404', reply: { status: 404, body: { message: 'Not Found', documentation_url: DOCS } }, retryable: false, reason: 'HTTP 404: Not Found' },
    { name: '410 issues disabled', reply: { status: 410, body: { message: 'Issues are disabled for this repo', documentation_url: DOCS } }, retryable: false, reason: 'HTTP 410: Issues are disabled for this repo' },
    {
      name: '422 validation failed, with the field errors',
      reply: {
        status: 422,
        body: { message: 'Validation Failed', errors: [{ value: 'ghost', resource: 'Issue', field: 'assignees', code: 'invalid' }, { resource: 'Label', code: 'custom', field: 'name', message: 'name is too long (maximum is 50 characters)' }], documentation_url: DOCS },
      },
      retryable: false,
      reason: 'HTTP 422: Validation Failed; assignees: invalid; name is too long (maximum is 50 characters)',
    },
    { name: '429 with retry-after', reply: { status: 429, headers: { 'retry-after': '5' }, body: { message: 'Too Many Requests' } }, retryable: true, reason: 'HTTP 429: Too Many Requests (retry after 5 s)', retryAfterMs: 5000 },
    { name: '502 with an HTML page', reply: { status: 502, body: '<html>Bad gateway</html>' }, retryable: true, reason: 'HTTP 502', retryAfterMs: null },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const service = await github(() => c.reply);
      const err = await rejection(send(channel(service)));
      expect(err).toMatchObject({ retryable: c.retryable, reason: c.reason });
      if (c.retryAfterMs !== undefined) expect(err.retryAfterMs).toBe(c.retryAfterMs);
    });
  }

  it('a 404 on a comment (issue deleted or repository gone) is not retried', async () => {
    const service = await github();
    const ticket = { system: 'github' as const, key: '#5', url: 'https://github.com/acme/shop-api/issues/5', status: 'open', syncedAt: null };
    const err = await rejection(send(channel(service), ticketMessage({}, ticket)));
    expect(service.received[0]?.path).toBe('/repos/acme/shop-api/issues/5/comments');
    expect(err).toMatchObject({ retryable: false, reason: 'HTTP 404: Not Found' });
  });

  it('a timeout is worth another try', async () => {
    const service = await github(() => ({ status: 201, hang: true }));
    expect(await rejection(send(channel(service, { timeoutMs: 200 })))).toMatchObject({ retryable: true, reason: 'timeout' });
  });
});

describe('createGithubChannel: config', () => {
  it('needs its token and a well-formed repository', () => {
    const config = GithubChannelConfig.parse({ repo: 'acme/shop-api', tokenEnv: 'GH' });
    expect(config.apiUrl).toBe('https://api.github.com');
    expect(() => createGithubChannel(config, { env: {} })).toThrow(/GH/);
    expect(GithubChannelConfig.safeParse({ repo: 'acme', tokenEnv: 'GH' }).success).toBe(false);
    expect(GithubChannelConfig.safeParse({ repo: 'acme/shop-api', tokenEnv: 'GH', apiUrl: 'http://ghe.example/api/v3' }).success).toBe(false);
    expect(GithubChannelConfig.safeParse({ repo: 'acme/shop-api', tokenEnv: 'GH', assignees: { x: ['not a login'] } }).success).toBe(false);
  });

  it('escapes Markdown and builds code spans for any text', () => {
    expect(escapeMarkdown('*a* _b_ [c](d) <e> #1 @f')).toBe('\\*a\\* \\_b\\_ \\[c\\]\\(d\\) \\<e\\> \\#1 @\u200bf');
    expect(codeSpan('a')).toBe('`a`');
    expect(codeSpan('a``b')).toBe('```a``b```');
    expect(codeSpan('`a')).toBe('`` `a ``');
  });
});

/** An `issues` delivery as GitHub sends it (trimmed of fields the parser ignores). */
const closed = {
  action: 'closed',
  issue: {
    url: 'https://api.github.com/repos/acme/shop-api/issues/17',
    html_url: 'https://github.com/acme/shop-api/issues/17',
    id: 1,
    number: 17,
    title: '[Bulwark] T-12 Unauthenticated access to sensitive data',
    user: { login: 'bulwark-bot', id: 2 },
    labels: [{ id: 3, name: 'security' }],
    state: 'closed',
    state_reason: 'completed',
    closed_at: '2026-11-25T08:00:00Z',
  },
  repository: { id: 4, name: 'shop-api', full_name: 'acme/shop-api', private: true },
  sender: { login: 'octocat', id: 5 },
};

describe('GitHub webhooks', () => {
  it('reads closed and reopened issues events', () => {
    expect(parseGithubWebhook({ 'x-github-event': 'issues' }, closed)).toEqual({ key: '#17', repo: 'acme/shop-api', state: 'closed', stateReason: 'completed' });
    const reopened = { ...closed, action: 'reopened', issue: { ...closed.issue, state: 'open', state_reason: 'reopened', closed_at: null } };
    expect(parseGithubWebhook(new Headers({ 'X-GitHub-Event': 'issues' }), reopened)).toEqual({ key: '#17', repo: 'acme/shop-api', state: 'open', stateReason: 'reopened' });
    expect(parseGithubWebhook({ 'X-GitHub-Event': 'issues' }, { ...closed, issue: { ...closed.issue, state_reason: null } })?.stateReason).toBeNull();
  });

  it('ignores other events, other actions and bodies out of shape', () => {
    expect(parseGithubWebhook({ 'x-github-event': 'ping' }, { zen: 'Keep it logically awesome.', hook_id: 1 })).toBeNull();
    expect(parseGithubWebhook({ 'x-github-event': 'issue_comment' }, closed)).toBeNull();
    expect(parseGithubWebhook({}, closed)).toBeNull();
    expect(parseGithubWebhook({ 'x-github-event': 'issues' }, { ...closed, action: 'labeled' })).toBeNull();
    expect(parseGithubWebhook({ 'x-github-event': 'issues' }, { ...closed, issue: { ...closed.issue, number: '17' } })).toBeNull();
    expect(parseGithubWebhook({ 'x-github-event': ['issues', 'issues'] }, closed)).toBeNull();
  });

  it('verifies X-Hub-Signature-256 over the raw body and refuses anything else', () => {
    const secret = 'gh-webhook-secret';
    const raw = JSON.stringify(closed);
    const header = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
    expect(verifyGithubWebhook(secret, header, raw)).toBe(true);
    expect(verifyGithubWebhook(secret, header, raw.replace('closed', 'open'))).toBe(false);
    expect(verifyGithubWebhook('wrong', header, raw)).toBe(false);
    expect(verifyGithubWebhook(secret, `sha1=${createHmac('sha1', secret).update(raw).digest('hex')}`, raw)).toBe(false);
    expect(verifyGithubWebhook(secret, 'sha256=abc', raw)).toBe(false);
    expect(verifyGithubWebhook(secret, null, raw)).toBe(false);
  });
});
