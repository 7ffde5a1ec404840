import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config/config.js';
import type { IssueDraft } from '../contracts/cases.js';
import type { CaseCandidate, FoldCandidate } from '../store/store.js';
import { ACTOR_B, at, makeCase, makeDraft } from './fixtures/builders.js';
import { decideCase, foldKeyOf, planIssues, targetOf, type CaseWindow, type GroupingRules, type PreparedIssue } from './grouping.js';

const RULES: GroupingRules = ConfigSchema.parse({}).cases;
const MIN = 60_000;
const DAY = 86_400_000;
const T = Date.parse('2026-03-01T10:00:00.000Z');

function win(overrides: Partial<CaseWindow>): CaseWindow {
  return { ref: 'C-7', firstSeenMs: T, lastSeenMs: T, issueCount: 1, resolvedAtMs: null, ...overrides };
}

describe('decideCase: every boundary', () => {
  const rows: [string, number, CaseWindow | null, CaseWindow | null, GroupingRules, ReturnType<typeof decideCase>][] = [
    ['no case yet: a new one, nothing to explain', T, null, null, RULES, { kind: 'new', because: null }],
    ['exactly the group window after the last issue: joins', T + 60 * MIN, win({}), null, RULES, { kind: 'join' }],
    ['1 ms past the window: a new case', T + 60 * MIN + 1, win({}), null, RULES, { kind: 'new', because: 'C-7 had no issue within 60 min' }],
    ['an older event within the window (replay out of order): joins', T - 60 * MIN, win({}), null, RULES, { kind: 'join' }],
    ['an older event 1 ms outside the window: a new case', T - 60 * MIN - 1, win({}), null, RULES, { kind: 'new', because: 'C-7 had no issue within 60 min' }],
    ['a case spanning exactly 30 days: joins', T + 30 * DAY, win({ lastSeenMs: T + 30 * DAY - MIN }), null, RULES, { kind: 'join' }],
    ['30 days and 1 ms: a new case', T + 30 * DAY + 1, win({ lastSeenMs: T + 30 * DAY - MIN }), null, RULES, { kind: 'new', because: 'C-7 had been open for 30 days' }],
    ['idle exactly 14 days (window of 20 days): joins', T + 14 * DAY, win({}), null, { ...RULES, groupWindowMinutes: 20 * 24 * 60 }, { kind: 'join' }],
    [
      'idle 14 days and 1 ms: a new case',
      T + 14 * DAY + 1,
      win({}),
      null,
      { ...RULES, groupWindowMinutes: 20 * 24 * 60 },
      { kind: 'new', because: 'C-7 had been idle for more than 14 days' },
    ],
    ['999 issues: joins', T + MIN, win({ issueCount: 999 }), null, RULES, { kind: 'join' }],
    ['1,000 issues: a new case', T + MIN, win({ issueCount: 1000 }), null, RULES, { kind: 'new', because: 'C-7 had reached 1,000 issues' }],
    ['resolved 7 days less 1 ms before: reopens', T, null, win({ resolvedAtMs: T - 7 * DAY + 1 }), RULES, { kind: 'reopen' }],
    ['resolved exactly 7 days before: a new case', T, null, win({ resolvedAtMs: T - 7 * DAY }), RULES, { kind: 'new', because: 'C-7 was resolved more than 7 days before' }],
    ['resolved after the event (late evidence): reopens', T, null, win({ resolvedAtMs: T + DAY }), RULES, { kind: 'reopen' }],
    ['resolved recently but full: a new case', T, null, win({ resolvedAtMs: T - DAY, issueCount: 1000 }), RULES, { kind: 'new', because: 'C-7 had reached 1,000 issues' }],
    ['resolved recently but 30 days old: a new case', T + 31 * DAY, null, win({ resolvedAtMs: T + 30 * DAY }), RULES, { kind: 'new', because: 'C-7 had been open for 30 days' }],
    ['reopenWithinDays 0: never reopens', T, null, win({ resolvedAtMs: T - 1 }), { ...RULES, reopenWithinDays: 0 }, { kind: 'new', because: 'C-7 was resolved more than 0 days before' }],
    ['open case closed, resolved one recent: reopens', T + 2 * DAY, win({ ref: 'C-8' }), win({ resolvedAtMs: T + DAY }), RULES, { kind: 'reopen' }],
    ['open case joinable and a resolved one: joins the open one', T + MIN, win({ ref: 'C-8' }), win({ resolvedAtMs: T }), RULES, { kind: 'join' }],
    ['open case closed and resolved one too old: the open case explains', T + 9 * DAY, win({ ref: 'C-8' }), win({ resolvedAtMs: T }), RULES, { kind: 'new', because: 'C-8 had no issue within 60 min' }],
    ['a case opened in this batch has no ref yet', T + 61 * MIN, win({ ref: null }), null, RULES, { kind: 'new', because: 'the previous case had no issue within 60 min' }],
  ];
  it.each(rows)('%s', (_name, atMs, open, resolved, rules, expected) => {
    expect(decideCase(atMs, open, resolved, rules)).toEqual(expected);
  });
});

