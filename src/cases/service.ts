import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  CasePatch,
  CommentInput,
  FlagInput,
  SuppressionInput,
  type CaseComment,
  type CaseDetail,
  type CaseHistoryEntry,
  type CaseSummary,
  type CaseTimeline,
  type FlagResult,
  type Suppression,
  type ThreatCase,
  type ThreatDaily,
  type ThreatIssue,
} from '../contracts/cases.js';
import type { Severity } from '../contracts/finding.js';
import { invalidInput, notFound, conflict } from '../errors/domain-errors.js';
import { createAuditLog, type AuditAction } from '../identity/audit-log.js';
import { activeUserWhoMay, assertReaderCan, readerScope, readerSees, type Reader } from '../identity/reader.js';
import type { Caller } from '../identity/identity-service.js';
import type { ThreatSink } from '../pipeline/pipeline.js';
import { MAX_PAGE_SIZE, UNASSIGNED_APPLICATION, type CaseQuery, type CaseUpdate, type Page, type Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import { endpointContexts } from './detail.js';
import { flagFinding, type FlagPlace } from './flag.js';
import type { GroupingRules } from './grouping.js';
import { ingestIssues, type AddIssuesResult, type IssuesListener } from './ingest.js';
import { MAX_ACTIVE_SUPPRESSIONS } from './suppressions.js';

export type { AddIssuesResult } from './ingest.js';

export interface CaseServiceDeps {
  store: Store;
  config: GroupingRules;
  logger: Logger;
  /** Wall clock for `createdAt`/`updatedAt`, resolutions and expiries (tests pin it). Grouping uses event times. */
  now?: () => Date;
  /** Called after new issues are stored (the exports' sink). Its errors are logged, never thrown. */
  onIssues?: IssuesListener;
  /** Ids of cases, issues, comments and suppressions (tests make them predictable). */
  newId?: () => string;
}

/** `GET /api/v1/cases` filters. `assignee`: a user id, `me`, or `none`. */
export interface CaseListQuery {
  status?: ThreatCase['status'];
  severity?: Severity;
  detector?: string;
  /** An application id, or `none`. */
  applicationId?: string;
  assignee?: string;
  actorId?: string;
  q?: string;
  limit?: number;
  offset?: number;
}

export interface IssueListQuery {
  caseId?: string;
  detector?: string;
  endpointId?: string;
  actorId?: string;
  limit?: number;
  offset?: number;
}

export interface SuppressionListQuery {
  state?: 'active' | 'expired' | 'all';
  limit?: number;
  offset?: number;
}

/**
 * Threat cases (issue 5): the sink of the detect stage and the SOC analyst's queue. Reads are bounded to
 * the caller's applications (a case belongs to its target's application); every change is audited with
 * before and after, and a case's history is read back from the audit log.
 *
 * @example
 * const cases = createCaseService({ store, config: config.cases, logger });
 * await cases.addIssues(drafts);                                  // pipeline flush
 * await cases.updateCase(id, { status: 'resolved', resolution: 'true-positive' }, caller);
 */
export interface CaseService extends ThreatSink {
  addIssues(drafts: readonly unknown[]): Promise<AddIssuesResult>;
  listCases(query: CaseListQuery, caller: Reader): Promise<Page<ThreatCase>>;
  summary(caller: Reader): Promise<CaseSummary>;
  getCase(id: string, caller: Reader): Promise<ThreatCase>;
  caseDetail(id: string, caller: Reader): Promise<CaseDetail>;
  /** The case actor's issues across all endpoints and cases, newest first (at most 500). */
  timeline(id: string, limit: number | undefined, caller: Reader): Promise<CaseTimeline>;
  updateCase(id: string, patch: CasePatch, caller: Caller): Promise<ThreatCase>;
  addComment(id: string, input: CommentInput, caller: Caller): Promise<CaseComment>;
  flagForFix(id: string, input: FlagInput, caller: Caller): Promise<FlagResult>;
  listIssues(query: IssueListQuery, caller: Reader): Promise<Page<ThreatIssue>>;
  getIssue(id: string, caller: Reader): Promise<ThreatIssue>;
  listSuppressions(query: SuppressionListQuery, caller: Reader): Promise<Page<Suppression>>;
  createSuppression(input: SuppressionInput, caller: Caller): Promise<Suppression>;
  deleteSuppression(id: string, caller: Caller): Promise<void>;
  daily(days: number, caller: Reader): Promise<ThreatDaily>;
  /** NDJSON lines, one case with its issues each; paged reads with a turn of the event loop between cases. */
  exportCases(query: CaseListQuery, caller: Reader): AsyncIterable<string>;
}

export type { Reader };

/** Issues shown in the investigation view; the rest page through `/api/v1/issues?caseId=`. */
const DETAIL_ISSUES = 200;
const DETAIL_COMMENTS = 500;
const DETAIL_HISTORY = 200;
const SIMILAR_CASES = 5;
const DEFAULT_TIMELINE = 100;
/** Export bounds: cases per export, issues per case. */
export const MAX_EXPORT_CASES = 10_000;
export const MAX_EXPORT_ISSUES = 1000;
const EXPORT_PAGE = 100;
const DAY_MS = 86_400_000;

export function createCaseService(deps: CaseServiceDeps): CaseService {
  const { store, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const audit = createAuditLog({ store, clock: { now } });
  // Batches are planned from what the store holds: one at a time, so a batch sees the cases the previous one opened.
  let chain: Promise<unknown> = Promise.resolve();

  /** The case, if it exists and is in the caller's applications (else the same `not_found`: ids reveal nothing). */
  async function visibleCase(id: string, caller: Reader): Promise<ThreatCase> {
    const c = await store.getCase(id);
    if (!c || !readerSees(caller, c.applicationId)) throw notFound(`case ${id} not found`);
    return c;
  }

  function record(caller: Caller, action: AuditAction, target: { type: string; id: string } | null, before: unknown, after: unknown) {
    return audit.append({
      actor: { kind: caller.principal.kind, id: caller.principal.id },
      action,
      target,
      before,
      after,
      clientAddress: caller.clientAddress ?? null,
    });
  }

  function storeQuery(q: CaseListQuery, caller: Reader): CaseQuery {
    const out: CaseQuery = { scope: readerScope(caller), limit: q.limit ?? 50, offset: q.offset ?? 0 };
    if (q.status !== undefined) out.status = q.status;
    if (q.severity !== undefined) out.severity = q.severity;
    if (q.detector !== undefined) out.detector = q.detector;
    if (q.applicationId !== undefined) out.application = q.applicationId === 'none' ? UNASSIGNED_APPLICATION : q.applicationId;
    if (q.assignee !== undefined) out.assignee = q.assignee === 'none' ? null : q.assignee === 'me' ? (caller?.principal.id ?? null) : q.assignee;
    if (q.actorId !== undefined) out.actorId = q.actorId;
    if (q.q !== undefined) out.search = q.q;
    return out;
  }

  /** An assignee must be an active user who may work cases. */
  async function checkAssignee(userId: string): Promise<void> {
    await activeUserWhoMay(store, userId, 'cases:write', 'work cases');
  }

  return {
    addIssues(drafts) {
      const run = chain.then(() => ingestIssues({ store, rules: deps.config, logger, audit, now, newId, ...(deps.onIssues ? { onIssues: deps.onIssues } : {}) }, drafts));
      chain = run.catch(() => undefined);
      return run;
    },

    async listCases(query, caller) {
      assertReaderCan(caller, 'cases:read');
      return store.listCases(storeQuery(query, caller));
    },

    async summary(caller) {
      assertReaderCan(caller, 'cases:read');
      return store.caseSummary(readerScope(caller), new Date(now().getTime() - 7 * DAY_MS).toISOString());
    },

    async getCase(id, caller) {
      assertReaderCan(caller, 'cases:read');
      return visibleCase(id, caller);
    },

    async caseDetail(id, caller) {
      assertReaderCan(caller, 'cases:read');
      const c = await visibleCase(id, caller);
      const scope = readerScope(caller);
      const [issues, comments, audited, stats, similar] = await Promise.all([
        store.listIssues({ caseId: id, limit: DETAIL_ISSUES }),
        store.listCaseComments(id, DETAIL_COMMENTS),
        store.listAudit({ targetType: 'case', targetId: id, limit: DETAIL_HISTORY, order: 'desc' }),
        store.caseIssueStats(id),
        store.similarCases(c, { limit: SIMILAR_CASES, scope }),
      ]);
      // The latest entries, oldest first: a history reads forwards.
      const history = audited.items
        .map((e): CaseHistoryEntry => ({ at: e.at, actor: e.actor, action: e.action, before: e.before, after: e.after }))
        .reverse();
      const endpoints = await endpointContexts(store, (applicationId) => readerSees(caller, applicationId), stats, issues.items, id);
      return { case: c, issues: issues.items, comments, history, endpoints, similar };
    },

    async timeline(id, limit, caller) {
      assertReaderCan(caller, 'cases:read');
      const c = await visibleCase(id, caller);
      const { items, total } = await store.actorTimeline(c.actor.id, { limit: Math.min(limit ?? DEFAULT_TIMELINE, MAX_PAGE_SIZE), scope: readerScope(caller) });
      return { actor: c.actor, items, total };
    },

    async updateCase(id, rawPatch, caller) {
      assertReaderCan(caller, 'cases:write');
      const patch = parse(CasePatch, rawPatch);
      const before = await visibleCase(id, caller);
      const status = patch.status ?? before.status;
      if (patch.resolution !== undefined && status !== 'resolved') throw invalidInput('a resolution goes with status "resolved"');
      const at = now().toISOString();
      const update: CaseUpdate = { updatedAt: at };
      if (status === 'resolved') {
        const resolution = patch.resolution ?? (before.status === 'resolved' ? before.resolution : null);
        if (resolution === null) throw invalidInput('resolving a case needs a resolution: true-positive, false-positive or benign');
        if (before.status !== 'resolved') Object.assign(update, { status, resolution, resolvedAt: at });
        else if (resolution !== before.resolution) update.resolution = resolution;
      } else if (status !== before.status) {
        update.status = status;
        // Leaving `resolved` clears the resolution.
        if (before.status === 'resolved') Object.assign(update, { resolution: null, resolvedAt: null });
      }
      // `me`: the caller, as in the list's `assignee` filter.
      const assignee = patch.assignee === 'me' ? caller.principal.id : patch.assignee;
      if (assignee !== undefined && assignee !== before.assignee) {
        if (assignee !== null) await checkAssignee(assignee);
        update.assignee = assignee;
      }
      // Setting a severity pins it, even to the value it has: issues no longer raise it.
      if (patch.severity !== undefined) update.severity = patch.severity;
      const changed = (Object.keys(update) as (keyof CaseUpdate)[]).filter((k) => k !== 'updatedAt' && k !== 'resolvedAt');
      if (changed.length === 0) return before;
      const after = await store.updateCase(id, update);
      if (!after) throw notFound(`case ${id} not found`);
      const pick = (c: ThreatCase) => Object.fromEntries(changed.map((k) => [k, c[k as keyof ThreatCase]]));
      await record(caller, 'case.update', { type: 'case', id }, pick(before), pick(after));
      return after;
    },

    async addComment(id, rawInput, caller) {
      assertReaderCan(caller, 'cases:write');
      const input = parse(CommentInput, rawInput);
      await visibleCase(id, caller);
      const comment: CaseComment = { id: newId(), caseId: id, author: caller.principal.name, at: now().toISOString(), text: input.text };
      await store.addCaseComment(comment);
      await store.updateCase(id, { updatedAt: comment.at });
      await record(caller, 'case.comment', { type: 'case', id }, null, { commentId: comment.id, text: comment.text });
      return comment;
    },

    async flagForFix(id, rawInput, caller) {
      assertReaderCan(caller, 'cases:write');
      const input = parse(FlagInput, rawInput);
      const c = await visibleCase(id, caller);
      const [stats, topPage] = await Promise.all([store.caseIssueStats(id), store.listIssues({ caseId: id, sort: 'severity', limit: 1 })]);
      const top = topPage.items[0];
      if (!top) throw conflict(`case ${c.ref} has no issues to flag`);
      const main = stats.byEndpoint[0]?.endpointId ?? null;
      const place = await placeOf(main, id, c.host);
      const categoryIssues = stats.byCategory.find((s) => s.category === top.category)?.issues ?? 1;
      const draft = flagFinding(c, top, categoryIssues, place, input.note);
      await store.saveFindings([draft]);
      const finding = (await store.getFinding(draft.id)) ?? draft;
      const after = await store.updateCase(id, { updatedAt: now().toISOString(), flaggedFindingId: finding.id });
      if (!after) throw notFound(`case ${id} not found`);
      await record(caller, 'case.flag', { type: 'case', id }, { flaggedFindingId: c.flaggedFindingId }, { flaggedFindingId: finding.id, endpointId: place.endpointId, note: input.note ?? null });
      return { finding, case: after };
    },

    async listIssues(query, caller) {
      assertReaderCan(caller, 'cases:read');
      return store.listIssues({ ...query, limit: query.limit ?? 50, scope: readerScope(caller) });
    },

    async getIssue(id, caller) {
      assertReaderCan(caller, 'cases:read');
      const issue = await store.getIssue(id);
      // Visibility follows the issue's case, as in lists.
      const c = issue ? await store.getCase(issue.caseId) : null;
      if (!issue || !c || !readerSees(caller, c.applicationId)) throw notFound(`issue ${id} not found`);
      return issue;
    },

    async listSuppressions(query, caller) {
      assertReaderCan(caller, 'cases:read');
      const at = now().toISOString();
      const state = query.state ?? 'all';
      return store.listSuppressions({
        limit: query.limit ?? 50,
        offset: query.offset ?? 0,
        ...(state === 'active' ? { activeAt: at } : state === 'expired' ? { expiredAt: at } : {}),
      });
    },

    async createSuppression(rawInput, caller) {
      assertReaderCan(caller, 'cases:write');
      const input = parse(SuppressionInput, rawInput);
      const at = now();
      const active = await store.listSuppressions({ activeAt: at.toISOString(), limit: 0 });
      if (active.total >= MAX_ACTIVE_SUPPRESSIONS) throw conflict(`at most ${MAX_ACTIVE_SUPPRESSIONS} suppressions may be active: delete one first`);
      const s: Suppression = {
        id: newId(),
        detector: input.detector ?? null,
        endpointId: input.endpointId ?? null,
        actorId: input.actorId ?? null,
        parameter: input.parameter ?? null,
        reason: input.reason,
        createdBy: caller.principal.name,
        createdAt: at.toISOString(),
        expiresAt: new Date(at.getTime() + input.expiresInDays * DAY_MS).toISOString(),
        hits: 0,
      };
      await store.createSuppression(s);
      await record(caller, 'suppression.create', { type: 'suppression', id: s.id }, null, s);
      return s;
    },

    async deleteSuppression(id, caller) {
      assertReaderCan(caller, 'cases:write');
      const s = await store.getSuppression(id);
      if (!s || !(await store.deleteSuppression(id))) throw notFound(`suppression ${id} not found`);
      await record(caller, 'suppression.delete', { type: 'suppression', id }, s, null);
    },

    async daily(days, caller) {
      assertReaderCan(caller, 'cases:read');
      return store.threatDaily(readerScope(caller), days);
    },

    exportCases(query, caller) {
      assertReaderCan(caller, 'cases:read');
      const base = storeQuery(query, caller);
      return (async function* () {
        if (caller) await record(caller, 'case.export', null, null, { filters: { ...query, limit: undefined, offset: undefined } });
        let sent = 0;
        for (let offset = 0; sent < MAX_EXPORT_CASES; offset += EXPORT_PAGE) {
          const page = await store.listCases({ ...base, limit: Math.min(EXPORT_PAGE, MAX_EXPORT_CASES - sent), offset });
          for (const c of page.items) {
            const issues = await store.listIssues({ caseId: c.id, limit: MAX_PAGE_SIZE });
            const more = issues.items.length < issues.total && issues.items.length < MAX_EXPORT_ISSUES ? await store.listIssues({ caseId: c.id, limit: MAX_EXPORT_ISSUES - issues.items.length, offset: issues.items.length }) : null;
            const all = more ? [...issues.items, ...more.items] : issues.items;
            yield `${JSON.stringify({ case: c, issues: all, issuesTotal: issues.total })}\n`;
            sent++;
            // Each case is a few synchronous store reads: give other requests a turn between cases.
            await nextTurn();
          }
          if (page.items.length < EXPORT_PAGE) break;
        }
      })();
    },
  };

  /** Host, method and template of the flagged endpoint: from the inventory, else from one of its issues. */
  async function placeOf(endpointId: string | null, caseId: string, host: string): Promise<FlagPlace> {
    if (endpointId === null) return { endpointId: null, host, method: null, pathTemplate: null };
    const endpoint = await store.getEndpoint(endpointId);
    if (endpoint) return { endpointId, host: endpoint.host, method: endpoint.method, pathTemplate: endpoint.pathTemplate };
    const issue = (await store.listIssues({ caseId, endpointId, limit: 1 })).items[0];
    return { endpointId, host: issue?.host ?? host, method: issue?.method ?? null, pathTemplate: issue?.pathTemplate ?? null };
  }
}

/** Validates input handed over by a caller that is not the HTTP layer (which validated already). */
function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw invalidInput(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}
