import { fnv1a, isNoneAlg } from '../../redact/credential-facts.js';
import { addressUnit, clientAddressOf } from './actor.js';
import { countOf, withHash } from './bounded.js';
import { TOKEN_ALG_NONE_ACCEPTED, TOKEN_EXPIRED_ACCEPTED, TOKEN_MANY_ADDRESSES } from './detectors.js';
import { confidenceOver, MINUTE, minutesSince, type ActorState, type EventScope, type Tables } from './state.js';

/**
 * Credentials used in ways their owner would not:
 *
 * - `token-many-addresses`: one credential (JWT subject, key, session; by its fingerprint) from at least
 *   `minAddresses` client addresses (IPv6 by /64) in the window, with at least `minForeignShare` of its
 *   requests away from its usual address (a majority vote kept across windows), and at least twice (plus 4) what
 *   the credential's own earlier windows showed: a leaked token replayed from a bot network, or a busy
 *   service's key also used elsewhere. A phone moving between networks, or a heavy user who sometimes appears
 *   from another address, stays mostly at home, and its own habit sets its bar.
 * - `token-alg-none-accepted`: a JWT with `alg: none` answered 2xx. Each host learns its norm: where unsigned
 *   tokens are at least `algNoneNormShare` of the JWTs (a legacy app that never signs), they are a posture
 *   weakness (reported once by the posture rule `posture-jwt-alg-none`), not an attack on each request, and
 *   this detector is silent (counted in stats). Elsewhere an accepted unsigned token is a forgery that worked.
 * - `token-expired-accepted`: a JWT whose `exp` is more than `expiredSkewSeconds` in the past, answered 2xx.
 */

/** Hash of the event's address unit; most requests of a credential come as the one before, so that one is remembered. */
function addressHash(a: ActorState, s: EventScope): number {
  const req = s.event.request;
  const direct = req.clientAddress;
  const xff = req.headers['x-forwarded-for'];
  if (a.lastHash !== 0 && direct === a.lastDirect && xff === a.lastForwarded) return a.lastHash;
  a.lastDirect = direct;
  a.lastForwarded = xff;
  return (a.lastHash = fnv1a(addressUnit(clientAddressOf(s.event))) || 1);
}

export function observeTokens(t: Tables, s: EventScope): void {
  const { cfg } = t;
  const tc = cfg.token;
  const a = s.actor;
  if (s.ts - a.addrStart > tc.windowMinutes * MINUTE) {
    // The credential's own habit: the share of its requests away from home, learned from quiet windows.
    if (a.addrRequests >= 5 && !a.addrFired) {
      const rate = a.foreign / a.addrRequests;
      a.foreignRate = a.foreignRate < 0 ? rate : 0.7 * a.foreignRate + 0.3 * rate;
    }
    a.addrStart = s.ts;
    a.addrRequests = 0;
    a.foreign = 0;
    a.addrFired = false;
    a.addrs = undefined;
  }
  a.addrRequests++;
  const h = addressHash(a, s);
  // The credential's usual address, by majority vote (Boyer-Moore: one candidate and a weight, kept across windows).
  if (h === a.home || a.homeWeight === 0) {
    a.home = h;
    a.homeWeight = Math.min(a.homeWeight + 1, 64);
  } else {
    a.foreign++;
    if (--a.homeWeight <= 0) {
      a.home = h;
      a.homeWeight = 1;
    }
  }
  const cap = cfg.memory.distinctCap;
  const addrs = withHash(a.addrs, cap, h);
  if (addrs !== null) {
    a.addrs = addrs;
    const n = addrs.length;
    const habit = a.foreignRate < 0 ? 0 : 2 * a.foreignRate * a.addrRequests + 4;
    if (n >= tc.minAddresses && a.foreign >= tc.minForeignShare * a.addrRequests && a.foreign >= habit) {
      const evidence = `one ${s.ctx.facts.kind} credential used from ${countOf(addrs, cap)} distinct client addresses in ${minutesSince(a.addrStart, s.ts)} min (${a.foreign} of ${a.addrRequests} requests away from its usual address)`;
      // One detection per credential, whatever endpoint the new address called.
      if (t.emit(TOKEN_MANY_ADDRESSES, a.actor, a.actor.key, s.ep.template, confidenceOver(n, tc.minAddresses, 0.65), evidence)) a.addrFired = true;
    }
  }

  const jwt = s.ctx.facts.jwt;
  if (jwt === null) return;
  const ok = s.status >= 200 && s.status <= 299;
  const host = s.ep.host;
  const unsigned = isNoneAlg(jwt.alg);
  const warm = host.jwt >= tc.algNoneWarmup;
  if (unsigned && ok) {
    // The host's norm is what it has seen so far (nothing seen: no norm to break); until it has
    // `algNoneWarmup` tokens, every token counts towards it, after that a forgery that fired does not.
    const norm = host.jwt === 0 || host.algNone >= tc.algNoneNormShare * host.jwt;
    if (norm) t.counters.algNoneNorm!++;
    else {
      const evidence = `JWT with alg "none" (no signature) answered ${s.status}; ${Math.round(host.algNone)} of ${Math.round(host.jwt)} earlier JWTs on this host were unsigned`;
      if (t.emit(TOKEN_ALG_NONE_ACCEPTED, a.actor, `${a.actor.key}\u0000${s.ep.key}`, s.ep.template, warm ? 0.95 : 0.75, evidence) && warm) return;
    }
  }
  host.jwt++;
  if (unsigned) host.algNone++;
  if (host.jwt >= 1_000_000) {
    host.jwt /= 2;
    host.algNone /= 2;
  }
  if (ok && jwt.expired && jwt.expMs !== undefined && s.ts - jwt.expMs > tc.expiredSkewSeconds * 1000) {
    const late = s.ts - jwt.expMs;
    const ago = late >= 86_400_000 ? `${Math.round(late / 86_400_000)} d` : late >= 3_600_000 ? `${Math.round(late / 3_600_000)} h` : `${Math.round(late / MINUTE)} min`;
    const evidence = `JWT expired ${ago} before the request, answered ${s.status}`;
    t.emit(TOKEN_EXPIRED_ACCEPTED, a.actor, `${a.actor.key}\u0000${s.ep.key}`, s.ep.template, 0.9, evidence);
  }
}
