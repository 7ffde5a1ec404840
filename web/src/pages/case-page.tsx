import { useEffect, useId, useState } from 'react';
import type { RiskLevel } from '../../../src/contracts/endpoint.js';
import type {
  CaseDetail,
  CaseEndpointContext,
  CaseHistoryEntry,
  CasePatch,
  CaseResolution,
  CaseStatus,
  FlagResult,
  SuppressionInput,
  ThreatCase,
  ThreatIssue,
} from '../../../src/contracts/cases.js';
import type { Severity } from '../../../src/contracts/finding.js';
import { exportUrls } from '../api.js';
import { useApp } from '../app-context.js';
import { MethodBadge, RiskBadge, SeverityBadge } from '../components/badges.js';
import { ActorLabel, casesHref, CaseStatusBadge, CaseTarget, CategoryTags, useAssignees } from '../components/case-badges.js';
import { ExchangeView } from '../components/exchange-view.js';
import { ErrorBanner, Loaded, Notice } from '../components/feedback.js';
import { MAX_PAGE_SIZE } from '../components/list-query.js';
import { ConfirmButton, Field, FormEnd } from '../components/form.js';
import { DetailPage, Fact, PageHeader, Section } from '../components/page.js';
import { TableHead, TableScroll } from '../components/table.js';
import { useAction } from '../components/use-action.js';
import { useApplications } from '../components/use-directory.js';
import { formatAgo, formatDateTime, formatNumber, formatPercent, formatScore } from '../format.js';
import {
  actorKindLabel,
  authKindLabel,
  CASE_RESOLUTIONS,
  CASE_STATUSES,
  caseStatusLabel,
  OWASP_2023,
  resolutionLabel,
  RISK_LEVELS,
  SEVERITIES,
  severityLabel,
  threatCategoryLabel,
} from '../labels.js';
import { href, pathOf } from '../router.js';
import { useLoad } from '../use-load.js';

/** Issues shown before "Show more": the first ones carry the story; a case can hold a thousand. */
const ISSUES_SHOWN = 5;
const TIMELINE_LIMIT = 200;

export function CasePage({ id }: { id: string }) {
  const { api } = useApp();
  const detail = useLoad(() => api.case(id), `case:${id}`);
  return (
    <DetailPage list={{ label: 'Cases', href: href('/cases') }} kind="Case" load={detail}>
      {(d) => <CaseBody d={d} reload={detail.reload} />}
    </DetailPage>
  );
}

const severityRank = (s: Severity) => SEVERITIES.length - SEVERITIES.indexOf(s);

/** The issue the case is mostly about: the most severe, then the surest, then the newest. */
function topIssue(issues: readonly ThreatIssue[]): ThreatIssue | undefined {
  return [...issues].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || b.confidence - a.confidence || b.lastSeen.localeCompare(a.lastSeen),
  )[0];
}

function CaseBody({ d, reload }: { d: CaseDetail; reload: () => void }) {
  const { can } = useApp();
  const c = d.case;
  const apps = useApplications();
  const { nameOf } = useAssignees();
  const top = topIssue(d.issues);
  return (
    <>
      <PageHeader
        title={
          <>
            <span className="case-ref mono">{c.ref}</span> {c.title}
          </>
        }
        subtitle={
          <span className="header-badges">
            <SeverityBadge severity={c.severity} /> <CaseStatusBadge status={c.status} resolution={c.resolution} /> <CategoryTags categories={c.categories} max={6} />
          </span>
        }
        actions={
          <a className="btn" href={exportUrls.caseJson(c.id)} download={`case-${c.ref}.json`}>
            Export JSON
          </a>
        }
      />
      <dl className="facts">
        <Fact term="Actor">
          <ActorLabel actor={c.actor} />
          <div className="small muted">
            {actorKindLabel(c.actor.kind)} · <a href={casesHref({ actorId: c.actor.id })}>all its cases</a>
          </div>
        </Fact>
        <Fact term="Target">
          <CaseTarget c={c} names={apps.names} />
          {c.applicationId && <div className="small mono">{c.host}</div>}
        </Fact>
        <Fact term="First seen">{formatDateTime(c.firstSeen)}</Fact>
        <Fact term="Last seen" title={formatDateTime(c.lastSeen)}>
          {formatAgo(c.lastSeen)}
        </Fact>
        <Fact term="Issues / events">
          {formatNumber(c.issueCount)} / {formatNumber(c.eventCount)}
          {c.reopened > 0 && <div className="small muted">reopened {formatNumber(c.reopened)}×</div>}
        </Fact>
        <Fact term="Assignee">{nameOf(c.assignee)}</Fact>
        <div className="fact-wide">
          <dt>Why one case</dt>
          <dd>{c.groupingReason}</dd>
        </div>
      </dl>
      {can('cases:write') ? (
        <Triage c={c} top={top} onChanged={reload} />
      ) : (
        <Notice>Your role can read cases but not change them: ask a SOC analyst to triage this one.</Notice>
      )}
      <div className="case-layout">
        <div className="case-main">
          <Evidence c={c} issues={d.issues} />
          <ActorTimeline c={c} />
          <Comments d={d} onChanged={reload} />
          <History entries={d.history} />
        </div>
        <div className="case-side">
          <EndpointContext endpoints={d.endpoints} />
          <SimilarCases c={c} similar={d.similar} />
        </div>
      </div>
    </>
  );
}

