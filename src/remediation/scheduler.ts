import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import type { RemediationCoreConfig } from './config.js';
import type { RemediationService } from './service.js';

/**
 * Remediation's scheduled jobs: reading findings into tasks, SLA changes and acceptance expiries, the daily
 * digests, and the outbox. The digest's next run is kept in the store, so a restart neither skips nor
 * repeats a day: a digest missed while Bulwark was down goes out at the next start. The other jobs run at
 * start (catching up whatever happened while down) and then at their interval; their state is the store's
 * own (cursor, SLA marks, outbox rows), so they survive restarts by construction.
 *
 * @example
 * const scheduler = startRemediationScheduler({ service, store, config: config.remediation, logger });
 * await scheduler.stop(); // waits for a running job
 */
export interface RemediationScheduler {
  /** Runs every job once now (tests, `bulwark remediation run`). */
  runAll(): Promise<void>;
  stop(): Promise<void>;
}

export const DIGEST_JOB_KEY = 'remediation.job.digest';

interface DigestJobState {
  nextRunAt: string;
  lastRunAt: string | null;
}

/** The next daily run at `hourUtc` strictly after `from`. */
export function nextDailyRun(from: Date, hourUtc: number): Date {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate(), hourUtc));
  if (d.getTime() <= from.getTime()) d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

export function startRemediationScheduler(deps: {
  service: RemediationService;
  store: Store;
  config: RemediationCoreConfig;
  logger: Logger;
  now?: () => Date;
  /** false: no timers, jobs run only through `runAll` (tests). */
  autostart?: boolean;
}): RemediationScheduler {
  const { service, store, config, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();
  let stopped = false;

  async function digestJob(): Promise<void> {
    if (!config.digest.enabled) return;
    const at = now();
    let state = await store.getMeta<DigestJobState>(DIGEST_JOB_KEY);
    if (!state) {
      state = { nextRunAt: nextDailyRun(at, config.digest.hourUtc).toISOString(), lastRunAt: null };
      await store.setMeta(DIGEST_JOB_KEY, state);
    }
    if (Date.parse(state.nextRunAt) > at.getTime()) return;
    const result = await service.queueDigests();
    logger.info({ digests: result.digests, tasks: result.tasks }, 'remediation digests queued');
    await store.setMeta(DIGEST_JOB_KEY, { nextRunAt: nextDailyRun(at, config.digest.hourUtc).toISOString(), lastRunAt: at.toISOString() });
  }

  const jobs: Array<{ name: string; everyMs: number; run: () => Promise<unknown> }> = [
    { name: 'sync', everyMs: config.syncSeconds * 1000, run: () => service.sync() },
    { name: 'sla', everyMs: config.slaCheckMinutes * 60_000, run: () => service.checkSla() },
    // Checked every minute; it sends only when its stored next run is due.
    { name: 'digest', everyMs: 60_000, run: digestJob },
    { name: 'outbox', everyMs: config.delivery.pollSeconds * 1000, run: drainOutbox },
  ];

  /** Sends due messages in batches until none is due (bounded per tick). */
  async function drainOutbox(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const r = await service.deliverDue();
      if (r.sent + r.retried + r.dead === 0) break;
    }
  }

  function track<T>(p: Promise<T>): Promise<T> {
    running.add(p);
    void p.finally(() => running.delete(p)).catch(() => undefined);
    return p;
  }

  // One run of a job at a time: a timer and `runAll` never run the same job side by side (the digest
  // job reads, sends and then moves its next run: two at once could both send).
  const lanes = new Map<string, Promise<unknown>>();
  function runJob(job: (typeof jobs)[number]): Promise<unknown> {
    const run = (lanes.get(job.name) ?? Promise.resolve()).then(() => job.run());
    lanes.set(job.name, run.catch(() => undefined));
    return track(run);
  }

  function schedule(job: (typeof jobs)[number], delayMs: number): void {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void runJob(job)
        .catch((err: unknown) => logger.error({ job: job.name, err: (err as Error).message }, 'remediation job failed'))
        .finally(() => schedule(job, job.everyMs));
    }, delayMs);
    timer.unref();
    timers.add(timer);
  }

  if (deps.autostart !== false) for (const job of jobs) schedule(job, 0);

  return {
    async runAll() {
      for (const job of jobs) await runJob(job);
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...running]);
    },
  };
}
