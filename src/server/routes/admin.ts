import { z } from 'zod';
import {
  ApplicationView,
  AuditPage,
  AuditVerification,
  CreateTokenRequest,
  CreatedToken,
  InviteUserRequest,
  OneTimeLink,
  TokenView,
  UpdateUserRequest,
  UserView,
  pageOf,
} from '../../contracts/api.js';
import { ApplicationInput, Role, UserStatus } from '../../contracts/identity.js';
import { AuditActorKind } from '../../contracts/identity.js';
import { invalidInput, notFound } from '../../errors/domain-errors.js';
import { MAX_PAGE_SIZE, type StoredToken, type TokenScope } from '../../store/store.js';
import { IdParams, qEnum, qOpt, qInt, qString, route, Paging } from '../route-kit.js';
import { callerOf, principalOf, type ServerContext } from '../context.js';
import { issueToken } from '../tokens.js';

const tokenView = ({ hash: _hash, ...t }: StoredToken) => t;

export const adminRoutes = [
  // ---- users ----
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/users',
    tag: 'users',
    summary: 'Console users with their roles and status',
    action: 'users:read',
    query: z.object({ ...Paging, role: qOpt(Role), status: qOpt(UserStatus) }).strict(),
    response: pageOf(UserView),
    handler: async ({ principal, query, req, ctx }) => ctx.identity.listUsers(callerOf(principal, req), { ...query, limit: query.limit ?? 100 }),
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/users',
    tag: 'users',
    summary: 'Invite a user: returns the one-time invitation token (shown once)',
    action: 'users:manage',
    body: InviteUserRequest,
    response: OneTimeLink,
    status: 201,
    handler: async ({ principal, body, req, ctx }) => {
      const { user, invitation } = await ctx.identity.inviteUser(callerOf(principal, req), body);
      return { user, token: invitation.token, expiresAt: invitation.expiresAt };
    },
  }),
  route<ServerContext>({
    method: 'PATCH',
    url: '/api/v1/users/:id',
    tag: 'users',
    summary: 'Change a user\'s name, role, applications or status (disabling ends their sessions)',
    action: 'users:manage',
    params: IdParams,
    body: UpdateUserRequest,
    response: UserView,
    handler: async ({ principal, params, body, req, ctx }) => ctx.identity.updateUser(callerOf(principal, req), params.id, body),
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/users/:id/reset-password',
    tag: 'users',
    summary: 'Reset a user\'s password: ends their sessions, returns a one-time reset token (shown once)',
    action: 'users:manage',
    params: IdParams,
    response: OneTimeLink,
    handler: async ({ principal, params, req, ctx }) => {
      const caller = callerOf(principal, req);
      const issued = await ctx.identity.resetPassword(caller, params.id);
      return { user: await ctx.identity.getUser(caller, params.id), token: issued.token, expiresAt: issued.expiresAt };
    },
  }),

  // ---- API tokens ----
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/tokens',
    tag: 'tokens',
    summary: 'API tokens (never their secrets)',
    action: 'tokens:read',
    response: z.object({ items: z.array(TokenView) }),
    handler: async ({ ctx }) => ({ items: (await ctx.store.listTokens()).map(tokenView) }),
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/tokens',
    tag: 'tokens',
    summary: 'Issue an API token; the secret is in this answer only',
    action: 'tokens:manage',
    body: CreateTokenRequest,
    response: CreatedToken,
    status: 201,
    handler: async ({ principal, body, req, ctx }) => {
      const p = principalOf(principal);
      const { token, record } = await issueToken(ctx.store, body.name, [...new Set(body.scopes)] as TokenScope[]);
      await ctx.identity.audit.append({ actor: { kind: p.kind, id: p.id }, action: 'token.create', target: { type: 'token', id: record.id }, after: tokenView(record), clientAddress: req.ip });
      return { ...tokenView(record), token };
    },
  }),
  route<ServerContext>({
    method: 'DELETE',
    url: '/api/v1/tokens/:id',
    tag: 'tokens',
    summary: 'Revoke an API token',
    action: 'tokens:manage',
    params: IdParams,
    response: null,
    handler: async ({ principal, params, req, ctx }) => {
      const p = principalOf(principal);
      if (p.kind === 'token' && p.id === params.id) throw invalidInput('a token cannot revoke itself');
      const before = (await ctx.store.listTokens()).find((t) => t.id === params.id);
      if (!before || !(await ctx.store.revokeToken(params.id))) throw notFound(`token ${params.id} not found`);
      await ctx.identity.audit.append({
        actor: { kind: p.kind, id: p.id },
        action: 'token.revoke',
        target: { type: 'token', id: params.id },
        before: tokenView(before),
        after: { ...tokenView(before), revoked: true },
        clientAddress: req.ip,
      });
    },
  }),

  // ---- applications ----
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/applications',
    tag: 'applications',
    summary: 'Applications: named groups of APIs with their owners, team, contacts, criticality, data tags and host rules (matchers)',
    action: 'applications:read',
    query: z.object(Paging).strict(),
    response: pageOf(ApplicationView),
    handler: async ({ principal, query, req, ctx }) => ctx.identity.listApplications(callerOf(principal, req), { ...query, limit: query.limit ?? 100 }),
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/applications',
    tag: 'applications',
    summary: 'Create an application; its matchers go to the end of the ownership rules and what they claim is assigned at once',
    action: 'applications:manage',
    body: ApplicationInput,
    response: ApplicationView,
    status: 201,
    handler: async ({ principal, body, req, ctx }) => ctx.identity.createApplication(callerOf(principal, req), body),
  }),
  route<ServerContext>({
    method: 'PATCH',
    url: '/api/v1/applications/:id',
    tag: 'applications',
    summary: 'Change an application\'s name, owners, matchers and metadata (metadata and matchers left out stay as they are)',
    action: 'applications:manage',
    params: IdParams,
    body: ApplicationInput,
    response: ApplicationView,
    handler: async ({ principal, params, body, req, ctx }) => ctx.identity.updateApplication(callerOf(principal, req), params.id, body),
  }),
  route<ServerContext>({
    method: 'DELETE',
    url: '/api/v1/applications/:id',
    tag: 'applications',
    summary: 'Delete an application (its endpoints become unassigned)',
    action: 'applications:manage',
    params: IdParams,
    response: null,
    handler: async ({ principal, params, req, ctx }) => {
      await ctx.identity.deleteApplication(callerOf(principal, req), params.id);
    },
  }),

  // ---- audit log ----
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/audit',
    tag: 'audit',
    summary: 'The audit log, newest first: who did what, when, to what, before and after',
    action: 'audit:read',
    query: z
      .object({
        ...Paging,
        order: qEnum(['asc', 'desc'] as const),
        actor: qString(64),
        actorKind: qOpt(AuditActorKind),
        action: qString(100),
        targetType: qString(50),
        targetId: qString(100),
        from: qString(40),
        to: qString(40),
      })
      .strict(),
    response: AuditPage,
    handler: async ({ principal, query, req, ctx }) => {
      const { actor, ...rest } = query;
      return ctx.identity.listAudit(callerOf(principal, req), { ...rest, ...(actor ? { actorId: actor } : {}), limit: query.limit ?? 50 });
    },
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/audit/verify',
    tag: 'audit',
    summary: 'Verify the audit log\'s hash chain; returns the head to keep outside Bulwark',
    action: 'audit:read',
    response: AuditVerification,
    handler: async ({ principal, req, ctx }) => ctx.identity.verifyAuditChain(callerOf(principal, req)),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/audit/export',
    tag: 'audit',
    summary: 'The whole audit log as JSON lines (oldest first)',
    action: 'audit:read',
    response: z.string(),
    produces: 'application/x-ndjson',
    handler: async ({ principal, req, reply, ctx }) => {
      const lines = await ctx.identity.exportAudit(callerOf(principal, req));
      void reply
        .header('content-type', 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', 'attachment; filename="bulwark-audit.jsonl"');
      const { Readable } = await import('node:stream');
      return Readable.from((async function* () {
        for await (const line of lines) yield line.endsWith('\n') ? line : `${line}\n`;
      })());
    },
  }),

  // ---- dead letters ----
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/rejects',
    tag: 'ingest',
    summary: 'Rejected input records (dead letters) with their reasons, newest first',
    action: 'settings:manage',
    query: z.object({ limit: qInt(MAX_PAGE_SIZE) }).strict(),
    response: z.object({ items: z.array(z.object({ at: z.string(), source: z.string(), line: z.number().int().optional(), reason: z.string() })) }),
    handler: async ({ query, ctx }) => ({ items: await ctx.store.listRejects(query.limit ?? 100) }),
  }),
];
