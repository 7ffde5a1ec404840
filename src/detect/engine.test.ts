import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../contracts/api-event.js';
import { DEFAULT_LIMITS } from '../normalize/limits.js';
import { normalizeEvent } from '../normalize/normalize-event.js';
import { createDetectionEngine, rank } from './engine.js';
import { PAYLOAD_DETECTORS } from './payload/index.js';
import { createProfileLearner, PROFILE_DETECTORS } from './profile/index.js';
import type { Detection } from './types.js';

function event(url: string, extra: Record<string, unknown> = {}): ApiEvent {
  const r = normalizeEvent({ timestamp: '2026-01-01T00:00:00Z', request: { method: 'GET', url, headers: { 'user-agent': 'shop-app/2.1' }, ...extra } }, { source: 'ndjson', limits: DEFAULT_LIMITS });
  if (!r.ok) throw new Error(r.reject.reason);
  return r.event;
}

function learned() {
  const learner = createProfileLearner();
  for (let i = 0; i < 200; i++) learner.learn(event(`https://shop.example/products/${1000 + i}?page=${1 + (i % 9)}&sort=${i % 2 ? 'asc' : 'desc'}`));
  return learner.finish();
}

const d = (detector: string, severity: Detection['severity'], confidence: number, name = 'q'): Detection => ({
  detector, category: 'sqli', severity, confidence, owasp: 'API8:2023', mitre: 'T1190', location: { where: 'query', name }, evidence: '',
});

describe('createDetectionEngine', () => {
  it('runs the payload signatures and the learned model on one event, and lists both families of detectors', () => {
    const engine = createDetectionEngine({ profile: learned() });
    const found = engine.inspect(event("https://shop.example/products/1005?page=1' OR '1'='1&sort=asc"));
    const ids = found.map((x) => `${x.detector} ${x.location.where}:${x.location.name}`);
    expect(ids).toContain('anomaly-parameter-profile query:page');
    expect(found.some((x) => x.category === 'sqli' && x.location.name === 'page')).toBe(true);
    expect(engine.detectors).toEqual([...PAYLOAD_DETECTORS, ...PROFILE_DETECTORS]);
  });

  it('without a model runs the signatures only, and a clean event gives nothing', () => {
    const engine = createDetectionEngine();
    expect(engine.detectors).toEqual([...PAYLOAD_DETECTORS]);
    expect(engine.inspect(event('https://shop.example/products/1005?page=3&sort=asc'))).toEqual([]);
    expect(engine.inspect(event("https://shop.example/products/1005?page=1' OR '1'='1&sort=asc")).some((x) => x.category === 'sqli')).toBe(true);
  });

  it('drops what is below the minimum confidence, keeps the surest per detector and location, most severe first', () => {
    const engine = createDetectionEngine({
      payload: () => [d('sqli-a', 'medium', 0.6), d('sqli-a', 'medium', 0.9), d('xss-b', 'high', 0.55), d('cmdi-c', 'high', 0.8), d('low-d', 'low', 0.99), d('weak-e', 'critical', 0.3)],
    });
    expect(engine.inspect(event('https://shop.example/x')).map((x) => [x.detector, x.confidence])).toEqual([
      ['cmdi-c', 0.8], ['xss-b', 0.55], ['sqli-a', 0.9], ['low-d', 0.99],
    ]);
    const strict = createDetectionEngine({ minConfidence: 0.85, payload: () => [d('sqli-a', 'medium', 0.6), d('sqli-a', 'medium', 0.9)] });
    expect(strict.inspect(event('https://shop.example/x')).map((x) => x.confidence)).toEqual([0.9]);
  });

  it('a detector family that throws is counted and reported; the other family still answers', () => {
    const failures: string[] = [];
    const engine = createDetectionEngine({
      profile: learned(),
      payload: () => {
        throw new Error('boom');
      },
      onError: (family, err) => failures.push(`${family}: ${(err as Error).message}`),
    });
    const found = engine.inspect(event("https://shop.example/products/1005?page=1'--&sort=asc"));
    expect(found.map((x) => x.detector)).toContain('anomaly-parameter-profile');
    expect(failures).toEqual(['payload: boom']);
    expect(engine.errors()).toBe(1);
  });
});

describe('rank', () => {
  it('orders by severity, then confidence, then detector id and location (stable for the same input)', () => {
    const input = [d('b', 'low', 0.7), d('a', 'low', 0.7), d('a', 'low', 0.7, 'p'), d('c', 'critical', 0.51), d('z', 'low', 0.95)];
    const out = rank(input, 0.5).map((x) => `${x.detector}:${x.location.name}`);
    expect(out).toEqual(['c:q', 'z:q', 'a:p', 'a:q', 'b:q']);
    expect(rank([...input].reverse(), 0.5).map((x) => `${x.detector}:${x.location.name}`)).toEqual(out);
  });
});
