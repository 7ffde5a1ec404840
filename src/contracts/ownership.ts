import { z } from 'zod';
import { HttpMethod } from './api-event.js';
import { Application, ApplicationId, ApplicationMatcher, Contacts, Criticality, DataTags, TeamName } from './identity.js';

/**
 * Ownership: which application an endpoint belongs to. One flat, ordered list of rules; the first rule
 * that matches names the application ("first match wins"). A rule matches by exactly one kind:
 *
 * - `{ host, pathPrefix? }`: the endpoint's host (exact, case-insensitive, `*.example.com` for any
 *   sub-domain) and optionally a path prefix on whole segments (as `ApplicationMatcher`);
 * - `{ specTitle }`: the endpoint is documented by, or is shadow of, a spec whose `info.title` or name
 *   equals it (case-insensitive);
 * - `{ specTag }`: the operation that documents the endpoint carries this OpenAPI tag (case-insensitive);
 * - `{ specOwner }`: the documenting spec's `x-owner`, or its `info.contact` email or name, equals it
 *   (case-insensitive).
 *
 * An application's `matchers` are its host rules, in list order. See docs/ownership.md.
 *
 * @example
 *   [{ id: 'payments-tag', application: 'payments', match: { specTag: 'payments' } },
 *    { id: 'shop-api', application: 'shop', match: { host: 'api.shop.example', pathPrefix: '/v1' }, note: 'everything else on the shop host' }]
 */

/** Rules in one list at most: assignment evaluates them for every endpoint saved. */
export const MAX_OWNERSHIP_RULES = 1000;
/** Applications one rules file may declare. */
export const MAX_OWNERSHIP_APPLICATIONS = 1000;

export const OWNERSHIP_MATCH_KINDS = ['host', 'specTitle', 'specTag', 'specOwner'] as const;
export type OwnershipMatchKind = (typeof OWNERSHIP_MATCH_KINDS)[number];

export const OwnershipMatch = z
  .object({
    host: ApplicationMatcher.shape.host.optional(),
    pathPrefix: ApplicationMatcher.shape.pathPrefix,
    specTitle: z.string().trim().min(1).max(300).optional(),
    specTag: z.string().trim().min(1).max(200).optional(),
    specOwner: z.string().trim().min(1).max(254).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const kinds = OWNERSHIP_MATCH_KINDS.filter((k) => m[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: kinds.length === 0 ? 'give one of host, specTitle, specTag or specOwner' : `give only one of ${kinds.join(', ')}`,
      });
    } else if (m.pathPrefix !== undefined && kinds[0] !== 'host') {
      ctx.addIssue({ code: 'custom', path: ['pathPrefix'], message: 'pathPrefix goes with host only' });
    }
  });
export type OwnershipMatch = z.infer<typeof OwnershipMatch>;

/** Rule ids: stable, for the rules file, the audit log and `owners test`. */
export const OwnershipRuleId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'letters, digits, ".", "_", ":" and "-", at most 100');

export const OwnershipRule = z
  .object({
    id: OwnershipRuleId,
    /** The application id the rule assigns. */
    application: ApplicationId,
    match: OwnershipMatch,
    note: z.string().trim().max(500).optional(),
  })
  .strict();
export type OwnershipRule = z.infer<typeof OwnershipRule>;

/** The whole ordered list; ids are unique. */
export const OwnershipRuleList = z
  .array(OwnershipRule)
  .max(MAX_OWNERSHIP_RULES)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `rule id "${r.id}" is used twice` });
      seen.add(r.id);
    });
  });

// ---- API payloads -------------------------------------------------------------------------------

export const OwnershipRulesView = z.object({ rules: z.array(OwnershipRule) });
export type OwnershipRulesView = z.infer<typeof OwnershipRulesView>;

/** `PUT /api/v1/ownership/rules`: the new list, replacing the old one whole. */
export const ReplaceOwnershipRulesRequest = z.object({ rules: OwnershipRuleList }).strict();
export type ReplaceOwnershipRulesRequest = z.input<typeof ReplaceOwnershipRulesRequest>;

export const ReplaceOwnershipRulesResult = z.object({
  rules: z.array(OwnershipRule),
  /** Endpoints whose application changed. */
  endpointsReassigned: z.number().int(),
});
export type ReplaceOwnershipRulesResult = z.infer<typeof ReplaceOwnershipRulesResult>;

