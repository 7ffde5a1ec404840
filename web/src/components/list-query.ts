/**
 * A list page's state read from the hash query (filters, page, sort): the URL is the state, so a
 * filtered, sorted page is a link that can be shared. Plain functions of the query, used by every
 * server-paged list (inventory, findings, audit log) so that they page and clear filters alike.
 */
import { MAX_PAGE_SIZE } from '../../../src/contracts/limits.js';
import { updateQuery } from '../router.js';
import { intParam } from './filters.js';
import type { Order } from './table.js';

/** Rows a page when the query names none; a page of this size is left out of the URL. */
export const DEFAULT_PAGE_SIZE = 50;
/** The server's cap on list pages. */
export { MAX_PAGE_SIZE };

export interface ListQuery<K extends string> {
  /** Each filter's value, '' when it is not set. */
  filters: Record<K, string>;
  limit: number;
  offset: number;
  /** How many filters are set (the count on the "Filters" button). */
  active: number;
  /** Clears every filter and goes back to the first page. */
  clear: () => void;
}

/**
 * @example
 *   const list = listFromQuery(route.query, ['action', 'actor'] as const);
 *   api.audit({ ...list.filters, limit: list.limit, offset: list.offset });
 */
export function listFromQuery<K extends string>(query: URLSearchParams, keys: readonly K[]): ListQuery<K> {
  const filters = Object.fromEntries(keys.map((k) => [k, query.get(k) ?? ''])) as Record<K, string>;
  return {
    filters,
    limit: intParam(query.get('limit'), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE) || DEFAULT_PAGE_SIZE,
    offset: intParam(query.get('offset'), 0),
    active: keys.filter((k) => filters[k] !== '').length,
    clear: () => updateQuery({ ...Object.fromEntries(keys.map((k) => [k, null])), offset: null }),
  };
}

/** Goes to another page of the list (or another page size, which starts again at the first row). */
export function changePage(offset: number, limit: number): void {
  updateQuery({ offset: offset || null, limit: limit === DEFAULT_PAGE_SIZE ? null : limit });
}

export interface SortQuery<S extends string> {
  sort: S;
  order: Order;
  /** Sorting goes back to the first page. */
  onSort: (key: S, order: Order) => void;
}

/**
 * The sort key and order from the query. `defaults` holds every server sort key with the order its
 * first click gives; an unknown key in the URL falls back to `fallback`, a missing order to the key's.
 * The result spreads into `SortHeader`.
 */
export function sortFromQuery<S extends string>(query: URLSearchParams, defaults: Record<S, Order>, fallback: NoInfer<S>): SortQuery<S> {
  const raw = query.get('sort');
  const sort = raw !== null && Object.hasOwn(defaults, raw) ? (raw as S) : fallback;
  const rawOrder = query.get('order');
  const order: Order = rawOrder === 'asc' || rawOrder === 'desc' ? rawOrder : defaults[sort];
  return { sort, order, onSort: (key, next) => updateQuery({ sort: key, order: next, offset: null }) };
}

/** The hidden caption of a sorted table: "Findings, sorted by severity descending". */
export function sortCaption(what: string, { sort, order }: { sort: string; order: Order }): string {
  return `${what}, sorted by ${sort} ${order === 'asc' ? 'ascending' : 'descending'}`;
}
