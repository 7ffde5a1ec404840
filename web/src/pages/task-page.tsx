import { useState, type ReactNode } from 'react';
import type { OutboxEntry, RemediationTask, TaskActor, TaskDetail, TaskEvent, TaskStatus, TaskUpdate, VerificationEvidence } from '../../../src/contracts/remediation.js';
import { useApp } from '../app-context.js';
import { SeverityBadge } from '../components/badges.js';
import { useAssignees } from '../components/case-badges.js';
import { ErrorBanner, Notice } from '../components/feedback.js';
import { FindingCard } from '../components/finding-card.js';
import { Field, FormEnd } from '../components/form.js';
import { DetailPage, Fact, PageHeader, Section } from '../components/page.js';
import { TableHead, TableScroll } from '../components/table.js';
import { DueText, SlaBadge, TaskStatusBadge, TaskWhere } from '../components/task-badges.js';
import { useAction } from '../components/use-action.js';
import { formatAgo, formatDate, formatDateTime, formatNumber } from '../format.js';
import { OWASP_2023, taskStatusLabel, TASK_STATUSES } from '../labels.js';
import { href, pathOf } from '../router.js';
import { useLoad } from '../use-load.js';

/** The list a task page belongs to: the board for those who manage tasks (or only read them), else My tasks. */
export function taskListOf(can: (action: string) => boolean): 'remediation' | 'tasks' {
  return can('tasks:manage') || !can('tasks:write') ? 'remediation' : 'tasks';
}

export function TaskPage({ id }: { id: string }) {
  const { api, can } = useApp();
  const detail = useLoad(() => api.task(id), `task:${id}`);
  const list = taskListOf(can) === 'remediation' ? { label: 'Remediation board', href: href('/remediation') } : { label: 'My tasks', href: href('/tasks') };
  return (
    <DetailPage list={list} kind="Task" load={detail}>
      {(d) => <TaskBody d={d} reload={detail.reload} />}
    </DetailPage>
  );
}

const ACTIVE: readonly TaskStatus[] = ['open', 'in-progress', 'reopened'];

function TaskBody({ d, reload }: { d: TaskDetail; reload: () => void }) {
  const { can } = useApp();
  const { nameOf } = useAssignees();
  const t = d.task;
  const owaspTitle = OWASP_2023.find((o) => o.id === t.owasp)?.title;
  const manage = can('tasks:manage');
  return (
    <>
      <PageHeader
        title={
          <>
            <span className="case-ref mono">{t.ref}</span> {t.title}
          </>
        }
        subtitle={
          <span className="header-badges">
            <SeverityBadge severity={t.severity} /> <TaskStatusBadge status={t.status} /> <SlaBadge sla={t.sla} /> <span className="mono small">{t.ruleId}</span>
          </span>
        }
      />
      <dl className="facts">
        <Fact term="Due" title={formatDateTime(t.dueAt)}>
          <DueText task={t} />
          {ACTIVE.includes(t.status) && <div className="small muted">{formatDate(t.dueAt)}</div>}
        </Fact>
        <Fact term="Application">{d.applicationName ?? (t.applicationId ? <span className="mono">{t.applicationId}</span> : <span className="muted">Unowned</span>)}</Fact>
        <Fact term="Where">
          <TaskPlace t={t} />
        </Fact>
        <Fact term="Assignee">{nameOf(t.assignee)}</Fact>
        <Fact term="Findings">
          {formatNumber(t.openFindings)} of {formatNumber(t.findingCount)} open
        </Fact>
        <Fact term="OWASP / CWE">
          <span title={owaspTitle}>{t.owasp}</span> · {t.cwe}
        </Fact>
        <Fact term="Opened" title={formatDateTime(t.createdAt)}>
          {formatAgo(t.createdAt)}
          {t.reopenCount > 0 && <div className="small muted">reopened {formatNumber(t.reopenCount)}×</div>}
        </Fact>
        <Fact term="Ticket">
          {t.ticket ? (
            <>
              <a href={t.ticket.url} target="_blank" rel="noreferrer noopener">
                {t.ticket.key}
                <span className="visually-hidden"> (opens in a new tab)</span>
              </a>
              <div className="small muted">
                {t.ticket.system === 'jira' ? 'Jira' : 'GitHub'}
                {t.ticket.status && ` · ${t.ticket.status}`}
              </div>
            </>
          ) : (
            <span className="muted">none</span>
          )}
        </Fact>
      </dl>
      <Outcome t={t} />
      <div className={manage ? 'case-layout' : undefined}>
        <div className="case-main">
          {can('tasks:write') ? <WorkPanel t={t} onChanged={reload} /> : <Notice>Your role can read tasks but not work on them.</Notice>}
          <Section title="How to fix it">
            <p className="remediation-text">{t.remediation}</p>
          </Section>
          <Section title={`Findings (${formatNumber(t.findingCount)})`}>
            <p className="small muted">Evidence was redacted before it was stored: secrets and personal data are typed placeholders.</p>
            {d.findings.length === 0 ? <p className="empty">No finding is left in this task.</p> : d.findings.map((f) => <FindingCard key={f.id} finding={f} sample advice={false} />)}
            {d.findings.length < t.findingCount && <p className="small muted">The first {formatNumber(d.findings.length)} are shown.</p>}
          </Section>
          <History events={d.history} />
          <Deliveries entries={d.deliveries} onChanged={reload} />
        </div>
        {manage && (
          <div className="case-side">
            <ManagePanel t={t} onChanged={reload} />
          </div>
        )}
      </div>
    </>
  );
}

