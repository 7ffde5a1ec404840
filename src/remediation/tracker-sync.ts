import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Store } from '../store/store.js';
import { invalidInput, notFound, unauthenticated } from '../errors/domain-errors.js';
import type { RemediationConfig } from './config.js';
import { parseGithubWebhook, verifyGithubWebhook, GITHUB_SIGNATURE_HEADER } from './delivery/github.js';
import { envSecret } from './delivery/http.js';
import { parseJiraWebhook, verifyJiraWebhook, JIRA_SIGNATURE_HEADER } from './delivery/jira.js';
import type { RemediationService } from './service.js';

/** Tracker webhook bodies are small; anything larger is refused before parsing. */
export const MAX_TRACKER_WEBHOOK_BYTES = 1024 * 1024;

export interface TrackerWebhookResult {
  /** Whether a task followed the ticket (false: not a ticket of Bulwark's, or an event it ignores). */
  applied: boolean;
  /** A delivery taken before (a replay of a captured request, or the tracker's own retry): ignored. */
  duplicate?: boolean;
}

/** Deliveries are remembered this long; a Jira delivery older than this (its `timestamp`) is refused as stale. */
export const TRACKER_REPLAY_WINDOW_MS = 90 * 86_400_000;

/**
 * Status sync-back from the trackers: Jira's and GitHub's webhooks, authenticated by their HMAC signature
 * over the raw body (`X-Hub-Signature` / `X-Hub-Signature-256`) with the secret the config names. A tracker
 * without `webhookSecretEnv` has no webhook: its route answers 404, so an unsigned delivery is never taken.
 *
 * @example
 * const sync = createTrackerSync(config.remediation, process.env, remediation);
 * await sync.jira(req.headers, rawBody); // { applied: true } when SEC-42 is a Bulwark ticket
 */
export function createTrackerSync(
  config: RemediationConfig,
  env: Record<string, string | undefined>,
  service: RemediationService,
  store: Pick<Store, 'firstTrackerDelivery'>,
  now: () => Date = () => new Date(),
) {
  const jiraSecret = config.jira?.webhookSecretEnv ? envSecret(env, config.jira.webhookSecretEnv, 'remediation.jira.webhookSecretEnv') : null;
  const githubSecret = config.github?.webhookSecretEnv ? envSecret(env, config.github.webhookSecretEnv, 'remediation.github.webhookSecretEnv') : null;

  function json(raw: Buffer): unknown {
    if (raw.length > MAX_TRACKER_WEBHOOK_BYTES) throw invalidInput('the webhook body is too large');
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      throw invalidInput('the webhook body is not valid JSON');
    }
  }

  /** False for a delivery seen before: by the tracker's delivery id when it sends one, else by the signed body's digest. */
  async function first(system: string, deliveryId: string | undefined, raw: Buffer): Promise<boolean> {
    const id = deliveryId && /^[A-Za-z0-9-]{1,100}$/.test(deliveryId) ? deliveryId : createHash('sha256').update(raw).digest('hex');
    return store.firstTrackerDelivery(`${system}:${id}`, now().toISOString(), TRACKER_REPLAY_WINDOW_MS);
  }

  return {
    async jira(headers: IncomingHttpHeaders, raw: Buffer): Promise<TrackerWebhookResult> {
      if (jiraSecret === null) throw notFound('no Jira webhook is configured (remediation.jira.webhookSecretEnv)');
      if (!verifyJiraWebhook(jiraSecret, headers[JIRA_SIGNATURE_HEADER], raw)) throw unauthenticated();
      const body = json(raw);
      // Jira stamps each delivery: one older than the replay window cannot be told from a replay.
      const stamp = (body as { timestamp?: unknown } | null)?.timestamp;
      if (typeof stamp === 'number' && stamp < now().getTime() - TRACKER_REPLAY_WINDOW_MS) return { applied: false, duplicate: true };
      if (!(await first('jira', undefined, raw))) return { applied: false, duplicate: true };
      const change = parseJiraWebhook(body);
      if (!change) return { applied: false };
      const applied = await service.ticketStatus('jira', change.key, { name: change.statusName, category: change.statusCategory });
      return { applied };
    },
    async github(headers: IncomingHttpHeaders, raw: Buffer): Promise<TrackerWebhookResult> {
      if (githubSecret === null || !config.github) throw notFound('no GitHub webhook is configured (remediation.github.webhookSecretEnv)');
      if (!verifyGithubWebhook(githubSecret, headers[GITHUB_SIGNATURE_HEADER], raw)) throw unauthenticated();
      const delivery = headers['x-github-delivery'];
      if (!(await first('github', typeof delivery === 'string' ? delivery : undefined, raw))) return { applied: false, duplicate: true };
      const change = parseGithubWebhook(headers as Record<string, string | string[] | undefined>, json(raw));
      if (!change || change.repo.toLowerCase() !== config.github.repo.toLowerCase()) return { applied: false };
      // Closed as not planned (or a duplicate) is no fix: the history notes it, the task stays as it is.
      const category = change.state === 'open' ? 'new' : change.stateReason === 'completed' || change.stateReason === null ? 'done' : 'other';
      const name = change.state === 'open' ? 'open' : `closed${change.stateReason ? ` (${change.stateReason})` : ''}`;
      const applied = await service.ticketStatus('github', change.key, { name, category });
      return { applied };
    },
  };
}
export type TrackerSync = ReturnType<typeof createTrackerSync>;
