import type { CaseResolution, ThreatCase } from '../contracts/cases.js';
import { SEVERITY_RANK, type Severity } from '../contracts/finding.js';
import { MAX_CASE_LIST, type CaseGrowth, type CaseUpdate } from './store.js';
import { earlierOf, laterOf } from './timestamps.js';

/** A case as the store keeps it: the document plus what only the store's merge needs. */
export interface StoredCaseState {
  case: ThreatCase;
  /** An analyst set the severity: issues no longer raise it. */
  severityPinned: boolean;
  issueSeverity: Severity;
}

export interface GrownCase {
  state: StoredCaseState;
  /** Set when the growth reopened a resolved case: what it was resolved as. */
  reopenedFrom: { resolution: CaseResolution | null; resolvedAt: string | null } | null;
}

/**
 * The rule every adapter applies when a batch grows a stored case (same pattern as `mergeFinding`).
 * Counters add up, so two writers never lose each other's issues; the analyst's fields (status, assignee,
 * a pinned severity) are read here, inside the write, so an analyst's change made while the batch was
 * being planned is kept. A case that is resolved by now reopens: it got a new matching issue.
 */
export function growCase(stored: StoredCaseState, g: CaseGrowth, at: string): GrownCase {
  const c = stored.case;
  const issueSeverity = higher(stored.issueSeverity, g.issueSeverity);
  const next: ThreatCase = {
    ...c,
    title: g.title ?? c.title,
    severity: stored.severityPinned ? c.severity : higher(c.severity, issueSeverity),
    categories: mergeList(g.categories, c.categories),
    detectors: mergeList(g.detectors, c.detectors),
    endpointIds: mergeList(g.endpointIds, c.endpointIds),
    issueCount: c.issueCount + g.issues,
    eventCount: c.eventCount + g.events,
    firstSeen: earlierOf(c.firstSeen, g.firstSeen),
    lastSeen: laterOf(c.lastSeen, g.lastSeen),
    updatedAt: at,
  };
  let reopenedFrom: GrownCase['reopenedFrom'] = null;
  if (c.status === 'resolved') {
    reopenedFrom = { resolution: c.resolution, resolvedAt: c.resolvedAt };
    Object.assign(next, { status: 'new', resolution: null, resolvedAt: null, reopened: c.reopened + 1 });
  }
  return { state: { case: next, severityPinned: stored.severityPinned, issueSeverity }, reopenedFrom };
}

/** An analyst's change (or the flag-for-fix link). A severity set here is pinned. */
export function updateCaseState(stored: StoredCaseState, u: CaseUpdate): StoredCaseState {
  const next: ThreatCase = { ...stored.case, updatedAt: u.updatedAt };
  if (u.status !== undefined) next.status = u.status;
  if (u.resolution !== undefined) next.resolution = u.resolution;
  if (u.resolvedAt !== undefined) next.resolvedAt = u.resolvedAt;
  if (u.assignee !== undefined) next.assignee = u.assignee;
  if (u.flaggedFindingId !== undefined) next.flaggedFindingId = u.flaggedFindingId;
  if (u.severity !== undefined) next.severity = u.severity;
  return { case: next, severityPinned: stored.severityPinned || u.severity !== undefined, issueSeverity: stored.issueSeverity };
}

function higher(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a;
}

/** `first`'s order first, then the rest of `then`, without duplicates, at most `MAX_CASE_LIST`. */
export function mergeList(first: readonly string[], then: readonly string[]): string[] {
  const out = new Set<string>();
  for (const list of [first, then]) {
    for (const v of list) {
      if (out.size >= MAX_CASE_LIST) return [...out];
      out.add(v);
    }
  }
  return [...out];
}
