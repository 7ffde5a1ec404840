import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Role, User } from '../contracts/identity.js';
import { DomainError } from '../errors/domain-errors.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import type { Store, StoredToken } from '../store/store.js';
import { manualClock, type ManualClock } from '../util/clock.js';
import { createIdentityService, DEFAULT_IDENTITY_OPTIONS, identityOptionsFromConfig, type Caller, type IdentityOptions, type IdentityService } from './identity-service.js';
import { TEST_SCRYPT_COST } from './passwords.js';
import { can, type Principal } from './permissions.js';
import { sha256Hex } from './secrets.js';
import { loadConfig } from '../config/config.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ADMIN_EMAIL = 'admin@example.com';
const ADMIN_PW = 'admin password 0001';
const USER_PW = 'user password 0002';
const ADDR = '203.0.113.7';

interface Harness {
  store: Store;
  clock: ManualClock;
  identity: IdentityService;
  admin: Caller;
  adminUser: User;
  /** Invites, accepts and returns an active user with USER_PW. */
  addUser(email: string, role: Role, applications?: string[]): Promise<User>;
  /** Logs the user in (with `password`, default: their harness password) and returns them as a caller. */
  callerFor(user: User, password?: string): Promise<Caller>;
}

const open: { store: Store; dir?: string }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.store.close();
    if (o.dir) rmSync(o.dir, { recursive: true, force: true });
  }
});

async function harness(options: Partial<IdentityOptions> = {}, path = ':memory:', dir?: string): Promise<Harness> {
  const clock = manualClock('2026-03-01T09:00:00.000Z');
  const store = createSqliteStore({ path });
  await store.init();
  open.push({ store, ...(dir ? { dir } : {}) });
  const identity = createIdentityService({ store, clock, options: { passwordCost: TEST_SCRYPT_COST, ...options } });
  const adminUser = await identity.bootstrapAdmin({ email: ADMIN_EMAIL, password: ADMIN_PW, displayName: 'Admin' });
  const callerFor = async (user: User, password?: string): Promise<Caller> => {
    const { sessionCookie } = await identity.login(user.email, password ?? (user.email === ADMIN_EMAIL ? ADMIN_PW : USER_PW), '192.0.2.1');
    const principal = await identity.authenticateSession(sessionCookie);
    if (!principal) throw new Error('no principal');
    return { principal, clientAddress: '192.0.2.1' };
  };
  const admin = await callerFor(adminUser);
  return {
    store,
    clock,
    identity,
    admin,
    adminUser,
    callerFor,
    async addUser(email, role, applications) {
      const { invitation } = await identity.inviteUser(admin, { email, role, ...(applications ? { applications } : {}) });
      return identity.acceptInvitation(invitation.token, USER_PW);
    },
  };
}

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

async function actions(h: Harness): Promise<string[]> {
  return (await h.store.auditEntriesAfter(0, 500)).map((e) => e.action);
}

describe('bootstrapAdmin', () => {
  it('creates the first user as an active admin who can log in, once', async () => {
    const h = await harness();
    expect(h.adminUser).toMatchObject({ email: ADMIN_EMAIL, role: 'admin', status: 'active', displayName: 'Admin' });
    expect(h.adminUser).not.toHaveProperty('passwordHash');
    const err = await rejection(h.identity.bootstrapAdmin({ email: 'second@example.com', password: 'another password 1' }));
    expect(err.code).toBe('conflict');
    expect((await h.store.listUsers({})).total).toBe(1);
    const [entry] = await h.store.auditEntriesAfter(0, 1);
    expect(entry).toMatchObject({ action: 'user.bootstrap', actor: { kind: 'system', id: null }, target: { type: 'user', id: h.adminUser.id } });
  });

  it.each([
    ['a short password', { email: 'a@example.com', password: 'short' }],
    ['the email as password', { email: 'adminadmin@example.com', password: 'adminadmin@example.com' }],
    ['a malformed email', { email: 'not an email', password: 'long enough password' }],
  ])('refuses %s as invalid input and creates nobody', async (_label, input) => {
    const store = createSqliteStore({ path: ':memory:' });
    await store.init();
    open.push({ store });
    const identity = createIdentityService({ store, options: { passwordCost: TEST_SCRYPT_COST } });
    expect((await rejection(identity.bootstrapAdmin(input))).code).toBe('invalid_input');
    expect((await store.listUsers({})).total).toBe(0);
  });
});

