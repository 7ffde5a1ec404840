import type { ApiEvent } from '../contracts/api-event.js';
import type { AuthKind } from '../contracts/endpoint.js';
import { lowerCase } from '../util/ascii-case.js';

/**
 * Non-secret facts about the credentials of a request, read by the redact stage from the raw event so
 * that later stages never need the raw credential: which kind of authentication was used, a JWT's
 * algorithm, whether it has `exp`, its claim names and issuer, and a 32-bit principal fingerprint
 * (good enough to count distinct consumers in a sketch; not reversible to the credential).
 *
 * @example
 * credentialFacts(event) // { kind: 'bearer-jwt', jwt: { alg: 'RS256', hasExp: true, ... }, principal: 2838491 }
 */
export interface CredentialFacts {
  kind: AuthKind;
  jwt: JwtFacts | null;
  /** Fingerprint of the principal (JWT `sub`, else the credential itself); null when unauthenticated. */
  principal: number | null;
}

export interface JwtFacts {
  alg: string;
  hasExp: boolean;
  /** `exp` in the past relative to the event time. */
  expired: boolean;
  /** `exp` in epoch milliseconds, when present. */
  expMs?: number;
  claims: string[];
  iss: string | null;
}

export const API_KEY_HEADERS = new Set([
  'x-api-key',
  'api-key',
  'apikey',
  'x-apikey',
  'x-auth-token',
  'x-access-token',
  'x-api-token',
  'x-functions-key',
  'ocp-apim-subscription-key',
  'x-goog-api-key',
]);

export const API_KEY_QUERY = new Set(['api_key', 'apikey', 'api-key', 'key', 'access_token', 'token', 'auth', 'auth_token', 'x-api-key']);

/** Session and auth cookie names: framework defaults and the usual shapes (`HRSESSID`, `app_session`, `sid`, `auth_token`). */
const SESSION_COOKIE = /sess|^sid$|[._-]sid$|sid[._-]|token|auth|jwt|^asp\.net_sessionid$|^_?identity/i;

const JWT_SHAPE = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$/;

