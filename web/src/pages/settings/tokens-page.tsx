import { useState, type FormEvent } from 'react';
import type { TokenView } from '../../../../src/contracts/api.js';
import type { CreatedToken, TokenScope } from '../../api.js';
import { useApp } from '../../app-context.js';
import { ErrorBanner, Loading, Notice } from '../../components/feedback.js';
import { OneTimeSecret } from '../../components/one-time-secret.js';
import { PageHeader, Section } from '../../components/page.js';
import { TableScroll } from '../../components/table.js';
import { formatAgo, formatDateTime } from '../../format.js';
import { scopeLabel, TOKEN_SCOPES } from '../../labels.js';
import { useLoad } from '../../use-load.js';

export function TokensPage() {
  const { api, can } = useApp();
  const manage = can('tokens:manage');
  const tokens = useLoad(() => api.tokens(), 'tokens');
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string | null>(null);

  async function revoke(t: TokenView) {
    setError(undefined);
    try {
      await api.revokeToken(t.id);
      setConfirming(null);
      setNotice(`Revoked ${t.name}. Clients using it are refused from now on.`);
      tokens.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="page">
      <PageHeader title="API tokens" subtitle="Machine credentials for the ingest and read APIs. Bulwark keeps only a hash of each secret." />
      {created && (
        <OneTimeSecret
          title={`Token ${created.name}`}
          explanation="Copy the token now and store it in your secret manager. Send it as `Authorization: Bearer <token>`."
          secret={created.token}
          onDismiss={() => setCreated(null)}
        />
      )}
      {notice && <Notice tone="success">{notice}</Notice>}
      <ErrorBanner error={error} />
      {manage && (
        <CreateToken
          onCreated={(t) => {
            setNotice(null);
            setCreated(t);
            tokens.reload();
          }}
        />
      )}
      <Section title="Tokens">
        <ErrorBanner error={tokens.error} onRetry={tokens.reload} />
        {!tokens.data && tokens.loading && <Loading />}
        {tokens.data && tokens.data.items.length === 0 && <p className="empty">No tokens yet.</p>}
        {tokens.data && tokens.data.items.length > 0 && (
          <TableScroll label="API tokens">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                  {manage && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {tokens.data.items.map((t) => (
                  <tr key={t.id} className={t.revoked ? 'row-muted' : undefined}>
                    <th scope="row">
                      {t.name}
                      <div className="small muted mono">{t.id}</div>
                    </th>
                    <td>
                      <span className="tags">
                        {t.scopes.map((s) => (
                          <span key={s} className={s === 'admin' ? 'tag tag-warn' : 'tag'}>
                            {s}
                          </span>
                        ))}
                      </span>
                    </td>
                    <td title={formatDateTime(t.createdAt)}>{formatAgo(t.createdAt)}</td>
                    <td title={formatDateTime(t.lastUsedAt)}>{t.lastUsedAt ? formatAgo(t.lastUsedAt) : <span className="muted">never</span>}</td>
                    <td>
                      <span className={`pill status-${t.revoked ? 'disabled' : 'active'}`}>{t.revoked ? 'revoked' : 'active'}</span>
                    </td>
                    {manage && (
                      <td className="actions">
                        {!t.revoked &&
                          (confirming === t.id ? (
                            <>
                              <button type="button" className="btn btn-small btn-danger" onClick={() => revoke(t)}>
                                Confirm revoke<span className="visually-hidden"> {t.name}</span>
                              </button>
                              <button type="button" className="btn btn-small" onClick={() => setConfirming(null)}>
                                Cancel
                              </button>
                            </>
                          ) : (
                            <button type="button" className="btn btn-small" onClick={() => setConfirming(t.id)}>
                              Revoke<span className="visually-hidden"> {t.name}</span>
                            </button>
                          ))}
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

function CreateToken({ onCreated }: { onCreated: (t: CreatedToken) => void }) {
  const { api } = useApp();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<TokenScope[]>(['ingest']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (scopes.length === 0) return setError(new Error('Choose at least one scope.'));
    setBusy(true);
    setError(undefined);
    try {
      onCreated(await api.createToken({ name: name.trim(), scopes }));
      setName('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section title="Create a token">
      <ErrorBanner error={error} />
      <form className="form-grid" onSubmit={submit}>
        <label className="field">
          <span className="field-label">Name</span>
          <input type="text" required maxLength={100} value={name} placeholder="e.g. gateway-eu" autoComplete="off" onChange={(e) => setName(e.target.value)} />
        </label>
        <fieldset className="fieldset">
          <legend>Scopes</legend>
          <div className="checkbox-grid">
            {TOKEN_SCOPES.map((s) => (
              <label key={s} className="checkbox">
                <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} />
                {scopeLabel(s)}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
    </Section>
  );
}
