import type { Endpoint, EndpointSummary, RiskLevel } from '../contracts/endpoint.js';
import type { Finding, Severity } from '../contracts/finding.js';
import type { Reject } from '../contracts/api-event.js';
import type { Application, AuditActorKind, AuditEntry, Role, User, UserStatus } from '../contracts/identity.js';
import type { SPEC_SORTS, Spec, SpecVersionDetail, SpecVersionSummary } from '../contracts/spec-registry.js';
import type { ConformanceOperation, DriftItem, ShadowItem } from '../contracts/conformance.js';
import type { OutboxEntry, OutboxMessage, RemediationTask, SlaState, TaskEvent, TaskStatus, TicketSystem } from '../contracts/remediation.js';
import type { CaseComment, CaseResolution, CaseStatus, CaseSummary, Suppression, ThreatCase, ThreatDaily, ThreatIssue, TimelineItem } from '../contracts/cases.js';
import type { OwnershipRule } from '../contracts/ownership.js';
import type { OwnershipSubject } from '../ownership/match.js';
import type { SpecOwnershipFacts } from '../ownership/spec-facts.js';

/**
 * The one store contract. The SQLite adapter (embedded default) and, later, the PostgreSQL adapter both
 * pass `store.contract.ts`. Methods are async so that both adapters share the contract.
 *
 * The store keeps aggregates, not raw events: it grows with endpoints and findings, not with traffic.
 * Everything handed to it has already been redacted.
 */
export interface Store {
  /** Creates or migrates the schema. Idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;

  /** Key/value metadata (installation secret, discovery state, schema facts). Values are JSON. */
  getMeta<T = unknown>(key: string): Promise<T | null>;
  setMeta(key: string, value: unknown): Promise<void>;

  /**
   * Upserts endpoints by id together with their mergeable aggregate state (opaque JSON owned by the
   * pipeline), and deletes the ids in `removed` (endpoints merged into a new template), with their
   * samples and findings, in one transaction. The pipeline re-reports a merged endpoint's problems
   * under the new endpoint.
   *
   * The store assigns the application (the ownership rules) and adds the `business-criticality` factor of
   * that application to the risk the caller computed: the score, level and factors read back, listed,
   * sorted and counted include it (ADR 0007). A factor of that id in the caller's risk is replaced.
   */
  saveEndpoints(rows: StoredEndpoint[], removed?: string[]): Promise<void>;
  getEndpoint(id: string): Promise<Endpoint | null>;
  /** All aggregate states, to resume aggregation after a restart. */
  loadEndpointStates(): Promise<StoredEndpoint[]>;
  listEndpoints(query: EndpointQuery): Promise<Page<EndpointSummary>>;
  inventorySummary(): Promise<InventorySummary>;
  /**
   * The dashboard's figures over the endpoints (and their findings) in `scope`: `'all'`, or application
   * ids (an empty list: nothing). One call, so a page needs one round trip.
   */
  dashboard(scope: ApplicationScope, opts: { top: number; days: number }): Promise<DashboardFigures>;

  /**
   * Upserts findings by id (the fingerprint): a known id keeps its `firstSeen`, takes the later `lastSeen`,
   * adds `count`, and takes the new evidence, severity and status.
   */
  saveFindings(findings: Finding[]): Promise<void>;
  /** Marks open findings of the given endpoints whose ids are not in `keep` as resolved. */
  resolveFindingsNotIn(endpointIds: string[], keep: string[], at: string): Promise<number>;
  getFinding(id: string): Promise<Finding | null>;
  listFindings(query: FindingQuery): Promise<Page<Finding>>;

  /** Adds redacted sample events; keeps at most `maxPerEndpoint` newest per endpoint. */
  addSamples(samples: EventSample[], maxPerEndpoint: number): Promise<void>;
  listSamples(endpointId: string, limit: number): Promise<EventSample[]>;

  /** Dead letters: rejected input records with reasons. Keeps at most `maxKept` newest. */
  addRejects(rejects: StoredReject[], maxKept: number): Promise<void>;
  listRejects(limit: number): Promise<StoredReject[]>;

  /** API tokens. Only a hash of the secret is ever stored. */
  createToken(token: StoredToken): Promise<void>;
  findTokenByHash(hash: string): Promise<StoredToken | null>;
  listTokens(): Promise<StoredToken[]>;
  revokeToken(id: string): Promise<boolean>;
  touchToken(id: string, at: string): Promise<void>;

