import { z } from 'zod';
import { Dashboard, ENDPOINT_SORTS, EndpointDetail, InventoryPage, InventorySummary } from '../../contracts/api.js';
import { AUTH_KINDS, RiskLevel, type EndpointSummary } from '../../contracts/endpoint.js';
import { DataClassInfo } from '../../contracts/data-class.js';
import { OWASP_API_2023 } from '../../contracts/owasp.js';
import { DATA_CLASS_INFOS } from '../../classify/registry.js';
import { applicationScope, can, inScope } from '../../identity/permissions.js';
import { notFound } from '../../errors/domain-errors.js';
import { MAX_PAGE_SIZE, type EndpointQuery } from '../../store/store.js';
import { IdParams, qBool, qEnum, qOpt, qNumber, qString, route, Paging } from '../route-kit.js';
import { principalOf, type ServerContext } from '../context.js';

/** Filters and sort of the inventory, shared by the list and its CSV export. */
const EndpointFilters = z
  .object({
    search: qString(200),
    host: qString(255),
    method: qString(10),
    riskLevel: qOpt(RiskLevel),
    minScore: qNumber(0, 10),
    internetExposed: qBool,
    authenticated: qBool,
    plainHttp: qBool,
    documented: qBool,
    /** How the endpoint relates to the registered specs: documented, shadow, or none (no spec covers its host). */
    coverage: qEnum(['documented', 'shadow', 'none'] as const),
    /** Endpoints documented by, or shadow of, this spec. */
    spec: qString(64),
    authKind: qEnum(AUTH_KINDS),
    dataClass: qString(50),
    application: qString(64),
    sort: qEnum(ENDPOINT_SORTS),
    order: qEnum(['asc', 'desc'] as const),
  })
  .strict();
const EndpointListQuery = EndpointFilters.extend(Paging).strict();

const DEFAULT_LIMIT = 50;
/** CSV exports stop here; the header row says so when they do. */
const MAX_EXPORT_ROWS = 50_000;

function withNames(rows: EndpointSummary[], names: Map<string, string>) {
  return rows.map((r) => ({ ...r, application: r.applicationId ? (names.get(r.applicationId) ?? null) : null }));
}

/** One CSV cell: quoted, with formula-leading characters neutralised (the sheet must not run attacker text). */
function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(' ') : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

const CSV_COLUMNS: [string, (r: ReturnType<typeof withNames>[number]) => unknown][] = [
  ['id', (r) => r.id],
  ['method', (r) => r.method],
  ['host', (r) => r.host],
  ['path', (r) => r.pathTemplate],
  ['api', (r) => r.api],
  ['application', (r) => r.application],
  ['risk_score', (r) => r.riskScore],
  ['risk_level', (r) => r.riskLevel],
  ['internet_exposed', (r) => r.internetExposed],
  ['authenticated', (r) => r.authenticated],
  ['auth_kinds', (r) => r.authKinds],
  ['plain_http', (r) => r.plainHttp],
  ['data_classes', (r) => r.dataClasses],
  ['documented', (r) => r.documented],
  ['coverage', (r) => r.coverage?.status ?? 'none'],
  ['spec', (r) => (r.coverage ? `${r.coverage.specName} v${r.coverage.version}` : '')],
  ['operation', (r) => (r.coverage?.operation ? `${r.coverage.operation.method} ${r.coverage.operation.path}` : '')],
  ['calls', (r) => r.calls],
  ['consumers', (r) => r.consumers],
  ['first_seen', (r) => r.firstSeen],
  ['last_seen', (r) => r.lastSeen],
];

