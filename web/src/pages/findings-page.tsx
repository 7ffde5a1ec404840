import { useMemo } from 'react';
import type { FindingQuery, FindingSort } from '../api.js';
import { useApp } from '../app-context.js';
import { MethodBadge, SeverityBadge, StatusBadge } from '../components/badges.js';
import { ErrorBanner, Loading, Notice } from '../components/feedback.js';
import { FilterBar, FilterSelect, FilterText, intParam } from '../components/filters.js';
import { PageHeader } from '../components/page.js';
import { Pager, SortHeader, TableScroll, type Order } from '../components/table.js';
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
const isSort = (s: string | null): s is FindingSort => s !== null && Object.hasOwn(SORT_DEFAULT_ORDER, s);

const FILTER_KEYS = ['search', 'severity', 'minSeverity', 'status', 'owasp', 'ruleId', 'host', 'application', 'endpointId'] as const;

export function FindingsPage() {
  const { api, can } = useApp();
  const route = useRoute();
  const q = route.query;
  const rawSort = q.get('sort');
  const sort: FindingSort = isSort(rawSort) ? rawSort : 'severity';
  const order: Order = q.get('order') === 'asc' ? 'asc' : q.get('order') === 'desc' ? 'desc' : SORT_DEFAULT_ORDER[sort];
  const filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, q.get(k) ?? ''])) as Record<(typeof FILTER_KEYS)[number], string>;
  const query: FindingQuery = { ...filters, limit: intParam(q.get('limit'), 50, 500) || 50, offset: intParam(q.get('offset'), 0), sort, order };
  const page = useLoad(() => api.findings(query), JSON.stringify(query));
  const canApps = can('applications:read');
  const apps = useLoad(() => (canApps ? api.applications() : Promise.resolve({ items: [] })), `apps:${canApps}`);
  const owaspOptions = useMemo(() => OWASP_2023.map((o) => ({ value: o.id, label: `${o.id.replace(':2023', '')} ${o.title}` })), []);
  const severityOptions = SEVERITIES.map((s) => ({ value: s, label: severityLabel(s) }));
  const active = FILTER_KEYS.filter((k) => filters[k] !== '').length;
  const sortProps = { sort, order, onSort: (key: FindingSort, next: Order) => updateQuery({ sort: key, order: next, offset: null }) };

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
      <FilterBar label="Filter findings" active={active} onClear={() => updateQuery({ ...Object.fromEntries(FILTER_KEYS.map((k) => [k, null])), offset: null })}>
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
        {canApps && <FilterSelect name="application" label="Application" value={filters.application} options={(apps.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))} />}
      </FilterBar>
      <ErrorBanner error={page.error} onRetry={page.reload} />
      {!page.data && page.loading && <Loading />}
      {page.data && (
        <div className={page.loading ? 'results is-loading' : 'results'} aria-busy={page.loading}>
          <TableScroll label="Findings">
            <table className="table">
              <caption className="visually-hidden">
                Findings, sorted by {sort} {order === 'asc' ? 'ascending' : 'descending'}
              </caption>
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
              <tbody>
                {page.data.items.length === 0 && (
                  <tr>
                    <td colSpan={9} className="empty-cell">
                      No finding matches these filters.
                    </td>
                  </tr>
                )}
                {page.data.items.map((f) => (
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
                ))}
              </tbody>
            </table>
          </TableScroll>
          <Pager
            label="Findings pages"
            total={page.data.total}
            limit={query.limit ?? 50}
            offset={query.offset ?? 0}
            onChange={(offset, limit) => updateQuery({ offset: offset || null, limit: limit === 50 ? null : limit })}
          />
        </div>
      )}
    </div>
  );
}
