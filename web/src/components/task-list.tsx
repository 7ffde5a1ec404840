/**
 * The remediation task list shared by the board and "My tasks": filters in the URL, server-side sorting and
 * paging, and, for those who manage tasks, selection with bulk assign and "Send to owners".
 */
import { useEffect, useMemo, useState } from 'react';
import type { RemediationTask } from '../../../src/contracts/remediation.js';
import type { TaskQuery, TaskSort } from '../api.js';
import { useApp } from '../app-context.js';
import { formatAgo, formatDateTime, formatNumber } from '../format.js';
import { SEVERITIES, severityLabel, SLA_STATES, slaLabel, TASK_STATUSES, taskStatusLabel } from '../labels.js';
import { href, pathOf, useRoute } from '../router.js';
import { useLoad } from '../use-load.js';
import { SeverityBadge } from './badges.js';
import { useAssignees } from './case-badges.js';
import { ErrorBanner, Notice } from './feedback.js';
import { FilterBar, FilterSelect, FilterText, type Option } from './filters.js';
import { Field } from './form.js';
import { listFromQuery, sortCaption, sortFromQuery } from './list-query.js';
import { PagedTable } from './paged-table.js';
import { SortHeader, type Order } from './table.js';
import { DueText, SlaBadge, TaskStatusBadge, TaskWhere } from './task-badges.js';
import { useAction } from './use-action.js';
import { UNOWNED_OPTION, useApplications } from './use-directory.js';