describe('invitations', () => {
  it('invites, then the invitation sets the password and activates the account', async () => {
    const h = await harness();
    const { user, invitation } = await h.identity.inviteUser(h.admin, { email: 'Ana@Example.com', role: 'soc-analyst' });
    expect(user).toMatchObject({ email: 'Ana@Example.com', role: 'soc-analyst', status: 'invited' });
    expect(invitation.token).toMatch(/^bwi_[A-Za-z0-9_-]{43}$/);
    expect(invitation.expiresAt).toBe('2026-03-04T09:00:00.000Z');

    expect((await rejection(h.identity.login('ana@example.com', USER_PW, ADDR))).code).toBe('unauthenticated');
    const active = await h.identity.acceptInvitation(invitation.token, USER_PW, { displayName: 'Ana López' });
    expect(active).toMatchObject({ status: 'active', displayName: 'Ana López' });
    expect((await h.identity.login('ANA@example.com', USER_PW, ADDR)).user.id).toBe(user.id);
    expect(await actions(h)).toEqual(expect.arrayContaining(['user.invite', 'user.invitation-accept']));
  });

  it('is single use', async () => {
    const h = await harness();
    const { invitation } = await h.identity.inviteUser(h.admin, { email: 'ana@example.com', role: 'auditor' });
    await h.identity.acceptInvitation(invitation.token, USER_PW);
    const err = await rejection(h.identity.acceptInvitation(invitation.token, 'attacker password 1'));
    expect(err).toMatchObject({ code: 'invalid_input', message: 'this invitation is invalid, used or expired' });
    expect((await h.identity.login('ana@example.com', USER_PW, ADDR)).user.email).toBe('ana@example.com');
  });

  it.each([
    ['one millisecond before 72 hours', true, 72 * HOUR - 1],
    ['at 72 hours', false, 72 * HOUR],
    ['after a week', false, 7 * 24 * HOUR],
  ])('expires: accepted %s: %s', async (_label, accepted, elapsed) => {
    const h = await harness();
    const { invitation } = await h.identity.inviteUser(h.admin, { email: 'ana@example.com', role: 'auditor' });
    h.clock.advance(elapsed);
    const result = h.identity.acceptInvitation(invitation.token, USER_PW);
    if (accepted) await expect(result).resolves.toMatchObject({ status: 'active' });
    else expect((await rejection(result)).code).toBe('invalid_input');
  });

  it('does not spend the invitation on a refused password', async () => {
    const h = await harness();
    const { invitation } = await h.identity.inviteUser(h.admin, { email: 'ana@example.com', role: 'auditor' });
    const err = await rejection(h.identity.acceptInvitation(invitation.token, 'too short'));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toMatch(/at least 12 characters/);
    await expect(h.identity.acceptInvitation(invitation.token, USER_PW)).resolves.toMatchObject({ status: 'active' });
  });

  it.each([
    ['garbage', 'nonsense'],
    ['a well-formed unknown token', `bwi_${'A'.repeat(43)}`],
    ['a reset-shaped token', `bwr_${'A'.repeat(43)}`],
  ])('refuses %s', async (_label, token) => {
    const h = await harness();
    expect((await rejection(h.identity.acceptInvitation(token, USER_PW))).code).toBe('invalid_input');
  });

  it('re-inviting a still-invited email replaces the invitation; an active email is a conflict', async () => {
    const h = await harness();
    const first = await h.identity.inviteUser(h.admin, { email: 'ana@example.com', role: 'auditor' });
    const second = await h.identity.inviteUser(h.admin, { email: 'ANA@example.com', role: 'soc-analyst' });
    expect(second.user.id).toBe(first.user.id);
    expect(second.user.role).toBe('soc-analyst');
    expect((await rejection(h.identity.acceptInvitation(first.invitation.token, USER_PW))).code).toBe('invalid_input');
    await h.identity.acceptInvitation(second.invitation.token, USER_PW);
    expect((await rejection(h.identity.inviteUser(h.admin, { email: 'ana@EXAMPLE.com', role: 'auditor' }))).code).toBe('conflict');
    expect((await rejection(h.identity.inviteUser(h.admin, { email: ADMIN_EMAIL, role: 'auditor' }))).code).toBe('conflict');
  });

  it('needs users:manage, valid input and known applications', async () => {
    const h = await harness();
    const practitioner = await h.callerFor(await h.addUser('sec@example.com', 'security-practitioner'));
    expect((await rejection(h.identity.inviteUser(practitioner, { email: 'x@example.com', role: 'admin' }))).code).toBe('not_allowed');
    expect((await rejection(h.identity.inviteUser(h.admin, { email: 'x@example.com', role: 'root' as Role }))).code).toBe('invalid_input');
    expect((await rejection(h.identity.inviteUser(h.admin, { email: 'not-an-email', role: 'auditor' }))).code).toBe('invalid_input');
    const err = await rejection(h.identity.inviteUser(h.admin, { email: 'x@example.com', role: 'workload-owner', applications: ['app-nope'] }));
    expect(err).toMatchObject({ code: 'invalid_input', message: 'no such application: app-nope' });
  });
});

