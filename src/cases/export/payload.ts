import { createHash } from 'node:crypto';
import type { ThreatCase, ThreatIssue } from '../../contracts/cases.js';

/**
 * The one document every sink exports for an issue: the issue's fields (its redacted triggering exchange
 * only on request: it is large), the case it belongs to, and a stable `event_id`. Webhooks POST it, JSON
 * lines files hold one a line, syslog carries it as the message (RFC 5424) or maps it to CEF fields.
 *
 * @example
 * toExportDocument({ issue, case: c }, { includeExchange: false })
 * // { event_id: '9f0c…', type: 'bulwark.threat-issue', schema_version: 1, issue: { id, detector, … }, case: { id, ref: 'C-42', … } }
 */

/** What the case service hands the exporters: an issue that was stored (new or folded) and its case. */
export interface ExportItem {
  issue: ThreatIssue;
  case: ThreatCase;
}

export interface IssueDocument {
  /** Same issue state, same id: a receiver can drop a delivery it has already seen. A fold (count up) is a new event. */
  event_id: string;
  type: 'bulwark.threat-issue';
  schema_version: 1;
  issue: Omit<ThreatIssue, 'exchange'> & { exchange?: ThreatIssue['exchange'] };
  case: Pick<ThreatCase, 'id' | 'ref' | 'title' | 'status' | 'severity' | 'target' | 'groupingReason' | 'issueCount' | 'eventCount'>;
}

/** 32 hex: digest of the issue id, its count and its last-seen time. */
export function exportEventId(issue: Pick<ThreatIssue, 'id' | 'count' | 'lastSeen'>): string {
  return createHash('sha256').update(`bulwark-issue-event\0${issue.id}\0${issue.count}\0${issue.lastSeen}`).digest('hex').slice(0, 32);
}

/** A snapshot (top-level fields copied), so a case the service changes later does not change what is queued. */
export function toExportDocument(item: ExportItem, opts: { includeExchange: boolean }): IssueDocument {
  const { exchange, ...issue } = item.issue;
  const c = item.case;
  return {
    event_id: exportEventId(item.issue),
    type: 'bulwark.threat-issue',
    schema_version: 1,
    issue: opts.includeExchange ? { ...issue, exchange } : issue,
    case: {
      id: c.id,
      ref: c.ref,
      title: c.title,
      status: c.status,
      severity: c.severity,
      target: c.target,
      groupingReason: c.groupingReason,
      issueCount: c.issueCount,
      eventCount: c.eventCount,
    },
  };
}

/** One line of a JSON lines file: JSON escapes every newline inside, so the only one is the last. */
export function toJsonLine(doc: IssueDocument): string {
  return JSON.stringify(doc) + '\n';
}
