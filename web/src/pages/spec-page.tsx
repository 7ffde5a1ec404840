import { useMemo, useState } from 'react';
import type { Severity } from '../../../src/contracts/finding.js';
import type { SpecChangeKind, SpecChangeView, SpecDetail, SpecFindingView, SpecVersionDetail, SpecVersionDiff } from '../../../src/contracts/spec-registry.js';
import { useApp } from '../app-context.js';
import { SeverityBadge } from '../components/badges.js';
import { ErrorBanner, Loaded } from '../components/feedback.js';
import { Field, SubmitButton } from '../components/form.js';
import { DetailPage, Fact, PageHeader, Section } from '../components/page.js';
import { TableHead, TableScroll } from '../components/table.js';
import { useAction } from '../components/use-action.js';
import { useUsers } from '../components/use-directory.js';
import { formatAgo, formatDateTime, formatNumber } from '../format.js';
import { SEVERITIES, severityLabel } from '../labels.js';
import { href, pathOf, updateQuery, useRoute } from '../router.js';
import { useLoad } from '../use-load.js';
import { formatLabel, ScoreCell, SeverityCountList } from './specs-page.js';

/** Places shown per rule before "Show all": a spec can have thousands of findings of one rule. */
const PLACES_SHOWN = 10;
/** Lines of source shown around a finding's line. */
const CONTEXT_LINES = 2;

export function SpecPage({ id }: { id: string }) {
  const { api } = useApp();
  const route = useRoute();
  const detail = useLoad(() => api.spec(id), id);
  const asked = Number(route.query.get('version'));
  const latest = detail.data?.spec.latestVersion;
  const version = Number.isInteger(asked) && asked >= 1 ? asked : latest;
  const versionDetail = useLoad(() => (version ? api.specVersion(id, version) : Promise.resolve(undefined)), `${id}@${version ?? ''}`);

  return (
    <DetailPage list={{ label: 'API specifications', href: '#/specs' }} kind="Specification" load={detail}>
      {(d) => (
        <>
          <SpecHeader
            d={d}
            onUploaded={(n) => {
              // The versions list changed; the version shown follows the URL.
              detail.reload();
              updateQuery({ version: n });
            }}
          />
          <Versions d={d} shown={version ?? d.spec.latestVersion} />
          {d.spec.latestVersion >= 2 && (
            // A new shown version starts a new comparison: previous -> shown.
            <CompareVersions key={`${d.spec.id}@${version ?? d.spec.latestVersion}`} specId={d.spec.id} latest={d.spec.latestVersion} shown={version ?? d.spec.latestVersion} />
          )}
          <Loaded load={versionDetail}>{(v) => (v ? <VersionFindings v={v} /> : null)}</Loaded>
        </>
      )}
    </DetailPage>
  );
}

function SpecHeader({ d, onUploaded }: { d: SpecDetail; onUploaded: (version: number) => void }) {
  const { can } = useApp();
  const s = d.spec;
  return (
    <>
      <PageHeader title={s.name} subtitle={`${formatLabel(s.latest)}${s.latest.title && s.latest.title !== s.name ? ` · ${s.latest.title}` : ''}${s.latest.infoVersion ? ` · version ${s.latest.infoVersion}` : ''}`} />
      <dl className="facts">
        <Fact term="Score (latest)">
          <ScoreCell score={s.latest.score} />
          <div className="small muted">
            security {s.latest.score.security}/70 · data validation {s.latest.score.dataValidation}/30
          </div>
        </Fact>
        <Fact term="Findings (latest)">
          <SeverityCountList counts={s.latest.findingCounts} />
        </Fact>
        <Fact term="Operations">{formatNumber(s.latest.operations)}</Fact>
        <Fact term="Application">{s.application ?? <span className="muted">none{s.hosts.length ? ' matches its hosts' : ''}</span>}</Fact>
        <Fact term="Hosts">{s.hosts.length ? <span className="mono small">{s.hosts.join(', ')}</span> : <span className="muted">none (relative servers)</span>}</Fact>
        <Fact term="Updated" title={formatDateTime(s.updatedAt)}>
          {formatAgo(s.updatedAt)}
        </Fact>
      </dl>
      {can('specs:write') && <UploadVersion specId={s.id} onUploaded={onUploaded} />}
    </>
  );
}

function UploadVersion({ specId, onUploaded }: { specId: string; onUploaded: (version: number) => void }) {
  const { api } = useApp();
  const [file, setFile] = useState<File | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const upload = useAction();
  return (
    <Section title="Upload a new version">
      <form
        className="form-grid"
        onSubmit={upload.onSubmit(async () => {
          setNote(null);
          if (!file) throw new Error('Choose a YAML or JSON file first.');
          const r = await api.addSpecVersion(specId, { text: await file.text(), fileName: file.name });
          if (!r.created) setNote(`This file is the same as version ${r.version.version}: no new version was added.`);
          onUploaded(r.version.version);
        })}
      >
        <div className="form-wide">
          <ErrorBanner error={upload.error} />
          {note && (
            <p className="muted" role="status">
              {note}
            </p>
          )}
        </div>
        <Field label="Specification file">
          <input type="file" accept=".yaml,.yml,.json,application/json,application/yaml,text/yaml" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </Field>
        <div className="form-actions">
          <SubmitButton busy={upload.busy} busyLabel="Uploading…">
            Upload version
          </SubmitButton>
        </div>
      </form>
    </Section>
  );
}

