import { useState } from 'react';
import type { ApplicationView, OneTimeLink, UserView } from '../../../../src/contracts/api.js';
import type { Role } from '../../../../src/contracts/identity.js';
import { useApp } from '../../app-context.js';
import { ErrorBanner, Notice } from '../../components/feedback.js';
import { Field, SubmitButton } from '../../components/form.js';
import { OneTimeSecret } from '../../components/one-time-secret.js';
import { PageHeader, Section } from '../../components/page.js';
import { TableSection } from '../../components/table-section.js';
import { MAX_PAGE_SIZE } from '../../components/list-query.js';
import { useAction } from '../../components/use-action.js';
import { useApplications, userLabel } from '../../components/use-directory.js';
import { formatAgo, formatDateTime } from '../../format.js';
import { ROLE_LABELS, ROLE_OPTIONS } from '../../labels.js';
import { useLoad } from '../../use-load.js';
import { AppPicker } from './app-picker.js';

/** The console link that carries a one-time token (invitation or password reset). */
function consoleLink(route: 'accept' | 'reset-password', token: string): string {
  return `${window.location.origin}${window.location.pathname}#/${route}?token=${encodeURIComponent(token)}`;
}

type Secret = { kind: 'invite' | 'reset'; link: OneTimeLink };

export function UsersPage() {
  const { api, can, session } = useApp();
  const manage = can('users:manage');
  // One page at the API's maximum size: a console's users fit; beyond that the page says what is left out.
  const users = useLoad(() => api.users({ limit: MAX_PAGE_SIZE }), 'users');
  const apps = useApplications();
  const [secret, setSecret] = useState<Secret | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const reset = useAction();
  const [notice, setNotice] = useState<string | null>(null);

  function resetPassword(u: UserView) {
    if (!window.confirm(`Create a password reset link for ${u.email}? Their current password stops working once the link is used.`)) return;
    void reset.run(async () => setSecret({ kind: 'reset', link: await api.resetUserPassword(u.id) }));
  }

  return (
    <div className="page">
      <PageHeader title="Users" subtitle="People who can sign in to this Bulwark, their roles and status." />
      {secret && (
        <OneTimeSecret
          title={secret.kind === 'invite' ? `Invitation for ${secret.link.user.email}` : `Password reset for ${secret.link.user.email}`}
          explanation={
            secret.kind === 'invite'
              ? 'Send this link to the person you invited, over a channel you trust. It lets them choose a password once.'
              : 'Send this link to the user over a channel you trust. It lets them set a new password once.'
          }
          secret={secret.link.token}
          link={consoleLink(secret.kind === 'invite' ? 'accept' : 'reset-password', secret.link.token)}
          expiresAt={secret.link.expiresAt}
          onDismiss={() => setSecret(null)}
        />
      )}
      {notice && <Notice tone="success">{notice}</Notice>}
      {users.data && users.data.total > users.data.items.length && (
        <Notice tone="warn">
          Showing the first {users.data.items.length} of {users.data.total} users, in order of email address.
        </Notice>
      )}
      <ErrorBanner error={reset.error} />
      {manage && (
        <InviteForm
          apps={apps.items}
          onInvited={(link) => {
            setSecret({ kind: 'invite', link });
            users.reload();
          }}
        />
      )}
      <TableSection title="All users" label="Users" load={users} columns={['User', 'Role', 'Status', 'Applications', 'Last sign-in', manage && 'Actions']}>
        {(u) => (
          <UserRow
            key={u.id}
            u={u}
            self={u.id === session.user.id}
            manage={manage}
            appNames={apps.names}
            editing={editing === u.id}
            apps={apps.items}
            onEdit={() => setEditing(editing === u.id ? null : u.id)}
            onSaved={(saved) => {
              setEditing(null);
              setNotice(`Saved ${saved.email}.`);
              users.reload();
            }}
            onReset={() => resetPassword(u)}
          />
        )}
      </TableSection>
    </div>
  );
}

function InviteForm({ apps, onInvited }: { apps: ApplicationView[]; onInvited: (l: OneTimeLink) => void }) {
  const { api } = useApp();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('soc-analyst');
  const [applications, setApplications] = useState<string[]>([]);
  const invite = useAction();

  const submit = invite.onSubmit(async () => {
    const name = displayName.trim();
    const link = await api.inviteUser({
      email: email.trim(),
      role,
      ...(name ? { displayName: name } : {}),
      ...(role === 'workload-owner' ? { applications } : {}),
    });
    setEmail('');
    setDisplayName('');
    setApplications([]);
    onInvited(link);
  });

  return (
    <Section title="Invite a user">
      <ErrorBanner error={invite.error} />
      <form className="form-grid" onSubmit={submit}>
        <Field label="Email">
          <input type="email" required value={email} maxLength={254} autoComplete="off" onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label="Display name" optional>
          <input type="text" value={displayName} maxLength={200} autoComplete="off" onChange={(e) => setDisplayName(e.target.value)} />
        </Field>
        <RoleSelect value={role} onChange={setRole} />
        {role === 'workload-owner' && (
          <div className="form-wide">
            <AppPicker legend="Applications this workload owner sees" apps={apps} value={applications} onChange={setApplications} />
          </div>
        )}
        <div className="form-actions">
          <SubmitButton busy={invite.busy} busyLabel="Inviting…">
            Invite
          </SubmitButton>
        </div>
      </form>
    </Section>
  );
}

