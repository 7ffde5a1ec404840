import { z } from 'zod';
import { CHAR_CLASSES, VALUE_TYPES } from './value-shape.js';

/**
 * The learned positive model, as saved by `bulwark learn` and loaded by `bulwark scan` (JSON). One schema
 * gives the runtime check of a loaded file and the TypeScript types.
 *
 * What it stores, per host: the endpoints (method and path template), and per endpoint parameter and per
 * host header/cookie a profile of counts: how many requests carried it, value types, length bounds and
 * moments, how many values used each character class, and, for small value sets only, the values' 32-bit
 * FNV-1a hashes with counts (plus the value itself when it is short and not classified as personal data or a
 * secret). It never stores a value of a parameter classified as sensitive, and never a long value.
 *
 * @example
 * const model = parseProfileModel(JSON.parse(readFileSync('model.json', 'utf8')));
 */

export const PROFILE_MODEL_KIND = 'bulwark-profile-model';
export const PROFILE_MODEL_VERSION = 1;

const Count = z.number().int().nonnegative();
const Location = z.enum(['path', 'query', 'header', 'cookie', 'body', 'body-raw']);

export const EnumEntry = z.object({
  /** FNV-1a 32-bit hash of the value. */
  h: z.number().int().min(0).max(0xffffffff),
  n: Count,
  /** The value itself: only when short and not classified sensitive. */
  v: z.string().max(64).optional(),
});
export type EnumEntry = z.infer<typeof EnumEntry>;

export const ParamProfile = z.object({
  in: Location,
  name: z.string().max(256),
  /** Requests that carried the parameter at least once. */
  requests: Count,
  /** Values observed (a repeated parameter counts each value). */
  values: Count,
  types: z.partialRecord(z.enum(VALUE_TYPES), Count),
  len: z.object({ min: Count, max: Count, mean: z.number().nonnegative(), sd: z.number().nonnegative() }),
  /** Values that contained each character class. */
  chars: z.partialRecord(z.enum(CHAR_CLASSES), Count),
  /** Value formats (see formatOf), when few: absent when there were more than the cap. */
  formats: z.array(z.object({ f: z.string().max(32), n: Count })).max(256).optional(),
  /** The value set, when small (absent: too many distinct values, or sensitive). */
  enum: z.array(EnumEntry).max(256).optional(),
  /** The data class that made the value set unsafe to keep (`password`, `email`...). */
  sensitive: z.string().max(64).optional(),
});
export type ParamProfile = z.infer<typeof ParamProfile>;

/** A set of parameters seen together: an endpoint's, or a host's headers and cookies. */
export const ParamSet = z.object({
  requests: Count,
  params: z.array(ParamProfile).max(10_000),
  /** More distinct names than the cap were seen: unknown names are not flagged here. */
  open: z.boolean(),
});
export type ParamSet = z.infer<typeof ParamSet>;

export const EndpointProfile = ParamSet.extend({
  method: z.string().min(1).max(16),
  template: z.string().min(1).max(8192),
  /** Requests whose path ended with `/` (templates do not show it). */
  slash: Count,
});
export type EndpointProfile = z.infer<typeof EndpointProfile>;

export const HostProfile = z.object({
  host: z.string().min(1).max(262),
  requests: Count,
  /** Learned endpoints seen in one request only (how open the endpoint set is). */
  singletonEndpoints: Count,
  /** More endpoints than the cap were seen: unknown endpoints are not flagged on this host. */
  open: z.boolean(),
  endpoints: z.array(EndpointProfile).max(100_000),
  /** Headers and cookies: every endpoint of a host shares one profile of them. */
  shared: ParamSet,
});
export type HostProfile = z.infer<typeof HostProfile>;

export const ProfileModel = z.object({
  kind: z.literal(PROFILE_MODEL_KIND),
  version: z.literal(PROFILE_MODEL_VERSION),
  createdAt: z.string().max(64),
  /** Events learned from. */
  events: Count,
  hosts: z.array(HostProfile).max(10_000),
});
export type ProfileModel = z.infer<typeof ProfileModel>;

/** A model file larger than this is refused before parsing. */
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;

/** Validates a parsed model file; throws a readable message on the first problem. */
export function parseProfileModel(raw: unknown): ProfileModel {
  const r = ProfileModel.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'the file';
  throw new Error(`not a Bulwark profile model (version ${PROFILE_MODEL_VERSION}): ${where}: ${issue?.message ?? 'invalid'}`);
}
