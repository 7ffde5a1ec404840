import { useState } from 'react';
import type { ApplicationMatcher, ApplicationView, UserView } from '../../../../src/contracts/api.js';
import type { Criticality } from '../../../../src/contracts/identity.js';
import { useApp } from '../../app-context.js';
import { ErrorBanner, Notice } from '../../components/feedback.js';
import { ConfirmButton, Field, SubmitButton } from '../../components/form.js';
import { PageHeader, Section } from '../../components/page.js';
import { TableSection } from '../../components/table-section.js';
import { useAction } from '../../components/use-action.js';
import { userLabel, useUsers } from '../../components/use-directory.js';
import { formatAgo, formatDateTime } from '../../format.js';
import { CRITICALITY_OPTIONS, criticalityLabel } from '../../labels.js';
import { href } from '../../router.js';
import { useLoad } from '../../use-load.js';

type Editing = { mode: 'new' } | { mode: 'edit'; app: ApplicationView } | null;

export function ApplicationsPage() {
  const { api, can } = useApp();
  const manage = can('applications:manage');
  const apps = useLoad(() => api.applications(), 'applications');
  const users = useUsers();
  const [editing, setEditing] = useState<Editing>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const removal = useAction();
  const [notice, setNotice] = useState<string | null>(null);

  const remove = (app: ApplicationView) =>
    removal.run(async () => {
      await api.deleteApplication(app.id);
      setConfirming(null);
      setNotice(`Deleted ${app.name}. Its endpoints are now unassigned.`);
      apps.reload();
    });

  return (
    <div className="page">
      <PageHeader
        title="Applications"
        subtitle="Group APIs by host and path prefix, record who owns them (team, contacts, owners) and how critical they are. Task digests go to the contacts and owners."
        actions={
          manage && editing === null ? (
            <>
              <a className="btn" href={href('/settings/ownership')}>
                Ownership rules
              </a>
              <button type="button" className="btn btn-primary" onClick={() => setEditing({ mode: 'new' })}>
                New application
              </button>
            </>
          ) : (
            <a className="btn" href={href('/settings/ownership')}>
              Ownership rules
            </a>
          )
        }
      />
      {notice && <Notice tone="success">{notice}</Notice>}
      <ErrorBanner error={removal.error} />
      {editing && (
        <ApplicationForm
          key={editing.mode === 'edit' ? editing.app.id : 'new'}
          app={editing.mode === 'edit' ? editing.app : null}
          users={users.items}
          canUsers={users.readable}
          onDone={(saved) => {
            setEditing(null);
            if (saved) {
              setNotice(`Saved ${saved.name}.`);
              apps.reload();
            }
          }}
        />
      )}
      <TableSection
        title="All applications"
        label="Applications"
        load={apps}
        columns={['Name', 'Team', 'Criticality', 'Data tags', 'Matchers', 'Owners and contacts', 'Updated', manage && 'Actions']}
        empty="No applications yet. Endpoints are then shown without one."
      >
        {(a) => (
          <tr key={a.id}>
            <th scope="row">
              <a href={href('/inventory', { application: a.id })}>{a.name}</a>
              <div className="small muted mono">{a.id}</div>
            </th>
            <td className={a.team ? undefined : 'muted'}>{a.team ?? 'none'}</td>
            <td>
              <span className={`badge level-${a.criticality}`}>{criticalityLabel(a.criticality)}</span>
            </td>
            <td>
              {a.dataTags.length ? (
                <span className="tags">
                  {a.dataTags.map((t) => (
                    <span key={t} className="tag tag-data">
                      {t}
                    </span>
                  ))}
                </span>
              ) : (
                <span className="muted">none</span>
              )}
            </td>
            <td>
              {a.matchers.length === 0 && <span className="muted small">none (spec rules only)</span>}
              <ul className="plain-list">
                {a.matchers.map((m, i) => (
                  <li key={i} className="mono small">
                    {m.host}
                    {m.pathPrefix ?? ''}
                  </li>
                ))}
              </ul>
            </td>
            <td className="small">
              {a.owners.length ? a.owners.map(users.labelOf).join(', ') : <span className="muted">no owners</span>}
              {a.contacts.length > 0 && <div className="muted break">{a.contacts.join(', ')}</div>}
            </td>
            <td title={formatDateTime(a.updatedAt)}>{formatAgo(a.updatedAt)}</td>
            {manage && (
              <td className="actions">
                <button type="button" className="btn btn-small" onClick={() => setEditing({ mode: 'edit', app: a })}>
                  Edit<span className="visually-hidden"> {a.name}</span>
                </button>
                <ConfirmButton verb="Delete" subject={a.name} asking={confirming === a.id} onAsk={(yes) => setConfirming(yes ? a.id : null)} onConfirm={() => remove(a)} />
              </td>
            )}
          </tr>
        )}
      </TableSection>
    </div>
  );
}

/** The entries of a list typed one a line or comma-separated. */
const words = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

interface MatcherDraft {
  key: number;
  host: string;
  pathPrefix: string;
}

