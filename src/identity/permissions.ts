import { ROLES, type Role } from '../contracts/identity.js';
import { DomainError } from '../errors/domain-errors.js';
import type { TokenScope } from '../store/store.js';

/**
 * Who may do what: the one place in code. Roles (people) and token scopes (machines) both map to actions;
 * every check goes through `can`. `docs/permissions.md` shows the same matrix, and a test keeps the two equal.
 *
 * Read actions end in `:read` and nothing else does: the auditor's "read everything, change nothing" is
 * then a rule a test can check rather than a list someone has to remember to extend.
 */
export const ACTIONS = [
  'inventory:read',
  'findings:read',
  'findings:update',
  'samples:read',
  'specs:read',
  'specs:write',
  'posture:manage',
  'cases:read',
  'cases:write',
  'tasks:read',
  'tasks:write',
  'tasks:manage',
  'reports:read',
  'applications:read',
  'applications:manage',
  'audit:read',
  'users:read',
  'users:manage',
  'tokens:read',
  'tokens:manage',
  'settings:manage',
  'events:ingest',
] as const;
export type Action = (typeof ACTIONS)[number];

/** One line per action, for `docs/permissions.md` and the console. */
export const ACTION_DESCRIPTIONS: Record<Action, string> = {
  'inventory:read': 'See APIs and endpoints, their risk and data classes',
  'findings:read': 'See posture and spec findings',
  'findings:update': 'Triage findings (status, assignee, accepted risk)',
  'samples:read': 'See redacted evidence samples',
  'specs:read': 'See API specifications and conformance',
  'specs:write': 'Upload and change API specifications',
  'posture:manage': 'Tune posture rules (modes, severities, options)',
  'cases:read': 'See investigation cases',
  'cases:write': 'Open, update and close cases',
  'tasks:read': 'See remediation tasks',
  'tasks:write': 'Work remediation tasks: mark in progress or fixed, comment, take a task',
  'tasks:manage': 'Assign tasks, set due dates, accept risk, send tasks by email or ticket, retry deliveries',
  'reports:read': 'Produce and download reports',
  'applications:read': 'See applications and their owners',
  'applications:manage': 'Create, change and delete applications and their ownership',
  'audit:read': 'Read, verify and export the audit log',
  'users:read': 'See users, roles and status',
  'users:manage': 'Invite users, change roles and status, reset passwords',
  'tokens:read': 'See API tokens (never their secrets)',
  'tokens:manage': 'Issue and revoke API tokens',
  'settings:manage': 'Change installation settings',
  'events:ingest': 'Send traffic (HAR, logs, ingest API)',
};

const READ_ACTIONS = ACTIONS.filter((a) => a.endsWith(':read'));

/**
 * The role x action matrix. Workload owners' actions apply only inside their applications (see
 * `Principal.applications` and `can`'s `target`); every other role is unscoped.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Action[]>> = {
  admin: ACTIONS,
  'security-practitioner': [
    'inventory:read',
    'findings:read',
    'findings:update',
    'samples:read',
    'specs:read',
    'specs:write',
    'posture:manage',
    'cases:read',
    'tasks:read',
    'tasks:write',
    'tasks:manage',
    'reports:read',
    'applications:read',
    'events:ingest',
  ],
  'soc-analyst': [
    'inventory:read',
    'findings:read',
    'findings:update',
    'samples:read',
    'cases:read',
    'cases:write',
    'tasks:read',
    'applications:read',
  ],
  // Owners fix code, gateway or spec: they read and upload their own applications' specs.
  'workload-owner': ['inventory:read', 'findings:read', 'specs:read', 'specs:write', 'tasks:read', 'tasks:write', 'applications:read'],
  auditor: READ_ACTIONS,
};

/** Machine tokens keep their three scopes; `admin` implies every action, as it always has. */
export const TOKEN_SCOPE_PERMISSIONS: Readonly<Record<TokenScope, readonly Action[]>> = {
  ingest: ['events:ingest'],
  read: ['inventory:read', 'findings:read', 'samples:read', 'specs:read', 'reports:read', 'applications:read'],
  admin: ACTIONS,
};

/** Roles whose access is limited to the applications they own. */
export const SCOPED_ROLES: readonly Role[] = ['workload-owner'];

/**
 * The authenticated caller. `applications` is `'all'` or the ids of the applications the caller may see;
 * an empty list means none.
 *
 * @example
 * const p: Principal = { kind: 'user', id: 'u1', name: 'ana@example.com', role: 'workload-owner', applications: ['app-shop'] };
 * can(p, 'findings:read', { applicationId: 'app-shop' }) // true
 */
export type Principal = UserPrincipal | TokenPrincipal;

export interface UserPrincipal {
  kind: 'user';
  id: string;
  /** The email address, for display and logs. */
  name: string;
  role: Role;
  applications: readonly string[] | 'all';
}

export interface TokenPrincipal {
  kind: 'token';
  id: string;
  name: string;
  scopes: readonly TokenScope[];
  applications: 'all';
}

/** What an action is done on: the application an endpoint, finding or task belongs to (null: none). */
export interface ActionTarget {
  applicationId: string | null;
}

/**
 * Whether `principal` may do `action`, and, given a `target`, whether it may do it on that target.
 * Without a target the answer is about the action alone (for a scoped principal: on something it owns);
 * list queries then narrow themselves with `applicationScope`.
 */
export function can(principal: Principal, action: Action, target?: ActionTarget): boolean {
  const allowed =
    principal.kind === 'user'
      ? (ROLE_PERMISSIONS[principal.role]?.includes(action) ?? false)
      : principal.scopes.some((s) => TOKEN_SCOPE_PERMISSIONS[s]?.includes(action) ?? false);
  if (!allowed || target === undefined) return allowed;
  return inScope(principal, target.applicationId);
}

/** Throws `not_allowed` unless `can(principal, action, target)`. */
export function assertCan(principal: Principal, action: Action, target?: ActionTarget): void {
  if (!can(principal, action, target)) throw new DomainError('not_allowed', `not allowed: ${action}`);
}

/** Whether the principal's application scope covers `applicationId` (an unassigned object is outside any scope). */
export function inScope(principal: Principal, applicationId: string | null): boolean {
  if (principal.applications === 'all') return true;
  return applicationId !== null && principal.applications.includes(applicationId);
}

/** The scope to filter list queries by: `'all'`, or the application ids. */
export function applicationScope(principal: Principal): readonly string[] | 'all' {
  return principal.applications;
}

/** The actions a principal has, in `ACTIONS` order. */
export function actionsOf(principal: Principal): Action[] {
  return ACTIONS.filter((a) => can(principal, a));
}

export { ROLES };