function UserRow({
  u,
  self,
  manage,
  appNames,
  editing,
  apps,
  onEdit,
  onSaved,
  onReset,
}: {
  u: UserView;
  self: boolean;
  manage: boolean;
  appNames: ReadonlyMap<string, string>;
  editing: boolean;
  apps: ApplicationView[];
  onEdit: () => void;
  onSaved: (u: UserView) => void;
  onReset: () => void;
}) {
  const locked = u.lockedUntil !== null && new Date(u.lockedUntil).getTime() > Date.now();
  return (
    <>
      <tr>
        <th scope="row">
          <div>{userLabel(u)}</div>
          <div className="small muted">
            {u.email}
            {self && ' (you)'}
          </div>
        </th>
        <td>{ROLE_LABELS[u.role]}</td>
        <td>
          <span className={`pill status-${u.status}`}>{u.status}</span>
          {locked && (
            <span className="tag tag-warn" title={`Locked until ${formatDateTime(u.lockedUntil)}`}>
              locked
            </span>
          )}
          {u.failedLogins > 0 && <div className="small muted">{u.failedLogins} failed sign-ins</div>}
        </td>
        <td className="small">
          {u.role === 'workload-owner' ? (u.applications.length ? u.applications.map((id) => appNames.get(id) ?? id).join(', ') : <span className="muted">none</span>) : <span className="muted">all</span>}
        </td>
        <td title={formatDateTime(u.lastLoginAt)}>{u.lastLoginAt ? formatAgo(u.lastLoginAt) : <span className="muted">never</span>}</td>
        {manage && (
          <td className="actions">
            <button type="button" className="btn btn-small" aria-expanded={editing} onClick={onEdit}>
              Edit<span className="visually-hidden"> {u.email}</span>
            </button>
            {u.status !== 'invited' && (
              <button type="button" className="btn btn-small" onClick={onReset}>
                Reset password<span className="visually-hidden"> of {u.email}</span>
              </button>
            )}
          </td>
        )}
      </tr>
      {editing && (
        <tr className="row-editor">
          <td colSpan={manage ? 6 : 5}>
            <EditUser u={u} self={self} apps={apps} onSaved={onSaved} onCancel={onEdit} />
          </td>
        </tr>
      )}
    </>
  );
}

function EditUser({
  u,
  self,
  apps,
  onSaved,
  onCancel,
}: {
  u: UserView;
  self: boolean;
  apps: ApplicationView[];
  onSaved: (u: UserView) => void;
  onCancel: () => void;
}) {
  const { api } = useApp();
  const [displayName, setDisplayName] = useState(u.displayName);
  const [role, setRole] = useState<Role>(u.role);
  const [status, setStatus] = useState<'active' | 'disabled' | 'invited'>(u.status);
  const [applications, setApplications] = useState<string[]>(u.applications);
  const save = useAction();

  const submit = save.onSubmit(async () => {
    const name = displayName.trim();
    onSaved(
      await api.updateUser(u.id, {
        ...(name && name !== u.displayName ? { displayName: name } : {}),
        ...(role !== u.role ? { role } : {}),
        ...(status !== u.status && status !== 'invited' ? { status } : {}),
        ...(role === 'workload-owner' ? { applications } : {}),
      }),
    );
  });

  return (
    <form className="form-grid" onSubmit={submit} aria-label={`Edit ${u.email}`}>
      <ErrorBanner error={save.error} />
      <Field label="Display name">
        <input type="text" value={displayName} maxLength={200} onChange={(e) => setDisplayName(e.target.value)} />
      </Field>
      <RoleSelect value={role} onChange={setRole} />
      <Field label="Status">
        <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          {u.status === 'invited' && <option value="invited">Invited (not yet accepted)</option>}
          <option value="active">Active</option>
          <option value="disabled">Disabled</option>
        </select>
      </Field>
      {self && (role !== u.role || status === 'disabled') && (
        <p className="form-wide field-hint warn-text">You are changing your own account: you may lose access to this page.</p>
      )}
      {role === 'workload-owner' && (
        <div className="form-wide">
          <AppPicker legend="Applications" apps={apps} value={applications} onChange={setApplications} hint="Owners listed on an application also see it." />
        </div>
      )}
      <div className="form-actions">
        <SubmitButton busy={save.busy} busyLabel="Saving…">
          Save
        </SubmitButton>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function RoleSelect({ value, onChange }: { value: Role; onChange: (role: Role) => void }) {
  return (
    <Field label="Role">
      <select value={value} onChange={(e) => onChange(e.target.value as Role)}>
        {ROLE_OPTIONS.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </select>
    </Field>
  );
}
