import { createHash, randomBytes } from 'node:crypto';
import type { Store, StoredToken, TokenScope } from '../store/store.js';

/**
 * API tokens look like `bwk_<id>_<secret>`. Only the SHA-256 of the whole token is stored, so a copy of
 * the database does not give working credentials; the plaintext is shown once, at creation.
 */
const TOKEN_SHAPE = /^bwk_([a-f0-9]{12})_([A-Za-z0-9_-]{32,64})$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function issueToken(store: Store, name: string, scopes: TokenScope[], at = new Date()): Promise<{ token: string; record: StoredToken }> {
  const id = randomBytes(6).toString('hex');
  const token = `bwk_${id}_${randomBytes(32).toString('base64url')}`;
  const record: StoredToken = { id, name, scopes, hash: hashToken(token), createdAt: at.toISOString(), lastUsedAt: null, revoked: false };
  await store.createToken(record);
  return { token, record };
}

/** Returns the live token record for a presented secret, or null. Never throws on malformed input. */
export async function verifyToken(store: Store, presented: string): Promise<StoredToken | null> {
  if (presented.length > 128 || !TOKEN_SHAPE.test(presented)) return null;
  const record = await store.findTokenByHash(hashToken(presented));
  return record && !record.revoked ? record : null;
}

export function hasScope(token: StoredToken, scope: TokenScope): boolean {
  return token.scopes.includes('admin') || token.scopes.includes(scope);
}
