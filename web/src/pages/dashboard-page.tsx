import type { Dashboard, InventoryRow } from '../../../src/contracts/api.js';
import { useApp } from '../app-context.js';
import { FactorBadges, MethodBadge, RiskBadge } from '../components/badges.js';
import { AreaChart, BarList, ColumnChart, type BarDatum } from '../components/charts.js';
import { Loaded } from '../components/feedback.js';
import { PageHeader, Section } from '../components/page.js';
import { ThreatPanel } from '../components/threat-panel.js';
import { Tile } from '../components/tile.js';
import { TableHead, TableScroll } from '../components/table.js';
import { formatAgo, formatDateTime, formatDay, formatNumber, formatPercent } from '../format.js';
import { RISK_LEVELS, riskLevelLabel, SEVERITIES, severityLabel } from '../labels.js';
import { href, pathOf } from '../router.js';
import { useLoad } from '../use-load.js';

export function DashboardPage() {
  const { api, can, session } = useApp();
  const dashboard = useLoad(() => api.dashboard(), 'dashboard');
  // A workload owner's dashboard covers their applications only: unowned endpoints are outside it.
  const unowned = session.user.role !== 'workload-owner';
  return (
    <div className="page">
      <PageHeader title="API security dashboard" subtitle="Posture of every API Bulwark has seen in your traffic." />
      <Loaded load={dashboard}>{(d) => <DashboardBody d={d} findings={can('findings:read')} cases={can('cases:read')} unowned={unowned} />}</Loaded>
    </div>
  );
}

function share(part: number, whole: number): string | undefined {
  return whole > 0 ? `${formatPercent(part / whole)} of endpoints` : undefined;
}

/** One column a level (risk level, severity), in the level's colour, each linking to its filtered list. */
function levelColumns<L extends string>(levels: readonly L[], label: (l: L) => string, counts: Partial<Record<L, number>>, link: (l: L) => string): BarDatum[] {
  return levels.map((l) => ({ key: l, label: label(l), value: counts[l] ?? 0, tone: l, href: link(l) }));
}

function DashboardBody({ d, findings, cases, unowned }: { d: Dashboard; findings: boolean; cases: boolean; unowned: boolean }) {
  const openFindings = SEVERITIES.reduce((sum, s) => sum + (d.openFindingsBySeverity[s] ?? 0), 0);
  return (
    <>
      <div className="tiles" role="list" aria-label="Key figures">
        <div role="listitem">
          <Tile label="APIs" value={d.apis} detail={`on ${formatNumber(d.hosts)} hosts`} link={href('/inventory', { sort: 'api', order: 'asc' })} />
        </div>
        <div role="listitem">
          <Tile label="Endpoints" value={d.endpoints} link={href('/inventory')} />
        </div>
        <div role="listitem">
          <Tile label="Internet exposed" value={d.internetExposed} detail={share(d.internetExposed, d.endpoints)} link={href('/inventory', { internetExposed: 'true' })} tone="warn" />
        </div>
        <div role="listitem">
          <Tile label="Unauthenticated" value={d.unauthenticated} detail={share(d.unauthenticated, d.endpoints)} link={href('/inventory', { authenticated: 'false' })} tone="warn" />
        </div>
        <div role="listitem">
          <Tile label="With sensitive data" value={d.withSensitiveData} detail={share(d.withSensitiveData, d.endpoints)} />
        </div>
        <div role="listitem">
          <Tile label="Plain HTTP" value={d.plainHttp} detail={share(d.plainHttp, d.endpoints)} link={href('/inventory', { plainHttp: 'true' })} tone="warn" />
        </div>
        {unowned && (
          <div role="listitem">
            <Tile
              label="Unowned endpoints"
              value={d.unownedEndpoints}
              detail={d.unownedEndpoints > 0 ? 'no ownership rule claims them' : 'every endpoint has an owner'}
              link={href('/inventory', { application: 'none' })}
              tone={d.unownedEndpoints > 0 ? 'warn' : undefined}
            />
          </div>
        )}
        {findings && (
          <div role="listitem">
            <Tile label="Open findings" value={openFindings} link={href('/findings', { status: 'open' })} tone="warn" />
          </div>
        )}
      </div>

      {cases && <ThreatPanel />}

      <div className="grid-2">
        <Section title="Risk distribution">
          <ColumnChart
            caption="Endpoints by risk level"
            unit="endpoints"
            data={levelColumns(RISK_LEVELS, riskLevelLabel, d.riskDistribution, (level) => href('/inventory', { riskLevel: level }))}
          />
        </Section>
        {findings && (
          <Section title="Open findings by severity">
            <ColumnChart
              caption="Open findings by severity"
              unit="open findings"
              data={levelColumns(SEVERITIES, severityLabel, d.openFindingsBySeverity, (s) => href('/findings', { status: 'open', severity: s }))}
            />
          </Section>
        )}
        <Section title="Sensitive data">
          <BarList
            caption="Endpoints carrying each class of sensitive data"
            unit="endpoints"
            data={[...d.sensitiveByClass]
              .sort((a, b) => b.endpoints - a.endpoints)
              .map((c) => ({
                key: c.dataClass,
                label: c.title,
                value: c.endpoints,
                tone: c.sensitivity,
                href: href('/inventory', { dataClass: c.dataClass }),
              }))}
          />
        </Section>
        {findings && (
          <Section title="Open findings by OWASP API Top 10">
            <BarList
              caption="Open findings per OWASP API Security Top 10 (2023) category"
              unit="open findings"
              labelWidth={210}
              data={d.openFindingsByOwasp.map((o) => ({
                key: o.owasp,
                label: `${o.owasp.replace(':2023', '')} ${o.title}`,
                value: o.count,
                tone: 'accent',
                href: href('/findings', { status: 'open', owasp: o.owasp }),
              }))}
            />
          </Section>
        )}
      </div>

      <Section
        title="New endpoints over time"
        actions={
          <a className="card-link" href={href('/inventory', { sort: 'firstSeen', order: 'desc' })}>
            Newest endpoints
          </a>
        }
      >
        <AreaChart caption="Endpoints first seen per day" unit="new endpoints" data={d.newEndpoints.map((p) => ({ label: formatDay(p.day), value: p.count }))} />
      </Section>

      <Section
        title="Riskiest endpoints"
        actions={
          <a className="card-link" href={href('/inventory', { sort: 'risk', order: 'desc' })}>
            Full inventory by risk
          </a>
        }
      >
        <TopRisky rows={d.topRisky} />
      </Section>
    </>
  );
}

function TopRisky({ rows }: { rows: InventoryRow[] }) {
  if (rows.length === 0) return <p className="empty">No endpoints yet. Ingest some traffic to build the inventory.</p>;
  return (
    <TableScroll label="Riskiest endpoints">
      <table className="table">
        <TableHead columns={['Risk', 'Endpoint', 'Host', 'Application', 'Factors', 'Last seen']} />
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                <RiskBadge level={r.riskLevel} score={r.riskScore} />
              </td>
              <th scope="row" className="cell-endpoint">
                <MethodBadge method={r.method} />{' '}
                <a href={href(pathOf('endpoints', r.id))} className="mono">
                  {r.pathTemplate}
                </a>
              </th>
              <td className="mono">{r.host}</td>
              <td>{r.application ?? <span className="muted">—</span>}</td>
              <td>
                <FactorBadges internetExposed={r.internetExposed} authenticated={r.authenticated} plainHttp={r.plainHttp} documented={r.documented} dataClasses={r.dataClasses} />
              </td>
              <td title={formatDateTime(r.lastSeen)}>{formatAgo(r.lastSeen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
