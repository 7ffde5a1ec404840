import type { RiskLevel } from '../../../src/contracts/endpoint.js';
import type { Severity } from '../../../src/contracts/finding.js';
import { formatScore } from '../format.js';
import { riskLevelLabel, severityLabel } from '../labels.js';

/** Risk level: colour plus the word, never colour alone. */
export function RiskBadge({ level, score }: { level: RiskLevel; score?: number }) {
  return (
    <span className={`badge level-${level}`}>
      {score !== undefined && <span className="badge-score">{formatScore(score)}</span>}
      {riskLevelLabel(level)}
    </span>
  );
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`badge level-${severity}`}>{severityLabel(severity)}</span>;
}

export function MethodBadge({ method }: { method: string | null }) {
  if (!method) return null;
  return <span className={`method method-${method.toLowerCase()}`}>{method}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`pill status-${status}`}>{status}</span>;
}

/** One posture fact as a compact tag; `warn` marks the risky side. */
export function FactorTag({ label, warn, title }: { label: string; warn: boolean; title?: string }) {
  return (
    <span className={warn ? 'tag tag-warn' : 'tag'} title={title}>
      {label}
    </span>
  );
}

/** The inventory row's factor badges: exposure, authentication, encryption, sensitive data. */
export function FactorBadges({
  internetExposed,
  authenticated,
  plainHttp,
  documented = true,
  dataClasses,
}: {
  internetExposed: boolean;
  authenticated: boolean;
  plainHttp: boolean;
  documented?: boolean;
  dataClasses: string[];
}) {
  const shown = dataClasses.slice(0, 2);
  const more = dataClasses.length - shown.length;
  return (
    <span className="tags">
      <FactorTag label={internetExposed ? 'Internet' : 'Internal'} warn={internetExposed} title={internetExposed ? 'Called from public client addresses' : 'Only private client addresses seen'} />
      <FactorTag label={authenticated ? 'Auth' : 'No auth'} warn={!authenticated} title={authenticated ? 'Calls carry credentials' : 'Calls without credentials seen'} />
      {plainHttp && <FactorTag label="Plain HTTP" warn title="Calls over unencrypted HTTP seen" />}
      {!documented && <FactorTag label="Undocumented" warn={false} title="Not in any known API specification" />}
      {shown.map((c) => (
        <span key={c} className="tag tag-data" title={`Sensitive data: ${c}`}>
          {c}
        </span>
      ))}
      {more > 0 && (
        <span className="tag tag-data" title={dataClasses.slice(2).join(', ')}>
          +{more}
        </span>
      )}
    </span>
  );
}
