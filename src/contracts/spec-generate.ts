import { z } from 'zod';
import { HttpMethod } from './api-event.js';

/**
 * Generating an OpenAPI 3.1 document from the discovered inventory, and the per-endpoint review that
 * comes before it (`bulwark spec generate`, `POST /api/v1/specs/generate`, the console's "Generate
 * spec" page). One decision per endpoint, by endpoint id; endpoints without a decision are accepted.
 *
 * @example
 * // The review file a reviewer edits in the repository (YAML):
 * // version: 1
 * // endpoints:
 * //   - { id: 4f0c2a1b9d8e7f60, method: GET, host: api.shop.example, template: /users/{id}, action: accept, rename: { id: userId } }
 * //   - { id: 0a1b2c3d4e5f6789, method: GET, host: api.shop.example, template: /users/me, action: accept, mergeInto: 4f0c2a1b9d8e7f60 }
 * //   - { id: 99aa88bb77cc66dd, method: GET, host: api.shop.example, template: /files/{name}, split: [/files/export, /files/{name}] }
 */

export const SPEC_REVIEW_ACTIONS = ['accept', 'skip'] as const;
export const SpecReviewAction = z.enum(SPEC_REVIEW_ACTIONS);
export type SpecReviewAction = z.infer<typeof SpecReviewAction>;

export const SPEC_GENERATE_FORMATS = ['yaml', 'json'] as const;
export const SpecGenerateFormat = z.enum(SPEC_GENERATE_FORMATS);
export type SpecGenerateFormat = z.infer<typeof SpecGenerateFormat>;

/** Most endpoints one generated document (and one review) covers; filter by host or application beyond it. */
export const MAX_GENERATE_ENDPOINTS = 5000;
/** Most concrete templates one endpoint is split into. */
export const MAX_SPLIT_TEMPLATES = 50;

const EndpointId = z.string().regex(/^[0-9a-f]{16}$/, 'an endpoint id (16 hex digits, as `bulwark inventory` lists them)');
/** A path parameter name as OpenAPI tools accept it everywhere: an identifier, no braces or slashes. */
export const PathParamName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'a parameter name: a letter or _, then letters, digits, _ . - (at most 64)');
const TEMPLATE_SEGMENT = /^(?:[^/{}\s?#]{0,200}|\{[A-Za-z_][A-Za-z0-9_.-]{0,63}\})$/;

/** `/` then segments, each a literal or a whole `{name}` parameter; checked segment by segment (linear). */
export function isPathTemplate(s: string): boolean {
  return s.startsWith('/') && s.length <= 2000 && s.slice(1).split('/').every((seg) => TEMPLATE_SEGMENT.test(seg));
}

/** A path template: `/` then segments, parameters written `{name}`. */
export const PathTemplate = z.string().max(2000).refine(isPathTemplate, 'a path template such as /users/{userId}/orders');

/**
 * What to do with one discovered endpoint. `method`, `host`, `template`, `calls` and `confidence` are
 * written by `--write-review` for the reviewer's eyes and ignored when the file is read.
 */
export const SpecReviewDecision = z.strictObject({
  id: EndpointId,
  method: HttpMethod.optional(),
  host: z.string().max(255).optional(),
  template: z.string().max(2000).optional(),
  calls: z.number().int().min(0).optional(),
  confidence: z.number().min(0).max(1).optional(),
  /** `skip` leaves the endpoint out of the document (and takes no other decision). Default `accept`. */
  action: SpecReviewAction.default('accept'),
  /** Path parameter renames, old name -> new name: `{ id: userId }` turns `/users/{id}` into `/users/{userId}`. */
  rename: z.record(PathParamName, PathParamName).optional(),
  /**
   * Fold this endpoint into another of the same method (its id): `/users/me` into `/users/{userId}`, or
   * `/a/{x}/b` into `/a/{y}/b`. Parameters, responses and counts are joined; the other endpoint's
   * template wins. A static segment may become a parameter, never the other way round.
   */
  mergeInto: EndpointId.optional(),
  /**
   * Concrete templates that replace this one: each is the template with some parameters replaced by a
   * fixed value (`/files/{name}` -> `/files/export`). List the template itself to keep it beside them.
   * Traffic cannot be divided after the fact: every listed template is described by the same observations.
   */
  split: z.array(PathTemplate).min(1).max(MAX_SPLIT_TEMPLATES).optional(),
});
export type SpecReviewDecision = z.input<typeof SpecReviewDecision>;

/** The document's `info`, set by the reviewer; defaults name the hosts and the generation date. */
export const SpecGenerateInfo = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  version: z.string().trim().min(1).max(100).optional(),
  description: z.string().max(10_000).optional(),
});
export type SpecGenerateInfo = z.infer<typeof SpecGenerateInfo>;

