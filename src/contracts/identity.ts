import { z } from 'zod';

/**
 * Identity contracts: roles, users, applications and audit entries as the API and the web console see
 * them. Secrets (password hashes, token and session hashes) are never part of these shapes; the store's
 * own records add them (`StoredUser`, `StoredSession`, ...).
 */

export const ROLES = ['admin', 'security-practitioner', 'soc-analyst', 'workload-owner', 'auditor'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const UserStatus = z.enum(['invited', 'active', 'disabled']);
export type UserStatus = z.infer<typeof UserStatus>;

/** Email addresses are bounded and compared case-insensitively (see `emailKey`). */
export const Email = z.string().trim().min(3).max(254).email();

/** Application ids a workload owner is granted; bounded so that a principal stays small. */
export const ApplicationIds = z.array(z.string().min(1).max(64)).max(200);

/** A user as the API returns it: no password hash, no token or session material. */
export const User = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: Role,
  /** For workload owners: the applications granted directly (owners listed on an application see it too). */
  applications: z.array(z.string()),
  status: UserStatus,
  failedLogins: z.number().int().min(0),
  lockedUntil: z.string().nullable(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type User = z.infer<typeof User>;

export const DisplayName = z.string().trim().min(1).max(200);

export const InviteUserInput = z.object({
  email: Email,
  role: Role,
  displayName: DisplayName.optional(),
  applications: ApplicationIds.optional(),
});
export type InviteUserInput = z.infer<typeof InviteUserInput>;

/** `invited` is not settable: a user becomes invited only by an invitation. */
export const UpdateUserInput = z
  .object({
    displayName: DisplayName.optional(),
    role: Role.optional(),
    applications: ApplicationIds.optional(),
    status: z.enum(['active', 'disabled']).optional(),
  })
  .strict();
export type UpdateUserInput = z.infer<typeof UpdateUserInput>;

/**
 * Which traffic belongs to an application: a host (exact, case-insensitive; `*.example.com` matches any
 * sub-domain) and optionally a path prefix matched on whole segments (`/billing` matches `/billing` and
 * `/billing/{id}`, not `/billingx`).
 */
export const ApplicationMatcher = z.object({
  host: z
    .string()
    .trim()
    .min(1)
    .max(253)
    .regex(/^(\*\.)?[A-Za-z0-9.:_\[\]-]+$/, 'a host name, optionally starting with "*."'),
  pathPrefix: z.string().max(512).regex(/^\//, 'starts with "/"').optional(),
});
export type ApplicationMatcher = z.infer<typeof ApplicationMatcher>;

/** A named group of APIs/endpoints, owned by users (workload owners see only their applications). */
export const Application = z.object({
  id: z.string(),
  name: z.string(),
  owners: z.array(z.string()),
  matchers: z.array(ApplicationMatcher),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Application = z.infer<typeof Application>;

export const ApplicationInput = z.object({
  name: z.string().trim().min(1).max(200),
  owners: z.array(z.string().min(1).max(64)).max(100).default([]),
  matchers: z.array(ApplicationMatcher).min(1).max(100),
});
export type ApplicationInput = z.input<typeof ApplicationInput>;

export const AuditActorKind = z.enum(['user', 'token', 'system', 'anonymous']);
export type AuditActorKind = z.infer<typeof AuditActorKind>;

/**
 * One entry of the append-only, hash-chained audit log. `hash` is SHA-256 over `prevHash` and the
 * canonical JSON of the other fields (see `store/audit-chain.ts`); `before`/`after` never hold secrets.
 */
export const AuditEntry = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  actor: z.object({ kind: AuditActorKind, id: z.string().nullable() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }).nullable(),
  before: z.unknown(),
  after: z.unknown(),
  clientAddress: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** Lower-cased, trimmed email: the key for uniqueness and look-up. JS folds Unicode; SQL `lower()` may not. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}