export const inventoryRoutes = [
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/dashboard',
    tag: 'inventory',
    summary: 'API security dashboard figures over the endpoints the caller may see',
    action: 'inventory:read',
    response: Dashboard,
    handler: async ({ principal, ctx }) => {
      const p = principalOf(principal);
      const [f, names] = await Promise.all([ctx.store.dashboard(applicationScope(p), { top: 10, days: 30 }), ctx.applicationNames()]);
      const findingsVisible = can(p, 'findings:read');
      return {
        hosts: f.hosts,
        apis: f.apis,
        endpoints: f.endpoints,
        internetExposed: f.internetExposed,
        unauthenticated: f.unauthenticated,
        plainHttp: f.plainHttp,
        withSensitiveData: f.withSensitiveData,
        sensitiveByClass: Object.entries(f.endpointsByDataClass)
          .map(([id, n]) => ({ dataClass: id, ...ctx.classInfo(id), endpoints: n }))
          .sort((a, b) => b.endpoints - a.endpoints || a.dataClass.localeCompare(b.dataClass)),
        riskDistribution: f.byRiskLevel,
        topRisky: withNames(f.topRisky, names),
        newEndpoints: f.newEndpointsByDay,
        unownedEndpoints: f.unownedEndpoints,
        openFindingsBySeverity: findingsVisible ? f.openFindingsBySeverity : { info: 0, low: 0, medium: 0, high: 0, critical: 0 },
        openFindingsByOwasp: findingsVisible
          ? Object.entries(f.openFindingsByOwasp)
              .map(([owasp, count]) => ({ owasp, title: OWASP_API_2023[owasp] ?? owasp, count }))
              .sort((a, b) => b.count - a.count || a.owasp.localeCompare(b.owasp))
          : [],
      };
    },
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/inventory/summary',
    tag: 'inventory',
    summary: 'Inventory counts (hosts, APIs, endpoints, exposure, risk levels, open findings)',
    action: 'inventory:read',
    response: InventorySummary,
    handler: async ({ principal, ctx }) => {
      const { endpointsByDataClass: _c, topRisky: _t, newEndpointsByDay: _n, openFindingsByOwasp: _o, unownedEndpoints: _u, ...counts } = await ctx.store.dashboard(
        applicationScope(principalOf(principal)),
        { top: 0, days: 0 },
      );
      return counts;
    },
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/data-classes',
    tag: 'inventory',
    summary: 'The sensitive data classes Bulwark detects (built-in and custom)',
    action: 'inventory:read',
    response: z.object({ items: z.array(DataClassInfo) }),
    handler: async ({ ctx }) => {
      const ids = [...DATA_CLASS_INFOS.map((c) => c.id), ...ctx.config.dataClasses.map((c) => c.id)];
      return { items: [...new Set(ids)].map((id) => ({ id, ...ctx.classInfo(id) })) };
    },
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/endpoints',
    tag: 'inventory',
    summary: 'The endpoint inventory: filtered, sorted, paginated (at most 500 per page)',
    action: 'inventory:read',
    query: EndpointListQuery,
    response: InventoryPage,
    handler: async ({ principal, query, ctx }) => {
      const q: EndpointQuery = { ...query, limit: query.limit ?? DEFAULT_LIMIT, scope: applicationScope(principalOf(principal)) };
      const [page, names] = await Promise.all([ctx.store.listEndpoints(q), ctx.applicationNames()]);
      return { ...page, items: withNames(page.items, names) };
    },
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/endpoints/export.csv',
    tag: 'inventory',
    summary: `The filtered inventory as CSV (at most ${MAX_EXPORT_ROWS.toLocaleString('en')} rows)`,
    action: 'inventory:read',
    query: EndpointFilters,
    response: z.string(),
    produces: 'text/csv',
    handler: async ({ principal, query, reply, ctx }) => {
      const scope = applicationScope(principalOf(principal));
      const names = await ctx.applicationNames();
      const lines = [CSV_COLUMNS.map(([h]) => h).join(',')];
      let total = 0;
      for (let offset = 0; offset < MAX_EXPORT_ROWS; offset += MAX_PAGE_SIZE) {
        const page = await ctx.store.listEndpoints({ ...query, scope, limit: MAX_PAGE_SIZE, offset });
        total = page.total;
        for (const r of withNames(page.items, names)) lines.push(CSV_COLUMNS.map(([, get]) => csvCell(get(r))).join(','));
        if (page.items.length < MAX_PAGE_SIZE) break;
      }
      void reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="bulwark-inventory.csv"')
        .header('x-total-count', String(total));
      return lines.join('\r\n') + '\r\n';
    },
  }),
  route<ServerContext>({
    method: 'GET',
    url: '/api/v1/endpoints/:id',
    tag: 'inventory',
    summary: 'One endpoint: risk breakdown, parameters, authentication, traffic, redacted samples, findings',
    action: 'inventory:read',
    params: IdParams,
    response: EndpointDetail,
    handler: async ({ principal, params, ctx }) => {
      const p = principalOf(principal);
      const endpoint = await ctx.store.getEndpoint(params.id);
      // Outside the caller's applications is the same answer as absent: ids reveal nothing.
      if (!endpoint || !inScope(p, endpoint.applicationId)) throw notFound(`endpoint ${params.id} not found`);
      const [samples, findings, names] = await Promise.all([
        can(p, 'samples:read') ? ctx.store.listSamples(endpoint.id, 20) : Promise.resolve([]),
        can(p, 'findings:read') ? ctx.store.listFindings({ endpointId: endpoint.id, limit: 200, scope: applicationScope(p) }) : Promise.resolve({ items: [] }),
        ctx.applicationNames(),
      ]);
      const { traffic, ...rest } = endpoint;
      return {
        endpoint: { ...rest, application: endpoint.applicationId ? (names.get(endpoint.applicationId) ?? null) : null },
        traffic,
        samples: samples.map((s) => ({ timestamp: s.timestamp, event: s.event })),
        findings: findings.items,
      };
    },
  }),
];
