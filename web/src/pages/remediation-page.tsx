import { useId } from 'react';
import type { OwnerGroup } from '../../../src/contracts/remediation.js';
import { useApp } from '../app-context.js';
import { SeverityBadge } from '../components/badges.js';
import { Loaded } from '../components/feedback.js';
import { PageHeader } from '../components/page.js';
import { remediationHref, TaskList } from '../components/task-list.js';
import { formatNumber } from '../format.js';
import { SEVERITIES } from '../labels.js';
import { useRoute } from '../router.js';
import { useLoad } from '../use-load.js';

const EMPTY_BOARD =
  'No remediation tasks yet. Tasks appear when findings need a fix: posture findings from traffic, spec-audit and conformance findings, and cases flagged for a fix. ' +
  "Each task goes to the owner of the finding's application, with a due date by severity.";

/** The practitioner's board: active tasks per application owner, then every task with filters and bulk actions. */
export function RemediationPage() {
  const { api } = useApp();
  const board = useLoad(() => api.taskBoard(), 'task-board');
  const current = useRoute().query.get('application') ?? '';
  return (
    <div className="page">
      <PageHeader
        title="Remediation board"
        subtitle="Findings that need a fix, grouped into tasks per application owner, each with a due date by severity. Bulwark verifies fixes from later traffic and spec versions."
      />
      <Loaded load={board}>{(groups) => <OwnerGroups groups={groups} current={current} />}</Loaded>
      <h2 className="section-title">Tasks</h2>
      <TaskList label="Tasks" empty={EMPTY_BOARD} onChanged={board.reload} />
    </div>
  );
}

/** One card an owner: what is active, overdue and close to due, by severity; each card filters the list below. */
function OwnerGroups({ groups, current }: { groups: OwnerGroup[]; current: string }) {
  if (groups.length === 0) return <p className="empty">No active task for any owner.</p>;
  return (
    <ul className="owner-groups" aria-label="Owners">
      {groups.map((g) => (
        <OwnerCard key={g.applicationId ?? 'none'} g={g} current={current === (g.applicationId ?? 'none')} />
      ))}
    </ul>
  );
}

function OwnerCard({ g, current }: { g: OwnerGroup; current: boolean }) {
  const titleId = useId();
  const name = g.applicationName ?? (g.applicationId === null ? 'Unowned' : g.applicationId);
  const severities = SEVERITIES.filter((s) => (g.bySeverity[s] ?? 0) > 0);
  return (
    <li className={current ? 'owner-card owner-card-current' : 'owner-card'} aria-labelledby={titleId}>
      <h3 id={titleId} className="owner-card-title">
        <a href={remediationHref({ application: g.applicationId ?? 'none' })} aria-current={current ? 'true' : undefined}>
          {name}
        </a>
      </h3>
      <p className="small muted owner-card-team">{g.applicationId === null ? 'No ownership rule claims these endpoints' : g.team ? `Team ${g.team}` : 'No team recorded'}</p>
      <dl className="owner-counts">
        <div>
          <dt>Active</dt>
          <dd>{formatNumber(g.active)}</dd>
        </div>
        <div className={g.overdue > 0 ? 'owner-count-overdue' : undefined}>
          <dt>Overdue</dt>
          <dd>{formatNumber(g.overdue)}</dd>
        </div>
        <div className={g.approaching > 0 ? 'owner-count-approaching' : undefined}>
          <dt>Approaching</dt>
          <dd>{formatNumber(g.approaching)}</dd>
        </div>
      </dl>
      {severities.length > 0 && (
        <p className="severity-counts" aria-label="Active tasks by severity">
          {severities.map((s) => (
            <span key={s} className="nowrap">
              <SeverityBadge severity={s} /> {formatNumber(g.bySeverity[s] ?? 0)}
            </span>
          ))}
        </p>
      )}
    </li>
  );
}

/**
 * The caller's own work: a workload owner's active tasks (of their applications: the API shows them no
 * other), a practitioner's active tasks assigned to them.
 */
export function MyTasksPage() {
  const { can } = useApp();
  const assignedOnly = can('tasks:manage');
  return (
    <div className="page">
      <PageHeader
        title="My tasks"
        subtitle={
          assignedOnly
            ? 'The remediation tasks assigned to you. Mark a task in progress while you work on it and fixed once the change is live: Bulwark then verifies the fix.'
            : 'The remediation tasks of your applications. Mark a task in progress while you work on it and fixed once the change is live: Bulwark then verifies the fix.'
        }
      />
      <TaskList
        label="My tasks"
        fixed={assignedOnly ? { assignee: 'me' } : {}}
        hide={assignedOnly ? ['assignee'] : []}
        empty={assignedOnly ? 'No task is assigned to you. The remediation board lists every task.' : 'Nothing to do: your applications have no active remediation task.'}
      />
    </div>
  );
}
