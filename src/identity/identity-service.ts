import { createHmac, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { Config } from '../config/config.js';
import {
  APPLICATION_DEFAULTS,
  ApplicationInput,
  DisplayName,
  Email,
  InviteUserInput,
  UpdateUserInput,
  type Application,
  type AuditEntry,
  type User,
} from '../contracts/identity.js';
import { conflict, invalidInput, notFound, tooManyRequests, unauthenticated } from '../errors/domain-errors.js';
import { MAX_PAGE_SIZE, type AuditQuery, type Page, type Store, type StoredToken, type StoredUser, type UserQuery, type UserTokenPurpose } from '../store/store.js';
import { systemClock, type Clock } from '../util/clock.js';
import { applicationMetadata } from './applications.js';
import { createAuditLog, type AuditAppend, type AuditHead, type AuditLog, type ChainVerdict } from './audit-log.js';
import { checkPasswordPolicy, hashPassword, needsRehash, PASSWORD_MAX_LENGTH, PRODUCTION_SCRYPT_COST, verifyPassword, type ScryptCost } from './passwords.js';
import { assertCan, inScope, SCOPED_ROLES, type Principal, type TokenPrincipal, type UserPrincipal } from './permissions.js';
import { isSecretShape, newId, newSecret, sameDigest, sha256Hex } from './secrets.js';
import { clientKey, createRateLimiter } from './throttle.js';

export interface IdentityOptions {
  /** A session ends after this long without a request (default 30 min)... */
  sessionIdleMs: number;
  /** ...and this long after login in any case (default 12 h). */
  sessionAbsoluteMs: number;
  /** `last seen` is written at most this often per session, not on every request (default 60 s). */
  sessionTouchIntervalMs: number;
  maxSessionsPerUser: number;
  /** Consecutive failed logins that lock an account (default 5)... */
  lockoutThreshold: number;
  /** ...for this long (default 15 min). */
  lockoutMs: number;
  /** Login attempts per client address and window (default 10 per minute). */
  loginAttemptsPerWindow: number;
  loginWindowMs: number;
  /** Client addresses the limiter tracks at once (default 10,000). */
  loginLimiterMaxKeys: number;
  invitationTtlMs: number;
  resetTtlMs: number;
  /** scrypt cost of new hashes; tests lower it. */
  passwordCost: ScryptCost;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULT_IDENTITY_OPTIONS: Readonly<IdentityOptions> = Object.freeze({
  sessionIdleMs: 30 * MINUTE,
  sessionAbsoluteMs: 12 * HOUR,
  sessionTouchIntervalMs: MINUTE,
  maxSessionsPerUser: 10,
  lockoutThreshold: 5,
  lockoutMs: 15 * MINUTE,
  loginAttemptsPerWindow: 10,
  loginWindowMs: MINUTE,
  loginLimiterMaxKeys: 10_000,
  invitationTtlMs: 72 * HOUR,
  resetTtlMs: 24 * HOUR,
  passwordCost: PRODUCTION_SCRYPT_COST,
});

/** The identity options that come from configuration (the password cost does not). */
export function identityOptionsFromConfig(c: Config['identity']): Partial<IdentityOptions> {
  return {
    sessionIdleMs: c.sessionIdleMinutes * MINUTE,
    sessionAbsoluteMs: c.sessionMaxHours * HOUR,
    maxSessionsPerUser: c.maxSessionsPerUser,
    lockoutThreshold: c.lockoutThreshold,
    lockoutMs: c.lockoutMinutes * MINUTE,
    loginAttemptsPerWindow: c.loginAttemptsPerMinute,
    loginLimiterMaxKeys: c.loginTrackedAddresses,
    invitationTtlMs: c.invitationHours * HOUR,
    resetTtlMs: c.passwordResetHours * HOUR,
  };
}

/** Who is calling a privileged operation, and from where (for the audit log). */
export interface Caller {
  principal: Principal;
  clientAddress?: string | null;
}

export interface LoginResult {
  /** The session id: the value of the session cookie (HttpOnly, Secure, SameSite=Lax or Strict). */
  sessionCookie: string;
  /** Sent back by the console in a header on every state-changing request. */
  csrfToken: string;
  expiresAt: string;
  user: User;
}

export interface IssuedUserToken {
  /** Shown once (put it in the link sent to the user); only its hash is stored. */
  token: string;
  expiresAt: string;
}

export interface IdentityService {
  /** Creates the first user, an active admin. Fails with `conflict` once any user exists. */
  bootstrapAdmin(input: { email: string; password: string; displayName?: string }, clientAddress?: string | null): Promise<User>;
  /** Invites an email with a role; inviting an email that is still only invited replaces its invitation. */
  inviteUser(caller: Caller, input: z.input<typeof InviteUserInput>): Promise<{ user: User; invitation: IssuedUserToken }>;
  /** Sets the invited user's password and activates the account; the invitation then no longer works. */
  acceptInvitation(token: string, password: string, opts?: { displayName?: string; clientAddress?: string | null }): Promise<User>;
  /** Unknown account, wrong password, locked, disabled or invited: one error, `unauthenticated`, one message. */
  login(email: string, password: string, clientAddress: string | null): Promise<LoginResult>;
  /** The principal of a live session (and the session's last-seen time moves on), or null. */
  authenticateSession(sessionCookie: string): Promise<UserPrincipal | null>;
  /** The CSRF token of a live session (the one `login` returned), or null. */
  csrfTokenFor(sessionCookie: string): Promise<string | null>;
  /** Whether `csrfToken` is the CSRF token of this live session. */
  verifyCsrf(sessionCookie: string, csrfToken: string): Promise<boolean>;
  /** Ends the session; false if there was none. */
  logout(sessionCookie: string, clientAddress?: string | null): Promise<boolean>;
  getUser(caller: Caller, id: string): Promise<User>;
  listUsers(caller: Caller, query?: UserQuery): Promise<Page<User>>;
  /** Role, applications, display name, status. Disabling ends the user's sessions. */
  updateUser(caller: Caller, id: string, patch: z.input<typeof UpdateUserInput>): Promise<User>;
  /** Clears the password, ends every session of the user and issues a single-use reset token. */
  resetPassword(caller: Caller, id: string): Promise<IssuedUserToken>;
  /** Sets a new password with a reset token; the token then no longer works. */
  completePasswordReset(token: string, password: string, clientAddress?: string | null): Promise<User>;
  /** The principal of a verified API token (see `server/tokens.ts`): scopes map to actions, scope is everything. */
  principalFromToken(token: StoredToken): TokenPrincipal;

  createApplication(caller: Caller, input: ApplicationInput): Promise<Application>;
  updateApplication(caller: Caller, id: string, input: ApplicationInput): Promise<Application>;
  deleteApplication(caller: Caller, id: string): Promise<void>;
  /** Workload owners see only their applications. */
  listApplications(caller: Caller, query?: { limit?: number; offset?: number }): Promise<Page<Application>>;

  listAudit(caller: Caller, query?: AuditQuery): Promise<Page<AuditEntry>>;
  verifyAuditChain(caller: Caller, anchor?: AuditHead): Promise<ChainVerdict>;
  /** JSON lines of the whole log; the export itself is audited. */
  exportAudit(caller: Caller, opts?: { afterSeq?: number }): Promise<AsyncIterable<string>>;
  /** The audit log, for other services to append their own entries. */
  readonly audit: AuditLog;
}

const INVITE_PREFIX = 'bwi_';
const RESET_PREFIX = 'bwr_';
/** The one answer to every failed login, so that it says nothing about which part was wrong. */
const LOGIN_FAILED = 'invalid email or password';
const TOKEN_INVALID: Record<UserTokenPurpose, string> = {
  invite: 'this invitation is invalid, used or expired',
  reset: 'this password reset link is invalid, used or expired',
};

/**
 * Users, roles, sessions and the audit log. A plain factory: state is the store's, except the login limiter
 * (bounded, per service instance) and the dummy hash that unknown accounts are verified against.
 *
 * @example
 * const identity = createIdentityService({ store, clock: systemClock, options: identityOptionsFromConfig(config.identity) });
 * const { sessionCookie, csrfToken } = await identity.login('ana@example.com', 'correct horse battery', '203.0.113.7');
 * const principal = await identity.authenticateSession(sessionCookie);
 */
export function createIdentityService(deps: {
  store: Store;
  clock?: Clock;
  options?: Partial<IdentityOptions>;
  /**
   * Key of the CSRF tokens: a session's token is HMAC(key, session id), so a reloaded console can ask
   * for it again (`csrfTokenFor`) while nothing new is stored. Defaults to a per-process random key.
   */
  csrfKey?: Buffer | string;
  /**
   * Called after an application is created, changed or deleted (endpoints may have changed owner): the
   * ownership service's unowned-endpoint findings follow. It must not throw: the change is already made.
   */
  onOwnershipChanged?: () => Promise<unknown>;
}): IdentityService {
  const store = deps.store;
  const csrfKey = deps.csrfKey ?? randomBytes(32);
  const csrfOf = (sessionCookie: string) => createHmac('sha256', csrfKey).update(`csrf\n${sessionCookie}`).digest('base64url');
  const clock = deps.clock ?? systemClock;
  const o: IdentityOptions = { ...DEFAULT_IDENTITY_OPTIONS, ...deps.options };
  const audit = createAuditLog({ store, clock });
  const limiter = createRateLimiter({ limit: o.loginAttemptsPerWindow, windowMs: o.loginWindowMs, maxKeys: o.loginLimiterMaxKeys, clock });
  let dummyHash: Promise<string> | null = null;

  const now = () => clock.now();
  const iso = (ms: number) => new Date(ms).toISOString();

  function record(entry: AuditAppend): Promise<AuditEntry> {
    return audit.append(entry);
  }

  function actorOf(p: Principal): AuditAppend['actor'] {
    return { kind: p.kind, id: p.id };
  }

  /** A hash with the current cost, of a random password: verifying against it costs what a real verify costs. */
  function dummy(): Promise<string> {
    dummyHash ??= hashPassword(newSecret(), o.passwordCost);
    return dummyHash;
  }

  function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
    const r = schema.safeParse(input);
    if (!r.success) {
      const first = r.error.issues[0];
      throw invalidInput(`invalid ${what}${first ? ` at ${first.path.join('.') || '(root)'}: ${first.message}` : ''}`, {
        issues: r.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      });
    }
    return r.data as z.output<S>;
  }

  function assertPasswordPolicy(password: string, email: string): void {
    const problems = checkPasswordPolicy(password, { email });
    if (problems.length > 0) throw invalidInput(`password refused: ${problems.map((p) => p.message).join('; ')}`, { problems });
  }

  async function requireUser(id: string): Promise<StoredUser> {
    const user = await store.getUser(id);
    if (!user) throw notFound('no such user');
    return user;
  }

  async function assertApplicationsExist(ids: readonly string[]): Promise<void> {
    for (const id of new Set(ids)) {
      if (!(await store.getApplication(id))) throw invalidInput(`no such application: ${id}`);
    }
  }

  async function issueUserToken(userId: string, purpose: UserTokenPurpose): Promise<IssuedUserToken> {
    await store.revokeUserTokens(userId, purpose);
    const token = newSecret(purpose === 'invite' ? INVITE_PREFIX : RESET_PREFIX);
    const at = now();
    const expiresAt = iso(at.getTime() + (purpose === 'invite' ? o.invitationTtlMs : o.resetTtlMs));
    await store.createUserToken({ hash: sha256Hex(token), userId, purpose, createdAt: at.toISOString(), expiresAt, usedAt: null });
    return { token, expiresAt };
  }

  /**
   * Shared by invitation and reset: check the token and the password before spending the token, so a
   * refused password does not burn the link; then spend it atomically (one of two racing calls wins).
   */
  async function redeemUserToken(purpose: UserTokenPurpose, token: string, password: string): Promise<{ user: StoredUser; passwordHash: string }> {
    const refused = () => invalidInput(TOKEN_INVALID[purpose]);
    if (!isSecretShape(token, purpose === 'invite' ? INVITE_PREFIX : RESET_PREFIX)) throw refused();
    const hash = sha256Hex(token);
    const found = await store.findUserToken(hash, purpose);
    if (!found || found.usedAt !== null || now().getTime() >= Date.parse(found.expiresAt)) throw refused();
    const user = await store.getUser(found.userId);
    if (!user || (purpose === 'invite') !== (user.status === 'invited')) throw refused();
    assertPasswordPolicy(password, user.email);
    const passwordHash = await hashPassword(password, o.passwordCost);
    if (!(await store.consumeUserToken(hash, purpose, now().toISOString()))) throw refused();
    // Re-read: the account may have changed while the password was hashing.
    const current = await store.getUser(found.userId);
    if (!current || (purpose === 'invite') !== (current.status === 'invited')) throw refused();
    return { user: current, passwordHash };
  }

  function isLocked(user: StoredUser, at: Date): boolean {
    return user.lockedUntil !== null && Date.parse(user.lockedUntil) > at.getTime();
  }

  async function principalForUser(user: StoredUser): Promise<UserPrincipal> {
    const principal: UserPrincipal = { kind: 'user', id: user.id, name: user.email, role: user.role, applications: 'all' };
    if (!SCOPED_ROLES.includes(user.role)) return principal;
    // Scoped roles see the applications granted on the user and those that name them as an owner.
    const ids = new Set(user.applications);
    for (let offset = 0; ; offset += MAX_PAGE_SIZE) {
      const page = await store.listApplications({ owner: user.id, limit: MAX_PAGE_SIZE, offset });
      for (const app of page.items) ids.add(app.id);
      if (offset + page.items.length >= page.total || page.items.length === 0) break;
    }
    return { ...principal, applications: [...ids].sort() };
  }

  async function liveSession(sessionCookie: string) {
    if (!isSecretShape(sessionCookie)) return null;
    const idHash = sha256Hex(sessionCookie);
    const session = await store.findSession(idHash);
    if (!session) return null;
    const t = now().getTime();
    if (t >= Date.parse(session.expiresAt) || t - Date.parse(session.lastSeenAt) >= o.sessionIdleMs) {
      await store.deleteSession(idHash);
      return null;
    }
    return { idHash, session, t };
  }

  async function countActiveAdmins(): Promise<number> {
    return (await store.listUsers({ role: 'admin', status: 'active', limit: 0 })).total;
  }

  const service: IdentityService = {
    audit,

    async bootstrapAdmin(input, clientAddress = null) {
      const email = parse(Email, input.email, 'email');
      const displayName = parse(DisplayName, input.displayName ?? email, 'display name');
      assertPasswordPolicy(input.password, email);
      const at = now().toISOString();
      const user: StoredUser = {
        id: newId('u'),
        email,
        displayName,
        role: 'admin',
        applications: [],
        status: 'active',
        failedLogins: 0,
        lockedUntil: null,
        lastLoginAt: null,
        createdAt: at,
        updatedAt: at,
        passwordHash: await hashPassword(input.password, o.passwordCost),
      };
      if (!(await store.createFirstUser(user))) throw conflict('Bulwark already has users; ask an administrator for an invitation');
      await record({ actor: { kind: 'system', id: null }, action: 'user.bootstrap', target: { type: 'user', id: user.id }, after: userView(user), clientAddress });
      return userView(user);
    },

    async inviteUser(caller, raw) {
      assertCan(caller.principal, 'users:manage');
      const input = parse(InviteUserInput, raw, 'invitation');
      await assertApplicationsExist(input.applications ?? []);
      const at = now().toISOString();
      const existing = await store.findUserByEmail(input.email);
      let user: StoredUser;
      let before: User | null = null;
      if (existing) {
        if (existing.status !== 'invited') throw conflict('a user with this email already exists');
        before = userView(existing);
        const patch = { role: input.role, updatedAt: at, ...(input.displayName ? { displayName: input.displayName } : {}), ...(input.applications ? { applications: input.applications } : {}) };
        user = (await store.updateUser(existing.id, patch)) ?? existing;
      } else {
        user = {
          id: newId('u'),
          email: input.email,
          displayName: input.displayName ?? input.email,
          role: input.role,
          applications: input.applications ?? [],
          status: 'invited',
          failedLogins: 0,
          lockedUntil: null,
          lastLoginAt: null,
          createdAt: at,
          updatedAt: at,
          passwordHash: null,
        };
        await store.createUser(user);
      }
      const invitation = await issueUserToken(user.id, 'invite');
      await record({
        actor: actorOf(caller.principal),
        action: 'user.invite',
        target: { type: 'user', id: user.id },
        before,
        after: { ...userView(user), invitationExpiresAt: invitation.expiresAt },
        clientAddress: caller.clientAddress ?? null,
      });
      return { user: userView(user), invitation };
    },

    async acceptInvitation(token, password, opts = {}) {
      const displayName = opts.displayName === undefined ? undefined : parse(DisplayName, opts.displayName, 'display name');
      const { user, passwordHash } = await redeemUserToken('invite', token, password);
      const updated = await store.updateUser(user.id, {
        passwordHash,
        status: 'active',
        failedLogins: 0,
        lockedUntil: null,
        updatedAt: now().toISOString(),
        ...(displayName ? { displayName } : {}),
      });
      if (!updated) throw invalidInput(TOKEN_INVALID.invite);
      await record({
        actor: { kind: 'user', id: user.id },
        action: 'user.invitation-accept',
        target: { type: 'user', id: user.id },
        before: userView(user),
        after: userView(updated),
        clientAddress: opts.clientAddress ?? null,
      });
      return userView(updated);
    },

    async login(email, password, clientAddress) {
      const verdict = limiter.hit(clientKey(clientAddress));
      if (!verdict.allowed) {
        // One entry per address and window: a flood of attempts must not become a flood of audit rows.
        if (verdict.firstRefusal) {
          await record({ actor: { kind: 'anonymous', id: null }, action: 'auth.throttled', after: { retryAfterMs: verdict.retryAfterMs }, clientAddress });
        }
        throw tooManyRequests('too many login attempts; try again later', Math.ceil(verdict.retryAfterMs / 1000));
      }
      const plausible = typeof email === 'string' && email.length <= 254 && typeof password === 'string' && password.length <= PASSWORD_MAX_LENGTH * 4;
      const user = plausible ? await store.findUserByEmail(email) : null;
      // Every path verifies one hash, so the time taken does not tell a known account from an unknown one.
      const matches = await verifyPassword(plausible ? password : '', user?.passwordHash ?? (await dummy()));
      const at = now();
      const failed = async (reason: string, extra: Record<string, unknown> = {}): Promise<never> => {
        await record({
          actor: { kind: 'anonymous', id: null },
          action: 'auth.login-failed',
          target: user ? { type: 'user', id: user.id } : null,
          after: { reason, ...extra },
          clientAddress,
        });
        throw unauthenticated(LOGIN_FAILED);
      };

      if (!user) return failed('unknown-account');
      if (user.status !== 'active' || user.passwordHash === null) return failed(`account-${user.status === 'active' ? 'without-password' : user.status}`);
      if (isLocked(user, at)) return failed('locked', { lockedUntil: user.lockedUntil });
      if (!matches) {
        const r = await store.recordLoginFailure(user.id, {
          lockAfter: o.lockoutThreshold,
          lockUntil: iso(at.getTime() + o.lockoutMs),
          at: at.toISOString(),
        });
        if (r?.locked) {
          await record({
            actor: { kind: 'system', id: null },
            action: 'auth.lockout',
            target: { type: 'user', id: user.id },
            after: { lockedUntil: r.lockedUntil, afterFailures: o.lockoutThreshold },
            clientAddress,
          });
        }
        return failed('wrong-password', { failedLogins: r?.locked ? o.lockoutThreshold : (r?.failedLogins ?? null) });
      }

      limiter.refund(clientKey(clientAddress));
      await store.recordLoginSuccess(user.id, at.toISOString());
      if (needsRehash(user.passwordHash, o.passwordCost)) {
        await store.updateUser(user.id, { passwordHash: await hashPassword(password, o.passwordCost), updatedAt: at.toISOString() });
      }
      await store.pruneSessions(at.toISOString(), iso(at.getTime() - o.sessionIdleMs));
      const sessionCookie = newSecret();
      const csrfToken = csrfOf(sessionCookie);
      const expiresAt = iso(at.getTime() + o.sessionAbsoluteMs);
      await store.createSession(
        {
          idHash: sha256Hex(sessionCookie),
          userId: user.id,
          csrfHash: sha256Hex(csrfToken),
          clientAddress,
          createdAt: at.toISOString(),
          lastSeenAt: at.toISOString(),
          expiresAt,
        },
        o.maxSessionsPerUser,
      );
      await record({ actor: { kind: 'user', id: user.id }, action: 'auth.login', target: { type: 'user', id: user.id }, after: { sessionExpiresAt: expiresAt }, clientAddress });
      const fresh = (await store.getUser(user.id)) ?? user;
      return { sessionCookie, csrfToken, expiresAt, user: userView(fresh) };
    },

    async authenticateSession(sessionCookie) {
      const live = await liveSession(sessionCookie);
      if (!live) return null;
      const user = await store.getUser(live.session.userId);
      if (!user || user.status !== 'active') {
        await store.deleteSession(live.idHash);
        return null;
      }
      if (live.t - Date.parse(live.session.lastSeenAt) >= o.sessionTouchIntervalMs) {
        await store.touchSession(live.idHash, iso(live.t));
      }
      return principalForUser(user);
    },

    async csrfTokenFor(sessionCookie) {
      const live = await liveSession(sessionCookie);
      return live === null ? null : csrfOf(sessionCookie);
    },

    async verifyCsrf(sessionCookie, csrfToken) {
      if (!isSecretShape(csrfToken)) return false;
      const live = await liveSession(sessionCookie);
      return live !== null && sameDigest(sha256Hex(csrfToken), live.session.csrfHash);
    },

    async logout(sessionCookie, clientAddress = null) {
      if (!isSecretShape(sessionCookie)) return false;
      const idHash = sha256Hex(sessionCookie);
      const session = await store.findSession(idHash);
      if (!session || !(await store.deleteSession(idHash))) return false;
      await record({ actor: { kind: 'user', id: session.userId }, action: 'auth.logout', target: { type: 'user', id: session.userId }, clientAddress });
      return true;
    },

    async getUser(caller, id) {
      if (caller.principal.kind !== 'user' || caller.principal.id !== id) assertCan(caller.principal, 'users:read');
      return userView(await requireUser(id));
    },

    async listUsers(caller, query = {}) {
      assertCan(caller.principal, 'users:read');
      const page = await store.listUsers(query);
      return { ...page, items: page.items.map(userView) };
    },

    async updateUser(caller, id, raw) {
      assertCan(caller.principal, 'users:manage');
      const patch = parse(UpdateUserInput, raw, 'user update');
      const user = await requireUser(id);
      if (patch.applications) await assertApplicationsExist(patch.applications);
      if (patch.status === 'active' && user.passwordHash === null) {
        throw invalidInput('the user has no password yet: send an invitation or a password reset instead');
      }
      const losesAdmin = user.role === 'admin' && user.status === 'active' && ((patch.role !== undefined && patch.role !== 'admin') || patch.status === 'disabled');
      if (losesAdmin && (await countActiveAdmins()) <= 1) throw conflict('the last active administrator cannot be demoted or disabled');

      const updated = await store.updateUser(id, { ...patch, updatedAt: now().toISOString() });
      if (!updated) throw notFound('no such user');
      let sessionsRevoked = 0;
      if (patch.status === 'disabled' && user.status !== 'disabled') {
        sessionsRevoked = await store.deleteUserSessions(id);
        await store.revokeUserTokens(id, 'invite');
        await store.revokeUserTokens(id, 'reset');
      }
      await record({
        actor: actorOf(caller.principal),
        action: 'user.update',
        target: { type: 'user', id },
        before: userView(user),
        after: { ...userView(updated), ...(sessionsRevoked > 0 ? { sessionsRevoked } : {}) },
        clientAddress: caller.clientAddress ?? null,
      });
      return userView(updated);
    },

    async resetPassword(caller, id) {
      assertCan(caller.principal, 'users:manage');
      const user = await requireUser(id);
      if (user.status === 'invited') throw conflict('the user has not accepted the invitation yet: invite them again instead');
      const updated = await store.updateUser(id, { passwordHash: null, failedLogins: 0, lockedUntil: null, updatedAt: now().toISOString() });
      const sessionsRevoked = await store.deleteUserSessions(id);
      const issued = await issueUserToken(id, 'reset');
      await record({
        actor: actorOf(caller.principal),
        action: 'user.password-reset',
        target: { type: 'user', id },
        before: userView(user),
        after: { ...userView(updated ?? user), sessionsRevoked, resetExpiresAt: issued.expiresAt },
        clientAddress: caller.clientAddress ?? null,
      });
      return issued;
    },

    async completePasswordReset(token, password, clientAddress = null) {
      const { user, passwordHash } = await redeemUserToken('reset', token, password);
      const updated = await store.updateUser(user.id, { passwordHash, failedLogins: 0, lockedUntil: null, updatedAt: now().toISOString() });
      if (!updated) throw invalidInput(TOKEN_INVALID.reset);
      // Sessions made after the reset was issued and before now would still hold the old access.
      const sessionsRevoked = await store.deleteUserSessions(user.id);
      await record({
        actor: { kind: 'user', id: user.id },
        action: 'user.password-set',
        target: { type: 'user', id: user.id },
        after: { via: 'reset', sessionsRevoked },
        clientAddress,
      });
      return userView(updated);
    },

    principalFromToken(token) {
      if (token.revoked) throw unauthenticated();
      return { kind: 'token', id: token.id, name: token.name, scopes: [...token.scopes], applications: 'all' };
    },

    async createApplication(caller, raw) {
      assertCan(caller.principal, 'applications:manage');
      const input = parse(ApplicationInput, raw, 'application');
      await assertOwnersExist(input.owners);
      const at = now().toISOString();
      const app: Application = {
        id: newId('app'),
        name: input.name,
        owners: dedupe(input.owners),
        matchers: input.matchers ?? [],
        ...applicationMetadata(input, APPLICATION_DEFAULTS),
        createdAt: at,
        updatedAt: at,
      };
      await store.createApplication(app);
      // Read back: its matchers are now host rules of the one list, as every read shows them.
      const created = (await store.getApplication(app.id)) ?? app;
      await record({ actor: actorOf(caller.principal), action: 'application.create', target: { type: 'application', id: app.id }, after: created, clientAddress: caller.clientAddress ?? null });
      await deps.onOwnershipChanged?.();
      return created;
    },

    async updateApplication(caller, id, raw) {
      assertCan(caller.principal, 'applications:manage');
      const input = parse(ApplicationInput, raw, 'application');
      const before = await store.getApplication(id);
      if (!before) throw notFound('no such application');
      await assertOwnersExist(input.owners);
      // Older clients send name, owners and matchers only: what they leave out stays as it was.
      const app: Application = {
        ...before,
        name: input.name,
        owners: dedupe(input.owners),
        matchers: input.matchers ?? before.matchers,
        ...applicationMetadata(input, before),
        updatedAt: now().toISOString(),
      };
      if (!(await store.updateApplication(app))) throw notFound('no such application');
      const after = (await store.getApplication(id)) ?? app;
      await record({ actor: actorOf(caller.principal), action: 'application.update', target: { type: 'application', id }, before, after, clientAddress: caller.clientAddress ?? null });
      await deps.onOwnershipChanged?.();
      return after;
    },

    async deleteApplication(caller, id) {
      assertCan(caller.principal, 'applications:manage');
      const before = await store.getApplication(id);
      if (!before || !(await store.deleteApplication(id))) throw notFound('no such application');
      await record({ actor: actorOf(caller.principal), action: 'application.delete', target: { type: 'application', id }, before, clientAddress: caller.clientAddress ?? null });
      await deps.onOwnershipChanged?.();
    },

    async listApplications(caller, query = {}) {
      assertCan(caller.principal, 'applications:read');
      const scope = caller.principal.applications;
      if (scope === 'all') return store.listApplications(query);
      // A scoped principal holds at most a few hundred ids; fetch those and page in memory.
      const apps: Application[] = [];
      for (const id of scope) {
        const app = await store.getApplication(id);
        if (app && inScope(caller.principal, app.id)) apps.push(app);
      }
      apps.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 0), MAX_PAGE_SIZE);
      const offset = Math.max(Math.trunc(query.offset ?? 0), 0);
      return { items: apps.slice(offset, offset + limit), total: apps.length, limit, offset };
    },

    async listAudit(caller, query = {}) {
      assertCan(caller.principal, 'audit:read');
      return audit.list(query);
    },

    async verifyAuditChain(caller, anchor) {
      assertCan(caller.principal, 'audit:read');
      return audit.verifyChain(anchor ? { anchor } : {});
    },

    async exportAudit(caller, opts = {}) {
      assertCan(caller.principal, 'audit:read');
      await record({ actor: actorOf(caller.principal), action: 'audit.export', after: { afterSeq: opts.afterSeq ?? 0 }, clientAddress: caller.clientAddress ?? null });
      return audit.exportJsonLines(opts);
    },
  };

  async function assertOwnersExist(owners: readonly string[]): Promise<void> {
    for (const id of new Set(owners)) {
      if (!(await store.getUser(id))) throw invalidInput(`no such user: ${id}`);
    }
  }

  return service;
}

function dedupe(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** A user without its password hash: what leaves the service, and what the audit log records. */
export function userView(u: StoredUser): User {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    applications: [...u.applications],
    status: u.status,
    failedLogins: u.failedLogins,
    lockedUntil: u.lockedUntil,
    lastLoginAt: u.lastLoginAt,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}