  /**
   * Users. Emails are unique case-insensitively (`emailKey`); a duplicate id or email is a `conflict`.
   * Only the password hash is stored, never the password.
   */
  createUser(user: StoredUser): Promise<void>;
  /** Creates `user` only if there is no user at all (first-start bootstrap); answers whether it did. */
  createFirstUser(user: StoredUser): Promise<boolean>;
  getUser(id: string): Promise<StoredUser | null>;
  findUserByEmail(email: string): Promise<StoredUser | null>;
  /** Ordered by email key, then id. */
  listUsers(query: UserQuery): Promise<Page<StoredUser>>;
  /** Applies the fields present in `patch`; returns the updated user, or null for an unknown id. */
  updateUser(id: string, patch: UserPatch): Promise<StoredUser | null>;
  /**
   * Counts one more consecutive failed login, atomically. When the count reaches `lockAfter`, the account is
   * locked until `lockUntil` and the count starts again from 0. Returns the new state, null for an unknown id.
   */
  recordLoginFailure(id: string, opts: { lockAfter: number; lockUntil: string; at: string }): Promise<LoginFailureResult | null>;
  /** Clears the failure count and any lock, and records the login time. */
  recordLoginSuccess(id: string, at: string): Promise<void>;

  /** Single-use invitation and password-reset tokens, stored as SHA-256 only. A duplicate hash is a `conflict`. */
  createUserToken(token: StoredUserToken): Promise<void>;
  /** The token with this hash and purpose, used or not, expired or not; null if there is none. */
  findUserToken(hash: string, purpose: UserTokenPurpose): Promise<StoredUserToken | null>;
  /**
   * Marks the token used if it is unused and `at` is before its expiry, atomically: of two concurrent
   * calls at most one gets the token back; the other (and any later call) gets null.
   */
  consumeUserToken(hash: string, purpose: UserTokenPurpose, at: string): Promise<StoredUserToken | null>;
  /** Deletes a user's unused tokens of one purpose (a new invitation or reset replaces older ones). */
  revokeUserTokens(userId: string, purpose: UserTokenPurpose): Promise<number>;

  /**
   * Sessions, keyed by the SHA-256 of the session id. Creating one beyond `maxPerUser` sessions of the
   * same user deletes that user's oldest sessions (by creation), so per-user state stays bounded.
   */
  createSession(session: StoredSession, maxPerUser: number): Promise<void>;
  findSession(idHash: string): Promise<StoredSession | null>;
  touchSession(idHash: string, at: string): Promise<void>;
  deleteSession(idHash: string): Promise<boolean>;
  deleteUserSessions(userId: string): Promise<number>;
  /** Deletes sessions whose absolute expiry is at or before `now`, or last seen at or before `idleBefore`. */
  pruneSessions(now: string, idleBefore: string): Promise<number>;

  /**
   * Applications, listed in creation order (then id). Names are unique case-insensitively; a duplicate id
   * or name is a `conflict`. An application's `matchers` are its host rules in the ownership rule list:
   * creating one appends its matchers to the list (rule ids `<application id>:<n>`); an update whose
   * matchers differ replaces its host rules where the first of them stood; deleting one deletes its rules.
   * Every change re-assigns endpoints, findings and specs, and re-scores the endpoints whose business
   * factor changes (criticality, name), in its transaction.
   */
  createApplication(app: Application): Promise<void>;
  /** Replaces an application by id (name, owners, matchers, metadata, updatedAt; createdAt is kept); false if unknown. */
  updateApplication(app: Application): Promise<boolean>;
  deleteApplication(id: string): Promise<boolean>;
  getApplication(id: string): Promise<Application | null>;
  listApplications(query: ApplicationQuery): Promise<Page<Application>>;

  /**
   * The ownership rules (docs/ownership.md): one ordered list; the first rule that matches an endpoint names
   * its application. Spec rules read the endpoint's coverage (the spec that documents it, or of which it is
   * shadow) and that spec's latest version (title, name, `x-owner`/`info.contact`, operation tags); a new
   * spec version, a renamed or deleted spec re-assigns too.
   */
  listOwnershipRules(): Promise<OwnershipRule[]>;
  /**
   * Replaces the whole list and re-assigns, in one transaction. A rule naming an unknown application, or a
   * repeated rule id, is a `conflict` and changes nothing.
   */
  replaceOwnershipRules(rules: OwnershipRule[]): Promise<OwnershipChangeResult>;
  /**
   * Applications and rules together (a rules file), in one transaction: creates, updates and deletes
   * applications (their `matchers` are ignored: `rules` is the whole new list), replaces the rules, then
   * re-assigns once. `dryRun`: the same, rolled back; the result says what it would have changed.
   */
  applyOwnership(change: OwnershipChange, opts?: { dryRun?: boolean }): Promise<OwnershipChangeResult>;
  /** What the rules see of a stored endpoint (its spec's facts, every tag of its operation); null if unknown. */
  ownershipSubject(endpointId: string): Promise<StoredOwnershipSubject | null>;

