import { createHash } from 'node:crypto';
import type { Config } from '../config/config.js';
import type { Actor, IssueDraft, ThreatCase } from '../contracts/cases.js';
import { SEVERITY_RANK, type Severity } from '../contracts/finding.js';
import type { Application } from '../contracts/identity.js';
import { applicationOf } from '../identity/applications.js';
import {
  MAX_CASE_LIST,
  type CaseCandidate,
  type CaseGrowth,
  type FoldCandidate,
  type IssueBatch,
  type IssueFold,
  type NewThreatCase,
  type NewThreatIssue,
} from '../store/store.js';
import { categoryTitle } from './categories.js';

/**
 * How issues group into cases (docs/cases.md), as pure functions: the service reads the candidates from the
 * store, plans here, and writes the plan in one store call. Every time compared is an event time (`at`), so
 * a replayed log groups exactly as it did live.
 *
 * @example
 * const plan = planIssues(prepared, { cases, folds }, { rules: config.cases, now, newId, applicationName });
 * await store.saveIssueBatch(plan.batch);
 */

export type GroupingRules = Config['cases'];

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The grouping target of an endpoint: its application when one claims it, else its host. */
export function targetOf(host: string, pathTemplate: string, applications: readonly Pick<Application, 'id' | 'matchers'>[]): { target: string; applicationId: string | null } {
  const applicationId = applicationOf(host, pathTemplate, applications);
  return applicationId !== null ? { target: `app:${applicationId}`, applicationId } : { target: `host:${host.toLowerCase()}`, applicationId: null };
}

/**
 * Identical detections share this key: detector, actor, endpoint and location (32 hex). The host is in it
 * too, so that detections with no endpoint fold per host.
 */
export function foldKeyOf(d: Pick<IssueDraft, 'detector' | 'actor' | 'endpointId' | 'host' | 'location'>): string {
  return createHash('sha256')
    .update(JSON.stringify([d.detector, d.actor.id, d.endpointId, d.host.toLowerCase(), d.location.where, d.location.name]))
    .digest('hex')
    .slice(0, 32);
}

/** What deciding about one case needs (times in epoch ms). */
export interface CaseWindow {
  /** `C-7`, or null for a case opened in the same batch. */
  ref: string | null;
  firstSeenMs: number;
  lastSeenMs: number;
  issueCount: number;
  resolvedAtMs: number | null;
}

export type CaseDecision = { kind: 'join' } | { kind: 'reopen' } | { kind: 'new'; because: string | null };

/**
 * Where an issue at `atMs` goes, given the actor's open case against the target (the one seen last) and its
 * case resolved last:
 * 1. it joins the open case when the case's last issue is within the group window of it, unless the case
 *    has `maxIssuesPerCase` issues, would span more than `maxCaseDays`, or has been idle more than `idleDays`;
 * 2. else it reopens the resolved case when that was resolved less than `reopenWithinDays` before the issue
 *    (or after it), unless that case is full or would span more than `maxCaseDays`;
 * 3. else it opens a new case, and `because` says why 1 and 2 did not apply.
 */
export function decideCase(atMs: number, open: CaseWindow | null, resolved: CaseWindow | null, rules: GroupingRules): CaseDecision {
  let because: string | null = null;
  if (open) {
    const closed = closedBecause(atMs, open, rules, true);
    if (closed === null) return { kind: 'join' };
    because = `${open.ref ?? 'the previous case'} ${closed}`;
  }
  if (resolved?.resolvedAtMs != null) {
    const name = resolved.ref ?? 'the previous case';
    if (resolved.resolvedAtMs > atMs - rules.reopenWithinDays * DAY_MS) {
      const closed = closedBecause(atMs, resolved, rules, false);
      if (closed === null) return { kind: 'reopen' };
      because ??= `${name} ${closed}`;
    } else {
      because ??= `${name} was resolved more than ${count(rules.reopenWithinDays)} days before`;
    }
  }
  return { kind: 'new', because };
}

/** Why a case takes no more issues at `atMs`, or null when it does. `idle`: also the window and idle limits. */
function closedBecause(atMs: number, c: CaseWindow, rules: GroupingRules, idle: boolean): string | null {
  if (c.issueCount >= rules.maxIssuesPerCase) return `had reached ${count(rules.maxIssuesPerCase)} issues`;
  const span = Math.max(c.lastSeenMs, atMs) - Math.min(c.firstSeenMs, atMs);
  if (span > rules.maxCaseDays * DAY_MS) return `had been open for ${count(rules.maxCaseDays)} days`;
  if (!idle) return null;
  if (atMs - c.lastSeenMs > rules.idleDays * DAY_MS) return `had been idle for more than ${count(rules.idleDays)} days`;
  if (Math.abs(atMs - c.lastSeenMs) > rules.groupWindowMinutes * MINUTE_MS) return `had no issue within ${count(rules.groupWindowMinutes)} min`;
  return null;
}

