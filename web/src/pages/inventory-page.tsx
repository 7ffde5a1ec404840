import { exportUrls, type EndpointQuery, type EndpointSort } from '../api.js';
import { useApp } from '../app-context.js';
import { FactorBadges, MethodBadge, RiskBadge } from '../components/badges.js';
import { CoverageBadge } from '../components/conformance.js';
import { FilterBar, FilterSelect, FilterText, YES_NO } from '../components/filters.js';
import { listFromQuery, sortCaption, sortFromQuery } from '../components/list-query.js';
import { PageHeader } from '../components/page.js';
import { PagedTable } from '../components/paged-table.js';
import { SortHeader, type Order } from '../components/table.js';
import { UNOWNED_OPTION, useApplications } from '../components/use-directory.js';
import { formatAgo, formatDateTime, formatNumber } from '../format.js';
import { AUTH_KIND_OPTIONS, authKindLabel, HTTP_METHOD_OPTIONS, RISK_LEVELS, riskLevelLabel } from '../labels.js';
import { href, pathOf, useRoute } from '../router.js';
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
  'coverage',
  'spec',
  'dataClass',
  'application',
] as const;

/** The API's base path when the API is host + path (the host has its own column). */
function apiBase(api: string, host: string): string {
  return api.startsWith(host) ? api.slice(host.length) || '/' : api;
}

const COVERAGE_OPTIONS = [
  { value: 'documented', label: 'Documented by a spec' },
  { value: 'shadow', label: 'Shadow (not in its spec)' },
  { value: 'none', label: 'No spec for the host' },
];

export function InventoryPage() {
  const { api, can } = useApp();
  const q = useRoute().query;
  const sortProps = sortFromQuery(q, SORT_DEFAULT_ORDER, 'risk');
  const { filters, limit, offset, active, clear } = listFromQuery(q, FILTER_KEYS);
  const query: EndpointQuery = { ...filters, limit, offset, sort: sortProps.sort, order: sortProps.order };
  const page = useLoad(() => api.endpoints(query), JSON.stringify(query));
  const classes = useLoad(() => api.dataClasses(), 'data-classes');
  const apps = useApplications();
  const specs = useLoad(() => (can('specs:read') ? api.specs({ limit: 500, sort: 'name' }) : Promise.resolve(null)), 'inventory-specs');

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
      <FilterBar label="Filter endpoints" active={active} onClear={clear}>
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
        <FilterSelect name="coverage" label="Spec coverage" value={filters.coverage} options={COVERAGE_OPTIONS} />
        {specs.data ? (
          <FilterSelect name="spec" label="Spec" value={filters.spec} options={specs.data.items.map((sp) => ({ value: sp.id, label: sp.name }))} />
        ) : (
          filters.spec !== '' && <FilterText name="spec" label="Spec" value={filters.spec} type="text" />
        )}
        <FilterSelect
          name="dataClass"
          label="Sensitive data"
          value={filters.dataClass}
          options={(classes.data?.items ?? []).map((c) => ({ value: c.id, label: c.title }))}
        />
        {apps.readable ? (
          <FilterSelect name="application" label="Application" value={filters.application} options={[...apps.options, UNOWNED_OPTION]} />
        ) : (
          <FilterText name="application" label="Application" value={filters.application} type="text" />
        )}
      </FilterBar>
      <PagedTable
        page={page}
        label="Endpoints"
        pagerLabel="Inventory pages"
        tableClassName="table table-inventory"
        caption={sortCaption('Endpoints', sortProps)}
        columns={12}
        empty="No endpoint matches these filters."
        limit={limit}
        offset={offset}
        head={
          <thead>
            <tr>
              <SortHeader label="Risk" sortKey="risk" defaultOrder="desc" {...sortProps} />
              <SortHeader label="Method" sortKey="method" defaultOrder="asc" {...sortProps} />
              <SortHeader label="Endpoint" sortKey="path" defaultOrder="asc" {...sortProps} />
              <th scope="col">Factors</th>
              <SortHeader label="Host" sortKey="host" defaultOrder="asc" {...sortProps} />
              <SortHeader label="Application" sortKey="application" defaultOrder="asc" {...sortProps} />
              <SortHeader label="API" sortKey="api" defaultOrder="asc" {...sortProps} />
              <th scope="col">Spec</th>
              <SortHeader label="Calls" sortKey="calls" className="num" {...sortProps} />
              <SortHeader label="Consumers" sortKey="consumers" className="num" {...sortProps} />
              <SortHeader label="First seen" sortKey="firstSeen" {...sortProps} />
              <SortHeader label="Last seen" sortKey="lastSeen" {...sortProps} />
            </tr>
          </thead>
        }
      >
        {(r) => (
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
              <FactorBadges internetExposed={r.internetExposed} authenticated={r.authenticated} plainHttp={r.plainHttp} documented={r.documented} dataClasses={r.dataClasses} />
            </td>
            <td className="mono small">{r.host}</td>
            <td>{r.application ?? (r.applicationId ? (apps.names.get(r.applicationId) ?? r.applicationId) : <span className="muted">—</span>)}</td>
            <td className="mono small" title={r.api}>
              {apiBase(r.api, r.host)}
            </td>
            <td>
              <CoverageBadge coverage={r.coverage} />
            </td>
            <td className="num">{formatNumber(r.calls)}</td>
            <td className="num">{formatNumber(r.consumers)}</td>
            <td title={formatDateTime(r.firstSeen)}>{formatAgo(r.firstSeen)}</td>
            <td title={formatDateTime(r.lastSeen)}>{formatAgo(r.lastSeen)}</td>
          </tr>
        )}
      </PagedTable>
    </div>
  );
}