describe('targetOf', () => {
  const apps = [
    { id: 'billing', matchers: [{ host: 'api.shop.example', pathPrefix: '/billing' }] },
    { id: 'shop', matchers: [{ host: '*.shop.example' }] },
  ];
  it.each([
    ['api.shop.example', '/billing/{id}', 'app:billing', 'billing'],
    ['API.shop.example', '/search', 'app:shop', 'shop'],
    ['api.other.example', '/search', 'host:api.other.example', null],
    ['API.Other.example', '/', 'host:api.other.example', null],
  ])('%s %s -> %s', (host, path, target, applicationId) => {
    expect(targetOf(host, path, apps)).toEqual({ target, applicationId });
  });
});

describe('foldKeyOf', () => {
  const base = makeDraft();
  it('is the same for the same detector, actor, endpoint, host and location, whatever else differs', () => {
    expect(foldKeyOf(makeDraft({ at: at(5), evidence: 'other', severity: 'low', host: 'API.shop.example' }))).toBe(foldKeyOf(base));
    expect(foldKeyOf(base)).toMatch(/^[0-9a-f]{32}$/);
  });
  it.each<[string, Partial<IssueDraft>]>([
    ['detector', { detector: 'sqli-error' }],
    ['actor', { actor: { ...ACTOR_B } }],
    ['endpoint', { endpointId: 'ep-other' }],
    ['no endpoint', { endpointId: null }],
    ['host', { host: 'api.other.example' }],
    ['location kind', { location: { where: 'body', name: 'q' } }],
    ['location name', { location: { where: 'query', name: 'search' } }],
  ])('differs by %s', (_what, change) => {
    expect(foldKeyOf(makeDraft(change))).not.toBe(foldKeyOf(base));
  });
});

/** Drafts as the service prepares them (no applications: host targets). */
function prepare(...drafts: IssueDraft[]): PreparedIssue[] {
  return drafts.map((draft) => ({ draft, atMs: Date.parse(draft.at), ...targetOf(draft.host, draft.pathTemplate, []), foldKey: foldKeyOf(draft) }));
}

function plan(drafts: PreparedIssue[], snapshot: { cases?: CaseCandidate[]; folds?: FoldCandidate[] } = {}, rules: GroupingRules = RULES, names: Record<string, string> = {}) {
  let n = 0;
  return planIssues(drafts, { cases: snapshot.cases ?? [], folds: snapshot.folds ?? [] }, {
    rules,
    now: '2026-03-02T00:00:00.000Z',
    newId: () => `id-${++n}`,
    applicationName: (id) => names[id] ?? null,
  });
}

