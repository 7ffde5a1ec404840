import type { Finding } from '../../../src/contracts/finding.js';
import { formatAgo, formatDateTime, formatNumber } from '../format.js';
import { href, pathOf } from '../router.js';
import { SeverityBadge, StatusBadge } from './badges.js';

/**
 * A finding with its evidence and remediation advice, as text. `sample` adds the redacted sample; a task
 * page leaves out the advice (`advice={false}`), which it shows once for all of its findings.
 */
export function FindingCard({ finding, sample = false, advice = true }: { finding: Finding; sample?: boolean; advice?: boolean }) {
  return (
    <article className="finding-card" aria-labelledby={`finding-${finding.id}`}>
      <header className="finding-card-header">
        <SeverityBadge severity={finding.severity} />
        <h3 id={`finding-${finding.id}`}>
          <a href={href(pathOf('findings', finding.id))}>{finding.title}</a>
        </h3>
        <StatusBadge status={finding.status} />
      </header>
      <p className="small muted">
        <span className="mono">{finding.ruleId}</span> · {finding.owasp} · {finding.cwe} · seen {formatNumber(finding.count)}× · last{' '}
        <span title={formatDateTime(finding.lastSeen)}>{formatAgo(finding.lastSeen)}</span>
      </p>
      <p>
        <strong>Evidence:</strong> {finding.evidence.summary}
        {finding.evidence.location && (
          <>
            {' '}
            <span className="muted">at</span> <code>{finding.evidence.location}</code>
          </>
        )}
      </p>
      {sample && finding.evidence.sample && (
        <>
          <h4 className="h-small">Redacted sample</h4>
          <pre className="code-block">{finding.evidence.sample}</pre>
        </>
      )}
      {advice && (
        <div className="remediation">
          <strong>Remediation:</strong> {finding.remediation}
        </div>
      )}
    </article>
  );
}