function Versions({ d, shown }: { d: SpecDetail; shown: number }) {
  const { session } = useApp();
  const users = useUsers();
  const uploader = (by: SpecDetail['versions']['items'][number]['createdBy']): string => {
    if (by.kind === 'system') return 'command line';
    if (by.kind === 'user' && by.id === session.user.id) return 'you';
    if (by.kind === 'user' && by.id) return users.byId.has(by.id) ? users.labelOf(by.id) : 'a user';
    return by.kind === 'token' ? 'an API token' : by.kind;
  };
  return (
    <Section title={`Versions (${d.versions.total})`}>
      <TableScroll label="Versions">
        <table className="table">
          <TableHead columns={['Version', 'Uploaded', 'By', 'File', 'Score', 'Findings', 'Operations']} />
          <tbody>
            {d.versions.items.map((v) => (
              <tr key={v.version} aria-current={v.version === shown ? 'true' : undefined} className={v.version === shown ? 'row-current' : undefined}>
                <th scope="row">
                  {v.version === shown ? (
                    <strong>{v.version} (shown)</strong>
                  ) : (
                    <a href={href(pathOf('specs', d.spec.id), { version: v.version })}>Version {v.version}</a>
                  )}
                </th>
                <td title={formatDateTime(v.createdAt)}>{formatAgo(v.createdAt)}</td>
                <td className="small">{uploader(v.createdBy)}</td>
                <td className="mono small">{v.source}</td>
                <td className="num">
                  <ScoreCell score={v.score} />
                </td>
                <td>
                  <SeverityCountList counts={v.findingCounts} />
                </td>
                <td className="num">{formatNumber(v.operations)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </Section>
  );
}

/** The groups of a comparison, in the order a reviewer reads them. */
const CHANGE_GROUPS: ReadonlyArray<{ kind: SpecChangeKind; label: string }> = [
  { kind: 'breaking', label: 'Breaking' },
  { kind: 'security', label: 'Security' },
  { kind: 'non-breaking', label: 'Other' },
];

/**
 * The changes between two versions, as `bulwark spec diff` finds them. Both selects apply at once (no
 * submit): a comparison is a read, and the previous one stays on screen while the next loads.
 */
function CompareVersions({ specId, latest, shown }: { specId: string; latest: number; shown: number }) {
  const { api } = useApp();
  const [to, setTo] = useState(Math.min(Math.max(shown, 2), latest));
  const [from, setFrom] = useState(to - 1);
  const diff = useLoad(() => api.specDiff(specId, from, to), `${specId}:${from}:${to}`);
  // Newest first, as the versions table lists them.
  const numbers = useMemo(() => Array.from({ length: latest }, (_, i) => latest - i), [latest]);
  const options = numbers.map((n) => (
    <option key={n} value={n}>
      Version {n}
    </option>
  ));
  return (
    <Section title="Compare versions" id="compare">
      <div className="form-grid compare-controls">
        <Field label="From version">
          <select value={from} onChange={(e) => setFrom(Number(e.target.value))}>
            {options}
          </select>
        </Field>
        <Field label="To version">
          <select value={to} onChange={(e) => setTo(Number(e.target.value))}>
            {options}
          </select>
        </Field>
      </div>
      <Loaded load={diff}>{(d) => <VersionChanges d={d} />}</Loaded>
    </Section>
  );
}

function VersionChanges({ d }: { d: SpecVersionDiff }) {
  const groups = CHANGE_GROUPS.map((g) => ({ ...g, changes: d.changes.filter((c) => c.kind === g.kind) })).filter((g) => g.changes.length > 0);
  return (
    <div className="spec-changes">
      <p role="status" className="spec-changes-summary">
        {d.from.version === d.to.version
          ? 'The same version: nothing to compare.'
          : d.total === 0
            ? `No changes from version ${d.from.version} to version ${d.to.version}.`
            : `${formatNumber(d.total)} change${d.total === 1 ? '' : 's'} from version ${d.from.version} to version ${d.to.version}: ${formatNumber(d.byKind.breaking)} breaking, ${formatNumber(d.byKind.security)} security, ${formatNumber(d.byKind['non-breaking'])} other.`}
      </p>
      {d.truncated && (
        <p className="muted">
          The {formatNumber(d.changes.length)} most important of {formatNumber(d.total)} changes are shown; the counts cover all of them.
        </p>
      )}
      {groups.map((g) => (
        <div key={g.kind} className="spec-severity">
          <h3>
            {g.label} ({formatNumber(d.byKind[g.kind])})
          </h3>
          <ul className="spec-places spec-change-list">
            {g.changes.map((c) => (
              <ChangeItem key={c.fingerprint} c={c} version={c.side === 'old' ? d.from.version : d.to.version} />
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

function ChangeItem({ c, version }: { c: SpecChangeView; version: number }) {
  return (
    <li className="spec-change">
      <SeverityBadge severity={c.severity} /> {c.message}
      <div className="small muted">
        <span className="mono">
          {c.location.file}:{c.location.line}:{c.location.column}
        </span>{' '}
        · in version {version} ({c.side}) · <span className="mono">{c.ruleId}</span>
      </div>
    </li>
  );
}

interface RuleGroup {
  ruleId: string;
  title: string;
  severity: Severity;
  owasp: string;
  cwe: string;
  remediation: string;
  findings: SpecFindingView[];
}

function groupByRule(findings: SpecFindingView[]): Map<Severity, RuleGroup[]> {
  const bySeverity = new Map<Severity, Map<string, RuleGroup>>();
  for (const f of findings) {
    let rules = bySeverity.get(f.severity);
    if (!rules) bySeverity.set(f.severity, (rules = new Map()));
    let g = rules.get(f.ruleId);
    if (!g) rules.set(f.ruleId, (g = { ruleId: f.ruleId, title: f.title, severity: f.severity, owasp: f.owasp, cwe: f.cwe, remediation: f.remediation, findings: [] }));
    g.findings.push(f);
  }
  return new Map([...bySeverity].map(([s, rules]) => [s, [...rules.values()].sort((a, b) => b.findings.length - a.findings.length || a.ruleId.localeCompare(b.ruleId))]));
}

function VersionFindings({ v }: { v: SpecVersionDetail }) {
  const lines = useMemo(() => v.text.split(/\r?\n/), [v.text]);
  const groups = useMemo(() => groupByRule(v.findings), [v.findings]);
  const severities = SEVERITIES.filter((s) => groups.has(s));
  return (
    <>
      <Section title={`Findings of version ${v.version} (${formatNumber(v.findingsTotal)})`}>
        {v.findingsTruncated && (
          <p className="muted">
            The {formatNumber(v.findings.length)} most severe of {formatNumber(v.findingsTotal)} findings are kept and shown; the counts cover all of
            them.
          </p>
        )}
        {severities.length === 0 && <p>No finding: every rule passed.</p>}
        {severities.map((s) => (
          <div key={s} className="spec-severity">
            <h3>
              <SeverityBadge severity={s} /> {severityLabel(s)} ({formatNumber(groups.get(s)!.reduce((n, g) => n + g.findings.length, 0))})
            </h3>
            {groups.get(s)!.map((g) => (
              <RuleFindings key={g.ruleId} g={g} lines={lines} />
            ))}
          </div>
        ))}
      </Section>
    </>
  );
}

function RuleFindings({ g, lines }: { g: RuleGroup; lines: string[] }) {
  const [all, setAll] = useState(false);
  const shown = all ? g.findings : g.findings.slice(0, PLACES_SHOWN);
  return (
    <details className="spec-rule">
      <summary>
        <strong>{g.title}</strong> <span className="muted">({formatNumber(g.findings.length)})</span> <span className="mono small muted">{g.ruleId}</span>{' '}
        <span className="small">
          {g.owasp.replace(':2023', '')} · {g.cwe}
        </span>
      </summary>
      <p className="small">
        <strong>Fix:</strong> {g.remediation}
      </p>
      <ul className="spec-places">
        {shown.map((f) => (
          <li key={f.fingerprint}>
            <div>
              <span className="mono small">
                {f.location.file}:{f.location.line}:{f.location.column}
              </span>{' '}
              {f.message}
            </div>
            <SourceExcerpt lines={lines} line={f.location.line} />
          </li>
        ))}
      </ul>
      {g.findings.length > PLACES_SHOWN && (
        <button type="button" className="btn btn-small" onClick={() => setAll((a) => !a)}>
          {all ? `Show the first ${PLACES_SHOWN}` : `Show all ${formatNumber(g.findings.length)}`}
        </button>
      )}
    </details>
  );
}

/** The finding's line of the uploaded file, with a little context, the line itself marked. */
function SourceExcerpt({ lines, line }: { lines: string[]; line: number }) {
  if (line < 1 || line > lines.length) return null;
  const from = Math.max(1, line - CONTEXT_LINES);
  const to = Math.min(lines.length, line + CONTEXT_LINES);
  const width = String(to).length;
  return (
    <pre className="code-block spec-source" aria-label={`Source around line ${line}`}>
      {lines.slice(from - 1, to).map((text, i) => {
        const n = from + i;
        return (
          <span key={n} className={n === line ? 'source-line source-hit' : 'source-line'}>
            {String(n).padStart(width, ' ')} {n === line ? '▶' : ' '} {text.length > 240 ? `${text.slice(0, 240)}…` : text}
            {'\n'}
          </span>
        );
      })}
    </pre>
  );
}
