import { AcceptInvitationRequest, LoginRequest, PasswordResetRequest, SessionView } from '../../contracts/api.js';
import { actionsOf, type Principal } from '../../identity/permissions.js';
import { invalidInput, unauthenticated } from '../../errors/domain-errors.js';
import type { FastifyReply } from 'fastify';
import { route } from '../route-kit.js';
import { principalOf, type ServerContext } from '../context.js';
import { sessionCookieHeader } from '../auth.js';
import type { User } from '../../contracts/identity.js';

async function startSession(ctx: ServerContext, reply: FastifyReply, email: string, password: string, clientAddress: string) {
  const r = await ctx.identity.login(email, password, clientAddress);
  const principal = await ctx.identity.authenticateSession(r.sessionCookie);
  if (!principal) throw unauthenticated('the session could not be started');
  const maxAge = (Date.parse(r.expiresAt) - Date.now()) / 1000;
  void reply.header('set-cookie', sessionCookieHeader(r.sessionCookie, { secure: ctx.secureCookies, maxAgeSeconds: maxAge }));
  return view(r.user, principal, r.csrfToken);
}

function view(user: User, principal: Principal, csrfToken: string) {
  return { user, actions: actionsOf(principal), csrfToken };
}

export const authRoutes = [
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/auth/login',
    tag: 'auth',
    summary: 'Sign in with email and password; sets the session cookie and returns the CSRF token',
    action: 'public',
    body: LoginRequest,
    response: SessionView,
    handler: async ({ body, req, reply, ctx }) => startSession(ctx, reply, body.email, body.password, req.ip),
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/auth/session',
    tag: 'auth',
    summary: 'The signed-in user, their permitted actions and the CSRF token of the session',
    action: 'authenticated',
    response: SessionView,
    handler: async ({ principal, req, ctx }) => {
      const p = principalOf(principal);
      if (p.kind !== 'user' || !req.auth?.session) throw invalidInput('an API token has no console session: use the token itself');
      const [user, csrf] = await Promise.all([ctx.identity.getUser({ principal: p }, p.id), ctx.identity.csrfTokenFor(req.auth.session)]);
      if (!csrf) throw unauthenticated('the session has ended');
      return view(user, p, csrf);
    },
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/auth/logout',
    tag: 'auth',
    summary: 'End the console session',
    action: 'authenticated',
    response: null,
    handler: async ({ req, reply, ctx }) => {
      if (!req.auth?.session) throw invalidInput('an API token is not a session: revoke it under /api/v1/tokens instead');
      await ctx.identity.logout(req.auth.session, req.ip);
      void reply.header('set-cookie', sessionCookieHeader('', { secure: ctx.secureCookies, maxAgeSeconds: 0 }));
    },
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/auth/accept-invitation',
    tag: 'auth',
    summary: 'Set a password with a one-time invitation token, then sign in',
    action: 'public',
    body: AcceptInvitationRequest,
    response: SessionView,
    handler: async ({ body, req, reply, ctx }) => {
      const user = await ctx.identity.acceptInvitation(body.token, body.password, { ...(body.displayName ? { displayName: body.displayName } : {}), clientAddress: req.ip });
      return startSession(ctx, reply, user.email, body.password, req.ip);
    },
  }),
  route<ServerContext>({
    method: 'POST',
    url: '/api/v1/auth/reset-password',
    tag: 'auth',
    summary: 'Set a new password with a one-time reset token issued by an admin',
    action: 'public',
    body: PasswordResetRequest,
    response: null,
    handler: async ({ body, req, ctx }) => {
      await ctx.identity.completePasswordReset(body.token, body.password, req.ip);
    },
  }),
];
