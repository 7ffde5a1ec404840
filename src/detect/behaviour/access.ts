import type { ApiEvent } from '../../contracts/api-event.js';
import type { CredentialFacts } from '../../redact/credential-facts.js';
import { BFLA_UNSEEN_ADMIN_OPERATION, EXPOSURE_SENSITIVE_UNAUTHENTICATED } from './detectors.js';
import type { EventScope, Tables } from './state.js';

/**
 * Who may call what, learned from traffic:
 *
 * - `bfla-unseen-admin-operation`: an admin operation (a segment such as `admin`, `internal`, `manage`,
 *   `config`, `roles`; or `DELETE` on an account collection; see `paths.ts`) called by a class of principal
 *   never seen on it. The class is the credential kind plus a hash of the JWT's role, scope and group claims,
 *   or the API key's prefix (`classOf`). An endpoint learns its callers' classes during its first
 *   `warmupCalls` calls; after that, or on an endpoint first seen once its host has `hostWarmupEvents` events,
 *   a class that never called any admin operation of the host is flagged (and not learned). Severity high when
 *   answered 2xx, medium when refused with 401 or 403 (an attempt); other answers (404: no such operation) are
 *   left to the enumeration detectors.
 * - `exposure-sensitive-unauthenticated`: a 2xx answer with sensitive data to a caller with no credential, on
 *   an endpoint that (learned from its first `warmupResponses` 2xx answers on) serves anonymous callers at most
 *   `maxAnonymousShare` of the time. Whether the response is sensitive comes from the classify stage
 *   (`responseSensitive`, on analysed events), else from the endpoint's own record of analysed responses (most
 *   of them sensitive). On public endpoints the sensitive data is the norm: the posture rule
 *   `posture-unauthenticated-sensitive-data` reports it once, and this detector stays silent (counted in stats).
 */

const MAX_CLASSES = 64;

export function observeAdmin(t: Tables, s: EventScope, classOf: (event: ApiEvent, facts: CredentialFacts) => string): void {
  const ep = s.ep;
  const host = ep.host;
  const bc = t.cfg.bfla;
  const cls = classOf(s.event, s.ctx.facts);
  const classes = (ep.classes ??= new Set());
  ep.calls++;
  if (classes.has(cls)) return;
  const epWarm = ep.calls > bc.warmupCalls;
  const hostKnows = host.adminClasses.has(cls);
  const strangerOnHost = (ep.lateOnHost || host.events > bc.hostWarmupEvents) && !hostKnows;
  if (!epWarm && !strangerOnHost) {
    // Learning: a class calling during warm-up is normal for this endpoint (and, while the host learns, for it).
    if (classes.size < MAX_CLASSES) classes.add(cls);
    if (!hostKnows && host.adminClasses.size < MAX_CLASSES && host.events <= bc.hostWarmupEvents) host.adminClasses.add(cls);
    return;
  }
  const ok = s.status >= 200 && s.status <= 299;
  // A path that does not exist (404) is scanning noise, reported by enumeration, not a call of an operation.
  if (!ok && s.status !== 401 && s.status !== 403) return;
  const kind = s.ctx.facts.kind === 'none' ? 'an anonymous caller' : `a ${s.ctx.facts.kind} principal of a class`;
  const where = epWarm ? `${classes.size} class${classes.size === 1 ? '' : 'es'} learned on it in ${bc.warmupCalls} calls` : `no admin operation of ${s.event.request.host} was called by it while learning`;
  const evidence = `admin operation ${s.event.request.method} ${ep.template} called by ${kind} never seen on it (${where}); answered ${s.status}`;
  t.emit(BFLA_UNSEEN_ADMIN_OPERATION, s.actor.actor, `${s.actor.actor.key}\u0000${ep.key}`, ep.template, ok ? 0.85 : 0.6, evidence, ok ? 'high' : 'medium');
}

export function observeExposure(t: Tables, s: EventScope): void {
  const ep = s.ep;
  const ok = s.status >= 200 && s.status <= 299;
  const sensitiveNow = s.ctx.responseSensitive;
  if (sensitiveNow !== undefined) {
    ep.analysed++;
    if (sensitiveNow) ep.sensitive++;
  }
  if (!ok) return;
  const anonymous = s.ctx.facts.kind === 'none';
  const ec = t.cfg.exposure;
  if (anonymous && !ep.traits.login && ep.ok2xx >= ec.warmupResponses) {
    const sensitive = sensitiveNow ?? (ep.analysed >= 5 && ep.sensitive * 2 >= ep.analysed);
    if (sensitive) {
      if (ep.anon2xx > ec.maxAnonymousShare * ep.ok2xx) t.counters.publicSensitive!++;
      else {
        const share = ep.ok2xx > 0 ? (100 * ep.anon2xx) / ep.ok2xx : 0;
        const how = sensitiveNow === undefined ? 'its analysed responses mostly carry' : 'the response carried';
        const evidence = `2xx to a caller with no credential on an endpoint that serves anonymous callers ${share.toFixed(1)}% of ${Math.round(ep.ok2xx)} 2xx answers; ${how} personal, financial or credential data`;
        // Not learned: an open door must not make itself the norm.
        if (t.emit(EXPOSURE_SENSITIVE_UNAUTHENTICATED, s.actor.actor, `${s.actor.actor.key}\u0000${ep.key}`, ep.template, sensitiveNow === undefined ? 0.7 : 0.9, evidence)) return;
      }
    }
  }
  ep.ok2xx++;
  if (anonymous) ep.anon2xx++;
  if (ep.ok2xx >= 100_000) {
    ep.ok2xx /= 2;
    ep.anon2xx /= 2;
  }
}
