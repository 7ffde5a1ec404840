/**
 * The console's typed client for Bulwark's HTTP API (`/api/v1`, same origin).
 *
 * - Session auth is an HttpOnly cookie the server sets; requests send it with `credentials: 'same-origin'`.
 * - Every state-changing request carries `x-csrf-token` (from `SessionView.csrfToken`, held in memory only).
 * - Errors arrive as the uniform body `{error:{code,message}}` and surface as `ApiError`.
 * - A 401 on an authenticated route calls `onUnauthorized` so the shell can return to the login page.
 *
 * Payload types come from `src/contracts`; they are imported as types only, so zod stays out of the bundle.
 */
import type { z } from 'zod';
import type {
  AcceptInvitationRequest,
  ApplicationInput,
  ApplicationView,
  AuditPage as AuditPageSchema,
  AuditVerification as AuditVerificationSchema,
  CreatedToken as CreatedTokenSchema,
  CreateTokenRequest as CreateTokenRequestSchema,
  Dashboard,
  ENDPOINT_SORTS,
  EndpointDetail,
  ErrorBody,
  FINDING_SORTS,
  FindingPage,
  InventoryPage,
  InviteUserRequest,
  LoginRequest,
  OneTimeLink,
  PasswordResetRequest,
  SampleView as SampleViewSchema,
  SessionView,
  TokenScope as TokenScopeSchema,
  TokenView,
  UpdateUserRequest,
  UserView,
} from '../../src/contracts/api.js';
import type { DataClassInfo } from '../../src/contracts/data-class.js';
import type { ImportSpecRequest, ImportSpecResult, SPEC_SORTS, SpecDetail, SpecRow, SpecVersionDetail, SpecVersionDiff } from '../../src/contracts/spec-registry.js';
import type { Finding } from '../../src/contracts/finding.js';
import type { SpecGenerateRequest, SpecGenerateResult, SpecReviewList } from '../../src/contracts/spec-generate.js';
import type { SpecConformance } from '../../src/contracts/conformance.js';
import type {
  CaseComment,
  CaseDetail,
  CasePatch,
  CaseSummary,
  CaseTimeline,
  CommentInput,
  FlagInput,
  FlagResult,
  Suppression,
  SuppressionInput,
  ThreatCase,
  ThreatDaily,
  ThreatIssue,
} from '../../src/contracts/cases.js';
import type {
  AcceptRiskInput,
  BulkTaskInput,
  OwnerGroup,
  RemediationTask,
  TASK_SORTS,
  TaskDetail,
  TaskEvent,
  TaskUpdate,
} from '../../src/contracts/remediation.js';
import type {
  OwnershipRulesView,
  OwnershipTestRequest,
  OwnershipTestResult,
  ReplaceOwnershipRulesRequest,
  ReplaceOwnershipRulesResult,
} from '../../src/contracts/ownership.js';

export type AuditPage = z.infer<typeof AuditPageSchema>;
export type AuditVerification = z.infer<typeof AuditVerificationSchema>;
export type CreatedToken = z.infer<typeof CreatedTokenSchema>;
export type CreateTokenRequest = z.infer<typeof CreateTokenRequestSchema>;
export type TokenScope = z.infer<typeof TokenScopeSchema>;
export type SampleView = z.infer<typeof SampleViewSchema>;
export type AcceptInvitationBody = z.infer<typeof AcceptInvitationRequest>;
export type PasswordResetBody = z.infer<typeof PasswordResetRequest>;
export type EndpointSort = (typeof ENDPOINT_SORTS)[number];
export type FindingSort = (typeof FINDING_SORTS)[number];
export type SortOrder = 'asc' | 'desc';

export type SpecSort = (typeof SPEC_SORTS)[number];

/** Query of `GET /specs`. */
export interface SpecQuery {
  limit?: number;
  offset?: number;
  search?: string;
  host?: string;
  application?: string;
  sort?: SpecSort;
  order?: SortOrder;
}

/** Query of `GET /endpoints` (and of the CSV export, without paging). Absent or empty values are not sent. */
export interface EndpointQuery {
  limit?: number;
  offset?: number;
  search?: string;
  host?: string;
  method?: string;
  riskLevel?: string;
  minScore?: string;
  internetExposed?: string;
  authenticated?: string;
  authKind?: string;
  plainHttp?: string;
  documented?: string;
  /** `documented`, `shadow` or `none` (no spec covers the host). */
  coverage?: string;
  /** A spec id: the endpoints it documents, or that are its shadow. */
  spec?: string;
  dataClass?: string;
  application?: string;
  sort?: EndpointSort;
  order?: SortOrder;
}

