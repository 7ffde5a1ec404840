import { MAX_PAGE_SIZE } from './store.js';

export const DEFAULT_PAGE_SIZE = 50;

/**
 * Clamps caller-supplied paging to safe values instead of failing: the API layer validates user input,
 * and the store's job is only to guarantee the cap. `limit: 0` is allowed and returns just the total.
 */
export function pageBounds(limit: number | undefined, offset: number | undefined): { limit: number; offset: number } {
  return {
    limit: clampInt(limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    offset: clampInt(offset, 0, Number.MAX_SAFE_INTEGER),
  };
}

/** A bound for the plain `limit` arguments (samples, rejects). */
export function listLimit(limit: number): number {
  return clampInt(limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
}

function clampInt(value: number | undefined, fallback: number, max: number): number {
  if (value === undefined || Number.isNaN(value)) return fallback;
  return Math.min(Math.max(Math.trunc(value), 0), max);
}
