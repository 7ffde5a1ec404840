import type { ApiEvent, ApiRequest } from '../contracts/api-event.js';
import { SEVERITY_RANK } from '../contracts/finding.js';
import type { Classifier } from '../classify/index.js';
import { createCleanValueCache, detectPayloads, PAYLOAD_DETECTORS } from './payload/index.js';
import { createProfileScorer, PROFILE_DETECTORS, type ProfileModel, type ProfileScorer } from './profile/index.js';
import type { Detection, DetectorInfo } from './types.js';

/**
 * One call per event for every per-request detector: the payload signatures (SQL injection, XSS, ...) on
 * the request's decoded values, and, when a learned model is given, the positive model's departures.
 * Stateless apart from the compiled model, so one engine serves any number of events, in any order.
 *
 * @example
 * const engine = createDetectionEngine({ profile: parseProfileModel(JSON.parse(modelText)) });
 * for (const d of engine.inspect(event)) console.log(d.severity, d.detector, d.confidence, d.location);
 */

export interface DetectionEngineOptions {
  /** The learned positive model (from `bulwark learn` or a learning period); without it only signatures run. */
  readonly profile?: ProfileModel;
  /** Detections below this confidence are dropped (default 0.5). */
  readonly minConfidence?: number;
  /** Replaces the payload signature detectors (tests, or a pipeline that runs them elsewhere). */
  readonly payload?: (request: ApiRequest, opts: { minConfidence: number }) => Detection[];
  /** Shared with the rest of the pipeline, so custom data classes also keep evidence clean. */
  readonly classifier?: Classifier;
  /** Told about a detector family that threw; the event still gets the other families' detections. */
  readonly onError?: (family: 'payload' | 'profile', err: unknown) => void;
}

export interface DetectionEngine {
  /** Detections for one event: deduplicated (one per detector and location), most severe and surest first. */
  inspect(event: ApiEvent): Detection[];
  /** Every detector the engine can report, as records (for docs, the console and `scan`'s summary). */
  readonly detectors: readonly DetectorInfo[];
  /** Detector-family failures so far (each also went to `onError`). */
  errors(): number;
}

export const DEFAULT_MIN_CONFIDENCE = 0.5;

export function createDetectionEngine(options: DetectionEngineOptions = {}): DetectionEngine {
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  // Values no signature matched, so the next identical header, cookie or parameter is skipped (bounded, memory only).
  const cleanCache = createCleanValueCache();
  const payloadOpts = { minConfidence, cleanCache };
  const payload = options.payload ?? ((req: ApiRequest) => detectPayloads(req, payloadOpts));
  const scorer: ProfileScorer | undefined =
    options.profile === undefined ? undefined : createProfileScorer(options.profile, options.classifier === undefined ? {} : { classifier: options.classifier });
  const detectors: readonly DetectorInfo[] = Object.freeze([...PAYLOAD_DETECTORS, ...(scorer === undefined ? [] : PROFILE_DETECTORS)]);
  let errors = 0;

  /** A detector family that throws must not take the event (or the pipeline) down with it. */
  function failed(family: 'payload' | 'profile', err: unknown): Detection[] {
    errors++;
    options.onError?.(family, err);
    return [];
  }

  // Called for every event: no closure per call.
  function inspect(event: ApiEvent): Detection[] {
    let found: Detection[];
    try {
      found = payload(event.request, payloadOpts);
    } catch (err) {
      found = failed('payload', err);
    }
    if (scorer !== undefined) {
      try {
        found.push(...scorer.score(event));
      } catch (err) {
        failed('profile', err);
      }
    }
    return rank(found, minConfidence);
  }

  return { inspect, detectors, errors: () => errors };
}

/**
 * Keeps the surest detection of each (detector, location), drops those under `minConfidence`, and sorts by
 * severity, then confidence, then detector id (stable output for the same input).
 */
export function rank(detections: readonly Detection[], minConfidence: number): Detection[] {
  if (detections.length === 0) return [];
  const best = new Map<string, Detection>();
  for (const d of detections) {
    if (!(d.confidence >= minConfidence)) continue;
    const key = `${d.detector}\u0000${d.location.where}\u0000${d.location.name}`;
    const prev = best.get(key);
    if (prev === undefined || d.confidence > prev.confidence) best.set(key, d);
  }
  return [...best.values()].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      b.confidence - a.confidence ||
      (a.detector < b.detector ? -1 : a.detector > b.detector ? 1 : 0) ||
      (a.location.name < b.location.name ? -1 : a.location.name > b.location.name ? 1 : 0),
  );
}
