/**
 * The small pieces every remediation view shares (board, task lists, task page): status, SLA state, the
 * due date in words and where a task is.
 */
import type { RemediationTask, SlaState, TaskStatus } from '../../../src/contracts/remediation.js';
import { formatDate, formatDateTime, formatDue } from '../format.js';
import { slaLabel, taskStatusLabel } from '../labels.js';
import { MethodBadge } from './badges.js';

/** The status in words; the colour only helps. */
export function TaskStatusBadge({ status }: { status: TaskStatus }) {
  return <span className={`pill task-status-${status}`}>{taskStatusLabel(status)}</span>;
}

/** "SLA: Overdue": the word always, named so that a screen reader does not read a bare "Overdue". */
export function SlaBadge({ sla }: { sla: SlaState }) {
  return (
    <span className={`pill sla-${sla}`}>
      <span className="visually-hidden">SLA: </span>
      {slaLabel(sla)}
    </span>
  );
}

/**
 * The due date in words ("due in 12 days", "3 days overdue") while the task is active; once it is closed,
 * the date. The exact time is in the title.
 */
export function DueText({ task }: { task: Pick<RemediationTask, 'dueAt' | 'sla'> }) {
  const closed = task.sla === 'met' || task.sla === 'missed';
  const overdue = task.sla === 'overdue';
  return (
    <span className={overdue ? 'nowrap warn-text' : 'nowrap'} title={formatDateTime(task.dueAt)}>
      {closed ? `due ${formatDate(task.dueAt)}` : formatDue(task.dueAt)}
    </span>
  );
}

/** Method and path of a task's endpoint, else its host: where the fix goes. */
export function TaskWhere({ task }: { task: Pick<RemediationTask, 'method' | 'pathTemplate' | 'host'> }) {
  return (
    <span className="task-where">
      <MethodBadge method={task.method} /> <span className="mono break">{`${task.host}${task.pathTemplate ?? ''}`}</span>
    </span>
  );
}
