import { z } from 'zod';
import { DataClassId, Direction, ValueLocation } from './data-class.js';
import { HttpMethod } from './api-event.js';
import { SpecCoverage } from './conformance.js';

export const AUTH_KINDS = [
  'none',
  'basic',
  'digest',
  'bearer-jwt',
  'bearer-opaque',
  'api-key-header',
  'api-key-query',
  'session-cookie',
] as const;
export const AuthKind = z.enum(AUTH_KINDS);
export type AuthKind = z.infer<typeof AuthKind>;

/** Inferred value types, JSON-schema-like, plus the format when one is recognised. */
export const ValueType = z.enum(['string', 'integer', 'number', 'boolean', 'null', 'object', 'array']);
export type ValueType = z.infer<typeof ValueType>;

export const Parameter = z.object({
  direction: Direction,
  location: ValueLocation,
  /** Parameter name; for body fields a JSON pointer such as `/user/email` (array items as `/items/*`). */
  name: z.string(),
  /** Observed types with counts. */
  types: z.record(z.string(), z.number().int()),
  /** Observed formats (uuid, date-time, email, ...) with counts. */
  formats: z.record(z.string(), z.number().int()),
  dataClasses: z.array(DataClassId),
  /** Events (of the analysed sample) in which the parameter appeared. */
  seen: z.number().int(),
  /**
   * A small, closed-looking set of short plain values with counts (e.g. `{ open: 31, closed: 12 }`): the
   * enum a generated spec shows, or the media types of the `content-type` request header. Absent unless
   * every rule of `smallValueSet` (`discover/params.ts`) holds; never present for a parameter with a data
   * class, a cookie, or another header.
   */
  values: z.record(z.string(), z.number().int()).optional(),
});
export type Parameter = z.infer<typeof Parameter>;

export const JwtObservation = z.object({
  algs: z.array(z.string()),
  /** How many observed tokens had no `exp` claim. */
  withoutExp: z.number().int(),
  claims: z.array(z.string()),
  issuers: z.array(z.string()),
});
export type JwtObservation = z.infer<typeof JwtObservation>;

export const RiskFactor = z.object({
  id: z.string(),
  label: z.string(),
  /** Configured weight of the factor. */
  weight: z.number(),
  /** How strongly the factor applies, 0..1 (e.g. share of sensitivity for data classes). */
  value: z.number(),
  /** weight x value: the points this factor adds before normalisation. */
  points: z.number(),
  detail: z.string().optional(),
});
export type RiskFactor = z.infer<typeof RiskFactor>;

export const RiskLevel = z.enum(['low', 'medium', 'high', 'critical']);
export type RiskLevel = z.infer<typeof RiskLevel>;

export const Risk = z.object({
  score: z.number().min(0).max(10),
  level: RiskLevel,
  factors: z.array(RiskFactor),
  formula: z.string(),
});
export type Risk = z.infer<typeof Risk>;

/** Calls in one hour, by status class. */
export const TrafficPoint = z.object({
  /** Start of the hour, ISO time. */
  t: z.string(),
  calls: z.number().int(),
  s2xx: z.number().int(),
  s3xx: z.number().int(),
  s4xx: z.number().int(),
  s5xx: z.number().int(),
});
export type TrafficPoint = z.infer<typeof TrafficPoint>;

/**
 * One inventory entry: a method on a path template of a host, with everything observed about it.
 * `id` is stable: the same host, method and template always give the same id.
 */
export const Endpoint = z.object({
  id: z.string(),
  host: z.string(),
  /** The API (service) this endpoint belongs to: host plus the common base path, e.g. `api.shop.example/v2`. */
  api: z.string(),
  /**
   * The application that claims the endpoint (the first whose host/path-prefix matcher matches), set by
   * the store from the configured applications; null when none does.
   */
  applicationId: z.string().nullable(),
  method: HttpMethod,
  pathTemplate: z.string(),
  template: z.object({
    /** 0..1: how sure discovery is about the template. */
    confidence: z.number().min(0).max(1),
    /** Why each parameter segment became a parameter, e.g. `{id}: integer values (27 distinct)`. */
    evidence: z.array(z.string()),
    /** 'traffic' when learned, 'spec' when a known OpenAPI template matched. */
    origin: z.enum(['traffic', 'spec']),
  }),
  firstSeen: z.string(),
  lastSeen: z.string(),
  calls: z.number().int(),
  statusCodes: z.record(z.string(), z.number().int()),
  latencyMs: z.object({ p50: z.number(), p90: z.number(), p99: z.number(), max: z.number() }).nullable(),
  /** Estimated number of distinct consumers (principal, else client address). */
  consumers: z.number().int(),
  auth: z.object({
    kinds: z.record(z.string(), z.number().int()),
    jwt: JwtObservation.nullable(),
  }),
  encryption: z.object({
    plainHttpCalls: z.number().int(),
    tlsCalls: z.number().int(),
    tlsVersions: z.record(z.string(), z.number().int()),
  }),
  exposure: z.object({
    internetExposed: z.boolean(),
    publicClientCalls: z.number().int(),
    privateClientCalls: z.number().int(),
  }),
  parameters: z.array(Parameter),
  responses: z.array(
    z.object({
      status: z.number().int(),
      contentTypes: z.record(z.string(), z.number().int()),
      count: z.number().int(),
    }),
  ),
  dataClasses: z.array(z.object({ dataClass: DataClassId, direction: Direction, location: ValueLocation, names: z.array(z.string()) })),
  /** A registered spec documents it (`coverage`), or its template came from a spec file of `discovery.specs`. */
  documented: z.boolean(),
  /**
   * Which spec (latest version) and operation document the endpoint, or which spec it is a shadow of; null
   * when no registered spec covers its host. Absent on endpoints stored before conformance (schema 5).
   */
  coverage: SpecCoverage.nullable().optional(),
  risk: Risk,
  /** Hourly calls over the endpoint's most recent active hours (at most 14 days' worth), oldest first. */
  traffic: z.array(TrafficPoint),
});
export type Endpoint = z.infer<typeof Endpoint>;

/** The compact row used by inventory lists. */
export const EndpointSummary = Endpoint.pick({
  id: true,
  host: true,
  api: true,
  applicationId: true,
  method: true,
  pathTemplate: true,
  firstSeen: true,
  lastSeen: true,
  calls: true,
  consumers: true,
  documented: true,
}).extend({
  riskScore: z.number(),
  riskLevel: RiskLevel,
  internetExposed: z.boolean(),
  authenticated: z.boolean(),
  plainHttp: z.boolean(),
  dataClasses: z.array(DataClassId),
  /** Authentication kinds seen at least once (`none` included when some calls had none). */
  authKinds: z.array(AuthKind),
  coverage: SpecCoverage.nullable(),
});
export type EndpointSummary = z.infer<typeof EndpointSummary>;
