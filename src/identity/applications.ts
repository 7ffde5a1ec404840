import type { Application, ApplicationMatcher } from '../contracts/identity.js';

/**
 * The application an endpoint belongs to: the first application, in the order given, with a matcher
 * that matches the endpoint's host and path template. The store lists applications in creation order,
 * so an application defined earlier wins over a later, overlapping one. Null when none matches.
 *
 * Hosts compare case-insensitively and without a port; `*.example.com` matches `a.example.com` and
 * `a.b.example.com` but not `example.com`. Path prefixes match whole segments.
 *
 * @example
 * applicationOf('shop.example.com', '/billing/{id}', [{ id: 'billing', matchers: [{ host: 'shop.example.com', pathPrefix: '/billing' }], ... }])
 * // 'billing'
 */
export function applicationOf(
  host: string,
  pathTemplate: string,
  applications: readonly Pick<Application, 'id' | 'matchers'>[],
): string | null {
  const h = normaliseHost(host);
  for (const app of applications) {
    if (app.matchers.some((m) => matcherMatches(m, h, pathTemplate))) return app.id;
  }
  return null;
}

/** Whether one matcher matches a host (already normalised with `normaliseHost`) and a path template. */
export function matcherMatches(matcher: ApplicationMatcher, normalisedHost: string, pathTemplate: string): boolean {
  const want = normaliseHost(matcher.host);
  if (want.startsWith('*.')) {
    const suffix = want.slice(1);
    if (!(normalisedHost.endsWith(suffix) && normalisedHost.length > suffix.length)) return false;
  } else if (want !== normalisedHost) {
    return false;
  }
  return matcher.pathPrefix === undefined || pathHasPrefix(pathTemplate, matcher.pathPrefix);
}

function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  // Strip a port, but not the colons of a bare IPv6 address.
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(0, end + 1) : h;
  }
  const colon = h.lastIndexOf(':');
  if (colon > 0 && h.indexOf(':') === colon && /^\d+$/.test(h.slice(colon + 1))) h = h.slice(0, colon);
  return h;
}

/** `/billing` is a prefix of `/billing` and `/billing/x`, not of `/billingx`; `/` is a prefix of every path. */
function pathHasPrefix(path: string, prefix: string): boolean {
  const p = prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (p === '/' || p === '') return true;
  return path === p || path.startsWith(`${p}/`);
}
