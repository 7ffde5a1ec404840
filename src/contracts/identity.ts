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

/** How much the business depends on an application; it feeds its endpoints' risk (`business-criticality`). */
export const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;
export const Criticality = z.enum(CRITICALITIES);
export type Criticality = z.infer<typeof Criticality>;

/** A data-protection tag: kebab-case, e.g. `pci`, `pii`, `phi`, `gdpr`, `export-controlled`. */
export const DataTag = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a kebab-case tag such as "pci" or "pii"');

/** An application id: what URLs, rules files and scopes name it by. */
export const ApplicationId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-", at most 64');

/** Owner team name. */
export const TeamName = z.string().trim().min(1).max(200);
/** People to contact about the application (task digests go there); compared case-insensitively. */
export const Contacts = z.array(Email).max(20);
export const DataTags = z.array(DataTag).max(20);

/**
 * A named group of APIs/endpoints, owned by users (workload owners see only their applications), with its
 * owner team, contacts, business criticality and data-protection tags. `matchers` are the application's
 * host/path ownership rules, in the order of the one rule list (see `contracts/ownership.ts`).
 *
 * @example
 *   { id: 'app_shop', name: 'Shop', owners: [], matchers: [{ host: 'api.shop.example' }], team: 'commerce',
 *     contacts: ['shop-team@example.com'], criticality: 'high', dataTags: ['pci', 'pii'], createdAt: '…', updatedAt: '…' }
 */
export const Application = z.object({
  id: z.string(),
  name: z.string(),
  owners: z.array(z.string()),
  matchers: z.array(ApplicationMatcher),
  team: z.string().nullable(),
  contacts: z.array(z.string()),
  criticality: Criticality,
  dataTags: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Application = z.infer<typeof Application>;

/** Defaults of the metadata an application is created without (and that databases before it migrate to). */
export const APPLICATION_DEFAULTS: Readonly<Pick<Application, 'team' | 'contacts' | 'criticality' | 'dataTags'>> = Object.freeze({
  team: null,
  contacts: [],
  criticality: 'medium',
  dataTags: [],
});

/**
 * Creating or changing an application. The metadata is optional so that older clients keep working:
 * absent on creation, it takes `APPLICATION_DEFAULTS`; absent on a change, it stays as it was. `matchers`
 * may be empty (an application claimed by spec rules only); absent on a change, they stay as they were.
 */
export const ApplicationInput = z.object({
  name: z.string().trim().min(1).max(200),
  owners: z.array(z.string().min(1).max(64)).max(100).default([]),
  matchers: z.array(ApplicationMatcher).max(100).optional(),
  team: TeamName.nullable().optional(),
  contacts: Contacts.optional(),
  criticality: Criticality.optional(),
  dataTags: DataTags.optional(),
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
