import { describe, expect, it } from 'vitest';
import { createPathTemplater, singular, type PathTemplater } from './path-templater.js';

const H = 'api.example.com';

/** Deterministic distinct free-text values that do not look like tokens: `alex-smith-7`, ... */
function names(n: number, salt = ''): string[] {
  const a = ['alex', 'maria', 'wei', 'omar', 'sofia', 'raj', 'emma', 'noah', 'lars', 'yuki', 'ivan', 'ana'];
  const b = ['smith', 'garcia', 'chen', 'patel', 'rossi', 'tanaka', 'silva', 'lee', 'novak', 'okafor'];
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) out.push(`${salt}${a[i % a.length]}-${b[Math.floor(i / a.length) % b.length]}${Math.floor(i / (a.length * b.length)) || ''}`);
  return out;
}

/** Interleaves request lists the way real traffic mixes endpoints. */
function interleave(...lists: Array<Array<[string, string]>>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const max = Math.max(...lists.map((l) => l.length));
  for (let i = 0; i < max; i++) for (const l of lists) if (l[i]) out.push(l[i]!);
  return out;
}

function feed(t: PathTemplater, requests: Array<[string, string]>): void {
  for (const [m, p] of requests) t.observe(H, m, p);
}

function templateSet(t: PathTemplater): Set<string> {
  return new Set(t.templates(H).map((d) => `${d.method} ${d.template.replace(/\{[^}]*\}/g, '{}')}`));
}

const repeat = (n: number, m: string, p: (i: number) => string): Array<[string, string]> => Array.from({ length: n }, (_, i) => [m, p(i)]);

describe('token-typed segments become parameters at once', () => {
  const cases: Array<[string, string]> = [
    ['/users/42', '/users/{user_id}'],
    ['/orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301/items', '/orders/{order_id}/items'],
    ['/commits/a94a8fe5ccb19ba61c4c0873d391e987982fbbd3', '/commits/{commit_hash}'],
    ['/reports/2024-01-15', '/reports/{report_date}'],
    ['/customers/cus_NffrFeUfNV2Hib/charges', '/customers/{customer_id}/charges'],
    ['/invites/jane%40example.com', '/invites/{invite_email}'],
  ];
  it.each(cases)('%s -> %s', (path, template) => {
    const t = createPathTemplater();
    expect(t.observe(H, 'GET', path).template).toBe(template);
  });

  it('keeps free text literal on first sight', () => {
    const t = createPathTemplater();
    expect(t.observe(H, 'GET', '/users/octocat').template).toBe('/users/octocat');
    expect(t.observe(H, 'GET', '/users/me').template).toBe('/users/me');
  });

  it('ignores the query string, fragments and empty segments', () => {
    const t = createPathTemplater();
    expect(t.observe(H, 'get', '//users/42/?page=2#top').template).toBe('/users/{user_id}');
    expect(t.observe(H, 'GET', '/').template).toBe('/');
    expect(t.observe(H, 'GET', '').template).toBe('/');
  });

  it('reads a typed segment that never varies as a constant (`/api/2/`)', () => {
    const t = createPathTemplater();
    feed(t, repeat(30, 'GET', (i) => `/api/2/issue/${1000 + i}`));
    expect(templateSet(t)).toEqual(new Set(['GET /api/2/issue/{}']));
  });
});

describe('free-text parameters are learned from traffic', () => {
  it('collapses many rare user names into one parameter', () => {
    const t = createPathTemplater();
    feed(t, names(40).map((n) => ['GET', `/users/${n}`]));
    expect(templateSet(t)).toEqual(new Set(['GET /users/{}']));
    const d = t.templates(H)[0]!;
    expect(d.evidence.join(' ')).toMatch(/40 distinct free-text values/);
    expect(d.confidence).toBeGreaterThan(0.5);
  });

  it('does not collapse a static fan-out: many words, each repeated', () => {
    const words = ['customers', 'charges', 'invoices', 'refunds', 'payouts', 'plans', 'prices', 'products', 'quotes', 'reviews', 'sources', 'tokens'];
    const t = createPathTemplater();
    feed(t, interleave(...words.map((w) => repeat(20, 'GET', () => `/v1/${w}`))));
    expect(templateSet(t)).toEqual(new Set(words.map((w) => `GET /v1/${w}`)));
  });

  it('does not collapse a handful of enum-like values', () => {
    const t = createPathTemplater();
    feed(t, interleave(...['open', 'closed', 'all'].map((s) => repeat(15, 'GET', () => `/issues/state/${s}`))));
    expect(templateSet(t).size).toBe(3);
  });

  it('keeps `me` static beside `{username}`', () => {
    const t = createPathTemplater();
    const users = names(300);
    feed(
      t,
      interleave(
        users.map((n) => ['GET', `/users/${n}`]),
        users.map((n) => ['GET', `/users/${n}/repos`]),
        users.map((n) => ['GET', `/users/${n}/followers`]),
        repeat(40, 'GET', () => '/users/me'),
      ),
    );
    expect(templateSet(t)).toEqual(new Set(['GET /users/{}', 'GET /users/{}/repos', 'GET /users/{}/followers', 'GET /users/me']));
    expect(t.resolve(H, 'GET', '/users/me').template).toBe('/users/me');
    expect(t.resolve(H, 'GET', '/users/someone-new').template).toBe('/users/{user}');
  });

  it('keeps `secrets` static beside `{codespace_name}`', () => {
    const t = createPathTemplater();
    const spaces = names(200, 'cs-');
    const secrets = names(200, 'SECRET_');
    feed(
      t,
      interleave(
        spaces.map((n) => ['GET', `/user/codespaces/${n}`]),
        spaces.map((n) => ['POST', `/user/codespaces/${n}/start`]),
        spaces.map((n) => ['POST', `/user/codespaces/${n}/stop`]),
        repeat(60, 'GET', () => '/user/codespaces/secrets'),
        repeat(40, 'GET', () => '/user/codespaces/secrets/public-key'),
        secrets.map((n) => ['PUT', `/user/codespaces/secrets/${n}`]),
      ),
    );
    const s = templateSet(t);
    expect(s).toContain('GET /user/codespaces/secrets');
    expect(s).toContain('GET /user/codespaces/secrets/public-key');
    expect(s).toContain('PUT /user/codespaces/secrets/{}');
    expect(s).toContain('GET /user/codespaces/{}');
    expect(s).toContain('POST /user/codespaces/{}/start');
    expect(s.size).toBe(6);
  });

  it('learns /repos/{owner}/{repo}/issues beside /pulls, with popular values', () => {
    const t = createPathTemplater();
    const owners = names(400, 'o');
    const repos = names(400, 'r');
    const reqs: Array<[string, string]> = [];
    for (let i = 0; i < 1200; i++) {
      // A few owners and repos are popular, as in real traffic.
      const o = i % 5 === 0 ? 'octocat' : owners[(i * 7) % owners.length]!;
      const r = i % 4 === 0 ? 'hello-world' : repos[(i * 13) % repos.length]!;
      const sub = ['issues', 'pulls', 'issues/' + (i + 1), 'pulls/' + (i + 1), ''][i % 5];
      reqs.push(['GET', `/repos/${o}/${r}/${sub}`]);
    }
    feed(t, reqs);
    expect(templateSet(t)).toEqual(
      new Set(['GET /repos/{}/{}', 'GET /repos/{}/{}/issues', 'GET /repos/{}/{}/pulls', 'GET /repos/{}/{}/issues/{}', 'GET /repos/{}/{}/pulls/{}']),
    );
  });
});

