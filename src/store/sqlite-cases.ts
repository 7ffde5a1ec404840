import type Database from 'better-sqlite3';
import type { CaseComment, CaseSummary, Suppression, ThreatCase, ThreatDaily, ThreatIssue, TimelineItem } from '../contracts/cases.js';
import { SEVERITY_RANK, type Severity } from '../contracts/finding.js';
import { conflict, notFound } from '../errors/domain-errors.js';
import { growCase, updateCaseState, type StoredCaseState } from './case-merge.js';
import { listLimit, pageBounds } from './paging.js';
import { conditions, isEmptyScope, type Conditions } from './sqlite-conditions.js';
import {
  type ApplicationScope,
  type CaseCandidate,
  type CaseIssueStats,
  type CaseKey,
  type CaseQuery,
  type CaseUpdate,
  type FoldCandidate,
  type IssueBatch,
  type IssueBatchResult,
  type IssueQuery,
  type Page,
  type SuppressionQuery,
} from './store.js';
import { timestampMs } from './timestamps.js';

/**
 * The SQLite side of threat cases (schema step 6): cases, their issues, comments and suppressions. A case
 * row is its document plus the columns lists filter and sort on, rewritten together; an issue's counters
 * live in columns only, so a fold is one UPDATE that never reads the document. Filtered lists prepare their
 * statements through `cached`, the connection's bounded statement cache.
 */
