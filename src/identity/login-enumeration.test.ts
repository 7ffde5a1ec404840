import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { manualClock } from '../util/clock.js';
import { createIdentityService, type IdentityService } from './identity-service.js';
import * as passwords from './passwords.js';

// Spy on the one function that costs time, so the test asserts the same work on every path, not timings.
vi.mock(import('./passwords.js'), async (importOriginal) => {
  const original = await importOriginal();
  return { ...original, verifyPassword: vi.fn(original.verifyPassword) };
});

describe('login takes the same work for known and unknown accounts', () => {
  let store: Store;
  let identity: IdentityService;
  const verify = vi.mocked(passwords.verifyPassword);

  beforeEach(async () => {
    store = createSqliteStore({ path: ':memory:' });
    await store.init();
    const clock = manualClock('2026-03-01T09:00:00.000Z');
    identity = createIdentityService({ store, clock, options: { passwordCost: passwords.TEST_SCRYPT_COST, lockoutThreshold: 1, loginAttemptsPerWindow: 1000 } });
    const admin = await identity.bootstrapAdmin({ email: 'admin@example.com', password: 'admin password 0001' });
    const caller = { principal: { kind: 'user' as const, id: admin.id, name: admin.email, role: 'admin' as const, applications: 'all' as const } };
    await identity.inviteUser(caller, { email: 'invited@example.com', role: 'auditor' });
    const { invitation } = await identity.inviteUser(caller, { email: 'off@example.com', role: 'auditor' });
    const off = await identity.acceptInvitation(invitation.token, 'user password 0002');
    await identity.updateUser(caller, off.id, { status: 'disabled' });
    const { invitation: inv2 } = await identity.inviteUser(caller, { email: 'locked@example.com', role: 'auditor' });
    await identity.acceptInvitation(inv2.token, 'user password 0002');
    await identity.login('locked@example.com', 'wrong password 123', '192.0.2.1').catch(() => undefined);
    verify.mockClear();
  });
  afterEach(async () => {
    await store.close();
  });

  it.each([
    ['the right password', 'admin@example.com', 'admin password 0001', true],
    ['a wrong password', 'admin@example.com', 'wrong password 123', false],
    ['an unknown account', 'nobody@example.com', 'wrong password 123', false],
    ['an invited account (no password yet)', 'invited@example.com', 'wrong password 123', false],
    ['a disabled account', 'off@example.com', 'user password 0002', false],
    ['a locked account', 'locked@example.com', 'user password 0002', false],
    ['an absurdly long email', `${'x'.repeat(5000)}@example.com`, 'wrong password 123', false],
  ])('%s: one scrypt verification of the current cost', async (_label, email, password, succeeds) => {
    const result = await identity.login(email, password, '192.0.2.1').then(
      () => true,
      () => false,
    );
    expect(result).toBe(succeeds);
    expect(verify).toHaveBeenCalledTimes(1);
    const storedHash = verify.mock.calls[0]![1];
    expect(storedHash.startsWith(`scrypt$${passwords.TEST_SCRYPT_COST.N}$8$1$`)).toBe(true);
  });
});
