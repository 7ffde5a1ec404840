import { z } from 'zod';
import { Severity } from '../../contracts/finding.js';
import { EnvName, serviceUrlProblem, TimeoutMs } from './http.js';

/**
 * The Jira channel: where tasks become issues (Jira Cloud or Data Center). Secrets are named, never given:
 * `tokenEnv` (and `webhookSecretEnv`) hold the names of environment variables read once at start.
 * See docs/remediation-tickets.md.
 *
 * @example
 * jira:
 *   baseUrl: https://example.atlassian.net
 *   apiVersion: 3
 *   projectKey: SEC
 *   auth: { kind: basic, email: bulwark@example.com, tokenEnv: BULWARK_JIRA_TOKEN }
 *   priorities: { critical: Highest }
 */

/** Fields Bulwark sets itself; `fields` may not replace them. */
export const JIRA_OWN_FIELDS = ['project', 'summary', 'description', 'issuetype', 'priority', 'labels', 'duedate'] as const;

const DEFAULT_PRIORITIES: Record<Severity, string> = { critical: 'Highest', high: 'High', medium: 'Medium', low: 'Low', info: 'Lowest' };

const JiraAuth = z.discriminatedUnion('kind', [
  /** Jira Cloud: the account's email and an API token (id.atlassian.com → Security → API tokens). */
  z.object({ kind: z.literal('basic'), email: z.string().min(3).max(254).regex(/^[^\s:]+@[^\s:]+$/, 'an email address'), tokenEnv: EnvName }).strict(),
  /** Jira Data Center / Server: a personal access token (Profile → Personal Access Tokens). */
  z.object({ kind: z.literal('bearer'), tokenEnv: EnvName }).strict(),
]);

const Name = z.string().trim().min(1).max(255);

/** A Jira label: no spaces (Jira refuses them). */
const Label = z.string().min(1).max(255).regex(/^\S+$/, 'a label without spaces');

export const JiraChannelConfig = z
  .object({
    /** The site, e.g. `https://example.atlassian.net` or `https://jira.example.com/jira` (a context path is kept). */
    baseUrl: z.url(),
    /** 3 (Cloud): descriptions as Atlassian Document Format; 2 (Cloud or Data Center): as wiki markup. */
    apiVersion: z.union([z.literal(2), z.literal(3)]).default(3),
    projectKey: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,254}$/, 'a Jira project key'),
    issueType: Name.default('Bug'),
    auth: JiraAuth,
    /** Bulwark severity → Jira priority name; missing severities keep their default. */
    priorities: z.partialRecord(Severity, Name).default({}).transform((p) => ({ ...DEFAULT_PRIORITIES, ...p })),
    /** Leave out the priority field (for projects whose create screen has none). */
    setPriority: z.boolean().default(true),
    /** Set Jira's due date (`duedate`) from the task's; the field must be on the create screen. */
    setDueDate: z.boolean().default(false),
    labels: z.array(Label).max(20).default(['bulwark', 'security']),
    /** Other fields, passed through as given, e.g. `{ customfield_10010: 42, components: [{ name: 'API' }] }`. */
    fields: z.record(z.string().min(1).max(255), z.unknown()).default({}),
    /** The environment variable holding the secret of the Jira webhook that syncs statuses back. */
    webhookSecretEnv: EnvName.optional(),
    timeoutMs: TimeoutMs(10_000),
    allowInsecureHttp: z.boolean().default(false),
  })
  .strict()
  .superRefine((c, ctx) => {
    const problem = serviceUrlProblem(c.baseUrl, c.allowInsecureHttp);
    if (problem !== null) ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: `jira.baseUrl: ${problem}` });
    for (const own of JIRA_OWN_FIELDS) {
      if (own in c.fields) ctx.addIssue({ code: 'custom', path: ['fields', own], message: `jira.fields may not set ${own}: Bulwark sets it (see priorities, labels, issueType)` });
    }
  });
export type JiraChannelConfig = z.output<typeof JiraChannelConfig>;
export type JiraChannelConfigInput = z.input<typeof JiraChannelConfig>;
