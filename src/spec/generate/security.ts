import type { ApiEvent } from '../../contracts/api-event.js';
import type { AuthKind, JwtObservation, Parameter } from '../../contracts/endpoint.js';
import { API_KEY_HEADERS, API_KEY_QUERY, credentialFacts } from '../../redact/credential-facts.js';
import type { JsonSchema } from './schema.js';

/**
 * Security schemes and requirements from the authentication kinds discovery saw on an operation's
 * calls. Credentials are described by scheme, never as parameters: the header, query parameter or
 * cookie that carried them is named in the scheme and left out of `parameters`.
 */

/** Share of an operation's calls a kind needs to become one of its security alternatives. */
const KIND_SHARE = 0.01;
/** Share of unauthenticated calls above which authentication is optional (`{}` among the alternatives). */
const OPTIONAL_SHARE = 0.5;

export interface OperationSecurity {
  /** Scheme id -> Security Scheme Object, to be added to `components.securitySchemes`. */
  schemes: Map<string, JsonSchema>;
  /** The operation's `security`: `[]` when no call carried credentials. */
  requirements: Array<Record<string, string[]>>;
}

/** Request headers that say nothing about an API's own interface: protocol, caching, proxies, browsers. */
const PROTOCOL_HEADERS = new Set([
  'accept',
  'accept-charset',
  'accept-encoding',
  'accept-language',
  'authorization',
  'proxy-authorization',
  'cache-control',
  'connection',
  'content-encoding',
  'content-length',
  'content-type',
  'cookie',
  'date',
  'dnt',
  'expect',
  'forwarded',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'keep-alive',
  'origin',
  'pragma',
  'priority',
  'range',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'upgrade-insecure-requests',
  'user-agent',
  'via',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-proto',
  'x-real-ip',
  'x-requested-with',
  'traceparent',
  'tracestate',
  'baggage',
]);
/** Prefixes of browser, CDN, load balancer and tracing headers. */
const PROTOCOL_PREFIXES = ['sec-', 'x-forwarded-', 'x-amzn-', 'x-amz-cf-', 'cf-', 'x-b3-', 'x-envoy-', 'x-cloud-trace', 'x-datadog-', ':'];

export function isCredentialHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'authorization' || n === 'proxy-authorization' || API_KEY_HEADERS.has(n);
}

/** A header worth describing as an operation parameter. */
export function isInterfaceHeader(name: string): boolean {
  const n = name.toLowerCase();
  return !PROTOCOL_HEADERS.has(n) && !isCredentialHeader(n) && !PROTOCOL_PREFIXES.some((p) => n.startsWith(p));
}

export function isCredentialQuery(name: string): boolean {
  return API_KEY_QUERY.has(name.toLowerCase());
}

/** Asks the redact stage's own reader, so the two never disagree on what a session cookie is. */
export function isSessionCookie(name: string): boolean {
  const probe = { request: { headers: {}, query: {}, cookies: { [name]: 'x' } } } as unknown as ApiEvent;
  return credentialFacts(probe, 0).kind === 'session-cookie';
}

/** Component names allow `[A-Za-z0-9._-]` only. */
function componentName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
}

/** The parameter that carried a credential: the most seen of those that could have. */
function carrier(params: readonly Parameter[], location: Parameter['location'], test: (name: string) => boolean): string | null {
  let best: Parameter | null = null;
  for (const p of params) {
    if (p.direction !== 'request' || p.location !== location || !test(p.name)) continue;
    if (!best || p.seen > best.seen || (p.seen === best.seen && p.name < best.name)) best = p;
  }
  return best?.name ?? null;
}

function schemeFor(kind: AuthKind, params: readonly Parameter[], jwt: JwtObservation | null): [string, JsonSchema] | null {
  const unseen = (what: string) => `Observed ${what}; no analysed request showed its name, so this one is a guess: check it.`;
  switch (kind) {
    case 'bearer-jwt': {
      const scheme: JsonSchema = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };
      if (jwt?.algs.length) scheme['x-bulwark-jwt-algorithms'] = [...jwt.algs].sort();
      return ['bearerJwt', scheme];
    }
    case 'bearer-opaque':
      return ['bearerToken', { type: 'http', scheme: 'bearer' }];
    case 'basic':
      return ['basicAuth', { type: 'http', scheme: 'basic' }];
    case 'digest':
      return ['digestAuth', { type: 'http', scheme: 'digest' }];
    case 'api-key-header': {
      const name = carrier(params, 'header', (n) => API_KEY_HEADERS.has(n.toLowerCase()));
      return [`apiKeyHeader_${componentName(name ?? 'x-api-key')}`, { type: 'apiKey', in: 'header', name: name ?? 'x-api-key', ...(name ? {} : { description: unseen('an API key in a header') }) }];
    }
    case 'api-key-query': {
      const name = carrier(params, 'query', isCredentialQuery);
      return [`apiKeyQuery_${componentName(name ?? 'api_key')}`, { type: 'apiKey', in: 'query', name: name ?? 'api_key', ...(name ? {} : { description: unseen('an API key in the query') }) }];
    }
    case 'session-cookie': {
      const name = carrier(params, 'cookie', isSessionCookie);
      return [`sessionCookie_${componentName(name ?? 'session')}`, { type: 'apiKey', in: 'cookie', name: name ?? 'session', ...(name ? {} : { description: unseen('a session cookie') }) }];
    }
    default:
      return null;
  }
}

/**
 * @example
 * operationSecurity({ 'bearer-jwt': 98, none: 2 }, params, jwt)
 * // { schemes: Map { bearerJwt => { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } }, requirements: [{ bearerJwt: [] }] }
 */
export function operationSecurity(kinds: Record<string, number>, params: readonly Parameter[], jwt: JwtObservation | null): OperationSecurity {
  const schemes = new Map<string, JsonSchema>();
  const requirements: Array<Record<string, string[]>> = [];
  const calls = Object.values(kinds).reduce((a, b) => a + b, 0);
  for (const kind of Object.keys(kinds).sort()) {
    const n = kinds[kind] ?? 0;
    if (kind === 'none' || n === 0 || n < KIND_SHARE * calls) continue;
    const s = schemeFor(kind as AuthKind, params, jwt);
    if (!s || schemes.has(s[0])) continue;
    schemes.set(s[0], s[1]);
    requirements.push({ [s[0]]: [] });
  }
  if (requirements.length > 0 && (kinds.none ?? 0) > OPTIONAL_SHARE * calls) requirements.push({});
  return { schemes, requirements };
}
