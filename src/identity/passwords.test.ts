import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, hashPassword, needsRehash, PRODUCTION_SCRYPT_COST, TEST_SCRYPT_COST, verifyPassword } from './passwords.js';

const cost = TEST_SCRYPT_COST;

describe('hashPassword / verifyPassword', () => {
  it('encodes the algorithm, the cost, a salt and the key in the hash', async () => {
    const hash = await hashPassword('correct horse battery', cost);
    expect(hash).toMatch(/^scrypt\$16\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toContain('correct horse battery');
  });

  it('uses production cost N=2^15 by default', async () => {
    expect(PRODUCTION_SCRYPT_COST).toEqual({ N: 32768, r: 8, p: 1 });
    // One real production hash: the default parameters must work within Node's memory limit.
    const hash = await hashPassword('correct horse battery');
    expect(hash.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
  });

  it('salts: the same password hashes differently each time, and both verify', async () => {
    const a = await hashPassword('correct horse battery', cost);
    const b = await hashPassword('correct horse battery', cost);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse battery', b)).toBe(true);
  });

  it.each([
    ['a different password', 'correct horse batterz', false],
    ['a different case', 'Correct horse battery', false],
    ['a prefix', 'correct horse batter', false],
    ['the empty string', '', false],
    ['the same password', 'correct horse battery', true],
  ])('verifies %s: %s', async (_label, attempt, expected) => {
    const hash = await hashPassword('correct horse battery', cost);
    expect(await verifyPassword(attempt, hash)).toBe(expected);
  });

  it('verifies a Unicode password typed composed or decomposed (NFKC)', async () => {
    const hash = await hashPassword('Grüße aus Köln 2026', cost);
    expect(await verifyPassword('Gru\u0308ße aus Ko\u0308ln 2026', hash)).toBe(true);
  });

  it('reads the cost from the hash, not from the current setting', async () => {
    const hash = await hashPassword('correct horse battery', { N: 32, r: 4, p: 2 });
    expect(hash.startsWith('scrypt$32$4$2$')).toBe(true);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['another algorithm', 'bcrypt$2b$10$abcdefghijklmnopqrstuv'],
    ['too few fields', 'scrypt$16$8$1$c2FsdHNhbHQ'],
    ['N not a power of two', 'scrypt$15$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5'],
    ['N far too large (a corrupt row must not hang a login)', 'scrypt$1073741824$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5'],
    ['r zero', 'scrypt$16$0$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5'],
    ['a short salt', 'scrypt$16$8$1$c2E$a2V5a2V5a2V5a2V5a2V5a2V5'],
    ['a short key', 'scrypt$16$8$1$c2FsdHNhbHRzYWx0$a2V5'],
    ['a non-numeric cost', 'scrypt$1e3$8$1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5'],
  ])('answers false, without throwing, for a malformed stored hash: %s', async (_label, stored) => {
    await expect(verifyPassword('correct horse battery', stored)).resolves.toBe(false);
  });

  it('refuses to hash with an invalid cost', async () => {
    await expect(hashPassword('correct horse battery', { N: 1000, r: 8, p: 1 })).rejects.toThrow(RangeError);
  });

  it('tells when a hash was made with other parameters', async () => {
    const hash = await hashPassword('correct horse battery', cost);
    expect(needsRehash(hash, cost)).toBe(false);
    expect(needsRehash(hash, PRODUCTION_SCRYPT_COST)).toBe(true);
    expect(needsRehash('garbage', cost)).toBe(true);
  });
});

describe('checkPasswordPolicy', () => {
  const account = { email: 'Ana.Lopez@Example.com' };
  it.each([
    ['12 characters', 'abcdefghijkl', []],
    ['11 characters', 'abcdefghijk', ['too-short']],
    ['empty', '', ['too-short']],
    ['256 characters', 'a'.repeat(256), []],
    ['257 characters', 'a'.repeat(257), ['too-long']],
    ['12 emoji (counted as characters, not UTF-16 units)', '🔐'.repeat(12), []],
    ['11 emoji', '🔐'.repeat(11), ['too-short']],
    ['the email address', 'ana.lopez@example.com', ['same-as-email']],
    ['the email address in another case', 'ANA.LOPEZ@EXAMPLE.COM', ['same-as-email']],
    ['the email local part', 'Ana.Lopez', ['too-short', 'same-as-email']],
    ['the email with a suffix', 'ana.lopez@example.com!', []],
    ['a passphrase', 'correct horse battery staple', []],
  ])('%s', (_label, password, codes) => {
    expect(checkPasswordPolicy(password, account).map((p) => p.code)).toEqual(codes);
  });

  it('refuses a long local part used as the password', () => {
    expect(checkPasswordPolicy('firstname.lastname', { email: 'firstname.lastname@example.com' }).map((p) => p.code)).toEqual(['same-as-email']);
  });
});
