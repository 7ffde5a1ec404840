import type { Finding } from '../../../src/contracts/finding.js';
import { useApp } from '../app-context.js';
import { MethodBadge, SeverityBadge, StatusBadge } from '../components/badges.js';
import { ErrorBanner, Loading } from '../components/feedback.js';
import { PageHeader, Section } from '../components/page.js';
import { formatDateTime, formatNumber } from '../format.js';
import { OWASP_2023 } from '../labels.js';
import { href, pathOf } from '../router.js';
import { useLoad } from '../use-load.js';

export function FindingPage({ id }: { id: string }) {
  const { api } = useApp();
  const { data, error, loading, reload } = useLoad(() => api.finding(id), `finding:${id}`);
  return (
    <div className="page">
      <p className="breadcrumb">
        <a href={href('/findings')}>Findings</a> <span aria-hidden="true">›</span> Finding
      </p>
      {error !== undefined && !data && <PageHeader title="Finding" />}
      <ErrorBanner error={error} onRetry={reload} />
      {!data && loading && <Loading />}
      {data && <FindingBody f={data} />}
    </div>
  );
}

function FindingBody({ f }: { f: Finding }) {
  const { can } = useApp();
  const owaspTitle = OWASP_2023.find((o) => o.id === f.owasp)?.title;
  const cweNumber = f.cwe.replace('CWE-', '');
  return (
    <>
      <PageHeader
        title={f.title}
        subtitle={
          <span className="header-badges">
            <SeverityBadge severity={f.severity} /> <StatusBadge status={f.status} /> <span className="mono">{f.ruleId}</span>
          </span>
        }
        actions={
          <a className="btn" href={href('/findings', { ruleId: f.ruleId })}>
            Same rule elsewhere
          </a>
        }
      />
      <dl className="facts">
        <div>
          <dt>OWASP API Top 10</dt>
          <dd>
            <a href={href('/findings', { owasp: f.owasp })}>{f.owasp}</a>
            {owaspTitle && <div className="small muted">{owaspTitle}</div>}
          </dd>
        </div>
        <div>
          <dt>CWE</dt>
          <dd>
            <a href={`https://cwe.mitre.org/data/definitions/${encodeURIComponent(cweNumber)}.html`} target="_blank" rel="noreferrer noopener">
              {f.cwe}
              <span className="visually-hidden"> (opens in a new tab)</span>
            </a>
          </dd>
        </div>
        <div>
          <dt>Where</dt>
          <dd>
            {f.endpointId && can('inventory:read') ? (
              <>
                <MethodBadge method={f.method} />{' '}
                <a className="mono break" href={href(pathOf('endpoints', f.endpointId))}>
                  {f.pathTemplate ?? f.endpointId}
                </a>
              </>
            ) : (
              <span className="mono break">
                {f.method} {f.pathTemplate ?? '(host-wide)'}
              </span>
            )}
            <div className="small mono">{f.host}</div>
          </dd>
        </div>
        <div>
          <dt>Occurrences</dt>
          <dd>{formatNumber(f.count)}</dd>
        </div>
        <div>
          <dt>First seen</dt>
          <dd>{formatDateTime(f.firstSeen)}</dd>
        </div>
        <div>
          <dt>Last seen</dt>
          <dd>{formatDateTime(f.lastSeen)}</dd>
        </div>
      </dl>
      <Section title="Evidence">
        <p>{f.evidence.summary}</p>
        {f.evidence.location && (
          <p>
            <strong>Location:</strong> <code className="break">{f.evidence.location}</code>
          </p>
        )}
        {f.evidence.sample && (
          <>
            <h3 className="h-small">Redacted sample</h3>
            <pre className="code-block">{f.evidence.sample}</pre>
          </>
        )}
      </Section>
      <Section title="Remediation">
        <p className="remediation-text">{f.remediation}</p>
      </Section>
      <p className="small muted">
        Finding id <span className="mono">{f.id}</span>: the stable fingerprint of rule, endpoint and discriminator.
      </p>
    </>
  );
}