/** Query of `GET /findings`. */
export interface FindingQuery {
  limit?: number;
  offset?: number;
  severity?: string;
  minSeverity?: string;
  ruleId?: string;
  status?: string;
  host?: string;
  endpointId?: string;
  owasp?: string;
  application?: string;
  search?: string;
  sort?: FindingSort;
  order?: SortOrder;
}

/** Query of `GET /cases` (and of its NDJSON export, without paging). `assignee` is a user id, `me` or `none`. */
export interface CaseQuery {
  limit?: number;
  offset?: number;
  status?: string;
  severity?: string;
  detector?: string;
  applicationId?: string;
  assignee?: string;
  /** One actor's cases (its 16-hex keyed id). */
  actorId?: string;
  q?: string;
}

export type TaskSort = (typeof TASK_SORTS)[number];

/**
 * Query of `GET /tasks`. `status`, `sla` and `severity` take comma lists; `state` is `active` (open, in
 * progress, reopened), `closed` or `all`; `application` an id or `none`; `assignee` a user id, `me` or `none`.
 */
export interface TaskQuery {
  limit?: number;
  offset?: number;
  status?: string;
  state?: string;
  sla?: string;
  severity?: string;
  application?: string;
  assignee?: string;
  endpointId?: string;
  q?: string;
  sort?: TaskSort;
  order?: SortOrder;
}

/** Query of `GET /issues`. */
export interface IssueQuery {
  caseId?: string;
  detector?: string;
  limit?: number;
  offset?: number;
}

/** A page of a server-paged list. */
export interface ListPage<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Query of `GET /users`. */
export interface UserQuery {
  limit?: number;
  offset?: number;
}

export interface AuditQuery {
  limit?: number;
  offset?: number;
  action?: string;
  actor?: string;
  targetType?: string;
}

export const API_BASE = '/api/v1';

/** An error the API reported (or a network failure, `status` 0). `message` is safe to show as text. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** `?a=1&b=x` from the defined, non-empty values; '' when there are none. */
export function toQueryString(params: object): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function readErrorBody(json: unknown): ErrorBody['error'] | null {
  if (typeof json !== 'object' || json === null || !('error' in json)) return null;
  const error = (json as { error: unknown }).error;
  if (typeof error !== 'object' || error === null) return null;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || typeof message !== 'string') return null;
  return { code, message };
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RequestOptions {
  body?: unknown;
  /** Auth routes answer 401 for a wrong password: that is an error to show, not a lost session. */
  redirectOn401?: boolean;
}

export interface ApiClientOptions {
  onUnauthorized: () => void;
  fetchImpl?: typeof fetch;
}

