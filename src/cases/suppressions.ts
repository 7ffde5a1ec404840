import { MAX_PAGE_SIZE } from '../contracts/limits.js';
import type { IssueDraft, Suppression } from '../contracts/cases.js';

/**
 * Active suppressions at once: each draft is checked against all of them, so their number is bounded (and
 * one store page reads them all).
 */
export const MAX_ACTIVE_SUPPRESSIONS = MAX_PAGE_SIZE;

/**
 * The first suppression whose every given field matches the draft (detector, endpoint, actor, and the
 * location name as `parameter`), or null. Expiry is the caller's: pass only active suppressions.
 *
 * @example
 * matchSuppression(draft, [{ detector: 'sqli-tokens', endpointId: null, actorId: null, parameter: 'q', ... }])
 */
export function matchSuppression(draft: IssueDraft, active: readonly Suppression[]): Suppression | null {
  for (const s of active) {
    if (s.detector !== null && s.detector !== draft.detector) continue;
    if (s.endpointId !== null && s.endpointId !== draft.endpointId) continue;
    if (s.actorId !== null && s.actorId !== draft.actor.id) continue;
    if (s.parameter !== null && s.parameter !== draft.location.name) continue;
    return s;
  }
  return null;
}