/** FNV-1a 32-bit of `text` from index `from`: fast, stable, for sketches and cache keys only. */
export function fnv1a(text: string, from = 0): number {
  let h = 0x811c9dc5;
  for (let i = from; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Longest token part decoded; longer ones read as no JSON. */
const MAX_PART = 8192;
/**
 * Where token parts are base64url-decoded: a fresh Buffer per part costs more than its JSON. Large enough for any
 * part of `MAX_PART` characters, so the decoded bytes are exactly those of `Buffer.from(part, 'base64url')`.
 */
const scratch = Buffer.allocUnsafeSlow((MAX_PART * 3) / 4);

function decodeJsonPart(part: string): Record<string, unknown> | null {
  if (part.length > MAX_PART) return null;
  try {
    const v: unknown = JSON.parse(scratch.toString('utf8', 0, scratch.write(part, 'base64url')));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Distinct JWT header parts whose `alg` is remembered. */
const HEADER_MEMO_SIZE = 64;
/**
 * The `alg` (cut to 16 characters) of JWT header parts already decoded, or null when the part is no JSON object with
 * a string `alg`. An issuer signs all its tokens with one header, so decoding it again per token is wasted work.
 * Keys are copies of the header part: a slice of the token would keep the whole token, signature included, alive.
 */
const headerAlgs = new Map<string, string | null>();

function headerAlg(part: string): string | null {
  // Not decoded anyway; and the memo keeps no key longer than a decodable part.
  if (part.length > MAX_PART) return null;
  const known = headerAlgs.get(part);
  if (known !== undefined) return known;
  const header = decodeJsonPart(part);
  const alg = header && typeof header.alg === 'string' ? header.alg.slice(0, 16) : null;
  if (headerAlgs.size >= HEADER_MEMO_SIZE) headerAlgs.clear();
  headerAlgs.set(Buffer.from(part, 'latin1').toString('latin1'), alg);
  return alg;
}

/**
 * Whether a JWT's `alg` is `none` in any case (an unsigned token), without the lower-cased copy most algorithms
 * would cost (`HS256`, `RS256`). `| 32` folds ASCII capitals only, and no other character lower-cases to an
 * ASCII letter of `none`.
 */
export function isNoneAlg(alg: string): boolean {
  return alg.length === 4 && (alg.charCodeAt(0) | 32) === 110 && (alg.charCodeAt(1) | 32) === 111 && (alg.charCodeAt(2) | 32) === 110 && (alg.charCodeAt(3) | 32) === 101;
}

/** At most 32 claim names of at most 64 characters each, in payload order. */
function claimNames(payload: Record<string, unknown>): string[] {
  const keys = Object.keys(payload);
  if (keys.length > 32) keys.length = 32;
  for (let i = 0; i < keys.length; i++) if (keys[i]!.length > 64) keys[i] = keys[i]!.slice(0, 64);
  return keys;
}

export function jwtFacts(token: string, eventTimeMs: number): { facts: JwtFacts; sub: string | null } | null {
  if (token.length > 16384 || !JWT_SHAPE.test(token)) return null;
  const dot = token.indexOf('.');
  const alg = headerAlg(token.slice(0, dot));
  if (alg === null) return null;
  const payload = decodeJsonPart(token.slice(dot + 1, token.indexOf('.', dot + 1))) ?? {};
  const exp = typeof payload.exp === 'number' ? payload.exp : null;
  const claims = claimNames(payload);
  const iss = typeof payload.iss === 'string' ? payload.iss.slice(0, 200) : null;
  const facts: JwtFacts = exp === null
    ? { alg, hasExp: false, expired: false, claims, iss }
    : { alg, hasExp: true, expired: exp * 1000 < eventTimeMs, expMs: exp * 1000, claims, iss };
  return { facts, sub: typeof payload.sub === 'string' || typeof payload.sub === 'number' ? String(payload.sub) : null };
}

/** Characters at the end of an `Authorization` value that key its cache entry. */
const TAIL_KEY = 32;

/**
 * The cache key of an `Authorization` value: an FNV-1a hash of its last characters (the end of a JWT's signature),
 * as a small integer. Hashing a fresh 500-character token costs about a microsecond, its tail a twentieth of that;
 * and an integer key is compared without reading any string. Two values may share a key (forged tokens can reuse a
 * signature, and hashes collide): the entry keeps the whole value and a lookup compares it, so a shared key is
 * only a miss.
 */
function authzKey(authz: string): number {
  // 30 bits: a small integer in V8, stored and hashed without a heap number.
  return fnv1a(authz, Math.max(0, authz.length - TAIL_KEY)) & 0x3fffffff;
}

/**
 * A reader of credential facts with a bounded cache of decoded JWTs: the same token arrives on every
 * call of a session, and decoding it each time would dominate the cost of an event.
 */
export function createCredentialReader(cacheSize = 10_000): (event: ApiEvent, eventTimeMs: number) => CredentialFacts {
  const cache = new Map<number, { authz: string; facts: CredentialFacts }>();
  return (event, eventTimeMs) => {
    const authz = event.request.headers.authorization;
    // An empty value is no credential: `credentialFacts` looks at API keys and cookies then, which differ per event.
    if (!authz || authz.length > 4096) return credentialFacts(event, eventTimeMs);
    const key = authzKey(authz);
    const entry = cache.get(key);
    let facts: CredentialFacts;
    if (entry !== undefined && entry.authz === authz) facts = entry.facts;
    else {
      facts = credentialFacts(event, eventTimeMs);
      if (entry === undefined && cache.size >= cacheSize) cache.clear();
      cache.set(key, { authz, facts });
    }
    if (facts.jwt?.hasExp && facts.jwt.expMs !== undefined) {
      const expired = facts.jwt.expMs < eventTimeMs;
      if (expired !== facts.jwt.expired) return { ...facts, jwt: { ...facts.jwt, expired } };
    }
    return facts;
  };
}

export function credentialFacts(event: ApiEvent, eventTimeMs: number): CredentialFacts {
  const { headers, query, cookies } = event.request;
  const authz = headers.authorization ?? headers['proxy-authorization'];
  if (authz) {
    const space = authz.indexOf(' ');
    const scheme = (space > 0 ? authz.slice(0, space) : authz).toLowerCase();
    const value = space > 0 ? authz.slice(space + 1).trim() : '';
    if (scheme === 'basic') return { kind: 'basic', jwt: null, principal: fnv1a(value) };
    if (scheme === 'digest') return { kind: 'digest', jwt: null, principal: fnv1a(value.slice(0, 200)) };
    if (scheme === 'bearer' || scheme === 'jwt' || scheme === 'token') {
      const jwt = jwtFacts(value, eventTimeMs);
      if (jwt) return { kind: 'bearer-jwt', jwt: jwt.facts, principal: fnv1a(jwt.sub ?? value) };
      return { kind: 'bearer-opaque', jwt: null, principal: fnv1a(value) };
    }
    return { kind: 'bearer-opaque', jwt: null, principal: fnv1a(authz) };
  }
  for (const name in headers) {
    if (API_KEY_HEADERS.has(name)) return { kind: 'api-key-header', jwt: null, principal: fnv1a(headers[name] ?? '') };
  }
  for (const name in query) {
    if (API_KEY_QUERY.has(lowerCase(name))) {
      const v = query[name]?.[0] ?? '';
      const jwt = jwtFacts(v, eventTimeMs);
      return { kind: 'api-key-query', jwt: jwt?.facts ?? null, principal: fnv1a(jwt?.sub ?? v) };
    }
  }
  for (const name in cookies) {
    if (SESSION_COOKIE.test(name)) {
      const v = cookies[name] ?? '';
      const jwt = jwtFacts(v, eventTimeMs);
      return { kind: 'session-cookie', jwt: jwt?.facts ?? null, principal: fnv1a(jwt?.sub ?? v) };
    }
  }
  return { kind: 'none', jwt: null, principal: null };
}
