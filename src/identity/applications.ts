import { emailKey, type Application, type ApplicationMatcher } from '../contracts/identity.js';

/**
 * The application an endpoint belongs to: the first application, in the order given, with a matcher
 * that matches the endpoint's host and path template. Null when none matches. (The store assigns with the
 * ownership rule list, `ownership/match.ts`; this is the host and path part of it, in list form.)
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
  const m = compileMatcher(matcher);
  return m.host(normalisedHost) && m.path(pathTemplate);
}

/**
 * A matcher with its host normalised once, for callers that test it against many endpoints (assignment
 * runs every rule against every endpoint of the estate). `host` takes a host normalised with
 * `normaliseHost`; `path` is true for any path when the matcher has no prefix.
 */
export interface CompiledMatcher {
  host(normalisedHost: string): boolean;
  path(pathTemplate: string): boolean;
}

export function compileMatcher(matcher: Pick<ApplicationMatcher, 'host' | 'pathPrefix'>): CompiledMatcher {
  const want = normaliseHost(matcher.host);
  const suffix = want.startsWith('*.') ? want.slice(1) : null;
  const prefix = matcher.pathPrefix;
  return {
    host: suffix !== null ? (h) => h.endsWith(suffix) && h.length > suffix.length : (h) => h === want,
    path: prefix === undefined ? () => true : (p) => pathHasPrefix(p, prefix),
  };
}

/** Lower-cased, without a trailing dot or a port (the colons of a bracketed IPv6 address stay). */
export function normaliseHost(host: string): string {
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

type ApplicationMetadata = Pick<Application, 'team' | 'contacts' | 'criticality' | 'dataTags'>;

/**
 * An application's metadata from an input, each field falling back to `base`'s (the defaults for a new
 * application, the stored values for a change); contacts and tags without repeats (emails case-insensitively).
 */
export function applicationMetadata(input: { [K in keyof ApplicationMetadata]?: ApplicationMetadata[K] | undefined }, base: Readonly<ApplicationMetadata>): ApplicationMetadata {
  const contacts = input.contacts ?? base.contacts;
  return {
    team: input.team !== undefined ? input.team : base.team,
    contacts: contacts.filter((c, i) => contacts.findIndex((x) => emailKey(x) === emailKey(c)) === i),
    criticality: input.criticality ?? base.criticality,
    dataTags: [...new Set(input.dataTags ?? base.dataTags)],
  };
}