  /**
   * Appends one entry to the audit log and returns it sealed. In one transaction the store takes the last
   * entry, assigns `seq` = last seq + 1 and `prevHash` = its hash (`AUDIT_GENESIS_HASH` for the first), and
   * computes `hash` with `auditEntryHash`, so concurrent appends, from any process, never fork the chain.
   * `before`/`after` are stored as JSON data (see `toJsonData`).
   */
  appendAudit(draft: AuditDraft): Promise<AuditEntry>;
  /** Filtered, paginated; newest first unless `order: 'asc'`. */
  listAudit(query: AuditQuery): Promise<Page<AuditEntry>>;
  /** Up to `limit` (capped) entries with seq > `afterSeq`, ascending, without a total: for verify and export. */
  auditEntriesAfter(afterSeq: number, limit: number): Promise<AuditEntry[]>;

  /**
   * Specs (API specifications) and their versions. A spec never exists without a version: it is created
   * with its first. The store owns `applicationId`: the pinned application when there is one, else that of
   * the first ownership rule that matches the spec (host rules by one of its hosts, path prefixes not
   * consulted: a spec names hosts, not paths; spec rules by its own title, name, owners and operation tags).
   * Specs follow ownership changes as endpoints do; a pinned application that is deleted is unpinned. A
   * duplicate id is a `conflict`.
   */
  createSpec(spec: NewSpec, first: NewSpecVersion): Promise<Spec>;
  /**
   * Adds a version and applies `links` (and `name`, when given), in one transaction. When `version.sha256`
   * equals the latest version's, no version is added: the latest is returned with `created: false` (the
   * links and name are still applied). Only the latest is compared: going back to an older text is a new
   * version, since it is what the spec now says. Null for an unknown spec.
   */
  addSpecVersion(specId: string, version: NewSpecVersion, links: SpecLinks, name?: string): Promise<AddedSpecVersion | null>;
  getSpec(id: string): Promise<Spec | null>;
  /** Filtered and paginated; by name (case-insensitive) unless `sort` says otherwise; ties by id. */
  listSpecs(query: SpecQuery): Promise<Page<Spec>>;
  /** Newest first; an unknown spec has no versions. */
  listSpecVersions(specId: string, paging: { limit?: number; offset?: number }): Promise<Page<SpecVersionSummary>>;
  /** One version with its text and findings. */
  getSpecVersion(specId: string, version: number): Promise<SpecVersionDetail | null>;
  /** Deletes a spec with all its versions (and its conformance rows); false if unknown. */
  deleteSpec(id: string): Promise<boolean>;

  /**
   * Conformance aggregates (the pipeline's conformance stage): per spec the traffic horizon on its hosts,
   * per operation its calls, per drift item its counts and samples, per shadow endpoint its calls. One
   * transaction. Rows of a spec that no longer exists, and shadow rows of an endpoint that is not stored,
   * are skipped (the spec was deleted meanwhile; the endpoint was merged). Deleting a spec deletes its rows;
   * deleting an endpoint deletes its shadow row and its coverage.
   */
  saveConformance(batch: ConformanceBatch): Promise<void>;
  /** Every conformance row, to resume aggregation after a restart. */
  loadConformance(): Promise<ConformanceSnapshot>;
  /**
   * One spec's conformance rows for the API: its horizon, all its operations, the `limit` drift items
   * with the most calls, the `limit` shadow endpoints with the most calls on `hosts` (the spec's hosts)
   * whose endpoint is in `scope` (default `'all'`), and the totals. An unknown spec has none.
   */
  specConformance(specId: string, opts: { hosts: readonly string[]; limit: number; scope?: ApplicationScope }): Promise<SpecConformanceRows>;