// ---- triage: status, severity, assignee, resolution, flag, suppress ------------------------------------

function Triage({ c, top, onChanged }: { c: ThreatCase; top: ThreatIssue | undefined; onChanged: () => void }) {
  const { api, can } = useApp();
  const { me, users, nameOf } = useAssignees();
  const save = useAction();
  const [resolution, setResolution] = useState<CaseResolution>('true-positive');
  const [panel, setPanel] = useState<'flag' | 'suppress' | null>(null);
  const patch = (body: CasePatch) =>
    save.run(async () => {
      await api.updateCase(c.id, body);
      onChanged();
    });
  // The selects edit a draft that "Save" sends: arrowing through a select from the keyboard must not save each option.
  const current = { status: c.status, severity: c.severity, assignee: c.assignee ?? '' };
  const [draft, setDraft] = useState(current);
  useEffect(() => setDraft({ status: c.status, severity: c.severity, assignee: c.assignee ?? '' }), [c.status, c.severity, c.assignee]);
  const changed: CasePatch = {
    ...(draft.status !== current.status ? { status: draft.status } : {}),
    ...(draft.severity !== current.severity ? { severity: draft.severity } : {}),
    ...(draft.assignee !== current.assignee ? { assignee: draft.assignee === '' ? null : draft.assignee } : {}),
  };
  const dirty = Object.keys(changed).length > 0;
  const assigneeIds = [...new Set([me, ...users.items.filter((u) => u.status === 'active').map((u) => u.id), ...(c.assignee ? [c.assignee] : [])])];
  const toggle = (p: 'flag' | 'suppress') => setPanel((open) => (open === p ? null : p));

  return (
    <Section title="Triage">
      <ErrorBanner error={save.error} />
      <form
        className="triage-row"
        aria-label="Status, severity and assignee"
        aria-busy={save.busy}
        onSubmit={(e) => {
          e.preventDefault();
          void patch(changed);
        }}
      >
        <TriageSelect
          label="Status"
          value={draft.status}
          options={(c.status === 'resolved' ? CASE_STATUSES : CASE_STATUSES.filter((s) => s !== 'resolved')).map((s) => [s, caseStatusLabel(s)])}
          onChange={(v) => setDraft({ ...draft, status: v as CaseStatus })}
        />
        <TriageSelect label="Severity" value={draft.severity} options={SEVERITIES.map((s) => [s, severityLabel(s)])} onChange={(v) => setDraft({ ...draft, severity: v as Severity })} />
        <TriageSelect
          label="Assignee"
          value={draft.assignee}
          options={[['', 'Unassigned'], ...assigneeIds.map((id): [string, string] => [id, nameOf(id)])]}
          onChange={(v) => setDraft({ ...draft, assignee: v })}
        />
        <button type="submit" className="btn" disabled={!dirty || save.busy}>
          Save changes
        </button>
        {c.assignee !== me && c.status !== 'resolved' && !dirty && (
          <button type="button" className="btn" disabled={save.busy} onClick={() => void patch({ assignee: me, ...(c.status === 'new' ? { status: 'investigating' } : {}) })}>
            Take it
          </button>
        )}
      </form>

      {c.status === 'resolved' && c.resolution ? (
        <p className="triage-resolved">
          Resolved as <strong>{resolutionLabel(c.resolution)}</strong>
          {c.resolvedAt && <span title={formatDateTime(c.resolvedAt)}> {formatAgo(c.resolvedAt)}</span>}.{' '}
          <button type="button" className="btn btn-small" disabled={save.busy} onClick={() => void patch({ status: 'investigating' })}>
            Reopen
          </button>
        </p>
      ) : (
        <fieldset className="fieldset triage-resolve">
          <legend>Resolve as</legend>
          <div className="radio-row">
            {CASE_RESOLUTIONS.map((r) => (
              <label key={r} className="checkbox">
                <input type="radio" name="resolution" value={r} checked={resolution === r} onChange={() => setResolution(r)} />
                {resolutionLabel(r)}
              </label>
            ))}
            <button type="button" className="btn btn-primary" disabled={save.busy} onClick={() => void patch({ status: 'resolved', resolution })}>
              Resolve case
            </button>
          </div>
        </fieldset>
      )}

      <div className="triage-actions">
        <button type="button" className="btn" aria-expanded={panel === 'flag'} onClick={() => toggle('flag')}>
          Flag for fix
        </button>
        <button type="button" className="btn" aria-expanded={panel === 'suppress'} onClick={() => toggle('suppress')}>
          Suppress similar
        </button>
        {c.flaggedFindingId && (
          <span className="small">
            Flagged for a fix:{' '}
            {can('findings:read') ? <a href={href(pathOf('findings', c.flaggedFindingId))}>open the finding</a> : <span className="mono">{c.flaggedFindingId}</span>}
          </span>
        )}
      </div>
      {panel === 'flag' && <FlagForm c={c} onFlagged={onChanged} />}
      {panel === 'suppress' && <SuppressForm c={c} top={top} />}
    </Section>
  );
}

