import { OwnershipRulesView, OwnershipTestRequest, OwnershipTestResult, ReplaceOwnershipRulesRequest, ReplaceOwnershipRulesResult } from '../../contracts/ownership.js';
import { route } from '../route-kit.js';
import { callerOf, type ServerContext } from '../context.js';

/** Ownership rules (docs/ownership.md): the one ordered list, and "which owner gets this endpoint?". */
export const ownershipRoutes = [
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/ownership/rules',
    tag: 'applications',
    summary: 'The ownership rules in order (first match wins); workload owners see those of their applications',
    action: 'applications:read',
    response: OwnershipRulesView,
    handler: async ({ principal, req, ctx }) => ({ rules: await ctx.ownership.listRules(callerOf(principal, req)) }),
  }),
  route<ServerContext>({
    method: 'PUT',
    url: '/api/v1/ownership/rules',
    tag: 'applications',
    summary: 'Replace the whole ordered list of ownership rules; endpoints, findings and specs are re-assigned at once',
    action: 'applications:manage',
    body: ReplaceOwnershipRulesRequest,
    response: ReplaceOwnershipRulesResult,
    handler: async ({ principal, body, req, ctx }) => ctx.ownership.replaceRules(callerOf(principal, req), body.rules),
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/ownership/test',
    tag: 'applications',
    summary: 'Which rule claims a host and path (or a stored endpoint), its application, and why the rules before it did not match',
    action: 'applications:read',
    body: OwnershipTestRequest,
    response: OwnershipTestResult,
    handler: async ({ principal, body, req, ctx }) => ctx.ownership.test(callerOf(principal, req), body),
  }),
];
