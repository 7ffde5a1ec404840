import { z } from 'zod';
import { Severity } from './finding.js';
import { AuditActorKind } from './identity.js';

/**
 * The spec registry's records: imported API specifications and their versions. The store keeps them, the
 * registry service (`src/spec/registry.ts`) makes them, the API (`/api/v1/specs`) and the console show them.
 */

import { MAX_SPEC_BYTES } from './limits.js';

export { MAX_SPEC_BYTES };
/** Findings kept per version, most severe first; the counts always cover every finding. */
export const MAX_STORED_SPEC_FINDINGS = 2_000;
/** Hosts per spec, from `servers` or set by hand. */
export const MAX_SPEC_HOSTS = 50;

export const SPEC_DIALECTS = ['swagger-2.0', 'openapi-3.0', 'openapi-3.1'] as const;
export const SpecDialect = z.enum(SPEC_DIALECTS);

/** Sort keys of the spec list: name (A to Z), last change (newest first), score of the latest version (worst first). */
export const SPEC_SORTS = ['name', 'updated', 'score'] as const;

/** A host name, or an IPv6 address in brackets, optionally with the root dot. Linear (see its ReDoS test). */
export const SPEC_HOST_PATTERN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)\.?$/;

/** A host name as specs and endpoints record it: lower-case, no port, IPv6 in brackets. */
export const SpecHost = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(SPEC_HOST_PATTERN, 'a host name without scheme, port or path')
  .transform((h) => h.toLowerCase().replace(/\.$/, ''));

/** One spec-audit finding as stored with a version (`SpecFinding` of `src/spec/audit/rule.ts`). */
export const SpecFindingView = z.object({
  ruleId: z.string(),
  title: z.string(),
  severity: Severity,
  owasp: z.string(),
  cwe: z.string(),
  category: z.enum(['security', 'data-validation']),
  message: z.string(),
  location: z.object({ file: z.string(), pointer: z.string(), line: z.number().int(), column: z.number().int() }),
  remediation: z.string(),
  fingerprint: z.string(),
});
export type SpecFindingView = z.infer<typeof SpecFindingView>;

export const SeverityCounts = z.object({
  critical: z.number().int(),
  high: z.number().int(),
  medium: z.number().int(),
  low: z.number().int(),
  info: z.number().int(),
});
export type SeverityCounts = z.infer<typeof SeverityCounts>;

/** One uploaded version: what it is and how it scored, without its text and findings. */
export const SpecVersionSummary = z.object({
  specId: z.string(),
  /** 1, 2, 3... per spec. */
  version: z.number().int().min(1),
  createdAt: z.string(),
  /** Who uploaded it, as the audit log names actors (`system`/`cli`: the command line on the data directory). */
  createdBy: z.object({ kind: AuditActorKind, id: z.string().nullable() }),
  /** The file name it was uploaded as (shown in finding locations and errors). */
  source: z.string(),
  /** Hex SHA-256 of the text: the same text uploaded again is the same version. */
  sha256: z.string(),
  bytes: z.number().int(),
  dialect: SpecDialect,
  /** The `openapi` / `swagger` string as written. */
  declaredVersion: z.string(),
  title: z.string().nullable(),
  /** `info.version`. */
  infoVersion: z.string().nullable(),
  operations: z.number().int(),
  score: z.object({ formula: z.string(), total: z.number(), security: z.number(), dataValidation: z.number() }),
  findingCounts: SeverityCounts,
  findingsTotal: z.number().int(),
});
export type SpecVersionSummary = z.infer<typeof SpecVersionSummary>;

export const SpecVersionDetail = SpecVersionSummary.extend({
  /** The spec as uploaded. */
  text: z.string(),
  /** Most severe first; at most `MAX_STORED_SPEC_FINDINGS`. */
  findings: z.array(SpecFindingView),
  /** True when the version had more findings than were kept (`findingsTotal` counts them all). */
  findingsTruncated: z.boolean(),
});
export type SpecVersionDetail = z.infer<typeof SpecVersionDetail>;

/**
 * A spec: a name, the hosts and APIs it describes, the application that owns it, and its versions.
 * `applicationId` is the application set by hand (`applicationPinned`), else that of the first ownership
 * rule that matches the spec (a host rule for one of its hosts, or a spec rule); it follows ownership
 * changes like an endpoint's does.
 */
export const Spec = z.object({
  id: z.string(),
  name: z.string(),
  hosts: z.array(z.string()),
  /** `servers`: read from the latest version's servers; `manual`: set by hand. */
  hostsSource: z.enum(['servers', 'manual']),
  /** The APIs (host plus version base path, as the inventory's `api`) the servers name. */
  apis: z.array(z.string()),
  applicationId: z.string().nullable(),
  applicationPinned: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  latestVersion: z.number().int().min(1),
  latest: SpecVersionSummary,
});
export type Spec = z.infer<typeof Spec>;

