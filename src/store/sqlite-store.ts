import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Endpoint, EndpointSummary, RiskFactor, RiskLevel } from '../contracts/endpoint.js';
import { SEVERITY_RANK, type Finding, type Severity } from '../contracts/finding.js';
import { emailKey, type Application, type AuditEntry, type Role, type UserStatus } from '../contracts/identity.js';
import { AUDIT_GENESIS_HASH, auditEntryHash, toJsonData } from './audit-chain.js';
import { conflict, DomainError, invalidInput } from '../errors/domain-errors.js';
import { endpointAuthKinds, endpointDataClasses, isAuthenticated } from './endpoint-summary.js';
import { mergeFinding } from './finding-merge.js';
import { migrateSqlite, SchemaTooNewError, SQLITE_MIGRATIONS, type SqliteMigration } from './migrations/sqlite.js';
import { listLimit, pageBounds } from './paging.js';
import { endpointSearchText, findingSearchText, specSearchText } from './search-text.js';
import { findingApplication, reassignApplications, reassignSpecApplications } from './sqlite-applications.js';
import {
  endpointRiskWriter,
  loadOwnership,
  loadOwnershipRules,
  rescoreBusinessRisk,
  specClaim,
  specSubjectFacts,
  storedSubject,
  writeOwnershipRules,
  writeSpecFacts,
  type Ownership,
} from './sqlite-ownership.js';
import { appendHostRules, matchersOf, replaceHostRules } from '../ownership/rule-list.js';
import { specOwnershipFactsFromText, type SpecOwnershipFacts } from '../ownership/spec-facts.js';
import { businessRiskSettings, withBusinessFactor, withoutBusinessFactor, type BusinessRiskSettings } from '../risk/score.js';
import { RiskConfigSchema } from '../risk/config.js';
import type { OwnershipRule } from '../contracts/ownership.js';
import type { Spec, SpecFindingView, SpecVersionDetail, SpecVersionSummary } from '../contracts/spec-registry.js';
import { StoreFailure, toStoreError } from './store-errors.js';
import {
  MAX_PAGE_SIZE,
  UNASSIGNED_APPLICATION,
  type ApplicationQuery,
  type ApplicationScope,
  type DashboardFigures,
  type AuditDraft,
  type AuditQuery,
  type EndpointQuery,
  type EndpointSort,
  type EventSample,
  type FindingQuery,
  type FindingSort,
  type InventorySummary,
  type LoginFailureResult,
  type AddedSpecVersion,
  type NewSpec,
  type OwnershipChange,
  type OwnershipChangeResult,
  type NewSpecVersion,
  type Page,
  type SpecLinks,
  type SpecQuery,
  type SpecSort,
  type Store,
  type StoredEndpoint,
  type StoredReject,
  type StoredSession,
  type StoredToken,
  type StoredUser,
  type StoredUserToken,
  type TokenScope,
  type UserPatch,
  type UserQuery,
  type UserTokenPurpose,
} from './store.js';
import { timestampMs } from './timestamps.js';
import { connectConformance, COVERAGE_COLUMN, parseCoverage } from './sqlite-conformance.js';
import { connectCases } from './sqlite-cases.js';
import { connectRemediation } from './sqlite-remediation.js';
import { findingChangeNumbers } from './finding-changes.js';
import { conditions, isEmptyScope, type Conditions } from './sqlite-conditions.js';

export interface SqliteStoreOptions {
  /** File path, or ':memory:' for a private in-process database (tests, one-shot CLI runs). */
  path: string;
  /** How long a write waits for another connection's lock before failing. */
  busyTimeoutMs?: number;
  /** Schema steps to apply; only upgrade tests pass anything but the default `SQLITE_MIGRATIONS`. */
  migrations?: readonly SqliteMigration[];
  /**
   * The business-criticality weight and the level thresholds (`businessRiskSettings(config.risk)`); default
   * the configuration's defaults. A start with other settings than the last re-scores the estate.
   */
  businessRisk?: BusinessRiskSettings;
}

const DEFAULT_BUSINESS_RISK: BusinessRiskSettings = businessRiskSettings(RiskConfigSchema.parse({}));

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
/** Dynamic list queries are cached by SQL text; the filter combinations are finite but this bounds them anyway. */
const MAX_CACHED_QUERIES = 256;

/**
 * The embedded store: one SQLite file, WAL mode, owner-only permissions. Nothing touches the disk until
 * `init()`, so building a store is free and cannot fail.
 *
 * @example
 * const store = createSqliteStore({ path: './.bulwark/bulwark.db' });
 * await store.init();
 * const page = await store.listEndpoints({ sort: 'risk', limit: 20 });
 */
