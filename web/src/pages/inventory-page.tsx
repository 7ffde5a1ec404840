import { useMemo } from 'react';
import { exportUrls, type EndpointQuery, type EndpointSort } from '../api.js';
import { useApp } from '../app-context.js';
import { FactorBadges, MethodBadge, RiskBadge } from '../components/badges.js';
import { ErrorBanner, Loading } from '../components/feedback.js';
import { FilterBar, FilterSelect, FilterText, intParam, YES_NO } from '../components/filters.js';
import { PageHeader } from '../components/page.js';
import { Pager, SortHeader, TableScroll, type Order } from '../components/table.js';
import { formatAgo, formatDateTime, formatNumber } from '../format.js';
import { AUTH_KIND_OPTIONS, authKindLabel, HTTP_METHOD_OPTIONS, RISK_LEVELS, riskLevelLabel } from '../labels.js';
import { href, pathOf, updateQuery, useRoute } from '../router.js';
import { useLoad } from '../use-load.js';

/** Every server sort key with the order its first click gives; a complete record, so a new key fails the build. */
const SORT_DEFAULT_ORDER: Record<EndpointSort, Order> = {
  risk: 'desc',
  calls: 'desc',
  consumers: 'desc',
  lastSeen: 'desc',
  firstSeen: 'desc',
  path: 'asc',
  host: 'asc',
  method: 'asc',
  application: 'asc',
  api: 'asc',
};
const isSort = (s: string | null): s is EndpointSort => s !== null && Object.hasOwn(SORT_DEFAULT_ORDER, s);

const FILTER_KEYS = [
  'search',
  'host',
  'method',
  'riskLevel',
  'minScore',
  'internetExposed',
  'authenticated',
  'authKind',
  'plainHttp',
  'documented',
  'dataClass',
  'application',
] as const;

/** The API's base path when the API is host + path (the host has its own column). */
function apiBase(api: string, host: string): string {
  return api.startsWith(host) ? api.slice(host.length) || '/' : api;
}