const FILTER_KEYS = ['q', 'state', 'status', 'sla', 'severity', 'application', 'assignee'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

/** Each sort key with the order its first click gives: soonest due first, most severe first, newest first. */
const SORT_DEFAULT_ORDER: Record<TaskSort, Order> = { due: 'asc', severity: 'desc', updated: 'desc', created: 'desc' };
const SORT_WORDS: Record<TaskSort, string> = { due: 'due date', severity: 'severity', updated: 'last change', created: 'creation' };

/** A link to the board's task list with some filters set. */
export const remediationHref = (filters: Record<string, string | undefined> = {}) => href('/remediation', filters);

export function TaskList({
  label,
  fixed = {},
  hide = [],
  empty,
  onChanged,
}: {
  /** Names the table, its pager and its filters ("Tasks"). */
  label: string;
  /** Query values the page sets and the URL does not (My tasks: `assignee=me`). */
  fixed?: Partial<TaskQuery>;
  /** Filters not offered (those `fixed` sets). */
  hide?: FilterKey[];
  /** What an unfiltered empty list says. */
  empty: string;
  /** After a bulk change (the board reloads its counts). */
  onChanged?: () => void;
}) {
  const { api, can } = useApp();
  const q = useRoute().query;
  const manage = can('tasks:manage');
  const sortProps = sortFromQuery(q, SORT_DEFAULT_ORDER, 'due');
  const { filters, limit, offset, active, clear } = listFromQuery(q, FILTER_KEYS);
  const query: TaskQuery = {
    ...filters,
    // No state in the URL: the work still to do.
    state: filters.state || (filters.status ? 'all' : 'active'),
    ...fixed,
    limit,
    offset,
    sort: sortProps.sort,
    order: sortProps.order,
  };
  const key = JSON.stringify(query);
  const page = useLoad(() => api.tasks(query), key);
  const apps = useApplications();
  const assignees = useAssignees();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  // A new page or filter starts with nothing selected: a selection the user cannot see must not be sent.
  useEffect(() => setSelected(new Set()), [key]);

  const items = page.data?.items ?? [];
  const allSelected = items.length > 0 && items.every((t) => selected.has(t.id));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };

  const appOptions: Option[] = [...apps.options, UNOWNED_OPTION];
  const assigneeOptions: Option[] = [
    { value: 'me', label: 'Me' },
    { value: 'none', label: 'Unassigned' },
    ...assignees.users.items.filter((u) => u.id !== assignees.me).map((u) => ({ value: u.id, label: assignees.nameOf(u.id) })),
  ];
  const shown = (k: FilterKey) => !hide.includes(k);
  const columns = manage ? 9 : 8;

  return (
    <>
      <FilterBar label={`Filter ${label.toLowerCase()}`} active={active} onClear={clear}>
        {shown('q') && <FilterText name="q" label="Search" value={filters.q} placeholder="Ref, title, host, path" width="wide" />}
        {shown('state') && (
          <FilterSelect
            name="state"
            label="State"
            value={filters.state}
            anyLabel={filters.status ? 'Any' : 'Active (to do)'}
            options={[
              { value: 'closed', label: 'Closed (fixed, verified, accepted)' },
              { value: 'all', label: 'All' },
            ]}
          />
        )}
        {shown('status') && <FilterSelect name="status" label="Status" value={filters.status} options={TASK_STATUSES.map((s) => ({ value: s, label: taskStatusLabel(s) }))} />}
        {shown('sla') && <FilterSelect name="sla" label="SLA" value={filters.sla} options={SLA_STATES.map((s) => ({ value: s, label: slaLabel(s) }))} />}
        {shown('severity') && <FilterSelect name="severity" label="Severity" value={filters.severity} options={SEVERITIES.map((s) => ({ value: s, label: severityLabel(s) }))} />}
        {shown('application') && apps.readable && <FilterSelect name="application" label="Application" value={filters.application} options={appOptions} />}
        {shown('assignee') && <FilterSelect name="assignee" label="Assignee" value={filters.assignee} options={assigneeOptions} />}
      </FilterBar>
      {manage && (
        <BulkActions
          ids={items.filter((t) => selected.has(t.id)).map((t) => t.id)}
          onDone={() => {
            setSelected(new Set());
            page.reload();
            onChanged?.();
          }}
        />
      )}
      <PagedTable
        page={page}
        label={label}
        pagerLabel={`${label} pages`}
        caption={sortCaption(label, { sort: SORT_WORDS[sortProps.sort], order: sortProps.order })}
        columns={columns}
        empty={active > 0 ? 'No task matches these filters.' : empty}
        limit={limit}
        offset={offset}
        head={
          <thead>
            <tr>
              {manage && (
                <th scope="col" className="cell-select">
                  <input
                    type="checkbox"
                    aria-label="Select every task on this page"
                    checked={allSelected}
                    disabled={items.length === 0}
                    onChange={(e) => setSelected(e.target.checked ? new Set(items.map((t) => t.id)) : new Set())}
                  />
                </th>
              )}
              <SortHeader label="Severity" sortKey="severity" {...sortProps} />
              <th scope="col">Task</th>
              <th scope="col">Status</th>
              <th scope="col">SLA</th>
              <SortHeader label="Due" sortKey="due" defaultOrder="asc" {...sortProps} />
              <th scope="col">Application</th>
              <th scope="col">Assignee</th>
              <SortHeader label="Updated" sortKey="updated" {...sortProps} />
            </tr>
          </thead>
        }
      >
        {(t) => (
          <TaskRow
            key={t.id}
            t={t}
            appName={t.applicationId ? (apps.names.get(t.applicationId) ?? t.applicationId) : null}
            assignee={assignees.nameOf(t.assignee)}
            select={manage ? { checked: selected.has(t.id), onChange: (on) => toggle(t.id, on) } : undefined}
          />
        )}
      </PagedTable>
    </>
  );
}

