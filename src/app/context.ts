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

/** Everything a command or the server needs, wired once from the config. */
export interface Bulwark {
  config: Readonly<Config>;
  store: Store;
  pipeline: Pipeline;
  redactor: Redactor;
  identity: IdentityService;
  /** Threat issues and cases: the detect stage's sink and the SOC queue. */
  cases: CaseService;
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
  const store = createSqliteStore({ path: config.store.path! });
  await store.init();
  const redactor = createRedactor({ secret, customClasses: config.dataClasses });
  const templater = createPathTemplater();
  for (const spec of config.discovery.specs) {
    for (const { host, templates } of loadSpecTemplates(spec)) templater.addKnownTemplates(host, templates);
  }
  // Issues also go to the configured exports (webhooks, syslog, JSON lines); publishing never blocks ingestion.
  const exporters = createIssueExporters(config.exports, { logger, env: { ...process.env, ...env } });
  const cases = createCaseService({ store, config: config.cases, logger, onIssues: (items) => exporters.publish(items) });
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
  });
  await pipeline.open();
  const identity = createIdentityService({
    store,
    options: { ...identityOptionsFromConfig(config.identity), ...opts.identity },
    // A key of its own, derived from the installation secret: CSRF tokens survive restarts.
    csrfKey: createHmac('sha256', secret).update('bulwark csrf key').digest(),
  });
  return {
    config,
    store,
    pipeline,
    redactor,
    identity,
    cases,
    classInfo: classInfoResolver(config.dataClasses),
    logger,
    async close() {
      // Queued exports are sent (bounded by exports.closeTimeoutMs) before the store goes.
      await exporters.close();
      await store.close();
    },
  };
}
