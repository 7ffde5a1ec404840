import { useMemo, useState, type ReactNode } from 'react';
import type { Severity } from '../../../src/contracts/finding.js';
import type { SpecChangeKind, SpecChangeView, SpecDetail, SpecFindingView, SpecVersionDetail, SpecVersionDiff } from '../../../src/contracts/spec-registry.js';
import type { ConformanceEndpointRef, ConformanceOperation, ConformanceSample, DriftItem, SpecConformance } from '../../../src/contracts/conformance.js';
import { useApp } from '../app-context.js';
import { MethodBadge, SeverityBadge } from '../components/badges.js';
import { DRIFT_KIND_LABELS } from '../components/conformance.js';
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
          <Conformance specId={d.spec.id} />
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

/** Rows of each conformance list shown before "Show all". */
const CONFORMANCE_ROWS = 10;

/**
 * How live traffic departs from the spec's latest version: counts, then shadow endpoints, zombie and
 * orphan operations and drift by field, each linking to the endpoints concerned.
 */
function Conformance({ specId }: { specId: string }) {
  const { api } = useApp();
  const load = useLoad(() => api.specConformance(specId), `conformance:${specId}`);
  return (
    <Section title="Conformance of traffic" id="conformance">
      <Loaded load={load}>{(c) => <ConformanceBody c={c} />}</Loaded>
    </Section>
  );
}

function ConformanceBody({ c }: { c: SpecConformance }) {
  const s = c.summary;
  if (c.checkedVersion === null) {
    return (
      <p className="muted" role="status">
        Not checked against traffic yet. Traffic is checked against the latest version from the next ingest on, on the hosts the spec names (set them by
        hand if its servers are relative). A version imported with references to other files cannot be checked.
      </p>
    );
  }
  const observed =
    c.observed.firstEvent && c.observed.lastEvent
      ? `Traffic on its hosts from ${formatDateTime(c.observed.firstEvent)} to ${formatDateTime(c.observed.lastEvent)}`
      : 'No traffic seen on its hosts yet';
  return (
    <div className="conformance">
      <p className="small muted" role="status">
        Checked against version {c.checkedVersion}
        {c.checkedVersion !== c.latestVersion ? ` (version ${c.latestVersion} is checked from the next ingest)` : ''}. {observed}. An operation is orphan after{' '}
        {formatNumber(c.orphanAfterDays)} days without a call.
      </p>
      <div className="tiles" role="list" aria-label="Conformance figures">
        <ConformanceTile label="Operations called" value={s.called} detail={`of ${formatNumber(s.operations)} documented`} />
        <ConformanceTile label="Shadow endpoints" value={s.shadow} detail={`${formatNumber(s.shadowCalls)} calls`} warn={s.shadow > 0} />
        <ConformanceTile label="Zombie operations" value={s.zombie} detail="deprecated, still called" warn={s.zombie > 0} />
        <ConformanceTile label="Orphan operations" value={s.orphan} detail="documented, not called" warn={s.orphan > 0} />
        <ConformanceTile label="Drift" value={s.drift} detail={`items in ${formatNumber(s.driftOperations)} operation${s.driftOperations === 1 ? '' : 's'}`} warn={s.drift > 0} />
      </div>
      {c.truncated && <p className="muted small">Lists show at most 500 rows each; the counts cover everything.</p>}
      <ShadowList c={c} />
      <OperationList title={`Zombie operations (${formatNumber(s.zombie)})`} empty="No deprecated operation is called." ops={c.zombie} kind="zombie" />
      <OperationList title={`Orphan operations (${formatNumber(s.orphan)})`} empty="Every operation was called within the period." ops={c.orphan} kind="orphan" />
      <DriftList items={c.drift} total={s.drift} />
    </div>
  );
}

function ConformanceTile({ label, value, detail, warn }: { label: string; value: number; detail: string; warn?: boolean }) {
  return (
    <div role="listitem">
      <div className={`tile${warn ? ' tile-warn' : ''}`}>
        <span className="tile-label">{label}</span>
        <span className="tile-value">{formatNumber(value)}</span>
        <span className="tile-detail">{detail}</span>
      </div>
    </div>
  );
}

/** The first rows, with a button for the rest. */
function useShown<T>(rows: T[]): { shown: T[]; more: ReactNode } {
  const [all, setAll] = useState(false);
  const shown = all ? rows : rows.slice(0, CONFORMANCE_ROWS);
  const more =
    rows.length > CONFORMANCE_ROWS ? (
      <button type="button" className="btn btn-small" onClick={() => setAll((a) => !a)}>
        {all ? `Show the first ${CONFORMANCE_ROWS}` : `Show all ${formatNumber(rows.length)}`}
      </button>
    ) : null;
  return { shown, more };
}

function EndpointLinks({ endpoints }: { endpoints: ConformanceEndpointRef[] }) {
  if (endpoints.length === 0) return <span className="muted">—</span>;
  return (
    <>
      {endpoints.map((e, i) => (
        <span key={e.id}>
          {i > 0 && ', '}
          <a className="mono small" href={href(pathOf('endpoints', e.id))}>
            {e.host}
            {e.pathTemplate}
          </a>
        </span>
      ))}
    </>
  );
}