describe('login', () => {
  it('returns a session cookie, a CSRF token and the user, and records the login', async () => {
    const h = await harness();
    const result = await h.identity.login(ADMIN_EMAIL, ADMIN_PW, ADDR);
    expect(result.sessionCookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.csrfToken).not.toBe(result.sessionCookie);
    expect(result.expiresAt).toBe('2026-03-01T21:00:00.000Z');
    expect(result.user).toMatchObject({ id: h.adminUser.id, lastLoginAt: '2026-03-01T09:00:00.000Z' });
    const [last] = (await h.store.listAudit({ action: 'auth.login', limit: 1 })).items;
    expect(last).toMatchObject({ actor: { kind: 'user', id: h.adminUser.id }, clientAddress: ADDR });
  });

  it.each([
    ['a wrong password', async (_h: Harness) => [ADMIN_EMAIL, 'wrong password 123']],
    ['an unknown email', async (_h: Harness) => ['nobody@example.com', ADMIN_PW]],
    ['an invited user', async (h: Harness) => {
      await h.identity.inviteUser(h.admin, { email: 'inv@example.com', role: 'auditor' });
      return ['inv@example.com', ''];
    }],
    ['a disabled user with the right password', async (h: Harness) => {
      const u = await h.addUser('off@example.com', 'auditor');
      await h.identity.updateUser(h.admin, u.id, { status: 'disabled' });
      return ['off@example.com', USER_PW];
    }],
    ['an absurdly long email', async (_h: Harness) => [`${'a'.repeat(10_000)}@example.com`, ADMIN_PW]],
  ])('fails with one message for %s', async (_label, arrange) => {
    const h = await harness();
    const [email, password] = await arrange(h);
    const err = await rejection(h.identity.login(email!, password!, ADDR));
    expect(err).toMatchObject({ code: 'unauthenticated', message: 'invalid email or password' });
    expect(err.details).toBeUndefined();
  });

  it('audits failed logins with a reason but without the email or password tried', async () => {
    const h = await harness();
    await rejection(h.identity.login('nobody@example.com', 'guess guess guess', ADDR));
    await rejection(h.identity.login(ADMIN_EMAIL, 'wrong password 123', ADDR));
    const failed = (await h.store.listAudit({ action: 'auth.login-failed', order: 'asc' })).items;
    expect(failed.map((e) => [e.actor.kind, e.target?.id ?? null, (e.after as { reason: string }).reason])).toEqual([
      ['anonymous', null, 'unknown-account'],
      ['anonymous', h.adminUser.id, 'wrong-password'],
    ]);
    expect(JSON.stringify(failed)).not.toMatch(/nobody@example\.com|guess guess|wrong password/);
  });

  describe('lock-out', () => {
    it('locks an account after 5 consecutive failures for 15 minutes, even for the right password', async () => {
      const h = await harness();
      for (let i = 0; i < 4; i++) await rejection(h.identity.login(ADMIN_EMAIL, 'wrong password 123', ADDR + i));
      expect((await h.store.getUser(h.adminUser.id))?.lockedUntil).toBeNull();
      await rejection(h.identity.login(ADMIN_EMAIL, 'wrong password 123', ADDR));
      expect((await h.store.getUser(h.adminUser.id))?.lockedUntil).toBe('2026-03-01T09:15:00.000Z');

      const err = await rejection(h.identity.login(ADMIN_EMAIL, ADMIN_PW, ADDR));
      expect(err.message).toBe('invalid email or password');
      h.clock.advance(15 * MINUTE - 1);
      await rejection(h.identity.login(ADMIN_EMAIL, ADMIN_PW, '198.51.100.9'));
      h.clock.advance(1);
      await expect(h.identity.login(ADMIN_EMAIL, ADMIN_PW, '198.51.100.9')).resolves.toMatchObject({ user: { failedLogins: 0, lockedUntil: null } });
      const lockouts = (await h.store.listAudit({ action: 'auth.lockout' })).items;
      expect(lockouts).toHaveLength(1);
      expect(lockouts[0]).toMatchObject({ target: { type: 'user', id: h.adminUser.id }, after: { lockedUntil: '2026-03-01T09:15:00.000Z' } });
    });

    it('counts consecutive failures only: a success starts again', async () => {
      const h = await harness();
      for (let i = 0; i < 4; i++) await rejection(h.identity.login(ADMIN_EMAIL, 'wrong password 123', `198.51.100.${i}`));
      await h.identity.login(ADMIN_EMAIL, ADMIN_PW, '198.51.100.50');
      for (let i = 0; i < 4; i++) await rejection(h.identity.login(ADMIN_EMAIL, 'wrong password 123', `198.51.100.${10 + i}`));
      await expect(h.identity.login(ADMIN_EMAIL, ADMIN_PW, '198.51.100.51')).resolves.toBeDefined();
    });

    it('takes its threshold and duration from the options', async () => {
      const h = await harness({ lockoutThreshold: 2, lockoutMs: HOUR });
      await rejection(h.identity.login(ADMIN_EMAIL, 'wrong password 123', ADDR));
      await rejection(h.identity.login(ADMIN_EMAIL, 'wrong password 123', ADDR));
      h.clock.advance(59 * MINUTE);
      await rejection(h.identity.login(ADMIN_EMAIL, ADMIN_PW, ADDR));
      h.clock.advance(MINUTE);
      await expect(h.identity.login(ADMIN_EMAIL, ADMIN_PW, ADDR)).resolves.toBeDefined();
    });
  });

  describe('throttling per client address', () => {
    it('refuses more than N attempts a minute from one address with 429, whatever the password', async () => {
      const h = await harness({ loginAttemptsPerWindow: 3 });
      const attacker = '198.51.100.66';
      for (let i = 0; i < 3; i++) await rejection(h.identity.login(`guess${i}@example.com`, 'guess guess guess', attacker));
      h.clock.advance(10_000);
      const err = await rejection(h.identity.login(ADMIN_EMAIL, ADMIN_PW, attacker));
      expect(err).toMatchObject({ code: 'too_many_requests', details: { retryAfterSeconds: 50 } });
      expect(err.httpStatus).toBe(429);
      await rejection(h.identity.login(ADMIN_EMAIL, ADMIN_PW, attacker));
      // Other addresses are not affected; the same address is, again, after the window.
      await expect(h.identity.login(ADMIN_EMAIL, ADMIN_PW, '198.51.100.67')).resolves.toBeDefined();
      h.clock.advance(50_000);
      await expect(h.identity.login(ADMIN_EMAIL, ADMIN_PW, attacker)).resolves.toBeDefined();
      // One audit entry per address and window, not one per refused attempt.
      expect((await h.store.listAudit({ action: 'auth.throttled' })).items.map((e) => e.clientAddress)).toEqual([attacker]);
    });

    it('counts failures only: many people signing in from one address are not throttled, guesses still are', async () => {
      const h = await harness({ loginAttemptsPerWindow: 3 });
      const office = '203.0.113.10';
      for (let i = 0; i < 10; i++) await expect(h.identity.login(ADMIN_EMAIL, ADMIN_PW, office)).resolves.toBeDefined();
      // Successes in between do not buy an attacker more guesses than the limit.
      for (let i = 0; i < 2; i++) {
        await rejection(h.identity.login(`guess${i}@example.com`, 'guess guess guess', office));
        await expect(h.identity.login(ADMIN_EMAIL, ADMIN_PW, office)).resolves.toBeDefined();
      }
      expect((await rejection(h.identity.login('guess2@example.com', 'guess guess guess', office))).code).toBe('unauthenticated');
      expect((await rejection(h.identity.login('guess@example.com', 'guess guess guess', office))).code).toBe('too_many_requests');
    });

    it('counts an IPv6 /64 as one address', async () => {
      const h = await harness({ loginAttemptsPerWindow: 2 });
      await rejection(h.identity.login('x@example.com', 'guess guess guess', '2001:db8:1:2::1'));
      await rejection(h.identity.login('x@example.com', 'guess guess guess', '2001:db8:1:2::2'));
      expect((await rejection(h.identity.login('x@example.com', 'guess guess guess', '2001:db8:1:2:ffff::3'))).code).toBe('too_many_requests');
    });
  });
});