  /**
   * Threat cases and their issues (issue 5). The cases service decides the grouping (`src/cases/grouping.ts`)
   * from what these two reads return, then writes the outcome with `saveIssueBatch`.
   *
   * Per actor and target: the open (new or investigating) case with the latest `lastSeen`, and the resolved
   * case resolved last, each with the highest severity of its issues (the analyst may have set another).
   */
  caseCandidates(keys: readonly CaseKey[]): Promise<CaseCandidate[]>;
  /** Per fold key: the issue with the latest `lastSeen` among those whose case is not resolved. */
  foldCandidates(foldKeys: readonly string[]): Promise<FoldCandidate[]>;
  /**
   * Writes one batch in one transaction: new cases (the store numbers them: `ref` = `C-<n>`, sequential
   * per installation), growth of existing cases (see `CaseGrowth`), new issues, and folds into existing
   * issues. A case that is resolved when its growth is applied reopens: status `new`, resolution and
   * `resolvedAt` cleared, `reopened` + 1. Growth of an unknown case, a fold into an unknown issue and an
   * issue of an unknown case are skipped. Returns every new or grown case as it now is.
   */
  saveIssueBatch(batch: IssueBatch): Promise<IssueBatchResult>;
  getCase(id: string): Promise<ThreatCase | null>;
  /** Filtered and paginated; newest `lastSeen` first, ties by id. */
  listCases(query: CaseQuery): Promise<Page<ThreatCase>>;
  /**
   * Applies the fields present in `update` (the analyst's fields and `flaggedFindingId`); null for an
   * unknown id. Setting `severity` pins it: later issues no longer raise it.
   */
  updateCase(id: string, update: CaseUpdate): Promise<ThreatCase | null>;
  /** The queue's counts over the cases in `scope`; "resolved recently" means `resolvedAt` at or after `resolvedSince`. */
  caseSummary(scope: ApplicationScope, resolvedSince: string): Promise<CaseSummary>;
  /** Other cases with the same actor, or with the same target and a detector in common; newest `lastSeen` first. */
  similarCases(of: ThreatCase, opts: { limit: number; scope?: ApplicationScope }): Promise<ThreatCase[]>;
  /** A case's issues counted per endpoint and per category, most issues first (ties by events, then key). */
  caseIssueStats(caseId: string): Promise<CaseIssueStats>;

  /** An issue's `applicationId` is its endpoint's application when the endpoint is stored, else its case's. */
  getIssue(id: string): Promise<ThreatIssue | null>;
  /** Filtered and paginated; newest `lastSeen` first unless `sort: 'severity'`; ties by id. Scope follows the issue's case. */
  listIssues(query: IssueQuery): Promise<Page<ThreatIssue>>;
  /** One actor's issues across all cases and endpoints, newest `lastSeen` first, with their case's ref. */
  actorTimeline(actorId: string, opts: { limit: number; scope?: ApplicationScope }): Promise<{ items: TimelineItem[]; total: number }>;
  /**
   * Issues per UTC day (by `firstSeen`) and category over the `days` days ending on the day of the newest
   * issue's `firstSeen` (oldest first, empty days included); no issue at all: no days.
   */
  threatDaily(scope: ApplicationScope, days: number): Promise<ThreatDaily>;

  /** A comment on a case; an unknown case is a `not_found`. */
  addCaseComment(comment: CaseComment): Promise<void>;
  /** Oldest first. */
  listCaseComments(caseId: string, limit: number): Promise<CaseComment[]>;

  /** Suppressions: scoped exceptions that drop matching issues until they expire. A duplicate id is a `conflict`. */
  createSuppression(s: Suppression): Promise<void>;
  getSuppression(id: string): Promise<Suppression | null>;
  /** Newest first; `activeAt`: only those expiring after it; `expiredAt`: only those expired at or before it. */
  listSuppressions(query: SuppressionQuery): Promise<Page<Suppression>>;
  deleteSuppression(id: string): Promise<boolean>;
  /** Adds to `hits` (suppression id -> issues dropped); unknown ids are skipped. */
  addSuppressionHits(hits: Readonly<Record<string, number>>): Promise<void>;

  /**
   * Remediation (schema step 8). Every saved or resolved finding takes the next change number, so the
   * remediation sync reads what changed since its cursor; numbers are taken in the writer's transaction,
   * so a reader never sees a higher number committed before a lower one.
   */
  findingsChangedSince(afterSeq: number, limit: number): Promise<Array<{ seq: number; finding: Finding }>>;
  /**
   * A spec version's audit findings (each with `specId`): upserted like `saveFindings`, with the spec's
   * application; the spec's open findings that are not among them are resolved. Returns how many resolved.
   */
  saveSpecFindings(specId: string, findings: Finding[], at: string): Promise<number>;
  /**
   * Records a tracker webhook delivery; false when the same id was recorded within `windowMs` before `at`
   * (a replay). Older records are dropped on the way, so the table stays bounded by the window.
   */
  firstTrackerDelivery(id: string, at: string, windowMs: number): Promise<boolean>;
  /** Tasks, links, history, outbox messages and meta of one step, in one transaction. */
  saveTaskBatch(batch: TaskBatch): Promise<void>;
  getTask(id: string): Promise<StoredTask | null>;
  getTasks(ids: readonly string[]): Promise<StoredTask[]>;
  listTasks(query: TaskQuery): Promise<Page<StoredTask>>;
  /** The task's findings, most severe and most recent first. */
  taskFindings(taskId: string, limit: number): Promise<Finding[]>;
  /** Newest first. */
  listTaskEvents(taskId: string, limit: number): Promise<TaskEvent[]>;
  /** Active tasks per application (null: unassigned) with SLA counts at `now`. */
  taskOwnerGroups(scope: ApplicationScope, now: string): Promise<OwnerGroupRow[]>;
  /** Pending messages whose next try is due at `now`, oldest first. */
  dueOutbox(now: string, limit: number): Promise<StoredOutboxEntry[]>;
  settleOutbox(id: string, settlement: OutboxSettlement): Promise<void>;
  listOutbox(query: OutboxQuery): Promise<Page<OutboxEntry>>;
  /** A dead message back to pending, due at `now`; false when unknown or not dead. */
  retryOutbox(id: string, now: string): Promise<boolean>;
}

