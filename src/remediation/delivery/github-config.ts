import { z } from 'zod';
import { EnvName, serviceUrlProblem, TimeoutMs } from './http.js';

/**
 * The GitHub Issues channel: where tasks become issues in one repository (github.com or GitHub Enterprise
 * Server). The token is named, never given: `tokenEnv` holds the name of an environment variable read once
 * at start. See docs/remediation-tickets.md.
 *
 * @example
 * github:
 *   repo: acme/shop-api
 *   tokenEnv: BULWARK_GITHUB_TOKEN
 *   assignees: { 'Shop API': [octocat] }
 */

/** GitHub's own limits: an owner (user or organisation) name, a repository name. */
const Repo = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, "a repository as 'owner/name'");

const Login = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'a GitHub login');

/** GitHub allows 50 characters a label name. */
const Label = z.string().trim().min(1).max(50);

export const GithubChannelConfig = z
  .object({
    /** `https://api.github.com`, or `https://<host>/api/v3` for GitHub Enterprise Server. */
    apiUrl: z.url().default('https://api.github.com'),
    repo: Repo,
    /** A fine-grained token with Issues: read and write on the repository (or a classic token with `repo`). */
    tokenEnv: EnvName,
    labels: z.array(Label).max(20).default(['security', 'bulwark']),
    /** Add `severity:<level>` (e.g. `severity:high`) to each issue. */
    severityLabels: z.boolean().default(true),
    /** Application name → logins to assign; `'*'` for applications not listed (and tasks without one). */
    assignees: z.record(z.string().min(1).max(200), z.array(Login).max(10)).default({}),
    /** The environment variable holding the secret of the repository webhook that syncs issue states back. */
    webhookSecretEnv: EnvName.optional(),
    timeoutMs: TimeoutMs(10_000),
    allowInsecureHttp: z.boolean().default(false),
  })
  .strict()
  .superRefine((c, ctx) => {
    const problem = serviceUrlProblem(c.apiUrl, c.allowInsecureHttp);
    if (problem !== null) ctx.addIssue({ code: 'custom', path: ['apiUrl'], message: `github.apiUrl: ${problem}` });
  });
export type GithubChannelConfig = z.output<typeof GithubChannelConfig>;
export type GithubChannelConfigInput = z.input<typeof GithubChannelConfig>;