function count(n: number): string {
  return n.toLocaleString('en');
}

/** A valid draft with what the grouping derives from it. */
export interface PreparedIssue {
  draft: IssueDraft;
  atMs: number;
  target: string;
  applicationId: string | null;
  foldKey: string;
}

export interface PlanContext {
  rules: GroupingRules;
  /** `createdAt`/`updatedAt` of what the batch writes (wall clock; grouping itself uses event times). */
  now: string;
  newId(): string;
  /** For titles and reasons; null when unknown (deleted meanwhile): the id is shown. */
  applicationName(id: string): string | null;
}

export interface CaseSnapshot {
  cases: readonly CaseCandidate[];
  folds: readonly FoldCandidate[];
}

export interface IssuePlan {
  batch: IssueBatch;
  /** New issues. */
  created: number;
  /** Detections folded into an issue (new in this batch or stored). */
  folded: number;
  casesOpened: number;
}

/** A case the plan works on: one from the snapshot, or opened by the plan. */
interface Working {
  id: string;
  ref: string | null;
  isNew: boolean;
  resolved: boolean;
  actor: Actor;
  target: string;
  host: string;
  applicationId: string | null;
  /** For titles: the application's name (its id when unknown), null without one. */
  appName: string | null;
  groupingReason: string;
  title: string;
  firstSeen: string;
  firstSeenMs: number;
  lastSeen: string;
  lastSeenMs: number;
  issueCount: number;
  eventCount: number;
  resolvedAtMs: number | null;
  issueSeverity: Severity;
  categories: string[];
  detectors: string[];
  endpointIds: string[];
  /** What this batch added (existing cases): issues, events and their window. */
  added: { issues: number; events: number; first: string; firstMs: number; last: string; lastMs: number } | null;
  titleChanged: boolean;
}

type FoldTarget =
  | { kind: 'new'; issue: NewThreatIssue; lastMs: number }
  | { kind: 'stored'; fold: IssueFold; caseId: string; firstMs: number; lastMs: number };

/**
 * Plans a batch: each issue, oldest first, folds into an identical issue of the last `foldWithinSeconds`,
 * or joins, reopens or opens a case (`decideCase`). Issues of the same actor and target in one batch group
 * as if they had arrived one at a time.
 */