function TaskRow({
  t,
  appName,
  assignee,
  select,
}: {
  t: RemediationTask;
  appName: string | null;
  assignee: string;
  select?: { checked: boolean; onChange: (on: boolean) => void };
}) {
  return (
    <tr className={t.sla === 'overdue' ? 'task-row-overdue' : undefined}>
      {select && (
        <td className="cell-select">
          <input type="checkbox" aria-label={`Select ${t.ref} ${t.title}`} checked={select.checked} onChange={(e) => select.onChange(e.target.checked)} />
        </td>
      )}
      <td>
        <SeverityBadge severity={t.severity} />
      </td>
      <th scope="row" className="cell-task">
        <span className="case-ref mono">{t.ref}</span> <a href={href(pathOf('tasks', t.id))}>{t.title}</a>
        <div className="small">
          <TaskWhere task={t} />
        </div>
        <div className="small muted">
          {formatNumber(t.openFindings)} of {formatNumber(t.findingCount)} {t.findingCount === 1 ? 'finding' : 'findings'} open
        </div>
      </th>
      <td>
        <TaskStatusBadge status={t.status} />
      </td>
      <td>
        <SlaBadge sla={t.sla} />
      </td>
      <td>
        <DueText task={t} />
      </td>
      <td className={appName ? undefined : 'muted'}>{appName ?? 'Unowned'}</td>
      <td className={t.assignee ? undefined : 'muted'}>{assignee}</td>
      <td className="nowrap" title={formatDateTime(t.updatedAt)}>
        {formatAgo(t.updatedAt)}
      </td>
    </tr>
  );
}

/** What a bulk send says: how many messages went to the queue, or why none did. */
function sentMessage(tasks: number, queued: number): { tone: 'success' | 'warn'; text: string } {
  const what = `${formatNumber(tasks)} ${tasks === 1 ? 'task' : 'tasks'}`;
  if (queued === 0) {
    return {
      tone: 'warn',
      text: `No message was queued for ${what}: their applications have no contacts or owners to send to, no email or ticket channel is configured, or the tasks are no longer active.`,
    };
  }
  return {
    tone: 'success',
    text: `Sent ${what}: queued ${formatNumber(queued)} ${queued === 1 ? 'message' : 'messages'} to the owners. Delivery goes on in the background; failed deliveries are retried.`,
  };
}

/** Assign the selected tasks, or send them to their owners now (a digest per owner, a ticket where a tracker is configured). */
function BulkActions({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const { api } = useApp();
  const { me, users, nameOf } = useAssignees();
  const action = useAction();
  const [assignee, setAssignee] = useState('me');
  const [result, setResult] = useState<{ tone: 'success' | 'warn'; text: string } | null>(null);
  const options = useMemo(
    () => [
      { value: 'me', label: 'Me' },
      { value: 'none', label: 'Nobody (unassign)' },
      // The user list only for those who may read users; others assign themselves or nobody.
      ...users.items.filter((u) => u.status === 'active' && u.id !== me).map((u) => ({ value: u.id, label: nameOf(u.id) })),
    ],
    [users.items, me, nameOf],
  );
  const none = ids.length === 0;
  const count = `${formatNumber(ids.length)} ${ids.length === 1 ? 'task' : 'tasks'}`;

  const run = (body: { assignee?: string | null; send?: boolean }) =>
    void action.run(async () => {
      setResult(null);
      const r = await api.bulkTasks({ ids, ...body });
      if (body.send) setResult(sentMessage(ids.length, r.queued));
      else setResult({ tone: 'success', text: `Assigned ${count} to ${body.assignee === null ? 'nobody' : nameOf(body.assignee ?? null)} (${formatNumber(r.updated)} changed).` });
      onDone();
    });

  return (
    <div className="bulk-bar" role="group" aria-label="Bulk actions">
      <span className="bulk-count" aria-live="polite">
        {none ? 'Select tasks to assign them or send them to their owners.' : `${count} selected`}
      </span>
      <div className="bulk-controls">
        <Field label="Assign to">
          <select value={assignee} onChange={(e) => setAssignee(e.target.value)}>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </Field>
        <button type="button" className="btn" disabled={none || action.busy} onClick={() => run({ assignee: assignee === 'none' ? null : assignee === 'me' ? me : assignee })}>
          Assign
        </button>
        <button type="button" className="btn btn-primary" disabled={none || action.busy} onClick={() => run({ send: true })}>
          Send to owners
        </button>
      </div>
      <ErrorBanner error={action.error} />
      {result && <Notice tone={result.tone}>{result.text}</Notice>}
    </div>
  );
}
