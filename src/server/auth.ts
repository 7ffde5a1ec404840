import type { FastifyRequest } from 'fastify';
import type { IdentityService } from '../identity/identity-service.js';
import type { Principal } from '../identity/permissions.js';
import type { Store } from '../store/store.js';
import { verifyToken } from './tokens.js';

/** The console's session cookie. HttpOnly, SameSite=Strict, Path=/, Secure under TLS. */
export const SESSION_COOKIE = 'bulwark_session';
/** Header carrying the session's CSRF token on state-changing requests. */
export const CSRF_HEADER = 'x-csrf-token';

export interface Authenticated {
  principal: Principal;
  via: 'token' | 'session';
  /** The session id, when signed in through the console. */
  session?: string;
}

/** The value of cookie `name` in a `Cookie` header; null when absent. Bounded: only the first 8 KiB are read. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.slice(0, 8192).split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export function sessionCookieHeader(value: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  const attrs = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.max(0, Math.floor(opts.maxAgeSeconds))}`];
  if (opts.secure) attrs.push('Secure');
  return attrs.join('; ');
}

/**
 * Who is calling: a bearer API token (machines, scripts) or a console session cookie (people).
 * A request that presents a bearer token is judged by the token alone, even if it also has a cookie.
 */
export async function authenticate(req: FastifyRequest, deps: { store: Store; identity: IdentityService }): Promise<Authenticated | null> {
  const header = req.headers.authorization;
  if (typeof header === 'string' && header.length > 0) {
    const m = /^Bearer ([^\s]{1,200})$/i.exec(header);
    if (!m) return null;
    const token = await verifyToken(deps.store, m[1]!);
    if (!token) return null;
    void deps.store.touchToken(token.id, new Date().toISOString()).catch(() => undefined);
    return { principal: deps.identity.principalFromToken(token), via: 'token' };
  }
  const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
  if (!cookie) return null;
  const principal = await deps.identity.authenticateSession(cookie);
  return principal ? { principal, via: 'session', session: cookie } : null;
}
