import { fnv1a } from '../../redact/credential-facts.js';
import type { ActorKey } from './actor.js';
import { addressUnit, clientAddressOf } from './actor.js';
import { countOf, LogHistogram, withHash } from './bounded.js';
import { BRUTEFORCE_401_BURST, STUFFING_FAILURE_SPIKE, STUFFING_MANY_SOURCES, STUFFING_MANY_USERNAMES } from './detectors.js';
import { loginUsernameHash } from './paths.js';
import { confidenceOver, learnedThreshold, MINUTE, minutesSince, type EventScope, type SourceState, type Tables } from './state.js';

/**
 * Logins across requests. A login endpoint is a POST whose last path segment says so (`login`, `signin`,
 * `session`, `token`, `auth`...; see `paths.ts`); the username is the `username`, `email`, `login` or `user`
 * field of its JSON or form body, kept only as a 32-bit hash; a failure is a 401 or 403 answer. Counts are
 * per client address (the source: a credential-stuffing tool sends no credential of its own), per username,
 * and per endpoint:
 *
 * - `stuffing-many-usernames`: one source, many distinct usernames failing, most attempts failing. A NAT or
 *   proxy in front of many real users shows many usernames too, but mostly successful ones.
 * - `stuffing-many-sources`: one username failing from many sources (guessing spread over a botnet).
 * - `bruteforce-401-burst`: many failures from one source within a few minutes, on login endpoints or as 401
 *   answers to calls that carried a credential (token or key guessing).
 * - `stuffing-failure-spike`: an endpoint's failures per bucket far above its learned normal, whatever the
 *   sources: stuffing spread so thin that no source or username stands out. A bucket in which any of these
 *   detectors fired is not learned: attacks caught by the others must not raise the normal.
 */

const isFailure = (status: number) => status === 401 || status === 403;

/**
 * The source's state on this endpoint (logins) or host (401s to credentialed calls): an address shared by an
 * attacker on one API and a real user on another is two sources, so the user's one typo is not the attack.
 */
function sourceOf(t: Tables, s: EventScope, scope: string): SourceState {
  const address = addressUnit(clientAddressOf(s.event));
  const key = `${scope}\u0000${address}`;
  let src = t.sources.get(key);
  if (src === undefined) {
    const actor: ActorKey = { kind: 'address', key: 'a:' + address };
    src = t.sources.set(key, { seen: s.ts, actor, windowStart: s.ts, attempts: 0, fails: 0, failedUsers: undefined, burstStart: s.ts, burstFails: 0 });
  }
  src.seen = s.ts;
  return src;
}

/** A failed authentication from `src`: the burst detector. */
function burst(t: Tables, s: EventScope, src: SourceState, what: string): void {
  const { cfg } = t;
  if (s.ts - src.burstStart > cfg.login.burstMinutes * MINUTE) {
    src.burstStart = s.ts;
    src.burstFails = 0;
  }
  const n = ++src.burstFails;
  if (n < cfg.login.burstFailures) return;
  const evidence = `${n} ${what} from one address in ${minutesSince(src.burstStart, s.ts)} min`;
  if (t.emit(BRUTEFORCE_401_BURST, src.actor, `${src.actor.key}\u0000${s.ep.key}`, s.ep.template, confidenceOver(n, cfg.login.burstFailures), evidence)) s.ep.bucketFired = true;
}

/** 401 to a call that carried a credential, outside login endpoints: token or key guessing. */
export function observeRejectedCredential(t: Tables, s: EventScope): void {
  if (s.status !== 401 || s.ctx.facts.kind === 'none') return;
  burst(t, s, sourceOf(t, s, s.event.request.host), 'credentialed requests answered 401');
}