describe('sessions', () => {
  it('authenticates a live session as its user', async () => {
    const h = await harness();
    const { sessionCookie } = await h.identity.login(ADMIN_EMAIL, ADMIN_PW, ADDR);
    expect(await h.identity.authenticateSession(sessionCookie)).toEqual({ kind: 'user', id: h.adminUser.id, name: ADMIN_EMAIL, role: 'admin', applications: 'all' });
  });

  it.each([['empty', ''], ['garbage', 'x'], ['well-formed but unknown', 'A'.repeat(43)], ['too long', 'A'.repeat(5000)]])(
    'answers null for a %s cookie',
    async (_label, cookie) => {
      const h = await harness();
      expect(await h.identity.authenticateSession(cookie)).toBeNull();
    },
  );

  it.each([
    ['29 minutes idle', true, [29 * MINUTE]],
    ['30 minutes idle', false, [30 * MINUTE]],
    ['active every 20 minutes for 11 hours', true, Array<number>(33).fill(20 * MINUTE)],
    ['active every 20 minutes up to 12 hours (absolute lifetime)', false, Array<number>(36).fill(20 * MINUTE)],
  ])('%s: alive %s', async (_label, alive, steps) => {
    const h = await harness();
    const { sessionCookie } = await h.identity.login(ADMIN_EMAIL, ADMIN_PW, ADDR);
    let principal: Principal | null = null;
    for (const step of steps) {
      h.clock.advance(step);
      principal = await h.identity.authenticateSession(sessionCookie);
    }
    expect(principal !== null).toBe(alive);
  });

  it('forgets an expired session for good', async () => {
    const h = await harness();
    const { sessionCookie } = await h.identity.login(ADMIN_EMAIL, ADMIN_PW, ADDR);
    h.clock.advance(31 * MINUTE);
    expect(await h.identity.authenticateSession(sessionCookie)).toBeNull();
    expect(await h.store.findSession(sha256Hex(sessionCookie))).toBeNull();
    h.clock.set('2026-03-01T09:00:00.000Z');
    expect(await h.identity.authenticateSession(sessionCookie)).toBeNull();
  });

  it('writes last-seen at most once per touch interval', async () => {
    const h = await harness({ sessionTouchIntervalMs: MINUTE });
    const { sessionCookie } = await h.identity.login(ADMIN_EMAIL, ADMIN_PW, ADDR);
    const lastSeen = async () => (await h.store.findSession(sha256Hex(sessionCookie)))?.lastSeenAt;
    h.clock.advance(30_000);
    await h.identity.authenticateSession(sessionCookie);
    expect(await lastSeen()).toBe('2026-03-01T09:00:00.000Z');
    h.clock.advance(30_000);
    await h.identity.authenticateSession(sessionCookie);
    expect(await lastSeen()).toBe('2026-03-01T09:01:00.000Z');
  });

  it('takes timeouts from the options', async () => {
    const h = await harness({ sessionIdleMs: 5 * MINUTE, sessionAbsoluteMs: HOUR });
    const { sessionCookie, expiresAt } = await h.identity.login(ADMIN_EMAIL, ADMIN_PW, ADDR);
    expect(expiresAt).toBe('2026-03-01T10:00:00.000Z');
    h.clock.advance(5 * MINUTE);
    expect(await h.identity.authenticateSession(sessionCookie)).toBeNull();
  });

  it('logout revokes the session, once, and is audited', async () => {
    const h = await harness();
    const { sessionCookie } = await h.identity.login(ADMIN_EMAIL, ADMIN_PW, ADDR);
    expect(await h.identity.logout(sessionCookie, ADDR)).toBe(true);
    expect(await h.identity.authenticateSession(sessionCookie)).toBeNull();
    expect(await h.identity.logout(sessionCookie, ADDR)).toBe(false);
    expect(await h.identity.logout('garbage')).toBe(false);
    expect((await h.store.listAudit({ action: 'auth.logout' })).items).toHaveLength(1);
  });

  it('keeps at most maxSessionsPerUser sessions per user', async () => {
    const h = await harness({ maxSessionsPerUser: 2 });
    const cookies: string[] = [];
    for (let i = 0; i < 3; i++) {
      h.clock.advance(1000);
      cookies.push((await h.identity.login(ADMIN_EMAIL, ADMIN_PW, `198.51.100.${i}`)).sessionCookie);
    }
    expect(await h.identity.authenticateSession(cookies[0]!)).toBeNull();
    expect(await h.identity.authenticateSession(cookies[2]!)).not.toBeNull();
  });

  describe('CSRF', () => {
    it('accepts the session’s own token only, compared in constant time', async () => {
      const h = await harness();
      const a = await h.identity.login(ADMIN_EMAIL, ADMIN_PW, ADDR);
      const b = await h.identity.login(ADMIN_EMAIL, ADMIN_PW, ADDR);
      expect(await h.identity.verifyCsrf(a.sessionCookie, a.csrfToken)).toBe(true);
      expect(await h.identity.verifyCsrf(a.sessionCookie, b.csrfToken)).toBe(false);
      expect(await h.identity.verifyCsrf(b.sessionCookie, a.csrfToken)).toBe(false);
      expect(await h.identity.verifyCsrf(a.sessionCookie, '')).toBe(false);
      expect(await h.identity.verifyCsrf(a.sessionCookie, a.sessionCookie)).toBe(false);
      expect(await h.identity.verifyCsrf('garbage', a.csrfToken)).toBe(false);
    });

    it('stops accepting the token when the session ends', async () => {
      const h = await harness();
      const a = await h.identity.login(ADMIN_EMAIL, ADMIN_PW, ADDR);
      h.clock.advance(30 * MINUTE);
      expect(await h.identity.verifyCsrf(a.sessionCookie, a.csrfToken)).toBe(false);
      const b = await h.identity.login(ADMIN_EMAIL, ADMIN_PW, ADDR);
      await h.identity.logout(b.sessionCookie);
      expect(await h.identity.verifyCsrf(b.sessionCookie, b.csrfToken)).toBe(false);
    });
  });
});