/** One field of the case in the triage form. */
function TriageSelect({ label, value, options, onChange }: { label: string; value: string; options: Array<[string, string]>; onChange: (value: string) => void }) {
  return (
    <Field label={label}>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </Field>
  );
}

function FlagForm({ c, onFlagged }: { c: ThreatCase; onFlagged: () => void }) {
  const { api, can } = useApp();
  const flag = useAction();
  const [note, setNote] = useState('');
  const [result, setResult] = useState<FlagResult | null>(null);
  return (
    <form
      className="triage-panel form-stack"
      aria-label="Flag for fix"
      onSubmit={flag.onSubmit(async () => {
        setResult(await api.flagCase(c.id, note.trim() ? { note: note.trim() } : {}));
        onFlagged();
      })}
    >
      <p className="small muted">
        Creates a finding for remediation on the case's main endpoint, so that the owners fix the weakness the attack aimed at (it shows in Findings). Flagging again
        refreshes it.
      </p>
      <Field label="Note for the fix" optional>
        <textarea rows={3} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
      </Field>
      <FormEnd action={flag} busyLabel="Flagging…">
        Create finding
      </FormEnd>
      {result && (
        <Notice tone="success">
          <span>
            Flagged for a fix: finding{' '}
            {can('findings:read') ? <a href={href(pathOf('findings', result.finding.id))}>{result.finding.title}</a> : <strong>{result.finding.title}</strong>} (
            {severityLabel(result.finding.severity)}).
          </span>
        </Notice>
      )}
    </form>
  );
}

/** The location of an issue a suppression can scope to: a named parameter, header, cookie or body field. */
function parameterOf(issue: ThreatIssue | undefined): string | undefined {
  if (!issue || !issue.location.name) return undefined;
  return ['request', 'response', 'actor'].includes(issue.location.where) ? undefined : issue.location.name;
}