function Seen({ first, last }: { first: string | null; last: string | null }) {
  if (!last) return <span className="muted">never</span>;
  return (
    <span title={`first ${formatDateTime(first)}, last ${formatDateTime(last)}`}>
      {formatAgo(last)}
      <span className="small muted"> (since {formatDateTime(first)})</span>
    </span>
  );
}

function ShadowList({ c }: { c: SpecConformance }) {
  const { shown, more } = useShown(c.shadow);
  return (
    <div className="conformance-list">
      <h3>Shadow endpoints ({formatNumber(c.summary.shadow)})</h3>
      {c.shadow.length === 0 ? (
        <p className="muted">Every call on the spec's hosts matches an operation.</p>
      ) : (
        <TableScroll label="Shadow endpoints">
          <table className="table table-compact">
            <TableHead columns={['Endpoint', 'Host', { key: 'calls', label: 'Calls', className: 'num' }, 'Last seen']} />
            <tbody>
              {shown.map((sh) => (
                <tr key={sh.endpointId}>
                  <th scope="row">
                    <MethodBadge method={sh.method} />{' '}
                    <a className="mono" href={href(pathOf('endpoints', sh.endpointId))}>
                      {sh.pathTemplate}
                    </a>
                  </th>
                  <td className="mono small">{sh.host}</td>
                  <td className="num">{formatNumber(sh.calls)}</td>
                  <td>
                    <Seen first={sh.firstSeen} last={sh.lastSeen} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {more}
    </div>
  );
}

function OperationList({ title, empty, ops, kind }: { title: string; empty: string; ops: ConformanceOperation[]; kind: 'zombie' | 'orphan' }) {
  const { shown, more } = useShown(ops);
  return (
    <div className="conformance-list">
      <h3>{title}</h3>
      {ops.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <TableScroll label={title}>
          <table className="table table-compact">
            <TableHead columns={['Operation', { key: 'calls', label: 'Calls', className: 'num' }, 'Last called', 'Endpoints']} />
            <tbody>
              {shown.map((o) => (
                <tr key={`${o.method} ${o.path}`}>
                  <th scope="row">
                    <MethodBadge method={o.method} /> <span className="mono">{o.fullPath}</span>
                    {o.operationId && <div className="small muted mono">{o.operationId}</div>}
                  </th>
                  <td className="num">{formatNumber(o.calls)}</td>
                  <td>
                    <Seen first={o.firstSeen} last={o.lastSeen} />
                  </td>
                  <td>
                    <EndpointLinks endpoints={o.endpoints} />
                    {kind === 'zombie' && o.samples.length > 0 && <Samples samples={o.samples} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {more}
    </div>
  );
}

function DriftList({ items, total }: { items: DriftItem[]; total: number }) {
  const { shown, more } = useShown(items);
  return (
    <div className="conformance-list">
      <h3>Drift by field ({formatNumber(total)})</h3>
      {items.length === 0 ? (
        <p className="muted">Analysed calls of documented operations match the spec.</p>
      ) : (
        <TableScroll label="Drift by field">
          <table className="table table-compact">
            <TableHead columns={['Operation', 'Drift', 'Field', { key: 'count', label: 'Calls', className: 'num' }, 'Last seen', 'Evidence']} />
            <tbody>
              {shown.map((d) => (
                <tr key={d.id}>
                  <th scope="row">
                    <MethodBadge method={d.operation.method} /> <span className="mono">{d.operation.path}</span>
                  </th>
                  <td>
                    {DRIFT_KIND_LABELS[d.kind]}
                    <div className="small muted">{d.message}</div>
                  </td>
                  <td>
                    <span className="small">{d.location}</span> <span className="mono break">{d.field === '' ? '(whole body)' : d.field}</span>
                    {d.keyword && <span className="small muted"> · {d.keyword}</span>}
                  </td>
                  <td className="num" title={`${formatNumber(d.accepted)} accepted by the API`}>
                    {formatNumber(d.count)}
                  </td>
                  <td>
                    <Seen first={d.firstSeen} last={d.lastSeen} />
                  </td>
                  <td>
                    <EndpointLinks endpoints={d.endpoints} />
                    <Samples samples={d.samples} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {more}
      <p className="small muted">Drift is counted over analysed calls (a sample of each endpoint's traffic); calls to operations and shadow endpoints are counted exactly.</p>
    </div>
  );
}

/** Redacted calls kept as evidence: the request line, status and the offending value (redacted). */
function Samples({ samples }: { samples: ConformanceSample[] }) {
  if (samples.length === 0) return null;
  return (
    <details className="conformance-samples">
      <summary className="small">
        {samples.length} redacted sample{samples.length === 1 ? '' : 's'}
      </summary>
      <ul className="plain-list small">
        {samples.map((smp, i) => (
          <li key={i} className="mono break">
            {smp.request}
            {smp.status !== null ? ` → ${smp.status}` : ''}
            {smp.value !== undefined ? ` · value ${smp.value}` : ''}
          </li>
        ))}
      </ul>
    </details>
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