/** The review file: `bulwark spec generate --write-review` writes it, `--review` reads it. */
export const SpecReviewFile = z.strictObject({
  version: z.literal(1),
  info: SpecGenerateInfo.optional(),
  endpoints: z.array(SpecReviewDecision).max(MAX_GENERATE_ENDPOINTS * 2),
});
export type SpecReviewFile = z.input<typeof SpecReviewFile>;

/** Which endpoints a generated document covers: all the caller may see, or those of some hosts / one application. */
export const SpecGenerateFilters = z.strictObject({
  /** Exact host names (case-insensitive); none: every host. */
  hosts: z.array(z.string().trim().min(1).max(255)).max(50).optional(),
  /** An application id, or `none` for endpoints no application claims. */
  application: z.string().min(1).max(64).optional(),
});
export type SpecGenerateFilters = z.infer<typeof SpecGenerateFilters>;

export const SpecGenerateRequest = SpecGenerateFilters.extend({
  format: SpecGenerateFormat.default('yaml'),
  info: SpecGenerateInfo.optional(),
  decisions: z.array(SpecReviewDecision).max(MAX_GENERATE_ENDPOINTS * 2).optional(),
});
export type SpecGenerateRequest = z.input<typeof SpecGenerateRequest>;

export const SpecGenerateCounts = z.object({
  /** Inventory endpoints the filters selected. */
  endpoints: z.number().int(),
  skipped: z.number().int(),
  /** Endpoints folded into another by `mergeInto`, or sharing an operation with another host's. */
  merged: z.number().int(),
  /** Operations added by splits. */
  split: z.number().int(),
  /** Operations in the document. */
  operations: z.number().int(),
  paths: z.number().int(),
});
export type SpecGenerateCounts = z.infer<typeof SpecGenerateCounts>;

export const SpecGenerateResult = z.object({
  format: SpecGenerateFormat,
  /** The document, as the file to save (YAML or JSON text). */
  text: z.string(),
  counts: SpecGenerateCounts,
  /** Decisions that name endpoints no longer in the selection, and other things worth a look. */
  warnings: z.array(z.string()),
});
export type SpecGenerateResult = z.infer<typeof SpecGenerateResult>;

/** One endpoint as the review lists it, with its default decision. */
export const SpecReviewEntry = z.object({
  id: z.string(),
  host: z.string(),
  method: HttpMethod,
  template: z.string(),
  /** Path parameter names of the template, in order. */
  pathParameters: z.array(z.string()),
  calls: z.number().int(),
  confidence: z.number(),
  origin: z.enum(['traffic', 'spec']),
  lastSeen: z.string(),
  action: SpecReviewAction,
});
export type SpecReviewEntry = z.infer<typeof SpecReviewEntry>;

export const SpecReviewList = z.object({
  /** Sorted by host, template, method. */
  items: z.array(SpecReviewEntry),
  total: z.number().int(),
});
export type SpecReviewList = z.infer<typeof SpecReviewList>;
