import { z } from 'zod';
import { ApiEvent } from './api-event.js';
import { Finding, OwaspApi, Severity } from './finding.js';

/**
 * Threat issues and cases (issue 5): what the detect stage found in live traffic, and how a SOC analyst
 * works through it. One schema per contract: the store, the API, its OpenAPI description and the console
 * all use these.
 *
 * Privacy: an actor is never stored as the raw credential, subject, session id or client address. Its id is
 * the keyed placeholder digest (`HMAC-SHA256(installation secret, kind + value)`, 16 hex), so the same actor
 * correlates across issues while nobody without the installation secret can map it back. Evidence and the
 * triggering exchange are redacted like every sample.
 *
 * @example
 * { kind: 'principal', id: '3f2a9c1b7d0e4a55', label: 'principal 3f2a9c1b' }
 */

/** Who did it: the authenticated principal (JWT subject), an API key, a session, else the client address. */
export const ActorKind = z.enum(['principal', 'api-key', 'session', 'address']);
export type ActorKind = z.infer<typeof ActorKind>;

export const Actor = z.object({
  kind: ActorKind,
  /** 16 hex: keyed digest of the kind and the raw value. */
  id: z.string().regex(/^[0-9a-f]{16}$/),
  /** For people: kind plus a short prefix of `id` (`address 3f2a9c1b`). */
  label: z.string().max(80),
});
export type Actor = z.infer<typeof Actor>;

export const CaseStatus = z.enum(['new', 'investigating', 'resolved']);
export type CaseStatus = z.infer<typeof CaseStatus>;

export const CaseResolution = z.enum(['true-positive', 'false-positive', 'benign']);
export type CaseResolution = z.infer<typeof CaseResolution>;

export const DetectionWhere = z.enum(['path', 'query', 'header', 'cookie', 'body', 'body-raw', 'request', 'response', 'actor']);

/**
 * What the pipeline hands the cases module for one detection on one event (after redaction: `exchange` is
 * the redacted triggering request and response; `evidence` is already redacted). Not stored as such.
 */
export const IssueDraft = z.object({
  detector: z.string().min(1).max(80),
  title: z.string().max(200),
  category: z.string().max(40),
  severity: Severity,
  confidence: z.number().min(0).max(1),
  owasp: OwaspApi,
  cwe: z.string().max(20),
  mitre: z.string().max(20),
  location: z.object({ where: DetectionWhere, name: z.string().max(200) }),
  evidence: z.string().max(400),
  actor: Actor,
  /** Endpoint the event was counted under (its id as the inventory shows it); null if none. */
  endpointId: z.string().nullable(),
  host: z.string(),
  method: z.string(),
  pathTemplate: z.string(),
  /** The event's own timestamp (ISO 8601). */
  at: z.string(),
  /** Redacted request and response of the triggering event (bodies bounded); null for actor-level detections with no single event. */
  exchange: ApiEvent.nullable(),
});
export type IssueDraft = z.infer<typeof IssueDraft>;

/**
 * A stored issue: one detection, or identical detections (same detector, actor, endpoint and location)
 * folded together within a minute, which grow `count` and `lastSeen` instead of flooding the queue.
 */
export const ThreatIssue = IssueDraft.extend({
  id: z.string(),
  caseId: z.string(),
  /** Application of the endpoint when read; null when none matches. */
  applicationId: z.string().nullable().optional(),
  count: z.number().int().min(1),
  firstSeen: z.string(),
  lastSeen: z.string(),
});
export type ThreatIssue = z.infer<typeof ThreatIssue>;

