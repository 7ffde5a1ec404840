import type { Endpoint, EndpointSummary, RiskLevel } from '../contracts/endpoint.js';
import type { Finding, Severity } from '../contracts/finding.js';
import type { Reject } from '../contracts/api-event.js';
import type { Application, AuditActorKind, AuditEntry, Role, User, UserStatus } from '../contracts/identity.js';
import type { SPEC_SORTS, Spec, SpecVersionDetail, SpecVersionSummary } from '../contracts/spec-registry.js';
import type { ConformanceOperation, DriftItem, ShadowItem } from '../contracts/conformance.js';
import type { CaseComment, CaseResolution, CaseStatus, CaseSummary, Suppression, ThreatCase, ThreatDaily, ThreatIssue, TimelineItem } from '../contracts/cases.js';

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
   * Applications, listed in creation order (then id): the order in which `applicationOf` tries them.
   * Names are unique case-insensitively; a duplicate id or name is a `conflict`.
   */
  createApplication(app: Application): Promise<void>;
  /** Replaces an application by id (name, owners, matchers, updatedAt; createdAt is kept); false if unknown. */
  updateApplication(app: Application): Promise<boolean>;
  deleteApplication(id: string): Promise<boolean>;
  getApplication(id: string): Promise<Application | null>;
  listApplications(query: ApplicationQuery): Promise<Page<Application>>;

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
   * with its first. The store owns `applicationId`: the pinned application when there is one, else the
   * first application (in creation order) with a matcher whose host matches one of the spec's hosts (path
   * prefixes are not consulted: a spec names hosts, not paths). Specs follow application changes as
   * endpoints do; a pinned application that is deleted is unpinned. A duplicate id is a `conflict`.
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
}

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

/** A version as the registry hands it over; the store numbers it. `createdAt` is the spec's too for a first version. */
export type NewSpecVersion = Omit<SpecVersionDetail, 'specId' | 'version'>;

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
