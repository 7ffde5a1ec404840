import { Readable } from 'node:stream';
import { z } from 'zod';
import { pageOf } from '../../contracts/api.js';
import {
  CaseComment,
  CaseDetail,
  CasePatch,
  CaseStatus,
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
} from '../../contracts/cases.js';
import { Severity } from '../../contracts/finding.js';
import { MAX_PAGE_SIZE } from '../../contracts/limits.js';
import { MAX_EXPORT_CASES } from '../../cases/service.js';
import { IdParams, Paging, qEnum, qInt, qOpt, qString, route } from '../route-kit.js';
import { callerOf, type ServerContext } from '../context.js';

/**
 * Threat cases, issues and suppressions over HTTP (issue 5). Reads need `cases:read`, changes `cases:write`;
 * a caller bounded to applications sees only the cases of its applications (and their issues), and any other
 * case answers 404 as if it did not exist.
 */


const ActorId = z.string().regex(/^[0-9a-f]{16}$/, '16 hex digits');

const CaseFilters = {
  status: qOpt(CaseStatus),
  severity: qOpt(Severity),
  detector: qString(80),
  /** An application id, or `none`. */
  applicationId: qString(64),
  /** A user id, `me` or `none`. */
  assignee: qString(64),
  actorId: qOpt(ActorId),
  /** Substring of ref, title, actor, host or category. */
  q: qString(200),
};

export const caseRoutes = [
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/cases',
    tag: 'cases',
    summary: 'Threat cases, newest activity first: filtered by status, severity, detector, application, assignee (user id, me, none), actor or text; paginated',
    action: 'cases:read',
    query: z.object({ ...Paging, ...CaseFilters }).strict(),
    response: pageOf(ThreatCase),
    handler: async ({ principal, query, req, ctx }) => ctx.cases.listCases(query, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/cases/summary',
    tag: 'cases',
    summary: 'Counts for the queue: new, investigating, resolved in the last 7 days by resolution, open cases by severity',
    action: 'cases:read',
    response: CaseSummary,
    handler: async ({ principal, req, ctx }) => ctx.cases.summary(callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/cases/export',
    tag: 'cases',
    summary: `The filtered cases as NDJSON, one case with its issues (at most 1,000, newest first) a line; at most ${MAX_EXPORT_CASES.toLocaleString('en')} cases`,
    action: 'cases:read',
    query: z.object(CaseFilters).strict(),
    response: z.string(),
    produces: 'application/x-ndjson',
    handler: async ({ principal, query, req, reply, ctx }) => {
      const lines = ctx.cases.exportCases(query, callerOf(principal, req));
      void reply.header('content-type', 'application/x-ndjson; charset=utf-8').header('content-disposition', 'attachment; filename="bulwark-cases.ndjson"');
      return Readable.from(lines);
    },
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/cases/:id',
    tag: 'cases',
    summary:
      'The investigation view of a case: its issues (newest first, at most 200) with the redacted triggering exchange, comments, history from the audit log, context of its endpoints, similar cases',
    action: 'cases:read',
    params: IdParams,
    response: CaseDetail,
    handler: async ({ principal, params, req, ctx }) => ctx.cases.caseDetail(params.id, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/cases/:id/timeline',
    tag: 'cases',
    summary: "The case actor's issues across all endpoints and cases, newest first (default 100, at most 500)",
    action: 'cases:read',
    params: IdParams,
    query: z.object({ limit: qInt(MAX_PAGE_SIZE) }).strict(),
    response: CaseTimeline,
    handler: async ({ principal, params, query, req, ctx }) => ctx.cases.timeline(params.id, query.limit, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'PATCH',
    url: '/api/v1/cases/:id',
    tag: 'cases',
    summary: 'Change status (resolving needs a resolution; leaving resolved clears it), assignee (a user id, me, or null) or severity (which then stays as set); audited',
    action: 'cases:write',
    params: IdParams,
    body: CasePatch,
    response: ThreatCase,
    handler: async ({ principal, params, body, req, ctx }) => ctx.cases.updateCase(params.id, body, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/cases/:id/comments',
    tag: 'cases',
    summary: 'Comment on a case; audited',
    action: 'cases:write',
    params: IdParams,
    body: CommentInput,
    response: CaseComment,
    status: 201,
    handler: async ({ principal, params, body, req, ctx }) => ctx.cases.addComment(params.id, body, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/cases/:id/flag',
    tag: 'cases',
    summary: "Flag the case's main endpoint for a fix: creates (or refreshes) a finding with remediation advice, shown with the other findings; audited",
    action: 'cases:write',
    params: IdParams,
    body: FlagInput,
    response: FlagResult,
    handler: async ({ principal, params, body, req, ctx }) => ctx.cases.flagForFix(params.id, body, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/issues',
    tag: 'cases',
    summary: 'Threat issues, newest first: filtered by case, detector, endpoint or actor; paginated',
    action: 'cases:read',
    query: z
      .object({ ...Paging, caseId: qOpt(IdParams.shape.id), detector: qString(80), endpointId: qString(200), actorId: qOpt(ActorId) })
      .strict(),
    response: pageOf(ThreatIssue),
    handler: async ({ principal, query, req, ctx }) => ctx.cases.listIssues(query, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/issues/:id',
    tag: 'cases',
    summary: 'One threat issue with its redacted triggering exchange',
    action: 'cases:read',
    params: IdParams,
    response: ThreatIssue,
    handler: async ({ principal, params, req, ctx }) => ctx.cases.getIssue(params.id, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/suppressions',
    tag: 'cases',
    summary: 'Suppressions (scoped exceptions with expiry), newest first, with the issues each has dropped',
    action: 'cases:read',
    query: z.object({ ...Paging, state: qEnum(['active', 'expired', 'all'] as const) }).strict(),
    response: pageOf(Suppression),
    handler: async ({ principal, query, req, ctx }) => ctx.cases.listSuppressions(query, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/suppressions',
    tag: 'cases',
    summary: 'Suppress similar issues: by detector, endpoint, actor and/or parameter, until it expires (default 30 days); audited',
    action: 'cases:write',
    body: SuppressionInput,
    response: Suppression,
    status: 201,
    handler: async ({ principal, body, req, ctx }) => ctx.cases.createSuppression(body, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'DELETE',
    url: '/api/v1/suppressions/:id',
    tag: 'cases',
    summary: 'Delete a suppression; audited',
    action: 'cases:write',
    params: IdParams,
    response: null,
    handler: async ({ principal, params, req, ctx }) => ctx.cases.deleteSuppression(params.id, callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/threats/daily',
    tag: 'cases',
    summary: 'Issues per UTC day and category over the last `days` days (default 30, at most 366) up to the newest issue',
    action: 'cases:read',
    query: z.object({ days: qInt(366) }).strict(),
    response: ThreatDaily,
    handler: async ({ principal, query, req, ctx }) => ctx.cases.daily(query.days ?? 30, callerOf(principal, req)),
  }),
];