describe('updateUser', () => {
  it('disabling a user ends all their sessions and logins; enabling lets them in again', async () => {
    const h = await harness();
    const ana = await h.addUser('ana@example.com', 'soc-analyst');
    const s1 = await h.identity.login('ana@example.com', USER_PW, ADDR);
    const s2 = await h.identity.login('ana@example.com', USER_PW, ADDR);
    const updated = await h.identity.updateUser(h.admin, ana.id, { status: 'disabled' });
    expect(updated.status).toBe('disabled');
    expect(await h.identity.authenticateSession(s1.sessionCookie)).toBeNull();
    expect(await h.identity.authenticateSession(s2.sessionCookie)).toBeNull();
    await rejection(h.identity.login('ana@example.com', USER_PW, ADDR));
    await h.identity.updateUser(h.admin, ana.id, { status: 'active' });
    await expect(h.identity.login('ana@example.com', USER_PW, ADDR)).resolves.toBeDefined();
    const [entry] = (await h.store.listAudit({ action: 'user.update', targetId: ana.id, order: 'asc', limit: 1 })).items;
    expect(entry).toMatchObject({ before: { status: 'active' }, after: { status: 'disabled', sessionsRevoked: 2 }, actor: { kind: 'user', id: h.adminUser.id } });
  });

  it('a role change applies at the next request, without a new login', async () => {
    const h = await harness();
    const ana = await h.addUser('ana@example.com', 'auditor');
    const { sessionCookie } = await h.identity.login('ana@example.com', USER_PW, ADDR);
    expect(can((await h.identity.authenticateSession(sessionCookie))!, 'cases:write')).toBe(false);
    await h.identity.updateUser(h.admin, ana.id, { role: 'soc-analyst' });
    expect(can((await h.identity.authenticateSession(sessionCookie))!, 'cases:write')).toBe(true);
  });

  it('keeps at least one active admin', async () => {
    const h = await harness();
    expect((await rejection(h.identity.updateUser(h.admin, h.adminUser.id, { role: 'auditor' }))).code).toBe('conflict');
    expect((await rejection(h.identity.updateUser(h.admin, h.adminUser.id, { status: 'disabled' }))).code).toBe('conflict');
    const second = await h.addUser('second@example.com', 'admin');
    await expect(h.identity.updateUser(h.admin, h.adminUser.id, { role: 'auditor' })).resolves.toMatchObject({ role: 'auditor' });
    expect((await rejection(h.identity.updateUser(h.admin, second.id, { status: 'disabled' }))).code).toBe('conflict');
  });

  it('refuses to activate a user without a password, unknown fields, unknown users and non-admins', async () => {
    const h = await harness();
    const { user } = await h.identity.inviteUser(h.admin, { email: 'inv@example.com', role: 'auditor' });
    expect((await rejection(h.identity.updateUser(h.admin, user.id, { status: 'active' }))).code).toBe('invalid_input');
    expect((await rejection(h.identity.updateUser(h.admin, user.id, { status: 'invited' } as never))).code).toBe('invalid_input');
    expect((await rejection(h.identity.updateUser(h.admin, user.id, { email: 'x@example.com' } as never))).code).toBe('invalid_input');
    expect((await rejection(h.identity.updateUser(h.admin, 'u_nope', { role: 'auditor' }))).code).toBe('not_found');
    const auditor = await h.callerFor(await h.addUser('aud@example.com', 'auditor'));
    expect((await rejection(h.identity.updateUser(auditor, user.id, { role: 'admin' }))).code).toBe('not_allowed');
  });

  it('lists users without password hashes, for users:read only', async () => {
    const h = await harness();
    const auditor = await h.callerFor(await h.addUser('aud@example.com', 'auditor'));
    const page = await h.identity.listUsers(auditor);
    expect(page.items.map((u) => u.email)).toEqual([ADMIN_EMAIL, 'aud@example.com']);
    for (const u of page.items) expect(u).not.toHaveProperty('passwordHash');
    const owner = await h.callerFor(await h.addUser('own@example.com', 'workload-owner'));
    expect((await rejection(h.identity.listUsers(owner))).code).toBe('not_allowed');
    expect((await h.identity.getUser(owner, owner.principal.id)).email).toBe('own@example.com');
    expect((await rejection(h.identity.getUser(owner, h.adminUser.id))).code).toBe('not_allowed');
  });
});

