import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBulwark, type Bulwark } from '../app/context.js';
import { loadConfig } from '../config/config.js';
import type { OutboxMessage } from '../contracts/remediation.js';
import { DEFAULT_LIMITS, normalizeEvent } from '../normalize/index.js';
import { createLogger } from '../util/logger.js';
import type { DeliveryChannel } from './delivery/channel.js';
import { DIGEST_JOB_KEY, nextDailyRun, startRemediationScheduler } from './scheduler.js';
import { createRemediationService } from './service.js';

describe('nextDailyRun', () => {
  it('is the next time the hour comes round, strictly after the instant', () => {
    expect(nextDailyRun(new Date('2026-11-24T07:59:59.000Z'), 8).toISOString()).toBe('2026-11-24T08:00:00.000Z');
    expect(nextDailyRun(new Date('2026-11-24T08:00:00.000Z'), 8).toISOString()).toBe('2026-11-25T08:00:00.000Z');
    expect(nextDailyRun(new Date('2026-12-31T23:30:00.000Z'), 0).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});

describe('remediation scheduler', () => {
  let tmp: string;
  let bw: Bulwark;
  beforeEach(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'bulwark-scheduler-'));
    bw = await openBulwark(loadConfig({ env: { BULWARK_DATA_DIR: join(tmp, 'data') }, overrides: { detection: { enabled: false } } }), createLogger('silent'));
    const t = '2026-11-01T00:00:00.000Z';
    await bw.store.createApplication({ id: 'app-shop', name: 'Shop', owners: [], matchers: [{ host: 'shop.example' }], team: null, contacts: ['shop@example.com'], criticality: 'medium', dataTags: [], createdAt: t, updatedAt: t });
    const r = normalizeEvent(
      { timestamp: '2026-11-20T10:00:00.000Z', request: { method: 'GET', url: 'https://shop.example/v1/orders?api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc', headers: {} }, response: { status: 200, headers: { 'strict-transport-security': 'max-age=1' } } },
      { source: 'ndjson', limits: DEFAULT_LIMITS },
    );
    if (!r.ok) throw new Error(r.reject.reason);
    // Remediation is synced by the scheduler here, not by the pipeline: ingest through a pipeline flush anyway.
    await bw.pipeline.ingest([{ kind: 'event', event: r.event }]);
  });
  afterEach(async () => {
    await bw.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  function process(now: () => Date, got: OutboxMessage[]) {
    const email: DeliveryChannel = { name: 'email', kind: 'email', accepts: (m) => m.kind === 'digest', send: async (m) => (got.push(m), {}), close: async () => {} };
    const config = bw.config.remediation;
    const service = createRemediationService({ store: bw.store, config, channels: [email], logger: bw.logger, now });
    return startRemediationScheduler({ service, store: bw.store, config, logger: bw.logger, now, autostart: false });
  }

  it('keeps the digest\'s next run in the store: a restart neither skips nor repeats a day', async () => {
    const got: OutboxMessage[] = [];
    let now = new Date('2026-11-24T07:00:00.000Z');
    const first = process(() => now, got);
    await first.runAll();
    expect(got).toHaveLength(0);
    expect(await bw.store.getMeta(DIGEST_JOB_KEY)).toEqual({ nextRunAt: '2026-11-24T08:00:00.000Z', lastRunAt: null });
    await first.stop();

    // Down over the digest hour; the next start sends the missed digest once.
    now = new Date('2026-11-24T09:30:00.000Z');
    const second = process(() => now, got);
    await second.runAll();
    await second.runAll();
    expect(got.map((m) => m.kind)).toEqual(['digest']);
    expect(await bw.store.getMeta(DIGEST_JOB_KEY)).toEqual({ nextRunAt: '2026-11-25T08:00:00.000Z', lastRunAt: '2026-11-24T09:30:00.000Z' });
    await second.stop();
  });
});
