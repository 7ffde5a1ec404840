import type { CaseSummary } from '../../../src/contracts/cases.js';
import { exportUrls, type CaseQuery } from '../api.js';
import { useApp } from '../app-context.js';
import { SeverityBadge } from '../components/badges.js';
import { ActorLabel, casesHref, CaseStatusBadge, CaseTarget, CategoryTags, useAssignees } from '../components/case-badges.js';
import { Loaded, Notice } from '../components/feedback.js';
import { FilterBar, FilterSelect, FilterText, type Option } from '../components/filters.js';
import { listFromQuery } from '../components/list-query.js';
import { PageHeader } from '../components/page.js';
import { PagedTable } from '../components/paged-table.js';
import { TableHead } from '../components/table.js';
import { Tile } from '../components/tile.js';
import { useApplications } from '../components/use-directory.js';
import { formatAgo, formatDateTime, formatNumber } from '../format.js';
import { CASE_RESOLUTIONS, CASE_STATUSES, caseStatusLabel, resolutionLabel, SEVERITIES, severityLabel } from '../labels.js';
import { href, pathOf, updateQuery, useRoute } from '../router.js';
import { useLoad } from '../use-load.js';

const FILTER_KEYS = ['q', 'status', 'severity', 'detector', 'applicationId', 'assignee', 'actorId'] as const;

const EMPTY_QUEUE =
  'No cases yet. Cases appear when the detectors flag attacks in ingested traffic (SQL injection, XSS, path traversal, credential stuffing, BOLA…): ' +
  'the issues of one actor against one application or host, close together in time, form one case. Send traffic with bulwark ingest or the ingest API.';

export function CasesPage() {
  const { api } = useApp();
  const q = useRoute().query;
  const { filters, limit, offset, active, clear } = listFromQuery(q, FILTER_KEYS);
  const query: CaseQuery = { ...filters, limit, offset };
  const page = useLoad(() => api.cases(query), JSON.stringify(query));
  const summary = useLoad(() => api.caseSummary(), 'case-summary');
  const apps = useApplications();
  const assignees = useAssignees();

  const assigneeOptions: Option[] = [
    { value: 'me', label: 'Me' },
    { value: 'none', label: 'Unassigned' },
    ...assignees.users.items.filter((u) => u.id !== assignees.me).map((u) => ({ value: u.id, label: assignees.nameOf(u.id) })),
  ];

  return (
    <div className="page">
      <PageHeader
        title="Cases"
        subtitle="Attacks detected in live traffic, grouped by actor and target. Newest activity first."
        actions={
          <a className="btn" href={exportUrls.casesJsonLines(query)} download>
            Export JSON lines
          </a>
        }
      />
      <Loaded load={summary}>{(s) => <QueueCounts s={s} />}</Loaded>
      {filters.actorId && (
        <Notice>
          Showing the cases of one actor (keyed id <span className="mono">{filters.actorId}</span>).{' '}
          <button type="button" className="btn-link" onClick={() => updateQuery({ actorId: null, offset: null })}>
            Show every actor
          </button>
        </Notice>
      )}
      <FilterBar label="Filter cases" active={active} onClear={clear}>
        <FilterText name="q" label="Search" value={filters.q} placeholder="Ref, title, actor, path" width="wide" />
        <FilterSelect name="status" label="Status" value={filters.status} options={CASE_STATUSES.map((s) => ({ value: s, label: caseStatusLabel(s) }))} />
        <FilterSelect name="severity" label="Severity" value={filters.severity} options={SEVERITIES.map((s) => ({ value: s, label: severityLabel(s) }))} />
        <FilterText name="detector" label="Detector" value={filters.detector} type="text" placeholder="sqli-tokens" />
        {apps.readable && <FilterSelect name="applicationId" label="Application" value={filters.applicationId} options={apps.options} />}
        <FilterSelect name="assignee" label="Assignee" value={filters.assignee} options={assigneeOptions} />
      </FilterBar>
      <PagedTable
        page={page}
        label="Cases"
        pagerLabel="Cases pages"
        caption="Cases, newest activity first"
        columns={8}
        empty={active > 0 ? 'No case matches these filters.' : EMPTY_QUEUE}
        limit={limit}
        offset={offset}
        head={
          <TableHead
            columns={['Severity', 'Case', 'Status', 'Actor', 'Target', { key: 'issues', label: 'Issues', className: 'num' }, 'Last seen', 'Assignee']}
          />
        }
      >
        {(c) => (
          <tr key={c.id} className={c.status === 'new' ? 'case-row-new' : undefined}>
            <td>
              <SeverityBadge severity={c.severity} />
            </td>
            <th scope="row" className="cell-case">
              <span className="case-ref mono">{c.ref}</span> <a href={href(pathOf('cases', c.id))}>{c.title}</a>
              <div>
                <CategoryTags categories={c.categories} />
              </div>
            </th>
            <td>
              <CaseStatusBadge status={c.status} resolution={null} />
              {c.resolution && <div className="small muted nowrap">{resolutionLabel(c.resolution)}</div>}
            </td>
            <td className="small">
              <ActorLabel actor={c.actor} />
            </td>
            <td className="small">
              <CaseTarget c={c} names={apps.names} />
            </td>
            <td className="num">
              {formatNumber(c.issueCount)}
              <div className="small muted">
                {formatNumber(c.eventCount)} {c.eventCount === 1 ? 'event' : 'events'}
              </div>
            </td>
            <td className="nowrap" title={formatDateTime(c.lastSeen)}>
              {formatAgo(c.lastSeen)}
            </td>
            <td className={c.assignee ? undefined : 'muted'}>{assignees.nameOf(c.assignee)}</td>
          </tr>
        )}
      </PagedTable>
    </div>
  );
}

/** The queue's header: what waits for triage, what is being worked, what is open by severity, what was closed this week. */
function QueueCounts({ s }: { s: CaseSummary }) {
  const resolved = CASE_RESOLUTIONS.reduce((sum, r) => sum + (s.resolvedLast7Days[r] ?? 0), 0);
  const resolvedDetail = CASE_RESOLUTIONS.filter((r) => (s.resolvedLast7Days[r] ?? 0) > 0)
    .map((r) => `${formatNumber(s.resolvedLast7Days[r] ?? 0)} ${resolutionLabel(r).toLowerCase()}`)
    .join(', ');
  const open = SEVERITIES.filter((sev) => (s.openBySeverity[sev] ?? 0) > 0);
  return (
    <div className="tiles tiles-compact" role="list" aria-label="Case counts">
      <div role="listitem">
        <Tile label="New" value={s.new} detail="waiting for triage" link={casesHref({ status: 'new' })} tone={s.new > 0 ? 'warn' : undefined} />
      </div>
      <div role="listitem">
        <Tile label="Investigating" value={s.investigating} link={casesHref({ status: 'investigating' })} />
      </div>
      {open.map((sev) => (
        <div role="listitem" key={sev}>
          <Tile label={`Open ${severityLabel(sev).toLowerCase()}`} value={s.openBySeverity[sev] ?? 0} tone={`sev-${sev}`} />
        </div>
      ))}
      <div role="listitem">
        <Tile label="Resolved, 7 days" value={resolved} detail={resolvedDetail || undefined} link={casesHref({ status: 'resolved' })} />
      </div>
    </div>
  );
}