describe('password reset by an admin', () => {
  it('ends sessions, clears the old password, and the single-use token sets a new one', async () => {
    const h = await harness();
    const ana = await h.addUser('ana@example.com', 'soc-analyst');
    const { sessionCookie } = await h.identity.login('ana@example.com', USER_PW, ADDR);
    const reset = await h.identity.resetPassword(h.admin, ana.id);
    expect(reset.token).toMatch(/^bwr_[A-Za-z0-9_-]{43}$/);
    expect(reset.expiresAt).toBe('2026-03-02T09:00:00.000Z');
    expect(await h.identity.authenticateSession(sessionCookie)).toBeNull();
    await rejection(h.identity.login('ana@example.com', USER_PW, ADDR));

    await h.identity.completePasswordReset(reset.token, 'a brand new password');
    await expect(h.identity.login('ana@example.com', 'a brand new password', ADDR)).resolves.toBeDefined();
    expect((await rejection(h.identity.completePasswordReset(reset.token, 'another new password'))).message).toBe(
      'this password reset link is invalid, used or expired',
    );
    expect(await actions(h)).toEqual(expect.arrayContaining(['user.password-reset', 'user.password-set']));
  });

  it.each([
    ['before 24 hours', true, 24 * HOUR - 1],
    ['at 24 hours', false, 24 * HOUR],
  ])('expires: used %s: %s', async (_label, ok, elapsed) => {
    const h = await harness();
    const ana = await h.addUser('ana@example.com', 'soc-analyst');
    const reset = await h.identity.resetPassword(h.admin, ana.id);
    h.clock.advance(elapsed);
    const result = h.identity.completePasswordReset(reset.token, 'a brand new password');
    if (ok) await expect(result).resolves.toMatchObject({ id: ana.id });
    else expect((await rejection(result)).code).toBe('invalid_input');
  });

  it('a newer reset replaces an older one; an invitation token is not a reset token', async () => {
    const h = await harness();
    const ana = await h.addUser('ana@example.com', 'soc-analyst');
    const first = await h.identity.resetPassword(h.admin, ana.id);
    const second = await h.identity.resetPassword(h.admin, ana.id);
    expect((await rejection(h.identity.completePasswordReset(first.token, 'a brand new password'))).code).toBe('invalid_input');
    const { invitation } = await h.identity.inviteUser(h.admin, { email: 'inv@example.com', role: 'auditor' });
    expect((await rejection(h.identity.completePasswordReset(invitation.token, 'a brand new password'))).code).toBe('invalid_input');
    await expect(h.identity.completePasswordReset(second.token, 'a brand new password')).resolves.toBeDefined();
  });

  it('clears a lock-out, refuses invited users, and needs users:manage', async () => {
    const h = await harness();
    const ana = await h.addUser('ana@example.com', 'soc-analyst');
    for (let i = 0; i < 5; i++) await rejection(h.identity.login('ana@example.com', 'wrong password 123', `198.51.100.${i}`));
    const reset = await h.identity.resetPassword(h.admin, ana.id);
    await h.identity.completePasswordReset(reset.token, 'a brand new password');
    await expect(h.identity.login('ana@example.com', 'a brand new password', ADDR)).resolves.toBeDefined();

    const { user } = await h.identity.inviteUser(h.admin, { email: 'inv@example.com', role: 'auditor' });
    expect((await rejection(h.identity.resetPassword(h.admin, user.id))).code).toBe('conflict');
    const analyst = await h.callerFor(ana, 'a brand new password');
    expect((await rejection(h.identity.resetPassword(analyst, h.adminUser.id))).code).toBe('not_allowed');
  });
});

