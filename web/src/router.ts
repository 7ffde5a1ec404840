/**
 * A tiny hash router: routes look like `#/inventory?riskLevel=high`. The hash keeps every view a plain
 * link (bookmarkable, shareable, works with the server's single `index.html`) without a router library.
 */
import { useSyncExternalStore } from 'react';

export interface Route {
  /** Path segments after `#/`, decoded: `#/endpoints/abc` -> ['endpoints', 'abc']. */
  segments: string[];
  /** The query after `?` in the hash. */
  query: URLSearchParams;
  /** The raw hash, for subscriptions and keys. */
  hash: string;
}

function parse(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : raw.slice(q + 1));
  const segments = path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { segments, query, hash: raw };
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

const snapshot = () => window.location.hash;

/** The current route; re-renders on every hash change. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, snapshot, snapshot);
  return parse(hash);
}

export type QueryValues = Record<string, string | number | boolean | null | undefined>;

/** `#/path?query` from segments and query values; empty values are left out so URLs stay short. */
export function href(path: string, query: QueryValues = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  const normalised = path.startsWith('/') ? path : `/${path}`;
  return `#${normalised}${text ? `?${text}` : ''}`;
}

/** `href` for a path made of segments that may hold any characters (ids). */
export function pathOf(...segments: string[]): string {
  return `/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
}

/** Goes to a hash; `replace` keeps filter typing from flooding the history. */
export function navigate(to: string, { replace = false } = {}): void {
  const target = to.startsWith('#') ? to : `#${to}`;
  if (window.location.hash === target) return;
  if (replace) {
    window.history.replaceState(window.history.state, '', target);
    // replaceState does not fire hashchange; tell the subscribers ourselves.
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = target;
  }
}

/** The current route's path with some query values changed (others kept); `null`/'' removes a key. */
export function withQuery(route: Route, patch: QueryValues): string {
  const path = `/${route.segments.map((s) => encodeURIComponent(s)).join('/')}`;
  const values: QueryValues = Object.fromEntries(route.query.entries());
  for (const [key, value] of Object.entries(patch)) values[key] = value;
  return href(path, values);
}

/** Changes query values of the *current* hash (read at call time, so that debounced updates do not clobber each other). */
export function updateQuery(patch: QueryValues, options: { replace?: boolean } = {}): void {
  navigate(withQuery(parse(window.location.hash), patch), options);
}