function ApplicationForm({
  app,
  users,
  canUsers,
  onDone,
}: {
  app: ApplicationView | null;
  users: UserView[];
  canUsers: boolean;
  onDone: (saved: ApplicationView | null) => void;
}) {
  const { api } = useApp();
  const [name, setName] = useState(app?.name ?? '');
  const [owners, setOwners] = useState<string[]>(app?.owners ?? []);
  const [ownersText, setOwnersText] = useState((app?.owners ?? []).join('\n'));
  const [matchers, setMatchers] = useState<MatcherDraft[]>(
    app?.matchers.length ? app.matchers.map((m, i) => ({ key: i, host: m.host, pathPrefix: m.pathPrefix ?? '' })) : [{ key: 0, host: '', pathPrefix: '' }],
  );
  const [nextKey, setNextKey] = useState(1000);
  const [team, setTeam] = useState(app?.team ?? '');
  const [contacts, setContacts] = useState((app?.contacts ?? []).join('\n'));
  const [criticality, setCriticality] = useState<Criticality>(app?.criticality ?? 'medium');
  const [dataTags, setDataTags] = useState((app?.dataTags ?? []).join(', '));
  const save = useAction();
  const owners_ = canUsers ? owners : words(ownersText);

  const submit = save.onSubmit(async () => {
    const body = {
      name: name.trim(),
      owners: owners_,
      matchers: matchers
        .filter((m) => m.host.trim() !== '')
        .map((m): ApplicationMatcher => ({ host: m.host.trim(), ...(m.pathPrefix.trim() ? { pathPrefix: m.pathPrefix.trim() } : {}) })),
      team: team.trim() || null,
      contacts: words(contacts),
      criticality,
      dataTags: words(dataTags).map((t) => t.toLowerCase()),
    };
    onDone(app ? await api.updateApplication(app.id, body) : await api.createApplication(body));
  });

  const update = (key: number, patch: Partial<MatcherDraft>) => setMatchers(matchers.map((m) => (m.key === key ? { ...m, ...patch } : m)));

  return (
    <Section title={app ? `Edit ${app.name}` : 'New application'}>
      <ErrorBanner error={save.error} />
      <form className="form-stack" onSubmit={submit}>
        <Field label="Name">
          <input type="text" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <div className="form-grid">
          <Field label="Owner team" optional>
            <input type="text" maxLength={200} value={team} onChange={(e) => setTeam(e.target.value)} placeholder="e.g. commerce" />
          </Field>
          <Field label="Business criticality">
            <select value={criticality} onChange={(e) => setCriticality(e.target.value as Criticality)}>
              {CRITICALITY_OPTIONS.map((c) => (
                <option key={c} value={c}>
                  {criticalityLabel(c)}
                </option>
              ))}
            </select>
            <span className="field-hint">Feeds the risk score of the application's endpoints.</span>
          </Field>
          <Field label="Contacts" optional>
            <textarea rows={2} value={contacts} onChange={(e) => setContacts(e.target.value)} placeholder="shop-team@example.com" />
            <span className="field-hint">Email addresses, one a line or comma-separated (at most 20): task digests go here and to the owners.</span>
          </Field>
          <Field label="Data-protection tags" optional>
            <input type="text" value={dataTags} onChange={(e) => setDataTags(e.target.value)} placeholder="pci, pii, gdpr" />
            <span className="field-hint">Comma-separated, kebab-case (at most 20).</span>
          </Field>
        </div>
        <fieldset className="fieldset">
          <legend>Matchers</legend>
          <p className="field-hint">
            Traffic belongs to the application when its host matches (<code>*.example.com</code> matches sub-domains) and, if given, its path starts with the
            prefix on whole segments (<code>/billing</code> matches <code>/billing/42</code>, not <code>/billingx</code>). They are this application's host rules in
            the ordered <a href={href('/settings/ownership')}>ownership rules</a>, where the first match wins; rules by spec title, tag or owner are edited there.
          </p>
          {matchers.map((m, i) => (
            <div key={m.key} className="matcher-row">
              <Field label={`Host ${i + 1}`}>
                <input type="text" maxLength={253} value={m.host} placeholder="api.example.com" onChange={(e) => update(m.key, { host: e.target.value })} />
              </Field>
              <Field label={`Path prefix ${i + 1}`}>
                <input type="text" maxLength={512} value={m.pathPrefix} placeholder="/billing (optional)" pattern="/.*" title="Starts with /" onChange={(e) => update(m.key, { pathPrefix: e.target.value })} />
              </Field>
              <button type="button" className="btn btn-small" onClick={() => setMatchers(matchers.filter((x) => x.key !== m.key))}>
                Remove<span className="visually-hidden"> matcher {i + 1}</span>
              </button>
            </div>
          ))}
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              setMatchers([...matchers, { key: nextKey, host: '', pathPrefix: '' }]);
              setNextKey(nextKey + 1);
            }}
          >
            Add matcher
          </button>
        </fieldset>
        {canUsers ? (
          <fieldset className="fieldset">
            <legend>Owners</legend>
            <div className="checkbox-grid">
              {users.map((u) => (
                <label key={u.id} className="checkbox">
                  <input type="checkbox" checked={owners.includes(u.id)} onChange={(e) => setOwners(e.target.checked ? [...owners, u.id] : owners.filter((o) => o !== u.id))} />
                  {userLabel(u)}
                  {u.role === 'workload-owner' && <span className="muted small"> (workload owner)</span>}
                </label>
              ))}
            </div>
          </fieldset>
        ) : (
          <Field label="Owner user ids">
            <textarea rows={3} value={ownersText} onChange={(e) => setOwnersText(e.target.value)} />
            <span className="field-hint">One user id per line.</span>
          </Field>
        )}
        <div className="form-actions">
          <SubmitButton busy={save.busy} busyLabel="Saving…">
            {app ? 'Save' : 'Create application'}
          </SubmitButton>
          <button type="button" className="btn" onClick={() => onDone(null)}>
            Cancel
          </button>
        </div>
      </form>
    </Section>
  );
}