/** `POST /api/v1/ownership/test`: a host and path (a concrete path or a template), or a stored endpoint. */
export const OwnershipTestRequest = z.union([
  z
    .object({
      host: z.string().trim().min(1).max(253),
      path: z.string().max(2048).regex(/^\//, 'starts with "/"'),
      method: HttpMethod.optional(),
    })
    .strict(),
  z.object({ endpointId: z.string().min(1).max(200) }).strict(),
]);
export type OwnershipTestRequest = z.infer<typeof OwnershipTestRequest>;

/** A rule as `owners test` reports it: its place in the list and, when it did not match, why. */
export const OwnershipRuleTrial = z.object({
  /** 0-based position in the list. */
  index: z.number().int(),
  ruleId: z.string(),
  application: z.string(),
  match: OwnershipMatch,
  matched: z.boolean(),
  /** Why it did or did not match, in a sentence. */
  reason: z.string(),
});
export type OwnershipRuleTrial = z.infer<typeof OwnershipRuleTrial>;

export const OwnershipTestResult = z.object({
  /** What the rules were evaluated on. */
  subject: z.object({
    host: z.string(),
    path: z.string(),
    method: z.string().nullable(),
    /** The stored endpoint, when there is one. */
    endpointId: z.string().nullable(),
    /** The spec that documents the endpoint (or of which it is shadow), as the spec rules see it. */
    spec: z
      .object({
        id: z.string(),
        name: z.string(),
        title: z.string().nullable(),
        owners: z.array(z.string()),
        /** Tags of the documenting operation; null for a shadow endpoint. */
        operationTags: z.array(z.string()).nullable(),
      })
      .nullable(),
  }),
  /** The rule that matched; null: no rule matches, the endpoint is unowned. */
  matched: OwnershipRuleTrial.nullable(),
  application: Application.pick({ id: true, name: true, team: true, criticality: true }).nullable(),
  /** The rules before the match (all of them when none matched), each with why it did not match. */
  tried: z.array(OwnershipRuleTrial),
  /** Rules the caller may not see (of applications outside a workload owner's scope) are left out of `tried`. */
  hiddenRules: z.number().int(),
});
export type OwnershipTestResult = z.infer<typeof OwnershipTestResult>;

// ---- the rules file -----------------------------------------------------------------------------

/** An application as the rules file declares it. `owners` (user ids) absent: the current owners are kept. */
export const OwnershipFileApplication = z
  .object({
    id: ApplicationId,
    name: z.string().trim().min(1).max(200),
    team: TeamName.nullable().optional(),
    contacts: Contacts.optional(),
    criticality: Criticality.optional(),
    dataTags: DataTags.optional(),
    owners: z.array(z.string().min(1).max(64)).max(100).optional(),
  })
  .strict();
export type OwnershipFileApplication = z.infer<typeof OwnershipFileApplication>;

/**
 * The version-controllable rules file (YAML or JSON): every application and the ordered rules. Applying
 * it makes Bulwark match it: applications not in it are deleted, rules are replaced whole.
 */
export const OwnershipFile = z
  .object({
    version: z.literal(1),
    applications: z.array(OwnershipFileApplication).max(MAX_OWNERSHIP_APPLICATIONS).default([]),
    rules: OwnershipRuleList.default([]),
  })
  .strict()
  .superRefine((f, ctx) => {
    const ids = new Set<string>();
    const names = new Set<string>();
    f.applications.forEach((a, i) => {
      if (ids.has(a.id)) ctx.addIssue({ code: 'custom', path: ['applications', i, 'id'], message: `application id "${a.id}" is declared twice` });
      const key = a.name.toLowerCase();
      if (names.has(key)) ctx.addIssue({ code: 'custom', path: ['applications', i, 'name'], message: `application name "${a.name}" is declared twice` });
      ids.add(a.id);
      names.add(key);
    });
    f.rules.forEach((r, i) => {
      if (!ids.has(r.application)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'application'], message: `no application "${r.application}" in this file` });
    });
  });
export type OwnershipFile = z.infer<typeof OwnershipFile>;

/** What applying a rules file changes (a dry run reports the same and changes nothing). */
export const OwnershipPlan = z.object({
  applications: z.object({ added: z.array(z.string()), changed: z.array(z.string()), removed: z.array(z.string()) }),
  rules: z.object({ added: z.array(z.string()), changed: z.array(z.string()), removed: z.array(z.string()), reordered: z.boolean() }),
  /** Endpoints whose application changes. */
  endpointsReassigned: z.number().int(),
  applied: z.boolean(),
});
export type OwnershipPlan = z.infer<typeof OwnershipPlan>;
