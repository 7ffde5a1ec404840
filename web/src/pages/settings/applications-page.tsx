import { useMemo, useState, type FormEvent } from 'react';
import type { ApplicationMatcher, ApplicationView, UserView } from '../../../../src/contracts/api.js';
import { useApp } from '../../app-context.js';
import { ErrorBanner, Loading, Notice } from '../../components/feedback.js';
import { PageHeader, Section } from '../../components/page.js';
import { TableScroll } from '../../components/table.js';
import { formatAgo, formatDateTime } from '../../format.js';
import { href } from '../../router.js';
import { useLoad } from '../../use-load.js';

type Editing = { mode: 'new' } | { mode: 'edit'; app: ApplicationView } | null;

export function ApplicationsPage() {
  const { api, can } = useApp();
  const manage = can('applications:manage');
  const apps = useLoad(() => api.applications(), 'applications');
  const canUsers = can('users:read');
  const users = useLoad(() => (canUsers ? api.users() : Promise.resolve({ items: [] as UserView[] })), `users:${canUsers}`);
  const userNames = useMemo(() => new Map((users.data?.items ?? []).map((u) => [u.id, u.displayName || u.email])), [users.data]);
  const [editing, setEditing] = useState<Editing>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string | null>(null);

  async function remove(app: ApplicationView) {
    setError(undefined);
    try {
      await api.deleteApplication(app.id);
      setConfirming(null);
      setNotice(`Deleted ${app.name}. Its endpoints are now unassigned.`);
      apps.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="page">
      <PageHeader
        title="Applications"
        subtitle="Group APIs by host and path prefix, and give workload owners their applications."
        actions={
          manage && editing === null ? (
            <button type="button" className="btn btn-primary" onClick={() => setEditing({ mode: 'new' })}>
              New application
            </button>
          ) : undefined
        }
      />
      {notice && <Notice tone="success">{notice}</Notice>}
      <ErrorBanner error={error} />
      {editing && (
        <ApplicationForm
          key={editing.mode === 'edit' ? editing.app.id : 'new'}
          app={editing.mode === 'edit' ? editing.app : null}
          users={users.data?.items ?? []}
          canUsers={canUsers}
          onDone={(saved) => {
            setEditing(null);
            if (saved) {
              setNotice(`Saved ${saved.name}.`);
              apps.reload();
            }
          }}
        />
      )}
      <Section title="All applications">
        <ErrorBanner error={apps.error} onRetry={apps.reload} />
        {!apps.data && apps.loading && <Loading />}
        {apps.data && apps.data.items.length === 0 && <p className="empty">No applications yet. Endpoints are then shown without one.</p>}
        {apps.data && apps.data.items.length > 0 && (
          <TableScroll label="Applications">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Matchers</th>
                  <th scope="col">Owners</th>
                  <th scope="col">Updated</th>
                  {manage && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {apps.data.items.map((a) => (
                  <tr key={a.id}>
                    <th scope="row">
                      <a href={href('/inventory', { application: a.id })}>{a.name}</a>
                      <div className="small muted mono">{a.id}</div>
                    </th>
                    <td>
                      <ul className="plain-list">
                        {a.matchers.map((m, i) => (
                          <li key={i} className="mono small">
                            {m.host}
                            {m.pathPrefix ?? ''}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td className="small">{a.owners.length ? a.owners.map((o) => userNames.get(o) ?? o).join(', ') : <span className="muted">none</span>}</td>
                    <td title={formatDateTime(a.updatedAt)}>{formatAgo(a.updatedAt)}</td>
                    {manage && (
                      <td className="actions">
                        <button type="button" className="btn btn-small" onClick={() => setEditing({ mode: 'edit', app: a })}>
                          Edit<span className="visually-hidden"> {a.name}</span>
                        </button>
                        {confirming === a.id ? (
                          <>
                            <button type="button" className="btn btn-small btn-danger" onClick={() => remove(a)}>
                              Confirm delete<span className="visually-hidden"> {a.name}</span>
                            </button>
                            <button type="button" className="btn btn-small" onClick={() => setConfirming(null)}>
                              Cancel
                            </button>
                          </>
                        ) : (
                          <button type="button" className="btn btn-small" onClick={() => setConfirming(a.id)}>
                            Delete<span className="visually-hidden"> {a.name}</span>
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </Section>
    </div>
  );
}

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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const owners_ = canUsers ? owners : ownersText.split(/[\s,]+/).filter(Boolean);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const body = {
      name: name.trim(),
      owners: owners_,
      matchers: matchers
        .filter((m) => m.host.trim() !== '')
        .map((m): ApplicationMatcher => ({ host: m.host.trim(), ...(m.pathPrefix.trim() ? { pathPrefix: m.pathPrefix.trim() } : {}) })),
    };
    try {
      onDone(app ? await api.updateApplication(app.id, body) : await api.createApplication(body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const update = (key: number, patch: Partial<MatcherDraft>) => setMatchers(matchers.map((m) => (m.key === key ? { ...m, ...patch } : m)));

  return (
    <Section title={app ? `Edit ${app.name}` : 'New application'}>
      <ErrorBanner error={error} />
      <form className="form-stack" onSubmit={submit}>
        <label className="field">
          <span className="field-label">Name</span>
          <input type="text" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <fieldset className="fieldset">
          <legend>Matchers</legend>
          <p className="field-hint">
            Traffic belongs to the application when its host matches (<code>*.example.com</code> matches sub-domains) and, if given, its path starts with the
            prefix on whole segments (<code>/billing</code> matches <code>/billing/42</code>, not <code>/billingx</code>).
          </p>
          {matchers.map((m, i) => (
            <div key={m.key} className="matcher-row">
              <label className="field">
                <span className="field-label">Host {i + 1}</span>
                <input type="text" required={i === 0} maxLength={253} value={m.host} placeholder="api.example.com" onChange={(e) => update(m.key, { host: e.target.value })} />
              </label>
              <label className="field">
                <span className="field-label">Path prefix {i + 1}</span>
                <input type="text" maxLength={512} value={m.pathPrefix} placeholder="/billing (optional)" pattern="/.*" title="Starts with /" onChange={(e) => update(m.key, { pathPrefix: e.target.value })} />
              </label>
              <button type="button" className="btn btn-small" disabled={matchers.length === 1} onClick={() => setMatchers(matchers.filter((x) => x.key !== m.key))}>
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
                  {u.displayName || u.email}
                  {u.role === 'workload-owner' && <span className="muted small"> (workload owner)</span>}
                </label>
              ))}
            </div>
          </fieldset>
        ) : (
          <label className="field">
            <span className="field-label">Owner user ids</span>
            <textarea rows={3} value={ownersText} onChange={(e) => setOwnersText(e.target.value)} />
            <span className="field-hint">One user id per line.</span>
          </label>
        )}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : app ? 'Save' : 'Create application'}
          </button>
          <button type="button" className="btn" onClick={() => onDone(null)}>
            Cancel
          </button>
        </div>
      </form>
    </Section>
  );
}
