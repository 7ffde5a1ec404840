import { useMemo } from 'react';
import type { FindingQuery, FindingSort } from '../api.js';
import { useApp } from '../app-context.js';
import { MethodBadge, SeverityBadge, StatusBadge } from '../components/badges.js';
import { Notice } from '../components/feedback.js';
import { FilterBar, FilterSelect, FilterText } from '../components/filters.js';
import { listFromQuery, sortCaption, sortFromQuery } from '../components/list-query.js';
import { PageHeader } from '../components/page.js';
import { PagedTable } from '../components/paged-table.js';
import { SortHeader, type Order } from '../components/table.js';
import { useApplications } from '../components/use-directory.js';
import { formatAgo, formatDateTime, formatNumber } from '../format.js';
import { OWASP_2023, SEVERITIES, severityLabel } from '../labels.js';
import { href, pathOf, updateQuery, useRoute } from '../router.js';
import { useLoad } from '../use-load.js';

const SORT_DEFAULT_ORDER: Record<FindingSort, Order> = {
  severity: 'desc',
  lastSeen: 'desc',
  firstSeen: 'desc',
  count: 'desc',
  rule: 'asc',
  host: 'asc',
};

const FILTER_KEYS = ['search', 'severity', 'minSeverity', 'status', 'owasp', 'ruleId', 'host', 'application', 'endpointId'] as const;

export function FindingsPage() {
  const { api } = useApp();
  const q = useRoute().query;
  const sortProps = sortFromQuery(q, SORT_DEFAULT_ORDER, 'severity');
  const { filters, limit, offset, active, clear } = listFromQuery(q, FILTER_KEYS);
  const query: FindingQuery = { ...filters, limit, offset, sort: sortProps.sort, order: sortProps.order };
  const page = useLoad(() => api.findings(query), JSON.stringify(query));
  const apps = useApplications();
  const owaspOptions = useMemo(() => OWASP_2023.map((o) => ({ value: o.id, label: `${o.id.replace(':2023', '')} ${o.title}` })), []);
  const severityOptions = SEVERITIES.map((s) => ({ value: s, label: severityLabel(s) }));

  return (
    <div className="page">
      <PageHeader title="Findings" subtitle="Posture problems found in traffic, mapped to the OWASP API Security Top 10 (2023)." />
      {filters.endpointId && (
        <Notice>
          Showing the findings of one endpoint.{' '}
          <a href={href(pathOf('endpoints', filters.endpointId))}>Open the endpoint</a> ·{' '}
          <button type="button" className="btn-link" onClick={() => updateQuery({ endpointId: null, offset: null })}>
            Show all endpoints
          </button>
        </Notice>
      )}
      <FilterBar label="Filter findings" active={active} onClear={clear}>
        <FilterText name="search" label="Search" value={filters.search} placeholder="Title, evidence, path" width="wide" />
        <FilterSelect name="severity" label="Severity" value={filters.severity} options={severityOptions} />
        <FilterSelect name="minSeverity" label="At least" value={filters.minSeverity} options={severityOptions} />
        <FilterSelect
          name="status"
          label="Status"
          value={filters.status}
          options={[
            { value: 'open', label: 'Open' },
            { value: 'resolved', label: 'Resolved' },
          ]}
        />
        <FilterSelect name="owasp" label="OWASP category" value={filters.owasp} options={owaspOptions} />
        <FilterText name="ruleId" label="Rule" value={filters.ruleId} type="text" placeholder="rule id" />
        <FilterText name="host" label="Host" value={filters.host} type="text" placeholder="api.example.com" />
        {apps.readable && <FilterSelect name="application" label="Application" value={filters.application} options={apps.options} />}
      </FilterBar>
      <PagedTable
        page={page}
        label="Findings"
        pagerLabel="Findings pages"
        caption={sortCaption('Findings', sortProps)}
        columns={9}
        empty="No finding matches these filters."
        limit={limit}
        offset={offset}
        head={
          <thead>
            <tr>
              <SortHeader label="Severity" sortKey="severity" {...sortProps} />
              <th scope="col">Status</th>
              <SortHeader label="Finding" sortKey="rule" defaultOrder="asc" {...sortProps} />
              <th scope="col">OWASP</th>
              <th scope="col">Endpoint</th>
              <SortHeader label="Host" sortKey="host" defaultOrder="asc" {...sortProps} />
              <SortHeader label="Count" sortKey="count" className="num" {...sortProps} />
              <SortHeader label="First seen" sortKey="firstSeen" {...sortProps} />
              <SortHeader label="Last seen" sortKey="lastSeen" {...sortProps} />
            </tr>
          </thead>
        }
      >
        {(f) => (
          <tr key={f.id}>
            <td>
              <SeverityBadge severity={f.severity} />
            </td>
            <td>
              <StatusBadge status={f.status} />
            </td>
            <th scope="row" className="cell-finding">
              <a href={href(pathOf('findings', f.id))}>{f.title}</a>
              <div className="small muted mono">{f.ruleId}</div>
            </th>
            <td className="nowrap" title={`${f.owasp} ${OWASP_2023.find((o) => o.id === f.owasp)?.title ?? ''}`}>
              {f.owasp.replace(':2023', '')}
            </td>
            <td className="cell-endpoint small">
              {f.endpointId && f.pathTemplate ? (
                <>
                  <MethodBadge method={f.method} />{' '}
                  <a className="mono" href={href(pathOf('endpoints', f.endpointId))}>
                    {f.pathTemplate}
                  </a>
                </>
              ) : (
                <span className="muted">{f.pathTemplate ?? 'host-wide'}</span>
              )}
            </td>
            <td className="mono small">{f.host}</td>
            <td className="num">{formatNumber(f.count)}</td>
            <td title={formatDateTime(f.firstSeen)}>{formatAgo(f.firstSeen)}</td>
            <td title={formatDateTime(f.lastSeen)}>{formatAgo(f.lastSeen)}</td>
          </tr>
        )}
      </PagedTable>
    </div>
  );
}
