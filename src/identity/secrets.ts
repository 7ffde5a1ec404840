import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets handed to people and browsers (session ids, CSRF tokens, invitation and reset tokens): 32 random
 * bytes, base64url. Only their SHA-256 is stored; with 256 bits of entropy a fast hash is enough, since no
 * one can try candidates against it, and a look-up by hash leaks nothing through its timing.
 */
const SECRET_BYTES = 32;
const SECRET_BODY = /^[A-Za-z0-9_-]{43}$/;

/** A new secret, optionally with a prefix that tells secret scanners what it is (`bwi_…`). */
export function newSecret(prefix = ''): string {
  return `${prefix}${randomBytes(SECRET_BYTES).toString('base64url')}`;
}

/** Whether `value` has the shape of a secret from `newSecret(prefix)`: checked before any look-up. */
export function isSecretShape(value: unknown, prefix = ''): value is string {
  return typeof value === 'string' && value.length === prefix.length + 43 && value.startsWith(prefix) && SECRET_BODY.test(value.slice(prefix.length));
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Constant-time comparison of two hex SHA-256 digests; false for anything else. */
export function sameDigest(a: string, b: string): boolean {
  if (a.length !== 64 || b.length !== 64) return false;
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}

/** A short random id for users and applications (`u_3f9a…`). Not a secret. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}
