import type { Finding } from '../../../src/contracts/finding.js';
import { useApp } from '../app-context.js';
import { MethodBadge, SeverityBadge, StatusBadge } from '../components/badges.js';
import { DetailPage, Fact, PageHeader, Section } from '../components/page.js';
import { formatDateTime, formatNumber } from '../format.js';
import { OWASP_2023 } from '../labels.js';
import { href, pathOf } from '../router.js';
import { useLoad } from '../use-load.js';

export function FindingPage({ id }: { id: string }) {
  const { api } = useApp();
  const finding = useLoad(() => api.finding(id), `finding:${id}`);
  return (
    <DetailPage list={{ label: 'Findings', href: href('/findings') }} kind="Finding" load={finding}>
      {(f) => <FindingBody f={f} />}
    </DetailPage>
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
        <Fact term="OWASP API Top 10">
          <a href={href('/findings', { owasp: f.owasp })}>{f.owasp}</a>
          {owaspTitle && <div className="small muted">{owaspTitle}</div>}
        </Fact>
        <Fact term="CWE">
          <a href={`https://cwe.mitre.org/data/definitions/${encodeURIComponent(cweNumber)}.html`} target="_blank" rel="noreferrer noopener">
            {f.cwe}
            <span className="visually-hidden"> (opens in a new tab)</span>
          </a>
        </Fact>
        <Fact term="Where">
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
        </Fact>
        <Fact term="Occurrences">{formatNumber(f.count)}</Fact>
        <Fact term="First seen">{formatDateTime(f.firstSeen)}</Fact>
        <Fact term="Last seen">{formatDateTime(f.lastSeen)}</Fact>
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