export function planIssues(issues: readonly PreparedIssue[], snapshot: CaseSnapshot, ctx: PlanContext): IssuePlan {
  const { rules } = ctx;
  const byId = new Map<string, Working>();
  const slots = new Map<string, { open: Working | null; resolved: Working | null }>();
  for (const cand of snapshot.cases) {
    const w = fromSnapshot(cand, ctx);
    byId.set(w.id, w);
    const key = caseKey(w.actor.id, w.target);
    const slot = slots.get(key) ?? { open: null, resolved: null };
    if (w.resolved) slot.resolved = w;
    else slot.open = w;
    slots.set(key, slot);
  }
  const folds = new Map<string, FoldTarget>();
  for (const f of snapshot.folds) {
    folds.set(f.foldKey, {
      kind: 'stored',
      fold: { issueId: f.issueId, count: 0, firstSeen: f.firstSeen, lastSeen: f.lastSeen },
      caseId: f.caseId,
      firstMs: Date.parse(f.firstSeen),
      lastMs: Date.parse(f.lastSeen),
    });
  }
  /** Events folded into stored cases the snapshot did not describe (an older open case of the same actor). */
  const foldOnly = new Map<string, { events: number; first: string; firstMs: number; last: string; lastMs: number }>();
  const newIssues: NewThreatIssue[] = [];
  let folded = 0;
  let casesOpened = 0;

  const ordered = [...issues].sort((a, b) => a.atMs - b.atMs);
  for (const p of ordered) {
    const d = p.draft;
    const f = folds.get(p.foldKey);
    if (f && rules.foldWithinSeconds > 0 && Math.abs(p.atMs - f.lastMs) <= rules.foldWithinSeconds * 1000) {
      folded++;
      let caseId: string;
      if (f.kind === 'new') {
        f.issue.count++;
        if (p.atMs < Date.parse(f.issue.firstSeen)) f.issue.firstSeen = d.at;
        if (p.atMs > f.lastMs) [f.issue.lastSeen, f.lastMs] = [d.at, p.atMs];
        caseId = f.issue.caseId;
      } else {
        f.fold.count++;
        if (p.atMs < f.firstMs) [f.fold.firstSeen, f.firstMs] = [d.at, p.atMs];
        if (p.atMs > f.lastMs) [f.fold.lastSeen, f.lastMs] = [d.at, p.atMs];
        caseId = f.caseId;
      }
      const w = byId.get(caseId);
      if (w) addEvent(w, p, false);
      else {
        const o = foldOnly.get(caseId);
        if (!o) foldOnly.set(caseId, { events: 1, first: d.at, firstMs: p.atMs, last: d.at, lastMs: p.atMs });
        else {
          o.events++;
          if (p.atMs < o.firstMs) [o.first, o.firstMs] = [d.at, p.atMs];
          if (p.atMs > o.lastMs) [o.last, o.lastMs] = [d.at, p.atMs];
        }
      }
      continue;
    }

    const key = caseKey(d.actor.id, p.target);
    const slot = slots.get(key) ?? { open: null, resolved: null };
    slots.set(key, slot);
    const decision = decideCase(p.atMs, slot.open && windowOf(slot.open), slot.resolved && windowOf(slot.resolved), rules);
    let w: Working;
    if (decision.kind === 'join') w = slot.open!;
    else if (decision.kind === 'reopen') {
      w = slot.resolved!;
      w.resolved = false;
      w.resolvedAtMs = null;
      slot.open = w;
      slot.resolved = null;
    } else {
      w = newWorking(p, decision.because, ctx);
      byId.set(w.id, w);
      slot.open = w;
      casesOpened++;
    }
    addEvent(w, p, true);
    const issue: NewThreatIssue = {
      ...d,
      id: ctx.newId(),
      caseId: w.id,
      applicationId: p.applicationId,
      count: 1,
      firstSeen: d.at,
      lastSeen: d.at,
      foldKey: p.foldKey,
    };
    newIssues.push(issue);
    folds.set(p.foldKey, { kind: 'new', issue, lastMs: p.atMs });
  }

  const newCases: NewThreatCase[] = [];
  const growth: CaseGrowth[] = [];
  for (const w of byId.values()) {
    if (w.isNew) newCases.push(toNewCase(w, ctx.now));
    else if (w.added) {
      growth.push({
        caseId: w.id,
        issues: w.added.issues,
        events: w.added.events,
        firstSeen: w.added.first,
        lastSeen: w.added.last,
        issueSeverity: w.issueSeverity,
        categories: w.categories,
        detectors: w.detectors,
        endpointIds: w.endpointIds,
        ...(w.titleChanged ? { title: w.title } : {}),
      });
    }
  }
  for (const [caseId, o] of foldOnly) {
    growth.push({ caseId, issues: 0, events: o.events, firstSeen: o.first, lastSeen: o.last, issueSeverity: 'info', categories: [], detectors: [], endpointIds: [] });
  }
  const storedFolds = [...folds.values()].flatMap((f) => (f.kind === 'stored' && f.fold.count > 0 ? [f.fold] : []));
  return { batch: { at: ctx.now, newCases, growth, issues: newIssues, folds: storedFolds }, created: newIssues.length, folded, casesOpened };
}

function caseKey(actorId: string, target: string): string {
  return `${actorId}\n${target}`;
}

function windowOf(w: Working): CaseWindow {
  return { ref: w.ref, firstSeenMs: w.firstSeenMs, lastSeenMs: w.lastSeenMs, issueCount: w.issueCount, resolvedAtMs: w.resolvedAtMs };
}

function fromSnapshot({ case: c, issueSeverity }: CaseCandidate, ctx: PlanContext): Working {
  return {
    id: c.id,
    ref: c.ref,
    isNew: false,
    resolved: c.status === 'resolved',
    actor: c.actor,
    target: c.target,
    host: c.host,
    applicationId: c.applicationId,
    appName: nameOf(c.applicationId, ctx),
    groupingReason: c.groupingReason,
    title: c.title,
    firstSeen: c.firstSeen,
    firstSeenMs: Date.parse(c.firstSeen),
    lastSeen: c.lastSeen,
    lastSeenMs: Date.parse(c.lastSeen),
    issueCount: c.issueCount,
    eventCount: c.eventCount,
    resolvedAtMs: c.resolvedAt === null ? null : Date.parse(c.resolvedAt),
    issueSeverity,
    categories: [...c.categories],
    detectors: [...c.detectors],
    endpointIds: [...c.endpointIds],
    added: null,
    titleChanged: false,
  };
}

