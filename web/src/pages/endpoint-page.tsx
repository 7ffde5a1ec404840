import type { ReactNode } from 'react';
import type { EndpointDetail } from '../../../src/contracts/api.js';
import type { RiskFactor } from '../../../src/contracts/endpoint.js';
import { useApp } from '../app-context.js';
import { MethodBadge, RiskBadge } from '../components/badges.js';
import { CoverageLine } from '../components/conformance.js';
import { StackedColumns } from '../components/charts.js';
import { FindingCard } from '../components/finding-card.js';
import { DetailPage, Fact, PageHeader, Section } from '../components/page.js';
import { SampleView } from '../components/sample-view.js';
import { numHead, TableHead, TableScroll } from '../components/table.js';
import { formatAgo, formatDateTime, formatHour, formatNumber, formatPercent } from '../format.js';
import { authKindLabel } from '../labels.js';
import { href } from '../router.js';
import { useLoad } from '../use-load.js';

type Detail = EndpointDetail['endpoint'];

export function EndpointPage({ id }: { id: string }) {
  const { api } = useApp();
  const detail = useLoad(() => api.endpoint(id), `endpoint:${id}`);
  return (
    <DetailPage list={{ label: 'API inventory', href: href('/inventory') }} kind="Endpoint" load={detail}>
      {(data) => <EndpointBody detail={data} />}
    </DetailPage>
  );
}

/** Milliseconds as people read them: 0.42, 3.5, 237. */
function ms(n: number): string {
  return n >= 10 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
}

