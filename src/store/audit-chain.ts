import { createHash } from 'node:crypto';
import type { AuditEntry } from '../contracts/identity.js';

/**
 * The audit log's hash chain. It lives beside the store because every adapter must seal entries the
 * same way, inside the transaction that assigns `seq`; the identity service recomputes it to verify.
 *
 * hash = SHA-256( prevHash + "\n" + canonicalJson({ seq, at, actor, action, target, before, after, clientAddress }) )
 */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** What is hashed: every field of an entry except the two hashes. */
export type AuditSealedFields = Omit<AuditEntry, 'prevHash' | 'hash'>;

export function auditEntryHash(prevHash: string, entry: AuditSealedFields): string {
  const body = canonicalJson({
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    before: entry.before ?? null,
    after: entry.after ?? null,
    clientAddress: entry.clientAddress,
  });
  return createHash('sha256').update(`${prevHash}\n${body}`).digest('hex');
}

/**
 * JSON with object keys sorted (JS default order: UTF-16 code units) at every depth and no whitespace, so that equal values give
 * equal text whatever the key order a driver returns (PostgreSQL `jsonb` reorders keys).
 * `undefined` members are dropped as `JSON.stringify` drops them; non-finite numbers become `null`.
 *
 * @example canonicalJson({ b: 1, a: [true, { d: null, c: 'x' }] }) // '{"a":[true,{"c":"x","d":null}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalJson((value as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/**
 * `before`/`after` as they will read back from the store: plain JSON data. Sealing the stored form, not the
 * caller's object (a Date, a Map, a class instance), keeps a re-computed hash equal to the sealed one.
 */
export function toJsonData(value: unknown): unknown {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as unknown);
}
