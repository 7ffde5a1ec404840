import { z } from 'zod';
import { FINDING_SORTS, FindingPage } from '../../contracts/api.js';
import { Finding, Severity } from '../../contracts/finding.js';
import { applicationScope, inScope } from '../../identity/permissions.js';
import { notFound } from '../../errors/domain-errors.js';
import { qEnum, qOpt, qString, route, Paging } from '../route-kit.js';
import { principalOf, type ServerContext } from '../context.js';

const FindingListQuery = z
  .object({
    ...Paging,
    endpointId: qString(64),
    severity: qOpt(Severity),
    minSeverity: qOpt(Severity),
    ruleId: qString(100),
    status: qEnum(['open', 'resolved'] as const),
    host: qString(255),
    owasp: qString(12),
    application: qString(64),
    search: qString(200),
    sort: qEnum(FINDING_SORTS),
    order: qEnum(['asc', 'desc'] as const),
  })
  .strict();

export const findingRoutes = [
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/findings',
    tag: 'findings',
    summary: 'Posture findings: filtered, sorted, paginated (at most 500 per page)',
    action: 'findings:read',
    query: FindingListQuery,
    response: FindingPage,
    handler: async ({ principal, query, ctx }) =>
      ctx.store.listFindings({ ...query, limit: query.limit ?? 50, scope: applicationScope(principalOf(principal)) }),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/findings/:id',
    tag: 'findings',
    summary: 'One finding with its redacted evidence and remediation advice',
    action: 'findings:read',
    params: z.object({ id: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/) }).strict(),
    response: Finding,
    handler: async ({ principal, params, ctx }) => {
      const f = await ctx.store.getFinding(params.id);
      if (!f || !inScope(principalOf(principal), f.applicationId ?? null)) throw notFound(`finding ${params.id} not found`);
      return f;
    },
  }),
];
