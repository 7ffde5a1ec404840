import type { AuditActorKind, AuditEntry } from '../contracts/identity.js';
import { AUDIT_GENESIS_HASH, auditEntryHash } from '../store/audit-chain.js';
import { MAX_PAGE_SIZE, type AuditQuery, type Page, type Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';

/**
 * The append-only, hash-chained audit log. Every state-changing identity action appends one entry; other
 * services (cases, tasks, settings) append theirs through the same `append`.
 *
 * What the chain proves: an entry changed or removed in the middle breaks it at that entry (or the next,
 * if its hash was recomputed too). What it cannot prove alone: that the newest entries were not cut off or
 * the whole tail rewritten; pass an `anchor` (a `head` recorded earlier, outside the database) for that.
 *
 * @example
 * const audit = createAuditLog({ store, clock: systemClock });
 * await audit.append({ actor: { kind: 'user', id: 'u1' }, action: 'case.close', target: { type: 'case', id: 'c9' } });
 * const { ok, firstBrokenSeq } = await audit.verifyChain();
 */
export interface AuditLog {
  append(entry: AuditAppend): Promise<AuditEntry>;
  list(query: AuditQuery): Promise<Page<AuditEntry>>;
  verifyChain(opts?: { anchor?: AuditHead }): Promise<ChainVerdict>;
  /** The whole log from `afterSeq` on, one JSON object per line, read a page at a time. */
  exportJsonLines(opts?: { afterSeq?: number; pageSize?: number }): AsyncIterable<string>;
}

export interface AuditAppend {
  actor: { kind: AuditActorKind; id: string | null };
  action: AuditAction;
  target?: { type: string; id: string } | null;
  before?: unknown;
  after?: unknown;
  clientAddress?: string | null;
}

/** Audit action names: `<object>.<verb>`. Typed so that a typo is a compile error, and open to other services. */
export type AuditAction = IdentityAuditAction | (string & { readonly __otherAction?: never });

export const IDENTITY_AUDIT_ACTIONS = [
  'user.bootstrap',
  'user.invite',
  'user.invitation-accept',
  'user.update',
  'user.password-reset',
  'user.password-set',
  'auth.login',
  'auth.login-failed',
  'auth.lockout',
  'auth.throttled',
  'auth.logout',
  'application.create',
  'application.update',
  'application.delete',
  'audit.export',
] as const;
export type IdentityAuditAction = (typeof IDENTITY_AUDIT_ACTIONS)[number];

export interface AuditHead {
  seq: number;
  hash: string;
}

export interface ChainVerdict {
  ok: boolean;
  /** Entries checked. */
  checked: number;
  /** The first entry that does not verify: changed, out of sequence, or missing (its expected seq). */
  firstBrokenSeq?: number;
  reason?: 'hash-mismatch' | 'link-mismatch' | 'seq-gap' | 'anchor-mismatch';
  /** The last entry: record it outside the database and pass it back as `anchor` later. */
  head: AuditHead | null;
}

/**
 * Keys that must never reach an audit entry. Callers pass views without secrets; this is the second
 * line, because an audit log is kept for years and read by many.
 */
const SECRET_KEYS = new Set(['password', 'passwordhash', 'hash', 'idhash', 'csrfhash', 'csrftoken', 'secret', 'token', 'sessionid', 'session', 'cookie']);

/** A copy of `value` without members named like a secret (case-insensitive), at any depth. */
export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (depth > 32) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => scrubSecrets(v, depth + 1));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEYS.has(k.toLowerCase())) continue;
      out[k] = scrubSecrets(v, depth + 1);
    }
    return out;
  }
  return value;
}

export function createAuditLog(deps: { store: Store; clock: Clock }): AuditLog {
  const { store, clock } = deps;
  return {
    append(e) {
      return store.appendAudit({
        at: clock.now().toISOString(),
        actor: e.actor,
        action: e.action,
        target: e.target ?? null,
        before: scrubSecrets(e.before ?? null),
        after: scrubSecrets(e.after ?? null),
        clientAddress: e.clientAddress ?? null,
      });
    },

    list(query) {
      return store.listAudit(query);
    },

    async verifyChain(opts = {}) {
      let prev: AuditHead | null = null;
      let checked = 0;
      let anchorSeen = false;
      const fail = (firstBrokenSeq: number, reason: NonNullable<ChainVerdict['reason']>): ChainVerdict => ({
        ok: false,
        checked,
        firstBrokenSeq,
        reason,
        head: prev,
      });
      for (;;) {
        const page = await store.auditEntriesAfter(prev?.seq ?? 0, MAX_PAGE_SIZE);
        for (const entry of page) {
          const expectedSeq: number = (prev?.seq ?? 0) + 1;
          if (entry.seq !== expectedSeq) return fail(expectedSeq, 'seq-gap');
          if (entry.prevHash !== (prev?.hash ?? AUDIT_GENESIS_HASH)) return fail(entry.seq, 'link-mismatch');
          if (entry.hash !== auditEntryHash(entry.prevHash, entry)) return fail(entry.seq, 'hash-mismatch');
          if (opts.anchor && entry.seq === opts.anchor.seq) {
            if (entry.hash !== opts.anchor.hash) return fail(entry.seq, 'anchor-mismatch');
            anchorSeen = true;
          }
          checked += 1;
          prev = { seq: entry.seq, hash: entry.hash };
        }
        if (page.length < MAX_PAGE_SIZE) break;
      }
      // The anchored entry is gone: the log was cut back to before it.
      if (opts.anchor && !anchorSeen && opts.anchor.seq > 0) return fail((prev?.seq ?? 0) + 1, 'anchor-mismatch');
      return { ok: true, checked, head: prev };
    },

    async *exportJsonLines(opts = {}) {
      const pageSize = Math.min(Math.max(1, Math.trunc(opts.pageSize ?? MAX_PAGE_SIZE)), MAX_PAGE_SIZE);
      let after = Math.max(0, Math.trunc(opts.afterSeq ?? 0));
      for (;;) {
        const page = await store.auditEntriesAfter(after, pageSize);
        for (const entry of page) {
          yield `${JSON.stringify(entry)}\n`;
          after = entry.seq;
        }
        if (page.length < pageSize) return;
      }
    },
  };
}
