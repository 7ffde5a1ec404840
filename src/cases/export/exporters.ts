import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { SEVERITY_RANK, type Severity } from '../../contracts/finding.js';
import { invalidInput } from '../../errors/domain-errors.js';
import type { Logger } from '../../util/logger.js';
import type { ExportsConfig, WebhookSinkConfig } from './config.js';
import { createDeliveryQueue, type DeliveryQueue, type DeliveryTarget, type SinkKind, type SinkStats } from './delivery.js';
import { createJsonlTarget } from './jsonl.js';
import { toExportDocument, type ExportItem, type IssueDocument } from './payload.js';
import { createSyslogTarget } from './syslog.js';
import { createWebhookTarget } from './webhook.js';

export type { ExportItem, IssueDocument } from './payload.js';
export type { SinkStats } from './delivery.js';
export { verifyWebhookSignature } from './signature.js';

/**
 * The issue exporters: every configured sink (webhooks, syslog, JSON lines) behind one `publish`. The case
 * service calls `publish` with the issues it stored; each sink takes those at or above its `minSeverity`
 * into its own bounded queue and sends them in the background (see delivery.ts for retries and drops).
 * `publish` never blocks and never throws.
 *
 * @example
 * const exporters = createIssueExporters(config.exports, { logger, env: process.env });
 * cases.onIssues((items) => exporters.publish(items));
 * // at shutdown
 * await exporters.close();
 */

export interface IssueExporterDeps {
  logger: Logger;
  /** Where `secretEnv` names are looked up. */
  env: Record<string, string | undefined>;
  /** Signature timestamps (default: the system clock). */
  now?: () => Date;
}

export interface IssueExporters {
  publish(items: readonly ExportItem[]): void;
  /** Resolves when everything published so far was sent, failed or dropped. */
  flush(): Promise<void>;
  /** Sends what is queued (for at most `closeTimeoutMs`), then closes every sink; `publish` then drops. */
  close(): Promise<void>;
  /** One entry per sink, in config order. */
  stats(): SinkStats[];
}

interface Sink {
  minRank: number;
  includeExchange: boolean;
  queue: DeliveryQueue<IssueDocument>;
}

/** Bulwark's version from package.json, three levels up from both `src/cases/export` and `dist/cases/export`. */
function packageVersion(): string {
  const version: unknown = (createRequire(import.meta.url)('../../../package.json') as { version?: unknown }).version;
  return typeof version === 'string' ? version : '0.0.0';
}

function webhookSecret(w: WebhookSinkConfig, name: string, env: IssueExporterDeps['env']): string {
  if (w.secret !== undefined) return w.secret;
  const value = w.secretEnv === undefined ? undefined : env[w.secretEnv];
  if (value === undefined || value.length < 16) {
    throw invalidInput(`exports: ${name} needs the environment variable ${w.secretEnv} set to a secret of at least 16 characters`);
  }
  return value;
}

export function createIssueExporters(config: ExportsConfig, deps: IssueExporterDeps): IssueExporters {
  const { logger, env } = deps;
  const now = deps.now ?? (() => new Date());
  const sinks: Sink[] = [];
  if (config.webhooks.length + config.syslog.length + config.jsonl.length > 0) {
    const version = packageVersion();
    const add = (kind: SinkKind, name: string, sink: { minSeverity: Severity; queueSize: number; maxRetries: number; retryBackoffMs: number }, target: DeliveryTarget<IssueDocument>, includeExchange: boolean) =>
      sinks.push({
        minRank: SEVERITY_RANK[sink.minSeverity],
        includeExchange,
        queue: createDeliveryQueue({ name, kind, capacity: sink.queueSize, maxRetries: sink.maxRetries, retryBackoffMs: sink.retryBackoffMs, target, logger, eventId: (d) => d.event_id }),
      });
    // Every secret first: a missing one stops the start before any sink exists.
    const secrets = config.webhooks.map((w, i) => webhookSecret(w, w.name ?? `webhooks[${i}]`, env));
    config.webhooks.forEach((w, i) => {
      const target = createWebhookTarget(w, { secret: secrets[i] ?? '', now, userAgent: `Bulwark/${version}` });
      add('webhook', w.name ?? `webhooks[${i}]`, w, target, w.includeExchange);
    });
    const syslogDeps = { hostname: hostname() || 'bulwark', procId: String(process.pid), version };
    config.syslog.forEach((s, i) => add('syslog', s.name ?? `syslog[${i}]`, s, createSyslogTarget(s, syslogDeps), false));
    config.jsonl.forEach((j, i) => add('jsonl', j.name ?? `jsonl[${i}]`, j, createJsonlTarget(j), j.includeExchange));
    // Only origins: a webhook's path or query may hold a receiver's token.
    logger.info({ webhooks: config.webhooks.map((w) => new URL(w.url).origin), syslog: config.syslog.length, jsonl: config.jsonl.length }, 'issue exports on');
  }

  function publish(items: readonly ExportItem[]): void {
    if (sinks.length === 0) return;
    for (const item of items) {
      try {
        const rank = SEVERITY_RANK[item.issue.severity];
        let lean: IssueDocument | undefined;
        let full: IssueDocument | undefined;
        for (const sink of sinks) {
          if (rank < sink.minRank) continue;
          const doc = sink.includeExchange ? (full ??= toExportDocument(item, { includeExchange: true })) : (lean ??= toExportDocument(item, { includeExchange: false }));
          sink.queue.push(doc);
        }
      } catch (err) {
        // A malformed item must not break ingestion: log that it happened (never its content) and go on.
        logger.error({ reason: (err as Error | undefined)?.name ?? 'error' }, 'issue export could not take an issue');
      }
    }
  }

  return {
    publish,
    async flush() {
      await Promise.all(sinks.map((s) => s.queue.flush()));
    },
    async close() {
      await Promise.all(sinks.map((s) => s.queue.close(config.closeTimeoutMs)));
    },
    stats: () => sinks.map((s) => s.queue.stats()),
  };
}