/** A case: related issues of one actor against one target (application, else host). */
export const ThreatCase = z.object({
  id: z.string(),
  /** Short human number (`C-42`), unique per installation. */
  ref: z.string(),
  title: z.string(),
  status: CaseStatus,
  resolution: CaseResolution.nullable(),
  severity: Severity,
  assignee: z.string().nullable(),
  actor: Actor,
  /** The grouping target: `app:<applicationId>` or `host:<host>`. */
  target: z.string(),
  host: z.string(),
  applicationId: z.string().nullable(),
  /** Why these issues are one case, in words (`same actor address 3f2a9c1b against application shop within 60 min`). */
  groupingReason: z.string(),
  categories: z.array(z.string()),
  detectors: z.array(z.string()),
  endpointIds: z.array(z.string()),
  issueCount: z.number().int(),
  /** Sum of issue counts (events). */
  eventCount: z.number().int(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
  /** Times a resolved case was reopened by a new matching issue. */
  reopened: z.number().int(),
  /** Finding created by "flag for a fix", if any. */
  flaggedFindingId: z.string().nullable(),
});
export type ThreatCase = z.infer<typeof ThreatCase>;

export const CaseComment = z.object({ id: z.string(), caseId: z.string(), author: z.string(), at: z.string(), text: z.string().max(4000) });
export type CaseComment = z.infer<typeof CaseComment>;

/** A scoped exception: issues matching every given field are dropped (counted) until `expiresAt`. */
export const Suppression = z.object({
  id: z.string(),
  detector: z.string().nullable(),
  endpointId: z.string().nullable(),
  actorId: z.string().nullable(),
  /** Location name (parameter, header, cookie or JSON pointer). */
  parameter: z.string().nullable(),
  reason: z.string().max(500),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  /** Issues dropped by it so far. */
  hits: z.number().int(),
});
export type Suppression = z.infer<typeof Suppression>;

// ---- API payloads (`/api/v1/cases`, `/api/v1/issues`, `/api/v1/suppressions`, `/api/v1/threats`) ----------

/** Counts for the queue's header and the dashboard. */
export const CaseSummary = z.object({
  new: z.number().int(),
  investigating: z.number().int(),
  /** Resolved in the last 7 days, by resolution. */
  resolvedLast7Days: z.record(CaseResolution, z.number().int()),
  /** Open (new or investigating) cases by severity. */
  openBySeverity: z.record(Severity, z.number().int()),
});
export type CaseSummary = z.infer<typeof CaseSummary>;

/** What the investigation view shows about an endpoint a case touched. */
export const CaseEndpointContext = z.object({
  endpointId: z.string(),
  host: z.string(),
  method: z.string(),
  pathTemplate: z.string(),
  /** Null when the endpoint is no longer in the inventory. */
  riskScore: z.number().nullable(),
  riskLevel: z.string().nullable(),
  exposure: z.string().nullable(),
  authenticated: z.string().nullable(),
  dataClasses: z.array(z.string()),
  applicationId: z.string().nullable(),
  applicationName: z.string().nullable(),
  owners: z.array(z.string()),
});
export type CaseEndpointContext = z.infer<typeof CaseEndpointContext>;

/** One step of an actor's timeline: an issue of that actor, on any endpoint, in any case. */
export const TimelineItem = z.object({
  at: z.string(),
  issueId: z.string(),
  caseId: z.string(),
  caseRef: z.string(),
  detector: z.string(),
  category: z.string(),
  severity: Severity,
  host: z.string(),
  method: z.string(),
  pathTemplate: z.string(),
  endpointId: z.string().nullable(),
  count: z.number().int(),
});
export type TimelineItem = z.infer<typeof TimelineItem>;

export const CaseTimeline = z.object({ actor: Actor, items: z.array(TimelineItem), total: z.number().int() });
export type CaseTimeline = z.infer<typeof CaseTimeline>;

/** History entries are the audit log's entries whose target is the case. */
export const CaseHistoryEntry = z.object({
  at: z.string(),
  actor: z.object({ kind: z.string(), id: z.string().nullable() }),
  action: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
export type CaseHistoryEntry = z.infer<typeof CaseHistoryEntry>;

export const CaseDetail = z.object({
  case: ThreatCase,
  /** Newest first, at most 200 (the rest through `/api/v1/issues?caseId=`). */
  issues: z.array(ThreatIssue),
  comments: z.array(CaseComment),
  history: z.array(CaseHistoryEntry),
  endpoints: z.array(CaseEndpointContext),
  /** Other cases with the same actor, or the same detector and target; at most 5, newest first. */
  similar: z.array(ThreatCase),
});
export type CaseDetail = z.infer<typeof CaseDetail>;

/** `PATCH /api/v1/cases/:id`. Resolving needs a resolution; leaving `resolved` clears it. */
export const CasePatch = z
  .object({
    status: CaseStatus.optional(),
    resolution: CaseResolution.optional(),
    assignee: z.string().min(1).max(64).nullable().optional(),
    severity: Severity.optional(),
  })
  .strict();
export type CasePatch = z.infer<typeof CasePatch>;

export const CommentInput = z.object({ text: z.string().trim().min(1).max(4000) }).strict();
export type CommentInput = z.infer<typeof CommentInput>;

/** `POST /api/v1/cases/:id/flag`: creates (or refreshes) a finding for remediation on the case's main endpoint. */
export const FlagInput = z.object({ note: z.string().trim().max(1000).optional() }).strict();
export type FlagInput = z.infer<typeof FlagInput>;

/** What `POST /api/v1/cases/:id/flag` answers: the finding for remediation and the case that now links to it. */
export const FlagResult = z.object({ finding: Finding, case: ThreatCase });
export type FlagResult = z.infer<typeof FlagResult>;

/** `POST /api/v1/suppressions`: at least one scope field. */
export const SuppressionInput = z
  .object({
    detector: z.string().min(1).max(80).optional(),
    endpointId: z.string().min(1).max(200).optional(),
    actorId: z.string().regex(/^[0-9a-f]{16}$/).optional(),
    parameter: z.string().min(1).max(200).optional(),
    reason: z.string().trim().min(1).max(500),
    expiresInDays: z.number().int().min(1).max(365).default(30),
  })
  .strict()
  .refine((s) => s.detector !== undefined || s.endpointId !== undefined || s.actorId !== undefined || s.parameter !== undefined, {
    message: 'a suppression needs at least one of detector, endpointId, actorId, parameter',
  });
export type SuppressionInput = z.input<typeof SuppressionInput>;

/** `GET /api/v1/threats/daily?days=30`: issues per day (UTC, by issue first-seen) and category, for the emerging-threats panel. */
export const ThreatDaily = z.object({
  days: z.array(z.object({ day: z.string(), counts: z.record(z.string(), z.number().int()), total: z.number().int() })),
});
export type ThreatDaily = z.infer<typeof ThreatDaily>;
