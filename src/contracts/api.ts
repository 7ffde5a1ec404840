import { z } from 'zod';
import { Endpoint, EndpointSummary, RiskLevel, TrafficPoint } from './endpoint.js';

export { TrafficPoint } from './endpoint.js';
import { Finding, OwaspApi, Severity } from './finding.js';
import { DataCategory, DataClassId, Sensitivity } from './data-class.js';
import { Application, AuditEntry, InviteUserInput, UpdateUserInput, User } from './identity.js';

export { ROLES, Role, ApplicationInput, ApplicationMatcher, InviteUserInput, UpdateUserInput } from './identity.js';

/**
 * Payloads of Bulwark's own HTTP API (`/api/v1`). One schema per payload: the server validates with
 * it, the OpenAPI description at `/api/v1/openapi.json` is generated from it, and the web console
 * imports the inferred types. Never re-declare these shapes elsewhere.
 */

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** A page of a list route. `limit` is capped server-side (500). */
export { MAX_PAGE_SIZE } from './limits.js';

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
export type PageOf<T> = { items: T[]; total: number; limit: number; offset: number };

// ---- identity ---------------------------------------------------------------------------------

/** A user as the API shows it: never a password hash, token or session material. */
export const UserView = User;
export type UserView = User;

export const LoginRequest = z.object({ email: z.string().min(3).max(254), password: z.string().min(1).max(256) }).strict();
export type LoginRequest = z.infer<typeof LoginRequest>;

/** Who is signed in and what they may do; `csrfToken` goes back in `x-csrf-token` on state-changing requests. */
export const SessionView = z.object({
  user: UserView,
  actions: z.array(z.string()),
  csrfToken: z.string(),
});
export type SessionView = z.infer<typeof SessionView>;

export const AcceptInvitationRequest = z
  .object({ token: z.string().min(16).max(200), password: z.string().min(1).max(256), displayName: z.string().min(1).max(100).optional() })
  .strict();
export const PasswordResetRequest = z.object({ token: z.string().min(16).max(200), password: z.string().min(1).max(256) }).strict();

export const InviteUserRequest = InviteUserInput;
export type InviteUserRequest = InviteUserInput;
export const UpdateUserRequest = UpdateUserInput;
export type UpdateUserRequest = UpdateUserInput;

/** The invitation or reset secret is shown once, here, and never again. */
export const OneTimeLink = z.object({ user: UserView, token: z.string(), expiresAt: z.string() });
export type OneTimeLink = z.infer<typeof OneTimeLink>;

export const TokenScope = z.enum(['ingest', 'read', 'admin']);
export const TokenView = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(TokenScope),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revoked: z.boolean(),
});
export type TokenView = z.infer<typeof TokenView>;
export const CreateTokenRequest = z.object({ name: z.string().min(1).max(100), scopes: z.array(TokenScope).min(1).max(3) }).strict();
export const CreatedToken = TokenView.extend({ token: z.string() });

// ---- applications -----------------------------------------------------------------------------

export const ApplicationView = Application;
export type ApplicationView = Application;

// ---- inventory --------------------------------------------------------------------------------

/** Sort keys of the list routes (the same lists the store accepts). */
export const ENDPOINT_SORTS = ['risk', 'calls', 'consumers', 'lastSeen', 'firstSeen', 'path', 'host', 'method', 'application', 'api'] as const;
export const FINDING_SORTS = ['severity', 'lastSeen', 'firstSeen', 'count', 'rule', 'host'] as const;

/**
 * An inventory row: the summary plus the application it belongs to (`applicationId` for filters and
 * links, `application` its name for display; both null when no application claims the endpoint).
 */
export const InventoryRow = EndpointSummary.extend({ application: z.string().nullable() });
export type InventoryRow = z.infer<typeof InventoryRow>;
export const InventoryPage = pageOf(InventoryRow);
export type InventoryPage = z.infer<typeof InventoryPage>;

export const SampleView = z.object({ timestamp: z.string(), event: z.unknown() });

export const EndpointDetail = z.object({
  /** The endpoint without its traffic timeline, which comes once, as `traffic`. */
  endpoint: Endpoint.omit({ traffic: true }).extend({ application: z.string().nullable() }),
  /** Hourly buckets over the last days the endpoint was seen. */
  traffic: z.array(TrafficPoint),
  /** Redacted request/response samples; empty when the caller may not read evidence. */
  samples: z.array(SampleView),
  findings: z.array(Finding),
});
export type EndpointDetail = z.infer<typeof EndpointDetail>;

export const FindingPage = pageOf(Finding);
export type FindingPage = z.infer<typeof FindingPage>;

// ---- dashboard --------------------------------------------------------------------------------

/** The estate's headline counts, shared by the dashboard and the inventory summary. */
const EstateCounts = z.object({
  hosts: z.number().int(),
  apis: z.number().int(),
  endpoints: z.number().int(),
  internetExposed: z.number().int(),
  unauthenticated: z.number().int(),
  plainHttp: z.number().int(),
  withSensitiveData: z.number().int(),
});

export const InventorySummary = EstateCounts.extend({
  byRiskLevel: z.record(z.string(), z.number().int()),
  openFindingsBySeverity: z.record(z.string(), z.number().int()),
});
export type InventorySummary = z.infer<typeof InventorySummary>;

export const Dashboard = EstateCounts.extend({
  sensitiveByClass: z.array(
    z.object({ dataClass: DataClassId, title: z.string(), category: DataCategory, sensitivity: Sensitivity, endpoints: z.number().int() }),
  ),
  riskDistribution: z.record(RiskLevel, z.number().int()),
  topRisky: z.array(InventoryRow),
  /** Endpoints first seen per day, oldest first, over the last 30 days of the estate's activity. */
  newEndpoints: z.array(z.object({ day: z.string(), count: z.number().int() })),
  openFindingsBySeverity: z.record(Severity, z.number().int()),
  openFindingsByOwasp: z.array(z.object({ owasp: OwaspApi, title: z.string(), count: z.number().int() })),
  /** Endpoints no ownership rule claims (0 for a caller bounded to applications: they are outside every scope). */
  unownedEndpoints: z.number().int(),
});
export type Dashboard = z.infer<typeof Dashboard>;

// ---- audit ------------------------------------------------------------------------------------

export const AuditEntryView = AuditEntry;
export type AuditEntryView = AuditEntry;
export const AuditPage = pageOf(AuditEntryView);
export const AuditVerification = z.object({
  ok: z.boolean(),
  /** Entries checked. */
  checked: z.number().int(),
  /** The first entry that does not verify (changed, out of sequence or missing). */
  firstBrokenSeq: z.number().int().optional(),
  reason: z.enum(['hash-mismatch', 'link-mismatch', 'seq-gap', 'anchor-mismatch']).optional(),
  /** The newest entry: keep it outside Bulwark and compare later to detect a cut-off tail. */
  head: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
});
export type AuditVerification = z.infer<typeof AuditVerification>;