export interface OwnershipChangeResult {
  /** Endpoints whose application changed. */
  endpointsReassigned: number;
}

export interface OwnershipChange {
  create: Application[];
  update: Application[];
  delete: string[];
  rules: OwnershipRule[];
}

export type StoredOwnershipSubject = OwnershipSubject & { endpointId: string; method: string };

/** The grouping key of a case: who (the actor's digest) against what (`app:<id>` or `host:<host>`). */
export interface CaseKey {
  actorId: string;
  target: string;
}

export interface CaseCandidate {
  case: ThreatCase;
  /** The highest severity of the case's issues, whatever the analyst set. */
  issueSeverity: ThreatCase['severity'];
}

export interface FoldCandidate {
  foldKey: string;
  issueId: string;
  caseId: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

/** A case the grouping opened; the store gives it its `ref`. */
export type NewThreatCase = Omit<ThreatCase, 'ref'> & { issueSeverity: ThreatCase['severity'] };

/** A stored issue with the key identical detections fold under. */
export type NewThreatIssue = ThreatIssue & { foldKey: string };

/**
 * What a batch adds to an existing case. Counters add; `firstSeen`/`lastSeen` widen; the lists are
 * merged (the growth's order first, duplicates dropped, at most `MAX_CASE_LIST`); `issueSeverity` takes
 * the higher, and so does the case's severity unless an analyst set it; `title`, when given, replaces.
 */
export interface CaseGrowth {
  caseId: string;
  issues: number;
  events: number;
  firstSeen: string;
  lastSeen: string;
  issueSeverity: ThreatCase['severity'];
  categories: string[];
  detectors: string[];
  endpointIds: string[];
  title?: string;
}

/** Identical detections folded into a stored issue: its count grows, its window widens. */
export interface IssueFold {
  issueId: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

export interface IssueBatch {
  /** `updatedAt` of every case the batch touches. */
  at: string;
  newCases: NewThreatCase[];
  growth: CaseGrowth[];
  issues: NewThreatIssue[];
  folds: IssueFold[];
}

export interface IssueBatchResult {
  /** Every new or grown case, as stored after the batch. */
  cases: ThreatCase[];
  /** Cases that were resolved and reopened by this batch, with what they were. */
  reopened: { case: ThreatCase; resolution: CaseResolution | null; resolvedAt: string | null }[];
}

/** Lists inside a case (categories, detectors, endpoints) keep at most this many entries. */
export const MAX_CASE_LIST = 50;

export interface CaseQuery {
  limit?: number;
  offset?: number;
  /** Visibility bound: a case belongs to its target's application; cases of none are outside every scope but `'all'`. */
  scope?: ApplicationScope;
  status?: CaseStatus;
  severity?: ThreatCase['severity'];
  detector?: string;
  /** One application id, or `UNASSIGNED_APPLICATION`. */
  application?: string;
  /** A user id; null: unassigned. */
  assignee?: string | null;
  actorId?: string;
  /** Case-insensitive substring of ref, title, actor label or id, host, or a category. */
  search?: string;
}

export interface CaseUpdate {
  updatedAt: string;
  status?: CaseStatus;
  resolution?: CaseResolution | null;
  resolvedAt?: string | null;
  assignee?: string | null;
  severity?: ThreatCase['severity'];
  flaggedFindingId?: string | null;
}

export interface CaseIssueStats {
  byEndpoint: { endpointId: string | null; issues: number; events: number }[];
  byCategory: { category: string; issues: number; events: number }[];
}

export interface IssueQuery {
  limit?: number;
  offset?: number;
  scope?: ApplicationScope;
  caseId?: string;
  detector?: string;
  endpointId?: string;
  actorId?: string;
  /** `severity`: most severe first, then most events, then newest. */
  sort?: 'lastSeen' | 'severity';
}

export interface SuppressionQuery {
  limit?: number;
  offset?: number;
  activeAt?: string;
  expiredAt?: string;
}

/** The traffic horizon of a spec: events seen on its hosts while it was active. */
export interface StoredConformanceSpec {
  specId: string;
  /** The version traffic is checked against. */
  version: number;
  firstEvent: string | null;
  lastEvent: string | null;
}

/** An operation's aggregate; `state` is opaque JSON owned by the pipeline (what it has reported). */
export interface StoredConformanceOperation extends ConformanceOperation {
  specId: string;
  version: number;
  state: unknown;
}

export interface StoredDriftItem extends DriftItem {
  specId: string;
}

/** A shadow endpoint's aggregate (it belongs to the specs that cover its host, decided when read). */
export interface StoredShadowItem extends ShadowItem {
  state: unknown;
}

/** What one flush of the conformance stage writes. */
export interface ConformanceBatch {
  specs: StoredConformanceSpec[];
  /** Upserted by (spec, method, path). */
  operations: StoredConformanceOperation[];
  /** Operations that left their spec; their drift items go too. */
  removedOperations: Array<{ specId: string; method: string; path: string }>;
  /** Specs whose drift items are all deleted first (a new version is checked afresh). */
  clearDrift: string[];
  /** Upserted by id. */
  drift: StoredDriftItem[];
  /** Upserted by endpoint id. */
  shadow: StoredShadowItem[];
  /** Endpoint ids that are no longer shadow. */
  removedShadow: string[];
}

export interface ConformanceSnapshot {
  specs: StoredConformanceSpec[];
  operations: StoredConformanceOperation[];
  drift: StoredDriftItem[];
  shadow: StoredShadowItem[];
}

export interface SpecConformanceRows {
  spec: StoredConformanceSpec | null;
  operations: StoredConformanceOperation[];
  /** Most calls first, then id. */
  drift: StoredDriftItem[];
  driftTotal: number;
  /** Operations with at least one drift item. */
  driftOperations: number;
  /** Most calls first, then endpoint id. */
  shadow: StoredShadowItem[];
  shadowTotal: number;
  shadowCalls: number;
}

/** Where a spec points: its hosts and APIs, and the application set by hand, if any. */
export interface SpecLinks {
  /** Lower-case, without port; at most `MAX_SPEC_HOSTS`. */
  hosts: string[];
  hostsSource: Spec['hostsSource'];
  apis: string[];
  /** Null: the store assigns the application from the hosts. */
  pinnedApplicationId: string | null;
}

export interface NewSpec {
  id: string;
  name: string;
  links: SpecLinks;
}

/**
 * A version as the registry hands it over; the store numbers it. `createdAt` is the spec's too for a first
 * version. `ownership`: what the spec ownership rules read of it (the registry has the parsed document);
 * absent, the store reads it from `text`.
 */
export type NewSpecVersion = Omit<SpecVersionDetail, 'specId' | 'version'> & { ownership?: SpecOwnershipFacts };

export interface AddedSpecVersion {
  spec: Spec;
  version: SpecVersionSummary;
  /** False when the text equals the latest version's and nothing was added. */
  created: boolean;
}

export type SpecSort = (typeof SPEC_SORTS)[number];

export interface SpecQuery {
  limit?: number;
  offset?: number;
  /** Visibility bound, as for endpoints: specs of no application are outside every scope but `'all'`. */
  scope?: ApplicationScope;
  /** One application id, or `UNASSIGNED_APPLICATION`. */
  application?: string;
  /** Specs that name this host (exact, case-insensitive). */
  host?: string;
  /** Case-insensitive substring of the name or the latest version's title. */
  search?: string;
  sort?: SpecSort;
  order?: 'asc' | 'desc';
}

export interface StoredEndpoint {
  endpoint: Endpoint;
  /** Opaque, JSON-serialisable aggregate state owned by the pipeline. */
  state: unknown;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** List caps: no query returns more than this many rows (the API's page cap). */
export { MAX_PAGE_SIZE } from '../contracts/api.js';

/** `'all'`, or the application ids a caller may see (workload owners); an empty list sees nothing. */
export type ApplicationScope = 'all' | readonly string[];

/** Filter value for "endpoints no application claims". */
export const UNASSIGNED_APPLICATION = 'none';

export interface EndpointQuery {
  limit?: number;
  offset?: number;
  /** Visibility bound (applied on top of every other filter). Default `'all'`. */
  scope?: ApplicationScope;
  /** One application id, or `UNASSIGNED_APPLICATION`. */
  application?: string;
  /** Endpoints that saw this authentication kind at least once. */
  authKind?: string;
  plainHttp?: boolean;
  documented?: boolean;
  /** How the endpoint relates to the registered specs: `none` when no spec covers its host. */
  coverage?: 'documented' | 'shadow' | 'none';
  /** Endpoints documented by, or shadow of, this spec. */
  spec?: string;
  host?: string;
  method?: string;
  riskLevel?: RiskLevel;
  minScore?: number;
  internetExposed?: boolean;
  authenticated?: boolean;
  dataClass?: string;
  /** Case-insensitive substring of host or path template. */
  search?: string;
  sort?: EndpointSort;
  order?: 'asc' | 'desc';
}

export { ENDPOINT_SORTS as ENDPOINT_SORT_KEYS, FINDING_SORTS as FINDING_SORT_KEYS } from '../contracts/api.js';
import { ENDPOINT_SORTS as ENDPOINT_SORT_KEYS, FINDING_SORTS as FINDING_SORT_KEYS } from '../contracts/api.js';
export type EndpointSort = (typeof ENDPOINT_SORT_KEYS)[number];
export type FindingSort = (typeof FINDING_SORT_KEYS)[number];

export interface FindingQuery {
  limit?: number;
  offset?: number;
  endpointId?: string;
  severity?: Severity;
  minSeverity?: Severity;
  ruleId?: string;
  status?: 'open' | 'resolved';
  host?: string;
  /** Visibility bound, as for endpoints (a finding belongs to its endpoint's application). */
  scope?: ApplicationScope;
  application?: string;
  /** OWASP API Top 10 2023 id, e.g. `API2:2023`. */
  owasp?: string;
  /** Case-insensitive substring of title, host or path template. */
  search?: string;
  sort?: FindingSort;
  order?: 'asc' | 'desc';
}

/** Raw dashboard figures; the server adds titles (data classes, OWASP categories). */
export interface DashboardFigures extends Omit<InventorySummary, 'openFindingsBySeverity'> {
  /** Endpoints per data class (an endpoint counts once per class). */
  endpointsByDataClass: Record<string, number>;
  /** The `top` endpoints by risk score, then calls. */
  topRisky: EndpointSummary[];
  /** Endpoints first seen per UTC day (`YYYY-MM-DD`), the `days` days up to the newest `lastSeen`, oldest first, zeros included. */
  newEndpointsByDay: { day: string; count: number }[];
  openFindingsBySeverity: Record<Severity, number>;
  openFindingsByOwasp: Record<string, number>;
  /** Endpoints no ownership rule claims (0 for a scope other than `'all'`: they are outside every scope). */
  unownedEndpoints: number;
}

export interface InventorySummary {
  hosts: number;
  apis: number;
  endpoints: number;
  internetExposed: number;
  unauthenticated: number;
  plainHttp: number;
  withSensitiveData: number;
  byRiskLevel: Record<RiskLevel, number>;
  openFindingsBySeverity: Record<Severity, number>;
}

/** A redacted request/response pair kept as evidence for an endpoint. */
export interface EventSample {
  endpointId: string;
  timestamp: string;
  /** The redacted `ApiEvent` as JSON-serialisable data. */
  event: unknown;
}

export interface StoredReject extends Reject {
  at: string;
}

export type TokenScope = 'ingest' | 'read' | 'admin';

export interface StoredToken {
  id: string;
  name: string;
  scopes: TokenScope[];
  /** Hex SHA-256 of the token secret. */
  hash: string;
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

export interface StoredUser extends User {
  /** `scrypt$N$r$p$salt$hash`, or null while invited or after an administrator reset. */
  passwordHash: string | null;
}

export type UserPatch = Partial<Pick<StoredUser, 'displayName' | 'role' | 'applications' | 'status' | 'passwordHash' | 'failedLogins' | 'lockedUntil'>> & {
  updatedAt: string;
};

export interface UserQuery {
  limit?: number;
  offset?: number;
  role?: Role;
  status?: UserStatus;
}

export interface LoginFailureResult {
  failedLogins: number;
  lockedUntil: string | null;
  /** True when this failure locked the account. */
  locked: boolean;
}

export type UserTokenPurpose = 'invite' | 'reset';

export interface StoredUserToken {
  /** Hex SHA-256 of the token handed to the user. */
  hash: string;
  userId: string;
  purpose: UserTokenPurpose;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export interface StoredSession {
  /** Hex SHA-256 of the session id (the cookie value). */
  idHash: string;
  userId: string;
  /** Hex SHA-256 of the session's CSRF token. */
  csrfHash: string;
  clientAddress: string | null;
  createdAt: string;
  lastSeenAt: string;
  /** Absolute expiry; the idle timeout is the service's, from `lastSeenAt`. */
  expiresAt: string;
}

export interface ApplicationQuery {
  limit?: number;
  offset?: number;
  /** Only applications that list this user id among their owners. */
  owner?: string;
}

/** An audit entry before the store seals it. */
export interface AuditDraft {
  at: string;
  actor: { kind: AuditActorKind; id: string | null };
  action: string;
  target: { type: string; id: string } | null;
  before: unknown;
  after: unknown;
  clientAddress: string | null;
}

export interface AuditQuery {
  limit?: number;
  offset?: number;
  order?: 'asc' | 'desc';
  actorId?: string;
  actorKind?: AuditActorKind;
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Inclusive lower bound on `at` (by instant). */
  from?: string;
  /** Exclusive upper bound on `at` (by instant). */
  to?: string;
}

// ---- remediation (schema step 8) ----

/** What Bulwark checks after a task is marked fixed: the endpoint's calls and the findings' occurrences then. */
export interface FixCheck {
  at: string;
  /** Calls of the task's endpoint when it was marked fixed (null: the task has no endpoint). */
  endpointCalls: number | null;
  /** Sum of the `count` of the task's findings then: a later rise means the problem was seen again. */
  findingCountSum: number;
}

/**
 * A task as the store keeps it: the API shape without what is computed when read (`ref` from the row's
 * number, `sla` from the clock, finding counts from the links), plus the fix check and delivery marks.
 */
export type TaskRecord = Omit<RemediationTask, 'ref' | 'sla' | 'findingCount' | 'openFindings'> & {
  fixCheck: FixCheck | null;
  /** False until the task was in an owner's digest; a reopened task is announced again. */
  notified: boolean;
  /** The last SLA state announced (webhooks, chat), so each change is sent once. */
  slaAnnounced: SlaState | null;
  /** Start of the current due window (creation, reopening, or a new due date): the SLA's "approaching" counts from it. */
  dueFrom: string;
};

/** A stored task with its reference and finding counts (`findingCountSum`: sum of the findings' `count`). */
export type StoredTask = TaskRecord & { ref: string; findingCount: number; openFindings: number; findingCountSum: number };

/** A finding's membership of a task, written with every change of the finding. */
export interface TaskLink {
  findingId: string;
  taskId: string;
}

export interface NewOutboxEntry {
  id: string;
  channel: string;
  taskId: string | null;
  message: OutboxMessage;
  createdAt: string;
}

export interface StoredOutboxEntry extends OutboxEntry {
  message: OutboxMessage;
}

/** Everything one remediation step changes, written in one transaction (so no update is half-written or lost). */
export interface TaskBatch {
  /** Inserted or replaced by id; a new task gets the next reference number. */
  tasks?: TaskRecord[];
  links?: TaskLink[];
  events?: TaskEvent[];
  outbox?: NewOutboxEntry[];
  /** Meta keys written in the same transaction (the sync cursor, job states). */
  meta?: Record<string, unknown>;
  /** Tasks verified from traffic: their open findings are resolved (a recurrence reopens them, and the task). */
  resolveFindingsOf?: { taskIds: string[]; at: string };
}

export const TASK_SORT_KEYS = ['due', 'severity', 'updated', 'created'] as const;

export interface TaskQuery {
  scope?: ApplicationScope;
  statuses?: readonly TaskStatus[];
  /** SLA states at `now` (ISO instant). */
  sla?: readonly SlaState[];
  now: string;
  severities?: readonly Severity[];
  /** An application id, or `UNASSIGNED_APPLICATION`. */
  application?: string;
  /** A user id, or null for unassigned. */
  assignee?: string | null;
  endpointId?: string;
  /** Active tasks not yet in a digest (`notified` false), or active and overdue at `now`: a digest's content. */
  digestable?: boolean;
  /** Active tasks approaching or overdue at `now` whose state was not announced yet. */
  slaUnannounced?: boolean;
  /** Risk-accepted tasks whose acceptance expired at `now`. */
  acceptanceExpired?: boolean;
  /** The task holding this ticket. */
  ticket?: { system: TicketSystem; key: string };
  search?: string;
  sort?: (typeof TASK_SORT_KEYS)[number];
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

export interface OwnerGroupRow {
  applicationId: string | null;
  active: number;
  overdue: number;
  approaching: number;
  bySeverity: Record<Severity, number>;
}

export interface OutboxQuery {
  status?: OutboxEntry['status'];
  taskId?: string;
  limit?: number;
  offset?: number;
}

/** How one delivery try ended: sent, another try at `nextAttemptAt`, or dead (no more tries). */
export type OutboxSettlement =
  | { status: 'sent'; at: string }
  | { status: 'pending'; nextAttemptAt: string; error: string }
  | { status: 'dead'; error: string };
