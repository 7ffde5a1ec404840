import type { CaseService } from '../cases/service.js';
import type { OwnershipService } from '../ownership/service.js';
import type { RemediationService } from '../remediation/service.js';
import type { TrackerSync } from '../remediation/tracker-sync.js';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import type { IdentityService, Caller } from '../identity/identity-service.js';
import type { Principal } from '../identity/permissions.js';
import type { IngestRecord, IngestReport, Pipeline } from '../pipeline/pipeline.js';
import type { ClassInfo } from '../risk/posture-rules.js';
import { MAX_PAGE_SIZE, type Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import { unauthenticated } from '../errors/domain-errors.js';

/** What route handlers get: services, not the HTTP server. */
export interface ServerContext {
  store: Store;
  pipeline: Pipeline;
  identity: IdentityService;
  config: Readonly<Config>;
  logger: Logger;
  /** Threat cases and issues (one service for the server and the pipeline). */
  cases: CaseService;
  remediation: RemediationService;
  /** Tracker webhooks (Jira, GitHub) to task status. */
  trackers: TrackerSync;
  /** Ownership rules, their tester and the rules file. */
  ownership: OwnershipService;
  classInfo: (id: string) => ClassInfo;
  /** Session cookies get `Secure` when the server speaks TLS. */
  secureCookies: boolean;
  /** The generated OpenAPI description (set once the route list is known). */
  openApi: unknown;
  /** Ingests one batch; batches run one at a time (the pipeline's aggregates are single-writer). */
  ingest(records: IngestRecord[]): Promise<IngestReport>;
  /** Application id -> name, for display. */
  applicationNames(): Promise<Map<string, string>>;
}

export function createServerContext(
  deps: Pick<ServerContext, 'store' | 'pipeline' | 'identity' | 'config' | 'logger' | 'cases' | 'remediation' | 'trackers' | 'ownership' | 'classInfo' | 'secureCookies'>,
): ServerContext {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    ...deps,
    openApi: null,
    ingest(records) {
      const run = chain.then(() => deps.pipeline.ingest(records));
      chain = run.catch(() => undefined);
      return run;
    },
    async applicationNames() {
      const names = new Map<string, string>();
      for (let offset = 0; ; offset += MAX_PAGE_SIZE) {
        const page = await deps.store.listApplications({ limit: MAX_PAGE_SIZE, offset });
        for (const a of page.items) names.set(a.id, a.name);
        if (page.items.length < MAX_PAGE_SIZE) break;
      }
      return names;
    },
  };
}

/** The signed-in principal, for handlers of authenticated routes. */
export function principalOf(p: Principal | null): Principal {
  if (!p) throw unauthenticated();
  return p;
}

/** Who is acting and from where, for services that audit. */
export function callerOf(p: Principal | null, req: FastifyRequest): Caller {
  return { principal: principalOf(p), clientAddress: req.ip ?? null };
}