export function createSqliteStore(opts: SqliteStoreOptions): Store {
  let conn: Connection | null = null;

  /** Runs one store operation; whatever the driver throws leaves as `internal: store error`. */
  async function op<T>(name: string, fn: (c: Connection) => T): Promise<T> {
    try {
      if (!conn) throw notOpen(name);
      return fn(conn);
    } catch (err) {
      throw toStoreError(name, err, isDriverError);
    }
  }

  return {
    async init() {
      try {
        conn ??= openConnection(opts);
      } catch (err) {
        if (err instanceof SchemaTooNewError) {
          const e = new DomainError('internal', 'store schema is newer than this version of Bulwark');
          e.cause = new StoreFailure('init', undefined, err.message);
          throw e;
        }
        throw toStoreError('init', err, isDriverError);
      }
    },

    async close() {
      const c = conn;
      conn = null;
      if (!c) return;
      try {
        // Lets SQLite refresh planner statistics for the indexes it found useful during this session.
        c.db.pragma('optimize');
        c.db.close();
      } catch (err) {
        if (c.db.open) c.db.close();
        throw toStoreError('close', err, isDriverError);
      }
    },

    getMeta<T>(key: string) {
      return op('getMeta', (c) => {
        const row = c.st.getMeta.get(key) as { value: string } | undefined;
        return row ? (JSON.parse(row.value) as T) : null;
      });
    },

    setMeta(key, value) {
      return op('setMeta', (c) => {
        const text = JSON.stringify(value);
        if (text === undefined) throw invalidInput('meta value must be JSON-serialisable');
        c.st.setMeta.run(key, text);
      });
    },

    saveEndpoints(rows, removed = []) {
      return op('saveEndpoints', (c) => c.saveEndpoints(rows, removed));
    },

    getEndpoint(id) {
      return op('getEndpoint', (c) => {
        const row = c.st.getEndpoint.get(id) as EndpointDocRow | undefined;
        return row ? rowToEndpoint(row) : null;
      });
    },

    loadEndpointStates() {
      return op('loadEndpointStates', (c) => {
        const out: StoredEndpoint[] = [];
        for (const row of c.st.allEndpointStates.iterate() as IterableIterator<EndpointDocRow & { state: string }>) {
          out.push({ endpoint: rowToEndpoint(row), state: JSON.parse(row.state) as unknown });
        }
        return out;
      });
    },

    listEndpoints(query) {
      return op('listEndpoints', (c) => c.listEndpoints(query));
    },

    inventorySummary() {
      return op('inventorySummary', (c) => c.inventorySummary());
    },

    dashboard(scope, opts) {
      return op('dashboard', (c) => c.dashboard(scope, opts));
    },

    saveFindings(findings) {
      return op('saveFindings', (c) => c.saveFindings(findings));
    },

    resolveFindingsNotIn(endpointIds, keep, at) {
      return op('resolveFindingsNotIn', (c) => {
        if (endpointIds.length === 0) return 0;
        return c.resolveFindingsNotIn.immediate(endpointIds, keep, at);
      });
    },

    getFinding(id) {
      return op('getFinding', (c) => {
        const row = c.st.getFinding.get(id) as FindingRow | undefined;
        return row ? rowToFinding(row) : null;
      });
    },

    listFindings(query) {
      return op('listFindings', (c) => c.listFindings(query));
    },

    addSamples(samples, maxPerEndpoint) {
      return op('addSamples', (c) => c.addSamples(samples, maxPerEndpoint));
    },

    listSamples(endpointId, limit) {
      return op('listSamples', (c) => {
        const rows = c.st.listSamples.all(endpointId, listLimit(limit)) as { endpoint_id: string; ts: string; event: string }[];
        return rows.map((r): EventSample => ({ endpointId: r.endpoint_id, timestamp: r.ts, event: JSON.parse(r.event) as unknown }));
      });
    },

    addRejects(rejects, maxKept) {
      return op('addRejects', (c) => c.addRejects(rejects, maxKept));
    },

    listRejects(limit) {
      return op('listRejects', (c) => {
        const rows = c.st.listRejects.all(listLimit(limit)) as RejectRow[];
        return rows.map(rowToReject);
      });
    },

    createToken(token) {
      return op('createToken', (c) => {
        try {
          c.st.createToken.run({
            id: token.id,
            name: token.name,
            scopes: JSON.stringify(token.scopes),
            hash: token.hash,
            created_at: token.createdAt,
            last_used_at: token.lastUsedAt,
            revoked: token.revoked ? 1 : 0,
          });
        } catch (err) {
          if (isDriverError(err) && String((err as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT')) {
            throw conflict('a token with this id or secret already exists');
          }
          throw err;
        }
      });
    },

    findTokenByHash(hash) {
      return op('findTokenByHash', (c) => {
        const row = c.st.findTokenByHash.get(hash) as TokenRow | undefined;
        return row ? rowToToken(row) : null;
      });
    },

    listTokens() {
      return op('listTokens', (c) => (c.st.listTokens.all() as TokenRow[]).map(rowToToken));
    },

    revokeToken(id) {
      return op('revokeToken', (c) => c.st.revokeToken.run(id).changes > 0);
    },

    touchToken(id, at) {
      return op('touchToken', (c) => {
        c.st.touchToken.run(at, id);
      });
    },

    createUser(user) {
      return op('createUser', (c) => {
        onConstraint('a user with this id or email already exists', () => c.st.insertUser.run(userParams(user)));
      });
    },

    createFirstUser(user) {
      return op('createFirstUser', (c) => c.createFirstUser(user));
    },

    getUser(id) {
      return op('getUser', (c) => {
        const row = c.st.getUser.get(id) as UserRow | undefined;
        return row ? rowToUser(row) : null;
      });
    },

    findUserByEmail(email) {
      return op('findUserByEmail', (c) => {
        const row = c.st.getUserByEmailKey.get(emailKey(email)) as UserRow | undefined;
        return row ? rowToUser(row) : null;
      });
    },

    listUsers(query) {
      return op('listUsers', (c) => c.listUsers(query));
    },

    updateUser(id, patch) {
      return op('updateUser', (c) => onConstraint('a user with this email already exists', () => c.updateUser(id, patch)));
    },

    recordLoginFailure(id, opts) {
      return op('recordLoginFailure', (c) => c.recordLoginFailure(id, opts));
    },

    recordLoginSuccess(id, at) {
      return op('recordLoginSuccess', (c) => {
        c.st.loginSuccess.run(at, at, id);
      });
    },

    createUserToken(token) {
      return op('createUserToken', (c) => {
        onConstraint('this token already exists, or its user does not', () =>
          c.st.insertUserToken.run(token.hash, token.userId, token.purpose, token.createdAt, token.expiresAt, timestampMs(token.expiresAt), token.usedAt),
        );
      });
    },

    findUserToken(hash, purpose) {
      return op('findUserToken', (c) => {
        const row = c.st.getUserToken.get(hash, purpose) as UserTokenRow | undefined;
        return row ? rowToUserToken(row) : null;
      });
    },

    consumeUserToken(hash, purpose, at) {
      return op('consumeUserToken', (c) => c.consumeUserToken(hash, purpose, at));
    },

    revokeUserTokens(userId, purpose) {
      return op('revokeUserTokens', (c) => c.st.deleteUnusedUserTokens.run(userId, purpose).changes);
    },

    createSession(session, maxPerUser) {
      return op('createSession', (c) => onConstraint('this session already exists, or its user does not', () => c.createSession(session, maxPerUser)));
    },

    findSession(idHash) {
      return op('findSession', (c) => {
        const row = c.st.getSession.get(idHash) as SessionRow | undefined;
        return row ? rowToSession(row) : null;
      });
    },

    touchSession(idHash, at) {
      return op('touchSession', (c) => {
        c.st.touchSession.run(at, timestampMs(at), idHash);
      });
    },

    deleteSession(idHash) {
      return op('deleteSession', (c) => c.st.deleteSession.run(idHash).changes > 0);
    },

    deleteUserSessions(userId) {
      return op('deleteUserSessions', (c) => c.st.deleteUserSessions.run(userId).changes);
    },

    pruneSessions(now, idleBefore) {
      return op('pruneSessions', (c) => c.st.pruneSessions.run(timestampMs(now), timestampMs(idleBefore)).changes);
    },

    createApplication(app) {
      return op('createApplication', (c) => onConstraint('an application with this id or name already exists', () => c.createApplication(app)));
    },

    updateApplication(app) {
      return op('updateApplication', (c) => onConstraint('an application with this name already exists', () => c.updateApplication(app)));
    },

    deleteApplication(id) {
      return op('deleteApplication', (c) => c.deleteApplication(id));
    },

    getApplication(id) {
      return op('getApplication', (c) => {
        const row = c.st.getApplication.get(id) as ApplicationRow | undefined;
        return row ? rowToApplication(row, c.ownership().rules) : null;
      });
    },

    listApplications(query) {
      return op('listApplications', (c) => c.listApplications(query));
    },

    listOwnershipRules() {
      return op('listOwnershipRules', (c) => loadOwnershipRules(c.db));
    },

    replaceOwnershipRules(rules) {
      return op('replaceOwnershipRules', (c) => onConstraint('a rule names an application that does not exist, or two rules share an id', () => c.replaceOwnershipRules(rules)));
    },

    applyOwnership(change, opts = {}) {
      return op('applyOwnership', (c) =>
        onConstraint('the change names an application that does not exist, reuses an id or a name, or repeats a rule id', () => c.applyOwnership(change, opts.dryRun === true)),
      );
    },

    ownershipSubject(endpointId) {
      return op('ownershipSubject', (c) => storedSubject(c.db, endpointId));
    },

    appendAudit(draft) {
      return op('appendAudit', (c) => c.appendAudit(draft));
    },

    listAudit(query) {
      return op('listAudit', (c) => c.listAudit(query));
    },

    auditEntriesAfter(afterSeq, limit) {
      return op('auditEntriesAfter', (c) => (c.st.auditAfter.all(Math.trunc(afterSeq) || 0, listLimit(limit)) as AuditRow[]).map(rowToAudit));
    },

    createSpec(spec, first) {
      return op('createSpec', (c) => onConstraint('a spec with this id already exists', () => c.createSpec(spec, first)));
    },

    addSpecVersion(specId, version, links, name) {
      return op('addSpecVersion', (c) => c.addSpecVersion(specId, version, links, name));
    },

    getSpec(id) {
      return op('getSpec', (c) => c.getSpec(id));
    },

    listSpecs(query) {
      return op('listSpecs', (c) => c.listSpecs(query));
    },

    listSpecVersions(specId, paging) {
      return op('listSpecVersions', (c) => c.listSpecVersions(specId, paging));
    },

    getSpecVersion(specId, version) {
      return op('getSpecVersion', (c) => {
        const row = c.st.getSpecVersion.get(specId, Math.trunc(version) || 0) as (SpecVersionRow & { findings: string; findings_truncated: number; text: string }) | undefined;
        return row ? rowToSpecVersionDetail(row) : null;
      });
    },

    deleteSpec(id) {
      return op('deleteSpec', (c) => c.deleteSpec(id));
    },

    saveConformance(batch) {
      return op('saveConformance', (c) => c.saveConformance(batch));
    },

    loadConformance() {
      return op('loadConformance', (c) => c.loadConformance());
    },

    specConformance(specId, opts) {
      return op('specConformance', (c) => c.specConformance(specId, opts.hosts, listLimit(opts.limit), opts.scope ?? 'all'));
    },

    caseCandidates: (keys) => op('caseCandidates', (c) => c.cases.caseCandidates(keys)),
    foldCandidates: (keys) => op('foldCandidates', (c) => c.cases.foldCandidates(keys)),
    saveIssueBatch: (batch) => op('saveIssueBatch', (c) => c.cases.saveIssueBatch(batch)),
    getCase: (id) => op('getCase', (c) => c.cases.getCase(id)),
    listCases: (query) => op('listCases', (c) => c.cases.listCases(query)),
    updateCase: (id, update) => op('updateCase', (c) => c.cases.updateCase(id, update)),
    caseSummary: (scope, resolvedSince) => op('caseSummary', (c) => c.cases.caseSummary(scope, resolvedSince)),
    similarCases: (of, opts) => op('similarCases', (c) => c.cases.similarCases(of, opts)),
    caseIssueStats: (caseId) => op('caseIssueStats', (c) => c.cases.caseIssueStats(caseId)),
    getIssue: (id) => op('getIssue', (c) => c.cases.getIssue(id)),
    listIssues: (query) => op('listIssues', (c) => c.cases.listIssues(query)),
    actorTimeline: (actorId, opts) => op('actorTimeline', (c) => c.cases.actorTimeline(actorId, opts)),
    threatDaily: (scope, days) => op('threatDaily', (c) => c.cases.threatDaily(scope, days)),
    addCaseComment: (comment) => op('addCaseComment', (c) => c.cases.addCaseComment(comment)),
    listCaseComments: (caseId, limit) => op('listCaseComments', (c) => c.cases.listCaseComments(caseId, limit)),
    createSuppression: (s) => op('createSuppression', (c) => c.cases.createSuppression(s)),
    getSuppression: (id) => op('getSuppression', (c) => c.cases.getSuppression(id)),
    listSuppressions: (query) => op('listSuppressions', (c) => c.cases.listSuppressions(query)),
    deleteSuppression: (id) => op('deleteSuppression', (c) => c.cases.deleteSuppression(id)),
    addSuppressionHits: (hits) => op('addSuppressionHits', (c) => c.cases.addSuppressionHits(hits)),
    firstTrackerDelivery: (id, at, windowMs) => op('firstTrackerDelivery', (c) => c.remediation.firstTrackerDelivery(id, at, windowMs)),
    saveSpecFindings: (specId, findings, at) => op('saveSpecFindings', (c) => c.saveSpecFindings.immediate(specId, findings, at)),
    findingsChangedSince: (afterSeq, limit) => op('findingsChangedSince', (c) => c.remediation.findingsChangedSince(afterSeq, limit)),
    saveTaskBatch: (batch) => op('saveTaskBatch', (c) => c.remediation.saveTaskBatch(batch)),
    getTask: (id) => op('getTask', (c) => c.remediation.getTask(id)),
    getTasks: (ids) => op('getTasks', (c) => c.remediation.getTasks(ids)),
    listTasks: (query) => op('listTasks', (c) => c.remediation.listTasks(query)),
    taskFindings: (taskId, limit) => op('taskFindings', (c) => c.remediation.taskFindings(taskId, limit)),
    listTaskEvents: (taskId, limit) => op('listTaskEvents', (c) => c.remediation.listTaskEvents(taskId, limit)),
    taskOwnerGroups: (scope, now) => op('taskOwnerGroups', (c) => c.remediation.taskOwnerGroups(scope, now)),
    dueOutbox: (now, limit) => op('dueOutbox', (c) => c.remediation.dueOutbox(now, limit)),
    settleOutbox: (id, settlement) => op('settleOutbox', (c) => c.remediation.settleOutbox(id, settlement)),
    listOutbox: (query) => op('listOutbox', (c) => c.remediation.listOutbox(query)),
    retryOutbox: (id, now) => op('retryOutbox', (c) => c.remediation.retryOutbox(id, now)),
  };
}

/** Runs `fn`; a uniqueness or foreign-key failure from the driver becomes a `conflict` with `message`. */
function onConstraint<T>(message: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isDriverError(err) && String((err as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT')) throw conflict(message);
    throw err;
  }
}

function isDriverError(err: unknown): boolean {
  return err instanceof Database.SqliteError;
}

function notOpen(operation: string): DomainError {
  const e = new DomainError('internal', 'store error');
  e.cause = new StoreFailure(operation, undefined, 'store is not open (init() not called, or closed)');
  return e;
}

// ---------------------------------------------------------------------------------------------------------
// Connection: an open database with its prepared statements.

type Connection = ReturnType<typeof connect>;

function openConnection(opts: SqliteStoreOptions): Connection {
  const inMemory = opts.path === ':memory:' || opts.path === '';
  if (!inMemory) prepareFile(opts.path);
  const db = new Database(opts.path, { timeout: opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode can lose the last commits on power loss but never corrupts; the store holds
    // aggregates that the next batch of traffic rebuilds, so durability of the last second is not worth a
    // fsync per transaction.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Up to 64 MiB of pages per connection (the default is 2 MiB): list pages and dashboards look up rows
    // by index all over the findings table, and a cache miss is a system call.
    db.pragma('cache_size = -65536');
    migrateSqlite(db, opts.migrations ?? SQLITE_MIGRATIONS);
    const c = connect(db, opts.businessRisk ?? DEFAULT_BUSINESS_RISK);
    c.syncBusinessRisk();
    return c;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * The database holds token hashes and the installation secret, so it is created owner-only before SQLite
 * opens it; SQLite gives the -wal and -shm files the mode of the main file. An existing file is tightened
 * too, since a looser mode there is almost certainly an accident.
 */
function prepareFile(path: string): void {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(f)) chmodSync(f, 0o600);
  }
}

function connect(db: Database.Database, risk: BusinessRiskSettings) {
  const st = {
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),

    upsertEndpoint: db.prepare(`
      INSERT INTO endpoints (id, host, api, method, path_template, risk_score, risk_level, internet_exposed,
        authenticated, plain_http, calls, consumers, first_seen, first_seen_ms, last_seen, last_seen_ms,
        documented, data_classes, search_text, doc, state, application_id, auth_kinds)
      VALUES (@id, @host, @api, @method, @path_template, @risk_score, @risk_level, @internet_exposed,
        @authenticated, @plain_http, @calls, @consumers, @first_seen, @first_seen_ms, @last_seen, @last_seen_ms,
        @documented, @data_classes, @search_text, @doc, @state, @application_id, @auth_kinds)
      ON CONFLICT (id) DO UPDATE SET
        host = excluded.host, api = excluded.api, method = excluded.method, path_template = excluded.path_template,
        risk_score = excluded.risk_score, risk_level = excluded.risk_level,
        internet_exposed = excluded.internet_exposed, authenticated = excluded.authenticated,
        plain_http = excluded.plain_http, calls = excluded.calls, consumers = excluded.consumers,
        first_seen = excluded.first_seen, first_seen_ms = excluded.first_seen_ms,
        last_seen = excluded.last_seen, last_seen_ms = excluded.last_seen_ms, documented = excluded.documented,
        data_classes = excluded.data_classes, search_text = excluded.search_text, doc = excluded.doc,
        state = excluded.state, application_id = excluded.application_id, auth_kinds = excluded.auth_kinds`),
    getEndpointPrevious: db.prepare('SELECT data_classes, application_id FROM endpoints WHERE id = ?'),
    // pluck: undefined when the endpoint is not stored, null when no application claims it.
    getEndpointApplication: db.prepare('SELECT application_id FROM endpoints WHERE id = ?').pluck(),
    setEndpointFindingsApplication: db.prepare('UPDATE findings SET application_id = ? WHERE endpoint_id = ? AND application_id IS NOT ?'),
    deleteEndpointClasses: db.prepare('DELETE FROM endpoint_data_classes WHERE endpoint_id = ?'),
    insertEndpointClass: db.prepare('INSERT INTO endpoint_data_classes (endpoint_id, data_class) VALUES (?, ?)'),
    deleteEndpoint: db.prepare('DELETE FROM endpoints WHERE id = ?'),
    deleteEndpointSamples: db.prepare('DELETE FROM samples WHERE endpoint_id = ?'),
    deleteEndpointFindings: db.prepare('DELETE FROM findings WHERE endpoint_id = ?'),
    getEndpoint: db.prepare(`SELECT ${ENDPOINT_DOC_COLUMNS} FROM endpoints WHERE id = ?`),
    allEndpointStates: db.prepare(`SELECT ${ENDPOINT_DOC_COLUMNS}, state FROM endpoints ORDER BY id`),

    getFinding: db.prepare(`SELECT ${FINDING_COLUMNS} FROM findings WHERE id = ?`),
    upsertFinding: db.prepare(`
      INSERT INTO findings (id, rule_id, severity, severity_rank, endpoint_id, host, status, first_seen,
        first_seen_ms, last_seen, last_seen_ms, count, resolved_at, doc, application_id, owasp, path_template, search_text, change_seq, spec_id)
      VALUES (@id, @rule_id, @severity, @severity_rank, @endpoint_id, @host, @status, @first_seen,
        @first_seen_ms, @last_seen, @last_seen_ms, @count, NULL, @doc, @application_id, @owasp, @path_template, @search_text, @change_seq, @spec_id)
      ON CONFLICT (id) DO UPDATE SET
        rule_id = excluded.rule_id, severity = excluded.severity, severity_rank = excluded.severity_rank,
        endpoint_id = excluded.endpoint_id, host = excluded.host, status = excluded.status,
        first_seen = excluded.first_seen, first_seen_ms = excluded.first_seen_ms,
        last_seen = excluded.last_seen, last_seen_ms = excluded.last_seen_ms, count = excluded.count,
        resolved_at = CASE WHEN excluded.status = 'open' THEN NULL ELSE findings.resolved_at END,
        doc = excluded.doc, application_id = excluded.application_id, owasp = excluded.owasp,
        path_template = excluded.path_template, search_text = excluded.search_text, change_seq = excluded.change_seq,
        spec_id = excluded.spec_id`),
    specApplication: db.prepare('SELECT application_id FROM specs WHERE id = ?').pluck(),
    openSpecFindings: db.prepare("SELECT id FROM findings WHERE spec_id = ? AND status = 'open'").pluck(),
    // Arrays travel as one JSON parameter: no limit on bound variables, one cached statement.
    openFindingsNotIn: db.prepare(`
      SELECT id FROM findings
      WHERE status = 'open'
        AND endpoint_id IN (SELECT value FROM json_each(?))
        AND id NOT IN (SELECT value FROM json_each(?))`).pluck(),

    insertSample: db.prepare('INSERT INTO samples (endpoint_id, ts, ts_ms, event) VALUES (?, ?, ?, ?)'),
    pruneSamples: db.prepare(`
      DELETE FROM samples WHERE seq IN (
        SELECT seq FROM samples WHERE endpoint_id = @endpoint_id
        ORDER BY ts_ms DESC, seq DESC LIMIT -1 OFFSET @keep)`),
    listSamples: db.prepare('SELECT endpoint_id, ts, event FROM samples WHERE endpoint_id = ? ORDER BY ts_ms DESC, seq DESC LIMIT ?'),

    insertReject: db.prepare('INSERT INTO rejects (at, at_ms, source, line, reason) VALUES (?, ?, ?, ?, ?)'),
    pruneRejects: db.prepare('DELETE FROM rejects WHERE seq IN (SELECT seq FROM rejects ORDER BY at_ms DESC, seq DESC LIMIT -1 OFFSET ?)'),
    listRejects: db.prepare('SELECT at, source, line, reason FROM rejects ORDER BY at_ms DESC, seq DESC LIMIT ?'),

    createToken: db.prepare(`
      INSERT INTO tokens (id, name, scopes, hash, created_at, last_used_at, revoked)
      VALUES (@id, @name, @scopes, @hash, @created_at, @last_used_at, @revoked)`),
    findTokenByHash: db.prepare('SELECT * FROM tokens WHERE hash = ?'),
    listTokens: db.prepare('SELECT * FROM tokens ORDER BY created_at, id'),
    revokeToken: db.prepare('UPDATE tokens SET revoked = 1 WHERE id = ?'),
    touchToken: db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?'),

    insertUser: db.prepare(`INSERT INTO users (${USER_COLUMNS}) VALUES (${USER_PARAMS})`),
    insertFirstUser: db.prepare(`INSERT INTO users (${USER_COLUMNS}) SELECT ${USER_PARAMS} WHERE NOT EXISTS (SELECT 1 FROM users)`),
    getUser: db.prepare('SELECT * FROM users WHERE id = ?'),
    getUserByEmailKey: db.prepare('SELECT * FROM users WHERE email_key = ?'),
    getFailedLogins: db.prepare('SELECT failed_logins FROM users WHERE id = ?').pluck(),
    setFailedLogins: db.prepare('UPDATE users SET failed_logins = ?, locked_until = COALESCE(?, locked_until), updated_at = ? WHERE id = ?'),
    getLockedUntil: db.prepare('SELECT locked_until FROM users WHERE id = ?').pluck(),
    loginSuccess: db.prepare('UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ?, updated_at = ? WHERE id = ?'),

    insertUserToken: db.prepare(`
      INSERT INTO user_tokens (hash, user_id, purpose, created_at, expires_at, expires_ms, used_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    getUserToken: db.prepare('SELECT * FROM user_tokens WHERE hash = ? AND purpose = ?'),
    useUserToken: db.prepare('UPDATE user_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL'),
    deleteUnusedUserTokens: db.prepare('DELETE FROM user_tokens WHERE user_id = ? AND purpose = ? AND used_at IS NULL'),

    insertSession: db.prepare(`
      INSERT INTO sessions (id_hash, user_id, csrf_hash, client_address, created_at, created_ms, last_seen_at, last_seen_ms, expires_at, expires_ms)
      VALUES (@id_hash, @user_id, @csrf_hash, @client_address, @created_at, @created_ms, @last_seen_at, @last_seen_ms, @expires_at, @expires_ms)`),
    // rowid breaks ties of equal creation times in insertion order, so the session just created survives.
    pruneUserSessions: db.prepare(`
      DELETE FROM sessions WHERE rowid IN (
        SELECT rowid FROM sessions WHERE user_id = ? ORDER BY created_ms DESC, rowid DESC LIMIT -1 OFFSET ?)`),
    getSession: db.prepare('SELECT * FROM sessions WHERE id_hash = ?'),
    touchSession: db.prepare('UPDATE sessions SET last_seen_at = ?, last_seen_ms = ? WHERE id_hash = ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
    deleteUserSessions: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
    pruneSessions: db.prepare('DELETE FROM sessions WHERE expires_ms <= ? OR last_seen_ms <= ?'),

    insertApplication: db.prepare(`
      INSERT INTO applications (id, name, name_key, owners, team, contacts, criticality, data_tags, created_at, created_ms, updated_at)
      VALUES (@id, @name, @name_key, @owners, @team, @contacts, @criticality, @data_tags, @created_at, @created_ms, @updated_at)`),
    updateApplication: db.prepare(`
      UPDATE applications SET name = @name, name_key = @name_key, owners = @owners, team = @team, contacts = @contacts,
        criticality = @criticality, data_tags = @data_tags, updated_at = @updated_at
      WHERE id = @id`),
    deleteApplicationOwners: db.prepare('DELETE FROM application_owners WHERE application_id = ?'),
    insertApplicationOwner: db.prepare('INSERT OR IGNORE INTO application_owners (application_id, user_id) VALUES (?, ?)'),
    deleteApplication: db.prepare('DELETE FROM applications WHERE id = ?'),
    getApplication: db.prepare('SELECT * FROM applications WHERE id = ?'),

    lastAudit: db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
    insertAudit: db.prepare(`
      INSERT INTO audit_log (seq, at, at_ms, actor_kind, actor_id, action, target_type, target_id, before_json, after_json,
        client_address, prev_hash, hash)
      VALUES (@seq, @at, @at_ms, @actor_kind, @actor_id, @action, @target_type, @target_id, @before_json, @after_json,
        @client_address, @prev_hash, @hash)`),
    auditAfter: db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq ASC LIMIT ?'),

    insertSpec: db.prepare(`
      INSERT INTO specs (id, name, name_key, search_text, hosts, hosts_source, apis, application_id, pinned_application_id,
        created_at, created_ms, updated_at, updated_ms, latest_version)
      VALUES (@id, @name, @name_key, @search_text, @hosts, @hosts_source, @apis, @application_id, @pinned_application_id,
        @created_at, @created_ms, @updated_at, @updated_ms, @latest_version)`),
    updateSpec: db.prepare(`
      UPDATE specs SET name = @name, name_key = @name_key, search_text = @search_text, hosts = @hosts, hosts_source = @hosts_source,
        apis = @apis, application_id = @application_id, pinned_application_id = @pinned_application_id,
        updated_at = @updated_at, updated_ms = @updated_ms, latest_version = @latest_version
      WHERE id = @id`),
    // What addSpecVersion compares against: the latest version's hash and title, and the links as stored.
    getSpecHead: db.prepare(`
      SELECT s.name, s.hosts, s.hosts_source, s.apis, s.pinned_application_id, s.latest_version, v.sha256, v.title
      FROM specs s JOIN spec_versions v ON v.spec_id = s.id AND v.version = s.latest_version WHERE s.id = ?`),
    getSpec: db.prepare(`${SPEC_SELECT} WHERE s.id = ?`),
    deleteSpecHosts: db.prepare('DELETE FROM spec_hosts WHERE spec_id = ?'),
    insertSpecHost: db.prepare('INSERT OR IGNORE INTO spec_hosts (spec_id, host) VALUES (?, ?)'),
    insertSpecVersion: db.prepare(`
      INSERT INTO spec_versions (spec_id, version, created_at, created_ms, created_by_kind, created_by_id, source, sha256, bytes,
        dialect, declared_version, title, info_version, operations, score_formula, score_total, score_security,
        score_data_validation, findings_total, findings_critical, findings_high, findings_medium, findings_low, findings_info,
        findings_truncated, findings, text)
      VALUES (@spec_id, @version, @created_at, @created_ms, @created_by_kind, @created_by_id, @source, @sha256, @bytes,
        @dialect, @declared_version, @title, @info_version, @operations, @score_formula, @score_total, @score_security,
        @score_data_validation, @findings_total, @findings_critical, @findings_high, @findings_medium, @findings_low, @findings_info,
        @findings_truncated, @findings, @text)`),
    getSpecVersionSummary: db.prepare(`SELECT ${SPEC_VERSION_COLUMNS} FROM spec_versions WHERE spec_id = ? AND version = ?`),
    getSpecVersion: db.prepare(`SELECT ${SPEC_VERSION_COLUMNS}, findings_truncated, findings, text FROM spec_versions WHERE spec_id = ? AND version = ?`),
    countSpecVersions: db.prepare('SELECT COUNT(*) FROM spec_versions WHERE spec_id = ?').pluck(),
    listSpecVersions: db.prepare(`SELECT ${SPEC_VERSION_COLUMNS} FROM spec_versions WHERE spec_id = ? ORDER BY version DESC LIMIT ? OFFSET ?`),
    deleteSpec: db.prepare('DELETE FROM specs WHERE id = ?'),
    countUnowned: db.prepare('SELECT COUNT(*) FROM endpoints WHERE application_id IS NULL').pluck(),
    getRiskMeta: db.prepare(`SELECT value FROM meta WHERE key = '${BUSINESS_RISK_META}'`).pluck(),
    setRiskMeta: db.prepare(`INSERT INTO meta (key, value) VALUES ('${BUSINESS_RISK_META}', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
  };

  const queryCache = new Map<string, Database.Statement>();
  function cached(sql: string): Database.Statement {
    let stmt = queryCache.get(sql);
    if (!stmt) {
      if (queryCache.size >= MAX_CACHED_QUERIES) queryCache.clear();
      stmt = db.prepare(sql);
      queryCache.set(sql, stmt);
    }
    return stmt;
  }
  const conformance = connectConformance(db);
  const cases = connectCases(db, cached);
  const changes = findingChangeNumbers(db);
  const remediation = connectRemediation(db, cached, changes);

  /**
   * The ownership rules compiled with what they read (applications, spec facts), cached for the
   * connection. The cache is dropped after every ownership change made here (applications, rules, specs),
   * and reloaded when another connection has committed anything since it was loaded
   * (`PRAGMA data_version`), so a second process that edits applications is seen at once.
   */
  let ownershipCache: { dataVersion: number; value: Ownership } | null = null;
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  function ownership(): Ownership {
    const version = dataVersion.get() as number;
    if (ownershipCache?.dataVersion !== version) ownershipCache = { dataVersion: version, value: loadOwnership(db, risk) };
    return ownershipCache.value;
  }
  const writeEndpointRisk = endpointRiskWriter(db);

  const saveEndpoints = db.transaction((rows: StoredEndpoint[], removed: string[]) => {
    // Removals first, so an id that is both removed and saved in one call survives with the new row.
    for (const id of removed) {
      st.deleteEndpoint.run(id);
      st.deleteEndpointSamples.run(id);
      st.deleteEndpointFindings.run(id);
    }
    const o = ownership();
    for (const { endpoint, state } of rows) {
      // The store owns the assignment: whatever the caller passed is replaced. Spec rules read the coverage
      // as it will be stored: the caller's, or the stored one when the caller leaves it (undefined).
      const coverage = o.usesCoverage ? (endpoint.coverage !== undefined ? endpoint.coverage : conformance.coverage(endpoint.id)) : null;
      const applicationId = o.endpoint({ host: endpoint.host, pathTemplate: endpoint.pathTemplate, coverage });
      // The document keeps the traffic risk; the business factor lives beside it (endpoint_risk) and is
      // added on every read, so a criticality change re-scores without rewriting documents.
      const traffic = withoutBusinessFactor(endpoint.risk, risk.levels);
      const factor = o.businessFactor(applicationId);
      const scored = withBusinessFactor(traffic, factor, risk.levels);
      const e: Endpoint = { ...endpoint, applicationId, risk: traffic };
      const classes = endpointDataClasses(e);
      const classesJson = JSON.stringify(classes);
      const previous = st.getEndpointPrevious.get(e.id) as { data_classes: string; application_id: string | null } | undefined;
      st.upsertEndpoint.run({
        id: e.id,
        host: e.host,
        api: e.api,
        method: e.method,
        path_template: e.pathTemplate,
        risk_score: scored.score,
        risk_level: scored.level,
        internet_exposed: e.exposure.internetExposed ? 1 : 0,
        authenticated: isAuthenticated(e) ? 1 : 0,
        plain_http: e.encryption.plainHttpCalls > 0 ? 1 : 0,
        calls: e.calls,
        consumers: e.consumers,
        first_seen: e.firstSeen,
        first_seen_ms: timestampMs(e.firstSeen),
        last_seen: e.lastSeen,
        last_seen_ms: timestampMs(e.lastSeen),
        documented: e.documented ? 1 : 0,
        data_classes: classesJson,
        search_text: endpointSearchText(e.host, e.pathTemplate),
        doc: JSON.stringify(e),
        state: JSON.stringify(state) ?? 'null',
        application_id: applicationId,
        auth_kinds: JSON.stringify(endpointAuthKinds(e)),
      });
      writeEndpointRisk(e.id, traffic, factor);
      conformance.setCoverage(e.id, e.coverage);
      // Most re-saves only move counters; rewriting the child rows only when the set changed keeps a
      // batch of thousands cheap.
      if (previous?.data_classes !== classesJson) {
        if (previous !== undefined) st.deleteEndpointClasses.run(e.id);
        for (const dc of classes) st.insertEndpointClass.run(e.id, dc);
      }
      // Findings follow their endpoint; those that arrived before it were matched on their own host and path.
      if (previous?.application_id !== applicationId) {
        st.setEndpointFindingsApplication.run(applicationId, e.id, applicationId);
        if (previous !== undefined) remediation.followEndpoint(e.id, applicationId);
      }
    }
  });

  // A read transaction: the total and the page come from the same snapshot.
  const listEndpoints = db.transaction((q: EndpointQuery): Page<EndpointSummary> => {
    const { limit, offset } = pageBounds(q.limit, q.offset);
    const scope = q.scope ?? 'all';
    if (isEmptyScope(scope)) return { items: [], total: 0, limit, offset };
    const w = conditions();
    w.scope(scope);
    if (q.application !== undefined) w.application(q.application);
    if (q.authKind !== undefined) w.add('instr(auth_kinds, ?) > 0', JSON.stringify(q.authKind));
    if (q.plainHttp !== undefined) w.add('plain_http = ?', q.plainHttp ? 1 : 0);
    if (q.documented !== undefined) w.add('documented = ?', q.documented ? 1 : 0);
    if (q.coverage === 'none') w.add('NOT EXISTS (SELECT 1 FROM endpoint_coverage c WHERE c.endpoint_id = endpoints.id)');
    else if (q.coverage !== undefined) w.add('EXISTS (SELECT 1 FROM endpoint_coverage c WHERE c.endpoint_id = endpoints.id AND c.status = ?)', q.coverage);
    if (q.spec !== undefined) w.add('EXISTS (SELECT 1 FROM endpoint_coverage c WHERE c.endpoint_id = endpoints.id AND c.spec_id = ?)', q.spec);
    if (q.host !== undefined) w.add('host = ?', q.host);
    if (q.method !== undefined) w.add('method = ?', q.method.toUpperCase());
    if (q.riskLevel !== undefined) w.add('risk_level = ?', q.riskLevel);
    if (q.minScore !== undefined) w.add('risk_score >= ?', q.minScore);
    if (q.internetExposed !== undefined) w.add('internet_exposed = ?', q.internetExposed ? 1 : 0);
    if (q.authenticated !== undefined) w.add('authenticated = ?', q.authenticated ? 1 : 0);
    if (q.dataClass !== undefined) {
      w.add('EXISTS (SELECT 1 FROM endpoint_data_classes d WHERE d.endpoint_id = endpoints.id AND d.data_class = ?)', q.dataClass);
    }
    if (q.search !== undefined && q.search !== '') w.add('instr(search_text, ?) > 0', q.search.toLowerCase());
    const sort = ENDPOINT_SORTS[q.sort ?? 'risk'] ?? ENDPOINT_SORTS.risk;
    const orderSql = sort.orderBy((q.order ?? sort.defaultOrder) === 'asc' ? 'ASC' : 'DESC');

    const total = cached(`SELECT COUNT(*) FROM endpoints ${w.sql()}`).pluck().get(...w.params) as number;
    const rows =
      limit === 0
        ? []
        : (cached(`SELECT ${SUMMARY_COLUMNS} FROM endpoints ${w.sql()} ORDER BY ${orderSql} LIMIT ? OFFSET ?`).all(
            ...w.params,
            limit,
            offset,
          ) as SummaryRow[]);
    return { items: rows.map(rowToSummary), total, limit, offset };
  });

  /** The inventory counts over the endpoints matching `w` (every endpoint when it is empty). */
  function endpointFigures(w: Conditions): Omit<InventorySummary, 'openFindingsBySeverity'> {
    const c = cached(`
      SELECT COUNT(*) AS endpoints, COUNT(DISTINCT host) AS hosts, COUNT(DISTINCT api) AS apis,
        COALESCE(SUM(internet_exposed), 0) AS internet_exposed,
        COALESCE(SUM(1 - authenticated), 0) AS unauthenticated,
        COALESCE(SUM(plain_http), 0) AS plain_http,
        COALESCE(SUM(data_classes <> '[]'), 0) AS with_data
      FROM endpoints ${w.sql()}`).get(...w.params) as {
      endpoints: number;
      hosts: number;
      apis: number;
      internet_exposed: number;
      unauthenticated: number;
      plain_http: number;
      with_data: number;
    };
    const byRiskLevel: Record<RiskLevel, number> = { low: 0, medium: 0, high: 0, critical: 0 };
    for (const r of cached(`SELECT risk_level AS k, COUNT(*) AS n FROM endpoints ${w.sql()} GROUP BY risk_level`).all(...w.params) as CountRow[]) {
      if (r.k in byRiskLevel) byRiskLevel[r.k as RiskLevel] = r.n;
    }
    return {
      hosts: c.hosts,
      apis: c.apis,
      endpoints: c.endpoints,
      internetExposed: c.internet_exposed,
      unauthenticated: c.unauthenticated,
      plainHttp: c.plain_http,
      withSensitiveData: c.with_data,
      byRiskLevel,
    };
  }

  /** Open findings matching `w` (all, or a scope), counted per value of `column`. */
  function openFindingsBy(column: 'severity' | 'owasp', w: Conditions): CountRow[] {
    const open = conditions(w);
    // Unscoped, the status indexes answer alone; scoped, + leaves the choice to findings_application,
    // which holds status, severity and OWASP too.
    open.add(w.parts.length === 0 ? "status = 'open'" : "+status = 'open'");
    return cached(`SELECT ${column} AS k, COUNT(*) AS n FROM findings ${open.sql()} GROUP BY ${column} ORDER BY ${column}`).all(...open.params) as CountRow[];
  }

  function severityCounts(rows: CountRow[]): Record<Severity, number> {
    const out: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
    for (const r of rows) if (r.k in out) out[r.k as Severity] = r.n;
    return out;
  }

  function inventorySummary(): InventorySummary {
    const all = conditions();
    return { ...endpointFigures(all), openFindingsBySeverity: severityCounts(openFindingsBy('severity', all)) };
  }

  // A read transaction: every figure comes from the same snapshot.
  const dashboard = db.transaction((scope: ApplicationScope, opts: { top: number; days: number }): DashboardFigures => {
    const top = boundedInt(opts.top, MAX_PAGE_SIZE);
    const days = boundedInt(opts.days, MAX_DASHBOARD_DAYS);
    const inScope = conditions();
    inScope.scope(scope);

    const byClass =
      scope === 'all'
        ? (cached('SELECT data_class AS k, COUNT(*) AS n FROM endpoint_data_classes GROUP BY data_class ORDER BY data_class').all() as CountRow[])
        : (cached(`
            SELECT d.data_class AS k, COUNT(*) AS n FROM endpoints JOIN endpoint_data_classes d ON d.endpoint_id = endpoints.id
            ${inScope.sql()} GROUP BY d.data_class ORDER BY d.data_class`).all(...inScope.params) as CountRow[]);
    const topRisky =
      top === 0
        ? []
        : (cached(`SELECT ${SUMMARY_COLUMNS} FROM endpoints ${inScope.sql()} ORDER BY risk_score DESC, calls DESC, id ASC LIMIT ?`).all(
            ...inScope.params,
            top,
          ) as SummaryRow[]);

    return {
      ...endpointFigures(inScope),
      endpointsByDataClass: Object.fromEntries(byClass.map((r) => [r.k, r.n])),
      topRisky: topRisky.map(rowToSummary),
      newEndpointsByDay: newEndpointsByDay(inScope, days),
      openFindingsBySeverity: severityCounts(openFindingsBy('severity', inScope)),
      openFindingsByOwasp: Object.fromEntries(openFindingsBy('owasp', inScope).map((r) => [r.k, r.n])),
      // Unowned endpoints are outside every scope but 'all'.
      unownedEndpoints: scope === 'all' ? (st.countUnowned.get() as number) : 0,
    };
  });

  /** Endpoints first seen per UTC day, over the `days` days that end on the day of the newest `lastSeen`. */
  function newEndpointsByDay(w: Conditions, days: number): { day: string; count: number }[] {
    const newest = cached(`SELECT MAX(last_seen_ms) FROM endpoints ${w.sql()}`).pluck().get(...w.params) as number | null;
    if (newest === null || days === 0) return [];
    const start = (Math.floor(newest / DAY_MS) - days + 1) * DAY_MS;
    const range = conditions(w);
    range.add('first_seen_ms >= ?', start);
    range.add('first_seen_ms < ?', start + days * DAY_MS);
    // Offsets from `start` are never negative, so integer division is the floor. The driver binds JS
    // numbers as REAL, hence the cast: REAL arithmetic would give fractional days.
    const rows = cached(`SELECT (first_seen_ms - CAST(? AS INTEGER)) / ${DAY_MS} AS k, COUNT(*) AS n FROM endpoints ${range.sql()} GROUP BY k`).all(
      start,
      ...range.params,
    ) as { k: number; n: number }[];
    const counts = new Map(rows.map((r) => [r.k, r.n]));
    return Array.from({ length: days }, (_, i) => ({ day: new Date(start + i * DAY_MS).toISOString().slice(0, 10), count: counts.get(i) ?? 0 }));
  }

  const saveFindings = db.transaction((findings: Finding[]) => {
    const o = ownership();
    const nextChange = changes.counter();
    for (const incoming of findings) {
      const row = st.getFinding.get(incoming.id) as FindingRow | undefined;
      // The application is the store's to set, from the column; it is not kept in the document.
      const { applicationId: _ignored, ...f } = row ? mergeFinding(rowToFinding(row), incoming) : incoming;
      const endpointApplication = f.endpointId === null ? undefined : (st.getEndpointApplication.get(f.endpointId) as string | null | undefined);
      st.upsertFinding.run({
        id: f.id,
        rule_id: f.ruleId,
        severity: f.severity,
        severity_rank: SEVERITY_RANK[f.severity],
        endpoint_id: f.endpointId,
        host: f.host,
        status: f.status,
        first_seen: f.firstSeen,
        first_seen_ms: timestampMs(f.firstSeen),
        last_seen: f.lastSeen,
        last_seen_ms: timestampMs(f.lastSeen),
        count: f.count,
        doc: JSON.stringify(f),
        // Spec-audit findings belong to their spec's application (pinned or by host).
        application_id: f.specId ? ((st.specApplication.get(f.specId) as string | null | undefined) ?? null) : findingApplication(endpointApplication, f, o),
        owasp: f.owasp,
        path_template: f.pathTemplate,
        search_text: findingSearchText(f),
        change_seq: nextChange(),
        spec_id: f.specId ?? null,
      });
    }
  });

  /** A spec version's audit findings: upserted, and the spec's open findings not among them resolved. */
  const saveSpecFindings = db.transaction((specId: string, findings: Finding[], at: string): number => {
    saveFindings(findings);
    const keep = new Set(findings.map((f) => f.id));
    return changes.resolve((st.openSpecFindings.all(specId) as string[]).filter((id) => !keep.has(id)), at);
  });

  const resolveFindingsNotIn = db.transaction((endpointIds: string[], keep: string[], at: string): number => {
    return changes.resolve(st.openFindingsNotIn.all(JSON.stringify(endpointIds), JSON.stringify(keep)) as string[], at);
  });

  // A read transaction: the total and the page come from the same snapshot.
  const listFindings = db.transaction((q: FindingQuery): Page<Finding> => {
    const { limit, offset } = pageBounds(q.limit, q.offset);
    const scope = q.scope ?? 'all';
    if (isEmptyScope(scope)) return { items: [], total: 0, limit, offset };
    const w = conditions();
    w.scope(scope);
    if (q.application !== undefined) w.application(q.application);
    if (q.endpointId !== undefined) w.add('endpoint_id = ?', q.endpointId);
    if (q.severity !== undefined) w.add('severity = ?', q.severity);
    if (q.ruleId !== undefined) w.add('rule_id = ?', q.ruleId);
    // Unary + keeps the planner from driving the query by status: two values, so the index would hand
    // it most of the table to sort. Walking the sort index and testing status is the cheap plan.
    if (q.status !== undefined) w.add('+status = ?', q.status);
    if (q.host !== undefined) w.add('host = ?', q.host);
    if (q.owasp !== undefined) w.add('owasp = ?', q.owasp);
    if (q.minSeverity !== undefined) w.add('severity_rank >= ?', SEVERITY_RANK[q.minSeverity]);
    if (q.search !== undefined && q.search !== '') {
      // A substring test cannot seek, so it scans; the narrow findings_search index instead of the table.
      w.add('rowid IN (SELECT rowid FROM findings WHERE instr(search_text, ?) > 0)', q.search.toLowerCase());
    }
    const sort = FINDING_SORTS[q.sort ?? 'severity'] ?? FINDING_SORTS.severity;
    const dir = (q.order ?? sort.defaultOrder) === 'asc' ? 'ASC' : 'DESC';
    const orderSql = [...sort.columns, 'id'].map((col) => `${col} ${dir}`).join(', ');

    // The count has no order to walk: there the status may drive the plan (findings_open_owasp answers
    // "open in API2" from the index alone, 0.6 ms instead of 75 ms on 100,000 findings).
    const countWhere = w.sql().replace('+status = ?', 'status = ?');
    const total = cached(`SELECT COUNT(*) FROM findings ${countWhere}`).pluck().get(...w.params) as number;
    // Ids first, documents after: when a filter index drives the query, the sort then handles keys,
    // not every matching document.
    const ids =
      limit === 0
        ? []
        : (cached(`SELECT id FROM findings ${w.sql()} ORDER BY ${orderSql} LIMIT ? OFFSET ?`).pluck().all(...w.params, limit, offset) as string[]);
    const items = ids.map((id) => rowToFinding(st.getFinding.get(id) as FindingRow));
    return { items, total, limit, offset };
  });

  const addSamples = db.transaction((samples: EventSample[], maxPerEndpoint: number) => {
    const keep = Math.max(0, Math.trunc(Number.isNaN(maxPerEndpoint) ? 0 : maxPerEndpoint));
    const touched = new Set<string>();
    for (const s of samples) {
      st.insertSample.run(s.endpointId, s.timestamp, timestampMs(s.timestamp), JSON.stringify(s.event) ?? 'null');
      touched.add(s.endpointId);
    }
    for (const endpointId of touched) st.pruneSamples.run({ endpoint_id: endpointId, keep });
  });

  const addRejects = db.transaction((rejects: StoredReject[], maxKept: number) => {
    for (const r of rejects) st.insertReject.run(r.at, timestampMs(r.at), r.source, r.line ?? null, r.reason);
    st.pruneRejects.run(Math.max(0, Math.trunc(Number.isNaN(maxKept) ? 0 : maxKept)));
  });

  const createFirstUser = db.transaction((user: StoredUser) => st.insertFirstUser.run(userParams(user)).changes > 0);

  function listUsers(q: UserQuery): Page<StoredUser> {
    const { limit, offset } = pageBounds(q.limit, q.offset);
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.role !== undefined) {
      where.push('role = ?');
      params.push(q.role);
    }
    if (q.status !== undefined) {
      where.push('status = ?');
      params.push(q.status);
    }
    const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = cached(`SELECT COUNT(*) FROM users ${whereSql}`).pluck().get(...params) as number;
    const rows =
      limit === 0 ? [] : (cached(`SELECT * FROM users ${whereSql} ORDER BY email_key, id LIMIT ? OFFSET ?`).all(...params, limit, offset) as UserRow[]);
    return { items: rows.map(rowToUser), total, limit, offset };
  }

  const updateUser = db.transaction((id: string, patch: UserPatch): StoredUser | null => {
    const sets: string[] = ['updated_at = ?'];
    const params: unknown[] = [patch.updatedAt];
    const set = (column: string, value: unknown) => {
      sets.push(`${column} = ?`);
      params.push(value);
    };
    if (patch.displayName !== undefined) set('display_name', patch.displayName);
    if (patch.role !== undefined) set('role', patch.role);
    if (patch.applications !== undefined) set('applications', JSON.stringify(patch.applications));
    if (patch.status !== undefined) set('status', patch.status);
    if (patch.passwordHash !== undefined) set('password_hash', patch.passwordHash);
    if (patch.failedLogins !== undefined) set('failed_logins', patch.failedLogins);
    if (patch.lockedUntil !== undefined) set('locked_until', patch.lockedUntil);
    if (cached(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...params, id).changes === 0) return null;
    return rowToUser(st.getUser.get(id) as UserRow);
  });

  const recordLoginFailure = db.transaction(
    (id: string, o: { lockAfter: number; lockUntil: string; at: string }): LoginFailureResult | null => {
      const current = st.getFailedLogins.get(id) as number | undefined;
      if (current === undefined) return null;
      const count = current + 1;
      const locked = count >= Math.max(1, Math.trunc(o.lockAfter));
      st.setFailedLogins.run(locked ? 0 : count, locked ? o.lockUntil : null, o.at, id);
      return { failedLogins: locked ? 0 : count, lockedUntil: st.getLockedUntil.get(id) as string | null, locked };
    },
  );

  const consumeUserToken = db.transaction((hash: string, purpose: UserTokenPurpose, at: string): StoredUserToken | null => {
    const row = st.getUserToken.get(hash, purpose) as UserTokenRow | undefined;
    if (!row || row.used_at !== null || timestampMs(at) >= row.expires_ms) return null;
    st.useUserToken.run(at, hash);
    return { ...rowToUserToken(row), usedAt: at };
  });

  const createSession = db.transaction((s: StoredSession, maxPerUser: number) => {
    st.insertSession.run({
      id_hash: s.idHash,
      user_id: s.userId,
      csrf_hash: s.csrfHash,
      client_address: s.clientAddress,
      created_at: s.createdAt,
      created_ms: timestampMs(s.createdAt),
      last_seen_at: s.lastSeenAt,
      last_seen_ms: timestampMs(s.lastSeenAt),
      expires_at: s.expiresAt,
      expires_ms: timestampMs(s.expiresAt),
    });
    st.pruneUserSessions.run(s.userId, Math.max(1, Math.trunc(Number.isNaN(maxPerUser) ? 1 : maxPerUser)));
  });

  function applicationParams(app: Application) {
    return {
      id: app.id,
      name: app.name,
      name_key: app.name.trim().toLowerCase(),
      owners: JSON.stringify(app.owners),
      team: app.team,
      contacts: JSON.stringify(app.contacts),
      criticality: app.criticality,
      data_tags: JSON.stringify(app.dataTags),
      created_at: app.createdAt,
      created_ms: timestampMs(app.createdAt),
      updated_at: app.updatedAt,
    };
  }

  /** Writes an application's row and owners; false for an unknown id (update only). */
  function writeApplication(app: Application, mode: 'insert' | 'update'): boolean {
    const params = applicationParams(app);
    if (mode === 'insert') st.insertApplication.run(params);
    else {
      const { created_at: _c, created_ms: _m, ...rest } = params;
      if (st.updateApplication.run(rest).changes === 0) return false;
      st.deleteApplicationOwners.run(app.id);
    }
    for (const owner of app.owners) st.insertApplicationOwner.run(app.id, owner);
    return true;
  }

  // An ownership change re-assigns the whole estate in its own transaction: no reader ever sees
  // endpoints claimed by a rule list that did not exist.
  const createApplication = db.transaction((app: Application) => {
    writeApplication(app, 'insert');
    if (app.matchers.length > 0) {
      writeOwnershipRules(db, appendHostRules(loadOwnershipRules(db), app.id, app.matchers));
      reassignAll();
    }
  });

  const updateApplication = db.transaction((app: Application): boolean => {
    const before = st.getApplication.get(app.id) as ApplicationRow | undefined;
    if (!before || !writeApplication(app, 'update')) return false;
    const rules = loadOwnershipRules(db);
    const key = (m: Application['matchers']) => JSON.stringify(m.map((x) => [x.host, x.pathPrefix ?? null]));
    if (key(matchersOf(app.id, rules)) !== key(app.matchers)) {
      writeOwnershipRules(db, replaceHostRules(rules, app.id, app.matchers));
      reassignAll();
    } else if (before.name !== app.name || before.criticality !== app.criticality) {
      // Nothing moves, but the business factor names the application and weighs its criticality.
      rescoreBusinessRisk(db, loadOwnership(db, risk), risk.levels);
    }
    return true;
  });

  const deleteApplication = db.transaction((id: string): boolean => {
    // Its rules go with it (foreign key, ON DELETE CASCADE).
    if (st.deleteApplication.run(id).changes === 0) return false;
    reassignAll();
    return true;
  });

  const replaceOwnershipRules = db.transaction((rules: OwnershipRule[]): OwnershipChangeResult => {
    writeOwnershipRules(db, rules);
    return { endpointsReassigned: reassignAll() };
  });

  /** Thrown inside a dry run's transaction to roll it back, carrying what it would have changed. */
  class DryRun extends Error {
    constructor(readonly result: OwnershipChangeResult) {
      super('dry run');
    }
  }

  const applyOwnership = db.transaction((change: OwnershipChange, dryRun: boolean): OwnershipChangeResult => {
    // Deletions first, so that a new application may take a deleted one's name.
    for (const id of change.delete) st.deleteApplication.run(id);
    for (const app of change.update) if (!writeApplication(app, 'update')) throw conflict(`application ${app.id} does not exist`);
    for (const app of change.create) writeApplication(app, 'insert');
    writeOwnershipRules(db, change.rules);
    const result = { endpointsReassigned: reassignAll() };
    if (dryRun) throw new DryRun(result);
    return result;
  });

  /** Endpoints, findings and specs under the rules as they now are, and their business factors (inside the change's transaction). */
  function reassignAll(): number {
    const o = loadOwnership(db, risk);
    const changed = reassignApplications(db, o);
    reassignSpecApplications(db, new Set(o.applications.keys()), specClaim(db, o));
    remediation.followOwnership();
    cases.reassignCases();
    rescoreBusinessRisk(db, o, risk.levels);
    return changed;
  }

  /** Runs an ownership change; the cached rules are dropped whether it commits or rolls back. */
  function changingOwnership<T>(fn: () => T): T {
    try {
      return fn();
    } finally {
      ownershipCache = null;
    }
  }

  /** At start: a weight or thresholds other than those the stored scores were computed with re-score the estate. */
  const syncBusinessRisk = db.transaction(() => {
    const settings = JSON.stringify(risk);
    if (st.getRiskMeta.get() === settings) return;
    rescoreBusinessRisk(db, loadOwnership(db, risk), risk.levels);
    st.setRiskMeta.run(settings);
  });

  function listApplications(q: ApplicationQuery): Page<Application> {
    const { limit, offset } = pageBounds(q.limit, q.offset);
    const whereSql = q.owner !== undefined ? 'WHERE id IN (SELECT application_id FROM application_owners WHERE user_id = ?)' : '';
    const params = q.owner !== undefined ? [q.owner] : [];
    const total = cached(`SELECT COUNT(*) FROM applications ${whereSql}`).pluck().get(...params) as number;
    const rows =
      limit === 0
        ? []
        : (cached(`SELECT * FROM applications ${whereSql} ORDER BY created_ms, id LIMIT ? OFFSET ?`).all(...params, limit, offset) as ApplicationRow[]);
    const rules = ownership().rules;
    return { items: rows.map((r) => rowToApplication(r, rules)), total, limit, offset };
  }

  const appendAudit = db.transaction((d: AuditDraft): AuditEntry => {
    const last = st.lastAudit.get() as { seq: number; hash: string } | undefined;
    const unsealed = {
      seq: (last?.seq ?? 0) + 1,
      at: d.at,
      actor: { kind: d.actor.kind, id: d.actor.id },
      action: d.action,
      target: d.target ? { type: d.target.type, id: d.target.id } : null,
      before: toJsonData(d.before),
      after: toJsonData(d.after),
      clientAddress: d.clientAddress,
    };
    const prevHash = last?.hash ?? AUDIT_GENESIS_HASH;
    const entry: AuditEntry = { ...unsealed, prevHash, hash: auditEntryHash(prevHash, unsealed) };
    st.insertAudit.run({
      seq: entry.seq,
      at: entry.at,
      at_ms: timestampMs(entry.at),
      actor_kind: entry.actor.kind,
      actor_id: entry.actor.id,
      action: entry.action,
      target_type: entry.target?.type ?? null,
      target_id: entry.target?.id ?? null,
      before_json: JSON.stringify(entry.before),
      after_json: JSON.stringify(entry.after),
      client_address: entry.clientAddress,
      prev_hash: entry.prevHash,
      hash: entry.hash,
    });
    return entry;
  });

  function listAudit(q: AuditQuery): Page<AuditEntry> {
    const { limit, offset } = pageBounds(q.limit, q.offset);
    const where: string[] = [];
    const params: unknown[] = [];
    const eq = (column: string, value: unknown) => {
      where.push(`${column} = ?`);
      params.push(value);
    };
    if (q.actorId !== undefined) eq('actor_id', q.actorId);
    if (q.actorKind !== undefined) eq('actor_kind', q.actorKind);
    if (q.action !== undefined) eq('action', q.action);
    if (q.targetType !== undefined) eq('target_type', q.targetType);
    if (q.targetId !== undefined) eq('target_id', q.targetId);
    if (q.from !== undefined) {
      where.push('at_ms >= ?');
      params.push(timestampMs(q.from));
    }
    if (q.to !== undefined) {
      where.push('at_ms < ?');
      params.push(timestampMs(q.to));
    }
    const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    const total = cached(`SELECT COUNT(*) FROM audit_log ${whereSql}`).pluck().get(...params) as number;
    const rows =
      limit === 0 ? [] : (cached(`SELECT * FROM audit_log ${whereSql} ORDER BY seq ${dir} LIMIT ? OFFSET ?`).all(...params, limit, offset) as AuditRow[]);
    return { items: rows.map(rowToAudit), total, limit, offset };
  }

  /** The application a spec gets: its pinned one while that exists, else the first rule that matches the spec. */
  function specApplication(id: string, name: string, title: string | null, links: SpecLinks, facts: { owners: string[]; tags: string[] }) {
    const o = ownership();
    const pinned = links.pinnedApplicationId !== null && o.applications.has(links.pinnedApplicationId) ? links.pinnedApplicationId : null;
    return { applicationId: pinned ?? o.spec({ id, name, title, hosts: links.hosts, ...facts }), pinned };
  }

  function specParams(id: string, name: string, title: string | null, links: SpecLinks, latestVersion: number, at: string, facts: { owners: string[]; tags: string[] }) {
    const { applicationId, pinned } = specApplication(id, name, title, links, facts);
    return {
      id,
      name,
      name_key: name.toLowerCase(),
      search_text: specSearchText(name, title),
      hosts: JSON.stringify(links.hosts),
      hosts_source: links.hostsSource,
      apis: JSON.stringify(links.apis),
      application_id: applicationId,
      pinned_application_id: pinned,
      updated_at: at,
      updated_ms: timestampMs(at),
      latest_version: latestVersion,
    };
  }

  function insertSpecVersion(specId: string, version: number, v: NewSpecVersion): void {
    st.insertSpecVersion.run({
      spec_id: specId,
      version,
      created_at: v.createdAt,
      created_ms: timestampMs(v.createdAt),
      created_by_kind: v.createdBy.kind,
      created_by_id: v.createdBy.id,
      source: v.source,
      sha256: v.sha256,
      bytes: v.bytes,
      dialect: v.dialect,
      declared_version: v.declaredVersion,
      title: v.title,
      info_version: v.infoVersion,
      operations: v.operations,
      score_formula: v.score.formula,
      score_total: v.score.total,
      score_security: v.score.security,
      score_data_validation: v.score.dataValidation,
      findings_total: v.findingsTotal,
      findings_critical: v.findingCounts.critical,
      findings_high: v.findingCounts.high,
      findings_medium: v.findingCounts.medium,
      findings_low: v.findingCounts.low,
      findings_info: v.findingCounts.info,
      findings_truncated: v.findingsTruncated ? 1 : 0,
      findings: JSON.stringify(v.findings),
      text: v.text,
    });
  }

  function setSpecHosts(specId: string, hosts: readonly string[]): void {
    st.deleteSpecHosts.run(specId);
    for (const h of hosts) st.insertSpecHost.run(specId, h);
  }

  function getSpec(id: string): Spec | null {
    const row = st.getSpec.get(id) as SpecJoinRow | undefined;
    return row ? rowToSpec(row) : null;
  }

  const createSpec = db.transaction((spec: NewSpec, first: NewSpecVersion, facts: SpecOwnershipFacts): Spec => {
    const params = specParams(spec.id, spec.name, first.title, spec.links, 1, first.createdAt, subjectFacts(facts));
    st.insertSpec.run({ ...params, created_at: first.createdAt, created_ms: timestampMs(first.createdAt) });
    setSpecHosts(spec.id, spec.links.hosts);
    insertSpecVersion(spec.id, 1, first);
    writeSpecFacts(db, spec.id, facts);
    // No endpoint is covered by a spec that did not exist: nothing else to re-assign.
    return getSpec(spec.id)!;
  });

  const addSpecVersion = db.transaction((specId: string, v: NewSpecVersion, links: SpecLinks, facts: SpecOwnershipFacts, name?: string): AddedSpecVersion | null => {
    const head = st.getSpecHead.get(specId) as SpecHeadRow | undefined;
    if (!head) return null;
    const created = head.sha256 !== v.sha256;
    const latest = created ? head.latest_version + 1 : head.latest_version;
    const newName = name ?? head.name;
    const hosts = JSON.stringify(links.hosts);
    const changed =
      created ||
      newName !== head.name ||
      hosts !== head.hosts ||
      links.hostsSource !== head.hosts_source ||
      JSON.stringify(links.apis) !== head.apis ||
      links.pinnedApplicationId !== head.pinned_application_id;
    if (created) {
      insertSpecVersion(specId, latest, v);
      writeSpecFacts(db, specId, facts);
    }
    if (changed) {
      // A repeated upload that changes nothing leaves the spec, its update time included, as it was.
      const current = created ? subjectFacts(facts) : specSubjectFacts(db, specId);
      st.updateSpec.run(specParams(specId, newName, created ? v.title : head.title, links, latest, v.createdAt, current));
      if (hosts !== head.hosts) setSpecHosts(specId, links.hosts);
      // Spec rules read the latest version and the name: the endpoints it documents may change hands.
      if ((created || newName !== head.name) && ownership().compiled.usesSpecs) reassignAll();
      // A new pin or new hosts may give the spec another application: its audit findings and tasks follow.
      else remediation.followOwnership();
    }
    const version = rowToSpecVersion(st.getSpecVersionSummary.get(specId, latest) as SpecVersionRow);
    return { spec: getSpec(specId)!, version, created };
  });

  // A read transaction: the total and the page come from the same snapshot.
  const listSpecs = db.transaction((q: SpecQuery): Page<Spec> => {
    const { limit, offset } = pageBounds(q.limit, q.offset);
    const scope = q.scope ?? 'all';
    if (isEmptyScope(scope)) return { items: [], total: 0, limit, offset };
    const w = conditions();
    w.scope(scope);
    if (q.application !== undefined) w.application(q.application);
    if (q.host !== undefined) w.add('EXISTS (SELECT 1 FROM spec_hosts h WHERE h.spec_id = s.id AND h.host = ?)', q.host.trim().toLowerCase());
    if (q.search !== undefined && q.search !== '') w.add('instr(s.search_text, ?) > 0', q.search.toLowerCase());
    const sort = SPEC_SORTS[q.sort ?? 'name'] ?? SPEC_SORTS.name;
    const dir = (q.order ?? sort.defaultOrder) === 'asc' ? 'ASC' : 'DESC';
    const orderSql = [...sort.columns, 's.id'].map((col) => `${col} ${dir}`).join(', ');
    const total = cached(`SELECT COUNT(*) FROM specs s ${w.sql()}`).pluck().get(...w.params) as number;
    const rows = limit === 0 ? [] : (cached(`${SPEC_SELECT} ${w.sql()} ORDER BY ${orderSql} LIMIT ? OFFSET ?`).all(...w.params, limit, offset) as SpecJoinRow[]);
    return { items: rows.map(rowToSpec), total, limit, offset };
  });

  const listSpecVersions = db.transaction((specId: string, paging: { limit?: number; offset?: number }): Page<SpecVersionSummary> => {
    const { limit, offset } = pageBounds(paging.limit, paging.offset);
    const total = st.countSpecVersions.get(specId) as number;
    const rows = limit === 0 ? [] : (st.listSpecVersions.all(specId, limit, offset) as SpecVersionRow[]);
    return { items: rows.map(rowToSpecVersion), total, limit, offset };
  });

  const deleteSpec = db.transaction((id: string): boolean => {
    if (st.deleteSpec.run(id).changes === 0) return false;
    // Its coverage rows went with it: endpoints a spec rule gave an owner through it may lose it.
    if (ownership().compiled.usesSpecs) reassignAll();
    return true;
  });

  return {
    db,
    st,
    cases,
    ownership,
    syncBusinessRisk: () => syncBusinessRisk.immediate(),
    deleteSpec: (id: string) => changingOwnership(() => deleteSpec.immediate(id)),
    remediation,
    resolveFindingsNotIn,
    saveSpecFindings,
    // The facts are read before the write lock is taken: parsing a large spec must not hold it.
    createSpec: (spec: NewSpec, first: NewSpecVersion) => changingOwnership(() => createSpec.immediate(spec, first, factsOf(first))),
    // IMMEDIATE takes the write lock before reading the latest version: two uploads cannot take one number.
    addSpecVersion: (specId: string, v: NewSpecVersion, links: SpecLinks, name?: string) =>
      changingOwnership(() => addSpecVersion.immediate(specId, v, links, factsOf(v), name)),
    getSpec,
    listSpecs: (q: SpecQuery) => listSpecs.deferred(q),
    listSpecVersions: (specId: string, paging: { limit?: number; offset?: number }) => listSpecVersions.deferred(specId, paging),
    createFirstUser: (user: StoredUser) => createFirstUser.immediate(user),
    listUsers,
    updateUser: (id: string, patch: UserPatch) => updateUser.immediate(id, patch),
    recordLoginFailure: (id: string, o: { lockAfter: number; lockUntil: string; at: string }) => recordLoginFailure.immediate(id, o),
    consumeUserToken: (hash: string, purpose: UserTokenPurpose, at: string) => consumeUserToken.immediate(hash, purpose, at),
    createSession: (s: StoredSession, maxPerUser: number) => createSession.immediate(s, maxPerUser),
    createApplication: (app: Application) => changingOwnership(() => createApplication.immediate(app)),
    updateApplication: (app: Application) => changingOwnership(() => updateApplication.immediate(app)),
    deleteApplication: (id: string) => changingOwnership(() => deleteApplication.immediate(id)),
    replaceOwnershipRules: (rules: OwnershipRule[]) => changingOwnership(() => replaceOwnershipRules.immediate(rules)),
    applyOwnership: (change: OwnershipChange, dryRun: boolean) =>
      changingOwnership(() => {
        try {
          return applyOwnership.immediate(change, dryRun);
        } catch (err) {
          if (err instanceof DryRun) return err.result;
          throw err;
        }
      }),
    listApplications,
    // IMMEDIATE takes the write lock before reading the last entry: two processes cannot both extend it.
    appendAudit: (d: AuditDraft) => appendAudit.immediate(d),
    listAudit,
    saveEndpoints: (rows: StoredEndpoint[], removed: string[]) => saveEndpoints.immediate(rows, removed),
    listEndpoints: (q: EndpointQuery) => listEndpoints.deferred(q),
    inventorySummary,
    dashboard: (scope: ApplicationScope, opts: { top: number; days: number }) => dashboard.deferred(scope, opts),
    saveFindings: (findings: Finding[]) => saveFindings.immediate(findings),
    listFindings: (q: FindingQuery) => listFindings.deferred(q),
    addSamples: (samples: EventSample[], max: number) => addSamples.immediate(samples, max),
    addRejects: (rejects: StoredReject[], max: number) => addRejects.immediate(rejects, max),
    saveConformance: conformance.saveConformance,
    loadConformance: conformance.loadConformance,
    specConformance: conformance.specConformance,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Rows and their mapping to contract objects.

const DAY_MS = 86_400_000;
/** `dashboard`'s `days` is bounded: the series is built in memory, one entry a day. */
const MAX_DASHBOARD_DAYS = 366;

function boundedInt(value: number, max: number): number {
  return Number.isNaN(value) ? 0 : Math.min(Math.max(Math.trunc(value), 0), max);
}

interface CountRow {
  k: string;
  n: number;
}

const byColumns =
  (...columns: string[]) =>
  (dir: 'ASC' | 'DESC'): string =>
    [...columns, 'id'].map((col) => `${col} ${dir}`).join(', ');

/**
 * Sort keys and their natural direction (biggest, newest and riskiest first; names alphabetically).
 * `id` is appended as the tiebreaker in the same direction, so pages never overlap or skip, and every
 * ordering matches an index read forwards or backwards.
 */
const ENDPOINT_SORTS: Record<EndpointSort, { orderBy: (dir: 'ASC' | 'DESC') => string; defaultOrder: 'asc' | 'desc' }> = {
  risk: { orderBy: byColumns('risk_score'), defaultOrder: 'desc' },
  calls: { orderBy: byColumns('calls'), defaultOrder: 'desc' },
  consumers: { orderBy: byColumns('consumers'), defaultOrder: 'desc' },
  lastSeen: { orderBy: byColumns('last_seen_ms'), defaultOrder: 'desc' },
  firstSeen: { orderBy: byColumns('first_seen_ms'), defaultOrder: 'desc' },
  path: { orderBy: byColumns('path_template'), defaultOrder: 'asc' },
  host: { orderBy: byColumns('host', 'path_template'), defaultOrder: 'asc' },
  method: { orderBy: byColumns('method', 'host', 'path_template'), defaultOrder: 'asc' },
  api: { orderBy: byColumns('api', 'path_template'), defaultOrder: 'asc' },
  // Unassigned endpoints come last in both directions. NULL sorts lowest, so descending is the plain
  // index backwards; ascending needs the IS NULL term (and its own index, endpoints_application_sort).
  application: {
    orderBy: (dir) => (dir === 'ASC' ? 'application_id IS NULL, application_id ASC, id ASC' : 'application_id DESC, id DESC'),
    defaultOrder: 'asc',
  },
};

/** As for endpoints; `severity` is severity, then `lastSeen`. */
const FINDING_SORTS: Record<FindingSort, { columns: string[]; defaultOrder: 'asc' | 'desc' }> = {
  severity: { columns: ['severity_rank', 'last_seen_ms'], defaultOrder: 'desc' },
  lastSeen: { columns: ['last_seen_ms'], defaultOrder: 'desc' },
  firstSeen: { columns: ['first_seen_ms'], defaultOrder: 'desc' },
  count: { columns: ['count'], defaultOrder: 'desc' },
  rule: { columns: ['rule_id'], defaultOrder: 'asc' },
  host: { columns: ['host'], defaultOrder: 'asc' },
};

const SUMMARY_COLUMNS =
  'id, host, api, application_id, method, path_template, first_seen, last_seen, calls, consumers, documented, risk_score, ' +
  `risk_level, internet_exposed, authenticated, plain_http, data_classes, auth_kinds, ${COVERAGE_COLUMN}`;

interface SummaryRow {
  id: string;
  host: string;
  api: string;
  application_id: string | null;
  method: string;
  path_template: string;
  first_seen: string;
  last_seen: string;
  calls: number;
  consumers: number;
  documented: number;
  risk_score: number;
  risk_level: string;
  internet_exposed: number;
  authenticated: number;
  plain_http: number;
  data_classes: string;
  auth_kinds: string;
  coverage: string | null;
}

function rowToSummary(r: SummaryRow): EndpointSummary {
  return {
    id: r.id,
    host: r.host,
    api: r.api,
    applicationId: r.application_id,
    method: r.method as EndpointSummary['method'],
    pathTemplate: r.path_template,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    calls: r.calls,
    consumers: r.consumers,
    documented: r.documented === 1,
    riskScore: r.risk_score,
    riskLevel: r.risk_level as RiskLevel,
    internetExposed: r.internet_exposed === 1,
    authenticated: r.authenticated === 1,
    plainHttp: r.plain_http === 1,
    dataClasses: JSON.parse(r.data_classes) as string[],
    authKinds: JSON.parse(r.auth_kinds) as EndpointSummary['authKinds'],
    coverage: parseCoverage(r.coverage),
  };
}

/** What endpoint reads select: the document and what lives beside it. */
const ENDPOINT_DOC_COLUMNS = `doc, application_id, risk_score, risk_level,
  (SELECT factor FROM endpoint_risk WHERE endpoint_risk.endpoint_id = endpoints.id) AS business, ${COVERAGE_COLUMN}`;

interface EndpointDocRow {
  doc: string;
  application_id: string | null;
  risk_score: number;
  risk_level: string;
  /** The business-criticality factor (JSON), NULL without an application. */
  business: string | null;
  coverage?: string | null;
}

/**
 * The application lives in its column: re-assignment updates the column, not every document. So does the
 * business factor (endpoint_risk) with the score and level it gives (the columns lists sort by). Coverage
 * lives in its table (deleting a spec deletes the coverage it gave), when the query reads it.
 */
function rowToEndpoint(r: EndpointDocRow): Endpoint {
  const e: Endpoint = { ...(JSON.parse(r.doc) as Endpoint), applicationId: r.application_id };
  if (r.business !== null) {
    e.risk = { ...e.risk, score: r.risk_score, level: r.risk_level as RiskLevel, factors: [...e.risk.factors, JSON.parse(r.business) as RiskFactor] };
  }
  // An endpoint saved without coverage (before conformance, or by a caller that does not set it) reads back as saved.
  if (r.coverage !== undefined && (r.coverage !== null || 'coverage' in e)) e.coverage = parseCoverage(r.coverage);
  return e;
}

const FINDING_COLUMNS = 'doc, status, application_id';

interface FindingRow {
  doc: string;
  status: string;
  application_id: string | null;
}

/**
 * `status` lives in its column because `resolveFindingsNotIn` changes it in bulk without rewriting docs;
 * `applicationId` because re-assignment does the same.
 */
function rowToFinding(r: FindingRow): Finding {
  return { ...(JSON.parse(r.doc) as Finding), status: r.status as Finding['status'], applicationId: r.application_id };
}

interface RejectRow {
  at: string;
  source: string;
  line: number | null;
  reason: string;
}

function rowToReject(r: RejectRow): StoredReject {
  const out: StoredReject = { source: r.source, reason: r.reason, at: r.at };
  if (r.line !== null) out.line = r.line;
  return out;
}

interface TokenRow {
  id: string;
  name: string;
  scopes: string;
  hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked: number;
}

function rowToToken(r: TokenRow): StoredToken {
  return {
    id: r.id,
    name: r.name,
    scopes: JSON.parse(r.scopes) as TokenScope[],
    hash: r.hash,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revoked: r.revoked === 1,
  };
}

const USER_COLUMNS =
  'id, email, email_key, display_name, role, applications, status, password_hash, failed_logins, locked_until, ' +
  'last_login_at, created_at, updated_at';
const USER_PARAMS =
  '@id, @email, @email_key, @display_name, @role, @applications, @status, @password_hash, @failed_logins, @locked_until, ' +
  '@last_login_at, @created_at, @updated_at';

interface UserRow {
  id: string;
  email: string;
  email_key: string;
  display_name: string;
  role: string;
  applications: string;
  status: string;
  password_hash: string | null;
  failed_logins: number;
  locked_until: string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

function userParams(u: StoredUser): UserRow {
  return {
    id: u.id,
    email: u.email,
    email_key: emailKey(u.email),
    display_name: u.displayName,
    role: u.role,
    applications: JSON.stringify(u.applications),
    status: u.status,
    password_hash: u.passwordHash,
    failed_logins: u.failedLogins,
    locked_until: u.lockedUntil,
    last_login_at: u.lastLoginAt,
    created_at: u.createdAt,
    updated_at: u.updatedAt,
  };
}

function rowToUser(r: UserRow): StoredUser {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    role: r.role as Role,
    applications: JSON.parse(r.applications) as string[],
    status: r.status as UserStatus,
    failedLogins: r.failed_logins,
    lockedUntil: r.locked_until,
    lastLoginAt: r.last_login_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    passwordHash: r.password_hash,
  };
}

interface UserTokenRow {
  hash: string;
  user_id: string;
  purpose: string;
  created_at: string;
  expires_at: string;
  expires_ms: number;
  used_at: string | null;
}

function rowToUserToken(r: UserTokenRow): StoredUserToken {
  return {
    hash: r.hash,
    userId: r.user_id,
    purpose: r.purpose as UserTokenPurpose,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    usedAt: r.used_at,
  };
}

interface SessionRow {
  id_hash: string;
  user_id: string;
  csrf_hash: string;
  client_address: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

function rowToSession(r: SessionRow): StoredSession {
  return {
    idHash: r.id_hash,
    userId: r.user_id,
    csrfHash: r.csrf_hash,
    clientAddress: r.client_address,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
  };
}

interface ApplicationRow {
  id: string;
  name: string;
  owners: string;
  team: string | null;
  contacts: string;
  criticality: string;
  data_tags: string;
  created_at: string;
  updated_at: string;
}

/** `matchers` are the application's host rules in `rules` (the list in order). */
function rowToApplication(r: ApplicationRow, rules: readonly OwnershipRule[]): Application {
  return {
    id: r.id,
    name: r.name,
    owners: JSON.parse(r.owners) as string[],
    matchers: matchersOf(r.id, rules),
    team: r.team,
    contacts: JSON.parse(r.contacts) as string[],
    criticality: r.criticality as Application['criticality'],
    dataTags: JSON.parse(r.data_tags) as string[],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** What a spec rule reads of a spec itself: its owners and every tag of its operations. */
function subjectFacts(f: SpecOwnershipFacts): { owners: string[]; tags: string[] } {
  return { owners: f.owners, tags: [...new Set(f.operations.flatMap((o) => o.tags))] };
}

function factsOf(v: NewSpecVersion): SpecOwnershipFacts {
  return v.ownership ?? specOwnershipFactsFromText(v.text);
}

const BUSINESS_RISK_META = 'risk.business-settings';


interface AuditRow {
  seq: number;
  at: string;
  actor_kind: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before_json: string;
  after_json: string;
  client_address: string | null;
  prev_hash: string;
  hash: string;
}

function rowToAudit(r: AuditRow): AuditEntry {
  return {
    seq: r.seq,
    at: r.at,
    actor: { kind: r.actor_kind as AuditEntry['actor']['kind'], id: r.actor_id },
    action: r.action,
    target: r.target_type !== null && r.target_id !== null ? { type: r.target_type, id: r.target_id } : null,
    before: JSON.parse(r.before_json) as unknown,
    after: JSON.parse(r.after_json) as unknown,
    clientAddress: r.client_address,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

// Specs: the spec's own columns, prefixed `s_`, and its latest version's summary columns.

const SPEC_VERSION_COLUMNS =
  'spec_id, version, created_at, created_by_kind, created_by_id, source, sha256, bytes, dialect, declared_version, title, ' +
  'info_version, operations, score_formula, score_total, score_security, score_data_validation, findings_total, ' +
  'findings_critical, findings_high, findings_medium, findings_low, findings_info';

/** Lists and reads join the latest version's summary; its findings and text (the wide columns) are not read. */
const SPEC_SELECT = `
  SELECT s.id AS s_id, s.name AS s_name, s.hosts AS s_hosts, s.hosts_source AS s_hosts_source, s.apis AS s_apis,
    s.application_id AS s_application_id, s.pinned_application_id AS s_pinned_application_id, s.created_at AS s_created_at,
    s.updated_at AS s_updated_at, s.latest_version AS s_latest_version,
    ${SPEC_VERSION_COLUMNS.split(', ').map((c) => `v.${c}`).join(', ')}
  FROM specs s JOIN spec_versions v ON v.spec_id = s.id AND v.version = s.latest_version`;

/** Sort keys and their natural direction; `s.id` breaks ties in the same direction. */
const SPEC_SORTS: Record<SpecSort, { columns: string[]; defaultOrder: 'asc' | 'desc' }> = {
  name: { columns: ['s.name_key'], defaultOrder: 'asc' },
  updated: { columns: ['s.updated_ms'], defaultOrder: 'desc' },
  // Worst first.
  score: { columns: ['v.score_total'], defaultOrder: 'asc' },
};

interface SpecVersionRow {
  spec_id: string;
  version: number;
  created_at: string;
  created_by_kind: string;
  created_by_id: string | null;
  source: string;
  sha256: string;
  bytes: number;
  dialect: string;
  declared_version: string;
  title: string | null;
  info_version: string | null;
  operations: number;
  score_formula: string;
  score_total: number;
  score_security: number;
  score_data_validation: number;
  findings_total: number;
  findings_critical: number;
  findings_high: number;
  findings_medium: number;
  findings_low: number;
  findings_info: number;
}

interface SpecJoinRow extends SpecVersionRow {
  s_id: string;
  s_name: string;
  s_hosts: string;
  s_hosts_source: string;
  s_apis: string;
  s_application_id: string | null;
  s_pinned_application_id: string | null;
  s_created_at: string;
  s_updated_at: string;
  s_latest_version: number;
}

interface SpecHeadRow {
  name: string;
  hosts: string;
  hosts_source: string;
  apis: string;
  pinned_application_id: string | null;
  latest_version: number;
  sha256: string;
  title: string | null;
}

function rowToSpecVersion(r: SpecVersionRow): SpecVersionSummary {
  return {
    specId: r.spec_id,
    version: r.version,
    createdAt: r.created_at,
    createdBy: { kind: r.created_by_kind as SpecVersionSummary['createdBy']['kind'], id: r.created_by_id },
    source: r.source,
    sha256: r.sha256,
    bytes: r.bytes,
    dialect: r.dialect as SpecVersionSummary['dialect'],
    declaredVersion: r.declared_version,
    title: r.title,
    infoVersion: r.info_version,
    operations: r.operations,
    score: { formula: r.score_formula, total: r.score_total, security: r.score_security, dataValidation: r.score_data_validation },
    findingCounts: { critical: r.findings_critical, high: r.findings_high, medium: r.findings_medium, low: r.findings_low, info: r.findings_info },
    findingsTotal: r.findings_total,
  };
}

function rowToSpecVersionDetail(r: SpecVersionRow & { findings: string; findings_truncated: number; text: string }): SpecVersionDetail {
  return { ...rowToSpecVersion(r), text: r.text, findings: JSON.parse(r.findings) as SpecFindingView[], findingsTruncated: r.findings_truncated === 1 };
}

function rowToSpec(r: SpecJoinRow): Spec {
  return {
    id: r.s_id,
    name: r.s_name,
    hosts: JSON.parse(r.s_hosts) as string[],
    hostsSource: r.s_hosts_source as Spec['hostsSource'],
    apis: JSON.parse(r.s_apis) as string[],
    applicationId: r.s_application_id,
    applicationPinned: r.s_pinned_application_id !== null,
    createdAt: r.s_created_at,
    updatedAt: r.s_updated_at,
    latestVersion: r.s_latest_version,
    latest: rowToSpecVersion(r),
  };
}