export function observeLogin(t: Tables, s: EventScope): void {
  const { cfg } = t;
  const lc = cfg.login;
  const src = sourceOf(t, s, s.ep.key);
  if (s.ts - src.windowStart > lc.windowMinutes * MINUTE) {
    src.windowStart = s.ts;
    src.attempts = 0;
    src.fails = 0;
    src.failedUsers = undefined;
  }
  src.attempts++;
  spikeBucket(t, s);
  if (!isFailure(s.status)) return;
  src.fails++;
  s.ep.bucketFails++;
  burst(t, s, src, 'failed logins');

  const user = loginUsernameHash(s.event, t.json);
  const cap = cfg.memory.distinctCap;
  if (user !== null) {
    const failed = withHash(src.failedUsers, cap, user);
    if (failed !== null) {
      src.failedUsers = failed;
      const n = failed.length;
      if (n >= lc.minUsernames && src.fails >= lc.minFailureShare * src.attempts) {
        const evidence = `${countOf(failed, cap)} distinct usernames failed from one address in ${minutesSince(src.windowStart, s.ts)} min (${src.fails} of ${src.attempts} attempts failed)`;
        if (t.emit(STUFFING_MANY_USERNAMES, src.actor, `${src.actor.key}\u0000${s.ep.key}`, s.ep.template, confidenceOver(n, lc.minUsernames, 0.65), evidence)) s.ep.bucketFired = true;
      }
    }
    perUsername(t, s, src, user);
  }
  spike(t, s, src);
}

function perUsername(t: Tables, s: EventScope, src: SourceState, user: number): void {
  const lc = t.cfg.login;
  let u = t.usernames.get(user);
  if (u === undefined) u = t.usernames.set(user, { seen: s.ts, windowStart: s.ts, fails: 0, sources: undefined });
  u.seen = s.ts;
  if (s.ts - u.windowStart > lc.usernameWindowMinutes * MINUTE) {
    u.windowStart = s.ts;
    u.fails = 0;
    u.sources = undefined;
  }
  u.fails++;
  const cap = t.cfg.memory.distinctCap;
  const h = fnv1a(src.actor.key);
  const sources = withHash(u.sources, cap, h);
  if (sources === null) return;
  u.sources = sources;
  const n = sources.length;
  if (n < lc.minSources) return;
  const evidence = `one username failed from ${countOf(sources, cap)} distinct addresses in ${minutesSince(u.windowStart, s.ts)} min (${u.fails} failures)`;
  // One detection per username and endpoint, whichever source crossed the line.
  if (t.emit(STUFFING_MANY_SOURCES, src.actor, `u${user}\u0000${s.ep.key}`, s.ep.template, confidenceOver(n, lc.minSources), evidence)) s.ep.bucketFired = true;
}

/** Rolls the endpoint's failure bucket, learning closed buckets (and the empty ones in between). */
function spikeBucket(t: Tables, s: EventScope): void {
  const ep = s.ep;
  const width = t.cfg.login.burstMinutes * MINUTE;
  if (s.ts - ep.bucketStart < width) return;
  const base = (ep.failBase ??= new LogHistogram(2000));
  const closed = Math.floor((s.ts - ep.bucketStart) / width);
  if (!ep.bucketFired) base.add(ep.bucketFails);
  // Quiet buckets are normal too; a day's worth at most, so a long gap costs constant time.
  for (let i = 1; i < closed && i <= 288; i++) base.add(0);
  ep.bucketStart += closed * width;
  ep.bucketFails = 0;
  ep.bucketFired = false;
  ep.spikeFired = false;
}

function spike(t: Tables, s: EventScope, src: SourceState): void {
  const lc = t.cfg.login;
  const ep = s.ep;
  const n = ep.bucketFails;
  if (ep.spikeFired || n < lc.spikeMinFailures || ep.failBase === undefined || ep.failBase.samples < lc.spikeWarmupBuckets) return;
  const thr = learnedThreshold(ep.failBase, lc.spikeMinFailures, lc.spikeMultiplier, lc.spikeWarmupBuckets);
  if (n < thr) return;
  const evidence = `${n} failed logins on this endpoint within ${lc.burstMinutes} min, from all sources; normal at most ${thr - 1}`;
  // Marked so the bucket is not learned as normal.
  if (t.emit(STUFFING_FAILURE_SPIKE, src.actor, ep.key, ep.template, confidenceOver(n, thr), evidence)) ep.bucketFired = ep.spikeFired = true;
}