/** The endpoint (linked to its page), the spec (linked), or the host the task is about. */
function TaskPlace({ t }: { t: RemediationTask }) {
  const { can } = useApp();
  return (
    <>
      {t.endpointId && can('inventory:read') ? (
        <a href={href(pathOf('endpoints', t.endpointId))} aria-label={`Endpoint ${t.method ?? ''} ${t.host}${t.pathTemplate ?? ''}`}>
          <TaskWhere task={t} />
        </a>
      ) : (
        <TaskWhere task={t} />
      )}
      {t.specId && can('specs:read') && (
        <div className="small">
          <a href={href(pathOf('specs', t.specId))}>Open the API specification</a>
        </div>
      )}
    </>
  );
}

const EVIDENCE_SOURCES: Record<VerificationEvidence['source'], string> = {
  traffic: 'later traffic',
  'spec-version': 'a new spec version',
  audit: 'a re-audit',
  'finding-resolved': 'its findings',
};

/** Where the task stands once the owner's work is done: verified (with the evidence), reopened (why), fixed (waiting), or risk accepted. */
function Outcome({ t }: { t: RemediationTask }) {
  if (t.status === 'verified' && t.verification) {
    return (
      <Notice tone="success">
        <span>
          <strong>Verified</strong> from {EVIDENCE_SOURCES[t.verification.source]} {formatAgo(t.verification.at)}: {t.verification.summary}
        </span>
      </Notice>
    );
  }
  if (t.status === 'reopened' && t.verification) {
    return (
      <Notice tone="warn">
        <span>
          <strong>Reopened</strong> {formatAgo(t.verification.at)}: {t.verification.summary}
        </span>
      </Notice>
    );
  }
  if (t.status === 'fixed') {
    return (
      <Notice>
        <span>
          <strong>Fixed, awaiting verification.</strong> Bulwark verifies the fix from later traffic to the endpoint or the next spec version, and reopens the task
          if the problem comes back.
        </span>
      </Notice>
    );
  }
  if (t.status === 'risk-accepted' && t.riskAcceptance) {
    const r = t.riskAcceptance;
    return (
      <Notice tone="warn">
        <span>
          <strong>Risk accepted</strong> by {r.approver.label} {formatAgo(r.acceptedAt)}, until <span title={formatDateTime(r.expiresAt)}>{formatDate(r.expiresAt)}</span>: “{r.reason}”.
          The task reopens when the acceptance expires.
        </span>
      </Notice>
    );
  }
  return null;
}

// ---- the owner's work: status, taking the task, comments ---------------------------------------------------

function WorkPanel({ t, onChanged }: { t: RemediationTask; onChanged: () => void }) {
  const { api } = useApp();
  const { me } = useAssignees();
  const action = useAction();
  const [comment, setComment] = useState('');
  const patch = (body: TaskUpdate) =>
    void action.run(async () => {
      const text = comment.trim();
      await api.updateTask(t.id, text ? { ...body, comment: text } : body);
      setComment('');
      onChanged();
    });
  const active = ACTIVE.includes(t.status);
  return (
    <Section title="Work on this task">
      <form
        className="form-stack"
        aria-label="Work on this task"
        onSubmit={action.onSubmit(async () => {
          await api.commentOnTask(t.id, comment);
          setComment('');
          onChanged();
        })}
      >
        <Field label="Comment" optional>
          <textarea rows={3} maxLength={4000} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="What you changed, or why it takes longer" />
          <span className="field-hint">Goes into the history; a status change below posts it with the change.</span>
        </Field>
        <ErrorBanner error={action.error} />
        <div className="form-actions work-actions">
          {active && t.status !== 'in-progress' && (
            <button type="button" className="btn" disabled={action.busy} onClick={() => patch({ status: 'in-progress' })}>
              Mark in progress
            </button>
          )}
          {active && (
            <button type="button" className="btn btn-primary" disabled={action.busy} onClick={() => patch({ status: 'fixed' })}>
              Mark fixed
            </button>
          )}
          {t.status === 'fixed' && (
            <button type="button" className="btn" disabled={action.busy} onClick={() => patch({ status: 'in-progress' })}>
              Not fixed yet: back to in progress
            </button>
          )}
          {t.assignee !== me && (active || t.status === 'fixed') && (
            <button type="button" className="btn" disabled={action.busy} onClick={() => patch({ assignee: me })}>
              Take it
            </button>
          )}
          <button type="submit" className="btn" disabled={action.busy || comment.trim() === ''}>
            Post comment
          </button>
        </div>
        {active && (
          <p className="small muted">
            Mark it fixed once the change is live. Bulwark verifies the fix from later traffic or the next spec version, and reopens the task if the problem comes
            back.
          </p>
        )}
        {(t.status === 'verified' || t.status === 'risk-accepted') && (
          <p className="small muted">Nothing left to do: Bulwark reopens the task if the problem comes back{t.status === 'risk-accepted' ? ' or the acceptance expires' : ''}.</p>
        )}
      </form>
    </Section>
  );
}

