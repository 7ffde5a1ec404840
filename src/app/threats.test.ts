import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import type { ApiEvent } from '../contracts/api-event.js';
import { DEFAULT_LIMITS, normalizeEvent } from '../normalize/index.js';
import type { IngestRecord } from '../pipeline/pipeline.js';
import { createLogger } from '../util/logger.js';
import { openBulwark } from './context.js';

/*
 * Threat detection as `openBulwark` wires it: the detect stage in the pipeline, the cases service as its
 * sink, and the configured exports fed from the service. Real SQLite store, real JSON lines file.
 */

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5QGV4YW1wbGUuY29tIn0.c2lnbmF0dXJlLWZvci10ZXN0cw';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bulwark-threats-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

let clock = Date.parse('2026-11-20T10:00:00.000Z');
function call(url: string, clientAddress = '198.51.100.7'): IngestRecord {
  const r = normalizeEvent(
    {
      timestamp: new Date((clock += 1000)).toISOString(),
      request: { method: 'GET', url, headers: { authorization: `Bearer ${TOKEN}`, 'user-agent': 'shop-app/2.1' }, clientAddress },
      response: { status: 400, headers: { 'content-type': 'application/json' }, body: { contentType: 'application/json', text: '{"error":"bad query"}' } },
    },
    { source: 'ndjson', limits: DEFAULT_LIMITS },
  );
  if (!r.ok) throw new Error(r.reject.reason);
  return { kind: 'event', event: r.event as ApiEvent };
}

describe('threat detection wired by openBulwark', () => {
  it('turns attacks in ingested traffic into one case per actor and target, and exports each issue', async () => {
    const jsonl = join(tmp, 'issues.jsonl');
    const config = loadConfig({ env: { BULWARK_DATA_DIR: join(tmp, 'data') }, overrides: { exports: { jsonl: [{ path: jsonl, minSeverity: 'low' }] } } });
    const bw = await openBulwark(config, createLogger('silent'));
    const report = await bw.pipeline.ingest([
      call('https://shop.example/v1/search?q=tents&page=1'),
      call("https://shop.example/v1/search?q=tents' UNION SELECT username,password FROM users--"),
      call("https://shop.example/v1/search?q=' OR '1'='1"),
      call('https://shop.example/v1/search?q=<script>alert(document.cookie)</script>', '203.0.113.50'),
    ]);
    expect(report.accepted).toBe(4);
    expect(report.detections).toBe(3);
    // The two SQL injections of one actor on one parameter within a minute fold into one issue.
    const issues = await bw.cases.listIssues({ limit: 50 }, null);
    expect(issues.items.map((i) => `${i.detector} x${i.count}`).sort()).toEqual(['sqli-tokens x2', 'xss-markup x1']);

    const cases = await bw.cases.listCases({ limit: 10 }, null);
    // The token's subject is the actor of every call here, so both addresses' attacks are one principal's case.
    expect(cases.total).toBe(1);
    const c = cases.items[0]!;
    expect(c.actor.kind).toBe('principal');
    expect(c.categories).toEqual(expect.arrayContaining(['sqli', 'xss']));
    expect(c.status).toBe('new');
    expect(c.groupingReason).toContain(c.actor.label);
    await bw.close();

    // One line per stored issue, sent before close returned.
    const lines = readFileSync(jsonl, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(JSON.stringify(first)).toContain(c.ref);
    // Exports carry digests and redacted evidence only.
    const text = readFileSync(jsonl, 'utf8');
    for (const raw of [TOKEN, 'mallory@example.com', '198.51.100.7', '203.0.113.50']) expect(text).not.toContain(raw);
  });

  it('runs no detection when detection is off', async () => {
    const config = loadConfig({ env: { BULWARK_DATA_DIR: join(tmp, 'data') }, overrides: { detection: { enabled: false } } });
    const bw = await openBulwark(config, createLogger('silent'));
    const report = await bw.pipeline.ingest([call("https://shop.example/v1/search?q=' OR '1'='1")]);
    expect(report.detections).toBe(0);
    expect((await bw.cases.listCases({ limit: 1 }, null)).total).toBe(0);
    await bw.close();
  });

  it('refuses to start with a learned-model file that does not exist, naming the setting', async () => {
    const config = loadConfig({ env: { BULWARK_DATA_DIR: join(tmp, 'data') }, overrides: { detection: { profileFile: join(tmp, 'missing.json') } } });
    await expect(openBulwark(config, createLogger('silent'))).rejects.toThrow(/detection\.profileFile .*no such file/);
  });
});
