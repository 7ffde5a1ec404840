import { invalidInput } from '../errors/domain-errors.js';
import type { ApplicationScope, Store, StoredUser } from '../store/store.js';
import type { Caller } from './identity-service.js';
import { ROLE_PERMISSIONS, applicationScope, assertCan, inScope, type Action } from './permissions.js';

/**
 * Who reads: a signed-in caller (bounded to its applications), or null for a trusted in-process reader
 * (CLI, bench, jobs) that sees everything. Services that serve both take a `Reader`.
 */
export type Reader = Caller | null;

/** Throws `not_allowed` unless the caller may do `action`; an in-process reader may do anything. */
export function assertReaderCan(reader: Reader, action: Action): void {
  if (reader) assertCan(reader.principal, action);
}

/** The applications a list query is bounded to. */
export function readerScope(reader: Reader): ApplicationScope {
  return reader ? applicationScope(reader.principal) : 'all';
}

/** Whether the reader sees an object of `applicationId` (an unassigned object is outside any bounded scope). */
export function readerSees(reader: Reader, applicationId: string | null): boolean {
  return reader === null || inScope(reader.principal, applicationId);
}

/**
 * An assignee must be an active user whose role may do `action` (the work being assigned).
 *
 * @example
 * await activeUserWhoMay(store, 'u_12', 'cases:write', 'work cases'); // the user, or invalid_input
 */
export async function activeUserWhoMay(store: Pick<Store, 'getUser'>, userId: string, action: Action, work: string): Promise<StoredUser> {
  const user = await store.getUser(userId);
  if (!user || user.status !== 'active' || !ROLE_PERMISSIONS[user.role].includes(action)) {
    throw invalidInput(`assignee ${userId} is not an active user who may ${work} (${action})`);
  }
  return user;
}