// ---- the practitioner's controls: assignee, due date, risk acceptance ------------------------------------

/** `YYYY-MM-DD` of an ISO time, for a date input. */
const dateOf = (iso: string) => iso.slice(0, 10);
/** The end of a chosen UTC day: "due on the 8th" includes the 8th. */
const endOfDay = (date: string) => `${date}T23:59:59.000Z`;

function ManagePanel({ t, onChanged }: { t: RemediationTask; onChanged: () => void }) {
  const { api } = useApp();
  const { me, users, nameOf } = useAssignees();
  const assign = useAction();
  const due = useAction();
  const accept = useAction();
  const [assignee, setAssignee] = useState(t.assignee ?? '');
  const [dueDate, setDueDate] = useState(dateOf(t.dueAt));
  const [reason, setReason] = useState('');
  const [expires, setExpires] = useState('');
  const ids = [...new Set([me, ...users.items.filter((u) => u.status === 'active').map((u) => u.id), ...(t.assignee ? [t.assignee] : [])])];
  const today = new Date().toISOString().slice(0, 10);
  return (
    <Section title="Manage">
      <form
        className="form-stack"
        aria-label="Assignee"
        onSubmit={assign.onSubmit(async () => {
          await api.updateTask(t.id, { assignee: assignee === '' ? null : assignee });
          onChanged();
        })}
      >
        <Field label="Assignee">
          <select value={assignee} onChange={(e) => setAssignee(e.target.value)}>
            <option value="">Unassigned</option>
            {ids.map((id) => (
              <option key={id} value={id}>
                {nameOf(id)}
              </option>
            ))}
          </select>
        </Field>
        <FormEnd action={assign} busyLabel="Assigning…">
          Assign
        </FormEnd>
      </form>
      <form
        className="form-stack manage-form"
        aria-label="Due date"
        onSubmit={due.onSubmit(async () => {
          await api.updateTask(t.id, { dueAt: endOfDay(dueDate) });
          onChanged();
        })}
      >
        <Field label="Due date (UTC)">
          <input type="date" required value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
        </Field>
        <FormEnd action={due} busyLabel="Saving…">
          Change due date
        </FormEnd>
      </form>
      {t.status !== 'verified' && t.status !== 'risk-accepted' && (
        <form
          className="form-stack manage-form"
          aria-label="Accept the risk"
          onSubmit={accept.onSubmit(async () => {
            await api.acceptTaskRisk(t.id, { reason: reason.trim(), expiresAt: endOfDay(expires) });
            setReason('');
            onChanged();
          })}
        >
          <h3 className="h-small">Accept the risk</h3>
          <p className="small muted">Closes the task until the expiry, with you as the approver; it reopens then.</p>
          <Field label="Reason">
            <textarea rows={2} required minLength={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <Field label="Expires on (UTC)">
            <input type="date" required min={today} value={expires} onChange={(e) => setExpires(e.target.value)} />
          </Field>
          <FormEnd action={accept} busyLabel="Accepting…">
            Accept risk
          </FormEnd>
        </form>
      )}
    </Section>
  );
}

// ---- history and deliveries ---------------------------------------------------------------------------------

const statusWord = (s: string | null) => (s !== null && (TASK_STATUSES as string[]).includes(s) ? taskStatusLabel(s as TaskStatus) : (s ?? '—'));

/** What one history entry says, after its actor's name. */
function EventText({ e, nameOf }: { e: TaskEvent; nameOf: (id: string | null) => string }) {
  const quote = (text: string | null) => text && <p className="comment-text">{text}</p>;
  switch (e.kind) {
    case 'created':
      return <>opened the task{e.text && `: ${e.text}`}</>;
    case 'status':
      return (
        <>
          changed the status from {statusWord(e.from)} to <strong>{statusWord(e.to)}</strong>
          {quote(e.text)}
        </>
      );
    case 'assigned':
      if (e.to === null) return <>unassigned it</>;
      return e.to === e.actor.id ? <>took it</> : <>assigned it to {nameOf(e.to)}</>;
    case 'comment':
      return <>commented{quote(e.text)}</>;
    case 'due':
      return (
        <>
          moved the due date from {formatDate(e.from)} to <strong>{formatDate(e.to)}</strong>
        </>
      );
    case 'verified':
      return <>verified the fix{quote(e.text)}</>;
    case 'reopened':
      return <>reopened the task{quote(e.text)}</>;
    case 'notified':
      return <>sent it to the owners{e.text && ` (${e.text})`}</>;
    case 'ticket':
      return <>linked ticket {e.to ?? '—'}</>;
    case 'sla':
      return (
        <>
          SLA changed from {e.from ?? '—'} to <strong>{e.to ?? '—'}</strong>
        </>
      );
    default:
      return (
        <>
          {e.kind}
          {e.text && `: ${e.text}`}
        </>
      );
  }
}

function History({ events }: { events: TaskEvent[] }) {
  const { me, users, nameOf } = useAssignees();
  const who = (a: TaskActor): ReactNode => {
    if (a.kind === 'system') return 'Bulwark';
    if (a.kind === 'user' && a.id) return a.id === me ? 'You' : users.byId.has(a.id) ? nameOf(a.id) : a.label;
    return a.kind === 'token' ? `API token ${a.label}` : a.label;
  };
  return (
    <Section title="History">
      {events.length === 0 ? (
        <p className="empty">No change yet.</p>
      ) : (
        <ol className="plain-list history-list task-history">
          {events.map((e) => (
            <li key={e.id} className={e.kind === 'comment' ? 'comment' : undefined}>
              <span className="small muted nowrap">{formatDateTime(e.at)}</span> <strong>{who(e.actor)}</strong> <EventText e={e} nameOf={nameOf} />
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

const KIND_LABELS: Record<OutboxEntry['kind'], string> = { digest: 'Digest', ticket: 'Ticket', 'task-change': 'Change notice' };

/** The messages Bulwark sent (or is sending) about the task; a dead one can be sent again. */
function Deliveries({ entries, onChanged }: { entries: OutboxEntry[]; onChanged: () => void }) {
  const { api, can } = useApp();
  const retry = useAction();
  const manage = can('tasks:manage');
  return (
    <Section title={`Deliveries (${formatNumber(entries.length)})`}>
      {entries.length === 0 ? (
        <p className="empty">No ticket or change notice for this task. The email digests that listed it are in the history (“sent it to the owners”).</p>
      ) : (
        <>
          <ErrorBanner error={retry.error} />
          <TableScroll label="Deliveries">
            <table className="table table-compact">
              <TableHead
                columns={['Channel', 'Message', 'Status', { key: 'attempts', label: 'Attempts', className: 'num' }, 'Last error', 'Queued', 'Sent', manage && 'Actions']}
              />
              <tbody>
                {entries.map((o) => (
                  <tr key={o.id}>
                    <td className="mono">{o.channel}</td>
                    <td>{KIND_LABELS[o.kind]}</td>
                    <td>
                      <span className={`pill delivery-${o.status}`}>{o.status}</span>
                      {o.status === 'pending' && o.nextAttemptAt && <div className="small muted">next try {formatDateTime(o.nextAttemptAt)}</div>}
                    </td>
                    <td className="num">{formatNumber(o.attempts)}</td>
                    <td className="small break">{o.lastError ?? <span className="muted">—</span>}</td>
                    <td className="nowrap" title={formatDateTime(o.createdAt)}>
                      {formatAgo(o.createdAt)}
                    </td>
                    <td className="nowrap" title={o.sentAt ? formatDateTime(o.sentAt) : undefined}>
                      {o.sentAt ? formatAgo(o.sentAt) : '—'}
                    </td>
                    {manage && (
                      <td className="actions">
                        {o.status === 'dead' && (
                          <button
                            type="button"
                            className="btn btn-small"
                            disabled={retry.busy}
                            onClick={() =>
                              void retry.run(async () => {
                                await api.retryDelivery(o.id);
                                onChanged();
                              })
                            }
                          >
                            Retry<span className="visually-hidden"> {KIND_LABELS[o.kind].toLowerCase()} to {o.channel}</span>
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </Section>
  );
}
