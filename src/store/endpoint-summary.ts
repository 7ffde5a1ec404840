import { AUTH_KINDS, type AuthKind, type Endpoint, type EndpointSummary } from '../contracts/endpoint.js';

/**
 * An endpoint counts as authenticated when no observed call came without credentials. One anonymous call
 * is enough to make it unauthenticated: an endpoint that sometimes answers without auth is the finding.
 */
export function isAuthenticated(endpoint: Endpoint): boolean {
  return (endpoint.auth.kinds['none'] ?? 0) === 0;
}

/** Distinct data class ids, sorted so that every adapter returns the same list. */
export function endpointDataClasses(endpoint: Endpoint): string[] {
  return [...new Set(endpoint.dataClasses.map((d) => d.dataClass))].sort();
}

const KNOWN_AUTH_KINDS: ReadonlySet<string> = new Set(AUTH_KINDS);

/**
 * The authentication kinds seen at least once, sorted. Keys outside `AUTH_KINDS` are left out, so the
 * summary always satisfies its schema (and an `authKind` filter can only name a known kind).
 *
 * @example
 * endpointAuthKinds(makeEndpoint({ auth: authKinds({ 'bearer-jwt': 9, none: 1, basic: 0 }) })) // ['bearer-jwt', 'none']
 */
export function endpointAuthKinds(endpoint: Endpoint): AuthKind[] {
  return Object.entries(endpoint.auth.kinds)
    .filter(([kind, calls]) => calls > 0 && KNOWN_AUTH_KINDS.has(kind))
    .map(([kind]) => kind as AuthKind)
    .sort();
}

/**
 * The inventory row for an endpoint. Every adapter derives its list columns through this function so that
 * filters and summaries agree across adapters. `applicationId` is taken as given: the store sets it.
 *
 * @example
 * summarizeEndpoint(endpoint).authenticated // false when any call had auth kind 'none'
 */
export function summarizeEndpoint(endpoint: Endpoint): EndpointSummary {
  return {
    id: endpoint.id,
    host: endpoint.host,
    api: endpoint.api,
    applicationId: endpoint.applicationId,
    method: endpoint.method,
    pathTemplate: endpoint.pathTemplate,
    firstSeen: endpoint.firstSeen,
    lastSeen: endpoint.lastSeen,
    calls: endpoint.calls,
    consumers: endpoint.consumers,
    documented: endpoint.documented,
    riskScore: endpoint.risk.score,
    riskLevel: endpoint.risk.level,
    internetExposed: endpoint.exposure.internetExposed,
    authenticated: isAuthenticated(endpoint),
    plainHttp: endpoint.encryption.plainHttpCalls > 0,
    dataClasses: endpointDataClasses(endpoint),
    authKinds: endpointAuthKinds(endpoint),
    coverage: endpoint.coverage ?? null,
  };
}

