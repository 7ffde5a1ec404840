import { z } from 'zod';

export const Severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** OWASP API Security Top 10 2023 category id, e.g. `API2:2023`. */
export const OwaspApi = z.string().regex(/^API(10|[1-9]):2023$/);

/**
 * A problem that needs a fix. `id` is the stable fingerprint of (rule, target, discriminator): the same
 * problem seen twice is one finding whose `count` and `lastSeen` grow.
 */
export const Finding = z.object({
  id: z.string(),
  ruleId: z.string(),
  title: z.string(),
  severity: Severity,
  owasp: OwaspApi,
  cwe: z.string().regex(/^CWE-\d+$/),
  endpointId: z.string().nullable(),
  /** Spec-audit findings: the spec whose latest version has the problem (they have no endpoint). */
  specId: z.string().nullable().optional(),
  /** The application of the finding's endpoint, set by the store when read; absent on new findings. */
  applicationId: z.string().nullable().optional(),
  host: z.string(),
  method: z.string().nullable(),
  pathTemplate: z.string().nullable(),
  /** Redacted evidence: a one-line summary and where it was seen. Never a raw secret or personal value. */
  evidence: z.object({
    summary: z.string(),
    location: z.string().optional(),
    sample: z.string().optional(),
  }),
  remediation: z.string(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  count: z.number().int(),
  status: z.enum(['open', 'resolved']),
});
export type Finding = z.infer<typeof Finding>;