describe('applications and workload owners', () => {
  it('scopes a workload owner to applications granted on the user and those naming them as owner', async () => {
    const h = await harness();
    const shop = await h.identity.createApplication(h.admin, { name: 'Shop', matchers: [{ host: 'shop.example.com' }] });
    const owner = await h.addUser('owner@example.com', 'workload-owner', [shop.id]);
    h.clock.advance(1000);
    const pay = await h.identity.createApplication(h.admin, { name: 'Payments', owners: [owner.id], matchers: [{ host: 'pay.example.com' }] });
    h.clock.advance(1000);
    const ops = await h.identity.createApplication(h.admin, { name: 'Ops', matchers: [{ host: 'ops.example.com' }] });

    const caller = await h.callerFor(owner);
    expect(caller.principal.applications).toEqual([shop.id, pay.id].sort());
    expect(can(caller.principal, 'findings:read', { applicationId: shop.id })).toBe(true);
    expect(can(caller.principal, 'findings:read', { applicationId: pay.id })).toBe(true);
    expect(can(caller.principal, 'findings:read', { applicationId: ops.id })).toBe(false);
    expect((await h.identity.listApplications(caller)).items.map((a) => a.name)).toEqual(['Shop', 'Payments']);
    expect((await h.identity.listApplications(h.admin)).total).toBe(3);

    // Removing the ownership removes the access at the next request.
    await h.identity.updateApplication(h.admin, pay.id, { name: 'Payments', owners: [], matchers: pay.matchers });
    expect((await h.identity.authenticateSession((await h.identity.login('owner@example.com', USER_PW, ADDR)).sessionCookie))?.applications).toEqual([shop.id]);
  });

  it('audits create, update and delete; validates input; needs applications:manage', async () => {
    const h = await harness();
    const app = await h.identity.createApplication(h.admin, { name: 'Shop', matchers: [{ host: 'shop.example.com', pathPrefix: '/api' }] });
    await h.identity.updateApplication(h.admin, app.id, { name: 'Shop API', matchers: app.matchers });
    await h.identity.deleteApplication(h.admin, app.id);
    expect(await actions(h)).toEqual(expect.arrayContaining(['application.create', 'application.update', 'application.delete']));
    expect((await rejection(h.identity.deleteApplication(h.admin, app.id))).code).toBe('not_found');
    expect((await rejection(h.identity.createApplication(h.admin, { name: 'X', matchers: Array.from({ length: 101 }, () => ({ host: 'x.example' })) }))).code).toBe('invalid_input');
    expect((await rejection(h.identity.createApplication(h.admin, { name: 'X', matchers: [{ host: 'a b' }] }))).code).toBe('invalid_input');
    expect((await rejection(h.identity.createApplication(h.admin, { name: 'X', owners: ['u_nope'], matchers: [{ host: 'x.example' }] }))).code).toBe('invalid_input');
    const practitioner = await h.callerFor(await h.addUser('sec@example.com', 'security-practitioner'));
    expect((await rejection(h.identity.createApplication(practitioner, { name: 'Y', matchers: [{ host: 'y.example' }] }))).code).toBe('not_allowed');
  });

  it('keeps team, contacts, criticality and data tags; older clients that send none get the defaults, and keep what is set', async () => {
    const h = await harness();
    // An application claimed by spec rules only needs no host matcher.
    const bare = await h.identity.createApplication(h.admin, { name: 'Bare' });
    expect(bare).toMatchObject({ matchers: [], team: null, contacts: [], criticality: 'medium', dataTags: [] });
    const pay = await h.identity.createApplication(h.admin, {
      name: 'Payments',
      matchers: [{ host: 'pay.example' }],
      team: 'payments',
      contacts: ['Pay@example.com', 'pay@EXAMPLE.com', 'oncall@example.com'],
      criticality: 'critical',
      dataTags: ['pci', 'pii', 'pci'],
    });
    // Contacts and tags without repeats (emails compare case-insensitively).
    expect(pay).toMatchObject({ team: 'payments', contacts: ['Pay@example.com', 'oncall@example.com'], criticality: 'critical', dataTags: ['pci', 'pii'] });
    // A client that knows only name, owners and matchers leaves the rest as it was.
    const renamed = await h.identity.updateApplication(h.admin, pay.id, { name: 'Payments API', matchers: pay.matchers });
    expect(renamed).toMatchObject({ name: 'Payments API', team: 'payments', criticality: 'critical', dataTags: ['pci', 'pii'], matchers: [{ host: 'pay.example' }] });
    const changed = await h.identity.updateApplication(h.admin, pay.id, { name: 'Payments API', team: null, criticality: 'low' });
    expect(changed).toMatchObject({ team: null, criticality: 'low', matchers: [{ host: 'pay.example' }] });
    const audited = (await h.identity.listAudit(h.admin, { action: 'application.update' })).items[0];
    expect(audited).toMatchObject({ before: { criticality: 'critical' }, after: { criticality: 'low' } });

    for (const bad of [{ contacts: ['not-an-email'] }, { dataTags: ['PCI DSS'] }, { criticality: 'urgent' }, { contacts: Array.from({ length: 21 }, (_, i) => `c${i}@example.com`) }, { dataTags: Array.from({ length: 21 }, (_, i) => `t${i}`) }]) {
      expect((await rejection(h.identity.createApplication(h.admin, { name: 'Bad', ...bad } as never))).code, JSON.stringify(bad)).toBe('invalid_input');
    }
  });
});

