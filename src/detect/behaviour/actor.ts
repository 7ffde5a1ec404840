import type { ApiEvent } from '../../contracts/api-event.js';
import type { ActorKind } from '../../contracts/cases.js';
import type { CredentialFacts } from '../../redact/credential-facts.js';

/**
 * Who made a request, for per-actor state: the authenticated principal (a JWT's subject, or basic or digest
 * credentials), else the API key or opaque bearer token, else the session, else the client address. The key
 * is in memory only (the detect stage turns it into a keyed digest before anything is stored); credentials
 * appear in it only as the 32-bit fingerprints of `credentialFacts`.
 *
 * The client address is the event's, except behind a proxy on a private network: when the direct peer is a
 * private, loopback or link-local address and the request has `X-Forwarded-For`, the right-most public hop
 * is the client (the entry the nearest proxy appended; entries to its left are client-supplied). Without
 * this, every anonymous user behind a load balancer would be one actor, a "NAT" that looks like credential
 * stuffing. A public peer's `X-Forwarded-For` is ignored: anyone can send one.
 */

/** An actor in memory. `key` may hold a raw address; it never leaves the process. */
export interface ActorKey {
  kind: ActorKind;
  key: string;
}

const KIND_OF: Record<CredentialFacts['kind'], ActorKind> = {
  none: 'address',
  basic: 'principal',
  digest: 'principal',
  'bearer-jwt': 'principal',
  'bearer-opaque': 'api-key',
  'api-key-header': 'api-key',
  'api-key-query': 'api-key',
  'session-cookie': 'session',
};
const PREFIX: Record<ActorKind, string> = { principal: 'p:', 'api-key': 'k:', session: 's:', address: 'a:' };

/** Hops of `X-Forwarded-For` read, right to left. */
const MAX_HOPS = 8;

/** RFC 1918, loopback, link-local and IPv6 unique-local addresses, by prefix (no parsing on the hot path). */
export function isPrivateAddress(a: string): boolean {
  const c = a.charCodeAt(0);
  if (c === 49) {
    // 1xx
    if (a.startsWith('10.') || a.startsWith('127.') || a.startsWith('192.168.') || a.startsWith('169.254.')) return true;
    if (a.startsWith('172.')) {
      const dot = a.indexOf('.', 4);
      const second = Number(a.slice(4, dot));
      return second >= 16 && second <= 31;
    }
    return false;
  }
  if (c === 58) return a === '::1';
  // `fc`, `fd`, `fe80` in either case, compared in place (a lower-cased slice per public address was this
  // module's main allocation). `| 32` folds ASCII capitals only, and no other character lower-cases to these.
  if ((c | 32) !== 102) return false;
  const c1 = a.charCodeAt(1) | 32;
  return c1 === 99 || c1 === 100 || (c1 === 101 && a.charCodeAt(2) === 56 && a.charCodeAt(3) === 48);
}

/**
 * The client address of an event (see the module comment on proxies), or '' when the source recorded none.
 *
 * @example
 * clientAddressOf({ ...event, request: { ...event.request, clientAddress: '10.0.0.5', headers: { 'x-forwarded-for': '198.51.100.7' } } })
 * // '198.51.100.7'
 */
export function clientAddressOf(event: ApiEvent): string {
  const direct = event.request.clientAddress ?? '';
  const xff = event.request.headers['x-forwarded-for'];
  if (xff === undefined || (direct !== '' && !isPrivateAddress(direct))) return direct;
  let end = xff.length;
  for (let hop = 0; hop < MAX_HOPS && end > 0; hop++) {
    const comma = xff.lastIndexOf(',', end - 1);
    const candidate = xff.slice(comma + 1, end).trim();
    if (candidate === '' || candidate.length > 64) break;
    if (!isPrivateAddress(candidate)) return candidate;
    end = comma < 0 ? 0 : comma;
  }
  return direct;
}

/** The unit a client address counts as: IPv4 as is, IPv6 by its /64 (privacy addresses rotate within it). */
export function addressUnit(address: string): string {
  if (address.indexOf(':') < 0 || address.indexOf('.') >= 0) return address;
  let colons = 0;
  for (let i = 0; i < address.length; i++) {
    if (address.charCodeAt(i) === 58 && ++colons === 4) return address.slice(0, i);
    if (address.charCodeAt(i) === 58 && address.charCodeAt(i + 1) === 58) return address.slice(0, i);
  }
  return address;
}

/**
 * The actor of an event: principal (JWT subject fingerprint) > API key > session > client address.
 *
 * @example
 * actorOf(event, createCredentialReader()(event, ts)) // { kind: 'principal', key: 'p:2838491' }
 */
export function actorOf(event: ApiEvent, facts: CredentialFacts): ActorKey {
  if (facts.principal !== null) {
    const kind = facts.jwt !== null ? 'principal' : KIND_OF[facts.kind];
    return { kind, key: PREFIX[kind] + facts.principal };
  }
  return { kind: 'address', key: 'a:' + clientAddressOf(event) };
}

const KIND_NUMBER: Record<ActorKind, number> = { principal: 1, 'api-key': 2, session: 3, address: 0 };

/**
 * The same actor as `actorOf` as a table key that costs nothing to build or hash on the hot path: a small
 * integer (the kind and 29 bits of the fingerprint, so V8 keeps it unboxed) for credentials, the address
 * string itself otherwise. Two credentials one in 2^29 apart share state, as two in 2^32 already could.
 */
export function actorTableKey(event: ApiEvent, facts: CredentialFacts): string | number {
  if (facts.principal === null) return clientAddressOf(event);
  return (facts.principal >>> 3) * 4 + KIND_NUMBER[facts.jwt !== null ? 'principal' : KIND_OF[facts.kind]];
}