describe('resolve', () => {
  it('maps a template returned before a collapse to the current one', () => {
    const t = createPathTemplater();
    const early = t.observe(H, 'GET', '/users/alice-smith/repos').template;
    expect(early).toBe('/users/alice-smith/repos');
    feed(t, names(60).map((n) => ['GET', `/users/${n}/repos`]));
    t.templates(H);
    expect(t.resolve(H, 'GET', early).template).toBe('/users/{user}/repos');
    expect(t.resolve(H, 'GET', '/users/{user}/repos').template).toBe('/users/{user}/repos');
  });

  it('does not learn', () => {
    const t = createPathTemplater();
    t.resolve(H, 'GET', '/a/b/c');
    expect(t.templates(H)).toEqual([]);
  });
});

describe('known templates from a spec', () => {
  it('win over learning, keep documented statics, and are marked spec', () => {
    const t = createPathTemplater();
    t.addKnownTemplates(H, [{ method: 'GET', path: '/users/{username}' }, { method: 'GET', path: '/users/me' }]);
    const m = t.observe(H, 'GET', '/users/bob');
    expect(m).toMatchObject({ template: '/users/{username}', origin: 'spec', confidence: 1 });
    expect(t.observe(H, 'GET', '/users/me').template).toBe('/users/me');
    feed(t, names(50).map((n) => ['GET', `/users/${n}`]));
    expect(templateSet(t)).toEqual(new Set(['GET /users/{}', 'GET /users/me']));
  });

  it('still discovers undocumented (shadow) endpoints', () => {
    const t = createPathTemplater();
    t.addKnownTemplates(H, [{ path: '/users/{id}' }]);
    expect(t.observe(H, 'GET', '/internal/debug').origin).toBe('traffic');
  });
});

describe('state', () => {
  it('round-trips through JSON', () => {
    const t = createPathTemplater();
    feed(t, names(80).map((n, i) => [i % 2 ? 'GET' : 'DELETE', `/teams/${n}/members/${i}`]));
    t.addKnownTemplates(H, [{ method: 'GET', path: '/health' }]);
    const before = t.templates(H);
    const json = JSON.parse(JSON.stringify(t.exportState()));
    const u = createPathTemplater();
    u.importState(json);
    expect(u.templates(H)).toEqual(before);
    expect(u.observe(H, 'GET', '/teams/new-team/members/9').template).toBe(t.observe(H, 'GET', '/teams/new-team/members/9').template);
  });

  it('rejects state it does not understand', () => {
    expect(() => createPathTemplater().importState({ version: 99 })).toThrow();
    expect(() => createPathTemplater().importState(null)).toThrow();
  });
});

describe('bounded memory', () => {
  it('stays bounded under a flood of 200k distinct values', () => {
    const t = createPathTemplater();
    for (let i = 0; i < 200_000; i++) t.observe(H, 'GET', `/files/${names(1, `f${i}x`)[0]}/raw`);
    expect(t.nodeCount(H)).toBeLessThan(1200);
    t.templates(H);
    expect(t.nodeCount(H)).toBeLessThan(10);
    expect(templateSet(t)).toEqual(new Set(['GET /files/{}/raw']));
  });

  it('caps hosts', () => {
    const t = createPathTemplater({ maxHosts: 2 });
    t.observe('a', 'GET', '/x');
    t.observe('b', 'GET', '/x');
    expect(t.observe('c', 'GET', '/users/42').template).toBe('/users/{id}');
    expect(t.templates('c')).toEqual([]);
  });
});

describe('singular', () => {
  it.each([
    ['users', 'user'],
    ['categories', 'category'],
    ['addresses', 'address'],
    ['check-runs', 'check_run'],
    ['status', 'status'],
  ])('%s -> %s', (w, s) => expect(singular(w)).toBe(s));
});
