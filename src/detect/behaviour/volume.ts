import { LogHistogram } from './bounded.js';
import { RATE_ENDPOINT_ANOMALY, SCRAPING_RESPONSE_SIZE } from './detectors.js';
import { confidenceOver, foldMinute, MINUTE, type EventScope, type Tables } from './state.js';

/**
 * Volume against learned per-endpoint baselines:
 *
 * - `rate-endpoint-anomaly`: an actor's requests to one endpoint within a minute (tumbling, in event time).
 *   The endpoint learns the distribution of requests per actor-minute (only minutes with a request count);
 *   after `warmupMinutes` of them, a count above `max(minPerMinute, multiplier x its 99th percentile)` is
 *   flagged. A flagged minute is not learned from, so a long attack does not become the normal.
 * - `scraping-response-size`: a 2xx response far larger than the endpoint's 99th percentile (and at least
 *   `minBytes`), once the endpoint has `warmupResponses` sizes. The size is the body's size as sent
 *   (`body.size`, which normalize keeps exact when it truncates the text), else `Content-Length`.
 */

export function observeRate(t: Tables, s: EventScope): void {
  const { cfg } = t;
  const pair = s.pair;
  if (s.ts - pair.minuteStart >= MINUTE) {
    foldMinute(pair);
    pair.minuteStart = s.ts;
  }
  const n = ++pair.perMinute;
  const base = s.ep.rate;
  if (n < cfg.rate.minPerMinute || base.samples < cfg.rate.warmupMinutes) return;
  const thr = Math.max(cfg.rate.minPerMinute, Math.ceil(cfg.rate.multiplier * base.quantile(0.99)));
  if (n < thr) return;
  pair.minuteFired = true;
  const evidence = `${n} requests to this endpoint within 1 min; its busiest normal actor-minutes reach ${Math.round(base.quantile(0.99))} (threshold ${thr})`;
  t.emit(RATE_ENDPOINT_ANOMALY, s.actor.actor, `${s.actor.actor.key}\u0000${s.ep.key}`, s.ep.template, confidenceOver(n, thr), evidence);
}

function responseSize(s: EventScope): number {
  const res = s.event.response;
  if (res === undefined) return 0;
  if (res.body !== undefined) return res.body.size;
  const cl = res.headers['content-length'];
  return cl === undefined || cl.length > 15 ? 0 : Number(cl) || 0;
}

const kib = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${Math.round(n / 1024)} KiB` : `${Math.round(n)} B`);

export function observeSize(t: Tables, s: EventScope): void {
  if (s.status < 200 || s.status > 299 || s.event.request.method === 'HEAD') return;
  const size = responseSize(s);
  if (size <= 0) return;
  const { cfg } = t;
  const base = (s.ep.size ??= new LogHistogram());
  if (size >= cfg.scraping.minBytes && base.samples >= cfg.scraping.warmupResponses) {
    const p99 = base.quantile(0.99);
    const thr = Math.max(cfg.scraping.minBytes, cfg.scraping.sizeMultiplier * p99);
    if (size >= thr) {
      const evidence = `2xx response of ${kib(size)}, ${Math.round(size / Math.max(1, p99))}x this endpoint's 99th percentile (${kib(p99)})`;
      t.emit(SCRAPING_RESPONSE_SIZE, s.actor.actor, `${s.actor.actor.key}\u0000${s.ep.key}`, s.ep.template, confidenceOver(size, thr), evidence);
      // An outlier that fired is not learned: a scraper pulling huge pages must not raise the bar for itself.
      return;
    }
  }
  base.add(size);
}