describe('principalFromToken', () => {
  const token: StoredToken = { id: 'abc123abc123', name: 'gateway', scopes: ['ingest'], hash: 'f'.repeat(64), createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: null, revoked: false };

  it('maps a token to a principal whose scopes are its actions, unscoped by application', async () => {
    const h = await harness();
    const p = h.identity.principalFromToken(token);
    expect(p).toEqual({ kind: 'token', id: 'abc123abc123', name: 'gateway', scopes: ['ingest'], applications: 'all' });
    expect(can(p, 'events:ingest')).toBe(true);
    expect(can(p, 'inventory:read')).toBe(false);
  });

  it('refuses a revoked token', async () => {
    const h = await harness();
    expect(() => h.identity.principalFromToken({ ...token, revoked: true })).toThrow(expect.objectContaining({ code: 'unauthenticated' }));
  });
});

describe('audit trail of identity actions', () => {
  it('records every state-changing action in a chain that verifies, readable by auditors only', async () => {
    const h = await harness();
    const app = await h.identity.createApplication(h.admin, { name: 'Shop', matchers: [{ host: 'shop.example.com' }] });
    const ana = await h.addUser('ana@example.com', 'auditor');
    await h.identity.updateUser(h.admin, ana.id, { applications: [app.id] });
    const reset = await h.identity.resetPassword(h.admin, ana.id);
    await h.identity.completePasswordReset(reset.token, 'a brand new password');
    const { sessionCookie } = await h.identity.login('ana@example.com', 'a brand new password', ADDR);
    await rejection(h.identity.login('ana@example.com', 'wrong password 123', ADDR));
    await h.identity.logout(sessionCookie);

    expect(await actions(h)).toEqual([
      'user.bootstrap',
      'auth.login',
      'application.create',
      'user.invite',
      'user.invitation-accept',
      'user.update',
      'user.password-reset',
      'user.password-set',
      'auth.login',
      'auth.login-failed',
      'auth.logout',
    ]);
    const auditor = await h.callerFor(ana, 'a brand new password');
    expect(await h.identity.verifyAuditChain(auditor)).toMatchObject({ ok: true, checked: 12 });
    expect((await h.identity.listAudit(auditor, { actorId: h.adminUser.id })).total).toBeGreaterThan(0);
    const lines: string[] = [];
    for await (const line of await h.identity.exportAudit(auditor)) lines.push(line);
    // The export is audited before it is read, so it is its own last line.
    expect(lines.length).toBe(13);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ action: 'audit.export', actor: { kind: 'user', id: ana.id } });

    const analyst = await h.callerFor(await h.addUser('soc@example.com', 'soc-analyst'));
    expect((await rejection(h.identity.listAudit(analyst))).code).toBe('not_allowed');
    expect((await rejection(h.identity.verifyAuditChain(analyst))).code).toBe('not_allowed');
    expect((await rejection(h.identity.exportAudit(analyst))).code).toBe('not_allowed');
  });
});

describe('privacy: no secret is stored in plaintext', () => {
  it('keeps passwords, session ids, CSRF, invitation and reset tokens out of the database file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-identity-'));
    const dbPath = join(dir, 'bulwark.db');
    const h = await harness({}, dbPath, dir);
    const secrets: string[] = [ADMIN_PW, USER_PW, 'a brand new password'];
    const { user, invitation } = await h.identity.inviteUser(h.admin, { email: 'ana@example.com', role: 'soc-analyst' });
    secrets.push(invitation.token);
    await h.identity.acceptInvitation(invitation.token, USER_PW);
    const login = await h.identity.login('ana@example.com', USER_PW, ADDR);
    secrets.push(login.sessionCookie, login.csrfToken);
    await rejection(h.identity.login('ana@example.com', 'wrong password 999', ADDR));
    secrets.push('wrong password 999');
    const reset = await h.identity.resetPassword(h.admin, user.id);
    secrets.push(reset.token);
    await h.identity.completePasswordReset(reset.token, 'a brand new password');
    const live = await h.identity.login('ana@example.com', 'a brand new password', ADDR);
    secrets.push(live.sessionCookie, live.csrfToken);
    const passwordHash = (await h.store.getUser(user.id))!.passwordHash!;

    const files = [dbPath, `${dbPath}-wal`, `${dbPath}-shm`].filter((f) => existsSync(f));
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    // Controls: the scan sees data that is there (the email, the session's hash), so a miss means absence.
    expect(bytes.includes(Buffer.from('ana@example.com'))).toBe(true);
    expect(bytes.includes(Buffer.from(sha256Hex(live.sessionCookie)))).toBe(true);
    for (const secret of secrets) {
      expect(bytes.includes(Buffer.from(secret)), `plaintext found: ${secret.slice(0, 6)}…`).toBe(false);
      expect(bytes.includes(Buffer.from(secret, 'utf16le')), `UTF-16 plaintext found: ${secret.slice(0, 6)}…`).toBe(false);
    }
    // Password hashes live in the users table only: never in the audit log.
    const entries = JSON.stringify(await h.store.auditEntriesAfter(0, 500));
    expect(entries.includes(passwordHash)).toBe(false);
    expect(entries).not.toMatch(/scrypt\$/);
    for (const secret of secrets) expect(entries.includes(sha256Hex(secret))).toBe(false);
  });
});

describe('options from configuration', () => {
  it('maps the config defaults to the service defaults', () => {
    const fromConfig = identityOptionsFromConfig(loadConfig({ env: {} }).identity);
    const { passwordCost: _cost, sessionTouchIntervalMs: _touch, loginWindowMs: _window, ...defaults } = DEFAULT_IDENTITY_OPTIONS;
    expect(fromConfig).toEqual(defaults);
  });
});
