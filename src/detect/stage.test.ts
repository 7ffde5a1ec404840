import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../contracts/api-event.js';
import { IssueDraft } from '../contracts/cases.js';
import { DEFAULT_LIMITS } from '../normalize/limits.js';
import { normalizeEvent } from '../normalize/normalize-event.js';
import { createCredentialReader } from '../redact/credential-facts.js';
import { createRedactor } from '../redact/redactor.js';
import { createDetectionEngine } from './engine.js';
import { createDetectStage, type ActorKey, type DetectContext } from './stage.js';
import type { Detection } from './types.js';

const SECRET = 'stage-test-secret-0123456789';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZUBleGFtcGxlLmNvbSJ9.c2lnbmF0dXJlLXRlc3Q';

function event(url: string, extra: Record<string, unknown> = {}): ApiEvent {
  const r = normalizeEvent(
    {
      timestamp: '2026-11-20T10:00:00Z',
      request: { method: 'GET', url, headers: { authorization: `Bearer ${JWT}`, 'user-agent': 'shop-app/2.1' }, clientAddress: '203.0.113.9', ...extra },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: { contentType: 'application/json', text: '{"email":"alice@example.com","total":12}' } },
    },
    { source: 'ndjson', limits: DEFAULT_LIMITS },
  );
  if (!r.ok) throw new Error(r.reject.reason);
  return r.event;
}

const readFacts = createCredentialReader();
function ctx(e: ApiEvent): DetectContext {
  return {
    ts: Date.parse(e.timestamp),
    facts: readFacts(e, Date.parse(e.timestamp)),
    endpointId: 'ep-1',
    endpointKey: 'shop.example GET /v1/search',
    host: 'shop.example',
    method: 'GET',
    template: '/v1/search',
    pathParamNames: [null, null, null],
  };
}
const actorOf = (e: ApiEvent): ActorKey => ({ kind: 'address', key: e.request.clientAddress ?? 'unknown' });

describe('createDetectStage', () => {
  const redactor = createRedactor({ secret: SECRET });

  it('turns a payload detection into a valid issue draft with a redacted exchange and a digest actor', () => {
    const stage = createDetectStage({ engine: createDetectionEngine(), actorOf, redactor });
    const e = event("https://shop.example/v1/search?q=tents' UNION SELECT username,password FROM users--");
    expect(stage.observe(e, ctx(e))).toBeGreaterThan(0);
    const drafts = stage.drain();
    expect(drafts.length).toBeGreaterThan(0);
    const d = drafts.find((x) => x.category === 'sqli')!;
    expect(IssueDraft.safeParse(d).success).toBe(true);
    expect(d).toMatchObject({ endpointId: 'ep-1', host: 'shop.example', method: 'GET', pathTemplate: '/v1/search', at: '2026-11-20T10:00:00.000Z', cwe: 'CWE-89' });
    expect(d.location).toEqual({ where: 'query', name: 'q' });
    expect(d.actor.kind).toBe('address');
    expect(d.actor.id).toMatch(/^[0-9a-f]{16}$/);
    expect(d.actor.label).toBe(`address ${d.actor.id.slice(0, 8)}`);
    // Nothing raw leaves the stage: not the token, the subject, the address or the response's email.
    const text = JSON.stringify(drafts);
    for (const raw of [JWT, 'alice@example.com', '203.0.113.9']) expect(text).not.toContain(raw);
    expect(d.exchange?.request.headers.authorization).toMatch(/^Bearer \[REDACTED:|^\[REDACTED:/);
    // The drained buffer is empty until the next detection.
    expect(stage.drain()).toEqual([]);
    expect(stage.stats()).toMatchObject({ events: 1, dropped: 0 });
  });

  it('the same actor gets the same digest, another actor another one', () => {
    const stage = createDetectStage({ engine: createDetectionEngine(), actorOf, redactor });
    const a = event("https://shop.example/v1/search?q=' OR '1'='1");
    const b = event("https://shop.example/v1/search?q=' OR '1'='1", { clientAddress: '203.0.113.10' });
    stage.observe(a, ctx(a));
    stage.observe(a, ctx(a));
    stage.observe(b, ctx(b));
    const ids = stage.drain().filter((d) => d.detector === 'sqli-tokens').map((d) => d.actor.id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('a clean event makes no draft', () => {
    const stage = createDetectStage({ engine: createDetectionEngine(), actorOf, redactor });
    const e = event('https://shop.example/v1/search?q=tents&page=2');
    expect(stage.observe(e, ctx(e))).toBe(0);
    expect(stage.drain()).toEqual([]);
  });

  it('adds behavioural detections with their own actor, and survives a behaviour detector that throws', () => {
    const hit: Detection & { actor: ActorKey } = {
      detector: 'bola-test', category: 'bola', severity: 'high', confidence: 0.9, owasp: 'API1:2023', mitre: 'T1190',
      location: { where: 'actor', name: '/v1/search' }, evidence: '30 distinct ids in 5 min', actor: { kind: 'principal', key: 'p:42' },
    };
    let calls = 0;
    const behaviour = {
      detectors: [],
      observe: () => {
        if (calls++ === 1) throw new Error('bug');
        return [hit];
      },
    };
    const errors: string[] = [];
    const stage = createDetectStage({ engine: createDetectionEngine(), behaviour, actorOf, redactor, onError: (f) => errors.push(f) });
    const e = event('https://shop.example/v1/search?q=tents');
    expect(stage.observe(e, ctx(e))).toBe(1);
    expect(stage.observe(e, ctx(e))).toBe(0);
    const [d] = stage.drain();
    expect(d).toMatchObject({ detector: 'bola-test', title: 'bola-test', cwe: 'CWE-693', actor: { kind: 'principal' } });
    expect(errors).toEqual(['behaviour']);
    expect(stage.stats().errors).toBe(1);
  });

  it('bounds the buffer between flushes and counts what it dropped', () => {
    const stage = createDetectStage({ engine: createDetectionEngine(), actorOf, redactor, maxPending: 3 });
    const e = event("https://shop.example/v1/search?q=' OR '1'='1&sort=<script>alert(1)</script>");
    for (let i = 0; i < 5; i++) stage.observe(e, ctx(e));
    expect(stage.drain()).toHaveLength(3);
    expect(stage.stats().dropped).toBe(stage.stats().detections - 3);
  });
});