function SuppressForm({ c, top }: { c: ThreatCase; top: ThreatIssue | undefined }) {
  const { api } = useApp();
  const create = useAction();
  const remove = useAction();
  const list = useLoad(() => api.suppressions({ state: 'active', limit: MAX_PAGE_SIZE }), `suppressions:${c.id}`);
  const parameter = parameterOf(top);
  const [scope, setScope] = useState({ detector: !!top, endpoint: !!top?.endpointId, actor: false, parameter: !!parameter });
  const [reason, setReason] = useState('');
  const [days, setDays] = useState('30');
  const [asking, setAsking] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);

  const relevant = (list.data?.items ?? []).filter(
    (s) =>
      (s.detector === null || c.detectors.includes(s.detector)) &&
      (s.endpointId === null || c.endpointIds.includes(s.endpointId)) &&
      (s.actorId === null || s.actorId === c.actor.id),
  );
  const check = (key: keyof typeof scope, label: string, value: string | undefined) =>
    value !== undefined && (
      <label className="checkbox">
        <input type="checkbox" checked={scope[key]} onChange={(e) => setScope({ ...scope, [key]: e.target.checked })} />
        <span>
          {label} <span className="mono break">{value}</span>
        </span>
      </label>
    );

  return (
    <div className="triage-panel">
      <form
        className="form-stack"
        aria-label="Suppress similar issues"
        onSubmit={create.onSubmit(async () => {
          if (!top) throw new Error('This case has no issue to take the scope from.');
          const expiresInDays = Number(days);
          if (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > 365) throw new Error('Expiry must be a whole number of days from 1 to 365.');
          const body: SuppressionInput = {
            reason: reason.trim(),
            expiresInDays,
            ...(scope.detector ? { detector: top.detector } : {}),
            ...(scope.endpoint && top.endpointId ? { endpointId: top.endpointId } : {}),
            ...(scope.actor ? { actorId: c.actor.id } : {}),
            ...(scope.parameter && parameter ? { parameter } : {}),
          };
          if (Object.keys(body).length === 2) throw new Error('Choose at least one of detector, endpoint, actor or parameter.');
          const s = await api.createSuppression(body);
          setCreated(`Suppressed until ${formatDateTime(s.expiresAt)}: new issues matching it are dropped (and counted).`);
          setReason('');
          list.reload();
        })}
      >
        <p className="small muted">A scoped exception: new issues that match every checked field are dropped until it expires. Existing issues stay.</p>
        <fieldset className="fieldset">
          <legend>Issues matching</legend>
          <div className="checkbox-stack">
            {check('detector', 'Detector', top?.detector)}
            {check('endpoint', 'Endpoint', top?.endpointId ? `${top.method} ${top.pathTemplate}` : undefined)}
            {check('actor', 'Actor', c.actor.label)}
            {check('parameter', 'Parameter', parameter && top ? `${top.location.where} ${parameter}` : undefined)}
          </div>
        </fieldset>
        <div className="form-grid">
          <Field label="Reason">
            <input type="text" required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. the nightly security scan" />
          </Field>
          <Field label="Expires in (days)">
            <input type="number" required min={1} max={365} step={1} value={days} onChange={(e) => setDays(e.target.value)} />
          </Field>
        </div>
        <FormEnd action={create} busyLabel="Creating…">
          Create suppression
        </FormEnd>
        {created && <Notice tone="success">{created}</Notice>}
      </form>
      {relevant.length > 0 && (
        <>
          <h3 className="h-small">Suppressions touching this case ({relevant.length})</h3>
          <ErrorBanner error={remove.error} />
          <ul className="plain-list suppression-list">
            {relevant.map((s) => (
              <li key={s.id}>
                <span className="small">
                  {[s.detector && `detector ${s.detector}`, s.endpointId && 'this endpoint', s.actorId && 'this actor', s.parameter && `parameter ${s.parameter}`].filter(Boolean).join(', ')}
                  {' · '}
                  {s.reason} · until {formatDateTime(s.expiresAt)} · {formatNumber(s.hits)} dropped
                </span>{' '}
                <ConfirmButton
                  verb="Remove"
                  subject={`suppression ${s.reason}`}
                  asking={asking === s.id}
                  onAsk={(a) => setAsking(a ? s.id : null)}
                  onConfirm={() =>
                    void remove.run(async () => {
                      await api.deleteSuppression(s.id);
                      setAsking(null);
                      list.reload();
                    })
                  }
                />
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

// ---- evidence ------------------------------------------------------------------------------------------

function Evidence({ c, issues }: { c: ThreatCase; issues: ThreatIssue[] }) {
  const { api } = useApp();
  const [shown, setShown] = useState(ISSUES_SHOWN);
  const [more, setMore] = useState<ThreatIssue[]>([]);
  const fetchMore = useAction();
  const all = [...issues, ...more];
  const onServer = c.issueCount - all.length;
  return (
    <Section title={`Evidence (${formatNumber(c.issueCount)} ${c.issueCount === 1 ? 'issue' : 'issues'})`}>
      <p className="small muted">Newest first. Requests and responses were redacted before they were stored: secrets and personal data are typed placeholders.</p>
      {all.slice(0, shown).map((issue, i) => (
        <IssueCard key={issue.id} issue={issue} index={i} />
      ))}
      <div className="form-actions">
        {all.length > shown && (
          <button type="button" className="btn btn-small" onClick={() => setShown((n) => n + 10)}>
            Show {Math.min(10, all.length - shown)} more
          </button>
        )}
        {all.length <= shown && onServer > 0 && (
          <button
            type="button"
            className="btn btn-small"
            disabled={fetchMore.busy}
            onClick={() =>
              void fetchMore.run(async () => {
                const page = await api.issues({ caseId: c.id, offset: all.length, limit: 100 });
                setMore((m) => [...m, ...page.items]);
                setShown((n) => n + 10);
              })
            }
          >
            Load older issues ({formatNumber(onServer)} more)
          </button>
        )}
      </div>
      <ErrorBanner error={fetchMore.error} />
    </Section>
  );
}

/** Method and path, linking to the endpoint's page when it is in the inventory and the role may read it. */
function EndpointLink({ id, method, path }: { id: string | null; method: string; path: string }) {
  const { can } = useApp();
  return (
    <>
      <MethodBadge method={method} />{' '}
      {id && can('inventory:read') ? (
        <a className="mono break" href={href(pathOf('endpoints', id))}>
          {path}
        </a>
      ) : (
        <span className="mono break">{path}</span>
      )}
    </>
  );
}

/** `T1190` or `T1110.004` as its MITRE ATT&CK page. */
function mitreUrl(technique: string): string {
  return `https://attack.mitre.org/techniques/${technique.split('.').map(encodeURIComponent).join('/')}/`;
}

function ExternalLink({ url, children }: { url: string; children: string }) {
  return (
    <a href={url} target="_blank" rel="noreferrer noopener">
      {children}
      <span className="visually-hidden"> (opens in a new tab)</span>
    </a>
  );
}

function IssueCard({ issue, index }: { issue: ThreatIssue; index: number }) {
  const titleId = useId();
  const owaspTitle = OWASP_2023.find((o) => o.id === issue.owasp)?.title;
  const label = `issue ${index + 1}`;
  return (
    <article className="finding-card issue-card" aria-labelledby={titleId}>
      <header className="finding-card-header">
        <SeverityBadge severity={issue.severity} />
        <h3 id={titleId}>{issue.title}</h3>
        <span className="tag tag-threat">{threatCategoryLabel(issue.category)}</span>
      </header>
      <dl className="issue-facts">
        <div>
          <dt>Detector</dt>
          <dd className="mono">{issue.detector}</dd>
        </div>
        <div>
          <dt>Confidence</dt>
          <dd>{formatPercent(issue.confidence)}</dd>
        </div>
        <div>
          <dt>OWASP</dt>
          <dd title={owaspTitle}>{issue.owasp}</dd>
        </div>
        {issue.cwe && (
          <div>
            <dt>CWE</dt>
            <dd>
              <ExternalLink url={`https://cwe.mitre.org/data/definitions/${encodeURIComponent(issue.cwe.replace('CWE-', ''))}.html`}>{issue.cwe}</ExternalLink>
            </dd>
          </div>
        )}
        {issue.mitre && (
          <div>
            <dt>MITRE ATT&amp;CK</dt>
            <dd>
              <ExternalLink url={mitreUrl(issue.mitre)}>{issue.mitre}</ExternalLink>
            </dd>
          </div>
        )}
        <div>
          <dt>Location</dt>
          <dd>
            {issue.location.where} {issue.location.name && <code className="break">{issue.location.name}</code>}
          </dd>
        </div>
        <div>
          <dt>Endpoint</dt>
          <dd>
            <EndpointLink id={issue.endpointId} method={issue.method} path={issue.pathTemplate} />
          </dd>
        </div>
        <div>
          <dt>Seen</dt>
          <dd title={`${formatDateTime(issue.firstSeen)} – ${formatDateTime(issue.lastSeen)}`}>
            {formatNumber(issue.count)}× · last {formatAgo(issue.lastSeen)}
          </dd>
        </div>
      </dl>
      {issue.evidence && (
        <p className="issue-evidence">
          <span className="issue-evidence-label">Evidence</span> <code className="evidence-text">{issue.evidence}</code>
        </p>
      )}
      {issue.exchange ? (
        <details className="exchange-details" open={index === 0}>
          <summary>
            Triggering request and response <span className="muted">(redacted)</span>
          </summary>
          <ExchangeView exchange={issue.exchange} evidence={issue.evidence} label={label} />
        </details>
      ) : (
        <p className="small muted">No single triggering request: this detection is about the actor's behaviour across requests.</p>
      )}
    </article>
  );
}

// ---- the actor's timeline ------------------------------------------------------------------------------

function ActorTimeline({ c }: { c: ThreatCase }) {
  const { api } = useApp();
  const timeline = useLoad(() => api.caseTimeline(c.id, TIMELINE_LIMIT), `timeline:${c.id}:${c.updatedAt}`);
  return (
    <Section title="Actor timeline">
      <Loaded load={timeline}>
        {(t) => {
          const items = [...t.items].sort((a, b) => a.at.localeCompare(b.at));
          const otherCases = new Set(items.filter((i) => i.caseId !== c.id).map((i) => i.caseId)).size;
          const endpoints = new Set(items.map((i) => i.endpointId ?? `${i.method} ${i.host}${i.pathTemplate}`)).size;
          return (
            <>
              <p className="small muted">
                Every issue of <ActorLabel actor={t.actor} /> on any endpoint, oldest first: {formatNumber(t.total)} {t.total === 1 ? 'issue' : 'issues'} on{' '}
                {formatNumber(endpoints)} {endpoints === 1 ? 'endpoint' : 'endpoints'}
                {otherCases > 0 && `, in ${formatNumber(otherCases)} other ${otherCases === 1 ? 'case' : 'cases'}`}
                {t.total > items.length && ` (the latest ${formatNumber(items.length)} shown)`}.
              </p>
              <TableScroll label="Actor timeline">
                <table className="table table-compact">
                  <TableHead columns={['Time', 'Case', 'Detection', 'Endpoint', { key: 'count', label: 'Count', className: 'num' }]} />
                  <tbody>
                    {items.map((i) => (
                      <tr key={i.issueId} className={i.caseId === c.id ? 'row-current' : undefined}>
                        <td className="cell-time">{formatDateTime(i.at)}</td>
                        <td className="nowrap">
                          {i.caseId === c.id ? (
                            <span className="mono" title="This case">
                              {i.caseRef} <span className="muted">(this)</span>
                            </span>
                          ) : (
                            <a className="mono" href={href(pathOf('cases', i.caseId))}>
                              {i.caseRef}
                            </a>
                          )}
                        </td>
                        <td>
                          <span className="nowrap">
                            <SeverityBadge severity={i.severity} /> {threatCategoryLabel(i.category)}
                          </span>
                          <div className="small muted mono">{i.detector}</div>
                        </td>
                        <td className="cell-path">
                          <EndpointLink id={i.endpointId} method={i.method} path={i.pathTemplate} />
                          {i.host !== c.host && <div className="small mono muted">{i.host}</div>}
                        </td>
                        <td className="num">{formatNumber(i.count)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            </>
          );
        }}
      </Loaded>
    </Section>
  );
}

// ---- context: endpoints and similar cases ----------------------------------------------------------------

function authLabel(value: string | null): string {
  if (value === null) return '—';
  if (value === 'true') return 'Authenticated';
  if (value === 'false') return 'Unauthenticated calls seen';
  return authKindLabel(value);
}

function EndpointContext({ endpoints }: { endpoints: CaseEndpointContext[] }) {
  const { nameOf } = useAssignees();
  const [all, setAll] = useState(false);
  const shown = all ? endpoints : endpoints.slice(0, 3);
  return (
    <Section title={`Endpoints attacked (${endpoints.length})`}>
      {endpoints.length === 0 && <p className="empty">No endpoint of the inventory: the issues were host-wide.</p>}
      {shown.map((e) => (
        <article key={e.endpointId} className="context-endpoint" aria-label={`${e.method} ${e.pathTemplate}`}>
          <p className="context-endpoint-title">
            <EndpointLink id={e.riskScore === null ? null : e.endpointId} method={e.method} path={e.pathTemplate} />
          </p>
          <p className="small mono muted">{e.host}</p>
          {e.riskScore === null ? (
            <p className="small muted">No longer in the inventory.</p>
          ) : (
            <dl className="kv small">
              <dt>Risk</dt>
              <dd>
                {e.riskLevel && (RISK_LEVELS as string[]).includes(e.riskLevel) ? (
                  <RiskBadge level={e.riskLevel as RiskLevel} score={e.riskScore} />
                ) : (
                  formatScore(e.riskScore)
                )}
              </dd>
              <dt>Exposure</dt>
              <dd>{e.exposure ?? '—'}</dd>
              <dt>Authentication</dt>
              <dd>{authLabel(e.authenticated)}</dd>
              <dt>Data</dt>
              <dd>
                {e.dataClasses.length === 0 ? (
                  <span className="muted">no sensitive data seen</span>
                ) : (
                  <span className="tags">
                    {e.dataClasses.map((dc) => (
                      <span key={dc} className="tag tag-data">
                        {dc}
                      </span>
                    ))}
                  </span>
                )}
              </dd>
              <dt>Application</dt>
              <dd>{e.applicationName ?? <span className="muted">none</span>}</dd>
              <dt>Owners</dt>
              <dd>{e.owners.length === 0 ? <span className="muted">none recorded</span> : e.owners.map(nameOf).join(', ')}</dd>
            </dl>
          )}
        </article>
      ))}
      {endpoints.length > shown.length && (
        <button type="button" className="btn btn-small" onClick={() => setAll(true)}>
          Show all {endpoints.length}
        </button>
      )}
    </Section>
  );
}

function SimilarCases({ c, similar }: { c: ThreatCase; similar: ThreatCase[] }) {
  return (
    <Section title="Similar cases">
      {similar.length === 0 ? (
        <p className="empty">No other case of this actor, or of these detectors against this target.</p>
      ) : (
        <ul className="plain-list similar-list">
          {similar.map((s) => (
            <li key={s.id}>
              <span className="case-ref mono">{s.ref}</span> <a href={href(pathOf('cases', s.id))}>{s.title}</a>
              <div className="small">
                <SeverityBadge severity={s.severity} /> <CaseStatusBadge status={s.status} resolution={s.resolution} />{' '}
                <span className="muted">
                  {s.actor.id === c.actor.id ? 'same actor' : 'same detector and target'} · <span title={formatDateTime(s.lastSeen)}>{formatAgo(s.lastSeen)}</span>
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

// ---- comments and history ---------------------------------------------------------------------------------

function Comments({ d, onChanged }: { d: CaseDetail; onChanged: () => void }) {
  const { api, can } = useApp();
  const { nameOf } = useAssignees();
  const post = useAction();
  const [text, setText] = useState('');
  return (
    <Section title={`Comments (${d.comments.length})`}>
      {d.comments.length === 0 && <p className="empty">No comments yet.</p>}
      <ol className="plain-list comment-list">
        {d.comments.map((cm) => (
          <li key={cm.id} className="comment">
            <div className="small muted">
              <strong>{nameOf(cm.author)}</strong> · <span title={formatDateTime(cm.at)}>{formatAgo(cm.at)}</span>
            </div>
            <p className="comment-text">{cm.text}</p>
          </li>
        ))}
      </ol>
      {can('cases:write') && (
        <form
          className="form-stack"
          onSubmit={post.onSubmit(async () => {
            await api.commentOnCase(d.case.id, { text });
            setText('');
            onChanged();
          })}
        >
          <Field label="Add a comment">
            <textarea rows={3} required maxLength={4000} value={text} onChange={(e) => setText(e.target.value)} />
          </Field>
          <FormEnd action={post} busyLabel="Posting…">
            Comment
          </FormEnd>
        </form>
      )}
    </Section>
  );
}

type Fields = Record<string, unknown>;
const fields = (v: unknown): Fields | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Fields) : null);
const text = (v: unknown): string => (v === null || v === undefined || v === '' ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** A field's value as the case page shows it: statuses, resolutions and severities by label, assignees by name. */
function fieldValue(key: string, v: unknown, nameOf: (id: string | null) => string): string {
  if (typeof v === 'string' && key === 'status' && (CASE_STATUSES as string[]).includes(v)) return caseStatusLabel(v as CaseStatus);
  if (typeof v === 'string' && key === 'resolution' && (CASE_RESOLUTIONS as string[]).includes(v)) return resolutionLabel(v as CaseResolution);
  if (typeof v === 'string' && key === 'severity' && (SEVERITIES as string[]).includes(v)) return severityLabel(v as Severity);
  if (key === 'assignee' && (typeof v === 'string' || v === null)) return nameOf(v);
  return text(v);
}

/** "status: New → Investigating; assignee: Unassigned → You": the fields an entry changed. */
function changes(before: unknown, after: unknown, nameOf: (id: string | null) => string): string {
  const b = fields(before);
  const a = fields(after);
  if (!b && !a) return after === undefined || after === null ? '' : text(after);
  const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])];
  return keys
    .filter((k) => text(b?.[k]) !== text(a?.[k]))
    .map((k) => (b ? `${k}: ${fieldValue(k, b[k], nameOf)} → ${fieldValue(k, a?.[k], nameOf)}` : `${k}: ${fieldValue(k, a?.[k], nameOf)}`))
    .join('; ');
}

/** What one audited change did, in words: comments and flags read as sentences, updates as field changes. */
function HistoryChange({ h }: { h: CaseHistoryEntry }) {
  const { can } = useApp();
  const { nameOf } = useAssignees();
  const after = fields(h.after);
  switch (h.action) {
    case 'case.comment':
      return <>commented</>;
    case 'case.flag': {
      const findingId = typeof after?.flaggedFindingId === 'string' ? after.flaggedFindingId : null;
      return (
        <>
          flagged it for a fix
          {findingId && can('findings:read') && (
            <>
              {' '}
              (<a href={href(pathOf('findings', findingId))}>finding</a>)
            </>
          )}
          {typeof after?.note === 'string' && after.note && <>: “{after.note}”</>}
        </>
      );
    }
    case 'case.update':
      return <>changed {changes(h.before, h.after, nameOf)}</>;
    default:
      return (
        <>
          <span className="mono small">{h.action}</span> <span className="small break">{changes(h.before, h.after, nameOf)}</span>
        </>
      );
  }
}

const ACTOR_KINDS: Record<string, string> = { token: 'API token', system: 'Bulwark', anonymous: 'Anonymous' };

function History({ entries }: { entries: CaseHistoryEntry[] }) {
  const { nameOf } = useAssignees();
  return (
    <Section title="History">
      {entries.length === 0 ? (
        <p className="empty">Nothing changed since the case was opened.</p>
      ) : (
        <ol className="plain-list history-list">
          {entries.map((h, i) => (
            <li key={i}>
              <span className="small muted nowrap">{formatDateTime(h.at)}</span>{' '}
              <strong>{h.actor.kind === 'user' && h.actor.id ? nameOf(h.actor.id) : (ACTOR_KINDS[h.actor.kind] ?? h.actor.kind)}</strong> <HistoryChange h={h} />
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}
