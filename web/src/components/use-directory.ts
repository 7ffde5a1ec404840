/**
 * Look-ups that turn ids into names (users, applications) on pages that show ids. Each is gated by the
 * session's permission: without it nothing is requested and the page shows the id, which is what the
 * server would otherwise refuse to explain.
 */
import { useMemo } from 'react';
import type { ApplicationView, UserView } from '../../../src/contracts/api.js';
import { useApp } from '../app-context.js';
import { useLoad } from '../use-load.js';
import type { Option } from './filters.js';
import { MAX_PAGE_SIZE } from './list-query.js';

/** How the console names a person: the display name, else the email. */
export function userLabel(u: Pick<UserView, 'displayName' | 'email'>): string {
  return u.displayName || u.email;
}

export interface Users {
  /** Whether the session has `users:read`; when false, `items` is empty. */
  readable: boolean;
  items: UserView[];
  byId: ReadonlyMap<string, UserView>;
  /** The user's name (`userLabel`), or the id itself when the user is not known here. */
  labelOf: (id: string) => string;
}

/**
 * The users the caller may read, fetched once per page view with the largest page the API serves
 * (500), so that a busy table costs one request, not one a row.
 *
 * @example const users = useUsers(); app.owners.map(users.labelOf).join(', ')
 */
export function useUsers(): Users {
  const { api, can } = useApp();
  const readable = can('users:read');
  const load = useLoad(() => (readable ? api.users({ limit: MAX_PAGE_SIZE }) : Promise.resolve({ items: [] as UserView[] })), `users:${readable}`);
  return useMemo(() => {
    const items = load.data?.items ?? [];
    const byId = new Map(items.map((u) => [u.id, u]));
    const labelOf = (id: string) => {
      const u = byId.get(id);
      return u ? userLabel(u) : id;
    };
    return { readable, items, byId, labelOf };
  }, [readable, load.data]);
}

export interface Applications {
  /** Whether the session has `applications:read`; when false, `items` is empty. */
  readable: boolean;
  items: ApplicationView[];
  /** Application id to name. */
  names: ReadonlyMap<string, string>;
  /** For a filter select: value is the id, label the name. */
  options: Option[];
}

/** The filter option for endpoints and tasks of no application (`application=none`): what no ownership rule claims. */
export const UNOWNED_OPTION: Option = { value: 'none', label: 'None (unowned)' };

/** The applications the caller may read, for names and filter options. */
export function useApplications(): Applications {
  const { api, can } = useApp();
  const readable = can('applications:read');
  const load = useLoad(() => (readable ? api.applications() : Promise.resolve({ items: [] as ApplicationView[] })), `apps:${readable}`);
  return useMemo(() => {
    const items = load.data?.items ?? [];
    return { readable, items, names: new Map(items.map((a) => [a.id, a.name])), options: items.map((a) => ({ value: a.id, label: a.name })) };
  }, [readable, load.data]);
}