export function InventoryPage() {
  const { api, can } = useApp();
  const route = useRoute();
  const q = route.query;
  const rawSort = q.get('sort');
  const sort: EndpointSort = isSort(rawSort) ? rawSort : 'risk';
  const order: Order = q.get('order') === 'asc' ? 'asc' : q.get('order') === 'desc' ? 'desc' : SORT_DEFAULT_ORDER[sort];
  const filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, q.get(k) ?? ''])) as Record<(typeof FILTER_KEYS)[number], string>;
  const query: EndpointQuery = {
    ...filters,
    limit: intParam(q.get('limit'), 50, 500) || 50,
    offset: intParam(q.get('offset'), 0),
    sort,
    order,
  };
  const queryKey = JSON.stringify(query);
  const page = useLoad(() => api.endpoints(query), queryKey);
  const classes = useLoad(() => api.dataClasses(), 'data-classes');
  const canApps = can('applications:read');
  const apps = useLoad(() => (canApps ? api.applications() : Promise.resolve({ items: [] })), `apps:${canApps}`);
  const appNames = useMemo(() => new Map((apps.data?.items ?? []).map((a) => [a.id, a.name])), [apps.data]);
  const active = FILTER_KEYS.filter((k) => filters[k] !== '').length;
  const onSort = (key: EndpointSort, next: Order) => updateQuery({ sort: key, order: next, offset: null });
  const sortProps = { sort, order, onSort };

  return (
    <div className="page">
      <PageHeader
        title="API inventory"
        subtitle="Every endpoint discovered in traffic, with its risk and why."
        actions={
          <a className="btn" href={exportUrls.endpointsCsv(query)} download>
            Export CSV
          </a>
        }
      />
      <FilterBar label="Filter endpoints" active={active} onClear={() => updateQuery({ ...Object.fromEntries(FILTER_KEYS.map((k) => [k, null])), offset: null })}>
        <FilterText name="search" label="Search" value={filters.search} placeholder="Path, host or API" width="wide" />
        <FilterText name="host" label="Host" value={filters.host} type="text" placeholder="api.example.com" />
        <FilterSelect name="method" label="Method" value={filters.method} options={HTTP_METHOD_OPTIONS.map((m) => ({ value: m, label: m }))} />
        <FilterSelect name="riskLevel" label="Risk level" value={filters.riskLevel} options={RISK_LEVELS.map((l) => ({ value: l, label: riskLevelLabel(l) }))} />
        <FilterText name="minScore" label="Min. score" value={filters.minScore} type="number" min={0} max={10} step={0.5} width="narrow" />
        <FilterSelect name="internetExposed" label="Internet exposed" value={filters.internetExposed} options={YES_NO} />
        <FilterSelect name="authenticated" label="Authenticated" value={filters.authenticated} options={YES_NO} />
        <FilterSelect name="authKind" label="Auth kind" value={filters.authKind} options={AUTH_KIND_OPTIONS.map((k) => ({ value: k, label: authKindLabel(k) }))} />
        <FilterSelect name="plainHttp" label="Plain HTTP" value={filters.plainHttp} options={YES_NO} />
        <FilterSelect name="documented" label="Documented" value={filters.documented} options={YES_NO} />
        <FilterSelect
          name="dataClass"
          label="Sensitive data"
          value={filters.dataClass}
          options={(classes.data?.items ?? []).map((c) => ({ value: c.id, label: c.title }))}
        />
        {canApps ? (
          <FilterSelect name="application" label="Application" value={filters.application} options={(apps.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))} />
        ) : (
          <FilterText name="application" label="Application" value={filters.application} type="text" />
        )}
      </FilterBar>
      <ErrorBanner error={page.error} onRetry={page.reload} />
      {!page.data && page.loading && <Loading />}
      {page.data && (
        <div className={page.loading ? 'results is-loading' : 'results'} aria-busy={page.loading}>
          <TableScroll label="Endpoints">
            <table className="table table-inventory">
              <caption className="visually-hidden">
                Endpoints, sorted by {sort} {order === 'asc' ? 'ascending' : 'descending'}
              </caption>
              <thead>
                <tr>
                  <SortHeader label="Risk" sortKey="risk" defaultOrder="desc" {...sortProps} />
                  <SortHeader label="Method" sortKey="method" defaultOrder="asc" {...sortProps} />
                  <SortHeader label="Endpoint" sortKey="path" defaultOrder="asc" {...sortProps} />
                  <th scope="col">Factors</th>
                  <SortHeader label="Host" sortKey="host" defaultOrder="asc" {...sortProps} />
                  <SortHeader label="Application" sortKey="application" defaultOrder="asc" {...sortProps} />
                  <SortHeader label="API" sortKey="api" defaultOrder="asc" {...sortProps} />
                  <SortHeader label="Calls" sortKey="calls" className="num" {...sortProps} />
                  <SortHeader label="Consumers" sortKey="consumers" className="num" {...sortProps} />
                  <SortHeader label="First seen" sortKey="firstSeen" {...sortProps} />
                  <SortHeader label="Last seen" sortKey="lastSeen" {...sortProps} />
                </tr>
              </thead>
              <tbody>
                {page.data.items.length === 0 && (
                  <tr>
                    <td colSpan={11} className="empty-cell">
                      No endpoint matches these filters.
                    </td>
                  </tr>
                )}
                {page.data.items.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <RiskBadge level={r.riskLevel} score={r.riskScore} />
                    </td>
                    <td>
                      <MethodBadge method={r.method} />
                    </td>
                    <th scope="row" className="cell-endpoint">
                      <a className="mono" href={href(pathOf('endpoints', r.id))}>
                        {r.pathTemplate}
                      </a>
                    </th>
                    <td>
                      <FactorBadges
                        internetExposed={r.internetExposed}
                        authenticated={r.authenticated}
                        plainHttp={r.plainHttp}
                        documented={r.documented}
                        dataClasses={r.dataClasses}
                      />
                    </td>
                    <td className="mono small">{r.host}</td>
                    <td>{r.application ?? (r.applicationId ? (appNames.get(r.applicationId) ?? r.applicationId) : <span className="muted">—</span>)}</td>
                    <td className="mono small" title={r.api}>
                      {apiBase(r.api, r.host)}
                    </td>
                    <td className="num">{formatNumber(r.calls)}</td>
                    <td className="num">{formatNumber(r.consumers)}</td>
                    <td title={formatDateTime(r.firstSeen)}>{formatAgo(r.firstSeen)}</td>
                    <td title={formatDateTime(r.lastSeen)}>{formatAgo(r.lastSeen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <Pager
            label="Inventory pages"
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