// ---- API payloads -------------------------------------------------------------------------------

/** A spec as the API lists it: with its application's name for display. */
export const SpecRow = Spec.extend({ application: z.string().nullable() });
export type SpecRow = z.infer<typeof SpecRow>;

/**
 * An upload: the spec text (YAML or JSON, Swagger 2.0 or OpenAPI 3.0/3.1) inside a JSON body, so that it
 * travels with its name and links. Uploaded specs cannot reference other files or URLs.
 */
export const ImportSpecRequest = z
  .object({
    text: z.string().min(1).max(MAX_SPEC_BYTES),
    /** The file name, for error and finding locations (`api.yaml:12:5`). Default `upload`. */
    fileName: z.string().trim().min(1).max(255).optional(),
    /** Default: the spec's `info.title`, else the file name. On a new version: renames the spec. */
    name: z.string().trim().min(1).max(200).optional(),
    /** Hosts set by hand, replacing those of `servers`; `null` goes back to `servers`. Absent: unchanged. */
    hosts: z.array(SpecHost).min(1).max(MAX_SPEC_HOSTS).nullable().optional(),
    /** The owning application set by hand; `null` goes back to matching by host. Absent: unchanged. */
    applicationId: z.string().min(1).max(64).nullable().optional(),
  })
  .strict();
export type ImportSpecRequest = z.input<typeof ImportSpecRequest>;

export const ImportSpecResult = z.object({
  spec: SpecRow,
  version: SpecVersionSummary,
  /** False when the text equals the latest version's: that version is returned and none is added. */
  created: z.boolean(),
});
export type ImportSpecResult = z.infer<typeof ImportSpecResult>;

export const SpecDetail = z.object({
  spec: SpecRow,
  /** Newest first. */
  versions: z.object({ items: z.array(SpecVersionSummary), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }),
});
export type SpecDetail = z.infer<typeof SpecDetail>;

// ---- version diff -------------------------------------------------------------------------------

/** Changes a version diff returns, most important first; `total` always counts them all. */
export const MAX_SPEC_DIFF_CHANGES = 2_000;

/**
 * What a change means for the API's users (`src/spec/diff/rule.ts` `CHANGE_KINDS`, checked equal at compile
 * time in `src/spec/registry.ts`): a client can break, the API got weaker, or worth knowing.
 */
export const SPEC_CHANGE_KINDS = ['breaking', 'security', 'non-breaking'] as const;
export const SpecChangeKind = z.enum(SPEC_CHANGE_KINDS);
export type SpecChangeKind = z.infer<typeof SpecChangeKind>;

/** One change between two versions, as `bulwark spec diff --format json` reports it. */
export const SpecChangeView = z.object({
  ruleId: z.string(),
  title: z.string(),
  kind: SpecChangeKind,
  severity: Severity,
  owasp: z.string().nullable(),
  cwe: z.string().nullable(),
  /** `GET /users/{id}: query parameter "limit" is now required`. */
  message: z.string(),
  /** Which version `location` is in: `old` (the `from` version) for what was removed. */
  side: z.enum(['old', 'new']),
  /** `file` is the version's `source` (its uploaded file name). */
  location: z.object({ file: z.string(), pointer: z.string(), line: z.number().int().min(1), column: z.number().int().min(1) }),
  operations: z.array(z.string()),
  remediation: z.string(),
  /** Stable across runs: the same change between other versions has the same fingerprint. */
  fingerprint: z.string(),
});
export type SpecChangeView = z.infer<typeof SpecChangeView>;

/**
 * `GET /api/v1/specs/:id/diff?from=1&to=2`: what changed from one version to another (either order).
 *
 * @example
 *   { specId: 'spec_…', from: {version: 1, …}, to: {version: 2, …}, total: 3, truncated: false,
 *     byKind: { breaking: 1, security: 1, 'non-breaking': 1 }, bySeverity: {…}, changes: [...] }
 */
export const SpecVersionDiff = z.object({
  specId: z.string(),
  from: SpecVersionSummary,
  to: SpecVersionSummary,
  /** Every change, also those cut from `changes`. */
  total: z.number().int().min(0),
  byKind: z.object({ breaking: z.number().int(), security: z.number().int(), 'non-breaking': z.number().int() }),
  bySeverity: SeverityCounts,
  /** Breaking, then security, then the others; most severe first within each; at most `MAX_SPEC_DIFF_CHANGES`. */
  changes: z.array(SpecChangeView),
  /** True when `total` is more than `changes` holds. */
  truncated: z.boolean(),
});
export type SpecVersionDiff = z.infer<typeof SpecVersionDiff>;
