import { z } from 'zod';

/**
 * Thresholds and memory bounds of the behavioural detectors (see docs/detection.md, "Behaviour across
 * requests"). Every field has a safe default; the defaults were tuned on the scenario benchmark's tuning seed
 * (`npm run bench:scenarios`, docs/benchmarks.md). Counts are per actor and window unless said otherwise;
 * thresholds learned from traffic are `max(minimum, multiplier x the endpoint's learned 99th percentile)`.
 *
 * @example
 * BehaviourConfig.parse({ bola: { minIds: 12 }, memory: { maxActors: 5000 } })
 */

const count = (min: number, max: number, dflt: number) => z.number().int().min(min).max(max).default(dflt);
const minutes = (dflt: number) => z.number().positive().max(24 * 60).default(dflt);
const share = (dflt: number) => z.number().min(0).max(1).default(dflt);
const multiplier = (dflt: number) => z.number().min(1).max(1000).default(dflt);

export const BehaviourConfig = z
  .object({
    /** Runs the behavioural detectors at all. */
    enabled: z.boolean().default(true),
    /** A detector reports one (actor, endpoint) at most once in this long; the cases module folds repeats anyway. */
    cooldownMinutes: minutes(30),
    /** Memory bounds: every table is an LRU with these caps, and idle entries expire after their window. */
    memory: z
      .object({
        /** Actors (principals, keys, sessions, addresses) tracked at once. */
        maxActors: count(100, 5_000_000, 20_000),
        /** (actor, endpoint) pairs tracked at once: object ids, error counts, per-minute rates. */
        maxActorEndpoints: count(100, 5_000_000, 50_000),
        /** Endpoints with learned baselines. */
        maxEndpoints: count(10, 1_000_000, 10_000),
        /** Hosts with learned norms (admin classes, token algorithms). */
        maxHosts: count(1, 100_000, 1_000),
        /** Client addresses with login and 401 counts (per login endpoint, or per host for 401s). */
        maxSources: count(100, 5_000_000, 20_000),
        /** Usernames (as 32-bit hashes) with the addresses that tried them. */
        maxUsernames: count(100, 5_000_000, 20_000),
        /** Distinct values (ids, usernames, addresses) remembered per set, as 32-bit hashes; counts stop there, and so do learned thresholds. */
        distinctCap: count(8, 1024, 128),
      })
      .strict()
      .prefault({}),
    /**
     * The window of the object detectors (`bola-distinct-ids`, `enum-object-ids`, `scraping-object-sweep`): distinct
     * ids (or, on a collection, distinct query values) an actor used on one endpoint.
     */
    objectWindowMinutes: minutes(30),
    /** Actor windows an endpoint needs before its learned distinct-object baselines are used; before, the minimums double. */
    objectWarmupWindows: count(1, 1_000_000, 10),
    /** `bola-distinct-ids`: distinct object ids of an authenticated endpoint, never returned to the actor, read with 2xx (or 404: walks hit gaps). */
    bola: z
      .object({
        minIds: count(2, 1000, 8),
        multiplier: multiplier(3),
        /** Share of the window's distinct ids read with 2xx or 404 that must be unknown to the actor (never in its earlier responses). */
        minUnknownShare: share(0.6),
        /** Share of the unknown ids answered 2xx (the rest 404): a walk that reads nothing is enumeration. */
        minSuccessShare: share(0.25),
        /** An endpoint counts as authenticated when at most this share of its 2xx answers went to anonymous callers. */
        maxAnonymousShare: share(0.02),
      })
      .strict()
      .prefault({}),
    /** `enum-object-ids` (distinct ids mostly answered 401/403/404) and `enum-forced-browsing` (distinct paths answered 403/404 on a host, within `windowMinutes`). */
    enumeration: z
      .object({
        windowMinutes: minutes(30),
        minIds: count(2, 1000, 10),
        minPaths: count(2, 1000, 12),
        multiplier: multiplier(3),
        minErrorShare: share(0.5),
      })
      .strict()
      .prefault({}),
    /** Login endpoints: `stuffing-many-usernames`, `stuffing-many-sources`, `stuffing-failure-spike`, `bruteforce-401-burst`. */
    login: z
      .object({
        windowMinutes: minutes(15),
        /** Distinct usernames failing from one address. */
        minUsernames: count(2, 1000, 6),
        minFailureShare: share(0.5),
        /** Distinct addresses failing on one username, within `usernameWindowMinutes`. */
        minSources: count(2, 1000, 5),
        usernameWindowMinutes: minutes(60),
        /** Failed logins (or 401s on credentialed calls) from one address within `burstMinutes`. */
        burstFailures: count(2, 100_000, 10),
        burstMinutes: minutes(5),
        /** Failed logins on one endpoint per `burstMinutes`, against its learned baseline. */
        spikeMinFailures: count(2, 1_000_000, 20),
        spikeMultiplier: multiplier(4),
        /** Buckets of `burstMinutes` an endpoint needs before its failure baseline is used. */
        spikeWarmupBuckets: count(1, 100_000, 12),
      })
      .strict()
      .prefault({}),
    /** `rate-endpoint-anomaly`: an actor's requests to one endpoint in a minute, against the endpoint's busiest minutes. */
    rate: z
      .object({
        minPerMinute: count(2, 1_000_000, 30),
        multiplier: multiplier(4),
        /** Actor-minutes an endpoint needs before its baseline is used. */
        warmupMinutes: count(1, 1_000_000, 50),
      })
      .strict()
      .prefault({}),
    /** `scraping-response-size` and `scraping-object-sweep`. */
    scraping: z
      .object({
        /** A 2xx response at least this large and `sizeMultiplier` x the endpoint's 99th percentile. */
        minBytes: count(1024, 1 << 30, 32_768),
        sizeMultiplier: multiplier(4),
        warmupResponses: count(1, 1_000_000, 200),
        /** Distinct objects (path ids, or query values of a collection) read with 2xx in the object window. */
        minObjects: count(2, 100_000, 40),
        multiplier: multiplier(4),
      })
      .strict()
      .prefault({}),
    /** `exposure-sensitive-unauthenticated`: personal, financial or credential data served with 2xx to an anonymous caller of an authenticated endpoint. */
    exposure: z
      .object({
        /** 2xx answers an endpoint needs before it is judged authenticated or public. */
        warmupResponses: count(1, 1_000_000, 50),
        /** Above this share of anonymous 2xx answers the endpoint is public (the posture rules report public sensitive data). */
        maxAnonymousShare: share(0.02),
      })
      .strict()
      .prefault({}),
    /** `bfla-unseen-admin-operation`: admin operations called by a class of principal never seen on them. */
    bfla: z
      .object({
        /** Calls of an admin endpoint during which its callers' classes are learned. */
        warmupCalls: count(1, 1_000_000, 50),
        /** Events of a host after which a class that never called any admin endpoint of the host is flagged anywhere. */
        hostWarmupEvents: count(1, 100_000_000, 2_000),
      })
      .strict()
      .prefault({}),
    /** `token-many-addresses`, `token-alg-none-accepted`, `token-expired-accepted`. */
    token: z
      .object({
        windowMinutes: minutes(30),
        /** Distinct client addresses (IPv6 by /64) using one credential in the window... */
        minAddresses: count(2, 1000, 8),
        /** ...and at least this share of its requests came from addresses other than its usual one. */
        minForeignShare: share(0.25),
        /** `exp` this far in the past before an accepted token counts as expired (clock skew). */
        expiredSkewSeconds: z.number().min(0).max(86_400).default(120),
        /** Unsigned JWTs on a host where they are at least this share of JWTs are its norm (a posture finding), not an attack. */
        algNoneNormShare: share(0.5),
        /** JWT requests a host needs before its norm is known. */
        algNoneWarmup: count(1, 1_000_000, 20),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type BehaviourConfig = z.output<typeof BehaviourConfig>;
/** What `createBehaviourEngine` accepts: any subset, nested objects partial too. */
export type BehaviourConfigInput = z.input<typeof BehaviourConfig>;