export function connectCases(db: Database.Database, cached: (sql: string) => Database.Statement) {
  const st = {
    nextRef: db.prepare('SELECT COALESCE(MAX(ref_no), 0) + 1 FROM threat_cases').pluck(),
    insertCase: db.prepare(`
      INSERT INTO threat_cases (id, ref_no, status, resolution, severity, severity_pinned, issue_severity_rank, assignee, actor_id,
        target, application_id, issue_count, last_seen_ms, resolved_ms, search_text, doc)
      VALUES (@id, @ref_no, @status, @resolution, @severity, @severity_pinned, @issue_severity_rank, @assignee, @actor_id,
        @target, @application_id, @issue_count, @last_seen_ms, @resolved_ms, @search_text, @doc)`),
    updateCase: db.prepare(`
      UPDATE threat_cases SET status = @status, resolution = @resolution, severity = @severity, severity_pinned = @severity_pinned,
        issue_severity_rank = @issue_severity_rank, assignee = @assignee, issue_count = @issue_count, last_seen_ms = @last_seen_ms,
        resolved_ms = @resolved_ms, search_text = @search_text, doc = @doc
      WHERE id = @id`),
    getCase: db.prepare(`SELECT ${CASE_COLUMNS} FROM threat_cases WHERE id = ?`),
    deleteCaseDetectors: db.prepare('DELETE FROM threat_case_detectors WHERE case_id = ?'),
    insertCaseDetector: db.prepare('INSERT OR IGNORE INTO threat_case_detectors (case_id, detector) VALUES (?, ?)'),
    latestOpenCase: db.prepare(`
      SELECT ${CASE_COLUMNS} FROM threat_cases WHERE actor_id = ? AND target = ? AND status <> 'resolved'
      ORDER BY last_seen_ms DESC, id DESC LIMIT 1`),
    latestResolvedCase: db.prepare(`
      SELECT ${CASE_COLUMNS} FROM threat_cases WHERE actor_id = ? AND target = ? AND status = 'resolved'
      ORDER BY resolved_ms DESC, id DESC LIMIT 1`),
    clearDeletedApplications: db.prepare(
      'UPDATE threat_cases SET application_id = NULL WHERE application_id IS NOT NULL AND application_id NOT IN (SELECT id FROM applications)',
    ),

    insertIssue: db.prepare(`
      INSERT INTO threat_issues (id, case_id, fold_key, detector, category, severity_rank, actor_id, endpoint_id, count,
        first_seen, first_seen_ms, last_seen, last_seen_ms, doc, exchange)
      SELECT @id, @case_id, @fold_key, @detector, @category, @severity_rank, @actor_id, @endpoint_id, @count,
        @first_seen, @first_seen_ms, @last_seen, @last_seen_ms, @doc, @exchange
      WHERE EXISTS (SELECT 1 FROM threat_cases WHERE id = @case_id)`),
    // SET expressions all read the row as it was, so each CASE compares against the old bounds.
    foldIssue: db.prepare(`
      UPDATE threat_issues SET count = count + @count,
        first_seen = CASE WHEN @first_seen_ms < first_seen_ms THEN @first_seen ELSE first_seen END,
        first_seen_ms = MIN(first_seen_ms, @first_seen_ms),
        last_seen = CASE WHEN @last_seen_ms > last_seen_ms THEN @last_seen ELSE last_seen END,
        last_seen_ms = MAX(last_seen_ms, @last_seen_ms)
      WHERE id = @id`),
    foldCandidate: db.prepare(`
      SELECT i.id, i.case_id, i.count, i.first_seen, i.last_seen FROM threat_issues i JOIN threat_cases c ON c.id = i.case_id
      WHERE i.fold_key = ? AND c.status <> 'resolved' ORDER BY i.last_seen_ms DESC LIMIT 1`),
    getIssue: db.prepare(`${ISSUE_SELECT} WHERE i.id = ?`),
    caseStatsByEndpoint: db.prepare(`
      SELECT endpoint_id AS k, COUNT(*) AS issues, SUM(count) AS events FROM threat_issues WHERE case_id = ?
      GROUP BY endpoint_id ORDER BY issues DESC, events DESC, k ASC`),
    caseStatsByCategory: db.prepare(`
      SELECT category AS k, COUNT(*) AS issues, SUM(count) AS events FROM threat_issues WHERE case_id = ?
      GROUP BY category ORDER BY issues DESC, events DESC, k ASC`),

    caseExists: db.prepare('SELECT 1 FROM threat_cases WHERE id = ?').pluck(),
    insertComment: db.prepare('INSERT INTO case_comments (id, case_id, at_ms, doc) VALUES (?, ?, ?, ?)'),
    listComments: db.prepare('SELECT doc FROM case_comments WHERE case_id = ? ORDER BY at_ms ASC, id ASC LIMIT ?').pluck(),

    insertSuppression: db.prepare('INSERT INTO suppressions (id, created_ms, expires_ms, hits, doc) VALUES (?, ?, ?, ?, ?)'),
    getSuppression: db.prepare('SELECT doc, hits FROM suppressions WHERE id = ?'),
    deleteSuppression: db.prepare('DELETE FROM suppressions WHERE id = ?'),
    addSuppressionHits: db.prepare('UPDATE suppressions SET hits = hits + ? WHERE id = ?'),
  };

  function readCase(id: string): StoredCaseState | null {
    const row = st.getCase.get(id) as CaseRow | undefined;
    return row ? rowToState(row) : null;
  }

  function writeCase(s: StoredCaseState, insert: boolean, detectorsChanged: boolean): void {
    const c = s.case;
    const params = {
      id: c.id,
      status: c.status,
      resolution: c.resolution,
      severity: c.severity,
      severity_pinned: s.severityPinned ? 1 : 0,
      issue_severity_rank: SEVERITY_RANK[s.issueSeverity],
      assignee: c.assignee,
      issue_count: c.issueCount,
      last_seen_ms: timestampMs(c.lastSeen),
      resolved_ms: c.resolvedAt === null ? null : timestampMs(c.resolvedAt),
      search_text: caseSearchText(c),
      // The application lives in its column (see rowToState).
      doc: JSON.stringify({ ...c, applicationId: null }),
    };
    if (insert) {
      st.insertCase.run({ ...params, ref_no: refNumber(c.ref), actor_id: c.actor.id, target: c.target, application_id: c.applicationId });
    } else {
      st.updateCase.run(params);
    }
    if (detectorsChanged) {
      if (!insert) st.deleteCaseDetectors.run(c.id);
      for (const d of c.detectors) st.insertCaseDetector.run(c.id, d);
    }
  }

  const saveIssueBatch = db.transaction((b: IssueBatch): IssueBatchResult => {
    const touched = new Map<string, ThreatCase>();
    const reopened: IssueBatchResult['reopened'] = [];
    for (const { issueSeverity, ...nc } of b.newCases) {
      const c: ThreatCase = { ...nc, ref: `C-${st.nextRef.get() as number}` };
      writeCase({ case: c, severityPinned: false, issueSeverity }, true, true);
      touched.set(c.id, c);
    }
    for (const g of b.growth) {
      const stored = readCase(g.caseId);
      if (!stored) continue;
      const { state, reopenedFrom } = growCase(stored, g, b.at);
      writeCase(state, false, state.case.detectors.join('\n') !== stored.case.detectors.join('\n'));
      touched.set(state.case.id, state.case);
      if (reopenedFrom) reopened.push({ case: state.case, ...reopenedFrom });
    }
    for (const i of b.issues) {
      const { foldKey, count, firstSeen, lastSeen, exchange, applicationId: _app, ...doc } = i;
      st.insertIssue.run({
        id: i.id,
        case_id: i.caseId,
        fold_key: foldKey,
        detector: i.detector,
        category: i.category,
        severity_rank: SEVERITY_RANK[i.severity],
        actor_id: i.actor.id,
        endpoint_id: i.endpointId,
        count,
        first_seen: firstSeen,
        first_seen_ms: timestampMs(firstSeen),
        last_seen: lastSeen,
        last_seen_ms: timestampMs(lastSeen),
        doc: JSON.stringify(doc),
        exchange: exchange === null ? null : JSON.stringify(exchange),
      });
    }
    for (const f of b.folds) {
      st.foldIssue.run({
        id: f.issueId,
        count: f.count,
        first_seen: f.firstSeen,
        first_seen_ms: timestampMs(f.firstSeen),
        last_seen: f.lastSeen,
        last_seen_ms: timestampMs(f.lastSeen),
      });
    }
    return { cases: [...touched.values()], reopened };
  });

  const caseCandidates = db.transaction((keys: readonly CaseKey[]): CaseCandidate[] => {
    const out: CaseCandidate[] = [];
    const seen = new Set<string>();
    for (const k of keys) {
      const key = `${k.actorId}\n${k.target}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const stmt of [st.latestOpenCase, st.latestResolvedCase]) {
        const row = stmt.get(k.actorId, k.target) as CaseRow | undefined;
        if (row) {
          const s = rowToState(row);
          out.push({ case: s.case, issueSeverity: s.issueSeverity });
        }
      }
    }
    return out;
  });

  const foldCandidates = db.transaction((keys: readonly string[]): FoldCandidate[] => {
    const out: FoldCandidate[] = [];
    for (const foldKey of new Set(keys)) {
      const r = st.foldCandidate.get(foldKey) as { id: string; case_id: string; count: number; first_seen: string; last_seen: string } | undefined;
      if (r) out.push({ foldKey, issueId: r.id, caseId: r.case_id, count: r.count, firstSeen: r.first_seen, lastSeen: r.last_seen });
    }
    return out;
  });

  const updateCase = db.transaction((id: string, u: CaseUpdate): ThreatCase | null => {
    const stored = readCase(id);
    if (!stored) return null;
    const next = updateCaseState(stored, u);
    writeCase(next, false, false);
    return next.case;
  });

  // A read transaction: the total and the page come from the same snapshot.
  const listCases = db.transaction((q: CaseQuery): Page<ThreatCase> => {
    const { limit, offset } = pageBounds(q.limit, q.offset);
    const scope = q.scope ?? 'all';
    if (isEmptyScope(scope)) return { items: [], total: 0, limit, offset };
    const w = conditions();
    w.scope(scope);
    if (q.status !== undefined) w.add('status = ?', q.status);
    if (q.severity !== undefined) w.add('severity = ?', q.severity);
    if (q.detector !== undefined) w.add('id IN (SELECT case_id FROM threat_case_detectors WHERE detector = ?)', q.detector);
    if (q.application !== undefined) w.application(q.application);
    if (q.assignee === null) w.add('assignee IS NULL');
    else if (q.assignee !== undefined) w.add('assignee = ?', q.assignee);
    if (q.actorId !== undefined) w.add('actor_id = ?', q.actorId);
    if (q.search !== undefined && q.search !== '') w.add('instr(search_text, ?) > 0', q.search.toLowerCase());
    const total = cached(`SELECT COUNT(*) FROM threat_cases ${w.sql()}`).pluck().get(...w.params) as number;
    const rows =
      limit === 0
        ? []
        : (cached(`SELECT ${CASE_COLUMNS} FROM threat_cases ${w.sql()} ORDER BY last_seen_ms DESC, id DESC LIMIT ? OFFSET ?`).all(
            ...w.params,
            limit,
            offset,
          ) as CaseRow[]);
    return { items: rows.map((r) => rowToState(r).case), total, limit, offset };
  });

  const caseSummary = db.transaction((scope: ApplicationScope, resolvedSince: string): CaseSummary => {
    const summary: CaseSummary = {
      new: 0,
      investigating: 0,
      resolvedLast7Days: { 'true-positive': 0, 'false-positive': 0, benign: 0 },
      openBySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 0 },
    };
    if (isEmptyScope(scope)) return summary;
    const w = conditions();
    w.scope(scope);
    const rows = cached(`
      SELECT status, resolution, severity, resolved_ms >= ? AS recent, COUNT(*) AS n FROM threat_cases ${w.sql()}
      GROUP BY status, resolution, severity, recent`).all(timestampMs(resolvedSince), ...w.params) as {
      status: string;
      resolution: string | null;
      severity: string;
      recent: number | null;
      n: number;
    }[];
    for (const r of rows) {
      if (r.status === 'resolved') {
        if (r.recent === 1 && r.resolution !== null && r.resolution in summary.resolvedLast7Days) {
          summary.resolvedLast7Days[r.resolution as keyof CaseSummary['resolvedLast7Days']] += r.n;
        }
        continue;
      }
      if (r.status === 'new') summary.new += r.n;
      if (r.status === 'investigating') summary.investigating += r.n;
      if (r.severity in summary.openBySeverity) summary.openBySeverity[r.severity as Severity] += r.n;
    }
    return summary;
  });

  function similarCases(of: ThreatCase, opts: { limit: number; scope?: ApplicationScope }): ThreatCase[] {
    const scope = opts.scope ?? 'all';
    if (isEmptyScope(scope)) return [];
    const w = conditions();
    w.scope(scope);
    w.add('id <> ?', of.id);
    w.add(
      '(actor_id = ? OR (target = ? AND id IN (SELECT case_id FROM threat_case_detectors WHERE detector IN (SELECT value FROM json_each(?)))))',
      of.actor.id,
      of.target,
      JSON.stringify(of.detectors),
    );
    const rows = cached(`SELECT ${CASE_COLUMNS} FROM threat_cases ${w.sql()} ORDER BY last_seen_ms DESC, id DESC LIMIT ?`).all(
      ...w.params,
      listLimit(opts.limit),
    ) as CaseRow[];
    return rows.map((r) => rowToState(r).case);
  }

  const caseIssueStats = db.transaction((caseId: string): CaseIssueStats => {
    const stats = (stmt: Database.Statement) => stmt.all(caseId) as { k: string | null; issues: number; events: number }[];
    return {
      byEndpoint: stats(st.caseStatsByEndpoint).map((r) => ({ endpointId: r.k, issues: r.issues, events: r.events })),
      byCategory: stats(st.caseStatsByCategory).map((r) => ({ category: r.k ?? '', issues: r.issues, events: r.events })),
    };
  });

  /** Issue conditions: the scope follows the issue's case. */
  function issueWhere(q: Pick<IssueQuery, 'scope' | 'caseId' | 'detector' | 'endpointId' | 'actorId'>): Conditions | null {
    const scope = q.scope ?? 'all';
    if (isEmptyScope(scope)) return null;
    const w = conditions();
    w.scope(scope, ISSUE_IN_SCOPE);
    if (q.caseId !== undefined) w.add('i.case_id = ?', q.caseId);
    if (q.detector !== undefined) w.add('i.detector = ?', q.detector);
    if (q.endpointId !== undefined) w.add('i.endpoint_id = ?', q.endpointId);
    if (q.actorId !== undefined) w.add('i.actor_id = ?', q.actorId);
    return w;
  }

  const listIssues = db.transaction((q: IssueQuery): Page<ThreatIssue> => {
    const { limit, offset } = pageBounds(q.limit, q.offset);
    const w = issueWhere(q);
    if (!w) return { items: [], total: 0, limit, offset };
    const order = q.sort === 'severity' ? 'i.severity_rank DESC, i.count DESC, i.last_seen_ms DESC, i.id DESC' : 'i.last_seen_ms DESC, i.id DESC';
    const total = cached(`SELECT COUNT(*) FROM threat_issues i ${w.sql()}`).pluck().get(...w.params) as number;
    const rows = limit === 0 ? [] : (cached(`${ISSUE_SELECT} ${w.sql()} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...w.params, limit, offset) as IssueRow[]);
    return { items: rows.map(rowToIssue), total, limit, offset };
  });

  const actorTimeline = db.transaction((actorId: string, opts: { limit: number; scope?: ApplicationScope }): { items: TimelineItem[]; total: number } => {
    const w = issueWhere({ actorId, ...(opts.scope ? { scope: opts.scope } : {}) });
    if (!w) return { items: [], total: 0 };
    const total = cached(`SELECT COUNT(*) FROM threat_issues i ${w.sql()}`).pluck().get(...w.params) as number;
    const rows = cached(`
      SELECT i.id, i.case_id, 'C-' || c.ref_no AS ref, i.doc, i.count, i.last_seen FROM threat_issues i JOIN threat_cases c ON c.id = i.case_id
      ${w.sql()} ORDER BY i.last_seen_ms DESC, i.id DESC LIMIT ?`).all(...w.params, listLimit(opts.limit)) as {
      id: string;
      case_id: string;
      ref: string;
      doc: string;
      count: number;
      last_seen: string;
    }[];
    const items = rows.map((r): TimelineItem => {
      const d = JSON.parse(r.doc) as IssueDoc;
      return {
        at: r.last_seen,
        issueId: r.id,
        caseId: r.case_id,
        caseRef: r.ref,
        detector: d.detector,
        category: d.category,
        severity: d.severity,
        host: d.host,
        method: d.method,
        pathTemplate: d.pathTemplate,
        endpointId: d.endpointId,
        count: r.count,
      };
    });
    return { items, total };
  });

  const threatDaily = db.transaction((scope: ApplicationScope, days: number): ThreatDaily => {
    const n = Math.min(Math.max(Math.trunc(Number.isNaN(days) ? 0 : days), 0), MAX_DAILY_DAYS);
    const w = issueWhere({ scope });
    if (!w || n === 0) return { days: [] };
    const newest = cached(`SELECT MAX(i.first_seen_ms) FROM threat_issues i ${w.sql()}`).pluck().get(...w.params) as number | null;
    if (newest === null) return { days: [] };
    const start = (Math.floor(newest / DAY_MS) - n + 1) * DAY_MS;
    const range = conditions(w);
    range.add('i.first_seen_ms >= ?', start);
    range.add('i.first_seen_ms < ?', start + n * DAY_MS);
    // Offsets from `start` are never negative, so integer division is the floor (CAST: the driver binds REAL).
    const rows = cached(`
      SELECT (i.first_seen_ms - CAST(? AS INTEGER)) / ${DAY_MS} AS d, i.category AS k, COUNT(*) AS n FROM threat_issues i ${range.sql()}
      GROUP BY d, k`).all(start, ...range.params) as { d: number; k: string; n: number }[];
    const out = Array.from({ length: n }, (_, i) => ({ day: new Date(start + i * DAY_MS).toISOString().slice(0, 10), counts: {} as Record<string, number>, total: 0 }));
    for (const r of rows) {
      const day = out[r.d];
      if (!day) continue;
      day.counts[r.k] = r.n;
      day.total += r.n;
    }
    return { days: out };
  });

  const addCaseComment = db.transaction((c: CaseComment) => {
    if (st.caseExists.get(c.caseId) === undefined) throw notFound(`case ${c.caseId} not found`);
    st.insertComment.run(c.id, c.caseId, timestampMs(c.at), JSON.stringify(c));
  });

  const listSuppressions = db.transaction((q: SuppressionQuery): Page<Suppression> => {
    const { limit, offset } = pageBounds(q.limit, q.offset);
    const w = conditions();
    if (q.activeAt !== undefined) w.add('expires_ms > ?', timestampMs(q.activeAt));
    if (q.expiredAt !== undefined) w.add('expires_ms <= ?', timestampMs(q.expiredAt));
    const total = cached(`SELECT COUNT(*) FROM suppressions ${w.sql()}`).pluck().get(...w.params) as number;
    const rows =
      limit === 0
        ? []
        : (cached(`SELECT doc, hits FROM suppressions ${w.sql()} ORDER BY created_ms DESC, id DESC LIMIT ? OFFSET ?`).all(...w.params, limit, offset) as SuppressionRow[]);
    return { items: rows.map(rowToSuppression), total, limit, offset };
  });

  const addSuppressionHits = db.transaction((hits: Readonly<Record<string, number>>) => {
    for (const [id, n] of Object.entries(hits)) if (n > 0) st.addSuppressionHits.run(Math.trunc(n), id);
  });

  return {
    caseCandidates: (keys: readonly CaseKey[]) => caseCandidates.deferred(keys),
    foldCandidates: (keys: readonly string[]) => foldCandidates.deferred(keys),
    // IMMEDIATE takes the write lock before reading the last ref and the cases it grows.
    saveIssueBatch: (b: IssueBatch) => saveIssueBatch.immediate(b),
    getCase: (id: string) => readCase(id)?.case ?? null,
    listCases: (q: CaseQuery) => listCases.deferred(q),
    updateCase: (id: string, u: CaseUpdate) => updateCase.immediate(id, u),
    caseSummary: (scope: ApplicationScope, resolvedSince: string) => caseSummary.deferred(scope, resolvedSince),
    similarCases,
    caseIssueStats: (caseId: string) => caseIssueStats.deferred(caseId),
    getIssue(id: string): ThreatIssue | null {
      const row = st.getIssue.get(id) as IssueRow | undefined;
      return row ? rowToIssue(row) : null;
    },
    listIssues: (q: IssueQuery) => listIssues.deferred(q),
    actorTimeline: (actorId: string, opts: { limit: number; scope?: ApplicationScope }) => actorTimeline.deferred(actorId, opts),
    threatDaily: (scope: ApplicationScope, days: number) => threatDaily.deferred(scope, days),
    addCaseComment: (c: CaseComment) => addCaseComment.immediate(c),
    listCaseComments: (caseId: string, limit: number) => (st.listComments.all(caseId, listLimit(limit)) as string[]).map((d) => JSON.parse(d) as CaseComment),
    createSuppression(s: Suppression): void {
      const { hits, ...doc } = s;
      try {
        st.insertSuppression.run(s.id, timestampMs(s.createdAt), timestampMs(s.expiresAt), hits, JSON.stringify(doc));
      } catch (err) {
        if (String((err as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT')) throw conflict('a suppression with this id already exists');
        throw err;
      }
    },
    getSuppression(id: string): Suppression | null {
      const row = st.getSuppression.get(id) as SuppressionRow | undefined;
      return row ? rowToSuppression(row) : null;
    },
    listSuppressions: (q: SuppressionQuery) => listSuppressions.deferred(q),
    deleteSuppression: (id: string) => st.deleteSuppression.run(id).changes > 0,
    addSuppressionHits: (hits: Readonly<Record<string, number>>) => addSuppressionHits.immediate(hits),
    /** Cases of a deleted application belong to none (inside the application change's transaction). */
    reassignCases: () => {
      st.clearDeletedApplications.run();
    },
  };
}

const DAY_MS = 86_400_000;
/** `threatDaily`'s series is built in memory, one entry a day. */
const MAX_DAILY_DAYS = 366;

/** An issue is visible where its case is. */
const ISSUE_IN_SCOPE = (list: string) => `i.case_id IN (SELECT id FROM threat_cases WHERE application_id IN ${list})`;

const CASE_COLUMNS = 'doc, application_id, severity_pinned, issue_severity_rank';

interface CaseRow {
  doc: string;
  application_id: string | null;
  severity_pinned: number;
  issue_severity_rank: number;
}

const SEVERITY_BY_RANK = Object.fromEntries(Object.entries(SEVERITY_RANK).map(([s, r]) => [r, s as Severity])) as Record<number, Severity>;

function rowToState(r: CaseRow): StoredCaseState {
  return {
    case: { ...(JSON.parse(r.doc) as ThreatCase), applicationId: r.application_id },
    severityPinned: r.severity_pinned === 1,
    issueSeverity: SEVERITY_BY_RANK[r.issue_severity_rank] ?? 'info',
  };
}

function refNumber(ref: string): number {
  const n = Number(ref.slice(2));
  return Number.isSafeInteger(n) ? n : 0;
}

function caseSearchText(c: ThreatCase): string {
  return [c.ref, c.title, c.actor.label, c.actor.id, c.host, ...c.categories].join('\n').toLowerCase();
}

/** The issue document as stored: counters, exchange and application live elsewhere. */
type IssueDoc = Omit<ThreatIssue, 'count' | 'firstSeen' | 'lastSeen' | 'exchange' | 'applicationId'>;

/** An issue's application is its endpoint's when the endpoint is stored, else its case's. */
const ISSUE_SELECT = `
  SELECT i.doc, i.count, i.first_seen, i.last_seen, i.exchange,
    COALESCE((SELECT e.application_id FROM endpoints e WHERE e.id = i.endpoint_id),
      (SELECT c.application_id FROM threat_cases c WHERE c.id = i.case_id)) AS application_id
  FROM threat_issues i`;

interface IssueRow {
  doc: string;
  count: number;
  first_seen: string;
  last_seen: string;
  exchange: string | null;
  application_id: string | null;
}

function rowToIssue(r: IssueRow): ThreatIssue {
  return {
    ...(JSON.parse(r.doc) as IssueDoc),
    applicationId: r.application_id,
    count: r.count,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    exchange: r.exchange === null ? null : (JSON.parse(r.exchange) as ThreatIssue['exchange']),
  };
}

interface SuppressionRow {
  doc: string;
  hits: number;
}

function rowToSuppression(r: SuppressionRow): Suppression {
  return { ...(JSON.parse(r.doc) as Omit<Suppression, 'hits'>), hits: r.hits };
}