function newWorking(p: PreparedIssue, because: string | null, ctx: PlanContext): Working {
  const d = p.draft;
  const appName = nameOf(p.applicationId, ctx);
  const against = appName === null ? `host ${d.host}` : `application ${appName}`;
  const reason = `same ${d.actor.label} against ${against} within ${count(ctx.rules.groupWindowMinutes)} min${because ? `; a new case because ${because}` : ''}`;
  return {
    id: ctx.newId(),
    ref: null,
    isNew: true,
    resolved: false,
    actor: d.actor,
    target: p.target,
    host: d.host,
    applicationId: p.applicationId,
    appName,
    groupingReason: reason,
    title: caseTitle(d.category, d.host, appName),
    firstSeen: d.at,
    firstSeenMs: p.atMs,
    lastSeen: d.at,
    lastSeenMs: p.atMs,
    issueCount: 0,
    eventCount: 0,
    resolvedAtMs: null,
    issueSeverity: d.severity,
    categories: [],
    detectors: [],
    endpointIds: [],
    added: null,
    titleChanged: false,
  };
}

/** "SQL injection against Shop (api.shop.example)", or "... against api.shop.example" without an application. */
export function caseTitle(topCategory: string, host: string, applicationName: string | null): string {
  return `${categoryTitle(topCategory)} against ${applicationName === null ? host : `${applicationName} (${host})`}`;
}

/** One more event in a case: a new issue (`isIssue`) or a fold. */
function addEvent(w: Working, p: PreparedIssue, isIssue: boolean): void {
  const d = p.draft;
  w.eventCount++;
  if (p.atMs < w.firstSeenMs) [w.firstSeen, w.firstSeenMs] = [d.at, p.atMs];
  if (p.atMs > w.lastSeenMs) [w.lastSeen, w.lastSeenMs] = [d.at, p.atMs];
  if (!w.isNew) {
    const a = (w.added ??= { issues: 0, events: 0, first: d.at, firstMs: p.atMs, last: d.at, lastMs: p.atMs });
    a.events++;
    if (isIssue) a.issues++;
    if (p.atMs < a.firstMs) [a.first, a.firstMs] = [d.at, p.atMs];
    if (p.atMs > a.lastMs) [a.last, a.lastMs] = [d.at, p.atMs];
  }
  if (!isIssue) return;
  w.issueCount++;
  // The first category is the top one: that of the most severe issue, the earliest on ties.
  const raises = SEVERITY_RANK[d.severity] > SEVERITY_RANK[w.issueSeverity];
  if (raises) w.issueSeverity = d.severity;
  const before = w.categories[0];
  if (raises || w.categories.length === 0) w.categories = [d.category, ...w.categories.filter((c) => c !== d.category)].slice(0, MAX_CASE_LIST);
  else addBounded(w.categories, d.category);
  addBounded(w.detectors, d.detector);
  if (d.endpointId !== null) addBounded(w.endpointIds, d.endpointId);
  if (w.categories[0] !== before) {
    w.title = caseTitle(w.categories[0]!, w.host, w.appName);
    w.titleChanged = !w.isNew;
  }
}

function nameOf(applicationId: string | null, ctx: PlanContext): string | null {
  return applicationId === null ? null : (ctx.applicationName(applicationId) ?? applicationId);
}

function addBounded(list: string[], v: string): void {
  if (list.length < MAX_CASE_LIST && !list.includes(v)) list.push(v);
}

function toNewCase(w: Working, now: string): NewThreatCase {
  const c: Omit<ThreatCase, 'ref'> = {
    id: w.id,
    title: w.title,
    status: 'new',
    resolution: null,
    severity: w.issueSeverity,
    assignee: null,
    actor: w.actor,
    target: w.target,
    host: w.host,
    applicationId: w.applicationId,
    groupingReason: w.groupingReason,
    categories: w.categories,
    detectors: w.detectors,
    endpointIds: w.endpointIds,
    issueCount: w.issueCount,
    eventCount: w.eventCount,
    firstSeen: w.firstSeen,
    lastSeen: w.lastSeen,
    createdAt: now,
    updatedAt: now,
    resolvedAt: null,
    reopened: 0,
    flaggedFindingId: null,
  };
  return { ...c, issueSeverity: w.issueSeverity };
}