function EndpointBody({ detail }: { detail: EndpointDetail }) {
  const { can } = useApp();
  const e = detail.endpoint;
  return (
    <>
      <PageHeader
        title={
          <>
            <MethodBadge method={e.method} /> <span className="mono break">{e.pathTemplate}</span>
          </>
        }
        subtitle={
          <>
            <span className="mono">{e.host}</span> · API <span className="mono">{e.api}</span> · Application {e.application ?? <span className="muted">none</span>}
          </>
        }
        actions={
          can('findings:read') ? (
            <a className="btn" href={href('/findings', { endpointId: e.id })}>
              All findings of this endpoint
            </a>
          ) : undefined
        }
      />
      <Facts e={e} />
      <div className="grid-2">
        <Section title="Risk score">
          <RiskBreakdown e={e} />
        </Section>
        <Section title="Authentication and transport">
          <AuthView e={e} />
        </Section>
      </div>
      <Section title="Traffic">
        <StackedColumns
          caption="Calls per hour by status class"
          unit="calls"
          series={[
            { key: 's2xx', label: '2xx', tone: 'ok' },
            { key: 's3xx', label: '3xx', tone: 'info' },
            { key: 's4xx', label: '4xx', tone: 'medium' },
            { key: 's5xx', label: '5xx', tone: 'critical' },
          ]}
          data={detail.traffic.map((p) => ({
            label: formatHour(p.t),
            tick: p.t.slice(5, 13).replace('T', ' ') + 'h',
            values: { s2xx: p.s2xx, s3xx: p.s3xx, s4xx: p.s4xx, s5xx: p.s5xx },
          }))}
        />
        <div className="grid-2 grid-tight">
          <StatusCodes codes={e.statusCodes} />
          <Responses e={e} />
        </div>
      </Section>
      <Section title={`Parameters (${e.parameters.length})`}>
        <Parameters e={e} />
      </Section>
      {e.dataClasses.length > 0 && (
        <Section title="Sensitive data">
          <TableScroll label="Sensitive data locations">
            <table className="table table-compact">
              <TableHead columns={['Data class', 'Direction', 'Location', 'Names']} />
              <tbody>
                {e.dataClasses.map((d, i) => (
                  <tr key={i}>
                    <th scope="row">
                      <span className="tag tag-data">{d.dataClass}</span>
                    </th>
                    <td>{d.direction}</td>
                    <td>{d.location}</td>
                    <td className="mono break">{d.names.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </Section>
      )}
      {e.template.evidence.length > 0 && (
        <Section title="Path template">
          <p className="small">
            Learned from {e.template.origin === 'spec' ? 'a known OpenAPI specification' : 'traffic'}, confidence {formatPercent(e.template.confidence)}.
          </p>
          <ul className="plain-list small">
            {e.template.evidence.map((line, i) => (
              <li key={i} className="mono break">
                {line}
              </li>
            ))}
          </ul>
        </Section>
      )}
      {can('samples:read') && (
        <Section title={`Sample requests and responses (${detail.samples.length})`}>
          {detail.samples.length === 0 ? (
            <p className="empty">No samples kept for this endpoint.</p>
          ) : (
            <>
              <p className="small muted">Secrets and personal data were replaced by typed placeholders before the samples were stored.</p>
              {detail.samples.map((s, i) => (
                <SampleView key={i} index={i} timestamp={s.timestamp} event={s.event} />
              ))}
            </>
          )}
        </Section>
      )}
      {can('findings:read') && (
        <Section title={`Findings (${detail.findings.length})`}>
          {detail.findings.length === 0 ? <p className="empty">No findings for this endpoint.</p> : detail.findings.map((f) => <FindingCard key={f.id} finding={f} />)}
        </Section>
      )}
    </>
  );
}

function Facts({ e }: { e: Detail }) {
  const totalTransport = e.encryption.plainHttpCalls + e.encryption.tlsCalls;
  return (
    <dl className="facts">
      <Fact term="Risk">
        <RiskBadge level={e.risk.level} score={e.risk.score} />
      </Fact>
      <Fact term="Calls">{formatNumber(e.calls)}</Fact>
      <Fact term="Consumers">{formatNumber(e.consumers)}</Fact>
      <Fact term="Internet exposed">
        {e.exposure.internetExposed ? <span className="tag tag-warn">Yes</span> : 'No'}{' '}
        <span className="small muted">
          ({formatNumber(e.exposure.publicClientCalls)} public / {formatNumber(e.exposure.privateClientCalls)} private)
        </span>
      </Fact>
      <Fact term="Encryption">
        {e.encryption.plainHttpCalls > 0 ? <span className="tag tag-warn">Plain HTTP {formatNumber(e.encryption.plainHttpCalls)}</span> : 'TLS only'}
        {totalTransport > 0 && Object.keys(e.encryption.tlsVersions).length > 0 && (
          <span className="small muted">
            {' '}
            ({Object.entries(e.encryption.tlsVersions)
              .map(([v, n]) => `${v} ${formatNumber(n)}`)
              .join(', ')})
          </span>
        )}
      </Fact>
      <Fact term="Spec">
        {e.coverage || !e.documented ? <CoverageLine coverage={e.coverage} /> : 'Documented (a spec file of the discovery settings)'}
      </Fact>
      <Fact term="Latency">{e.latencyMs ? `p50 ${ms(e.latencyMs.p50)} · p90 ${ms(e.latencyMs.p90)} · p99 ${ms(e.latencyMs.p99)} ms` : '—'}</Fact>
      <Fact term="First seen" title={formatDateTime(e.firstSeen)}>{formatAgo(e.firstSeen)}</Fact>
      <Fact term="Last seen" title={formatDateTime(e.lastSeen)}>{formatAgo(e.lastSeen)}</Fact>
    </dl>
  );
}

function RiskBreakdown({ e }: { e: Detail }) {
  const factors = [...e.risk.factors].sort((a, b) => b.points - a.points);
  const maxPoints = Math.max(0.0001, ...factors.map((f) => f.weight));
  const total = factors.reduce((s, f) => s + f.points, 0);
  return (
    <>
      <p className="risk-summary">
        <RiskBadge level={e.risk.level} score={e.risk.score} /> <span className="muted">out of 10</span>
      </p>
      <TableScroll label="Risk factors">
        <table className="table table-compact">
          <caption className="visually-hidden">Risk factors with weight, value and points</caption>
          <TableHead
            columns={['Factor', numHead('Weight'), numHead('Value'), numHead('Points'), { key: 'bar', label: <span className="visually-hidden">Share of weight</span>, className: 'col-bar' }]}
          />
          <tbody>
            {factors.map((f) => (
              <FactorRow key={f.id} f={f} max={maxPoints} />
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Sum</th>
              <td />
              <td />
              <td className="num">{total.toFixed(2)}</td>
              <td />
            </tr>
          </tfoot>
        </table>
      </TableScroll>
      <p className="small">
        <strong>Formula:</strong> <code className="break">{e.risk.formula}</code>
      </p>
    </>
  );
}

function FactorRow({ f, max }: { f: RiskFactor; max: number }) {
  const weightPct = (f.weight / max) * 100;
  const pointsPct = (f.points / max) * 100;
  return (
    <tr className={f.points > 0 ? undefined : 'row-muted'}>
      <th scope="row">
        {f.label}
        {f.detail && <div className="small muted">{f.detail}</div>}
      </th>
      <td className="num">{f.weight}</td>
      <td className="num">{f.value.toFixed(2)}</td>
      <td className="num">
        <strong>{f.points.toFixed(2)}</strong>
      </td>
      <td className="col-bar" aria-hidden="true">
        <svg className="factor-bar" viewBox="0 0 100 8" preserveAspectRatio="none">
          <rect className="factor-bar-weight" x={0} y={0} width={weightPct} height={8} />
          <rect className="factor-bar-points" x={0} y={0} width={pointsPct} height={8} />
        </svg>
      </td>
    </tr>
  );
}

function AuthView({ e }: { e: Detail }) {
  const kinds = Object.entries(e.auth.kinds).sort((a, b) => b[1] - a[1]);
  const jwt = e.auth.jwt;
  return (
    <>
      {kinds.length === 0 ? (
        <p className="empty">No authentication observed.</p>
      ) : (
        <CallShareTable
          label="Observed authentication"
          caption="Observed authentication kinds with call counts"
          captionHidden
          keyHead="Kind"
          rows={kinds}
          renderKey={(kind) => (kind === 'none' ? <span className="tag tag-warn">{authKindLabel(kind)}</span> : authKindLabel(kind))}
        />
      )}
      {jwt && (
        <dl className="kv">
          <dt>JWT algorithms</dt>
          <dd>
            {jwt.algs.length ? jwt.algs.map((a) => <span key={a} className={a.toLowerCase() === 'none' || a.startsWith('HS') ? 'tag tag-warn mono' : 'tag mono'}>{a}</span>) : '—'}
          </dd>
          <dt>Claims</dt>
          <dd className="mono break">{jwt.claims.length ? jwt.claims.join(', ') : '—'}</dd>
          <dt>Issuers</dt>
          <dd className="mono break">{jwt.issuers.length ? jwt.issuers.join(', ') : '—'}</dd>
          <dt>Tokens without exp</dt>
          <dd>{jwt.withoutExp > 0 ? <span className="tag tag-warn">{formatNumber(jwt.withoutExp)}</span> : '0'}</dd>
        </dl>
      )}
    </>
  );
}

function StatusCodes({ codes }: { codes: Record<string, number> }) {
  return (
    <CallShareTable
      label="Status codes"
      caption="Status codes"
      keyHead="Status"
      rows={Object.entries(codes).sort((a, b) => a[0].localeCompare(b[0]))}
      renderKey={(code) => <span className={`pill status-code status-${code.charAt(0)}xx`}>{code}</span>}
    />
  );
}

/** Calls per key with each key's share of all of them: observed authentication kinds, status codes. */
function CallShareTable({
  label,
  caption,
  captionHidden = false,
  keyHead,
  rows,
  renderKey,
}: {
  label: string;
  caption: string;
  captionHidden?: boolean;
  keyHead: string;
  /** Key and call count, in the order to show. */
  rows: Array<[string, number]>;
  renderKey: (key: string) => ReactNode;
}) {
  const total = rows.reduce((a, [, n]) => a + n, 0);
  return (
    <TableScroll label={label}>
      <table className="table table-compact">
        <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <TableHead columns={[keyHead, numHead('Calls'), numHead('Share')]} />
        <tbody>
          {rows.map(([key, n]) => (
            <tr key={key}>
              <th scope="row">{renderKey(key)}</th>
              <td className="num">{formatNumber(n)}</td>
              <td className="num">{total > 0 ? formatPercent(n / total) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function Responses({ e }: { e: Detail }) {
  if (e.responses.length === 0) return null;
  return (
    <TableScroll label="Responses">
      <table className="table table-compact">
        <caption>Response content types</caption>
        <TableHead columns={['Status', 'Content types', numHead('Count')]} />
        <tbody>
          {e.responses.map((r) => (
            <tr key={r.status}>
              <th scope="row">{r.status}</th>
              <td className="mono small">
                {Object.entries(r.contentTypes)
                  .map(([t, n]) => `${t} (${formatNumber(n)})`)
                  .join(', ') || '—'}
              </td>
              <td className="num">{formatNumber(r.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function Parameters({ e }: { e: Detail }) {
  if (e.parameters.length === 0) return <p className="empty">No parameters observed.</p>;
  const fmt = (r: Record<string, number>) =>
    Object.entries(r)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} (${formatNumber(n)})`)
      .join(', ');
  return (
    <TableScroll label="Parameters">
      <table className="table table-compact">
        <caption className="visually-hidden">Parameters by direction and location, with types and data classes</caption>
        <TableHead columns={['Name', 'Direction', 'Location', 'Types', 'Formats', 'Data classes', numHead('Seen')]} />
        <tbody>
          {e.parameters.map((p, i) => (
            <tr key={`${p.direction}-${p.location}-${p.name}-${i}`}>
              <th scope="row" className="mono break">
                {p.name}
              </th>
              <td>{p.direction}</td>
              <td>{p.location}</td>
              <td className="mono small">{fmt(p.types) || '—'}</td>
              <td className="mono small">{fmt(p.formats) || '—'}</td>
              <td>
                {p.dataClasses.length ? (
                  <span className="tags">
                    {p.dataClasses.map((c) => (
                      <span key={c} className="tag tag-data">
                        {c}
                      </span>
                    ))}
                  </span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td className="num">{formatNumber(p.seen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
