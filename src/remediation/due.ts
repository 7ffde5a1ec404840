import type { Severity } from '../contracts/finding.js';
import type { SlaState, TaskStatus } from '../contracts/remediation.js';
import { ACTIVE_TASK_STATUSES } from '../contracts/remediation.js';
import type { RemediationCoreConfig } from './config.js';

const DAY_MS = 86_400_000;

/**
 * A task's due date: its creation plus the days its severity allows.
 *
 * @example
 * dueAt('2026-11-01T00:00:00.000Z', 'critical', config.dueDays) // '2026-11-08T00:00:00.000Z'
 */
export function dueAt(createdAt: string, severity: Severity, dueDays: RemediationCoreConfig['dueDays']): string {
  return new Date(Date.parse(createdAt) + dueDays[severity] * DAY_MS).toISOString();
}

/** The instant from which an active task counts as approaching its due date: a quarter of its window before, at least a day. */
export function approachMs(createdMs: number, dueMs: number): number {
  return dueMs - Math.max(DAY_MS, Math.floor((dueMs - createdMs) / 4));
}

/**
 * The SLA state at `now`: active tasks are on track, approaching (the last quarter of their window, at
 * least a day) or overdue; closed ones met or missed their date. The store filters with the same bounds.
 */
export function slaState(t: { status: TaskStatus; createdAt: string; dueAt: string; closedAt: string | null; dueFrom?: string }, now: Date): SlaState {
  const due = Date.parse(t.dueAt);
  if (!ACTIVE_TASK_STATUSES.includes(t.status)) {
    const closed = t.closedAt === null ? now.getTime() : Date.parse(t.closedAt);
    return closed <= due ? 'met' : 'missed';
  }
  const n = now.getTime();
  if (n >= due) return 'overdue';
  if (n >= approachMs(Date.parse(t.dueFrom ?? t.createdAt), due)) return 'approaching';
  return 'on-track';
}
