import type { Config } from '../config/config.js';
import type { Store } from '../store/store.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Logger } from '../util/logger.js';
import type { Redactor } from '../redact/redactor.js';
import { createSqliteStore } from '../store/sqlite-store.js';
import { createRedactor } from '../redact/redactor.js';
import { createPathTemplater } from '../discover/path-templater.js';
import { createExposureClassifier } from '../discover/exposure.js';
import { createPipeline } from '../pipeline/pipeline.js';
import { classInfoResolver } from '../classify/class-info.js';
import { loadOrCreateSecret } from './secret.js';
import { loadSpecTemplates } from '../discover/spec-templates.js';
import { createActiveSpecs } from '../conformance/active-specs.js';
import { createHmac } from 'node:crypto';
import { createIdentityService, identityOptionsFromConfig, type IdentityOptions, type IdentityService } from '../identity/identity-service.js';
import type { ClassInfo } from '../risk/posture-rules.js';
import { createCaseService, type CaseService } from '../cases/service.js';
import { createIssueExporters } from '../cases/export/exporters.js';
import { detectStageFromConfig } from '../detect/setup.js';
import { createOwnershipService, type OwnershipService } from '../ownership/service.js';
import { createAuditLog } from '../identity/audit-log.js';
import { businessRiskSettings } from '../risk/score.js';
import { systemClock } from '../util/clock.js';
import { createRemediationService, type RemediationService } from '../remediation/service.js';
import { createDeliveryChannels } from '../remediation/delivery/channels.js';
import { createTrackerSync, type TrackerSync } from '../remediation/tracker-sync.js';

/** Everything a command or the server needs, wired once from the config. */
export interface Bulwark {
  config: Readonly<Config>;
  store: Store;
  pipeline: Pipeline;
  redactor: Redactor;
  identity: IdentityService;
  /** Threat issues and cases: the detect stage's sink and the SOC queue. */
  cases: CaseService;
  /** Remediation tasks: findings to owners' tasks, verification, digests, tickets (see docs/remediation.md). */
  remediation: RemediationService;
  /** Jira and GitHub webhooks: tickets' status changes back onto tasks. */
  trackers: TrackerSync;
  /** Ownership rules, the rules file, the rule tester and unowned-endpoint findings (see docs/ownership.md). */
  ownership: OwnershipService;
  /** Title, category and sensitivity of a data class id (built-in or custom). */
  classInfo: (id: string) => ClassInfo;
  logger: Logger;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Identity service overrides (tests lower the scrypt cost). */
  identity?: Partial<IdentityOptions>;
}

export async function openBulwark(config: Readonly<Config>, logger: Logger, env: Record<string, string | undefined> = {}, opts: OpenOptions = {}): Promise<Bulwark> {
  const secret = loadOrCreateSecret(config.dataDir, env);
  // The store adds the business-criticality factor to endpoint risk, with the configured weight.
  const store = createSqliteStore({ path: config.store.path!, businessRisk: businessRiskSettings(config.risk) });
  await store.init();
  const ownership = createOwnershipService({ store, audit: createAuditLog({ store, clock: systemClock }) });
  const redactor = createRedactor({ secret, customClasses: config.dataClasses });
  const templater = createPathTemplater();
  for (const spec of config.discovery.specs) {
    for (const { host, templates } of loadSpecTemplates(spec)) templater.addKnownTemplates(host, templates);
  }
  // Issues also go to the configured exports (webhooks, syslog, JSON lines); publishing never blocks ingestion.
  const exporters = createIssueExporters(config.exports, { logger, env: { ...process.env, ...env } });
  const cases = createCaseService({ store, config: config.cases, logger, onIssues: (items) => exporters.publish(items) });
  const channels = createDeliveryChannels(config.remediation, { env: { ...process.env, ...env }, logger });
  const remediation = createRemediationService({ store, config: config.remediation, channels, logger });
  const trackers = createTrackerSync(config.remediation, { ...process.env, ...env }, remediation, store);
  const pipeline = createPipeline({
    store,
    config,
    redactor,
    templater,
    exposure: createExposureClassifier(config.discovery.trustedProxies),
    classInfo: classInfoResolver(config.dataClasses),
    logger,
    // Conformance: traffic is checked against the latest version of every registered spec.
    specs: createActiveSpecs({ store, logger }),
    // Threat detection: the detect stage's drafts go to the cases service at each flush.
    threats: cases,
    detect: detectStageFromConfig(config.detection, { redactor, logger }),
    // Endpoints no rule claims become findings after each flush.
    ownership,
    // New and changed findings become remediation tasks, and fixes are checked, after every flush.
    ...(config.remediation.enabled ? { afterFlush: () => remediation.sync({ traffic: true }) } : {}),
  });
  await pipeline.open();
  const identity = createIdentityService({
    store,
    options: { ...identityOptionsFromConfig(config.identity), ...opts.identity },
    // A key of its own, derived from the installation secret: CSRF tokens survive restarts.
    csrfKey: createHmac('sha256', secret).update('bulwark csrf key').digest(),
    // An application change may leave endpoints without an owner, or give one to some.
    onOwnershipChanged: () => ownership.syncUnowned().catch((err: Error) => logger.error({ err: err.message }, 'unowned endpoint findings not updated')),
  });
  return {
    config,
    store,
    pipeline,
    redactor,
    identity,
    cases,
    remediation,
    trackers,
    ownership,
    classInfo: classInfoResolver(config.dataClasses),
    logger,
    async close() {
      // Queued exports are sent (bounded by exports.closeTimeoutMs) before the store goes.
      await exporters.close();
      await Promise.allSettled(channels.map((c) => c.close()));
      await store.close();
    },
  };
}