/** Builds the client. The CSRF token lives in this closure, never in storage. */
export function createApiClient({ onUnauthorized, fetchImpl = (...args) => fetch(...args) }: ApiClientOptions) {
  let csrfToken: string | null = null;

  async function request<T>(method: Method, path: string, { body, redirectOn401 = true }: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
    let response: Response;
    try {
      response = await fetchImpl(API_BASE + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'network', 'Cannot reach the Bulwark server. Check your connection and try again.');
    }
    const text = await response.text();
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    if (!response.ok) {
      const error = readErrorBody(json) ?? {
        code: `http_${response.status}`,
        message: response.statusText ? `${response.status} ${response.statusText}` : `Request failed (${response.status})`,
      };
      if (response.status === 401 && redirectOn401) {
        csrfToken = null;
        onUnauthorized();
      }
      throw new ApiError(response.status, error.code, error.message);
    }
    return json as T;
  }

  const remember = (session: SessionView): SessionView => {
    csrfToken = session.csrfToken;
    return session;
  };

  return {
    // ---- session ------------------------------------------------------------------------------
    session: async () => remember(await request<SessionView>('GET', '/auth/session', { redirectOn401: false })),
    login: async (body: LoginRequest) =>
      remember(await request<SessionView>('POST', '/auth/login', { body, redirectOn401: false })),
    logout: async () => {
      try {
        await request<void>('POST', '/auth/logout', { redirectOn401: false });
      } finally {
        csrfToken = null;
      }
    },
    acceptInvitation: async (body: AcceptInvitationBody) =>
      remember(await request<SessionView>('POST', '/auth/accept-invitation', { body, redirectOn401: false })),
    resetPassword: (body: PasswordResetBody) => request<void>('POST', '/auth/reset-password', { body, redirectOn401: false }),

    // ---- posture ------------------------------------------------------------------------------
    dashboard: () => request<Dashboard>('GET', '/dashboard'),
    endpoints: (query: EndpointQuery) => request<InventoryPage>('GET', `/endpoints${toQueryString(query)}`),
    endpoint: (id: string) => request<EndpointDetail>('GET', `/endpoints/${encodeURIComponent(id)}`),
    findings: (query: FindingQuery) => request<FindingPage>('GET', `/findings${toQueryString(query)}`),
    finding: (id: string) => request<Finding>('GET', `/findings/${encodeURIComponent(id)}`),
    dataClasses: () => request<{ items: DataClassInfo[] }>('GET', '/data-classes'),

    // ---- cases and issues (threat detection) -------------------------------------------------
    cases: (query: CaseQuery) => request<ListPage<ThreatCase>>('GET', `/cases${toQueryString(query)}`),
    caseSummary: () => request<CaseSummary>('GET', '/cases/summary'),
    case: (id: string) => request<CaseDetail>('GET', `/cases/${encodeURIComponent(id)}`),
    /** The case actor's issues across every endpoint and case. */
    caseTimeline: (id: string, limit?: number) => request<CaseTimeline>('GET', `/cases/${encodeURIComponent(id)}/timeline${toQueryString({ limit })}`),
    updateCase: (id: string, body: CasePatch) => request<ThreatCase>('PATCH', `/cases/${encodeURIComponent(id)}`, { body }),
    commentOnCase: (id: string, body: CommentInput) => request<CaseComment>('POST', `/cases/${encodeURIComponent(id)}/comments`, { body }),
    /** Creates (or refreshes) a finding for remediation on the case's main endpoint. */
    flagCase: (id: string, body: FlagInput) => request<FlagResult>('POST', `/cases/${encodeURIComponent(id)}/flag`, { body }),
    issues: (query: IssueQuery) => request<ListPage<ThreatIssue>>('GET', `/issues${toQueryString(query)}`),
    suppressions: (query: { state?: 'active' | 'expired' | 'all'; limit?: number; offset?: number } = {}) =>
      request<ListPage<Suppression>>('GET', `/suppressions${toQueryString(query)}`),
    createSuppression: (body: SuppressionInput) => request<Suppression>('POST', '/suppressions', { body }),
    deleteSuppression: (id: string) => request<void>('DELETE', `/suppressions/${encodeURIComponent(id)}`),
    /** Issues per day (UTC) and category, for the emerging-threats panel. */
    threatsDaily: (days = 30) => request<ThreatDaily>('GET', `/threats/daily${toQueryString({ days })}`),

    // ---- remediation tasks --------------------------------------------------------------------
    tasks: (query: TaskQuery) => request<ListPage<RemediationTask>>('GET', `/tasks${toQueryString(query)}`),
    /** Active tasks per application owner. */
    taskBoard: () => request<OwnerGroup[]>('GET', '/tasks/board'),
    task: (id: string) => request<TaskDetail>('GET', `/tasks/${encodeURIComponent(id)}`),
    updateTask: (id: string, body: TaskUpdate) => request<RemediationTask>('PATCH', `/tasks/${encodeURIComponent(id)}`, { body }),
    acceptTaskRisk: (id: string, body: AcceptRiskInput) => request<RemediationTask>('POST', `/tasks/${encodeURIComponent(id)}/accept-risk`, { body }),
    commentOnTask: (id: string, text: string) => request<TaskEvent>('POST', `/tasks/${encodeURIComponent(id)}/comments`, { body: { text } }),
    /** Assigns and/or sends several tasks; `queued` counts the messages (digests, tickets) queued. */
    bulkTasks: (body: BulkTaskInput) => request<{ updated: number; queued: number }>('POST', '/tasks/bulk', { body }),
    /** Sends a dead-lettered message again. */
    retryDelivery: (id: string) => request<void>('POST', `/remediation/outbox/${encodeURIComponent(id)}/retry`),

    // ---- specifications -----------------------------------------------------------------------
    specs: (query: SpecQuery) => request<{ items: SpecRow[]; total: number; limit: number; offset: number }>('GET', `/specs${toQueryString(query)}`),
    spec: (id: string) => request<SpecDetail>('GET', `/specs/${encodeURIComponent(id)}`),
    specVersion: (id: string, version: number) => request<SpecVersionDetail>('GET', `/specs/${encodeURIComponent(id)}/versions/${version}`),
    /** The changes from version `from` to version `to` (breaking, security, other; at most 2,000, `total` counts all). */
    specConformance: (id: string) => request<SpecConformance>('GET', `/specs/${encodeURIComponent(id)}/conformance`),
    specDiff: (id: string, from: number, to: number) =>
      request<SpecVersionDiff>('GET', `/specs/${encodeURIComponent(id)}/diff${toQueryString({ from, to })}`),
    importSpec: (body: ImportSpecRequest) => request<ImportSpecResult>('POST', '/specs', { body }),
    addSpecVersion: (id: string, body: ImportSpecRequest) => request<ImportSpecResult>('POST', `/specs/${encodeURIComponent(id)}/versions`, { body }),
    deleteSpec: (id: string) => request<void>('DELETE', `/specs/${encodeURIComponent(id)}`),
    /** Every endpoint a generated spec would describe, with its default decision (accept). */
    specReview: (filters: { hosts?: string[]; application?: string }) =>
      request<SpecReviewList>('GET', `/specs/generate/review${toQueryString({ host: filters.hosts?.join(','), application: filters.application })}`),
    generateSpec: (body: SpecGenerateRequest) => request<SpecGenerateResult>('POST', '/specs/generate', { body }),

    // ---- users --------------------------------------------------------------------------------
    users: (query: UserQuery = {}) => request<{ items: UserView[]; total: number }>('GET', `/users${toQueryString(query)}`),
    inviteUser: (body: InviteUserRequest) => request<OneTimeLink>('POST', '/users', { body }),
    updateUser: (id: string, body: UpdateUserRequest) => request<UserView>('PATCH', `/users/${encodeURIComponent(id)}`, { body }),
    resetUserPassword: (id: string) => request<OneTimeLink>('POST', `/users/${encodeURIComponent(id)}/reset-password`),

    // ---- tokens -------------------------------------------------------------------------------
    tokens: () => request<{ items: TokenView[] }>('GET', '/tokens'),
    createToken: (body: CreateTokenRequest) => request<CreatedToken>('POST', '/tokens', { body }),
    revokeToken: (id: string) => request<void>('DELETE', `/tokens/${encodeURIComponent(id)}`),

    // ---- applications -------------------------------------------------------------------------
    applications: () => request<{ items: ApplicationView[] }>('GET', '/applications'),
    createApplication: (body: ApplicationInput) => request<ApplicationView>('POST', '/applications', { body }),
    updateApplication: (id: string, body: ApplicationInput) =>
      request<ApplicationView>('PATCH', `/applications/${encodeURIComponent(id)}`, { body }),
    deleteApplication: (id: string) => request<void>('DELETE', `/applications/${encodeURIComponent(id)}`),
    /** The ordered ownership rules (first match wins). */
    ownershipRules: () => request<OwnershipRulesView>('GET', '/ownership/rules'),
    /** Replaces the whole list. */
    replaceOwnershipRules: (body: ReplaceOwnershipRulesRequest) => request<ReplaceOwnershipRulesResult>('PUT', '/ownership/rules', { body }),
    /** Which rule (and application) an endpoint, or a host and path, gets, and why the earlier rules did not match. */
    testOwnership: (body: OwnershipTestRequest) => request<OwnershipTestResult>('POST', '/ownership/test', { body }),

    // ---- audit --------------------------------------------------------------------------------
    audit: (query: AuditQuery) => request<AuditPage>('GET', `/audit${toQueryString(query)}`),
    verifyAudit: () => request<AuditVerification>('GET', '/audit/verify'),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** A download of a list: its filters without the paging (an export has every matching row). */
function exportOf(path: string, query: { limit?: number; offset?: number }): string {
  const { limit: _limit, offset: _offset, ...filters } = query;
  return `${API_BASE}${path}${toQueryString(filters)}`;
}

/** Download links: plain GETs that carry the session cookie, so they work as `<a href download>`. */
export const exportUrls = {
  endpointsCsv: (query: EndpointQuery) => exportOf('/endpoints/export.csv', query),
  auditJsonLines: () => `${API_BASE}/audit/export`,
  /** The cases matching the queue's filters, one JSON object a line. */
  casesJsonLines: (query: CaseQuery) => exportOf('/cases/export', query),
  /** One case with its issues (and their redacted exchanges), comments, history and context, as JSON. */
  caseJson: (id: string) => `${API_BASE}/cases/${encodeURIComponent(id)}`,
};

/** The message to show for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
