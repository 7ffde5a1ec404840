import { z } from 'zod';
import { HttpMethod } from './api-event.js';

/**
 * Conformance of live traffic to the registered specs (issue 4): how each endpoint relates to the spec
 * registry, and per spec the shadow, zombie, orphan and drift items the pipeline aggregates
 * (`src/conformance/stage.ts`), the store keeps and `GET /api/v1/specs/:id/conformance` reports.
 *
 * - **shadow**: traffic on a host a spec describes that no operation of the host's specs matches
 *   (by discovered endpoint);
 * - **zombie**: an operation marked `deprecated` that is still called;
 * - **orphan**: a documented operation with no call in the last `orphanAfterDays` days before the newest
 *   event seen on the spec's hosts;
 * - **drift**: what analysed calls of a documented operation do that the operation does not say
 *   (undocumented parameters, status codes, content types; schema violations), by field.
 *
 * Counts of calls (operations, shadow endpoints) are exact; drift counts are over the analysed sample
 * (the first events of each endpoint, then one in `analyseEvery`).
 */

/** What a drift item is about; the kinds of `src/conformance/check.ts` without `zombie` (an operation-level fact). */
export const DRIFT_KINDS = [
  'undocumented-parameter',
  'missing-required-parameter',
  'parameter-schema',
  'request-body-schema',
  'undocumented-status',
  'undocumented-content-type',
  'response-body-schema',
] as const;
export const DriftKind = z.enum(DRIFT_KINDS);
export type DriftKind = z.infer<typeof DriftKind>;

export const DRIFT_LOCATIONS = ['query', 'header', 'cookie', 'path', 'request body', 'response body', 'status', 'content-type'] as const;
export const DriftLocation = z.enum(DRIFT_LOCATIONS);
export type DriftLocation = z.infer<typeof DriftLocation>;

/** The operation an endpoint or an item belongs to. `method` is upper-case, as endpoints have it. */
export const OperationRef = z.object({
  method: HttpMethod,
  /** The path as written under `paths` (`/users/{id}`). */
  path: z.string(),
  operationId: z.string().nullable(),
  deprecated: z.boolean(),
});
export type OperationRef = z.infer<typeof OperationRef>;

/**
 * How an endpoint relates to the spec registry. Absent (`null`) when no registered spec names the
 * endpoint's host: it is then neither documented nor shadow, only unknown to the specs.
 *
 * @example
 *   { status: 'documented', specId: 'spec_1', specName: 'Shop API', version: 3,
 *     operation: { method: 'GET', path: '/orders/{id}', operationId: 'getOrder', deprecated: false } }
 *   { status: 'shadow', specId: 'spec_1', specName: 'Shop API', version: 3, operation: null }
 */
export const SpecCoverage = z.object({
  /** `documented`: an operation of the latest version matches; `shadow`: a spec covers the host, no operation matches. */
  status: z.enum(['documented', 'shadow']),
  /** The documenting spec; for a shadow endpoint, the first spec (by name) that covers its host. */
  specId: z.string(),
  specName: z.string(),
  version: z.number().int().min(1),
  operation: OperationRef.nullable(),
});
export type SpecCoverage = z.infer<typeof SpecCoverage>;

/** One redacted call kept as evidence of an item (a few per item, newest kept). */
export const ConformanceSample = z.object({
  at: z.string(),
  endpointId: z.string(),
  /** Method, redacted path and query, at most 300 characters: `GET /v1/orders/42?debug=[REDACTED:…]`. */
  request: z.string(),
  status: z.number().int().nullable(),
  /** The offending value as redacted, as JSON text, at most 200 characters; absent where there is none (a missing field). */
  value: z.string().optional(),
});
export type ConformanceSample = z.infer<typeof ConformanceSample>;

/** An endpoint, for links from items to the endpoint page. */
export const ConformanceEndpointRef = z.object({ id: z.string(), host: z.string(), pathTemplate: z.string() });
export type ConformanceEndpointRef = z.infer<typeof ConformanceEndpointRef>;

/** One documented operation of the latest checked version, with the calls it got. */
export const ConformanceOperation = OperationRef.extend({
  /** The path with the server's base path (`/v2` + `/cards`), as traffic requests it. */
  fullPath: z.string(),
  calls: z.number().int(),
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
  /** The endpoints whose calls matched it (at most 20). */
  endpoints: z.array(ConformanceEndpointRef),
  /** Redacted calls, kept for deprecated operations (zombie evidence). */
  samples: z.array(ConformanceSample),
});
export type ConformanceOperation = z.infer<typeof ConformanceOperation>;

/** A documented operation and one way traffic departs from it, by field. */
export const DriftItem = z.object({
  /** Stable: the same operation, kind, location, field and keyword is the same item. */
  id: z.string(),
  operation: OperationRef,
  kind: DriftKind,
  location: DriftLocation,
  /** A parameter name; a JSON pointer into a body with array indexes as `*` (`/items/*\/id`); `request`/`response` for content types; a status code. */
  field: z.string(),
  /** The JSON Schema keyword that failed, for schema violations. */
  keyword: z.string().nullable(),
  message: z.string(),
  /** Analysed calls that showed it. */
  count: z.number().int(),
  /** Of those, the calls the API accepted (no response, or a status below 400): request drift the server let through. */
  accepted: z.number().int(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  endpoints: z.array(ConformanceEndpointRef),
  samples: z.array(ConformanceSample),
});
export type DriftItem = z.infer<typeof DriftItem>;

/** An endpoint on a host a spec describes that no operation matches. */
export const ShadowItem = z.object({
  endpointId: z.string(),
  host: z.string(),
  method: HttpMethod,
  pathTemplate: z.string(),
  calls: z.number().int(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  samples: z.array(ConformanceSample),
});
export type ShadowItem = z.infer<typeof ShadowItem>;

/** Most rows of each list in a conformance report; the summary counts cover all of them. */
export const MAX_CONFORMANCE_ITEMS = 500;

/** `GET /api/v1/specs/:id/conformance`. */
export const SpecConformance = z.object({
  specId: z.string(),
  /** The spec's latest version. */
  latestVersion: z.number().int(),
  /** The version traffic was last checked against; null until the pipeline has loaded the spec (at the next ingest). */
  checkedVersion: z.number().int().nullable(),
  /** The orphan period (`conformance.orphanAfterDays`). */
  orphanAfterDays: z.number(),
  /** Traffic seen on the spec's hosts since it was registered; the orphan period ends at `lastEvent`. */
  observed: z.object({ firstEvent: z.string().nullable(), lastEvent: z.string().nullable() }),
  summary: z.object({
    operations: z.number().int(),
    /** Operations with at least one call. */
    called: z.number().int(),
    shadow: z.number().int(),
    /** Calls to shadow endpoints. */
    shadowCalls: z.number().int(),
    zombie: z.number().int(),
    orphan: z.number().int(),
    /** Distinct drift items. */
    drift: z.number().int(),
    /** Operations with drift. */
    driftOperations: z.number().int(),
  }),
  /** Most called first. */
  shadow: z.array(ShadowItem),
  /** Most called first. */
  zombie: z.array(ConformanceOperation),
  /** Never called first, then least recently called. */
  orphan: z.array(ConformanceOperation),
  /** Most frequent first. */
  drift: z.array(DriftItem),
  /** True when a list holds fewer rows than its summary count. */
  truncated: z.boolean(),
});
export type SpecConformance = z.infer<typeof SpecConformance>;