describe('planIssues', () => {
  it('groups one actor against one host into one case, explains why, and names it by category and target', () => {
    const p = plan(prepare(makeDraft(), makeDraft({ at: at(30), location: { where: 'query', name: 'sort' } })));
    expect(p).toMatchObject({ created: 2, folded: 0, casesOpened: 1 });
    expect(p.batch.newCases).toHaveLength(1);
    expect(p.batch.newCases[0]).toMatchObject({
      title: 'SQL injection against api.shop.example',
      target: 'host:api.shop.example',
      groupingReason: 'same address aaaaaaaa against host api.shop.example within 60 min',
      status: 'new',
      issueCount: 2,
      eventCount: 2,
      firstSeen: at(0),
      lastSeen: at(30),
      createdAt: '2026-03-02T00:00:00.000Z',
    });
    expect(p.batch.issues.map((i) => i.caseId)).toEqual([p.batch.newCases[0]!.id, p.batch.newCases[0]!.id]);
  });

  it('names an application case by the application and host', () => {
    const d = makeDraft();
    const prepared = [{ draft: d, atMs: Date.parse(d.at), target: 'app:shop', applicationId: 'shop', foldKey: foldKeyOf(d) }];
    const p = plan(prepared, {}, RULES, { shop: 'Shop' });
    expect(p.batch.newCases[0]).toMatchObject({
      title: 'SQL injection against Shop (api.shop.example)',
      applicationId: 'shop',
      groupingReason: 'same address aaaaaaaa against application Shop within 60 min',
    });
  });

  it('keeps actors and targets apart', () => {
    const p = plan(prepare(makeDraft(), makeDraft({ actor: { ...ACTOR_B } }), makeDraft({ host: 'api.other.example' })));
    expect(p.casesOpened).toBe(3);
    expect(new Set(p.batch.newCases.map((c) => `${c.actor.id} ${c.target}`)).size).toBe(3);
  });

  it('folds identical detections within foldWithinSeconds into one issue, and not beyond', () => {
    const p = plan(prepare(makeDraft(), makeDraft({ at: '2026-03-01T10:00:59.000Z' }), makeDraft({ at: '2026-03-01T10:01:00.000Z' }), makeDraft({ at: '2026-03-01T10:02:01.000Z' })));
    // 0s, 59s and 60s fold (each within 60 s of the issue's last); 121s is 61 s after the last: a new issue.
    expect(p).toMatchObject({ created: 2, folded: 2, casesOpened: 1 });
    expect(p.batch.issues.map((i) => [i.count, i.firstSeen, i.lastSeen])).toEqual([
      [3, at(0), '2026-03-01T10:01:00.000Z'],
      [1, '2026-03-01T10:02:01.000Z', '2026-03-01T10:02:01.000Z'],
    ]);
    expect(p.batch.newCases[0]).toMatchObject({ issueCount: 2, eventCount: 4 });
  });

  it('does not fold when foldWithinSeconds is 0', () => {
    const p = plan(prepare(makeDraft(), makeDraft()), {}, { ...RULES, foldWithinSeconds: 0 });
    expect(p).toMatchObject({ created: 2, folded: 0 });
  });

  it('folds into a stored issue: the fold counts, and its case grows by the events only', () => {
    const stored = makeCase({ lastSeen: at(0) });
    const fold: FoldCandidate = { foldKey: foldKeyOf(makeDraft()), issueId: 'issue-9', caseId: stored.id, count: 4, firstSeen: at(-1), lastSeen: at(0) };
    const p = plan(prepare(makeDraft({ at: '2026-03-01T10:00:30.000Z' }), makeDraft({ at: '2026-03-01T10:00:45.000Z' })), { cases: [{ case: stored, issueSeverity: 'high' }], folds: [fold] });
    expect(p).toMatchObject({ created: 0, folded: 2, casesOpened: 0 });
    expect(p.batch.folds).toEqual([{ issueId: 'issue-9', count: 2, firstSeen: at(-1), lastSeen: '2026-03-01T10:00:45.000Z' }]);
    expect(p.batch.growth).toEqual([
      expect.objectContaining({ caseId: 'case-1', issues: 0, events: 2, firstSeen: '2026-03-01T10:00:30.000Z', lastSeen: '2026-03-01T10:00:45.000Z' }),
    ]);
    expect(p.batch.growth[0]).not.toHaveProperty('title');
  });

  it('counts events folded into a stored case the snapshot did not describe', () => {
    const fold: FoldCandidate = { foldKey: foldKeyOf(makeDraft()), issueId: 'issue-9', caseId: 'older-case', count: 1, firstSeen: at(0), lastSeen: at(0) };
    const p = plan(prepare(makeDraft({ at: '2026-03-01T10:00:10.000Z' })), { folds: [fold] });
    expect(p.batch.growth).toEqual([
      { caseId: 'older-case', issues: 0, events: 1, firstSeen: '2026-03-01T10:00:10.000Z', lastSeen: '2026-03-01T10:00:10.000Z', issueSeverity: 'info', categories: [], detectors: [], endpointIds: [] },
    ]);
  });

  it('joins a stored open case within the window: growth, no new case', () => {
    const stored = makeCase({ lastSeen: at(0) });
    const p = plan(prepare(makeDraft({ at: at(45), detector: 'sqli-error', location: { where: 'body', name: '/id' } })), { cases: [{ case: stored, issueSeverity: 'high' }] });
    expect(p.casesOpened).toBe(0);
    expect(p.batch.newCases).toEqual([]);
    expect(p.batch.issues[0]!.caseId).toBe('case-1');
    expect(p.batch.growth).toEqual([expect.objectContaining({ caseId: 'case-1', issues: 1, events: 1, detectors: ['sqli-tokens', 'sqli-error'], lastSeen: at(45) })]);
  });

  it('puts the category of the most severe issue first and titles the case after it', () => {
    const p = plan(prepare(makeDraft({ category: 'xss', detector: 'xss-markup', severity: 'medium' }), makeDraft({ at: at(1), severity: 'critical' }), makeDraft({ at: at(2), category: 'ssrf', detector: 'ssrf-internal', severity: 'critical' })));
    expect(p.batch.newCases[0]).toMatchObject({ categories: ['sqli', 'xss', 'ssrf'], severity: 'critical', issueSeverity: 'critical', title: 'SQL injection against api.shop.example' });
  });

  it('retitles a stored case when a more severe category joins', () => {
    const stored = makeCase({ categories: ['xss'], title: 'Cross-site scripting against api.shop.example', severity: 'medium' });
    const p = plan(prepare(makeDraft({ at: at(10), severity: 'critical' })), { cases: [{ case: stored, issueSeverity: 'medium' }] });
    expect(p.batch.growth[0]).toMatchObject({ categories: ['sqli', 'xss'], issueSeverity: 'critical', title: 'SQL injection against api.shop.example' });
  });

  it('groups a batch given out of order as if it had arrived in order', () => {
    const drafts = [makeDraft({ at: at(200) }), makeDraft({ at: at(0) }), makeDraft({ at: at(230), location: { where: 'query', name: 'x' } }), makeDraft({ at: at(30), location: { where: 'query', name: 'x' } })];
    const p = plan(prepare(...drafts));
    expect(p.casesOpened).toBe(2);
    expect(p.batch.newCases.map((c) => [c.firstSeen, c.lastSeen, c.issueCount])).toEqual([
      [at(0), at(30), 2],
      [at(200), at(230), 2],
    ]);
  });

  it('opens a new case when the case is full, within one batch, and says so', () => {
    const drafts = [0, 1, 2].map((i) => makeDraft({ at: at(i), location: { where: 'query', name: `p${i}` } }));
    const p = plan(prepare(...drafts), {}, { ...RULES, maxIssuesPerCase: 2 });
    expect(p.batch.newCases.map((c) => c.issueCount)).toEqual([2, 1]);
    expect(p.batch.newCases[1]!.groupingReason).toBe('same address aaaaaaaa against host api.shop.example within 60 min; a new case because the previous case had reached 2 issues');
  });

  it('reopens a recently resolved case instead of opening one', () => {
    const resolved = makeCase({ status: 'resolved', resolution: 'false-positive', resolvedAt: at(60) });
    const p = plan(prepare(makeDraft({ at: at(24 * 60) })), { cases: [{ case: resolved, issueSeverity: 'high' }] });
    expect(p.casesOpened).toBe(0);
    expect(p.batch.growth).toEqual([expect.objectContaining({ caseId: 'case-1', issues: 1 })]);
    expect(p.batch.issues[0]!.caseId).toBe('case-1');
  });

  it('opens a new case, naming the stored one, when the stored open case is past the window', () => {
    const p = plan(prepare(makeDraft({ at: at(120) })), { cases: [{ case: makeCase(), issueSeverity: 'high' }] });
    expect(p.batch.newCases[0]!.groupingReason).toMatch(/a new case because C-1 had no issue within 60 min$/);
  });
});
